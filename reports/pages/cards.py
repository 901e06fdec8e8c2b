"""The headline cards at the top of the Ringkasan and unit pages (and the one-page summary).

One function per card, in the order the page shows them; each reads the metrics of one scope (the
office or a unit) through a ScopeMetrics and returns its card, or None when the card has nothing to show.
"""

from __future__ import annotations

from dataclasses import dataclass

from markupsafe import Markup

from reports.data import Report
from reports.fmt import Metric, angka, num_html, teks_html
from reports.pages.parts import (
    PREDIKAT,
    arah,
    count_html,
    kartu,
    leave_note,
    missed_html,
    mutu_html,
    period_name,
    value,
)

# the rate cards: (metric, title, higher is better)
RATES = (
    ("discipline_rate", "Disiplin kehadiran", True),
    ("punctuality_rate", "Ketepatan waktu masuk", True),
    ("capaian_rata", "Rata-rata capaian indikator SKP", True),
)


@dataclass(frozen=True)
class ScopeMetrics:
    """The metrics of one scope of a report: `g("ikm")` in the report's period, `g("ikm", q)` in period q."""

    report: Report
    scope: str
    scope_id: str

    def __call__(self, metric: str, period: str | None = None) -> Metric | None:
        return self.report.get(metric, self.scope, self.scope_id, period)

    @property
    def previous(self) -> str | None:
        return self.report.previous


def headline_cards(report: Report, scope: str, scope_id: str, include_recommendations: bool = True) -> list[dict]:
    g = ScopeMetrics(report, scope, scope_id)
    cards = [
        ikm_card(g),
        *(rate_card(g, metric, title, better) for metric, title, better in RATES),
        follow_up_card(g),
        complaints_card(g),
        predikat_card(g),
    ]
    if include_recommendations:
        cards.append(recommendation_card(g))
    return [c for c in cards if c is not None]


def ikm_card(g: ScopeMetrics) -> dict:
    """The IKM with its mutu, kinerja, confidence interval and a too-small sample; a dash without a survey."""
    ikm = g("ikm")
    if ikm is None:
        return kartu(
            "Indeks Kepuasan Masyarakat (IKM)",
            Markup('<span class="kosong">–</span>'),
            catatan="tidak ada survei pada periode ini",
        )
    note = []
    kinerja = g("ikm_kinerja")
    if kinerja is not None:
        note.append(Markup("kinerja {}").format(num_html(kinerja)))
    lo, hi = g("ikm_ci_low"), g("ikm_ci_high")
    if lo is not None and hi is not None and lo.value is not None:
        note.append(Markup("selang kepercayaan {}–{}").format(num_html(lo), num_html(hi)))
    cukup = g("sampel_cukup")
    if cukup is not None and cukup.value == 0:
        note.append(Markup("{}").format(num_html(cukup, text="sampel belum memadai")))
    return kartu(
        "Indeks Kepuasan Masyarakat (IKM)",
        num_html(ikm),
        arah(ikm, g("ikm", g.previous), prev_period=g.previous, within=g("ikm_perubahan_dalam_ketidakpastian")),
        Markup(" · ").join(note) if note else None,
        mutu=mutu_html(ikm),
        kelas="perhatian" if ikm.label in ("C", "D") else "baik",
    )


def rate_card(g: ScopeMetrics, metric: str, title: str, higher_is_better: bool) -> dict:
    """Discipline (with presence and leave beside it), punctuality or capaian (with the targets missed)."""
    cur = g(metric)
    catatan = None
    if metric == "discipline_rate":
        catatan = leave_note(g("attendance_rate"), g("leave_days"))
    if metric == "capaian_rata" and cur is not None:
        missed = g("target_tidak_tercapai")
        if missed is not None:
            catatan = Markup("tidak tercapai: {}").format(missed_html(missed))
    return kartu(
        title, num_html(cur), arah(cur, g(metric, g.previous), higher_is_better, prev_period=g.previous), catatan
    )


def follow_up_card(g: ScopeMetrics) -> dict | None:
    follow = g("asn_to_follow_up")
    if follow is None:
        return None
    return kartu(
        "ASN perlu ditindaklanjuti (disiplin kehadiran)",
        num_html(follow),
        arah(follow, g("asn_to_follow_up", g.previous), higher_is_better=False, prev_period=g.previous),
        "pita disiplin atau TK berturut-turut; pimpinan yang memutuskan",
        kelas="perhatian" if follow.value else None,
    )


def complaints_card(g: ScopeMetrics) -> dict | None:
    keluhan = g("keluhan")
    if keluhan is None:
        return None
    return kartu(
        "Keluhan warga",
        num_html(keluhan),
        arah(keluhan, g("keluhan", g.previous), higher_is_better=False, prev_period=g.previous),
        Markup("dari {} responden; pujian {}").format(num_html(g("responden")), count_html(g("pujian"))),
    )


def predikat_card(g: ScopeMetrics) -> dict | None:
    """ASN per predikat, and whether the distribution follows the pattern of SE MenPANRB 3/2023."""
    daftar = [
        (
            label,
            num_html(
                g(f"predikat_{code}"), text=angka(value(g(f"predikat_{code}"))) if g(f"predikat_{code}") else None
            ),
        )
        for code, label in PREDIKAT
    ]
    if not any(g(f"predikat_{code}") for code, _ in PREDIKAT):
        return None
    catatan = Markup("ASN berpredikat pada periode ini")
    pola = g("pola_distribusi")
    if pola is not None:
        # SE MenPANRB 3/2023, informational; the full guidance is the metric's label (hover)
        teks = (
            "sesuai pola distribusi"
            if pola.value == 1
            else "tidak sesuai pola distribusi"
            if pola.value == 0
            else "pola distribusi tidak dinilai: predikat organisasi belum ditetapkan"
            if pola.label and "belum ditetapkan" in pola.label
            else "pola distribusi tidak dinilai"
        )
        catatan += Markup("; {} (informatif)").format(num_html(pola, text=teks))
    return kartu("Predikat kinerja ASN", num_html(g("asn_berpredikat")), catatan=catatan, daftar=daftar)


def recommendation_card(g: ScopeMetrics) -> dict | None:
    """The proposals of the evaluation period the month closes, else the month's signals (not proposals)."""
    evaluated = g.report.proposal_periods
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
    if peng is None and pemb is None:
        return None
    perh = g("rekomendasi_perhatian") if g.scope == "office" else g("rekomendasi")
    if perh is not None:
        daftar.append(("Unit perlu perhatian" if g.scope == "office" else "Aturan perhatian unit", count_html(perh)))
    return kartu(judul, Markup(""), daftar=daftar, catatan=catatan, kelas="baik")
