"""SKP marts: capaian per indicator, suggested rating, predikat, kendala, unit summaries, metrics.

Given rows in staging.stg_skp / staging.stg_pegawai -> expected rows, each worked out by hand.
Rules: PermenPANRB 8/2021 (capaian IKI), PermenPANRB 6/2022 (ratings and predikat matrix),
SE Menteri PANRB 3/2023 (pola distribusi; a head's rating hasil kerja from the organisation's
predikat), the office's suggestion bands and kendala categories. docs/skp.md explains them.
"""

from __future__ import annotations

import shutil

import pytest

from expectations.reference import load_reference_tables
from helpers import NIP_A, NIP_B, NIP_C, build, empty_staging, given, rows
from transforms.publish import periods_published_by
from transforms.reference import DEFAULT_REFERENCE_DIR

ROSTER = [
    {"nip": NIP_A, "nama": "Agus Setiawan", "jabatan": "Lurah", "unit_slug": "kelurahan-pager", "jenis_asn": "PNS"},
    {
        "nip": NIP_B,
        "nama": "Siti Rahmah",
        "jabatan": "Staf Pelayanan",
        "unit_slug": "kelurahan-pager",
        "jenis_asn": "PPPK",
    },
    {"nip": NIP_C, "nama": "Yohanes Nyahu", "jabatan": "Camat", "unit_slug": "kecamatan-rakumpit", "jenis_asn": "PNS"},
]


def indicator(**values) -> dict:
    """One stg_skp row: a higher-is-better single target, rated sesuai/sesuai, unless told."""
    row = {
        "nip": NIP_A,
        "periode": "2026-10",
        "rhk": "Terselenggaranya pelayanan administrasi",
        "indikator": "Jumlah surat keterangan yang diterbitkan",
        "aspek": "kuantitas",
        "satuan": "surat",
        "target_kind": "tunggal",
        "arah": "naik",
        "rating_hasil_kerja": "sesuai",
        "rating_perilaku": "sesuai",
    }
    if "target_min" in values:
        row["target_kind"] = "rentang"
    row.update(values)
    return row


@pytest.fixture
def skp(warehouse):
    empty_staging(warehouse)
    given(warehouse, "staging.stg_pegawai", ROSTER)
    return warehouse


def capaian_of(con, *records: dict) -> list[tuple]:
    given(con, "staging.stg_skp", list(records))
    build(con, "marts.skp_indicator_capaian")
    return rows(
        con,
        "select capaian_rule, target_acuan, round(capaian_pct, 6), capaian_floored, met "
        "from marts.skp_indicator_capaian order by _row",
    )


# ---------------------------------------------------------------- capaian per indicator


def test_higher_is_better_is_realisasi_over_target(skp):
    got = capaian_of(
        skp,
        indicator(indikator="A", target=80, realisasi=60),  # 60 / 80 x 100 = 75
        indicator(indikator="B", target=80, realisasi=100),  # 100 / 80 x 100 = 125
        indicator(indikator="C", target=80, realisasi=80),  # 80 / 80 x 100 = 100: met
    )
    assert got == [("naik", 80, 75.0, False, False), ("naik", 80, 125.0, False, True), ("naik", 80, 100.0, False, True)]


def test_lower_is_better_is_two_minus_the_ratio(skp):
    got = capaian_of(
        skp,
        indicator(indikator="A", arah="turun", target=4, realisasi=3),  # (1 + (1 - 3/4)) x 100 = 125
        indicator(indikator="B", arah="turun", target=4, realisasi=5),  # (1 + (1 - 5/4)) x 100 = 75
        indicator(indikator="C", arah="turun", target=4, realisasi=4),  # (1 + 0) x 100 = 100: met
    )
    assert got == [("turun", 4, 125.0, False, True), ("turun", 4, 75.0, False, False), ("turun", 4, 100.0, False, True)]


def test_lower_is_better_above_twice_the_target_is_zero_not_negative(skp):
    # (1 + (1 - 5/2)) x 100 = -50 -> 0 (docs/skp.md: capaian never below 0 %)
    got = capaian_of(skp, indicator(arah="turun", target=2, realisasi=5))
    assert got == [("turun", 2, 0.0, True, False)]


def test_range_target_uses_the_bound_on_the_side_of_the_realisasi(skp):
    got = capaian_of(
        skp,
        indicator(indikator="below", target_min=80, target_max=90, realisasi=72),  # 72 / 80 x 100 = 90
        indicator(indikator="inside", target_min=80, target_max=90, realisasi=85),  # inside -> 100
        indicator(indikator="on-min", target_min=80, target_max=90, realisasi=80),  # a bound is inside -> 100
        indicator(indikator="above", target_min=80, target_max=90, realisasi=99),  # 99 / 90 x 100 = 110
    )
    assert got == [
        ("rentang_bawah_naik", 80, 90.0, False, False),
        ("rentang_dalam", None, 100.0, False, True),
        ("rentang_dalam", None, 100.0, False, True),
        ("rentang_atas_naik", 90, 110.0, False, True),
    ]


def test_lower_is_better_range_rewards_the_low_side(skp):
    got = capaian_of(
        skp,
        # days [2, 3]: 1 day is below -> (1 + (1 - 1/2)) x 100 = 150; 4.5 above -> (1 + (1 - 4.5/3)) x 100 = 50
        indicator(indikator="fast", arah="turun", target_min=2, target_max=3, realisasi=1),
        indicator(indikator="slow", arah="turun", target_min=2, target_max=3, realisasi=4.5),
    )
    assert got == [("rentang_bawah_turun", 2, 150.0, False, True), ("rentang_atas_turun", 3, 50.0, False, False)]


def test_a_range_bound_of_zero_gives_no_capaian_instead_of_an_error(skp):
    # [0, 0] and realisasi 3: above the range, 3 / 0 has no value -> no capaian, not met, not missed
    given(skp, "staging.stg_skp", [indicator(target_min=0, target_max=0, realisasi=3)])
    build(skp, "marts.metrics_skp")
    assert rows(skp, "select capaian_rule, capaian_pct, met, kendala_category from marts.skp_indicator_capaian") == [
        ("rentang_atas_naik_tanpa_capaian", None, None, None)
    ]
    assert rows(skp, "select value, label from marts.metrics_skp where metric = 'capaian'") == [
        (None, "Capaian tidak dapat dihitung")
    ]


