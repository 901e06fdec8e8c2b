"""Messy exports as real offices send them: given rows -> expected outcome and reason.

Every case is a small inbox committed under tests/fixtures/messy/<case>/ (written by hand;
the CSVs are literal files: BOM, CRLF, blank lines and all). Each inbox holds the same
three-person roster (pegawai/daftar_pegawai.csv) so attendance and SKP rows can be attached.

Row numbers are what a person sees: the CSV line (header and blank lines counted), the
Excel row for XLSX. One in-memory warehouse per inbox, built once for the module.
"""

from __future__ import annotations

import json
from datetime import date, datetime, time
from pathlib import Path

import pytest

from expectations.reference import load_reference_tables
from expectations.summary import file_counts
from expectations.validate import validate_warehouse
from transforms.ingest import ingest_inbox
from transforms.warehouse import connect

MESSY = Path(__file__).resolve().parent.parent / "fixtures" / "messy"
AS_OF = date(2026, 11, 28)

# the roster of every fixture inbox (pegawai/daftar_pegawai.csv)
NIP_A = "198503122010011001"  # PIN 101
NIP_B = "199107232019032002"  # PIN 102
NIP_C = "197811052005011003"  # PIN 103

ROSTER = "pegawai/daftar_pegawai.csv"
OCT_1 = date(2026, 10, 1)


class Inbox:
    """One fixture inbox ingested and validated into its own in-memory warehouse."""

    def __init__(self, name: str):
        self.name = name
        self.con = connect(":memory:")
        load_reference_tables(self.con)
        self.reports = {r.path: r for r in ingest_inbox(self.con, MESSY / name)}
        validate_warehouse(self.con, AS_OF)
        self.counts = {c.path: c for c in file_counts(self.con)}

    def rows(self, sql: str, params=None) -> list[tuple]:
        return self.con.execute(sql, params or []).fetchall()

    def quarantine(self) -> set[tuple]:
        """{(path, row, column, value, rule)} of every quarantined row of the inbox."""
        return set(
            self.rows(
                'select f.path, q."row", q."column", q.value, q.rule '
                "from quarantine.rows q join lineage.files f using (file_id)"
            )
        )

    def messages(self) -> dict[tuple, str]:
        """{(path, row, rule): message}."""
        return {
            (p, r, rule): m
            for p, r, rule, m in self.rows(
                'select f.path, q."row", q.rule, q.message from quarantine.rows q join lineage.files f using (file_id)'
            )
        }

    def staged(self, table: str, columns: str, path: str) -> list[tuple]:
        """Rows of staging.<table> that came from one file, ordered by their row number."""
        return self.rows(
            f"select _row, {columns} from staging.{table} "
            "where _file_id = (select file_id from lineage.files where path = ? and status = 'loaded') order by _row",
            [path],
        )

    def file(self, path: str) -> dict:
        cur = self.con.execute("select * from lineage.files where path = ?", [path])
        names = [d[0] for d in cur.description]
        return dict(zip(names, cur.fetchone(), strict=True))


@pytest.fixture(scope="module")
def inbox():
    built: dict[str, Inbox] = {}

    def get(name: str) -> Inbox:
        if name not in built:
            built[name] = Inbox(name)
        return built[name]

    yield get
    for ib in built.values():
        ib.con.close()


# ---------------------------------------------------------------- counts reconcile, every file
#
# {inbox: {file: (rows_read, rows_loaded, rows_quarantined)}}; rows_read is the number of
# non-empty data lines counted by hand in the fixture (a CSV record with a quoted newline is
# one row; blank lines and ';;;;' lines are not rows).

