"""Loading the inbox: each new or changed file read by its reader into raw.<shape>, versioned in lineage.files."""
from __future__ import annotations

import csv
import json
from pathlib import Path

import duckdb

from transforms.warehouse import one, scalar
from transforms.ingest.attlog import is_attlog, layout, load_attlog
from transforms.ingest.csv_layout import load_csv
from transforms.ingest.files import sha256_of, survey_inbox
from transforms.ingest.headers import (ColumnSpec, date_order_problem, folder_shapes, load_column_specs,
                                       load_personal_columns)
from transforms.ingest.records import SHEET_ROW_STRIDE, FileProblem, FileReport
from transforms.ingest.units import name_filled_column, unit_from_names
from transforms.ingest.versions import InboxVersions
from transforms.ingest.withdraw import withdraw_vanished
from transforms.ingest.xlsx import _is_xls, _is_xlsx, load_xls, load_xlsx


BLANK_SQL = "' ' || chr(9) || chr(10) || chr(13) || chr(160)"   # what a blank cell may hold


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


def ingest_inbox(
    con: duckdb.DuckDBPyConnection, inbox: Path, run_id: str | None = None, progress=None,
    withdraw_many: bool = False, cache=None,
) -> list[FileReport]:
    """Load every new or changed file of the inbox into raw.*, withdraw the loaded files that left
    it (transforms/ingest/withdraw.py); return one report per file. `cache`, an IngestCache
    (transforms/ingest/replay.py), replays files read before with the same bytes."""
    inbox = Path(inbox)
    if not inbox.is_dir():
        raise FileProblem(f"folder inbox tidak ada: {inbox}")
    specs = load_column_specs(con)
    personal = load_personal_columns(con)
    ensure_raw_tables(con, specs)
    kinds = folder_shapes(specs)
    reports = []
    entries = survey_inbox(inbox)
    vanished = withdraw_vanished(con, {e.rel for e in entries}, run_id, withdraw_many)
    versions = InboxVersions(con)   # after the withdrawals: one query for the whole inbox
    for entry in entries:
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
        report = ingest_file(con, inbox, path, rel, folder, specs, run_id, personal.get(folder, []), cache, versions)
        if cache is not None and report.file_id is not None and report.superseded is None:
            cache.keep(con, report)
        reports.append(report)
    reports.extend(vanished)
    return reports


UNREADABLE = {
    FileNotFoundError: "berkas hilang saat dibaca (dipindah atau dihapus selama run); jalankan ulang setelah berkasnya lengkap",
    PermissionError: "tidak ada izin membaca berkas; periksa hak akses berkas lalu jalankan ulang",
    IsADirectoryError: "berkas berubah menjadi folder saat dibaca; jalankan ulang",
}


