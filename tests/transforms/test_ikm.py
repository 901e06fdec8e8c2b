"""SKM marts: NRR, IKM, categories, weights, sample adequacy, interval, periods, metrics.

Given rows in staging.stg_skm / staging.stg_layanan -> expected rows, each worked out by hand.
Rules: PermenPANRB 14/2017 (NRR, IKM, interval table), Krejcie & Morgan (1970) (sample size).
docs/ikm.md explains them.
"""

from __future__ import annotations

import math
import shutil
from pathlib import Path

import pytest

from expectations.reference import load_reference_tables
from helpers import AS_OF, NIP_A, NIP_B, build, empty_staging, given, rows
from transforms.reference import DEFAULT_REFERENCE_DIR

UNIT = "kelurahan-pager"
OFFICE = "kecamatan-rakumpit"
MESSY = Path(__file__).resolve().parent.parent / "fixtures" / "messy"


def response(scores, tanggal="2026-10-05", unit=UNIT, **values) -> dict:
    """One stg_skm row with answers u1..u9 = scores."""
    row = {
        "tanggal": tanggal,
        "waktu": f"{tanggal} 09:00",
        "unit_slug": unit,
        "unit_layanan_as_written": unit,
        "jenis_layanan": "Surat Keterangan Domisili",
    }
    row.update({f"u{k + 1}": int(s) for k, s in enumerate(scores)})
    row.update(values)
    return row


def respondents_with_total(n: int, total: int, **values) -> list[dict]:
    """n respondents whose 9·n answers sum to `total` (the converted IKM depends only on total/n
    when every respondent answers all nine unsur and the weights are equal)."""
    base, extra = divmod(total, 9 * n)
    answers = [base + 1 if i < extra else base for i in range(9 * n)]
    return [response(answers[9 * i : 9 * i + 9], **values) for i in range(n)]


# the small unit: 4 respondents, worked out by hand below
SMALL_UNIT = [
    #  U1 U2 U3 U4 U5 U6 U7 U8 U9      sum
    [4, 4, 3, 4, 3, 3, 4, 2, 3],  # 30
    [3, 3, 3, 4, 3, 3, 3, 2, 3],  # 27
    [3, 2, 2, 4, 3, 4, 4, 1, 2],  # 25
    [2, 3, 2, 4, 3, 3, 3, 3, 3],  # 26
]


@pytest.fixture
def skm(warehouse):
    empty_staging(warehouse)
    return warehouse


def reference_copy(tmp_path, **replacements: str) -> Path:
    """A copy of data/reference/ with some tables replaced by the given CSV text."""
    ref = tmp_path / "reference"
    shutil.copytree(DEFAULT_REFERENCE_DIR, ref)
    for name, text in replacements.items():
        (ref / f"{name}.csv").write_text(text, encoding="utf-8")
    return ref


def with_parameter(tmp_path, parameter: str, value: str) -> Path:
    """A reference copy whose ikm_parameters.csv sets `parameter` to `value`."""
    lines = (DEFAULT_REFERENCE_DIR / "ikm_parameters.csv").read_text(encoding="utf-8").splitlines()
    out = [(f"{parameter},{value},test" if line.startswith(parameter + ",") else line) for line in lines]
    return reference_copy(tmp_path, ikm_parameters="\n".join(out) + "\n")


def unit_ikm(con, period="2026-10", scope="unit", scope_id=UNIT):
    return rows(
        con,
        "select respondents, ikm_converted::double, mutu, kinerja from marts.skm_ikm "
        "where scope = ? and scope_id = ? and period = ?",
        [scope, scope_id, period],
    )


# ---------------------------------------------------------------- NRR and IKM


def test_nrr_per_unsur_and_ikm_of_a_small_unit(skm):
    # NRR = sum / count per unsur:
    #   U1 (4+3+3+2)/4 = 3.00   U2 (4+3+2+3)/4 = 3.00   U3 (3+3+2+2)/4 = 2.50
    #   U4 16/4 = 4.00          U5 12/4 = 3.00          U6 13/4 = 3.25
    #   U7 14/4 = 3.50          U8 (2+2+1+3)/4 = 2.00   U9 11/4 = 2.75
    # IKM = Σ NRR × 1/9 = 27.00 / 9 = 3.0000; converted 3 × 25 = 75.00 -> C (65.00–76.60), Kurang Baik
    given(skm, "staging.stg_skm", [response(s) for s in SMALL_UNIT])
    build(skm, "marts.skm_ikm")
    assert rows(
        skm,
        "select unsur, answers, score_sum, nrr_4dp::double, nrr_mutu from marts.skm_unsur_scores "
        "where scope = 'unit' and period = '2026-10' order by unsur",
    ) == [
        ("U1", 4, 12, 3.0, "C"),
        ("U2", 4, 12, 3.0, "C"),
        ("U3", 4, 10, 2.5, "D"),
        ("U4", 4, 16, 4.0, "A"),
        ("U5", 4, 12, 3.0, "C"),
        ("U6", 4, 13, 3.25, "B"),
        ("U7", 4, 14, 3.5, "B"),
        ("U8", 4, 8, 2.0, "D"),
        ("U9", 4, 11, 2.75, "C"),
    ]
    assert rows(
        skm,
        "select respondents, weight_scheme, ikm_ni::double, ikm_converted::double, mutu, kinerja "
        "from marts.skm_ikm where scope = 'unit' and period = '2026-10'",
    ) == [(4, "exact", 3.0, 75.0, "C", "Kurang Baik")]