EXPECTED_COUNTS = {
    "bom_semicolon_crlf": {ROSTER: (3, 3, 0), "presensi/rekap_oktober.csv": (3, 3, 0)},
    "xlsx_header_row2": {ROSTER: (3, 3, 0), "presensi/rekap.xlsx": (4, 3, 1)},
    "date_formats": {ROSTER: (3, 3, 0), "presensi/rekap.csv": (4, 4, 0)},
    "time_formats": {ROSTER: (3, 3, 0), "presensi/rekap.csv": (3, 2, 1)},
    "skm_labels_u8u9": {ROSTER: (3, 3, 0), "skm/survei_label.csv": (2, 2, 0), "skm/form_google.csv": (2, 2, 0)},
    "duplicate_recap": {ROSTER: (3, 3, 0), "presensi/rekap.csv": (8, 4, 4)},
    "invalid_nip": {ROSTER: (3, 3, 0), "presensi/rekap.csv": (9, 2, 7)},
    "skm_score_range": {ROSTER: (3, 3, 0), "skm/survei.csv": (5, 1, 4)},
    "status_codes": {ROSTER: (3, 3, 0), "presensi/rekap.csv": (6, 4, 2)},
    "dates_future_invalid": {ROSTER: (3, 3, 0), "presensi/rekap.csv": (4, 1, 3)},
    "skp_rules": {ROSTER: (3, 3, 0), "skp/skp_2026-10.csv": (11, 3, 8)},
    "blank_rows_quotes": {
        ROSTER: (3, 3, 0),
        "presensi/rekap.csv": (3, 2, 1),
        "presensi/rekap_trailing.csv": (3, 2, 1),
        "skm/survei.csv": (4, 2, 2),
    },
    "file_problems": {ROSTER: (3, 3, 0), "presensi/rekap_kolom_tambahan.csv": (2, 2, 0)},
    "scan_pin": {ROSTER: (3, 3, 0), "presensi/log_mesin.csv": (4, 3, 1)},
    # how the two scans split between loaded and quarantined is the fix's choice (None: not pinned)
    "scan_pin_shared": {ROSTER: (3, 3, 0), "presensi/log_mesin.csv": (2, 1, 1)},
    "malformed_row": {ROSTER: (3, 3, 0), "presensi/rekap.csv": (3, 2, 1), "presensi/rekap_blank.csv": (3, 2, 1)},
    "malformed_after_quoted_newline": {ROSTER: (3, 3, 0), "skm/survei.csv": (3, 1, 2)},
}


def _count_cases():
    for name, files in EXPECTED_COUNTS.items():
        for path, expected in files.items():
            yield pytest.param(name, path, expected, id=f"{name}:{path}")


@pytest.mark.parametrize("name, path, expected", list(_count_cases()))
def test_rows_read_equal_loaded_plus_quarantined(inbox, name, path, expected):
    ib = inbox(name)
    assert ib.reports[path].action == "loaded"
    c = ib.counts[path]
    rows_read, rows_loaded, rows_quarantined = expected
    assert c.rows_read == rows_read
    assert c.reconciled, f"{c.rows_read} read != {c.rows_loaded} loaded + {c.rows_quarantined} quarantined"
    if rows_loaded is not None:
        assert (c.rows_loaded, c.rows_quarantined) == (rows_loaded, rows_quarantined)


@pytest.mark.parametrize("name", list(EXPECTED_COUNTS))
def test_every_loaded_file_is_counted(inbox, name):
    assert set(inbox(name).counts) == set(EXPECTED_COUNTS[name])


# ---------------------------------------------------------------- 1. ';' + BOM + CRLF


def test_semicolon_csv_with_bom_and_crlf_loads_clean(inbox):
    ib = inbox("bom_semicolon_crlf")
    assert {p: (r.action, r.shape) for p, r in ib.reports.items()} == {
        ROSTER: ("loaded", "pegawai"),
        "presensi/rekap_oktober.csv": ("loaded", "presensi_recap"),
    }
    assert ib.quarantine() == set()
    # the BOM does not stick to the first header: 'NIP' is recognised as nip
    recap = ib.file("presensi/rekap_oktober.csv")
    assert recap["delimiter"] == ";"
    assert json.loads(recap["columns"]) == {
        "NIP": "nip",
        "Tanggal": "tanggal",
        "Jam Masuk": "jam_masuk",
        "Jam Pulang": "jam_pulang",
        "Keterangan": "status",
    }
    assert ib.staged("stg_pegawai", "nip, pin", ROSTER) == [(2, NIP_A, "101"), (3, NIP_B, "102"), (4, NIP_C, "103")]
    # CR does not stick to the last column: 'H\r' would not be a status code
    assert ib.staged(
        "stg_presensi_recap", "nip, tanggal, jam_masuk, jam_pulang, status", "presensi/rekap_oktober.csv"
    ) == [
        (2, NIP_A, OCT_1, time(7, 25), time(16, 5), "H"),
        (3, NIP_B, OCT_1, time(7, 40), time(16, 10), "H"),
        (4, NIP_C, date(2026, 10, 13), None, None, "S"),  # 13/10/2026 settles the file day-first
    ]


