"""The personal evaluation sheet (`pantau rapor`): one ASN's numbers as published, the correction
applied to them with its approver and lines, who may approve an objection, printed to PDF by
Chromium, and no other ASN named on it but the ASN's superiors and approvers.

The sample office's koreksi/ file corrects 1 October 2026 of NIP 199705262024031001 from TK
(the recap's line 244) to I, approved by the ASN's superior 198610182014061001 (the koreksi file's
line 3, Surat Izin Nomor 998/10/2026); the superior's own superior is the camat.
"""

from __future__ import annotations

import os
import re
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from chromium import find_chromium
from sample_reports import PERIOD

IN_CI = os.environ.get("CI", "").lower() in ("1", "true")
ASN = "199705262024031001"
SUPERIOR = "198610182014061001"
CAMAT = "197701302004072001"
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def sheet(sample_warehouse, tmp_path_factory):
    from reports.rapor import write_rapor

    con, _ = sample_warehouse
    base = tmp_path_factory.mktemp("rapor")
    pdf = find_chromium() is not None or IN_CI
    written = write_rapor(con, PERIOD, [ASN], base / "out", base / "internal", pdf=pdf)
    return {"html": written[0], "pdf": written[1] if pdf else None, "base": base, "con": con}


def text_of(html: Path) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html.read_text(encoding="utf-8")))


def test_the_sheet_shows_the_published_numbers_and_the_correction(sheet):
    con = sheet["con"]
    html = sheet["html"]
    assert html == sheet["base"] / "internal" / "rapor" / PERIOD / f"rapor-{ASN}.html"
    assert stat.S_IMODE(html.stat().st_mode) == 0o600
    assert stat.S_IMODE(html.parent.stat().st_mode) == 0o700
    text = text_of(html)
    published = dict(
        con.execute(
            "select metric, value from main.metrics where scope = 'asn' and scope_id = ? and period = ?", [ASN, PERIOD]
        ).fetchall()
    )
    # the corrected day is leave (I), not TK: 0 TK days, 1 leave day, as published
    assert published["tk_days"] == 0 and published["leave_days"] == 1
    assert "Tanpa keterangan (TK) 0 hari" in text
    assert "Cuti, sakit, izin, tugas belajar (hak) 1 hari (I 1" in text
    # the correction: original TK with its recap line, new I with the koreksi line, approver, document
    row = re.search(r"2026-10-01 status TK (\S+) I (\S+) (.+?) Surat Izin Nomor 998/10/2026", text)
    assert row, text[text.find("Koreksi yang diterapkan") :][:600]
    assert row.group(1).endswith(".csv:244") and row.group(2) == "koreksi/koreksi_2026-10.csv:3"
    assert f"({SUPERIOR})" in row.group(3)
    # the rule beside the numbers and the sources of the SKP rows as text
    assert "PP 94/2021" in text and "Disiplin kehadiran" in text
    assert re.search(r"skp/\S+\.csv:\d+", text)


def test_how_to_object_names_the_row_and_the_approvers(sheet):
    text = text_of(sheet["html"])
    part = text[text.find("Cara mengajukan keberatan") :]
    # a filled koreksi/ row: this ASN, approved by the nearest superior
    assert f"nip {ASN}" in part and f"disetujui_oleh {SUPERIOR}" in part
    # the chain up the roster: superior (1), then the camat (2); never the ASN
    assert re.search(rf"1 \S.+? {SUPERIOR} ", part) and re.search(rf"2 \S.+? {CAMAT} ", part)
    assert "Anda sendiri tidak dapat menyetujui" in part


def test_no_other_asn_is_named_on_the_sheet(sheet):
    con = sheet["con"]
    html = sheet["html"].read_text(encoding="utf-8")
    allowed = {ASN, SUPERIOR, CAMAT}
    named = []
    for nip, nama in con.execute("select nip, nama from staging.stg_pegawai").fetchall():
        if nip in allowed:
            continue
        if nip in html or re.search(rf"(?<![\w]){re.escape(nama)}(?![\w])", html):
            named.append((nip, nama))
    assert named == []
    # and it is the ASN's own sheet
    assert ASN in html


@pytest.mark.skipif(find_chromium() is None and not IN_CI, reason="chromium tidak terpasang")
def test_the_sheet_prints_to_pdf(sheet):
    pdf = sheet["pdf"]
    assert pdf.exists() and stat.S_IMODE(pdf.stat().st_mode) == 0o600
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    pages = int(re.search(r"Pages:\s+(\d+)", info).group(1))
    assert 1 <= pages <= 6
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "DATA PRIBADI" in text and ASN in text and "Cara mengajukan keberatan" in text
    last = subprocess.run(
        ["pdftotext", "-f", str(pages), "-l", str(pages), str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert len(last.split()) > 10  # no page holding only the footer


def test_the_command_refuses_unknown_nips_and_an_internal_root_inside_out(sample_warehouse, tmp_path):
    con, path = sample_warehouse
    con.execute("checkpoint")
    copy = tmp_path / "gudang.duckdb"
    shutil.copy(path, copy)
    config = tmp_path / "pantau.toml"

    def rapor(*args: str, internal: Path) -> subprocess.CompletedProcess:
        config.write_text(f'[paths]\ninternal = "{internal}"\n', encoding="utf-8")
        return subprocess.run(
            [
                sys.executable,
                "-m",
                "flows.cli",
                "rapor",
                "--period",
                PERIOD,
                "--warehouse",
                str(copy),
                "--out",
                str(tmp_path / "out"),
                "--config",
                str(config),
                *args,
            ],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=300,
        )

    done = rapor("--nip", ASN, internal=tmp_path / "internal")
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "internal" / "rapor" / PERIOD / f"rapor-{ASN}.html").exists()
    unknown = rapor("--nip", "199901012020011001", internal=tmp_path / "internal2")
    assert unknown.returncode == 2 and "199901012020011001 tidak ada di daftar pegawai" in unknown.stderr
    assert not (tmp_path / "internal2").exists()
    inside = rapor("--nip", ASN, internal=tmp_path / "out" / "pribadi")
    assert inside.returncode == 2 and "di dalam folder laporan publik" in inside.stderr
    assert "Traceback" not in unknown.stderr + inside.stderr


def test_the_internal_asn_page_lists_the_corrections_applied(rendered):
    """The PATEN machine was down on 14 October 2026: the berita acara row (koreksi line 2) sets the
    day H for its ASN; the recap had no row for that day (the correction creates it)."""
    internal = rendered.parent.parent / "internal" / PERIOD
    paten = "199209182024051001"
    text = text_of(internal / f"asn-{paten}.html")
    block = text[text.find("Koreksi yang diterapkan") : text.find("Penilaian layanan oleh warga")]
    assert re.search(
        r"2026-10-14 status tidak ada catatan – H koreksi/koreksi_2026-10\.csv:2 198801202009071001 "
        r"Berita Acara Kerusakan Mesin Presensi Nomor 800/58/BA/10/2026",
        block,
    ), block
    # an ASN with no correction says so
    other = text_of(internal / f"asn-{CAMAT}.html")
    assert "Tidak ada koreksi yang disetujui untuk ASN ini pada periode ini." in other
