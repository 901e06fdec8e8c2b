"""Reports people act on: printed on A4, read on a phone (360 px) and a laptop (1366 px), charts
whose axes do not exaggerate.

Printing goes through Chromium's own print-to-PDF (Page.printToPDF, the print CSS and the page's
beforeprint handler, as the print dialog does); each PDF page is then rendered by poppler's pdftoppm
and read by pdftotext (Debian's `poppler-utils`; the Makefile's `chromium` target installs it with the
browser). A table column or chart cut by the page is found on the page laid out for paper (print
media at the A4 content width): an element past the page box or a scroll box clipping its table; a
page holding only the footer shows as a PDF page whose words are all the footer's. Without Chromium or poppler
these tests are skipped, saying so — except in CI (CI=true), where they fail.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from chromium import Chromium, find_chromium
from pagecheck import chart_specs, parse
from sample_reports import HOSTILE_UNIT, PERIOD

IN_CI = os.environ.get("CI", "").lower() in ("1", "true")
needs_browser = pytest.mark.skipif(
    find_chromium() is None and not IN_CI, reason="chromium tidak terpasang; pasang dengan: apt-get install -y chromium"
)
needs_poppler = pytest.mark.skipif(
    shutil.which("pdftoppm") is None and not IN_CI,
    reason="pdftoppm tidak terpasang; pasang dengan: apt-get install -y poppler-utils",
)

SUMMARY = "ringkasan-satu-halaman.html"
PRINTED = ["index.html", f"unit-{HOSTILE_UNIT}.html", SUMMARY]
CHARTS_DRAWN = "[...document.querySelectorAll('[data-figure]')].every(d => d.querySelector('svg.main-svg'))"
DPI = 40
# the A4 content box of pantau.css (@page: 210 mm less two 12 mm margins = 186 mm) in CSS px (96 per inch)
PAPER_PX = int(186 / 25.4 * 96)
# Runs in the page laid out for paper: what reaches past the paper's content box, and every scroll box
# that would clip its content on paper (a cut column)
PAPER_LAYOUT = r"""
(async () => {
  window.dispatchEvent(new Event('beforeprint'));
  await new Promise(r => setTimeout(r, 300));
  const width = document.documentElement.clientWidth;
  const wide = [...document.body.querySelectorAll('table, figure, .plot, .kartu, svg.main-svg, main, footer')]
      .filter(el => !el.closest('#js-plotly-tester') && el.getBoundingClientRect().right > width + 1)
      .map(el => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '')
                 + (el.className && el.className.baseVal === undefined ? '.' + el.className : ''));
  const clipped = [...document.querySelectorAll('*')].filter(el => {
      const o = getComputedStyle(el).overflowX;
      return (o === 'auto' || o === 'scroll' || o === 'hidden') && el.scrollWidth > el.clientWidth + 1
             && !el.closest('.plot') && !el.closest('#js-plotly-tester');
  }).map(el => el.tagName.toLowerCase() + '.' + el.className);
  return {width, page: document.documentElement.scrollWidth, wide, clipped};
})()
"""


# --- PDF pages as pixels and words ---------------------------------------------------------------
def pdf_pages(pdf: Path, folder: Path) -> list[dict]:
    """Each page of a PDF: its image (rendered by pdftoppm) and its words."""
    prefix = folder / pdf.stem
    subprocess.run(["pdftoppm", "-r", str(DPI), "-png", str(pdf), str(prefix)], check=True)
    images = sorted(folder.glob(f"{pdf.stem}-*.png"), key=lambda p: int(p.stem.rsplit("-", 1)[1]))
    out = []
    for number, image in enumerate(images, start=1):
        text = subprocess.run(
            ["pdftotext", "-layout", "-f", str(number), "-l", str(number), str(pdf), "-"],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        out.append({"image": image, "words": text.split()})
    return out


def only_footer(words: list[str], footer: str) -> bool:
    footer_words = set(footer.split())
    return len([w for w in words if w not in footer_words]) < 5


def print_page(browser: Chromium, url: str, pdf: Path) -> str:
    """Print a page to PDF as a reader would; returns the footer's text."""
    page = browser.open(url)
    page.wait_for(CHARTS_DRAWN, timeout=30)
    page.pdf(pdf)
    footer = page.evaluate("(document.querySelector('footer') || {}).innerText || ''")
    page.close()
    return footer


