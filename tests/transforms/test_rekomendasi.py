"""Recommendation rules (docs/reports.md; data/reference/recommendation_rules.csv and
recommendation_periods.csv): given the facts of the marts they read, which ASN and units are
proposed (or signalled), in which period, by which rule, with which evidence."""

from __future__ import annotations

import re

import pytest

from helpers import NIP_A, NIP_B, NIP_C, build, empty_staging, given, rows

MINE = [
    "marts.rekomendasi_asn_fakta",
    "marts.rekomendasi_asn",
    "marts.rekomendasi_unit_fakta",
    "marts.rekomendasi_unit",
    "marts.metrics_rekomendasi",
]
UPSTREAM = [
    "marts.attendance_asn_month",
    "marts.attendance_asn_ytd",
    "marts.skp_asn_period",
    "marts.skp_indicator_capaian",
    "marts.skm_ikm",
    "marts.skm_unsur_scores",
    "marts.skm_complaint_themes",
]
UNIT = "kelurahan-pager"


@pytest.fixture
def rek(warehouse):
    empty_staging(warehouse)
    build(warehouse, "marts.metrics_rekomendasi")
    given(
        warehouse,
        "staging.stg_pegawai",
        [
            {"nip": NIP_A, "nama": "Agus Setiawan", "unit_slug": UNIT, "jenis_asn": "PNS"},
            {"nip": NIP_B, "nama": "Siti Rahmah", "unit_slug": UNIT, "jenis_asn": "PPPK"},
            {"nip": NIP_C, "nama": "Yohanes Nyahu", "unit_slug": UNIT, "jenis_asn": "PNS"},
        ],
    )
    return warehouse


def month(nip=NIP_A, period="2026-10", workdays=20, present=20, tk=0, tl=0, tl3=0, psw4=0, unknown=0, leave=0):
    return {
        "nip": nip,
        "unit_slug": UNIT,
        "jenis_asn": "PNS",
        "period": period,
        "tahun": int(period[:4]),
        "workdays": workdays,
        "present_days": present,
        "tk_days": tk,
        "unknown_days": unknown,
        "leave_days": leave,
        "c_days": leave,
        "tl1": tl - tl3,
        "tl2": 0,
        "tl3": tl3,
        "tl4": 0,
        "psw1": 0,
        "psw2": 0,
        "psw3": 0,
        "psw4": psw4,
        "tl_days": tl,
        "psw_days": psw4,
        "attendance_rate": 100.0 * present / (workdays - unknown),
        "discipline_rate": 100.0 * present / (workdays - unknown - leave),
    }


def ytd(nip=NIP_A, period="2026-10", tk_ytd=0, rank=None, level=None, sanction=None, flag=False, run=0):
    return {
        "nip": nip,
        "unit_slug": UNIT,
        "jenis_asn": "PNS",
        "period": period,
        "tahun": int(period[:4]),
        "tk_days_ytd": tk_ytd,
        "discipline_rank": rank,
        "discipline_level": level,
        "discipline_sanction": sanction,
        "tk_consecutive_max": run,
        "tk_consecutive_flag": flag,
    }


def skp(nip=NIP_A, periode="2026-Q3", predikat="sangat_baik", rank=5, label="Sangat Baik"):
    return {
        "nip": nip,
        "unit_slug": UNIT,
        "periode": periode,
        "predikat": predikat,
        "predikat_rank": rank,
        "predikat_label": label,
        "indikator_count": 2,
        "indikator_met": 2,
        "indikator_missed": 0,
    }


def indicator(
    nip=NIP_A, periode="2026-Q3", indikator="Surat selesai tepat waktu", capaian=80.0, kendala="pelatihan-kompetensi"
):
    return {
        "nip": nip,
        "periode": periode,
        "indikator": indikator,
        "capaian_pct": capaian,
        "met": capaian >= 100,
        "kendala_category": kendala,
        "kendala": "belum ikut bimtek",
    }


Q3 = ("2026-07", "2026-08", "2026-09")


def quarter(nip=NIP_A, **months):
    """The three months of 2026-Q3 as given, each full attendance unless overridden:
    quarter(jul={"tl": 5}) changes July only."""
    keys = dict(zip(("jul", "aug", "sep"), Q3, strict=True))
    return [month(nip=nip, period=p, **months.get(k, {})) for k, p in keys.items()]


