"""Sections both the Ringkasan and the unit pages show: complaint themes, kendala, and the IKM trend's
title, mutu bands and interval lines."""

from __future__ import annotations

from markupsafe import Markup

from reports import charts
from reports.data import Report
from reports.fmt import Metric, angka, num_html
from reports.pages.parts import mutu_html, word_direction


def ikm_bands(report: Report) -> list[tuple[float, float, str, str]]:
    return [
        (c["bawah"], c["atas"], charts.MUTU_BANDS.get(c["mutu"], "#cccccc"), f"mutu {c['mutu']}")
        for c in report.ikm_categories
    ]


def thin_interval_traces(c: charts.Chart) -> None:
    """The interval bounds as thin dotted grey lines, the IKM itself bold."""
    for trace in c.data[1:]:
        trace["line"] = {"color": charts.GREY, "width": 1, "dash": "dot"}
        trace["marker"] = {"color": charts.GREY, "size": 4}


def ikm_title(name: str, cur: Metric | None, prev: Metric | None, change: Metric | None) -> Markup:
    """'IKM kantor stabil — perubahan dalam batas ketidakpastian: 77,83 (mutu B)' when the change from the
    previous month lies within the two estimates' uncertainty (ikm_perubahan_dalam_ketidakpastian = 1),
    so a heading never says "turun" above a note that the change may be chance; else 'IKM … turun menjadi …'."""
    if change is not None and change.value == 1:
        return Markup("{} stabil — {}: {} (mutu {})").format(
            name, num_html(change, text="perubahan dalam batas ketidakpastian"), num_html(cur), mutu_html(cur)
        )
    return Markup("{} {} menjadi {} (mutu {})").format(name, word_direction(cur, prev), num_html(cur), mutu_html(cur))


def complaint_section(
    report: Report, scope: str, scope_id: str, chart_id: str
) -> tuple[list[charts.Chart], list[list]]:
    """Themes of complaints in the period (bars; rising ones marked) and the rising themes as rows."""
    p = report.period
    tema_scope = f"{scope}-tema"
    counts = report.metrics.all("keluhan", tema_scope, p, prefix=scope_id + ":")
    rising = {m.scope_id: m for m in report.metrics.all("keluhan_naik", tema_scope, p, prefix=scope_id + ":")}
    counts = sorted([m for m in counts if m.value], key=lambda m: -m.value)
    out = []
    if counts:
        items = [((m.label or m.scope_id.split(":")[-1]) + (" ▲" if m.scope_id in rising else ""), m) for m in counts]
        top = counts[0]
        title = Markup("Keluhan terbanyak: {} ({})").format(top.label, num_html(top))
        if rising:
            title += Markup("; naik: {}").format(", ".join(m.label.split(":")[0] for m in rising.values() if m.label))
        colour = lambda m: charts.OKABE_ITO["merah"] if m and m.scope_id in rising else charts.OKABE_ITO["biru"]  # noqa: E731
        out.append(
            charts.bars(
                chart_id,
                title,
                "Jumlah keluhan per tema pada periode ini (satu keluhan bisa menyebut "
                "beberapa tema). ▲ dan jingga tua = tema naik: lebih banyak dari rata-rata tiga periode "
                "sebelumnya.",
                items,
                "Keluhan",
                unit_text="",
                decimals=0,
                percent=False,
                colour_of=colour,
                label_head="Tema",
            )
        )
    rising_rows = [
        [
            (m.label or "").split(":")[0],
            num_html(m, text=angka(m.value)),
            num_html(m, text=(m.label or "").split(": ", 1)[-1]),
        ]
        for m in rising.values()
    ]
    return out, rising_rows


def kendala_chart(report: Report, scope: str, scope_id: str, chart_id: str) -> charts.Chart | None:
    shares = [
        m
        for m in report.metrics.all("kendala_share", scope, report.period, prefix=scope_id + ":")
        if m.value is not None
    ]
    if not shares or not any(m.value for m in shares):
        return None
    shares = sorted(shares, key=lambda m: -m.value)
    items = [((m.label or m.scope_id).split(":")[0], m) for m in shares]
    top = shares[0]
    title = Markup("Target tidak tercapai paling sering karena {} ({})").format(
        (top.label or "").split(":")[0], num_html(top)
    )
    detail = [Markup("{}").format(num_html(m, text=(m.label or "").split(": ", 1)[-1])) for m in shares]
    return charts.bars(
        chart_id,
        title,
        "Bagian dari indikator yang tidak tercapai, menurut kendala yang ditulis di "
        "ekspor SKP (kendala_categories.csv).",
        items,
        "Bagian",
        extra_columns=[("Rincian", detail)],
        label_head="Kendala",
    )
