"""Dates that could be day-first or month-first, through `pantau validate` (docs/inbox.md, "Dates that
could be day-first or month-first"): a column settles its order for the whole file, or the file is refused.

Fixture shapes: an Indonesian attendance recap (`dd/mm/yyyy`, ';'-separated as Indonesian-locale Excel
saves it), a fingerprint machine's scan log (`dd/mm/yyyy hh.mm.ss`) and a SIMPEG-style roster with TMT
dates, each a few lines written here.
"""

from __future__ import annotations

import shutil
from datetime import date, datetime
from pathlib import Path

from typer.testing import CliRunner

from expectations.reference import load_reference_tables
from expectations.validate import validate_warehouse
from flows.cli import app
from helpers import NIP_A, NIP_B, NIP_C, ROSTER, write_inbox
from transforms.ingest import ingest_inbox
from transforms.warehouse import connect

runner = CliRunner()
REFERENCE = Path(__file__).resolve().parents[2] / "data" / "reference"
RECAP = "nip;tanggal;jam_masuk;jam_pulang;status\n"
SCAN = "PIN,Waktu,IO,Mesin\n"
HOW = "tulis tanggal sebagai YYYY-MM-DD (mis. 2026-10-03) atau dengan nama bulan (3 Oktober 2026)"


def _recap(*dates: str) -> str:
    return RECAP + "".join(f"{NIP_A};{d};07:30;16:00;H\n" for d in dates)


def _validate(inbox: Path, files: dict, exit_code: int, *options: str) -> str:
    """The roster (unless `files` has one) and `files` in the inbox; `pantau validate`'s output."""
    write_inbox(inbox, files if any(k.startswith("pegawai/") for k in files) else {"pegawai/p.csv": ROSTER, **files})
    result = runner.invoke(app, ["validate", "--inbox", str(inbox), "--as-of", "2026-11-28", *options])
    assert result.exit_code == exit_code, result.output
    return result.output


def _refused(inbox: Path, files: dict, message: str) -> None:
    """`pantau validate` exits 1 and says `message` (which starts with the file's path)."""
    assert message in _validate(inbox, files, 1)


def _counts(output: str, rel: str) -> list[str]:
    """read, loaded, quarantined, reconciled of a file's line in validate's table."""
    line = next(ln for ln in output.splitlines() if ln.startswith(rel))
    return line.split()[2:6]


def _staged(inbox: Path, table: str, columns: str) -> list[tuple]:
    """Rows of staging.<table> after the inbox is ingested and validated (what validate builds)."""
    con = connect(":memory:")
    try:
        load_reference_tables(con)
        ingest_inbox(con, inbox)
        validate_warehouse(con, date(2026, 11, 28))
        return con.execute(f"select _row, {columns} from staging.{table} order by _file_id, _row").fetchall()
    finally:
        con.close()


# ---------------------------------------------------------------- settled: loads


def test_a_recap_settled_day_first_by_13_10_reads_01_10_as_1_october(tmp_path):
    output = _validate(tmp_path, {"presensi/r.csv": _recap("01/10/2026", "02/10/2026", "13/10/2026")}, 0)
    assert _counts(output, "presensi/r.csv") == ["3", "3", "0", "ya"]
    assert _staged(tmp_path, "stg_presensi_recap", "tanggal") == [
        (2, date(2026, 10, 1)),
        (3, date(2026, 10, 2)),
        (4, date(2026, 10, 13)),
    ]


def test_a_scan_log_settled_by_one_scan_on_the_13th(tmp_path):
    output = _validate(
        tmp_path, {"presensi/log.csv": SCAN + "101,01/10/2026 07.24.13,0,FP-01\n101,13/10/2026 16.05.40,1,FP-01\n"}, 0
    )
    assert _counts(output, "presensi/log.csv") == ["2", "2", "0", "ya"]
    assert _staged(tmp_path, "stg_presensi_scan", "waktu") == [
        (2, datetime(2026, 10, 1, 7, 24, 13)),
        (3, datetime(2026, 10, 13, 16, 5, 40)),
    ]


def test_iso_dates_and_month_names_are_never_in_doubt(tmp_path):
    # days 1-12 only, but no numeric d/m/yyyy date: nothing to settle
    output = _validate(
        tmp_path,
        {
            "presensi/iso.csv": _recap("2026-10-01", "2026-10-02", "2026-10-12"),
            "presensi/nama_bulan.csv": RECAP + f"{NIP_B};1 Oktober 2026;07:30;16:00;H\n"
            f"{NIP_B};2 Okt 2026;07:30;16:00;H\n"
            f"{NIP_B};October 5, 2026;07:30;16:00;H\n",
        },
        0,
    )
    assert _counts(output, "presensi/iso.csv") == ["3", "3", "0", "ya"]
    assert _counts(output, "presensi/nama_bulan.csv") == ["3", "3", "0", "ya"]
    assert [d for _, d in _staged(tmp_path, "stg_presensi_recap", "tanggal")] == [
        date(2026, 10, 1),
        date(2026, 10, 2),
        date(2026, 10, 12),
        date(2026, 10, 1),
        date(2026, 10, 2),
        date(2026, 10, 5),
    ]


