"""Spreadsheets as offices save them (issue 16, XLSX/XLS part): NIPs typed into number cells,
workbooks whose first sheet is hidden or holds no data, workbooks of several sheets, cells too big to
hold, old .xls files.

Every case runs the real `pantau validate --inbox <case>` in-process (conftest.case_runner) on
a workbook generated here with openpyxl, the way Excel would save it.
"""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path

from helpers import NIP_A, NIP_B, NIP_C, ROSTER, write_inbox
from transforms.ingest.records import SHEET_ROW_STRIDE

RECAP_HEADER = ["NIP", "Tanggal", "Jam Masuk", "Jam Pulang", "Status"]
ROSTER_HEADER = ["nip", "nama", "jabatan", "unit_kerja", "jenis_asn", "golongan", "nip_atasan", "pin"]
ROSTER_ROWS = [line.split(",") for line in ROSTER.splitlines()[1:]]
# what Excel keeps of NIP_C typed into a number cell: 15 significant digits
NIP_C_AS_NUMBER = 197811052005011000


def xlsx_bytes(sheets: list[tuple[str, list[list]]], hidden=(), active: int = 0) -> bytes:
    from openpyxl import Workbook

    wb = Workbook()
    wb.remove(wb.active)
    for title, rows in sheets:
        ws = wb.create_sheet(title)
        for row in rows:
            ws.append(row)
        if title in hidden:
            ws.sheet_state = "hidden"
    wb.active = active
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def validate(case_runner, name: str, files: dict):
    """The case's files alone (no roster added): (exit code, output, warehouse, reports by path)."""
    case = case_runner(name, lambda inbox: write_inbox(inbox, files), roster=False)
    return case.exit_code, case.output, case.con, case.reports


def quarantine(con, path: str) -> list[tuple]:
    return con.execute(
        'select q."row", q."column", q.value, q.rule, q.message from quarantine.rows q '
        "join lineage.files f using (file_id) where f.path = ? and f.status = 'loaded' order by 1, 4",
        [path],
    ).fetchall()


# ---------------------------------------------------------------- NIPs stored as numbers


def test_numeric_nip_cells_are_refused_by_row_with_what_to_do(case_runner):
    roster = [ROSTER_HEADER, ROSTER_ROWS[0], ROSTER_ROWS[1], [NIP_C_AS_NUMBER, *ROSTER_ROWS[2][1:]]]
    recap = [
        RECAP_HEADER,
        [NIP_A, "2026-10-01", "07:30", "16:00", "H"],
        [int(NIP_B), "2026-10-01", "07:30", "16:00", "H"],  # a number cell: Excel kept 15 digits
        [float(NIP_C), "2026-10-02", "07:30", "16:00", "H"],
    ]
    code, output, con, reports = validate(
        case_runner,
        "xlsx_numeric_nip",
        {
            "pegawai/daftar_pegawai.xlsx": xlsx_bytes([("Pegawai", roster)]),
            "presensi/rekap.xlsx": xlsx_bytes([("Oktober", recap)]),
        },
    )
    refused = quarantine(con, "presensi/rekap.xlsx")
    assert [r[:4] for r in refused] == [
        (3, "nip", "1.99107232019032E+17", "nip_excel_number"),
        (3, "nip", "1.99107232019032E+17", "nip_format"),
        (4, "nip", "1.97811052005011E+17", "nip_excel_number"),
        (4, "nip", "1.97811052005011E+17", "nip_format"),
    ]
    assert "simpan kolom NIP sebagai teks" in refused[0][4]
    # the roster's NIP_C row is refused too: never loaded as 197811052005011000
    assert [r[:4] for r in quarantine(con, "pegawai/daftar_pegawai.xlsx") if r[3] == "nip_excel_number"] == [
        (4, "nip", "1.97811052005011E+17", "nip_excel_number")
    ]
    assert con.execute("select count(*) from staging.stg_pegawai where nip like '19781105200501%'").fetchone() == (0,)
    # rows in = loaded + quarantined
    r = reports["presensi/rekap.xlsx"]
    staged = con.execute("select count(*) from staging.stg_presensi_recap").fetchone()[0]
    assert (r.rows_read, staged) == (3, 1)
    assert "presensi/rekap.xlsx" in output and "simpan kolom NIP sebagai teks" in output, output


