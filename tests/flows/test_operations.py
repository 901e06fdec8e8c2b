"""Operations: idempotent reruns, corrected exports, stale periods, crash safety, one writer,
the schedule, export. Steps run as plain functions except where Prefect itself is the subject."""

from __future__ import annotations

import hashlib
import subprocess
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from flows.cli import app
from flows.settings import Settings
from helpers import AS_OF, NIP_A, NIP_B, ROSTER, run_period, write_inbox
from transforms.warehouse import connect

SAMPLES = Path(__file__).resolve().parents[2] / "data" / "samples"
REFERENCE = Settings().reference


def metrics_digest(warehouse: Path) -> str:
    con = duckdb.connect(str(warehouse), read_only=True)
    rows = con.execute("select * exclude (run_id) from metrics order by metric_id").fetchall()
    con.close()
    return hashlib.sha256(repr(rows).encode()).hexdigest()


def test_same_inputs_give_identical_metrics_in_fresh_warehouses_and_on_rerun(tmp_path):
    a, b = tmp_path / "a.duckdb", tmp_path / "b.duckdb"
    run_period(a, SAMPLES, "2026-10", "run-a")
    run_period(b, SAMPLES, "2026-10", "run-b")
    first = metrics_digest(a)
    assert first == metrics_digest(b)
    run_period(a, SAMPLES, "2026-10", "run-a2")  # forced rerun: nothing new, same numbers
    assert metrics_digest(a) == first
    con = duckdb.connect(str(a), read_only=True)
    assert con.execute("select count(*), count(distinct run_id) from metrics").fetchall()[0][1] == 1
    assert con.execute("select count(*) from metrics").fetchall()[0][0] > 1000


def recap_lines(days, masuk="07:20"):
    return "nip,tanggal,jam_masuk,jam_pulang,status\n" + "".join(
        f"{nip},{d},{masuk},16:40,H\n" for nip in (NIP_A, NIP_B) for d in days
    )


def test_a_late_file_for_a_published_period_names_it_stale(tmp_path):
    inbox = write_inbox(
        tmp_path / "inbox",
        {
            "pegawai/p.csv": ROSTER,
            "presensi/2026-09.csv": recap_lines(["2026-09-01"]),
            "presensi/2026-10.csv": recap_lines(["2026-10-01"]),
        },
    )
    wh = tmp_path / "w.duckdb"
    assert run_period(wh, inbox, "2026-09", "r1").stale_periods == []
    assert run_period(wh, inbox, "2026-10", "r2").stale_periods == []
    # a correction of September arrives while October is run
    write_inbox(inbox, {"presensi/2026-09.csv": recap_lines(["2026-09-01", "2026-09-02"])})
    outcome = run_period(wh, inbox, "2026-10", "r3")
    assert outcome.stale_periods == ["2026-09"]
    assert any("jalankan ulang: pantau run --period 2026-09" in w for w in outcome.warnings)
    con = duckdb.connect(str(wh), read_only=True)
    assert con.execute(
        "select path, status from lineage.files where path = 'presensi/2026-09.csv' order by file_id"
    ).fetchall() == [("presensi/2026-09.csv", "superseded"), ("presensi/2026-09.csv", "loaded")]


def test_a_crash_in_the_transform_leaves_published_results_and_records_the_failure(
    prefect_server, tmp_path, monkeypatch
):
    from flows import steps
    from flows.evaluate import evaluate_period

    inbox = write_inbox(
        tmp_path / "inbox", {"pegawai/p.csv": ROSTER, "presensi/r.csv": recap_lines(["2026-10-01", "2026-10-02"])}
    )
    wh = tmp_path / "w.duckdb"
    args = dict(period="2026-10", inbox=inbox, warehouse=wh, reference=REFERENCE, out=tmp_path / "out", as_of=AS_OF)
    evaluate_period(**args)
    before = metrics_digest(wh)

    write_inbox(inbox, {"presensi/r.csv": recap_lines(["2026-10-01", "2026-10-02"], masuk="08:45")})

    def crash(*a, **k):
        raise RuntimeError("disk penuh (simulasi)")

    monkeypatch.setattr(steps, "publish", crash)
    with pytest.raises(RuntimeError, match="simulasi"):
        evaluate_period(**args)
    assert metrics_digest(wh) == before
    con = duckdb.connect(str(wh), read_only=True)
    assert con.execute("select status, message from lineage.runs order by started_at").fetchall()[-1] == (
        "failed",
        "RuntimeError: disk penuh (simulasi)",
    )
    con.close()
    assert not Path(f"{wh}.lock").exists()