# ---------------------------------------------------------------- kendala


@pytest.mark.parametrize(
    "kendala,category",
    [
        ("kurang pelatihan", "pelatihan-kompetensi"),
        ("Belum diklat", "pelatihan-kompetensi"),
        ("belum ikut bimtek aplikasi", "pelatihan-kompetensi"),  # pelatihan (priority 1) beats aplikasi (sarana)
        ("pelatihan/kompetensi", "pelatihan-kompetensi"),
        ("Anggaran terbatas", "anggaran"),
        ("dana kegiatan belum cair", "anggaran"),
        ("jaringan internet lambat", "sarana-prasarana"),
        ("Komputer rusak", "sarana-prasarana"),
        ("sarana/prasarana", "sarana-prasarana"),
        ("pegawai kurang", "sdm"),
        ("SDM", "sdm"),
        ("kekurangan personil", "sdm"),
        ("aturan baru", "regulasi"),
        ("menunggu JUKNIS dari kota", "regulasi"),
        ("akses jalan banjir", "lainnya"),  # matches no keyword -> lainnya
        ("hujan", "lainnya"),
        ("kekurangan", "lainnya"),  # whole words: 'kekurangan' is not 'kurang ...'
        (None, "tidak-disebut"),  # a missed target without any kendala
        ("-", "tidak-disebut"),  # only punctuation says nothing either
    ],
)
def test_kendala_text_maps_to_a_category(skp, kendala, category):
    given(skp, "staging.stg_skp", [indicator(target=10, realisasi=5, kendala=kendala)])  # 50 %: missed
    build(skp, "marts.skp_indicator_capaian")
    assert rows(skp, "select kendala_category from marts.skp_indicator_capaian") == [(category,)]


def test_kendala_on_a_met_target_gets_no_category(skp):
    given(skp, "staging.stg_skp", [indicator(target=10, realisasi=10, kendala="anggaran terbatas")])
    build(skp, "marts.skp_indicator_capaian")
    assert rows(skp, "select met, kendala, kendala_category from marts.skp_indicator_capaian") == [
        (True, "anggaran terbatas", None)
    ]


# ---------------------------------------------------------------- ratings and predikat

NINE_CELLS = [
    # (hasil kerja, perilaku) -> predikat, rank   (PermenPANRB 6/2022 matrix)
    ("di_atas", "di_atas", "Sangat Baik", 5),
    ("di_atas", "sesuai", "Baik", 4),
    ("di_atas", "di_bawah", "Kurang/Misconduct", 2),
    ("sesuai", "di_atas", "Baik", 4),
    ("sesuai", "sesuai", "Baik", 4),
    ("sesuai", "di_bawah", "Kurang/Misconduct", 2),
    ("di_bawah", "di_atas", "Butuh Perbaikan", 3),
    ("di_bawah", "sesuai", "Butuh Perbaikan", 3),
    ("di_bawah", "di_bawah", "Sangat Kurang", 1),
]


def test_all_nine_cells_of_the_predikat_matrix(skp):
    # one ASN, nine monthly periods, one cell each
    given(
        skp,
        "staging.stg_skp",
        [
            indicator(periode=f"2026-0{i}", target=10, realisasi=10, rating_hasil_kerja=hk, rating_perilaku=pk)
            for i, (hk, pk, _, _) in enumerate(NINE_CELLS, start=1)
        ],
    )
    build(skp, "marts.skp_asn_period")
    got = rows(
        skp,
        "select rating_hasil_kerja, rating_perilaku, predikat_label, predikat_rank, "
        "rating_hasil_kerja_source from marts.skp_asn_period order by periode",
    )
    assert got == [(hk, pk, label, rank, "atasan") for hk, pk, label, rank in NINE_CELLS]


def test_missing_hasil_kerja_rating_is_suggested_from_mean_capaian_and_labelled(skp):
    given(
        skp,
        "staging.stg_skp",
        [
            # mean of 100 % and 120 % = 110 % -> band >= 110: di atas (suggested)
            indicator(indikator="A", target=10, realisasi=10, rating_hasil_kerja=None, rating_perilaku="sesuai"),
            indicator(indikator="B", target=10, realisasi=12, rating_hasil_kerja=None, rating_perilaku="sesuai"),
            # NIP_B: 9 / 10 = 90 % -> 90 <= x < 110: sesuai (suggested)
            indicator(nip=NIP_B, target=10, realisasi=9, rating_hasil_kerja=None, rating_perilaku="di_atas"),
            # NIP_C: 8.9 / 10 = 89 % -> < 90: di bawah (suggested)
            indicator(nip=NIP_C, target=10, realisasi=8.9, rating_hasil_kerja=None, rating_perilaku="sesuai"),
        ],
    )
    build(skp, "marts.metrics_skp")
    got = rows(
        skp,
        "select nip, round(capaian_rata_pct, 6), rating_hasil_kerja_atasan, rating_hasil_kerja, "
        "rating_hasil_kerja_source, rating_hasil_kerja_label, predikat_label, predikat_note "
        "from marts.skp_asn_period order by nip",
    )
    note = "predikat dari rating hasil kerja saran sistem, bukan penilaian resmi atasan"
    assert got == [
        (NIP_C, 89.0, None, "di_bawah", "saran_sistem", "Di bawah ekspektasi (saran sistem)", "Butuh Perbaikan", note),
        (NIP_A, 110.0, None, "di_atas", "saran_sistem", "Di atas ekspektasi (saran sistem)", "Baik", note),
        (NIP_B, 90.0, None, "sesuai", "saran_sistem", "Sesuai ekspektasi (saran sistem)", "Baik", note),
    ]
    assert rows(
        skp,
        "select label, value from marts.metrics_skp where metric_id = ?",
        [f"rating_hasil_kerja/asn/{NIP_A}/2026-10"],
    ) == [("Di atas ekspektasi (saran sistem)", 3.0)]