# ---------------------------------------------------------------- 2. XLSX, header on row 2
#
# presensi/rekap.xlsx was written once by hand with openpyxl 3.1.5 and committed:
#   ws.cell(row, col, value) for rows 2 (header NIP, Tanggal, Jam Masuk, Jam Pulang, Status),
#   3: NIP_A, datetime(2026,10,1) [dd/mm/yyyy], time(7,28), time(16,2) [hh:mm], "H"
#   4: NIP_B, "01/10/2026", "07.45", "16.10", "H"      (all text cells)
#   5: NIP_C, "2026-10-01", "07:30", "16:00", "X"
#   7: NIP_A, "13/10/2026", "07:29", "16:01", "H"   (was 02/10/2026; a 13 settles the text dates day-first)
# Row 1 and row 6 have no cells. NIPs are text cells (an 18-digit number does not survive Excel).


def test_xlsx_with_blank_first_row_reports_excel_row_numbers(inbox):
    ib = inbox("xlsx_header_row2")
    report = ib.reports["presensi/rekap.xlsx"]
    assert (report.action, report.shape, report.rows_read, report.rows_empty) == ("loaded", "presensi_recap", 4, 1)
    assert ib.file("presensi/rekap.xlsx")["header_row"] == 2
    assert ib.quarantine() == {("presensi/rekap.xlsx", 5, "status", "X", "status_unknown")}
    assert ib.staged("stg_presensi_recap", "nip, tanggal, jam_masuk, jam_pulang, status", "presensi/rekap.xlsx") == [
        (3, NIP_A, OCT_1, time(7, 28), time(16, 2), "H"),  # date and time cells
        (4, NIP_B, OCT_1, time(7, 45), time(16, 10), "H"),  # text cells
        (7, NIP_A, date(2026, 10, 13), time(7, 29), time(16, 1), "H"),
    ]


# ---------------------------------------------------------------- 3. date formats


def test_three_date_spellings_parse_to_one_date(inbox):
    ib = inbox("date_formats")
    assert ib.quarantine() == set()
    assert ib.rows("select _row, tanggal from raw.presensi_recap order by _row") == [
        (2, "01/10/2026"),
        (3, "2026-10-01"),
        (4, "1 Oktober 2026"),
        (5, "14/10/2026"),
    ]
    # 01/10/2026 is 1 October because 14/10/2026 (line 5) settles the file day-first
    assert ib.staged("stg_presensi_recap", "nip, tanggal", "presensi/rekap.csv") == [
        (2, NIP_A, OCT_1),
        (3, NIP_B, OCT_1),
        (4, NIP_C, OCT_1),
        (5, NIP_A, date(2026, 10, 14)),
    ]


# ---------------------------------------------------------------- 3b. dates whose order is not settled
#
# presensi/rekap_1-12_oktober.csv: a recap exported on 12 October (';', CRLF, dd/mm/yyyy), the
# workdays 1-12 October of two people; no number above 12, so 05/10/2026 could be 10 May


