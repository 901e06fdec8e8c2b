"""The reports of the sample office: pages, offline assets, traceable numbers, privacy, escaping."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from pagecheck import metric_ids_in, points_without_ids, unmarked_numbers
from sample_reports import HOSTILE_TEXT, HOSTILE_UNIT, PERIOD

INTERNAL_MARK = "INTERNAL — memuat data pribadi"


def internal_of(folder: Path) -> Path:
    """The named pages of a period rendered to folder (out/<period>) with the default internal root."""
    return folder.resolve().parent.parent / "internal" / folder.name


def pages(folder: Path, internal: bool | None = None) -> list[Path]:
    public = sorted(folder.rglob("*.html"))
    named = sorted(internal_of(folder).rglob("*.html")) if internal_of(folder).is_dir() else []
    return {None: public + named, False: public, True: named}[internal]


# --- formats ------------------------------------------------------------------------------------
def test_indonesian_number_formats():
    from reports.fmt import Metric, angka, bulan, tampil

    assert angka(82.314, 2) == "82,31"
    assert angka(1234) == "1.234"
    assert angka(1234567.5, 1) == "1.234.567,5"
    assert angka(-0.001, 2) == "0,00"
    assert angka(None) == "–"
    assert bulan("2026-10") == "Oktober 2026"
    assert bulan("2026-02", singkat=True) == "Feb 2026"
    assert bulan("2026-Q3") == "Triwulan III 2026"
    m = Metric("attendance_rate/unit/x/2026-10", "attendance_rate", "unit", "x", "2026-10", 94.5, None, "%")
    assert tampil(m) == "94,50\u00a0%"


def test_a_number_is_wrapped_with_its_metric_id_and_tooltip():
    from reports.fmt import Metric, num_html

    m = Metric("ikm/unit/kelurahan-pager/2026-10", "ikm", "unit", "kelurahan-pager", "2026-10", 73.58, "C", "poin")
    html = str(num_html(m))
    assert 'data-metric-id="ikm/unit/kelurahan-pager/2026-10"' in html
    assert 'title="ikm/unit/kelurahan-pager/2026-10' in html
    assert ">73,58<" in html


# --- the pages ------------------------------------------------------------------------------------
def test_render_writes_every_page_and_one_local_plotly(rendered, sample_warehouse):
    con, _ = sample_warehouse
    names = {p.name for p in pages(rendered, internal=False)}
    assert {"index.html", "rekomendasi.html", "kualitas-data.html", "metodologi.html"} <= names
    units = {
        r[0]
        for r in con.execute(
            "select distinct split_part(scope_id, ':', 1) from metrics where scope = 'unit' and period = ?", [PERIOD]
        ).fetchall()
    }
    assert {f"unit-{u}.html" for u in units} <= names
    internal = {p.name for p in pages(rendered, internal=True)}
    assert {"index.html", "rekomendasi.html", "karantina.html"} <= internal
    nips = {
        r[0]
        for r in con.execute(
            "select distinct scope_id from metrics where scope = 'asn' and period = ? and scope_id not like '%:%'",
            [PERIOD],
        ).fetchall()
    }
    assert {f"asn-{n}.html" for n in nips} <= internal
    # one plotly bundle, beside the public pages; the internal pages use it (and the CSS) from there
    bundles = list(rendered.parent.parent.rglob("plotly*.js"))
    assert bundles == [rendered / "plotly.min.js"]
    assert (rendered / "plotly.min.js").stat().st_size > 1_000_000
    named = (internal_of(rendered) / "index.html").read_text()
    assert '<script src="../../out/2026-10/plotly.min.js"></script>' in named
    assert '<link rel="stylesheet" href="../../out/2026-10/pantau.css">' in named
    css = (rendered / "pantau.css").read_text()
    assert "@media print" in css and "@page" in css


def test_nothing_is_loaded_from_the_network(rendered):
    for page in pages(rendered):
        html = page.read_text(encoding="utf-8")
        for attr, url in re.findall(r'\b(src|href)="([^"]+)"', html):
            assert not re.match(r"^(https?:)?//", url), f"{page.name}: {attr}={url}"
        assert "cdn." not in html.lower(), page.name


def test_every_metric_id_on_the_pages_is_published(rendered, metric_ids):
    seen = set()
    for page in pages(rendered):
        ids = metric_ids_in(page.read_text(encoding="utf-8"))
        unknown = ids - metric_ids
        assert not unknown, f"{page.name}: {sorted(unknown)[:5]}"
        seen |= ids
    assert len(seen) > 500


@pytest.mark.parametrize("kind", ["public", "internal"])
def test_every_number_shown_carries_its_metric_id(rendered, kind):
    checked = pages(rendered, internal=(kind == "internal"))
    assert checked
    for page in checked:
        html = page.read_text(encoding="utf-8")
        assert unmarked_numbers(html) == [], page.name
        assert points_without_ids(html) == [], page.name


def test_the_check_fails_a_page_without_ids():
    html = (
        '<table><tr><td>82,31</td><td><span data-metric-id="ikm/unit/x/2026-10">82,31</span></td></tr></table>'
        '<div class="headline">Kehadiran 93,30 %</div><figure><figcaption><h3>naik 5</h3></figcaption></figure>'
    )
    assert unmarked_numbers(html) == ["82,31", "Kehadiran 93,30 %", "naik 5"]
    chart = (
        '<script type="application/json" id="fig-x">{"data": [{"name": "a", "y": [1, 2], '
        '"customdata": ["m/office/x/2026-10", null]}], "layout": {}}</script>'
    )
    assert points_without_ids(chart) == ["fig-x/a[1]"]


def test_index_leads_with_the_findings_and_headline_figures(rendered):
    html = (rendered / "index.html").read_text(encoding="utf-8")
    for heading in (
        "Sekilas",
        "Angka utama",
        "Tren 12 bulan",
        "Perbandingan unit",
        "Suara warga",
        "Mengapa target tidak tercapai",
        "Rekomendasi per unit",
    ):
        assert heading in html
    for metric in (
        "ikm/office/",
        "attendance_rate/office/",
        "capaian_rata/office/",
        "predikat_sangat_baik/office/",
        "asn_to_follow_up/office/",
        "keluhan_naik/office-tema/",
        "sinyal_penghargaan/unit/",
    ):
        assert f'data-metric-id="{metric}' in html, metric
    # change from the previous period: the previous value is shown with its own id
    assert 'data-metric-id="attendance_rate/office/kecamatan-rakumpit/2026-09"' in html
    # twelve months on the trend
    assert html.count("tren-kehadiran") >= 2
    assert "Nov 2025" in html and "Okt 2026" in html


def test_sekilas_gives_the_reasons_of_perhatian_units_and_no_indikasi_signal(rendered, sample_warehouse):
    con, _ = sample_warehouse
    perhatian, indikasi = (
        con.execute(
            f"select value from metrics where metric = '{m}' and scope = 'office' and period = ?", [PERIOD]
        ).fetchone()[0]
        for m in ("rekomendasi_perhatian", "rekomendasi_indikasi")
    )
    assert indikasi > 0  # the samples have small-sample C/D unsur: the case this checks
    html = (rendered / "index.html").read_text(encoding="utf-8")
    sekilas = re.sub(r"<[^>]+>", "", html[html.index("Sekilas") : html.index("Angka utama")])
    reasons = re.search(r"unit perlu perhatian( \(([^)]*)\))?\.", sekilas)
    assert reasons is not None
    assert perhatian < 8 and f"{int(perhatian)} unit perlu perhatian" in sekilas
    # a signal never explains 'perlu perhatian', and the summary leaves the signals to the Rekomendasi page
    assert "ndikasi" not in sekilas
    assert "Unit dengan <strong>indikasi</strong>" in (rendered / "rekomendasi.html").read_text(encoding="utf-8")


def test_the_predikat_card_says_the_pola_is_not_assessed_without_an_organisation_predikat(rendered):
    # the shipped predikat_organisasi.csv is empty: SE MenPANRB 3/2023's pola is read for the
    # organisation's own predikat, so nothing is checked and nothing is flagged
    html = (rendered / "index.html").read_text(encoding="utf-8")
    assert (
        'data-metric-id="pola_distribusi/office/kecamatan-rakumpit/2026-10" title="pola_distribusi/office/'
        'kecamatan-rakumpit/2026-10 · Predikat organisasi belum ditetapkan: pola distribusi tidak dinilai">'
        "pola distribusi tidak dinilai: predikat organisasi belum ditetapkan</span> (informatif)"
    ) in html
    assert "tidak sesuai pola distribusi" not in html


def test_unit_page_shows_trends_priorities_kendala_and_complaints(rendered):
    html = (rendered / f"unit-{HOSTILE_UNIT}.html").read_text(encoding="utf-8")
    for chart in ("tren-kehadiran-", "tren-terlambat-", "tren-capaian-", "tren-ikm-", "nrr-", "kendala-", "keluhan-"):
        assert f'id="{chart}{HOSTILE_UNIT}"' in html, chart
    assert "Prioritas perbaikan" in html
    assert f'data-metric-id="prioritas_perbaikan/unit-unsur/{HOSTILE_UNIT}:' in html


def test_citizen_html_shows_as_text(rendered):
    html = (rendered / f"unit-{HOSTILE_UNIT}.html").read_text(encoding="utf-8")
    assert "&lt;script&gt;window.__pwned = 1&lt;/script&gt;" in html
    assert "<script>window.__pwned" not in html
    assert "<img src=x onerror" not in html and "<b>tebal</b>" not in html
    assert "&lt;b&gt;tebal&lt;/b&gt;" in html
    # the escaped text is the citizen's, unchanged (names and NIPs apart)
    from html import unescape

    assert HOSTILE_TEXT in unescape(html)


def test_public_pages_show_no_names_or_nips(rendered, sample_warehouse):
    con, _ = sample_warehouse
    roster = con.execute("select nip, nama from staging.stg_pegawai").fetchall()
    assert roster
    for page in pages(rendered, internal=False):
        html = page.read_text(encoding="utf-8")
        for nip, nama in roster:
            assert nip not in html, f"{page.name} shows NIP {nip}"
            plain = nama.split(",")[0].strip()
            assert plain not in html, f"{page.name} shows the name {plain}"
        assert not re.search(r"\b(19|20)\d{16}\b", html), page.name


def test_internal_pages_are_marked_at_the_top(rendered):
    for page in pages(rendered, internal=True):
        html = page.read_text(encoding="utf-8")
        body = html.split("<body>", 1)[1]
        assert body.lstrip().startswith('<div class="internal-banner"'), page.name
        assert INTERNAL_MARK in body[:300], page.name
    for page in pages(rendered, internal=False):
        assert INTERNAL_MARK not in page.read_text(encoding="utf-8"), page.name


def test_internal_asn_page_shows_the_days_behind_a_discipline_band(rendered, sample_warehouse):
    con, _ = sample_warehouse
    found = con.execute(
        "select b.scope_id from metrics b join metrics t on t.metric_id = replace(b.metric_id, "
        "'discipline_band/', 'tk_days_ytd/') where b.metric = 'discipline_band' and b.value > 0 "
        "and t.value > 0 and b.period = ? order by 1 limit 1",
        [PERIOD],
    ).fetchall()
    assert found, "the sample office has an ASN in a discipline band"
    nip = found[0][0]
    html = (internal_of(rendered) / f"asn-{nip}.html").read_text(encoding="utf-8")
    assert "perlu ditindaklanjuti" in html
    assert "Hari TK tahun berjalan yang membentuk pita" in html
    assert '<time datetime="2026-' in html
    assert f'data-metric-id="discipline_band/asn/{nip}/{PERIOD}"' in html


def test_internal_asn_page_lists_the_late_minutes_a_band_counts(rendered, sample_warehouse):
    con, _ = sample_warehouse
    found = con.execute(
        "select scope_id from metrics where metric = 'late_days_ytd' and value > 0 and period = ? order by 1 limit 1",
        [PERIOD],
    ).fetchall()
    assert found, "the sample office has an ASN whose late minutes reach a day"
    nip = found[0][0]
    html = (internal_of(rendered) / f"asn-{nip}.html").read_text(encoding="utf-8")
    assert "Menit terlambat dan pulang cepat tahun berjalan (dihitung ke pita)" in html
    assert f'data-sumber="marts.attendance_asn_ytd/{nip}/{PERIOD}/late_days_ytd"' in html
    assert f'data-metric-id="discipline_days_ytd/asn/{nip}/{PERIOD}"' in html


def test_recommendations_propose_never_decide(rendered, sample_warehouse):
    con, _ = sample_warehouse
    labels = [r[0] for r in con.execute("select label from metrics where metric = 'rekomendasi_aturan'").fetchall()]
    assert labels
    assert all(label.startswith(("diusulkan", "perlu perhatian", "indikasi")) for label in labels)
    html = (rendered / "rekomendasi.html").read_text(encoding="utf-8")
    assert "Usulan, bukan keputusan" in html
    for decided in ("dijatuhi", "ditetapkan sanksi", "diberhentikan", "dipecat"):
        assert decided not in html.lower()
    # 2026-10 closes no evaluation period: the month's results are signals, said so, never proposals
    signals = [r[0] for r in con.execute("select label from metrics where metric = 'sinyal_aturan'").fetchall()]
    assert signals and all(label.startswith("sinyal ") and "(bukan usulan)" in label for label in signals)
    assert "tidak ada usulan penghargaan atau pembinaan perorangan" in html
    named = (internal_of(rendered) / "rekomendasi.html").read_text(encoding="utf-8")
    assert "Calon penghargaan" in named and "Calon pembinaan atau pelatihan" in named
    assert "Sinyal bulan ini (bukan usulan)" in named
    assert 'data-metric-id="sinyal_aturan/asn/' in named


def test_quality_and_method_pages(rendered, sample_warehouse):
    con, _ = sample_warehouse
    quality = (rendered / "kualitas-data.html").read_text(encoding="utf-8")
    files = con.execute("select file_id, path from lineage.files where status <> 'superseded'").fetchall()
    for file_id, path in files:
        assert f'data-sumber="lineage.files/{file_id}/rows_read"' in quality, path
    # each reference table's GX suite, as the run ran it, beside the files
    suites = con.execute(
        "select suite, sha256 from lineage.suites where kind = 'referensi' and run_id = "
        "(select max(run_id) from metrics where period = ?)",
        [PERIOD],
    ).fetchall()
    assert "ref.discipline_bands" in {s for s, _ in suites}
    for suite, sha in suites:
        assert f'data-sumber="lineage.validation_results/{suite}"' in quality and sha[:12] in quality, suite
    assert "column_pair_values_to_be_equal" in quality
    method = (rendered / "metodologi.html").read_text(encoding="utf-8")
    versions = con.execute(
        "select name, sha256 from lineage.reference_tables where run_id = "
        "(select max(run_id) from metrics where period = ?)",
        [PERIOD],
    ).fetchall()
    assert versions
    for name, sha in versions:
        assert sha in method, name
    assert "recommendation_rules" in method


def test_without_internal_pages_the_folder_is_removed(sample_warehouse, tmp_path):
    from reports.render import render_period

    con, _ = sample_warehouse
    render_period(con, PERIOD, tmp_path / "out")
    assert (tmp_path / "internal" / PERIOD / "index.html").exists()
    index = render_period(con, PERIOD, tmp_path / "out", include_internal=False)
    assert not (tmp_path / "internal" / PERIOD).exists()
    for page in pages(index.parent):
        assert 'href="internal/' not in page.read_text(encoding="utf-8"), page.name


def test_rendering_twice_gives_the_same_pages(sample_warehouse, rendered, tmp_path):
    from reports.render import render_period

    con, _ = sample_warehouse
    again = render_period(con, PERIOD, tmp_path / "out").parent
    for page in pages(rendered, internal=False):
        twin = again / page.relative_to(rendered)
        assert twin.read_bytes() == page.read_bytes(), page.name
    for page in pages(rendered, internal=True):
        twin = internal_of(again) / page.name
        assert twin.read_bytes() == page.read_bytes(), page.name


def test_a_period_without_metrics_is_refused(sample_warehouse, tmp_path):
    from reports.render import render_period

    con, _ = sample_warehouse
    with pytest.raises(ValueError):
        render_period(con, "2026-13", tmp_path / "out")
    with pytest.raises(LookupError):
        render_period(con, "2031-01", tmp_path / "out")


def test_a_period_without_survey_or_skp_still_renders(sample_warehouse, tmp_path):
    """Survey and SKP files are optional (docs/inbox.md): their sections say so instead of failing."""
    from reports.render import render_period

    con, _ = sample_warehouse
    con.execute("begin transaction")
    try:
        con.execute("""delete from main.metrics where metric in (select distinct metric from main.metrics
                       where metric like 'ikm%' or metric like 'nrr%' or metric like 'keluhan%'
                          or metric like 'responden%'
                          or metric like 'capaian%' or metric like 'predikat%' or metric like 'kendala%'
                          or metric in ('min_sample', 'sampel_cukup', 'pujian', 'populasi', 'prioritas_perbaikan',
                                        'target_tidak_tercapai'))""")
        index = render_period(con, PERIOD, tmp_path / "out")
    finally:
        con.execute("rollback")
    html = index.read_text(encoding="utf-8")
    assert "tidak ada survei pada periode ini" in html
    assert 'id="tren-kehadiran"' in html and 'id="tren-ikm"' not in html
    unit = (index.parent / f"unit-{HOSTILE_UNIT}.html").read_text(encoding="utf-8")
    assert "Tidak ada survei pada periode ini." in unit
