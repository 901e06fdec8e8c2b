"""CSV reading: the header among the first lines, the delimiter, the physical line of every record, and the load into _ingest_tmp with DuckDB."""
from __future__ import annotations

import csv
import os
import re
from array import array
from contextlib import contextmanager
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

from transforms.warehouse import scalar
from transforms.ingest.encoding import sniff_encoding, transcode_to_utf8
from transforms.ingest.headers import HEADER_SCAN_LINES, REDACTED_LINE, ColumnSpec, choose_shape, personal_column
from transforms.ingest.records import FileProblem, ReadResult


MAX_HEAD_LINE_CHARS = 1 << 20   # a line this long is not a header (it is read no further)
CSV_FIELD_LIMIT = 1 << 30       # Python's csv default (131072 characters) is below a long complaint


@contextmanager
def _csv_field_limit():
    old = csv.field_size_limit(CSV_FIELD_LIMIT)
    try:
        yield
    finally:
        csv.field_size_limit(old)


def sniff_delimiter(header_line: str) -> str:
    counts = {d: header_line.count(d) for d in (";", ",", "\t", "|")}
    return max(counts, key=counts.get)


def read_head_lines(path: Path, encoding: str = "utf-8", limit: int = HEADER_SCAN_LINES) -> list[tuple[int, str | None]]:
    """The first non-blank lines with their line numbers (1-based); None for a line longer
    than MAX_HEAD_LINE_CHARS (it cannot be a header and is not read into memory)."""
    out: list[tuple[int, str | None]] = []
    with open(path, encoding="utf-8-sig" if encoding == "utf-8" else encoding, errors="replace", newline="") as fh:
        line_no = 0
        while True:
            line = fh.readline(MAX_HEAD_LINE_CHARS)
            if not line:
                break
            line_no += 1
            if len(line) >= MAX_HEAD_LINE_CHARS and not line.endswith(("\n", "\r")):
                while (rest := fh.readline(MAX_HEAD_LINE_CHARS)) and not rest.endswith(("\n", "\r")):
                    pass
                out.append((line_no, None))
            elif line.strip():
                out.append((line_no, line.rstrip("\r\n")))
            if len(out) >= limit or line_no > 10 * limit:
                break
    return out


_BLANK_LINE = re.compile(rb"\n[ \t\r]*\n")       # the newline before a blank line, the line, its newline
_NON_BLANK = re.compile(rb"[^ \t\r\n]")


def scan_layout(path: Path, after_line: int) -> tuple[bool, bool]:
    """(has quote characters, has blank lines before or between records) after the header line.

    Without either, record N is line after_line + N and no second pass is needed; blank
    lines at the very end do not matter. One pass over the bytes with regexes, not a Python
    loop per line.
    """
    has_quotes = inner_blank = seen_blank = False
    to_skip = after_line
    carry = b""
    with open(path, "rb") as fh:
        while block := fh.read(1 << 22):
            has_quotes = has_quotes or b'"' in block
            data = carry + block
            end = data.rfind(b"\n") + 1
            # complete lines, each ending in a newline; one more in front so every line follows one
            region, carry = b"\n" + data[:end], data[end:]
            start = 1
            while to_skip and start < len(region):
                start = region.index(b"\n", start) + 1
                to_skip -= 1
            if inner_blank or start >= len(region):
                continue
            if seen_blank:   # a blank line came earlier: any record now moves the line numbers
                inner_blank = _NON_BLANK.search(region, start) is not None
            elif blank := _BLANK_LINE.search(region, start - 1):
                seen_blank = True
                inner_blank = _NON_BLANK.search(region, blank.end()) is not None
    if to_skip == 0 and carry.strip(b"\r \t") and seen_blank:
        inner_blank = True
    return has_quotes, inner_blank


