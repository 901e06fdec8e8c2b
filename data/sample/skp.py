"""SKP (kinerja) rows: each ASN's indicators (from the catalogue), the targets and realisations of
a month or quarter, the ratings; the files ``skp/skp_<YYYY-MM>.csv`` and ``skp/skp_<YYYY>-Q<n>.csv``."""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass

import numpy as np

from data.sample.columns import SKP_COL, SKP_COLUMNS
from data.sample.context import RunContext
from data.sample.dates import Month, ym_str
from data.sample.messy import inject_skp, plan_skp
from data.sample.roster import Employee
from data.sample.skp_catalogue import INDICATORS, KENDALA_CATS, KENDALA_FREE
from data.sample.streams import stream
from data.sample.traits import Traits
from data.sample.writers import CsvFile, fmt_num, join_line, style_for, trailing_rows, write_xlsx, xlsx_value

RATINGS = ("di atas ekspektasi", "sesuai ekspektasi", "di bawah ekspektasi")


@dataclass
class Indicator:
    spec: tuple
    target: float  # monthly base (count/rupiah); pct/days: value
    n_days_scale: bool


def skp_plan(emps: list[Employee], seed: int) -> list[list[Indicator]]:
    rng = stream(seed, "skp-plan")
    plans = []
    for e in emps:
        cat = INDICATORS[e.role]
        k = int(rng.integers(2, min(4, len(cat)) + 1))
        pick = sorted(rng.choice(len(cat), size=k, replace=False).tolist())
        inds = []
        for j in pick:
            spec = cat[j]
            kind, base = spec[4], spec[5]
            if kind == "count":
                t = max(1, round(base * rng.uniform(0.7, 1.3)))
            elif kind == "rupiah":
                t = round(base * rng.uniform(0.8, 1.2) / 50_000) * 50_000
            else:
                t = base
            inds.append(Indicator(spec, t, kind == "count"))
        plans.append(inds)
    return plans


def _capaian(kind, target, tmin, tmax, real) -> float:
    if kind == "range":
        if real < tmin:
            return real / tmin * 100
        if real > tmax:
            return real / tmax * 100
        return 100.0
    if kind in ("days", "rupiah"):
        return max(0.0, (2 - real / target) * 100)
    return real / target * 100


def skp_rows(
    e: Employee,
    inds: list[Indicator],
    periode: str,
    factor: float,
    nwd_ratio: float,
    tr: Traits,
    rng: np.random.Generator,
) -> list[list[str]]:
    """Indicator rows of one ASN for one period (factor 3 for a quarter)."""
    perf = tr.perf[e.idx]
    rows, caps = [], []
    kendala_main = tr.kendala[e.idx]
    for ind in inds:
        rhk, indikator, aspek, satuan, kind, base = ind.spec
        q = float(np.clip(rng.normal(1.0 + 0.07 * perf, 0.09), 0.4, 1.5))
        tmin = tmax = None
        if kind == "count":
            target = max(1, round(ind.target * factor * nwd_ratio))
            real = max(0, round(target * q))
            missed = real < target
        elif kind == "pct":
            target = base
            real = round(min(100.0, target * q), 1)
            missed = real < target
        elif kind == "days":
            target = base
            real = max(0.5, round(target * (2 - q), 1))
            missed = real > target
        elif kind == "rupiah":
            target = round(ind.target * factor)
            real = round(target * (2 - q) / 1000) * 1000
            missed = real > target
        else:  # range
            tmin, tmax = base
            target = None
            if tmax > 90 and tmin > 80:  # percent range
                real = round(min(100.0, rng.normal((tmin + tmax) / 2 + 2 * perf, 4)), 1)
            else:  # IKM-like index
                real = round(min(100.0, rng.normal(82 + 3 * perf, 4.5)), 2)
            missed = real < tmin
        caps.append(_capaian(kind, target, tmin, tmax, real))
        if missed:
            cat = kendala_main if rng.random() < 0.6 else KENDALA_CATS[int(rng.integers(6))]
            kendala = KENDALA_FREE[cat][int(rng.integers(len(KENDALA_FREE[cat])))] if rng.random() < 0.3 else cat
        else:
            kendala = ""
        arah = "turun" if kind in ("days", "rupiah") else "naik"
        rows.append(
            [
                e.nip,
                periode,
                rhk,
                indikator,
                aspek,
                satuan,
                "" if target is None else fmt_num(target),
                "" if tmin is None else fmt_num(tmin),
                "" if tmax is None else fmt_num(tmax),
                fmt_num(real),
                arah,
                "",
                "",
                kendala,
            ]
        )
    mean = sum(caps) / len(caps)
    band = 0 if mean >= 110 else (1 if mean >= 90 else 2)
    if band != 1 and rng.random() < 0.3:  # superiors lean towards "sesuai"
        band = 1
    hasil = RATINGS[band] if rng.random() >= 0.10 else ""
    bad = tr.habitual[e.idx] or tr.p_tk[e.idx] > 0.01
    u = rng.random()
    # behaviour ratings are stable: "di bawah" is rare except for the ASN with discipline trouble
    perilaku = RATINGS[2] if u < (0.30 if bad else 0.004) else RATINGS[0] if u > (0.95 if bad else 0.84) else RATINGS[1]
    for r in rows:
        r[SKP_COL["rating_hasil_kerja"]], r[SKP_COL["rating_perilaku"]] = hasil, perilaku
    return rows


