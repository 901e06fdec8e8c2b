"""Unit-level attention rules (data/reference/recommendation_rules.csv, cakupan = unit): a C/D grade
asks for attention only on enough evidence, else it is an "indikasi"; complaint themes rise only
beyond chance; every unit that serves the public surveys at least once a calendar year.

Given staging rows (survey responses, service counts, attendance days) -> expected rules, worked out
by hand. Rules: PermenPANRB 14/2017, Krejcie & Morgan (1970); docs/ikm.md explains them.
"""

from __future__ import annotations

import math

import pytest

from helpers import NIP_A, build, empty_staging, given, rows

UNIT = "kelurahan-pager"
OFFICE = "kecamatan-rakumpit"


@pytest.fixture
def skm(warehouse):
    empty_staging(warehouse)
    return warehouse


def response(score: int, tanggal="2026-10-05", unit=UNIT, saran=None) -> dict:
    row = {
        "tanggal": tanggal,
        "waktu": f"{tanggal} 09:00",
        "unit_slug": unit,
        "jenis_layanan": "Surat Keterangan",
        "saran": saran,
    }
    row.update({f"u{k}": score for k in range(1, 10)})
    return row


def unit_rules(con, period="2026-10", unit=UNIT):
    return rows(
        con,
        "select aturan, jenis from marts.rekomendasi_unit where unit_slug = ? and period = ? order by aturan",
        [unit, period],
    )


def metric(con, metric_id):
    got = rows(con, "select value from marts.metrics_rekomendasi where metric_id = ?", [metric_id])
    return got[0][0] if got else None


# 10 respondents answering 4 to every unsur and 9 answering 2: every NRR and the IKM are
# (40 + 18) / 19 = 58/19 = 3.0526 -> × 25 = 76.32 -> C (65.00–76.60), just below B (76.61).
# Per-respondent scores are 4 or 2: mean 58/19, sd = √((10·(4 − 58/19)² + 9·(2 − 58/19)²) / 18) = 1.0260.
NEAR_B = [response(4) for _ in range(10)] + [response(2) for _ in range(9)]
NEAR_B_SD = math.sqrt((10 * (4 - 58 / 19) ** 2 + 9 * (2 - 58 / 19) ** 2) / 18)


# ---------------------------------------------------------------- IKM and unsur: evidence or indikasi


def test_a_c_grade_from_a_sample_reaching_the_krejcie_morgan_minimum_asks_for_attention(skm):
    # N = 20 people served -> table minimum 19; 19 respondents reach it. The grade counts even though
    # the interval (FPC √(1/19): margin 1.96·25·1.0260/√19·0.2294 = 2.65, up to 78.97) reaches B.
    given(skm, "staging.stg_skm", NEAR_B)
    given(skm, "staging.stg_layanan", [{"unit_slug": UNIT, "periode": "2026-10", "jumlah_layanan": 20}])
    build(skm, "marts.metrics_rekomendasi")
    assert rows(
        skm,
        "select ikm_converted::double, mutu, min_sample, sample_adequate, ikm_ci_high::double "
        "from marts.skm_ikm_precision where scope = 'unit' and period = '2026-10'",
    ) == [(76.32, "C", 19, True, round(76.32 + 1.96 * 25 * NEAR_B_SD / math.sqrt(19) * math.sqrt(1 / 19), 2))]
    assert unit_rules(skm) == [("perhatian-ikm", "perhatian"), ("perhatian-unsur", "perhatian")]
    assert metric(skm, f"rekomendasi/unit/{UNIT}/2026-10") == 2.0
    assert metric(skm, f"rekomendasi_indikasi/unit/{UNIT}/2026-10") == 0.0


