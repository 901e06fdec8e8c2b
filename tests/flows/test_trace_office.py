"""`pantau trace` of office-level metrics: the source files with the lines that contributed, the
ids to trace next, and a csv whose file and line columns are never blank."""

from __future__ import annotations

import csv
import io

import pytest
from typer.testing import CliRunner

from flows.cli import app
from helpers import NIP_A, NIP_B, ROSTER, run_without_prefect, write_inbox

runner = CliRunner()
PERIOD = "2026-10"
SKP = (
    "nip,periode,rhk,indikator,aspek,satuan,target,target_min,target_max,realisasi,arah,"
    "rating_hasil_kerja,rating_perilaku,kendala\n"
    f"{NIP_A},2026-10,Pelayanan,Surat diterbitkan,kuantitas,surat,10,,,10,naik,sesuai ekspektasi,sesuai ekspektasi,\n"
    f"{NIP_A},2026-10,Pelayanan,Warga dilayani,kuantitas,orang,20,,,15,naik,sesuai ekspektasi,sesuai ekspektasi,"
    "anggaran\n"
    f"{NIP_B},2026-10,Administrasi,Arsip ditata,kuantitas,berkas,40,,,44,naik,sesuai ekspektasi,sesuai ekspektasi,\n"
)
RECAP = (
    "nip,tanggal,jam_masuk,jam_pulang,status\n"
    f"{NIP_A},2026-10-01,07:31,16:00,H\n{NIP_B},2026-10-01,07:20,16:10,H\n{NIP_B},2026-10-02,07:20,16:10,H\n"
)


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory):
    root = tmp_path_factory.mktemp("jejak")
    inbox = write_inbox(
        root / "inbox",
        {"pegawai/p.csv": ROSTER, "skp/skp_2026-10.csv": SKP, "presensi/rekap_kelurahan-pager_2026-10.csv": RECAP},
    )
    wh = root / "w.duckdb"
    run_without_prefect(wh, inbox, PERIOD)
    return wh


def _trace(wh, metric_id, fmt="table"):
    result = runner.invoke(app, ["trace", metric_id, "--warehouse", str(wh), "--format", fmt])
    assert result.exit_code == 0, result.output
    return result.output


def _section(text: str, title: str) -> list[str]:
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(title))
    end = next((i for i in range(start + 1, len(lines)) if not lines[i].strip()), len(lines))
    return lines[start + 1 : end]


def test_office_capaian_lists_its_skp_file_with_the_lines_counted_and_the_asn_to_trace_next(warehouse):
    metric = f"capaian_rata/office/kecamatan-rakumpit/{PERIOD}"
    text = _trace(warehouse, metric)
    files = _section(text, "Berkas sumber")
    header = files[0].split("  ")
    header = [h.strip() for h in header if h.strip()]
    [skp] = [line.split() for line in files[2:]]
    names = ["file_id", "berkas", "sha256", "status", "dibaca", "dimuat", "karantina", "baris dipakai"]
    row = dict(zip(names, skp, strict=False))  # the line goes on past the counted columns
    assert "baris dipakai" in header
    # the three indicator lines of skp_2026-10.csv (lines 2-4) are the office's capaian
    assert (row["berkas"], row["dibaca"], row["baris dipakai"]) == ("skp/skp_2026-10.csv", "3", "3")
    drill = _section(text, "Telusuri lebih lanjut")
    assert drill == [f"  pantau trace predikat/asn/{NIP_A}/{PERIOD}", f"  pantau trace predikat/asn/{NIP_B}/{PERIOD}"]

    rows = list(csv.DictReader(io.StringIO(_trace(warehouse, metric, "csv"))))
    assert [(r["berkas"], r["baris"], r["nip"]) for r in rows] == [
        ("skp/skp_2026-10.csv", "2", NIP_A),
        ("skp/skp_2026-10.csv", "3", NIP_A),
        ("skp/skp_2026-10.csv", "4", NIP_B),
    ]
    assert {r["metric_id_rinci"] for r in rows} == {f"predikat/asn/{NIP_A}/{PERIOD}", f"predikat/asn/{NIP_B}/{PERIOD}"}


def test_office_attendance_counts_the_recap_lines_and_the_csv_has_no_blank_file_or_line(warehouse):
    metric = f"discipline_rate/office/kecamatan-rakumpit/{PERIOD}"
    text = _trace(warehouse, metric)
    [recap] = [line.split() for line in _section(text, "Berkas sumber")[2:]]
    assert (recap[1], recap[4], recap[7]) == ("presensi/rekap_kelurahan-pager_2026-10.csv", "3", "3")
    assert f"  pantau trace attendance_rate/unit/kelurahan-pager/{PERIOD}" in _section(text, "Telusuri lebih lanjut")

    rows = list(csv.DictReader(io.StringIO(_trace(warehouse, metric, "csv"))))
    assert rows and not [r for r in rows if not r["berkas"] or not r["baris"]]
    pager = [(r["berkas"], r["baris"]) for r in rows if r["unit_slug"] == "kelurahan-pager"]
    assert pager == [("presensi/rekap_kelurahan-pager_2026-10.csv", str(n)) for n in (2, 3, 4)]
    # the kantor kecamatan sent no attendance: its row says it has no source line, not a blank
    assert {(r["berkas"], r["baris"]) for r in rows if r["unit_slug"] == "kecamatan-rakumpit"} == {
        ("(tanpa baris sumber)", "(tidak ada)")
    }