def test_superior_rating_wins_over_the_suggestion(skp):
    # capaian 50 % would suggest di bawah; the superior said sesuai, and that is the rating used
    given(skp, "staging.stg_skp", [indicator(target=10, realisasi=5, rating_hasil_kerja="sesuai")])
    build(skp, "marts.skp_asn_period")
    assert rows(
        skp,
        "select rating_hasil_kerja_saran, rating_hasil_kerja, rating_hasil_kerja_source, "
        "rating_hasil_kerja_label, predikat_label from marts.skp_asn_period",
    ) == [("di_bawah", "sesuai", "atasan", "Sesuai ekspektasi", "Baik")]


def test_without_perilaku_rating_there_is_no_predikat_and_the_metric_says_why(skp):
    given(skp, "staging.stg_skp", [indicator(target=10, realisasi=10, rating_perilaku=None)])
    build(skp, "marts.metrics_skp")
    assert rows(skp, "select predikat, predikat_note from marts.skp_asn_period") == [
        (None, "rating perilaku kosong: predikat tidak ditetapkan")
    ]
    assert rows(
        skp, "select value, label from marts.metrics_skp where metric_id = ?", [f"predikat/asn/{NIP_A}/2026-10"]
    ) == [(None, "rating perilaku kosong: predikat tidak ditetapkan")]
    assert rows(skp, "select count(*) from marts.metrics_skp where metric = 'rating_perilaku'") == [(0,)]


# ---------------------------------------------------------------- heads of a unit (SE MenPANRB 3/2023)

NIP_D = "199002142015031004"
NIP_E = "199205172019022005"


def organisation_predikat(con, tmp_path, *rows_: str) -> None:
    """Load the reference tables with these predikat_organisasi.csv rows (unit_slug,tahun,predikat)."""
    load_reference_tables(
        con,
        reference_copy(
            tmp_path,
            predikat_organisasi=(
                "unit_slug,tahun,predikat,dasar_penetapan,keterangan\n" + "".join(f"{r},penetapan,\n" for r in rows_)
            ),
        ),
    )


def ratings_of(con, *nips: str) -> list[tuple]:
    return rows(
        con,
        "select nip, kepala_unit, rating_hasil_kerja_atasan, rating_hasil_kerja, rating_hasil_kerja_source, "
        "rating_hasil_kerja_label, predikat_label, kepala_unit_note from marts.skp_asn_period "
        f"where nip in ({', '.join('?' for _ in nips)}) order by nip",
        list(nips),
    )


def test_a_lurah_whose_kelurahan_is_istimewa_gets_di_atas_and_with_perilaku_sesuai_is_baik(skp, tmp_path):
    # the superior wrote di bawah; the Lurah leads Pager, rated Istimewa for 2026, so the
    # organisation's performance is the rating hasil kerja: di atas x sesuai = Baik (not Butuh
    # Perbaikan). The staff of Pager keep their superior's rating.
    given(
        skp,
        "staging.stg_skp",
        [
            indicator(target=10, realisasi=10, rating_hasil_kerja="di_bawah", rating_perilaku="sesuai"),
            indicator(nip=NIP_B, target=10, realisasi=10, rating_hasil_kerja="sesuai", rating_perilaku="sesuai"),
        ],
    )
    organisation_predikat(skp, tmp_path, "kelurahan-pager,2026,istimewa")
    build(skp, "marts.metrics_skp")
    assert ratings_of(skp, NIP_A, NIP_B) == [
        (
            NIP_A,
            True,
            "di_bawah",
            "di_atas",
            "predikat_organisasi",
            "Di atas ekspektasi (predikat organisasi)",
            "Baik (hasil kerja dari predikat organisasi)",
            "kepala unit: rating hasil kerja = predikat kinerja organisasi Istimewa tahun 2026 "
            "(SE Menteri PANRB 3/2023)",
        ),
        (NIP_B, False, "sesuai", "sesuai", "atasan", "Sesuai ekspektasi", "Baik", None),
    ]
    assert rows(
        skp,
        "select metric, value, label from marts.metrics_skp where scope = 'asn' and scope_id = ? "
        "and metric in ('rating_hasil_kerja', 'predikat') order by metric",
        [NIP_A],
    ) == [
        ("predikat", 4.0, "Baik (hasil kerja dari predikat organisasi)"),
        ("rating_hasil_kerja", 3.0, "Di atas ekspektasi (predikat organisasi)"),
    ]


def test_a_camat_without_an_organisation_predikat_keeps_the_superiors_rating(skp, tmp_path):
    # only Pager has a predikat for 2026; the kecamatan has none, so the Camat keeps di bawah
    given(
        skp,
        "staging.stg_skp",
        [indicator(nip=NIP_C, target=10, realisasi=10, rating_hasil_kerja="di_bawah", rating_perilaku="sesuai")],
    )
    organisation_predikat(skp, tmp_path, "kelurahan-pager,2026,istimewa", "kecamatan-rakumpit,2025,istimewa")
    build(skp, "marts.skp_asn_period")
    assert ratings_of(skp, NIP_C) == [
        (
            NIP_C,
            True,
            "di_bawah",
            "di_bawah",
            "atasan",
            "Di bawah ekspektasi",
            "Butuh Perbaikan",
            "kepala unit: predikat organisasi tahun 2026 belum ditetapkan, rating hasil kerja dari atasan",
        ),
    ]


def test_two_different_predikat_for_one_unit_year_are_used_for_nothing(skp, tmp_path):
    given(
        skp,
        "staging.stg_skp",
        [
            indicator(target=10, realisasi=10, rating_hasil_kerja="di_bawah", rating_perilaku="sesuai"),
            indicator(nip=NIP_B, target=10, realisasi=10),
        ],
    )
    organisation_predikat(skp, tmp_path, "kelurahan-pager,2026,baik", "kelurahan-pager,2026,istimewa")
    build(skp, "marts.metrics_skp")
    assert ratings_of(skp, NIP_A) == [
        (
            NIP_A,
            True,
            "di_bawah",
            "di_bawah",
            "atasan",
            "Di bawah ekspektasi",
            "Butuh Perbaikan",
            "kepala unit: predikat organisasi tahun 2026 tercatat lebih dari satu, rating hasil kerja dari atasan",
        )
    ]
    assert rows(
        skp,
        "select value, label from marts.metrics_skp where metric_id = ?",
        ["pola_distribusi/unit/kelurahan-pager/2026-10"],
    ) == [
        (
            None,
            "Predikat organisasi 2026 tercatat lebih dari satu di data/reference/predikat_organisasi.csv: "
            "pola distribusi tidak dinilai",
        )
    ]


