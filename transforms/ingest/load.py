"""Loading the inbox: each new or changed file read by its reader into raw.<shape>, versioned in lineage.files.

ingest_file goes in named steps: detect the file (sha256, format), compare it with the versions
lineage.files holds (unchanged, a duplicate, a correction), register the new version, read it,
judge it as a whole, store it (store.py) and say what it found (the report's warnings)."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import NamedTuple

import duckdb

from transforms.ingest.attlog import is_attlog, layout, load_attlog
from transforms.ingest.csv_layout import load_csv
from transforms.ingest.files import sha256_of, survey_inbox
from transforms.ingest.headers import date_order_problem, folder_shapes, load_column_specs, load_personal_columns
from transforms.ingest.records import FileProblem, FileReport, ReadResult
from transforms.ingest.store import SheetUnit, ensure_raw_tables, store_version, units_by_sheet
from transforms.ingest.units import name_filled_column
from transforms.ingest.versions import VERSION_COLUMNS, InboxVersions, Version
from transforms.ingest.withdraw import withdraw_vanished
from transforms.ingest.xlsx import _is_xls, _is_xlsx, load_xls, load_xlsx
from transforms.warehouse import one, scalar

__all__ = ["ensure_raw_tables", "ingest_file", "ingest_inbox"]  # ensure_raw_tables lives in store.py


def ingest_inbox(
    con: duckdb.DuckDBPyConnection,
    inbox: Path,
    run_id: str | None = None,
    progress=None,
    withdraw_many: bool = False,
    cache=None,
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
    versions = InboxVersions(con)  # after the withdrawals: one query for the whole inbox
    for entry in entries:
        rel, path = entry.rel, entry.path
        folder = rel.split("/")[0] if "/" in rel else ""
        if entry.action is not None:
            reports.append(FileReport(rel, folder, entry.action, message=entry.message))
            continue
        if folder not in kinds:
            reports.append(
                FileReport(
                    rel,
                    folder,
                    "ignored",
                    message=(f"bukan folder jenis data yang dikenal ({', '.join(sorted(kinds))}); berkas dilewati"),
                )
            )
            continue
        if progress:
            progress(f"membaca {rel}")
        report = ingest_file(
            con,
            inbox,
            path,
            rel,
            folder,
            specs,
            run_id,
            personal=personal.get(folder, []),
            cache=cache,
            versions=versions,
        )
        if cache is not None and report.file_id is not None and report.superseded is None:
            cache.keep(con, report)
        reports.append(report)
    reports.extend(vanished)
    return reports


UNREADABLE = {
    FileNotFoundError: "berkas hilang saat dibaca (dipindah atau dihapus selama run); "
    "jalankan ulang setelah berkasnya lengkap",
    PermissionError: "tidak ada izin membaca berkas; periksa hak akses berkas lalu jalankan ulang",
    IsADirectoryError: "berkas berubah menjadi folder saat dibaca; jalankan ulang",
}
_UNREADABLE = tuple(UNREADABLE)
TEMP_TABLES = ("_ingest_tmp", "_ingest_lines", "_ingest_rejects", "_ingest_scan")  # what the readers leave


class Detected(NamedTuple):
    """What a file is before it is read: the sha256 of its bytes, its size, the reader it needs."""

    digest: str
    size: int
    fmt: str  # csv | xlsx | xls | attlog


class _Attempt(NamedTuple):
    """A version being read; its lineage.files row (status 'error' until it loads) exists."""

    rel: str
    folder: str
    path: Path
    file_id: int
    again: bool  # the same content failed before: its row is judged again
    replaces: Version | None  # same path, other content: the version this one supersedes


def ingest_file(
    con,
    inbox: Path,
    path: Path,
    rel: str,
    folder: str,
    specs,
    run_id,
    personal: list | None = None,
    cache=None,
    versions: InboxVersions | None = None,
) -> FileReport:
    """One file of the inbox: detected, compared with the versions lineage.files holds (unchanged,
    a duplicate of another path, a correction), registered, read by its reader, stored in raw.*."""
    found = _detect(con, path, rel, folder)
    if isinstance(found, FileReport):
        return found
    current = _current_version(con, rel, versions)
    known = _known_content(con, found, rel=rel, folder=folder, current=current, run_id=run_id, versions=versions)
    if known is not None:
        return known
    # the same content failed before: judge it again (aliases may have been added since)
    again = current is not None and current.sha256 == found.digest
    file_id = current.file_id if again else _register(con, found, rel=rel, folder=folder, run_id=run_id)
    if cache is not None and current is None:
        replayed = cache.replay(con, file_id)
        if replayed is not None:
            if versions is not None and replayed.action == "loaded":
                versions.loaded(rel, found.digest, file_id, None)
            return replayed
    attempt = _Attempt(rel, folder, path, file_id, again, None if again else current)
    report = FileReport(rel, folder, "loaded", file_id=file_id)
    try:
        read = _read(con, attempt, found.fmt, specs, personal, report)
        if isinstance(read, FileReport):
            return read
        stored = _judge_and_store(con, attempt, read, specs, run_id, report)
        if isinstance(stored, FileReport):
            return stored
        if versions is not None:
            versions.loaded(rel, found.digest, file_id, attempt.replaces)
    finally:
        for table in TEMP_TABLES:
            con.execute(f"drop table if exists {table}")
    report.shape, report.rows_read, report.rows_empty = read.shape, stored.rows_read, stored.rows_empty
    _add_warnings(report, read, stored.rows_read)
    return report


def _detect(con, path: Path, rel: str, folder: str) -> Detected | FileReport:
    """The file's sha256, size and format; an error report when it cannot be opened."""
    try:
        digest = sha256_of(path)
        size = path.stat().st_size
        fmt = "xls" if _is_xls(path) else "xlsx" if _is_xlsx(path) else "csv"
        if fmt == "csv" and folder == "presensi" and is_attlog(path, layout(con)):
            fmt = "attlog"  # a fingerprint machine's raw log: no header (transforms/ingest/attlog.py)
    except _UNREADABLE as exc:
        # nothing was read, nothing is recorded: the next run looks again
        return FileReport(rel, folder, "error", message=UNREADABLE[type(exc)])
    except FileProblem as exc:  # a broken pattern in data/reference/attlog_layout.csv
        return FileReport(rel, folder, "error", message=str(exc))
    return Detected(digest, size, fmt)


