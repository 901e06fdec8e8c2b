"""'Sekilas' on the Ringkasan: the findings a camat should know in a minute, written as sentences.

One function per kind of finding (attendance, capaian, IKM, complaints, follow-up, recommendations);
FINDINGS lists them in the order the page shows them, and each returns its sentence or None.
"""

from __future__ import annotations

from markupsafe import Markup

from reports.data import Report
from reports.fmt import Metric, angka, kalimat, num_html, periode_html, teks_html
from reports.pages.parts import (
    count_html,
    link,
    missed_html,
    mutu_html,
    next_evaluation,
    period_name_html,
    rule_value,
    unit_leave_html,
    unsur_names,
    word_direction,
)


def attendance_finding(report: Report) -> Markup | None:
    """The office's discipline rate, the leave beside it, the two lowest units and those below the award's threshold."""
    att, att_prev = report.office_metric("discipline_rate"), report.office_metric("discipline_rate", report.previous)
    if att is None:
        return None
    units = [(u, report.get("discipline_rate", "unit", u.slug)) for u in report.reporting_units]
    units = [(u, m) for u, m in units if m is not None and m.value is not None]
    low = sorted(units, key=lambda x: x[1].value)[:2]
    threshold = report.attendance_award_threshold
    below = [u for u, m in units if threshold is not None and m.value < threshold]
    text = Markup("Disiplin kehadiran kantor {} menjadi {} (bulan sebelumnya {}).").format(
        word_direction(att, att_prev), num_html(att), num_html(att_prev)
    )
    leave = report.office_metric("leave_days")
    if leave is not None and leave.value:
        text += Markup(
            " Cuti, sakit, izin dan tugas belajar ({}) adalah hak dan tidak mengurangi angka ini; kehadiran fisik {}."
        ).format(num_html(leave), num_html(report.office_metric("attendance_rate")))
    if low:
        text += Markup(" Terendah: {}.").format(
            Markup(", ").join(
                Markup("{} {}{}").format(
                    link(f"unit-{u.slug}.html", u.name),
                    num_html(m),
                    unit_leave_html(report.get("leave_days", "unit", u.slug)),
                )
                for u, m in low
            )
        )
    if threshold is not None and below:
        text += Markup(" Di bawah syarat penghargaan {}: {}.").format(
            rule_value(threshold, " %"), ", ".join(u.short for u in below)
        )
    return text


def capaian_finding(report: Report) -> Markup | None:
    """The average capaian, the targets missed and the kendala named most often."""
    cap = report.office_metric("capaian_rata")
    if cap is None:
        return None
    missed = report.office_metric("target_tidak_tercapai")
    kendala = [
        m
        for m in report.metrics.all("kendala_share", "office", report.period, prefix=report.office.slug + ":")
        if m.value
    ]
    top = max(kendala, key=lambda m: m.value) if kendala else None
    text = Markup("Rata-rata capaian indikator SKP {}; target tidak tercapai: {}.").format(
        num_html(cap), missed_html(missed)
    )
    if top is not None:
        text += Markup(" Penyebab terbanyak: {} ({} dari target yang tidak tercapai).").format(
            (top.label or "").split(":")[0], num_html(top)
        )
    return text


def ikm_finding(report: Report) -> Markup | None:
    """The office's IKM, the units graded C/D, the weakest unsur and a warning when the sample is too small."""
    ikm = report.office_metric("ikm")
    if ikm is None:
        return None
    o = report.office.slug
    cd = [(u, report.get("ikm", "unit", u.slug)) for u in report.reporting_units]
    cd = [(u, m) for u, m in cd if m is not None and m.label in ("C", "D")]
    prio = [m for m in report.metrics.all("prioritas_perbaikan", "office-unsur", report.period, prefix=o + ":")]
    names = unsur_names(report)
    text = Markup("IKM kantor {} (mutu {}).").format(num_html(ikm), mutu_html(ikm))
    if cd:
        text += Markup(" Unit bermutu C/D: {}.").format(
            Markup(", ").join(
                Markup("{} {} ({})").format(link(f"unit-{u.slug}.html", u.name), num_html(m), m.label) for u, m in cd
            )
        )
    if prio:
        first = sorted(prio, key=lambda m: m.value if m.value is not None else 99)[0]
        code = first.scope_id.split(":")[-1]
        nrr = report.get("nrr", "office-unsur", f"{o}:{code}")
        text += Markup(" Unsur terlemah: {} (NRR {}).").format(
            teks_html(f"{code.upper()} {names.get(code, '')}", "unsur"), num_html(nrr)
        )
    cukup = report.office_metric("sampel_cukup")
    if cukup is not None and cukup.value == 0:
        text += Markup(" Perhatikan: {}; selisih kecil antar-bulan belum tentu perubahan nyata.").format(
            num_html(cukup, text=cukup.label or "sampel belum memadai")
        )
    return text


def complaints_finding(report: Report) -> Markup | None:
    """The complaints and respondents, and the themes that rose (office-wide; per unit, a link)."""
    keluhan = report.office_metric("keluhan")
    if keluhan is None:
        return None
    rising = report.metrics.all("keluhan_naik", "office-tema", report.period, prefix=report.office.slug + ":")
    text = Markup("Warga menyampaikan {} keluhan dari {} responden.").format(
        num_html(keluhan), num_html(report.office_metric("responden"))
    )
    if rising:
        text += Markup(" Tema yang naik: {}.").format(
            Markup("; ").join(
                Markup("{} ({})").format((m.label or m.scope_id).split(":")[0], num_html(m)) for m in rising
            )
        )
    if report.metrics.all("keluhan_naik", "unit-tema", report.period):
        text += Markup(" Tema yang naik per unit: lihat {}.").format(link("#keluhan", "Suara warga"))
    return text