def test_fifteen_digit_nips_in_a_csv_are_never_accepted(case_runner):
    code, output, con, reports = validate(
        case_runner,
        "csv_fifteen_digit_nip",
        {
            "pegawai/daftar_pegawai.csv": ROSTER,
            "presensi/rekap.csv": (
                "nip,tanggal,jam_masuk,jam_pulang,status\n"
                f"{NIP_A},2026-10-01,07:30,16:00,H\n"
                "199107232019032000,2026-10-01,07:30,16:00,H\n"  # Excel's 15 digits, saved as CSV
                "1.97811052005011E+17,2026-10-01,07:30,16:00,H\n"  # Excel's General format, saved as CSV
                '"1,97811052005011E+17",2026-10-02,07:30,16:00,H\n'  # the same with a decimal comma
            ),
        },
    )
    rules = {(row, rule) for row, _col, _val, rule, _msg in quarantine(con, "presensi/rekap.csv")}
    assert {(3, "nip_excel_number"), (4, "nip_excel_number"), (5, "nip_excel_number")} <= rules
    assert con.execute("select count(*) from staging.stg_presensi_recap").fetchone() == (1,)


# ---------------------------------------------------------------- which sheet is read


def recap(day: str, nips=(NIP_A, NIP_B)) -> list[list]:
    return [RECAP_HEADER] + [[nip, day, "07:30", "16:00", "H"] for nip in nips]


def test_hidden_first_sheet_is_skipped_and_the_active_october_sheet_is_read(case_runner):
    book = xlsx_bytes(
        [("September", recap("2026-09-01")), ("Oktober", recap("2026-10-01", (NIP_A, NIP_B, NIP_C)))],
        hidden=("September",),
        active=1,
    )
    code, output, con, reports = validate(
        case_runner, "xlsx_hidden_first_sheet", {"pegawai/daftar_pegawai.csv": ROSTER, "presensi/rekap.xlsx": book}
    )
    assert con.execute("select distinct tanggal from raw.presensi_recap").fetchall() == [("2026-10-01",)]
    assert reports["presensi/rekap.xlsx"].rows_read == 3
    assert (
        "lembar kerja 'Oktober' dibaca; dilewati: 'September' (tersembunyi)" in reports["presensi/rekap.xlsx"].warnings
    )


def test_data_on_the_second_sheet_only_is_found_and_the_first_named_as_skipped(case_runner):
    book = xlsx_bytes([("Petunjuk", [["Isi data presensi pada lembar berikutnya"]]), ("Data", recap("2026-10-02"))])
    code, output, con, reports = validate(
        case_runner, "xlsx_data_on_sheet_two", {"pegawai/daftar_pegawai.csv": ROSTER, "presensi/rekap.xlsx": book}
    )
    report = reports["presensi/rekap.xlsx"]
    assert (report.action, report.rows_read) == ("loaded", 2)
    [said] = [w for w in report.warnings if w.startswith("lembar kerja")]
    assert said.startswith("lembar kerja 'Data' dibaca; dilewati: 'Petunjuk' (")
    assert "lembar kerja 'Data' dibaca" in output


def test_no_sheet_matching_names_every_sheet_and_why(case_runner):
    book = xlsx_bytes([("Lama", recap("2026-09-01")), ("Catatan", [["tidak ada data"]])], hidden=("Lama",), active=1)
    code, output, con, reports = validate(
        case_runner, "xlsx_no_sheet_matches", {"pegawai/daftar_pegawai.csv": ROSTER, "presensi/rekap.xlsx": book}
    )
    report = reports["presensi/rekap.xlsx"]
    assert report.action == "error" and code == 1
    assert report.message.startswith(
        "tidak ada lembar kerja yang judul kolomnya cocok; lembar yang diperiksa: 'Lama' (tersembunyi), 'Catatan' ("
    )


# ---------------------------------------------------------------- memory bounded