def test_priorities_are_the_lowest_unsur_and_every_unsur_below_3_0644(skm):
    # lowest NRR: U8 (2.00). In C or D (NRR < 3.0644), lowest first: U8 2.00, U3 2.50, U9 2.75,
    # then U1, U2, U5 at 3.00 (ties by code). U6 3.25 and U7 3.50 are B, U4 4.00 is A.
    given(skm, "staging.stg_skm", [response(s) for s in SMALL_UNIT])
    build(skm, "marts.skm_ikm")
    assert rows(
        skm,
        "select lowest_unsur, lowest_nrr::double, priority_unsur, attention_unsur from marts.skm_ikm "
        "where scope = 'unit' and period = '2026-10'",
    ) == [("U8", 2.0, "U8, U3, U9, U1, U2, U5", "U8, U3, U9, U1, U2, U5")]


def test_an_unsur_is_graded_on_its_converted_nrr_like_the_ikm(skm):
    # one basis for unsur and IKM: NRR × 25 rounded half-up to two decimals, the converted column
    # unit a: U1 = (4 + 15·3)/16 = 49/16 = 3.0625 -> 76.5625 -> 76.56 -> C
    # unit b: U1 = (4 + 14·3)/15 = 46/15 = 3.0667 -> 76.6667 -> 76.67 -> B
    given(
        skm,
        "staging.stg_skm",
        [response([4] + [3] * 8, unit="a")]
        + [response([3] * 9, unit="a") for _ in range(15)]
        + [response([4] + [3] * 8, unit="b")]
        + [response([3] * 9, unit="b") for _ in range(14)],
    )
    build(skm, "marts.skm_unsur_scores")
    assert rows(
        skm,
        "select scope_id, nrr_4dp::double, nrr_converted::double, nrr_mutu, nrr_perlu_perhatian "
        "from marts.skm_unsur_scores "
        "where scope = 'unit' and period = '2026-10' and unsur = 'U1' order by scope_id",
    ) == [("a", 3.0625, 76.56, "C", True), ("b", 3.0667, 76.67, "B", False)]


def test_11_all_4_and_160_all_3_give_one_grade_b_to_the_ikm_and_every_unsur(skm):
    # every unsur: (11·4 + 160·3)/171 = 524/171 = 3.064327 (NRR 3.0643, in the gap of the 1–4 column);
    # × 25 = 13100/171 = 76.608 -> 76.61 -> B. IKM = the same 524/171 -> 76.61 B. No unsur needs attention.
    given(skm, "staging.stg_skm", [response([4] * 9) for _ in range(11)] + [response([3] * 9) for _ in range(160)])
    build(skm, "marts.skm_ikm")
    assert rows(
        skm,
        "select distinct nrr_4dp::double, nrr_converted::double, nrr_mutu, nrr_perlu_perhatian "
        "from marts.skm_unsur_scores where scope = 'unit' and period = '2026-10'",
    ) == [(3.0643, 76.61, "B", False)]
    assert unit_ikm(skm) == [(171, 76.61, "B", "Baik")]
    assert rows(skm, "select attention_unsur from marts.skm_ikm where scope = 'unit' and period = '2026-10'") == [
        (None,)
    ]


@pytest.mark.parametrize(
    "n,total,converted,mutu,kinerja",
    [
        (38, 889, 64.99, "D", "Tidak Baik"),  # 25·889/(9·38) = 22225/342 = 64.98538.. -> 64.99
        (5, 117, 65.00, "C", "Kurang Baik"),  # 25·117/45 = 65 exactly
        (26, 717, 76.60, "C", "Kurang Baik"),  # 25·717/234 = 17925/234 = 76.60256.. -> 76.60
        (19, 524, 76.61, "B", "Baik"),  # 25·524/171 = 13100/171 = 76.60818.. -> 76.61
        (19, 604, 88.30, "B", "Baik"),  # 25·604/171 = 15100/171 = 88.30409.. -> 88.30
        (24, 763, 88.31, "A", "Sangat Baik"),  # 25·763/216 = 19075/216 = 88.31018.. -> 88.31
    ],
)
def test_category_boundaries_on_the_rounded_converted_ikm(skm, n, total, converted, mutu, kinerja):
    given(skm, "staging.stg_skm", respondents_with_total(n, total))
    build(skm, "marts.skm_ikm")
    assert unit_ikm(skm) == [(n, converted, mutu, kinerja)]


