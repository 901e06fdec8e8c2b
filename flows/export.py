"""`pantau export`: a period's published metrics for analysts, as CSV or XLSX.

Text cells that a spreadsheet would run as a formula (starting with =, +, -, @, a tab or a
carriage return) get a leading apostrophe: a citizen's or an office's text is never executed.
"""
from __future__ import annotations

from pathlib import Path

import duckdb

from transforms.publish import periods_published_by
from transforms.spreadsheet import FORMULA_PREFIXES, neutralise  # noqa: F401 (re-exported)

COLUMNS = ["metric_id", "metric", "scope", "scope_id", "period", "value", "label", "unit", "run_id"]


def export_metrics(con: duckdb.DuckDBPyConnection, period: str, target: Path, fmt: str) -> int:
    periods = periods_published_by(period)
    marks = ", ".join("?" for _ in periods)
    rows = con.execute(
        f"select {', '.join(COLUMNS)} from main.metrics where period in ({marks}) order by metric_id", periods
    ).fetchall()
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    clean = [[neutralise(v) for v in row] for row in rows]
    if fmt == "xlsx":
        from openpyxl import Workbook

        wb = Workbook()
        ws = wb.active
        ws.title = f"metrics {period}"
        ws.append(COLUMNS)
        for row in clean:
            ws.append(row)
        wb.save(target)
    else:
        import csv

        with open(target, "w", newline="", encoding="utf-8") as fh:
            writer = csv.writer(fh)
            writer.writerow(COLUMNS)
            writer.writerows(clean)
    return len(rows)