def test_a_recap_of_days_1_to_12_is_refused_not_read_day_first(inbox):
    ib = inbox("dates_undecided")
    path = "presensi/rekap_1-12_oktober.csv"
    report = ib.reports[path]
    assert report.action == "error"
    assert report.message == (
        "tanggal di kolom 'Tanggal' (tanggal) tidak pasti urutannya: '01/10/2026' (baris 2) bisa 1 Oktober 2026 "
        "atau 10 Januari 2026, dan tidak ada tanggal di berkas ini dengan angka di atas 12 yang memastikannya "
        "(16 tanggal seperti ini); tanggal tidak ditebak: tulis tanggal sebagai YYYY-MM-DD (mis. 2026-10-03) atau "
        "dengan nama bulan (3 Oktober 2026); di Excel, format sel kolom itu yyyy-mm-dd sebelum menyimpan"
    )
    # nothing of the file is loaded or quarantined; the file is recorded as an error to fix
    assert ib.rows("select count(*) from raw.presensi_recap") == [(0,)]
    assert ib.quarantine() == set()
    assert (ib.file(path)["status"], ib.file(path)["error"]) == ("error", report.message)
    assert ib.reports[ROSTER].action == "loaded"


# ---------------------------------------------------------------- 4. time formats


def test_dot_and_colon_times_are_the_same_time_and_25_99_is_invalid(inbox):
    ib = inbox("time_formats")
    assert ib.staged("stg_presensi_recap", "jam_masuk, jam_pulang", "presensi/rekap.csv") == [
        (2, time(7, 31), time(16, 5)),  # 07.31 / 16.05
        (3, time(7, 31), time(16, 5)),  # 07:31 / 16:05
    ]
    assert ib.quarantine() == {("presensi/rekap.csv", 4, "jam_masuk", "25:99", "time_invalid")}


# ---------------------------------------------------------------- 5. SKM labels, U8/U9 named by header


def test_skm_label_answers_become_scores(inbox):
    ib = inbox("skm_labels_u8u9")
    assert ib.quarantine() == set()
    scores = "u1, u2, u3, u4, u5, u6, u7, u8, u9"
    assert ib.staged("stg_skm", scores, "skm/survei_label.csv") == [
        # Sangat sesuai, Mudah, ' kurang  CEPAT ', Gratis, Sesuai, Kompeten, Sopan dan ramah,
        # Dikelola dengan baik, Baik
        (2, 4, 3, 2, 4, 3, 3, 3, 4, 3),
        (3, 4, 3, 2, 4, 3, 3, 4, 4, 3),
    ]


def test_form_export_with_u9_before_u8_is_mapped_by_header_name(inbox):
    ib = inbox("skm_labels_u8u9")
    columns = json.loads(ib.file("skm/form_google.csv")["columns"])
    assert columns["Sarana dan Prasarana"] == "u9"
    assert columns["Penanganan Pengaduan, Saran dan Masukan"] == "u8"
    assert columns["Saran"] == "saran"
    # column 11 'Sarana dan Prasarana': 'Sangat baik' / 3; column 12 'Penanganan Pengaduan, ...':
    # 'Ada tetapi tidak berfungsi' / 1
    assert ib.staged("stg_skm", "unit_slug, tanggal, u8, u9, saran", "skm/form_google.csv") == [
        (2, "kelurahan-pager", date(2026, 10, 6), 2, 4, "Kursi ruang tunggu kurang"),
        (3, "kelurahan-pager", date(2026, 10, 16), 1, 3, None),
    ]


# ---------------------------------------------------------------- 6. duplicated recap rows


def test_exact_copy_quarantines_the_later_copy_and_conflicts_quarantine_the_group(inbox):
    ib = inbox("duplicate_recap")
    path = "presensi/rekap.csv"
    assert ib.quarantine() == {
        (path, 4, "*", None, "duplicate_exact"),  # copy of line 2
        (path, 5, "*", None, "duplicate_conflict"),  # NIP_C 2026-10-02 at 07:30 ...
        (path, 6, "*", None, "duplicate_conflict"),  # ... and at 08:15
        (path, 9, "*", None, "duplicate_exact"),  # line 8 written as 13/10/2026, 07.30, 'hadir'
    }
    assert [r[0] for r in ib.staged("stg_presensi_recap", "nip", path)] == [2, 3, 7, 8]


# ---------------------------------------------------------------- 7. invalid NIPs


