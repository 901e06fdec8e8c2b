"""Ingest: find the exports in the inbox, identify them, hash them, load their rows raw.

One folder per input kind (pegawai/, presensi/, skp/, skm/, layanan/); the headers say the
shape (a presensi file is a daily recap or a raw scan log). Headers are matched through
data/reference/column_aliases.csv. Every loaded row keeps _file_id and _row, the line (CSV)
or sheet row (XLSX) a person sees when opening the file. Values stay text here; typing and
judging happen in staging and validation.

Hostile and broken inputs (docs/hardening.md): a file that cannot be trusted as a whole (empty,
binary, truncated, no header, a required column missing) is an "error" report naming the
problem; the run stops before publishing. Lines the CSV reader cannot split are kept in
raw._rejects and quarantined (row_malformed). Nothing outside the inbox is read: a symbolic
link pointing out of it is an error. Columns of a survey export that hold personal data
(data/reference/personal_data_columns.csv) are never read into the warehouse.
"""
from __future__ import annotations

import codecs
import csv
import hashlib
import json
import os
import re
import stat
import tempfile
import zipfile
from array import array
from contextlib import contextmanager
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

from transforms.warehouse import one, scalar

HEADER_SCAN_LINES = 20     # a header further down than this is not a header
XLSX_CHUNK_ROWS = 50_000
MAX_HEAD_LINE_CHARS = 1 << 20   # a line this long is not a header (it is read no further)
CSV_FIELD_LIMIT = 1 << 30       # Python's csv default (131072 characters) is below a long complaint
PERSONAL_DATA_FILE = Path(__file__).resolve().parent.parent / "data" / "reference" / "personal_data_columns.csv"
REDACTED_LINE = "(isi baris tidak disimpan: berkas memuat kolom data pribadi)"
BLANK_SQL = "' ' || chr(9) || chr(10) || chr(13) || chr(160)"   # what a blank cell may hold

# file types offices hand over by mistake, told apart by their first bytes
MAGIC = (
    (b"\x89PNG\r\n\x1a\n", "gambar PNG"),
    (b"\xff\xd8\xff", "gambar JPEG"),
    (b"GIF87a", "gambar GIF"),
    (b"GIF89a", "gambar GIF"),
    (b"%PDF", "dokumen PDF"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",
     "berkas Excel/Office format lama (.xls/.doc); buka di Excel lalu simpan sebagai .xlsx atau CSV"),
    (b"\x1f\x8b", "arsip gzip; ekstrak dulu"),
    (b"Rar!", "arsip RAR; ekstrak dulu"),
    (b"7z\xbc\xaf\x27\x1c", "arsip 7-Zip; ekstrak dulu"),
)
DATA_SUFFIXES = (".csv", ".tsv", ".txt", ".xlsx", ".xlsm", ".xls")
# files operating systems leave in folders; never exports
SYSTEM_FILES = {"thumbs.db", "ehthumbs.db", "desktop.ini", "icon\r"}


class FileProblem(Exception):
    """A file that cannot be trusted at all: the run stops and names it."""


@dataclass
class ColumnSpec:
    column: str
    required: str          # "true", "false" or "any:<group>" (at least one of the group)
    aliases: tuple[str, ...]


@dataclass
class FileReport:
    path: str
    kind: str
    action: str                       # loaded | unchanged | duplicate | error | ignored
    file_id: int | None = None
    shape: str | None = None
    rows_read: int = 0
    rows_empty: int = 0
    message: str | None = None
    warnings: list[str] = field(default_factory=list)
    superseded: int | None = None     # file_id this version replaced


def normalise_header(text: str) -> str:
    """'Sistem, Mekanisme dan Prosedur' -> 'sistem_mekanisme_dan_prosedur'."""
    text = str(text).replace("\ufeff", "").strip().lower()
    return re.sub(r"[^0-9a-z]+", "_", text).strip("_")


