"""XLSX reading: every matching sheet's header, merged header cells, formulas, and the rows into
_ingest_tmp in chunks."""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path

import duckdb
import pandas as pd

from transforms.ingest.files import what_binary
from transforms.ingest.headers import HEADER_SCAN_LINES, ColumnSpec, choose_shape, personal_column
from transforms.ingest.limits import parse_size
from transforms.ingest.records import MAX_SHEETS_READ, SHEET_ROW_STRIDE, FileProblem, ReadResult, SheetRead

XLSX_CHUNK_ROWS = 50_000
XLSX_MAX_PART_ENV = "PANTAU_XLSX_MAX_PART"  # settings [ingest] xlsx_max_part (flows/settings.py)
XLSX_MAX_PART_DEFAULT = "200MB"


def _check_part_sizes(path: Path) -> None:
    """Refuse a workbook whose sheet or shared-strings part unpacks beyond the settings' limit,
    before any of it is read: the sizes are the zip directory's, and reading stops at the limit
    in case the directory lies (a 1.5 MB file can unpack to one 1.5 GB cell)."""
    import os
    import zipfile

    limit = parse_size(os.environ.get(XLSX_MAX_PART_ENV) or XLSX_MAX_PART_DEFAULT)
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError):
        return  # openpyxl names the damage
    with archive:
        for info in archive.infolist():
            if not info.filename.startswith("xl/") or not info.filename.endswith(".xml"):
                continue
            big = info.file_size > limit
            if not big and info.compress_size * 1100 > limit:  # deflate packs at most ~1030:1
                seen = 0
                with archive.open(info) as part:
                    while block := part.read(1 << 20):
                        seen += len(block)
                        if seen > limit:
                            big = True
                            break
            if big:
                what = "teks sel (sharedStrings)" if "sharedStrings" in info.filename else f"bagian {info.filename}"
                raise FileProblem(
                    f"isi XLSX terlalu besar: {what} berukuran {max(info.file_size, limit) / (1 << 20):.0f} MB "
                    f"setelah dibuka (batas xlsx_max_part = "
                    f"{os.environ.get(XLSX_MAX_PART_ENV) or XLSX_MAX_PART_DEFAULT}); berkas tidak dibaca. "
                    "Periksa sel yang berisi teks sangat panjang, atau naikkan batas di [ingest] bila memang wajar"
                )


