"""Reports that scale: a generated province of 60 units under 3 instansi/OPD (data/sample's
`units=`/`parents=`), run through ingest, validate and transform with its own units reference and
rendered. The Ringkasan lists the parents and the units that stand out, each parent gets a page with
its units, the menu lists the parents, and no page reaches 1 MB."""

from __future__ import annotations

import re

import pytest
from pagecheck import points_without_ids, unmarked_numbers

from helpers import AS_OF

PERIOD = "2026-10"
MB = 2**20


@pytest.fixture(scope="module")
def province(tmp_path_factory):
    from data.sample import generate
    from flows.steps import ingest_step, transform_step, validate_step
    from reports.render import render_period
    from transforms.runs import finish_run, start_run
    from transforms.warehouse import connect

    root = tmp_path_factory.mktemp("provinsi")
    generate(root / "inbox", employees=240, months=1, end=PERIOD, units=60, parents=3)
    con = connect(root / "pantau.duckdb")
    run_id = start_run(con, "run", PERIOD, AS_OF, {"inbox": str(root / "inbox")})
    reports, _ = ingest_step(con, root / "inbox", root / "inbox-referensi", run_id)
    outcome = validate_step(con, reports, AS_OF, run_id, period=PERIOD)
    assert not outcome.blocked, outcome.blocking
    assert not transform_step(con, PERIOD, run_id)["blocking"]
    finish_run(con, run_id, "success")
    index = render_period(con, PERIOD, root / "out", include_internal=False)
    yield con, index.parent
    con.close()


def _links(html: str, prefix: str) -> set[str]:
    return set(re.findall(rf'href="({prefix}[^"#]*)\.html', html))


def test_the_ringkasan_lists_the_parents_and_the_units_that_stand_out(province):
    con, folder = province
    html = (folder / "index.html").read_text(encoding="utf-8")
    assert _links(html, "induk-") >= {"induk-opd-01", "induk-opd-02", "induk-opd-03"}
    for name in ("Dinas Baban", "Dinas Baben", "Dinas Babin"):
        assert name in html
    assert "61 unit dalam 4 induk" in re.sub(r"<[^>]+>", "", html)  # 60 under the OPD, the office itself
    # the unit with the lowest discipline rate stands out, with why; a unit in the middle does not
    ranked = con.execute(
        "select scope_id from main.metrics where metric = 'discipline_rate' and scope = 'unit' and period = ? "
        "and value is not null order by value, scope_id",
        [PERIOD],
    ).fetchall()
    worst, middle = ranked[0][0], ranked[len(ranked) // 2][0]
    section = html[html.index('id="unit"') : html.index('id="keluhan"')]
    assert f'href="unit-{worst}.html"' in section and "disiplin terendah" in section
    assert len(_links(section, "unit-")) < 30
    # the menu lists the parents, not the 61 units
    menu = html[html.index('aria-label="Halaman laporan"') :]
    menu = menu[: menu.index("</nav>")]
    assert _links(menu, "unit-") == set() and len(_links(menu, "induk-")) == 4
    if middle not in {w for w in _links(html, "unit-")}:
        assert f"unit-{middle}.html" not in html


def test_each_parent_page_lists_its_units(province):
    con, folder = province
    for parent in ("opd-01", "opd-02", "opd-03"):
        units = {r[0] for r in con.execute("select slug from ref.units where parent = ?", [parent]).fetchall()}
        assert len(units) == 20
        html = (folder / f"induk-{parent}.html").read_text(encoding="utf-8")
        table = html[html.index('id="unit"') : html.index('id="rek"')]
        assert {link.removeprefix("unit-") for link in _links(table, "unit-")} == units
        assert (folder / f"unit-{sorted(units)[0]}.html").exists()


def test_every_page_is_under_a_megabyte_and_every_number_carries_its_source(province):
    _, folder = province
    pages = sorted(folder.glob("*.html"))
    assert len(pages) == 61 + 4 + 5  # units, parents, Ringkasan (two), Rekomendasi, Kualitas, Metodologi
    for page in pages:
        assert page.stat().st_size < MB, page.name
    for name in ["index.html", "induk-opd-01.html", "rekomendasi.html", "ringkasan-satu-halaman.html"]:
        html = (folder / name).read_text(encoding="utf-8")
        # the theme trend's title says "Sepanjang 12 bulan" whatever the window (reports/pages.py,
        # office_theme_trend; the samples have twelve months): not a figure of this change
        assert [t for t in unmarked_numbers(html) if not t.startswith("Sepanjang 12 bulan")] == [], name
        assert points_without_ids(html) == [], name