def follow_up_finding(report: Report) -> Markup | None:
    follow = report.office_metric("asn_to_follow_up")
    if follow is None or not follow.value:
        return None
    return Markup(
        "{} mencapai pita disiplin {} atau TK berturut-turut: perlu ditindaklanjuti oleh pimpinan "
        "(nama dan hari penyebabnya di halaman internal)."
    ).format(num_html(follow, text=f"{angka(follow.value)} ASN"), teks_html("PP 94/2021", "regulasi"))


def rule_counts(report: Report, metric: str, period: str, only: set[str] | None = None) -> Markup:
    """' (Disiplin 3, Capaian rendah 1)': the rules behind an office count (`metric` per office:rule),
    most first, the award left out; `only` keeps the rules of those kinds (jenis)."""
    titles = {r["aturan"]: r.get("judul") or r["aturan"] for r in report.rules}
    jenis = {r["aturan"]: r["jenis"] for r in report.rules}
    found = [
        m
        for m in report.metrics.all(metric, "office", period, prefix=report.office.slug + ":")
        if m.value
        and not m.scope_id.endswith(":penghargaan")
        and (only is None or jenis.get(m.scope_id.split(":")[-1]) in only)
    ]
    found.sort(key=lambda m: -m.value)
    if not found:
        return Markup("")
    return Markup(" ({})").format(
        Markup(", ").join(
            Markup("{} {}").format(titles.get(m.scope_id.split(":")[-1], m.scope_id), count_html(m)) for m in found
        )
    )


def recommendation_finding(report: Report) -> Markup | None:
    """The proposals of the evaluation period the month closes, else the month's signals, else only
    the units that need attention."""
    p = report.period
    evaluated = report.proposal_periods
    ep = evaluated[-1] if evaluated else p
    perh = report.office_metric("rekomendasi_perhatian")
    units_text = (
        Markup(" {} unit perlu perhatian{}.").format(
            count_html(perh), rule_counts(report, "rekomendasi_unit_aturan", p, {"perhatian"})
        )
        if perh is not None
        else Markup("")
    )
    # indikasi (C/D on a small sample) are left to the Rekomendasi and unit pages: on stationary data
    # indikasi-unsur fires for most unit-months (docs/ikm.md), so in a one-minute summary it is noise
    peng, pemb = report.office_metric("rekomendasi_penghargaan", ep), report.office_metric("rekomendasi_pembinaan", ep)
    if evaluated and (peng is not None or pemb is not None):
        return proposals_sentence(report, ep, peng, pemb, units_text)
    if report.office_metric("sinyal_penghargaan") is not None or report.office_metric("sinyal_pembinaan") is not None:
        return signals_sentence(report, pemb, units_text)
    if perh is not None:
        return Markup("{} Rinciannya di {}.").format(
            units_text.strip(), link("rekomendasi.html", "halaman Rekomendasi")
        )
    return None


def proposals_sentence(report: Report, ep: str, peng: Metric | None, pemb: Metric | None, units_text: Markup) -> Markup:
    """The proposals of evaluation period `ep`: award candidates (with the award's conditions) and pembinaan."""
    syarat = ", ".join(kalimat(r["syarat"]) for r in report.rules if r["aturan"] == "penghargaan")
    return Markup(
        "Diusulkan untuk {}: {} ASN calon penghargaan{}; {} ASN untuk pembinaan/pelatihan{}.{} "
        "Ini usulan dari aturan tertulis ({}); pimpinan yang memutuskan."
    ).format(
        period_name_html(ep),
        count_html(peng),
        Markup(" ({})").format(teks_html(syarat, "aturan")) if syarat and peng and peng.value else "",
        count_html(pemb),
        rule_counts(report, "rekomendasi_asn_aturan", ep),
        units_text,
        link("rekomendasi.html", "halaman Rekomendasi"),
    )


def signals_sentence(report: Report, pemb: Metric | None, units_text: Markup) -> Markup:
    """A month that closes no evaluation period: its signals, the PP 94/2021 flags, and when the next proposals come."""
    p = report.period
    quarter, closing = next_evaluation(p)
    text = Markup(
        "{} tidak menutup periode penilaian SKP (triwulan, akhir tahun; {}): tidak ada usulan "
        "penghargaan atau pembinaan perorangan bulan ini. Sinyal untuk dipantau: {} ASN memenuhi syarat "
        "penghargaan pada bulan ini, {} ASN memenuhi aturan pembinaan{}. Usulan berikutnya: {}, terbit "
        "bersama laporan {}."
    ).format(
        periode_html(p),
        teks_html("PermenPANRB 6/2022", "regulasi"),
        count_html(report.office_metric("sinyal_penghargaan")),
        count_html(report.office_metric("sinyal_pembinaan")),
        rule_counts(report, "sinyal_asn_aturan", p),
        period_name_html(quarter),
        periode_html(closing),
    )
    if pemb is not None and pemb.value:
        text += Markup(" Tanda disiplin {} bulan ini: {} ASN, perlu ditindaklanjuti{}.").format(
            teks_html("PP 94/2021", "regulasi"), count_html(pemb), rule_counts(report, "rekomendasi_asn_aturan", p)
        )
    return text + units_text + Markup(" Rinciannya di {}.").format(link("rekomendasi.html", "halaman Rekomendasi"))


# the findings in the order 'Sekilas' shows them
FINDINGS = (
    attendance_finding,
    capaian_finding,
    ikm_finding,
    complaints_finding,
    follow_up_finding,
    recommendation_finding,
)


def findings(report: Report) -> list[Markup]:
    """'Sekilas': what a camat should know in a minute, as sentences."""
    found = (finding(report) for finding in FINDINGS)
    return [text for text in found if text is not None]
