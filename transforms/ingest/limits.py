"""Size limits of a CSV export, checked before its content is held in memory: the file and its longest line.

The values come from the settings (`[ingest] max_file_size`, `max_line_size`; docs/configuration.md),
handed to every process of a command through the environment like DuckDB's memory limit.
"""
from __future__ import annotations

import os
import re

DEFAULT_MAX_FILE_SIZE = "2GB"     # a month of attendance of a whole province is ~0.5 GB of CSV
DEFAULT_MAX_LINE_SIZE = "64MB"    # a line holds one record; the longest real complaint is a few kB
MAX_FILE_SIZE_ENV = "PANTAU_MAX_FILE_SIZE"
MAX_LINE_SIZE_ENV = "PANTAU_MAX_LINE_SIZE"

_UNITS = {"": 1, "B": 1, "KB": 1 << 10, "MB": 1 << 20, "GB": 1 << 30, "TB": 1 << 40}


def parse_size(value) -> int:
    """'64MB' -> 67108864 (KB/MB/GB are powers of 1024, like DuckDB's memory_limit); an int is bytes."""
    if isinstance(value, int) and not isinstance(value, bool) and value > 0:
        return value
    match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([KMGT]?I?B?)\s*", str(value).upper())
    unit = match and match.group(2).replace("IB", "B")
    if not match or unit not in _UNITS or float(match.group(1)) <= 0:
        raise ValueError(f"ukuran tidak sah: {value!r} (contoh: 64MB, 2GB)")
    return int(float(match.group(1)) * _UNITS[unit])


def human_size(n: int) -> str:
    """1610612736 -> '1,5 GB' (Indonesian decimal comma)."""
    for unit, size in (("GB", 1 << 30), ("MB", 1 << 20), ("KB", 1 << 10)):
        if n >= size:
            return f"{n / size:.1f}".replace(".", ",").replace(",0", "") + f" {unit}"
    return f"{n} byte"


def max_file_size() -> int:
    return parse_size(os.environ.get(MAX_FILE_SIZE_ENV) or DEFAULT_MAX_FILE_SIZE)


def max_line_size() -> int:
    return parse_size(os.environ.get(MAX_LINE_SIZE_ENV) or DEFAULT_MAX_LINE_SIZE)
