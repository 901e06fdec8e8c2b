"""The Ringkasan page (index.html): the office's trends, the units table and comparison charts,
the complaint themes over the window."""

from __future__ import annotations

from markupsafe import Markup

from reports import charts
from reports.data import Report
from reports.fmt import Metric, angka, kalimat, num_html, periode_html
from reports.pages.cards import headline_cards
from reports.pages.legend import reading_aids
from reports.pages.parts import (
    PREDIKAT,
    count_html,
    link,
    mutu_html,
    period_name,
    unit_leave_html,
    value,
    word_direction,
)
from reports.pages.rules import recommendation_rows, recommendation_view, rule_titles
from reports.pages.sections import complaint_section, ikm_bands, ikm_title, kendala_chart, thin_interval_traces
from reports.pages.sekilas import findings


def ringkasan(report: Report, include_internal: bool) -> dict:
    o = report.office.slug
    rising_charts, rising_rows = complaint_section(report, "office", o, "keluhan-tema")
    unit_rising = []
    by_unit: dict[str, list[Metric]] = {}
    for m in report.metrics.all("keluhan_naik", "unit-tema", report.period):
        by_unit.setdefault(m.scope_id.split(":")[0], []).append(m)
    for u in report.reporting_units:
        found = sorted(by_unit.get(u.slug, []), key=lambda m: -(m.value or 0))
        if found:
            unit_rising.append(
                [
                    link(f"unit-{u.slug}.html#keluhan", u.short),
                    Markup("; ").join(
                        Markup("{} {}").format((m.label or "").split(":")[0], num_html(m, text=f"({angka(m.value)})"))
                        for m in found
                    ),
                ]
            )
    theme_trend = office_theme_trend(report)
    units_head, units_body, units_classes = units_table(report)
    rec_period, rec_prefix = recommendation_view(report)
    rec_head, rec_body, rec_classes = recommendation_rows(report, rec_period, rec_prefix)
    kendala = kendala_chart(report, "office", o, "kendala")
    return {
        **reading_aids(report),
        "page": "index",
        "title": "Ringkasan kinerja ASN",
        "cards": headline_cards(report, "office", o),
        "findings": findings(report),
        "trends": office_trend_charts(report),
        "units_head": units_head,
        "units_rows": units_body,
        "units_classes": units_classes,
        "unit_charts": unit_comparison_charts(report),
        "complaint_charts": rising_charts,
        "theme_trend": theme_trend,
        "unit_rising": unit_rising,
        "kendala": kendala,
        "rec_head": rec_head,
        "rec_rows": rec_body,
        "rec_classes": rec_classes,
        "rec_title": (
            f"Usulan {period_name(rec_period)}" if rec_prefix == "rekomendasi" else "Sinyal bulan ini (bukan usulan)"
        ),
    }


def office_trend_charts(report: Report) -> list[charts.Chart]:
    """The office's trends in page order: attendance always, then capaian, IKM and complaints when they have data."""
    out = [_office_attendance_trend(report)]
    for build in (_office_capaian_trend, _office_ikm_trend, _office_complaints_trend):
        chart = build(report)
        if chart is not None:
            out.append(chart)
    return out


def _office_attendance_trend(report: Report) -> charts.Chart:
    """Discipline, physical attendance and punctuality of the office, with the award threshold as a line."""
    o = report.office.slug
    att = report.series("discipline_rate", "office", o)
    pun = report.series("punctuality_rate", "office", o)
    cur, prev = report.office_metric("discipline_rate"), report.office_metric("discipline_rate", report.previous)
    first = next((m for m in att if m is not None), None)
    title = Markup("Disiplin kehadiran kantor {} menjadi {} pada {}").format(
        word_direction(cur, prev), num_html(cur), periode_html(report.period)
    )
    if first is not None and first.period != report.period:
        title += Markup(" ({} pada {})").format(num_html(first), periode_html(first.period, singkat=True))
    threshold = report.attendance_award_threshold
    return charts.trend(
        "tren-kehadiran",
        title,
        "Disiplin = hari hadir (H, DL) dibagi hari kerja yang wajib "
        "dihadiri (cuti, sakit, izin, tugas belajar tidak dihitung); kehadiran fisik = hari hadir "
        "dibagi hari kerja; ketepatan = hari hadir tanpa terlambat dibagi hari hadir.",
        report.months,
        [
            ("Disiplin kehadiran", att),
            ("Kehadiran fisik", report.series("attendance_rate", "office", o)),
            ("Ketepatan waktu", pun),
        ],
        reference_line=(threshold, f"syarat penghargaan {angka(threshold)} %") if threshold else None,
    )


def _office_capaian_trend(report: Report) -> charts.Chart | None:
    """The office's mean indicator capaian against the 100 % target; None without SKP data in the year."""
    cap = report.series("capaian_rata", "office", report.office.slug)
    if not any(cap):
        return None
    cur, prev = report.office_metric("capaian_rata"), report.office_metric("capaian_rata", report.previous)
    title = Markup("Rata-rata capaian indikator {} menjadi {}").format(word_direction(cur, prev), num_html(cur))
    return charts.trend(
        "tren-capaian",
        title,
        "Rata-rata capaian IKI per ASN (bobot sama), PermenPANRB 8/2021; 100 % = target tercapai.",
        report.months,
        [("Capaian rata-rata", cap)],
        reference_line=(100, "target 100 %"),
    )


