"""Approved corrections (koreksi/) through the real commands: who may approve, what is held,
how a correction changes the published numbers (and nothing else), stale periods, trace, and
that the exports themselves are never touched.

The inbox is written here: a roster of two kelurahan under the camat (the nip_atasan chain
Camat -> Lurah -> staf, as SIMPEG exports it) and daily recaps of September and October 2026.
"""

from __future__ import annotations

import hashlib
import json
import re
from datetime import date, timedelta
from pathlib import Path
from typing import NamedTuple

import duckdb
import pytest
from typer.testing import CliRunner

from flows.cli import app
from helpers import write_inbox

runner = CliRunner()
AS_OF = "2026-11-28"

CAMAT = "197811052005011003"
LURAH_PAGER = "198503122010011001"
STAF_PAGER = "199107232019032002"
LURAH_SUA = "198002142006041004"
STAF_SUA = "199304182020122005"

ROSTER = (
    "nip,nama,jabatan,unit_kerja,jenis_asn,golongan,nip_atasan,pin\n"
    f"{CAMAT},Yohanes Nyahu,Camat Rakumpit,Kantor Kecamatan Rakumpit,PNS,IV/b,,1\n"
    f"{LURAH_PAGER},Agus Setiawan,Lurah Pager,Kelurahan Pager,PNS,III/d,{CAMAT},2\n"
    f"{STAF_PAGER},Siti Rahmah,Staf Pelayanan,Kelurahan Pager,PNS,III/a,{LURAH_PAGER},3\n"
    f"{LURAH_SUA},Bambang Irawan,Lurah Bukit Sua,Kelurahan Bukit Sua,PNS,III/d,{CAMAT},4\n"
    f"{STAF_SUA},Rina Marlina,Staf Umum,Kelurahan Bukit Sua,PNS,II/c,{LURAH_SUA},5\n"
)
MACHINE_DOWN = date(2026, 10, 7)  # a Wednesday: the Pager machine broke mid-morning
KOREKSI_HEADER = "nip,unit_layanan,tanggal,yang_dikoreksi,nilai_baru,alasan,dasar,disetujui_oleh,tanggal_persetujuan\n"


def recap(month: int) -> str:
    """Every weekday of the month for everyone, on time; on MACHINE_DOWN the Pager lurah has a
    check-in only and the Pager staff member no row at all (the machine stopped before she came)."""
    lines = ["nip,tanggal,jam_masuk,jam_pulang,status"]
    day = date(2026, month, 1)
    while day.month == month:
        if day.weekday() < 5:
            for nip in (CAMAT, LURAH_PAGER, STAF_PAGER, LURAH_SUA, STAF_SUA):
                if day == MACHINE_DOWN and nip == STAF_PAGER:
                    continue
                out = "" if day == MACHINE_DOWN and nip == LURAH_PAGER else "16:30"
                lines.append(f"{nip},{day.isoformat()},07:20,{out},H")
        day += timedelta(days=1)
    return "\n".join(lines) + "\n"


def inbox(tmp_path: Path) -> Path:
    return write_inbox(
        tmp_path / "inbox",
        {
            "pegawai/pegawai.csv": ROSTER,
            "presensi/rekap_2026-09.csv": recap(9),
            "presensi/rekap_2026-10.csv": recap(10),
        },
    )


def validate(box: Path, *extra: str):
    result = runner.invoke(app, ["validate", "--inbox", str(box), "--as-of", AS_OF, *extra])
    assert result.exit_code == 0, result.output
    return result.output


def run(box: Path, tmp_path: Path, period: str):
    result = runner.invoke(
        app,
        [
            "run",
            "--period",
            period,
            "--inbox",
            str(box),
            "--as-of",
            AS_OF,
            "--warehouse",
            str(tmp_path / "w.duckdb"),
            "--out",
            str(tmp_path / "out"),
        ],
    )
    assert result.exit_code == 0, result.output
    return result.output


