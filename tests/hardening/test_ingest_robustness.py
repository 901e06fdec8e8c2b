"""Ingest when the file system or the rules change under it: files that vanish or cannot be
read during a run, transient I/O errors, a rejected file judged again once an alias is added,
no temporary tables or files left behind, and header detection that never skips data rows."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest

from expectations.reference import load_reference_tables
from helpers import NIP_A, NIP_B, ROSTER, rows, write_inbox
from transforms.ingest import csv_layout, files, ingest_inbox, load
from transforms.reference import DEFAULT_REFERENCE_DIR

RECAP = f"nip,tanggal,jam_masuk,jam_pulang,status\n{NIP_A},2026-10-01,07:30,16:00,H\n"


def test_a_file_that_disappears_before_it_is_read_is_an_error_and_leaves_no_version(warehouse, tmp_path):
    write_inbox(tmp_path, {"pegawai/p.csv": ROSTER, "presensi/r.csv": RECAP})

    def vanish(message):  # called just before each file is read
        if message == "membaca presensi/r.csv":
            (tmp_path / "presensi/r.csv").unlink()

    reports = {r.path: r for r in ingest_inbox(warehouse, tmp_path, progress=vanish)}
    assert reports["presensi/r.csv"].action == "error"
    assert reports["presensi/r.csv"].message.startswith("berkas hilang saat dibaca")
    assert rows(warehouse, "select path from lineage.files") == [("pegawai/p.csv",)]
    # it comes back: the next run loads it, nothing of the failed attempt in the way
    write_inbox(tmp_path, {"presensi/r.csv": RECAP})
    reports = {r.path: r for r in ingest_inbox(warehouse, tmp_path)}
    assert (reports["presensi/r.csv"].action, reports["presensi/r.csv"].rows_read) == ("loaded", 1)


def test_a_file_that_disappears_after_hashing_leaves_no_version(warehouse, tmp_path, monkeypatch):
    write_inbox(tmp_path, {"presensi/r.csv": RECAP})
    real = csv_layout.sniff_encoding

    def vanish_then_sniff(path):
        Path(path).unlink()
        return real(path)

    monkeypatch.setattr(csv_layout, "sniff_encoding", vanish_then_sniff)
    [report] = ingest_inbox(warehouse, tmp_path)
    assert (report.action, report.file_id) == ("error", None)
    assert report.message.startswith("berkas hilang saat dibaca")
    assert rows(warehouse, "select count(*) from lineage.files") == [(0,)]


def test_permission_denied_is_an_error_naming_the_cause(warehouse, tmp_path, monkeypatch):
    """Simulated: the tests run as root, for whom chmod 000 does not stop reading (see below)."""
    write_inbox(tmp_path, {"presensi/r.csv": RECAP})

    def denied(path):
        raise PermissionError(13, "Permission denied", str(path))

    monkeypatch.setattr(load, "sha256_of", denied)
    [report] = ingest_inbox(warehouse, tmp_path)
    assert report.action == "error"
    assert report.message.startswith("tidak ada izin membaca berkas")
    assert rows(warehouse, "select count(*) from lineage.files") == [(0,)]


@pytest.mark.skipif(
    hasattr(os, "geteuid") and os.geteuid() == 0,
    reason="runs as root: chmod 000 does not stop root from reading, so the real case "
    "cannot be produced here (test_permission_denied_is_an_error_naming_the_cause "
    "simulates it)",
)
def test_chmod_000_file_is_an_error(warehouse, tmp_path):
    write_inbox(tmp_path, {"presensi/r.csv": RECAP})
    os.chmod(tmp_path / "presensi/r.csv", 0)
    try:
        [report] = ingest_inbox(warehouse, tmp_path)
    finally:
        os.chmod(tmp_path / "presensi/r.csv", 0o644)
    assert report.action == "error" and report.message.startswith("tidak ada izin membaca berkas")


def test_a_transient_io_error_propagates_for_a_retry_and_leaves_no_version(warehouse, tmp_path, monkeypatch):
    """The Prefect ingest task retries on OSError; the failed attempt must not be recorded."""
    write_inbox(tmp_path, {"presensi/r.csv": RECAP})

    def eio(*args, **kwargs):
        raise OSError(5, "Input/output error")

    monkeypatch.setattr(csv_layout, "scan_layout", eio)
    with pytest.raises(OSError, match="Input/output error"):
        ingest_inbox(warehouse, tmp_path)
    assert rows(warehouse, "select count(*) from lineage.files") == [(0,)]
    assert rows(warehouse, "select count(*) from duckdb_tables() where temporary") == [(0,)]


def test_a_rejected_file_is_judged_again_once_an_alias_is_added(warehouse, tmp_path):
    """docs/inbox.md: 'an office adds an alias there; no code changes'. Before the fix, the same
    file (same sha256) kept its old error forever."""
    inbox = write_inbox(
        tmp_path / "inbox",
        {"presensi/r.csv": f"nip,tanggal,jam_masuk,jam_pulang,kehadiran\n{NIP_A},2026-10-01,07:30,16:00,H\n"},
    )
    [first] = ingest_inbox(warehouse, inbox)
    assert first.action == "error" and first.message.startswith("kolom wajib tidak ada: status")
    [again] = ingest_inbox(warehouse, inbox)  # nothing changed: same answer, no new version
    assert again.action == "error" and again.message == first.message
    assert rows(warehouse, "select count(*) from lineage.files") == [(1,)]

    reference = tmp_path / "reference"
    shutil.copytree(DEFAULT_REFERENCE_DIR, reference)
    aliases = (reference / "column_aliases.csv").read_text(encoding="utf-8")
    aliases = aliases.replace("presensi_recap,status,true,status|", "presensi_recap,status,true,status|kehadiran|")
    (reference / "column_aliases.csv").write_text(aliases, encoding="utf-8")
    load_reference_tables(warehouse, reference)
    [fixed] = ingest_inbox(warehouse, inbox)
    assert (fixed.action, fixed.rows_read, fixed.file_id) == ("loaded", 1, first.file_id)
    assert rows(warehouse, "select status, error from lineage.files") == [("loaded", None)]
    assert rows(warehouse, "select status from raw.presensi_recap") == [("H",)]


def test_no_temporary_tables_or_files_are_left_behind(warehouse, tmp_path, monkeypatch):
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    skm = "waktu,unit_layanan,jenis_layanan,u1,u2,u3,u4,u5,u6,u7,u8,u9,saran\n"
    write_inbox(
        tmp_path / "inbox",
        {
            "pegawai/p.csv": ROSTER,
            "skm/cp1252.csv": (skm + "2026-10-05 09:00,PATEN,KTP-el,4,4,3,4,3,3,4,3,3,café\n").encode("cp1252"),
            "skm/utf16.csv": b"\xff\xfe"
            + (skm + '2026-10-05 09:00,PATEN,KTP-el,4,4,3,4,3,3,4,3,3,"a\nb"\n').encode("utf-16-le"),
            "presensi/rusak.csv": b"\x00" * 100,
            "presensi/r.csv": RECAP + f"{NIP_B},2026-10-01,07:30,16:00,H,lebih\n",
        },
    )
    reports = {r.path: r.action for r in ingest_inbox(warehouse, tmp_path / "inbox")}
    assert reports == {
        "pegawai/p.csv": "loaded",
        "skm/cp1252.csv": "loaded",
        "skm/utf16.csv": "loaded",
        "presensi/rusak.csv": "error",
        "presensi/r.csv": "loaded",
    }
    assert rows(warehouse, "select table_name from duckdb_tables() where temporary") == []
    assert list(scratch.iterdir()) == []


def test_a_two_row_header_is_read_but_a_header_further_down_never_skips_data(warehouse, tmp_path):
    write_inbox(
        tmp_path,
        {
            # line 1 names nip, tanggal, status; line 2, right below, is complete: the header is line 2
            "presensi/dua_baris.csv": (
                f"NIP,Tanggal,Jam,,Status\nNIP,Tanggal,Masuk,Pulang,Status\n{NIP_A},2026-10-01,07:30,16:00,H\n"
            ),
            # line 1 lacks status; a complete header on line 3 would drop line 2's data: rejected instead
            "presensi/dua_tabel.csv": (
                "nip,tanggal,jam_masuk,jam_pulang\n"
                f"{NIP_A},2026-10-02,07:30,16:00\n"
                "nip,tanggal,jam_masuk,jam_pulang,status\n"
                f"{NIP_A},2026-10-03,07:30,16:00,H\n"
            ),
        },
    )
    reports = {r.path: r for r in ingest_inbox(warehouse, tmp_path)}
    assert (reports["presensi/dua_baris.csv"].action, reports["presensi/dua_baris.csv"].rows_read) == ("loaded", 1)
    assert rows(warehouse, "select header_row from lineage.files where path = 'presensi/dua_baris.csv'") == [(2,)]
    assert reports["presensi/dua_tabel.csv"].action == "error"
    assert reports["presensi/dua_tabel.csv"].message.startswith(
        "kolom wajib tidak ada: status (judul kolom di baris 1)"
    )


def test_survey_inbox_never_follows_links(tmp_path):
    inbox = write_inbox(tmp_path / "inbox", {"pegawai/p.csv": ROSTER})
    outside = write_inbox(tmp_path / "luar", {"pegawai/q.csv": ROSTER})
    os.symlink(outside / "pegawai/q.csv", inbox / "pegawai/q.csv")
    os.symlink(outside / "pegawai", inbox / "presensi")
    assert files.discover(inbox) == [inbox / "pegawai/p.csv"]
    found = {e.rel: e.action for e in files.survey_inbox(inbox)}
    assert found == {"pegawai/p.csv": None, "pegawai/q.csv": "error", "presensi": "error"}
