"""'Ringkasan satu halaman': the page a camat prints and takes into a meeting (one A4 sheet).

The office's headline figures (the Ringkasan's cards), the units that slip — a perhatian rule holds,
IKM graded C/D, or discipline below the award's threshold — and the proposals (or, in a month that
closes no evaluation period, the signals) counted per rule. No names; every number is a published
metric carrying its id, like every other public page.
"""

from __future__ import annotations

from markupsafe import Markup

from reports import pages
from reports.data import Report
from reports.fmt import num_html

PAGE = "ringkasan-satu-halaman"  # the file name, linked from the Ringkasan


def slipping_units(report: Report) -> tuple[list[str], list[list]]:
    """Units a leader should ask about: a perhatian rule, an IKM graded C/D, or discipline below the
    award's threshold (recommendation_rules.csv)."""
    threshold = report.attendance_award_threshold
    head = ["Unit", "Disiplin kehadiran", "IKM", "Keluhan", "Mengapa"]
    body = []
    for u in report.reporting_units:

        def g(metric, slug=u.slug):
            return report.get(metric, "unit", slug)

        attention, ikm, rate = g("rekomendasi"), g("ikm"), g("discipline_rate")
        why = []
        if attention is not None and attention.value:
            why.append(num_html(attention, text=pages.rule_titles(report, attention).split("; indikasi")[0]))
        if ikm is not None and ikm.label in ("C", "D") and not (attention is not None and attention.value):
            why.append(Markup("IKM mutu {}").format(pages.mutu_html(ikm)))
        if threshold is not None and rate is not None and rate.value is not None and rate.value < threshold:
            why.append(Markup("disiplin di bawah syarat penghargaan {}").format(pages.rule_value(threshold, " %")))
        if why:
            body.append(
                [
                    pages.link(f"unit-{u.slug}.html", u.short),
                    num_html(rate),
                    Markup("{} {}").format(num_html(ikm), pages.mutu_html(ikm)),
                    num_html(g("keluhan")),
                    Markup("; ").join(why),
                ]
            )
    return head, body


def proposal_counts(report: Report) -> tuple[str, list[list]]:
    """(title, rows): ASN of the office selected per rule in the evaluation period the month closes,
    else the month's signals; a count per rule, never a name."""
    period, prefix = pages.recommendation_view(report)
    o = report.office.slug
    titles = {r["aturan"]: r.get("judul") or r["aturan"] for r in report.rules}
    body = []
    for rid in dict.fromkeys(r["aturan"] for r in report.rules if r["cakupan"] == "asn"):
        m = pages.rule_metric(report, "office", o, rid, period)
        if m is None:
            continue
        role = "usulan" if m.metric.startswith("rekomendasi") else "sinyal"
        body.append([titles.get(rid, rid), role, pages.count_html(m)])
    title = (
        f"Usulan {pages.period_name(period)} (bukan keputusan)"
        if prefix == "rekomendasi"
        else "Sinyal bulan ini (bukan usulan); usulan dibuat per triwulan dan akhir tahun"
    )
    return title, body


def one_page(report: Report, include_internal: bool) -> dict:
    head, units = slipping_units(report)
    rec_title, rec_rows = proposal_counts(report)
    perh = report.office_metric("rekomendasi_perhatian")
    return {
        "page": PAGE,
        "title": "Ringkasan satu halaman",
        "subtitle": "untuk dicetak dan dibawa ke rapat",
        "cards": pages.headline_cards(report, "office", report.office.slug, include_recommendations=False),
        "units_head": head,
        "units_rows": units,
        "perh": perh,
        "rec_title": rec_title,
        "rec_rows": rec_rows,
        "include_internal": include_internal,
    }