def test_exactly_half_a_hundredth_rounds_up(skm):
    # 8 respondents, answers summing 225: IKM = 225 / 72 = 3.125, converted 78.125 -> 78.13 (half-up;
    # half-to-even would give 78.12)
    given(skm, "staging.stg_skm", respondents_with_total(8, 225))
    build(skm, "marts.skm_ikm")
    assert unit_ikm(skm) == [(8, 78.13, "B", "Baik")]


def test_rounded_weight_0111_rounds_in_exact_decimals_not_binary_floating_point(skm, tmp_path):
    # 5 respondents, answers summing 139: Σ NRR = 139/5 = 27.8; IKM = 0.111 × 27.8 = 3.0858;
    # converted 77.145 exactly -> 77.15. Binary floating point cannot hold 77.145 (the nearest double
    # is 77.144999999999996..), so a float computation rounds it down:
    assert round(77.145, 2) == 77.14
    given(skm, "staging.stg_skm", respondents_with_total(5, 139))
    load_reference_tables(skm, with_parameter(tmp_path, "skema_bobot", "rounded_0111"))
    build(skm, "marts.skm_ikm")
    assert unit_ikm(skm) == [(5, 77.15, "B", "Baik")]


@pytest.mark.parametrize(
    "scheme,converted,mutu",
    [
        ("exact", 75.00, "C"),  # 27 × 1/9 × 25 = 75.00
        ("rounded_0111", 74.93, "C"),  # 27 × 0.111 = 2.997 × 25 = 74.925 -> 74.93
        ("rounded_011", 74.25, "C"),  # 27 × 0.11 = 2.97 × 25 = 74.25
    ],
)
def test_the_three_weightings_give_an_old_reports_numbers(skm, tmp_path, scheme, converted, mutu):
    given(skm, "staging.stg_skm", [response(s) for s in SMALL_UNIT])
    load_reference_tables(skm, with_parameter(tmp_path, "skema_bobot", scheme))
    build(skm, "marts.skm_ikm")
    assert rows(
        skm,
        "select weight_scheme, ikm_converted::double, mutu from marts.skm_ikm "
        "where scope = 'unit' and period = '2026-10'",
    ) == [(scheme, converted, mutu)]


def test_a_weight_scheme_the_table_does_not_define_stops_with_a_message(skm, tmp_path):
    given(skm, "staging.stg_skm", [response(s) for s in SMALL_UNIT])
    load_reference_tables(skm, with_parameter(tmp_path, "skema_bobot", "bulat"))
    with pytest.raises(Exception, match="skema_bobot tidak punya bobot"):
        build(skm, "marts.skm_ikm")


def test_editing_the_weights_or_a_category_bound_changes_the_result(skm, tmp_path):
    given(skm, "staging.stg_skm", [response(s) for s in SMALL_UNIT])
    # an office weighting U8 (complaint handling) double in its own scheme: weights 1/10 ×8, U8 2/10
    # IKM = (3 + 3 + 2.5 + 4 + 3 + 3.25 + 3.5 + 2.75) / 10 + 2 × 2.0 / 10 = 2.5 + 0.4 = 2.9 -> 72.50 (C)
    weights = (DEFAULT_REFERENCE_DIR / "ikm_weights.csv").read_text(encoding="utf-8")
    weights += "".join(f"kantor,U{k},{2 if k == 8 else 1},10,test\n" for k in range(1, 10))
    params = (
        (DEFAULT_REFERENCE_DIR / "ikm_parameters.csv")
        .read_text(encoding="utf-8")
        .replace("skema_bobot,exact,", "skema_bobot,kantor,")
    )
    # ... and moving the B lower bound down to 72.50 makes 72.50 a B
    categories = (
        (DEFAULT_REFERENCE_DIR / "ikm_categories.csv")
        .read_text(encoding="utf-8")
        .replace("B,Baik,3,3.0644,3.532,76.61,", "B,Baik,3,2.90,3.532,72.50,")
        .replace("C,Kurang Baik,2,2.60,3.064,65.00,76.60,", "C,Kurang Baik,2,2.60,2.8996,65.00,72.49,")
    )
    load_reference_tables(
        skm, reference_copy(tmp_path, ikm_weights=weights, ikm_parameters=params, ikm_categories=categories)
    )
    build(skm, "marts.skm_ikm")
    assert unit_ikm(skm) == [(4, 72.5, "B", "Baik")]


def test_one_respondent_is_its_own_ikm_and_has_no_interval(skm):
    # NRR = the answers; IKM = (4+4+4+4+4+4+4+3+4)/9 = 35/9 = 3.8889; × 25 = 97.2222 -> 97.22 A
    given(skm, "staging.stg_skm", [response([4, 4, 4, 4, 4, 4, 4, 3, 4])])
    build(skm, "marts.skm_ikm_precision")
    assert unit_ikm(skm) == [(1, 97.22, "A", "Sangat Baik")]
    assert rows(
        skm,
        "select ikm_moe, ikm_ci_low, ikm_ci_high, interval_note from marts.skm_ikm_precision "
        "where scope = 'unit' and period = '2026-10'",
    ) == [(None, None, None, "satu responden: interval tidak dapat dihitung")]