def test_invalid_nips_get_nip_format_with_the_reason_and_unknown_nip_gets_nip_unknown(inbox):
    ib = inbox("invalid_nip")
    path = "presensi/rekap.csv"
    assert ib.quarantine() == {
        (path, 3, "nip", "19850312201001100", "nip_format"),  # 17 digits
        (path, 4, "nip", "19850312201001100A", "nip_format"),  # a letter
        (path, 5, "nip", "198513122010011001", "nip_format"),  # born in month 13
        (path, 6, "nip", "198502302010011001", "nip_format"),  # born on 30 February
        (path, 7, "nip", "198503122010001001", "nip_format"),  # TMT month 00
        (path, 8, "nip", "198503122010013001", "nip_format"),  # sex digit 3
        (path, 9, "nip", "199205172019032004", "nip_unknown"),  # well formed, not on the roster
    }
    messages = ib.messages()
    assert messages[(path, 3, "nip_format")] == "NIP harus 18 digit angka"
    assert messages[(path, 4, "nip_format")] == "NIP harus 18 digit angka"
    assert messages[(path, 5, "nip_format")] == "digit 1-8 NIP bukan tanggal lahir yang sah (yyyymmdd)"
    assert messages[(path, 6, "nip_format")] == "digit 1-8 NIP bukan tanggal lahir yang sah (yyyymmdd)"
    assert messages[(path, 7, "nip_format")] == "digit 9-14 NIP bukan bulan TMT CPNS yang sah (yyyymm)"
    assert messages[(path, 8, "nip_format")] == "digit ke-15 NIP (jenis kelamin) harus 1 atau 2"
    assert messages[(path, 9, "nip_unknown")].startswith("NIP tidak ada di daftar pegawai")
    # line 10 writes NIP_B with spaces between its parts: it is the same person
    assert ib.staged("stg_presensi_recap", "nip", path) == [(2, NIP_A), (10, NIP_B)]


# ---------------------------------------------------------------- 8. SKM scores out of range


def test_skm_scores_outside_1_to_4_are_score_range(inbox):
    ib = inbox("skm_score_range")
    path = "skm/survei.csv"
    assert ib.quarantine() == {
        (path, 3, "u1", "0", "score_range"),
        (path, 4, "u2", "5", "score_range"),
        (path, 5, "u3", "3,5", "score_range"),
        (path, 6, "u4", None, "score_range"),
    }
    messages = ib.messages()
    assert messages[(path, 3, "score_range")] == "jawaban U1 harus 1-4"
    assert messages[(path, 4, "score_range")] == "jawaban U2 harus 1-4"
    assert messages[(path, 5, "score_range")].startswith("jawaban U3 kosong, bukan bilangan bulat")
    assert messages[(path, 6, "score_range")].startswith("jawaban U4 kosong, bukan bilangan bulat")
    assert [r[0] for r in ib.staged("stg_skm", "u1", path)] == [2]


# ---------------------------------------------------------------- 9. status codes


def test_status_spellings_map_to_codes_and_unknown_status_is_quarantined(inbox):
    ib = inbox("status_codes")
    path = "presensi/rekap.csv"
    assert ib.staged("stg_presensi_recap", "status", path) == [
        (2, "H"),  # hadir
        (3, "S"),  # Sakit
        (4, "DL"),  # dinas luar
        (6, "H"),  # empty status with a check-in time
    ]
    assert ib.quarantine() == {
        (path, 5, "status", "X", "status_unknown"),
        (path, 7, "status", None, "status_unknown"),  # empty status, no times
    }


# ---------------------------------------------------------------- 10. future and impossible dates


def test_future_date_and_31_february(inbox):
    ib = inbox("dates_future_invalid")
    path = "presensi/rekap.csv"
    assert ib.quarantine() == {
        (path, 3, "tanggal", "2026-11-29", "date_future"),
        (path, 4, "tanggal", "31/02/2026", "date_invalid"),
        (path, 5, "tanggal", "30 Desember 2026", "date_future"),
    }
    # as_of itself is not in the future
    assert ib.staged("stg_presensi_recap", "nip, tanggal", path) == [(2, NIP_A, AS_OF)]


# ---------------------------------------------------------------- 11. SKP rules


