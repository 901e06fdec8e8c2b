"""Reference tables (rules as data): every CSV in data/reference/ becomes ref.<name>.

Before anything is replaced, every table is read (a file that is no plain CSV is named here) and
checked by its Great Expectations suite, generated from reference_tables.csv
(expectations/reference.py); a broken table raises ReferenceTableError. Each load records the
file's sha256 in lineage.reference_tables, so a number can be traced to the version of the rule
that produced it, and the suites' results and sha256 beside the input suites'.
"""
from __future__ import annotations

import csv
import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from expectations.reference import (  # CHECKS_TABLE: what each table must hold (columns, keys, bands)
    CHECKS_TABLE, combined_frame, failure_messages, frame_sql, parse_rules, reference_suite, run_suites, suite_text)

DEFAULT_REFERENCE_DIR = Path(__file__).resolve().parent.parent / "data" / "reference"
# plain CSV, read the same way every time: DuckDB's sniffer takes a ragged or half-quoted file for
# another dialect and loads it quietly; `#` starts no comment here
READ_OPTIONS = "header=true, all_varchar=true, delim=',', quote='\"', escape='\"', strict_mode=true, comment=''"


class ReferenceTableError(Exception):
    """A broken reference table: the run stops before anything is computed from it (the commands
    exit 1 with the problems, like input that fails validation)."""

    def __init__(self, problems: list[str]):
        super().__init__(problems)
        self.problems = problems

    def __str__(self) -> str:
        return "tabel referensi rusak:\n" + "\n".join(f"- {p}" for p in self.problems)


def _read(path: Path) -> tuple[list[str], list[dict]]:
    with open(path, newline="", encoding="utf-8-sig") as fh:
        reader = csv.DictReader(fh)
        return list(reader.fieldnames or []), list(reader)


@dataclass
class Checked:
    """What checking a reference folder found: problems (empty: loadable), the GX results of each
    table's suite, the suites themselves, and the tables read (temp tables of the connection)."""
    problems: list[str]
    results: list = field(default_factory=list)           # expectations.reference.SuiteResult
    suites: dict[str, dict] = field(default_factory=dict)  # table -> GX suite
    staged: dict[str, str] = field(default_factory=dict)   # table -> temp table holding the file, with _row
    digests: dict[str, str] = field(default_factory=dict)  # table -> sha256 of the file


def check_reference_dir(reference_dir: Path) -> list[str]:
    """Problems of the reference tables, each naming the file, the row and what to fix.

    The rules per table are in reference_tables.csv; they run as Great Expectations suites
    (expectations/reference.py): required columns, unique keys, numbers, bands contiguous and
    non-overlapping within each group (next lower bound = previous upper bound + the table's
    resolution; 0 for half-open bands [lower, upper))."""
    con = duckdb.connect()
    try:
        return check_reference_tables(con, Path(reference_dir)).problems
    finally:
        con.close()


def check_reference_tables(con: duckdb.DuckDBPyConnection, reference_dir: Path) -> Checked:
    """Read every table of the folder into a temp table of `con` and run the reference suites.

    What cannot be read as a CSV (a `;` delimiter, a missing table, a broken file) is reported
    before Great Expectations runs, as GX needs the tables read."""
    problems: list[str] = []
    paths = sorted(reference_dir.glob("*.csv"))
    for path in paths:
        with open(path, encoding="utf-8-sig", errors="replace") as fh:
            header = fh.readline()
        if ";" in header and "," not in header:
            problems.append(f"{path}: baris 1 dipisah titik koma (;); simpan ulang sebagai CSV dengan pemisah koma (,)")
    spec_path = reference_dir / CHECKS_TABLE
    if not spec_path.exists():
        return Checked(problems + [f"{spec_path}: tabel aturan pemeriksaan referensi tidak ada; "
                                   f"salin dari data/reference/{CHECKS_TABLE}"])
    if problems:
        return Checked(problems)
    rules, problems = parse_rules(spec_path, *_read(spec_path))
    for spec in rules:
        path = reference_dir / f"{spec.name}.csv"
        if not path.exists():
            problems.append(f"{path}: tabel referensi tidak ada; salin dari data/reference/{path.name} lalu sesuaikan")
    checked = Checked(problems)
    for path in paths:
        staged = f"_pantau_ref_{len(checked.staged)}"
        try:
            # all_varchar keeps codes like "01" intact; SQL models cast what they need. The row
            # number is the line in the file (header = line 1).
            con.execute(f"create or replace temp table {staged} as select (row_number() over () + 1)::bigint as _row, * "
                        f"from read_csv(?, {READ_OPTIONS})", [str(path)])
        except duckdb.Error:
            checked.problems.append(_unreadable(path))
            continue
        checked.staged[path.stem] = staged
        checked.digests[path.stem] = sha256_file(path)
    if checked.problems:
        drop_staged(con, checked)
        return checked
    _run_suites(con, reference_dir, rules, checked)
    return checked


