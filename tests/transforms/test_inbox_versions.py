"""Ingest reads lineage.files once per inbox (transforms/ingest/versions.py) and answers as the
per-file queries did: unchanged files, corrections, and two paths holding the same bytes."""

from __future__ import annotations

import transforms.ingest.load as load
from expectations.reference import load_reference_tables
from helpers import NIP_A, NIP_B, ROSTER, write_inbox
from transforms.ingest import ingest_inbox
from transforms.warehouse import connect

OCT = f"nip,tanggal,jam_masuk,jam_pulang,status\n{NIP_A},2026-10-01,07:31,16:00,H\n"
NOV = f"nip,tanggal,jam_masuk,jam_pulang,status\n{NIP_B},2026-11-02,07:31,16:00,H\n"


def reports_of(inbox, con):
    return [(r.path, r.action, r.file_id, r.superseded, r.message) for r in ingest_inbox(con, inbox, "run")]


def twice(tmp_path, name, per_file_queries: bool, monkeypatch):
    if per_file_queries:  # what ingest asked before: each file's versions by a query of its own
        monkeypatch.setattr(load, "InboxVersions", lambda con: None)
    inbox = write_inbox(
        tmp_path / name, {"pegawai/p.csv": ROSTER, "presensi/a.csv": OCT, "presensi/b.csv": OCT, "presensi/c.csv": NOV}
    )
    con = connect(":memory:")
    load_reference_tables(con)
    first = reports_of(inbox, con)
    (inbox / "presensi" / "c.csv").write_text(
        OCT + NIP_B + ",2026-10-02,07:31,16:00,H\n", encoding="utf-8"
    )  # corrected
    (inbox / "presensi" / "d.csv").write_text(NOV, encoding="utf-8")  # c.csv's first bytes, now nobody's
    (inbox / "presensi" / "e.csv").write_text(OCT, encoding="utf-8")  # a.csv's bytes under a new name
    second = reports_of(inbox, con)
    files = con.execute("select file_id, path, status, superseded_by from lineage.files order by file_id").fetchall()
    monkeypatch.undo()
    return first, second, files


def test_one_query_per_inbox_answers_as_the_queries_per_file(tmp_path, monkeypatch):
    first, second, files = twice(tmp_path, "once", False, monkeypatch)
    assert twice(tmp_path, "per_file", True, monkeypatch) == (first, second, files)
    actions = {path: action for path, action, *_ in first}
    assert actions == {
        "pegawai/p.csv": "loaded",
        "presensi/a.csv": "loaded",
        "presensi/b.csv": "duplicate",
        "presensi/c.csv": "loaded",
    }
    again = {path: (action, message) for path, action, _, _, message in second}
    assert again["presensi/c.csv"][0] == "loaded"
    assert again["presensi/d.csv"][0] == "loaded"  # c.csv's superseded version holds it no more
    assert again["presensi/e.csv"] == ("duplicate", "isi sama persis dengan presensi/a.csv; tidak dimuat dua kali")
    assert [(path, status) for _, path, status, by in files if by] == [("presensi/c.csv", "superseded")]