def _current_version(con, rel: str, versions: InboxVersions | None) -> Version | None:
    if versions is not None:
        return versions.current(rel)
    row = one(
        con,
        f"select {VERSION_COLUMNS} from lineage.files "
        "where path = ? and status not in ('superseded', 'withdrawn') order by file_id desc limit 1",
        [rel],
    )
    return Version(*row) if row else None


def _twin(con, digest: str, rel: str, versions: InboxVersions | None) -> str | None:
    """Another path loaded with these bytes (the first loaded), or None."""
    if versions is not None:
        return versions.twin(digest, rel)
    row = one(
        con,
        "select path from lineage.files where sha256 = ? and status = 'loaded' and path <> ? order by file_id limit 1",
        [digest, rel],
    )
    return row[0] if row else None


def _known_content(
    con, found: Detected, *, rel: str, folder: str, current: Version | None, run_id, versions: InboxVersions | None
) -> FileReport | None:
    """'unchanged' for the bytes the path's current version holds, 'duplicate' for bytes another
    path loaded; None when the file is to be read (a version that failed before included)."""
    if current is not None and current.sha256 == found.digest:
        con.execute("update lineage.files set last_run_id = ? where file_id = ?", [run_id, current.file_id])
        if current.status == "error":
            return None
        return FileReport(
            rel,
            folder,
            "unchanged",
            file_id=current.file_id,
            shape=current.shape,
            rows_read=current.rows_read or 0,
            rows_empty=current.rows_empty or 0,
        )
    twin = _twin(con, found.digest, rel, versions)
    if twin:
        return FileReport(rel, folder, "duplicate", message=f"isi sama persis dengan {twin}; tidak dimuat dua kali")
    return None


def _register(con, found: Detected, *, rel: str, folder: str, run_id) -> int:
    """A new version in lineage.files, status 'error' until its rows are loaded; its file_id."""
    file_id = scalar(con, "select nextval('lineage.file_id_seq')")
    con.execute(
        "insert into lineage.files (file_id, path, kind, format, sha256, bytes, status, first_run_id, last_run_id) "
        "values (?, ?, ?, ?, ?, ?, 'error', ?, ?)",
        [file_id, rel, folder, found.fmt, found.digest, found.size, run_id, run_id],
    )
    return file_id


