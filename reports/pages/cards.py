"""The headline cards at the top of the Ringkasan and unit pages (and the one-page summary)."""
from __future__ import annotations

from markupsafe import Markup

from reports.data import Report
from reports.fmt import angka, num_html, teks_html
from reports.pages.parts import (PREDIKAT, arah, count_html, kartu, leave_note, missed_html, mutu_html, period_name,
                                 value)


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
