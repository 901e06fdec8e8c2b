"""Reference tables (rules as data): every CSV in data/reference/ becomes ref.<name>.

Each load records the file's sha256 in lineage.reference_tables, so a number can be
traced to the version of the rule that produced it.
"""
from __future__ import annotations

import csv
import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

DEFAULT_REFERENCE_DIR = Path(__file__).resolve().parent.parent / "data" / "reference"
CHECKS_TABLE = "reference_tables.csv"   # what each table must hold: columns, keys, bands


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
    from expectations.reference import parse_rules

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
                        "from read_csv(?, header=true, all_varchar=true, auto_detect=true)", [str(path)])
        except duckdb.Error as exc:
            first = (str(exc).strip().splitlines() or ["?"])[0][:200]
            checked.problems.append(f"{path}: tidak dapat dibaca sebagai CSV ({first}); simpan ulang sebagai CSV "
                                    "UTF-8 dengan pemisah koma (,) dan judul kolom di baris 1")
            continue
        checked.staged[path.stem] = staged
        checked.digests[path.stem] = sha256_file(path)
    if checked.problems:
        drop_staged(con, checked)
        return checked
    _run_suites(con, reference_dir, rules, checked)
    return checked


def _run_suites(con, reference_dir: Path, rules: list, checked: Checked) -> None:
    """The GX suite of every table reference_tables.csv names, in one batch (memoised per
    process on the sha256 of the files: the tests load the same folder hundreds of times)."""
    from expectations.reference import combined_frame, frame_sql, problems, reference_suite, run_suites

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
        _CHECKED[key] = (problems(results, by_name, frame, paths), results)
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
    from expectations.reference import suite_text
    from expectations.validate import record_suites, record_results

    record_suites(con, run_id, [(doc["name"], "referensi", suite_text(doc), str(reference_dir / CHECKS_TABLE))
                                for doc in checked.suites.values()])
    record_results(con, [
        (run_id, f"ref.{r.table}", None, f"ref.{r.table}/{r.position}", r.expectation, r.rule, r.column, "critical",
         r.rows, len(r.missing) if r.missing else len(r.hits), r.success) for r in checked.results])
