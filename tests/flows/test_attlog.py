"""Raw logs of fingerprint machines (ZKTeco-style attlog text) through `pantau validate` and
`pantau run`: the scans loaded, each PIN resolved per machine (pegawai/pin_mesin.csv), the days'
statuses, and every line that is not a known scan quarantined with its reason.

The inbox is tests/fixtures/attlog/ (its README says where the shape comes from) plus the
three-person roster of tests/helpers.py (PINs 101, 102, 103).
"""

from __future__ import annotations

import re
import shutil
from datetime import date, datetime
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from flows.cli import app
from helpers import NIP_A, NIP_B, NIP_C, ROSTER, write_inbox

FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "attlog"
runner = CliRunner()

MACHINE_1, MACHINE_2, LOBI, MAPPING = (
    "presensi/1_attlog.dat",
    "presensi/2_attlog.dat",
    "presensi/lobi/attlog.dat",
    "pegawai/pin_mesin.csv",
)


@pytest.fixture
def inbox(tmp_path) -> Path:
    root = tmp_path / "inbox"
    shutil.copytree(FIXTURE, root)
    (root / "README.md").unlink()
    return write_inbox(root, {"pegawai/daftar_pegawai.csv": ROSTER})


def counts_line(output: str, path: str) -> list[str]:
    """[read, loaded, quarantined, reconciles] of one file in the validate/run table."""
    return next(ln for ln in output.splitlines() if ln.startswith(path + " ")).split()[2:6]


def test_validate_reads_attlog_lines_and_resolves_each_pin_by_its_machine(inbox):
    result = runner.invoke(app, ["validate", "--inbox", str(inbox), "--as-of", "2026-11-28"])
    assert result.exit_code == 0, result.output
    out = result.output
    # rows read = rows loaded + rows quarantined, per file
    assert counts_line(out, MACHINE_1) == ["5", "4", "1", "ya"]
    assert counts_line(out, MACHINE_2) == ["4", "2", "2", "ya"]  # the blank line is not counted
    assert counts_line(out, LOBI) == ["2", "2", "0", "ya"]
    assert counts_line(out, MAPPING) == ["3", "3", "0", "ya"]
    assert re.search(rf"^{re.escape(MACHINE_1)} +presensi_scan ", out, re.M)  # read as a scan log
    # PIN 555 is on no machine's list: quarantined with file, line, PIN and machine
    assert "baris 4, kolom pin = '555 (mesin 1)'" in out
    # PIN 102 is B on machine 1 and in the roster, but machine 2 does not know it
    assert "baris 3, kolom pin = '102 (mesin 2)'" in out
    assert "PIN mesin tidak ada di pegawai/pin_mesin.csv untuk mesin itu" in out
    assert "baris 5 = '-- akhir log --'" in out
    assert "baris log mesin sidik jari harus berisi PIN, tanggal jam" in out


def test_an_unmapped_pin_or_a_mapping_row_without_nip_is_quarantined_never_dropped(inbox):
    (inbox / MAPPING).write_text(
        f"Mesin;PIN;NIP\n1;101;{NIP_A}\n1;102;\n1;102;{NIP_B}\n1;102;{NIP_C}\n", encoding="utf-8"
    )
    result = runner.invoke(app, ["validate", "--inbox", str(inbox), "--as-of", "2026-11-28"])
    assert result.exit_code == 0, result.output
    out = result.output
    assert counts_line(out, MAPPING) == ["4", "1", "3", "ya"]
    assert "baris 3, kolom nip" in out and "NIP kosong [required_missing]" in out
    assert "baris 4, kolom pin = '102'" in out and "[pin_ambiguous]" in out
    # machine 1's PIN 102 now maps to nobody: its two scans are quarantined, not given to B
    assert counts_line(out, MACHINE_1) == ["5", "2", "3", "ya"]
    assert "baris 2, kolom pin = '102 (mesin 1)'" in out and "baris 5, kolom pin = '102 (mesin 1)'" in out


def test_a_file_that_is_not_an_attlog_still_needs_its_header(inbox):
    (inbox / "presensi/catatan.txt").write_text("catatan mesin rusak tanggal 3\n", encoding="utf-8")
    result = runner.invoke(app, ["validate", "--inbox", str(inbox), "--as-of", "2026-11-28"])
    assert result.exit_code == 1, result.output
    assert "tidak ditemukan baris judul kolom" in result.output


