"""The attendance files of every unit-month (see docs/inbox.md):

* ``presensi/rekap_<unit>_<YYYY-MM>.csv`` - daily recaps of the units with even position in
  units.csv;
* ``presensi/scan_<unit>_<YYYY-MM>.csv`` - raw fingerprint logs of the other units, each with
  ``presensi/keterangan_<unit>_<YYYY-MM>.csv``: the absence days with a valid reason.

Also what the corrections need of attendance: the day the first scan unit's machine was down in
the last month (its log has no scans that day) and ASN-days of that month without a record.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, replace

import numpy as np

from data.sample.attendance import (
    RECAP_COLUMNS,
    ST_H,
    ST_TK,
    RecapFormat,
    UnitMonth,
    attendance_matrix,
    recap_lines,
    scan_events,
)
from data.sample.context import RunContext
from data.sample.dates import Month, date_str, hhmmss, settled, ym_str
from data.sample.messy import AttendancePlan, ScanFormat, duplicate_scans, inject_recap, plan_attendance
from data.sample.roster import Employee
from data.sample.streams import stream
from data.sample.traits import Traits
from data.sample.writers import CHUNK_ROWS, CsvFile, style_for, trailing_rows

#: a unit whose machine leaves the in/out column empty
IO_EMPTY = {"kelurahan-petuk-barunai"}


@dataclass(frozen=True)
class Outage:
    """What koreksi/ corrects: the machine that was down one day, and ASN-days without a record
    ((unit slug, roster index, day), the candidates for the late izin letters)."""

    unit: str | None
    day: dt.date | None
    tk_days: list[tuple[str, int, dt.date]]


@dataclass(frozen=True)
class _UnitMonthFile:
    """One unit-month being written."""

    unit: dict[str, str]
    k: int  # index of the month in the run's months
    mo: Month
    idx: np.ndarray  # roster indexes of the unit's ASN
    att: UnitMonth

    @property
    def slug(self) -> str:
        return self.unit["slug"]

    @property
    def key(self) -> tuple[str, int]:
        return self.slug, self.k


def write_attendance(run: RunContext, emps: list[Employee], tr: Traits) -> Outage:
    """Every unit-month's attendance file(s), unit by unit within a month, months in order."""
    mos = run.months
    unit_emps = {u["slug"]: np.array([e.idx for e in emps if e.unit == u["slug"]], np.int64) for u in run.units}
    recap_units = [u["slug"] for k, u in enumerate(run.units) if k % 2 == 0]
    scan_units = [u["slug"] for k, u in enumerate(run.units) if k % 2 == 1]
    plan = plan_attendance(
        run,
        [(slug, k) for k in range(len(mos)) for slug in recap_units],
        [(slug, k) for k in range(len(mos)) for slug in scan_units],
    )
    last_recap = f"presensi/rekap_{recap_units[0]}_{ym_str(mos[-1].y, mos[-1].m)}.csv"
    # koreksi/: in the last month the first scan unit's machine is down one day (no scans at all),
    # and ASN days without a record are candidates for the late izin letters
    outage = Outage(scan_units[0] if scan_units else None, _down_day(mos), [])
    for k, mo in enumerate(mos):
        for u in run.units:
            idx = unit_emps[u["slug"]]
            if len(idx) == 0 or not mo.days:
                continue
            f = _UnitMonthFile(u, k, mo, idx, attendance_matrix(run.seed, u["slug"], mo, idx, tr))
            last = k == len(mos) - 1
            if last and f.slug != outage.unit:
                outage.tk_days.extend(_unrecorded_days(f))
            if f.slug in recap_units:
                _write_recap(run, tr, f, plan, last_recap=last_recap)
            else:
                _write_scan(run, tr, f, plan, down_day=outage.day if last and f.slug == outage.unit else None)
                _write_keterangan(run, tr, f)
    return outage


def _down_day(mos: list[Month]) -> dt.date | None:
    """The day the machine is down: the last month's first Wednesday after the 7th."""
    return next((d for d in mos[-1].days if d.weekday() == 2 and d.day > 7), None) if mos else None


def _unrecorded_days(f: _UnitMonthFile) -> list[tuple[str, int, dt.date]]:
    """The unit-month's first two TK days of active ASN: (unit slug, roster index, day)."""
    return [
        (f.slug, int(f.idx[e]), f.mo.days[j]) for e, j in np.argwhere((f.att.status == ST_TK) & f.att.act)[:2].tolist()
    ]