@pytest.mark.parametrize(
    "organisation,rating",
    [
        ("istimewa", "di_atas"),
        ("baik", "sesuai"),
        ("butuh_perbaikan", "di_bawah"),
        ("kurang", "di_bawah"),
        ("sangat_kurang", "di_bawah"),
    ],
)
def test_the_organisation_predikat_maps_to_the_heads_rating(skp, tmp_path, organisation, rating):
    given(
        skp,
        "staging.stg_skp",
        [indicator(nip=NIP_C, target=10, realisasi=10, rating_hasil_kerja="sesuai", rating_perilaku="sesuai")],
    )
    organisation_predikat(skp, tmp_path, f"kecamatan-rakumpit,2026,{organisation}")
    build(skp, "marts.skp_asn_period")
    assert rows(
        skp, "select rating_hasil_kerja, rating_hasil_kerja_source, predikat_organisasi from marts.skp_asn_period"
    ) == [(rating, "predikat_organisasi", organisation)]


def test_a_kepala_seksi_pemerintahan_is_not_a_head(skp, tmp_path):
    given(
        skp,
        "staging.stg_pegawai",
        [
            {
                "nip": NIP_D,
                "nama": "Eko Susilo",
                "jabatan": "Kepala Seksi Pemerintahan",
                "unit_slug": "kelurahan-pager",
                "jenis_asn": "PNS",
            }
        ],
    )
    given(
        skp,
        "staging.stg_skp",
        [indicator(nip=NIP_D, target=10, realisasi=10, rating_hasil_kerja="di_bawah", rating_perilaku="sesuai")],
    )
    organisation_predikat(skp, tmp_path, "kelurahan-pager,2026,istimewa")
    build(skp, "marts.skp_asn_period")
    assert ratings_of(skp, NIP_D) == [
        (NIP_D, False, "di_bawah", "di_bawah", "atasan", "Di bawah ekspektasi", "Butuh Perbaikan", None)
    ]


def test_the_roster_flag_marks_a_head_and_wins_over_the_jabatan(skp, tmp_path):
    # PATEN's coordinator is no 'Kepala ...' by title but the roster says kepala_unit = ya;
    # the Lurah of Pager is marked kepala_unit = tidak (e.g. on leave, a Plt. leads): not a head
    given(
        skp,
        "staging.stg_pegawai",
        [
            {
                "nip": NIP_E,
                "nama": "Rina",
                "jabatan": "Penata Layanan Operasional",
                "unit_slug": "paten-rakumpit",
                "jenis_asn": "PNS",
                "kepala_unit": True,
            }
        ],
    )
    skp.execute("update staging.stg_pegawai set kepala_unit = false where nip = ?", [NIP_A])
    given(
        skp,
        "staging.stg_skp",
        [
            indicator(nip=NIP_E, target=10, realisasi=10, rating_hasil_kerja="di_bawah", rating_perilaku="sesuai"),
            indicator(nip=NIP_A, target=10, realisasi=10, rating_hasil_kerja="di_bawah", rating_perilaku="sesuai"),
        ],
    )
    organisation_predikat(skp, tmp_path, "paten-rakumpit,2026,baik", "kelurahan-pager,2026,istimewa")
    build(skp, "marts.skp_asn_period")
    assert rows(
        skp,
        "select nip, kepala_unit, kepala_unit_dasar, rating_hasil_kerja, rating_hasil_kerja_source, "
        "predikat from marts.skp_asn_period order by nip",
    ) == [
        (NIP_A, False, None, "di_bawah", "atasan", "butuh_perbaikan"),
        (NIP_E, True, "kolom kepala_unit", "sesuai", "predikat_organisasi", "baik"),
    ]


def test_a_plt_lurah_is_a_head(skp, tmp_path):
    skp.execute("update staging.stg_pegawai set jabatan = 'Plt. Lurah Pager' where nip = ?", [NIP_A])
    given(
        skp,
        "staging.stg_skp",
        [indicator(target=10, realisasi=10, rating_hasil_kerja="sesuai", rating_perilaku="sesuai")],
    )
    organisation_predikat(skp, tmp_path, "kelurahan-pager,2026,kurang")
    build(skp, "marts.skp_asn_period")
    # Kurang -> di bawah; di bawah x sesuai = Butuh Perbaikan
    assert rows(
        skp, "select kepala_unit, kepala_unit_dasar, rating_hasil_kerja, predikat_label from marts.skp_asn_period"
    ) == [(True, "jabatan", "di_bawah", "Butuh Perbaikan (hasil kerja dari predikat organisasi)")]


@pytest.mark.parametrize(
    "jabatan,unit,head",
    [
        ("Camat Rakumpit", "kecamatan-rakumpit", True),
        ("Plh. Camat", "kecamatan-rakumpit", True),
        ("Sekretaris Camat", "kecamatan-rakumpit", False),
        ("Lurah Bukit Sua", "kelurahan-bukit-sua", True),
        ("PLT LURAH", "kelurahan-bukit-sua", True),
        ("Sekretaris Lurah", "kelurahan-bukit-sua", False),
        ("Kepala Seksi Pemerintahan", "kelurahan-bukit-sua", False),
        ("Kepala Subbagian Umum dan Kepegawaian", "kecamatan-rakumpit", False),
        ("Kepala Sub Bagian Umum", "kecamatan-rakumpit", False),
        ("Kepala Kantor Kelurahan Bukit Sua", "kelurahan-bukit-sua", True),  # Kepala <its unit's name>
        ("Kepala PATEN", "paten-rakumpit", True),  # Kepala <an alias of its unit>
        ("Kepala Kelurahan Pager", "kelurahan-bukit-sua", False),  # not the ASN's own unit
        ("Pengadministrasi Perkantoran", "kelurahan-bukit-sua", False),
    ],
)
def test_who_heads_a_unit_by_jabatan(skp, jabatan, unit, head):
    given(
        skp,
        "staging.stg_pegawai",
        [{"nip": NIP_D, "nama": "X", "jabatan": jabatan, "unit_slug": unit, "jenis_asn": "PNS"}],
    )
    build(skp, "marts.skp_kepala_unit")
    assert rows(skp, "select kepala_unit from marts.skp_kepala_unit where nip = ?", [NIP_D]) == [(head,)]