def test_u8_and_u9_land_right_whatever_the_column_order_and_labels_count(warehouse):
    # fixture: form_google.csv (Pager) puts "Sarana dan Prasarana" (U9) before "Penanganan Pengaduan"
    # (U8): row 1 U9 'Sangat baik' = 4, U8 'Ada tetapi tidak berfungsi' = 2; row 2 U9 3, U8 1
    #   -> NRR U8 = (2+1)/2 = 1.5, U9 = (4+3)/2 = 3.5.
    # survei_label.csv (PATEN): U3 ' kurang  CEPAT ' = 2 and 2 -> NRR U3 = 2.0; U1 'Sangat sesuai' 4, 4 -> 4.0
    from expectations.validate import validate_warehouse
    from transforms.ingest import ingest_inbox

    ingest_inbox(warehouse, MESSY / "skm_labels_u8u9")
    validate_warehouse(warehouse, AS_OF)
    build(warehouse, "marts.metrics_skm")
    assert rows(
        warehouse,
        "select scope_id, value from marts.metrics_skm where metric = 'nrr' and period = '2026-10' "
        "and scope_id in ('kelurahan-pager:u8', 'kelurahan-pager:u9', 'paten-rakumpit:u3', "
        "'paten-rakumpit:u1') order by scope_id",
    ) == [
        ("kelurahan-pager:u8", 1.5),
        ("kelurahan-pager:u9", 3.5),
        ("paten-rakumpit:u1", 4.0),
        ("paten-rakumpit:u3", 2.0),
    ]


# ---------------------------------------------------------------- periods


def test_quarter_semester_and_year_pool_their_respondents(skm):
    # Jul: 2 respondents all 4; Aug: 1 all 2; Sep: 1 all 3.
    # months: 100.00, 50.00, 75.00. Q3 pools: (2·36 + 18 + 27) / (4·9) = 117/36 = 3.25 -> 81.25
    # (the mean of the monthly IKM would be 75.00). S2 and 2026 hold the same four respondents.
    given(
        skm,
        "staging.stg_skm",
        [
            response([4] * 9, tanggal="2026-07-03"),
            response([4] * 9, tanggal="2026-07-20"),
            response([2] * 9, tanggal="2026-08-11"),
            response([3] * 9, tanggal="2026-09-30"),
        ],
    )
    build(skm, "marts.skm_ikm")
    assert rows(
        skm,
        "select period, period_kind, respondents, ikm_converted::double from marts.skm_ikm "
        "where scope = 'unit' order by period_kind, period",
    ) == [
        ("2026-07", "month", 2, 100.0),
        ("2026-08", "month", 1, 50.0),
        ("2026-09", "month", 1, 75.0),
        ("2026-Q3", "quarter", 4, 81.25),
        ("2026-S2", "semester", 4, 81.25),
        ("2026", "year", 4, 81.25),
    ]


def test_population_of_a_quarter_is_the_sum_of_its_months_and_unknown_when_a_month_is_missing(skm):
    given(
        skm,
        "staging.stg_skm",
        [
            response([3] * 9, tanggal="2026-07-03"),
            response([3] * 9, tanggal="2026-08-11"),
            response([3] * 9, tanggal="2026-09-30"),
        ],
    )
    given(
        skm,
        "staging.stg_layanan",
        [
            {"unit_slug": UNIT, "periode": "2026-07", "jumlah_layanan": 40},
            {"unit_slug": UNIT, "periode": "2026-08", "jumlah_layanan": 30},
            {"unit_slug": UNIT, "periode": "2026-09", "jumlah_layanan": 30},
        ],
    )
    build(skm, "marts.skm_ikm_precision")
    # Q3: N = 40 + 30 + 30 = 100 -> Krejcie & Morgan 80; S2 has only 3 of its 6 months -> unknown
    assert rows(
        skm,
        "select period, population, min_sample, population_note from marts.skm_ikm_precision "
        "where scope = 'unit' and period in ('2026-07', '2026-Q3', '2026-S2') order by period",
    ) == [
        ("2026-07", 40, 36, "jumlah layanan 2026-07: 40 orang"),
        ("2026-Q3", 100, 80, "jumlah layanan 2026-Q3: 100 orang"),
        ("2026-S2", None, None, "populasi tidak diketahui: data layanan hanya mencakup 3 dari 6 bulan"),
    ]


def test_a_quarterly_service_count_serves_the_quarter_but_not_its_months(skm):
    given(skm, "staging.stg_skm", [response([3] * 9, tanggal="2026-07-03")])
    given(skm, "staging.stg_layanan", [{"unit_slug": UNIT, "periode": "2026-Q3", "jumlah_layanan": 100}])
    build(skm, "marts.skm_ikm_precision")
    assert rows(
        skm,
        "select period, population, min_sample, population_note from marts.skm_ikm_precision "
        "where scope = 'unit' and period in ('2026-07', '2026-Q3') order by period",
    ) == [
        (
            "2026-07",
            None,
            None,
            "populasi tidak diketahui: data layanan hanya tersedia untuk periode yang lebih panjang dari 2026-07",
        ),
        ("2026-Q3", 100, 80, "jumlah layanan 2026-Q3: 100 orang"),
    ]


