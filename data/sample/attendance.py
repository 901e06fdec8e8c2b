"""Attendance data of one unit-month: the status and check-in/out matrices (numpy, per unit and
month so that a month of 100,000 ASN is never one table), the recap lines written from them, and
the fingerprint machine's scans."""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

from data.sample.columns import RECAP_COLUMNS
from data.sample.dates import HHMM, HHMM_DOT, Month, date_str, day_schedule
from data.sample.streams import stream
from data.sample.traits import Traits

# status codes (index = code used in the matrices); -1 = no record
ST_H, ST_I, ST_S, ST_C, ST_DL, ST_TB, ST_TK = range(7)
STATUS_CODES = ("H", "I", "S", "C", "DL", "TB", "TK")
STATUS_VARIANTS = (  # lower-case codes and spelled-out forms (aliases of attendance_status.csv)
    ("h", "hadir", "Hadir", "HADIR"),
    ("i", "izin", "Izin", "ijin"),
    ("s", "sakit", "Sakit"),
    ("c", "cuti", "Cuti"),
    ("dl", "dinas luar", "Dinas Luar", "Dinas luar"),
    ("tb", "tugas belajar", "Tugas Belajar"),
    ("tk", "alpa", "Alpa", "tanpa keterangan"),
)


def _blocks(rng: np.random.Generator, shape: tuple[int, int], p: float, maxlen: int) -> np.ndarray:
    E, D = shape
    starts = rng.random(shape) < p
    lens = rng.integers(1, maxlen + 1, shape)
    mask = np.zeros(shape, bool)
    for k in range(min(maxlen, D)):
        mask[:, k:] |= starts[:, : D - k] & (lens[:, : D - k] > k)
    return mask


class UnitMonth(NamedTuple):
    """One unit-month of attendance: (ASN, workday) matrices."""

    status: np.ndarray  # ST_* code, -1 = no record (not active that day)
    act: np.ndarray  # active (between TMT mulai and selesai)
    keep_tk: np.ndarray  # recap: TK rows sometimes written, sometimes missing
    cin: np.ndarray  # check-in, seconds of the day
    cout: np.ndarray  # check-out, seconds of the day


class Scans(NamedTuple):
    """Scans of one unit-month, sorted by time."""

    day: np.ndarray  # ordinal day
    sec: np.ndarray  # second of the day
    emp: np.ndarray  # index into the unit's ASN
    io: np.ndarray  # 0 in, 1 out

    def where(self, mask: np.ndarray) -> Scans:
        return Scans(self.day[mask], self.sec[mask], self.emp[mask], self.io[mask])


def attendance_matrix(seed: int, slug: str, mo: Month, emps_idx: np.ndarray, tr: Traits) -> UnitMonth:
    """Status and check-in/out seconds for every (ASN, workday) of one unit-month."""
    rng = stream(seed, "presensi", slug, mo.y, mo.m)
    E, D = len(emps_idx), len(mo.days)
    shape = (E, D)
    ords = mo.ords[None, :]
    act = (tr.act_from[emps_idx][:, None] <= ords) & (ords <= tr.act_to[emps_idx][:, None])
    status = np.full(shape, ST_H, np.int8)
    tk = rng.random(shape) < tr.p_tk[emps_idx][:, None]
    iz = rng.random(shape) < 0.010
    dl = rng.random(shape) < tr.p_dl[emps_idx][:, None]
    sk = _blocks(rng, shape, 0.008, 3)
    ct = _blocks(rng, shape, 0.007, 5)
    status[tk] = ST_TK
    status[iz] = ST_I
    status[dl] = ST_DL
    status[sk] = ST_S
    status[ct] = ST_C
    if tr.tb_emp >= 0 and (mo.y, mo.m) in tr.tb_months:
        status[emps_idx == tr.tb_emp, :] = ST_TB
    status[~act] = -1
    keep_tk = rng.random(shape) < 0.5  # recap: TK rows sometimes written, sometimes missing
    # check-in
    habitual = tr.habitual[emps_idx][:, None]
    late = rng.random(shape) < tr.p_late[emps_idx][:, None]
    early_by = np.minimum(rng.gamma(2.0, 330.0, shape), 3000.0)
    day_start, day_end = day_schedule(mo.days)
    day_start, day_end = day_start[None, :], day_end[None, :]
    on_time = (day_start + 59 - early_by).astype(np.int64)
    u = rng.random(shape)
    t1 = np.where(habitual, 0.45, 0.75)
    t2 = np.where(habitual, 0.75, 0.92)
    t3 = np.where(habitual, 0.92, 0.98)
    late_min = np.where(
        u < t1,
        rng.integers(1, 31, shape),
        np.where(
            u < t2,
            rng.integers(31, 61, shape),
            np.where(u < t3, rng.integers(61, 91, shape), rng.integers(91, 121, shape)),
        ),
    )
    late_sec = day_start + late_min * 60 + rng.integers(0, 60, shape)
    cin = np.where(late, late_sec, on_time)
    # check-out
    early = rng.random(shape) < tr.p_early[emps_idx][:, None]
    normal_out = day_end + np.minimum(rng.gamma(1.6, 560.0, shape), 5400.0).astype(np.int64)
    early_out = day_end - rng.integers(1 * 60, 90 * 60, shape)
    cout = np.where(early, early_out, normal_out)
    return UnitMonth(status, act, keep_tk, cin.astype(np.int64), cout.astype(np.int64))