def _reader(fmt: str, rel: str):
    """The reader of a format, called (con, path, folder, specs, personal)."""
    if fmt == "attlog":

        def read_attlog(con, path, folder, specs, personal):
            return load_attlog(con, path, folder, specs, personal, rel=rel)

        return read_attlog
    return {"xlsx": load_xlsx, "xls": load_xls}.get(fmt, load_csv)


def _read(
    con, attempt: _Attempt, fmt: str, specs, personal: list | None, report: FileReport
) -> ReadResult | FileReport:
    """The file read into _ingest_tmp by its reader; an error report when it cannot be read (an
    attempt that read nothing because the file left or cannot be opened leaves no version behind)."""
    try:
        return _reader(fmt, attempt.rel)(con, attempt.path, attempt.folder, specs, personal)
    except FileProblem as exc:
        return _file_error(con, report, attempt.file_id, str(exc))
    except _UNREADABLE as exc:
        return _unreadable(con, report, attempt, UNREADABLE[type(exc)])
    except duckdb.IOException as exc:
        if not attempt.path.exists():
            return _unreadable(con, report, attempt, UNREADABLE[FileNotFoundError])
        return _file_error(con, report, attempt.file_id, f"berkas tidak dapat dibaca: {_first_line(exc)}")
    except (duckdb.Error, UnicodeError, csv.Error) as exc:
        return _file_error(con, report, attempt.file_id, f"berkas tidak dapat dibaca: {_first_line(exc)}")
    except OSError:
        # transient (disk, network share): forget this attempt so a retry starts clean
        _forget(con, attempt.file_id, attempt.again)
        raise


def _judge_and_store(con, attempt: _Attempt, read: ReadResult, specs, run_id, report: FileReport):
    """The rows read judged as a whole (dates in one order, a unit named where the file has no unit
    column), then stored (store.py); an error report for a file judged wrong."""
    dates = date_order_problem(
        con,
        read.shape,
        read.mapping,
        read.meta["header_cells"],
        read.source_sql,
        read.line_sql,
        [s.name for s in read.sheets],
    )
    if dates:
        return _file_error(con, report, attempt.file_id, dates)
    unit_column = name_filled_column(con, read.shape)
    units: list[SheetUnit] = []
    if unit_column and unit_column not in read.mapping.values():
        try:
            units = units_by_sheet(con, attempt.path, read, unit_column)
        except FileProblem as exc:
            return _file_error(con, report, attempt.file_id, str(exc))
    return store_version(
        con,
        read,
        specs,
        file_id=attempt.file_id,
        run_id=run_id,
        unit_column=unit_column,
        units=units,
        replaces=attempt.replaces,
        report=report,
    )


def _add_warnings(report: FileReport, read: ReadResult, rows_read: int) -> None:
    private = read.meta.get("personal", [])
    if private:
        report.warnings.append(
            "kolom data pribadi dibuang: "
            + ", ".join(private)
            + " (isinya tidak dibaca ke gudang data; responden survei tidak boleh dikenali)"
        )
    if read.unmatched:
        report.warnings.append("kolom tidak dikenal diabaikan: " + ", ".join(read.unmatched))
    if read.meta.get("encoding") == "cp1252":
        report.warnings.append("berkas bukan UTF-8; karakter non-UTF-8 dibaca sebagai Windows-1252 (Latin-1)")
    report.warnings.extend(read.meta.get("warnings", []))
    if rows_read == 0:
        report.warnings.append("berkas hanya berisi judul kolom; tidak ada baris data")


def _first_line(exc: Exception) -> str:
    return str(exc).strip().splitlines()[0][:300]


def _forget(con, file_id: int, again: bool) -> None:
    """An attempt that read nothing (file gone, no permission, I/O error) leaves no version behind."""
    if not again:
        con.execute("delete from lineage.files where file_id = ?", [file_id])


def _unreadable(con, report: FileReport, attempt: _Attempt, message: str) -> FileReport:
    _forget(con, attempt.file_id, attempt.again)
    report.action, report.message, report.file_id = "error", message, None
    return report


def _file_error(con, report: FileReport, file_id: int, message: str) -> FileReport:
    report.action, report.message = "error", message
    con.execute("update lineage.files set error = ? where file_id = ?", [message, file_id])
    return report