def quarter_ytd(nip=NIP_A, **months):
    keys = dict(zip(("jul", "aug", "sep"), Q3, strict=True))
    return [ytd(nip=nip, period=p, **months.get(k, {})) for k, p in keys.items()]


def run(con):
    from transforms.models import run_models

    run_models(con, MINE)


def selected(con, period="2026-Q3", peran="usulan"):
    return rows(
        con,
        "select nip, aturan from marts.rekomendasi_asn where period = ? and peran = ? order by 1, 2",
        [period, peran],
    )


def metric(con, metric_id):
    found = rows(con, "select value, label from marts.metrics_rekomendasi where metric_id = ?", [metric_id])
    return found[0] if found else None


def test_sangat_baik_with_full_attendance_discipline_is_an_award_candidate_at_the_quarter(rek):
    # 57 of 60 workdays: 95 % exactly, the bound counts
    given(rek, "marts.attendance_asn_month", quarter(aug={"present": 17}))
    given(rek, "marts.attendance_asn_ytd", quarter_ytd())
    given(rek, "marts.skp_asn_period", [skp()])
    run(rek)
    assert selected(rek) == [(NIP_A, "penghargaan")]
    assert metric(rek, f"rekomendasi/asn/{NIP_A}/2026-Q3") == (
        1.0,
        "penghargaan: predikat Sangat Baik, tanpa hari TK, tanpa TL3/TL4/PSW3/PSW4, disiplin kehadiran "
        "≥ 95 % (cuti, sakit, izin, tugas belajar tidak mengurangi), IKM petugas A/B (bila responden menyebut petugas)",
    )
    value, evidence = metric(rek, f"rekomendasi_aturan/asn/{NIP_A}:penghargaan/2026-Q3")
    assert evidence.startswith("diusulkan penghargaan:")
    assert "disiplin kehadiran 95,00 % (3 bulan)" in evidence and "TK 0 hari" in evidence
    assert metric(rek, f"rekomendasi_penghargaan/unit/{UNIT}/2026-Q3")[0] == 1.0


def test_cuti_and_sakit_days_never_stop_an_award(rek):
    # August: 3 days cuti and 2 days sakit, present the other 15. Presence over the quarter is
    # 55 / 60 = 91.67 %, under 95 %; discipline is 55 / (60 - 5) = 100 %: leave is a right.
    given(rek, "marts.attendance_asn_month", quarter(aug={"present": 15, "leave": 5}))
    given(rek, "marts.attendance_asn_ytd", quarter_ytd())
    given(rek, "marts.skp_asn_period", [skp()])
    run(rek)
    assert selected(rek) == [(NIP_A, "penghargaan")]
    (bukti,) = rows(rek, "select bukti from marts.rekomendasi_asn where period = '2026-Q3'")[0]
    assert "disiplin kehadiran 100,00 % (3 bulan); cuti/sakit/izin/tugas belajar 5 hari tidak mengurangi" in bukti
    (attendance,) = rows(
        rek, "select nilai from marts.rekomendasi_asn_fakta where period = '2026-Q3' and kriteria = 'attendance_rate'"
    )[0]
    assert attendance == 91.67


@pytest.mark.parametrize(
    "spoiler",
    [
        {"tk": 1, "present": 19},  # one TK day
        {"tl": 1, "tl3": 1},  # a TL3 day
        {"psw4": 1},  # a PSW4 day (no check-out scan)
        {"present": 14},  # 54 of 60 workdays present, no leave: 90 %
    ],
)
def test_any_attendance_lapse_stops_an_award(rek, spoiler):
    given(rek, "marts.attendance_asn_month", quarter(aug=spoiler))
    given(rek, "marts.attendance_asn_ytd", quarter_ytd())
    given(rek, "marts.skp_asn_period", [skp()])
    run(rek)
    assert selected(rek) == []