def ingest_file(con, inbox: Path, path: Path, rel: str, folder: str, specs, run_id,
                personal: list | None = None, cache=None, versions: InboxVersions | None = None) -> FileReport:
    try:
        digest = sha256_of(path)
        size = path.stat().st_size
        fmt = "xls" if _is_xls(path) else "xlsx" if _is_xlsx(path) else "csv"
        if fmt == "csv" and folder == "presensi" and is_attlog(path, layout(con)):
            fmt = "attlog"   # a fingerprint machine's raw log: no header (transforms/ingest/attlog.py)
    except (FileNotFoundError, PermissionError, IsADirectoryError) as exc:
        # nothing was read, nothing is recorded: the next run looks again
        return FileReport(rel, folder, "error", message=UNREADABLE[type(exc)])
    except FileProblem as exc:   # a broken pattern in data/reference/attlog_layout.csv
        return FileReport(rel, folder, "error", message=str(exc))
    current = versions.current(rel) if versions is not None else one(
        con,
        "select file_id, sha256, shape, rows_read, rows_empty, status, error from lineage.files "
        "where path = ? and status not in ('superseded', 'withdrawn') order by file_id desc limit 1",
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
        twin = (versions.twin(digest, rel),) if versions is not None else one(
            con, "select path from lineage.files where sha256 = ? and status = 'loaded' and path <> ? "
                 "order by file_id limit 1", [digest, rel]
        )
        if twin and twin[0]:
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
    if cache is not None and current is None:
        replayed = cache.replay(con, file_id)
        if replayed is not None:
            if versions is not None and replayed.action == "loaded":
                versions.loaded(rel, digest, file_id, None)
            return replayed
    report = FileReport(rel, folder, "loaded", file_id=file_id)
    loader = {"xlsx": load_xlsx, "xls": load_xls}.get(fmt, load_csv)
    if fmt == "attlog":
        def loader(con, path, folder, specs, personal):
            return load_attlog(con, path, folder, specs, personal, rel=rel)
    try:
        try:
            read = loader(con, path, folder, specs, personal)
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

        shape, mapping, meta = read.shape, read.mapping, read.meta
        header_cells = meta["header_cells"]
        columns = {header_cells[pos]: canonical for pos, canonical in mapping.items()}
        rejects = meta["rejects"]
        private = meta.get("personal", [])
        dates = date_order_problem(con, shape, mapping, header_cells, read.source_sql, read.line_sql,
                                   [s.name for s in read.sheets])
        if dates:
            return _file_error(con, report, file_id, dates)
        unit_column, units = name_filled_column(con, shape), []
        if unit_column and unit_column not in mapping.values():
            try:
                units = _units_by_sheet(con, path, read, unit_column)
            except FileProblem as exc:
                return _file_error(con, report, file_id, str(exc))
        con.execute("begin transaction")
        try:
            empty, loaded = _insert_raw(con, shape, specs, file_id, mapping, read.source_sql, read.line_sql)
            empty += meta.get("extra_empty", 0)
            for sheet, unit in units:   # per sheet: its rows are those of its row keys
                con.execute(f'update raw.{shape} set "{unit_column}" = ? where _file_id = ?'
                            + ("" if sheet is None else f" and _row // {SHEET_ROW_STRIDE} = {sheet.position}"),
                            [unit, file_id])
            if len(read.sheets) > 1:
                meta.setdefault("warnings", []).append(_rows_by_sheet(con, shape, file_id, read.sheets))
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
                "sheets = ?, rows_read = ?, rows_empty = ?, status = 'loaded', error = null, last_run_id = ? "
                "where file_id = ?",
                [shape, meta.get("delimiter"), read.header_line, json.dumps(columns), json.dumps(read.unmatched + private),
                 [s.name for s in read.sheets] or None, rows_read, empty, run_id, file_id],
            )
            con.execute("commit")
        except BaseException:
            con.execute("rollback")
            raise
        if versions is not None:
            versions.loaded(rel, digest, file_id, current if current and not again else None)
    finally:
        for table in ("_ingest_tmp", "_ingest_lines", "_ingest_rejects", "_ingest_scan"):
            con.execute(f"drop table if exists {table}")
    report.shape, report.rows_read, report.rows_empty = shape, rows_read, empty
    if private:
        report.warnings.append(
            "kolom data pribadi dibuang: " + ", ".join(private)
            + " (isinya tidak dibaca ke gudang data; responden survei tidak boleh dikenali)"
        )
    if read.unmatched:
        report.warnings.append("kolom tidak dikenal diabaikan: " + ", ".join(read.unmatched))
    if meta.get("encoding") == "cp1252":
        report.warnings.append("berkas bukan UTF-8; karakter non-UTF-8 dibaca sebagai Windows-1252 (Latin-1)")
    report.warnings.extend(meta.get("warnings", []))
    if rows_read == 0:
        report.warnings.append("berkas hanya berisi judul kolom; tidak ada baris data")
    return report


def _units_by_sheet(con, path: Path, read, unit_column: str) -> list[tuple]:
    """[(sheet or None for the whole file, unit)] for a file of one unit per sheet or per file with no
    unit column: each sheet's unit from the file name, else its sheet name, else its title
    (transforms/ingest/units.py); the messages saying where each came from go to the warnings."""
    units, warnings = [], read.meta.setdefault("warnings", [])
    for sheet in read.sheets or (None,):
        sources = [("nama berkas", path.stem), ("nama lembar", sheet and sheet.name),
                   ("judul", sheet.title if sheet else read.meta.get("title"))]
        unit, said = unit_from_names(con, sources, unit_column)
        units.append((sheet, unit))
        if said not in warnings:
            warnings.append(said)
    return units


def _rows_by_sheet(con, shape: str, file_id: int, sheets) -> str:
    """'baris data per lembar: 'Pager' 3, 'Sua' 2' (non-empty rows of each sheet read)."""
    counts = dict(con.execute(f"select _row // {SHEET_ROW_STRIDE}, count(*) from raw.{shape} where _file_id = ? "
                              "group by all", [file_id]).fetchall())
    return "baris data per lembar: " + ", ".join(f"'{s.name}' {counts.get(s.position, 0)}" for s in sheets)


def _forget(con, file_id: int, again: bool) -> None:
    """An attempt that read nothing (file gone, no permission, I/O error) leaves no version behind."""
    if not again:
        con.execute("delete from lineage.files where file_id = ?", [file_id])


def _file_error(con, report: FileReport, file_id: int, message: str) -> FileReport:
    report.action, report.message = "error", message
    con.execute("update lineage.files set error = ? where file_id = ?", [message, file_id])
    return report
