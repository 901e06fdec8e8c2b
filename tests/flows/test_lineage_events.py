"""OpenLineage events of a run (flows/lineage_events.py) on the committed samples.

The steps run as the flow runs them, each inside `step_events`; every event written by the
client's FileTransport is validated against the OpenLineage JSON schema (RunEvent 2-0-2) and
every facet against the schema its `_schemaURL` names (tests/fixtures/openlineage/).
"""

from __future__ import annotations

import hashlib
import json
import threading
import uuid
from datetime import datetime
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from urllib.parse import urlparse

import pytest

from helpers import AS_OF

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = ROOT / "data" / "samples"
SCHEMAS = ROOT / "tests" / "fixtures" / "openlineage"
PERIOD = "2026-10"
FLOW_RUN_ID = "0b9d6c1e-4a7f-4c2e-8d31-5e6f70a1b2c3"
STEPS = ("ingest", "validate", "transform", "publish")


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    """A run of the samples with events around each step, written to a JSON-lines file."""
    from expectations.reference import load_reference_tables
    from expectations.validate import validate_warehouse
    from flows.lineage_events import lineage_config, read_events, step_events
    from transforms.ingest import ingest_inbox
    from transforms.lineage import record_models
    from transforms.models import discover_models, install_macros, run_models
    from transforms.publish import publish
    from transforms.runs import finish_run, start_run
    from transforms.warehouse import connect

    state = tmp_path_factory.mktemp("state")
    warehouse = state / "pantau.duckdb"
    config = lineage_config(state, environ={})
    con = connect(warehouse)
    run_id = start_run(con, "run", PERIOD, AS_OF, {"inbox": str(SAMPLES)}, flow_run_id=FLOW_RUN_ID)
    common = dict(config=config, con=con, warehouse=warehouse, period=PERIOD, flow_run_id=FLOW_RUN_ID)
    with step_events("run", run_id, **common):
        with step_events("ingest", run_id, **common):
            load_reference_tables(con, run_id=run_id)
            ingest_inbox(con, SAMPLES, run_id)
        with step_events("validate", run_id, **common):
            validate_warehouse(con, AS_OF, run_id)
        with step_events("transform", run_id, **common) as step:
            install_macros(con)
            step.built = run_models(con, [n for n in discover_models() if n.startswith("marts.")])
            record_models(con, run_id, step.built)
        with step_events("publish", run_id, **common):
            publish(con, PERIOD, run_id)
    finish_run(con, run_id, "success")
    events = read_events(config.path)
    yield {
        "con": con,
        "run_id": run_id,
        "events": events,
        "config": config,
        "warehouse": warehouse,
        "built": step.built,
    }
    con.close()


# ---------------------------------------------------------------- schema validation


def _validator():
    from jsonschema import FormatChecker
    from referencing import Registry, Resource

    docs = [
        json.loads(p.read_text()) for p in [SCHEMAS / "OpenLineage.json", *sorted((SCHEMAS / "facets").glob("*.json"))]
    ]
    registry = Registry().with_resources((d["$id"], Resource.from_contents(d)) for d in docs)
    return registry, {d["$id"]: d for d in docs}, FormatChecker()


def validate_event(event: dict) -> list[str]:
    """Every error of the event against the RunEvent schema and of each facet against the schema
    its `_schemaURL` names; a facet whose schema is not kept here is an error too."""
    from jsonschema import Draft202012Validator

    registry, docs, formats = _validator()
    core_id = "https://openlineage.io/spec/2-0-2/OpenLineage.json"
    errors = [
        f"event: {e.message}"
        for e in Draft202012Validator(docs[core_id], registry=registry, format_checker=formats).iter_errors(event)
    ]

    def facets_of(holder: dict, key: str, where: str):
        for name, facet in (holder.get(key) or {}).items():
            yield f"{where}.{key}.{name}", facet

    found = list(facets_of(event["run"], "facets", "run")) + list(facets_of(event["job"], "facets", "job"))
    for side in ("inputs", "outputs"):
        for i, ds in enumerate(event.get(side, [])):
            found += facets_of(ds, "facets", f"{side}[{i}]")
            found += facets_of(ds, "inputFacets" if side == "inputs" else "outputFacets", f"{side}[{i}]")
    for where, facet in found:
        url = facet.get("_schemaURL", "")
        doc_id, _, pointer = url.partition("#")
        if doc_id not in docs or doc_id == core_id:
            errors.append(f"{where}: no schema kept for {url}")
            continue
        schema = {"$ref": url}
        errors += [
            f"{where}: {e.message}"
            for e in Draft202012Validator(schema, registry=registry, format_checker=formats).iter_errors(facet)
        ]
        for key in ("_producer", "_schemaURL"):
            if not urlparse(facet.get(key, "")).scheme:
                errors.append(f"{where}: {key} is not a URI")
    for key in ("producer", "schemaURL"):
        if not urlparse(event.get(key, "")).scheme:
            errors.append(f"event: {key} is not a URI")
    return errors


