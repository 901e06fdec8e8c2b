"""The small pieces every public page builder uses: directions of change (arah), cards (kartu),
counts, links, period names and the masking of free text."""

from __future__ import annotations

import re

from markupsafe import Markup

from reports.data import Report, rows, table_exists
from reports.fmt import Metric, angka, bulan, num_html, periode_html
from reports.masking import NameMasker, mask_numbers

PREDIKAT = [
    ("sangat_baik", "Sangat Baik"),
    ("baik", "Baik"),
    ("butuh_perbaikan", "Butuh Perbaikan"),
    ("kurang", "Kurang/Misconduct"),
    ("sangat_kurang", "Sangat Kurang"),
]


UNSUR_DEFAULT = [f"u{i}" for i in range(1, 10)]


EPS = 0.005


def value(m: Metric | None) -> float | None:
    return None if m is None else m.value


def arah(
    cur: Metric | None,
    prev: Metric | None,
    higher_is_better: bool = True,
    prev_period: str | None = None,
    within: Metric | None = None,
) -> Markup:
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
        word, symbol, cls = (
            Markup("stabil ({})").format(num_html(within, text="dalam batas ketidakpastian")),
            "■",
            "tetap",
        )
    elif diff > 0:
        word, symbol, cls = "naik", "▲", "naik" if higher_is_better else "turun"
    else:
        word, symbol, cls = "turun", "▼", "turun" if higher_is_better else "naik"
    when = (
        Markup(" ({})").format(periode_html(prev.period))
        if prev_period is None
        else Markup(" ({})").format(periode_html(prev_period))
    )
    return Markup('<span class="arah {cls}">{sym} {word}</span> dari {prev}{when}').format(
        cls=cls, sym=symbol, word=word, prev=num_html(prev), when=when
    )


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
    return Markup(
        '<span data-sumber="ref.recommendation_rules" title="data/reference/recommendation_rules.csv">{}{}</span>'
    ).format(angka(value_), suffix)


def kartu(
    judul: str,
    nilai: Markup,
    banding: Markup | None = None,
    catatan: str | Markup | None = None,
    mutu: Markup | None = None,
    kelas: str | None = None,
    daftar=None,
) -> dict:
    return {
        "judul": judul,
        "nilai": nilai,
        "banding": banding,
        "catatan": catatan,
        "mutu": mutu,
        "kelas": kelas,
        "daftar": daftar,
    }


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


def mask_personal(text: str | None, report: Report) -> str:
    """A citizen may write an officer's name or NIP, or their own phone number, NIK or e-mail; an
    office may name a file after a person: public pages show units, not people (UU 27/2022)."""
    if not text:
        return ""
    # reports/masking.py: the rules; the masker is built once per Report
    masker = getattr(report, "name_masker", None) or NameMasker(report.roster_names)
    return masker.mask(mask_numbers(text))
