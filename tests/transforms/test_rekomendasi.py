"""Recommendation rules (DOMAIN.md §4; data/reference/recommendation_rules.csv): given the facts of
the marts they read, which ASN and units are proposed, by which rule, with which evidence."""
from __future__ import annotations

import pytest

from helpers import NIP_A, NIP_B, build, empty_staging, given, rows

MINE = ["marts.rekomendasi_asn_fakta", "marts.rekomendasi_asn", "marts.rekomendasi_unit_fakta",
        "marts.rekomendasi_unit", "marts.metrics_rekomendasi"]
UPSTREAM = ["marts.attendance_asn_month", "marts.attendance_asn_ytd", "marts.skp_asn_period",
            "marts.skp_indicator_capaian", "marts.skm_ikm", "marts.skm_unsur_scores", "marts.skm_complaint_themes"]
UNIT = "kelurahan-pager"


@pytest.fixture
def rek(warehouse):
    empty_staging(warehouse)
    build(warehouse, "marts.metrics_rekomendasi")
    given(warehouse, "staging.stg_pegawai", [
        {"nip": NIP_A, "nama": "Agus Setiawan", "unit_slug": UNIT, "jenis_asn": "PNS"},
        {"nip": NIP_B, "nama": "Siti Rahmah", "unit_slug": UNIT, "jenis_asn": "PPPK"},
    ])
    return warehouse


def month(nip=NIP_A, period="2026-10", workdays=20, present=20, tk=0, tl=0, tl3=0, psw4=0, unknown=0):
    return {"nip": nip, "unit_slug": UNIT, "jenis_asn": "PNS", "period": period, "tahun": int(period[:4]),
            "workdays": workdays, "present_days": present, "tk_days": tk, "unknown_days": unknown,
            "tl1": tl - tl3, "tl2": 0, "tl3": tl3, "tl4": 0, "psw1": 0, "psw2": 0, "psw3": 0, "psw4": psw4,
            "tl_days": tl, "psw_days": psw4,
            "attendance_rate": 100.0 * present / (workdays - unknown)}


def ytd(nip=NIP_A, period="2026-10", tk_ytd=0, rank=None, level=None, sanction=None, flag=False):
    return {"nip": nip, "unit_slug": UNIT, "jenis_asn": "PNS", "period": period, "tahun": int(period[:4]),
            "tk_days_ytd": tk_ytd, "discipline_rank": rank, "discipline_level": level,
            "discipline_sanction": sanction, "tk_consecutive_max": 0, "tk_consecutive_flag": flag}


def skp(nip=NIP_A, periode="2026-10", predikat="sangat_baik", rank=5, label="Sangat Baik"):
    return {"nip": nip, "unit_slug": UNIT, "periode": periode, "predikat": predikat, "predikat_rank": rank,
            "predikat_label": label, "indikator_count": 2, "indikator_met": 2, "indikator_missed": 0}


def run(con):
    from transforms.models import run_models
    run_models(con, MINE)


def selected(con, period="2026-10"):
    return rows(con, "select nip, aturan from marts.rekomendasi_asn where period = ? order by 1, 2", [period])


def test_sangat_baik_with_full_attendance_discipline_is_an_award_candidate(rek):
    given(rek, "marts.attendance_asn_month", [month(present=19, workdays=20)])       # 95 %: the bound counts
    given(rek, "marts.attendance_asn_ytd", [ytd()])
    given(rek, "marts.skp_asn_period", [skp()])
    run(rek)
    assert selected(rek) == [(NIP_A, "penghargaan")]
    metric = rows(rek, "select value, label from marts.metrics_rekomendasi where metric_id = ?",
                  [f"rekomendasi/asn/{NIP_A}/2026-10"])
    assert metric == [(1.0, "penghargaan: predikat Sangat Baik, tanpa hari TK, tanpa TL3/TL4/PSW3/PSW4, "
                            "kehadiran ≥ 95 %, IKM petugas A/B (bila responden menyebut petugas)")]
    evidence, = rows(rek, "select label from marts.metrics_rekomendasi where metric_id = ?",
                     [f"rekomendasi_aturan/asn/{NIP_A}:penghargaan/2026-10"])[0]
    assert evidence.startswith("diusulkan penghargaan:")
    assert "kehadiran 95,00 %" in evidence and "TK 0 hari" in evidence


