"""Indonesian number and date formats, and the one way a published number becomes HTML.

Every number a page shows comes from a row of `main.metrics` and is wrapped by `num_html`, which
carries the row's metric_id in `data-metric-id` and in the tooltip, so an auditor can copy it into
`pantau trace`. Formats follow Indonesian usage: decimal comma, thousands dot (82,31 and 1.234).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import UTC

from markupsafe import Markup, escape

BULAN = [
    "Januari",
    "Februari",
    "Maret",
    "April",
    "Mei",
    "Juni",
    "Juli",
    "Agustus",
    "September",
    "Oktober",
    "November",
    "Desember",
]
BULAN_SINGKAT = ["Jan", "Feb", "Mar", "Apr", "Mei", "Jun", "Jul", "Agu", "Sep", "Okt", "Nov", "Des"]
ROMAWI = {"1": "I", "2": "II", "3": "III", "4": "IV"}

NBSP = "\u00a0"


@dataclass(frozen=True)
class Metric:
    """One row of main.metrics."""

    metric_id: str
    metric: str
    scope: str
    scope_id: str
    period: str
    value: float | None
    label: str | None
    unit: str | None
    run_id: str | None = None


def angka(value: float | int | None, decimals: int = 0) -> str:
    """1234.5 -> '1.234,5' (decimals fixed); None/NaN -> '–'."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    text = f"{abs(value):,.{decimals}f}"  # 1,234.50
    text = text.replace(",", "_").replace(".", ",").replace("_", ".")
    return ("−" if value < 0 and round(abs(value), decimals) != 0 else "") + text


# decimals shown per metric unit; metrics not listed here use the default below
DECIMALS_BY_UNIT = {
    "%": 2,
    "hari": 0,
    "orang": 0,
    "indikator": 0,
    "responden": 0,
    "aturan": 0,
    "keluhan": 0,
    "layanan": 0,
}
DECIMALS_BY_METRIC = {"ikm": 2, "ikm_ni": 3, "nrr": 2}


def decimals_for(m: Metric) -> int:
    if m.metric in DECIMALS_BY_METRIC:
        return DECIMALS_BY_METRIC[m.metric]
    if m.unit in DECIMALS_BY_UNIT:
        return DECIMALS_BY_UNIT[m.unit]
    value = m.value if m.value is not None else 0
    return 0 if float(value).is_integer() else 2


def tampil(m: Metric, with_unit: bool = True) -> str:
    """The text of a metric as a reader sees it: '94,23 %', '3 hari', 'Baik' for a category."""
    if m.unit == "peringkat" or (m.value is None and m.label):
        return m.label or "–"
    text = angka(m.value, decimals_for(m))
    if with_unit and m.unit == "%":
        return f"{text}{NBSP}%"
    if with_unit and m.unit in ("hari", "orang", "indikator") and m.value is not None:
        return f"{text}{NBSP}{m.unit}"
    return text


def _field(value) -> str:
    """A value as Markup.format writes a field without a spec: escaped, unless it is markup already.
    The helpers below build their few fields with this and an f-string: Markup.format's
    string.Formatter cost more than the rest of a page (internal pages: one per ASN)."""
    if type(value) is not str and not hasattr(value, "__html__"):
        value = format(value, "")
    return str(escape(value))


def num_html(m: Metric | None, text: str | None = None, cls: str = "num") -> Markup:
    """<span data-metric-id=…> around the metric's text; an absent metric shows a dash. Labels written
    by the SQL ('< 3.0644', 'dari 2025-11') are shown in Indonesian form (kalimat)."""
    if m is None:
        return Markup('<span class="kosong" title="tidak ada data">–</span>')
    shown = tampil(m) if text is None else kalimat(text)
    title = m.metric_id + (f" · {kalimat(m.label)}" if m.label and m.unit != "peringkat" else "")
    return Markup(
        f'<span class="{_field(cls)}" data-metric-id="{_field(m.metric_id)}" title="{_field(title)}">'
        f"{_field(shown)}</span>"
    )


# a decimal written with a point by SQL or a CSV: '3.0644', '0.5'; not '1.234' (Indonesian thousands), not
# part of a longer dotted run ('1.000.000', '1.2.3'), a version ('v1.2') or a name
_DECIMAL = re.compile(r"(?<![\w.,])(\d+)\.(\d+)(?![\w.,]*\d)(?![.,]\d)")
# a period inside a sentence: '2026-10', '2026-Q3', '2026-S1'; not a date ('2026-10-01') or an id ('…/2026-10')
_PERIOD = re.compile(r"(?<![\w/.-])(\d{4})-(0[1-9]|1[0-2]|Q[1-4]|S[12])(?![\w/.-])")


