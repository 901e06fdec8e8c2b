"""The Rekomendasi page: the rules, the proposals of the evaluation periods, the month's signals
and the units that need attention."""

from __future__ import annotations

import re

from reports.data import Report
from reports.fmt import kalimat, num_html, periode_html
from reports.pages.parts import next_evaluation, period_name_html
from reports.pages.rules import recommendation_rows, rule_timing, unit_rule_metrics


def rekomendasi(report: Report, include_internal: bool) -> dict:
    rules = []
    for rid in dict.fromkeys(r["aturan"] for r in report.rules):
        conds = [r for r in report.rules if r["aturan"] == rid]
        rules.append(
            {
                "aturan": rid,
                "jenis": conds[0]["jenis"],
                "cakupan": conds[0]["cakupan"],
                "kapan": rule_timing(report, rid) if conds[0]["cakupan"] == "asn" else "setiap bulan",
                "syarat": [kalimat(c["syarat"]) for c in conds],
                "sumber": "; ".join(
                    dict.fromkeys(
                        part.strip() for c in conds for part in re.split(r";(?![^()]*\))", c["sumber"]) if part.strip()
                    )
                ),
            }
        )
    proposals = []
    for ep in report.proposal_periods:
        head, body, classes = recommendation_rows(report, ep, "rekomendasi", attention=False)
        proposals.append(
            {
                "nama": period_name_html(ep),
                "peng": report.office_metric("rekomendasi_penghargaan", ep),
                "pemb": report.office_metric("rekomendasi_pembinaan", ep),
                "head": head,
                "rows": body,
                "classes": classes,
            }
        )
    rec_head, rec_rows, rec_classes = recommendation_rows(report, report.period, "sinyal")
    quarter, closing = next_evaluation(report.period)
    units, units_signals = [], []
    for u in report.reporting_units:
        perhatian, indikasi = unit_rule_metrics(report, u.slug, report.period)
        if perhatian:
            units.append(
                {"unit": u, "rules": [(m.scope_id.split(":")[-1], num_html(m, text=m.label or "")) for m in perhatian]}
            )
        if indikasi:
            units_signals.append(
                {"unit": u, "rules": [(m.scope_id.split(":")[-1], num_html(m, text=m.label or "")) for m in indikasi]}
            )
    perh = report.office_metric("rekomendasi_perhatian")
    return {
        "page": "rekomendasi",
        "title": "Rekomendasi: usulan penghargaan, pembinaan dan perhatian unit",
        "rules": rules,
        "proposals": proposals,
        "rec_head": rec_head,
        "rec_rows": rec_rows,
        "rec_classes": rec_classes,
        "sinyal_peng": report.office_metric("sinyal_penghargaan"),
        "sinyal_pemb": report.office_metric("sinyal_pembinaan"),
        "flags": report.office_metric("rekomendasi_pembinaan"),
        "next_name": period_name_html(quarter),
        "next_month": periode_html(closing),
        "units_attention": units,
        "units_signals": units_signals,
        "perh": perh,
        "indikasi": report.office_metric("rekomendasi_indikasi"),
        "include_internal": include_internal,
    }
