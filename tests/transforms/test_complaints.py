"""SKM complaints: theme classification of free text, counts per theme, rising themes.

Given stg_skm rows with a saran -> expected classification and counts, worked out by hand from the
keyword table data/reference/complaint_themes.csv (themes and the rising rule: docs/ikm.md).
"""

from __future__ import annotations

import math
import shutil

import pytest

from expectations.reference import load_reference_tables
from helpers import build, empty_staging, given, rows
from transforms.reference import DEFAULT_REFERENCE_DIR

UNIT = "kelurahan-pager"


def response(saran, tanggal="2026-10-05", unit=UNIT) -> dict:
    row = {
        "tanggal": tanggal,
        "waktu": f"{tanggal} 09:00",
        "unit_slug": unit,
        "jenis_layanan": "Pengantar KTP-el",
        "saran": saran,
    }
    row.update({f"u{k}": 3 for k in range(1, 10)})
    return row


@pytest.fixture
def skm(warehouse):
    empty_staging(warehouse)
    return warehouse


def with_parameters(tmp_path, **values: str):
    """A copy of data/reference/ whose ikm_parameters.csv sets each parameter to its value."""
    ref = tmp_path / "reference"
    if not ref.exists():
        shutil.copytree(DEFAULT_REFERENCE_DIR, ref)
    lines = (ref / "ikm_parameters.csv").read_text(encoding="utf-8").splitlines()
    out = [
        (f"{line.split(',', 1)[0]},{values[line.split(',', 1)[0]]},test" if line.split(",", 1)[0] in values else line)
        for line in lines
    ]
    (ref / "ikm_parameters.csv").write_text("\n".join(out) + "\n", encoding="utf-8")
    return ref


@pytest.fixture
def holm3(skm, tmp_path):
    """The rising test with a window of three periods, the exact tail P(X >= k) and Holm over all
    themes: the hand-worked cases below use these; the defaults are tested at the end."""
    load_reference_tables(
        skm, with_parameters(tmp_path, keluhan_periode_banding="3", keluhan_uji="eksak", keluhan_koreksi="holm")
    )
    return skm


def classify(con, *texts):
    given(con, "staging.stg_skm", [response(t) for t in texts])
    build(con, "marts.skm_complaints")
    return rows(con, "select saran, jenis_saran, tema from marts.skm_complaints order by _row")


@pytest.mark.parametrize(
    "saran,jenis,tema",
    [
        # informal words and spelling variants
        ("lama bgt", "keluhan", ["waktu"]),
        ("Pelayanan LAMA BGT!!!", "keluhan", ["waktu"]),  # case and punctuation do not matter
        ("antriannya panjang", "keluhan", ["waktu"]),  # antri* matches the start of a word
        ("nunggu berhari-hari", "keluhan", ["waktu"]),
        ("ribet", "keluhan", ["persyaratan"]),
        ("syaratnya banyak, harus bolak balik", "keluhan", ["persyaratan"]),
        ("ada calo", "keluhan", ["biaya"]),
        ("dimintai uang rokok", "keluhan", ["biaya"]),
        ("petugasnya jutek", "keluhan", ["perilaku"]),
        ("petugas main hp", "keluhan", ["perilaku"]),
        ("ruang tunggu panas, kipas mati", "keluhan", ["sarana"]),
        ("prosedurnya berbelit", "keluhan", ["prosedur"]),
        ("tolong dipasang papan info", "keluhan", ["informasi"]),
        ("nomor pengaduan tidak aktif", "keluhan", ["pengaduan"]),
        # several themes in one text
        ("antri lama, petugas kasar", "keluhan", ["perilaku", "waktu"]),
        # whole words only: 'lama' is not in 'pelamar', 'uang' not in 'ruang' — this is neutral text
        ("pelamar kerja minta surat di ruang depan", "netral", None),
        # negative-sounding text without a theme -> lainnya
        ("pelayanan kurang memuaskan", "keluhan", ["lainnya"]),
        ("pelayanan kurang baik", "keluhan", ["lainnya"]),  # 'baik' is praise, 'kurang' wins
        ("mohon diperbaiki", "keluhan", ["lainnya"]),
        # praise is not a complaint
        ("petugas ramah, terima kasih", "pujian", None),
        ("mantap, cepat selesai", "pujian", None),
        ("ok", "pujian", None),
        ("tidak ribet, terima kasih", "pujian", None),  # 'tidak ribet' says the opposite
        ("tidak perlu antri", "pujian", None),
        # no suggestion at all
        ("tidak ada", "kosong", None),
        ("Nihil", "kosong", None),
        ("-", "kosong", None),
    ],
)
def test_theme_classification(skm, saran, jenis, tema):
    assert classify(skm, saran) == [(saran, jenis, tema)]


