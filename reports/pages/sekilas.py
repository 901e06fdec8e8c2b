"""'Sekilas' on the Ringkasan: the findings a camat should know in a minute, written as sentences."""
from __future__ import annotations

from markupsafe import Markup

from reports.data import Report
from reports.fmt import angka, kalimat, num_html, periode_html, teks_html
from reports.pages.parts import (count_html, link, missed_html, mutu_html, next_evaluation, period_name_html,
                                 rule_value, unit_leave_html, unsur_names, word_direction)


def findings(report: Report) -> list[Markup]:
    """'Sekilas': what a camat should know in a minute, as sentences."""
    o = report.office.slug
    p, q = report.period, report.previous
    out: list[Markup] = []
    att, att_prev = report.office_metric("discipline_rate"), report.office_metric("discipline_rate", q)
    if att is not None:
        units = [(u, report.get("discipline_rate", "unit", u.slug)) for u in report.reporting_units]
        units = [(u, m) for u, m in units if m is not None and m.value is not None]
        low = sorted(units, key=lambda x: x[1].value)[:2]
        threshold = report.attendance_award_threshold
        below = [u for u, m in units if threshold is not None and m.value < threshold]
        text = Markup("Disiplin kehadiran kantor {} menjadi {} (bulan sebelumnya {}).").format(
            word_direction(att, att_prev), num_html(att), num_html(att_prev))
        leave = report.office_metric("leave_days")
        if leave is not None and leave.value:
            text += Markup(" Cuti, sakit, izin dan tugas belajar ({}) adalah hak dan tidak mengurangi angka ini; "
                           "kehadiran fisik {}.").format(num_html(leave), num_html(report.office_metric("attendance_rate")))
        if low:
            text += Markup(" Terendah: {}.").format(Markup(", ").join(
                Markup("{} {}{}").format(link(f"unit-{u.slug}.html", u.name), num_html(m),
                                         unit_leave_html(report.get("leave_days", "unit", u.slug)))
                for u, m in low))
        if threshold is not None and below:
            text += Markup(" Di bawah syarat penghargaan {}: {}.").format(
                rule_value(threshold, " %"), ", ".join(u.short for u in below))
        out.append(text)
    cap = report.office_metric("capaian_rata")
    if cap is not None:
        missed = report.office_metric("target_tidak_tercapai")
        kendala = [m for m in report.metrics.all("kendala_share", "office", p, prefix=o + ":") if m.value]
        top = max(kendala, key=lambda m: m.value) if kendala else None
        text = Markup("Rata-rata capaian indikator SKP {}; target tidak tercapai: {}.").format(
            num_html(cap), missed_html(missed))
        if top is not None:
            text += Markup(" Penyebab terbanyak: {} ({} dari target yang tidak tercapai).").format(
                (top.label or "").split(":")[0], num_html(top))
        out.append(text)
    ikm = report.office_metric("ikm")
    if ikm is not None:
        cd = [(u, report.get("ikm", "unit", u.slug)) for u in report.reporting_units]
        cd = [(u, m) for u, m in cd if m is not None and m.label in ("C", "D")]
        prio = [m for m in report.metrics.all("prioritas_perbaikan", "office-unsur", p, prefix=o + ":")]
        names = unsur_names(report)
        text = Markup("IKM kantor {} (mutu {}).").format(num_html(ikm), mutu_html(ikm))
        if cd:
            text += Markup(" Unit bermutu C/D: {}.").format(Markup(", ").join(
                Markup("{} {} ({})").format(link(f"unit-{u.slug}.html", u.name), num_html(m), m.label) for u, m in cd))
        if prio:
            first = sorted(prio, key=lambda m: m.value if m.value is not None else 99)[0]
            code = first.scope_id.split(":")[-1]
            nrr = report.get("nrr", "office-unsur", f"{o}:{code}")
            text += Markup(" Unsur terlemah: {} (NRR {}).").format(
                teks_html(f"{code.upper()} {names.get(code, '')}", "unsur"), num_html(nrr))
        cukup = report.office_metric("sampel_cukup")
        if cukup is not None and cukup.value == 0:
            text += Markup(" Perhatikan: {}; selisih kecil antar-bulan belum tentu perubahan nyata.").format(
                num_html(cukup, text=cukup.label or "sampel belum memadai"))
        out.append(text)
    rising = report.metrics.all("keluhan_naik", "office-tema", p, prefix=o + ":")
    keluhan = report.office_metric("keluhan")
    if keluhan is not None:
        text = Markup("Warga menyampaikan {} keluhan dari {} responden.").format(
            num_html(keluhan), num_html(report.office_metric("responden")))
        if rising:
            text += Markup(" Tema yang naik: {}.").format(Markup("; ").join(
                Markup("{} ({})").format((m.label or m.scope_id).split(":")[0], num_html(m)) for m in rising))
        if report.metrics.all("keluhan_naik", "unit-tema", p):
            text += Markup(" Tema yang naik per unit: lihat {}.").format(link("#keluhan", "Suara warga"))
        out.append(text)
    follow = report.office_metric("asn_to_follow_up")
    if follow is not None and follow.value:
        out.append(Markup("{} mencapai pita disiplin {} atau TK berturut-turut: perlu ditindaklanjuti oleh pimpinan "
                          "(nama dan hari penyebabnya di halaman internal).").format(
            num_html(follow, text=f"{angka(follow.value)} ASN"), teks_html("PP 94/2021", "regulasi")))
    evaluated = report.proposal_periods
    ep = evaluated[-1] if evaluated else p
    titles = {r["aturan"]: r.get("judul") or r["aturan"] for r in report.rules}

    jenis = {r["aturan"]: r["jenis"] for r in report.rules}

    def why(metric: str, period_: str, only: set[str] | None = None) -> Markup:
        found = [m for m in report.metrics.all(metric, "office", period_, prefix=o + ":")
                 if m.value and not m.scope_id.endswith(":penghargaan")
                 and (only is None or jenis.get(m.scope_id.split(":")[-1]) in only)]
        found.sort(key=lambda m: -m.value)
        if not found:
            return Markup("")
        return Markup(" ({})").format(Markup(", ").join(
            Markup("{} {}").format(titles.get(m.scope_id.split(":")[-1], m.scope_id), count_html(m))
            for m in found))

    perh = report.office_metric("rekomendasi_perhatian")
    units_text = Markup(" {} unit perlu perhatian{}.").format(
        count_html(perh), why("rekomendasi_unit_aturan", p, {"perhatian"})) if perh is not None else Markup("")
    # indikasi (C/D on a small sample) are left to the Rekomendasi and unit pages: on stationary data
    # indikasi-unsur fires for most unit-months (docs/ikm.md), so in a one-minute summary it is noise
    peng, pemb = report.office_metric("rekomendasi_penghargaan", ep), report.office_metric("rekomendasi_pembinaan", ep)
    if evaluated and (peng is not None or pemb is not None):
        syarat = ", ".join(kalimat(r["syarat"]) for r in report.rules if r["aturan"] == "penghargaan")
        out.append(Markup("Diusulkan untuk {}: {} ASN calon penghargaan{}; {} ASN untuk pembinaan/pelatihan{}.{} "
                          "Ini usulan dari aturan tertulis ({}); pimpinan yang memutuskan.").format(
            period_name_html(ep), count_html(peng),
            Markup(" ({})").format(teks_html(syarat, "aturan")) if syarat and peng and peng.value else "",
            count_html(pemb), why("rekomendasi_asn_aturan", ep), units_text,
            link("rekomendasi.html", "halaman Rekomendasi")))
    elif report.office_metric("sinyal_penghargaan") is not None or report.office_metric("sinyal_pembinaan") is not None:
        quarter, closing = next_evaluation(p)
        text = Markup("{} tidak menutup periode penilaian SKP (triwulan, akhir tahun; {}): tidak ada usulan "
                      "penghargaan atau pembinaan perorangan bulan ini. Sinyal untuk dipantau: {} ASN memenuhi syarat "
                      "penghargaan pada bulan ini, {} ASN memenuhi aturan pembinaan{}. Usulan berikutnya: {}, terbit "
                      "bersama laporan {}.").format(
            periode_html(p), teks_html("PermenPANRB 6/2022", "regulasi"),
            count_html(report.office_metric("sinyal_penghargaan")), count_html(report.office_metric("sinyal_pembinaan")),
            why("sinyal_asn_aturan", p), period_name_html(quarter), periode_html(closing))
        if pemb is not None and pemb.value:
            text += Markup(" Tanda disiplin {} bulan ini: {} ASN, perlu ditindaklanjuti{}.").format(
                teks_html("PP 94/2021", "regulasi"), count_html(pemb), why("rekomendasi_asn_aturan", p))
        text += units_text + Markup(" Rinciannya di {}.").format(link("rekomendasi.html", "halaman Rekomendasi"))
        out.append(text)
    elif perh is not None:
        out.append(Markup("{} Rinciannya di {}.").format(units_text.strip(), link("rekomendasi.html", "halaman Rekomendasi")))
    return out