def test_run_loads_the_scans_into_attendance_days(prefect_server, inbox, tmp_path):
    wh = tmp_path / "w.duckdb"
    result = runner.invoke(
        app, ["run", "--period", "2026-10", "--inbox", str(inbox), "--warehouse", str(wh), "--as-of", "2026-11-28"]
    )
    assert result.exit_code == 0, result.output
    con = duckdb.connect(str(wh), read_only=True)
    try:
        scans = con.execute(
            "select f.path, s._row, s.nip, s.waktu, s.mesin from staging.stg_presensi_scan s "
            "join lineage.files f on f.file_id = s._file_id order by f.path, s._row"
        ).fetchall()
        assert scans == [
            (MACHINE_1, 1, NIP_A, datetime(2026, 10, 1, 7, 24, 11), "1"),
            (MACHINE_1, 2, NIP_B, datetime(2026, 10, 1, 7, 41, 2), "1"),
            (MACHINE_1, 3, NIP_A, datetime(2026, 10, 1, 16, 5, 40), "1"),
            (MACHINE_1, 5, NIP_B, datetime(2026, 10, 1, 16, 10), "1"),
            (MACHINE_2, 1, NIP_C, datetime(2026, 10, 2, 7, 29), "2"),  # PIN 101 on machine 2 is C
            (MACHINE_2, 2, NIP_C, datetime(2026, 10, 2, 16, 30), "2"),
            (LOBI, 1, NIP_C, datetime(2026, 10, 2, 7, 20), "lobi"),  # roster pin 103
            (LOBI, 2, NIP_C, datetime(2026, 10, 2, 16, 1), "lobi"),
        ]
        quarantine = con.execute(
            'select f.path, q."row", q."column", q.value, q.rule from quarantine.rows q '
            'join lineage.files f using (file_id) order by f.path, q."row"'
        ).fetchall()
        assert quarantine == [
            (MACHINE_1, 4, "pin", "555 (mesin 1)", "pin_unknown"),
            (MACHINE_2, 3, "pin", "102 (mesin 2)", "pin_unknown"),
            (MACHINE_2, 5, None, "-- akhir log --", "row_malformed"),
        ]
        days = con.execute(
            "select nip, tanggal, status, source, jam_masuk::varchar, jam_pulang::varchar, minutes_late "
            "from marts.attendance_asn_day where tanggal in ('2026-10-01', '2026-10-02') "
            "and (nip, tanggal) in ((?, date '2026-10-01'), (?, date '2026-10-01'), (?, date '2026-10-02')) "
            "order by tanggal, nip",
            [NIP_A, NIP_B, NIP_C],
        ).fetchall()
    finally:
        con.close()
    assert days == [
        (NIP_A, date(2026, 10, 1), "H", "scan", "07:24:11", "16:05:40", 0),
        (NIP_B, date(2026, 10, 1), "H", "scan", "07:41:02", "16:10:00", 11),
        (NIP_C, date(2026, 10, 2), "H", "scan", "07:20:00", "16:30:00", 0),
    ]


def test_partitioned_ingest_resolves_pins_per_machine_like_the_single_run(inbox, tmp_path):
    """The mapping lives in pegawai/ (the roster's partition) and reaches every scan partition."""
    from flows.partitioned import assess_partitioned, ingest_partitioned, sequentially
    from flows.settings import Settings
    from transforms.warehouse import connect

    wh = tmp_path / "w.duckdb"
    con = connect(wh)
    try:
        reports, manifests, _ = ingest_partitioned(
            con, inbox, Settings().reference, "2026-11-28", tmp_path / "partitions", "r1", sequentially
        )
        assess_partitioned(con, reports, manifests, tmp_path / "partitions", "2026-10")
        scans = con.execute(
            "select f.path, s._row, s.nip from staging.stg_presensi_scan s "
            "join lineage.files f on f.file_id = s._file_id order by f.path, s._row"
        ).fetchall()
        quarantine = con.execute(
            'select f.path, q."row", q.value, q.rule from quarantine.rows q '
            'join lineage.files f using (file_id) order by f.path, q."row"'
        ).fetchall()
    finally:
        con.close()
    assert scans == [
        (MACHINE_1, 1, NIP_A),
        (MACHINE_1, 2, NIP_B),
        (MACHINE_1, 3, NIP_A),
        (MACHINE_1, 5, NIP_B),
        (MACHINE_2, 1, NIP_C),
        (MACHINE_2, 2, NIP_C),
        (LOBI, 1, NIP_C),
        (LOBI, 2, NIP_C),
    ]
    assert quarantine == [
        (MACHINE_1, 4, "555 (mesin 1)", "pin_unknown"),
        (MACHINE_2, 3, "102 (mesin 2)", "pin_unknown"),
        (MACHINE_2, 5, "-- akhir log --", "row_malformed"),
    ]


