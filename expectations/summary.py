"""What validation found, per file: rows read = rows loaded + rows quarantined.

"Loaded" is counted in the staging tables and "quarantined" in quarantine.rows, each on its
own, so the reconciliation checks the pipeline rather than restating one number.
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb

from expectations.validate import SHAPES
from transforms.ingest.records import line_ref_sql
from transforms.warehouse import has_table


@dataclass
class FileCounts:
    file_id: int
    path: str
    shape: str
    rows_read: int
    rows_loaded: int
    rows_quarantined: int
    rows_empty: int

    @property
    def reconciled(self) -> bool:
        return self.rows_read == self.rows_loaded + self.rows_quarantined


def file_counts(con: duckdb.DuckDBPyConnection) -> list[FileCounts]:
    loaded_union = " union all ".join(
        f"select _file_id as file_id, count(*) as n from staging.stg_{shape} group by all" for shape in SHAPES
    )
    rows = con.execute(f"""
        with loaded as ({loaded_union}),
        quarantined as (select file_id, count(distinct "row") as n from quarantine.rows group by file_id)
        select f.file_id, f.path, f.shape, f.rows_read, coalesce(l.n, 0), coalesce(q.n, 0), f.rows_empty
        from lineage.files f
        left join loaded l using (file_id)
        left join quarantined q using (file_id)
        where f.status = 'loaded'
        order by f.path
    """).fetchall()
    return [FileCounts(*r) for r in rows]


def record_counts(con: duckdb.DuckDBPyConnection, counts: list[FileCounts]) -> None:
    for c in counts:
        con.execute(
            "update lineage.files set rows_loaded = ?, rows_quarantined = ? where file_id = ?",
            [c.rows_loaded, c.rows_quarantined, c.file_id],
        )


def quarantine_by_reason(con: duckdb.DuckDBPyConnection, table: str = "quarantine.rows", examples: int = 5):
    """[(path, rule, message, count, [(row, column, value), ...])] ordered by path and count; a row is
    where a person finds it: its line, or its sheet and row of a workbook ('Oktober!12')."""
    where = line_ref_sql('q."row"', "f.sheets")
    return con.execute(f"""
        select f.path, q.rule, q.message, count(*) as n,
               list(struct_pack(r := {where}, c := q."column", v := q.value) order by q."row")[1:{examples}]
        from {table} q join lineage.files f using (file_id)
        group by f.path, q.rule, q.message
        order by f.path, n desc, q.rule
    """).fetchall()


def reference_suites(con: duckdb.DuckDBPyConnection, run_id: str | None) -> list[tuple[str, int, int]]:
    """[(ref.<table>, expectations, failed)] of the reference suites the run ran (expectations/reference.py)."""
    if not has_table(con, "lineage.validation_results", views=False):
        return []
    return con.execute(
        """
        select shape, count(*), count(*) filter (where not success) from lineage.validation_results
        where shape like 'ref.%' and run_id is not distinct from ? group by shape order by shape""",
        [run_id],
    ).fetchall()