@pytest.mark.parametrize("spoiler", [
    {"tk": 1, "present": 19},          # one TK day
    {"tl": 1, "tl3": 1},               # a TL3 day
    {"psw4": 1},                       # a PSW4 day (no check-out scan)
    {"present": 18},                   # 90 % attendance
])
def test_any_attendance_lapse_stops_an_award(rek, spoiler):
    given(rek, "marts.attendance_asn_month", [month(**spoiler)])
    given(rek, "marts.attendance_asn_ytd", [ytd()])
    given(rek, "marts.skp_asn_period", [skp()])
    run(rek)
    assert selected(rek) == []


def test_an_officer_ikm_in_c_stops_an_award_and_a_b_keeps_it(rek):
    given(rek, "marts.attendance_asn_month", [month(), month(nip=NIP_B)])
    given(rek, "marts.attendance_asn_ytd", [ytd(), ytd(nip=NIP_B)])
    given(rek, "marts.skp_asn_period", [skp(), skp(nip=NIP_B)])
    given(rek, "marts.skm_ikm", [
        {"scope": "petugas", "scope_id": NIP_A, "period": "2026-10", "respondents": 12, "ikm_converted": 74.5, "mutu": "C"},
        {"scope": "petugas", "scope_id": NIP_B, "period": "2026-10", "respondents": 9, "ikm_converted": 80.0, "mutu": "B"},
    ])
    run(rek)
    assert selected(rek) == [(NIP_B, "penghargaan")]


def test_weak_predikat_and_a_training_obstacle_propose_coaching(rek):
    given(rek, "marts.attendance_asn_month", [month()])
    given(rek, "marts.attendance_asn_ytd", [ytd()])
    given(rek, "marts.skp_asn_period", [skp(predikat="butuh_perbaikan", rank=3, label="Butuh Perbaikan")])
    given(rek, "marts.skp_indicator_capaian", [
        {"nip": NIP_A, "periode": "2026-10", "indikator": "Surat selesai tepat waktu", "met": False,
         "kendala_category": "pelatihan-kompetensi", "kendala": "belum ikut bimtek"},
        {"nip": NIP_A, "periode": "2026-10", "indikator": "Arsip tertata", "met": False,
         "kendala_category": "anggaran", "kendala": "dana belum cair"},
    ])
    run(rek)
    assert selected(rek) == [(NIP_A, "pembinaan-pelatihan"), (NIP_A, "pembinaan-predikat")]
    bukti, = rows(rek, "select bukti from marts.rekomendasi_asn where aturan = 'pembinaan-pelatihan'")[0]
    assert bukti == "1 target tidak tercapai dengan kendala pelatihan/kompetensi (Surat selesai tepat waktu)"


def test_repeated_lateness_and_a_discipline_band_propose_follow_up(rek):
    given(rek, "marts.attendance_asn_month", [month(tl=5), month(nip=NIP_B, tl=4, tk=3, present=17)])
    given(rek, "marts.attendance_asn_ytd", [
        ytd(), ytd(nip=NIP_B, tk_ytd=3, rank=1, level="ringan", sanction="teguran lisan")])
    run(rek)
    assert selected(rek) == [(NIP_A, "pembinaan-keterlambatan"), (NIP_B, "pembinaan-disiplin")]
    label, = rows(rek, "select label from marts.metrics_rekomendasi where metric_id = ?",
                  [f"rekomendasi_aturan/asn/{NIP_B}:pembinaan-disiplin/2026-10"])[0]
    assert "perlu ditindaklanjuti" in label and "teguran lisan" in label


def test_an_edited_rule_table_changes_the_proposals(rek):
    given(rek, "marts.attendance_asn_month", [month(tl=3)])
    given(rek, "marts.attendance_asn_ytd", [ytd()])
    run(rek)
    assert selected(rek) == []
    rek.execute("update ref.recommendation_rules set ambang = '3' where aturan = 'pembinaan-keterlambatan'")
    run(rek)
    assert selected(rek) == [(NIP_A, "pembinaan-keterlambatan")]
    rek.execute("update ref.recommendation_rules set aktif = 'tidak' where aturan = 'pembinaan-keterlambatan'")
    run(rek)
    assert selected(rek) == []


