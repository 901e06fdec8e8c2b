"""Context builders for the public pages (no names, no NIPs: units and counts only).

Each function returns what its template needs: headline cards, findings written as sentences,
charts (reports/charts.py) and tables, every number wrapped by num_html with its metric_id.
"""
from __future__ import annotations

import re

from markupsafe import Markup, escape

from reports import charts
from reports.data import Report, Unit, rows, table_exists
from reports.fmt import (Metric, angka, bulan, kalimat, num_html, periode_html, sumber_html, tanggal_html,
                         teks_html, waktu_html)
from reports.masking import NameMasker, mask_numbers

PREDIKAT = [("sangat_baik", "Sangat Baik"), ("baik", "Baik"), ("butuh_perbaikan", "Butuh Perbaikan"),
            ("kurang", "Kurang/Misconduct"), ("sangat_kurang", "Sangat Kurang")]
UNSUR_DEFAULT = [f"u{i}" for i in range(1, 10)]
EPS = 0.005


# --- small helpers ------------------------------------------------------------------------------
def value(m: Metric | None) -> float | None:
    return None if m is None else m.value


def arah(cur: Metric | None, prev: Metric | None, higher_is_better: bool = True,
         prev_period: str | None = None, within: Metric | None = None) -> Markup:
    """'▲ naik dari 93,10 % (September 2026)' with the previous number carrying its own id; with
    `within` (a metric that is 1 when the change lies inside the estimates' uncertainty, e.g.
    ikm_perubahan_dalam_ketidakpastian) '■ stabil (…) dari …': a card never says "turun" for chance."""
    if cur is None or prev is None or cur.value is None or prev.value is None:
        if prev_period:
            return Markup('<span class="tetap">tanpa pembanding {}</span>').format(periode_html(prev_period))
        return Markup("")
    diff = cur.value - prev.value
    if abs(diff) < EPS:
        word, symbol, cls = "tetap", "■", "tetap"
    elif within is not None and within.value == 1:
        word, symbol, cls = (Markup("stabil ({})").format(num_html(within, text="dalam batas ketidakpastian")),
                             "■", "tetap")
    elif diff > 0:
        word, symbol, cls = "naik", "▲", "naik" if higher_is_better else "turun"
    else:
        word, symbol, cls = "turun", "▼", "turun" if higher_is_better else "naik"
    when = Markup(" ({})").format(periode_html(prev.period)) if prev_period is None else \
        Markup(" ({})").format(periode_html(prev_period))
    return Markup('<span class="arah {cls}">{sym} {word}</span> dari {prev}{when}').format(
        cls=cls, sym=symbol, word=word, prev=num_html(prev), when=when)


def word_direction(cur: Metric | None, prev: Metric | None) -> str:
    if cur is None or prev is None or cur.value is None or prev.value is None:
        return "tercatat"
    diff = cur.value - prev.value
    return "tetap" if abs(diff) < EPS else ("naik" if diff > 0 else "turun")


def missed_html(missed: Metric | None) -> Markup:
    """'53 dari 149 indikator' as one span: the count and its label belong to one metric."""
    if missed is None:
        return num_html(None)
    return num_html(missed, text=f"{angka(missed.value)} {missed.label or ''}".strip())


def rule_value(value_: float, suffix: str = "") -> Markup:
    """A threshold from data/reference/recommendation_rules.csv (a rule, not a published number)."""
    return Markup('<span data-sumber="ref.recommendation_rules" title="data/reference/recommendation_rules.csv">{}{}</span>').format(
        angka(value_), suffix)


def kartu(judul: str, nilai: Markup, banding: Markup | None = None, catatan: str | Markup | None = None,
          mutu: Markup | None = None, kelas: str | None = None, daftar=None) -> dict:
    return {"judul": judul, "nilai": nilai, "banding": banding, "catatan": catatan, "mutu": mutu,
            "kelas": kelas, "daftar": daftar}


def mutu_html(m: Metric | None) -> Markup:
    """The mutu letter of an IKM or NRR metric (its label), carrying the metric's id."""
    if m is None or not m.label:
        return Markup("")
    return num_html(m, text=m.label, cls=f"num mutu-{m.label}")


def unsur_names(report: Report) -> dict[str, str]:
    if not table_exists(report.con, "ref.skm_unsur"):
        return {}
    return {r["code"].lower(): r["name"] for r in rows(report.con, "select code, name from ref.skm_unsur")}


def link(href: str, text) -> Markup:
    return Markup('<a href="{}">{}</a>').format(href, text)


def ikm_bands(report: Report) -> list[tuple[float, float, str, str]]:
    return [(c["bawah"], c["atas"], charts.MUTU_BANDS.get(c["mutu"], "#cccccc"), f"mutu {c['mutu']}")
            for c in report.ikm_categories]


def common(report: Report, include_internal: bool) -> dict:
    nav_units = [u for u in report.reporting_units]
    return {
        "office": report.office,
        "period": report.period,
        "periode": periode_html(report.period),
        "periode_teks": bulan(report.period),
        "nav_units": nav_units,
        "has_internal": include_internal,
        "run": report.run or {"run_id": report.run_id},
        "internal": False,
        "subtitle": None,
    }


# --- reading aids -------------------------------------------------------------------------------
def mutu_table(report: Report) -> tuple[list[str], list[list]]:
    """The mutu ranges of the converted IKM (ref.ikm_categories, PermenPANRB 14/2017), best first:
    'A | Sangat Baik | 88,31–100,00'."""
    src = "ref.ikm_categories"
    body = [[Markup('<span class="mutu-{0}">{0}</span>').format(c["mutu"]), c["kinerja"],
             Markup("{}–{}").format(sumber_html(c["bawah"], f"{src}/{c['mutu']}/konversi_bawah", 2),
                                    sumber_html(c["atas"], f"{src}/{c['mutu']}/konversi_atas", 2))]
            for c in reversed(report.ikm_categories)]
    return ["Mutu", "Kinerja unit pelayanan", "Nilai IKM"], body


