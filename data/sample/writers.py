"""How the generator writes files: numbers without float noise, CSV lines in a file's style
(separator, BOM, line ends, the empty rows Excel leaves), streamed CSV files, and XLSX as offices
send it, byte-identical across runs (fixed document properties and zip entry timestamps)."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass

from data.sample.output import Output
from data.sample.streams import stream

#: rows per streamed chunk: a month of attendance of 100,000 ASN is never held in memory at once
CHUNK_ROWS = 100_000


def fmt_num(x: float) -> str:
    """Format a number without float noise: 12, 2.5, 88.3, 2500000."""
    x = round(float(x), 2)
    if x == int(x):
        return str(int(x))
    return f"{x:.2f}".rstrip("0").rstrip(".")


def _quote(field_: str, sep: str) -> str:
    if sep in field_ or '"' in field_ or "\n" in field_ or "\r" in field_:
        return '"' + field_.replace('"', '""') + '"'
    return field_


def join_line(fields: Iterable[str], sep: str) -> str:
    return sep.join(_quote(f, sep) for f in fields)


@dataclass
class CsvStyle:
    sep: str = ","
    bom: bool = False
    eol: str = "\n"


class CsvFile:
    """Streamed CSV writer: header, data lines (already joined), trailing empty rows."""

    def __init__(self, out: Output, rel: str, header: list[str], style: CsvStyle):
        self.out, self.rel, self.style = out, rel, style
        self.ncol = len(header)
        self.fh = open(out.path(rel), "w", encoding="utf-8-sig" if style.bom else "utf-8", newline="")
        self.fh.write(join_line(header, style.sep) + style.eol)
        self.rows = 0

    def write_lines(self, lines: list[str]) -> None:
        if lines:
            eol = self.style.eol
            self.fh.write(eol.join(lines) + eol)
            self.rows += len(lines)

    def close(self, trailing: int = 0) -> int:
        eol = self.style.eol
        for k in range(trailing):  # what Excel leaves behind: ';;;;' rows and blank lines
            self.fh.write(("" if k % 2 else self.style.sep * (self.ncol - 1)) + eol)
        self.fh.close()
        self.out.done(self.rel, self.rows)
        return self.rows


def write_xlsx(
    out: Output, rel: str, header: list[str], rows: list[list], stamp: dt.datetime, trailing_blank: int = 3
) -> int:
    """XLSX as offices send it: blank row 1, header on row 2, styled blank rows at the end.

    Byte-identical across runs: fixed created/modified properties and zip entry timestamps.
    """
    from openpyxl import Workbook
    from openpyxl.styles import Border, Font, Side
    from openpyxl.writer.excel import ExcelWriter

    wb = Workbook()
    ws = wb.active
    ws.title = "Sheet1"
    ws.append([])  # row 1 blank
    ws.append(header)
    bold = Font(bold=True)
    for c in range(1, len(header) + 1):
        ws.cell(row=2, column=c).font = bold
    for r in rows:
        ws.append(r)
    thin = Border(bottom=Side(style="thin"))
    last = ws.max_row
    for r in range(last + 1, last + 1 + trailing_blank):  # empty but formatted rows
        for c in range(1, len(header) + 1):
            ws.cell(row=r, column=c).border = thin
    wb.properties.creator = "Pantau Kinerja sample"
    wb.properties.lastModifiedBy = "Pantau Kinerja sample"
    wb.properties.created = stamp
    wb.properties.modified = stamp
    raw = io.BytesIO()
    with zipfile.ZipFile(raw, "w", zipfile.ZIP_DEFLATED) as zf:
        ExcelWriter(wb, zf).save()
    out.path(rel).write_bytes(_fixed_zip(raw.getvalue()))
    out.done(rel, len(rows))
    return len(rows)


def _fixed_zip(data: bytes) -> bytes:
    """The same zip with every entry's timestamp, mode and system fixed: byte-identical runs."""
    fixed = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(fixed, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            zi = zipfile.ZipInfo(info.filename, date_time=(2026, 1, 1, 0, 0, 0))
            zi.compress_type = zipfile.ZIP_DEFLATED
            zi.external_attr = 0o644 << 16
            zi.create_system = 3
            dst.writestr(zi, src.read(info.filename))
    return fixed.getvalue()


def trailing_rows(seed: int, messy: bool, rel: str, designated: bool = False) -> int:
    """How many empty rows Excel left at the end of this file (a few files only)."""
    if not messy:
        return 0
    r = stream(seed, "trail", rel)
    return int(r.integers(2, 6)) if designated or r.random() < 0.05 else 0


def style_for(seed: int, messy: bool, rel: str) -> CsvStyle:
    if not messy:
        return CsvStyle()
    if stream(seed, "style", rel).random() < 0.45:
        return CsvStyle(";", True, "\r\n")
    return CsvStyle()


def xlsx_value(col: str, v: str):
    if v == "":
        return None
    if col in ("target", "target_min", "target_max", "realisasi") and v:
        try:
            f = float(v)
            return int(f) if f == int(f) else f
        except ValueError:
            return v
    return v