def metrics(tmp_path: Path, period: str) -> dict[str, tuple]:
    con = duckdb.connect(str(tmp_path / "w.duckdb"), read_only=True)
    try:
        return {
            r[0]: r[1:]
            for r in con.execute(
                "select metric_id, value, label from metrics where period = ? order by 1", [period]
            ).fetchall()
        }
    finally:
        con.close()


def digests(box: Path) -> dict[str, str]:
    return {
        str(p.relative_to(box)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(box.rglob("*"))
        if p.is_file()
    }


def quarantined(output: str) -> dict[str, list[str]]:
    """{rule: [the 'baris N, kolom ...' lines under it]} from the console's quarantine list."""
    found: dict[str, list[str]] = {}
    rule = None
    for line in output.splitlines():
        if line.startswith("  koreksi/") and line.rstrip().endswith("]"):
            rule = line.rstrip().rsplit("[", 1)[1][:-1]
            found.setdefault(rule, [])
        elif rule and line.startswith("      baris "):
            found[rule].append(line.strip())
        else:
            rule = None
    return found


def test_an_approver_outside_the_chain_or_the_asn_himself_is_quarantined_naming_the_rule(tmp_path):
    box = inbox(tmp_path)
    write_inbox(
        box,
        {
            "koreksi/koreksi_2026-10.csv": KOREKSI_HEADER
            + (
                # the staff member of Bukit Sua is nobody's superior here
                f"{STAF_PAGER},,08/10/2026,status,I,surat izin datang terlambat,Surat izin 12/X/2026,"
                f"{STAF_SUA},09/10/2026\n"
                # nobody approves his own correction, a lurah included
                f"{LURAH_PAGER},,09/10/2026,jam_pulang,16.30,lupa pindai pulang,Surat keterangan,"
                f"{LURAH_PAGER},10/10/2026\n"
                # the lurah of another kelurahan is not in the Pager staff's chain
                f"{STAF_PAGER},,13/10/2026,status,DL,tugas ke kota,SPT 090/15,{LURAH_SUA},14/10/2026\n"
                # the camat is an ancestor of the Pager staff (via the lurah): accepted
                f"{STAF_PAGER},,14/10/2026,status,DL,rapat di kota,SPT 090/16,{CAMAT},15/10/2026\n"
                # a unit correction needs its head or above: the Pager staff member is neither
                f",Kelurahan Bukit Sua,15/10/2026,status,H,mesin mati,Berita acara 3,{STAF_PAGER},16/10/2026\n"
            )
        },
    )
    out = validate(box)
    held = quarantined(out)
    assert held["koreksi_penyetuju_bukan_atasan"] == [
        f"baris 2, kolom disetujui_oleh = '{STAF_SUA}'",
        f"baris 4, kolom disetujui_oleh = '{LURAH_SUA}'",
        f"baris 6, kolom disetujui_oleh = '{STAF_PAGER}'",
    ]
    assert held["koreksi_disetujui_sendiri"] == [f"baris 3, kolom disetujui_oleh = '{LURAH_PAGER}'"]
    assert "penyetuju bukan atasan ASN yang dikoreksi" in out
    line = next(ln for ln in out.splitlines() if ln.startswith("koreksi/koreksi_2026-10.csv"))
    assert line.split()[2:6] == ["5", "1", "4", "ya"]  # read 5 = loaded 1 + quarantined 4

    # kepegawaian named in the settings may approve any ASN's correction (never his own)
    config = tmp_path / "pantau.toml"
    config.write_text(f'[koreksi]\npenyetuju_kepegawaian = ["{STAF_SUA}"]\n')
    held = quarantined(validate(box, "--config", str(config)))
    assert held["koreksi_penyetuju_bukan_atasan"] == [
        f"baris 4, kolom disetujui_oleh = '{LURAH_SUA}'",
        f"baris 6, kolom disetujui_oleh = '{STAF_PAGER}'",
    ]
    config.write_text('[koreksi]\npenyetuju_kepegawaian = ["12345"]\n')
    bad = runner.invoke(app, ["validate", "--inbox", str(box), "--config", str(config)])
    assert (
        bad.exit_code == 2
        and "[koreksi] penyetuju_kepegawaian berisi NIP yang bukan 18 digit angka: 12345" in bad.output
    )


def test_corrections_of_one_fact_that_disagree_are_all_held_and_bad_values_named(tmp_path):
    box = inbox(tmp_path)
    write_inbox(
        box,
        {
            "koreksi/koreksi.csv": KOREKSI_HEADER
            + (
                f"{STAF_PAGER},,2026-10-08,status,I,izin keluarga,Surat izin 12,{LURAH_PAGER},2026-10-09\n"
                f"{STAF_PAGER},,2026-10-08,status,S,sakit,Surat dokter 4,{CAMAT},2026-10-09\n"
                # a unit correction and the ASN's own one agree: both stand
                f",Kelurahan Pager,2026-10-09,status,H,mesin mati,Berita acara 2,{CAMAT},2026-10-10\n"
                f"{STAF_PAGER},,2026-10-09,status,H,mesin mati,Berita acara 2,{LURAH_PAGER},2026-10-10\n"
                f"{STAF_PAGER},,2026-10-12,status,Hadir sebagian,-,Surat 5,{LURAH_PAGER},2026-10-13\n"
                f"{STAF_PAGER},,2026-10-12,jam_masuk,07:30,rapat pagi,,{LURAH_PAGER},2026-10-13\n"
            )
        },
    )
    held = quarantined(validate(box))
    assert held["koreksi_bertentangan"] == ["baris 2, kolom nilai_baru = 'I'", "baris 3, kolom nilai_baru = 'S'"]
    assert held["koreksi_nilai_tidak_sah"] == ["baris 6, kolom nilai_baru = 'Hadir sebagian'"]
    assert held["koreksi_dasar_kosong"] == ["baris 7, kolom dasar"]
    assert "baris 4" not in json.dumps(held) and "baris 5" not in json.dumps(held)


class MachineDownCorrected(NamedTuple):
    """October run before and after a unit correction of MACHINE_DOWN (plus a late September izin)."""

    root: Path  # holds w.duckdb and out/
    output: str  # the console of the run with the corrections
    before: dict[str, tuple]  # October's metrics before the corrections
    after: dict[str, tuple]  # and after
    before_bytes: dict[str, str]  # the inbox's digests before the corrections were added
    with_koreksi: dict[str, str]  # with the correction file, before the run
    after_bytes: dict[str, str]  # right after the run


@pytest.fixture(scope="module")
def machine_down(tmp_path_factory) -> MachineDownCorrected:
    tmp_path = tmp_path_factory.mktemp("koreksi-mesin")
    box = inbox(tmp_path)
    before_bytes = digests(box)
    run(box, tmp_path, "2026-09")
    run(box, tmp_path, "2026-10")
    before = metrics(tmp_path, "2026-10")
    write_inbox(
        box,
        {
            "koreksi/koreksi_2026-10.csv": KOREKSI_HEADER
            + (
                f",Kelurahan Pager,2026-10-07,status,H,mesin sidik jari rusak pukul 09.00,"
                f"Berita acara kerusakan mesin 01/BA/X/2026,{CAMAT},2026-10-08\n"
                # the izin letter for a September day came late: September is published, so it is stale
                f"{STAF_SUA},,2026-09-15,status,I,surat izin terlambat diserahkan,Surat izin 7/IX/2026,"
                f"{LURAH_SUA},2026-10-01\n"
            )
        },
    )
    with_koreksi = digests(box)
    out = run(box, tmp_path, "2026-10")
    return MachineDownCorrected(
        root=tmp_path,
        output=out,
        before=before,
        after=metrics(tmp_path, "2026-10"),
        before_bytes=before_bytes,
        with_koreksi=with_koreksi,
        after_bytes=digests(box),
    )


def test_a_late_correction_names_the_published_month_stale_and_leaves_the_inbox_as_it_was(machine_down):
    assert "periode 2026-09 sudah diterbitkan dan kini memakai data baru atau koreksi" in machine_down.output
    with_koreksi, before_bytes = machine_down.with_koreksi, machine_down.before_bytes
    assert machine_down.after_bytes == with_koreksi and {k: with_koreksi[k] for k in before_bytes} == before_bytes


def test_a_machine_down_day_corrected_for_a_unit_changes_its_asn_tk_and_lateness_and_nothing_else(machine_down):
    before, after = machine_down.before, machine_down.after
    changed = {m for m in before if before[m] != after.get(m)} | (set(after) - set(before))
    asn_changed = {m for m in changed if m.split("/")[1] == "asn"}
    # the staff member's day was TK, the lurah's a day with no check-out (PSW4, 91 minutes)
    assert before[f"tk_days/asn/{STAF_PAGER}/2026-10"][0] - after[f"tk_days/asn/{STAF_PAGER}/2026-10"][0] == 1
    assert before[f"tk_days/asn/{LURAH_PAGER}/2026-10"] == after[f"tk_days/asn/{LURAH_PAGER}/2026-10"]
    assert (
        before[f"late_minutes_ytd/asn/{LURAH_PAGER}/2026-10"][0]
        - after[f"late_minutes_ytd/asn/{LURAH_PAGER}/2026-10"][0]
    ) == 91
    assert before[f"psw_days/asn/{LURAH_PAGER}/2026-10"][0] - after[f"psw_days/asn/{LURAH_PAGER}/2026-10"][0] == 1
    # nobody else's number moved: not the camat's, not Bukit Sua's (its September izin is for
    # a day already H; September itself is only named stale), no other unit's
    assert {m.split("/")[2] for m in asn_changed} == {STAF_PAGER, LURAH_PAGER}, sorted(changed)
    units = {m.split("/")[2].split(":")[0] for m in changed if m.split("/")[1].startswith("unit")}
    assert units == {"kelurahan-pager"}, sorted(changed)
    assert all(m.split("/")[1] in ("asn", "unit", "office") for m in changed), sorted(changed)


def test_the_trace_of_a_corrected_number_names_the_original_the_correction_the_approver_and_the_document(
    machine_down,
):
    warehouse = str(machine_down.root / "w.duckdb")
    traced = runner.invoke(
        app, ["trace", f"tk_days/asn/{STAF_PAGER}/2026-10", "--warehouse", warehouse, "--format", "json"]
    )
    assert traced.exit_code == 0, traced.output
    [fix] = json.loads(traced.output)["corrections"]
    assert (fix["kapan"], fix["kolom"], fix["nilai_asli"], fix["asli_berkas"], fix["nilai_baru"]) == (
        "2026-10-07",
        "status",
        None,
        None,
        "H",
    )
    assert (fix["koreksi_berkas"], fix["koreksi_baris"], fix["disetujui_oleh"], fix["dasar"]) == (
        "koreksi/koreksi_2026-10.csv",
        2,
        CAMAT,
        "Berita acara kerusakan mesin 01/BA/X/2026",
    )
    table = runner.invoke(app, ["trace", f"psw_days/asn/{LURAH_PAGER}/2026-10", "--warehouse", warehouse]).output
    block = table.split("Koreksi yang diterapkan (1)")[1]
    assert "presensi/rekap_2026-10.csv" in block and "koreksi/koreksi_2026-10.csv:2" in block and CAMAT in block


def test_kualitas_data_counts_the_corrections_per_unit_and_kind_and_names_nobody(machine_down):
    page = (machine_down.root / "out" / "2026-10" / "kualitas-data.html").read_text(encoding="utf-8")
    section = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page.split("Koreksi yang diterapkan</h2>")[1]))
    assert "Kantor Kelurahan Pager status 2 " in section and "Bukit Sua" not in section.split("Semua angka")[0]
    assert not any(nip in page for nip in (STAF_PAGER, LURAH_PAGER, CAMAT)) and "Siti Rahmah" not in page


