"""CSV reading: the header among the first lines, the delimiter, the physical line of every record,
and the load into _ingest_tmp with DuckDB."""

from __future__ import annotations

import csv
import os
import re
import tempfile
from array import array
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

import duckdb
import numpy as np
import pandas as pd

from transforms.ingest.encoding import sniff_encoding, transcode_to_utf8
from transforms.ingest.headers import HEADER_SCAN_LINES, REDACTED_LINE, ColumnSpec, choose_shape, personal_column
from transforms.ingest.limits import human_size, max_line_size, refuse_oversized
from transforms.ingest.records import FileProblem, ReadResult
from transforms.warehouse import scalar

MAX_HEAD_LINE_CHARS = 1 << 20  # a line this long is not a header (it is read no further)
CSV_FIELD_LIMIT = 1 << 30  # Python's csv default (131072 characters) is below a long complaint


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


def read_head_lines(
    path: Path, encoding: str = "utf-8", limit: int = HEADER_SCAN_LINES
) -> list[tuple[int, str | None]]:
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


_BLANK_LINE = re.compile(rb"\n[ \t\r]*\n")  # the newline before a blank line, the line, its newline
_NON_BLANK = re.compile(rb"[^ \t\r\n]")


def scan_layout(path: Path, after_line: int) -> tuple[bool, bool, bool]:
    """(has quote characters, has blank lines before or between records after the header line,
    an odd number of quote characters: a quoted value never closed runs to the end of the file).

    Without either, record N is line after_line + N and no second pass is needed; blank
    lines at the very end do not matter. One pass over the bytes with regexes, not a Python
    loop per line.
    """
    has_quotes = inner_blank = seen_blank = False
    quotes = 0
    to_skip = after_line
    carry = b""
    with open(path, "rb") as fh:
        while block := fh.read(1 << 22):
            quotes += block.count(b'"')
            has_quotes = has_quotes or quotes > 0
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
            if seen_blank:  # a blank line came earlier: any record now moves the line numbers
                inner_blank = _NON_BLANK.search(region, start) is not None
            elif blank := _BLANK_LINE.search(region, start - 1):
                seen_blank = True
                inner_blank = _NON_BLANK.search(region, blank.end()) is not None
    if to_skip == 0 and carry.strip(b"\r \t") and seen_blank:
        inner_blank = True
    return has_quotes, inner_blank, quotes % 2 == 1


def record_lines(path: Path, encoding: str, delimiter: str, after_line: int) -> tuple[array, array]:
    """(physical start line, the reader's line number) of each non-blank record after the header,
    as two arrays of 8-byte integers (a tuple per record cost ~1 GB for a 4.3 M-row roster).

    DuckDB numbers lines without counting the newlines inside quoted values, so its line for a
    record after a multi-line value is smaller than the line a person sees; the second number
    is DuckDB's, to match its rejects. Blank lines are skipped by both readers.
    """
    starts, reader_lines = array("q"), array("q")
    for start, reader_line, record in _records(path, encoding, delimiter, after_line):
        if record is not None:
            starts.append(start)
            reader_lines.append(reader_line)
    return starts, reader_lines


def _records(path: Path, encoding: str, delimiter: str, after_line: int):
    """(physical start line, DuckDB's line number, fields) of each non-blank record after the
    header, read by Python's csv module; fields None for a record it cannot split."""
    embedded = 0  # newlines inside quoted values so far
    with (
        _csv_field_limit(),
        open(path, encoding="utf-8-sig" if encoding == "utf-8" else encoding, errors="replace", newline="") as fh,
    ):
        for _ in range(after_line):
            fh.readline()
        reader = csv.reader(fh, delimiter=delimiter)
        while True:
            start = reader.line_num + after_line + 1
            try:
                record = next(reader)
            except StopIteration:
                return
            except csv.Error:
                yield start, start - embedded, None
                continue
            if record:
                yield start, start - embedded, record
                embedded += sum(field.count("\n") for field in record)


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