def test_skp_rows_are_quarantined_for_the_right_rule(inbox):
    ib = inbox("skp_rules")
    path = "skp/skp_2026-10.csv"
    assert ib.quarantine() == {
        (path, 3, "arah", "atas", "direction_unknown"),
        (path, 4, "target", None, "target_invalid"),  # no target, no range
        (path, 5, "target", "0", "target_zero"),
        (path, 6, "target", "-5", "target_invalid"),
        (path, 7, "realisasi", "-", "realisasi_invalid"),
        (path, 8, "rating_hasil_kerja", "sangat baik", "rating_unknown"),
        (path, 11, "rating_hasil_kerja", "Sesuai ekspektasi", "rating_conflict"),
        (path, 12, "rating_hasil_kerja", "Di atas ekspektasi", "rating_conflict"),
    }
    messages = ib.messages()
    assert messages[(path, 4, "target_invalid")].startswith("target kosong atau bukan angka")
    assert messages[(path, 6, "target_invalid")] == "target negatif"


def test_skp_range_target_and_indonesian_numbers_load(inbox):
    ib = inbox("skp_rules")
    assert ib.staged(
        "stg_skp",
        "nip, periode, target_kind, target, target_min, target_max, realisasi, arah, rating_hasil_kerja",
        "skp/skp_2026-10.csv",
    ) == [
        (2, NIP_A, "2026-10", "tunggal", 120.0, None, None, 118.0, "naik", "sesuai"),
        (9, NIP_A, "2026-10", "rentang", None, 1.0, 3.0, 2.0, "turun", "sesuai"),  # target_min/max only
        (10, NIP_A, "2026-10", "tunggal", 1250.5, None, None, 1100.0, "naik", "sesuai"),  # '1.250,5' / '1.100'
    ]


# ---------------------------------------------------------------- 12. blank lines, empty rows, quoted newline


def test_blank_and_empty_lines_are_not_rows_and_later_line_numbers_stay_real(inbox):
    ib = inbox("blank_rows_quotes")
    # rekap.csv: line 3 blank, lines 6 and 8 ';;;;', lines 7 and 9 blank
    recap = ib.reports["presensi/rekap.csv"]
    assert (recap.rows_read, recap.rows_empty) == (3, 2)
    assert ib.staged("stg_presensi_recap", "nip", "presensi/rekap.csv") == [(2, NIP_A), (4, NIP_B)]
    # rekap_trailing.csv: only trailing ';;;;' lines (5, 6) and blank lines (7, 8)
    trailing = ib.reports["presensi/rekap_trailing.csv"]
    assert (trailing.rows_read, trailing.rows_empty) == (3, 2)
    assert ib.staged("stg_presensi_recap", "nip", "presensi/rekap_trailing.csv") == [(2, NIP_A), (4, NIP_C)]
    assert {q for q in ib.quarantine() if q[0].startswith("presensi/")} == {
        ("presensi/rekap.csv", 5, "status", "X", "status_unknown"),
        ("presensi/rekap_trailing.csv", 3, "status", "Q", "status_unknown"),
    }


def test_quoted_newline_keeps_later_line_numbers(inbox):
    ib = inbox("blank_rows_quotes")
    path = "skm/survei.csv"
    # record 1 spans lines 2-3 (saran with a newline), line 5 is blank
    assert ib.staged("stg_skm", "jenis_layanan, saran", path) == [
        (2, "KTP-el", "Pelayanan cepat.\nTerima kasih, petugas ramah"),
        (6, "Akta Kelahiran", 'ruang tunggu "panas"'),
    ]
    assert {q for q in ib.quarantine() if q[0] == path} == {
        (path, 4, "u9", "0", "score_range"),
        (path, 7, "u9", "9", "score_range"),
    }


# ---------------------------------------------------------------- 13. file-level problems