def test_a_quarter_uses_its_own_skp_row_before_its_last_month(rek):
    # 2026-Q3 rated Butuh Perbaikan, 2026-09 rated Sangat Baik: the quarter's own rating decides
    given(rek, "marts.attendance_asn_month", quarter())
    given(rek, "marts.attendance_asn_ytd", quarter_ytd())
    given(
        rek,
        "marts.skp_asn_period",
        [skp(predikat="butuh_perbaikan", rank=3, label="Butuh Perbaikan"), skp(periode="2026-09")],
    )
    run(rek)
    assert selected(rek) == [(NIP_A, "pembinaan-predikat")]
    bukti, ids = rows(rek, "select bukti, bukti_metric_ids from marts.rekomendasi_asn where period = '2026-Q3'")[0]
    assert bukti == "predikat Butuh Perbaikan"
    assert ids == [f"predikat/asn/{NIP_A}/2026-Q3"]


def test_a_quarter_without_its_own_skp_row_takes_the_last_months_rating_labelled(rek):
    # no 2026-Q3 row: the September rating stands for the quarter; July's is not used
    given(rek, "marts.attendance_asn_month", quarter() + quarter(nip=NIP_B))
    given(rek, "marts.attendance_asn_ytd", quarter_ytd() + quarter_ytd(nip=NIP_B))
    given(
        rek,
        "marts.skp_asn_period",
        [
            skp(periode="2026-07", predikat="butuh_perbaikan", rank=3, label="Butuh Perbaikan"),
            skp(periode="2026-09"),
            skp(nip=NIP_B, periode="2026-08", predikat="kurang", rank=2, label="Kurang/Misconduct"),
        ],
    )
    run(rek)
    # NIP_B has no September rating: no predikat for the quarter, so neither award nor coaching by predikat
    assert selected(rek) == [(NIP_A, "penghargaan")]
    bukti, ids = rows(rek, "select bukti, bukti_metric_ids from marts.rekomendasi_asn where period = '2026-Q3'")[0]
    assert bukti.startswith(
        "predikat Sangat Baik (dari penilaian 2026-09, bulan terakhir periode; tidak ada penilaian 2026-Q3)"
    )
    assert ids[0] == f"predikat/asn/{NIP_A}/2026-09"


def test_december_closes_the_quarter_and_the_year_each_with_its_own_proposal(rek):
    # SKP rated only for December: Q4 and the year both take it (labelled); December itself signals
    given(rek, "marts.attendance_asn_month", [month(period=p) for p in ("2026-10", "2026-11", "2026-12")])
    given(rek, "marts.attendance_asn_ytd", [ytd(period=p) for p in ("2026-10", "2026-11", "2026-12")])
    given(rek, "marts.skp_asn_period", [skp(periode="2026-12")])
    run(rek)
    assert selected(rek, "2026-Q4") == [(NIP_A, "penghargaan")]
    assert selected(rek, "2026") == [(NIP_A, "penghargaan")]
    assert selected(rek, "2026-12") == [] and selected(rek, "2026-12", "sinyal") == [(NIP_A, "penghargaan")]
    (bukti,) = rows(rek, "select bukti from marts.rekomendasi_asn where period = '2026'")[0]
    assert bukti.startswith(
        "predikat Sangat Baik (dari penilaian 2026-12, bulan terakhir periode; tidak ada penilaian 2026); TK 0 hari"
    )


def test_a_month_that_closes_no_evaluation_period_gives_signals_not_proposals(rek):
    # August 2026 closes no quarter: the same award conditions give a signal, published as sinyal...
    given(rek, "marts.attendance_asn_month", [month(period="2026-08")])
    given(rek, "marts.attendance_asn_ytd", [ytd(period="2026-08")])
    given(rek, "marts.skp_asn_period", [skp(periode="2026-08")])
    run(rek)
    assert selected(rek, "2026-08") == []
    assert selected(rek, "2026-08", "sinyal") == [(NIP_A, "penghargaan")]
    assert metric(rek, f"rekomendasi/asn/{NIP_A}/2026-08") is None
    assert metric(rek, f"rekomendasi_penghargaan/unit/{UNIT}/2026-08") is None
    assert metric(rek, f"sinyal_penghargaan/unit/{UNIT}/2026-08") == (
        1.0,
        "ASN dengan sinyal calon penghargaan (bukan usulan)",
    )
    value, label = metric(rek, f"sinyal_aturan/asn/{NIP_A}:penghargaan/2026-08")
    assert label.startswith("sinyal penghargaan (bukan usulan): predikat Sangat Baik")
    # the PP 94/2021 flags are proposals every month: their counts are published, at 0
    assert metric(rek, f"rekomendasi_pembinaan/unit/{UNIT}/2026-08")[0] == 0.0
    assert metric(rek, f"rekomendasi_asn_aturan/unit/{UNIT}:pembinaan-disiplin/2026-08")[0] == 0.0