@pytest.fixture(scope="module")
def printed(rendered, tmp_path_factory) -> dict[str, dict]:
    folder = tmp_path_factory.mktemp("cetak")
    out = {}
    with Chromium() as browser:
        for name in PRINTED:
            pdf = folder / (name.removesuffix(".html") + ".pdf")
            footer = print_page(browser, (rendered / name).as_uri(), pdf)
            out[name] = {"pages": pdf_pages(pdf, folder), "footer": footer}
    return out


def paper_layout(browser: Chromium, url: str) -> dict:
    """The page laid out as on paper: print media at the width of the A4 content box, charts redrawn by
    the page's own beforeprint handler."""
    page = browser.open(url, width=PAPER_PX, height=1100)
    page.wait_for(CHARTS_DRAWN, timeout=30)
    browser.send("Emulation.setEmulatedMedia", {"media": "print"}, session=page.session)
    found = page.evaluate(PAPER_LAYOUT)
    page.close()
    return found


@needs_browser
def test_on_paper_every_table_column_and_chart_fits_the_page_box(rendered):
    """Nothing reaches past the A4 content box and no scroll box clips a table (the columns the issue
    saw cut); Chromium would otherwise shrink the whole page or print a cut table."""
    with Chromium() as browser:
        for name in PRINTED:
            found = paper_layout(browser, (rendered / name).as_uri())
            assert found["width"] == PAPER_PX, name
            assert found["wide"] == [] and found["clipped"] == [], (name, found)
            assert found["page"] <= PAPER_PX, name


@needs_browser
@needs_poppler
def test_printed_pages_are_rendered_page_by_page(printed):
    for name, found in printed.items():
        assert found["pages"], name
        for page in found["pages"]:
            assert page["image"].stat().st_size > 1000 and page["words"], name


@needs_browser
@needs_poppler
def test_no_printed_page_holds_only_the_footer(printed):
    for name, found in printed.items():
        assert found["footer"].strip(), name
        for number, page in enumerate(found["pages"], start=1):
            assert not only_footer(page["words"], found["footer"]), (name, number)


@needs_browser
@needs_poppler
def test_the_ringkasan_prints_its_unit_table_whole(printed, sample_warehouse):
    """The columns the issue saw lost on paper (Keluhan, Tindak lanjut disiplin, Aturan perhatian)
    are printed, with the rules that hold for Pager (the last column) in them."""
    con, _ = sample_warehouse
    words = " ".join(w for page in printed["index.html"]["pages"] for w in page["words"])
    for head in ("Keluhan", "Tindak", "lanjut", "Aturan", "perhatian"):
        assert head in words
    rules = con.execute(
        "select count(*) from metrics where metric = 'rekomendasi_aturan' and scope = 'unit' "
        "and scope_id = ? and period = ?",
        [f"{HOSTILE_UNIT}:perhatian-ikm", PERIOD],
    ).fetchone()[0]
    assert rules == 1 and "IKM mutu C/D" in words


