"""Writing what a reader read into the warehouse: the raw.<shape> tables, a version's rows and
rejected lines, the unit named by a file or sheet name, and the version's lineage.files row, the
last three in one transaction with the correction it supersedes."""

from __future__ import annotations

import json
from pathlib import Path
from typing import NamedTuple

import duckdb

from transforms.ingest.headers import ColumnSpec
from transforms.ingest.records import SHEET_ROW_STRIDE, FileReport, ReadResult, SheetRead
from transforms.ingest.units import unit_from_names
from transforms.ingest.versions import Version
from transforms.warehouse import scalar

BLANK_SQL = "' ' || chr(9) || chr(10) || chr(13) || chr(160)"  # what a blank cell may hold


class Inserted(NamedTuple):
    """Rows of a source that were blank, and rows copied into raw.<shape>."""

    empty: int
    loaded: int


class SheetUnit(NamedTuple):
    """The unit a sheet's rows (None: the whole file's) get when the file has no unit column."""

    sheet: SheetRead | None
    unit: str | None


class Stored(NamedTuple):
    """A version's row counts as lineage.files records them."""

    rows_read: int
    rows_empty: int


def ensure_raw_tables(con: duckdb.DuckDBPyConnection, specs: dict[str, list[ColumnSpec]]) -> None:
    for shape, columns in specs.items():
        cols = ", ".join(f'"{c.column}" varchar' for c in columns)
        con.execute(f"create table if not exists raw.{shape} (_file_id integer, _row integer, {cols})")
        # an optional column added to column_aliases.csv later (e.g. pegawai.kepala_unit) reaches
        # a warehouse made before it; the rows loaded earlier have it empty
        for c in columns:
            con.execute(f'alter table raw.{shape} add column if not exists "{c.column}" varchar')
    con.execute("create table if not exists raw._rejects (_file_id integer, _row integer, error varchar, line varchar)")


def insert_raw(
    con, shape: str, specs, file_id: int, mapping: dict[int, str], source_sql: str, line_sql: str, prefix: str = "t."
) -> Inserted:
    """Copy non-empty rows into raw.<shape>: trimmed text, '' -> NULL."""
    target_cols = [s.column for s in specs[shape]]
    by_column = {canonical: pos for pos, canonical in mapping.items()}
    exprs = []
    for column in target_cols:
        pos = by_column.get(column)
        exprs.append(f"nullif(trim({prefix}c{pos}), '')" if pos is not None else "null")
    # a row is empty when every cell is blank, a cell of tabs, line breaks or no-break spaces
    # included (a quoted "  \n  " looks empty in a spreadsheet too)
    all_cells = [f"nullif(trim({prefix}c{pos}, {BLANK_SQL}), '')" for pos in sorted(mapping)] or ["null"]
    not_empty = "coalesce(" + ", ".join(all_cells) + ") is not null" if all_cells else "false"
    total = scalar(con, f"select count(*) from {source_sql}")
    col_list = ", ".join(f'"{c}"' for c in target_cols)
    con.execute(
        f"insert into raw.{shape} (_file_id, _row, {col_list}) "
        f"select {file_id}, {line_sql}, {', '.join(exprs)} from {source_sql} where {not_empty}"
    )
    loaded = scalar(con, f"select count(*) from raw.{shape} where _file_id = ?", [file_id])
    return Inserted(total - loaded, loaded)


def units_by_sheet(con, path: Path, read: ReadResult, unit_column: str) -> list[SheetUnit]:
    """[(sheet or None for the whole file, unit)] for a file of one unit per sheet or per file with no
    unit column: each sheet's unit from the file name, else its sheet name, else its title
    (transforms/ingest/units.py); the messages saying where each came from go to the warnings."""
    units, warnings = [], read.meta.setdefault("warnings", [])
    for sheet in read.sheets or (None,):
        sources = [
            ("nama berkas", path.stem),
            ("nama lembar", sheet and sheet.name),
            ("judul", sheet.title if sheet else read.meta.get("title")),
        ]
        unit, said = unit_from_names(con, sources, unit_column)
        units.append(SheetUnit(sheet, unit))
        if said not in warnings:
            warnings.append(said)
    return units