def _cell_text(value) -> str | None:
    """Excel cell -> text as an office would type it."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return (
            value.strftime("%Y-%m-%d %H:%M:%S")
            if (value.hour or value.minute or value.second)
            else value.strftime("%Y-%m-%d")
        )
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, time):
        return value.strftime("%H:%M:%S")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _excel_number_text(value) -> str:
    """A number as Excel's General format shows it: 197701302004072000 -> '1.97701302004072E+17'.

    Excel keeps 15 significant digits; a NIP (18 digits) typed into a number cell has lost its
    last three, so it is shown (and loaded) the way Excel shows it, and refused in validation
    (rule nip_excel_number), never read as a NIP it is not."""
    if isinstance(value, bool) or abs(value) < 1e11 and float(value).is_integer():
        return _cell_text(value)
    mantissa, exponent = f"{float(value):.14E}".split("E")
    mantissa = mantissa.rstrip("0").rstrip(".")
    return f"{mantissa}E{exponent[0]}{int(exponent[1:]):02d}"


def _is_nip_column(canonical: str) -> bool:
    """NIP columns are the canonical columns named nip* in column_aliases.csv."""
    return canonical.startswith("nip")


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


def load_xlsx(
    con: duckdb.DuckDBPyConnection,
    path: Path,
    folder: str,
    specs: dict[str, list[ColumnSpec]],
    personal: list | None = None,
) -> ReadResult:
    """Read every visible sheet whose header matches (the active one first) into the temp table
    _ingest_tmp (line, c0, c1, ...; one column per canonical column of the shape); see ingest_file.
    Hidden sheets are never read; the warnings say which sheets were read and which were skipped
    and why. Each row's line is its row key (records.SHEET_ROW_STRIDE): the sheet it is on and
    its row there. Sheets whose header is of another shape than the first sheet read are skipped.

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
            f"berkas bernama {path.suffix} tetapi isinya bukan XLSX "
            f"({kind or 'teks biasa; bila CSV, ganti akhiran namanya menjadi .csv'})"
        )
    _check_part_sizes(path)
    try:
        wb = load_workbook(path, read_only=True, data_only=True)
        order = _sheet_order(wb)
    except Exception as exc:  # noqa: BLE001 - openpyxl raises many kinds on a damaged file
        raise FileProblem(
            f"berkas XLSX rusak atau terpotong, tidak dapat dibuka ({type(exc).__name__}); simpan ulang dari Excel"
        ) from exc
    try:
        book = _read_sheets(con, path, wb, order, folder, specs, personal or [])
    finally:
        wb.close()
    if not book.sheets:
        names = ", ".join(book.skipped)
        if len(wb.worksheets) == 1 and book.first_problem is not None:
            raise book.first_problem
        raise FileProblem(f"tidak ada lembar kerja yang judul kolomnya cocok; lembar yang diperiksa: {names}")
    columns = [s.column for s in specs[book.shape]]
    mapping = {columns.index(c): c for c in book.header_cells}
    warnings = list(book.warnings)
    if len(wb.worksheets) > 1:
        read = ", ".join(f"'{s.name}'" for s in book.sheets)
        warnings.insert(
            0, f"lembar kerja {read} dibaca" + (f"; dilewati: {', '.join(book.skipped)}" if book.skipped else "")
        )
    if book.formula_text:
        warnings.append(
            f"{book.formula_text} sel berisi rumus tanpa nilai tersimpan; dimuat sebagai teks rumusnya (tidak dihitung)"
        )
    meta = {
        "delimiter": None,
        "encoding": None,
        "rejects": [],
        "personal": book.personal,
        "extra_empty": 0,
        "warnings": warnings,
        "header_cells": [book.header_cells.get(c, c) for c in columns],
        "title": book.sheets[0].title,
    }
    return ReadResult(
        book.shape,
        mapping,
        [h for h in book.unmatched if h not in book.personal],
        book.sheets[0].header_row,
        "_ingest_tmp t",
        "t.line",
        meta,
        sheets=tuple(book.sheets),
    )


@dataclass
class _SheetHeader:
    """One sheet's header as _read_sheet_header found it, and its rows still to be read."""

    name: str
    rows: Iterator[tuple[int, tuple]]  # the rows after those buffered
    buffered: list[tuple[int, tuple]]  # the rows read while looking for the header
    filled: list[tuple[int, list[str]]]  # the header rows, vertically merged titles filled in
    used_merges: list[str]  # the merged ranges that filled them ('E1:E2')
    merges: list[tuple[int, int, int, int]]  # every merged range of the sheet (_sheet_facts)
    formulas_book: object | None  # the workbook opened for formula text, closed after the sheet
    formula_count: dict[str, int]  # formula cells without a saved value, counted as rows are read
    shape: str
    header_row: int
    mapping: dict[int, str]  # column position -> canonical column
    unmatched: list[str]

    def close(self) -> None:
        if self.formulas_book is not None:
            self.formulas_book.close()


@dataclass
class _Book:
    """What the sheets read so far hold: the shape of the first, the header text of each canonical column."""

    shape: str | None = None
    sheets: list[SheetRead] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    header_cells: dict[str, str] = field(default_factory=dict)  # canonical column -> first header naming it
    unmatched: list[str] = field(default_factory=list)
    personal: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    formula_text: int = 0
    first_problem: FileProblem | None = None


def _read_sheets(con, path: Path, wb, order: list[int], folder: str, specs, personal: list) -> _Book:
    """Each visible sheet in order: its header judged, and its rows copied into _ingest_tmp when it matches."""
    book = _Book(
        skipped=[f"'{wb.worksheets[i].title}' (tersembunyi)" for i in range(len(wb.worksheets)) if i not in order]
    )
    several = len(wb.worksheets) > 1
    for index in order:
        try:
            found = _read_sheet_header(path, wb, index, folder, specs)
        except FileProblem as exc:
            book.first_problem = book.first_problem or exc
            book.skipped.append(f"'{wb.worksheets[index].title}' ({exc})")
            continue
        try:
            if _takes(con, book, found, specs):
                _read_sheet_rows(con, book, found, specs, personal, several)
        finally:
            found.close()
    return book