@needs_browser
@needs_poppler
def test_the_one_page_summary_prints_on_one_sheet_with_the_headline_figures(printed, sample_warehouse):
    from reports.fmt import angka

    con, _ = sample_warehouse
    pages = printed[SUMMARY]["pages"]
    assert len(pages) == 1
    words = " ".join(pages[0]["words"])
    ikm, rate, perh = [
        con.execute("select value from metrics where metric_id = ?", [i]).fetchone()[0]
        for i in (
            f"ikm/office/kecamatan-rakumpit/{PERIOD}",
            f"discipline_rate/office/kecamatan-rakumpit/{PERIOD}",
            f"rekomendasi_perhatian/office/kecamatan-rakumpit/{PERIOD}",
        )
    ]
    assert angka(ikm, 2) in words and angka(rate, 2) in words
    assert f"Unit perlu perhatian: {angka(perh)}" in words
    assert "Unit yang perlu ditanyakan" in words and "Kel. Pager" in words
    assert "Sinyal bulan ini" in words  # October closes no evaluation period: the month's signals


@needs_browser
@needs_poppler
def test_the_print_checks_catch_a_cut_table_and_a_footer_alone(tmp_path):
    """A table wider than the paper, a table clipped by its scroll box and a footer pushed onto its own
    page are each found."""
    page_file = tmp_path / "buruk.html"
    footer = "Semua angka berasal dari tabel metrics di gudang data."
    page_file.write_text(
        "<!DOCTYPE html><html><head><style>@page { size: A4; margin: 12mm; }</style></head><body>"
        '<table style="width: 1400px"><tr>' + "".join(f"<td>kolom {i}</td>" for i in range(14)) + "</tr></table>"
        '<div style="overflow-x: auto"><table style="width: 900px"><tr><td>terpotong</td></tr></table></div>'
        f'<footer style="break-before: page">{footer}</footer></body></html>',
        encoding="utf-8",
    )
    with Chromium() as browser:
        found_footer = print_page(browser, page_file.as_uri(), tmp_path / "buruk.pdf")
        layout = paper_layout(browser, page_file.as_uri())
    assert layout["wide"] == ["table", "table"] and layout["clipped"] == ["div."] and layout["page"] > PAPER_PX
    pages = pdf_pages(tmp_path / "buruk.pdf", tmp_path)
    assert len(pages) == 2
    assert not only_footer(pages[0]["words"], found_footer) and only_footer(pages[1]["words"], found_footer)


# --- phone and laptop ----------------------------------------------------------------------------
# Elements reaching past the viewport that are not inside a scroll container (plotly's off-screen
# text measurer excepted); and, per table, whether it needs its scroll container at this width.
OVERFLOW = r"""
(() => {
  const vw = document.documentElement.clientWidth;
  const inScroller = el => {
    for (let a = el.parentElement; a && a !== document.body; a = a.parentElement) {
      const o = getComputedStyle(a).overflowX;
      if (o === 'auto' || o === 'scroll' || o === 'hidden') return true;
    }
    return false;
  };
  const wide = [];
  for (const el of document.body.querySelectorAll('*')) {
    if (el.closest('#js-plotly-tester')) continue;
    const r = el.getBoundingClientRect();
    if ((r.width || r.height) && (r.right > vw + 1 || r.left < -1) && !inScroller(el))
      wide.push(el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') + ' '
                + (el.textContent || '').trim().slice(0, 40));
  }
  const tables = [...document.querySelectorAll('.tabel-scroll')].map(s => ({
      section: (s.closest('section[aria-labelledby]') || {id: ''}).getAttribute?.('aria-labelledby') || '',
      scrolls: s.scrollWidth > s.clientWidth + 1}));
  const plots = [...document.querySelectorAll('[data-figure]')].map(d => d.getBoundingClientRect().right <= vw + 1);
  return {vw, page: document.documentElement.scrollWidth, wide, tables, plots};
})()
"""
SCREEN_PAGES = [
    "index.html",
    f"unit-{HOSTILE_UNIT}.html",
    SUMMARY,
    "rekomendasi.html",
    "kualitas-data.html",
    "metodologi.html",
]


@pytest.fixture(scope="module")
def screens(rendered) -> dict[tuple[str, int], dict]:
    out = {}
    with Chromium() as browser:
        for width in (360, 1366):
            for name in SCREEN_PAGES:
                page = browser.open((rendered / name).as_uri(), width=width, height=800, mobile=width < 500)
                page.wait_for(CHARTS_DRAWN, timeout=30)
                out[(name, width)] = page.evaluate(OVERFLOW)
                page.close()
    return out


