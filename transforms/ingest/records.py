"""What the ingest modules hand each other: a file's report, a reader's result, a file-level problem,
and the row key of a workbook's sheets."""

from __future__ import annotations

import re
from dataclasses import dataclass, field


class FileProblem(Exception):
    """A file that cannot be trusted at all: the run stops and names it."""


@dataclass
class FileReport:
    path: str
    kind: str
    action: str  # loaded | unchanged | duplicate | error | ignored | withdrawn
    file_id: int | None = None
    shape: str | None = None
    rows_read: int = 0
    rows_empty: int = 0
    message: str | None = None
    warnings: list[str] = field(default_factory=list)
    superseded: int | None = None  # file_id this version replaced


@dataclass(frozen=True)
class ReadResult:
    """What a reader (CSV or XLSX) leaves for ingest_file: its rows are in the temp table _ingest_tmp
    (mapped columns c<i>), read through `source_sql`, each row's line/sheet row given by `line_sql`."""

    shape: str  # raw.<shape> the rows go to
    mapping: dict[int, str]  # column position -> canonical column
    unmatched: list[str]  # headers not recognised (personal-data columns left out)
    header_line: int  # the line (CSV) or sheet row (XLSX) holding the header
    source_sql: str
    line_sql: str
    meta: dict = field(default_factory=dict)  # delimiter, header_cells, personal, rejects, warnings, encoding, title
    sheets: tuple[SheetRead, ...] = ()  # XLSX/XLS: the sheets read, in reading order (empty for CSV)


@dataclass(frozen=True)
class SheetRead:
    """One sheet of a workbook whose rows were read; its rows' keys are position * SHEET_ROW_STRIDE + row."""

    name: str
    position: int  # 0, 1, ... in reading order (the active sheet first)
    header_row: int
    title: str  # the text above the header: a unit may be named there (units.py)


# The row key of a workbook read on several sheets: (_file_id, _row) stays unique per file, and
# _row keeps the row a person sees. The k-th sheet read (0-based, in reading order; its name is
# lineage.files.sheets[k + 1]) numbers its rows k * SHEET_ROW_STRIDE + its row on the sheet, so
# the first sheet's rows are their sheet rows and 10000012 is row 12 of the second sheet. Excel
# stops at 1,048,576 rows a sheet; an integer holds 214 such sheets.
SHEET_ROW_STRIDE = 10_000_000
MAX_SHEETS_READ = (2**31 - 1) // SHEET_ROW_STRIDE


def sheet_label(name: str) -> str:
    """A sheet name as Excel writes it in a reference: Oktober, 'Kel. Pager'."""
    return name if re.fullmatch(r"[0-9A-Za-z_]+", name) else "'" + name.replace("'", "''") + "'"


def locate(row: int, sheets: list[str] | None) -> tuple[str | None, int]:
    """(sheet or None, line or row on that sheet) of a row key."""
    if not sheets:
        return None, int(row)
    position, on_sheet = divmod(int(row), SHEET_ROW_STRIDE)
    return (sheets[position] if position < len(sheets) else f"lembar ke-{position + 1}"), on_sheet


def line_ref(row: int, sheets: list[str] | None) -> str:
    """Where a person finds a row: '12' (CSV line), 'Oktober!12' (sheet and row of a workbook)."""
    sheet, line = locate(row, sheets)
    return str(line) if sheet is None else f"{sheet_label(sheet)}!{line}"


def line_ref_sql(row: str, sheets: str) -> str:
    """line_ref in SQL: `row` an integer expression, `sheets` a varchar[] (lineage.files.sheets)."""
    name = f"{sheets}[{row} // {SHEET_ROW_STRIDE} + 1]"
    label = (
        f"case when regexp_full_match({name}, '[0-9A-Za-z_]+') then {name} "
        f"else '''' || replace({name}, '''', '''''') || '''' end"
    )
    return (
        f"case when coalesce(len({sheets}), 0) = 0 then {row}::varchar "
        f"else {label} || '!' || ({row} % {SHEET_ROW_STRIDE})::varchar end"
    )
