"""SKM complaints: theme classification of free text, counts per theme, rising themes.

Given stg_skm rows with a saran -> expected classification and counts, worked out by hand from the
keyword table data/reference/complaint_themes.csv (DOMAIN.md §3 themes, §4 rising rule).
"""
from __future__ import annotations

import shutil

import pytest

from helpers import build, empty_staging, given, rows
from transforms.reference import DEFAULT_REFERENCE_DIR, load_reference_tables

UNIT = "kelurahan-pager"


def response(saran, tanggal="2026-10-05", unit=UNIT) -> dict:
    row = {"tanggal": tanggal, "waktu": f"{tanggal} 09:00", "unit_slug": unit, "jenis_layanan": "Pengantar KTP-el",
           "saran": saran}
    row.update({f"u{k}": 3 for k in range(1, 10)})
    return row


@pytest.fixture
def skm(warehouse):
    empty_staging(warehouse)
    return warehouse


def classify(con, *texts):
    given(con, "staging.stg_skm", [response(t) for t in texts])
    build(con, "marts.skm_complaints")
    return rows(con, "select saran, jenis_saran, tema from marts.skm_complaints order by _row")


@pytest.mark.parametrize("saran,jenis,tema", [
    # informal words and spelling variants
    ("lama bgt", "keluhan", ["waktu"]),
    ("Pelayanan LAMA BGT!!!", "keluhan", ["waktu"]),                 # case and punctuation do not matter
    ("antriannya panjang", "keluhan", ["waktu"]),                     # antri* matches the start of a word
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
    ("pelayanan kurang baik", "keluhan", ["lainnya"]),               # 'baik' is praise, 'kurang' wins
    ("mohon diperbaiki", "keluhan", ["lainnya"]),
    # praise is not a complaint
    ("petugas ramah, terima kasih", "pujian", None),
    ("mantap, cepat selesai", "pujian", None),
    ("ok", "pujian", None),
    ("tidak ribet, terima kasih", "pujian", None),                   # 'tidak ribet' says the opposite
    ("tidak perlu antri", "pujian", None),
    # no suggestion at all
    ("tidak ada", "kosong", None),
    ("Nihil", "kosong", None),
    ("-", "kosong", None),
])
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
    (ref / "complaint_themes.csv").write_text(text.replace("|ruang tunggu|", "|ruang tunggu|genset|"),
                                              encoding="utf-8")
    given(skm, "staging.stg_skm", [response("genset bising")])
    build(skm, "marts.skm_complaints")
    assert rows(skm, "select jenis_saran, tema from marts.skm_complaints") == [("netral", None)]
    load_reference_tables(skm, ref)
    build(skm, "marts.skm_complaints")
    assert rows(skm, "select jenis_saran, tema from marts.skm_complaints") == [("keluhan", ["sarana"])]


def test_counts_per_theme_and_unsur_per_unit_period(skm):
    # 2026-10: 'antri lama' (waktu), 'lama dan ribet' (waktu + persyaratan), 'terima kasih' (praise),
    # no saran -> waktu 2, persyaratan 1, others 0; unsur: U3 2, U1 1; complaints 2 of 4 respondents
    given(skm, "staging.stg_skm", [response("antri lama"), response("lama dan ribet"),
                                   response("terima kasih"), response(None)])
    build(skm, "marts.metrics_skm")
    got = rows(skm, "select metric_id, value, label from marts.metrics_skm where period = '2026-10' "
                    "and metric = 'keluhan' and scope like 'unit%' and value > 0 order by metric_id")
    assert got == [
        (f"keluhan/unit-tema/{UNIT}:persyaratan/2026-10", 1.0, "Persyaratan"),
        (f"keluhan/unit-tema/{UNIT}:waktu/2026-10", 2.0, "Waktu tunggu dan penyelesaian"),
        (f"keluhan/unit-unsur/{UNIT}:u1/2026-10", 1.0, "Persyaratan"),
        (f"keluhan/unit-unsur/{UNIT}:u3/2026-10", 2.0, "Waktu penyelesaian"),
        (f"keluhan/unit/{UNIT}/2026-10", 2.0, "dari 4 responden"),
    ]
    assert rows(skm, "select value from marts.metrics_skm where metric_id = ?",
                [f"keluhan/unit-tema/{UNIT}:biaya/2026-10"]) == [(0.0,)]
    assert rows(skm, "select value from marts.metrics_skm where metric_id = ?",
                [f"pujian/unit/{UNIT}/2026-10"]) == [(1.0,)]