def test_a_corrected_day_leaves_the_exports_rows_as_exported(machine_down):
    # the exports' rows are as exported: the recap still has no row for the staff member that day
    con = duckdb.connect(str(machine_down.root / "w.duckdb"), read_only=True)
    try:
        assert (
            con.execute(
                "select count(*) from staging.stg_presensi_recap where nip = ? and tanggal = ?",
                [STAF_PAGER, MACHINE_DOWN],
            ).fetchone()[0]
            == 0
        )
        assert (
            con.execute(
                "select jam_pulang from raw.presensi_recap where nip = ? and tanggal = ?",
                [LURAH_PAGER, MACHINE_DOWN.isoformat()],
            ).fetchone()[0]
            is None
        )
    finally:
        con.close()


def test_the_samples_correct_a_machine_down_day_and_two_late_izin_letters_and_hold_a_colleagues_approval():
    samples = Path(__file__).resolve().parents[2] / "data" / "samples"
    out = validate(samples)
    line = next(ln for ln in out.splitlines() if ln.startswith("koreksi/koreksi_2026-10.csv"))
    assert line.split()[2:6] == ["4", "3", "1", "ya"]
    held = quarantined(out)
    assert list(held) == ["koreksi_penyetuju_bukan_atasan"] and held["koreksi_penyetuju_bukan_atasan"][0].startswith(
        "baris 5, kolom disetujui_oleh"
    )
    # the machine-down day is a day the PATEN log has no scan on
    scans = (samples / "presensi" / "scan_paten-rakumpit_2026-10.csv").read_text()
    assert "2026-10-14" not in scans and "2026-10-13" in scans