def load_column_specs(con: duckdb.DuckDBPyConnection) -> dict[str, list[ColumnSpec]]:
    """{shape: [ColumnSpec]} from ref.column_aliases, in file order."""
    specs: dict[str, list[ColumnSpec]] = defaultdict(list)
    for shape, column, required, aliases in con.execute(
        "select kind, \"column\", required, aliases from ref.column_aliases"
    ).fetchall():
        names = {normalise_header(a) for a in aliases.split("|")} | {column}
        specs[shape].append(ColumnSpec(column, required.strip().lower(), tuple(sorted(names))))
    return dict(specs)


def load_personal_columns(con: duckdb.DuckDBPyConnection) -> dict[str, list[tuple[str, tuple[str, ...]]]]:
    """{kind: [(what, (alias, ...))]} from ref.personal_data_columns (default file if not loaded).

    Privacy must never be off by accident: a reference folder without the table still gets the
    project's list.
    """
    try:
        rows = con.execute('select kind, "column", aliases from ref.personal_data_columns').fetchall()
    except duckdb.CatalogException:
        with open(PERSONAL_DATA_FILE, encoding="utf-8", newline="") as fh:
            rows = [(r["kind"], r["column"], r["aliases"]) for r in csv.DictReader(fh)]
    rules: dict[str, list[tuple[str, tuple[str, ...]]]] = defaultdict(list)
    for kind, column, aliases in rows:
        names = {normalise_header(a) for a in (aliases or "").split("|")} | {normalise_header(column)}
        rules[kind.strip()].append((column, tuple(sorted(n for n in names if n))))
    return dict(rules)


def personal_column(header: str, rules: list[tuple[str, tuple[str, ...]]]) -> str | None:
    """What personal data a header names ('No. HP / WhatsApp' -> 'telepon'), or None.

    A header matches when one alias appears in it as whole words: 'nomor_hp_aktif' holds 'hp',
    'whatsapp' does not hold 'wa'.
    """
    words = normalise_header(header).split("_")
    for column, aliases in rules:
        for alias in aliases:
            parts = alias.split("_")
            if any(words[i:i + len(parts)] == parts for i in range(len(words) - len(parts) + 1)):
                return column
    return None


def ensure_raw_tables(con: duckdb.DuckDBPyConnection, specs: dict[str, list[ColumnSpec]]) -> None:
    for shape, columns in specs.items():
        cols = ", ".join(f'"{c.column}" varchar' for c in columns)
        con.execute(f"create table if not exists raw.{shape} (_file_id integer, _row integer, {cols})")
        # an optional column added to column_aliases.csv later (e.g. pegawai.kepala_unit) reaches
        # a warehouse made before it; the rows loaded earlier have it empty
        for c in columns:
            con.execute(f'alter table raw.{shape} add column if not exists "{c.column}" varchar')
    con.execute(
        "create table if not exists raw._rejects (_file_id integer, _row integer, error varchar, line varchar)"
    )


def folder_shapes(specs: dict[str, list[ColumnSpec]]) -> dict[str, list[str]]:
    """Folder name -> shapes it may hold: presensi -> presensi_recap, presensi_scan."""
    shapes: dict[str, list[str]] = defaultdict(list)
    for shape in specs:
        shapes[shape.split("_")[0]].append(shape)
    return dict(shapes)


# ---------------------------------------------------------------- header matching

def match_header(cells: list[str], specs: list[ColumnSpec]) -> tuple[dict[int, str], list[str]]:
    """Map header cell positions to canonical columns; return (mapping, unmatched headers)."""
    lookup = {alias: spec.column for spec in specs for alias in spec.aliases}
    mapping: dict[int, str] = {}
    unmatched: list[str] = []
    for i, cell in enumerate(cells):
        key = normalise_header(cell) if cell is not None else ""
        if not key:
            continue
        canonical = lookup.get(key)
        if canonical is None:
            unmatched.append(str(cell))
        elif canonical in mapping.values():
            raise FileProblem(
                f"kolom '{cell}' dan kolom lain sama-sama berarti '{canonical}'; hapus salah satunya"
            )
        else:
            mapping[i] = canonical
    return mapping, unmatched


