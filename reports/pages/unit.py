"""The page of one unit (unit-<slug>.html): its trends, NRR per unsur, complaints, kendala and rules."""

from __future__ import annotations

from markupsafe import Markup

from reports import charts
from reports.data import Report, Unit
from reports.fmt import Metric, angka, kalimat, num_html, periode_html, teks_html
from reports.pages.cards import headline_cards
from reports.pages.legend import reading_aids
from reports.pages.parts import (
    UNSUR_DEFAULT,
    count_html,
    mask_personal,
    mutu_html,
    unit_leave_html,
    unsur_names,
    word_direction,
)
from reports.pages.rules import rule_label, rule_metric, unit_rule_metrics
from reports.pages.sections import complaint_section, ikm_bands, ikm_title, kendala_chart, thin_interval_traces


def unit_page(report: Report, unit: Unit, include_internal: bool) -> dict:
    s = unit.slug
    p = report.period
    nrr_chart, priorities = nrr_section(report, s)
    complaint_charts, rising_rows = complaint_section(report, "unit", s, f"keluhan-{s}")
    complaints = [
        {
            "tanggal": c["tanggal"],
            "layanan": c["jenis_layanan"],
            "tema": c["tema_label"],
            "saran": mask_personal(c["saran"], report),
        }
        for c in report.complaints(s, p)
    ]
    kendala = kendala_chart(report, "unit", s, f"kendala-{s}")
    missed = report.get("target_tidak_tercapai", "unit", s)

    attention, signals = unit_rule_metrics(report, s, p)
    rule_text = {r["aturan"]: r for r in report.rules}
    return {
        **reading_aids(report),
        "page": f"unit-{s}",
        "title": unit.name,
        "unit": unit,
        "cards": headline_cards(report, "unit", s),
        "trends": unit_trends(report, unit),
        "nrr_chart": nrr_chart,
        "priorities": priorities,
        "complaint_charts": complaint_charts,
        "rising_rows": rising_rows,
        "complaints": complaints,
        "kendala": kendala,
        "missed": missed,
        "attention": rule_evidence(rule_text, attention),
        "signals": rule_evidence(rule_text, signals),
        "rules_rows": rules_rows(report, s),
        "include_internal": include_internal,
    }


def unit_trends(report: Report, unit: Unit) -> list[charts.Chart]:
    """The unit's 12-month trends: attendance and late days, capaian, IKM (each where it has data)."""
    trends = attendance_trends(report, unit)
    trends += [c for c in (capaian_trend(report, unit), ikm_trend(report, unit)) if c is not None]
    return trends


def attendance_trends(report: Report, unit: Unit) -> list[charts.Chart]:
    """Discipline, presence and punctuality, then the late, early-leave and TK days (none without attendance)."""
    s, q, months = unit.slug, report.previous, report.months
    att = report.series("discipline_rate", "unit", s)
    if not any(att):
        return []
    cur, prev = report.get("discipline_rate", "unit", s), report.get("discipline_rate", "unit", s, q)
    title = Markup("Disiplin kehadiran {} {} menjadi {}{}").format(
        unit.short, word_direction(cur, prev), num_html(cur), unit_leave_html(report.get("leave_days", "unit", s))
    )
    threshold = report.attendance_award_threshold
    discipline = charts.trend(
        f"tren-kehadiran-{s}",
        title,
        "Disiplin kehadiran (cuti, sakit, izin dan tugas belajar "
        "tidak dihitung), kehadiran fisik dan ketepatan waktu masuk, 12 bulan.",
        months,
        [
            ("Disiplin kehadiran", att),
            ("Kehadiran fisik", report.series("attendance_rate", "unit", s)),
            ("Ketepatan waktu", report.series("punctuality_rate", "unit", s)),
        ],
        reference_line=(threshold, f"{angka(threshold)} %") if threshold else None,
    )
    tl = report.series("tl_days", "unit", s)
    cur_tl, prev_tl = report.get("tl_days", "unit", s), report.get("tl_days", "unit", s, q)
    title = Markup("Hari terlambat (TL) {}: {} pada {}").format(
        word_direction(cur_tl, prev_tl), num_html(cur_tl), periode_html(report.period, singkat=True)
    )
    late = charts.trend(
        f"tren-terlambat-{s}",
        title,
        "Hari kerja dengan terlambat masuk (TL1–TL4), pulang "
        "sebelum waktunya (PSW1–PSW4) dan tanpa keterangan (TK), dijumlah atas ASN unit.",
        months,
        [
            ("Terlambat (TL)", tl),
            ("Pulang cepat (PSW)", report.series("psw_days", "unit", s)),
            ("Tanpa keterangan (TK)", report.series("tk_days", "unit", s)),
        ],
        unit_text=" hari",
        decimals=0,
        percent=False,
        kind="bar",
    )
    return [discipline, late]


def capaian_trend(report: Report, unit: Unit) -> charts.Chart | None:
    s = unit.slug
    cap = report.series("capaian_rata", "unit", s)
    if not any(cap):
        return None
    cur, prev = report.get("capaian_rata", "unit", s), report.get("capaian_rata", "unit", s, report.previous)
    title = Markup("Capaian indikator {} {} menjadi {}").format(unit.short, word_direction(cur, prev), num_html(cur))
    return charts.trend(
        f"tren-capaian-{s}",
        title,
        "Rata-rata capaian IKI per ASN; 100 % = target tercapai.",
        report.months,
        [("Capaian rata-rata", cap)],
        reference_line=(100, "target 100 %"),
    )