def record_lines(path: Path, encoding: str, delimiter: str, after_line: int) -> tuple[array, array]:
    """(physical start line, the reader's line number) of each non-blank record after the header,
    as two arrays of 8-byte integers (a tuple per record cost ~1 GB for a 4.3 M-row roster).

    DuckDB numbers lines without counting the newlines inside quoted values, so its line for a
    record after a multi-line value is smaller than the line a person sees; the second number
    is DuckDB's, to match its rejects. Blank lines are skipped by both readers.
    """
    starts, reader_lines = array("q"), array("q")
    embedded = 0  # newlines inside quoted values so far
    with _csv_field_limit(), open(path, encoding="utf-8-sig" if encoding == "utf-8" else encoding,
                                  errors="replace", newline="") as fh:
        for _ in range(after_line):
            fh.readline()
        reader = csv.reader(fh, delimiter=delimiter)
        while True:
            start = reader.line_num + after_line + 1
            try:
                record = next(reader)
            except StopIteration:
                break
            except csv.Error:
                continue
            if record:
                starts.append(start)
                reader_lines.append(start - embedded)
                embedded += sum(field.count("\n") for field in record)
    return starts, reader_lines


def _only_separators(line: str | None, delimiter: str) -> bool:
    """A rejected line with no value in it (';;;;;;' or ';"";;' wider than the header) is an empty
    row; a quoted separator (',,,,,","') is a value, so its line is quarantined, not skipped."""
    if line is None:
        return False
    try:
        with _csv_field_limit():
            fields = next(csv.reader([line], delimiter=delimiter), [])
    except csv.Error:
        return False
    return not any(f.strip() for f in fields)


def load_csv(con: duckdb.DuckDBPyConnection, path: Path, folder: str, specs: dict[str, list[ColumnSpec]],
             personal: list | None = None) -> ReadResult:
    """Read a CSV into the temp table _ingest_tmp (its mapped columns c<i>); see ingest_file."""
    encoding = sniff_encoding(path)
    if os.path.getsize(path) == 0:
        raise FileProblem("berkas kosong (0 byte): tidak ada baris sama sekali")
    readable = path if encoding == "utf-8" else transcode_to_utf8(path, encoding)
    try:
        result = _load_csv_utf8(con, readable, folder, specs, personal or [])
    finally:
        if readable != path:
            readable.unlink(missing_ok=True)
    result.meta["encoding"] = encoding
    return result