def test_every_event_of_the_run_validates_against_the_openlineage_schema(run):
    events = run["events"]
    assert [(e["job"]["name"], e["eventType"]) for e in events] == [
        ("pantau.evaluate_period", "START"),
        *[(f"pantau.{s}", t) for s in STEPS for t in ("START", "COMPLETE")],
        ("pantau.evaluate_period", "COMPLETE"),
    ]
    for event in events:
        assert validate_event(event) == [], event["job"]["name"]
        datetime.fromisoformat(event["eventTime"].replace("Z", "+00:00"))
        uuid.UUID(event["run"]["runId"])


def test_the_schema_check_rejects_a_broken_event(run):
    event = json.loads(json.dumps(run["events"][1]))
    event["eventType"] = "FINISHED"
    event["run"]["runId"] = "not-a-uuid"
    del event["run"]["facets"]["parent"]["job"]["name"]
    event["job"]["facets"]["jobType"].pop("integration")
    errors = validate_event(event)
    assert any("FINISHED" in e for e in errors)
    assert any("not-a-uuid" in e for e in errors)
    assert any("run.facets.parent" in e and "'name'" in e for e in errors)
    assert any("job.facets.jobType" in e and "'integration'" in e for e in errors)
    event = json.loads(json.dumps(run["events"][1]))
    event["run"]["facets"]["custom"] = {"_producer": "urn:x", "_schemaURL": "https://example.org/Custom.json"}
    assert any("no schema kept" in e for e in validate_event(event))


def test_each_step_shares_its_run_id_between_start_and_complete_under_the_prefect_flow_run(run):
    by_job: dict[str, set[str]] = {}
    for e in run["events"]:
        by_job.setdefault(e["job"]["name"], set()).add(e["run"]["runId"])
        tags = {t["key"]: t["value"] for t in e["run"]["facets"]["tags"]["tags"]}
        assert tags["pantau_run_id"] == run["run_id"] and tags["period"] == PERIOD
        assert e["run"]["facets"]["nominalTime"]["nominalStartTime"] == "2026-10-01T00:00:00+07:00"
        assert e["run"]["facets"]["nominalTime"]["nominalEndTime"] == "2026-11-01T00:00:00+07:00"
        if e["job"]["name"] != "pantau.evaluate_period":
            assert e["run"]["facets"]["parent"]["run"]["runId"] == FLOW_RUN_ID
            assert e["run"]["facets"]["parent"]["job"]["name"] == "pantau.evaluate_period"
    assert all(len(ids) == 1 for ids in by_job.values())
    assert by_job["pantau.evaluate_period"] == {FLOW_RUN_ID}
    assert len({next(iter(ids)) for ids in by_job.values()}) == 5


def _complete(run, step: str) -> dict:
    return next(e for e in run["events"] if e["job"]["name"] == f"pantau.{step}" and e["eventType"] == "COMPLETE")


