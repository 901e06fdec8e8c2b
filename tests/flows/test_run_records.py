"""Run records follow the exit code: `success` at 0, `blocked` at 1, `failed` at 4; exits 2 and 3
record no run; a command that does not exit 0 never leaves its run recorded `success` — not when
the report after publishing fails (a full disk, simulated: the pages are written last).

Through the real `pantau run` in this process, against the session's Prefect test server.
"""

from __future__ import annotations

import errno
import subprocess
from pathlib import Path

import duckdb
from typer.testing import CliRunner

from flows.cli import app
from helpers import NIP_A, NIP_B, ROSTER, write_inbox

RECAP = f"nip,tanggal,jam_masuk,jam_pulang,status\n{NIP_A},2026-10-01,07:31,16:00,H\n{NIP_B},2026-10-01,07:20,16:10,H\n"


class Office:
    """One warehouse, and `pantau run --period 2026-10` on an inbox of choice."""

    def __init__(self, root: Path):
        self.root = root
        self.warehouse = root / "gudang.duckdb"
        self.config = root / "pantau.toml"
        self.config.write_text(f'[paths]\nstate_dir = "{(root / "state").as_posix()}"\n', encoding="utf-8")

    def run(self, inbox: Path, *extra: str):
        return CliRunner().invoke(
            app,
            [
                "run",
                "--period",
                "2026-10",
                "--config",
                str(self.config),
                "--inbox",
                str(inbox),
                "--warehouse",
                str(self.warehouse),
                "--out",
                str(self.root / "out"),
                "--as-of",
                "2026-11-28",
                *extra,
            ],
        )

    def runs(self) -> list[tuple]:
        if not self.warehouse.exists():
            return []
        con = duckdb.connect(str(self.warehouse), read_only=True)
        try:
            return con.execute("select status, message from lineage.runs order by started_at").fetchall()
        finally:
            con.close()


def test_each_exit_code_leaves_its_run_record(prefect_server, tmp_path, monkeypatch):
    office = Office(tmp_path)
    good = write_inbox(tmp_path / "baik", {"pegawai/p.csv": ROSTER, "presensi/r.csv": RECAP})
    no_attendance = write_inbox(tmp_path / "tanpa-presensi", {"pegawai/p.csv": ROSTER})

    blocked = office.run(no_attendance)
    assert blocked.exit_code == 1, blocked.output
    [(status, message)] = office.runs()
    assert status == "blocked" and "tidak ada data presensi yang sah untuk periode 2026-10" in message

    ok = office.run(good)
    assert ok.exit_code == 0, ok.output
    assert office.runs()[-1] == ("success", None)
    # the success is recorded with the pages: the Metodologi page shows the run's end and status
    page = (tmp_path / "out" / "2026-10" / "metodologi.html").read_text(encoding="utf-8")
    assert '<span data-teks="status">berhasil</span>' in page and "Selesai</td>" in page

    import reports.render

    def disk_full(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(reports.render, "render_period", disk_full)
    failed = office.run(good)
    assert failed.exit_code == 4, failed.output
    assert "galat internal: OSError" in failed.output
    assert office.runs()[-1] == ("failed", "OSError: [Errno 28] No space left on device")
    assert [s for s, _ in office.runs()] == ["blocked", "success", "failed"]


def test_exits_2_and_3_record_no_run(prefect_server, tmp_path):
    office = Office(tmp_path)
    good = write_inbox(tmp_path / "baik", {"pegawai/p.csv": ROSTER, "presensi/r.csv": RECAP})
    assert office.run(good).exit_code == 0
    before = office.runs()

    bad = tmp_path / "salah.toml"
    bad.write_text('[paths]\ninbx = "x"\n', encoding="utf-8")
    usage = CliRunner().invoke(
        app,
        [
            "run",
            "--period",
            "2026-10",
            "--config",
            str(bad),
            "--inbox",
            str(good),
            "--warehouse",
            str(office.warehouse),
        ],
    )
    assert usage.exit_code == 2, usage.output
    assert office.run(good, "--partitioned").exit_code == 2  # a warehouse of single runs

    holder = subprocess.Popen(["sleep", "60"])
    try:
        Path(f"{office.warehouse}.lock").write_text(
            f'{{"pid": {holder.pid}, "description": "pantau run --period 2026-09", "started": "2026-11-28T06:00:00"}}'
        )
        locked = office.run(good)
    finally:
        holder.kill()
        holder.wait()
    assert locked.exit_code == 3, locked.output
    assert office.runs() == before