def cell_bomb(path, cell_bytes: int) -> None:
    """An XLSX whose cell A2 holds cell_bytes of text: a few hundred KB on disk. The sheet part is
    written block by block (openpyxl keeps strings inline), so building it never holds the cell."""
    import zipfile

    small = zipfile.ZipFile(
        io.BytesIO(xlsx_bytes([("Rekap", [RECAP_HEADER, ["@", "2026-10-01", "07:30", "16:00", "H"]])]))
    )
    sheet = "xl/worksheets/sheet1.xml"
    before, after = small.read(sheet).split(b"<t>@</t>")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for info in small.infolist():
            if info.filename != sheet:
                out.writestr(info, small.read(info.filename))
                continue
            with out.open(sheet, "w", force_zip64=True) as part:
                part.write(before + b"<t>")
                block = b"A" * (1 << 20)
                for _ in range(cell_bytes >> 20):
                    part.write(block)
                part.write(b"</t>" + after)


def test_a_cell_beyond_the_limit_is_refused_with_its_size_before_it_is_read(case_runner):
    def build(inbox):
        write_inbox(inbox, {"pegawai/daftar_pegawai.csv": ROSTER})
        (inbox / "presensi").mkdir()
        cell_bomb(inbox / "presensi" / "rekap.xlsx", 300 << 20)

    case = case_runner("xlsx_cell_bomb", build, roster=False)
    report = case.reports["presensi/rekap.xlsx"]
    assert (case.exit_code, report.action) == (1, "error")
    assert report.message.startswith(
        "isi XLSX terlalu besar: bagian xl/worksheets/sheet1.xml berukuran 300 MB setelah dibuka "
        "(batas xlsx_max_part = 200MB)"
    )


# ---------------------------------------------------------------- old .xls

XLS_FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "xls" / "rekap_oktober.xls"


def test_an_old_xls_loads_its_visible_sheet_and_refuses_its_numeric_nip(case_runner):
    case = case_runner(
        "xls_rekap",
        lambda inbox: write_inbox(
            inbox, {"pegawai/daftar_pegawai.csv": ROSTER, "presensi/rekap_oktober.xls": XLS_FIXTURE.read_bytes()}
        ),
        roster=False,
    )
    report = case.reports["presensi/rekap_oktober.xls"]
    assert (report.action, report.rows_read) == ("loaded", 3)
    assert "lembar kerja 'Oktober' dibaca; dilewati: 'September' (tersembunyi)" in report.warnings
    assert case.rows("select nip, tanggal from staging.stg_presensi_recap order by nip") == [
        (NIP_A, date(2026, 10, 1)),
        (NIP_B, date(2026, 10, 1)),
    ]
    assert {r[:4] for r in quarantine(case.con, "presensi/rekap_oktober.xls")} == {
        (4, "nip", "1.97811052005011E+17", "nip_excel_number"),
        (4, "nip", "1.97811052005011E+17", "nip_format"),
    }
    assert case.rows("select format from lineage.files where path = 'presensi/rekap_oktober.xls'") == [("xls",)]


# ---------------------------------------------------------------- property: text NIPs load, numbers never


def test_generated_workbooks_load_text_nips_and_refuse_numeric_ones_by_row(case_runner):
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    nips = st.sampled_from([NIP_A, NIP_B, NIP_C])
    rows = st.lists(st.tuples(nips, st.booleans()), min_size=1, max_size=12)
    examples = iter(range(10_000))

    @settings(max_examples=12, deadline=None, suppress_health_check=list(HealthCheck))
    @given(rows)
    def check(drawn):
        # one day per row: no two rows are copies of each other
        sheet = [RECAP_HEADER] + [
            [int(nip) if as_number else nip, f"2026-10-{day:02d}", "07:30", "16:00", "H"]
            for day, (nip, as_number) in enumerate(drawn, start=1)
        ]
        code, output, con, reports = validate(
            case_runner,
            f"xlsx_property_{next(examples)}",
            {"pegawai/daftar_pegawai.csv": ROSTER, "presensi/rekap.xlsx": xlsx_bytes([("Rekap", sheet)])},
        )
        numeric_rows = {row for row, (_n, as_number) in enumerate(drawn, start=2) if as_number}
        refused = {r[0] for r in quarantine(con, "presensi/rekap.xlsx") if r[3] == "nip_excel_number"}
        assert refused == numeric_rows
        quarantined = len({r[0] for r in quarantine(con, "presensi/rekap.xlsx")})
        staged = con.execute("select count(*) from staging.stg_presensi_recap").fetchone()[0]
        loaded_text = con.execute(
            "select count(*) from raw.presensi_recap where regexp_full_match(nip, '\\d{18}')"
        ).fetchone()[0]
        assert reports["presensi/rekap.xlsx"].rows_read == len(drawn) == staged + quarantined
        assert loaded_text == len(drawn) - len(numeric_rows)

    check()