def missing_required(mapping: dict[int, str], specs: list[ColumnSpec]) -> list[str]:
    present = set(mapping.values())
    missing = [s.column for s in specs if s.required == "true" and s.column not in present]
    groups: dict[str, list[str]] = defaultdict(list)
    for s in specs:
        if s.required.startswith("any:"):
            groups[s.required].append(s.column)
    for cols in groups.values():
        if not present.intersection(cols):
            missing.append(" atau ".join(cols))
    return missing


def choose_shape(
    rows: list[tuple[int, list[str]]], folder: str, specs: dict[str, list[ColumnSpec]]
) -> tuple[str, int, dict[int, str], list[str]]:
    """Find the header row among the first rows and the shape it describes.

    The first row that looks like a header (names two known columns) is the header. When it
    lacks a required column and the very next row is a complete header, that row is taken
    instead: a two-row header (a group title above 'Masuk' / 'Pulang'). Rows further down are
    never taken, so data rows are not skipped.

    Returns (shape, header line number, {position: canonical column}, unmatched headers).
    """
    candidates = folder_shapes(specs).get(folder, [])
    first = None
    for index, (line_no, cells) in enumerate(rows):
        best = None  # ((complete, matched count), shape, line, mapping, unmatched, missing)
        for shape in candidates:
            mapping, unmatched = match_header(cells, specs[shape])
            if len(mapping) < 2:
                continue
            missing = missing_required(mapping, specs[shape])
            score = (not missing, len(mapping))
            if best is None or score > best[0]:
                best = (score, shape, line_no, mapping, unmatched, missing)
        if first is not None:  # the row right below an incomplete header
            if best is not None and not best[5]:
                first = best
            break
        if best is not None:
            first = best
            if not best[5]:
                break
    if first is None:
        expected = ", ".join(s.column for shape in candidates for s in specs[shape] if s.required != "false")
        raise FileProblem(
            f"tidak ditemukan baris judul kolom di {HEADER_SCAN_LINES} baris pertama; "
            f"folder {folder}/ mengharapkan kolom: {expected}"
        )
    _, shape, line_no, mapping, unmatched, missing = first
    if missing:
        raise FileProblem(
            f"kolom wajib tidak ada: {', '.join(missing)} (judul kolom di baris {line_no}); "
            "tambahkan kolom itu atau daftarkan namanya di data/reference/column_aliases.csv"
        )
    return shape, line_no, mapping, unmatched


# ---------------------------------------------------------------- CSV

@contextmanager
def _csv_field_limit():
    old = csv.field_size_limit(CSV_FIELD_LIMIT)
    try:
        yield
    finally:
        csv.field_size_limit(old)


def _cp1252_fallback(exc: UnicodeDecodeError):
    """Bytes that are not UTF-8 read as Windows-1252 (Latin-1 where 1252 has no character)."""
    bad = exc.object[exc.start:exc.end]
    return "".join(bytes([b]).decode("cp1252", errors="ignore") or chr(b) for b in bad), exc.end


codecs.register_error("pantau_cp1252", _cp1252_fallback)


