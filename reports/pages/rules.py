"""The recommendation rules on the public pages: what a rule selected in a period (proposals or
signals), the unit rules that hold, their titles and timing, and the per-unit recommendation table."""

from __future__ import annotations

from reports.data import Report
from reports.fmt import Metric, kalimat, num_html
from reports.pages.parts import count_html, link


def rule_metric(report: Report, scope: str, scope_id: str, rule_id: str, period: str) -> Metric | None:
    """ASN a rule selected in the period: its proposals (rekomendasi_asn_aturan) or, where the rule
    only signals in that period, its signals (sinyal_asn_aturan)."""
    found = report.get("rekomendasi_asn_aturan", scope, f"{scope_id}:{rule_id}", period)
    return found if found is not None else report.get("sinyal_asn_aturan", scope, f"{scope_id}:{rule_id}", period)


def unit_rule_metrics(report: Report, unit_slug: str, period: str) -> tuple[list[Metric], list[Metric]]:
    """The unit rules that hold for a unit-period, split into 'perhatian' (counts the unit as needing
    attention) and 'indikasi' (a signal: a C/D grade without enough evidence, no survey yet)."""
    jenis = {r["aturan"]: r["jenis"] for r in report.rules if r["cakupan"] == "unit"}
    found = report.metrics.all("rekomendasi_aturan", "unit", period, prefix=unit_slug + ":")
    perhatian = [m for m in found if jenis.get(m.scope_id.split(":")[-1]) != "indikasi"]
    indikasi = [m for m in found if jenis.get(m.scope_id.split(":")[-1]) == "indikasi"]
    return perhatian, indikasi


def rule_titles(report: Report, attention: Metric) -> str:
    """'IKM mutu C/D, Keluhan naik' from a rekomendasi/unit metric, then its indikasi as signals
    ('indikasi: Indikasi unsur mutu C/D')."""
    perhatian, indikasi = unit_rule_metrics(report, attention.scope_id, attention.period)
    titles = {r["aturan"]: r.get("judul") or r["aturan"] for r in report.rules}
    parts = [", ".join(titles.get(m.scope_id.split(":")[-1], m.scope_id) for m in perhatian)] if attention.value else []
    if indikasi:
        parts.append("indikasi: " + ", ".join(titles.get(m.scope_id.split(":")[-1], m.scope_id) for m in indikasi))
    return "; ".join(p for p in parts if p) or "–"


def rule_label(report: Report, rule_id: str) -> str:
    parts = [kalimat(r["syarat"]) for r in report.rules if r["aturan"] == rule_id]
    jenis = next((r["jenis"] for r in report.rules if r["aturan"] == rule_id), "")
    return f"{jenis}: " + ", ".join(parts)


KIND_NAMES = {"bulan": "bulan", "triwulan": "triwulan", "semester": "semester", "tahun": "akhir tahun"}


def rule_timing(report: Report, rule_id: str) -> str:
    """'usulan: triwulan, akhir tahun; sinyal: bulan' (data/reference/recommendation_periods.csv)."""
    roles = report.rule_periods.get(rule_id, {})
    parts = []
    for peran in ("usulan", "sinyal"):
        kinds = [KIND_NAMES.get(k, k) for k in KIND_NAMES if roles.get(k) == peran]
        if kinds:
            parts.append(f"{peran}: {', '.join(kinds)}")
    return "; ".join(parts) or "setiap bulan"


def recommendation_rows(
    report: Report, period: str | None = None, prefix: str = "rekomendasi", attention: bool = True
) -> tuple[list[str], list[list], list[str]]:
    """Per unit: ASN proposed (prefix 'rekomendasi') or signalled ('sinyal') in the period, per rule; a
    rule that proposes where the others signal (the PP 94/2021 flags in a month) is marked '(usulan)'."""
    period = period or report.period
    rule_ids = table_rules(report, period)
    head = ["Unit"] + recommendation_head(report, period, prefix, rule_ids) + (["Perhatian unit"] if attention else [])
    body, classes = [], []
    for u in report.reporting_units:
        g = lambda metric, sid=u.slug: report.get(metric, "unit", sid, period)  # noqa: E731
        row = [
            link(f"unit-{u.slug}.html#rekomendasi", u.short),
            count_html(g(f"{prefix}_penghargaan")),
            count_html(g(f"{prefix}_pembinaan")),
        ]
        row += [count_html(rule_metric(report, "unit", u.slug, rid, period)) for rid in rule_ids]
        unit_attention = report.get("rekomendasi", "unit", u.slug) if attention else None
        if attention:
            row.append(
                num_html(unit_attention, text=rule_titles(report, unit_attention))
                if unit_attention is not None
                else num_html(None)
            )
        body.append(row)
        classes.append("perhatian" if unit_attention is not None and unit_attention.value else "")
    return head, body, classes


def table_rules(report: Report, period: str) -> list[str]:
    """The ASN rules (the award aside) the office's counts name in the period, or all of them when none does."""
    rule_ids = [
        rid for rid in dict.fromkeys(r["aturan"] for r in report.rules if r["cakupan"] == "asn") if rid != "penghargaan"
    ]
    office = report.office.slug
    return [rid for rid in rule_ids if rule_metric(report, "office", office, rid, period) is not None] or rule_ids


def recommendation_head(report: Report, period: str, prefix: str, rule_ids: list[str]) -> list[str]:
    """The count columns' heads: award, pembinaan, then one per rule ('(usulan)' on a signals table where
    the rule proposes)."""
    titles = {r["aturan"]: r.get("judul") or r["aturan"] for r in report.rules}
    office = report.office.slug
    proposes = {
        rid: report.get("rekomendasi_asn_aturan", "office", f"{office}:{rid}", period) is not None for rid in rule_ids
    }
    names = (
        ["Calon penghargaan", "Calon pembinaan"]
        if prefix == "rekomendasi"
        else ["Sinyal penghargaan", "Sinyal pembinaan"]
    )
    return names + [
        f"· {titles[rid]}" + (" (usulan)" if prefix == "sinyal" and proposes[rid] else "") for rid in rule_ids
    ]


def recommendation_view(report: Report) -> tuple[str, str]:
    """(period, prefix) a month's pages lead with: the proposals of the evaluation period it closes,
    else the month's signals."""
    if report.proposal_periods:
        return report.proposal_periods[-1], "rekomendasi"
    return report.period, "sinyal"