def test_the_roster_kepala_unit_column_is_read_as_ya_tidak_and_a_bad_value_only_warns(tmp_path):
    from expectations.validate import validate_warehouse
    from helpers import AS_OF, write_inbox
    from transforms.ingest import ingest_inbox
    from transforms.warehouse import connect

    inbox = write_inbox(
        tmp_path,
        {
            "pegawai/pegawai.csv": (
                "nip,nama,jabatan,unit_kerja,jenis_asn,Kepala Unit\n"
                f"{NIP_A},Agus,Penata Layanan Operasional,PATEN,PNS,Ya\n"
                f"{NIP_B},Siti,Lurah Pager,Kelurahan Pager,PNS, tidak \n"
                f"{NIP_C},Yohanes,Camat,Kecamatan Rakumpit,PNS,mungkin\n"  # unreadable: warning, jabatan decides
                f"{NIP_D},Eko,Staf,Kelurahan Pager,PNS,\n"
            )
        },
    )
    con = connect(":memory:")
    try:
        load_reference_tables(con)
        ingest_inbox(con, inbox)
        validate_warehouse(con, AS_OF, "run")
        assert rows(con, "select nip, kepala_unit from staging.stg_pegawai order by _row") == [
            (NIP_A, True),
            (NIP_B, False),
            (NIP_C, None),
            (NIP_D, None),
        ]
        assert rows(con, 'select "row", "column", value, rule from quarantine.warnings where shape = \'pegawai\'') == [
            (4, "kepala_unit", "mungkin", "flag_invalid")
        ]
        build(con, "marts.skp_kepala_unit")
        assert rows(con, "select nip, kepala_unit, kepala_unit_dasar from marts.skp_kepala_unit order by nip") == [
            (NIP_C, True, "jabatan"),
            (NIP_A, True, "kolom kepala_unit"),
            (NIP_D, False, None),
            (NIP_B, False, "kolom kepala_unit"),
        ]
    finally:
        con.close()


# ---------------------------------------------------------------- periods


def test_quarterly_rows_are_their_own_asn_period_published_with_the_quarter(skp):
    given(
        skp,
        "staging.stg_skp",
        [
            # quarter: 27 / 30 = 90 %, 33 / 30 = 110 % -> mean 100 %
            indicator(periode="2026-Q3", indikator="A", target=30, realisasi=27, rating_hasil_kerja="di_atas"),
            indicator(periode="2026-Q3", indikator="B", target=30, realisasi=33, rating_hasil_kerja="di_atas"),
            # a monthly row of the same ASN stays a separate ASN-period (no roll-up): 10 / 10 = 100 %
            indicator(periode="2026-09", indikator="A", target=10, realisasi=10),
        ],
    )
    build(skp, "marts.metrics_skp")
    assert rows(
        skp,
        "select periode, period_kind, indikator_count, round(capaian_rata_pct, 6), predikat_label "
        "from marts.skp_asn_period order by periode",
    ) == [
        ("2026-09", "bulan", 1, 100.0, "Baik"),
        ("2026-Q3", "triwulan", 2, 100.0, "Baik"),  # di atas x sesuai -> Baik
    ]
    assert rows(
        skp, "select value, label from marts.metrics_skp where metric_id = ?", [f"capaian/indikator/{NIP_A}:a/2026-Q3"]
    ) == [(90.0, "Tidak tercapai - Tidak disebutkan")]
    assert rows(
        skp, "select value from marts.metrics_skp where metric_id = ?", ["capaian_rata/unit/kelurahan-pager/2026-Q3"]
    ) == [(100.0,)]
    # the run of September publishes the quarter it closes (docs/skp.md, Periods)
    assert "2026-Q3" in periods_published_by("2026-09")


def test_yearly_period_is_kept_as_written(skp):
    given(skp, "staging.stg_skp", [indicator(periode="2026", target=120, realisasi=132)])  # 110 %
    build(skp, "marts.metrics_skp")
    assert rows(skp, "select value from marts.metrics_skp where metric_id = ?", [f"capaian_rata/asn/{NIP_A}/2026"]) == [
        (110.0,)
    ]
    assert rows(skp, "select period_kind from marts.skp_asn_period") == [("tahun",)]


# ---------------------------------------------------------------- unit and office

UNIT_CASE = [
    # NIP_A (Pager): 10/10 = 100 % met; 5/10 = 50 % missed (pelatihan). Mean 75. Sangat Baik.
    indicator(
        indikator="Jumlah surat keterangan yang diterbitkan",
        target=10,
        realisasi=10,
        rating_hasil_kerja="di_atas",
        rating_perilaku="di_atas",
    ),
    indicator(
        indikator="Persentase pengaduan (warga) ditindaklanjuti",
        target=10,
        realisasi=5,
        kendala="kurang pelatihan",
        rating_hasil_kerja="di_atas",
        rating_perilaku="di_atas",
    ),
    # NIP_B (Pager): turun 3 vs 2 -> (1 + (1 - 1.5)) x 100 = 50 missed (sarana); 5/4 = 125 met. Mean 87.5. Baik.
    indicator(
        nip=NIP_B,
        indikator="Rata-rata hari penyelesaian",
        arah="turun",
        target=2,
        realisasi=3,
        kendala="jaringan internet lambat",
    ),
    indicator(nip=NIP_B, indikator="Jumlah berkas", target=4, realisasi=5),
    # NIP_C (kecamatan): 20/20 = 100 %; no perilaku rating -> no predikat.
    indicator(nip=NIP_C, indikator="Jumlah rapat koordinasi", target=20, realisasi=20, rating_perilaku=None),
]


