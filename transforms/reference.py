"""Reference tables (rules as data): every CSV in data/reference/ becomes ref.<name>.

The loading half: read every table of a folder into temp tables (a file that is no plain CSV, a
missing table, a `;` delimiter are named here), then replace ref.* from them and record each
file's sha256 in lineage.reference_tables, so a number can be traced to the version of the rule
that produced it. The checks between the two are Great Expectations suites
(expectations/reference.py, whose load_reference_tables is the one to call).
"""

from __future__ import annotations

import csv
import hashlib
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

DEFAULT_REFERENCE_DIR = Path(__file__).resolve().parent.parent / "data" / "reference"
CHECKS_TABLE = "reference_tables.csv"  # what each table must hold: columns, keys, bands
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


def read_csv_records(path: Path) -> tuple[list[str], list[dict]]:
    """(header, rows) of a small CSV read in Python (reference_tables.csv, before any suite exists)."""
    with open(path, newline="", encoding="utf-8-sig") as fh:
        reader = csv.DictReader(fh)
        return list(reader.fieldnames or []), list(reader)


@dataclass
class Staged:
    """A reference folder read into temp tables of one connection, not loaded yet."""

    reference_dir: Path
    problems: list[str]  # what keeps it from being read
    tables: dict[str, str] = field(default_factory=dict)  # table -> temp table holding the file, with _row
    digests: dict[str, str] = field(default_factory=dict)  # table -> sha256 of the file


def stage_reference_tables(con: duckdb.DuckDBPyConnection, reference_dir: Path, required: list[str]) -> Staged:
    """Read every table of the folder into a temp table of `con` (`_row`: the line, header = 1).

    `required`: the tables reference_tables.csv names (each must exist). What cannot be read as
    CSV is named with its line and the fix."""
    reference_dir = Path(reference_dir)
    problems: list[str] = []
    paths = sorted(reference_dir.glob("*.csv"))
    for path in paths:
        with open(path, encoding="utf-8-sig", errors="replace") as fh:
            header = fh.readline()
        if ";" in header and "," not in header:
            problems.append(f"{path}: baris 1 dipisah titik koma (;); simpan ulang sebagai CSV dengan pemisah koma (,)")
    for name in required:
        path = reference_dir / f"{name}.csv"
        if not path.exists():
            problems.append(f"{path}: tabel referensi tidak ada; salin dari data/reference/{path.name} lalu sesuaikan")
    staged = Staged(reference_dir, problems)
    if problems:
        return staged
    for path in paths:
        table = f"_pantau_ref_{len(staged.tables)}"
        try:
            # all_varchar keeps codes like "01" intact; SQL models cast what they need
            con.execute(
                f"create or replace temp table {table} as select (row_number() over () + 1)::bigint as _row, * "
                f"from read_csv(?, {READ_OPTIONS})",
                [str(path)],
            )
        except (duckdb.InvalidInputException, duckdb.ConversionException):
            # the file's own fault; running out of memory or an I/O error is the machine's and is raised
            staged.problems.append(_unreadable(path))
            continue
        staged.tables[path.stem] = table
        staged.digests[path.stem] = sha256_file(path)
    return staged


def _unreadable(path: Path) -> str:
    """Why DuckDB could not read a table as CSV, with the first line that breaks it."""
    fix = "simpan ulang sebagai CSV UTF-8 dengan pemisah koma (,), judul kolom di baris 1"
    line = 1  # where the record being read starts (a quoted field may span lines)
    try:
        with open(path, newline="", encoding="utf-8-sig") as fh:
            reader = csv.reader(fh, strict=True)
            header = next(reader, None)
            line = reader.line_num + 1
            for row in reader:
                if row and len(row) != len(header or []):
                    return (
                        f"{path}: baris {line}: {len(row)} kolom, judul di baris 1 punya "
                        f"{len(header or [])}; perbaiki baris itu ({fix})"
                    )
                line = reader.line_num + 1
    except UnicodeDecodeError:
        return f"{path}: bukan teks UTF-8; {fix}"
    except csv.Error as exc:
        return f"{path}: baris {line}: tanda kutip tidak tertutup atau salah tempat ({exc}); {fix}"
    return f"{path}: tidak dapat dibaca sebagai CSV; {fix}"


def replace_reference_tables(con: duckdb.DuckDBPyConnection, staged: Staged, run_id: str | None) -> dict[str, str]:
    """Replace ref.* with the staged tables (checked by the caller); return {name: sha256}."""
    versions: dict[str, str] = {}
    for name, table in sorted(staged.tables.items()):
        con.execute(f"create or replace table ref.{name} as select * exclude (_row) from {table}")
        rows = con.execute(f"select count(*) from ref.{name}").fetchone()[0]
        con.execute(
            "insert into lineage.reference_tables (name, path, sha256, rows, run_id) values (?, ?, ?, ?, ?)",
            [name, str(staged.reference_dir / f"{name}.csv"), staged.digests[name], rows, run_id],
        )
        versions[name] = staged.digests[name]
    return versions


def drop_staged(con: duckdb.DuckDBPyConnection, staged: Staged) -> None:
    for table in staged.tables.values():
        con.execute(f"drop table if exists {table}")


def sha256_file(path: Path, chunk: int = 1 << 20) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        while block := fh.read(chunk):
            digest.update(block)
    return digest.hexdigest()
