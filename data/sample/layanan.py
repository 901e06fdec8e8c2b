"""``layanan/layanan_<YYYY>.csv``: people served per service unit and month, from the month's
survey responses at a response rate of 10-40 %."""

from __future__ import annotations

import math

import numpy as np

from data.sample.columns import LAYANAN_COLUMNS
from data.sample.context import RunContext
from data.sample.dates import ym_str
from data.sample.skm import SkmUnit
from data.sample.streams import stream
from data.sample.writers import CsvFile, join_line, style_for


def write_layanan(run: RunContext, sus: list[SkmUnit], per_unit_counts: dict[tuple[str, int], int]) -> None:
    """``per_unit_counts``: the survey responses per (unit slug, month index)."""
    lrng = stream(run.seed, "layanan")
    unit_rate = {su.slug: lrng.uniform(0.12, 0.35) for su in sus}
    years = sorted({mo.y for mo in run.months})
    for y in years:
        rel = f"layanan/layanan_{y}.csv"
        style = style_for(run.seed, run.messy, rel)
        cf = CsvFile(run.out, rel, LAYANAN_COLUMNS, style)
        lines = []
        for k, mo in enumerate(run.months):
            if mo.y != y:
                continue
            for su in sus:
                n = per_unit_counts.get((su.slug, k), 0)
                rate = float(np.clip(unit_rate[su.slug] * lrng.uniform(0.85, 1.15), 0.10, 0.40))
                lines.append(join_line([su.name, ym_str(mo.y, mo.m), str(max(n, int(math.ceil(n / rate))))], style.sep))
        cf.write_lines(lines)
        cf.close()
