"""``generate``: one sample inbox, section by section (roster, attendance, corrections, SKP, SKM,
layanan), from one run context."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import numpy as np

from data.sample.context import RunContext
from data.sample.dates import Month, load_holidays, month_list, workdays
from data.sample.koreksi import write_koreksi
from data.sample.layanan import write_layanan
from data.sample.output import Output
from data.sample.presensi import write_attendance
from data.sample.roster import build_roster, write_roster
from data.sample.skm import write_skm
from data.sample.skp import write_skp
from data.sample.streams import stream
from data.sample.traits import draw_traits
from data.sample.units import run_units


def generate(
    out: Path,
    employees: int = 60,
    months: int = 12,
    end: str = "2026-10",
    seed: int = 7,
    messy: bool = False,
    progress: Callable[[str], None] | None = None,
    units: int | None = None,
    parents: int | None = None,
    reference: Path | None = None,
) -> dict:
    """Write a sample inbox at ``out``; return ``{relative path: data rows}``.

    With ``units`` (and ``parents``, default ``units // 80`` or 1): a province of that many service
    units under that many instansi/OPD instead of the office's units (province_units); its units
    reference is written, with the other reference tables, to ``reference`` (default: the folder
    ``<out>-referensi`` beside the inbox) — run it with ``[paths] reference`` pointing there."""
    employees = int(employees)
    if employees < 10:
        raise ValueError("employees must be at least 10 (camat, sekcam and a lurah per kelurahan)")
    month_keys = month_list(end, months)
    root = Path(out)
    root.mkdir(parents=True, exist_ok=True)
    stale = root / ".manifest.json"
    if stale.exists() and not messy:
        stale.unlink()
    run = _context(
        Output(root, progress),
        seed=seed,
        messy=messy,
        month_keys=month_keys,
        units=run_units(root, units, parents, reference),
    )

    emps = build_roster(employees, run.units, month_keys, seed)
    tr = draw_traits(emps, month_keys, seed)
    write_roster(run, emps)
    outage = write_attendance(run, emps, tr)
    write_koreksi(run, emps, outage)
    write_skp(run, emps, tr)
    sus, responses = write_skm(run, emps, tr, employees=employees)
    write_layanan(run, sus, responses)

    if messy:
        run.out.write_manifest()
    return dict(sorted(run.out.summary.items()))


def _context(
    out: Output, *, seed: int, messy: bool, month_keys: list[tuple[int, int]], units: list[dict[str, str]]
) -> RunContext:
    holidays = set(load_holidays())
    mos = []
    for y, m in month_keys:
        days = workdays(y, m, holidays)
        mos.append(Month(y, m, days, np.array([d.toordinal() for d in days], np.int64)))
    y_end, m_end = month_keys[-1]
    stamp = dt.datetime(y_end + (m_end == 12), m_end % 12 + 1, 2, 8, 0, 0)
    return RunContext(
        out=out,
        seed=seed,
        messy=messy,
        stamp=stamp,
        units=units,
        months=mos,
        holidays=holidays,
        messy_rng=stream(seed, "messy-plan"),
    )