def test_missing_required_column_unknown_folder_and_extra_column(inbox):
    ib = inbox("file_problems")
    missing = ib.reports["presensi/rekap_tanpa_status.csv"]
    assert missing.action == "error"
    assert missing.message.startswith("kolom wajib tidak ada: status ")
    assert ib.file("presensi/rekap_tanpa_status.csv")["status"] == "error"

    for path in ("lainnya/catatan_rapat.csv", "BACA_SAYA.txt"):
        assert ib.reports[path].action == "ignored"
        assert "bukan folder jenis data yang dikenal" in ib.reports[path].message
    assert ib.rows(
        "select count(*) from lineage.files where path in ('lainnya/catatan_rapat.csv', 'BACA_SAYA.txt')"
    ) == [(0,)]

    extra = ib.reports["presensi/rekap_kolom_tambahan.csv"]
    assert extra.action == "loaded"
    assert extra.warnings == ["kolom tidak dikenal diabaikan: Lokasi Absen"]
    assert ib.quarantine() == set()


# ---------------------------------------------------------------- 14. scan log with PIN only


def test_scan_log_pin_is_resolved_through_the_roster(inbox):
    ib = inbox("scan_pin")
    path = "presensi/log_mesin.csv"
    assert ib.reports[path].shape == "presensi_scan"
    assert ib.staged("stg_presensi_scan", "nip, waktu", path) == [
        (2, NIP_A, datetime(2026, 10, 1, 7, 24, 13)),
        (3, NIP_A, datetime(2026, 10, 1, 16, 5, 40)),
        (4, NIP_B, datetime(2026, 10, 13, 7, 41, 2)),  # written 13/10/2026 07.41.02
    ]
    assert ib.quarantine() == {(path, 5, "pin", "999 (mesin FP-01)", "pin_unknown")}


def test_a_pin_shared_by_two_roster_rows_does_not_double_a_scan(inbox):
    ib = inbox("scan_pin_shared")  # NIP_A and NIP_C both have PIN 101
    path = "presensi/log_mesin.csv"
    assert ib.staged("stg_presensi_scan", "nip", path) == [(3, NIP_B)]
    assert ib.quarantine() == {(path, 2, "pin", "101 (mesin FP-01)", "pin_ambiguous")}


# ---------------------------------------------------------------- 15. too many fields


def test_row_with_one_extra_field_is_row_malformed_at_its_line(inbox):
    ib = inbox("malformed_row")
    path = "presensi/rekap_blank.csv"  # line 3 blank, line 4 has 6 fields for 5 columns
    assert {q for q in ib.quarantine() if q[0] == path} == {
        (path, 4, None, f"{NIP_B},2026-10-02,07:30,16:00,H,lembur", "row_malformed"),
    }
    assert ib.staged("stg_presensi_recap", "nip", path) == [(2, NIP_A), (5, NIP_C)]


def test_row_with_two_extra_fields_is_one_row_malformed(inbox):
    ib = inbox("malformed_row")
    path = "presensi/rekap.csv"  # line 3 has 7 fields for 5 columns
    assert ib.reports[path].rows_read == 3
    assert ib.rows(
        'select q."row", q.rule from quarantine.rows q join lineage.files f using (file_id) where f.path = ?', [path]
    ) == [(3, "row_malformed")]
    # DuckDB reports such a line once per extra field, in no fixed order: the reason lists them sorted
    [(message,)] = ib.rows(
        "select q.message from quarantine.rows q join lineage.files f using (file_id) where f.path = ?", [path]
    )
    assert message.endswith(
        "TOO MANY COLUMNS: Expected Number of Columns: 5 Found: 6; "
        "TOO MANY COLUMNS: Expected Number of Columns: 5 Found: 7"
    )


def test_row_with_extra_field_after_a_quoted_newline_is_row_malformed_at_its_line(inbox):
    ib = inbox("malformed_after_quoted_newline")
    path = "skm/survei.csv"  # record 1 spans lines 2-3; line 4 has 14 fields for 13 columns
    assert ib.reports[path].action == "loaded", ib.reports[path].message
    assert ib.quarantine() == {
        (path, 4, None, "2026-10-05 09:10,PATEN,KTP-el,4,4,3,4,3,3,4,3,3,Bagus,sekali", "row_malformed"),
        (path, 5, "u9", "0", "score_range"),
    }
    assert ib.staged("stg_skm", "saran", path) == [(2, "Pelayanan cepat.\nTerima kasih")]
