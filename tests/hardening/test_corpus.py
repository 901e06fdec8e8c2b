"""The broken-input corpus: every hostile or broken export -> the outcome it must get.

Each case is run through the real `pantau validate --inbox <case> --as-of 2026-11-28` (in-process,
see conftest.py). The outcome is one of:

- a clean load (exit 0), possibly with a file warning;
- quarantined rows, each with its rule (exit 0: quarantine is reported, not fatal);
- a file-level error naming the file and what to do (exit 1, nothing published).

Never a traceback (exit 4) and never a silently lost row: for every loaded file, rows read =
rows loaded + rows quarantined, and rows read is the number of non-empty data lines written in
the case. The table in docs/hardening.md lists the same cases.

Hand-made inputs are committed under tests/hardening/fixtures/<case>/. Binary, huge and
file-system-special inputs are generated at test time by the builder functions below (they
would be unreadable or too big in git, or git cannot store them).
"""

from __future__ import annotations

import io
import os
import random
import struct
import zlib
from pathlib import Path

import pytest

from helpers import NIP_A, NIP_B, NIP_C, write_inbox

ROSTER = "pegawai/daftar_pegawai.csv"
RECAP_HEADER = "nip,tanggal,jam_masuk,jam_pulang,status\n"
SKM_HEADER = "waktu,unit_layanan,jenis_layanan,u1,u2,u3,u4,u5,u6,u7,u8,u9,saran"
TEN_MB = 10 * 1024 * 1024


# ---------------------------------------------------------------- generated inputs