def predikat_matrix(report: Report) -> tuple[list[str], list[list]]:
    """Predikat kinerja from rating hasil kerja (rows) × rating perilaku (columns): ref.predikat_matrix
    with the words of ref.skp_rating and ref.predikat_rank (PermenPANRB 6/2022)."""
    needed = ("ref.predikat_matrix", "ref.skp_rating", "ref.predikat_rank")
    if not all(table_exists(report.con, t) for t in needed):
        return [], []
    ratings = rows(report.con, "select code, label from ref.skp_rating order by rank::integer desc")
    names = {r["predikat"]: (r["label_alternative"] if str(r["use_alternative"]).lower() in ("true", "1", "ya")
                             and r["label_alternative"] else r["label"])
             for r in rows(report.con, "select * from ref.predikat_rank")}
    cell = {(r["rating_hasil_kerja"], r["rating_perilaku"]): names.get(r["predikat"], r["predikat"])
            for r in rows(report.con, "select * from ref.predikat_matrix")}
    head = ["Hasil kerja \\ perilaku kerja"] + [r["label"] for r in ratings]
    body = [[Markup("<strong>{}</strong>").format(h["label"])] + [cell.get((h["code"], b["code"]), "–") for b in ratings]
            for h in ratings]
    return head, body


def reading_aids(report: Report) -> dict:
    mutu_head, mutu_rows = mutu_table(report)
    matrix_head, matrix_rows = predikat_matrix(report)
    return {"mutu_head": mutu_head, "mutu_rows": mutu_rows, "matrix_head": matrix_head, "matrix_rows": matrix_rows}


# --- Ringkasan ----------------------------------------------------------------------------------
def headline_cards(report: Report, scope: str, scope_id: str, include_recommendations: bool = True) -> list[dict]:
    p, q = report.period, report.previous
    g = lambda metric, period=p: report.get(metric, scope, scope_id, period)  # noqa: E731
    cards = []
    ikm, ikm_prev = g("ikm"), g("ikm", q)
    kinerja = g("ikm_kinerja")
    if ikm is not None:
        note = []
        lo, hi = g("ikm_ci_low"), g("ikm_ci_high")
        if lo is not None and hi is not None and lo.value is not None:
            note.append(Markup("selang kepercayaan {}–{}").format(num_html(lo), num_html(hi)))
        cukup = g("sampel_cukup")
        if cukup is not None and cukup.value == 0:
            note.append(Markup("{}").format(num_html(cukup, text="sampel belum memadai")))
        if kinerja is not None:
            note.insert(0, Markup("kinerja {}").format(num_html(kinerja)))
        cards.append(kartu("Indeks Kepuasan Masyarakat (IKM)", num_html(ikm),
                           arah(ikm, ikm_prev, prev_period=q, within=g("ikm_perubahan_dalam_ketidakpastian")),
                           Markup(" · ").join(note) if note else None,
                           mutu=mutu_html(ikm),
                           kelas="perhatian" if ikm.label in ("C", "D") else "baik"))
    else:
        cards.append(kartu("Indeks Kepuasan Masyarakat (IKM)", Markup('<span class="kosong">–</span>'),
                           catatan="tidak ada survei pada periode ini"))
    for metric, title, better in (("discipline_rate", "Disiplin kehadiran", True),
                                  ("punctuality_rate", "Ketepatan waktu masuk", True),
                                  ("capaian_rata", "Rata-rata capaian indikator SKP", True)):
        cur = g(metric)
        catatan = None
        if metric == "discipline_rate":
            catatan = leave_note(g("attendance_rate"), g("leave_days"))
        if metric == "capaian_rata" and cur is not None:
            missed = g("target_tidak_tercapai")
            if missed is not None:
                catatan = Markup("tidak tercapai: {}").format(missed_html(missed))
        cards.append(kartu(title, num_html(cur), arah(cur, g(metric, q), better, prev_period=q), catatan))
    follow = g("asn_to_follow_up")
    if follow is not None:
        cards.append(kartu("ASN perlu ditindaklanjuti (disiplin kehadiran)", num_html(follow),
                           arah(follow, g("asn_to_follow_up", q), higher_is_better=False, prev_period=q),
                           "pita disiplin atau TK berturut-turut; pimpinan yang memutuskan",
                           kelas="perhatian" if follow.value else None))
    keluhan = g("keluhan")
    if keluhan is not None:
        cards.append(kartu("Keluhan warga", num_html(keluhan),
                           arah(keluhan, g("keluhan", q), higher_is_better=False, prev_period=q),
                           Markup("dari {} responden; pujian {}").format(
                               num_html(g("responden")), count_html(g("pujian")))))
    daftar = [(label, num_html(g(f"predikat_{code}"), text=angka(value(g(f"predikat_{code}"))) if g(f"predikat_{code}") else None))
              for code, label in PREDIKAT]
    if any(g(f"predikat_{code}") for code, _ in PREDIKAT):
        catatan = Markup("ASN berpredikat pada periode ini")
        pola = g("pola_distribusi")
        if pola is not None:
            # SE MenPANRB 3/2023, informational; the full guidance is the metric's label (hover)
            teks = ("sesuai pola distribusi" if pola.value == 1 else "tidak sesuai pola distribusi"
                    if pola.value == 0 else "pola distribusi tidak dinilai: predikat organisasi belum ditetapkan"
                    if pola.label and "belum ditetapkan" in pola.label else "pola distribusi tidak dinilai")
            catatan += Markup("; {} (informatif)").format(num_html(pola, text=teks))
        cards.append(kartu("Predikat kinerja ASN", num_html(g("asn_berpredikat")),
                           catatan=catatan, daftar=daftar))
    if include_recommendations:
        perh = g("rekomendasi_perhatian") if scope == "office" else g("rekomendasi")
        evaluated = report.proposal_periods
        if evaluated:
            # December closes the quarter and the year: the year's proposals lead
            ep = evaluated[-1]
            peng, pemb = g("rekomendasi_penghargaan", ep), g("rekomendasi_pembinaan", ep)
            judul = f"Usulan {period_name(ep)} (bukan keputusan)"
            daftar = [("Calon penghargaan", count_html(peng)), ("Calon pembinaan/pelatihan", count_html(pemb))]
            catatan = "usulan periode penilaian SKP; alasan di halaman Rekomendasi, nama di halaman internal"
        else:
            peng, pemb, flags = g("sinyal_penghargaan"), g("sinyal_pembinaan"), g("rekomendasi_pembinaan")
            judul = "Sinyal bulan ini (bukan usulan)"
            daftar = [("Sinyal calon penghargaan", count_html(peng)), ("Sinyal pembinaan/pelatihan", count_html(pemb))]
            if flags is not None:
                daftar.append((Markup("Tanda disiplin {}").format(teks_html("PP 94/2021", "regulasi")), count_html(flags)))
            catatan = "usulan perorangan dibuat per triwulan dan akhir tahun; sinyal hanya untuk dipantau"
        if peng is not None or pemb is not None:
            if perh is not None:
                daftar.append(("Unit perlu perhatian" if scope == "office" else "Aturan perhatian unit", count_html(perh)))
            cards.append(kartu(judul, Markup(""), daftar=daftar, catatan=catatan, kelas="baik"))
    return cards