def test_unit_and_office_summaries(skp):
    given(skp, "staging.stg_skp", UNIT_CASE)
    build(skp, "marts.metrics_skp")
    got = rows(
        skp,
        "select scope, scope_id, asn_count, asn_berpredikat, asn_tanpa_predikat, indikator_count, "
        "indikator_missed, round(capaian_rata_pct, 6) from marts.skp_unit_period order by all",
    )
    assert got == [
        # office: 3 ASN, mean of 75, 87.5, 100 = 87.5; missed 2 of 5
        ("office", "kecamatan-rakumpit", 3, 2, 1, 5, 2, 87.5),
        ("unit", "kecamatan-rakumpit", 1, 0, 1, 1, 0, 100.0),
        # Pager: (75 + 87.5) / 2 = 81.25; missed 2 of 4
        ("unit", "kelurahan-pager", 2, 2, 0, 4, 2, 81.25),
    ]
    assert rows(
        skp,
        "select value, label from marts.metrics_skp where metric_id = ?",
        ["capaian_rata/office/kecamatan-rakumpit/2026-10"],
    ) == [(87.5, "rata-rata dari 3 ASN")]
    pager = {
        r[0]: r[1:]
        for r in rows(
            skp,
            "select metric, value, label, unit from marts.metrics_skp "
            "where scope = 'unit' and scope_id like 'kelurahan-pager%' and period = '2026-10'",
        )
    }
    assert pager["predikat_sangat_baik"] == (1.0, "Sangat Baik", "orang")
    assert pager["predikat_baik"] == (1.0, "Baik", "orang")
    assert pager["predikat_butuh_perbaikan"] == (0.0, "Butuh Perbaikan", "orang")
    assert pager["target_tidak_tercapai"] == (2.0, "dari 4 indikator", "indikator")
    shares = rows(
        skp,
        "select scope_id, value from marts.metrics_skp where metric = 'kendala_share' "
        "and scope = 'unit' and value > 0 order by scope_id",
    )
    # Pager: 2 missed targets, one pelatihan, one sarana -> 50 % each; the kecamatan missed none: no rows
    assert shares == [("kelurahan-pager:pelatihan-kompetensi", 50.0), ("kelurahan-pager:sarana-prasarana", 50.0)]
    assert rows(
        skp,
        "select count(*) from marts.metrics_skp where metric = 'kendala_share' and scope_id like 'kelurahan-pager:%'",
    ) == [(7,)]  # every category, zeros included


def test_without_an_organisation_predikat_the_pola_is_not_assessed(skp):
    # SE MenPANRB 3/2023 reads the pola for the organisation's own predikat; the shipped
    # predikat_organisasi.csv has no rows, so nothing is assumed and nothing is flagged
    given(skp, "staging.stg_skp", UNIT_CASE)
    build(skp, "marts.metrics_skp")
    assert rows(
        skp,
        "select scope, scope_id, value, label from marts.metrics_skp "
        "where metric = 'pola_distribusi' order by scope, scope_id",
    ) == [
        ("office", "kecamatan-rakumpit", None, "Predikat organisasi belum ditetapkan: pola distribusi tidak dinilai"),
        ("unit", "kelurahan-pager", None, "Predikat organisasi belum ditetapkan: pola distribusi tidak dinilai"),
    ]
    # the kecamatan unit has no ASN with a predikat: nothing to check
    assert rows(
        skp,
        "select count(*) from marts.metrics_skp where metric = 'pola_distribusi' "
        "and scope_id = 'kecamatan-rakumpit' and scope = 'unit'",
    ) == [(0,)]


def test_metrics_rows_of_one_asn(skp):
    given(skp, "staging.stg_skp", UNIT_CASE)
    build(skp, "marts.metrics_skp")
    got = rows(
        skp,
        "select metric_id, value, label, unit from marts.metrics_skp "
        "where scope in ('asn', 'indikator') and scope_id like ? order by metric_id",
        [f"{NIP_A}%"],
    )
    assert got == [
        (f"capaian/indikator/{NIP_A}:jumlah-surat-keterangan-yang-diterbitkan/2026-10", 100.0, "Tercapai", "%"),
        (
            f"capaian/indikator/{NIP_A}:persentase-pengaduan-warga-ditindaklanjuti/2026-10",
            50.0,
            "Tidak tercapai - Pelatihan/kompetensi",
            "%",
        ),
        (f"capaian_rata/asn/{NIP_A}/2026-10", 75.0, "1 dari 2 indikator tercapai", "%"),
        (f"predikat/asn/{NIP_A}/2026-10", 5.0, "Sangat Baik", "peringkat"),
        (f"rating_hasil_kerja/asn/{NIP_A}/2026-10", 3.0, "Di atas ekspektasi", "peringkat"),
        (f"rating_perilaku/asn/{NIP_A}/2026-10", 3.0, "Di atas ekspektasi", "peringkat"),
        (f"target_tidak_tercapai/asn/{NIP_A}/2026-10", 1.0, "dari 2 indikator", "indikator"),
    ]


def test_metric_ids_are_unique_and_follow_the_contract(skp):
    given(skp, "staging.stg_skp", UNIT_CASE + [indicator(periode="2026-Q3", target=3, realisasi=3)])
    build(skp, "marts.metrics_skp")
    assert rows(skp, "select count(*) - count(distinct metric_id) from marts.metrics_skp") == [(0,)]
    assert rows(
        skp,
        "select count(*) from marts.metrics_skp "
        "where metric_id <> metric || '/' || scope || '/' || scope_id || '/' || period "
        "or not regexp_full_match(scope_id, '[a-z0-9-]+(:[a-z0-9-]+)?')",
    ) == [(0,)]


# ---------------------------------------------------------------- rules are data


def reference_copy(tmp_path, **replacements: str):
    """A copy of data/reference/ with some tables replaced by the given CSV text."""
    ref = tmp_path / "reference"
    shutil.copytree(DEFAULT_REFERENCE_DIR, ref)
    for name, text in replacements.items():
        (ref / f"{name}.csv").write_text(text, encoding="utf-8")
    return ref


def test_office_changes_a_suggestion_band_and_the_result_follows(skp, tmp_path):
    # mean capaian 107 %: default bands say sesuai (90 <= 107 < 110) ...
    given(skp, "staging.stg_skp", [indicator(target=100, realisasi=107, rating_hasil_kerja=None)])
    build(skp, "marts.skp_asn_period")
    assert rows(skp, "select rating_hasil_kerja from marts.skp_asn_period") == [("sesuai",)]
    # ... an office whose rule is ">= 105 % di atas" edits the table, and the suggestion follows
    ref = reference_copy(
        tmp_path,
        capaian_suggest_bands=(
            "rating,min_pct,max_pct,source\n"
            "di_atas,105,,office rule\n"
            "sesuai,90,105,office rule\n"
            "di_bawah,,90,office rule\n"
        ),
    )
    load_reference_tables(skp, ref)
    build(skp, "marts.skp_asn_period")
    assert rows(
        skp, "select rating_hasil_kerja, rating_hasil_kerja_label, predikat_label from marts.skp_asn_period"
    ) == [("di_atas", "Di atas ekspektasi (saran sistem)", "Baik")]