def test_a_quarter_pools_the_attendance_of_its_months(rek):
    # 20 + 20 + 20 workdays, 2 absences in the quarter: 96.67 % >= 95 %, though August alone is 90 %
    given(rek, "marts.attendance_asn_month", [month(period="2026-07"), month(period="2026-08", present=18),
                                              month(period="2026-09")])
    given(rek, "marts.attendance_asn_ytd", [ytd(period=p) for p in ("2026-07", "2026-08", "2026-09")])
    given(rek, "marts.skp_asn_period", [skp(periode="2026-Q3")])
    run(rek)
    assert selected(rek, "2026-Q3") == [(NIP_A, "penghargaan")]
    bukti, = rows(rek, "select bukti from marts.rekomendasi_asn where period = '2026-Q3'")[0]
    assert "kehadiran 96,67 % (3 bulan)" in bukti


def test_unit_attention_ikm_c_and_a_weak_unsur(rek):
    given(rek, "marts.skm_ikm", [
        {"scope": "unit", "scope_id": UNIT, "period": "2026-10", "respondents": 40, "ikm_converted": 74.2,
         "mutu": "C", "kinerja": "Kurang Baik"},
        {"scope": "unit", "scope_id": "kelurahan-bukit-sua", "period": "2026-10", "respondents": 30,
         "ikm_converted": 82.0, "mutu": "B", "kinerja": "Baik"},
    ])
    given(rek, "marts.skm_unsur_scores", [
        {"scope": "unit", "scope_id": UNIT, "period": "2026-10", "unsur": "U3", "unsur_name": "Waktu penyelesaian",
         "nrr": 2.95, "nrr_4dp": 2.95, "nrr_converted": 73.75, "nrr_mutu": "C", "nrr_perlu_perhatian": True},
        {"scope": "unit", "scope_id": UNIT, "period": "2026-10", "unsur": "U1", "unsur_name": "Persyaratan",
         "nrr": 3.2, "nrr_4dp": 3.2, "nrr_converted": 80.0, "nrr_mutu": "B", "nrr_perlu_perhatian": False},
        {"scope": "unit", "scope_id": "kelurahan-bukit-sua", "period": "2026-10", "unsur": "U3",
         "unsur_name": "Waktu penyelesaian", "nrr": 3.0644, "nrr_4dp": 3.0644, "nrr_converted": 76.61, "nrr_mutu": "B",
         "nrr_perlu_perhatian": False},
    ])
    # both grades stand on enough evidence: the sample reaches the Krejcie & Morgan minimum
    given(rek, "marts.skm_ikm_precision", [
        {"scope": "unit", "scope_id": UNIT, "period": "2026-10", "sample_adequate": True,
         "sample_note": "sampel memadai: 40 responden, minimal 36 untuk populasi 40"}])
    given(rek, "marts.skm_unsur_precision", [
        {"scope": "unit", "scope_id": UNIT, "period": "2026-10", "unsur": "U3", "cd_terbukti": True,
         "cd_indikasi": False},
        {"scope": "unit", "scope_id": UNIT, "period": "2026-10", "unsur": "U1", "cd_terbukti": False,
         "cd_indikasi": False}])
    run(rek)
    assert rows(rek, "select unit_slug, aturan from marts.rekomendasi_unit order by 1, 2") == [
        (UNIT, "perhatian-ikm"), (UNIT, "perhatian-unsur")]
    assert rows(rek, "select scope_id, value from marts.metrics_rekomendasi where metric = 'rekomendasi' "
                     "and scope = 'unit' order by 1") == [("kelurahan-bukit-sua", 0.0), (UNIT, 2.0)]
    bukti, = rows(rek, "select bukti from marts.rekomendasi_unit where aturan = 'perhatian-unsur'")[0]
    assert bukti == "U3 Waktu penyelesaian 73,75 (C)"


def test_unit_counts_name_nobody(rek):
    given(rek, "marts.attendance_asn_month", [month(), month(nip=NIP_B, tl=6)])
    given(rek, "marts.attendance_asn_ytd", [ytd(), ytd(nip=NIP_B)])
    given(rek, "marts.skp_asn_period", [skp()])
    run(rek)
    counts = dict(rows(rek, "select metric, value from marts.metrics_rekomendasi where scope = 'unit' "
                            "and metric in ('rekomendasi_penghargaan', 'rekomendasi_pembinaan')"))
    assert counts == {"rekomendasi_penghargaan": 1.0, "rekomendasi_pembinaan": 1.0}
    unit_rows = rows(rek, "select metric_id, label from marts.metrics_rekomendasi where scope in ('unit', 'office')")
    for metric_id, label in unit_rows:
        assert NIP_A not in metric_id + (label or "") and NIP_B not in metric_id + (label or "")