def test_an_skp_realisasi_and_rating_corrected_recompute_capaian_and_predikat_from_the_correction(tmp_path):
    from flows.settings import Settings
    from flows.steps import ingest_step, transform_step, validate_step
    from transforms.runs import finish_run, start_run
    from transforms.warehouse import connect

    box = inbox(tmp_path)
    write_inbox(
        box,
        {
            "skp/skp_2026-10.csv": (
                "nip,periode,rhk,indikator,target,realisasi,arah,rating_hasil_kerja,rating_perilaku\n"
                f"{STAF_PAGER},2026-10,Pelayanan surat,Jumlah surat pengantar diterbitkan,10,8,naik,"
                "Di bawah ekspektasi,Sesuai ekspektasi\n"
            ),
            "koreksi/koreksi_skp.csv": (
                "nip,periode,yang_dikoreksi,indikator,nilai_baru,alasan,dasar,disetujui_oleh,tanggal_persetujuan\n"
                f"{STAF_PAGER},2026-10,realisasi,jumlah surat  pengantar diterbitkan,12,salah ketik rekap,"
                "Nota dinas 7/2026,"
                f"{LURAH_PAGER},2026-11-05\n"
                f"{STAF_PAGER},2026-10,rating hasil kerja,,Sesuai ekspektasi,penilaian ulang,Berita acara keberatan 2,"
                f"{CAMAT},2026-11-06\n"
                f"{STAF_PAGER},2026-10,realisasi,Indikator yang tidak ada,5,-,Nota dinas 8,{LURAH_PAGER},2026-11-05\n"
            ),
        },
    )
    con = connect(tmp_path / "w.duckdb")  # the run's steps as plain functions (no Prefect)
    try:
        run_id = start_run(con, "run", "2026-10", date(2026, 11, 28), {})
        reports, _ = ingest_step(con, box, Settings().reference, run_id)
        outcome = validate_step(con, reports, date(2026, 11, 28), run_id, period="2026-10")
        assert [q[1] for q in outcome.quarantine if q[0] == "koreksi/koreksi_skp.csv"] == ["koreksi_skp_tidak_ada"]
        transform_step(con, "2026-10", run_id)
        finish_run(con, run_id, "success")
        assert con.execute("select realisasi, capaian_pct from marts.skp_indicator_capaian").fetchall() == [
            (12.0, 120.0)
        ]
        assert con.execute("select realisasi, rating_hasil_kerja from staging.stg_skp").fetchall() == [
            (8.0, "di_bawah")
        ]
        assert con.execute("select rating_hasil_kerja, predikat from marts.skp_asn_period").fetchall() == [
            ("sesuai", "baik")
        ]
        assert con.execute(
            "select kolom, nilai_asli, asli_row, nilai_baru, koreksi_row, wewenang from lineage.corrections "
            "order by kolom"
        ).fetchall() == [
            ("rating_hasil_kerja", "di_bawah", 2, "sesuai", 3, "atasan"),
            ("realisasi", "8.0", 2, "12.0", 2, "atasan"),
        ]
    finally:
        con.close()


