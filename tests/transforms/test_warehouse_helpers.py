"""transforms/warehouse.py's has_table and records: the one place the code asks whether a table exists
and reads a small result as dicts."""

import duckdb

from transforms.warehouse import has_table, records


def _con():
    con = duckdb.connect()
    con.execute(
        "create schema marts; create table marts.t (a int, b varchar); "
        "create view marts.v as select 1 as x; insert into marts.t values (2, 'dua'), (1, 'satu')"
    )
    return con


def test_has_table_counts_views_unless_told_not_to():
    con = _con()
    assert has_table(con, "marts.t") and has_table(con, "marts.v")
    assert has_table(con, "marts.t", views=False) and not has_table(con, "marts.v", views=False)
    assert not has_table(con, "marts.nope") and not has_table(con, "staging.t")


def test_records_are_dicts_by_column_in_query_order():
    assert records(_con(), "select a, b from marts.t where a >= ? order by a", [1]) == [
        {"a": 1, "b": "satu"},
        {"a": 2, "b": "dua"},
    ]
    assert records(_con(), "select a from marts.t where a > 5") == []