def test_a_c_grade_from_a_small_sample_whose_interval_reaches_b_is_an_indikasi(skm):
    # no service count: the minimum is unknown, so only the interval can confirm the grade.
    # IKM margin 1.96·25·1.0260/√19 = 11.53 -> up to 87.85, above 76.61: indikasi.
    # each unsur: 2.7729·25·1.0260/√19 = 16.32 -> up to 92.64: indikasi for all nine.
    given(skm, "staging.stg_skm", NEAR_B)
    build(skm, "marts.metrics_rekomendasi")
    assert rows(
        skm, "select ikm_ci_high::double from marts.skm_ikm_precision where scope = 'unit' and period = '2026-10'"
    ) == [(round(76.32 + 1.96 * 25 * NEAR_B_SD / math.sqrt(19), 2),)]
    assert rows(
        skm,
        "select count(*), min(nrr_ci_high)::double from marts.skm_unsur_precision "
        "where scope = 'unit' and period = '2026-10' and cd_indikasi",
    ) == [(9, round(76.32 + 2.7729 * 25 * NEAR_B_SD / math.sqrt(19), 2))]
    assert unit_rules(skm) == [("indikasi-ikm", "indikasi"), ("indikasi-unsur", "indikasi")]
    # an indikasi is a signal: the unit is not counted as needing attention
    assert metric(skm, f"rekomendasi/unit/{UNIT}/2026-10") == 0.0
    assert metric(skm, f"rekomendasi_indikasi/unit/{UNIT}/2026-10") == 2.0
    assert metric(skm, f"rekomendasi_perhatian/office/{OFFICE}/2026-10") == 0.0
    # Pager's indikasi, and the seven other units that serve the public and have no survey this year
    # (October: "belum disurvei")
    assert metric(skm, f"rekomendasi_indikasi/office/{OFFICE}/2026-10") == 8.0
    label = rows(
        skm,
        "select label from marts.metrics_rekomendasi where metric_id = ?",
        [f"rekomendasi_aturan/unit/{UNIT}:indikasi-ikm/2026-10"],
    )[0][0]
    assert label.startswith("indikasi: IKM bermutu C atau D")


def test_a_small_sample_whose_interval_lies_inside_c_d_asks_for_attention(skm):
    # 10 respondents answering 2 and 10 answering 3: IKM 2.5 -> 62.50 D; sd = √(20·0.25/19) = 0.5130.
    # IKM margin 1.96·25·0.5130/√20 = 5.62 -> up to 68.12 < 76.61; unsur margin 2.7729·25·0.5130/√20
    # = 7.95 -> up to 70.45 < 76.61: both stand without a known N.
    given(skm, "staging.stg_skm", [response(2) for _ in range(10)] + [response(3) for _ in range(10)])
    build(skm, "marts.metrics_rekomendasi")
    sd = math.sqrt(20 * 0.25 / 19)
    assert rows(
        skm,
        "select ikm_converted::double, mutu, ikm_ci_high::double from marts.skm_ikm_precision "
        "where scope = 'unit' and period = '2026-10'",
    ) == [(62.5, "D", round(62.5 + 1.96 * 25 * sd / math.sqrt(20), 2))]
    assert rows(
        skm,
        "select count(*) from marts.skm_unsur_precision where scope = 'unit' "
        "and period = '2026-10' and cd_terbukti and ci_inside_cd",
    ) == [(9,)]
    assert unit_rules(skm) == [("perhatian-ikm", "perhatian"), ("perhatian-unsur", "perhatian")]


def test_the_76_61_case_asks_for_nothing(skm):
    # 11 all-4 and 160 all-3: IKM and every unsur 76.61, B: no rule, no indikasi
    given(skm, "staging.stg_skm", [response(4) for _ in range(11)] + [response(3) for _ in range(160)])
    build(skm, "marts.metrics_rekomendasi")
    assert unit_rules(skm) == []
    assert metric(skm, f"rekomendasi/unit/{UNIT}/2026-10") == 0.0


# ---------------------------------------------------------------- complaint themes


def months_of_complaints(counts: dict[str, int], respondents=10) -> list[dict]:
    out = []
    for month, k in counts.items():
        out += [response(3, f"{month}-10", saran="antri lama") for _ in range(k)]
        out += [response(3, f"{month}-10", saran="terima kasih") for _ in range(respondents - k)]
    return out


SIX_MONTHS = [f"2026-{m:02d}" for m in range(4, 10)]  # the default window: six previous months


def test_one_complaint_after_six_months_without_is_not_a_unit_rule(skm):
    given(skm, "staging.stg_skm", months_of_complaints({**{m: 0 for m in SIX_MONTHS}, "2026-10": 1}))
    build(skm, "marts.metrics_rekomendasi")
    assert ("perhatian-keluhan", "perhatian") not in unit_rules(skm)
    assert rows(
        skm,
        "select nilai from marts.rekomendasi_unit_fakta where unit_slug = ? and period = '2026-10' "
        "and kriteria = 'tema_keluhan_naik'",
        [UNIT],
    ) == [(0.0,)]