def test_cascade_reruns_the_published_month_a_correction_reaches_and_only_it(tmp_path):
    """A late izin letter for a September TK day, approved in October: without --cascade
    September's published numbers stay and the month is named stale with the command; with
    --cascade September is rerun (the TK day becomes leave) and no other month (nor August) is
    republished: September, its quarter, October."""
    missing = date(2026, 9, 15)
    september = (
        "\n".join(line for line in recap(9).splitlines() if line != f"{STAF_SUA},{missing.isoformat()},07:20,16:30,H")
        + "\n"
    )
    box = write_inbox(
        tmp_path / "inbox",
        {
            "pegawai/pegawai.csv": ROSTER,
            "presensi/rekap_2026-09.csv": september,
            "presensi/rekap_2026-10.csv": recap(10),
        },
    )
    run(box, tmp_path, "2026-09")
    run(box, tmp_path, "2026-10")
    sep_before = metrics(tmp_path, "2026-09")
    assert sep_before[f"tk_days/asn/{STAF_SUA}/2026-09"][0] == 1
    write_inbox(
        box,
        {
            "koreksi/koreksi_2026-10.csv": KOREKSI_HEADER
            + (
                f"{STAF_SUA},,{missing.isoformat()},status,I,surat izin terlambat diserahkan,Surat izin 7/IX/2026,"
                f"{LURAH_SUA},2026-10-01\n"
            )
        },
    )

    out = run(box, tmp_path, "2026-10")
    assert "periode 2026-09 sudah diterbitkan dan kini memakai data baru atau koreksi" in out
    assert "pantau run --period 2026-09" in out
    assert metrics(tmp_path, "2026-09") == sep_before  # named stale, not changed

    def run_ids() -> dict[str, set[str]]:
        con = duckdb.connect(str(tmp_path / "w.duckdb"), read_only=True)
        try:
            return {
                p: set(ids)
                for p, ids in con.execute(
                    "select period, list(distinct run_id) from metrics group by period"
                ).fetchall()
            }
        finally:
            con.close()

    ids_before = run_ids()
    result = runner.invoke(
        app,
        [
            "run",
            "--period",
            "2026-10",
            "--cascade",
            "--inbox",
            str(box),
            "--as-of",
            AS_OF,
            "--warehouse",
            str(tmp_path / "w.duckdb"),
            "--out",
            str(tmp_path / "out"),
        ],
    )
    assert result.exit_code == 0, result.output
    sep_after = metrics(tmp_path, "2026-09")
    assert sep_after[f"tk_days/asn/{STAF_SUA}/2026-09"][0] == 0
    assert sep_after[f"leave_days/asn/{STAF_SUA}/2026-09"][0] == 1
    changed = {m for m in sep_before if sep_before[m] != sep_after.get(m)}
    assert changed and {m.split("/")[2].split(":")[0] for m in changed if m.split("/")[1] == "asn"} == {STAF_SUA}
    ids_after = run_ids()
    republished = {p for p in ids_after if ids_after[p] != ids_before.get(p)}
    # September and the quarter it closes (rerun), October (the run itself): nothing else
    assert republished == {"2026-09", "2026-Q3", "2026-10"}, republished
