"""Publishing: main.metrics of a warehouse made before the primary key was dropped."""
from __future__ import annotations

from helpers import rows

from transforms.publish import _drop_metrics_key
from transforms.warehouse import connect


def test_an_old_keyed_metrics_table_is_rebuilt_without_the_key_and_keeps_its_rows(tmp_path):
    con = connect(tmp_path / "w.duckdb")
    con.execute("""create table main.metrics (metric_id varchar primary key, metric varchar not null,
                   scope varchar not null, scope_id varchar not null, period varchar not null, value double,
                   label varchar, unit varchar, run_id varchar not null)""")
    con.execute("insert into main.metrics values ('ikm/unit/kelurahan-pager/2026-10', 'ikm', 'unit', "
                "'kelurahan-pager', '2026-10', 82.31, 'B', '', 'r1')")
    _drop_metrics_key(con)
    assert rows(con, "select count(*) from duckdb_constraints() where table_name = 'metrics' "
                     "and constraint_type = 'PRIMARY KEY'") == [(0,)]
    assert rows(con, "select metric_id, value, label, run_id from main.metrics") == [
        ("ikm/unit/kelurahan-pager/2026-10", 82.31, "B", "r1")]
    _drop_metrics_key(con)   # once only: a second call changes nothing
    assert rows(con, "select count(*) from main.metrics") == [(1,)]
