"""What an analyst reads on the terminal (flows/console.py): a month's run lists that month's
files and sums up the others, `validate` says what it would do, columns fit long names."""

from __future__ import annotations

from typer.testing import CliRunner

from flows.cli import app
from flows.console import text_summary
from flows.steps import Outcome
from helpers import NIP_A, ROSTER, write_inbox

LONG = "presensi/keterangan_kelurahan-petuk-barunai-dan-sekitarnya_2026-10.csv"


def _file(path, periods, action="unchanged", read=10, quarantined=0, **extra):
    return {
        "path": path,
        "kind": path.split("/")[0],
        "action": action,
        "shape": "presensi_recap",
        "periods": periods,
        "rows_read": read,
        "rows_loaded": read - quarantined,
        "rows_quarantined": quarantined,
        "reconciled": True,
        "warnings": [],
        **extra,
    }


def test_a_month_run_lists_its_files_and_sums_up_the_other_months():
    files = [
        _file("pegawai/pegawai.csv", [], read=60),
        _file(LONG, ["2026-10"], action="loaded", read=25),
        *[_file(f"presensi/rekap_kelurahan-pager_2026-{m:02d}.csv", [f"2026-{m:02d}"], read=100) for m in range(1, 10)],
        # another month's file with quarantined rows is never hidden in the summary
        _file("presensi/rekap_kelurahan-pager_2025-12.csv", ["2025-12"], read=50, quarantined=2),
    ]
    text = text_summary(Outcome(files=files, period="2026-10"), "Periode 2026-10")
    lines = text.splitlines()
    listed = [line.split()[0] for line in lines[3:] if line.startswith(("pegawai/", "presensi/"))]
    assert listed == ["pegawai/pegawai.csv", LONG, "presensi/rekap_kelurahan-pager_2025-12.csv"]
    assert "+ 9 berkas bulan lain: semua sudah dimuat, tidak berubah (900 baris, tanpa karantina)" in lines
    # the totals still cover every file: 60 + 25 + 900 + 50 read, 2 quarantined
    total = next(line for line in lines if line.startswith("jumlah"))
    assert total.split() == ["jumlah", "1035", "1033", "2"]
    # columns fit the longest name: every row's 'jenis' starts at the same place, after two spaces
    header = lines[2]
    start = header.index("jenis")
    assert start == len(LONG) + 2
    assert all(line[start:].startswith("presensi_recap") for line in lines if line.startswith("presensi/"))
    assert "baru dimuat" in next(line for line in lines if line.startswith(LONG))


def test_validate_says_what_it_would_do(tmp_path):
    inbox = write_inbox(
        tmp_path / "inbox",
        {
            "pegawai/p.csv": ROSTER,
            "presensi/r.csv": (f"nip,tanggal,jam_masuk,jam_pulang,status\n{NIP_A},2026-10-01,07:31,16:00,H\n"),
        },
    )
    result = CliRunner().invoke(app, ["validate", "--inbox", str(inbox), "--as-of", "2026-11-28"])
    assert result.exit_code == 0, result.output
    assert "tidak ada yang dimuat atau diubah" in result.output
    rows = [line for line in result.output.splitlines() if line.startswith(("pegawai/", "presensi/"))]
    assert len(rows) == 2 and all(line.endswith("akan dimuat") for line in rows), rows
    assert "baru dimuat" not in result.output
