"""Plotly figure builders for the report pages.

Each chart is a `Chart`: a finding as its title (HTML, numbers wrapped with their metric_id), the
plotly traces (every point carries its metric_id in `customdata`), and a table with the same numbers
as a fallback for screen readers, print and people who prefer tables (each number there shows its
metric_id as a tooltip). A point's hover text is written here, in the page's words: the metric's
Indonesian name (data/reference/labels.csv, applied by `label_all`), the value with a decimal comma,
the period in words and the metric's label in sentence form (`fmt.kalimat`) — no metric id, no
'3.06', no '2026-10'.
Numbers use the Indonesian format (layout.separators ',.' → 82,31 and 1.234); months are written
in Indonesian on a categorical axis; colours are the Okabe–Ito palette, safe for colour-blind
readers, and never the only carrier of meaning (titles and tables say it in words).

Plotly draws a subset of HTML in every text it shows (trace names, category labels, annotations,
hover labels: <b>, <i>, <a href>, <br>, …), so every text that comes from data (unit, unsur, theme
and series names) goes through `plotly_text` and shows as typed; names never enter a hovertemplate
(they are read from the trace, `%{fullData.name}`, where a `%{…}` in a name is not a placeholder).
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field

from markupsafe import Markup

from reports.fmt import NBSP, Metric, angka, bulan, kalimat, num_html, periode_html, teks_html

# Okabe & Ito (2008), "Color Universal Design"
OKABE_ITO = {
    "biru": "#0072B2",
    "oranye": "#E69F00",
    "hijau": "#009E73",
    "merah": "#D55E00",
    "ungu": "#CC79A7",
    "langit": "#56B4E9",
    "kuning": "#F0E442",
    "hitam": "#000000",
}
GREY = "#8a8a8a"
AXES_TABLE = "data/reference/chart_axes.csv"
SERIES = [OKABE_ITO[k] for k in ("biru", "oranye", "hijau", "merah", "ungu", "langit", "kuning", "hitam")] + [GREY]

# predikat from best to worst: blue for good, vermillion for bad, never red/green alone
PREDIKAT_COLOURS = {
    "sangat_baik": "#0072B2",
    "baik": "#56B4E9",
    "butuh_perbaikan": "#E69F00",
    "kurang": "#D55E00",
    "sangat_kurang": "#7a2e00",
}
MUTU_BANDS = {"A": "#0072B2", "B": "#56B4E9", "C": "#E69F00", "D": "#D55E00"}


@dataclass
class Chart:
    id: str
    title: Markup
    subtitle: str
    data: list[dict]
    layout: dict
    head: list[str]
    rows: list[list]
    height: int = 300
    notes: list[str] = field(default_factory=list)
    # the metrics behind each trace's points and how the chart writes their values (not in the JSON):
    # {trace index: (metrics, decimals, unit text)}, for the hover texts
    points: dict[int, tuple[list, int, str]] = field(default_factory=dict, repr=False)

    @property
    def json(self) -> Markup:
        """The figure as JSON safe inside <script type="application/json">."""
        text = json.dumps(
            {"data": self.data, "layout": self.layout}, ensure_ascii=False, allow_nan=False, default=float
        )
        text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
        return Markup(text)

    @property
    def metric_ids(self) -> list[str]:
        ids = []
        for trace in self.data:
            ids.extend(i for i in trace.get("customdata", []) if i)
        return ids


def plotly_text(text) -> str | None:
    """Text plotly shows as typed: its markup characters as the entities plotly decodes (&amp; &lt; &gt;)."""
    if text is None:
        return None
    return str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _texts(values) -> list:
    return [plotly_text(v) for v in values]


def base_layout(height: int = 300, y_title: str = "", percent: bool = False, **extra) -> dict:
    layout = {
        "separators": ",.",
        "height": height,
        "margin": {"l": 56, "r": 16, "t": 12, "b": 48},
        "font": {
            "family": "system-ui, -apple-system, 'Segoe UI', Roboto, 'Noto Sans', sans-serif",
            "size": 13,
            "color": "#1f2933",
        },
        "paper_bgcolor": "#ffffff",
        "plot_bgcolor": "#ffffff",
        "showlegend": True,
        "legend": {"orientation": "h", "y": -0.18, "x": 0, "font": {"size": 12}},
        "hoverlabel": {"font": {"size": 12}},
        "xaxis": {
            "type": "category",
            "showgrid": False,
            "linecolor": "#9aa5b1",
            "tickfont": {"size": 12},
            "fixedrange": True,
        },
        "yaxis": {
            "title": {"text": plotly_text(y_title), "font": {"size": 12}},
            "gridcolor": "#e4e7eb",
            "zeroline": False,
            "fixedrange": True,
            "ticksuffix": " %" if percent else "",
        },
    }
    layout.update(extra)
    return layout


def month_ticks(periods: list[str]) -> list[str]:
    """'Nov<br>2025', 'Des', 'Jan<br>2026', …: the year under the first month and under January."""
    ticks = []
    for i, p in enumerate(periods):
        short = bulan(p, singkat=True)
        name, _, year = short.rpartition(" ")
        ticks.append(f"{name}<br>{year}" if i == 0 or p.endswith("-01") else name)
    return ticks


def _value(m: Metric | None):
    return None if m is None or m.value is None else round(float(m.value), 4)


SMALL = "<span style='font-size:11px'>{}</span>"
# templates: the point's own words come from `hovertext` (written below), never from data in the template
HOVER_TREND = "%{hovertext}<extra>%{fullData.name}</extra>"
HOVER_BARS = "%{y}<br>%{hovertext}<extra></extra>"
HOVER_STACKED = "%{y}<br>%{fullData.name}: %{hovertext}<extra></extra>"


def hover_text(
    m: Metric | None, decimals: int, unit_text: str, name: str | None, with_period: bool, known: tuple = ()
) -> str | None:
    """One point's hover lines: ('Oktober 2026'), the value ('94,23 %'), the metric's Indonesian name
    (with its period in words when the line above does not say it) and its label in sentence form
    ('mutu C', 'dari 3 indikator'). Texts already shown in the hover (`known`: the category, the trace
    name) are not repeated. None for a point without a value (plotly draws none)."""
    if m is None or m.value is None:
        return None
    value = angka(m.value, decimals) + unit_text.replace(" ", NBSP)
    lines = [plotly_text(bulan(m.period))] if with_period else []
    lines.append(f"<b>{plotly_text(value)}</b>")
    about = [name] if name else []
    if not with_period:
        about.append(bulan(m.period))
    label = kalimat(m.label) if m.label else ""
    if label in MUTU_BANDS:
        label = f"mutu {label}"
    if label and label not in known and label != name:
        about.append(label)
    if about:
        lines.append(SMALL.format(plotly_text(" · ".join(about))))
    return "<br>".join(lines)


def describe(chart: Chart, labels: dict | None = None) -> None:
    """Write each point's hover text, the metric's name from `labels` ({('metrik', id): name},
    ref.labels); a metric without a row there is named by nothing rather than by its id."""
    labels = labels or {}
    for index, (metrics, decimals, unit_text) in chart.points.items():
        trace = chart.data[index]
        trend_ = trace.get("hovertemplate") == HOVER_TREND
        categories = trace.get("y") if trace.get("orientation") == "h" else [None] * len(metrics)
        trace["hovertext"] = [
            hover_text(
                m,
                decimals,
                unit_text,
                labels.get(("metrik", m.metric)) if m else None,
                trend_,
                known=(_plain(categories[k]), _plain(trace.get("name"))),
            )
            for k, m in enumerate(metrics)
        ]


def _plain(text: str | None) -> str | None:
    """A plotly_text back to the text it shows (to compare with a label)."""
    if text is None:
        return None
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def _trend_trace(i: int, name: str, metrics: list[Metric | None], x: list[str], mode: str, kind: str) -> dict:
    """The i-th series of a trend: a bar trace, or a line with its own colour, dash and marker symbol."""
    trace = {
        "name": plotly_text(name),
        "x": _texts(x),
        "y": [_value(m) for m in metrics],
        "customdata": [m.metric_id if m else None for m in metrics],
        "hovertemplate": HOVER_TREND,
        "marker": {"color": SERIES[i % len(SERIES)]},
    }
    if kind == "bar":
        trace["type"] = "bar"
    else:
        trace |= {
            "type": "scatter",
            "mode": mode,
            "connectgaps": False,
            "line": {
                "color": SERIES[i % len(SERIES)],
                "width": 2.5,
                "dash": ["solid", "dash", "dot", "dashdot"][i % 4],
            },
            "marker": {
                "color": SERIES[i % len(SERIES)],
                "size": 7,
                "symbol": ["circle", "square", "diamond", "triangle-up"][i % 4],
            },
        }
    return trace


def _band_marks(bands: list[tuple[float, float, str, str]]) -> tuple[list[dict], list[dict]]:
    """Shaded horizontal bands (low, high, colour, label) with their labels at the right edge."""
    shapes, annotations = [], []
    for low, high, colour, label in bands:
        shapes.append(
            {
                "type": "rect",
                "xref": "paper",
                "x0": 0,
                "x1": 1,
                "yref": "y",
                "y0": low,
                "y1": high,
                "fillcolor": colour,
                "opacity": 0.08,
                "line": {"width": 0},
                "layer": "below",
            }
        )
        annotations.append(
            {
                "xref": "paper",
                "x": 1,
                "xanchor": "right",
                "yref": "y",
                "y": (low + high) / 2,
                "text": plotly_text(label),
                "showarrow": False,
                "font": {"size": 11, "color": GREY},
            }
        )
    return shapes, annotations


def _horizontal_reference(value: float, label: str) -> tuple[dict, dict]:
    """A dashed line across the plot at y = value, labelled above its left end."""
    shape = {
        "type": "line",
        "xref": "paper",
        "x0": 0,
        "x1": 1,
        "yref": "y",
        "y0": value,
        "y1": value,
        "line": {"color": GREY, "width": 1.5, "dash": "dash"},
    }
    annotation = {
        "xref": "paper",
        "x": 0,
        "xanchor": "left",
        "yref": "y",
        "y": value,
        "yanchor": "bottom",
        "text": plotly_text(label),
        "showarrow": False,
        "font": {"size": 11, "color": "#52606d"},
    }
    return shape, annotation


def trend(
    chart_id: str,
    title: Markup,
    subtitle: str,
    periods: list[str],
    series: list[tuple[str, list[Metric | None]]],
    unit_text: str = " %",
    decimals: int = 2,
    percent: bool = True,
    y_range: list | None = None,
    reference_line: tuple[float, str] | None = None,
    bands: list[tuple[float, float, str, str]] | None = None,
    height: int = 300,
    mode: str = "lines+markers",
    kind: str = "line",
    stacked: bool = False,
) -> Chart:
    """A 12-month trend: one trace per series, x = Indonesian month names."""
    x = [bulan(p, singkat=True) for p in periods]
    data = [_trend_trace(i, name, metrics, x, mode, kind) for i, (name, metrics) in enumerate(series)]
    layout = base_layout(height, percent=percent, showlegend=len(series) > 1)
    layout["xaxis"] |= {"tickmode": "array", "tickvals": _texts(x), "ticktext": month_ticks(periods), "tickangle": 0}
    if stacked:
        layout["barmode"] = "stack"
    if y_range:
        layout["yaxis"]["range"] = y_range
    shapes, annotations = _band_marks(bands or [])
    if reference_line:
        shape, annotation = _horizontal_reference(*reference_line)
        shapes.append(shape)
        annotations.append(annotation)
    layout["shapes"], layout["annotations"] = shapes, annotations
    head = ["Bulan"] + [name for name, _ in series]
    rows = [[periode_html(p)] + [num_html(metrics[j]) for _, metrics in series] for j, p in enumerate(periods)]
    return _described(
        Chart(chart_id, title, subtitle, data, layout, head, rows, height),
        [metrics for _, metrics in series],
        decimals,
        unit_text,
    )


def _described(chart: Chart, metrics: list[list], decimals: int, unit_text: str) -> Chart:
    chart.points = {i: (list(ms), decimals, unit_text) for i, ms in enumerate(metrics)}
    describe(chart)
    return chart


def bars(
    chart_id: str,
    title: Markup,
    subtitle: str,
    items: list[tuple[str, Metric | None]],
    series_name: str,
    unit_text: str = " %",
    decimals: int = 2,
    percent: bool = True,
    reference_line: tuple[float, str] | None = None,
    colour_of=None,
    x_range: list | None = None,
    extra_columns: list[tuple[str, list]] | None = None,
    label_head: str = "Unit",
) -> Chart:
    """Horizontal bars, one per item (units, unsur, themes), sorted as given (top = first)."""
    items = list(items)
    names = [name for name, _ in items][::-1]
    metrics = [m for _, m in items][::-1]
    colours = [colour_of(m) if colour_of else OKABE_ITO["biru"] for m in metrics]
    trace = {
        "type": "bar",
        "orientation": "h",
        "name": plotly_text(series_name),
        "y": _texts(names),
        "x": [_value(m) for m in metrics],
        "customdata": [m.metric_id if m else None for m in metrics],
        "marker": {"color": colours},
        "text": [None if m is None or m.value is None else angka(m.value, decimals) for m in metrics],
        "textposition": "outside",
        "cliponaxis": False,
        "hovertemplate": HOVER_BARS,
    }
    height = max(160, 34 * len(items) + 80)
    layout = base_layout(height, showlegend=False)
    layout["margin"] = {"l": 190, "r": 56, "t": 26 if reference_line else 8, "b": 36}
    layout["xaxis"] = {
        "gridcolor": "#e4e7eb",
        "zeroline": False,
        "fixedrange": True,
        "ticksuffix": " %" if percent else "",
    }
    layout["yaxis"] = {"type": "category", "automargin": True, "fixedrange": True, "tickfont": {"size": 12}}
    if x_range:
        layout["xaxis"]["range"] = x_range
    if reference_line:
        value, label = reference_line
        layout["shapes"] = [
            {
                "type": "line",
                "yref": "paper",
                "y0": 0,
                "y1": 1,
                "xref": "x",
                "x0": value,
                "x1": value,
                "line": {"color": GREY, "width": 1.5, "dash": "dash"},
            }
        ]
        layout["annotations"] = [
            {
                "yref": "paper",
                "y": 1,
                "yanchor": "bottom",
                "xref": "x",
                "x": value,
                "text": plotly_text(label),
                "showarrow": False,
                "font": {"size": 11, "color": "#52606d"},
            }
        ]
    head = [label_head, series_name] + [h for h, _ in extra_columns or []]
    rows = []
    for k, (name, m) in enumerate(items):
        rows.append([teks_html(name, "nama"), num_html(m)] + [cells[k] for _, cells in extra_columns or []])
    return _described(
        Chart(chart_id, title, subtitle, [trace], layout, head, rows, height), [metrics], decimals, unit_text
    )


def stacked_bars(
    chart_id: str,
    title: Markup,
    subtitle: str,
    categories: list[str],
    series: list[tuple[str, str, list[Metric | None]]],
    unit_text: str = " orang",
    label_head: str = "Unit",
    percent: bool = False,
    decimals: int = 0,
) -> Chart:
    """Horizontal stacked bars: one bar per category (unit), one segment per series (predikat)."""
    names = categories[::-1]
    data = []
    for name, colour, metrics in series:
        ms = metrics[::-1]
        data.append(
            {
                "type": "bar",
                "orientation": "h",
                "name": plotly_text(name),
                "y": _texts(names),
                "x": [_value(m) for m in ms],
                "customdata": [m.metric_id if m else None for m in ms],
                "marker": {"color": colour},
                "hovertemplate": HOVER_STACKED,
            }
        )
    height = max(180, 34 * len(categories) + 110)
    layout = base_layout(height, barmode="stack")
    layout["margin"] = {"l": 190, "r": 16, "t": 8, "b": 40}
    layout["legend"] = {"orientation": "h", "y": 1.02, "yanchor": "bottom", "x": 0, "traceorder": "normal"}
    layout["xaxis"] = {
        "gridcolor": "#e4e7eb",
        "zeroline": False,
        "fixedrange": True,
        "ticksuffix": " %" if percent else "",
    }
    layout["yaxis"] = {"type": "category", "automargin": True, "fixedrange": True}
    head = [label_head] + [name for name, _, _ in series]
    rows = [[cat] + [num_html(metrics[k]) for _, _, metrics in series] for k, cat in enumerate(categories)]
    return _described(
        Chart(chart_id, title, subtitle, data, layout, head, rows, height),
        [metrics[::-1] for _, _, metrics in series],
        decimals,
        unit_text,
    )


# --- honest axes ----------------------------------------------------------------------------------
@dataclass(frozen=True)
class Axis:
    """A metric's value axis (data/reference/chart_axes.csv): bars start at `bawah` and end at `atas`
    (open above when None); a trend axis spans at least `rentang_minimum` and stays within the scale."""

    bawah: float | None
    atas: float | None
    rentang_minimum: float | None


def metric_of(metric_id: str | None) -> str | None:
    """'ikm/unit/kelurahan-pager/2026-10' -> 'ikm'."""
    return metric_id.split("/", 1)[0] if metric_id else None


def _axis_of(chart: Chart, axes: dict[str, Axis]) -> Axis | None:
    for trace in chart.data:
        for metric_id in trace.get("customdata", []):
            metric = metric_of(metric_id)
            if metric is not None:
                return axes.get(metric)
    return None


def _values(chart: Chart, key: str) -> list[float]:
    return [v for trace in chart.data for v in trace.get(key, []) if isinstance(v, (int, float))]


def _fmt_range(low: float, high: float) -> str:
    return f"{angka(low)}–{angka(high)}"


def fit_axes(chart: Chart, axes: dict[str, Axis]) -> None:
    """Give the chart's value axis the range its metric's row of chart_axes.csv allows.

    Bars (lengths compare amounts) run from the scale's floor — IKM and rates from 0 — to its top, or
    a little past the longest bar where the scale is open. A trend (positions compare change) spans at
    least `rentang_minimum`, so that a change of a point is not drawn across the whole plot, and its
    range is stated under the chart when it does not start at the floor. Metrics without a row keep
    plotly's own range (for bars that includes 0)."""
    axis = _axis_of(chart, axes)
    if axis is None:
        return
    kinds = {trace.get("type") for trace in chart.data}
    horizontal = any(trace.get("orientation") == "h" for trace in chart.data)
    values = _values(chart, "x" if horizontal else "y")
    if not values:
        return
    name = "xaxis" if horizontal else "yaxis"
    floor = axis.bawah if axis.bawah is not None else min(0.0, min(values))
    if kinds == {"bar"}:
        top = axis.atas if axis.atas is not None and max(values) <= axis.atas else max(values) * 1.1
        chart.layout[name]["range"] = [floor, top]
        chart.layout[name]["autorange"] = False
        return
    marks = [s["y0"] for s in chart.layout.get("shapes", []) if s.get("type") == "line" and s.get("yref") == "y"]
    low, high = min(values + marks), max(values + marks)
    span = max(high - low, axis.rentang_minimum or 0.0)
    pad = (span - (high - low)) / 2
    low, high = low - pad, high + pad
    if low < floor:
        low, high = floor, high + (floor - low)
    if axis.atas is not None and high > axis.atas and max(values) <= axis.atas:
        low, high = max(floor, low - (high - axis.atas)), axis.atas
    low, high = max(floor, math.floor(low)), math.ceil(high)  # whole units on the axis ends
    margin = 0.04 * (high - low)  # room for the markers on the edge, not a change of scale
    chart.layout[name]["range"] = [low - margin, high + margin]
    chart.layout[name]["autorange"] = False
    if low > floor:
        unit = chart.layout[name].get("ticksuffix", "")
        chart.notes.append(
            Markup(
                '<span data-sumber="ref.chart_axes" title="{}">Sumbu tegak {}{}, tidak mulai dari {}: '
                "rentang paling sempit {} poin.</span>"
            ).format(AXES_TABLE, _fmt_range(low, high), unit, angka(floor, 0), angka(axis.rentang_minimum or 0, 0))
        )


def each_chart(found):
    """Every chart in a page's context (charts sit in lists and dicts of the context)."""
    if isinstance(found, Chart):
        yield found
    elif isinstance(found, dict):
        for value_ in found.values():
            yield from each_chart(value_)
    elif isinstance(found, (list, tuple)):
        for value_ in found:
            yield from each_chart(value_)


def fit_all(found, axes: dict[str, Axis]) -> None:
    """fit_axes on every chart in a page's context."""
    for chart in each_chart(found):
        fit_axes(chart, axes)


def label_all(found, labels: dict) -> None:
    """Every chart's hover texts with the metrics' Indonesian names (ref.labels, `Report.labels`)."""
    for chart in each_chart(found):
        describe(chart, labels)
