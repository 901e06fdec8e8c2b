"""What expectations/validate.py relies on in Great Expectations 1.24.1, pinned here.

Validation leans on three things GX does not promise across versions: a module constant that
turns off its per-batch fingerprint (HASH_THRESHOLD), the shape of `unexpected_index_list`
with `exclude_unexpected_values`, and the pandas row-condition syntax of our suites. An upgrade
that changes any of them fails here, loudly, before it can slow validation down or lose a row.
"""

from __future__ import annotations

import pandas as pd
import pytest

import expectations.validate as validate

GX_VERSION = "1.24.1"


def test_great_expectations_is_the_version_these_checks_were_written_for():
    import great_expectations as gx

    assert gx.__version__ == GX_VERSION, (
        f"GX {gx.__version__}: re-check HASH_THRESHOLD, the unexpected_index_list shape and the "
        "pandas row conditions (this file), then update GX_VERSION and pyproject.toml together"
    )


def test_batches_are_not_fingerprinted():
    from great_expectations.execution_engine import pandas_execution_engine

    _, _, batch_definition = validate._gx()
    assert hasattr(pandas_execution_engine, "HASH_THRESHOLD")
    assert pandas_execution_engine.HASH_THRESHOLD == 0
    batch = batch_definition.get_batch(batch_parameters={"dataframe": pd.DataFrame({"a": [1, 2]})})
    assert "pandas_data_fingerprint" not in batch.batch_markers


def _suite_positions(shape, column, kind):
    doc = validate.load_suite_doc(shape)
    return tuple(
        i
        for i, e in enumerate(doc["expectations"])
        if e["kwargs"]["column"] == column and e["type"] == kind and "row_condition" not in e["kwargs"]
    )


@pytest.mark.parametrize("index_columns", [["_file_id", "_row"], [validate.TUPLE_ID]])
def test_failing_rows_come_back_by_their_index_columns(index_columns):
    frame = pd.DataFrame(
        {
            "_file_id": [1, 1, 2, 2],
            "_row": [2, 3, 2, 5],
            validate.TUPLE_ID: [0, 1, 2, 3],
            "nip": ["198503122010011001", "12345", None, "19850312201001100X"],
        }
    )
    positions = _suite_positions("presensi_recap", "nip", "expect_column_values_to_match_regex")
    [outcome] = validate._run_gx("presensi_recap", frame, {}, positions, index_columns)
    expected = frame.iloc[[1, 3]][index_columns].to_dict("records")
    assert [{k: int(v) for k, v in hit.items()} for hit in outcome.hits] == expected


def test_an_unknown_index_list_shape_stops_the_run():
    with pytest.raises(validate.ValidationError):
        validate._index_entries([[1, 2]], ["_file_id", "_row"])


def test_pandas_row_conditions_still_run():
    frame = pd.DataFrame(
        {
            "_file_id": [1, 1],
            "_row": [2, 3],
            "nip": ["198503122010011001", "198503129910011001"],
            "nip_lahir": pd.to_datetime(["1985-03-12", "1985-03-12"]),
            "nip_tmt": pd.to_datetime(["2010-01-01", None]),
        }
    )
    positions = tuple(
        i
        for i, e in enumerate(validate.load_suite_doc("presensi_recap")["expectations"])
        if e["kwargs"]["column"] == "nip_tmt"
    )
    [outcome] = validate._run_gx("presensi_recap", frame, {}, positions, ["_file_id", "_row"])
    assert [(int(h["_file_id"]), int(h["_row"])) for h in outcome.hits] == [(1, 3)]


def test_our_calls_raise_no_deprecation_warning(tmp_path, caplog):
    """Every suite built and an inbox validated end to end: GX warns of nothing we call (its
    own import-time warnings excepted), and logs nothing at INFO (no ephemeral docs site)."""
    import logging
    import warnings

    import great_expectations  # noqa: F401  (importing GX is not our call)

    from flows.steps import ingest_step, validate_step
    from helpers import AS_OF, NIP_A, ROSTER, write_inbox
    from transforms.reference import DEFAULT_REFERENCE_DIR
    from transforms.warehouse import connect

    validate._GX_STARTUP.clear()
    validate._suite.cache_clear()
    inbox = write_inbox(
        tmp_path / "inbox",
        {
            "pegawai/p.csv": ROSTER,
            "presensi/r.csv": (
                f"nip,tanggal,jam_masuk,jam_pulang,status\n{NIP_A},2026-10-01,07:31,16:00,H\n12345,2026-10-02,07:31,16:00,H\n"
            ),
        },
    )
    con = connect(":memory:")
    with warnings.catch_warnings(record=True) as caught, caplog.at_level(logging.INFO, logger="great_expectations"):
        warnings.simplefilter("always")
        for path in sorted(validate.SUITES_DIR.glob("*.json")):
            validate._suite(path.stem)
        reports, _ = ingest_step(con, inbox, DEFAULT_REFERENCE_DIR, None)
        outcome = validate_step(con, reports, AS_OF, None)
    assert [q[:2] for q in outcome.quarantine] == [("presensi/r.csv", "nip_format")]  # the row conditions ran
    assert [f"{w.filename}:{w.lineno}: {w.message}" for w in caught if issubclass(w.category, DeprecationWarning)] == []
    assert [r.getMessage() for r in caplog.records if r.name.startswith("great_expectations")] == []
