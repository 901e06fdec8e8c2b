"""Between periods and for readers: the period index, periods.js and previous/next links; the reading
aids (mutu ranges, predikat matrix, "Cara membaca"); Indonesian words, decimal commas, periods in
words and times in WIB on the public pages.

The sample office (conftest.py: twelve months published) is rendered for three months, one after the
other, into one output folder, as three monthly runs would.
"""

from __future__ import annotations

import json
import os
import re
from datetime import UTC
from pathlib import Path

import pytest
from chromium import Chromium, find_chromium
from pagecheck import Node, parse, unmarked_numbers
from sample_reports import HOSTILE_UNIT, PERIOD

THREE = ["2026-08", "2026-09", "2026-10"]
NAMES = {"2026-08": "Agustus 2026", "2026-09": "September 2026", "2026-10": "Oktober 2026"}


def _stat(path: Path) -> tuple:
    s = path.stat()
    return s.st_ino, s.st_mtime_ns, path.read_bytes()


@pytest.fixture(scope="module")
def three_periods(sample_warehouse, tmp_path_factory) -> dict:
    """Three months rendered in order; the first month's files as they were before the later renders."""
    from reports.render import render_period

    con, _ = sample_warehouse
    out = tmp_path_factory.mktemp("tiga-periode") / "out"
    render_period(con, THREE[0], out, include_internal=False)
    first = {p.name: _stat(p) for p in (out / THREE[0]).iterdir()}
    for period in THREE[1:]:
        render_period(con, period, out, include_internal=False)
    return {"out": out, "first": first, "con": con}


def catalog(out: Path) -> list[dict]:
    text = (out / "periods.js").read_text(encoding="utf-8")
    return json.loads(re.search(r"window\.PANTAU_PERIODS = (.*);\s*$", text, re.S).group(1))


def test_periods_js_lists_every_published_period_with_its_pages(three_periods):
    listed = catalog(three_periods["out"])
    assert [p["period"] for p in listed] == THREE
    assert [p["label"] for p in listed] == [NAMES[p] for p in THREE]
    for p in listed:
        assert {"index.html", "metodologi.html", f"unit-{HOSTILE_UNIT}.html"} <= set(p["pages"])
        assert set(p["pages"]) == {f.name for f in (three_periods["out"] / p["period"]).glob("*.html")}
    assert not list(three_periods["out"].glob(".*.tmp"))  # written whole, nothing left behind


def test_the_period_index_lists_each_period_with_its_figures(three_periods):
    out, con = three_periods["out"], three_periods["con"]
    html = (out / "index.html").read_text(encoding="utf-8")
    office = con.execute("select scope_id from metrics where metric = 'ikm' and scope = 'office' limit 1").fetchall()[
        0
    ][0]
    positions = []
    for period in THREE:
        assert f'href="{period}/index.html"' in html
        ikm, label = con.execute(
            "select value, label from metrics where metric_id = ?", [f"ikm/office/{office}/{period}"]
        ).fetchall()[0]
        rate = con.execute(
            "select value from metrics where metric_id = ?", [f"discipline_rate/office/{office}/{period}"]
        ).fetchall()[0][0]
        shown_ikm = f"{ikm:.2f}".replace(".", ",")
        shown_rate = f"{rate:.2f}".replace(".", ",")
        assert (
            f'data-metric-id="ikm/office/{office}/{period}" title="ikm/office/{office}/{period} · {label}">{shown_ikm}<'
            in html
        )
        assert f'data-metric-id="discipline_rate/office/{office}/{period}"' in html and f">{shown_rate}\u00a0%<" in html
        positions.append(html.index(f'href="{period}/index.html"'))
    assert positions == sorted(positions, reverse=True)  # newest first
    assert unmarked_numbers(html) == []
    assert "WIB" in html  # when each period was published, in WIB


def test_publishing_a_month_leaves_the_earlier_folders_as_they_were(three_periods):
    out = three_periods["out"]
    now = {p.name: _stat(p) for p in (out / THREE[0]).iterdir()}
    assert now == three_periods["first"]  # same files (inode, mtime, bytes): never republished for a link