def ikm_trend(report: Report, unit: Unit) -> charts.Chart | None:
    """The IKM with its 95 % interval and mutu bands; the notes say when a change or the sample is uncertain."""
    s = unit.slug
    ikm = report.series("ikm", "unit", s)
    if not any(ikm):
        return None
    cur, prev = report.get("ikm", "unit", s), report.get("ikm", "unit", s, report.previous)
    title = ikm_title(f"IKM {unit.short}", cur, prev, report.get("ikm_perubahan_dalam_ketidakpastian", "unit", s))
    c = charts.trend(
        f"tren-ikm-{s}",
        title,
        "IKM terkonversi dengan selang kepercayaan 95 %; pita warna = mutu.",
        report.months,
        [
            ("IKM", ikm),
            ("Batas bawah 95 %", report.series("ikm_ci_low", "unit", s)),
            ("Batas atas 95 %", report.series("ikm_ci_high", "unit", s)),
        ],
        unit_text="",
        percent=False,
        bands=ikm_bands(report),
    )
    change = report.get("ikm_perubahan_dalam_ketidakpastian", "unit", s)
    if change is not None and change.label:
        c.notes.append(kalimat(change.label))
    sample = report.get("sampel_cukup", "unit", s)
    if sample is not None and sample.label:
        c.notes.append(kalimat(sample.label))
    thin_interval_traces(c)
    return c


def nrr_section(report: Report, s: str) -> tuple[charts.Chart | None, list[list]]:
    """NRR per unsur (bars, lowest first) and the unit's improvement priorities; (None, []) without NRR."""
    names = unsur_names(report)
    nrr = [report.get("nrr", "unit-unsur", f"{s}:{code}") for code in (names or UNSUR_DEFAULT)]
    nrr_items = [
        (f"{m.scope_id.split(':')[-1].upper()} {names.get(m.scope_id.split(':')[-1], '')}", m)
        for m in nrr
        if m is not None
    ]
    if not nrr_items:
        return None, []
    ordered = sorted(nrr_items, key=lambda x: x[1].value)
    low_name, low = ordered[0]
    title = Markup("Prioritas perbaikan: {} (NRR {}, mutu {})").format(
        teks_html(low_name, "unsur"), num_html(low), mutu_html(low)
    )
    limit = report.nrr_attention_below
    colour = lambda m: charts.MUTU_BANDS.get(m.label, charts.GREY) if m else charts.GREY  # noqa: E731
    nrr_chart = charts.bars(
        f"nrr-{s}",
        title,
        "Nilai rata-rata (NRR, skala 1–4) tiap unsur pelayanan pada periode ini, "
        "dari yang terendah; warna = mutu unsur.",
        ordered,
        "NRR",
        unit_text="",
        decimals=2,
        percent=False,
        colour_of=colour,
        label_head="Unsur",
        reference_line=(limit, f"batas mutu B {angka(limit, 4)}") if limit else None,
        extra_columns=[("Mutu", [mutu_html(m) for _, m in ordered])],
    )
    return nrr_chart, priority_rows(report, s, names)


def priority_rows(report: Report, s: str, names: dict[str, str]) -> list[list]:
    """The unsur to improve first (prioritas_perbaikan), with their NRR, mutu and complaints."""
    priorities = []
    for m in sorted(
        report.metrics.all("prioritas_perbaikan", "unit-unsur", report.period, prefix=s + ":"),
        key=lambda m: m.value if m.value is not None else 99,
    ):
        code = m.scope_id.split(":")[-1]
        priorities.append(
            [
                teks_html(f"{code.upper()} {names.get(code, '')}", "unsur"),
                num_html(report.get("nrr", "unit-unsur", f"{s}:{code}")),
                mutu_html(report.get("nrr", "unit-unsur", f"{s}:{code}")),
                num_html(m, text=angka(m.value)),
                count_html(report.get("keluhan", "unit-unsur", f"{s}:{code}")),
                num_html(m, text=(m.label or "").split(": ", 1)[-1]),
            ]
        )
    return priorities


def rules_rows(report: Report, s: str) -> list[list]:
    """The ASN rules that selected someone in the unit: per evaluation period and the month, proposal or signal."""
    rule_text = {r["aturan"]: r for r in report.rules}
    out = []
    for period in report.proposal_periods + [report.period]:
        for rid in dict.fromkeys(r["aturan"] for r in report.rules if r["cakupan"] == "asn"):
            m = rule_metric(report, "unit", s, rid, period)
            if m is None:
                continue
            role = "usulan" if m.metric.startswith("rekomendasi") else "sinyal"
            out.append(
                [
                    rule_text.get(rid, {}).get("judul", rid),
                    teks_html(rule_label(report, rid), "aturan"),
                    Markup("{} {}").format(role, periode_html(period)),
                    count_html(m),
                ]
            )
    return out


def rule_evidence(rule_text: dict[str, dict], found: list[Metric]) -> list[tuple[str, Markup]]:
    """(rule title, its evidence) for the unit rules that hold: the part of the label after 'Bukti: '."""
    return [
        (
            rule_text.get(m.scope_id.split(":")[-1], {}).get("judul", m.scope_id),
            num_html(m, text=(m.label or "").split("Bukti: ", 1)[-1]),
        )
        for m in found
    ]
