"""Publishing: the metrics of one period replace that period's earlier values in one transaction.

Every mart that publishes numbers is a model named marts.metrics_<domain> with the columns of
the metrics contract: metric_id, metric, scope, scope_id, period, value,
label, unit. `metrics` holds the current value per metric_id; earlier values stay in
lineage.metric_history with the run that published them.
"""

from __future__ import annotations

import re

import duckdb

from transforms.models import discover_models

# No primary key: the output suite (expectations/suites/metrics.json) rejects a candidate
# metric_id that occurs twice before anything is published, and keeping an ART index up to date
# cost more than the rest of publishing at province scale (docs/performance.md).
METRICS_DDL = """
create table if not exists main.metrics (
    metric_id  varchar not null,
    metric     varchar not null,
    scope      varchar not null,
    scope_id   varchar not null,
    period     varchar not null,
    value      double,
    label      varchar,
    unit       varchar,
    run_id     varchar not null
);
create table if not exists lineage.metric_history as select * from main.metrics limit 0;
"""
COLUMNS = "metric_id, metric, scope, scope_id, period, value, label, unit"


def periods_published_by(period: str) -> list[str]:
    """A monthly run publishes its month, and the quarter, semester and year it closes."""
    year, month = period.split("-")
    month_no = int(month)
    out = [period]
    if month_no % 3 == 0:
        out.append(f"{year}-Q{month_no // 3}")
    if month_no % 6 == 0:
        out.append(f"{year}-S{month_no // 6}")
    if month_no == 12:
        out.append(year)
    return out


def metric_models() -> list[str]:
    return sorted(n for n in discover_models() if re.fullmatch(r"marts\.metrics_\w+", n))


def _drop_metrics_key(con: duckdb.DuckDBPyConnection) -> None:
    """Warehouses created before the key was dropped: rebuild main.metrics without it, once."""
    keyed = con.execute(
        "select count(*) from duckdb_constraints() where schema_name = 'main' "
        "and table_name = 'metrics' and constraint_type = 'PRIMARY KEY'"
    ).fetchall()[0][0]
    if keyed:
        con.execute(
            "create or replace table main._metrics_unkeyed as select * from main.metrics order by period, metric_id"
        )
        con.execute("drop table main.metrics")
        con.execute("alter table main._metrics_unkeyed rename to metrics")


def stage_candidates(con: duckdb.DuckDBPyConnection, period: str) -> str:
    """Collect the metrics `period` would publish into a temp table, sorted by metric_id; return
    the name of a view over it.

    The view carries `copies` (rows sharing the metric_id) and `_file_id`/`_row` (0 and the
    position in that order) so the output suite (expectations/suites/metrics.json) can run on
    it before anything changes.
    """
    con.execute(METRICS_DDL)
    _drop_metrics_key(con)
    periods = periods_published_by(period)
    models = metric_models()
    union = " union all ".join(f"select {COLUMNS} from {m}" for m in models) or (
        f"select {', '.join('null' for _ in COLUMNS.split(','))} where false"
    )
    marks = ", ".join("?" for _ in periods)
    con.execute(
        f"create or replace temp table _candidate_rows as select * from ({union}) where period in ({marks})", periods
    )
    # one sort, and duplicates counted by a group-by: two window functions over 2 M metrics
    # took twice as long (docs/performance.md)
    con.execute(
        """create or replace temp table _candidate_sorted as
        select c.*, coalesce(d.copies, 1) as copies, 0 as _file_id
        from _candidate_rows c
        left join (select metric_id, count(*) as copies from _candidate_rows
                   group by metric_id having count(*) > 1) d on d.metric_id is not distinct from c.metric_id
        order by c.metric_id, c.value, c.label"""
    )
    con.execute("drop table _candidate_rows")
    # rowid of a table filled by an ordered select is its position in that order
    con.execute("create or replace temp view _candidate_metrics as select *, rowid + 1 as _row from _candidate_sorted")
    return "_candidate_metrics"


def publish(con: duckdb.DuckDBPyConnection, period: str, run_id: str, candidates: str | None = None) -> int:
    """Replace the metrics of `period` (and of the quarter/semester/year it closes) in one
    transaction: a failure leaves the previously published values as they were."""
    candidates = candidates or stage_candidates(con, period)
    periods = periods_published_by(period)
    marks = ", ".join("?" for _ in periods)
    con.execute("begin transaction")
    try:
        con.execute(f"delete from main.metrics where period in ({marks})", periods)
        # the candidates are stored in metric_id order already (stage_candidates)
        con.execute(f"insert into main.metrics select {COLUMNS}, ? from {candidates}", [run_id])
        con.execute("insert into lineage.metric_history select * from main.metrics where run_id = ?", [run_id])
        count = con.execute("select count(*) from main.metrics where run_id = ?", [run_id]).fetchall()[0][0]
        con.execute("commit")
    except Exception:
        con.execute("rollback")
        raise
    return count