def test_ingest_names_each_file_with_its_sha256_as_dataset_version(run):
    event = _complete(run, "ingest")
    files = {i["name"]: i for i in event["inputs"] if i["namespace"] == "file"}
    sample = (SAMPLES / "pegawai" / "pegawai.csv").resolve()
    entry = files[sample.as_posix()]
    assert entry["facets"]["version"]["datasetVersion"] == hashlib.sha256(sample.read_bytes()).hexdigest()
    assert entry["facets"]["dataSource"]["uri"] == sample.as_uri()
    ref = (ROOT / "data" / "reference" / "discipline_bands.csv").resolve()
    assert files[ref.as_posix()]["facets"]["version"]["datasetVersion"] == hashlib.sha256(ref.read_bytes()).hexdigest()
    sample_files = [p for p in SAMPLES.rglob("*") if p.is_file() and not p.name.startswith(".")]
    assert len([n for n in files if n.startswith(SAMPLES.resolve().as_posix())]) == len(sample_files)
    outputs = {o["name"]: o for o in event["outputs"]}
    con = run["con"]
    assert (
        outputs["raw.presensi_recap"]["outputFacets"]["outputStatistics"]["rowCount"]
        == con.execute("select count(*) from raw.presensi_recap").fetchone()[0]
    )
    assert [f["name"] for f in outputs["raw.presensi_recap"]["facets"]["schema"]["fields"]][:2] == ["_file_id", "_row"]


def test_validate_carries_the_great_expectations_results_as_data_quality_assertions(run):
    con, run_id = run["con"], run["run_id"]
    event = _complete(run, "validate")
    inputs = {i["name"]: i for i in event["inputs"]}
    assert {i for i in inputs if not i.startswith("ref.")} == {
        f"raw.{s}" for s in ("pegawai", "presensi_recap", "presensi_scan", "skp", "skm", "layanan", "koreksi")
    }
    # the reference tables' own suites, one dataset each (expectations/reference.py)
    assert {"ref.discipline_bands", "ref.reference_tables"} <= set(inputs)
    bands = inputs["ref.discipline_bands"]["inputFacets"]["dataQualityAssertions"]["assertions"]
    assert "expect_column_pair_values_to_be_equal" in {a["assertion"] for a in bands}
    assert all(a["success"] for a in bands)
    for shape in ("presensi_scan", "skp"):
        assertions = inputs[f"raw.{shape}"]["inputFacets"]["dataQualityAssertions"]["assertions"]
        expected = con.execute(
            """
            select expectation_id, bool_and(success), sum(unexpected) from lineage.validation_results
            where run_id = ? and shape = ? group by expectation_id""",
            [run_id, shape],
        ).fetchall()
        assert {a["params"]["expectation_id"]: (a["success"], int(a["actual"])) for a in assertions} == {
            eid: (ok, int(n)) for eid, ok, n in expected
        }
        assert all(a["assertion"].startswith("expect_") for a in assertions)
    outputs = {o["name"]: o for o in event["outputs"]}
    assert (
        outputs["quarantine.rows"]["outputFacets"]["outputStatistics"]["rowCount"]
        == con.execute("select count(*) from quarantine.rows").fetchone()[0]
    )


def test_a_failing_expectation_is_an_unsuccessful_assertion_with_its_count(tmp_path):
    from expectations.reference import load_reference_tables
    from expectations.validate import validate_warehouse
    from flows.lineage_events import emit, lineage_config
    from helpers import NIP_A, NIP_B, ROSTER, write_inbox
    from transforms.ingest import ingest_inbox
    from transforms.warehouse import connect

    inbox = write_inbox(
        tmp_path / "inbox",
        {
            "pegawai/pegawai.csv": ROSTER,
            "presensi/rekap.csv": (
                "nip,tanggal,jam_masuk,jam_pulang,status\n"
                f"{NIP_A},2026-10-01,07:20,16:05,H\n"
                f"{NIP_B},2026-10-01,07:25,16:10,XYZ\n"
                f"{NIP_A},2026-10-02,07:21,16:01,ZZ\n"
            ),
        },
    )
    con = connect(":memory:")
    try:
        load_reference_tables(con, run_id="run-kotor")
        ingest_inbox(con, inbox, "run-kotor")
        validate_warehouse(con, AS_OF, "run-kotor")
        event = emit("validate", "COMPLETE", "run-kotor", config=lineage_config(tmp_path, environ={}), con=con)
    finally:
        con.close()
    assert validate_event(event) == []
    recap = next(i for i in event["inputs"] if i["name"] == "raw.presensi_recap")
    assertions = recap["inputFacets"]["dataQualityAssertions"]["assertions"]
    failed = [a for a in assertions if not a["success"]]
    assert [(a["name"], a["column"], a["actual"], a["severity"]) for a in failed] == [
        ("status_unknown", "status", "2", "error")
    ]
    assert all(a["actual"] == "0" for a in assertions if a["success"])