def tiny_png() -> bytes:
    """A valid 1x1 PNG (what a phone photo of a form looks like to the pipeline)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(b"\x00\xff\x00\x00"))
        + chunk(b"IEND", b"")
    )


def xlsx_bytes(rows: list[list], shape=None) -> bytes:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    for row in rows:
        ws.append(row)
    if shape:
        shape(ws)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def recap_rows(n: int) -> list[list]:
    return [["NIP", "Tanggal", "Jam Masuk", "Jam Pulang", "Status"]] + [
        [NIP_A, f"2026-10-{1 + i % 28:02d}", "07:30", "16:00", "H"] for i in range(n)
    ]


def binary_garbage(inbox: Path) -> None:
    write_inbox(inbox, {"presensi/rekap_oktober.csv": random.Random(10).randbytes(64 * 1024)})


def png_renamed(inbox: Path) -> None:
    write_inbox(inbox, {"skm/foto_formulir.csv": tiny_png()})


def truncated_xlsx(inbox: Path) -> None:
    whole = xlsx_bytes(recap_rows(500))
    write_inbox(inbox, {"presensi/rekap.xlsx": whole[: len(whole) // 2]})


def merged_header_xlsx(inbox: Path) -> None:
    """A two-row header: 'Jam' merged over Masuk/Pulang, NIP/Tanggal/Status merged down two rows."""

    def shape(ws):
        for cells in ("A1:A2", "B1:B2", "C1:D1", "E1:E2"):
            ws.merge_cells(cells)

    rows = [
        ["NIP", "Tanggal", "Jam", None, "Status"],
        [None, None, "Masuk", "Pulang", None],
        [NIP_A, "2026-10-01", "07:28", "16:02", "H"],
        [NIP_B, "2026-10-01", "07:45", "16:10", "X"],
    ]
    write_inbox(inbox, {"presensi/rekap.xlsx": xlsx_bytes(rows, shape)})


def merged_header_hides_column_xlsx(inbox: Path) -> None:
    """'NIP' merged across A1:B1: the Tanggal column has no header of its own."""
    rows = [["NIP", None, "Jam Masuk", "Jam Pulang", "Status"], [NIP_A, "2026-10-01", "07:28", "16:02", "H"]]
    write_inbox(inbox, {"presensi/rekap.xlsx": xlsx_bytes(rows, lambda ws: ws.merge_cells("A1:B1"))})


def one_line_10mb(inbox: Path) -> None:
    """10 MB without a newline, header words included: no header can be found in it."""
    unit = RECAP_HEADER.strip() + ","
    write_inbox(inbox, {"presensi/rekap_oktober.csv": (unit * (TEN_MB // len(unit) + 1)).encode()[:TEN_MB]})


def long_line_after_header(inbox: Path) -> None:
    """A good row, then a 10 MB row with no newline at the end of the file."""
    write_inbox(
        inbox,
        {
            "presensi/rekap_oktober.csv": (
                RECAP_HEADER + f"{NIP_A},2026-10-01,07:30,16:00,H\n" + f"{NIP_B},2026-10-01,07:45,16:10," + "H" * TEN_MB
            )
        },
    )


def long_complaint(inbox: Path) -> None:
    complaint = ("Antrean panjang, mohon ditambah loket. " * 2600)[:100_000]
    write_inbox(
        inbox,
        {
            "skm/survei.csv": (
                SKM_HEADER
                + "\n2026-10-05 09:00,PATEN,KTP-el,4,4,3,4,3,3,4,3,3,"
                + f'"{complaint}"\n'
                + "2026-10-05 09:20,PATEN,KTP-el,4,4,3,4,3,3,4,3,3,pendek\n"
            )
        },
    )


ASCII_ROW = "2026-10-05 09:00,PATEN,KTP-el,4,4,3,4,3,3,4,3,3,ok\r\n"
LATE_ROWS = (1 << 20) // len(ASCII_ROW) + 10  # ASCII rows before the first Windows-1252 byte


def late_cp1252(inbox: Path) -> None:
    """Windows-1252, but the first non-ASCII byte comes after more than 1 MB of ASCII."""
    text = (
        SKM_HEADER + "\r\n" + ASCII_ROW * LATE_ROWS + "2026-10-05 09:20,PATEN,KTP-el,4,4,3,4,3,3,4,3,3,Grüße – café\r\n"
    )
    write_inbox(inbox, {"skm/survei_besar.csv": text.encode("cp1252")})


def non_utf8_file_name(inbox: Path) -> None:
    (inbox / "skm").mkdir(parents=True, exist_ok=True)
    name = os.fsencode(inbox / "skm") + b"/Survei_\xd6konomi.csv"  # 'Ö' in Windows-1252, from an old ZIP
    with open(name, "wb") as fh:
        fh.write((SKM_HEADER + "\n2026-10-05 09:00,PATEN,KTP-el,4,4,3,4,3,3,4,3,3,ok\n").encode())


def symlinks(inbox: Path) -> None:
    outside = inbox.parent / f"{inbox.name}-outside"
    (outside / "presensi").mkdir(parents=True, exist_ok=True)
    (outside / "rahasia.csv").write_text(RECAP_HEADER + f"{NIP_C},2026-10-03,07:11,16:11,H\n", encoding="utf-8")
    (outside / "presensi" / "x.csv").write_text(RECAP_HEADER + f"{NIP_C},2026-10-04,07:12,16:12,H\n", encoding="utf-8")
    write_inbox(inbox, {"presensi/rekap_oktober.csv": RECAP_HEADER + f"{NIP_A},2026-10-01,07:30,16:00,H\n"})
    os.symlink(outside / "rahasia.csv", inbox / "presensi" / "tautan_keluar.csv")
    os.symlink("../../../etc/passwd", inbox / "presensi" / "passwd.csv")
    os.symlink(outside / "presensi", inbox / "skp")  # a whole folder outside
    os.symlink("rekap_oktober.csv", inbox / "presensi" / "terbaru.csv")  # inside: read once, at its place


def directory_named_like_file(inbox: Path) -> None:
    (inbox / "presensi" / "rekap_november.csv").mkdir(parents=True)
    write_inbox(inbox, {"presensi/rekap_oktober.csv": RECAP_HEADER + f"{NIP_A},2026-10-01,07:30,16:00,H\n"})


def fifo_and_system_files(inbox: Path) -> None:
    write_inbox(
        inbox,
        {
            "presensi/rekap_oktober.csv": RECAP_HEADER + f"{NIP_A},2026-10-01,07:30,16:00,H\n",
            "presensi/Thumbs.db": bytes(64),
            "presensi/desktop.ini": "[.ShellClassInfo]\n",
            "presensi/rekap_oktober.csv:Zone.Identifier": "[ZoneTransfer]\nZoneId=3\n",
            "presensi/~$rekap.xlsx": b"lock",
        },
    )
    os.mkfifo(inbox / "presensi" / "pipa.csv")  # opening it would block the run forever


def wrong_formats(inbox: Path) -> None:
    import gzip

    write_inbox(
        inbox,
        {
            "presensi/rekap_lama.xls": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(2048),
            "presensi/rekap.csv.gz": gzip.compress((RECAP_HEADER + f"{NIP_A},2026-10-01,07:30,16:00,H\n").encode()),
            "pegawai/simpeg_export.xls": (
                "<html><body><table><tr><td>NIP</td><td>Nama</td></tr></table></body></html>\n"
            ),
            "presensi/rekap_salah_nama.xlsx": RECAP_HEADER + f"{NIP_A},2026-10-01,07:30,16:00,H\n",
        },
    )


def xlsx_formulas(inbox: Path) -> None:
    """Formula-looking text cells, and one real formula that Excel never computed (no cached value)."""

    def shape(ws):
        for row, text in ((2, '=HYPERLINK("http://x","klik")'), (3, "+1"), (4, "-1"), (5, "@SUM(A1)")):
            ws.cell(row, 13).value = text
            ws.cell(row, 13).data_type = "s"  # typed as text, as a form export writes it
        ws.cell(6, 13).value = '=HYPERLINK("http://x","klik")'  # a real formula, never computed

    row = ["2026-10-05 09:00", "PATEN", "KTP-el", 4, 4, 3, 4, 3, 3, 4, 3, 3, None]
    write_inbox(inbox, {"skm/survei.xlsx": xlsx_bytes([SKM_HEADER.split(",")] + [row] * 5, shape)})


BUILDERS = {
    "binary_garbage": binary_garbage,
    "png_renamed": png_renamed,
    "truncated_xlsx": truncated_xlsx,
    "merged_header_xlsx": merged_header_xlsx,
    "merged_header_hides_column_xlsx": merged_header_hides_column_xlsx,
    "one_line_10mb": one_line_10mb,
    "long_line_after_header": long_line_after_header,
    "long_complaint": long_complaint,
    "late_cp1252": late_cp1252,
    "non_utf8_file_name": non_utf8_file_name,
    "symlinks": symlinks,
    "directory_named_like_file": directory_named_like_file,
    "fifo_and_system_files": fifo_and_system_files,
    "wrong_formats": wrong_formats,
    "xlsx_formulas": xlsx_formulas,
}


@pytest.fixture(scope="module")
def case(case_runner):
    return lambda name: case_runner(name, BUILDERS.get(name))


# ---------------------------------------------------------------- every case: its outcome
#
# exit code, and per file either (rows read, loaded, quarantined) for a loaded file or
# (action, words the message must contain). rows read is counted by hand from the input.

LOADED_ROSTER = {ROSTER: (3, 3, 0)}

EXPECTED = {
    "empty_file": (1, {"presensi/rekap_oktober.csv": ("error", "berkas kosong (0 byte)")}),
    "header_only": (0, {"presensi/rekap_oktober.csv": (0, 0, 0)}),
    "binary_garbage": (1, {"presensi/rekap_oktober.csv": ("error", "berkas biner (bukan teks CSV atau XLSX)")}),
    "png_renamed": (1, {"skm/foto_formulir.csv": ("error", "gambar PNG")}),
    "wrong_encoding_cp1252": (0, {"skm/survei_windows.csv": (3, 3, 0)}),
    "late_cp1252": (0, {"skm/survei_besar.csv": (LATE_ROWS + 1, LATE_ROWS + 1, 0)}),
    "wrong_encoding_utf16": (0, {"skm/survei_unicode.csv": (2, 2, 0)}),
    "missing_required_column": (1, {"skp/skp_2026-10.csv": ("error", "kolom wajib tidak ada: arah")}),
    "extra_unknown_column": (0, {"presensi/rekap_oktober.csv": (2, 2, 0)}),
    "truncated_xlsx": (1, {"presensi/rekap.xlsx": ("error", "berkas XLSX rusak atau terpotong")}),
    "merged_header_xlsx": (0, {"presensi/rekap.xlsx": (2, 1, 1)}),
    "merged_header_hides_column_xlsx": (1, {"presensi/rekap.xlsx": ("error", "Sel judul digabung (merge) di A1:B1")}),
    "one_line_10mb": (1, {"presensi/rekap_oktober.csv": ("error", "tanpa akhir baris")}),
    "long_line_after_header": (0, {"presensi/rekap_oktober.csv": (2, 1, 1)}),
    "duplicated_rows": (0, {"presensi/rekap_oktober.csv": (4, 2, 2)}),
    "conflicting_duplicates": (0, {"presensi/rekap_oktober.csv": (4, 2, 2)}),
    "future_dates": (0, {"presensi/rekap.csv": (4, 1, 3), "skm/survei.csv": (2, 1, 1)}),
    "nip_with_letters": (0, {"presensi/rekap.csv": (5, 1, 4)}),
    "skm_scores": (0, {"skm/survei.csv": (4, 1, 3)}),
    "skp_targets": (0, {"skp/skp_2026-10.csv": (4, 1, 3)}),
    "formula_injection": (0, {"skm/survei.csv": (5, 5, 0), "pegawai/tambahan.csv": (4, 4, 0)}),
    "xlsx_formulas": (0, {"skm/survei.xlsx": (5, 5, 0)}),
    "html_in_complaints": (0, {"skm/survei.csv": (4, 4, 0)}),
    "long_complaint": (0, {"skm/survei.csv": (2, 2, 0)}),
    "emoji": (0, {"skm/survei.csv": (3, 3, 0)}),
    "odd_file_name": (0, {"skm/Survei Kepuasan – Ökonomi.csv": (2, 2, 0)}),
    "non_utf8_file_name": (1, {"skm/Survei_Ökonomi.csv": ("error", "bukan UTF-8")}),
    "symlinks": (
        1,
        {
            "presensi/rekap_oktober.csv": (1, 1, 0),
            "presensi/tautan_keluar.csv": ("error", "tautan simbolik ke berkas di luar inbox"),
            "presensi/passwd.csv": ("error", "tautan simbolik ke berkas di luar inbox"),
            "skp": ("error", "tautan simbolik ke folder di luar inbox"),
            "presensi/terbaru.csv": ("ignored", "tautan simbolik ke presensi/rekap_oktober.csv di dalam inbox"),
        },
    ),
    "directory_named_like_file": (
        0,
        {
            "presensi/rekap_oktober.csv": (1, 1, 0),
            "presensi/rekap_november.csv": ("ignored", "ini folder, bukan berkas"),
        },
    ),
    "fifo_and_system_files": (
        0,
        {
            "presensi/rekap_oktober.csv": (1, 1, 0),
            "presensi/pipa.csv": ("ignored", "bukan berkas biasa"),
            "presensi/Thumbs.db": ("ignored", "berkas sistem"),
            "presensi/desktop.ini": ("ignored", "berkas sistem"),
            "presensi/rekap_oktober.csv:Zone.Identifier": ("ignored", "berkas sistem"),
        },
    ),
    "wrong_formats": (
        1,
        {
            "presensi/rekap_lama.xls": ("error", "berkas XLS rusak atau bukan lembar kerja Excel 97-2003"),
            "presensi/rekap.csv.gz": ("error", "arsip gzip"),
            "pegawai/simpeg_export.xls": ("error", "berkas ini HTML/XML"),
            "presensi/rekap_salah_nama.xlsx": ("error", "ganti akhiran namanya menjadi .csv"),
        },
    ),
}


@pytest.mark.parametrize("name", list(EXPECTED))
def test_every_case_has_its_outcome_and_no_traceback(case, name):
    run = case(name)
    exit_code, files = EXPECTED[name]
    assert run.exit_code == exit_code, run.output
    assert "Traceback" not in run.output and "galat internal" not in run.output
    reported = {f["path"] for f in run.outcome.files}
    assert reported == set(files) | {ROSTER}, run.output
    for path, expected in files.items():
        entry = run.file(path)
        if isinstance(expected[0], int):
            assert entry["action"] == "loaded", entry
            assert (entry["rows_read"], entry["rows_loaded"], entry["rows_quarantined"]) == expected, entry
        else:
            action, words = expected
            assert entry["action"] == action, entry
            assert words in entry["message"], entry["message"]
            # a file that is not loaded is named where the analyst reads: under DIHENTIKAN or the warnings
            assert f"{path}: {entry['message']}" in run.output
    if exit_code == 1:
        assert "DIHENTIKAN" in run.output


@pytest.mark.parametrize("name", list(EXPECTED))
def test_every_loaded_file_reconciles(case, name):
    """rows read = rows loaded + rows quarantined, counted independently (expectations.summary)."""
    counts = case(name).counts()
    assert counts[ROSTER].reconciled
    for path, c in counts.items():
        assert c.reconciled, f"{path}: {c.rows_read} read != {c.rows_loaded} loaded + {c.rows_quarantined} quarantined"
        assert c.rows_loaded == len(
            case(name).staged(
                {
                    "pegawai": "stg_pegawai",
                    "presensi_recap": "stg_presensi_recap",
                    "presensi_scan": "stg_presensi_scan",
                    "skp": "stg_skp",
                    "skm": "stg_skm",
                    "layanan": "stg_layanan",
                }[c.shape],
                "1",
                path,
            )
        )


# ---------------------------------------------------------------- file-level errors: nothing of them is kept


@pytest.mark.parametrize("name", [n for n, (code, _) in EXPECTED.items() if code == 1])
def test_a_rejected_file_leaves_no_rows(case, name):
    run = case(name)
    errors = {f["path"] for f in run.outcome.files if f["action"] == "error"}
    assert errors
    assert run.rows(
        "select count(*) from lineage.files where status = 'loaded' and path in (select unnest(?::varchar[]))",
        [sorted(errors)],
    ) == [(0,)]


def test_empty_and_header_only(case):
    assert case("empty_file").rows(
        "select status, error from lineage.files where path = ?", ["presensi/rekap_oktober.csv"]
    ) == [("error", "berkas kosong (0 byte): tidak ada baris sama sekali")]
    header_only = case("header_only").file("presensi/rekap_oktober.csv")
    assert header_only["warnings"] == ["berkas hanya berisi judul kolom; tidak ada baris data"]


# ---------------------------------------------------------------- encodings


def test_cp1252_loads_with_a_warning_and_every_character_decoded(case):
    run = case("wrong_encoding_cp1252")
    raw = (run.inbox / "skm/survei_windows.csv").read_bytes()
    assert b"caf\xe9" in raw and b"\x93antrean\x94" in raw and b"\x80" in raw  # really Windows-1252
    assert run.file("skm/survei_windows.csv")["warnings"] == [
        "berkas bukan UTF-8; karakter non-UTF-8 dibaca sebagai Windows-1252 (Latin-1)"
    ]
    assert run.staged("stg_skm", "saran", "skm/survei_windows.csv") == [
        (2, "Pelayanan café sangat baik"),
        (3, "Grüße dari Müller – “antrean” rapi"),
        (4, "biaya 0 €"),
    ]


def test_cp1252_after_the_first_megabyte_is_still_decoded(case):
    run = case("late_cp1252")
    assert "karakter non-UTF-8 dibaca sebagai Windows-1252" in run.file("skm/survei_besar.csv")["warnings"][0]
    assert run.rows("select saran from raw.skm where _row = (select max(_row) from raw.skm)") == [("Grüße – café",)]


def test_utf16_with_bom_and_tabs_loads(case):
    run = case("wrong_encoding_utf16")
    assert run.file("skm/survei_unicode.csv")["warnings"] == []
    assert run.rows("select delimiter from lineage.files where path = 'skm/survei_unicode.csv'") == [("\t",)]
    assert run.staged("stg_skm", "unit_slug, saran", "skm/survei_unicode.csv") == [
        (2, "paten-rakumpit", "Pelayanan café, petugas ramah"),
        (3, "kelurahan-pager", "Salam dari Ökonomi ✓"),
    ]


# ---------------------------------------------------------------- columns


def test_missing_required_column_names_every_missing_one(case):
    message = case("missing_required_column").file("skp/skp_2026-10.csv")["message"]
    assert message.startswith("kolom wajib tidak ada: arah (judul kolom di baris 1)"), message


def test_extra_unknown_columns_are_ignored_with_a_warning(case):
    run = case("extra_unknown_column")
    assert run.file("presensi/rekap_oktober.csv")["warnings"] == [
        "kolom tidak dikenal diabaikan: Lokasi Absen, Catatan Operator"
    ]
    assert run.quarantine("presensi/rekap_oktober.csv") == set()


# ---------------------------------------------------------------- XLSX


def test_merged_two_row_header_loads_with_sheet_rows(case):
    run = case("merged_header_xlsx")
    entry = run.file("presensi/rekap.xlsx")
    assert "judul kolom dari sel gabungan (merge) A1:A2, B1:B2, E1:E2 dipakai untuk baris judul 2" in entry["warnings"]
    assert run.rows("select header_row from lineage.files where path = 'presensi/rekap.xlsx'") == [(2,)]
    assert run.staged(
        "stg_presensi_recap", "nip, jam_masuk::varchar, jam_pulang::varchar, status", "presensi/rekap.xlsx"
    ) == [(3, NIP_A, "07:28:00", "16:02:00", "H")]
    assert run.quarantine("presensi/rekap.xlsx") == {(4, "status", "X", "status_unknown")}


def test_xlsx_formulas_are_text_never_computed(case):
    run = case("xlsx_formulas")
    entry = run.file("skm/survei.xlsx")
    assert (
        "1 sel berisi rumus tanpa nilai tersimpan; dimuat sebagai teks rumusnya (tidak dihitung)" in entry["warnings"]
    )
    assert run.staged("stg_skm", "saran", "skm/survei.xlsx") == [
        (2, '=HYPERLINK("http://x","klik")'),
        (3, "+1"),
        (4, "-1"),
        (5, "@SUM(A1)"),
        (6, '=HYPERLINK("http://x","klik")'),
    ]


# ---------------------------------------------------------------- long lines


def test_a_10_mb_data_line_is_one_quarantined_row(case):
    run = case("long_line_after_header")
    [(row, column, value, rule)] = run.quarantine("presensi/rekap_oktober.csv")
    assert (row, column, rule) == (3, None, "row_malformed")
    assert value.startswith(f"{NIP_B},2026-10-01,07:45,16:10,HHHH")
    assert run.staged("stg_presensi_recap", "nip", "presensi/rekap_oktober.csv") == [(2, NIP_A)]


def test_a_100k_character_complaint_loads_whole(case):
    run = case("long_complaint")
    [(row, saran)] = run.staged("stg_skm", "saran", "skm/survei.csv")[:1]
    assert row == 2 and len(saran) == 100_000 and saran.startswith("Antrean panjang")


# ---------------------------------------------------------------- row rules


def test_duplicates(case):
    assert case("duplicated_rows").quarantine("presensi/rekap_oktober.csv") == {
        (4, "*", None, "duplicate_exact"),
        (5, "*", None, "duplicate_exact"),
    }
    assert case("conflicting_duplicates").quarantine("presensi/rekap_oktober.csv") == {
        (3, "*", None, "duplicate_conflict"),
        (4, "*", None, "duplicate_conflict"),
    }


def test_future_dates(case):
    run = case("future_dates")
    assert run.quarantine("presensi/rekap.csv") == {
        (3, "tanggal", "2026-11-29", "date_future"),
        (4, "tanggal", "2027-01-04", "date_future"),
        (5, "tanggal", "13/12/2099", "date_future"),
    }
    assert run.quarantine("skm/survei.csv") == {(3, "waktu", "2026-12-01 09:00", "date_future")}


def test_nip_with_letters(case):
    assert case("nip_with_letters").quarantine("presensi/rekap.csv") == {
        (3, "nip", "19850312201001100A", "nip_format"),
        (4, "nip", "1985O312201001100l", "nip_format"),
        (5, "nip", f"NIP {NIP_B}", "nip_format"),
        (6, "nip", "1.98503122010011E+17", "nip_format"),  # Excel turned it into a number
        (6, "nip", "1.98503122010011E+17", "nip_excel_number"),  # ... and says to save NIPs as text
    }


def test_scores_5_and_3_comma_5(case):
    run = case("skm_scores")
    assert run.quarantine("skm/survei.csv") == {
        (3, "u1", "5", "score_range"),
        (4, "u2", "3,5", "score_range"),
        (5, "u9", "3,5", "score_range"),
    }


def test_negative_target_and_dash_realisation(case):
    assert case("skp_targets").quarantine("skp/skp_2026-10.csv") == {
        (3, "target", "-5", "target_invalid"),
        (4, "realisasi", "-", "realisasi_invalid"),
        (5, "target", "-1.250,5", "target_invalid"),
        (5, "realisasi", "-", "realisasi_invalid"),
    }


# ---------------------------------------------------------------- text citizens and offices type

FORMULAS = ['=HYPERLINK("http://x","klik")', "+1", "-1", "@SUM(A1)", "=cmd|' /C calc'!A0"]


def test_formula_injection_loads_as_plain_text(case):
    run = case("formula_injection")
    assert [s for _, s in run.staged("stg_skm", "saran", "skm/survei.csv")] == FORMULAS
    assert [n for _, n in run.staged("stg_pegawai", "nama", "pegawai/tambahan.csv")] == FORMULAS[:4]


def test_html_and_script_in_complaints_load_verbatim(case):
    run = case("html_in_complaints")
    assert [s for _, s in run.staged("stg_skm", "saran", "skm/survei.csv")] == [
        "<script>alert('pantau')</script>",
        '<img src=x onerror="alert(1)"> petugas <b>ramah</b> &amp; cepat',
        "</td></tr><iframe src=javascript:alert(1)>",
        "{{ 7*7 }} {% raw %} ${7*7} '; drop table metrics; --",
    ]
    assert run.rows("select count(*) from information_schema.tables where table_name = 'metrics'") == [(0,)]


def test_emoji_survive(case):
    assert [s for _, s in case("emoji").staged("stg_skm", "saran", "skm/survei.csv")] == [
        "Mantap 👍🏽 terima kasih 🙏",
        "🇮🇩👨‍👩‍👧‍👦 antre lama 😡😡😡",
        'Ruang tunggu ❄️ dingin, kursi 🪑 kurang; "nomor antrean" 🔢',
    ]


def test_file_name_with_spaces_and_non_ascii_letters(case):
    run = case("odd_file_name")
    path = "skm/Survei Kepuasan – Ökonomi.csv"
    assert run.rows("select kind, shape, status from lineage.files where path = ?", [path]) == [
        ("skm", "skm", "loaded")
    ]
    assert run.staged("stg_skm", "saran", path) == [(2, "Ökonomi warga terbantu"), (3, None)]


# ---------------------------------------------------------------- the file system


def test_symlinks_out_of_the_inbox_are_never_read(case):
    run = case("symlinks")
    assert all(f"{p}: " in run.output for p in ("presensi/tautan_keluar.csv", "presensi/passwd.csv", "skp"))
    # the rows behind the links never reach the warehouse: NIP_C worked on 3 and 4 October
    assert run.rows("select count(*) from raw.presensi_recap where nip = ?", [NIP_C]) == [(0,)]
    assert run.rows("select count(*) from raw.skp") == [(0,)]
    assert run.rows("select path from lineage.files order by path") == [(ROSTER,), ("presensi/rekap_oktober.csv",)]
    # a link inside the inbox is not a second copy of its target
    assert run.rows("select count(*) from raw.presensi_recap") == [(1,)]


def test_directory_named_like_a_file_is_reported_not_read(case):
    run = case("directory_named_like_file")
    assert run.rows("select count(*) from lineage.files where path like 'presensi/rekap_november%'") == [(0,)]


def test_fifo_is_never_opened(case):
    # reaching this line at all proves it: opening a FIFO with no writer blocks forever
    assert case("fifo_and_system_files").file("presensi/rekap_oktober.csv")["action"] == "loaded"


def test_docs_list_every_case():
    """docs/hardening.md is the note of what was tried: it names every case of this corpus."""
    doc = (Path(__file__).resolve().parents[2] / "docs" / "hardening.md").read_text(encoding="utf-8")
    assert [name for name in EXPECTED if f"| `{name}` |" not in doc] == []