def test_monthly_proposals_are_selectable_in_the_reference_table(rek):
    given(rek, "marts.attendance_asn_month", [month(period="2026-08")])
    given(rek, "marts.attendance_asn_ytd", [ytd(period="2026-08")])
    given(rek, "marts.skp_asn_period", [skp(periode="2026-08")])
    rek.execute("update ref.recommendation_periods set peran = 'usulan' where aturan = '*' and jenis_periode = 'bulan'")
    run(rek)
    assert selected(rek, "2026-08") == [(NIP_A, "penghargaan")]
    assert metric(rek, f"rekomendasi_penghargaan/unit/{UNIT}/2026-08")[0] == 1.0


def test_a_discipline_band_is_flagged_in_the_month_it_is_reached(rek):
    # 3 TK days in August reach the first PP 94/2021 band; September adds none
    given(rek, "marts.attendance_asn_month", quarter(aug={"tk": 3, "present": 17}))
    given(
        rek,
        "marts.attendance_asn_ytd",
        quarter_ytd(
            aug={"tk_ytd": 3, "rank": 1, "level": "ringan", "sanction": "teguran lisan"},
            sep={"tk_ytd": 3, "rank": 1, "level": "ringan", "sanction": "teguran lisan"},
        ),
    )
    run(rek)
    assert selected(rek, "2026-07") == []
    assert selected(rek, "2026-08") == [(NIP_A, "pembinaan-disiplin")]
    assert selected(rek, "2026-09") == []  # the band stands, but it was reached in August
    assert selected(rek, "2026-Q3") == [(NIP_A, "pembinaan-disiplin")]
    value, label = metric(rek, f"rekomendasi_aturan/asn/{NIP_A}:pembinaan-disiplin/2026-08")
    assert "perlu ditindaklanjuti" in label and "pita ringan (teguran lisan), tercapai pada periode ini" in label


def test_a_ten_day_tk_streak_is_flagged_in_the_month_it_reaches_the_limit(rek):
    given(rek, "marts.attendance_asn_month", quarter(jul={"tk": 4, "present": 16}, aug={"tk": 6, "present": 14}))
    given(
        rek,
        "marts.attendance_asn_ytd",
        quarter_ytd(
            jul={"tk_ytd": 4, "run": 4},
            aug={"tk_ytd": 10, "run": 10, "flag": True},
            sep={"tk_ytd": 10, "run": 10, "flag": True},
        ),
    )
    run(rek)
    assert [r for r in selected(rek, "2026-08") if r[1] == "pembinaan-tk-berturut"] == [
        (NIP_A, "pembinaan-tk-berturut")
    ]
    assert [r for r in selected(rek, "2026-09") if r[1] == "pembinaan-tk-berturut"] == []


def test_a_material_shortfall_proposes_training_and_an_immaterial_one_does_not(rek):
    # capaian 85 % (15 points short) is material; 55 of 56 = 98,21 % is not; 90 % exactly is not (< 90)
    given(rek, "marts.attendance_asn_month", quarter() + quarter(nip=NIP_B) + quarter(nip=NIP_C))
    given(rek, "marts.attendance_asn_ytd", quarter_ytd() + quarter_ytd(nip=NIP_B) + quarter_ytd(nip=NIP_C))
    given(
        rek, "marts.skp_asn_period", [skp(predikat="baik", rank=4, label="Baik", nip=n) for n in (NIP_A, NIP_B, NIP_C)]
    )
    given(
        rek,
        "marts.skp_indicator_capaian",
        [
            indicator(capaian=85.0),
            indicator(nip=NIP_B, capaian=round(100 * 55 / 56, 2)),
            indicator(nip=NIP_C, capaian=90.0),
        ],
    )
    run(rek)
    assert selected(rek) == [(NIP_A, "pembinaan-pelatihan")]
    (bukti,) = rows(rek, "select bukti from marts.rekomendasi_asn where aturan = 'pembinaan-pelatihan'")[0]
    assert bukti == (
        "capaian terendah 85,00 % pada target tidak tercapai dengan kendala pelatihan/kompetensi "
        "(Surat selesai tepat waktu 85,00 %)"
    )