def test_transform_outputs_carry_schema_row_count_and_column_lineage(run):
    con = run["con"]
    event = _complete(run, "transform")
    outputs = {o["name"]: o for o in event["outputs"]}
    assert set(outputs) == set(run["built"])
    month = outputs["marts.attendance_asn_month"]
    assert [f["name"] for f in month["facets"]["schema"]["fields"]] == [
        r[0] for r in con.execute("describe marts.attendance_asn_month").fetchall()
    ]
    assert (
        month["outputFacets"]["outputStatistics"]["rowCount"]
        == con.execute("select count(*) from marts.attendance_asn_month").fetchone()[0]
    )
    rate = month["facets"]["columnLineage"]["fields"]["attendance_rate"]["inputFields"]
    assert {(f["name"], f["field"]) for f in rate} >= {
        ("marts.attendance_asn_day", "is_present"),
        ("marts.attendance_asn_day", "is_unknown"),
    }
    assert {t["subtype"] for f in rate for t in f["transformations"]} == {"AGGREGATION"}
    assert all(f["namespace"] == f"duckdb:{run['warehouse'].resolve().as_posix()}" for f in rate)
    inputs = {i["name"] for i in event["inputs"]}
    assert {"staging.stg_presensi_recap", "ref.discipline_bands", "quarantine.rows"} <= inputs
    assert not inputs & set(run["built"])


def test_publish_writes_the_metrics_of_the_run(run):
    con, run_id = run["con"], run["run_id"]
    event = _complete(run, "publish")
    assert {i["name"] for i in event["inputs"]} >= {"marts.metrics_attendance", "marts.metrics_skp"}
    metrics = next(o for o in event["outputs"] if o["name"] == "main.metrics")
    assert (
        metrics["outputFacets"]["outputStatistics"]["rowCount"]
        == con.execute("select count(*) from main.metrics where run_id = ?", [run_id]).fetchone()[0]
        > 0
    )
    assert {f["name"] for f in metrics["facets"]["columnLineage"]["fields"]["value"]["inputFields"]} >= {
        "marts.metrics_attendance",
        "marts.metrics_skp",
    }


def test_a_failing_step_emits_fail_with_the_error_and_the_exception_goes_on(run, tmp_path):
    from flows.lineage_events import lineage_config, read_events, step_events

    config = lineage_config(tmp_path, environ={})
    with pytest.raises(RuntimeError, match="disk penuh"):
        with step_events(
            "transform", "run-gagal", config=config, con=run["con"], warehouse=run["warehouse"], period=PERIOD
        ):
            raise RuntimeError("disk penuh")
    start, fail = read_events(config.path)
    assert (start["eventType"], fail["eventType"]) == ("START", "FAIL")
    assert start["run"]["runId"] == fail["run"]["runId"]
    assert fail["run"]["facets"]["errorMessage"]["message"] == "RuntimeError: disk penuh"
    assert fail["run"]["facets"]["errorMessage"]["programmingLanguage"] == "python"
    assert "disk penuh" in fail["run"]["facets"]["errorMessage"]["stackTrace"]
    assert validate_event(fail) == []

    # a step that ends without an exception but did not do its work (publishing blocked)
    with step_events("publish", "run-diblokir", config=config, con=run["con"], period=PERIOD) as step:
        step.fail("metrics: 2 nilai di luar rentang")
    assert read_events(config.path)[-1]["eventType"] == "FAIL"
    assert (
        read_events(config.path)[-1]["run"]["facets"]["errorMessage"]["message"] == "metrics: 2 nilai di luar rentang"
    )


