"""One source for the headline figures: run.json (the period index's figures), the run's Prefect
artifact and the export's "Angka utama" sheet are all rows of reports/headline.py over
data/reference/headline_metrics.csv; on the samples the export's sheet and run.json agree row by row."""

from __future__ import annotations

import json

from sample_reports import PERIOD


def test_export_headline_sheet_is_run_json_headline(rendered, sample_warehouse, tmp_path):
    from openpyxl import load_workbook

    from flows.console import headline
    from flows.export import HEADLINE_HEAD, HEADLINE_SHEET, export_metrics

    con, _ = sample_warehouse
    record = json.loads((rendered / "run.json").read_text(encoding="utf-8"))["headline"]
    table = [r[0] for r in con.execute("select metric from ref.headline_metrics order by urutan::int").fetchall()]
    # the seven figures of the period index, in the table's order, all published on the samples
    assert (
        [m["metric"] for m in record]
        == table
        == [
            "ikm",
            "discipline_rate",
            "punctuality_rate",
            "capaian_rata",
            "keluhan",
            "asn_to_follow_up",
            "rekomendasi_perhatian",
        ]
    )

    target = tmp_path / "m.xlsx"
    export_metrics(con, PERIOD, target, "xlsx")
    ws = load_workbook(target)[HEADLINE_SHEET]
    assert load_workbook(target).sheetnames[0] == HEADLINE_SHEET
    assert [c.value for c in ws[1]] == HEADLINE_HEAD
    sheet = [[c.value for c in row] for row in ws.iter_rows(min_row=2)]
    assert [(r[5], r[2], r[3], r[4]) for r in sheet] == [
        (m["metric_id"], m["value"], m["unit"], m["label"]) for m in record
    ]
    # the Prefect artifact's (judul, nilai) are the sheet's first two columns
    assert headline(con, PERIOD) == [(r[0], r[1]) for r in sheet]
    ikm = next(r for r in sheet if r[5].startswith("ikm/"))
    assert ikm[0] == "IKM kantor" and ikm[1] == f"{ikm[2]:.2f}".replace(".", ",") + f" ({ikm[4]})"
