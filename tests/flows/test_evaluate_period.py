"""The Prefect flow against a real (test) Prefect server."""

from __future__ import annotations

from pathlib import Path

import duckdb

from helpers import AS_OF, NIP_A, NIP_B, ROSTER, write_inbox


def test_flow_ingests_validates_and_records_the_run(prefect_server, tmp_path):
    from flows.evaluate import evaluate_period

    inbox = write_inbox(
        tmp_path / "inbox",
        {
            "pegawai/p.csv": ROSTER,
            "presensi/r.csv": (
                "nip,tanggal,jam_masuk,jam_pulang,status\n"
                f"{NIP_A},2026-10-01,07:31,16:00,H\n"
                f"{NIP_B},2026-10-01,07:20,16:10,H\n"
                f"{NIP_B},2026-10-01,07:20,16:10,H\n"
            ),
        },
    )
    wh = tmp_path / "w.duckdb"
    kwargs = dict(period="2026-10", inbox=inbox, warehouse=wh, reference=None, out=tmp_path / "out", as_of=AS_OF)
    from flows.settings import Settings

    kwargs["reference"] = Settings().reference

    outcome = evaluate_period(**kwargs)
    assert not outcome.blocked
    recap = next(f for f in outcome.files if f["path"] == "presensi/r.csv")
    assert (recap["rows_read"], recap["rows_loaded"], recap["rows_quarantined"]) == (3, 2, 1)

    again = evaluate_period(**kwargs)
    assert {f["action"] for f in again.files} == {"unchanged"}

    con = duckdb.connect(str(wh), read_only=True)
    runs = con.execute(
        "select status, period, flow_run_id is not null from lineage.runs order by started_at"
    ).fetchall()
    assert runs == [("success", "2026-10", True), ("success", "2026-10", True)]
    assert con.execute("select count(*) from staging.stg_presensi_recap").fetchall() == [(2,)]
    # published: NIP_A was present on 1 of the 22 workdays of October 2026 (no record = TK)
    assert con.execute(
        f"select value, run_id is not null from metrics where metric_id = 'attendance_rate/asn/{NIP_A}/2026-10'"
    ).fetchall() == [(100.0 / 22, True)]
    assert con.execute("select count(distinct period) from metrics").fetchall() == [(1,)]

    # every mart built is recorded with its SQL for the audit trail, in both runs
    built = set(outcome.published["models"])
    recorded = con.execute("select run_id, model from lineage.models").fetchall()
    assert {m for _, m in recorded} == built and len({r for r, _ in recorded}) == 2
    # the report task ran last: the index page exists and says the period
    assert outcome.report == str(tmp_path / "out" / "2026-10" / "index.html")
    assert "Oktober 2026" in Path(outcome.report).read_text(encoding="utf-8")
    # the named pages: their own root beside out/, never inside it
    assert (tmp_path / "internal" / "2026-10" / "index.html").exists()
    assert not (tmp_path / "out" / "2026-10" / "internal").exists()

    # OpenLineage: START then COMPLETE for the run and each step, twice, beside the warehouse
    from flows.lineage_events import read_events

    events = [(e["job"]["name"], e["eventType"]) for e in read_events(tmp_path / "openlineage" / "events.jsonl")]
    one_run = (
        [("pantau.evaluate_period", "START")]
        + [
            (f"pantau.{step}", kind)
            for step in ("ingest", "validate", "transform", "publish")
            for kind in ("START", "COMPLETE")
        ]
        + [("pantau.evaluate_period", "COMPLETE")]
    )
    assert events == one_run * 2


def test_internal_pages_are_left_out_by_the_setting(prefect_server, tmp_path):
    from flows.evaluate import evaluate_period
    from flows.settings import Settings

    inbox = write_inbox(
        tmp_path / "inbox",
        {
            "pegawai/p.csv": ROSTER,
            "presensi/r.csv": (f"nip,tanggal,jam_masuk,jam_pulang,status\n{NIP_A},2026-10-01,07:31,16:00,H\n"),
        },
    )
    (tmp_path / "out" / "2026-10" / "internal").mkdir(parents=True)  # left by an earlier version
    (tmp_path / "internal" / "2026-10").mkdir(parents=True)  # left by an earlier run
    outcome = evaluate_period(
        period="2026-10",
        inbox=inbox,
        warehouse=tmp_path / "w.duckdb",
        reference=Settings().reference,
        out=tmp_path / "out",
        as_of=AS_OF,
        include_internal=False,
        state_dir=tmp_path / "state",
        openlineage={"path": "ol.jsonl"},
    )
    assert Path(outcome.report).exists()
    assert not (tmp_path / "out" / "2026-10" / "internal").exists()
    assert not (tmp_path / "internal" / "2026-10").exists()
    assert NIP_A not in "".join(p.read_text(encoding="utf-8") for p in (tmp_path / "out").rglob("*.html"))
    assert (tmp_path / "state" / "ol.jsonl").exists()


def test_flow_blocks_when_the_period_has_no_attendance(prefect_server, tmp_path):
    from flows.evaluate import evaluate_period
    from flows.settings import Settings

    inbox = write_inbox(tmp_path / "inbox", {"pegawai/p.csv": ROSTER})
    outcome = evaluate_period(
        period="2026-10",
        inbox=inbox,
        warehouse=tmp_path / "w.duckdb",
        reference=Settings().reference,
        out=tmp_path / "out",
        as_of=AS_OF,
    )
    assert outcome.blocked
    assert any("tidak ada data presensi yang sah untuk periode 2026-10" in b for b in outcome.blocking)
    con = duckdb.connect(str(tmp_path / "w.duckdb"), read_only=True)
    assert con.execute("select status from lineage.runs").fetchall() == [("blocked",)]
    assert outcome.report is None and not (tmp_path / "out").exists()
    # the blocked step and the run end in FAIL, with the reason; nothing was transformed
    from flows.lineage_events import read_events

    events = read_events(tmp_path / "openlineage" / "events.jsonl")
    assert [(e["job"]["name"], e["eventType"]) for e in events] == [
        ("pantau.evaluate_period", "START"),
        ("pantau.ingest", "START"),
        ("pantau.ingest", "COMPLETE"),
        ("pantau.validate", "START"),
        ("pantau.validate", "FAIL"),
        ("pantau.evaluate_period", "FAIL"),
    ]
    assert "tidak ada data presensi" in events[4]["run"]["facets"]["errorMessage"]["message"]