def what_binary(head: bytes) -> str | None:
    """A plain-words name for a file that is not text, or None when it looks like text."""
    for magic, name in MAGIC:
        if head.startswith(magic):
            return name
    sample = head[:8192]
    # text has next to no control characters; one stray NUL in a complaint is not binary
    controls = sum(1 for b in sample if b < 32 and b not in (9, 10, 12, 13)) + sample.count(b"\x7f")
    if sample and (controls > len(sample) * 0.05 or sample.count(b"\x00") > max(2, len(sample) // 200)):
        return "berkas biner (bukan teks CSV atau XLSX)"
    return None


def sniff_encoding(path: Path) -> str:
    """'utf-8' (with or without BOM), 'utf-16' (BOM), 'utf-16-le'/'utf-16-be' (no BOM, told by the
    zero bytes of ASCII text) or 'cp1252' (not valid UTF-8: the old Windows code page of
    Indonesian offices; bytes that are valid UTF-8 stay UTF-8). Raises FileProblem for binary."""
    with open(path, "rb") as fh:
        head = fh.read(1 << 16)
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    sample = head[:4096]
    if len(sample) >= 4 and sample.count(b"\x00") > len(sample) // 4:
        even, odd = sample[0::2].count(0), sample[1::2].count(0)
        if odd > 0.9 * len(sample[1::2]) and even < 0.1 * len(sample[0::2]):
            return "utf-16-le"
        if even > 0.9 * len(sample[0::2]) and odd < 0.1 * len(sample[1::2]):
            return "utf-16-be"
    kind = what_binary(head)
    if kind:
        raise FileProblem(f"{kind}; folder ini hanya menerima ekspor CSV atau XLSX")
    decoder = codecs.getincrementaldecoder("utf-8")()
    with open(path, "rb") as fh:
        try:
            while block := fh.read(1 << 20):
                decoder.decode(block)
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            return "cp1252"
    return "utf-8"


def transcode_to_utf8(path: Path, encoding: str) -> Path:
    """A UTF-8 copy of a file in another encoding (a temporary file; the caller removes it)."""
    codec, errors = ("utf-8", "pantau_cp1252") if encoding == "cp1252" else (encoding, "replace")
    fd, tmp = tempfile.mkstemp(prefix="pantau-ingest-", suffix=".csv")
    decoder = codecs.getincrementaldecoder(codec)(errors=errors)
    with open(path, "rb") as src, os.fdopen(fd, "wb") as dst:
        while block := src.read(1 << 20):
            dst.write(decoder.decode(block).encode("utf-8"))
        dst.write(decoder.decode(b"", final=True).encode("utf-8"))
    return Path(tmp)


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
             personal: list | None = None):
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
    result[-1]["encoding"] = encoding
    return result


def _load_csv_utf8(con, path: Path, folder: str, specs, personal: list):
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
            "rejects": [(line, f"{err}", text) for line, err, text in rejects]}
    return shape, mapping, [h for h in unmatched if h not in private], header_line, source, line_sql, meta


def _bulk_lines(con, starts) -> None:
    frame = pd.DataFrame({"ord": np.arange(len(starts), dtype=np.int64), "line": np.asarray(starts, dtype=np.int64)})
    con.register("_ingest_lines_df", frame)
    con.execute("insert into _ingest_lines select * from _ingest_lines_df")
    con.unregister("_ingest_lines_df")


def _insert_raw(con, shape, specs, file_id, mapping, source_sql, line_sql, prefix="t.") -> tuple[int, int]:
    """Copy non-empty rows into raw.<shape>: trimmed text, '' -> NULL. Returns (empty, loaded)."""
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
    return total - loaded, loaded


# ---------------------------------------------------------------- XLSX

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
              personal: list | None = None):
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
            "personal": private, "extra_empty": 0, "warnings": warnings}
    return shape, mapping, [h for h in unmatched if h not in private], header_row, "_ingest_tmp t", "t.line", meta


def _append_chunk(con, chunk, ncols):
    frame = pd.DataFrame(chunk, columns=["line", *[f"c{i}" for i in range(ncols)]], dtype=object)
    frame["line"] = frame["line"].astype("int64")
    con.register("_ingest_chunk", frame)
    con.execute("insert into _ingest_tmp select * from _ingest_chunk")
    con.unregister("_ingest_chunk")


# ---------------------------------------------------------------- the inbox

def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        while block := fh.read(1 << 20):
            digest.update(block)
    return digest.hexdigest()


@dataclass
class Entry:
    """One thing found in the inbox: a file to read, or why it is not read."""
    rel: str
    path: Path
    action: str | None = None       # None: read it; "error" or "ignored" with a message
    message: str | None = None