def _takes(con, book: _Book, found: _SheetHeader, specs) -> bool:
    """Whether a sheet's rows are read: the first sheet matched sets the book's shape (and makes
    _ingest_tmp); a sheet of another shape is skipped. FileProblem past MAX_SHEETS_READ."""
    if book.shape is None:
        book.shape = found.shape
        ncols = len(specs[found.shape])
        con.execute("drop table if exists _ingest_tmp")
        con.execute(
            "create temp table _ingest_tmp (line integer, " + ", ".join(f"c{i} varchar" for i in range(ncols)) + ")"
        )
    elif found.shape != book.shape:
        book.skipped.append(
            f"'{found.name}' (judulnya berbentuk {found.shape}, bukan {book.shape} seperti lembar "
            f"'{book.sheets[0].name}'; pindahkan lembar ini ke berkas sendiri)"
        )
        return False
    if len(book.sheets) >= MAX_SHEETS_READ:
        raise FileProblem(
            f"lebih dari {MAX_SHEETS_READ} lembar kerja yang judul kolomnya cocok; "
            "pecah buku kerja ini menjadi beberapa berkas"
        )
    return True


def _read_sheet_rows(con, book: _Book, found: _SheetHeader, specs, personal: list, several: bool) -> None:
    """A matching sheet's rows into _ingest_tmp under its row keys; its headers, warnings and title into the book."""
    position = len(book.sheets)
    columns = [s.column for s in specs[found.shape]]
    header_cells = [c for n, c in found.filled if n == found.header_row][0]
    for pos, canonical in found.mapping.items():
        book.header_cells.setdefault(canonical, header_cells[pos])
    rows = ((row_no, values) for row_no, values in found.buffered if row_no > found.header_row)
    _copy_rows(
        con,
        itertools.chain(rows, found.rows),
        place={pos: columns.index(c) for pos, c in found.mapping.items()},
        nip_positions={pos for pos, c in found.mapping.items() if _is_nip_column(c)},
        ncols=len(columns),
        base=position * SHEET_ROW_STRIDE,
    )
    _note_sheet(book, found, personal, several)
    book.sheets.append(
        SheetRead(
            found.name,
            position,
            found.header_row,
            " ".join(str(c) for n, cells in found.filled if n < found.header_row for c in cells if c not in (None, "")),
        )
    )


def _note_sheet(book: _Book, found: _SheetHeader, personal: list, several: bool) -> None:
    """What a sheet read adds to the book: its unknown and personal-data headers, the merged header
    cells it used, its formulas loaded as text (counted once its rows are read)."""
    private = [h for h in found.unmatched if personal_column(h, personal)]
    book.personal += [h for h in private if h not in book.personal]
    book.unmatched += [h for h in found.unmatched if h not in book.unmatched]
    header_row = found.header_row
    if found.used_merges and any(r1 <= header_row <= r2 for c1, r1, c2, r2 in found.merges):
        book.warnings.append(
            f"judul kolom dari sel gabungan (merge) {', '.join(found.used_merges)} dipakai untuk "
            f"baris judul {header_row}" + (f" lembar '{found.name}'" if several else "")
        )
    book.formula_text += found.formula_count["formula_text"]


def _copy_rows(con, rows, *, place: dict[int, int], nip_positions: set[int], ncols: int, base: int) -> None:
    """A sheet's data rows into _ingest_tmp in chunks: its cell at position p into column c<place[p]>,
    the line base + its row. Only the mapped columns are kept: unknown and personal-data cells
    never reach a table."""
    chunk: list[list] = []
    for row_no, values in rows:
        cells = [None] * ncols
        for pos, target in place.items():
            if pos < len(values):
                value = values[pos]
                numeric = pos in nip_positions and isinstance(value, (int, float))
                cells[target] = _excel_number_text(value) if numeric else _cell_text(value)
        chunk.append([base + row_no, *cells])
        if len(chunk) >= XLSX_CHUNK_ROWS:
            _append_chunk(con, chunk, ncols)
            chunk = []
    if chunk:
        _append_chunk(con, chunk, ncols)


def _sheet_order(wb) -> list[int]:
    """Visible sheets, the active one first (what Excel shows on opening); hidden ones left out."""
    visible = [i for i, ws in enumerate(wb.worksheets) if getattr(ws, "sheet_state", "visible") == "visible"]
    try:
        active = wb.worksheets.index(wb.active)
    except (ValueError, IndexError, AttributeError):
        active = None
    return ([active] if active in visible else []) + [i for i in visible if i != active]