# ---------------------------------------------------------------- every matching sheet is read
# Shapes, as offices save them: one SKM workbook per month with a sheet per kelurahan and no unit
# column (the unit is the sheet's name), an instructions sheet and last month's sheet hidden; a
# daily recap kept on a sheet per fortnight, where the second sheet repeats rows of the first.
# Each row keeps the sheet and the row a person sees ('Oktober!12'); rows in = loaded +
# quarantined per file, summed over its sheets.

SKM_HEADER = ["waktu", "jenis_layanan", "u1", "u2", "u3", "u4", "u5", "u6", "u7", "u8", "u9"]


def survey(day: int, u8: int = 2) -> list:
    return [f"2026-10-{day:02d} 09:00", "KTP", 4, 3, 3, 4, 3, 4, 4, u8, 3]


def unit_sheets_case(case_runner):
    book = xlsx_bytes(
        [
            ("Petunjuk", [["Isi satu lembar per kelurahan; kolom u1..u9 bernilai 1-4"]]),
            ("Kel. Pager", [SKM_HEADER, survey(1), survey(2), survey(3, u8=7)]),
            ("Kel. Bukit Sua", [SKM_HEADER, survey(6), survey(7)]),
            ("September", [SKM_HEADER, survey(1)]),
        ],
        hidden=("September",),
        active=1,
    )
    return case_runner(
        "xlsx_unit_sheets",
        lambda inbox: write_inbox(inbox, {"pegawai/daftar_pegawai.csv": ROSTER, "skm/survei_oktober.xlsx": book}),
        roster=False,
    )


def test_two_unit_sheets_load_with_their_units_and_counts(case_runner):
    case = unit_sheets_case(case_runner)
    assert case.exit_code == 0, case.output
    report = case.reports["skm/survei_oktober.xlsx"]
    counts = case.counts()["skm/survei_oktober.xlsx"]
    # read 5 = loaded 4 + quarantined 1 (the 7 on Kel. Pager's row 4), summed over both sheets
    assert (report.rows_read, counts.rows_loaded, counts.rows_quarantined) == (5, 4, 1)
    assert case.rows("select unit_slug, count(*) from staging.stg_skm group by all order by 1") == [
        ("kelurahan-bukit-sua", 2),
        ("kelurahan-pager", 2),
    ]
    assert "unit diambil dari nama lembar 'Kel. Pager': Kantor Kelurahan Pager" in case.output
    assert "unit diambil dari nama lembar 'Kel. Bukit Sua': Kantor Kelurahan Bukit Sua" in case.output
    assert "baris data per lembar: 'Kel. Pager' 3, 'Kel. Bukit Sua' 2" in report.warnings
    assert case.rows("select sheets from lineage.files where path = 'skm/survei_oktober.xlsx'") == [
        (["Kel. Pager", "Kel. Bukit Sua"],)
    ]


def test_hidden_and_non_matching_sheets_are_named_skipped(case_runner):
    report = unit_sheets_case(case_runner).reports["skm/survei_oktober.xlsx"]
    [said] = [w for w in report.warnings if w.startswith("lembar kerja")]
    assert said.startswith(
        "lembar kerja 'Kel. Pager', 'Kel. Bukit Sua' dibaca; dilewati: 'September' (tersembunyi), "
        "'Petunjuk' (tidak ditemukan baris judul kolom"
    ), said


def test_a_row_of_the_second_sheet_is_named_by_its_sheet_and_row(case_runner):
    case = unit_sheets_case(case_runner)
    # the row key keeps both apart: Kel. Bukit Sua's row 2 is not Kel. Pager's row 2
    assert [r for (r,) in case.rows("select _row from raw.skm order by _row")] == [
        2,
        3,
        4,
        SHEET_ROW_STRIDE + 2,
        SHEET_ROW_STRIDE + 3,
    ]
    assert "baris 'Kel. Pager'!4, kolom u8 = '7'" in case.output, case.output