def test_months_counted_twice_leave_the_population_unknown(skm):
    given(skm, "staging.stg_skm", [response([3] * 9, tanggal="2026-07-03")])
    given(
        skm,
        "staging.stg_layanan",
        [
            {"unit_slug": UNIT, "periode": "2026-07", "jumlah_layanan": 40},
            {"unit_slug": UNIT, "periode": "2026-08", "jumlah_layanan": 30},
            {"unit_slug": UNIT, "periode": "2026-09", "jumlah_layanan": 30},
            {"unit_slug": UNIT, "periode": "2026-Q3", "jumlah_layanan": 100},
        ],
    )
    build(skm, "marts.skm_ikm_precision")
    assert rows(
        skm,
        "select population, population_note from marts.skm_ikm_precision where scope = 'unit' and period = '2026-Q3'",
    ) == [(None, "populasi tidak diketahui: data layanan tumpang tindih (bulan yang sama dilaporkan dua kali)")]


# ---------------------------------------------------------------- sample adequacy (Krejcie & Morgan)

KREJCIE_MORGAN_TABLE_1 = [  # Krejcie & Morgan (1970), Table 1: (N, S), as printed
    (10, 10),
    (15, 14),
    (20, 19),
    (25, 24),
    (30, 28),
    (35, 32),
    (40, 36),
    (45, 40),
    (50, 44),
    (55, 48),
    (60, 52),
    (65, 56),
    (70, 59),
    (75, 63),
    (80, 66),
    (85, 70),
    (90, 73),
    (95, 76),
    (100, 80),
    (110, 86),
    (120, 92),
    (130, 97),
    (140, 103),
    (150, 108),
    (160, 113),
    (170, 118),
    (180, 123),
    (190, 127),
    (200, 132),
    (210, 136),
    (220, 140),
    (230, 144),
    (240, 148),
    (250, 152),
    (260, 155),
    (270, 159),
    (280, 162),
    (290, 165),
    (300, 169),
    (320, 175),
    (340, 181),
    (360, 186),
    (380, 191),
    (400, 196),
    (420, 201),
    (440, 205),
    (460, 210),
    (480, 214),
    (500, 217),
    (550, 226),
    (600, 234),
    (650, 242),
    (700, 248),
    (750, 254),
    (800, 260),
    (850, 265),
    (900, 269),
    (950, 274),
    (1000, 278),
    (1100, 285),
    (1200, 291),
    (1300, 297),
    (1400, 302),
    (1500, 306),
    (1600, 310),
    (1700, 313),
    (1800, 317),
    (1900, 320),
    (2000, 322),
    (2200, 327),
    (2400, 331),
    (2600, 335),
    (2800, 338),
    (3000, 341),
    (3500, 346),
    (4000, 351),
    (4500, 354),
    (5000, 357),
    (6000, 361),
    (7000, 364),
    (8000, 367),
    (9000, 368),
    (10000, 370),
    (15000, 375),
    (20000, 377),
    (30000, 379),
    (40000, 380),
    (50000, 381),
    (75000, 382),
    (1000000, 384),
]


def km_minimum(con, population):
    given(con, "staging.stg_skm", [response([3] * 9)])
    given(con, "staging.stg_layanan", [{"unit_slug": UNIT, "periode": "2026-10", "jumlah_layanan": population}])
    build(con, "marts.skm_ikm_precision")
    return rows(
        con,
        "select min_sample, min_sample_basis from marts.skm_ikm_precision where scope = 'unit' and period = '2026-10'",
    )


def test_the_reference_table_is_krejcie_and_morgan_table_1_as_printed(warehouse):
    assert (
        rows(warehouse, "select populasi::bigint, sampel::bigint from ref.krejcie_morgan order by populasi::bigint")
        == KREJCIE_MORGAN_TABLE_1
    )


@pytest.mark.parametrize("population,minimum", KREJCIE_MORGAN_TABLE_1)
def test_krejcie_morgan_minimum_at_every_entry_of_the_published_table(skm, population, minimum):
    assert km_minimum(skm, population) == [(minimum, "tabel")]


@pytest.mark.parametrize(
    "population,minimum",
    [
        (100000, 384),  # between 75,000 (382) and 1,000,000 (384): the next row up; the formula gives 383.16 -> 383
        (307, 175),  # between 300 (169) and 320 (175): the row up, not the formula's 170.9 -> 171
        (11, 14),  # between 10 and 15
        (76000, 384),
    ],
)
def test_between_two_entries_the_next_row_up_of_the_table(skm, population, minimum):
    assert km_minimum(skm, population) == [(minimum, "tabel")]