def _load_csv_utf8(con, path: Path, folder: str, specs, personal: list) -> ReadResult:
    head = read_head_lines(path, "utf-8")
    if not head:
        raise FileProblem("berkas kosong: tidak ada baris sama sekali")
    rows = []
    with _csv_field_limit():
        for line_no, text in head:
            rows.append((line_no, [] if text is None else next(csv.reader([text], delimiter=sniff_delimiter(text)))))
    try:
        shape, header_line, mapping, unmatched = choose_shape(rows, folder, specs)
    except FileProblem as exc:
        first = next((t for _, t in head if t is not None), "")
        if any(t is None for _, t in head):
            long_line = next(n for n, t in head if t is None)
            raise FileProblem(
                f"baris {long_line} lebih dari {MAX_HEAD_LINE_CHARS:,} karakter tanpa akhir baris dan tidak "
                "ada baris judul kolom: ini bukan ekspor tabel CSV yang sah".replace(",", ".")
            ) from exc
        if re.match(r"\s*<(!doctype|html|table|\?xml)", first, re.IGNORECASE):
            raise FileProblem(
                "berkas ini HTML/XML, bukan CSV atau XLSX (sering dari tombol 'ekspor Excel' aplikasi web); "
                "buka di Excel lalu simpan sebagai .xlsx atau CSV"
            ) from exc
        raise
    header_text = dict(head)[header_line]
    delimiter = sniff_delimiter(header_text)
    with _csv_field_limit():
        header_cells = next(csv.reader([header_text], delimiter=delimiter))
    ncols = len(header_cells)
    private = [h for h in unmatched if personal_column(h, personal)]
    col_types = ", ".join(f"'c{i}': 'VARCHAR'" for i in range(ncols))
    has_quotes, inner_blank = scan_layout(path, header_line)
    con.execute("drop table if exists _ingest_tmp")
    con.execute("drop table if exists _ingest_rejects")
    con.execute("drop table if exists _ingest_scan")
    options = (
        f"header=false, skip={header_line}, delim=?, quote='\"', escape='\"', "
        f"columns={{{col_types}}}, null_padding=true, auto_detect=false, "
        f"store_rejects=true, rejects_scan='_ingest_scan', rejects_table='_ingest_rejects', "
        f"encoding='utf-8', parallel={'false' if has_quotes else 'true'}"
    )  # duckdb cannot pad short rows in parallel when quoted values span lines
    # only the mapped columns are kept: unknown and personal-data columns never reach a table
    kept = ", ".join(f"c{i}" for i in sorted(mapping))
    con.execute(f"create temp table _ingest_tmp as select {kept} from read_csv(?, {options})", [str(path), delimiter])
    # one reject per faulty value: one line with two extra fields is still one bad line
    rejects = con.execute(
        "select line, string_agg(distinct error_type || ': ' || error_message, '; ' "
        "order by error_type || ': ' || error_message), "
        "any_value(trim(csv_line, chr(10) || chr(13))) from _ingest_rejects group by line order by line"
    ).fetchall()
    con.execute("drop table if exists _ingest_rejects")  # holds whole lines, personal data included
    empty_rejects = sum(1 for r in rejects if _only_separators(r[2], delimiter))
    # rowid of a table committed outside a transaction is its insertion (= file) order
    if not rejects and not has_quotes and not inner_blank:
        line_sql = f"{header_line} + 1 + t.rowid"
        source = "_ingest_tmp t"
    else:
        all_starts, reader_lines = record_lines(path, "utf-8", delimiter, header_line)
        rejected = {r[0] for r in rejects}
        # the physical line of each rejected record (few), and the start of every record kept
        physical = {line: all_starts[i] for i, line in enumerate(reader_lines) if line in rejected} if rejected else {}
        rejects = [(physical.get(line, line), err, text) for line, err, text in rejects]
        keep = np.frombuffer(reader_lines, dtype=np.int64)
        starts = np.frombuffer(all_starts, dtype=np.int64)
        if rejected:
            starts = starts[~np.isin(keep, np.fromiter(rejected, dtype=np.int64, count=len(rejected)))]
        n = scalar(con, "select count(*) from _ingest_tmp")
        if len(starts) != n:
            raise FileProblem(
                f"struktur CSV tidak konsisten (pembacaan menghasilkan {n} baris, "
                f"penghitungan baris menghasilkan {len(starts)}); periksa tanda kutip di berkas"
            )
        con.execute("drop table if exists _ingest_lines")
        con.execute("create temp table _ingest_lines (ord bigint, line integer)")
        _bulk_lines(con, starts)
        line_sql = "l.line"
        source = "_ingest_tmp t join _ingest_lines l on l.ord = t.rowid"
    rejects = [r for r in rejects if not _only_separators(r[2], delimiter)]
    if private:
        rejects = [(line, err, REDACTED_LINE) for line, err, _ in rejects]
    meta = {"delimiter": delimiter, "header_cells": header_cells, "personal": private,
            "extra_empty": empty_rejects,
            "title": " ".join(t for n, t in head if n < header_line and t),
            "rejects": [(line, f"{err}", text) for line, err, text in rejects]}
    return ReadResult(shape, mapping, [h for h in unmatched if h not in private], header_line, source, line_sql, meta)


def _bulk_lines(con, starts) -> None:
    frame = pd.DataFrame({"ord": np.arange(len(starts), dtype=np.int64), "line": np.asarray(starts, dtype=np.int64)})
    con.register("_ingest_lines_df", frame)
    con.execute("insert into _ingest_lines select * from _ingest_lines_df")
    con.unregister("_ingest_lines_df")