def _unreadable(path: Path) -> str:
    """Why DuckDB could not read a table as CSV, with the first line that breaks it."""
    fix = "simpan ulang sebagai CSV UTF-8 dengan pemisah koma (,), judul kolom di baris 1"
    line = 1   # where the record being read starts (a quoted field may span lines)
    try:
        with open(path, newline="", encoding="utf-8-sig") as fh:
            reader = csv.reader(fh, strict=True)
            header = next(reader, None)
            line = reader.line_num + 1
            for row in reader:
                if row and len(row) != len(header or []):
                    return (f"{path}: baris {line}: {len(row)} kolom, judul di baris 1 punya "
                            f"{len(header or [])}; perbaiki baris itu ({fix})")
                line = reader.line_num + 1
    except UnicodeDecodeError:
        return f"{path}: bukan teks UTF-8; {fix}"
    except csv.Error as exc:
        return f"{path}: baris {line}: tanda kutip tidak tertutup atau salah tempat ({exc}); {fix}"
    return f"{path}: tidak dapat dibaca sebagai CSV; {fix}"


def _run_suites(con, reference_dir: Path, rules: list, checked: Checked) -> None:
    """The GX suite of every table reference_tables.csv names, in one batch (memoised per
    process on the sha256 of the files: the tests load the same folder hundreds of times)."""
    by_name = {r.name: r for r in rules}
    checked.suites = {r.name: reference_suite(r) for r in rules}
    key = (json.dumps(checked.suites, sort_keys=True), tuple(sorted(checked.digests.items())), str(reference_dir))
    if key not in _CHECKED:
        parts, rows = [], {}
        for r in rules:
            staged = checked.staged[r.name]
            present = [d[0] for d in con.execute(f"select * from {staged} limit 0").description if d[0] != "_row"]
            parts.append(frame_sql(r, staged, present))
            rows[r.name] = con.execute(f"select count(*) from {staged}").fetchone()[0]
        frame = combined_frame(con, parts)
        results = run_suites(frame, checked.suites, rows)
        paths = {r.name: str(reference_dir / f"{r.name}.csv") for r in rules}
        _CHECKED[key] = (failure_messages(results, by_name, frame, paths), results)
    found, checked.results = _CHECKED[key]
    checked.problems.extend(found)


_CHECKED: dict[tuple, tuple[list[str], list]] = {}


def drop_staged(con, checked: Checked) -> None:
    for staged in checked.staged.values():
        con.execute(f"drop table if exists {staged}")


def sha256_file(path: Path, chunk: int = 1 << 20) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        while block := fh.read(chunk):
            digest.update(block)
    return digest.hexdigest()


def load_reference_tables(
    con: duckdb.DuckDBPyConnection, reference_dir: Path = DEFAULT_REFERENCE_DIR, run_id: str | None = None
) -> dict[str, str]:
    """Replace ref.* with the tables in reference_dir; return {name: sha256}.

    The reference suites run first (their results go to lineage.validation_results as shape
    `ref.<table>`, the suites to lineage.suites); a broken table raises ReferenceTableError
    before any table is replaced."""
    reference_dir = Path(reference_dir)
    checked = check_reference_tables(con, reference_dir)
    try:
        if checked.suites:
            _record(con, checked, reference_dir, run_id)
        if checked.problems:
            raise ReferenceTableError(checked.problems)
        versions: dict[str, str] = {}
        for path in sorted(reference_dir.glob("*.csv")):
            name = path.stem
            con.execute(f"create or replace table ref.{name} as select * exclude (_row) from {checked.staged[name]}")
            rows = con.execute(f"select count(*) from ref.{name}").fetchone()[0]
            con.execute(
                "insert into lineage.reference_tables (name, path, sha256, rows, run_id) values (?, ?, ?, ?, ?)",
                [name, str(path), checked.digests[name], rows, run_id],
            )
            versions[name] = checked.digests[name]
        return versions
    finally:
        drop_staged(con, checked)


def _record(con, checked: Checked, reference_dir: Path, run_id: str | None) -> None:
    """The reference suites beside the input suites: results in lineage.validation_results,
    each suite's JSON and sha256 in lineage.suites."""
    from expectations.validate import record_results, record_suites  # lazy: pandas, sqlglot

    record_suites(con, run_id, [(doc["name"], "referensi", suite_text(doc), str(reference_dir / CHECKS_TABLE))
                                for doc in checked.suites.values()])
    record_results(con, [
        (run_id, f"ref.{r.table}", None, f"ref.{r.table}/{r.position}", r.expectation, r.rule, r.column, "critical",
         r.rows, len(r.missing) if r.missing else len(r.hits), r.success) for r in checked.results])