@pytest.mark.parametrize(
    "population,minimum",
    [
        (5, 5),  # below the table: 3.841·5·0.25 / (0.0025·4 + 0.96025) = 4.80125 / 0.97025 = 4.95 -> 5
        (2000000, 384),  # beyond it: 1920500 / (0.0025·1999999 + 0.96025) = 1920500 / 5000.958 = 384.03 -> 384
    ],
)
def test_beyond_the_table_the_formula(skm, population, minimum):
    assert km_minimum(skm, population) == [(minimum, "rumus")]


def test_without_service_counts_the_minimum_sample_is_said_to_be_unknown(skm):
    given(skm, "staging.stg_skm", [response(s) for s in SMALL_UNIT])
    build(skm, "marts.metrics_skm")
    assert rows(
        skm,
        "select metric, value, label from marts.metrics_skm where scope = 'unit' "
        "and period = '2026-10' and metric in ('populasi', 'min_sample', 'sampel_cukup') "
        "order by metric",
    ) == [
        ("min_sample", None, "populasi tidak diketahui: tidak ada data layanan untuk 2026-10"),
        ("populasi", None, "populasi tidak diketahui: tidak ada data layanan untuk 2026-10"),
        ("sampel_cukup", None, "populasi tidak diketahui: tidak ada data layanan untuk 2026-10"),
    ]


def test_sample_adequacy_compares_respondents_with_the_minimum(skm):
    # N = 4 -> 3.841·4·0.25 / (0.0025·3 + 0.96025) = 3.841 / 0.96775 = 3.97 -> 4; 4 respondents reach it
    given(skm, "staging.stg_skm", [response(s) for s in SMALL_UNIT])
    given(skm, "staging.stg_layanan", [{"unit_slug": UNIT, "periode": "2026-10", "jumlah_layanan": 4}])
    build(skm, "marts.skm_ikm_precision")
    assert rows(
        skm,
        "select min_sample, sample_adequate, sample_note, fpc, ikm_moe from marts.skm_ikm_precision "
        "where scope = 'unit' and period = '2026-10'",
    ) == [(4, True, "sampel memadai: 4 responden, minimal 4 untuk populasi 4", 0.0, 0.0)]


# ---------------------------------------------------------------- interval and change


def test_interval_of_the_small_unit_with_and_without_finite_population_correction(skm):
    # per-respondent weighted scores y = sum/9: 30/9, 27/9, 25/9, 26/9; mean 3.0 (= IKM)
    # deviations 3/9, 0, -2/9, -1/9 -> Σ squares 14/81; sd = √(14/81 / 3) = √0.0576132 = 0.240027
    # margin = 1.96 × 25 × 0.240027 / √4 = 5.8807 -> 75.00 ± 5.88 = 69.12 .. 80.88
    # with N = 10: FPC = √((10 − 4)/(10 − 1)) = 0.816497 -> margin 5.880671 × 0.816497 = 4.8015 -> 70.20 .. 79.80
    given(
        skm,
        "staging.stg_skm",
        [response(s) for s in SMALL_UNIT] + [response(s, unit="kelurahan-sua") for s in SMALL_UNIT],
    )
    given(skm, "staging.stg_layanan", [{"unit_slug": "kelurahan-sua", "periode": "2026-10", "jumlah_layanan": 10}])
    build(skm, "marts.skm_ikm_precision")
    got = rows(
        skm,
        "select scope_id, score_sd, fpc, ikm_moe, ikm_ci_low, ikm_ci_high, interval_note "
        "from marts.skm_ikm_precision where scope = 'unit' and period = '2026-10' order by scope_id",
    )
    assert [(g[0], round(g[1], 6), round(g[2], 6), round(g[3], 4), g[4], g[5], g[6]) for g in got] == [
        (
            "kelurahan-pager",
            0.240027,
            1.0,
            5.8807,
            69.12,
            80.88,
            "interval 95 % analitik tanpa koreksi populasi (N tidak diketahui)",
        ),
        (
            "kelurahan-sua",
            0.240027,
            0.816497,
            4.8015,
            70.2,
            79.8,
            "interval 95 % analitik dengan koreksi populasi terbatas (N = 10)",
        ),
    ]