def rows_by_sheet(con, shape: str, file_id: int, sheets) -> str:
    """'baris data per lembar: 'Pager' 3, 'Sua' 2' (non-empty rows of each sheet read)."""
    counts = dict(
        con.execute(
            f"select _row // {SHEET_ROW_STRIDE}, count(*) from raw.{shape} where _file_id = ? group by all", [file_id]
        ).fetchall()
    )
    return "baris data per lembar: " + ", ".join(f"'{s.name}' {counts.get(s.position, 0)}" for s in sheets)


def store_version(
    con,
    read: ReadResult,
    specs,
    *,
    file_id: int,
    run_id: str | None,
    unit_column: str | None,
    units: list[SheetUnit],
    replaces: Version | None,
    report: FileReport,
) -> Stored:
    """In one transaction: the rows read into raw.<shape>, each sheet's unit, the rejected lines into
    raw._rejects, the version `replaces` superseded (its rows gone), and lineage.files updated."""
    shape, meta = read.shape, read.meta
    con.execute("begin transaction")
    try:
        empty, loaded = insert_raw(con, shape, specs, file_id, read.mapping, read.source_sql, read.line_sql)
        empty += meta.get("extra_empty", 0)
        for sheet, unit in units:  # per sheet: its rows are those of its row keys
            con.execute(
                f'update raw.{shape} set "{unit_column}" = ? where _file_id = ?'
                + ("" if sheet is None else f" and _row // {SHEET_ROW_STRIDE} = {sheet.position}"),
                [unit, file_id],
            )
        if len(read.sheets) > 1:
            meta.setdefault("warnings", []).append(rows_by_sheet(con, shape, file_id, read.sheets))
        rejects = meta["rejects"]
        if rejects:
            con.executemany("insert into raw._rejects values (?, ?, ?, ?)", [[file_id, *r] for r in rejects])
        rows_read = loaded + len(rejects)
        if replaces is not None:
            _supersede(con, replaces, file_id)
            report.superseded = replaces.file_id
        _record_loaded(con, read, file_id=file_id, run_id=run_id, counts=Stored(rows_read, empty))
        con.execute("commit")
    except BaseException:
        con.execute("rollback")
        raise
    return Stored(rows_read, empty)


def _supersede(con, earlier: Version, file_id: int) -> None:
    """Same path, new content: a correction supersedes the earlier version (its rows leave raw.*)."""
    if earlier.status == "loaded":
        con.execute(f"delete from raw.{earlier.shape} where _file_id = ?", [earlier.file_id])
        con.execute("delete from raw._rejects where _file_id = ?", [earlier.file_id])
    con.execute(
        "update lineage.files set status = 'superseded', superseded_by = ? where file_id = ?",
        [file_id, earlier.file_id],
    )


def _record_loaded(con, read: ReadResult, *, file_id: int, run_id: str | None, counts: Stored) -> None:
    """The version's lineage.files row: how it was read (delimiter, header, columns, sheets) and its counts."""
    header_cells = read.meta["header_cells"]
    columns = {header_cells[pos]: canonical for pos, canonical in read.mapping.items()}
    private = read.meta.get("personal", [])
    con.execute(
        "update lineage.files set shape = ?, delimiter = ?, header_row = ?, columns = ?, ignored_columns = ?, "
        "sheets = ?, rows_read = ?, rows_empty = ?, status = 'loaded', error = null, last_run_id = ? "
        "where file_id = ?",
        [
            read.shape,
            read.meta.get("delimiter"),
            read.header_line,
            json.dumps(columns),
            json.dumps(read.unmatched + private),
            [s.name for s in read.sheets] or None,
            counts.rows_read,
            counts.rows_empty,
            run_id,
            file_id,
        ],
    )