@needs_browser
def test_nothing_is_wider_than_a_phone_or_a_laptop_outside_a_scroll_container(screens):
    for (name, width), found in screens.items():
        assert found["vw"] == width, name
        assert found["wide"] == [], (name, width)
        assert found["page"] <= width, (name, width)
        assert all(found["plots"]), (name, width)


@needs_browser
def test_at_1366_px_the_unit_and_recommendation_tables_show_all_their_columns(screens):
    tables = screens[("index.html", 1366)]["tables"]
    shown = {t["section"]: t["scrolls"] for t in tables}
    assert shown["unit"] is False and shown["rek"] is False
    assert not any(t["scrolls"] for t in screens[(f"unit-{HOSTILE_UNIT}.html", 1366)]["tables"])


@needs_browser
def test_the_viewport_check_catches_a_wide_element(tmp_path):
    page_file = tmp_path / "lebar.html"
    page_file.write_text(
        '<!DOCTYPE html><html><head><meta name="viewport" content="width=device-width"></head>'
        '<body><div style="width: 900px">lebar</div><div class="tabel-scroll" '
        'style="overflow-x: auto"><table style="width: 900px"><tr><td>x</td></tr></table></div>'
        "</body></html>",
        encoding="utf-8",
    )
    with Chromium() as browser:
        page = browser.open(page_file.as_uri(), width=360, height=800, mobile=True)
        found = page.evaluate(OVERFLOW)
        page.close()
    assert [w.split()[0] for w in found["wide"]] == ["div"]
    assert found["tables"] == [{"section": "", "scrolls": True}]


# --- honest axes (from the figure JSON) ----------------------------------------------------------
def figures(rendered: Path, name: str) -> dict[str, dict]:
    return {k.removeprefix("fig-"): v for k, v in chart_specs((rendered / name).read_text(encoding="utf-8")).items()}


def values(figure: dict, key: str) -> list[float]:
    return [v for t in figure["data"] for v in t.get(key, []) if v is not None]


def test_unit_bars_of_ikm_attendance_and_shares_start_at_zero(rendered):
    index = figures(rendered, "index.html")
    assert index["unit-ikm"]["layout"]["xaxis"]["range"] == [0, 100]  # chart_axes.csv: ikm 0–100
    assert index["unit-kehadiran"]["layout"]["xaxis"]["range"] == [0, 100]
    assert index["kendala"]["layout"]["xaxis"]["range"] == [0, 100]
    unit = figures(rendered, f"unit-{HOSTILE_UNIT}.html")
    assert unit[f"nrr-{HOSTILE_UNIT}"]["layout"]["xaxis"]["range"] == [0, 4]  # NRR scale 1–4, bars from 0
    # Pager's IKM bar is drawn as long as its value says, not half as long as the best unit's
    ikm = index["unit-ikm"]["data"][0]
    assert min(ikm["x"]) > 70 and index["unit-ikm"]["layout"]["xaxis"]["range"][0] == 0


def test_trend_axes_span_at_least_the_minimum_and_say_their_range(rendered):
    index = figures(rendered, "index.html")
    html = (rendered / "index.html").read_text(encoding="utf-8")
    for chart_id in ("tren-kehadiran", "tren-capaian", "tren-ikm"):
        low, high = index[chart_id]["layout"]["yaxis"]["range"]
        shown = values(index[chart_id], "y")
        assert high - low >= 20, chart_id  # rentang_minimum 20 in chart_axes.csv
        assert low <= min(shown) and max(shown) <= high, chart_id
    low, high = index["tren-capaian"]["layout"]["yaxis"]["range"]
    assert low <= 90 and high >= 110  # not 99–101,5 % as before
    low, high = index["tren-kehadiran"]["layout"]["yaxis"]["range"]
    assert high <= 101 and high - low < 25  # a rate's axis ends near 100 %
    root = parse(html)
    notes = [n.text() for n in root.iter() if n.attrs.get("data-sumber") == "ref.chart_axes"]
    assert any(t.startswith("Sumbu tegak 80–100 %, tidak mulai dari 0") for t in notes), notes