def test_a_change_within_the_uncertainty_is_flagged_and_a_larger_one_is_not(skm):
    # unit a, Sep: y = 3,3,3,4 -> 81.25, sd 0.5, margin 1.96·25·0.5/2 = 12.25
    #         Oct: y = 3,3,4,4 -> 87.50, sd √(1/3) = 0.57735, margin 1.96·25·0.57735/2 = 14.1451
    #   change +6.25, margin of the difference √(12.25² + 14.1451²) = 18.71 -> within (1)
    # unit b, Sep: five 2s, five 3s -> 62.50, sd √(2.5/9) = 0.52705, margin 1.96·25·0.52705/√10 = 8.1667
    #         Oct: ten 4s -> 100.00, sd 0, margin 0 -> change +37.50 > 8.17 -> beyond (0)
    sep, oct_ = "2026-09-15", "2026-10-15"
    given(
        skm,
        "staging.stg_skm",
        [response([y] * 9, tanggal=sep, unit="a") for y in (3, 3, 3, 4)]
        + [response([y] * 9, tanggal=oct_, unit="a") for y in (3, 3, 4, 4)]
        + [response([y] * 9, tanggal=sep, unit="b") for y in (2,) * 5 + (3,) * 5]
        + [response([4] * 9, tanggal=oct_, unit="b") for _ in range(10)],
    )
    build(skm, "marts.metrics_skm")
    got = rows(
        skm,
        "select scope_id, previous_period, ikm_change::double, round(change_moe, 2), "
        "change_within_uncertainty, change_note from marts.skm_ikm_precision "
        "where scope = 'unit' and period = '2026-10' order by scope_id",
    )
    assert got == [
        (
            "a",
            "2026-09",
            6.25,
            18.71,
            True,
            "perubahan +6,25 poin dari 2026-09 masih dalam batas ketidakpastian (±18,71)",
        ),
        ("b", "2026-09", 37.5, 8.17, False, "perubahan +37,50 poin dari 2026-09 melebihi batas ketidakpastian (±8,17)"),
    ]
    assert rows(
        skm,
        "select scope_id, value from marts.metrics_skm "
        "where metric = 'ikm_perubahan_dalam_ketidakpastian' and scope = 'unit' "
        "and period = '2026-10' order by 1",
    ) == [("a", 1.0), ("b", 0.0)]


# ---------------------------------------------------------------- scopes and metrics


def test_office_service_type_and_officer_scopes(skm):
    # Pager: the small unit (75.00); Bukit Sua: one respondent all 4 (100.00), served by NIP_A.
    # office pools 5 respondents: (108 + 36) / 45 = 3.2 -> 80.00 B.
    # Pager's first two respondents were served by NIP_A: (30 + 27)/18 = 3.1667 -> 79.17;
    # NIP_A overall: (30 + 27 + 36) / 27 = 3.4444 -> 86.11 B.
    records = [
        response(
            s,
            nip_petugas=NIP_A if i < 2 else None,
            jenis_layanan="Surat Keterangan Domisili" if i % 2 == 0 else "Pengantar KTP-el",
        )
        for i, s in enumerate(SMALL_UNIT)
    ]
    records.append(response([4] * 9, unit="kelurahan-bukit-sua", nip_petugas=NIP_A))
    given(skm, "staging.stg_skm", records)
    build(skm, "marts.metrics_skm")
    # layanan: Domisili = respondents 1 and 3: (30 + 25)/18 = 3.0556 -> 76.39 C;
    #          KTP-el = respondents 2 and 4: (27 + 26)/18 = 2.9444 -> 73.61 C
    assert rows(
        skm,
        "select metric_id, value, label from marts.metrics_skm where metric = 'ikm' "
        "and period = '2026-10' order by metric_id",
    ) == [
        ("ikm/layanan/kelurahan-bukit-sua:surat-keterangan-domisili/2026-10", 100.0, "A"),
        ("ikm/layanan/kelurahan-pager:pengantar-ktp-el/2026-10", 73.61, "C"),
        ("ikm/layanan/kelurahan-pager:surat-keterangan-domisili/2026-10", 76.39, "C"),
        ("ikm/office/kecamatan-rakumpit/2026-10", 80.0, "B"),
        (f"ikm/petugas/{NIP_A}/2026-10", 86.11, "B"),
        ("ikm/unit/kelurahan-bukit-sua/2026-10", 100.0, "A"),
        ("ikm/unit/kelurahan-pager/2026-10", 75.0, "C"),
    ]
    # the officer served 2 respondents in Pager and 1 in Bukit Sua: its unit is Pager
    assert rows(skm, "select unit_slug from marts.skm_ikm where scope = 'petugas' and period = '2026-10'") == [(UNIT,)]


def test_metrics_of_a_unit(skm):
    given(skm, "staging.stg_skm", [response(s) for s in SMALL_UNIT])
    build(skm, "marts.metrics_skm")
    got = dict(
        (r[0], r[1:])
        for r in rows(
            skm, "select metric_id, value, label, unit from marts.metrics_skm where scope in ('unit', 'unit-unsur')"
        )
    )
    assert got[f"ikm/unit/{UNIT}/2026-10"] == (75.0, "C", "poin")
    assert got[f"ikm_kinerja/unit/{UNIT}/2026-10"] == (2.0, "Kurang Baik", "peringkat")
    assert got[f"ikm_ni/unit/{UNIT}/2026-10"] == (3.0, "skema bobot exact", "poin")
    assert got[f"responden/unit/{UNIT}/2026-10"] == (4.0, None, "orang")
    assert got[f"nrr/unit-unsur/{UNIT}:u3/2026-10"] == (2.5, "D", "poin")
    assert got[f"nrr/unit-unsur/{UNIT}:u7/2026-10"] == (3.5, "B", "poin")
    assert got[f"prioritas_perbaikan/unit-unsur/{UNIT}:u8/2026-10"] == (
        1.0,
        "Penanganan pengaduan, saran dan masukan: NRR terendah; mutu D (Tidak Baik)",
        "peringkat",
    )
    assert got[f"prioritas_perbaikan/unit-unsur/{UNIT}:u9/2026-10"] == (
        3.0,
        "Sarana dan prasarana: mutu C (Kurang Baik)",
        "peringkat",
    )
    assert f"prioritas_perbaikan/unit-unsur/{UNIT}:u6/2026-10" not in got  # B: not a priority
    assert got[f"ikm_ci_low/unit/{UNIT}/2026-10"][0] == 69.12
    assert got[f"ikm_ci_high/unit/{UNIT}/2026-10"][0] == 80.88