def _write_recap(run: RunContext, tr: Traits, f: _UnitMonthFile, plan: AttendancePlan, *, last_recap: str) -> None:
    mo, att = f.mo, f.att
    ym = ym_str(mo.y, mo.m)
    rel = f"presensi/rekap_{f.slug}_{ym}.csv"
    style = style_for(run.seed, run.messy, rel)
    fmt = plan.recap_fmt.get(f.key, RecapFormat())
    if fmt.date == "dmy" and not settled(mo.days):
        fmt = replace(fmt, date="iso")
    rec = (att.status >= 0) & ((att.status != ST_TK) | att.keep_tk)
    frng = stream(run.seed, "recap-messy", f.slug, ym) if run.messy else None  # status words, defects
    cf = CsvFile(run.out, rel, list(fmt.header), style)
    chunk_e = max(1, CHUNK_ROWS // max(1, len(mo.days)))
    for e_lo in range(0, len(f.idx), chunk_e):
        lines = recap_lines(tr, f.idx, mo, att, rec, fmt=fmt, sep=style.sep, mrng=frng, e_lo=e_lo, e_hi=e_lo + chunk_e)
        if e_lo == 0 and f.key in plan.defects:
            lines = inject_recap(
                run.out,
                rel,
                lines,
                sep=style.sep,
                rules=plan.defects[f.key],
                fmt=fmt,
                mo=mo,
                y_end=run.months[-1].y,
                rng=frng,
            )
        cf.write_lines(lines)
    cf.close(trailing_rows(run.seed, run.messy, rel, rel == last_recap))


def _machine_names(unit: dict[str, str], n_asn: int) -> list[str]:
    """The fingerprint machine each ASN scans at: one machine per 150 ASN."""
    n_mach = max(1, math.ceil(n_asn / 150))
    code = (
        "KEC"
        if unit["kind"] == "kecamatan"
        else "PATEN"
        if unit["kind"] == "paten"
        else unit["name"].replace("Kantor Kelurahan ", "").replace(" ", "").upper()
    )
    return [f"FP-{code}-{1 + (j % n_mach):02d}" for j in range(n_asn)]


def _write_scan(
    run: RunContext, tr: Traits, f: _UnitMonthFile, plan: AttendancePlan, *, down_day: dt.date | None
) -> None:
    """The machine's log; none of its scans on ``down_day`` (the machine recorded nothing)."""
    mo = f.mo
    rel = f"presensi/scan_{f.slug}_{ym_str(mo.y, mo.m)}.csv"
    style = style_for(run.seed, run.messy, rel)
    dfmt, header = plan.scan_fmt.get(f.key, ScanFormat())
    scans = scan_events(run.seed, f.slug, mo, f.idx, tr, f.att, holidays=run.holidays)
    if down_day is not None:
        scans = scans.where(scans.day != down_day.toordinal())
    if dfmt == "dmy" and not settled(map(dt.date.fromordinal, set(scans.day.tolist()))):
        dfmt = "iso"
    mesin = _machine_names(f.unit, len(f.idx))
    pins = [tr.pin_str[int(i)] for i in f.idx]
    io_s = ["", ""] if f.slug in IO_EMPTY else ["0", "1"]
    hms = hhmmss()
    dcache: dict[int, str] = {}
    cf = CsvFile(run.out, rel, list(header), style)
    sep = style.sep
    dup_here = f.key in plan.scan_dups
    for lo in range(0, len(scans.day), CHUNK_ROWS):
        dd = scans.day[lo : lo + CHUNK_ROWS].tolist()
        for od in set(dd):
            if od not in dcache:
                dcache[od] = date_str(dt.date.fromordinal(od), dfmt)
        lines = [
            f"{pins[e]}{sep}{dcache[od]} {hms[ss]}{sep}{io_s[w]}{sep}{mesin[e]}"
            for od, ss, e, w in zip(
                dd,
                scans.sec[lo : lo + CHUNK_ROWS].tolist(),
                scans.emp[lo : lo + CHUNK_ROWS].tolist(),
                scans.io[lo : lo + CHUNK_ROWS].tolist(),
                strict=True,
            )
        ]
        if dup_here and lo == 0 and len(lines) > 10:
            duplicate_scans(run.seed, lines)
        cf.write_lines(lines)
    cf.close(trailing_rows(run.seed, run.messy, rel))


def _write_keterangan(run: RunContext, tr: Traits, f: _UnitMonthFile) -> None:
    """The machine knows nothing of leave: the office sends its absence list (izin, sakit, cuti,
    dinas luar, tugas belajar) as a small recap beside the log (no file when nobody was away with
    a reason that month)."""
    mo, att = f.mo, f.att
    rel = f"presensi/keterangan_{f.slug}_{ym_str(mo.y, mo.m)}.csv"
    style = style_for(run.seed, run.messy, rel)
    rec = att.act & (att.status != ST_H) & (att.status != ST_TK)
    if rec.any():
        cf = CsvFile(run.out, rel, RECAP_COLUMNS, style)
        chunk_e = max(1, CHUNK_ROWS // max(1, len(mo.days)))
        for e_lo in range(0, len(f.idx), chunk_e):
            cf.write_lines(
                recap_lines(
                    tr, f.idx, mo, att, rec, fmt=RecapFormat(), sep=style.sep, mrng=None, e_lo=e_lo, e_hi=e_lo + chunk_e
                )
            )
        cf.close(trailing_rows(run.seed, run.messy, rel))
