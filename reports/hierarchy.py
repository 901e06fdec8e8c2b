"""Reports that scale: the unit hierarchy of ref.units (instansi/OPD -> unit kerja -> sub-unit).

An office-sized inbox (every reporting unit directly under the office, at most OFFICE_UNITS of them)
renders as before. Otherwise the reporting units are grouped under their top-level parent (the
ancestor directly under the office, ref.units `parent`); units directly under the office, or every
unit of a large flat list, fall into groups of at most GROUP_UNITS in the order of units.csv. Then:

- the Ringkasan shows one row per group and the units that stand out (STANDOUTS best and worst by
  discipline, lowest IKM, and the units a perhatian rule flags, at most FLAGGED of them), and every
  chart and table of units on it, on the Ringkasan satu halaman and on the Rekomendasi page covers
  those units only;
- each group gets its own page, `induk-<slug>.html`, with the table and charts of its units;
- the menu lists the groups, not the units (a menu of 2,500 units made every page 170 kB).

Every number still comes from main.metrics and carries its metric_id.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from markupsafe import Markup

from reports.data import Report, Unit
from reports.fmt import num_html, sumber_html, teks_html

OFFICE_UNITS = 20  # up to this many units directly under the office: the pages look as they always did
GROUP_UNITS = 100  # units without a parent below the office are listed on pages of this many
STANDOUTS = 5  # best and worst units by discipline, and lowest by IKM, on the Ringkasan
FLAGGED = 10  # units a perhatian rule flags, on the Ringkasan (the rest on their parent's page)


@dataclass
class Group:
    slug: str
    name: str
    units: list[Unit] = field(default_factory=list)

    @property
    def short(self) -> Markup:
        return teks_html(self.name, "unit")

    @property
    def page(self) -> str:
        return f"induk-{self.slug}"


class Scoped:
    """A Report seen through some of its units: the page builders of reports/pages/ iterate
    `reporting_units`, so a Scoped report gives them a parent's units or the standouts."""

    def __init__(self, report: Report, units: list[Unit]):
        self._report = report
        self.reporting_units = units

    def __getattr__(self, name):
        return getattr(self._report, name)


def top_parent(report: Report, unit: Unit) -> str | None:
    """The ancestor of `unit` directly under the office, or None for a unit directly under it."""
    office, by_slug = report.office.slug, report.unit_by_slug
    seen, current = set(), unit
    while current.parent and current.parent != office and current.parent in by_slug and current.parent not in seen:
        seen.add(current.slug)
        parent = by_slug[current.parent]
        if not parent.parent or parent.parent == office:
            return parent.slug
        current = parent
    return None


def groups(report: Report) -> list[Group] | None:
    """The groups the units are reported in, or None for an office-sized inbox."""
    units = report.reporting_units
    tops = {u.slug: top_parent(report, u) for u in units}
    if all(t is None for t in tops.values()) and len(units) <= OFFICE_UNITS:
        return None
    by_parent: dict[str, Group] = {}
    loose: list[Unit] = []
    for u in units:
        t = tops[u.slug]
        if t is None:
            loose.append(u)
            continue
        if t not in by_parent:
            by_parent[t] = Group(t, report.unit_name(t))
        by_parent[t].units.append(u)
    out = list(by_parent.values())
    office = report.office
    for start in range(0, len(loose), GROUP_UNITS):
        part = loose[start : start + GROUP_UNITS]
        suffix = f"-{start // GROUP_UNITS + 1}" if len(loose) > GROUP_UNITS else ""
        name = f"Unit langsung di bawah {office.name}" + (f" ({start + 1}–{start + len(part)})" if suffix else "")
        out.append(Group(f"{office.slug}{suffix}", name, part))
    return out


def count(items: list) -> Markup:
    """How many units (or groups): counted from ref.units and the published unit figures, not a metric."""
    return sumber_html(len(items), "ref.units")


def _metric(report: Report, metric: str, unit: Unit):
    m = report.get(metric, "unit", unit.slug)
    return m if m is not None and m.value is not None else None


def flagged(report: Report, units: list[Unit]) -> list[Unit]:
    """Units a perhatian rule flags this period (rekomendasi/unit > 0)."""
    return [u for u in units if (m := report.get("rekomendasi", "unit", u.slug)) is not None and m.value]


