"""What a run leaves in Prefect: a flow run named by its period, a markdown artifact with the
headline figures, the counts and the report path, a link artifact to the report; and what
`pantau run` prints about it (the flow run's id and, with a server, its page in the UI)."""

from __future__ import annotations

import re

from typer.testing import CliRunner

from flows.cli import app
from flows.console import md
from helpers import NIP_A, NIP_B, ROSTER, write_inbox

runner = CliRunner()

# NIP_A and NIP_B (Kelurahan Pager) each present on 1 of October 2026's 22 workdays; the third ASN's
# unit sent no attendance, so its days are unknown and out of the denominator: 2 / 44 = 4,55 %
RECAP = (
    "nip,tanggal,jam_masuk,jam_pulang,status\n"
    f"{NIP_A},2026-10-01,07:31,16:00,H\n"
    f"{NIP_B},2026-10-01,07:20,16:10,H\n"
    f"{NIP_B},2026-10-01,07:20,16:10,H\n"
)


def _flow_run_and_artifacts(flow_run_id: str):
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterFlowRunId

    with get_client(sync_client=True) as client:
        run = client.read_flow_run(flow_run_id)
        artifacts = client.read_artifacts(
            artifact_filter=ArtifactFilter(flow_run_id=ArtifactFilterFlowRunId(any_=[run.id]))
        )
    return run, {a.key: a for a in artifacts}


def test_run_is_named_by_its_period_and_leaves_headline_and_link_artifacts(prefect_server, tmp_path):
    inbox = write_inbox(tmp_path / "inbox", {"pegawai/p.csv": ROSTER, "presensi/r.csv": RECAP})
    out = tmp_path / "out"
    result = runner.invoke(
        app,
        [
            "run",
            "--period",
            "2026-10",
            "--inbox",
            str(inbox),
            "--warehouse",
            str(tmp_path / "w.duckdb"),
            "--out",
            str(out),
            "--as-of",
            "2026-11-28",
        ],
    )
    assert result.exit_code == 0, result.output
    flow_run_id = re.search(r"^Prefect flow run: evaluasi-2026-10 \(id ([0-9a-f-]{36})\)$", result.output, re.M).group(
        1
    )
    # the test server is a configured server: its UI page is printed
    assert re.search(rf"^Prefect UI: http://\S+/runs/flow-run/{flow_run_id}$", result.output, re.M), result.output

    run, artifacts = _flow_run_and_artifacts(flow_run_id)
    assert run.name == "evaluasi-2026-10"
    assert {"evaluasi-2026-10", "laporan-2026-10", "ringkasan-validasi"} <= set(artifacts)
    report = out / "2026-10" / "index.html"
    headline = artifacts["evaluasi-2026-10"].data
    assert headline.startswith(f"# Evaluasi periode {md('2026-10')}: berhasil diterbitkan\n")
    assert "| Tingkat disiplin kehadiran | " + md("4,55\u00a0%") + " |" in headline
    assert "| ASN perlu tindak lanjut disiplin |" in headline
    assert "IKM kantor" not in headline  # no survey this month: no figure made up
    assert md("2 berkas (2 baru dimuat); 6 baris dibaca = 5 dimuat + 1 dikarantina") in headline
    assert f"**Laporan:** {md(report)}" in headline
    link = artifacts["laporan-2026-10"]
    assert report.resolve().as_uri() in link.data


def test_backfill_and_its_months_are_named_by_their_periods(prefect_server, tmp_path):
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterParentFlowRunId

    from flows.schedule import backfill
    from flows.settings import Settings

    inbox = write_inbox(tmp_path / "inbox", {"pegawai/p.csv": ROSTER, "presensi/r.csv": RECAP})
    state = backfill(
        first="2026-10",
        last="2026-10",
        inbox=inbox,
        warehouse=tmp_path / "w.duckdb",
        reference=Settings().reference,
        out=tmp_path / "out",
        as_of=Settings().today(),
        return_state=True,
    )
    [(period, outcome)] = state.result()
    with get_client(sync_client=True) as client:
        parent = client.read_flow_run(state.state_details.flow_run_id)
        children = client.read_flow_runs(
            flow_run_filter=FlowRunFilter(parent_flow_run_id=FlowRunFilterParentFlowRunId(any_=[parent.id]))
        )
    assert parent.name == "backfill-2026-10-sd-2026-10"
    assert [c.name for c in children] == ["evaluasi-2026-10"]
    assert str(children[0].id) == outcome.flow_run_id


def test_partitioned_run_prints_its_flow_run_name_id_and_page(prefect_server, tmp_path, capsys):
    from flows.partitioned import main

    inbox = write_inbox(
        tmp_path / "inbox", {"pegawai/p.csv": ROSTER, "presensi/rekap_kelurahan-pager_2026-10.csv": RECAP}
    )
    code = main(
        [
            "run",
            "--period",
            "2026-10",
            "--inbox",
            str(inbox),
            "--warehouse",
            str(tmp_path / "p" / "w.duckdb"),
            "--out",
            str(tmp_path / "out"),
            "--as-of",
            "2026-11-28",
            "--workers",
            "1",
        ]
    )
    output = capsys.readouterr().out
    assert code == 0, output
    found = re.search(r"^Prefect flow run: evaluasi-2026-10-berpartisi \(id ([0-9a-f-]{36})\)$", output, re.M)
    assert found, output
    flow_run_id = found.group(1)
    assert re.search(rf"^Prefect UI: http://\S+/runs/flow-run/{flow_run_id}$", output, re.M), output
    run, _ = _flow_run_and_artifacts(flow_run_id)
    assert run.name == "evaluasi-2026-10-berpartisi" and run.flow_id is not None


def test_scheduled_monthly_run_is_named_bulanan_and_the_previous_month(prefect_server, tmp_path):
    """The deployment `pantau serve` runs passes no period: the run evaluates, and is named by, the
    month before today in the office's time zone."""
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterParentFlowRunId

    from flows.schedule import monthly_evaluation, previous_month
    from flows.settings import Settings

    timezone = "Asia/Makassar"
    period = previous_month(datetime.now(ZoneInfo(timezone)).date())
    recap = RECAP.replace("2026-10-01", f"{period}-01")
    inbox = write_inbox(tmp_path / "inbox", {"pegawai/p.csv": ROSTER, "presensi/r.csv": recap})
    common = dict(
        inbox=inbox,
        warehouse=tmp_path / "w.duckdb",
        reference=Settings().reference,
        out=tmp_path / "out",
        timezone=timezone,
        options={"include_internal": False},
    )
    state = monthly_evaluation(**common, return_state=True)
    outcome = state.result()
    named = monthly_evaluation(**common, period="2026-10", return_state=True)
    with get_client(sync_client=True) as client:
        parent = client.read_flow_run(state.state_details.flow_run_id)
        children = client.read_flow_runs(
            flow_run_filter=FlowRunFilter(parent_flow_run_id=FlowRunFilterParentFlowRunId(any_=[parent.id]))
        )
        asked = client.read_flow_run(named.state_details.flow_run_id)
    assert parent.name == f"bulanan-{period}"
    assert outcome.period == period and [c.name for c in children] == [f"evaluasi-{period}"]
    assert outcome.flow_run_name == f"evaluasi-{period}" and outcome.flow_run_id == str(children[0].id)
    assert asked.name == "bulanan-2026-10"
