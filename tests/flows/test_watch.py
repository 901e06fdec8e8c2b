"""`pantau validate --watch`: one process validates again after each change of the inbox."""

from __future__ import annotations

import time

from typer.testing import CliRunner

from flows.cli import app
from flows.watch import folder_state, watch
from helpers import NIP_A, ROSTER, write_inbox

runner = CliRunner()
BAD = f"nip,tanggal,jam_masuk,jam_pulang,status\n{NIP_A},2026-10-01,07:31,16:00,X\n"
FIXED = f"nip,tanggal,jam_masuk,jam_pulang,status\n{NIP_A},2026-10-01,07:31,16:00,H\n"


def test_a_fixed_export_is_validated_again_by_the_same_process(tmp_path, monkeypatch):
    inbox = write_inbox(tmp_path, {"pegawai/p.csv": ROSTER, "presensi/r.csv": BAD})
    sleeps = []

    def sleep(seconds):  # the analyst saves the fix while the watch waits, then presses Ctrl+C
        sleeps.append(seconds)
        if len(sleeps) == 1:
            (inbox / "presensi" / "r.csv").write_text(FIXED, encoding="utf-8")
        elif len(sleeps) == 3:  # 2: the fix held still, validated again; 3: nothing new
            raise KeyboardInterrupt

    monkeypatch.setattr(time, "sleep", sleep)
    result = runner.invoke(app, ["validate", "--watch", "--inbox", str(inbox), "--as-of", "2026-11-28"])
    assert result.exit_code == 0, result.output
    summaries = result.output.split(f"Validasi {inbox}")[1:]
    assert len(summaries) == 2
    assert "baris 2, kolom status = 'X'" in summaries[0]
    assert "kolom status" not in summaries[1]
    assert "inbox berubah: memvalidasi ulang" in result.output
    assert "berhenti memantau inbox" in result.output
    assert sleeps == [1.0, 1.0, 1.0]  # [validate] watch_interval's default
    # the second pass says what a fresh command says
    fresh = runner.invoke(app, ["validate", "--inbox", str(inbox), "--as-of", "2026-11-28"])
    assert summaries[1].startswith(fresh.output.split(f"Validasi {inbox}")[1])


def test_a_copy_in_progress_is_waited_for(tmp_path):
    inbox = write_inbox(tmp_path, {"pegawai/p.csv": ROSTER})
    steps = iter(
        [
            lambda: (inbox / "a.csv").write_text("1"),
            lambda: (inbox / "a.csv").write_text("12"),
            lambda: None,
            lambda: None,
        ]
    )
    seen = []

    def validate_once():
        seen.append(folder_state([inbox]))
        return 0

    watch(validate_once, [inbox], 1.0, lambda m: None, sleep=lambda s: next(steps)(), passes=2)
    assert len(seen) == 2
    assert any(p.endswith("a.csv") and size == 2 for p, size, _ in seen[1])  # read only once it held still


def test_the_watch_interval_is_a_setting(tmp_path):
    config = tmp_path / "p.toml"
    config.write_text("[validate]\nwatch_interval = -1\n", encoding="utf-8")
    result = runner.invoke(app, ["validate", "--watch", "--config", str(config), "--inbox", str(tmp_path)])
    assert result.exit_code == 2
    assert "[validate] watch_interval" in result.output
