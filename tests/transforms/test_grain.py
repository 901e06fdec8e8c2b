"""Declared grains (transforms/grain.py): every model's header names the columns of one row, the
build checks them right after each model over the run's periods, a duplicate key stops the run
naming the model, the grain and the keys, and lineage.models records grain and check."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from helpers import AS_OF, NIP_A, NIP_B, ROSTER, empty_staging, given, run_records, write_inbox
from transforms.grain import GrainViolation, declared_grain
from transforms.models import MODEL_SCHEMAS, MODELS_DIR, discover_models, run_models, upstream

ROOT = Path(__file__).resolve().parents[2]


def _marts_upto(target: str) -> list[str]:
    return [m for m in upstream([target], discover_models()) if m.startswith("marts.")]


def test_every_model_file_declares_a_grain_in_its_header():
    files = sorted(p for schema in MODEL_SCHEMAS for p in (MODELS_DIR / schema).glob("*.sql"))
    assert len(files) == len(discover_models()) > 50
    missing = [p.name for p in files if not declared_grain(p.read_text(encoding="utf-8"))]
    assert missing == []
    assert declared_grain((MODELS_DIR / "marts" / "attendance_asn_month.sql").read_text()) == ("nip", "period")
    assert declared_grain((MODELS_DIR / "marts" / "metrics_skm.sql").read_text()) == ("metric_id",)


def test_only_the_header_declares_and_a_bad_column_is_refused():
    assert declared_grain("-- x: one row per a\n-- grain: a, b\nselect 1 as a, 2 as b") == ("a", "b")
    assert declared_grain("-- x: one row per a\nselect 1 as a\n-- grain: a") == ()
    with pytest.raises(ValueError, match="bukan nama kolom: count"):
        declared_grain("-- grain: a, count(*)\nselect 1")


def test_a_model_built_with_a_duplicate_key_fails_naming_model_grain_and_keys(warehouse):
    # the recap is unique per ASN-day after validation; given bypasses it, so the mart over it repeats the day
    empty_staging(warehouse)
    given(
        warehouse,
        "staging.stg_presensi_recap",
        [
            {"nip": NIP_A, "tanggal": "2026-10-01", "jam_masuk": "07:31", "jam_pulang": "16:00", "status": "H"},
            {"nip": NIP_A, "tanggal": "2026-10-01", "jam_masuk": "07:40", "jam_pulang": "16:05", "status": "H"},
            {"nip": NIP_B, "tanggal": "2026-10-01", "jam_masuk": "07:20", "jam_pulang": "16:10", "status": "H"},
        ],
    )
    with pytest.raises(GrainViolation) as caught:
        run_models(warehouse, _marts_upto("marts.attendance_asn_day"), period="2026-10")
    exc = caught.value
    assert (exc.model, exc.grain) == ("marts.presensi_recap_koreksi", ("nip", "tanggal"))
    assert exc.keys == [(NIP_A, date(2026, 10, 1), 2)]
    text = str(exc)
    assert (
        "model marts.presensi_recap_koreksi (transforms/marts/presensi_recap_koreksi.sql) melanggar grain "
        f"(nip, tanggal): 1 kunci muncul lebih dari sekali, misalnya nip={NIP_A}, tanggal=2026-10-01 "
        "(2 baris/rows)"
    ) in text
    assert "staging.stg_presensi_recap" in text  # what it reads: where to look
    assert f"breaks its grain (nip, tanggal): 1 key(s) occur more than once, e.g. nip={NIP_A}" in text
    # the build stopped there: nothing downstream of the broken model was built
    assert not warehouse.execute(
        "select count(*) from information_schema.tables where table_name = 'attendance_asn_day'"
    ).fetchall()[0][0]


def test_the_check_covers_the_run_s_periods_where_the_model_has_a_period_column(warehouse):
    empty_staging(warehouse)
    row = {
        "nip": NIP_A,
        "periode": "2026-09",
        "rhk": "R1",
        "indikator": "Laporan",
        "target_kind": "nilai",
        "target": 10.0,
        "realisasi": 9.0,
        "arah": "naik",
    }
    given(warehouse, "staging.stg_skp", [row, row])
    marts = _marts_upto("marts.skp_koreksi")
    run_models(warehouse, marts, period="2026-10")  # September's duplicate is not this run's
    [(periods, dup)] = warehouse.execute(
        "select periods, duplicate_keys from grain_checks where model = 'marts.skp_koreksi'"
    ).fetchall()
    assert (periods, dup) == (["2026-10"], 0)
    with pytest.raises(GrainViolation) as caught:
        run_models(warehouse, marts, period="2026-09")
    # September closes the third quarter: a run of 2026-09 publishes both
    assert caught.value.model == "marts.skp_koreksi" and caught.value.periods == ["2026-09", "2026-Q3"]
    assert f"pada periode 2026-09, 2026-Q3, misalnya nip={NIP_A}, periode=2026-09, indikator=Laporan" in str(
        caught.value
    )
    with pytest.raises(GrainViolation):  # no period (pantau validate, tests): every row
        run_models(warehouse, marts)


@pytest.fixture(scope="module")
def samples_run():
    from flows.steps import build_step, ingest_step, validate_step
    from transforms.warehouse import connect

    con = connect(":memory:")
    reports, _ = ingest_step(con, ROOT / "data" / "samples", ROOT / "data" / "reference", "run-grain")
    validate_step(con, reports, AS_OF, "run-grain", period="2026-10")
    built = build_step(con, "run-grain", "2026-10")
    yield con, built
    con.close()


def test_the_samples_run_records_every_mart_s_grain_and_check_in_lineage_models(samples_run):
    con, built = samples_run
    recorded = {
        m: (json.loads(g), json.loads(c))
        for m, g, c in con.execute(
            "select model, grain, grain_check from lineage.models where run_id = 'run-grain'"
        ).fetchall()
    }
    models = discover_models()
    assert set(recorded) == set(built) and len(built) > 30
    assert {m: g for m, (g, _) in recorded.items()} == {m: list(declared_grain(models[m].sql)) for m in built}
    assert {c["result"] for _, c in recorded.values()} == {"passed"}
    assert recorded["marts.attendance_asn_month"] == (
        ["nip", "period"],
        {"result": "passed", "period_column": "period", "periods": ["2026-10"], "duplicate_keys": 0},
    )
    # a model without a period column is checked on every row
    assert recorded["marts.skp_kepala_unit"][1]["periods"] is None
    # readers get it back
    from transforms.lineage import recorded_models

    rec = recorded_models(con, "run-grain", ["marts.skp_asn_period"])["marts.skp_asn_period"]
    assert rec["grain"] == ["nip", "periode"] and rec["grain_check"]["periods"] == ["2026-10"]


def test_an_older_warehouse_gets_the_grain_columns():
    from transforms.lineage import ensure_tables
    from transforms.warehouse import connect

    con = connect(":memory:")
    con.execute("create table lineage.models (run_id varchar, model varchar, recorded_at timestamp)")
    con.execute("insert into lineage.models values ('old', 'marts.x', now())")
    ensure_tables(con)
    assert con.execute("select run_id, grain, grain_check from lineage.models").fetchall() == [("old", None, None)]


def _shared_alias(tmp_path: Path) -> Path:
    """A copy of data/reference whose units.csv gives 'Gaung Baru' to a second kelurahan: the
    alias would name two units, so staging.unit_aliases has two rows for it."""
    ref = tmp_path / "ref"
    shutil.copytree(ROOT / "data" / "reference", ref)
    units = ref / "units.csv"
    text = units.read_text(encoding="utf-8")
    old = "Kelurahan Bukit Sua|Kel. Bukit Sua|Bukit Sua,"
    assert old in text
    units.write_text(text.replace(old, "Kelurahan Bukit Sua|Kel. Bukit Sua|Bukit Sua|Gaung Baru,"), encoding="utf-8")
    return ref


def test_pantau_validate_and_run_stop_with_exit_1_naming_the_model_and_the_key(tmp_path):
    inbox = write_inbox(tmp_path / "inbox", {"pegawai/p.csv": ROSTER})
    config = tmp_path / "pantau.toml"
    config.write_text(
        f'[paths]\ninbox = "{inbox}"\nwarehouse = "{tmp_path / "w.duckdb"}"\nout = "{tmp_path / "out"}"\n'
        f'reference = "{_shared_alias(tmp_path)}"\nstate_dir = "{tmp_path / "state"}"\n'
    )
    expected = (
        "model staging.unit_aliases (transforms/staging/unit_aliases.sql) melanggar grain (alias): "
        "1 kunci muncul lebih dari sekali, misalnya alias=gaung baru (2 baris/rows)"
    )
    for args in (["validate"], ["run", "--period", "2026-10"]):
        result = subprocess.run(
            [sys.executable, "-m", "flows.cli", *args, "--config", str(config)],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=600,
        )
        assert result.returncode == 1, result.stderr[-2000:]
        assert expected in result.stderr and "ref.units" in result.stderr
        assert "galat internal" not in result.stderr and "Traceback" not in result.stderr
    assert not (tmp_path / "out" / "2026-10").exists()
    [(status, message)] = run_records(tmp_path / "w.duckdb")
    assert status == "blocked" and expected in message