def period_name(period: str) -> str:
    """'2026-Q3' -> 'triwulan III 2026', '2026' -> 'akhir tahun 2026': an evaluation period in a sentence."""
    if re.fullmatch(r"\d{4}", period):
        return f"akhir tahun {period}"
    text = bulan(period)
    return text[0].lower() + text[1:] if re.fullmatch(r"\d{4}-[QS]\d", period) else text


def period_name_html(period: str) -> Markup:
    """period_name marked as a period (not a published number)."""
    return Markup('<time datetime="{}">{}</time>').format(period, period_name(period))


def next_evaluation(period: str) -> tuple[str, str]:
    """The evaluation period a month belongs to and the month whose run publishes it:
    2026-10 -> ('2026-Q4', '2026-12')."""
    year, month = period.split("-")
    q = (int(month) - 1) // 3 + 1
    return f"{year}-Q{q}", f"{year}-{q * 3:02d}"


def rule_metric(report: Report, scope: str, scope_id: str, rule_id: str, period: str) -> Metric | None:
    """ASN a rule selected in the period: its proposals (rekomendasi_asn_aturan) or, where the rule
    only signals in that period, its signals (sinyal_asn_aturan)."""
    found = report.get("rekomendasi_asn_aturan", scope, f"{scope_id}:{rule_id}", period)
    return found if found is not None else report.get("sinyal_asn_aturan", scope, f"{scope_id}:{rule_id}", period)


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


def office_trend_charts(report: Report) -> list[charts.Chart]:
    o = report.office.slug
    months = report.months
    out = []
    att = report.series("discipline_rate", "office", o)
    pun = report.series("punctuality_rate", "office", o)
    cur, prev = report.office_metric("discipline_rate"), report.office_metric("discipline_rate", report.previous)
    first = next((m for m in att if m is not None), None)
    title = Markup("Disiplin kehadiran kantor {} menjadi {} pada {}").format(word_direction(cur, prev), num_html(cur),
                                                                            periode_html(report.period))
    if first is not None and first.period != report.period:
        title += Markup(" ({} pada {})").format(num_html(first), periode_html(first.period, singkat=True))
    threshold = report.attendance_award_threshold
    out.append(charts.trend("tren-kehadiran", title, "Disiplin = hari hadir (H, DL) dibagi hari kerja yang wajib "
                            "dihadiri (cuti, sakit, izin, tugas belajar tidak dihitung); kehadiran fisik = hari hadir "
                            "dibagi hari kerja; ketepatan = hari hadir tanpa terlambat dibagi hari hadir.", months,
                            [("Disiplin kehadiran", att), ("Kehadiran fisik", report.series("attendance_rate", "office", o)),
                             ("Ketepatan waktu", pun)],
                            reference_line=(threshold, f"syarat penghargaan {angka(threshold)} %") if threshold else None))
    cap = report.series("capaian_rata", "office", o)
    if any(cap):
        cur, prev = report.office_metric("capaian_rata"), report.office_metric("capaian_rata", report.previous)
        title = Markup("Rata-rata capaian indikator {} menjadi {}").format(word_direction(cur, prev), num_html(cur))
        out.append(charts.trend("tren-capaian", title, "Rata-rata capaian IKI per ASN (bobot sama), PermenPANRB 8/2021; "
                                "100 % = target tercapai.", months, [("Capaian rata-rata", cap)],
                                reference_line=(100, "target 100 %")))
    ikm = report.series("ikm", "office", o)
    if any(ikm):
        cur, prev = report.office_metric("ikm"), report.office_metric("ikm", report.previous)
        change = report.office_metric("ikm_perubahan_dalam_ketidakpastian")
        title = ikm_title("IKM kantor", cur, prev, change)
        c = charts.trend("tren-ikm", title, "IKM terkonversi (25–100), PermenPANRB 14/2017; pita warna = mutu A–D; "
                         "garis putus-putus = selang kepercayaan 95 %.", months,
                         [("IKM", ikm), ("Batas bawah 95 %", report.series("ikm_ci_low", "office", o)),
                          ("Batas atas 95 %", report.series("ikm_ci_high", "office", o))],
                         unit_text="", percent=False, bands=ikm_bands(report))
        if change is not None and change.label:
            c.notes.append(kalimat(change.label))
        _thin_interval_traces(c)
        out.append(c)
    keluhan = report.series("keluhan", "office", o)
    if any(keluhan):
        cur, prev = report.office_metric("keluhan"), report.office_metric("keluhan", report.previous)
        title = Markup("Keluhan warga {} menjadi {} pada {}").format(word_direction(cur, prev), num_html(cur),
                                                                  periode_html(report.period))
        out.append(charts.trend("tren-keluhan", title, "Saran responden SKM per bulan: keluhan dan pujian (saran netral tidak dihitung).",
                                months, [("Keluhan", keluhan), ("Pujian", report.series("pujian", "office", o))],
                                unit_text="", decimals=0, percent=False, kind="bar"))
    return out


def _thin_interval_traces(c: charts.Chart) -> None:
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
            name, num_html(change, text="perubahan dalam batas ketidakpastian"), num_html(cur), mutu_html(cur))
    return Markup("{} {} menjadi {} (mutu {})").format(name, word_direction(cur, prev), num_html(cur), mutu_html(cur))