def test_a_missed_target_without_a_training_obstacle_proposes_no_training(rek):
    given(rek, "marts.attendance_asn_month", quarter())
    given(rek, "marts.attendance_asn_ytd", quarter_ytd())
    given(rek, "marts.skp_asn_period", [skp(predikat="butuh_perbaikan", rank=3, label="Butuh Perbaikan")])
    given(rek, "marts.skp_indicator_capaian", [indicator(indikator="Arsip tertata", capaian=50.0, kendala="anggaran")])
    run(rek)
    assert selected(rek) == [(NIP_A, "pembinaan-predikat")]


def test_repeated_lateness_is_judged_per_month_of_the_period(rek):
    # NIP_A: 5 TL days each month, 15 in the quarter = 5 a month -> proposed.
    # NIP_B: 12 TL days in July only, 12 in the quarter = 4 a month -> not proposed for the quarter,
    # though July alone gives a signal (12 >= 5).
    given(
        rek,
        "marts.attendance_asn_month",
        quarter(jul={"tl": 5}, aug={"tl": 5}, sep={"tl": 5}) + quarter(nip=NIP_B, jul={"tl": 12}),
    )
    given(rek, "marts.attendance_asn_ytd", quarter_ytd() + quarter_ytd(nip=NIP_B))
    run(rek)
    assert selected(rek) == [(NIP_A, "pembinaan-keterlambatan")]
    assert selected(rek, "2026-07", "sinyal") == [
        (NIP_A, "pembinaan-keterlambatan"),
        (NIP_B, "pembinaan-keterlambatan"),
    ]
    (bukti,) = rows(rek, "select bukti from marts.rekomendasi_asn where period = '2026-Q3'")[0]
    assert bukti == "terlambat (TL) 15 hari dalam 3 bulan (rata-rata 5,0 hari per bulan)"


def test_an_edited_rule_table_changes_the_proposals(rek):
    given(rek, "marts.attendance_asn_month", quarter(jul={"tl": 3}, aug={"tl": 3}, sep={"tl": 3}))
    given(rek, "marts.attendance_asn_ytd", quarter_ytd())
    run(rek)
    assert selected(rek) == []
    rek.execute("update ref.recommendation_rules set ambang = '3' where aturan = 'pembinaan-keterlambatan'")
    run(rek)
    assert selected(rek) == [(NIP_A, "pembinaan-keterlambatan")]
    rek.execute("update ref.recommendation_rules set aktif = 'tidak' where aturan = 'pembinaan-keterlambatan'")
    run(rek)
    assert selected(rek) == []


def test_an_officer_ikm_in_c_stops_an_award_and_a_b_keeps_it(rek):
    given(rek, "marts.attendance_asn_month", quarter() + quarter(nip=NIP_B))
    given(rek, "marts.attendance_asn_ytd", quarter_ytd() + quarter_ytd(nip=NIP_B))
    given(rek, "marts.skp_asn_period", [skp(), skp(nip=NIP_B)])
    given(
        rek,
        "marts.skm_ikm",
        [
            {
                "scope": "petugas",
                "scope_id": NIP_A,
                "period": "2026-Q3",
                "respondents": 12,
                "ikm_converted": 74.5,
                "mutu": "C",
            },
            {
                "scope": "petugas",
                "scope_id": NIP_B,
                "period": "2026-Q3",
                "respondents": 9,
                "ikm_converted": 80.0,
                "mutu": "B",
            },
        ],
    )
    run(rek)
    assert selected(rek) == [(NIP_B, "penghargaan")]


def test_a_quarter_pools_the_attendance_of_its_months(rek):
    # 20 + 20 + 20 workdays, 2 absences in the quarter: 96.67 % >= 95 %, though August alone is 90 %
    given(rek, "marts.attendance_asn_month", quarter(aug={"present": 18}))
    given(rek, "marts.attendance_asn_ytd", quarter_ytd())
    given(rek, "marts.skp_asn_period", [skp()])
    run(rek)
    assert selected(rek) == [(NIP_A, "penghargaan")]
    (bukti,) = rows(rek, "select bukti from marts.rekomendasi_asn where period = '2026-Q3'")[0]
    assert "disiplin kehadiran 96,67 % (3 bulan)" in bukti


