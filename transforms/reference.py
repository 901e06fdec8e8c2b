"""Reference tables (rules as data): every CSV in data/reference/ becomes ref.<name>.

Each load records the file's sha256 in lineage.reference_tables, so a number can be
traced to the version of the rule that produced it.
"""
from __future__ import annotations

import hashlib
from pathlib import Path

import duckdb

DEFAULT_REFERENCE_DIR = Path(__file__).resolve().parent.parent / "data" / "reference"


def sha256_file(path: Path, chunk: int = 1 << 20) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        while block := fh.read(chunk):
            digest.update(block)
    return digest.hexdigest()


def load_reference_tables(
    con: duckdb.DuckDBPyConnection, reference_dir: Path = DEFAULT_REFERENCE_DIR, run_id: str | None = None
) -> dict[str, str]:
    """Replace ref.* with the tables in reference_dir; return {name: sha256}."""
    versions: dict[str, str] = {}
    for path in sorted(Path(reference_dir).glob("*.csv")):
        name = path.stem
        digest = sha256_file(path)
        # all_varchar keeps codes like "01" intact; SQL models cast what they need.
        con.execute(
            f"create or replace table ref.{name} as "
            "select * from read_csv(?, header=true, all_varchar=true, auto_detect=true)",
            [str(path)],
        )
        rows = con.execute(f"select count(*) from ref.{name}").fetchone()[0]
        con.execute(
            "insert into lineage.reference_tables (name, path, sha256, rows, run_id) values (?, ?, ?, ?, ?)",
            [name, str(path), digest, rows, run_id],
        )
        versions[name] = digest
    return versions