def test_a_date_whose_two_numbers_are_equal_reads_the_same_either_way(tmp_path):
    output = _validate(tmp_path, {"presensi/r.csv": _recap("10/10/2026", "2026-10-02")}, 0)
    assert _counts(output, "presensi/r.csv") == ["2", "2", "0", "ya"]


# ---------------------------------------------------------------- refused


def test_a_recap_of_days_1_to_12_only_is_refused_naming_the_column_value_and_line(tmp_path):
    days = [f"{d:02d}/10/2026" for d in range(1, 13)]
    output = _validate(tmp_path, {"presensi/rekap_awal_oktober.csv": _recap(*days)}, 1)
    assert (
        "presensi/rekap_awal_oktober.csv: tanggal di kolom 'tanggal' (tanggal) tidak pasti urutannya: "
        "'01/10/2026' (baris 2) bisa 1 Oktober 2026 atau 10 Januari 2026, dan tidak ada tanggal di berkas ini "
        "dengan angka di atas 12 yang memastikannya (11 tanggal seperti ini); tanggal tidak ditebak: " + HOW
    ) in output
    assert "DIHENTIKAN" in output


def test_a_scan_log_of_days_1_to_12_only_is_refused(tmp_path):
    # the ISO scan on line 2 says nothing of the order of line 3
    _refused(
        tmp_path,
        {"presensi/log.csv": SCAN + "101,2026-10-01 07:24:13,0,FP-01\n102,05/10/2026 07.41.02,0,FP-01\n"},
        "presensi/log.csv: tanggal di kolom 'Waktu' (waktu) tidak pasti urutannya: "
        "'05/10/2026 07.41.02' (baris 3) bisa 5 Oktober 2026 atau 10 Mei 2026",
    )


def test_a_roster_whose_tmt_never_exceed_12_is_refused(tmp_path):
    roster = (
        "nip,nama,jabatan,unit_kerja,jenis_asn,golongan,nip_atasan,pin,tmt_mulai,tmt_selesai\n"
        f"{NIP_A},Agus Setiawan,Lurah,Kelurahan Pager,PNS,III/d,,101,01/03/2026,\n"
        f"{NIP_B},Siti Rahmah,Staf Pelayanan,Kel. Pager,PPPK,IX,{NIP_A},102,,01/11/2026\n"
        f"{NIP_C},Yohanes Nyahu,Camat,Kantor Kecamatan Rakumpit,PNS,IV/b,,103,01/10/2026,\n"
    )
    _refused(
        tmp_path,
        {"pegawai/p.csv": roster},
        "pegawai/p.csv: tanggal di kolom 'tmt_mulai' (tmt_mulai) tidak pasti "
        "urutannya: '01/03/2026' (baris 2) bisa 1 Maret 2026 atau 3 Januari 2026",
    )


def test_a_month_first_scan_log_is_refused_naming_its_order(tmp_path):
    _refused(
        tmp_path,
        {"presensi/log.csv": SCAN + "101,10/01/2026 07:24:13,0,FP-01\n101,10/13/2026 16:05:40,1,FP-01\n"},
        "presensi/log.csv: tanggal di kolom 'Waktu' (waktu) ditulis bulan/hari/tahun (angka kedua sampai 13), "
        "mis. '10/13/2026 16:05:40' (baris 3); Pantau membaca hari/bulan/tahun",
    )


def test_a_day_first_file_with_one_month_first_date_is_refused_naming_that_line(tmp_path):
    _refused(
        tmp_path,
        {"presensi/r.csv": _recap("13/10/2026", "14/10/2026", "10/15/2026", "01/10/2026")},
        "presensi/r.csv: tanggal di kolom 'tanggal' (tanggal) bercampur urutan: '13/10/2026' (baris 2) hanya "
        "bisa hari/bulan/tahun (2 tanggal), tetapi '10/15/2026' (baris 4) hanya bisa bulan/hari/tahun; "
        "berkas ditolak seluruhnya karena urutan tanggal lainnya tidak dapat dipastikan. Periksa baris 4, " + HOW,
    )


def test_the_undecided_rule_is_data_day_first_reads_an_unsettled_column_day_first(tmp_path):
    # a reference folder whose date_columns.csv says day_first for the recap: the same file loads
    reference = tmp_path / "reference"
    shutil.copytree(REFERENCE, reference)
    rules = reference / "date_columns.csv"
    rules.write_text(
        rules.read_text(encoding="utf-8").replace("presensi_recap,tanggal,refuse", "presensi_recap,tanggal,day_first"),
        encoding="utf-8",
    )
    config = tmp_path / "pantau.toml"
    config.write_text(f'[paths]\nreference = "{reference}"\n', encoding="utf-8")
    inbox = tmp_path / "inbox"
    output = _validate(inbox, {"presensi/r.csv": _recap("01/10/2026", "02/10/2026")}, 0, "--config", str(config))
    assert _counts(output, "presensi/r.csv") == ["2", "2", "0", "ya"]
    # and a month-first file is refused whatever the rule says
    output = _validate(inbox, {"presensi/r.csv": _recap("10/01/2026", "10/13/2026")}, 1, "--config", str(config))
    assert "ditulis bulan/hari/tahun (angka kedua sampai 13)" in output