def test_metrics_pass_the_output_suite_with_unique_ids(skm):
    from expectations.validate import validate_metrics

    given(
        skm,
        "staging.stg_skm",
        [response(s, nip_petugas=NIP_B, saran="antri lama bgt") for s in SMALL_UNIT]
        + [response([4] * 9, tanggal="2026-09-10", saran="petugas ramah, terima kasih")],
    )
    given(skm, "staging.stg_layanan", [{"unit_slug": UNIT, "periode": "2026-10", "jumlah_layanan": 30}])
    build(skm, "marts.metrics_skm")
    skm.execute("""create temp table cand as select *, count(*) over (partition by metric_id) as copies,
                   0 as _file_id, row_number() over (order by metric_id) as _row
                   from marts.metrics_skm where period = '2026-10'""")
    assert rows(skm, "select max(copies) from cand") == [(1,)]
    assert validate_metrics(skm, "cand", [UNIT]) == []


def test_respondent_profile_bands_ages_and_maps_what_forms_write(skm):
    given(
        skm,
        "staging.stg_skm",
        [
            response([3] * 9, usia=19, jenis_kelamin="L", pendidikan="SLTA", pekerjaan="Petani"),
            response([3] * 9, usia=20, jenis_kelamin="Perempuan", pendidikan="S1", pekerjaan="nelayan"),
            response([3] * 9, usia=60, jenis_kelamin="p", pendidikan=None, pekerjaan="Ojek"),
            response([3] * 9, usia=None, jenis_kelamin="laki-laki", pendidikan="SMA", pekerjaan="petani"),
        ],
    )
    build(skm, "marts.skm_respondent_profile")
    assert rows(
        skm,
        "select dimensi, kategori, kategori_label, respondents, share_pct "
        "from marts.skm_respondent_profile where scope = 'unit' and period = '2026-10' "
        "order by dimensi, urutan, kategori",
    ) == [
        ("jenis_kelamin", "l", "Laki-laki", 2, 50.0),
        ("jenis_kelamin", "p", "Perempuan", 2, 50.0),
        ("pekerjaan", "petani", "Petani/nelayan", 3, 75.0),
        ("pekerjaan", "ojek", "Ojek", 1, 25.0),  # unknown to the table: kept as written
        ("pendidikan", "sma", "SMA", 2, 50.0),
        ("pendidikan", "s1", "D4/S1", 1, 25.0),
        ("pendidikan", "tidak-diisi", "Tidak diisi", 1, 25.0),
        ("usia", "kurang-20", "< 20 tahun", 1, 25.0),
        ("usia", "20-29", "20-29 tahun", 1, 25.0),
        ("usia", "60-plus", "60 tahun ke atas", 1, 25.0),
        ("usia", "tidak-diisi", "Tidak diisi", 1, 25.0),
    ]


def test_same_inputs_give_identical_metrics(skm):
    given(skm, "staging.stg_skm", [response(s, saran="ribet") for s in SMALL_UNIT])
    build(skm, "marts.metrics_skm")
    first = rows(skm, "select * from marts.metrics_skm order by metric_id")
    build(skm, "marts.metrics_skm")
    assert rows(skm, "select * from marts.metrics_skm order by metric_id") == first
    assert not any(isinstance(v, float) and math.isnan(v) for r in first for v in r)


def test_education_written_s_1_s_2_d_iii_counts_in_the_standard_categories(skm):
    # forms write 'S-1', 'Strata 2', 'D-III' (skm_profile_labels.csv aliases), not categories of their own
    given(
        skm,
        "staging.stg_skm",
        [
            response([3] * 9, pendidikan="S-1"),
            response([3] * 9, pendidikan="S1"),
            response([3] * 9, pendidikan="S-2"),
            response([3] * 9, pendidikan="Strata 2"),
            response([3] * 9, pendidikan="D-III"),
            response([3] * 9, pendidikan="D3"),
        ],
    )
    build(skm, "marts.skm_respondent_profile")
    assert rows(
        skm,
        "select kategori, respondents from marts.skm_respondent_profile where scope = 'unit' "
        "and period = '2026-10' and dimensi = 'pendidikan' order by urutan",
    ) == [("d1-d3", 2), ("s1", 2), ("s2", 2)]
