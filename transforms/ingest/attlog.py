"""ZKTeco-style attlog text logs (`1_attlog.dat`): no header, one scan a line.

A line is PIN, date-time (one field with a space inside), then the machine's codes (verify,
in/out, workcode, reserved), separated by tabs or any whitespace:

    "  123\t2026-10-01 07:24:11\t1\t0\t1\t0"

The machine a log comes from is taken from the file name (`<mesin>_attlog.dat`) or else from
the sub-folder it sits in (`presensi/<mesin>/attlog.dat`); its PINs are resolved to NIPs through
pegawai/pin_mesin.csv (staging.prep_presensi_scan). Both patterns (a scan line, the machine in a
file name) are data: data/reference/attlog_layout.csv. The rows land in raw.presensi_scan like any
scan log; a line that is not a scan is kept in raw._rejects (row_malformed), never dropped.
"""

from __future__ import annotations

import os
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path

import duckdb

from transforms.ingest.csv_layout import GLOB_CHARS, line_breaks
from transforms.ingest.limits import max_line_size, refuse_oversized
from transforms.ingest.records import FileProblem, ReadResult

# the fields of a line, in order; canonical column of raw.presensi_scan where there is one
FIELDS = (
    ("pin", "PIN"),
    ("waktu", "tanggal jam"),
    (None, "verifikasi"),
    ("io", "status masuk/pulang"),
    (None, "workcode"),
)
HEAD_LINES = 20


@dataclass(frozen=True)
class Layout:
    """The patterns of data/reference/attlog_layout.csv (ref.attlog_layout)."""

    line: str  # one scan line; groups: PIN, date-time, verify, in/out, workcode
    machine_name: str  # the machine from the file name without its suffix; group 1


def layout(con) -> Layout | None:
    """The attlog patterns, or None when the reference folder has no attlog_layout table."""
    try:
        rows = dict(con.execute("select pola, regex from ref.attlog_layout").fetchall())
    except duckdb.CatalogException:
        return None
    for key in ("baris", "mesin_dari_nama"):
        try:
            re.compile(rows.get(key) or "")
        except re.error as exc:
            raise FileProblem(
                f"pola {key} di data/reference/attlog_layout.csv tidak sah ({exc}); "
                "perbaiki polanya lalu jalankan ulang"
            ) from None
    if not rows.get("baris") or not rows.get("mesin_dari_nama"):
        raise FileProblem("data/reference/attlog_layout.csv harus berisi pola baris dan mesin_dari_nama")
    return Layout(rows["baris"], rows["mesin_dari_nama"])


def is_attlog(path: Path, shape: Layout | None) -> bool:
    """The first non-empty line (of the first 20) is an attlog scan line."""
    if shape is None:
        return False
    pattern = re.compile(shape.line)
    try:
        with open(path, "rb") as fh:
            for _ in range(HEAD_LINES):
                raw = fh.readline(4096)
                if not raw:
                    return False
                text = raw.decode("utf-8", errors="replace").lstrip("\ufeff").strip()
                if text:
                    return pattern.match(text) is not None
    except OSError:
        return False
    return False


def machine_of(rel: str, shape: Layout) -> str | None:
    """`presensi/1_attlog.dat` -> '1'; `presensi/lantai2/attlog.dat` -> 'lantai2'; else None."""
    parts = rel.split("/")
    found = re.match(shape.machine_name, Path(parts[-1]).stem.strip())
    if found:
        return found.group(1).strip()
    if len(parts) > 2:
        return parts[-2]
    return None


def load_attlog(con, path: Path, folder: str, specs, personal=None, rel: str | None = None) -> ReadResult:
    """Read an attlog into _ingest_tmp: c0 pin, c1 waktu, c2 verify, c3 io, c4 workcode, c5 mesin."""
    if "presensi_scan" not in specs:
        raise FileProblem("log mesin sidik jari (attlog) hanya dibaca di folder presensi/")
    shape = layout(con)
    mesin = machine_of(rel or path.name, shape)
    # read whole below: the file and its longest line are held to the [ingest] limits first
    refuse_oversized(path)
    line_breaks(path, max_line_size())
    with tempfile.TemporaryDirectory(prefix="pantau-attlog-") as work:
        readable = path
        if GLOB_CHARS.search(os.path.abspath(path)):  # DuckDB reads a name as a pattern
            readable = Path(work) / "attlog.dat"
            os.symlink(os.path.abspath(path), readable)
        con.execute("drop table if exists _ingest_tmp")
        con.execute(
            "create temp table _ingest_tmp as "
            "with whole as (select string_split(replace(content, chr(65279), ''), chr(10)) as l from read_text(?)), "
            "numbered as (select generate_subscripts(l, 1) as line, rtrim(unnest(l), chr(13)) as text from whole), "
            "parsed as (select line, text, regexp_extract(text, ?, ['pin', 'waktu', 'verify', 'io', 'workcode']) as f "
            "           from numbered where trim(text, ' ' || chr(9) || chr(13)) <> '') "
            "select line::integer as line, text, f.pin <> '' as matched, f.pin as c0, "
            "regexp_replace(f.waktu, '\\s+', ' ', 'g') as c1, nullif(f.verify, '') as c2, nullif(f.io, '') as c3, "
            "nullif(f.workcode, '') as c4, ?::varchar as c5 from parsed",
            [str(readable), shape.line, mesin],
        )
    rejects = con.execute(
        "select line, 'baris ini tidak berbentuk scan', left(text, 300) "
        "from _ingest_tmp where not matched order by line"
    ).fetchall()
    mapping = {pos: column for pos, (column, _) in enumerate(FIELDS) if column} | {5: "mesin"}
    header_cells = [label for _, label in FIELDS] + ["mesin (dari nama berkas/folder)"]
    warnings = []
    if mesin is None:
        warnings.append(
            "mesin tidak diketahui dari nama berkas (contoh: 1_attlog.dat) atau foldernya; "
            "PIN dicari di kolom pin daftar pegawai, bukan di pegawai/pin_mesin.csv"
        )
    return ReadResult(
        shape="presensi_scan",
        mapping=mapping,
        unmatched=[],
        header_line=0,
        source_sql="(select * from _ingest_tmp where matched) t",
        line_sql="t.line",
        meta={
            "delimiter": "whitespace",
            "header_cells": header_cells,
            "rejects": rejects,
            "warnings": warnings,
            "format": "attlog",
            "mesin": mesin,
        },
    )
