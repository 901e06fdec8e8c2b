"""The sample office's warehouse, published for twelve months, and its rendered reports.

Built once per session: the committed sample exports (plus one survey response whose complaint is
hostile HTML) are ingested, validated and transformed like `pantau run` does, then every month of
the last year is published, so the trends have twelve points.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))  # pagecheck, chromium, sample_reports

from sample_reports import PERIOD, SAMPLES, _hostile_survey  # noqa: E402,F401

from helpers import AS_OF  # noqa: E402


@pytest.fixture(scope="session")
def sample_warehouse(tmp_path_factory):
    from flows.steps import ingest_step, transform_step, validate_step
    from reports.fmt import months_back
    from transforms.publish import publish
    from transforms.reference import DEFAULT_REFERENCE_DIR
    from transforms.runs import finish_run, start_run
    from transforms.warehouse import connect

    root = tmp_path_factory.mktemp("laporan")
    inbox = root / "inbox"
    shutil.copytree(SAMPLES, inbox)
    (inbox / "skm" / "uji_keluhan_html.csv").write_text(_hostile_survey(), encoding="utf-8")
    path = root / "pantau.duckdb"
    con = connect(path)
    run_id = start_run(con, "run", PERIOD, AS_OF, {"inbox": str(inbox)})
    reports, _ = ingest_step(con, inbox, DEFAULT_REFERENCE_DIR, run_id)
    outcome = validate_step(con, reports, AS_OF, run_id, period=PERIOD)
    assert not outcome.blocked, outcome.blocking
    result = transform_step(con, PERIOD, run_id)
    assert not result["blocking"], result["blocking"]
    for month in months_back(PERIOD, 12)[:-1]:
        publish(con, month, run_id)
    finish_run(con, run_id, "success")
    yield con, path
    con.close()


@pytest.fixture(scope="session")
def rendered(sample_warehouse, tmp_path_factory):
    """The reports of the sample office for 2026-10, with internal pages."""
    from reports.render import render_period

    con, _ = sample_warehouse
    out = tmp_path_factory.mktemp("laporan-render") / "out"  # named pages: beside it, in internal/
    index = render_period(con, PERIOD, out)
    return index.parent


@pytest.fixture(scope="session")
def metric_ids(sample_warehouse) -> set[str]:
    con, _ = sample_warehouse
    return {r[0] for r in con.execute("select metric_id from main.metrics").fetchall()}