def test_every_page_links_to_the_period_index_without_javascript(three_periods):
    for page in (three_periods["out"] / THREE[1]).glob("*.html"):
        root = parse(page.read_text(encoding="utf-8"))
        nav = [n for n in root.iter() if n.tag == "nav" and "periode-nav" in n.classes()]
        assert len(nav) == 1, page.name
        links = {a.attrs.get("class"): a for a in nav[0].iter() if a.tag == "a"}
        assert links["periode-semua"].attrs["href"] == "../index.html", page.name
        assert "hidden" in links["periode-sebelum"].attrs and "hidden" in links["periode-sesudah"].attrs
        assert nav[0].attrs["data-periode"] == THREE[1] and nav[0].attrs["data-halaman"] == page.name


@pytest.mark.skipif(
    find_chromium() is None and os.environ.get("CI", "").lower() not in ("1", "true"),
    reason="chromium tidak terpasang; pasang dengan: apt-get install -y chromium (make test melakukannya)",
)
def test_periods_js_fills_previous_and_next_in_the_browser(three_periods):
    out = three_periods["out"]
    read = """(() => [...document.querySelectorAll('nav.periode-nav a')].map(a =>
                 ({cls: a.className, href: a.getAttribute('href'), text: a.textContent, hidden: a.hidden})))()"""
    seen = {}
    with Chromium() as browser:
        for period, name in (
            (THREE[1], f"unit-{HOSTILE_UNIT}.html"),
            (THREE[1], "index.html"),
            (THREE[2], "metodologi.html"),
            (THREE[0], "index.html"),
        ):
            page = browser.open((out / period / name).as_uri())
            page.wait_for("document.readyState === 'complete'", timeout=30)
            seen[(period, name)] = {a["cls"]: a for a in page.evaluate(read)}
            assert page.console_errors() == [], (period, name)
            page.close()
    middle = seen[(THREE[1], f"unit-{HOSTILE_UNIT}.html")]
    assert middle["periode-sebelum"] == {
        "cls": "periode-sebelum",
        "href": f"../2026-08/unit-{HOSTILE_UNIT}.html",
        "text": "\u2039 Agustus 2026",
        "hidden": False,
    }
    assert middle["periode-sesudah"] == {
        "cls": "periode-sesudah",
        "href": f"../2026-10/unit-{HOSTILE_UNIT}.html",
        "text": "Oktober 2026 \u203a",
        "hidden": False,
    }
    assert seen[(THREE[1], "index.html")]["periode-sebelum"]["href"] == "../2026-08/index.html"
    last = seen[(THREE[2], "metodologi.html")]
    assert last["periode-sebelum"]["href"] == "../2026-09/metodologi.html" and last["periode-sesudah"]["hidden"]
    first = seen[(THREE[0], "index.html")]  # published before the others, linked forward all the same
    assert first["periode-sebelum"]["hidden"] and first["periode-sesudah"]["href"] == "../2026-09/index.html"


# --- reading aids -------------------------------------------------------------------------------
def _main_sections(html: str) -> list[str]:
    root = parse(html)
    main = next(n for n in root.iter() if n.tag == "main")
    return [n.text().strip() for n in main.iter() if n.tag == "h2"]


def test_cara_membaca_opens_the_ringkasan_in_plain_words(rendered):
    html = (rendered / "index.html").read_text(encoding="utf-8")
    assert _main_sections(html)[0] == "Cara membaca"
    section = html[html.index('id="cara-membaca"') : html.index('id="sekilas"')]
    assert ".csv" not in section and "<code>" not in section