def test_fit_axes_widens_a_zoomed_trend_and_keeps_bars_from_zero():
    """Given capaian 99,2–101,5 % (the zoom the issue saw), the axis spans 20 points around it."""
    from reports import charts
    from reports.fmt import Metric

    def m(v, p="2026-10"):
        return Metric(f"capaian_rata/office/o/{p}", "capaian_rata", "office", "o", p, v, None, "%")

    axes = {"capaian_rata": charts.Axis(0, None, 20), "ikm": charts.Axis(0, 100, 20)}
    trend = charts.trend("t", "t", "", ["2026-09", "2026-10"], [("Capaian", [m(99.2, "2026-09"), m(101.5)])])
    charts.fit_axes(trend, axes)
    low, high = trend.layout["yaxis"]["range"]
    assert low < 90.5 and high > 110 and high - low >= 20
    ikm = Metric("ikm/unit/u/2026-10", "ikm", "unit", "u", "2026-10", 73.55, "C", "poin")
    bars = charts.bars("b", "t", "", [("Kel. Pager", ikm)], "IKM", x_range=[63, 100])
    charts.fit_axes(bars, axes)
    assert bars.layout["xaxis"]["range"] == [0, 100]
    other = charts.bars(
        "k",
        "t",
        "",
        [("x", Metric("keluhan/unit/u/2026-10", "keluhan", "unit", "u", "2026-10", 5, None, "keluhan"))],
        "Keluhan",
    )
    charts.fit_axes(other, axes)
    assert "range" not in other.layout["xaxis"]  # a metric without a row keeps plotly's range


def test_an_ikm_change_within_its_uncertainty_is_headed_stable(rendered, sample_warehouse):
    """The heading says "stabil — perubahan dalam batas ketidakpastian" first; never "turun" above
    "masih dalam batas ketidakpastian"."""
    con, _ = sample_warehouse
    within = dict(
        con.execute(
            "select scope_id, value from metrics where metric = 'ikm_perubahan_dalam_ketidakpastian' and period = ?",
            [PERIOD],
        ).fetchall()
    )
    assert within["kecamatan-rakumpit"] == 1 and 0 in within.values()
    checked = 0
    for path in sorted(rendered.glob("*.html")):
        root = parse(path.read_text(encoding="utf-8"))
        for fig in (n for n in root.iter() if n.tag == "figure" and (n.attrs.get("id") or "").startswith("tren-ikm")):
            title = next(n for n in fig.iter() if n.tag == "h3").text()
            notes = " ".join(n.text() for n in fig.iter() if "catatan-kaki" in n.classes())
            if "masih dalam batas ketidakpastian" in notes:
                assert "stabil — perubahan dalam batas ketidakpastian" in title, (path.name, title)
                assert "turun" not in title and "naik" not in title, (path.name, title)
            else:
                assert "stabil" not in title, (path.name, title)
            checked += 1
    assert checked >= 9
    # the headline card says the same: the office's change is within its uncertainty
    root = parse((rendered / "index.html").read_text(encoding="utf-8"))
    [card] = [n for n in root.iter() if "kartu" in n.classes() and "Indeks Kepuasan Masyarakat" in n.text()]
    assert "■ stabil (dalam batas ketidakpastian) dari" in card.text(), card.text()
    assert "turun" not in card.text() and "naik" not in card.text(), card.text()


def test_ringkasan_links_the_one_page_summary(rendered):
    index = (rendered / "index.html").read_text(encoding="utf-8")
    assert f'<a href="{SUMMARY}">Ringkasan satu halaman</a>' in index
    assert (rendered / SUMMARY).exists()