def survey_inbox(inbox: Path) -> list[Entry]:
    """Everything under the inbox in path order, without following symbolic links.

    Dotfiles, dot-folders and Office lock files (~$) are skipped silently. Regular files are
    read. A symbolic link pointing outside the inbox is never read (an error naming it); one
    pointing inside is read as the file it points to (a copy is then reported as such); a broken
    link is an error. Pipes, sockets and devices are never opened. Folders named like a file
    (rekap.csv/) and the files operating systems leave behind (Thumbs.db) are reported and skipped.
    """
    inbox = Path(inbox)
    root = os.path.realpath(inbox)
    entries: list[Entry] = []

    def hidden(name: str) -> bool:
        return name.startswith((".", "~$"))

    for dirpath, dirnames, filenames in os.walk(inbox, followlinks=False):
        dirnames[:] = sorted(d for d in dirnames if not hidden(d))
        base = Path(dirpath)
        for name in list(dirnames):
            path = base / name
            rel = _legible(path.relative_to(inbox).as_posix())
            if path.is_symlink():
                dirnames.remove(name)  # os.walk would not descend anyway; keep it explicit
                target = os.path.realpath(path)
                if not _inside(target, root):
                    entries.append(Entry(rel, path, "error", (
                        f"tautan simbolik ke folder di luar inbox ({target}); isinya tidak dibaca. "
                        "Salin berkasnya ke dalam inbox bila memang harus dipakai")))
                else:
                    entries.append(Entry(rel, path, "ignored", (
                        "tautan simbolik ke folder lain di dalam inbox; berkasnya dibaca di tempat aslinya")))
            elif name.lower().endswith(DATA_SUFFIXES):
                entries.append(Entry(rel, path, "ignored", (
                    "ini folder, bukan berkas, walau namanya seperti berkas; folder itu sendiri dilewati "
                    "(berkas di dalamnya tetap diperiksa)")))
        for name in sorted(filenames):
            if hidden(name):
                continue
            path = base / name
            rel = path.relative_to(inbox).as_posix()
            if not _utf8_name(rel):
                entries.append(Entry(_legible(rel), path, "error", (
                    "nama berkas (atau foldernya) memuat karakter yang bukan UTF-8, biasanya dari arsip ZIP "
                    "Windows lama; ganti nama berkas itu lalu jalankan ulang")))
                continue
            if name.lower() in SYSTEM_FILES or name.endswith(":Zone.Identifier"):
                entries.append(Entry(rel, path, "ignored", "berkas sistem Windows/macOS, bukan ekspor; dilewati"))
                continue
            if path.is_symlink():
                target = os.path.realpath(path)
                if not _inside(target, root):
                    entries.append(Entry(rel, path, "error", (
                        f"tautan simbolik ke berkas di luar inbox ({target}); berkas itu tidak dibaca. "
                        "Salin berkasnya ke dalam inbox bila memang harus dipakai")))
                    continue
                if not os.path.exists(target):
                    entries.append(Entry(rel, path, "error", (
                        f"tautan simbolik rusak: tujuannya ({target}) tidak ada; hapus tautan itu atau perbaiki")))
                    continue
                inside = Path(os.path.relpath(target, root)).as_posix()
                entries.append(Entry(rel, path, "ignored", (
                    f"tautan simbolik ke {inside} di dalam inbox; berkas itu dibaca di tempat aslinya, bukan lewat tautan")))
                continue
            try:
                mode = os.stat(path).st_mode
            except FileNotFoundError:
                entries.append(Entry(rel, path, "error", "berkas hilang saat inbox diperiksa; jalankan ulang"))
                continue
            if stat.S_ISDIR(mode):
                continue  # a link to a folder inside the inbox (reported above)
            if not stat.S_ISREG(mode):
                entries.append(Entry(rel, path, "ignored", (
                    "bukan berkas biasa (pipe, socket atau perangkat); tidak dibuka dan dilewati")))
                continue
            entries.append(Entry(rel, path))
    return sorted(entries, key=lambda e: e.rel)


def _utf8_name(name: str) -> bool:
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:  # bytes the file system could not decode (surrogate escapes)
        return False
    return True


def _legible(name: str) -> str:
    """A file name with undecodable bytes, readable: the bytes taken as Windows-1252."""
    return os.fsencode(name).decode("utf-8", errors="pantau_cp1252")


def _inside(target: str, root: str) -> bool:
    return target == root or target.startswith(root.rstrip(os.sep) + os.sep)


def discover(inbox: Path) -> list[Path]:
    """Every file under the inbox that ingest would read, in path order (see survey_inbox)."""
    return [e.path for e in survey_inbox(inbox) if e.action is None]