def recap_days(days: list[tuple[str, str, str]]) -> list[list]:
    return [RECAP_HEADER] + [[nip, day, "07:30", jam_pulang, "H"] for nip, day, jam_pulang in days]


def test_two_sheets_holding_the_same_row_follow_the_duplicate_rules_naming_both_places(case_runner):
    book = xlsx_bytes(
        [
            ("1-15 Okt", recap_days([(NIP_A, "2026-10-01", "16:00"), (NIP_B, "2026-10-01", "16:00")])),
            # the fortnight sheet repeats NIP_A's 1 October as it is, and NIP_B's with another time
            (
                "16-31 Okt",
                recap_days(
                    [(NIP_A, "2026-10-01", "16:00"), (NIP_B, "2026-10-01", "15:00"), (NIP_A, "2026-10-16", "16:00")]
                ),
            ),
        ]
    )
    case = case_runner(
        "xlsx_sheets_repeat_a_row",
        lambda inbox: write_inbox(inbox, {"pegawai/daftar_pegawai.csv": ROSTER, "presensi/rekap_oktober.xlsx": book}),
        roster=False,
    )
    counts = case.counts()["presensi/rekap_oktober.xlsx"]
    assert (counts.rows_read, counts.rows_loaded, counts.rows_quarantined) == (5, 2, 3)
    refused = {(row, rule) for row, _c, _v, rule, _m in quarantine(case.con, "presensi/rekap_oktober.xlsx")}
    assert refused == {
        (SHEET_ROW_STRIDE + 2, "duplicate_exact"),
        (3, "duplicate_conflict"),
        (SHEET_ROW_STRIDE + 3, "duplicate_conflict"),
    }
    assert case.staged("stg_presensi_recap", "nip, tanggal::varchar", "presensi/rekap_oktober.xlsx") == [
        (2, NIP_A, "2026-10-01"),
        (SHEET_ROW_STRIDE + 4, NIP_A, "2026-10-16"),
    ]
    # the conflict names both places, the exact copy its own
    assert "      baris '1-15 Okt'!3\n      baris '16-31 Okt'!3" in case.output, case.output
    assert "baris '16-31 Okt'!2" in case.output


def test_a_sheet_of_another_shape_is_named_skipped(case_runner):
    book = xlsx_bytes(
        [
            ("Rekap", recap_days([(NIP_A, "2026-10-01", "16:00")])),
            ("Log mesin", [["NIP", "Waktu"], [NIP_A, "2026-10-01 07:30:00"]]),
        ]
    )
    case = case_runner(
        "xlsx_sheet_of_another_shape",
        lambda inbox: write_inbox(inbox, {"pegawai/daftar_pegawai.csv": ROSTER, "presensi/rekap.xlsx": book}),
        roster=False,
    )
    report = case.reports["presensi/rekap.xlsx"]
    assert (report.action, report.rows_read) == ("loaded", 1)
    assert (
        "lembar kerja 'Rekap' dibaca; dilewati: 'Log mesin' (judulnya berbentuk presensi_scan, bukan "
        "presensi_recap seperti lembar 'Rekap'; pindahkan lembar ini ke berkas sendiri)"
    ) in report.warnings


def test_a_date_contradicting_the_order_on_a_second_sheet_is_named_by_its_sheet_and_row(case_runner):
    # sheet 1 proves day-first (13/10); row 3 of sheet 2 can only be month-first (10/14)
    book = xlsx_bytes(
        [
            ("1-15 Okt", recap("13/10/2026")),
            ("16-31 Okt", recap("16/10/2026", (NIP_A,)) + [[NIP_B, "10/14/2026", "07:30", "16:00", "H"]]),
        ]
    )
    code, output, con, reports = validate(
        case_runner, "xlsx_date_order_second_sheet", {"pegawai/daftar_pegawai.csv": ROSTER, "presensi/rekap.xlsx": book}
    )
    assert code == 1
    assert "'10/14/2026' (baris '16-31 Okt'!3) hanya bisa bulan/hari/tahun" in reports["presensi/rekap.xlsx"].message
    assert "Periksa baris '16-31 Okt'!3" in reports["presensi/rekap.xlsx"].message