def test_the_text_is_kept_exactly_as_written(skm):
    text = '<b>Petugas</b> "jutek" & lama\nbaris kedua'
    assert classify(skm, text) == [(text, "keluhan", ["perilaku", "waktu"])]


def test_responses_without_a_saran_are_not_complaints(skm):
    given(skm, "staging.stg_skm", [response(None), response("   ")])
    build(skm, "marts.skm_complaints")
    assert rows(skm, "select count(*) from marts.skm_complaints") == [(0,)]


def test_an_office_adds_a_keyword_and_the_classification_follows(skm, tmp_path):
    ref = tmp_path / "reference"
    shutil.copytree(DEFAULT_REFERENCE_DIR, ref)
    text = (ref / "complaint_themes.csv").read_text(encoding="utf-8")
    (ref / "complaint_themes.csv").write_text(text.replace("|ruang tunggu|", "|ruang tunggu|genset|"), encoding="utf-8")
    given(skm, "staging.stg_skm", [response("genset bising")])
    build(skm, "marts.skm_complaints")
    assert rows(skm, "select jenis_saran, tema from marts.skm_complaints") == [("netral", None)]
    load_reference_tables(skm, ref)
    build(skm, "marts.skm_complaints")
    assert rows(skm, "select jenis_saran, tema from marts.skm_complaints") == [("keluhan", ["sarana"])]


def test_counts_per_theme_and_unsur_per_unit_period(skm):
    # 2026-10: 'antri lama' (waktu), 'lama dan ribet' (waktu + persyaratan), 'terima kasih' (praise),
    # no saran -> waktu 2, persyaratan 1, others 0; unsur: U3 2, U1 1; complaints 2 of 4 respondents
    given(
        skm,
        "staging.stg_skm",
        [response("antri lama"), response("lama dan ribet"), response("terima kasih"), response(None)],
    )
    build(skm, "marts.metrics_skm")
    got = rows(
        skm,
        "select metric_id, value, label from marts.metrics_skm where period = '2026-10' "
        "and metric = 'keluhan' and scope like 'unit%' and value > 0 order by metric_id",
    )
    assert got == [
        (f"keluhan/unit-tema/{UNIT}:persyaratan/2026-10", 1.0, "Persyaratan"),
        (f"keluhan/unit-tema/{UNIT}:waktu/2026-10", 2.0, "Waktu tunggu dan penyelesaian"),
        (f"keluhan/unit-unsur/{UNIT}:u1/2026-10", 1.0, "Persyaratan"),
        (f"keluhan/unit-unsur/{UNIT}:u3/2026-10", 2.0, "Waktu penyelesaian"),
        (f"keluhan/unit/{UNIT}/2026-10", 2.0, "dari 4 responden"),
    ]
    assert rows(
        skm, "select value from marts.metrics_skm where metric_id = ?", [f"keluhan/unit-tema/{UNIT}:biaya/2026-10"]
    ) == [(0.0,)]
    assert rows(skm, "select value from marts.metrics_skm where metric_id = ?", [f"pujian/unit/{UNIT}/2026-10"]) == [
        (1.0,)
    ]


def surveyed_month(month: str, waktu: int, biaya: int, others: int = 1) -> list[dict]:
    """Responses of one month: `waktu` 'antri lama' complaints, `biaya` 'ada calo', `others` praise."""
    day = f"{month}-10"
    return (
        [response("antri lama", day) for _ in range(waktu)]
        + [response("ada calo", day) for _ in range(biaya)]
        + [response("terima kasih", day) for _ in range(others)]
    )


def binomial_tail(k: int, n: int, p0: float) -> float:
    """P(X >= k), X ~ Binomial(n, p0), by hand."""
    return sum(math.comb(n, x) * p0**x * (1 - p0) ** (n - x) for x in range(k, n + 1))


def waktu_in(con, period="2026-10"):
    return rows(
        con,
        "select keluhan, previous_keluhan, previous_respondents, expected_share, p_value, themes_tested, "
        "alpha_at_rank, is_rising from marts.skm_complaint_themes "
        "where scope = 'unit' and period = ? and tema = 'waktu'",
        [period],
    )[0]