def load_csv(
    con: duckdb.DuckDBPyConnection,
    path: Path,
    folder: str,
    specs: dict[str, list[ColumnSpec]],
    personal: list | None = None,
) -> ReadResult:
    """Read a CSV into the temp table _ingest_tmp (its mapped columns c<i>); see ingest_file.

    DuckDB reads a copy when the file is not UTF-8 or its line breaks are not all LF, and a link
    under a plain name when the file's name holds glob characters: it never reads a name as a pattern.
    """
    refuse_oversized(path)
    encoding = sniff_encoding(path)
    with tempfile.TemporaryDirectory(prefix="pantau-csv-") as work:
        readable = path if encoding == "utf-8" else transcode_to_utf8(path, encoding)
        try:
            layout = line_breaks(readable, max_line_size())
            if layout.has_cr:
                lf_copy = Path(work) / "lf.csv"
                warnings = normalise_line_breaks(readable, lf_copy, layout.has_lf)
                if readable != path:
                    readable.unlink(missing_ok=True)
                readable = lf_copy
            else:
                warnings = []
            if readable == path and GLOB_CHARS.search(os.path.abspath(path)):
                readable = Path(work) / "data.csv"
                os.symlink(os.path.abspath(path), readable)
            result = _load_csv_utf8(con, readable, folder, specs, personal or [])
        finally:
            if readable != path and readable.parent != Path(work):
                readable.unlink(missing_ok=True)
    result.meta["encoding"] = encoding
    result.meta.setdefault("warnings", []).extend(warnings)
    return result


# what DuckDB's read_csv takes as a pattern in a file's path (rekap_*.csv, data[1].csv, a folder Rekap [lama]/)
GLOB_CHARS = re.compile(r"[*?\[\]{}]")


@dataclass(frozen=True)
class LineBreaks:
    has_cr: bool
    has_lf: bool


def line_breaks(path: Path, max_line: int) -> LineBreaks:
    """Which line breaks a file uses, and its longest line checked against the limit before
    anything holds a line in memory (blocks of 4 MB; the positions of CR and LF with numpy).
    Raises FileProblem naming the line and its size."""
    has_cr = has_lf = False
    lf_before = 0  # LF in the blocks before this one
    run, run_line = 0, 1  # length and line number of the line still open at the block's end
    too_long = None  # (line, size) of the first line over the limit, measured to its end
    with open(path, "rb") as fh:
        while block := fh.read(1 << 22):
            arr = np.frombuffer(block, dtype=np.uint8)
            is_cr, is_lf = arr == 13, arr == 10
            has_cr, has_lf = has_cr or bool(is_cr.any()), has_lf or bool(is_lf.any())
            breaks = np.flatnonzero(is_cr | is_lf)
            if too_long and too_long[1] == -1:  # measuring the long line to its end
                if breaks.size == 0:
                    run += len(block)
                    continue
                too_long = (run_line, run + int(breaks[0]))
                break
            if breaks.size == 0:
                run += len(block)
            else:
                gaps = np.diff(breaks) - 1
                first = run + int(breaks[0])
                if first > max_line:
                    too_long = (run_line, first)
                    break
                over = np.flatnonzero(gaps > max_line)
                if over.size:
                    i = int(over[0])
                    too_long = (lf_before + int(is_lf[: breaks[i] + 1].sum()) + 1, int(gaps[i]))
                    break
                run = len(block) - 1 - int(breaks[-1])
                run_line = lf_before + int(is_lf[: breaks[-1] + 1].sum()) + 1
            lf_before += int(is_lf.sum())
            if run > max_line and too_long is None:
                too_long = (run_line, -1)  # go on reading (not holding) to tell its size
        if too_long and too_long[1] == -1:
            too_long = (run_line, run)
    if too_long:
        line, size = too_long
        raise FileProblem(
            f"baris {line} berukuran {human_size(size)}, lebih dari batas satu baris {human_size(max_line)} "
            "(pengaturan [ingest] max_line_size); berkas tidak dibaca. Satu baris memuat satu rekaman: "
            "berkas ini rusak atau bukan ekspor tabel; ekspor ulang dari aplikasinya"
        )
    return LineBreaks(has_cr, has_lf)


