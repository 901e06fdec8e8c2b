"""XLSX reading: the sheet's header, merged header cells, formulas, and the rows into _ingest_tmp in chunks."""
from __future__ import annotations

import re
from datetime import date, datetime, time
from pathlib import Path

import duckdb
import pandas as pd

from transforms.ingest.files import what_binary
from transforms.ingest.headers import HEADER_SCAN_LINES, ColumnSpec, choose_shape, personal_column
from transforms.ingest.records import FileProblem, ReadResult


XLSX_CHUNK_ROWS = 50_000


def _cell_text(value) -> str | None:
    """Excel cell -> text as an office would type it."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S") if (value.hour or value.minute or value.second) else value.strftime("%Y-%m-%d")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, time):
        return value.strftime("%H:%M:%S")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


FORMULA_TAG = re.compile(rb"<(?:\w+:)?f[\s>/]")
MERGE_TAG = re.compile(rb'<(?:\w+:)?mergeCell\b[^>]*?\bref="([A-Za-z]+)(\d+)(?::([A-Za-z]+)(\d+))?"')


def _column_index(letters: bytes) -> int:
    n = 0
    for ch in letters.upper():
        n = n * 26 + ch - 64
    return n - 1


def _sheet_facts(wb, sheet) -> tuple[bool, list[tuple[int, int, int, int]]]:
    """(has formula cells, merged ranges as (first col, first row, last col, last row), 0-based
    columns, 1-based rows) from one pass over the sheet's XML. Read-only openpyxl gives neither."""
    try:
        src = wb._archive.open(sheet._worksheet_path)
    except (AttributeError, KeyError):
        return False, []
    has_formula = False
    merges: set[tuple[int, int, int, int]] = set()
    tail = b""
    with src:
        while block := src.read(1 << 20):
            data = tail + block
            has_formula = has_formula or bool(FORMULA_TAG.search(data))
            for m in MERGE_TAG.finditer(data):
                c1, r1 = _column_index(m.group(1)), int(m.group(2))
                c2, r2 = (_column_index(m.group(3)), int(m.group(4))) if m.group(3) else (c1, r1)
                merges.add((c1, r1, c2, r2))
            tail = data[-512:]
    return has_formula, sorted(merges)


def _cell_name(col: int, row: int) -> str:
    letters = ""
    col += 1
    while col:
        col, rest = divmod(col - 1, 26)
        letters = chr(65 + rest) + letters
    return f"{letters}{row}"


def _fill_vertical_merges(head: list[tuple[int, list[str]]], merges) -> tuple[list[tuple[int, list[str]]], list[str]]:
    """Header cells under a vertically merged title take its text ('Status' merged over E1:E2
    names column E on row 2 too). Returns the filled rows and the merges used."""
    by_row = {row_no: list(cells) for row_no, cells in head}
    used = []
    for c1, r1, c2, r2 in merges:
        if r2 == r1 or r1 not in by_row:
            continue
        title = by_row[r1][c1] if c1 < len(by_row[r1]) else ""
        if not title:
            continue
        for r in range(r1 + 1, r2 + 1):
            if r in by_row:
                cells = by_row[r]
                cells += [""] * (c1 + 1 - len(cells))
                if not cells[c1]:
                    cells[c1] = title
                    used.append(f"{_cell_name(c1, r1)}:{_cell_name(c2, r2)}")
    return [(row_no, by_row[row_no]) for row_no, _ in head], sorted(set(used))


