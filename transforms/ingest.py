"""Ingest: find the exports in the inbox, identify them, hash them, load their rows raw.

One folder per input kind (pegawai/, presensi/, skp/, skm/, layanan/); the headers say the
shape (a presensi file is a daily recap or a raw scan log). Headers are matched through
data/reference/column_aliases.csv. Every loaded row keeps _file_id and _row, the line (CSV)
or sheet row (XLSX) a person sees when opening the file. Values stay text here; typing and
judging happen in staging and validation.
"""
from __future__ import annotations

import codecs
import csv
import hashlib
import json
import re
import zipfile
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path

import duckdb
import pandas as pd

from transforms.warehouse import one, scalar

HEADER_SCAN_LINES = 20     # a header further down than this is not a header
XLSX_CHUNK_ROWS = 50_000


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


def ensure_raw_tables(con: duckdb.DuckDBPyConnection, specs: dict[str, list[ColumnSpec]]) -> None:
    for shape, columns in specs.items():
        cols = ", ".join(f'"{c.column}" varchar' for c in columns)
        con.execute(f"create table if not exists raw.{shape} (_file_id integer, _row integer, {cols})")
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

    Returns (shape, header line number, {position: canonical column}, unmatched headers).
    """
    candidates = folder_shapes(specs).get(folder, [])
    best = None  # ((complete, matched count), shape, line, mapping, unmatched, missing)
    for line_no, cells in rows:
        for shape in candidates:
            mapping, unmatched = match_header(cells, specs[shape])
            if len(mapping) < 2:
                continue
            missing = missing_required(mapping, specs[shape])
            score = (not missing, len(mapping))
            if best is None or score > best[0]:
                best = (score, shape, line_no, mapping, unmatched, missing)
        if best is not None:
            break  # the first row that looks like a header is the header
    if best is None:
        expected = ", ".join(s.column for shape in candidates for s in specs[shape] if s.required != "false")
        raise FileProblem(
            f"tidak ditemukan baris judul kolom di {HEADER_SCAN_LINES} baris pertama; "
            f"folder {folder}/ mengharapkan kolom: {expected}"
        )
    _, shape, line_no, mapping, unmatched, missing = best
    if missing:
        raise FileProblem(
            f"kolom wajib tidak ada: {', '.join(missing)} (judul kolom di baris {line_no}); "
            "tambahkan kolom itu atau daftarkan namanya di data/reference/column_aliases.csv"
        )
    return shape, line_no, mapping, unmatched


# ---------------------------------------------------------------- CSV

def sniff_encoding(path: Path) -> str:
    with open(path, "rb") as fh:
        head = fh.read(1 << 20)
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.start < len(head) - 4:  # not just a character cut at the 1 MB boundary
            return "latin-1"
    return "utf-8"


def sniff_delimiter(header_line: str) -> str:
    counts = {d: header_line.count(d) for d in (";", ",", "\t", "|")}
    return max(counts, key=counts.get)


def read_head_lines(path: Path, encoding: str, limit: int = HEADER_SCAN_LINES) -> list[tuple[int, str]]:
    """The first non-blank lines with their line numbers (1-based)."""
    out = []
    with open(path, encoding="utf-8-sig" if encoding == "utf-8" else encoding, errors="replace", newline="") as fh:
        for line_no, line in enumerate(fh, start=1):
            if line.strip():
                out.append((line_no, line.rstrip("\r\n")))
            if len(out) >= limit or line_no > 10 * limit:
                break
    return out


def scan_layout(path: Path, after_line: int) -> tuple[bool, bool]:
    """(has quote characters, has blank lines inside the data) after the header line.

    Without either, record N is line after_line + N and no second pass is needed; blank
    lines at the very end do not matter. One fast pass over the bytes.
    """
    has_quotes = False
    inner_blank = False
    with open(path, "rb") as fh:
        data_started = False
        seen_blank = False
        line_no = 0
        carry = b""
        while block := fh.read(1 << 22):
            has_quotes = has_quotes or b'"' in block
            lines = (carry + block).split(b"\n")
            carry = lines.pop()
            for raw in lines:
                line_no += 1
                if line_no <= after_line:
                    continue
                if raw.strip(b"\r \t"):
                    inner_blank = inner_blank or seen_blank
                    data_started = True
                else:
                    seen_blank = data_started or seen_blank
        if carry.strip(b"\r \t") and seen_blank:
            inner_blank = True
    return has_quotes, inner_blank


def record_lines(path: Path, encoding: str, delimiter: str, after_line: int) -> list[tuple[int, int]]:
    """(physical start line, the reader's line number) of each non-blank record after the header.

    DuckDB numbers lines without counting the newlines inside quoted values, so its line for a
    record after a multi-line value is smaller than the line a person sees; the second number
    is DuckDB's, to match its rejects. Blank lines are skipped by both readers.
    """
    out = []
    embedded = 0  # newlines inside quoted values so far
    with open(path, encoding="utf-8-sig" if encoding == "utf-8" else encoding, errors="replace", newline="") as fh:
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
                out.append((start, start - embedded))
                embedded += sum(field.count("\n") for field in record)
    return out


def load_csv(con: duckdb.DuckDBPyConnection, path: Path, folder: str, specs: dict[str, list[ColumnSpec]]):
    """Read a CSV into the temp table _ingest_tmp (c0, c1, ...); see ingest_file for the rest."""
    encoding = sniff_encoding(path)
    head = read_head_lines(path, encoding)
    if not head:
        raise FileProblem("berkas kosong: tidak ada baris sama sekali")
    rows = []
    for line_no, text in head:
        delim = sniff_delimiter(text)
        rows.append((line_no, next(csv.reader([text], delimiter=delim))))
    shape, header_line, mapping, unmatched = choose_shape(rows, folder, specs)
    header_text = dict(head)[header_line]
    delimiter = sniff_delimiter(header_text)
    header_cells = next(csv.reader([header_text], delimiter=delimiter))
    ncols = len(header_cells)
    col_types = ", ".join(f"'c{i}': 'VARCHAR'" for i in range(ncols))
    has_quotes, inner_blank = scan_layout(path, header_line)
    con.execute("drop table if exists _ingest_tmp")
    con.execute("drop table if exists _ingest_rejects")
    con.execute("drop table if exists _ingest_scan")
    options = (
        f"header=false, skip={header_line}, delim=?, quote='\"', escape='\"', "
        f"columns={{{col_types}}}, null_padding=true, auto_detect=false, "
        f"store_rejects=true, rejects_scan='_ingest_scan', rejects_table='_ingest_rejects', "
        f"encoding='{encoding}', parallel={'false' if has_quotes else 'true'}"
    )  # duckdb cannot pad short rows in parallel when quoted values span lines
    con.execute(f"create temp table _ingest_tmp as select * from read_csv(?, {options})", [str(path), delimiter])
    # one reject per faulty value: one line with two extra fields is still one bad line
    rejects = con.execute(
        "select line, string_agg(distinct error_type || ': ' || error_message, '; '), "
        "any_value(trim(csv_line, chr(10) || chr(13))) from _ingest_rejects group by line order by line"
    ).fetchall()
    # rowid of a table committed outside a transaction is its insertion (= file) order
    if not rejects and not has_quotes and not inner_blank:
        line_sql = f"{header_line} + 1 + t.rowid"
        source = "_ingest_tmp t"
    else:
        records = record_lines(path, encoding, delimiter, header_line)
        physical = {reader_line: start for start, reader_line in records}
        rejected = {r[0] for r in rejects}
        rejects = [(physical.get(line, line), err, text) for line, err, text in rejects]
        starts = [start for start, reader_line in records if reader_line not in rejected]
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
    meta = {"delimiter": delimiter, "encoding": encoding, "header_cells": header_cells,
            "rejects": [(line, f"{err}", text) for line, err, text in rejects]}
    return shape, mapping, unmatched, header_line, source, line_sql, meta


def _bulk_lines(con, starts: list[int]) -> None:
    frame = pd.DataFrame({"ord": range(len(starts)), "line": starts})
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
    all_cells = [f"nullif(trim({prefix}c{pos}), '')" for pos in sorted(mapping)] or ["null"]
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


def load_xlsx(con: duckdb.DuckDBPyConnection, path: Path, folder: str, specs: dict[str, list[ColumnSpec]]):
    """Read the first sheet into the temp table _ingest_tmp (line, c0, c1, ...)."""
    from openpyxl import load_workbook  # small files only: Excel stops at ~1 M rows

    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise FileProblem(f"berkas XLSX tidak dapat dibuka ({type(exc).__name__}); simpan ulang dari Excel") from exc
    sheet = wb.worksheets[0]
    rows_iter = sheet.iter_rows(values_only=True)
    head: list[tuple[int, list[str]]] = []
    buffered: list[tuple[int, tuple]] = []
    for row_no, values in enumerate(rows_iter, start=1):
        buffered.append((row_no, values))
        if any(v is not None and str(v).strip() for v in values):
            head.append((row_no, [_cell_text(v) or "" for v in values]))
        if len(head) >= HEADER_SCAN_LINES:
            break
    if not head:
        raise FileProblem("lembar kerja pertama kosong")
    shape, header_row, mapping, unmatched = choose_shape(head, folder, specs)
    ncols = max(mapping) + 1
    con.execute("drop table if exists _ingest_tmp")
    con.execute(
        "create temp table _ingest_tmp (line integer, "
        + ", ".join(f"c{i} varchar" for i in range(ncols)) + ")"
    )

    def rows():
        for row_no, values in buffered:
            if row_no > header_row:
                yield row_no, values
        for row_no, values in enumerate(rows_iter, start=len(buffered) + 1):
            yield row_no, values

    chunk: list[list] = []
    for row_no, values in rows():
        cells = [_cell_text(v) for v in values[:ncols]]
        cells += [None] * (ncols - len(cells))
        chunk.append([row_no, *cells])
        if len(chunk) >= XLSX_CHUNK_ROWS:
            _append_chunk(con, chunk, ncols)
            chunk = []
    if chunk:
        _append_chunk(con, chunk, ncols)
    wb.close()
    header_cells = [c for _, c in head if _ == header_row][0]
    meta = {"delimiter": None, "encoding": None, "header_cells": header_cells, "rejects": []}
    return shape, mapping, unmatched, header_row, "_ingest_tmp t", "t.line", meta


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


def discover(inbox: Path) -> list[Path]:
    """Every regular file under the inbox, skipping dotfiles and dot-folders, in path order."""
    found = []
    for path in sorted(Path(inbox).rglob("*")):
        rel = path.relative_to(inbox)
        if any(part.startswith((".", "~$")) for part in rel.parts):
            continue
        if path.is_file():
            found.append(path)
    return found


def ingest_inbox(
    con: duckdb.DuckDBPyConnection, inbox: Path, run_id: str | None = None, progress=None
) -> list[FileReport]:
    """Load every new or changed file of the inbox into raw.*; return one report per file."""
    inbox = Path(inbox)
    if not inbox.is_dir():
        raise FileProblem(f"folder inbox tidak ada: {inbox}")
    specs = load_column_specs(con)
    ensure_raw_tables(con, specs)
    kinds = folder_shapes(specs)
    reports = []
    for path in discover(inbox):
        rel = path.relative_to(inbox).as_posix()
        folder = rel.split("/")[0] if "/" in rel else ""
        if folder not in kinds:
            reports.append(FileReport(rel, folder, "ignored", message=(
                f"bukan folder jenis data yang dikenal ({', '.join(sorted(kinds))}); berkas dilewati"
            )))
            continue
        if progress:
            progress(f"membaca {rel}")
        reports.append(ingest_file(con, inbox, path, rel, folder, specs, run_id))
    return reports


def ingest_file(con, inbox: Path, path: Path, rel: str, folder: str, specs, run_id) -> FileReport:
    digest = sha256_of(path)
    current = one(
        con,
        "select file_id, sha256, shape, rows_read, rows_empty, status, error from lineage.files "
        "where path = ? and status <> 'superseded' order by file_id desc limit 1",
        [rel],
    )
    if current and current[1] == digest:
        con.execute("update lineage.files set last_run_id = ? where file_id = ?", [run_id, current[0]])
        if current[5] == "error":  # the same unreadable file again: same answer, no new version
            return FileReport(rel, folder, "error", file_id=current[0], message=current[6])
        return FileReport(rel, folder, "unchanged", file_id=current[0], shape=current[2],
                          rows_read=current[3] or 0, rows_empty=current[4] or 0)
    twin = one(
        con, "select path from lineage.files where sha256 = ? and status = 'loaded' and path <> ?", [digest, rel]
    )
    if twin:
        return FileReport(rel, folder, "duplicate", message=f"isi sama persis dengan {twin[0]}; tidak dimuat dua kali")

    file_id = scalar(con, "select nextval('lineage.file_id_seq')")
    fmt = "xlsx" if _is_xlsx(path) else "csv"
    con.execute(
        "insert into lineage.files (file_id, path, kind, format, sha256, bytes, status, first_run_id, last_run_id) "
        "values (?, ?, ?, ?, ?, ?, 'error', ?, ?)",
        [file_id, rel, folder, fmt, digest, path.stat().st_size, run_id, run_id],
    )
    report = FileReport(rel, folder, "loaded", file_id=file_id)
    loader = load_xlsx if fmt == "xlsx" else load_csv
    try:
        shape, mapping, unmatched, header_row, source, line_sql, meta = loader(con, path, folder, specs)
    except FileProblem as exc:
        return _file_error(con, report, file_id, str(exc))
    except (duckdb.Error, UnicodeError, csv.Error) as exc:
        first = str(exc).strip().splitlines()[0][:300]
        return _file_error(con, report, file_id, f"berkas tidak dapat dibaca: {first}")
    except OSError:
        # transient (disk, network share): forget this attempt so a retry starts clean
        con.execute("delete from lineage.files where file_id = ?", [file_id])
        raise

    header_cells = meta["header_cells"]
    columns = {header_cells[pos]: canonical for pos, canonical in mapping.items()}
    rejects = meta["rejects"]
    con.execute("begin transaction")
    empty, loaded = _insert_raw(con, shape, specs, file_id, mapping, source, line_sql)
    if rejects:
        con.executemany("insert into raw._rejects values (?, ?, ?, ?)", [[file_id, *r] for r in rejects])
    rows_read = loaded + len(rejects)
    if current:  # same path, new content: a correction supersedes the earlier version
        if current[5] == "loaded":
            con.execute(f"delete from raw.{current[2]} where _file_id = ?", [current[0]])
            con.execute("delete from raw._rejects where _file_id = ?", [current[0]])
        con.execute("update lineage.files set status = 'superseded', superseded_by = ? where file_id = ?",
                    [file_id, current[0]])
        report.superseded = current[0]
    con.execute(
        "update lineage.files set shape = ?, delimiter = ?, header_row = ?, columns = ?, ignored_columns = ?, "
        "rows_read = ?, rows_empty = ?, status = 'loaded', error = null where file_id = ?",
        [shape, meta.get("delimiter"), header_row, json.dumps(columns), json.dumps(unmatched),
         rows_read, empty, file_id],
    )
    con.execute("commit")
    for table in ("_ingest_tmp", "_ingest_lines", "_ingest_rejects", "_ingest_scan"):
        con.execute(f"drop table if exists {table}")
    report.shape, report.rows_read, report.rows_empty = shape, rows_read, empty
    if unmatched:
        report.warnings.append("kolom tidak dikenal diabaikan: " + ", ".join(unmatched))
    if meta.get("encoding") == "latin-1":
        report.warnings.append("berkas bukan UTF-8; dibaca sebagai Latin-1/Windows-1252")
    return report


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