def _quarter_of(mos: list[Month]) -> tuple[int, int] | None:
    have = {(mo.y, mo.m) for mo in mos}
    for mo in reversed(mos):
        if mo.m % 3 == 0 and all((mo.y, mo.m - k) in have for k in range(3)):
            return mo.y, mo.m // 3
    return None


@dataclass(frozen=True)
class _Period:
    """One SKP file: a month, or the last complete quarter (factor 3)."""

    base: str  # the file's path without its extension
    y: int
    m: int  # the month; a quarter's last month
    periode: str  # YYYY-MM, or YYYY-Qn
    ratio: float  # the month's workdays over the run's mean (1 for the quarter)
    is_q: bool


def _periods(mos: list[Month], quarter: tuple[int, int] | None) -> list[_Period]:
    nwd_mean = np.mean([len(mo.days) for mo in mos]) or 1.0
    periods = [
        _Period(f"skp/skp_{ym_str(mo.y, mo.m)}", mo.y, mo.m, ym_str(mo.y, mo.m), len(mo.days) / nwd_mean, False)
        for mo in mos
    ]
    if quarter:
        qp = f"{quarter[0]}-Q{quarter[1]}"
        periods.append(_Period(f"skp/skp_{qp}", quarter[0], quarter[1] * 3, qp, 1.0, True))
    return periods


def _active_in(tr: Traits, e: Employee, y: int, m: int) -> bool:
    first = dt.date(y, m, 1).toordinal()
    last = dt.date(y, m, calendar.monthrange(y, m)[1]).toordinal()
    return tr.act_from[e.idx] <= last and tr.act_to[e.idx] >= first


def _members(
    emps: list[Employee], tr: Traits, p: _Period, kec_slug: str, q_months: set[tuple[int, int]]
) -> list[Employee]:
    """Who has rows in the period: the quarter holds the kecamatan office's staff, who have no
    monthly rows in its months; nobody on tugas belajar all the period."""
    members = []
    for e in emps:
        if p.is_q:
            if e.unit != kec_slug or not any(_active_in(tr, e, qy, qm) for qy, qm in q_months):
                continue
            if e.idx == tr.tb_emp and q_months <= tr.tb_months:
                continue
        else:
            if e.unit == kec_slug and (p.y, p.m) in q_months:
                continue
            if not _active_in(tr, e, p.y, p.m):
                continue
            if e.idx == tr.tb_emp and (p.y, p.m) in tr.tb_months:
                continue
        members.append(e)
    return members


def write_skp(run: RunContext, emps: list[Employee], tr: Traits) -> None:
    """``skp/skp_<YYYY-MM>.csv`` monthly, plus ``skp/skp_<YYYY>-Q<n>.csv`` for the last complete
    quarter; when messy one month is an XLSX and a few ASN-months carry defects."""
    plans = skp_plan(emps, run.seed)
    kec_slug = next(u["slug"] for u in run.units if u["kind"] == "kecamatan")
    quarter = _quarter_of(run.months)
    q_months = {(quarter[0], quarter[1] * 3 - k) for k in range(3)} if quarter else set()
    messy = plan_skp(run)
    first = ym_str(run.months[0].y, run.months[0].m)
    for p in _periods(run.months, quarter):
        members = _members(emps, tr, p, kec_slug, q_months)
        rng = stream(run.seed, "skp", p.periode)
        rules = [] if p.is_q else messy.defects.get(p.periode, [])
        if (not p.is_q) and run.messy and (p.y, p.m) == messy.xlsx_month:
            rel = p.base + ".xlsx"
            rows = _period_rows(members, plans=plans, p=p, tr=tr, rng=rng)
            if rules:
                inject_skp(run.out, rel, rows, rules, 3, run.messy_rng)
            xrows = [[xlsx_value(c, v) for c, v in zip(SKP_COLUMNS, r, strict=True)] for r in rows]
            write_xlsx(run.out, rel, SKP_COLUMNS, xrows, run.stamp)
            continue
        rel = p.base + ".csv"
        style = style_for(run.seed, run.messy, rel)
        cf = CsvFile(run.out, rel, SKP_COLUMNS, style)
        block = 5000
        for lo in range(0, len(members), block):
            rows = _period_rows(members[lo : lo + block], plans=plans, p=p, tr=tr, rng=rng)
            if lo == 0 and rules:
                inject_skp(run.out, rel, rows, rules, 2, run.messy_rng)
            cf.write_lines([join_line(r, style.sep) for r in rows])
        cf.close(trailing_rows(run.seed, run.messy, rel, p.periode == first))


def _period_rows(
    block: list[Employee], *, plans: list[list[Indicator]], p: _Period, tr: Traits, rng: np.random.Generator
) -> list[list[str]]:
    factor = 3.0 if p.is_q else 1.0
    rows = []
    for e in block:
        rows.extend(skp_rows(e, plans[e.idx], p.periode, factor, p.ratio, tr, rng))
    return rows
