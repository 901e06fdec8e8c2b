"""Survey respondents are never identified: columns of a survey export that hold personal data
(names, phone/WhatsApp numbers, NIK, addresses, e-mail; the list is data:
data/reference/personal_data_columns.csv) are detected by their normalised header, dropped with
a warning naming them, and never read into the warehouse, not even the text of a malformed line.

The proof searches the text of every row of every table (raw, staging, quarantine, lineage,
temporary ones included) for the respondents' phone numbers, NIKs, names and e-mails.

Reports for a wide audience: with the internal pages switched off (render_period(...,
include_internal=False), the `[reports] internal = false` setting), no file of the period's report
folder holds an ASN's NIP (however it is spelled) or name, nor what a respondent wrote about
themselves, even when a citizen writes them into a complaint or an office names a file after a
person.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest

from helpers import rows, write_inbox
from transforms.ingest import load_personal_columns, personal_column

FORM = "skm/survei_google_form.csv"
# what the respondents of tests/hardening/fixtures/personal_data wrote about themselves
SECRETS = [
    "081234567890",
    "812-9876-5432",
    "0813 5555 1234",
    "6271031203850001",
    "6271034508900002",
    "6271030101700003",
    "Budi Santoso",
    "Siti Aminah",
    "Tjilik Riwut",
    "Gg. Damai",
    "budi.santoso@contoh.id",
    "siti@contoh.id",
    "yohanes@contoh.id",
]
DROPPED = "Nama Responden, No. HP / WhatsApp, NIK, Alamat, Alamat email"


def leaks(con, secrets: list[str]) -> list[tuple[str, str]]:
    """(table, secret) for every secret found in the text of any row of any table or view."""
    found = []
    for schema, table in con.execute(
        "select schema_name, table_name from duckdb_tables() union all "
        "select schema_name, view_name from duckdb_views() where not internal"
    ).fetchall():
        text = "\n".join(r[0] or "" for r in con.execute(f'select t::varchar from "{schema}"."{table}" t').fetchall())
        found += [(f"{schema}.{table}", s) for s in secrets if s.lower() in text.lower()]
    return found


@pytest.fixture(scope="module")
def form(case_runner):
    return case_runner("personal_data")


def test_personal_columns_are_dropped_with_a_warning_naming_them(form):
    entry = form.file(FORM)
    assert entry["action"] == "loaded"
    assert entry["warnings"] == [
        f"kolom data pribadi dibuang: {DROPPED} (isinya tidak dibaca ke gudang data; "
        "responden survei tidak boleh dikenali)",
        "kolom tidak dikenal diabaikan: Kode Formulir",
    ]
    assert f"{FORM}: kolom data pribadi dibuang: {DROPPED}" in form.output
    assert form.exit_code == 0


def test_the_rest_of_the_form_loads_and_counts_reconcile(form):
    c = form.counts()[FORM]
    assert (c.rows_read, c.rows_loaded, c.rows_quarantined) == (3, 2, 1)
    assert form.staged("stg_skm", "unit_slug, jenis_layanan, usia, jenis_kelamin, saran", FORM) == [
        (2, "paten-rakumpit", "KTP-el", 41, "L", "Pelayanan cepat"),
        (3, "paten-rakumpit", "Kartu Keluarga", 33, "P", None),
    ]


def test_a_malformed_line_of_such_a_form_is_quarantined_without_its_text(form):
    # line 4 has one field more than the header: its raw text would carry the phone number and NIK
    assert form.quarantine(FORM) == {
        (4, None, "(isi baris tidak disimpan: berkas memuat kolom data pribadi)", "row_malformed")
    }


def test_no_table_holds_any_personal_value(form):
    raw = (form.inbox / FORM).read_text(encoding="utf-8")
    assert all(s in raw for s in SECRETS)  # the secrets are really in the export
    assert leaks(form.con, SECRETS) == []


def test_an_xlsx_form_and_a_file_warehouse_leak_nothing(tmp_path):
    from openpyxl import Workbook

    from expectations.reference import load_reference_tables
    from expectations.validate import validate_warehouse
    from transforms.ingest import ingest_inbox
    from transforms.warehouse import connect

    wb = Workbook()
    ws = wb.active
    ws.append(
        [
            "Timestamp",
            "Unit Layanan",
            "Nomor WA aktif",
            "Jenis Layanan",
            *[f"U{i}" for i in range(1, 10)],
            "Nama lengkap (opsional)",
            "E-mail",
            "Saran",
        ]
    )
    ws.append(
        [
            "2026-10-05 09:00",
            "PATEN",
            "6281399990000",
            "KTP-el",
            4,
            4,
            3,
            4,
            3,
            3,
            4,
            3,
            3,
            "Rina Marlina",
            "rina@contoh.id",
            "Terima kasih",
        ]
    )
    buf = io.BytesIO()
    wb.save(buf)
    inbox = write_inbox(tmp_path / "inbox", {"skm/form.xlsx": buf.getvalue()})
    warehouse = tmp_path / "w.duckdb"
    con = connect(warehouse)
    load_reference_tables(con)
    [report] = ingest_inbox(con, inbox)
    validate_warehouse(con, __import__("datetime").date(2026, 11, 28))
    assert report.warnings[0].startswith("kolom data pribadi dibuang: Nomor WA aktif, Nama lengkap (opsional), E-mail")
    assert rows(con, "select saran from staging.stg_skm") == [("Terima kasih",)]
    assert leaks(con, ["6281399990000", "Rina Marlina", "rina@contoh.id"]) == []
    con.close()
    data = warehouse.read_bytes()
    assert not any(s.encode() in data for s in ["6281399990000", "Rina Marlina", "rina@contoh.id"])


def test_the_list_is_data_and_matches_headers_as_forms_write_them(warehouse):
    reference = Path(__file__).resolve().parents[2] / "data" / "reference" / "personal_data_columns.csv"
    with open(reference, encoding="utf-8", newline="") as fh:
        kinds = {r["column"] for r in csv.DictReader(fh)}
    assert {"nama", "telepon", "nik", "alamat", "email"} <= kinds
    rules = load_personal_columns(warehouse)["skm"]
    spelled = {
        "Nama": "nama",
        "nama_responden": "nama",
        "Nama Responden": "nama",
        "No HP": "telepon",
        "no_hp": "telepon",
        "Telepon": "telepon",
        "HP": "telepon",
        "WhatsApp": "telepon",
        "WA": "telepon",
        "No. WA": "telepon",
        "Nomor HP/WhatsApp (aktif)": "telepon",
        "NIK": "nik",
        "No. KTP": "nik",
        "Alamat": "alamat",
        "Alamat Rumah": "alamat",
        "Email": "email",
        "E-mail": "email",
        "Alamat email": "alamat",
    }
    assert {h: personal_column(h, rules) for h in spelled} == spelled
    # survey columns and near misses are not personal data
    for header in (
        "Waktu",
        "Unit Layanan",
        "Jenis Layanan",
        "Usia",
        "Pendidikan",
        "Pekerjaan",
        "Saran",
        "Penanganan Pengaduan, Saran dan Masukan",
        "Sarana dan Prasarana",
        "Kode Formulir",
        "Waktu Penyelesaian",
        "Kehadiran",
    ):
        assert personal_column(header, rules) is None, header


def test_without_the_reference_table_the_project_list_still_applies(tmp_path):
    """A reference folder that lacks personal_data_columns.csv must not switch privacy off."""
    from transforms.warehouse import connect

    con = connect(":memory:")
    assert personal_column("No. HP", load_personal_columns(con)["skm"]) == "telepon"
    con.close()


# ---------------------------------------------------------------- reports for a wide audience


@pytest.fixture(scope="module")
def public_reports(hostile_office, tmp_path_factory):
    """The hostile sample office (conftest.py) rendered with the internal pages switched off:
    (report folder, roster, what a respondent wrote about themselves)."""
    from reports.render import render_period

    index = render_period(
        hostile_office.con, hostile_office.period, tmp_path_factory.mktemp("publik") / "out", include_internal=False
    )
    return index.parent, hostile_office.roster, hostile_office.respondent


def digit_runs(text: str) -> set[str]:
    """Every run of 18 or more digits once spaces, dots, dashes and underscores between them go."""
    return {re.sub(r"[\s.\-_]", "", m) for m in re.findall(r"\d(?:[\s.\-_]?\d){17,}", text)}


def test_public_reports_hold_no_nip_name_or_respondent_contact_in_any_file(public_reports):
    from html import unescape

    folder, roster, respondent = public_reports
    files = sorted(p for p in folder.rglob("*") if p.is_file())
    assert {p.name for p in files} >= {
        "index.html",
        "kualitas-data.html",
        "unit-kelurahan-pager.html",
        "plotly.min.js",
        "pantau.js",
        "pantau.css",
    }
    assert not (folder / "internal").exists()
    nips = {nip for nip, _ in roster}

    def words(text: str) -> str:
        return re.sub(r"[\s_.\-]+", " ", text).lower()

    names = [words(name) for _, name in roster]
    for path in files:
        text = path.read_text(encoding="utf-8", errors="replace")
        if path.suffix == ".html":
            text = unescape(text)  # a name is searched as the reader sees it
        runs = digit_runs(text)
        assert not [n for n in nips if any(n in r for r in runs)], f"{path.name} shows a NIP"
        assert not [name for name in names if name in words(text)], f"{path.name} shows a name"
        assert not [s for s in respondent if s in text or any(s in r for r in runs)], f"{path.name}: respondent"
        if path.suffix == ".html":
            assert not re.search(r"(?<!\d)(19|20)\d{16}(?!\d)", text), path.name
            assert 'href="internal/' not in text, path.name


def test_what_was_written_is_shown_masked_not_dropped(public_reports):
    from html import unescape

    folder, _, _ = public_reports
    pager = unescape((folder / "unit-kelurahan-pager.html").read_text(encoding="utf-8"))
    assert "antri lama sekali, petugas [nama disamarkan] NIP [NIP disamarkan] minta uang rokok" in pager
    assert "antri lama, [nama disamarkan] (nip[NIP disamarkan]) tidak ada di tempat" in pager
    assert "antri lama, bapak [nama disamarkan] nip. [NIP disamarkan]" in pager
    assert (
        "antri lama, hubungi saya [nomor disamarkan] atau [nomor disamarkan], NIK [NIK disamarkan], "
        "email [email disamarkan]"
    ) in pager
    quality = unescape((folder / "kualitas-data.html").read_text(encoding="utf-8"))
    assert "skm/Survei [nama disamarkan] [NIP disamarkan].csv" in quality
    assert "skm/survei_[nama disamarkan]_[NIP disamarkan].csv" in quality


def test_masking_leaves_ordinary_numbers_alone():
    from types import SimpleNamespace

    from reports.pages import mask_personal

    report = SimpleNamespace(roster_names=["Hadi Pranoto, S.H.", "Ani"])
    ordinary = (
        "buka jam 08.00, tutup 15.30; antri 2 jam pada 14-10-2026 10:15; biaya Rp 50.000; "
        "Ani-mator datang; nomor antrean 0123; KK 12 orang"
    )
    assert mask_personal(ordinary, report) == ordinary
    assert (
        mask_personal("pak HADI   PRANOTO sh, nip 19841205-200604-1-001", report)
        == "pak [nama disamarkan] sh, nip [NIP disamarkan]"
    )