_CR = re.compile(rb"\r")


def normalise_line_breaks(src: Path, dst: Path, has_lf: bool) -> list[str]:
    """Copy src to dst with every line break as LF: CRLF and a lone CR (old Mac files; a CR in a
    file of LF lines, which Excel and text editors show as a line break) become LF, so the lines
    DuckDB counts are the lines a person sees. Returns a warning naming the first lone CR outside
    quotes in a file of LF lines (the line it ends), since it splits what may have been one record."""
    quotes = lines = 0  # quote characters and LF written so far
    stray: list[int] = []  # line numbers ended by a lone CR outside quotes
    carry = b""
    with open(src, "rb") as fin, open(dst, "wb") as fout:
        while True:
            block = fin.read(1 << 22)
            data = carry + block
            if not data:
                break
            carry = b""
            if block and data.endswith(b"\r"):  # its LF may open the next block
                data, carry = data[:-1], b"\r"
            data = data.replace(b"\r\n", b"\n")
            if has_lf and b"\r" in data:
                pos, q, n = 0, quotes, lines
                for m in _CR.finditer(data):
                    q += data.count(b'"', pos, m.start())
                    n += data.count(b"\n", pos, m.start())
                    pos = m.start()
                    if q % 2 == 0:
                        stray.append(n + 1)
                    n += 1  # the CR becomes a line break
                    pos += 1
            quotes += data.count(b'"')
            data = data.replace(b"\r", b"\n")
            lines += data.count(b"\n")
            fout.write(data)
            if not block:
                break
    if not stray:
        return []
    more = f" (dan {len(stray) - 1} baris lain)" if len(stray) > 1 else ""
    return [
        f"baris {stray[0]}{more} diakhiri karakter CR (carriage return) tunggal di tengah berkas yang "
        "barisnya diakhiri LF; dibaca sebagai akhir baris, seperti Excel dan editor teks menampilkannya. "
        "Bila itu seharusnya satu baris dengan baris berikutnya, hapus karakter CR itu lalu jalankan ulang"
    ]


class CsvHeader(NamedTuple):
    """The header line of a CSV and what it says: the shape, which column is which, the delimiter."""

    head: list[tuple[int, str | None]]  # the first non-blank lines (read_head_lines)
    shape: str
    line: int  # the header's line number
    mapping: dict[int, str]  # column position -> canonical column
    unmatched: list[str]  # headers not recognised
    delimiter: str
    cells: list[str]  # the header's cells


class Reject(NamedTuple):
    """A line DuckDB's reader could not split: its line, the errors, its text."""

    line: int
    error: str
    text: str | None


class Placement(NamedTuple):
    """Where ingest reads the rows of _ingest_tmp from and the line each one is on."""

    source_sql: str
    line_sql: str
    rejects: list[Reject]  # their lines the physical ones


def _load_csv_utf8(con, path: Path, folder: str, specs, personal: list) -> ReadResult:
    header = _find_header(path, folder, specs)
    private = [h for h in header.unmatched if personal_column(h, personal)]
    has_quotes, inner_blank, unclosed = scan_layout(path, header.line)
    rejects = _read_rows(con, path, header, parallel=not has_quotes)
    empty_rejects = sum(1 for r in rejects if _only_separators(r.text, header.delimiter))
    # rowid of a table committed outside a transaction is its insertion (= file) order
    if not rejects and not has_quotes and not inner_blank:
        placed = _lines_in_file_order(con, path, header)
    else:
        placed = _lines_of_records(con, path, header, rejects, unclosed)
    rejects = [r for r in placed.rejects if not _only_separators(r.text, header.delimiter)]
    if private:
        rejects = [r._replace(text=REDACTED_LINE) for r in rejects]
    meta = {
        "delimiter": header.delimiter,
        "header_cells": header.cells,
        "personal": private,
        "extra_empty": empty_rejects,
        "title": " ".join(t for n, t in header.head if n < header.line and t),
        "rejects": [(line, f"{err}", text) for line, err, text in rejects],
    }
    return ReadResult(
        header.shape,
        header.mapping,
        [h for h in header.unmatched if h not in private],
        header.line,
        placed.source_sql,
        placed.line_sql,
        meta,
    )


