"""The bench's table: what each column holds, and '-' where a figure was not measured.

The timings themselves are not asserted (a noisy 2-core machine); `make bench-check` is CI's
only timing check.
"""

from __future__ import annotations

from flows.bench import RESULT_MARK, _remove_warehouse, report, result_of


def _result(**changes):
    result = {
        "workload": "province",
        "rows": 3_000_000,
        "startup": 0.3,
        "ingest": 4.0,
        "validate": 10.0,
        "transform": 16.0,
        "data_work": 30.0,
        "report": 0.5,
        "floor": 0.6,
        "ratio_floor": 50.0,
        "pandas": 2.5,
        "ratio_pandas": 12.32,
        "e2e": 40.0,
        "e2e_peak_mb": 1100.0,
        "rows_per_s": 100_000.0,
        "us_per_row": 10.0,
        "peak_mb": 950.0,
        "gx_start": 2.4,
        "published": 2_000_000,
    }
    return result | changes


def test_a_row_carries_every_figure_in_the_heading_order():
    head, row, legend = report([_result()]).splitlines()
    assert head.split() == [
        "workload",
        "rows",
        "start",
        "ingest",
        "valid.",
        "transf.",
        "data",
        "report",
        "floor",
        "x",
        "floor",
        "pandas",
        "x",
        "pandas",
        "e2e",
        "e2e/pd",
        "rows/s",
        "us/row",
        "peak",
        "MB",
        "e2e",
        "MB",
        "gx",
        "imp.",
        "metrics",
    ]
    assert row.split() == [
        "province",
        "3000000",
        "0.3",
        "4.0",
        "10.0",
        "16.0",
        "30.0",
        "0.5",
        "0.60",
        "50.0",
        "2.5",
        "12.32",
        "40.0",
        "16.00",
        "100000",
        "10.0",
        "950",
        "1100",
        "2.4",
        "2000000",
    ]
    assert "e2e = `pantau run --period`" in legend


def test_figures_not_measured_show_a_dash_and_a_blocked_run_says_so():
    nan = float("nan")
    row = report([_result(pandas=nan, ratio_pandas=nan, e2e=nan, e2e_peak_mb=nan, published=0)]).splitlines()[1]
    assert row.split()[10:16] == ["-", "-", "-", "-", "100000", "10.0"]
    assert row.split()[17] == "-" and row.split()[-1] == "BLOCKED"


def test_a_repeat_leaves_nothing_of_its_warehouse_behind(tmp_path):
    for name in ("office-0.duckdb", "office-0.duckdb.wal", "office-0.toml", "office-1.duckdb"):
        (tmp_path / name).write_text("x")
    for folder in ("office-0.reports/2026-10", "office-0-state/prefect"):
        (tmp_path / folder).mkdir(parents=True)
    _remove_warehouse(tmp_path / "office-0.duckdb")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["office-1.duckdb"]


def test_a_childs_result_is_read_after_what_duckdb_drew_on_stdout():
    drawn = " 100% ▕████████████████████████████████████████████████████████████▏ "
    assert result_of(drawn + RESULT_MARK + '{"floor": 12.0, "rows": 3}\n') == {"floor": 12.0, "rows": 3}


def test_warehouse_connections_draw_no_progress_bar():
    from transforms.warehouse import connect

    assert connect().execute("select current_setting('enable_progress_bar')").fetchall() == [(False,)]


def test_the_public_tree_is_printed_under_the_table(tmp_path):
    from flows.bench import _tree

    (tmp_path / "2026-10").mkdir()
    (tmp_path / "2026-10" / "index.html").write_bytes(b"x" * 2048)
    (tmp_path / "2026-10" / "unit-a.html").write_bytes(b"x" * 1024)
    (tmp_path / "2026-10" / "plotly.min.js").write_bytes(b"x" * 2**20)
    tree = _tree(tmp_path)
    assert tree["pages"] == 2 and tree["largest_page_kb"] == 2.0
    assert abs(tree["tree_mb"] - (2**20 + 3072) / 2**20) < 1e-9
    lines = report([_result(workload="province-units", **tree)]).splitlines()
    assert lines[-1] == (
        "province-units: 2 public pages, largest 2 kB, public tree 1.0 MB "
        "(targets at province scale: <= 1,024 kB, <= 50 MB)"
    )
    assert len(report([_result()]).splitlines()) == 3  # a result without pages prints no such line


def _targets_by_name(results):
    from flows.bench import targets

    return {t["target"]: t for t in targets(results)}


def test_each_target_says_its_measured_value_and_whether_it_holds():
    office = _result(workload="office", rows=24_000, us_per_row=360.0, e2e=12.7, validate_warm=4.4)
    province = _result(e2e_over_pandas=40.0 / 2.5, peak_any_mb=1100.0)
    units = _result(workload="province-units", report=4.2, largest_page_kb=2163.0, tree_mb=49.9)
    got = _targets_by_name([office, province, units])
    assert (got["office_e2e"]["value"], got["office_e2e"]["holds"]) == (12.7, False)  # limit 8 s
    assert (got["office_validate_warm"]["value"], got["office_validate_warm"]["holds"]) == (4.4, True)  # 5 s
    assert (got["province_e2e_pandas"]["value"], got["province_e2e_pandas"]["holds"]) == (16.0, False)  # 3x
    assert (got["province_data_floor"]["value"], got["province_data_floor"]["holds"]) == (50.0, False)  # 15x
    assert got["province_peak"]["holds"] is False  # 1 100 MB against 1 024
    assert [got[k]["holds"] for k in ("province_report", "province_page", "province_tree")] == [True, False, True]
    # not measured: the national month was not in this run
    assert got["national_data_floor"]["holds"] is None and got["national_peak"]["holds"] is None
    # 360 -> 10 us/row: falling
    assert got["us_per_row_flat"]["value"] == 10.0 / 360.0 and got["us_per_row_flat"]["holds"] is True


def test_cost_per_row_that_grows_with_size_fails_its_target_and_a_national_month_that_blocked_fails():
    from flows.bench import growth_per_row

    small, big = _result(workload="city", rows=1_000, us_per_row=10.0), _result(rows=2_000, us_per_row=12.0)
    national = _result(workload="national", rows=140_000_000, us_per_row=11.0, ratio_floor=20.0, published=0)
    assert growth_per_row([big, small]) == 1.2
    got = _targets_by_name([small, big, national])
    assert (got["us_per_row_flat"]["value"], got["us_per_row_flat"]["holds"]) == (1.2, False)  # limit 1.1
    assert got["national_data_floor"]["holds"] is False  # a blocked run did not complete


def test_the_targets_table_prints_a_verdict_per_target():
    from flows.bench import targets, targets_report

    lines = targets_report(targets([_result(workload="office", e2e=7.5, validate_warm=float("nan"))])).splitlines()
    office_e2e = next(line for line in lines if line.startswith("office_e2e "))
    assert office_e2e.split()[:4] == ["office_e2e", "7.50", "8.00", "yes"]
    warm = next(line for line in lines if line.startswith("office_validate_warm "))
    assert warm.split()[:4] == ["office_validate_warm", "-", "5.00", "-"]
    assert lines[-1].startswith("1 of 11 targets hold; 10 not measured")