def standouts(report: Report, units: list[Unit]) -> list[tuple[Unit, list[str]]]:
    """(unit, why) for the units a leader should see first, in a stable order: worst discipline,
    best discipline, lowest IKM, then flagged ones."""
    why: dict[str, list[str]] = {}
    by_slug = {u.slug: u for u in units}

    def add(found: list[Unit], reason: str) -> None:
        for u in found:
            why.setdefault(u.slug, []).append(reason)

    att = sorted(
        [(u, m) for u in units if (m := _metric(report, "discipline_rate", u))], key=lambda x: (x[1].value, x[0].slug)
    )
    add([u for u, _ in att[:STANDOUTS]], "disiplin terendah")
    add([u for u, _ in reversed(att[-STANDOUTS:]) if u.slug not in why], "disiplin tertinggi")
    ikm = sorted([(u, m) for u in units if (m := _metric(report, "ikm", u))], key=lambda x: (x[1].value, x[0].slug))
    add([u for u, _ in ikm[:STANDOUTS]], "IKM terendah")
    add(flagged(report, units)[:FLAGGED], "perlu perhatian")
    return [(by_slug[s], reasons) for s, reasons in why.items()]


def group_rows(report: Report, found: list[Group]) -> tuple[list[str], list[list]]:
    """One row per group: its units, how many a perhatian rule flags, its lowest discipline and IKM."""
    from reports import pages

    head = ["Induk (instansi/OPD)", "Unit", "Unit perlu perhatian", "Disiplin terendah", "IKM terendah"]
    body = []
    for g in found:
        att = [(u, m) for u in g.units if (m := _metric(report, "discipline_rate", u))]
        ikm = [(u, m) for u in g.units if (m := _metric(report, "ikm", u))]
        low_att = min(att, key=lambda x: x[1].value) if att else None
        low_ikm = min(ikm, key=lambda x: x[1].value) if ikm else None
        body.append(
            [
                pages.link(f"{g.page}.html", g.short),
                count(g.units),
                count(flagged(report, g.units)),
                Markup("{} {}").format(
                    pages.link(f"unit-{low_att[0].slug}.html", teks_html(low_att[0].short, "unit")),
                    num_html(low_att[1]),
                )
                if low_att
                else num_html(None),
                Markup("{} {} {}").format(
                    pages.link(f"unit-{low_ikm[0].slug}.html", teks_html(low_ikm[0].short, "unit")),
                    num_html(low_ikm[1]),
                    pages.mutu_html(low_ikm[1]),
                )
                if low_ikm
                else num_html(None),
            ]
        )
    return head, body


def standout_table(report: Report, found: list[tuple[Unit, list[str]]], parent_of: dict[str, Group]):
    """The units table of reports/pages/ for the standouts, with their group and why they stand out."""
    from reports import pages

    head, body, classes = pages.units_table(Scoped(report, [u for u, _ in found]))
    head = ["Mengapa ditampilkan", head[0], "Induk"] + head[1:]
    rows = []
    for (u, why), row in zip(found, body, strict=True):
        g = parent_of.get(u.slug)
        rows.append([", ".join(why), row[0], pages.link(f"{g.page}.html", g.short) if g else ""] + row[1:])
    return head, rows, classes


def ringkasan(report: Report, include_internal: bool, found: list[Group]) -> dict:
    """The Ringkasan of a hierarchy: the office's figures, the groups, the standouts."""
    from reports import pages

    units = report.reporting_units
    picked = standouts(report, units)
    view = Scoped(report, [u for u, _ in picked])
    context = pages.ringkasan(view, include_internal)
    parent_of = {u.slug: g for g in found for u in g.units}
    context["units_head"], context["units_rows"], context["units_classes"] = standout_table(report, picked, parent_of)
    context["groups_head"], context["groups_rows"] = group_rows(report, found)
    context["hierarchy"] = {"units": count(units), "groups": count(found), "flagged": count(flagged(report, units))}
    return context


def group_page(report: Report, group: Group, include_internal: bool) -> dict:
    """induk-<slug>.html: the table and charts of one group's units."""
    from reports import pages

    view = Scoped(report, group.units)
    head, body, classes = pages.units_table(view)
    rec_period, rec_prefix = pages.recommendation_view(report)
    rec_head, rec_rows, rec_classes = pages.recommendation_rows(view, rec_period, rec_prefix)
    return {
        "page": group.page,
        "title": group.name,
        "group": group,
        "units_count": count(group.units),
        "flagged_count": count(flagged(report, group.units)),
        "units_head": head,
        "units_rows": body,
        "units_classes": classes,
        "unit_charts": pages.unit_comparison_charts(view),
        "rec_head": rec_head,
        "rec_rows": rec_rows,
        "rec_classes": rec_classes,
        "rec_title": (
            f"Usulan {pages.period_name(rec_period)}"
            if rec_prefix == "rekomendasi"
            else "Sinyal bulan ini (bukan usulan)"
        ),
    }