def _office_ikm_trend(report: Report) -> charts.Chart | None:
    """The office's IKM with its 95 % interval over the A–D bands; None without survey data in the year."""
    o = report.office.slug
    ikm = report.series("ikm", "office", o)
    if not any(ikm):
        return None
    cur, prev = report.office_metric("ikm"), report.office_metric("ikm", report.previous)
    change = report.office_metric("ikm_perubahan_dalam_ketidakpastian")
    title = ikm_title("IKM kantor", cur, prev, change)
    c = charts.trend(
        "tren-ikm",
        title,
        "IKM terkonversi (25–100), PermenPANRB 14/2017; pita warna = mutu A–D; "
        "garis putus-putus = selang kepercayaan 95 %.",
        report.months,
        [
            ("IKM", ikm),
            ("Batas bawah 95 %", report.series("ikm_ci_low", "office", o)),
            ("Batas atas 95 %", report.series("ikm_ci_high", "office", o)),
        ],
        unit_text="",
        percent=False,
        bands=ikm_bands(report),
    )
    if change is not None and change.label:
        c.notes.append(kalimat(change.label))
    thin_interval_traces(c)
    return c


def _office_complaints_trend(report: Report) -> charts.Chart | None:
    """Complaints and praise per month as bars; None without complaints in the year."""
    o = report.office.slug
    keluhan = report.series("keluhan", "office", o)
    if not any(keluhan):
        return None
    cur, prev = report.office_metric("keluhan"), report.office_metric("keluhan", report.previous)
    title = Markup("Keluhan warga {} menjadi {} pada {}").format(
        word_direction(cur, prev), num_html(cur), periode_html(report.period)
    )
    return charts.trend(
        "tren-keluhan",
        title,
        "Saran responden SKM per bulan: keluhan dan pujian (saran netral tidak dihitung).",
        report.months,
        [("Keluhan", keluhan), ("Pujian", report.series("pujian", "office", o))],
        unit_text="",
        decimals=0,
        percent=False,
        kind="bar",
    )


def units_table(report: Report) -> tuple[list[str], list[list], list[str]]:
    head = [
        "Unit",
        "Disiplin kehadiran",
        "Cuti/sakit/izin/TB",
        "Ketepatan",
        "TK",
        "Capaian SKP",
        "IKM",
        "Responden / minimal",
        "Keluhan",
        "Tindak lanjut disiplin",
        "Aturan perhatian",
    ]
    body, classes = [], []
    for u in report.reporting_units:

        def g(metric, slug=u.slug):
            return report.get(metric, "unit", slug)

        ikm = g("ikm")
        attention = g("rekomendasi")
        resp, minimum = g("responden"), g("min_sample")
        body.append(
            [
                link(f"unit-{u.slug}.html", u.short),
                num_html(g("discipline_rate")),
                count_html(g("leave_days")),
                num_html(g("punctuality_rate")),
                num_html(g("tk_days")),
                num_html(g("capaian_rata")),
                Markup("{} {}").format(num_html(ikm), mutu_html(ikm)),
                Markup("{} / {}").format(
                    num_html(resp, text=angka(value(resp))), num_html(minimum, text=angka(value(minimum)))
                )
                if resp
                else num_html(None),
                num_html(g("keluhan")),
                count_html(g("asn_to_follow_up")),
                num_html(attention, text=rule_titles(report, attention)) if attention is not None else num_html(None),
            ]
        )
        classes.append("perhatian" if attention is not None and attention.value else "")
    return head, body, classes


def unit_comparison_charts(report: Report) -> list[charts.Chart]:
    """The units side by side: discipline, IKM and predikat (each where some unit has data)."""
    found = (unit_attendance_chart(report), unit_ikm_chart(report), unit_predikat_chart(report))
    return [c for c in found if c is not None]


def unit_attendance_chart(report: Report) -> charts.Chart | None:
    """Discipline per unit, lowest first, red below the award's threshold, leave days beside."""
    att = [(u, report.get("discipline_rate", "unit", u.slug)) for u in report.reporting_units]
    att_sorted = sorted([(u, m) for u, m in att if m is not None and m.value is not None], key=lambda x: x[1].value)
    if not att_sorted:
        return None
    lowest, lowest_rate = att_sorted[0]
    threshold = report.attendance_award_threshold
    title = Markup("Disiplin kehadiran terendah di {}: {}{}").format(
        lowest.short, num_html(lowest_rate), unit_leave_html(report.get("leave_days", "unit", lowest.slug))
    )

    def colour(m):
        below = threshold and m and m.value is not None and m.value < threshold
        return charts.OKABE_ITO["merah"] if below else charts.OKABE_ITO["biru"]

    leave = [count_html(report.get("leave_days", "unit", u.slug)) for u, _ in att_sorted]
    return charts.bars(
        "unit-kehadiran",
        title,
        "Disiplin kehadiran per unit pada periode ini: hari hadir dibagi "
        "hari kerja yang wajib dihadiri (cuti, sakit, izin dan tugas belajar adalah hak dan tidak "
        "dihitung; jumlahnya di kolom samping); warna jingga tua = di bawah syarat penghargaan.",
        [(u.short, m) for u, m in att_sorted],
        "Disiplin kehadiran",
        colour_of=colour,
        reference_line=(threshold, f"{angka(threshold)} %") if threshold else None,
        extra_columns=[("Cuti/sakit/izin/TB (hari)", leave)],
    )