def unit_ikm(scope_id, *, respondents, ikm_converted, mutu, kinerja, period="2026-10"):
    return {
        "scope": "unit",
        "scope_id": scope_id,
        "period": period,
        "respondents": respondents,
        "ikm_converted": ikm_converted,
        "mutu": mutu,
        "kinerja": kinerja,
    }


def unit_unsur(scope_id, unsur, unsur_name, *, nrr, nrr_converted, nrr_mutu, perhatian, period="2026-10"):
    return {
        "scope": "unit",
        "scope_id": scope_id,
        "period": period,
        "unsur": unsur,
        "unsur_name": unsur_name,
        "nrr": nrr,
        "nrr_4dp": nrr,
        "nrr_converted": nrr_converted,
        "nrr_mutu": nrr_mutu,
        "nrr_perlu_perhatian": perhatian,
    }


def unit_unsur_precision(scope_id, unsur, *, cd_terbukti, cd_indikasi=False, period="2026-10"):
    return {
        "scope": "unit",
        "scope_id": scope_id,
        "period": period,
        "unsur": unsur,
        "cd_terbukti": cd_terbukti,
        "cd_indikasi": cd_indikasi,
    }


def given_a_unit_in_c_with_a_weak_u3_beside_a_unit_in_b(con):
    """October: UNIT has IKM C and U3 in C (a proven weak spot, U1 fine); kelurahan-bukit-sua is in B."""
    given(
        con,
        "marts.skm_ikm",
        [
            unit_ikm(UNIT, respondents=40, ikm_converted=74.2, mutu="C", kinerja="Kurang Baik"),
            unit_ikm("kelurahan-bukit-sua", respondents=30, ikm_converted=82.0, mutu="B", kinerja="Baik"),
        ],
    )
    given(
        con,
        "marts.skm_unsur_scores",
        [
            unit_unsur(UNIT, "U3", "Waktu penyelesaian", nrr=2.95, nrr_converted=73.75, nrr_mutu="C", perhatian=True),
            unit_unsur(UNIT, "U1", "Persyaratan", nrr=3.2, nrr_converted=80.0, nrr_mutu="B", perhatian=False),
            unit_unsur(
                "kelurahan-bukit-sua",
                "U3",
                "Waktu penyelesaian",
                nrr=3.0644,
                nrr_converted=76.61,
                nrr_mutu="B",
                perhatian=False,
            ),
        ],
    )
    # both grades stand on enough evidence: the sample reaches the Krejcie & Morgan minimum
    given(
        con,
        "marts.skm_ikm_precision",
        [
            {
                "scope": "unit",
                "scope_id": UNIT,
                "period": "2026-10",
                "sample_adequate": True,
                "sample_note": "sampel memadai: 40 responden, minimal 36 untuk populasi 40",
            }
        ],
    )
    given(
        con,
        "marts.skm_unsur_precision",
        [unit_unsur_precision(UNIT, "U3", cd_terbukti=True), unit_unsur_precision(UNIT, "U1", cd_terbukti=False)],
    )


def test_unit_attention_ikm_c_and_a_weak_unsur(rek):
    given_a_unit_in_c_with_a_weak_u3_beside_a_unit_in_b(rek)
    run(rek)
    assert rows(rek, "select unit_slug, aturan from marts.rekomendasi_unit order by 1, 2") == [
        (UNIT, "perhatian-ikm"),
        (UNIT, "perhatian-unsur"),
    ]
    assert rows(
        rek,
        "select scope_id, value from marts.metrics_rekomendasi where metric = 'rekomendasi' "
        "and scope = 'unit' order by 1",
    ) == [("kelurahan-bukit-sua", 0.0), (UNIT, 2.0)]
    (bukti,) = rows(rek, "select bukti from marts.rekomendasi_unit where aturan = 'perhatian-unsur'")[0]
    assert bukti == "U3 Waktu penyelesaian 73,75 (C)"