def kalimat(text: str | None) -> str:
    """A text for readers: decimal comma ('< 3.0644' -> '< 3,0644') and periods in words ('dari 2025-11'
    -> 'dari November 2025', '2026-Q3' -> 'triwulan III 2026'). Thousands ('1.234') stay as they are."""
    if not text:
        return text or ""
    if "." in text:
        text = _DECIMAL.sub(
            lambda m: m.group(0) if len(m.group(2)) == 3 and m.group(1) != "0" else f"{m.group(1)},{m.group(2)}", text
        )
    if "-" in text:
        text = _PERIOD.sub(lambda m: _period_in_sentence(f"{m.group(1)}-{m.group(2)}"), text)
    return text


def _period_in_sentence(period: str) -> str:
    text = bulan(period)
    return text[0].lower() + text[1:] if period[5] in "QS" else text


def bulan(period: str, singkat: bool = False) -> str:
    """'2026-10' -> 'Oktober 2026'; '2026-Q3' -> 'Triwulan III 2026'; '2026-S1' -> 'Semester I 2026'."""
    if re.fullmatch(r"\d{4}-\d{2}", period):
        year, month = period.split("-")
        names = BULAN_SINGKAT if singkat else BULAN
        return f"{names[int(month) - 1]} {year}"
    if re.fullmatch(r"\d{4}-Q[1-4]", period):
        return f"{'TW' if singkat else 'Triwulan'} {ROMAWI[period[-1]]} {period[:4]}"
    if re.fullmatch(r"\d{4}-S[12]", period):
        return f"{'Smt' if singkat else 'Semester'} {ROMAWI[period[-1]]} {period[:4]}"
    return period


def tanggal(d) -> str:
    """date -> '12 Oktober 2026'."""
    return f"{d.day} {BULAN[d.month - 1]} {d.year}"


def waktu(stamp, timezone: str = "Asia/Jakarta") -> str:
    """A moment in the office's time zone, labelled: '3 Desember 2026 20.44 WIB'. A stamp without a
    zone is UTC (lineage.runs, run.json); the label is the zone's own abbreviation (WIB, WITA, WIT)."""
    from datetime import datetime
    from zoneinfo import ZoneInfo

    if isinstance(stamp, str):
        stamp = datetime.fromisoformat(stamp)
    if stamp.tzinfo is None:
        stamp = stamp.replace(tzinfo=UTC)
    local = stamp.astimezone(ZoneInfo(timezone))
    return f"{tanggal(local)} {local:%H.%M} {local.tzname()}"


def waktu_html(stamp, timezone: str = "Asia/Jakarta") -> Markup:
    """waktu() as a <time> whose datetime attribute keeps the exact moment."""
    from datetime import datetime

    if isinstance(stamp, str):
        stamp = datetime.fromisoformat(stamp)
    exact = (stamp if stamp.tzinfo else stamp.replace(tzinfo=UTC)).astimezone(UTC).isoformat(timespec="seconds")
    return Markup(f'<time datetime="{_field(exact)}">{_field(waktu(stamp, timezone))}</time>')


def months_back(period: str, n: int) -> list[str]:
    """The n months ending with `period`, oldest first."""
    year, month = map(int, period.split("-"))
    out = []
    for _ in range(n):
        out.append(f"{year:04d}-{month:02d}")
        month -= 1
        if month == 0:
            year, month = year - 1, 12
    return out[::-1]


def previous_month(period: str) -> str:
    return months_back(period, 2)[0]


def containing_periods(period: str) -> list[str]:
    """The quarter, semester and year a month belongs to."""
    year, month = period.split("-")
    m = int(month)
    return [f"{year}-Q{(m - 1) // 3 + 1}", f"{year}-S{(m - 1) // 6 + 1}", year]


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def periode_html(period: str, singkat: bool = False) -> Markup:
    """A period as text a reader sees, marked as a date (not a published number)."""
    return Markup(f'<time datetime="{_field(period)}">{_field(bulan(period, singkat))}</time>')


def tanggal_html(d) -> Markup:
    return Markup(f'<time datetime="{_field(d.isoformat())}">{_field(tanggal(d))}</time>')


def teks_html(text, kind: str = "teks") -> Markup:
    """Text that is not a published number although it may hold digits (a NIP, a file name, an
    indicator's name, a citizen's words): marked so the report checks know it is not a figure."""
    return Markup(f'<span data-teks="{_field(kind)}">{_field("" if text is None else text)}</span>')


def sumber_html(value, source: str, decimals: int = 0) -> Markup:
    """A number read from lineage or a source row, not from metrics: carries where it comes from."""
    src = _field(source)
    return Markup(f'<span class="num" data-sumber="{src}" title="{src}">{_field(angka(value, decimals))}</span>')