def units_table(report: Report) -> tuple[list[str], list[list], list[str]]:
    head = ["Unit", "Disiplin kehadiran", "Cuti/sakit/izin/TB", "Ketepatan", "TK", "Capaian SKP", "IKM",
            "Responden / minimal", "Keluhan", "Tindak lanjut disiplin", "Aturan perhatian"]
    body, classes = [], []
    for u in report.reporting_units:
        g = lambda metric: report.get(metric, "unit", u.slug)  # noqa: E731
        ikm = g("ikm")
        attention = g("rekomendasi")
        resp, minimum = g("responden"), g("min_sample")
        body.append([link(f"unit-{u.slug}.html", u.short), num_html(g("discipline_rate")), count_html(g("leave_days")),
                     num_html(g("punctuality_rate")),
                     num_html(g("tk_days")), num_html(g("capaian_rata")),
                     Markup("{} {}").format(num_html(ikm), mutu_html(ikm)),
                     Markup("{} / {}").format(num_html(resp, text=angka(value(resp))),
                                              num_html(minimum, text=angka(value(minimum)))) if resp else num_html(None),
                     num_html(g("keluhan")), count_html(g("asn_to_follow_up")),
                     num_html(attention, text=rule_titles(report, attention)) if attention is not None else num_html(None)])
        classes.append("perhatian" if attention is not None and attention.value else "")
    return head, body, classes


def count_html(m: Metric | None) -> Markup:
    """A count without its unit word (the column head says what is counted)."""
    return num_html(m, text=angka(value(m))) if m is not None else num_html(None)


def leave_note(presence: Metric | None, leave: Metric | None) -> Markup | None:
    """'kehadiran fisik 77,27 %; cuti/sakit/izin/tugas belajar 22 hari (hak)': the information beside
    the discipline rate (valid-reason days are rights, PP 94/2021 counts only days without one)."""
    parts = []
    if presence is not None and presence.value is not None:
        parts.append(Markup("kehadiran fisik {}").format(num_html(presence)))
    if leave is not None and leave.value:
        parts.append(Markup("cuti/sakit/izin/tugas belajar {} (hak, tidak mengurangi)").format(num_html(leave)))
    return Markup("; ").join(parts) if parts else None


def unit_leave_html(leave: Metric | None) -> Markup:
    """' (cuti/sakit/izin/tugas belajar 22 hari, tidak dihitung)' after a unit's discipline rate, or nothing."""
    if leave is None or not leave.value:
        return Markup("")
    return Markup(" (cuti/sakit/izin/tugas belajar {}, tidak dihitung)").format(num_html(leave))


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


def unit_comparison_charts(report: Report) -> list[charts.Chart]:
    units = report.reporting_units
    out = []
    att = [(u, report.get("discipline_rate", "unit", u.slug)) for u in units]
    att_sorted = sorted([x for x in att if x[1] is not None and x[1].value is not None], key=lambda x: x[1].value)
    if att_sorted:
        lowest = att_sorted[0]
        threshold = report.attendance_award_threshold
        title = Markup("Disiplin kehadiran terendah di {}: {}{}").format(
            lowest[0].short, num_html(lowest[1]), unit_leave_html(report.get("leave_days", "unit", lowest[0].slug)))
        colour = lambda m: charts.OKABE_ITO["merah"] if threshold and m and m.value is not None and m.value < threshold \
            else charts.OKABE_ITO["biru"]  # noqa: E731
        leave = [count_html(report.get("leave_days", "unit", u.slug)) for u, _ in att_sorted]
        out.append(charts.bars("unit-kehadiran", title, "Disiplin kehadiran per unit pada periode ini: hari hadir dibagi "
                               "hari kerja yang wajib dihadiri (cuti, sakit, izin dan tugas belajar adalah hak dan tidak "
                               "dihitung; jumlahnya di kolom samping); warna jingga tua = di bawah syarat penghargaan.",
                               [(u.short, m) for u, m in att_sorted], "Disiplin kehadiran", colour_of=colour,
                               reference_line=(threshold, f"{angka(threshold)} %") if threshold else None,
                               extra_columns=[("Cuti/sakit/izin/TB (hari)", leave)]))
    ikm = [(u.short, report.get("ikm", "unit", u.slug)) for u in units]
    ikm_sorted = sorted([x for x in ikm if x[1] is not None and x[1].value is not None], key=lambda x: x[1].value)
    if ikm_sorted:
        lowest = ikm_sorted[0]
        title = Markup("IKM terendah di {}: {} (mutu {})").format(lowest[0], num_html(lowest[1]), mutu_html(lowest[1]))
        colour = lambda m: charts.MUTU_BANDS.get(m.label, charts.GREY) if m else charts.GREY  # noqa: E731
        mutu_cells = [mutu_html(m) for _, m in ikm_sorted]
        out.append(charts.bars("unit-ikm", title, "IKM terkonversi per unit; warna = mutu (A biru tua, B biru muda, "
                               "C jingga, D jingga tua).", ikm_sorted, "IKM", unit_text="", percent=False,
                               colour_of=colour, extra_columns=[("Mutu", mutu_cells)]))
    series = []
    for code, label in PREDIKAT:
        series.append((label, charts.PREDIKAT_COLOURS[code],
                       [report.get(f"predikat_{code}", "unit", u.slug) for u in units]))
    if any(m for _, _, ms in series for m in ms):
        parts = [Markup("{} {}").format(label, count_html(report.office_metric(f"predikat_{code}")))
                 for code, label in PREDIKAT if code != "baik" and value(report.office_metric(f"predikat_{code}"))]
        title = Markup("Predikat kinerja per unit: {}").format(Markup(", ").join(parts) if parts else "semua Baik")
        out.append(charts.stacked_bars("unit-predikat", title, "Jumlah ASN per predikat (PermenPANRB 6/2022) pada periode "
                                       "ini; ASN yang menilai per triwulan muncul di bulan penutup triwulan.",
                                       [u.short for u in units], series))
    return out