def ingest_inbox(
    con: duckdb.DuckDBPyConnection, inbox: Path, run_id: str | None = None, progress=None
) -> list[FileReport]:
    """Load every new or changed file of the inbox into raw.*; return one report per file."""
    inbox = Path(inbox)
    if not inbox.is_dir():
        raise FileProblem(f"folder inbox tidak ada: {inbox}")
    specs = load_column_specs(con)
    personal = load_personal_columns(con)
    ensure_raw_tables(con, specs)
    kinds = folder_shapes(specs)
    reports = []
    for entry in survey_inbox(inbox):
        rel, path = entry.rel, entry.path
        folder = rel.split("/")[0] if "/" in rel else ""
        if entry.action is not None:
            reports.append(FileReport(rel, folder, entry.action, message=entry.message))
            continue
        if folder not in kinds:
            reports.append(FileReport(rel, folder, "ignored", message=(
                f"bukan folder jenis data yang dikenal ({', '.join(sorted(kinds))}); berkas dilewati"
            )))
            continue
        if progress:
            progress(f"membaca {rel}")
        reports.append(ingest_file(con, inbox, path, rel, folder, specs, run_id, personal.get(folder, [])))
    return reports


UNREADABLE = {
    FileNotFoundError: "berkas hilang saat dibaca (dipindah atau dihapus selama run); jalankan ulang setelah berkasnya lengkap",
    PermissionError: "tidak ada izin membaca berkas; periksa hak akses berkas lalu jalankan ulang",
    IsADirectoryError: "berkas berubah menjadi folder saat dibaca; jalankan ulang",
}


