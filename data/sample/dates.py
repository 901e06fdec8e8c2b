"""The calendar of a generated inbox: holidays, workdays, the working day's schedule, the months of
a run, and how dates and times are written (ISO, dd/mm/yyyy, long Indonesian, HH:MM tables)."""

from __future__ import annotations

import calendar
import csv
import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from data.sample.reference import REFERENCE_DIR, read_reference

START_SEC = 7 * 3600 + 30 * 60  # 07:30, Perpres 21/2023 default start


def load_holidays(path: Path | None = None) -> dict[dt.date, str]:
    """Holiday calendar (libur nasional + cuti bersama) from data/reference/holidays.csv."""
    path = path or REFERENCE_DIR / "holidays.csv"
    with open(path, encoding="utf-8", newline="") as fh:
        return {dt.date.fromisoformat(r["tanggal"]): r["nama"] for r in csv.DictReader(fh)}


def _secs(hhmm: str) -> int:
    h, m = hhmm.split(":")
    return int(h) * 3600 + int(m) * 60


def day_schedule(days: list[dt.date]) -> tuple[np.ndarray, np.ndarray]:
    """Start and end of the working day (seconds) per date, from data/reference/work_schedule.csv
    (the row in force with the highest `prioritas`, e.g. Ramadan over normal; Friday ends later)."""
    rows = read_reference("work_schedule.csv")
    start, end = [], []
    for d in days:
        cands = [
            r
            for r in rows
            if int(r["hari"]) == d.isoweekday() and r["berlaku_dari"] <= d.isoformat() <= r["berlaku_sampai"]
        ]
        best = max(cands, key=lambda r: (int(r["prioritas"]), r["berlaku_dari"]), default=None)
        start.append(_secs(best["jam_masuk"]) if best else START_SEC)
        end.append(_secs(best["jam_pulang"]) if best else 16 * 3600)
    return np.array(start, np.int64), np.array(end, np.int64)


def workdays(year: int, month: int, holidays: Iterable[dt.date]) -> list[dt.date]:
    """Mon-Fri of the month that are not holidays."""
    hol = set(holidays)
    n = calendar.monthrange(year, month)[1]
    return [d for d in (dt.date(year, month, k) for k in range(1, n + 1)) if d.weekday() < 5 and d not in hol]


def month_list(end: str, months: int) -> list[tuple[int, int]]:
    m = re.fullmatch(r"(\d{4})-(\d{2})", str(end))
    if not m or not 1 <= int(m.group(2)) <= 12:
        raise ValueError(f"end must be YYYY-MM, got {end!r}")
    if int(months) < 1:
        raise ValueError("months must be at least 1")
    t_end = int(m.group(1)) * 12 + int(m.group(2)) - 1
    return [(t // 12, t % 12 + 1) for t in range(t_end - int(months) + 1, t_end + 1)]


def ym_str(y: int, m: int) -> str:
    return f"{y:04d}-{m:02d}"


@dataclass
class Month:
    y: int
    m: int
    days: list[dt.date]
    ords: np.ndarray


_MONTHS_ID = [
    "",
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


def settled(days: Iterable[dt.date]) -> bool:
    """Whether these days written dd/mm/yyyy settle their order: one day above 12. A file whose
    numeric dates do not is refused by the ingest (docs/inbox.md), so a dd/mm/yyyy file that would
    not settle is written ISO instead: every file of the sample loads."""
    return any(d.day > 12 for d in days)


def date_str(d: dt.date, fmt: str) -> str:
    if fmt == "dmy":
        return f"{d.day:02d}/{d.month:02d}/{d.year}"
    if fmt == "long":
        return f"{d.day} {_MONTHS_ID[d.month]} {d.year}"
    return d.isoformat()


HHMM = [f"{h:02d}:{m:02d}" for h in range(24) for m in range(60)] + [""]
HHMM_DOT = [s.replace(":", ".") for s in HHMM]
_HHMMSS: list[str] | None = None


def hhmmss() -> list[str]:
    global _HHMMSS
    if _HHMMSS is None:
        _HHMMSS = [f"{s // 3600:02d}:{s // 60 % 60:02d}:{s % 60:02d}" for s in range(86400)]
    return _HHMMSS