def complaint_section(report: Report, scope: str, scope_id: str, chart_id: str) -> tuple[list[charts.Chart], list[list]]:
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
        out.append(charts.bars(chart_id, title, "Jumlah keluhan per tema pada periode ini (satu keluhan bisa menyebut "
                               "beberapa tema). ▲ dan jingga tua = tema naik: lebih banyak dari rata-rata tiga periode "
                               "sebelumnya.", items, "Keluhan", unit_text="", decimals=0, percent=False,
                               colour_of=colour, label_head="Tema"))
    rising_rows = [[(m.label or "").split(":")[0], num_html(m, text=angka(m.value)),
                    num_html(m, text=(m.label or "").split(": ", 1)[-1])] for m in rising.values()]
    return out, rising_rows


def kendala_chart(report: Report, scope: str, scope_id: str, chart_id: str) -> charts.Chart | None:
    shares = [m for m in report.metrics.all("kendala_share", scope, report.period, prefix=scope_id + ":")
              if m.value is not None]
    if not shares or not any(m.value for m in shares):
        return None
    shares = sorted(shares, key=lambda m: -m.value)
    items = [((m.label or m.scope_id).split(":")[0], m) for m in shares]
    top = shares[0]
    title = Markup("Target tidak tercapai paling sering karena {} ({})").format(
        (top.label or "").split(":")[0], num_html(top))
    detail = [Markup("{}").format(num_html(m, text=(m.label or "").split(": ", 1)[-1])) for m in shares]
    return charts.bars(chart_id, title, "Bagian dari indikator yang tidak tercapai, menurut kendala yang ditulis di "
                       "ekspor SKP (kendala_categories.csv).", items, "Bagian", extra_columns=[("Rincian", detail)],
                       label_head="Kendala")


def recommendation_rows(report: Report, period: str | None = None, prefix: str = "rekomendasi",
                        attention: bool = True) -> tuple[list[str], list[list], list[str]]:
    """Per unit: ASN proposed (prefix 'rekomendasi') or signalled ('sinyal') in the period, per rule; a
    rule that proposes where the others signal (the PP 94/2021 flags in a month) is marked '(usulan)'."""
    period = period or report.period
    titles = {r["aturan"]: r.get("judul") or r["aturan"] for r in report.rules}
    rule_ids = [rid for rid in dict.fromkeys(r["aturan"] for r in report.rules if r["cakupan"] == "asn")
                if rid != "penghargaan"]
    office = report.office.slug
    rule_ids = [rid for rid in rule_ids if rule_metric(report, "office", office, rid, period) is not None] or rule_ids
    proposes = {rid: report.get("rekomendasi_asn_aturan", "office", f"{office}:{rid}", period) is not None
                for rid in rule_ids}
    names = ["Calon penghargaan", "Calon pembinaan"] if prefix == "rekomendasi" else \
        ["Sinyal penghargaan", "Sinyal pembinaan"]
    head = ["Unit"] + names + [f"· {titles[rid]}" + (" (usulan)" if prefix == "sinyal" and proposes[rid] else "")
                               for rid in rule_ids] + (["Perhatian unit"] if attention else [])
    body, classes = [], []
    for u in report.reporting_units:
        g = lambda metric, sid=u.slug: report.get(metric, "unit", sid, period)  # noqa: E731
        row = [link(f"unit-{u.slug}.html#rekomendasi", u.short), count_html(g(f"{prefix}_penghargaan")),
               count_html(g(f"{prefix}_pembinaan"))]
        row += [count_html(rule_metric(report, "unit", u.slug, rid, period)) for rid in rule_ids]
        unit_attention = report.get("rekomendasi", "unit", u.slug) if attention else None
        if attention:
            row.append(num_html(unit_attention, text=rule_titles(report, unit_attention))
                       if unit_attention is not None else num_html(None))
        body.append(row)
        classes.append("perhatian" if unit_attention is not None and unit_attention.value else "")
    return head, body, classes


def recommendation_view(report: Report) -> tuple[str, str]:
    """(period, prefix) a month's pages lead with: the proposals of the evaluation period it closes,
    else the month's signals."""
    if report.proposal_periods:
        return report.proposal_periods[-1], "rekomendasi"
    return report.period, "sinyal"


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
            unit_rising.append([link(f"unit-{u.slug}.html#keluhan", u.short), Markup("; ").join(
                Markup("{} {}").format((m.label or "").split(":")[0], num_html(m, text=f"({angka(m.value)})"))
                for m in found)])
    theme_trend = office_theme_trend(report)
    units_head, units_body, units_classes = units_table(report)
    rec_period, rec_prefix = recommendation_view(report)
    rec_head, rec_body, rec_classes = recommendation_rows(report, rec_period, rec_prefix)
    kendala = kendala_chart(report, "office", o, "kendala")
    return {
        **reading_aids(report),
        "page": "index", "title": "Ringkasan kinerja ASN",
        "cards": headline_cards(report, "office", o),
        "findings": findings(report),
        "trends": office_trend_charts(report),
        "units_head": units_head, "units_rows": units_body, "units_classes": units_classes,
        "unit_charts": unit_comparison_charts(report),
        "complaint_charts": rising_charts, "theme_trend": theme_trend,
        "unit_rising": unit_rising,
        "kendala": kendala,
        "rec_head": rec_head, "rec_rows": rec_body, "rec_classes": rec_classes,
        "rec_title": (f"Usulan {period_name(rec_period)}" if rec_prefix == "rekomendasi"
                      else "Sinyal bulan ini (bukan usulan)"),
    }


def office_theme_trend(report: Report) -> charts.Chart | None:
    o = report.office.slug
    themes = {}
    for month in report.months:
        for m in report.metrics.all("keluhan", "office-tema", month, prefix=o + ":"):
            themes.setdefault(m.scope_id, m.label or m.scope_id)
    if not themes:
        return None
    totals = {sid: sum(value(report.get("keluhan", "office-tema", sid, p)) or 0 for p in report.months) for sid in themes}
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
            themes[grown].lower(), num_html(first), periode_html(first.period, singkat=True), num_html(last),
            periode_html(report.period, singkat=True))
    else:
        top = ordered[0]
        title = Markup("Sepanjang 12 bulan, tema terbanyak: {} ({} pada {})").format(
            themes[top], num_html(report.get("keluhan", "office-tema", top)), periode_html(report.period, singkat=True))
    c = charts.trend("keluhan-tren-tema", title, "Keluhan per tema per bulan, seluruh unit (satu keluhan bisa menyebut "
                     "beberapa tema).", report.months, series, unit_text="", decimals=0, percent=False, kind="bar",
                     stacked=True, height=360)
    c.layout["legend"] = {"orientation": "h", "x": 0, "y": -0.16, "yanchor": "top", "font": {"size": 12}}
    c.layout["margin"]["b"] = 40
    return c