def _find_header(path: Path, folder: str, specs) -> CsvHeader:
    """The header among the first lines, its shape and columns; FileProblem naming what the file is
    instead when no line is a header (an endless line, an HTML page)."""
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
        _raise_not_a_table(head, exc)
        raise
    header_text = dict(head)[header_line]
    delimiter = sniff_delimiter(header_text)
    with _csv_field_limit():
        header_cells = next(csv.reader([header_text], delimiter=delimiter))
    return CsvHeader(head, shape, header_line, mapping, unmatched, delimiter, header_cells)


def _raise_not_a_table(head: list[tuple[int, str | None]], exc: FileProblem) -> None:
    """With no header found: FileProblem saying the file is no CSV table, when that is what it looks like."""
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


def _read_rows(con, path: Path, header: CsvHeader, parallel: bool) -> list[Reject]:
    """The mapped columns of the rows after the header into _ingest_tmp with DuckDB's read_csv;
    the lines it rejected, by its own line numbers."""
    col_types = ", ".join(f"'c{i}': 'VARCHAR'" for i in range(len(header.cells)))
    con.execute("drop table if exists _ingest_tmp")
    con.execute("drop table if exists _ingest_rejects")
    con.execute("drop table if exists _ingest_scan")
    options = (
        f"header=false, skip={header.line}, delim=?, quote='\"', escape='\"', "
        f"columns={{{col_types}}}, null_padding=true, auto_detect=false, "
        f"store_rejects=true, rejects_scan='_ingest_scan', rejects_table='_ingest_rejects', "
        f"encoding='utf-8', parallel={'true' if parallel else 'false'}"
    )  # duckdb cannot pad short rows in parallel when quoted values span lines
    # only the mapped columns are kept: unknown and personal-data columns never reach a table
    kept = ", ".join(f"c{i}" for i in sorted(header.mapping))
    con.execute(
        f"create temp table _ingest_tmp as select {kept} from read_csv(?, {options})", [str(path), header.delimiter]
    )
    # one reject per faulty value: one line with two extra fields is still one bad line
    rejects = con.execute(
        "select line, string_agg(distinct error_type || ': ' || error_message, '; ' "
        "order by error_type || ': ' || error_message), "
        "any_value(trim(csv_line, chr(10) || chr(13))) from _ingest_rejects group by line order by line"
    ).fetchall()
    con.execute("drop table if exists _ingest_rejects")  # holds whole lines, personal data included
    return [Reject(*r) for r in rejects]


def _lines_in_file_order(con, path: Path, header: CsvHeader) -> Placement:
    """No quotes, no blank lines, nothing rejected: row N is line header + N, once the rows DuckDB
    read are as many as the lines a person sees."""
    n = scalar(con, "select count(*) from _ingest_tmp")
    if n != (seen := count_nonblank_lines(path, header.line)):
        raise _differs(con, path, header.delimiter, header.line, header.mapping, set(), n, seen)
    return Placement("_ingest_tmp t", f"{header.line} + 1 + t.rowid", [])


