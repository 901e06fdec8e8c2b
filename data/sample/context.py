"""The context one generated inbox shares across its sections (roster, attendance, SKP, SKM, ...)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np

from data.sample.dates import Month
from data.sample.output import Output


@dataclass(frozen=True)
class RunContext:
    out: Output  # where files go, and what was written (summary, manifest)
    seed: int
    messy: bool
    stamp: dt.datetime  # XLSX document date: the 2nd of the month after the last
    units: list[dict[str, str]]  # units.csv rows of the units that hold ASN
    months: list[Month]
    holidays: set[dt.date]
    # every messy decision comes from here (or from per-file streams): its draws are in a fixed order
    messy_rng: np.random.Generator
