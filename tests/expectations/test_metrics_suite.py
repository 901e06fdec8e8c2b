"""Output checks over the metrics of a period (expectations/suites/metrics.json)."""

from __future__ import annotations

from expectations.validate import validate_metrics


def candidates(con, rows):
    con.execute("""create or replace temp table cand (metric_id varchar, metric varchar, scope varchar,
                   scope_id varchar, period varchar, value double, label varchar, unit varchar)""")
    con.executemany(
        "insert into cand values (?, ?, ?, ?, ?, ?, ?, ?)",
        [(f"{m}/{s}/{i}/{p}", m, s, i, p, v, None, u) for m, s, i, p, v, u in rows],
    )
    con.execute("""create or replace temp table cand2 as select *, count(*) over (partition by metric_id) as copies,
                   0 as _file_id, row_number() over (order by metric_id, value) as _row from cand""")
    return "cand2"


GOOD = [
    ("ikm", "unit", "kelurahan-pager", "2026-10", 82.31, ""),
    ("attendance_rate", "unit", "kelurahan-pager", "2026-10", 95.0, "%"),
    ("nrr", "unit-unsur", "kelurahan-pager:u3", "2026-10", 2.95, ""),
    ("tk_days", "asn", "198503122010011001", "2026-10", 2, "hari"),
]


def test_valid_metrics_pass(warehouse):
    assert validate_metrics(warehouse, candidates(warehouse, GOOD), ["kelurahan-pager"]) == []


def test_out_of_range_duplicate_and_missing_unit_block_publishing(warehouse):
    bad = GOOD + [
        ("ikm", "unit", "kelurahan-sua", "2026-10", 101.0, ""),  # IKM above 100
        ("attendance_rate", "asn", "198503122010011001", "2026-10", -1.0, "%"),  # rate below 0
        ("tk_days", "asn", "198503122010011001", "2026-10", 3, "hari"),  # a second value, same id
    ]
    problems = validate_metrics(warehouse, candidates(warehouse, bad), ["kelurahan-pager", "kelurahan-gaung-baru"])
    assert "ikm/unit/kelurahan-sua/2026-10: IKM terkonversi harus 25-100 (nilai 101.0) [ikm_range]" in problems
    assert any(p.startswith("attendance_rate/asn/198503122010011001/2026-10: persentase") for p in problems)
    assert sum("[metric_id_unique]" in p for p in problems) == 2
    assert any("[unit_missing]" in p and "kelurahan-gaung-baru" in p for p in problems)