def load_xlsx(con: duckdb.DuckDBPyConnection, path: Path, folder: str, specs: dict[str, list[ColumnSpec]],
              personal: list | None = None) -> ReadResult:
    """Read the first sheet into the temp table _ingest_tmp (line, c0, c1, ...); see ingest_file.

    Cells hold what Excel saved: the value of a formula as Excel computed it (the pipeline never
    computes one). A formula with no saved value is loaded as its text ('=SUM(A1)') with a warning.
    """
    from openpyxl import load_workbook  # small files only: Excel stops at ~1 M rows

    with open(path, "rb") as fh:
        head_bytes = fh.read(1 << 12)
    if not head_bytes:
        raise FileProblem("berkas kosong (0 byte): tidak ada lembar kerja")
    if not head_bytes.startswith(b"PK\x03\x04"):
        kind = what_binary(head_bytes)
        raise FileProblem(
            f"berkas bernama {path.suffix} tetapi isinya bukan XLSX ({kind or 'teks biasa; bila CSV, ganti akhiran namanya menjadi .csv'})"
        )
    try:
        wb = load_workbook(path, read_only=True, data_only=True)
        sheet = wb.worksheets[0]
        has_formula, merges = _sheet_facts(wb, sheet)
        formulas = wb_formulas = None
        if has_formula:
            wb_formulas = load_workbook(path, read_only=True, data_only=False)
            formulas = wb_formulas.worksheets[0].iter_rows(values_only=True)
    except Exception as exc:  # noqa: BLE001 - openpyxl raises many kinds on a damaged file
        raise FileProblem(
            f"berkas XLSX rusak atau terpotong, tidak dapat dibuka ({type(exc).__name__}); simpan ulang dari Excel"
        ) from exc
    formula_text = 0

    def sheet_rows():
        nonlocal formula_text
        values_iter = sheet.iter_rows(values_only=True)
        row_no = 0
        while True:
            try:
                values = next(values_iter, None)
                shown = next(formulas, None) if formulas is not None else None
            except Exception as exc:  # noqa: BLE001 - damaged XML or zip member inside the file
                raise FileProblem(
                    f"berkas XLSX rusak atau terpotong setelah baris {row_no} ({type(exc).__name__}); "
                    "simpan ulang dari Excel"
                ) from exc
            if values is None:
                return
            row_no += 1
            if shown is not None:
                swapped = [i for i, (v, f) in enumerate(zip(values, shown))
                           if v is None and isinstance(f, str) and f.startswith("=")]
                if swapped:
                    values = list(values)
                    for i in swapped:
                        values[i] = shown[i]
                    values = tuple(values)
                    formula_text += len(swapped)
            yield row_no, values

    rows_iter = sheet_rows()
    head: list[tuple[int, list[str]]] = []
    buffered: list[tuple[int, tuple]] = []
    for row_no, values in rows_iter:
        buffered.append((row_no, values))
        if any(v is not None and str(v).strip() for v in values):
            head.append((row_no, [_cell_text(v) or "" for v in values]))
        if len(head) >= HEADER_SCAN_LINES:
            break
    if not head:
        raise FileProblem("lembar kerja pertama kosong")
    filled, used_merges = _fill_vertical_merges(head, merges)
    try:
        shape, header_row, mapping, unmatched = choose_shape(filled, folder, specs)
    except FileProblem as exc:
        rows_seen = {row_no for row_no, _ in head[:3]}
        in_header = [f"{_cell_name(c1, r1)}:{_cell_name(c2, r2)}" for c1, r1, c2, r2 in merges if r1 in rows_seen]
        if in_header:
            raise FileProblem(
                f"{exc}. Sel judul digabung (merge) di {', '.join(in_header)}: pisahkan sel judul "
                "(Unmerge) agar setiap kolom punya judulnya sendiri"
            ) from exc
        raise
    private = [h for h in unmatched if personal_column(h, personal or [])]
    ncols = max(mapping) + 1
    con.execute("drop table if exists _ingest_tmp")
    con.execute(
        "create temp table _ingest_tmp (line integer, "
        + ", ".join(f"c{i} varchar" for i in range(ncols)) + ")"
    )

    def data_rows():
        for row_no, values in buffered:
            if row_no > header_row:
                yield row_no, values
        yield from rows_iter

    chunk: list[list] = []
    for row_no, values in data_rows():
        # only the mapped columns are kept: unknown and personal-data cells never reach a table
        cells = [_cell_text(values[i]) if i in mapping and i < len(values) else None for i in range(ncols)]
        chunk.append([row_no, *cells])
        if len(chunk) >= XLSX_CHUNK_ROWS:
            _append_chunk(con, chunk, ncols)
            chunk = []
    if chunk:
        _append_chunk(con, chunk, ncols)
    wb.close()
    if wb_formulas is not None:
        wb_formulas.close()
    header_cells = [c for n, c in filled if n == header_row][0]
    warnings = []
    if used_merges and any(r1 <= header_row <= r2 for c1, r1, c2, r2 in merges):
        warnings.append(f"judul kolom dari sel gabungan (merge) {', '.join(used_merges)} dipakai untuk baris judul {header_row}")
    if formula_text:
        warnings.append(f"{formula_text} sel berisi rumus tanpa nilai tersimpan; dimuat sebagai teks rumusnya (tidak dihitung)")
    meta = {"delimiter": None, "encoding": None, "header_cells": header_cells, "rejects": [],
            "personal": private, "extra_empty": 0, "warnings": warnings,
            "title": " ".join(str(c) for n, cells in filled if n < header_row for c in cells if c not in (None, ""))}
    return ReadResult(shape, mapping, [h for h in unmatched if h not in private], header_row, "_ingest_tmp t", "t.line",
                      meta, sheet=sheet.title)


def _append_chunk(con, chunk, ncols):
    frame = pd.DataFrame(chunk, columns=["line", *[f"c{i}" for i in range(ncols)]], dtype=object)
    frame["line"] = frame["line"].astype("int64")
    con.register("_ingest_chunk", frame)
    con.execute("insert into _ingest_tmp select * from _ingest_chunk")
    con.unregister("_ingest_chunk")


def _is_xlsx(path: Path) -> bool:
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        return True
    with open(path, "rb") as fh:
        return fh.read(4) == b"PK\x03\x04"