def _lines_of_records(con, path: Path, header: CsvHeader, rejects: list[Reject], unclosed: bool) -> Placement:
    """Each row's physical start line from a pass of Python's csv module, into _ingest_lines; the
    rejects moved to their physical lines."""
    all_starts, reader_lines = record_lines(path, "utf-8", header.delimiter, header.line)
    if unclosed and len(all_starts):
        last_line = count_lines(path)
        if all_starts[-1] < last_line:  # the last record spans lines to the end
            raise FileProblem(
                f'baris {all_starts[-1]}: tanda kutip (") dibuka tetapi tidak ditutup sampai akhir berkas, '
                f"sehingga baris {all_starts[-1]}–{last_line} terbaca sebagai satu nilai; tutup atau hapus "
                "tanda kutip itu lalu simpan ulang berkasnya"
            )
    rejected = {r.line for r in rejects}
    # the physical line of each rejected record (few), and the start of every record kept
    physical = {line: all_starts[i] for i, line in enumerate(reader_lines) if line in rejected} if rejected else {}
    rejects = [r._replace(line=physical.get(r.line, r.line)) for r in rejects]
    keep = np.frombuffer(reader_lines, dtype=np.int64)
    starts = np.frombuffer(all_starts, dtype=np.int64)
    if rejected:
        starts = starts[~np.isin(keep, np.fromiter(rejected, dtype=np.int64, count=len(rejected)))]
    n = scalar(con, "select count(*) from _ingest_tmp")
    if len(starts) != n:
        raise _differs(con, path, header.delimiter, header.line, header.mapping, rejected, n, len(starts))
    con.execute("drop table if exists _ingest_lines")
    con.execute("create temp table _ingest_lines (ord bigint, line integer)")
    _bulk_lines(con, starts)
    return Placement("_ingest_tmp t join _ingest_lines l on l.ord = t.rowid", "l.line", rejects)


def count_lines(path: Path) -> int:
    """The number of lines: line breaks, plus a last line without one."""
    n, last = 0, b"\n"
    with open(path, "rb") as fh:
        while block := fh.read(1 << 22):
            n, last = n + block.count(b"\n"), block[-1:]
    return n + (last != b"\n")


def count_nonblank_lines(path: Path, after_line: int) -> int:
    """The data lines a person sees after the header, in a file with no blank line before or
    between them (scan_layout): the line of the last non-blank character, counted from the header."""
    lf_before = last = 0
    with open(path, "rb") as fh:
        for _ in range(after_line):
            fh.readline()
        while block := fh.read(1 << 22):
            if stripped := block.rstrip(b" \t\r\n"):
                last = lf_before + stripped.count(b"\n") + 1
            lf_before += block.count(b"\n")
    return last


def _differs(
    con, path: Path, delimiter: str, header_line: int, mapping: dict, rejected: set, n: int, seen: int
) -> FileProblem:
    """The file's message when DuckDB's rows and the records a person sees differ in number:
    the first record whose values differ (Python's csv module reads it as a spreadsheet does)."""
    cols = sorted(mapping)
    cursor = con.execute(f"select {', '.join(f'c{i}' for i in cols)} from _ingest_tmp order by rowid")
    line = None
    for start, reader_line, record in _records(path, "utf-8", delimiter, header_line):
        if record is not None and reader_line in rejected:
            continue
        row = cursor.fetchone()
        if (
            record is None
            or row is None
            or tuple(v or "" for v in row) != tuple((record[i] if i < len(record) else "") for i in cols)
        ):
            line = start
            break
    where = (
        f"baris {line}: isinya terbaca berbeda dengan yang terlihat"
        if line
        else "setelah baris terakhir: terbaca baris yang tidak ada di berkas"
    )
    return FileProblem(
        f"{where.split(':')[0]}: pembacaan CSV menghasilkan {n} baris data, padahal berkas memperlihatkan "
        f'{seen}; {where.split(": ")[1]}. Periksa tanda kutip (") dan akhir baris di sana, lalu simpan ulang '
        "berkasnya dari Excel"
    )


def _bulk_lines(con, starts) -> None:
    frame = pd.DataFrame({"ord": np.arange(len(starts), dtype=np.int64), "line": np.asarray(starts, dtype=np.int64)})
    con.register("_ingest_lines_df", frame)
    con.execute("insert into _ingest_lines select * from _ingest_lines_df")
    con.unregister("_ingest_lines_df")