def test_unit_counts_name_nobody(rek):
    given(
        rek, "marts.attendance_asn_month", quarter() + quarter(nip=NIP_B, jul={"tl": 6}, aug={"tl": 6}, sep={"tl": 6})
    )
    given(rek, "marts.attendance_asn_ytd", quarter_ytd() + quarter_ytd(nip=NIP_B))
    given(rek, "marts.skp_asn_period", [skp()])
    run(rek)
    counts = dict(
        rows(
            rek,
            "select metric, value from marts.metrics_rekomendasi where scope = 'unit' and period = '2026-Q3' "
            "and metric in ('rekomendasi_penghargaan', 'rekomendasi_pembinaan')",
        )
    )
    assert counts == {"rekomendasi_penghargaan": 1.0, "rekomendasi_pembinaan": 1.0}
    unit_rows = rows(rek, "select metric_id, label from marts.metrics_rekomendasi where scope in ('unit', 'office')")
    for metric_id, label in unit_rows:
        assert NIP_A not in metric_id + (label or "") and NIP_B not in metric_id + (label or "")


def render_rekomendasi(con, period):
    """The Rekomendasi page of a month, from the recommendation metrics as published for it."""
    from reports import pages
    from reports.data import Report
    from reports.render import environment
    from transforms.publish import periods_published_by

    published = periods_published_by(period)
    con.execute(
        "create or replace table main.metrics as select *, 'run-uji' as run_id from marts.metrics_rekomendasi "
        f"where period in ({', '.join('?' for _ in published)})",
        published,
    )
    report = Report(con, period)
    return (
        environment()
        .get_template("rekomendasi.html.j2")
        .render(
            **{
                **pages.common(report, False),
                **pages.rekomendasi(report, False),
                "root": "",
                "run": {"run_id": None, "code_version": None},
            }
        )
    )


def test_the_rekomendasi_page_of_a_quarters_last_month_shows_the_quarters_proposals(rek):
    # NIP_A: Sangat Baik for 2026-Q3 with full discipline; NIP_B: 6 TL days every month of the quarter
    given(
        rek, "marts.attendance_asn_month", quarter() + quarter(nip=NIP_B, jul={"tl": 6}, aug={"tl": 6}, sep={"tl": 6})
    )
    given(rek, "marts.attendance_asn_ytd", quarter_ytd() + quarter_ytd(nip=NIP_B))
    given(rek, "marts.skp_asn_period", [skp()])
    run(rek)
    office = rows(rek, "select min(slug) from ref.units where coalesce(trim(parent), '') = ''")[0][0]
    html = render_rekomendasi(rek, "2026-09")
    assert (
        'Usulan <time datetime="2026-Q3">triwulan III 2026</time>: '
        "diusulkan sebagai <strong>calon penghargaan</strong>: " in html
    )
    # one award candidate (NIP_A) and one proposal for coaching (NIP_B) for the quarter
    assert re.search(rf'data-metric-id="rekomendasi_penghargaan/office/{office}/2026-Q3"[^>]*>1\u00a0orang<', html)
    assert re.search(rf'data-metric-id="rekomendasi_pembinaan/office/{office}/2026-Q3"[^>]*>1\u00a0orang<', html)
    assert f'data-metric-id="rekomendasi_penghargaan/unit/{UNIT}/2026-Q3"' in html
    assert f'data-metric-id="rekomendasi_asn_aturan/unit/{UNIT}:pembinaan-keterlambatan/2026-Q3"' in html
    assert "tidak ada usulan penghargaan atau pembinaan perorangan" not in html
    # the month before closes nothing: signals only, and the page says when the proposals come
    html = render_rekomendasi(rek, "2026-08")
    assert "tidak ada usulan penghargaan atau pembinaan perorangan" in html
    assert "/2026-Q3" not in html
    assert (
        'Usulan berikutnya: <time datetime="2026-Q3">triwulan III 2026</time>, terbit bersama laporan '
        '<time datetime="2026-09">September 2026</time>'
    ) in html
    assert f'data-metric-id="sinyal_penghargaan/unit/{UNIT}/2026-08"' in html
    assert f'data-metric-id="sinyal_asn_aturan/unit/{UNIT}:pembinaan-keterlambatan/2026-08"' in html
