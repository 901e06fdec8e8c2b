"""What reading a file left in the warehouse, kept in memory to be replayed for the same bytes.

`pantau validate --watch` validates the inbox again after every change, each time in a new
in-memory warehouse. Most files have not changed since the last pass; reading them again (about
ten DuckDB statements and a pass over the bytes each) is most of a warm pass. A file whose path,
sha256 and format are those of a file read before, with the same reference tables (their
sha256s), gets that reading back: its raw rows, its rejected lines, its lineage.files columns and
its report, under the file id this pass gives it. A fresh pass and a replayed one leave the same
tables (tests/transforms/test_ingest_replay.py).
"""

from __future__ import annotations

import copy
from dataclasses import dataclass

import duckdb

from transforms.ingest.records import FileReport

IDENTITY = ("path", "sha256", "format")  # what makes two readings the same (with the reference tables)
# lineage.files columns a reading sets (not the file's identity, its run ids or its timestamp)
READ_COLUMNS = (
    "shape",
    "delimiter",
    "header_row",
    "sheets",
    "columns",
    "ignored_columns",
    "rows_read",
    "rows_empty",
    "status",
    "error",
)


@dataclass
class _Reading:
    report: FileReport
    files_row: tuple  # READ_COLUMNS of lineage.files
    rows: object | None  # pandas frame of raw.<shape> without _file_id
    rejects: object | None  # pandas frame of raw._rejects without _file_id


class IngestCache:
    """Readings by (path, sha256, format); forgotten when the reference tables change."""

    def __init__(self) -> None:
        self._readings: dict[tuple, _Reading] = {}
        self._reference: dict | None = None

    def use_reference(self, versions: dict) -> None:
        """The reference tables (name -> sha256) of this pass: others make every reading stale."""
        if versions != self._reference:
            self._readings.clear()
            self._reference = dict(versions)

    def keep(self, con: duckdb.DuckDBPyConnection, report: FileReport) -> None:
        """Remember what reading file `report.file_id` left (after its transaction)."""
        file_id = report.file_id
        found = con.execute(
            f"select {', '.join(IDENTITY + READ_COLUMNS)} from lineage.files where file_id = ?", [file_id]
        ).fetchone()
        key, row = found[: len(IDENTITY)], found[len(IDENTITY) :]
        if key in self._readings:  # replayed: the same reading
            return
        rows = rejects = None
        if report.action == "loaded" and report.shape:
            rows = con.execute(
                f"select * exclude (_file_id) from raw.{report.shape} where _file_id = ? order by rowid", [file_id]
            ).df()
            rejects = con.execute(
                "select * exclude (_file_id) from raw._rejects where _file_id = ? order by rowid", [file_id]
            ).df()
        self._readings[key] = _Reading(copy.deepcopy(report), row, rows, rejects)

    def replay(self, con: duckdb.DuckDBPyConnection, file_id: int) -> FileReport | None:
        """Put a remembered reading back under `file_id` (its lineage.files row exists); None if unknown."""
        key = con.execute(f"select {', '.join(IDENTITY)} from lineage.files where file_id = ?", [file_id]).fetchone()
        reading = self._readings.get(key)
        if reading is None:
            return None
        con.execute("begin transaction")
        try:
            for table, rows in ((f"raw.{reading.report.shape}", reading.rows), ("raw._rejects", reading.rejects)):
                if rows is not None and len(rows):
                    con.register("_replay_rows", rows)
                    try:
                        names = ", ".join(f'"{n}"' for n in rows.columns)
                        con.execute(
                            f"insert into {table} (_file_id, {names}) select ?, {names} from _replay_rows", [file_id]
                        )
                    finally:
                        con.unregister("_replay_rows")
            con.execute(
                f"update lineage.files set {', '.join(f'{c} = ?' for c in READ_COLUMNS)} where file_id = ?",
                [*reading.files_row, file_id],
            )
            con.execute("commit")
        except BaseException:
            con.execute("rollback")
            raise
        report = copy.deepcopy(reading.report)
        report.file_id = file_id
        return report