def test_one_complaint_against_a_mean_of_zero_is_never_a_rise(holm3):
    skm = holm3
    # waktu Jul, Aug, Sep: 0 of 10 respondents each; Oct 1 of 10. Conditional on n = 1 + 0 = 1 the
    # October count is Binomial(1, p0 = 10 / 40 = 0.25): P(X >= 1) = 0.25, far above 0.05 / 9; and
    # 1 is below the minimum count of 3. (The old rule "more than the previous mean" called it a rise.)
    given(
        skm,
        "staging.stg_skm",
        surveyed_month("2026-07", 0, 0, 10)
        + surveyed_month("2026-08", 0, 0, 10)
        + surveyed_month("2026-09", 0, 0, 10)
        + surveyed_month("2026-10", 1, 0, 9),
    )
    build(skm, "marts.skm_complaint_themes")
    keluhan, prev, prev_resp, p0, p, m, alpha, rising = waktu_in(skm)
    assert (keluhan, prev, prev_resp, p0, m, rising) == (1, 0, 30, 0.25, 9, False)
    assert p == pytest.approx(0.25)


def test_a_theme_rises_when_its_count_is_beyond_chance_against_the_window(holm3):
    skm = holm3
    # waktu Jul, Aug, Sep: 1 of 10 each (K_prev = 3, 30 respondents); Oct 8 of 10.
    # n = 11, p0 = 10 / 40 = 0.25: P(X >= 8) = 165·.25^8·.75^3 + 55·.25^9·.75^2 + 11·.25^10·.75 + .25^11
    # = 0.0010622 + 0.0001180 + 0.0000079 + 0.0000002 = 0.0011883. Nine themes are tested; waktu has the
    # smallest p, so Holm compares it with 0.05 / 9 = 0.005556 -> rejected, 8 >= 3 -> rising.
    given(
        skm,
        "staging.stg_skm",
        surveyed_month("2026-07", 1, 0, 9)
        + surveyed_month("2026-08", 1, 0, 9)
        + surveyed_month("2026-09", 1, 0, 9)
        + surveyed_month("2026-10", 8, 0, 2),
    )
    build(skm, "marts.metrics_skm")
    keluhan, prev, prev_resp, p0, p, m, alpha, rising = waktu_in(skm)
    assert (keluhan, prev, prev_resp, p0, m, rising) == (8, 3, 30, 0.25, 9, True)
    assert p == pytest.approx(binomial_tail(8, 11, 0.25)) and p == pytest.approx(0.0011883, abs=1e-7)
    assert alpha == pytest.approx(0.05 / 9)
    assert rows(
        skm,
        "select metric_id, value, label from marts.metrics_skm where metric = 'keluhan_naik' "
        "and scope = 'unit-tema' and period = '2026-10'",
    ) == [
        (
            f"keluhan_naik/unit-tema/{UNIT}:waktu/2026-10",
            8.0,
            "Waktu tunggu dan penyelesaian: 8 keluhan dari 10 responden; 3 periode sebelumnya 3 keluhan dari "
            "30 responden (rata-rata 1,00); p = 0,0012, batas 0,0056",
        )
    ]


def test_twice_the_previous_mean_within_chance_is_not_a_rise(holm3):
    skm = holm3
    # waktu 2, 2, 2 of 10 respondents, then 4 of 10: n = 10, p0 = 0.25,
    # P(X >= 4) = 1 − (0.0563 + 0.1877 + 0.2816 + 0.2503) = 0.2241 -> not beyond chance
    given(
        skm,
        "staging.stg_skm",
        surveyed_month("2026-07", 2, 0, 8)
        + surveyed_month("2026-08", 2, 0, 8)
        + surveyed_month("2026-09", 2, 0, 8)
        + surveyed_month("2026-10", 4, 0, 6),
    )
    build(skm, "marts.skm_complaint_themes")
    keluhan, prev, prev_resp, p0, p, m, alpha, rising = waktu_in(skm)
    assert (keluhan, prev, rising) == (4, 6, False)
    assert p == pytest.approx(0.2241, abs=1e-4)