def test_a_log_whose_machine_is_not_named_is_read_with_a_warning_through_the_roster_pin(inbox):
    (inbox / "presensi/unduhan.dat").write_bytes(b"103\t2026-10-05 07:10:00\t1\t0\t1\t0\n")
    result = runner.invoke(app, ["validate", "--inbox", str(inbox), "--as-of", "2026-11-28"])
    assert result.exit_code == 0, result.output
    assert counts_line(result.output, "presensi/unduhan.dat") == ["1", "1", "0", "ya"]
    assert (
        "presensi/unduhan.dat: mesin tidak diketahui dari nama berkas (contoh: 1_attlog.dat) atau foldernya; "
        "PIN dicari di kolom pin daftar pegawai"
    ) in result.output


def test_a_broken_attlog_pattern_in_the_reference_table_is_a_message_not_a_traceback(inbox, tmp_path):
    reference = tmp_path / "reference"
    shutil.copytree(Path(__file__).resolve().parents[2] / "data" / "reference", reference)
    layout = reference / "attlog_layout.csv"
    layout.write_text(layout.read_text(encoding="utf-8").replace('"^\\s*(\\S+)', '"^\\s*((\\S+)', 1), encoding="utf-8")
    config = tmp_path / "pantau.toml"
    config.write_text(
        f'[paths]\nreference = "{reference.as_posix()}"\nstate_dir = "{(tmp_path / "state").as_posix()}"\n',
        encoding="utf-8",
    )
    result = runner.invoke(app, ["validate", "--config", str(config), "--inbox", str(inbox), "--as-of", "2026-11-28"])
    assert result.exit_code == 1, result.output
    assert "pola baris di data/reference/attlog_layout.csv tidak sah" in result.output
    assert "Traceback" not in result.output


def _validate_with_limits(inbox, tmp_path, monkeypatch, limits: str):
    """`pantau validate` with `[ingest]` limits set in its settings file (the command hands them
    on through the environment; monkeypatch restores it after the test)."""
    from transforms.ingest.limits import MAX_FILE_SIZE_ENV, MAX_LINE_SIZE_ENV

    for env in (MAX_FILE_SIZE_ENV, MAX_LINE_SIZE_ENV):
        monkeypatch.setenv(env, "")
    config = tmp_path / "pantau.toml"
    config.write_text(
        f'[paths]\nstate_dir = "{(tmp_path / "state").as_posix()}"\n[ingest]\n{limits}\n', encoding="utf-8"
    )
    return runner.invoke(app, ["validate", "--config", str(config), "--inbox", str(inbox), "--as-of", "2026-11-28"])


def test_an_attlog_over_the_file_size_limit_is_refused_with_its_size_before_it_is_read(inbox, tmp_path, monkeypatch):
    scans = "".join(f"101\t2026-10-{day:02d} 07:24:11\t1\t0\t1\t0\n" for day in range(1, 32)) * 2  # 62 lines, 1,9 KB
    (inbox / "presensi/3_attlog.dat").write_text(scans, encoding="utf-8")
    result = _validate_with_limits(inbox, tmp_path, monkeypatch, 'max_file_size = "1KB"')
    assert result.exit_code == 1, result.output
    assert (
        "presensi/3_attlog.dat: berkas berukuran 1,9 KB, lebih dari batas 1 KB (pengaturan [ingest] max_file_size); "
        "berkas tidak dibaca"
    ) in result.output
    assert counts_line(result.output, MACHINE_1) == ["5", "4", "1", "ya"]  # 0,2 KB: under the limit, read
    assert "Traceback" not in result.output


def test_an_attlog_line_over_the_line_limit_is_refused_naming_the_line_and_its_size(inbox, tmp_path, monkeypatch):
    (inbox / "presensi/3_attlog.dat").write_text(
        "101\t2026-10-01 07:24:11\t1\t0\t1\t0\n" + "101\t2026-10-02 07:24:11\t" + "9" * 2000 + "\n", encoding="utf-8"
    )
    result = _validate_with_limits(inbox, tmp_path, monkeypatch, 'max_line_size = "1KB"')
    assert result.exit_code == 1, result.output
    assert (
        "presensi/3_attlog.dat: baris 2 berukuran 2 KB, lebih dari batas satu baris 1 KB "
        "(pengaturan [ingest] max_line_size); berkas tidak dibaca"
    ) in result.output
    assert counts_line(result.output, MACHINE_1) == ["5", "4", "1", "ya"]


def test_an_attlog_whose_name_holds_glob_characters_is_read_as_that_one_file(inbox):
    # read as a pattern, 'presensi/1_attlog*.dat' would take in 1_attlog.dat's 5 lines too
    (inbox / "presensi/1_attlog*.dat").write_bytes(b"103\t2026-10-05 07:10:00\t1\t0\t1\t0\n")
    result = runner.invoke(app, ["validate", "--inbox", str(inbox), "--as-of", "2026-11-28"])
    assert counts_line(result.output, "presensi/1_attlog*.dat") == ["1", "1", "0", "ya"], result.output
