"""Context builders for the public pages (no names, no NIPs: units and counts only).

Each function returns what its template needs: headline cards, findings written as sentences,
charts (reports/charts.py) and tables, every number wrapped by num_html with its metric_id.

One module per page — index (Ringkasan), unit, recommendation (Rekomendasi), quality (Kualitas data),
methodology (Metodologi) — and what several pages share: parts (small helpers), cards (headline
cards), sekilas (the findings), sections (complaints, kendala, IKM trend), rules (recommendation
rules) and legend (reading aids). The names below are the package's interface (reports/render.py,
reports/hierarchy.py, reports/summary.py and the tests import them from here).
"""

from reports.pages.cards import headline_cards
from reports.pages.index import office_theme_trend, office_trend_charts, ringkasan, unit_comparison_charts, units_table
from reports.pages.legend import mutu_table, predikat_matrix, reading_aids
from reports.pages.methodology import metodologi, metric_name
from reports.pages.parts import (
    EPS,
    PREDIKAT,
    UNSUR_DEFAULT,
    arah,
    common,
    count_html,
    kartu,
    leave_note,
    link,
    mask_personal,
    missed_html,
    mutu_html,
    next_evaluation,
    period_name,
    period_name_html,
    rule_value,
    unit_leave_html,
    unsur_names,
    value,
    word_direction,
)
from reports.pages.quality import kualitas_data, status_text
from reports.pages.recommendation import rekomendasi
from reports.pages.rules import (
    KIND_NAMES,
    recommendation_rows,
    recommendation_view,
    rule_label,
    rule_metric,
    rule_timing,
    rule_titles,
    unit_rule_metrics,
)
from reports.pages.sections import complaint_section, ikm_bands, ikm_title, kendala_chart
from reports.pages.sekilas import findings
from reports.pages.unit import unit_page

__all__ = [
    "EPS",
    "KIND_NAMES",
    "PREDIKAT",
    "UNSUR_DEFAULT",
    "arah",
    "common",
    "complaint_section",
    "count_html",
    "findings",
    "headline_cards",
    "ikm_bands",
    "ikm_title",
    "kartu",
    "kendala_chart",
    "kualitas_data",
    "leave_note",
    "link",
    "mask_personal",
    "metodologi",
    "metric_name",
    "missed_html",
    "mutu_html",
    "mutu_table",
    "next_evaluation",
    "office_theme_trend",
    "office_trend_charts",
    "period_name",
    "period_name_html",
    "predikat_matrix",
    "reading_aids",
    "recommendation_rows",
    "recommendation_view",
    "rekomendasi",
    "ringkasan",
    "rule_label",
    "rule_metric",
    "rule_timing",
    "rule_titles",
    "rule_value",
    "status_text",
    "unit_comparison_charts",
    "unit_leave_html",
    "unit_page",
    "unit_rule_metrics",
    "units_table",
    "unsur_names",
    "value",
    "word_direction",
]