def test_more_complaints_from_a_larger_survey_are_not_a_rise(holm3):
    skm = holm3
    # waktu 1 of 10 in each of Jul-Sep; 8 of 40 in Oct: the rate per respondent went from 0.10 to
    # 0.20 on small counts. p0 = 40 / 70 = 4/7, n = 11: P(X >= 8) = 165·p0^8·q^3 + 55·p0^9·q^2 + 11·p0^10·q
    # + p0^11 (q = 3/7) = 0.1477 + 0.0657 + 0.0175 + 0.0021 = 0.2329
    given(
        skm,
        "staging.stg_skm",
        surveyed_month("2026-07", 1, 0, 9)
        + surveyed_month("2026-08", 1, 0, 9)
        + surveyed_month("2026-09", 1, 0, 9)
        + surveyed_month("2026-10", 8, 0, 32),
    )
    build(skm, "marts.skm_complaint_themes")
    keluhan, prev, prev_resp, p0, p, m, alpha, rising = waktu_in(skm)
    assert (keluhan, prev_resp, rising) == (8, 30, False)
    assert p0 == pytest.approx(4 / 7)
    assert p == pytest.approx(binomial_tail(8, 11, 4 / 7)) and p == pytest.approx(0.2329, abs=1e-4)


def test_the_correction_for_nine_themes_stops_a_rise_that_one_theme_alone_would_show(holm3, tmp_path):
    skm = holm3
    # waktu 1, 1, 1 of 10, then 5 of 10: n = 8, p0 = 0.25, P(X >= 5) = 0.023071 + 0.003845 + 0.000366
    # + 0.000015 = 0.027298: below 0.05 (no correction: rising) but above 0.05 / 9 (Holm: not rising)
    records = (
        surveyed_month("2026-07", 1, 0, 9)
        + surveyed_month("2026-08", 1, 0, 9)
        + surveyed_month("2026-09", 1, 0, 9)
        + surveyed_month("2026-10", 5, 0, 5)
    )
    given(skm, "staging.stg_skm", records)
    build(skm, "marts.skm_complaint_themes")
    keluhan, prev, prev_resp, p0, p, m, alpha, rising = waktu_in(skm)
    assert p == pytest.approx(0.027298, abs=1e-6) and rising is False
    load_reference_tables(skm, with_parameters(tmp_path, keluhan_koreksi="tanpa"))
    build(skm, "marts.skm_complaint_themes")
    assert waktu_in(skm)[-1] is True


def test_holm_steps_down_over_the_themes_of_one_unit_period(holm3):
    skm = holm3
    # waktu (8 of 10 after 1, 1, 1: p = 0.0011883) and biaya (5 of 10 after 1, 1, 1: p = 0.027298).
    # Holm, m = 9: waktu rank 1 vs 0.05/9 = 0.00556 -> rejected; biaya rank 2 vs 0.05/8 = 0.00625 -> not.
    given(
        skm,
        "staging.stg_skm",
        surveyed_month("2026-07", 1, 1, 8)
        + surveyed_month("2026-08", 1, 1, 8)
        + surveyed_month("2026-09", 1, 1, 8)
        + [response("antri lama, ada calo", "2026-10-10") for _ in range(5)]
        + surveyed_month("2026-10", 3, 0, 2),
    )
    build(skm, "marts.skm_complaint_themes")
    assert rows(
        skm,
        "select tema, keluhan, holm_rank, round(alpha_at_rank, 5), is_rising "
        "from marts.skm_complaint_themes where scope = 'unit' and period = '2026-10' "
        "and tema in ('waktu', 'biaya') order by tema",
    ) == [("biaya", 5, 2, 0.00625, False), ("waktu", 8, 1, 0.00556, True)]


def test_a_month_without_respondents_is_not_a_zero_so_no_trend_is_claimed(holm3):
    skm = holm3
    # Jul and Sep surveyed, Aug not: only 2 of the 3 previous months have respondents -> unknown
    given(
        skm,
        "staging.stg_skm",
        surveyed_month("2026-07", 0, 0) + surveyed_month("2026-09", 0, 0) + surveyed_month("2026-10", 3, 0),
    )
    build(skm, "marts.metrics_skm")
    assert rows(
        skm,
        "select keluhan, previous_periods, is_rising, rising_note from marts.skm_complaint_themes "
        "where scope = 'unit' and period = '2026-10' and tema = 'waktu'",
    ) == [(3, 2, None, "riwayat belum cukup: 2 dari 3 periode sebelumnya punya responden")]
    assert rows(skm, "select count(*) from marts.metrics_skm where metric = 'keluhan_naik'") == [(0,)]