# ---------------------------------------------------------------- transports and configuration


class _Collector(BaseHTTPRequestHandler):
    received: list = []

    def do_POST(self):  # noqa: N802
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        type(self).received.append((self.path, self.headers.get("Authorization"), json.loads(body)))
        self.send_response(201)
        self.end_headers()

    def log_message(self, *args):
        pass


def test_events_go_to_an_openlineage_http_endpoint_when_a_url_is_configured(run, tmp_path):
    from flows.lineage_events import emit, lineage_config, read_events

    _Collector.received = []
    server = HTTPServer(("127.0.0.1", 0), _Collector)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        url = f"http://127.0.0.1:{server.server_port}"
        config = lineage_config(tmp_path, {"url": url, "api_key": "rahasia"}, environ={})
        event = emit("publish", "COMPLETE", run["run_id"], config=config, con=run["con"], warehouse=run["warehouse"])
    finally:
        server.shutdown()
        server.server_close()
    ((path, auth, body),) = _Collector.received
    assert path == "/api/v1/lineage" and auth == "Bearer rahasia"
    assert body["run"]["runId"] == event["run"]["runId"] and body["eventType"] == "COMPLETE"
    assert read_events(config.path)[-1]["run"]["runId"] == event["run"]["runId"]  # and the file still


def test_an_unreachable_endpoint_does_not_stop_the_run(tmp_path):
    import socket

    from flows.lineage_events import build_event, lineage_config, read_events, send

    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    config = lineage_config(tmp_path, {"url": f"http://127.0.0.1:{port}", "timeout": 1, "retries": 0}, environ={})
    problems = send(build_event("ingest", "START", "run-x"), config)
    assert len(problems) == 1 and problems[0].startswith("OpenLineage http")
    assert read_events(config.path)[0]["job"]["name"] == "pantau.ingest"


def test_configuration_defaults_toml_section_and_environment(tmp_path):
    from flows.lineage_events import lineage_config

    default = lineage_config(tmp_path, environ={})
    assert default.path == tmp_path / "openlineage" / "events.jsonl"
    assert default.url is None and default.enabled and default.namespace == "pantau-kinerja"
    section = lineage_config(
        tmp_path, {"path": "ol/run.jsonl", "url": "http://marquez:5000", "namespace": "rakumpit"}, environ={}
    )
    assert section.path == tmp_path / "ol" / "run.jsonl" and section.url == "http://marquez:5000"
    assert section.namespace == "rakumpit"
    env = lineage_config(
        tmp_path,
        {"url": "http://marquez:5000"},
        environ={"OPENLINEAGE_URL": "http://127.0.0.1:5000", "OPENLINEAGE_DISABLED": "true"},
    )
    assert env.url == "http://127.0.0.1:5000" and not env.enabled
    assert lineage_config(tmp_path, {"path": "off"}, environ={}).path is None


def test_configuration_from_the_pantau_toml_file(tmp_path, monkeypatch):
    from flows.lineage_events import config_from_settings
    from flows.settings import load_settings

    for name in ("OPENLINEAGE_URL", "OPENLINEAGE_DISABLED", "OPENLINEAGE_NAMESPACE", "PANTAU_OPENLINEAGE_FILE"):
        monkeypatch.delenv(name, raising=False)
    toml = tmp_path / "pantau.toml"
    toml.write_text(
        '[paths]\nstate_dir = "state"\n\n[openlineage]\nurl = "http://localhost:5000"\nnamespace = "kec-rakumpit"\n',
        encoding="utf-8",
    )
    config = config_from_settings(load_settings(toml))
    assert config.url == "http://localhost:5000" and config.namespace == "kec-rakumpit"
    assert config.path == (tmp_path / "state" / "openlineage" / "events.jsonl").resolve()


def test_a_disabled_configuration_writes_nothing(tmp_path):
    from flows.lineage_events import build_event, lineage_config, send

    config = lineage_config(tmp_path, {"enabled": False}, environ={})
    assert send(build_event("ingest", "START", "run-y"), config) == []
    assert not config.path.exists()