@dataclass
class RecapFormat:
    date: str = "iso"
    dot_time: bool = False
    status_words: bool = False
    header: tuple = tuple(RECAP_COLUMNS)


def recap_lines(
    tr: Traits,
    emps_idx: np.ndarray,
    mo: Month,
    att: UnitMonth,
    rec: np.ndarray,
    *,
    fmt: RecapFormat,
    sep: str,
    mrng: np.random.Generator | None,
    e_lo: int,
    e_hi: int,
) -> list[str]:
    """Recap lines of the unit's ASN ``e_lo:e_hi`` for the (ASN, day) cells ``rec`` marks."""
    sub = rec[e_lo:e_hi]
    ee, dd = np.nonzero(sub)
    ee_g = ee + e_lo
    st = att.status[ee_g, dd].astype(np.int64)
    is_h = st == ST_H
    tin = np.where(is_h, att.cin[ee_g, dd] // 60, 1440).tolist()
    tout = np.where(is_h, att.cout[ee_g, dd] // 60, 1440).tolist()
    hh = HHMM_DOT if fmt.dot_time else HHMM
    dates = [date_str(d, fmt.date) for d in mo.days]
    nips = tr.nip_str
    emp_ids = emps_idx[ee_g].tolist()
    if fmt.status_words and mrng is not None:
        r = mrng.random(len(st))
        k = mrng.integers(0, 1000, len(st))
        st_s = [
            STATUS_CODES[s] if rr < 0.6 else STATUS_VARIANTS[s][kk % len(STATUS_VARIANTS[s])]
            for s, rr, kk in zip(st.tolist(), r.tolist(), k.tolist(), strict=True)
        ]
    else:
        st_s = [STATUS_CODES[s] for s in st.tolist()]
    return [
        f"{nips[e]}{sep}{dates[d]}{sep}{hh[a]}{sep}{hh[b]}{sep}{s}"
        for e, d, a, b, s in zip(emp_ids, dd.tolist(), tin, tout, st_s, strict=True)
    ]


def scan_events(
    seed: int, slug: str, mo: Month, emps_idx: np.ndarray, tr: Traits, att: UnitMonth, *, holidays: set[dt.date]
) -> Scans:
    """All scans of one unit-month, sorted by time: (ordinal day, second, emp index, io)."""
    rng = stream(seed, "scan", slug, mo.y, mo.m)
    present = att.act & (att.status == ST_H)
    ee, dd = np.nonzero(present)
    n = len(ee)
    c_in = att.cin[ee, dd]
    c_out = att.cout[ee, dd]
    single = rng.random(n) < tr.p_single[emps_idx][ee]
    drop_in = single & (rng.random(n) < 0.3)
    drop_out = single & ~drop_in
    dbl_in = ~drop_in & (rng.random(n) < 0.06)
    dbl_out = ~drop_out & (rng.random(n) < 0.04)
    mid = rng.random(n) < 0.02
    in_off = rng.integers(3, 90, n)
    out_off = rng.integers(3, 150, n)
    mid_sec = rng.integers(12 * 3600, 13 * 3600 + 30 * 60, n)
    parts_e, parts_d, parts_s, parts_io = [], [], [], []

    def add(mask, secs, io):
        parts_e.append(ee[mask])
        parts_d.append(mo.ords[dd[mask]])
        parts_s.append(secs[mask])
        parts_io.append(np.full(int(mask.sum()), io, np.int8))

    add(~drop_in, c_in, 0)
    add(~drop_out, c_out, 1)
    add(dbl_in, c_in + in_off, 0)
    add(dbl_out, c_out + out_off, 1)
    add(mid, mid_sec, 1)
    # rare Saturday scans (kerja bakti / piket), never on a holiday
    if rng.random() < 0.1:
        sats = [
            d
            for d in (dt.date(mo.y, mo.m, k) for k in range(1, calendar.monthrange(mo.y, mo.m)[1] + 1))
            if d.weekday() == 5 and d not in holidays
        ]
        if sats:
            sat = sats[int(rng.integers(len(sats)))]
            o = sat.toordinal()
            ok = np.nonzero((tr.act_from[emps_idx] <= o) & (o <= tr.act_to[emps_idx]))[0]
            if len(ok):
                who = rng.choice(ok, size=min(len(ok), int(rng.integers(1, 3))), replace=False)
                k = len(who)
                parts_e += [who, who]
                parts_d += [np.full(k, o), np.full(k, o)]
                parts_s += [
                    rng.integers(7 * 3600 + 40 * 60, 8 * 3600 + 10 * 60, k),
                    rng.integers(11 * 3600, 11 * 3600 + 45 * 60, k),
                ]
                parts_io += [np.zeros(k, np.int8), np.ones(k, np.int8)]
    e = np.concatenate(parts_e) if parts_e else np.zeros(0, int)
    d = np.concatenate(parts_d).astype(np.int64)
    s = np.concatenate(parts_s).astype(np.int64)
    io_ = np.concatenate(parts_io)
    order = np.lexsort((e, s, d))
    return Scans(d[order], s[order], e[order], io_[order])