def test_quarters_compare_with_the_previous_three_quarters(holm3):
    skm = holm3
    # waktu per quarter: 2025-Q4 0, 2026-Q1 0, 2026-Q2 0 (one respondent each), 2026-Q3 1 of 2:
    # Q3 has the full history of three quarters; 1 complaint against 0 is not a rise
    given(
        skm,
        "staging.stg_skm",
        surveyed_month("2025-11", 0, 0)
        + surveyed_month("2026-02", 0, 0)
        + surveyed_month("2026-05", 0, 0)
        + surveyed_month("2026-08", 1, 0),
    )
    build(skm, "marts.skm_complaint_themes")
    assert rows(
        skm,
        "select period, keluhan, previous_periods, previous_mean, is_rising "
        "from marts.skm_complaint_themes where scope = 'unit' and tema = 'waktu' "
        "and period_kind = 'quarter' order by period",
    ) == [
        ("2025-Q4", 0, 0, None, None),
        ("2026-Q1", 0, 1, 0.0, None),
        ("2026-Q2", 0, 2, 0.0, None),
        ("2026-Q3", 1, 3, 0.0, False),
    ]


def test_tarone_leaves_out_themes_that_cannot_reach_significance(holm3, tmp_path):
    # the 5-of-10 case (p = 0.027298): Holm over nine themes says no (0.05 / 9). Eight themes have no
    # complaint now or in the window (n = 0, smallest reachable p = 1); waktu can reach 0.25^8 =
    # 0.0000153. Tarone: m' = 1 (one theme can reach 0.05 / 1), so waktu is tested at 0.05 -> rising.
    skm = holm3
    given(
        skm,
        "staging.stg_skm",
        surveyed_month("2026-07", 1, 0, 9)
        + surveyed_month("2026-08", 1, 0, 9)
        + surveyed_month("2026-09", 1, 0, 9)
        + surveyed_month("2026-10", 5, 0, 5),
    )
    load_reference_tables(skm, with_parameters(tmp_path, keluhan_koreksi="tarone"))
    build(skm, "marts.skm_complaint_themes")
    assert rows(
        skm,
        "select themes_testable, round(min_p, 10), alpha_at_rank, is_rising from marts.skm_complaint_themes "
        "where scope = 'unit' and period = '2026-10' and tema = 'waktu'",
    ) == [(1, round(0.25**8, 10), 0.05, True)]
    assert rows(
        skm,
        "select count(*) from marts.skm_complaint_themes where scope = 'unit' and period = '2026-10' "
        "and tema <> 'waktu' and alpha_at_rank is null",
    ) == [(8,)]


def test_mid_p_counts_half_the_probability_of_the_observed_count(holm3, tmp_path):
    # 8 of 10 after 1, 1, 1: exact P(X >= 8) = 0.0011883; mid-p = P(X >= 8) - 0.5·P(X = 8)
    # = 0.0011883 - 0.5 · 0.0010622 = 0.0006572
    skm = holm3
    given(
        skm,
        "staging.stg_skm",
        surveyed_month("2026-07", 1, 0, 9)
        + surveyed_month("2026-08", 1, 0, 9)
        + surveyed_month("2026-09", 1, 0, 9)
        + surveyed_month("2026-10", 8, 0, 2),
    )
    load_reference_tables(skm, with_parameters(tmp_path, keluhan_uji="mid-p"))
    build(skm, "marts.skm_complaint_themes")
    exact_8 = math.comb(11, 8) * 0.25**8 * 0.75**3
    assert waktu_in(skm)[4] == pytest.approx(binomial_tail(8, 11, 0.25) - 0.5 * exact_8)
    assert waktu_in(skm)[4] == pytest.approx(0.0006572, abs=1e-7)


def test_with_the_defaults_six_months_are_compared_and_0_to_1_is_not_a_rise(skm):
    # defaults (ikm_parameters.csv, tuned by python -m flows.false_alarms): window 6, mid-p, Tarone
    months = [f"2026-{m:02d}" for m in range(4, 10)]
    history = [r for m in months for r in surveyed_month(m, 0, 0, 10)]
    given(skm, "staging.stg_skm", history + surveyed_month("2026-10", 1, 0, 9))
    build(skm, "marts.skm_complaint_themes")
    keluhan, prev, prev_resp, p0, p, m, alpha, rising = waktu_in(skm)
    # n = 1, p0 = 10 / 70: mid-p = 0.5 · 1/7 = 0.0714; 1 < 3 complaints -> never a rise
    assert (keluhan, prev, prev_resp, rising) == (1, 0, 60, False)
    assert p == pytest.approx(0.5 / 7)