def test_a_theme_rising_beyond_chance_asks_for_attention_with_its_test_as_evidence(skm):
    # 1 of 10 in each of six months, then 8 of 10: n = 14, p0 = 10 / 70 = 1/7;
    # mid-p = P(X >= 8) - 0.5·P(X = 8) = 0.0002316 - 0.5·0.0002068 = 0.0001283 (X ~ Binomial(14, 1/7));
    # only waktu can reach significance (Tarone m' = 1), 0.0001 <= 0.05 and 8 >= 3 -> rising
    given(skm, "staging.stg_skm", months_of_complaints({**{m: 1 for m in SIX_MONTHS}, "2026-10": 8}))
    build(skm, "marts.metrics_rekomendasi")
    assert ("perhatian-keluhan", "perhatian") in unit_rules(skm)
    bukti = rows(
        skm,
        "select bukti from marts.rekomendasi_unit where unit_slug = ? and period = '2026-10' "
        "and aturan = 'perhatian-keluhan'",
        [UNIT],
    )[0][0]
    assert bukti == (
        "Waktu tunggu dan penyelesaian 8 keluhan dari 10 responden (periode sebelumnya 6 dari 60; p = 0,0001)"
    )


# ---------------------------------------------------------------- once a year (PermenPANRB 14/2017)


def attendance_days(year: int, months) -> list[dict]:
    """One attendance day (the 10th, H) in each month: the office's data covers those months."""
    return [{"nip": NIP_A, "tanggal": f"{year}-{m:02d}-10", "status": "H"} for m in months]


def test_a_unit_with_no_survey_in_a_covered_year_is_flagged_at_december(skm):
    # attendance in all twelve months of 2026; Pager surveyed in March only, Bukit Sua never
    given(skm, "staging.stg_presensi_recap", attendance_days(2026, range(1, 13)))
    given(skm, "staging.stg_skm", [response(3, "2026-03-12") for _ in range(5)])
    build(skm, "marts.metrics_rekomendasi")
    assert unit_rules(skm, "2026-12", "kelurahan-bukit-sua") == [("perhatian-survei", "perhatian")]
    assert rows(
        skm, "select bukti from marts.rekomendasi_unit where unit_slug = 'kelurahan-bukit-sua' and period = '2026-12'"
    ) == [("tidak ada survei kepuasan masyarakat sepanjang 2026 (data kantor mencakup 12 bulan)",)]
    # a survey in March is enough for the year: no flag, no signal
    assert unit_rules(skm, "2026-12", UNIT) == []
    assert unit_rules(skm, "2026-10", UNIT) == []
    # the flag is raised at the year's last month only; before it, from October, a signal
    assert unit_rules(skm, "2026-11", "kelurahan-bukit-sua") == [("indikasi-survei", "indikasi")]
    assert unit_rules(skm, "2026-09", "kelurahan-bukit-sua") == []


def test_a_year_not_fully_covered_by_data_is_not_flagged_only_signalled(skm):
    # attendance from February only (the office started sending in February): 2026 is not covered
    given(skm, "staging.stg_presensi_recap", attendance_days(2026, range(2, 13)))
    build(skm, "marts.metrics_rekomendasi")
    assert rows(
        skm,
        "select months_with_data, year_covered, tidak_disurvei, belum_disurvei "
        "from marts.skm_survey_compliance where unit_slug = 'kelurahan-bukit-sua' "
        "and period = '2026-12'",
    ) == [(11, False, False, True)]
    assert unit_rules(skm, "2026-12", "kelurahan-bukit-sua") == [("indikasi-survei", "indikasi")]


def test_belum_disurvei_starts_in_october(skm):
    given(skm, "staging.stg_presensi_recap", attendance_days(2026, range(1, 11)))
    build(skm, "marts.metrics_rekomendasi")
    assert unit_rules(skm, "2026-09", "kelurahan-bukit-sua") == []
    assert unit_rules(skm, "2026-10", "kelurahan-bukit-sua") == [("indikasi-survei", "indikasi")]
    assert metric(skm, "rekomendasi/unit/kelurahan-bukit-sua/2026-10") == 0.0
    assert metric(skm, "rekomendasi_indikasi/unit/kelurahan-bukit-sua/2026-10") == 1.0


def test_a_unit_that_does_not_serve_the_public_is_never_checked(skm):
    # the kantor kecamatan serves through its PATEN counter (melayani = tidak in units.csv)
    given(skm, "staging.stg_presensi_recap", attendance_days(2026, range(1, 13)))
    build(skm, "marts.metrics_rekomendasi")
    assert rows(skm, "select count(*) from marts.skm_survey_compliance where unit_slug = ?", [OFFICE]) == [(0,)]
    assert rows(
        skm, "select count(*) from marts.rekomendasi_unit where period = '2026-12' and aturan = 'perhatian-survei'"
    ) == [(8,)]