def test_the_sangat_kurang_wording_is_selectable(skp, tmp_path):
    given(
        skp,
        "staging.stg_skp",
        [indicator(target=10, realisasi=5, rating_hasil_kerja="di_bawah", rating_perilaku="di_bawah")],
    )
    build(skp, "marts.skp_asn_period")
    assert rows(skp, "select predikat_label from marts.skp_asn_period") == [("Sangat Kurang",)]
    text = (DEFAULT_REFERENCE_DIR / "predikat_rank.csv").read_text(encoding="utf-8")
    ref = reference_copy(
        tmp_path,
        predikat_rank=text.replace(
            "Sangat Kurang,Sangat Kurang/Misconduct,false", "Sangat Kurang,Sangat Kurang/Misconduct,true"
        ),
    )
    load_reference_tables(skp, ref)
    build(skp, "marts.skp_asn_period")
    assert rows(skp, "select predikat, predikat_rank, predikat_label from marts.skp_asn_period") == [
        ("sangat_kurang", 1, "Sangat Kurang/Misconduct")
    ]


def test_office_enters_its_organisation_predikat_and_the_pola_check_follows(skp, tmp_path):
    # Pager rated Istimewa for 2026: at most 70 % Sangat Baik; Pager has 1 of 2 = 50 % -> holds -> 1.
    # The kecamatan's row (the root unit) holds for the office: Baik, 1 SB + 1 B of 2 -> 50 % Baik
    # holds, but no Butuh Perbaikan/Kurang -> 0. Pager's 2025 predikat says nothing about 2026.
    given(skp, "staging.stg_skp", UNIT_CASE)
    ref = reference_copy(
        tmp_path,
        predikat_organisasi=(
            "unit_slug,tahun,predikat,dasar_penetapan,keterangan\n"
            "kecamatan-rakumpit,2026,baik,penetapan wali kota,\n"
            "kelurahan-pager,2025,sangat_kurang,penetapan camat,\n"
            "kelurahan-pager,2026,istimewa,penetapan camat,\n"
        ),
    )
    load_reference_tables(skp, ref)
    build(skp, "marts.metrics_skp")
    assert rows(
        skp,
        "select scope, scope_id, value, label from marts.metrics_skp "
        "where metric = 'pola_distribusi' order by scope, scope_id",
    ) == [
        (
            "office",
            "kecamatan-rakumpit",
            0.0,
            "Pola distribusi untuk predikat organisasi Baik: paling banyak 70 % Baik; harus ada Butuh Perbaikan "
            "dan/atau Kurang/Misconduct. Tidak sesuai: harus ada Butuh Perbaikan dan/atau Kurang/Misconduct "
            "(tidak ada). (informatif)",
        ),
        (
            "unit",
            "kelurahan-pager",
            1.0,
            "Pola distribusi untuk predikat organisasi Istimewa: paling banyak 70 % Sangat Baik. Sesuai pola. "
            "(informatif)",
        ),
    ]


def test_an_unknown_organisation_predikat_is_not_assessed_and_says_why(skp, tmp_path):
    given(skp, "staging.stg_skp", UNIT_CASE)
    ref = reference_copy(
        tmp_path,
        predikat_organisasi=(
            "unit_slug,tahun,predikat,dasar_penetapan,keterangan\nkelurahan-pager,2026,cukup baik,,\n"
        ),
    )
    load_reference_tables(skp, ref)
    build(skp, "marts.metrics_skp")
    assert rows(
        skp,
        "select value, label from marts.metrics_skp where metric_id = ?",
        ["pola_distribusi/unit/kelurahan-pager/2026-10"],
    ) == [
        (
            None,
            "Predikat organisasi 'cukup baik' tidak dikenal (lihat data/reference/predikat_organisasi_rating.csv): "
            "pola distribusi tidak dinilai",
        )
    ]


# ---------------------------------------------------------------- pola distribusi, SE MenPANRB 3/2023

# ratings that give each predikat (PermenPANRB 6/2022 matrix)
RATINGS_FOR = {
    "sangat_baik": ("di_atas", "di_atas"),
    "baik": ("sesuai", "sesuai"),
    "butuh_perbaikan": ("di_bawah", "sesuai"),
    "kurang": ("sesuai", "di_bawah"),
    "sangat_kurang": ("di_bawah", "di_bawah"),
}


def pola_of(con, tmp_path, organisation: str, **staff: int) -> tuple:
    """(value, label) of the pola check of a 10-person Bukit Sua whose predikat counts are given."""
    roster, skp_rows = [], []
    for predikat, n in staff.items():
        hk, pk = RATINGS_FOR[predikat]
        for _ in range(n):
            nip = f"1990010120150110{len(roster):02d}"
            roster.append(
                {
                    "nip": nip,
                    "nama": f"Staf {len(roster)}",
                    "jabatan": "Pengadministrasi Perkantoran",
                    "unit_slug": "kelurahan-bukit-sua",
                    "jenis_asn": "PNS",
                }
            )
            skp_rows.append(indicator(nip=nip, target=1, realisasi=1, rating_hasil_kerja=hk, rating_perilaku=pk))
    assert len(roster) == 10
    given(con, "staging.stg_pegawai", roster)
    given(con, "staging.stg_skp", skp_rows)
    load_reference_tables(
        con,
        reference_copy(
            tmp_path,
            predikat_organisasi=(
                "unit_slug,tahun,predikat,dasar_penetapan,keterangan\n"
                f"kelurahan-bukit-sua,2026,{organisation},penetapan camat,\n"
            ),
        ),
    )
    build(con, "marts.metrics_skp")
    (got,) = rows(
        con,
        "select value, label from marts.metrics_skp where metric_id = ?",
        ["pola_distribusi/unit/kelurahan-bukit-sua/2026-10"],
    )
    return got


