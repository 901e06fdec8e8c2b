"""Publishing: the candidates a run would publish, and main.metrics of a warehouse made before
the primary key was dropped."""

from __future__ import annotations

from expectations.validate import validate_metrics
from helpers import rows
from transforms.publish import _drop_metrics_key, metric_models, stage_candidates
from transforms.warehouse import connect


def test_an_old_keyed_metrics_table_is_rebuilt_without_the_key_and_keeps_its_rows(tmp_path):
    con = connect(tmp_path / "w.duckdb")
    con.execute("""create table main.metrics (metric_id varchar primary key, metric varchar not null,
                   scope varchar not null, scope_id varchar not null, period varchar not null, value double,
                   label varchar, unit varchar, run_id varchar not null)""")
    con.execute(
        "insert into main.metrics values ('ikm/unit/kelurahan-pager/2026-10', 'ikm', 'unit', "
        "'kelurahan-pager', '2026-10', 82.31, 'B', '', 'r1')"
    )
    _drop_metrics_key(con)
    assert rows(
        con,
        "select count(*) from duckdb_constraints() where table_name = 'metrics' and constraint_type = 'PRIMARY KEY'",
    ) == [(0,)]
    assert rows(con, "select metric_id, value, label, run_id from main.metrics") == [
        ("ikm/unit/kelurahan-pager/2026-10", 82.31, "B", "r1")
    ]
    _drop_metrics_key(con)  # once only: a second call changes nothing
    assert rows(con, "select count(*) from main.metrics") == [(1,)]


def test_candidates_count_copies_of_an_id_across_marts_and_number_rows_in_id_order(tmp_path):
    con = connect(tmp_path / "w.duckdb")
    contract = (
        "metric_id varchar, metric varchar, scope varchar, scope_id varchar, period varchar, "
        "value double, label varchar, unit varchar"
    )
    for model in metric_models():
        con.execute(f"create table {model} ({contract})")
    attendance, skm = "marts.metrics_attendance", "marts.metrics_skm"
    con.execute(f"""insert into {attendance} values
        ('b/asn/1/2026-10', 'b', 'asn', '1', '2026-10', 2.0, null, '%'),
        ('a/asn/1/2026-10', 'a', 'asn', '1', '2026-10', 1.0, null, '%'),
        ('a/asn/1/2026-09', 'a', 'asn', '1', '2026-09', 9.0, null, '%'),
        (null, 'a', 'asn', '2', '2026-10', 3.0, null, '%')""")
    con.execute(f"""insert into {skm} values
        ('b/asn/1/2026-10', 'b', 'asn', '1', '2026-10', 1.5, null, '%'),
        (null, 'a', 'asn', '3', '2026-10', 4.0, null, '%')""")
    name = stage_candidates(con, "2026-10")
    # the September row is not a candidate; the id twice in two marts has 2 copies each, as do the
    # two rows without an id; rows are numbered by (metric_id, value), ids without a value last
    assert rows(con, f"select _row, metric_id, value, copies, _file_id from {name} order by _row") == [
        (1, "a/asn/1/2026-10", 1.0, 1, 0),
        (2, "b/asn/1/2026-10", 1.5, 2, 0),
        (3, "b/asn/1/2026-10", 2.0, 2, 0),
        (4, None, 3.0, 2, 0),
        (5, None, 4.0, 2, 0),
    ]
    problems = validate_metrics(con, name, [])
    assert sum("[metric_id_unique]" in p for p in problems) == 4
