"""Names in charts show as typed: plotly draws a subset of HTML (<b>, <a href>, …) in trace names,
category labels, annotations and hover labels, so a unit named `<b>…</b> <a href=…>` must not turn
bold or into a link inside a chart (reports/charts.py, plotly_text)."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest
from chromium import Chromium, find_chromium
from pagecheck import chart_specs

from reports.fmt import BULAN

UNIT = '<b>Pager</b> <a href="javascript:alert(1)">klik</a> & %{x}'
SERIES = "<i>Keluhan</i>"


def hostile_charts():
    from reports import charts
    from reports.fmt import Metric

    m = Metric("ikm/unit/pager/2026-10", "ikm", "unit", "pager", "2026-10", 78.5, "B", "poin")
    return [
        charts.bars("b", "t", "s", [(UNIT, m)], SERIES, reference_line=(70.0, UNIT)),
        charts.stacked_bars("s", "t", "s", [UNIT], [(SERIES, "#0072B2", [m])]),
        charts.trend("t", "t", "s", ["2026-10"], [(UNIT, [m])], bands=[(0, 80, "#ccc", UNIT)]),
    ]


def test_data_text_reaches_plotly_as_entities_and_never_as_a_hover_template():
    escaped = '&lt;b&gt;Pager&lt;/b&gt; &lt;a href="javascript:alert(1)"&gt;klik&lt;/a&gt; &amp; %{x}'
    bars, stacked, trend = hostile_charts()
    assert bars.data[0]["y"] == [escaped] and bars.data[0]["name"] == "&lt;i&gt;Keluhan&lt;/i&gt;"
    assert bars.layout["annotations"][0]["text"] == escaped
    assert stacked.data[0]["y"] == [escaped] and stacked.data[0]["name"] == "&lt;i&gt;Keluhan&lt;/i&gt;"
    assert trend.data[0]["name"] == escaped and trend.layout["annotations"][0]["text"] == escaped
    for chart in (bars, stacked, trend):
        for trace in chart.data:
            assert "Pager" not in trace["hovertemplate"] and "Keluhan" not in trace["hovertemplate"]
        assert "<b>Pager" not in json.loads(str(chart.json))["data"][0].get("name", "")


DRAW = """
(async () => {
  const figures = JSON.parse(document.getElementById('figs').textContent);
  const texts = [];
  let links = 0, bold = 0;
  for (const [i, fig] of figures.entries()) {
    const div = document.createElement('div');
    div.style.width = '700px';
    document.body.appendChild(div);
    await Plotly.newPlot(div, fig.data, fig.layout);
    links += div.querySelectorAll('svg a').length;
    bold += [...div.querySelectorAll('svg tspan')].filter(t => /bold/.test(t.getAttribute('style') || '')).length;
    texts.push(...[...div.querySelectorAll('svg text')].map(t => t.textContent));
  }
  window.__result = {texts, links, bold};
})();
"""


@pytest.mark.skipif(
    find_chromium() is None and os.environ.get("CI", "").lower() not in ("1", "true"),
    reason="chromium tidak terpasang; pasang dengan: apt-get install -y chromium (make test melakukannya)",
)
def test_a_unit_named_with_markup_shows_as_text_inside_the_drawn_charts(tmp_path):
    from plotly.offline import get_plotlyjs

    (tmp_path / "plotly.min.js").write_text(get_plotlyjs(), encoding="utf-8")
    figures = "[" + ",".join(str(c.json) for c in hostile_charts()) + "]"
    page_file = tmp_path / "grafik.html"
    page_file.write_text(
        f'<!DOCTYPE html><html><body><script src="plotly.min.js"></script>'
        f'<script type="application/json" id="figs">{figures}</script>'
        f"<script>{DRAW}</script></body></html>",
        encoding="utf-8",
    )
    with Chromium() as browser:
        page = browser.open(page_file.as_uri())
        page.wait_for("window.__result !== undefined", timeout=30)
        result = page.evaluate("window.__result")
        page.close()
    assert result["links"] == 0 and result["bold"] == 0
    shown = "\n".join(result["texts"])
    assert '<b>Pager</b> <a href="javascript:alert(1)">klik</a> & %{x}' in shown
    assert "<i>Keluhan</i>" in shown


# --- hover texts in the page's words ---------------------------------------------------------------
METRIC_ID = re.compile(r"[a-z_]+/(office|unit|asn|indikator|petugas)[a-z-]*/")
ISO_PERIOD = re.compile(r"\b\d{4}-(0[1-9]|1[0-2]|Q[1-4]|S[12])\b")
POINT_DECIMAL = re.compile(r"\d\.(\d{1,2}|\d{4,})(?!\d)")  # '3.06', '3.0644'; not '1.208' (thousands)


def _hovers(folder: Path):
    for page_file in sorted(folder.glob("*.html")):
        for chart_id, figure in chart_specs(page_file.read_text(encoding="utf-8")).items():
            for trace in figure["data"]:
                yield page_file.name, chart_id, trace


def test_sample_chart_hovers_name_the_metric_in_indonesian_with_decimal_comma_and_months_in_words(
    rendered, sample_warehouse
):
    from sample_reports import PERIOD

    from reports.render import internal_folder

    con, _ = sample_warehouse
    names = dict(con.execute("select kode, label from ref.labels where jenis = 'metrik'").fetchall())
    points = 0
    for page_name, chart_id, trace in [*_hovers(rendered), *_hovers(internal_folder(rendered.parent, PERIOD))]:
        template = trace["hovertemplate"]
        assert "%{hovertext}" in template and "customdata" not in template, (page_name, chart_id, template)
        for metric_id, text in zip(trace["customdata"], trace["hovertext"], strict=True):
            if text is None:
                continue
            points += 1
            where = (page_name, chart_id, metric_id, text)
            assert not METRIC_ID.search(text) and not ISO_PERIOD.search(text), where
            assert not POINT_DECIMAL.search(text), where
            assert names[metric_id.split("/")[0]] in text, where
            # the period in words: 'Oktober 2026' for the point of ikm/…/2026-10
            year, month = metric_id.rsplit("/", 1)[1].split("-")
            assert f"{BULAN[int(month) - 1]} {year}" in text, where
    assert points > 500


def test_a_unit_bar_hover_says_the_value_the_metric_and_its_mutu(rendered, sample_warehouse):
    from sample_reports import HOSTILE_UNIT, PERIOD

    con, _ = sample_warehouse
    value, mutu = con.execute(
        "select value, label from main.metrics where metric_id = ?", [f"ikm/unit/{HOSTILE_UNIT}/{PERIOD}"]
    ).fetchone()
    trace = chart_specs((rendered / "index.html").read_text(encoding="utf-8"))["fig-unit-ikm"]["data"][0]
    text = trace["hovertext"][trace["customdata"].index(f"ikm/unit/{HOSTILE_UNIT}/{PERIOD}")]
    shown = f"{value:.2f}".replace(".", ",")  # 73.58 -> '73,58'
    assert text == (
        f"<b>{shown}</b><br><span style='font-size:11px'>Indeks Kepuasan Masyarakat (IKM) · "
        f"Oktober 2026 · mutu {mutu}</span>"
    )
    assert trace["hovertemplate"] == "%{y}<br>%{hovertext}<extra></extra>"