# --- per unit -----------------------------------------------------------------------------------
def unit_page(report: Report, unit: Unit, include_internal: bool) -> dict:
    s = unit.slug
    p, q = report.period, report.previous
    months = report.months
    trends = []
    att = report.series("discipline_rate", "unit", s)
    if any(att):
        cur, prev = report.get("discipline_rate", "unit", s), report.get("discipline_rate", "unit", s, q)
        title = Markup("Disiplin kehadiran {} {} menjadi {}{}").format(unit.short, word_direction(cur, prev), num_html(cur),
                                                                     unit_leave_html(report.get("leave_days", "unit", s)))
        threshold = report.attendance_award_threshold
        trends.append(charts.trend(f"tren-kehadiran-{s}", title, "Disiplin kehadiran (cuti, sakit, izin dan tugas belajar "
                                   "tidak dihitung), kehadiran fisik dan ketepatan waktu masuk, 12 bulan.", months,
                                   [("Disiplin kehadiran", att), ("Kehadiran fisik", report.series("attendance_rate", "unit", s)),
                                    ("Ketepatan waktu", report.series("punctuality_rate", "unit", s))],
                                   reference_line=(threshold, f"{angka(threshold)} %") if threshold else None))
        tl = report.series("tl_days", "unit", s)
        cur_tl, prev_tl = report.get("tl_days", "unit", s), report.get("tl_days", "unit", s, q)
        title = Markup("Hari terlambat (TL) {}: {} pada {}").format(word_direction(cur_tl, prev_tl), num_html(cur_tl),
                                                                  periode_html(p, singkat=True))
        trends.append(charts.trend(f"tren-terlambat-{s}", title, "Hari kerja dengan terlambat masuk (TL1–TL4), pulang "
                                   "sebelum waktunya (PSW1–PSW4) dan tanpa keterangan (TK), dijumlah atas ASN unit.",
                                   months, [("Terlambat (TL)", tl), ("Pulang cepat (PSW)", report.series("psw_days", "unit", s)),
                                            ("Tanpa keterangan (TK)", report.series("tk_days", "unit", s))],
                                   unit_text=" hari", decimals=0, percent=False, kind="bar"))
    cap = report.series("capaian_rata", "unit", s)
    if any(cap):
        cur, prev = report.get("capaian_rata", "unit", s), report.get("capaian_rata", "unit", s, q)
        title = Markup("Capaian indikator {} {} menjadi {}").format(unit.short, word_direction(cur, prev), num_html(cur))
        trends.append(charts.trend(f"tren-capaian-{s}", title, "Rata-rata capaian IKI per ASN; 100 % = target tercapai.",
                                   months, [("Capaian rata-rata", cap)], reference_line=(100, "target 100 %")))
    ikm = report.series("ikm", "unit", s)
    if any(ikm):
        cur, prev = report.get("ikm", "unit", s), report.get("ikm", "unit", s, q)
        title = ikm_title(f"IKM {unit.short}", cur, prev, report.get("ikm_perubahan_dalam_ketidakpastian", "unit", s))
        c = charts.trend(f"tren-ikm-{s}", title, "IKM terkonversi dengan selang kepercayaan 95 %; pita warna = mutu.",
                         months, [("IKM", ikm), ("Batas bawah 95 %", report.series("ikm_ci_low", "unit", s)),
                                  ("Batas atas 95 %", report.series("ikm_ci_high", "unit", s))],
                         unit_text="", percent=False, bands=ikm_bands(report))
        change = report.get("ikm_perubahan_dalam_ketidakpastian", "unit", s)
        if change is not None and change.label:
            c.notes.append(kalimat(change.label))
        sample = report.get("sampel_cukup", "unit", s)
        if sample is not None and sample.label:
            c.notes.append(kalimat(sample.label))
        _thin_interval_traces(c)
        trends.append(c)

    # NRR per unsur and priorities
    names = unsur_names(report)
    nrr = [report.get("nrr", "unit-unsur", f"{s}:{code}") for code in (names or UNSUR_DEFAULT)]
    nrr_items = [(f"{m.scope_id.split(':')[-1].upper()} {names.get(m.scope_id.split(':')[-1], '')}", m)
                 for m in nrr if m is not None]
    nrr_chart, priorities = None, []
    if nrr_items:
        ordered = sorted(nrr_items, key=lambda x: x[1].value)
        low_name, low = ordered[0]
        title = Markup("Prioritas perbaikan: {} (NRR {}, mutu {})").format(teks_html(low_name, "unsur"), num_html(low),
                                                                          mutu_html(low))
        limit = report.nrr_attention_below
        colour = lambda m: charts.MUTU_BANDS.get(m.label, charts.GREY) if m else charts.GREY  # noqa: E731
        nrr_chart = charts.bars(f"nrr-{s}", title, "Nilai rata-rata (NRR, skala 1–4) tiap unsur pelayanan pada periode ini, "
                                "dari yang terendah; warna = mutu unsur.", ordered, "NRR", unit_text="", decimals=2,
                                percent=False, colour_of=colour, label_head="Unsur",
                                reference_line=(limit, f"batas mutu B {angka(limit, 4)}") if limit else None,
                                extra_columns=[("Mutu", [mutu_html(m) for _, m in ordered])])
        for m in sorted(report.metrics.all("prioritas_perbaikan", "unit-unsur", p, prefix=s + ":"),
                        key=lambda m: (m.value if m.value is not None else 99)):
            code = m.scope_id.split(":")[-1]
            priorities.append([teks_html(f"{code.upper()} {names.get(code, '')}", "unsur"),
                               num_html(report.get("nrr", "unit-unsur", f"{s}:{code}")),
                               mutu_html(report.get("nrr", "unit-unsur", f"{s}:{code}")),
                               num_html(m, text=angka(m.value)),
                               count_html(report.get("keluhan", "unit-unsur", f"{s}:{code}")),
                               num_html(m, text=(m.label or "").split(": ", 1)[-1])])

    complaint_charts, rising_rows = complaint_section(report, "unit", s, f"keluhan-{s}")
    complaints = [{"tanggal": c["tanggal"], "layanan": c["jenis_layanan"], "tema": c["tema_label"],
                   "saran": mask_personal(c["saran"], report)} for c in report.complaints(s, p)]
    kendala = kendala_chart(report, "unit", s, f"kendala-{s}")
    missed = report.get("target_tidak_tercapai", "unit", s)

    attention, signals = unit_rule_metrics(report, s, p)
    rule_text = {r["aturan"]: r for r in report.rules}
    rules_rows = []
    for period in report.proposal_periods + [p]:
        for rid in dict.fromkeys(r["aturan"] for r in report.rules if r["cakupan"] == "asn"):
            m = rule_metric(report, "unit", s, rid, period)
            if m is None:
                continue
            role = "usulan" if m.metric.startswith("rekomendasi") else "sinyal"
            rules_rows.append([rule_text.get(rid, {}).get("judul", rid), teks_html(rule_label(report, rid), "aturan"),
                               Markup("{} {}").format(role, periode_html(period)), count_html(m)])
    return {
        **reading_aids(report),
        "page": f"unit-{s}", "title": unit.name, "unit": unit,
        "cards": headline_cards(report, "unit", s),
        "trends": trends, "nrr_chart": nrr_chart, "priorities": priorities,
        "complaint_charts": complaint_charts, "rising_rows": rising_rows, "complaints": complaints,
        "kendala": kendala, "missed": missed,
        "attention": [(rule_text.get(m.scope_id.split(":")[-1], {}).get("judul", m.scope_id),
                       num_html(m, text=(m.label or "").split("Bukti: ", 1)[-1])) for m in attention],
        "signals": [(rule_text.get(m.scope_id.split(":")[-1], {}).get("judul", m.scope_id),
                     num_html(m, text=(m.label or "").split("Bukti: ", 1)[-1])) for m in signals],
        "rules_rows": rules_rows,
        "include_internal": include_internal,
    }