def surveyed_month(month: str, waktu: int, biaya: int, others: int = 1) -> list[dict]:
    """Responses of one month: `waktu` 'antri lama' complaints, `biaya` 'ada calo', `others` praise."""
    day = f"{month}-10"
    return ([response("antri lama", day) for _ in range(waktu)] + [response("ada calo", day) for _ in range(biaya)]
            + [response("terima kasih", day) for _ in range(others)])


def test_a_theme_rises_when_it_beats_the_mean_of_the_previous_three_periods(skm):
    # waktu: Jul 1, Aug 0, Sep 2 -> mean 1.00; Oct 2 > 1.00 -> rising
    # biaya: Jul 1, Aug 1, Sep 1 -> mean 1.00; Oct 1 is not more -> not rising
    given(skm, "staging.stg_skm", surveyed_month("2026-07", 1, 1) + surveyed_month("2026-08", 0, 1)
          + surveyed_month("2026-09", 2, 1) + surveyed_month("2026-10", 2, 1))
    build(skm, "marts.metrics_skm")
    assert rows(skm, "select tema, keluhan, previous_periods, previous_mean, is_rising from marts.skm_complaint_themes "
                     "where scope = 'unit' and period = '2026-10' and tema in ('waktu', 'biaya') order by tema") == [
        ("biaya", 1, 3, 1.0, False), ("waktu", 2, 3, 1.0, True)]
    assert rows(skm, "select metric_id, value, label from marts.metrics_skm where metric = 'keluhan_naik' "
                     "and period = '2026-10' order by metric_id") == [
        ("keluhan_naik/office-tema/kecamatan-rakumpit:waktu/2026-10", 2.0,
         "Waktu tunggu dan penyelesaian: 2 keluhan, rata-rata 3 periode sebelumnya 1,00"),
        (f"keluhan_naik/unit-tema/{UNIT}:waktu/2026-10", 2.0,
         "Waktu tunggu dan penyelesaian: 2 keluhan, rata-rata 3 periode sebelumnya 1,00"),
    ]


def test_a_month_without_respondents_is_not_a_zero_so_no_trend_is_claimed(skm):
    # Jul and Sep surveyed, Aug not: only 2 of the 3 previous months have respondents -> unknown
    given(skm, "staging.stg_skm", surveyed_month("2026-07", 0, 0) + surveyed_month("2026-09", 0, 0)
          + surveyed_month("2026-10", 3, 0))
    build(skm, "marts.metrics_skm")
    assert rows(skm, "select keluhan, previous_periods, is_rising, rising_note from marts.skm_complaint_themes "
                     "where scope = 'unit' and period = '2026-10' and tema = 'waktu'") == [
        (3, 2, None, "riwayat belum cukup: 2 dari 3 periode sebelumnya punya responden")]
    assert rows(skm, "select count(*) from marts.metrics_skm where metric = 'keluhan_naik'") == [(0,)]


def test_quarters_compare_with_the_previous_three_quarters(skm):
    # waktu per quarter: 2025-Q4 0, 2026-Q1 0, 2026-Q2 0, 2026-Q3 1 -> mean 0 -> Q3 rising
    given(skm, "staging.stg_skm", surveyed_month("2025-11", 0, 0) + surveyed_month("2026-02", 0, 0)
          + surveyed_month("2026-05", 0, 0) + surveyed_month("2026-08", 1, 0))
    build(skm, "marts.skm_complaint_themes")
    assert rows(skm, "select period, keluhan, previous_periods, previous_mean, is_rising "
                     "from marts.skm_complaint_themes where scope = 'unit' and tema = 'waktu' "
                     "and period_kind = 'quarter' order by period") == [
        ("2025-Q4", 0, 0, None, None), ("2026-Q1", 0, 1, 0.0, None), ("2026-Q2", 0, 2, 0.0, None),
        ("2026-Q3", 1, 3, 0.0, True)]