@pytest.mark.parametrize("page", ["index.html", f"unit-{HOSTILE_UNIT}.html"])
def test_mutu_ranges_and_predikat_matrix_stand_where_grades_are_shown(rendered, page):
    root = parse((rendered / page).read_text(encoding="utf-8"))
    tables = [n for n in root.iter() if n.tag == "table"]

    def rows_of(table: Node) -> list[list[str]]:
        return [[c.text().strip() for c in tr.iter() if c.tag in ("td", "th")] for tr in table.iter() if tr.tag == "tr"]

    found = [rows_of(t) for t in tables]
    mutu = next(r for r in found if r[0] == ["Mutu", "Kinerja unit pelayanan", "Nilai IKM"])
    assert mutu[1:] == [
        ["A", "Sangat Baik", "88,31–100,00"],
        ["B", "Baik", "76,61–88,30"],
        ["C", "Kurang Baik", "65,00–76,60"],
        ["D", "Tidak Baik", "25,00–64,99"],
    ]
    matrix = next(r for r in found if r[0][0].startswith("Hasil kerja"))
    assert matrix[0][1:] == ["Di atas ekspektasi", "Sesuai ekspektasi", "Di bawah ekspektasi"]
    assert matrix[1] == ["Di atas ekspektasi", "Sangat Baik", "Baik", "Kurang/Misconduct"]
    assert matrix[2] == ["Sesuai ekspektasi", "Baik", "Baik", "Kurang/Misconduct"]
    assert matrix[3] == ["Di bawah ekspektasi", "Butuh Perbaikan", "Butuh Perbaikan", "Sangat Kurang"]


# --- Indonesian throughout ----------------------------------------------------------------------
ENGLISH = {
    "success",
    "failed",
    "blocked",
    "running",
    "pending",
    "office",
    "error",
    "warning",
    "true",
    "false",
    "none",
    "null",
    "unknown",
    "rate",
    "days",
}
TECHNICAL = ("code", "script", "style", "time")  # identifiers, dates: not words a reader reads


# marked text that is not the project's wording: a citizen's words, file names, ids, hashes, quoted raw values
NOT_OURS = {"saran", "berkas", "run", "versi", "sha256", "metric", "alasan"}


def reader_text(html: str, rule_texts: bool = False) -> list[str]:
    """The text a reader reads: outside scripts, code and <time>, plus the tooltips of numbers after their
    metric_id. Text marked data-teks (ids, file names, a citizen's words) is left out, except, with
    rule_texts, the project's own wording marked so (rules, definitions, formulas)."""
    root = parse(html)
    out = []

    def ours(node: Node) -> bool:
        kind = node.attrs.get("data-teks")
        return kind is None or (rule_texts and kind not in NOT_OURS)

    def walk(node: Node):
        for child in node.children:
            if isinstance(child, str):
                out.append(child)
            elif child.tag not in TECHNICAL and ours(child) and "kode" not in child.classes():
                title = child.attrs.get("title") or ""
                if child.attrs.get("data-metric-id") and " · " in title:
                    out.append(title.split(" · ", 1)[1])
                walk(child)

    walk(root)
    return out


def public_pages(folder: Path) -> list[Path]:
    return sorted(folder.glob("*.html")) + [folder.parent / "index.html"]


def test_no_english_status_or_metric_words_on_the_public_pages(rendered):
    seen = {}
    for page in public_pages(rendered):
        words = {
            w.lower() for text in reader_text(page.read_text(encoding="utf-8")) for w in re.findall(r"[A-Za-z_]+", text)
        }
        seen[page.name] = sorted(words & ENGLISH)
    assert seen == {p.name: [] for p in public_pages(rendered)}


def test_decimal_comma_and_periods_in_words_in_rule_texts(rendered):
    texts = {
        p.name: " ".join(reader_text(p.read_text(encoding="utf-8"), rule_texts=True)) for p in public_pages(rendered)
    }
    for name in ("rekomendasi.html", "metodologi.html"):  # the unsur rule, as the rules table says it
        assert "NRR x 25 < 76,61" in texts[name], name
    for name, text in texts.items():
        assert not re.search(r"(?<![\w.,])\d+\.\d{1,2}(?!\d)|\d+\.\d{4,}", text), (
            name,
            re.findall(r"\S*\d\.\d\S*", text)[:3],
        )
        assert not re.search(r"(?<![\w/.-])\d{4}-(0[1-9]|1[0-2]|Q[1-4])(?![\w/.-])", text), (
            name,
            re.findall(r"\S*\d{4}-\S*", text)[:3],
        )