def test_a_second_run_on_a_held_warehouse_exits_3_naming_the_holder(prefect_server, tmp_path):
    inbox = write_inbox(tmp_path / "inbox", {"pegawai/p.csv": ROSTER, "presensi/r.csv": recap_lines(["2026-10-01"])})
    wh = tmp_path / "w.duckdb"
    holder = subprocess.Popen(["sleep", "60"])
    try:
        Path(f"{wh}.lock").write_text(
            f'{{"pid": {holder.pid}, "description": "pantau run --period 2026-09", "started": "2026-11-28T06:00:00"}}'
        )
        result = CliRunner().invoke(
            app, ["run", "--period", "2026-10", "--inbox", str(inbox), "--warehouse", str(wh), "--as-of", "2026-11-28"]
        )
    finally:
        holder.kill()
    assert result.exit_code == 3, result.output
    assert f"pantau run --period 2026-09 (PID {holder.pid}" in result.output


def test_serve_deploys_the_monthly_flow_with_cron_and_timezone(prefect_server):
    from prefect.client.orchestration import get_client

    from flows.schedule import monthly_deployment

    deployment_id = monthly_deployment(Settings(inbox=REFERENCE.parent / "samples"), "0 6 2 * *").apply()

    async def read():
        async with get_client() as client:
            return await client.read_deployment(deployment_id)

    import asyncio

    deployment = asyncio.run(read())
    [schedule] = deployment.schedules
    assert (schedule.schedule.cron, schedule.schedule.timezone) == ("0 6 2 * *", "Asia/Jakarta")
    assert schedule.active
    assert deployment.name == "pantau-bulanan"


def test_previous_month_and_backfill_months():
    from datetime import date

    from flows.schedule import months_between, previous_month

    assert previous_month(date(2026, 1, 2)) == "2025-12"
    assert previous_month(date(2026, 11, 2)) == "2026-10"
    assert months_between("2025-11", "2026-02") == ["2025-11", "2025-12", "2026-01", "2026-02"]


def test_export_neutralises_formula_prefixes(tmp_path):
    from flows.export import export_metrics

    wh = tmp_path / "w.duckdb"
    con = connect(wh)
    con.execute("""create table metrics (metric_id varchar, metric varchar, scope varchar, scope_id varchar,
                   period varchar, value double, label varchar, unit varchar, run_id varchar)""")
    con.execute(
        "insert into metrics values ('x/unit/a/2026-10', 'x', 'unit', 'a', '2026-10', 1, "
        "'=HYPERLINK(\"http://evil\")', '%', 'r'), ('y/unit/a/2026-10', 'y', 'unit', 'a', '2026-10', 2, "
        "'@SUM(A1)', '%', 'r'), ('z/unit/a/2026-09', 'z', 'unit', 'a', '2026-09', 3, 'x', '%', 'r')"
    )
    assert export_metrics(con, "2026-10", tmp_path / "m.csv", "csv") == 2
    text = (tmp_path / "m.csv").read_text()
    assert "'=HYPERLINK" in text and "'@SUM(A1)" in text and "z/unit" not in text
    assert export_metrics(con, "2026-10", tmp_path / "m.xlsx", "xlsx") == 2
    from openpyxl import load_workbook

    wb = load_workbook(tmp_path / "m.xlsx")
    # the headline sheet first, then the one family sheet; its column I is Keterangan (the label)
    assert wb.sheetnames == ["Angka utama", "Lainnya"]
    ws = wb["Lainnya"]
    assert ws["I1"].value == "Keterangan"
    assert ws["I2"].value == '\'=HYPERLINK("http://evil")' and ws["I3"].value == "'@SUM(A1)"