def rule_label(report: Report, rule_id: str) -> str:
    parts = [kalimat(r["syarat"]) for r in report.rules if r["aturan"] == rule_id]
    jenis = next((r["jenis"] for r in report.rules if r["aturan"] == rule_id), "")
    return f"{jenis}: " + ", ".join(parts)


def mask_personal(text: str | None, report: Report) -> str:
    """A citizen may write an officer's name or NIP, or their own phone number, NIK or e-mail; an
    office may name a file after a person: public pages show units, not people (UU 27/2022)."""
    if not text:
        return ""
    # reports/masking.py: the rules; the masker is built once per Report
    masker = getattr(report, "name_masker", None) or NameMasker(report.roster_names)
    return masker.mask(mask_numbers(text))


# --- Rekomendasi --------------------------------------------------------------------------------
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


def rekomendasi(report: Report, include_internal: bool) -> dict:
    rules = []
    for rid in dict.fromkeys(r["aturan"] for r in report.rules):
        conds = [r for r in report.rules if r["aturan"] == rid]
        rules.append({"aturan": rid, "jenis": conds[0]["jenis"], "cakupan": conds[0]["cakupan"],
                      "kapan": rule_timing(report, rid) if conds[0]["cakupan"] == "asn" else "setiap bulan",
                      "syarat": [kalimat(c["syarat"]) for c in conds], "sumber": "; ".join(dict.fromkeys(
                          part.strip() for c in conds for part in re.split(r";(?![^()]*\))", c["sumber"]) if part.strip()))})
    proposals = []
    for ep in report.proposal_periods:
        head, body, classes = recommendation_rows(report, ep, "rekomendasi", attention=False)
        proposals.append({"nama": period_name_html(ep),
                          "peng": report.office_metric("rekomendasi_penghargaan", ep),
                          "pemb": report.office_metric("rekomendasi_pembinaan", ep),
                          "head": head, "rows": body, "classes": classes})
    rec_head, rec_rows, rec_classes = recommendation_rows(report, report.period, "sinyal")
    quarter, closing = next_evaluation(report.period)
    units, units_signals = [], []
    for u in report.reporting_units:
        perhatian, indikasi = unit_rule_metrics(report, u.slug, report.period)
        if perhatian:
            units.append({"unit": u, "rules": [(m.scope_id.split(":")[-1], num_html(m, text=m.label or "")) for m in perhatian]})
        if indikasi:
            units_signals.append({"unit": u, "rules": [(m.scope_id.split(":")[-1], num_html(m, text=m.label or ""))
                                                       for m in indikasi]})
    perh = report.office_metric("rekomendasi_perhatian")
    return {"page": "rekomendasi", "title": "Rekomendasi: usulan penghargaan, pembinaan dan perhatian unit",
            "rules": rules, "proposals": proposals,
            "rec_head": rec_head, "rec_rows": rec_rows, "rec_classes": rec_classes,
            "sinyal_peng": report.office_metric("sinyal_penghargaan"),
            "sinyal_pemb": report.office_metric("sinyal_pembinaan"),
            "flags": report.office_metric("rekomendasi_pembinaan"),
            "next_name": period_name_html(quarter), "next_month": periode_html(closing),
            "units_attention": units, "units_signals": units_signals, "perh": perh,
            "indikasi": report.office_metric("rekomendasi_indikasi"),
            "include_internal": include_internal}


