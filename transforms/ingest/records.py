"""What the ingest modules hand each other: a file's report, a reader's result, a file-level problem."""
from __future__ import annotations

from dataclasses import dataclass, field


class FileProblem(Exception):
    """A file that cannot be trusted at all: the run stops and names it."""


@dataclass
class FileReport:
    path: str
    kind: str
    action: str                       # loaded | unchanged | duplicate | error | ignored | withdrawn
    file_id: int | None = None
    shape: str | None = None
    rows_read: int = 0
    rows_empty: int = 0
    message: str | None = None
    warnings: list[str] = field(default_factory=list)
    superseded: int | None = None     # file_id this version replaced


@dataclass(frozen=True)
class ReadResult:
    """What a reader (CSV or XLSX) leaves for ingest_file: its rows are in the temp table _ingest_tmp
    (mapped columns c<i>), read through `source_sql`, each row's line/sheet row given by `line_sql`."""
    shape: str                    # raw.<shape> the rows go to
    mapping: dict[int, str]       # column position -> canonical column
    unmatched: list[str]          # headers not recognised (personal-data columns left out)
    header_line: int              # the line (CSV) or sheet row (XLSX) holding the header
    source_sql: str
    line_sql: str
    meta: dict = field(default_factory=dict)   # delimiter, header_cells, personal, rejects, warnings, encoding, title
    sheet: str | None = None      # XLSX/XLS: the name of the sheet read (None for CSV); a unit may be named by it
