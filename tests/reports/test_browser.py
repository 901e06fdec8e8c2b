"""The sample office's reports opened in headless Chromium (Debian's `chromium`).

Every page is loaded from file:// with the network cut off (--host-resolver-rules), and checked on
the live DOM after the charts are drawn: no console errors, no request other than file://, every
chart drawn as SVG, every metric id (attributes and chart points) published in `metrics`, every
number in a headline, table cell or chart title carrying one, and a citizen's HTML shown as text.

Chromium comes from Debian: `apt-get install -y chromium` (the Makefile's test target installs it
when missing). Without it these tests are skipped, saying so — except in CI (CI=true), where a
missing browser fails them.
"""

from __future__ import annotations

import os

import pytest
from chromium import Chromium, find_chromium
from sample_reports import HOSTILE_TEXT, HOSTILE_UNIT, PERIOD

pytestmark = pytest.mark.skipif(
    find_chromium() is None and os.environ.get("CI", "").lower() not in ("1", "true"),
    reason="chromium tidak terpasang; pasang dengan: apt-get install -y chromium (make test melakukannya)",
)

CHARTS_DRAWN = "[...document.querySelectorAll('[data-figure]')].every(d => d.querySelector('svg.main-svg'))"

# Runs in the page: what the checks need, read from the live DOM and from plotly's own data.
INSPECT = r"""
(() => {
  const marked = el => el.closest('[data-metric-id],[data-sumber],[data-teks],time') !== null;
  const containers = document.querySelectorAll('td, .headline, figcaption h3');
  const unmarked = [];
  for (const c of containers) {
    const walker = document.createTreeWalker(c, NodeFilter.SHOW_TEXT);
    let node;
    while ((node = walker.nextNode())) {
      if (/\d/.test(node.nodeValue) && !marked(node.parentElement)) unmarked.push(node.nodeValue.trim().slice(0, 80));
    }
  }
  const ids = [...document.querySelectorAll('[data-metric-id]')].map(e => e.getAttribute('data-metric-id'));
  const tooltips = [...document.querySelectorAll('[data-metric-id]')]
      .filter(e => !(e.getAttribute('title') || '').startsWith(e.getAttribute('data-metric-id'))).length;
  const charts = [];
  for (const div of document.querySelectorAll('[data-figure]')) {
    const traces = div.data || [];
    let points = 0, missing = 0;
    for (const t of traces) {
      const values = t.orientation === 'h' ? t.x : t.y;
      (values || []).forEach((v, k) => {
        if (v === null || v === undefined) return;
        points += 1;
        const id = (t.customdata || [])[k];
        if (id) ids.push(id); else missing += 1;
      });
    }
    charts.push({id: div.id, svg: div.querySelector('svg.main-svg') !== null, traces: traces.length,
                 points: points, missing: missing,
                 drawn: div.querySelectorAll('.trace, .bars path, .scatterlayer path').length});
  }
  const quotes = [...document.querySelectorAll('blockquote.keluhan')].map(b => b.textContent);
  return {unmarked, ids, tooltips, charts, quotes, pwned: window.__pwned === undefined ? null : window.__pwned,
          injected: document.querySelectorAll(
            'blockquote.keluhan script, blockquote.keluhan img, blockquote.keluhan b').length,
          banner: (document.querySelector('body > *') || {}).className || ''};
})()
"""


def _pages(rendered, sample_warehouse) -> list[str]:
    con, _ = sample_warehouse
    public = sorted(p.name for p in rendered.glob("*.html"))
    # the internal pages, and the ASN pages of someone in a discipline band and of every award candidate
    nips = {
        r[0]
        for r in con.execute(
            "select scope_id from metrics where period = ? and ((metric = 'discipline_band' and value > 0) "
            "or (metric = 'rekomendasi' and scope = 'asn' and label like 'penghargaan%'))",
            [PERIOD],
        ).fetchall()
    }
    named = f"../../internal/{PERIOD}/"  # the named pages' own root, beside out/
    internal = [f"{named}index.html", f"{named}rekomendasi.html", f"{named}karantina.html"] + [
        f"{named}asn-{n}.html" for n in sorted(nips)
    ]
    return public + internal


@pytest.fixture(scope="module")
def inspected(rendered, sample_warehouse) -> dict[str, dict]:
    """Each page opened once: the in-page inspection, console errors and requests."""
    results = {}
    with Chromium() as browser:
        for name in _pages(rendered, sample_warehouse):
            page = browser.open((rendered / name).as_uri())
            drawn = page.wait_for(CHARTS_DRAWN, timeout=30)
            found = page.evaluate(INSPECT)
            found |= {"all_drawn": drawn, "console_errors": page.console_errors(), "requests": page.requests()}
            results[name] = found
            page.close()
    return results


def test_pages_open_without_console_errors(inspected):
    assert len(inspected) >= 12
    for name, found in inspected.items():
        assert found["console_errors"] == [], name


def test_no_request_leaves_the_machine(inspected):
    for name, found in inspected.items():
        assert found["requests"], name  # the page and its scripts were seen
        outside = [u for u in found["requests"] if not u.startswith("file://")]
        assert outside == [], name


def test_every_chart_is_drawn(inspected):
    total = 0
    for name, found in inspected.items():
        assert found["all_drawn"], name
        for chart in found["charts"]:
            assert chart["svg"] and chart["traces"] > 0 and chart["points"] > 0, (name, chart)
            assert chart["drawn"] > 0, (name, chart)
            total += 1
    assert total >= 15


def test_every_metric_id_on_screen_is_published(inspected, metric_ids):
    for name, found in inspected.items():
        unknown = set(found["ids"]) - metric_ids
        assert not unknown, (name, sorted(unknown)[:5])
        assert found["tooltips"] == 0, name  # each id is also the start of its tooltip


def test_every_number_shown_carries_a_metric_id(inspected):
    for name, found in inspected.items():
        assert found["unmarked"] == [], name
        for chart in found["charts"]:
            assert chart["missing"] == 0, (name, chart)
    assert sum(len(f["ids"]) for f in inspected.values()) > 1000


def test_citizen_html_shows_as_text(inspected):
    found = inspected[f"unit-{HOSTILE_UNIT}.html"]
    assert found["pwned"] is None
    assert found["injected"] == 0
    assert HOSTILE_TEXT in found["quotes"]


def test_internal_pages_carry_the_banner(inspected):
    for name, found in inspected.items():
        if "/internal/" in name:
            assert found["banner"] == "internal-banner", name
        else:
            assert found["banner"] != "internal-banner", name


def test_the_checks_catch_a_bad_page(tmp_path):
    """A page with a bare number, a CDN script and a console error fails each check."""
    page_file = tmp_path / "buruk.html"
    page_file.write_text(
        '<!DOCTYPE html><html><head><script src="https://cdn.plot.ly/plotly-2.0.0.min.js"></script></head>'
        '<body><table><tr><td>82,31</td><td><span data-metric-id="ikm/unit/x/2026-10">77,00</span></td></tr></table>'
        '<script>console.error("rusak")</script></body></html>',
        encoding="utf-8",
    )
    with Chromium() as browser:
        page = browser.open(page_file.as_uri())
        found = page.evaluate(INSPECT)
        assert found["unmarked"] == ["82,31"]
        assert found["ids"] == ["ikm/unit/x/2026-10"]
        assert any(u.startswith("https://cdn.plot.ly") for u in page.requests())
        assert any("rusak" in e for e in page.console_errors())
        page.close()