def ingest_file(con, inbox: Path, path: Path, rel: str, folder: str, specs, run_id,
                personal: list | None = None) -> FileReport:
    try:
        digest = sha256_of(path)
        size = path.stat().st_size
        fmt = "xlsx" if _is_xlsx(path) else "csv"
    except (FileNotFoundError, PermissionError, IsADirectoryError) as exc:
        # nothing was read, nothing is recorded: the next run looks again
        return FileReport(rel, folder, "error", message=UNREADABLE[type(exc)])
    current = one(
        con,
        "select file_id, sha256, shape, rows_read, rows_empty, status, error from lineage.files "
        "where path = ? and status <> 'superseded' order by file_id desc limit 1",
        [rel],
    )
    again = False  # the same content failed before: judge it again (aliases may have been added since)
    if current and current[1] == digest:
        con.execute("update lineage.files set last_run_id = ? where file_id = ?", [run_id, current[0]])
        if current[5] != "error":
            return FileReport(rel, folder, "unchanged", file_id=current[0], shape=current[2],
                              rows_read=current[3] or 0, rows_empty=current[4] or 0)
        again = True
    else:
        twin = one(
            con, "select path from lineage.files where sha256 = ? and status = 'loaded' and path <> ?", [digest, rel]
        )
        if twin:
            return FileReport(rel, folder, "duplicate", message=f"isi sama persis dengan {twin[0]}; tidak dimuat dua kali")

    if again:
        file_id = current[0]
    else:
        file_id = scalar(con, "select nextval('lineage.file_id_seq')")
        con.execute(
            "insert into lineage.files (file_id, path, kind, format, sha256, bytes, status, first_run_id, last_run_id) "
            "values (?, ?, ?, ?, ?, ?, 'error', ?, ?)",
            [file_id, rel, folder, fmt, digest, size, run_id, run_id],
        )
    report = FileReport(rel, folder, "loaded", file_id=file_id)
    loader = load_xlsx if fmt == "xlsx" else load_csv
    try:
        try:
            shape, mapping, unmatched, header_row, source, line_sql, meta = loader(con, path, folder, specs, personal)
        except FileProblem as exc:
            return _file_error(con, report, file_id, str(exc))
        except (FileNotFoundError, PermissionError, IsADirectoryError) as exc:
            _forget(con, file_id, again)
            report.action, report.message, report.file_id = "error", UNREADABLE[type(exc)], None
            return report
        except duckdb.IOException as exc:
            if not path.exists():
                _forget(con, file_id, again)
                report.action, report.message, report.file_id = "error", UNREADABLE[FileNotFoundError], None
                return report
            first = str(exc).strip().splitlines()[0][:300]
            return _file_error(con, report, file_id, f"berkas tidak dapat dibaca: {first}")
        except (duckdb.Error, UnicodeError, csv.Error) as exc:
            first = str(exc).strip().splitlines()[0][:300]
            return _file_error(con, report, file_id, f"berkas tidak dapat dibaca: {first}")
        except OSError:
            # transient (disk, network share): forget this attempt so a retry starts clean
            _forget(con, file_id, again)
            raise

        header_cells = meta["header_cells"]
        columns = {header_cells[pos]: canonical for pos, canonical in mapping.items()}
        rejects = meta["rejects"]
        private = meta.get("personal", [])
        con.execute("begin transaction")
        try:
            empty, loaded = _insert_raw(con, shape, specs, file_id, mapping, source, line_sql)
            empty += meta.get("extra_empty", 0)
            if rejects:
                con.executemany("insert into raw._rejects values (?, ?, ?, ?)", [[file_id, *r] for r in rejects])
            rows_read = loaded + len(rejects)
            if current and not again:  # same path, new content: a correction supersedes the earlier version
                if current[5] == "loaded":
                    con.execute(f"delete from raw.{current[2]} where _file_id = ?", [current[0]])
                    con.execute("delete from raw._rejects where _file_id = ?", [current[0]])
                con.execute("update lineage.files set status = 'superseded', superseded_by = ? where file_id = ?",
                            [file_id, current[0]])
                report.superseded = current[0]
            con.execute(
                "update lineage.files set shape = ?, delimiter = ?, header_row = ?, columns = ?, ignored_columns = ?, "
                "rows_read = ?, rows_empty = ?, status = 'loaded', error = null, last_run_id = ? where file_id = ?",
                [shape, meta.get("delimiter"), header_row, json.dumps(columns), json.dumps(unmatched + private),
                 rows_read, empty, run_id, file_id],
            )
            con.execute("commit")
        except BaseException:
            con.execute("rollback")
            raise
    finally:
        for table in ("_ingest_tmp", "_ingest_lines", "_ingest_rejects", "_ingest_scan"):
            con.execute(f"drop table if exists {table}")
    report.shape, report.rows_read, report.rows_empty = shape, rows_read, empty
    if private:
        report.warnings.append(
            "kolom data pribadi dibuang: " + ", ".join(private)
            + " (isinya tidak dibaca ke gudang data; responden survei tidak boleh dikenali)"
        )
    if unmatched:
        report.warnings.append("kolom tidak dikenal diabaikan: " + ", ".join(unmatched))
    if meta.get("encoding") == "cp1252":
        report.warnings.append("berkas bukan UTF-8; karakter non-UTF-8 dibaca sebagai Windows-1252 (Latin-1)")
    report.warnings.extend(meta.get("warnings", []))
    if rows_read == 0:
        report.warnings.append("berkas hanya berisi judul kolom; tidak ada baris data")
    return report


def _forget(con, file_id: int, again: bool) -> None:
    """An attempt that read nothing (file gone, no permission, I/O error) leaves no version behind."""
    if not again:
        con.execute("delete from lineage.files where file_id = ?", [file_id])


def _file_error(con, report: FileReport, file_id: int, message: str) -> FileReport:
    report.action, report.message = "error", message
    con.execute("update lineage.files set error = ? where file_id = ?", [message, file_id])
    return report


def _is_xlsx(path: Path) -> bool:
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        return True
    with open(path, "rb") as fh:
        return fh.read(4) == b"PK\x03\x04"


def current_files(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """The file versions whose rows are in raw.* now (small: one row per file)."""
    return con.execute(
        "select file_id, path, kind, shape, rows_read, rows_empty from lineage.files where status = 'loaded' order by path"
    ).df()


__all__ = ["FileProblem", "FileReport", "ingest_inbox", "normalise_header"]
