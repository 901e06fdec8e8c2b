"""The generator's random streams: one independent, reproducible stream per key.

Every random decision comes from a stream derived from ``seed`` and a fixed key (section, unit,
month, file), so adding or skipping a section leaves the other sections' data unchanged.
"""

from __future__ import annotations

import zlib

import numpy as np


def _key(*parts) -> list[int]:
    return [zlib.crc32(str(p).encode("utf-8")) for p in parts]


def stream(seed: int, *parts) -> np.random.Generator:
    """An independent, reproducible random stream for one (section, unit, month, ...) key."""
    return np.random.default_rng([int(seed) & 0xFFFFFFFF, *_key(*parts)])
