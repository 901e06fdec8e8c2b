"""Size limits of a text export (CSV, attlog), checked before its content is held in memory: the file and
its longest line (csv_layout.line_breaks measures the lines).

The values come from the settings (`[ingest] max_file_size`, `max_line_size`; docs/configuration.md),
handed to every process of a command through the environment like DuckDB's memory limit.
"""

from __future__ import annotations

import os
import re

DEFAULT_MAX_FILE_SIZE = "2GB"  # a month of attendance of a whole province is ~0.5 GB of CSV
DEFAULT_MAX_LINE_SIZE = "64MB"  # a line holds one record; the longest real complaint is a few kB
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


def refuse_oversized(path) -> int:
    """The file's size; FileProblem naming it when it is empty or beyond `[ingest] max_file_size`."""
    from transforms.ingest.records import FileProblem

    size = os.path.getsize(path)
    if size == 0:
        raise FileProblem("berkas kosong (0 byte): tidak ada baris sama sekali")
    if size > (limit := max_file_size()):
        raise FileProblem(
            f"berkas berukuran {human_size(size)}, lebih dari batas {human_size(limit)} (pengaturan "
            "[ingest] max_file_size); berkas tidak dibaca. Pecah ekspornya per bulan atau per unit, "
            "atau naikkan batasnya bila memang sebesar itu"
        )
    return size