# --- Kualitas data ------------------------------------------------------------------------------
def kualitas_data(report: Report, include_internal: bool) -> dict:
    files = []
    totals = {"rows_read": 0, "rows_loaded": 0, "rows_quarantined": 0}
    for f in report.files:
        if f["status"] == "superseded":
            continue
        src = f"lineage.files/{f['file_id']}"
        files.append([teks_html(mask_personal(f["path"], report), "berkas"), f["kind"] or "", f["format"] or "",
                      sumber_html(f["rows_read"], f"{src}/rows_read"), sumber_html(f["rows_loaded"], f"{src}/rows_loaded"),
                      sumber_html(f["rows_quarantined"], f"{src}/rows_quarantined"),
                      teks_html(mask_personal(status_text(f), report), "status")])
        for k in totals:
            totals[k] += f[k] or 0
    superseded = [f for f in report.files if f["status"] == "superseded"]
    reasons = [[r["shape"] or "", teks_html(r["rule"], "aturan"), teks_html(r["message"] or "", "alasan"),
                sumber_html(r["rows"], f"quarantine.rows/{r['shape']}/{r['rule']}"),
                sumber_html(r["files"], f"quarantine.rows/{r['shape']}/{r['rule']}/files")]
               for r in report.quarantine_reasons]
    total_row = [Markup("<strong>Jumlah</strong>"), "", "",
                 sumber_html(totals["rows_read"], "lineage.files/sum/rows_read"),
                 sumber_html(totals["rows_loaded"], "lineage.files/sum/rows_loaded"),
                 sumber_html(totals["rows_quarantined"], "lineage.files/sum/rows_quarantined"), ""]
    # approved corrections applied for the period, per unit and kind: counts only, never who
    corrections = [[teks_html(report.unit_name(r["unit_slug"]), "unit"), teks_html(r["kolom"], "jenis"),
                    sumber_html(r["n"], f"lineage.corrections/{r['unit_slug']}/{r['kolom']}")]
                   for r in (rows(report.con, """
                       select unit_slug, kolom, count(*) as n from lineage.corrections
                       where run_id = ? and kapan like ? || '%' group by all order by 1, 2""",
                       [report.run_id, report.period]) if table_exists(report.con, "lineage.corrections") else [])]
    references = [[teks_html(r["shape"].removeprefix("ref.") + ".csv", "tabel"),
                   sumber_html(r["rows"], f"lineage.validation_results/{r['shape']}/element_count"),
                   sumber_html(r["expectations"], f"lineage.validation_results/{r['shape']}"),
                   teks_html(", ".join(t.removeprefix("expect_") for t in r["types"]), "harapan"),
                   teks_html("lolos" if not r["failed"] else f"{r['failed']} gagal", "status"),
                   teks_html((r["sha256"] or "")[:12], "sha256")]
                  for r in report.reference_checks]
    return {"page": "kualitas-data", "title": "Kualitas data: berkas, baris dimuat dan dikarantina",
            "corrections": corrections, "references": references,
            "files": files + ([total_row] if files else []), "reasons": reasons,
            "superseded": [[teks_html(mask_personal(f["path"], report), "berkas"), teks_html(f["sha256"][:12], "sha256"),
                            teks_html(f"diganti berkas #{f['superseded_by']}", "berkas")] for f in superseded],
            "include_internal": include_internal}


def status_text(f: dict) -> str:
    if f["status"] == "error":
        return f"galat: {f['error'] or ''}"
    read, loaded, quarantined = f["rows_read"] or 0, f["rows_loaded"] or 0, f["rows_quarantined"] or 0
    return "cocok" if read == loaded + quarantined else "tidak cocok: periksa"


# --- Metodologi ---------------------------------------------------------------------------------
def metodologi(report: Report) -> dict:
    definitions = report.definitions
    listed = []
    if definitions:
        for d in definitions:
            listed.append([metric_name(report, d.get("metric")), report.label("cakupan", d.get("scope")),
                           d.get("satuan") or "",
                           teks_html(kalimat(d.get("definisi") or ""), "definisi"),
                           teks_html(kalimat(d.get("rumus") or ""), "rumus"),
                           teks_html(d.get("regulasi") or "", "regulasi"),
                           teks_html((d.get("tabel_referensi") or "").replace("|", ", "), "tabel")])
    else:
        for r in rows(report.con, "select distinct metric, scope, unit from main.metrics order by 1, 2"):
            listed.append([metric_name(report, r["metric"]), report.label("cakupan", r["scope"]), r["unit"] or "",
                           "", "", "", ""])
    published = {(r[0], r[1]) for r in report.con.execute(
        "select distinct metric, scope from main.metrics where period = ?", [report.period]).fetchall()}
    extra = sorted(published - {(d.get("metric"), d.get("scope")) for d in definitions}) if definitions else []
    refs = [[teks_html(r["name"], "tabel"), teks_html(r["sha256"], "sha256"),
             sumber_html(r["rows"], f"lineage.reference_tables/{r['name']}/rows")] for r in report.reference_versions]
    kinds = {}
    for f in report.files:
        if f["status"] != "superseded":
            kinds.setdefault(f["kind"] or "?", []).append(f)
    run = report.run
    run_rows = []
    shown = {"period": lambda v: periode_html(str(v)), "as_of": tanggal_html,
             "started_at": lambda v: waktu_html(v, report.timezone), "ended_at": lambda v: waktu_html(v, report.timezone),
             "status": lambda v: teks_html(report.label("status", str(v)), "status")}
    for key, label in (("run_id", "Run"), ("period", "Periode"), ("as_of", "Tanggal acuan"),
                       ("started_at", "Mulai"), ("ended_at", "Selesai"), ("status", "Status"),
                       ("code_version", "Versi kode")):
        if run.get(key) is not None:
            run_rows.append([label, shown[key](run[key]) if key in shown else teks_html(str(run[key]), key)])
    return {"page": "metodologi", "title": "Metodologi: definisi, rumus, aturan dan versinya",
            "definitions": listed, "has_definitions": bool(definitions),
            "undefined": [Markup("{} ({})").format(metric_name(report, m), report.label("cakupan", s)) for m, s in extra],
            "refs": refs, "run_rows": run_rows,
            "kinds": [[k, sumber_html(len(v), f"lineage.files/kind/{k}"),
                       sumber_html(sum(f["rows_read"] or 0 for f in v), f"lineage.files/kind/{k}/rows_read")]
                      for k, v in sorted(kinds.items())],
            "rules": [{**r, "syarat": kalimat(r["syarat"]), "ambang": kalimat(r["ambang"])} for r in report.rules]}


def metric_name(report: Report, metric: str | None) -> Markup:
    """'Disiplin kehadiran' with its id beneath for auditors (ref.labels, jenis metrik)."""
    name = report.label("metrik", metric)
    if name == metric:
        return teks_html(metric, "metric")
    return Markup('{}<br><code data-teks="metric">{}</code>').format(name, metric)