def unit_ikm_chart(report: Report) -> charts.Chart | None:
    """IKM per unit, lowest first, coloured by mutu."""
    ikm = [(u.short, report.get("ikm", "unit", u.slug)) for u in report.reporting_units]
    ikm_sorted = sorted([(u, m) for u, m in ikm if m is not None and m.value is not None], key=lambda x: x[1].value)
    if not ikm_sorted:
        return None
    lowest, lowest_ikm = ikm_sorted[0]
    title = Markup("IKM terendah di {}: {} (mutu {})").format(lowest, num_html(lowest_ikm), mutu_html(lowest_ikm))
    colour = lambda m: charts.MUTU_BANDS.get(m.label, charts.GREY) if m else charts.GREY  # noqa: E731
    mutu_cells = [mutu_html(m) for _, m in ikm_sorted]
    return charts.bars(
        "unit-ikm",
        title,
        "IKM terkonversi per unit; warna = mutu (A biru tua, B biru muda, C jingga, D jingga tua).",
        ikm_sorted,
        "IKM",
        unit_text="",
        percent=False,
        colour_of=colour,
        extra_columns=[("Mutu", mutu_cells)],
    )


def unit_predikat_chart(report: Report) -> charts.Chart | None:
    """ASN per predikat per unit (stacked); the title names the office's predikat other than Baik."""
    units = report.reporting_units
    series = []
    for code, label in PREDIKAT:
        series.append(
            (label, charts.PREDIKAT_COLOURS[code], [report.get(f"predikat_{code}", "unit", u.slug) for u in units])
        )
    if not any(m for _, _, ms in series for m in ms):
        return None
    parts = [
        Markup("{} {}").format(label, count_html(report.office_metric(f"predikat_{code}")))
        for code, label in PREDIKAT
        if code != "baik" and value(report.office_metric(f"predikat_{code}"))
    ]
    title = Markup("Predikat kinerja per unit: {}").format(Markup(", ").join(parts) if parts else "semua Baik")
    return charts.stacked_bars(
        "unit-predikat",
        title,
        "Jumlah ASN per predikat (PermenPANRB 6/2022) pada periode "
        "ini; ASN yang menilai per triwulan muncul di bulan penutup triwulan.",
        [u.short for u in units],
        series,
    )


def office_theme_trend(report: Report) -> charts.Chart | None:
    o = report.office.slug
    themes = {}
    for month in report.months:
        for m in report.metrics.all("keluhan", "office-tema", month, prefix=o + ":"):
            themes.setdefault(m.scope_id, m.label or m.scope_id)
    if not themes:
        return None
    totals = {
        sid: sum(value(report.get("keluhan", "office-tema", sid, p)) or 0 for p in report.months) for sid in themes
    }
    ordered = sorted(themes, key=lambda sid: -totals[sid])
    series = [(themes[sid], report.series("keluhan", "office-tema", sid)) for sid in ordered]

    # the finding: the theme that grew most from the first to the last month of the window
    def growth(sid):
        first = next((m for m in report.series("keluhan", "office-tema", sid) if m is not None), None)
        last = report.get("keluhan", "office-tema", sid)
        return ((value(last) or 0) - (value(first) or 0), first, last)

    grown = max(ordered, key=lambda sid: growth(sid)[0])
    delta, first, last = growth(grown)
    if delta > 0 and first is not None:
        title = Markup("Keluhan {} naik dari {} ({}) menjadi {} ({})").format(
            themes[grown].lower(),
            num_html(first),
            periode_html(first.period, singkat=True),
            num_html(last),
            periode_html(report.period, singkat=True),
        )
    else:
        top = ordered[0]
        title = Markup("Sepanjang 12 bulan, tema terbanyak: {} ({} pada {})").format(
            themes[top], num_html(report.get("keluhan", "office-tema", top)), periode_html(report.period, singkat=True)
        )
    c = charts.trend(
        "keluhan-tren-tema",
        title,
        "Keluhan per tema per bulan, seluruh unit (satu keluhan bisa menyebut beberapa tema).",
        report.months,
        series,
        unit_text="",
        decimals=0,
        percent=False,
        kind="bar",
        stacked=True,
        height=360,
    )
    c.layout["legend"] = {"orientation": "h", "x": 0, "y": -0.16, "yanchor": "top", "font": {"size": 12}}
    c.layout["margin"]["b"] = 40
    return c
