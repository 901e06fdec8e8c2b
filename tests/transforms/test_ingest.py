"""Ingest: identification by folder and headers, hashing, row numbers, versions of a file."""

from __future__ import annotations

from helpers import NIP_A, NIP_B, ROSTER, rows, write_inbox
from transforms.ingest import ingest_inbox, normalise_header


def test_header_normalisation_ignores_case_spacing_and_punctuation():
    assert normalise_header("\ufeffJam Masuk ") == "jam_masuk"
    assert normalise_header("Sistem, Mekanisme dan Prosedur") == "sistem_mekanisme_dan_prosedur"
    assert normalise_header("NIP/NIPPPK") == "nip_nipppk"


def test_presensi_folder_holds_recaps_and_scan_logs_told_apart_by_headers(warehouse, tmp_path):
    write_inbox(
        tmp_path,
        {
            "pegawai/p.csv": ROSTER,
            "presensi/a.csv": f"NIP;Tanggal;Jam Masuk;Jam Pulang;Status\n{NIP_A};2026-10-01;07:20;16:05;H\n",
            "presensi/b.csv": "PIN,Waktu,IO,Mesin\n102,2026-10-01 07:25:00,0,FP-01\n",
        },
    )
    reports = {r.path: r for r in ingest_inbox(warehouse, tmp_path)}
    assert reports["presensi/a.csv"].shape == "presensi_recap"
    assert reports["presensi/b.csv"].shape == "presensi_scan"
    assert rows(warehouse, "select _row, nip, tanggal, jam_masuk from raw.presensi_recap") == [
        (2, NIP_A, "2026-10-01", "07:20")
    ]
    assert rows(warehouse, "select _row, pin, waktu from raw.presensi_scan") == [(2, "102", "2026-10-01 07:25:00")]


def test_unchanged_file_is_not_loaded_twice(warehouse, tmp_path):
    write_inbox(tmp_path, {"pegawai/p.csv": ROSTER})
    first = ingest_inbox(warehouse, tmp_path)
    second = ingest_inbox(warehouse, tmp_path)
    assert [r.action for r in first] == ["loaded"]
    assert [r.action for r in second] == ["unchanged"]
    assert rows(warehouse, "select count(*) from raw.pegawai") == [(3,)]
    assert rows(warehouse, "select count(*) from lineage.files") == [(1,)]


def test_corrected_file_supersedes_the_earlier_version_and_lineage_keeps_both(warehouse, tmp_path):
    write_inbox(tmp_path, {"pegawai/p.csv": ROSTER})
    ingest_inbox(warehouse, tmp_path)
    write_inbox(tmp_path, {"pegawai/p.csv": ROSTER.replace("Agus Setiawan", '"Agus Setiawan, S.Sos."')})
    [report] = ingest_inbox(warehouse, tmp_path)
    assert report.action == "loaded" and report.superseded == 1
    assert rows(warehouse, "select file_id, status, superseded_by from lineage.files order by file_id") == [
        (1, "superseded", 2),
        (2, "loaded", None),
    ]
    assert rows(warehouse, "select distinct _file_id from raw.pegawai") == [(2,)]
    assert rows(warehouse, f"select nama from raw.pegawai where nip = '{NIP_A}'") == [("Agus Setiawan, S.Sos.",)]


def test_same_content_under_another_name_is_not_loaded_twice(warehouse, tmp_path):
    write_inbox(tmp_path, {"pegawai/a.csv": ROSTER, "pegawai/b.csv": ROSTER})
    reports = ingest_inbox(warehouse, tmp_path)
    assert [(r.path, r.action) for r in reports] == [("pegawai/a.csv", "loaded"), ("pegawai/b.csv", "duplicate")]
    assert rows(warehouse, "select count(*) from raw.pegawai") == [(3,)]


def test_missing_required_column_rejects_the_file_with_its_name(warehouse, tmp_path):
    write_inbox(tmp_path, {"presensi/a.csv": f"nip,tanggal,status\n{NIP_A},2026-10-01,H\n"})
    [report] = ingest_inbox(warehouse, tmp_path)
    assert report.action == "error"
    assert "jam_masuk" in report.message and "jam_pulang" in report.message


def test_row_numbers_are_the_lines_a_person_sees(warehouse, tmp_path):
    # blank first line, header on line 2, a blank line inside, a quoted value over two lines
    content = (
        "\n"
        "nip,tanggal,jam_masuk,jam_pulang,status\n"
        f"{NIP_A},2026-10-01,07:20,16:05,H\n"
        "\n"
        f'{NIP_B},2026-10-01,,,"S\nsurat dokter"\n'
        f"{NIP_B},2026-10-02,07:29,16:00,H\n"
        ",,,,\n"
        "\n"
    )
    write_inbox(tmp_path, {"presensi/a.csv": content})
    [report] = ingest_inbox(warehouse, tmp_path)
    assert report.rows_read == 3 and report.rows_empty == 1
    assert rows(warehouse, "select _row, nip, tanggal from raw.presensi_recap order by _row") == [
        (3, NIP_A, "2026-10-01"),
        (5, NIP_B, "2026-10-01"),
        (7, NIP_B, "2026-10-02"),
    ]


def test_dotfiles_are_skipped_and_unknown_folders_reported(warehouse, tmp_path):
    write_inbox(tmp_path, {".manifest.json": "{}", "lain/x.csv": "a,b\n1,2\n", "pegawai/p.csv": ROSTER})
    reports = ingest_inbox(warehouse, tmp_path)
    assert [(r.path, r.action) for r in reports] == [("lain/x.csv", "ignored"), ("pegawai/p.csv", "loaded")]