def _read_sheet_header(path: Path, wb, index: int, folder: str, specs) -> _SheetHeader:
    """One sheet's header rows and shape; FileProblem when its header matches no shape."""
    from openpyxl import load_workbook

    sheet = wb.worksheets[index]
    has_formula, merges = _sheet_facts(wb, sheet)
    formulas = wb_formulas = None
    if has_formula:
        wb_formulas = load_workbook(path, read_only=True, data_only=False)
        formulas = wb_formulas.worksheets[index].iter_rows(values_only=True)
    counter = {"formula_text": 0}

    def sheet_rows():
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
                swapped = [
                    i
                    for i, (v, f) in enumerate(zip(values, shown, strict=False))
                    if v is None and isinstance(f, str) and f.startswith("=")
                ]
                if swapped:
                    values = list(values)
                    for i in swapped:
                        values[i] = shown[i]
                    values = tuple(values)
                    counter["formula_text"] += len(swapped)
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
        raise FileProblem("lembar kerja kosong")
    filled, used_merges = _fill_vertical_merges(head, merges)
    try:
        chosen = choose_shape(filled, folder, specs)
    except FileProblem as exc:
        rows_seen = {row_no for row_no, _ in head[:3]}
        in_header = [f"{_cell_name(c1, r1)}:{_cell_name(c2, r2)}" for c1, r1, c2, r2 in merges if r1 in rows_seen]
        if in_header:
            raise FileProblem(
                f"{exc}. Sel judul digabung (merge) di {', '.join(in_header)}: pisahkan sel judul "
                "(Unmerge) agar setiap kolom punya judulnya sendiri"
            ) from exc
        raise
    return _SheetHeader(sheet.title, rows_iter, buffered, filled, used_merges, merges, wb_formulas, counter, *chosen)


def _append_chunk(con, chunk, ncols):
    frame = pd.DataFrame(chunk, columns=["line", *[f"c{i}" for i in range(ncols)]], dtype=object)
    frame["line"] = frame["line"].astype("int64")
    con.register("_ingest_chunk", frame)
    con.execute("insert into _ingest_tmp select * from _ingest_chunk")
    con.unregister("_ingest_chunk")


XLS_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # OLE2 compound file: Excel 97-2003 .xls


def load_xls(
    con: duckdb.DuckDBPyConnection,
    path: Path,
    folder: str,
    specs: dict[str, list[ColumnSpec]],
    personal: list | None = None,
) -> ReadResult:
    """An old .xls (Excel 97-2003, the default of many fingerprint programs) read with calamine
    (python-calamine), copied sheet by sheet (hidden ones marked hidden) into a temporary XLSX and
    read by load_xlsx, so both formats follow the same rules. An .xls holds at most 65,536 rows."""
    import tempfile

    from openpyxl import Workbook
    from python_calamine import CalamineWorkbook

    try:
        book = CalamineWorkbook.from_path(str(path))
        out = Workbook(write_only=True)
        for meta in book.sheets_metadata:
            ws = out.create_sheet(meta.name)
            if str(meta.visible).lower().endswith("hidden"):
                ws.sheet_state = "hidden"
            for row in book.get_sheet_by_name(meta.name).iter_rows():
                ws.append([None if v == "" else v for v in row])
    except Exception as exc:  # noqa: BLE001 - calamine raises its own kinds on a damaged file
        raise FileProblem(
            f"berkas XLS rusak atau bukan lembar kerja Excel 97-2003 (mis. dokumen .doc) ({type(exc).__name__}); "
            "buka di Excel lalu simpan ulang sebagai .xlsx atau .xls"
        ) from exc
    with tempfile.TemporaryDirectory(prefix="pantau-xls-") as tmp:
        copy = Path(tmp) / "copy.xlsx"
        out.save(copy)
        return load_xlsx(con, copy, folder, specs, personal)


def _is_xls(path: Path) -> bool:
    with open(path, "rb") as fh:
        return fh.read(8) == XLS_MAGIC and path.suffix.lower() == ".xls"


def _is_xlsx(path: Path) -> bool:
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        return True
    with open(path, "rb") as fh:
        return fh.read(4) == b"PK\x03\x04"