def test_run_times_are_shown_in_wib_with_their_status_in_words(rendered, sample_warehouse):
    from zoneinfo import ZoneInfo

    con, _ = sample_warehouse
    html = (rendered / "metodologi.html").read_text(encoding="utf-8")
    started, status = con.execute(
        """select started_at::timestamptz, status from lineage.runs where run_id =
                                     (select max(run_id) from metrics where period = ?)""",
        [PERIOD],
    ).fetchall()[0]
    local = started.astimezone(ZoneInfo("Asia/Jakarta"))
    assert status == "success"
    assert f'<time datetime="{started.astimezone(UTC).isoformat(timespec="seconds")}">' in html
    assert f"{local:%H.%M} WIB</time>" in html
    assert '<span data-teks="status">berhasil</span>' in html


def test_labels_written_by_sql_read_in_indonesian():
    """A rule label from SQL ('< 3.0644', 'dari 2025-11') shows with a decimal comma and the month in words,
    in the text and in the tooltip; ids, dates, thousands and file names are left as they are."""
    from reports.fmt import Metric, kalimat, num_html

    label = "perlu perhatian: ada unsur dengan NRR bermutu C atau D (< 3.0644); perubahan dari 2025-11"
    m = Metric(
        "rekomendasi/unit/kelurahan-pager/2026-10",
        "rekomendasi",
        "unit",
        "kelurahan-pager",
        "2026-10",
        1.0,
        label,
        "aturan",
    )
    html = str(num_html(m, text=label))
    expected = "perlu perhatian: ada unsur dengan NRR bermutu C atau D (&lt; 3,0644); perubahan dari November 2025"
    assert f'title="rekomendasi/unit/kelurahan-pager/2026-10 · {expected}"' in html
    assert f">{expected}</span>" in html
    assert kalimat("2026-Q3: 0.5 dan 12.25 %") == "triwulan III 2026: 0,5 dan 12,25 %"
    for kept in (
        "1.234 orang",
        "10-1.000.000",
        "2026-10-01 07:24",
        "ikm/unit/x/2026-10",
        "presensi_2026-10.csv",
        "versi 1.2.3",
    ):
        assert kalimat(kept) == kept


def test_an_asn_page_explains_its_predikat_with_the_matrix(rendered):
    internal = rendered.parent.parent / "internal" / PERIOD
    page = sorted(internal.glob("asn-*.html"))[0].read_text(encoding="utf-8")
    assert "Predikat kinerja: hasil kerja × perilaku kerja" in page
    assert page.index("Sasaran kinerja (SKP)") < page.index("Cara membaca predikat dan mutu")


def test_a_folder_rendered_before_run_json_kept_figures_is_listed_from_the_warehouse(three_periods, tmp_path):
    """An office's folders from before run.json kept the headline: listed all the same, with the period's
    figures from main.metrics; a YYYY-MM folder without an index.html is not a period's reports."""
    import shutil

    from reports import periods
    from reports.data import Report
    from reports.render import environment, period_index

    out = tmp_path / "out"
    shutil.copytree(three_periods["out"], out)
    (out / THREE[0] / "run.json").unlink()
    (out / "2026-07").mkdir()  # a stray folder: no reports in it
    report = Report(three_periods["con"], THREE[2])
    listed = periods.write_catalog(out, lambda found: period_index(environment(), report, found))
    assert [p["period"] for p in listed] == THREE and listed[0]["headline"] is None
    html = (out / "index.html").read_text(encoding="utf-8")
    assert f'data-metric-id="ikm/office/{report.office.slug}/{THREE[0]}"' in html
    assert [p["period"] for p in catalog(out)] == THREE