SE_POLA = [
    # (organisation predikat, staff counts of 10, rules that fail: None = fits). Each bound at
    # the bound (holds) and one ASN (10 %) beyond it (fails).
    # 1. Istimewa: at most 70 % Sangat Baik
    ("istimewa", dict(sangat_baik=7, baik=3), None),
    ("istimewa", dict(sangat_baik=8, baik=2), "paling banyak 70 % Sangat Baik (80,0 %)"),
    # 2. Baik: at most 70 % Baik; there must be Butuh Perbaikan and/or Kurang/Misconduct
    ("baik", dict(baik=7, sangat_baik=2, butuh_perbaikan=1), None),
    ("baik", dict(baik=7, sangat_baik=2, kurang=1), None),
    ("baik", dict(baik=8, sangat_baik=1, butuh_perbaikan=1), "paling banyak 70 % Baik (80,0 %)"),
    ("baik", dict(baik=7, sangat_baik=3), "harus ada Butuh Perbaikan dan/atau Kurang/Misconduct (tidak ada)"),
    # 3. Butuh Perbaikan/Cukup: at least 60 % Butuh Perbaikan; at most 10 % Sangat Baik
    ("butuh_perbaikan", dict(butuh_perbaikan=6, sangat_baik=1, baik=3), None),
    ("butuh_perbaikan", dict(butuh_perbaikan=5, sangat_baik=1, baik=4), "paling sedikit 60 % Butuh Perbaikan (50,0 %)"),
    ("butuh_perbaikan", dict(butuh_perbaikan=6, sangat_baik=2, baik=2), "paling banyak 10 % Sangat Baik (20,0 %)"),
    # 4. Kurang: at least 60 % Kurang/Misconduct; at least 10 % Butuh Perbaikan; at most 10 % Sangat Baik
    ("kurang", dict(kurang=6, butuh_perbaikan=1, sangat_baik=1, baik=2), None),
    (
        "kurang",
        dict(kurang=5, butuh_perbaikan=1, sangat_baik=1, baik=3),
        "paling sedikit 60 % Kurang/Misconduct (50,0 %)",
    ),
    ("kurang", dict(kurang=6, sangat_baik=1, baik=3), "paling sedikit 10 % Butuh Perbaikan (0,0 %)"),
    ("kurang", dict(kurang=6, butuh_perbaikan=1, sangat_baik=2, baik=1), "paling banyak 10 % Sangat Baik (20,0 %)"),
    # 5. Sangat Kurang: at least 60 % Sangat Kurang; at least 10 % Kurang/Misconduct and/or Butuh
    #    Perbaikan (together); no Sangat Baik
    ("sangat_kurang", dict(sangat_kurang=6, kurang=1, baik=3), None),
    ("sangat_kurang", dict(sangat_kurang=6, butuh_perbaikan=1, baik=3), None),
    ("sangat_kurang", dict(sangat_kurang=5, kurang=1, baik=4), "paling sedikit 60 % Sangat Kurang (50,0 %)"),
    (
        "sangat_kurang",
        dict(sangat_kurang=6, baik=4),
        "paling sedikit 10 % Kurang/Misconduct dan/atau Butuh Perbaikan (0,0 %)",
    ),
    ("sangat_kurang", dict(sangat_kurang=6, kurang=1, sangat_baik=1, baik=2), "tidak ada Sangat Baik (10,0 %)"),
]


@pytest.mark.parametrize(
    "organisation,staff,failed",
    SE_POLA,
    ids=[f"{o}-{'-'.join(f'{k}{v}' for k, v in s.items())}" for o, s, _ in SE_POLA],
)
def test_each_pola_of_the_se_at_and_beyond_its_bounds(skp, tmp_path, organisation, staff, failed):
    value, label = pola_of(skp, tmp_path, organisation, **staff)
    if failed is None:
        assert (value, label.endswith(" Sesuai pola. (informatif)")) == (1.0, True), label
    else:
        assert (value, label.split(". Tidak sesuai: ")[1]) == (0.0, failed + ". (informatif)")


def test_the_head_is_not_counted_in_the_pola_of_the_unit_they_lead(skp, tmp_path):
    # Pager rated Istimewa: 7 staff Sangat Baik and 3 Baik = 70 % holds. The Lurah (Sangat Baik)
    # is rated by the Camat, so is not counted: with them it would be 8 of 11 = 72,7 % and fail.
    # In the office (the kecamatan, no predikat entered) the Lurah is staff like the others.
    roster, skp_rows = [], [indicator(target=1, realisasi=1, rating_hasil_kerja="di_atas", rating_perilaku="di_atas")]
    for i, predikat in enumerate(["sangat_baik"] * 7 + ["baik"] * 3):
        nip = f"1990010120150110{i:02d}"
        hk, pk = RATINGS_FOR[predikat]
        roster.append(
            {
                "nip": nip,
                "nama": f"Staf {i}",
                "jabatan": "Penata Layanan Operasional",
                "unit_slug": "kelurahan-pager",
                "jenis_asn": "PNS",
            }
        )
        skp_rows.append(indicator(nip=nip, target=1, realisasi=1, rating_hasil_kerja=hk, rating_perilaku=pk))
    given(skp, "staging.stg_pegawai", roster)
    given(skp, "staging.stg_skp", skp_rows)
    organisation_predikat(skp, tmp_path, "kelurahan-pager,2026,istimewa")
    build(skp, "marts.metrics_skp")
    assert rows(
        skp,
        "select scope, asn_berpredikat, kepala_dikecualikan, sesuai_pola "
        "from marts.skp_unit_pola_distribusi order by scope",
    ) == [("office", 11, 0, None), ("unit", 10, 1, True)]
    # the predikat counts of the unit still show everyone
    assert rows(
        skp,
        "select value from marts.metrics_skp where metric_id = ?",
        ["predikat_sangat_baik/unit/kelurahan-pager/2026-10"],
    ) == [(8.0,)]


def test_the_kurang_pola_reads_all_three_rules_of_the_se(skp, tmp_path):
    _, label = pola_of(skp, tmp_path, "kurang", kurang=6, butuh_perbaikan=1, sangat_baik=1, baik=2)
    assert label == (
        "Pola distribusi untuk predikat organisasi Kurang: paling sedikit 60 % Kurang/Misconduct; "
        "paling sedikit 10 % Butuh Perbaikan; paling banyak 10 % Sangat Baik. Sesuai pola. (informatif)"
    )
