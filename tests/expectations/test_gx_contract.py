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
        "pandas row conditions (this file), then update GX_VERSION and pyproject.toml together")


def test_batches_are_not_fingerprinted():
    from great_expectations.execution_engine import pandas_execution_engine

    _, _, batch_definition = validate._gx()
    assert hasattr(pandas_execution_engine, "HASH_THRESHOLD")
    assert pandas_execution_engine.HASH_THRESHOLD == 0
    batch = batch_definition.get_batch(batch_parameters={"dataframe": pd.DataFrame({"a": [1, 2]})})
    assert "pandas_data_fingerprint" not in batch.batch_markers


def _suite_positions(shape, column, kind):
    doc = validate.load_suite_doc(shape)
    return tuple(i for i, e in enumerate(doc["expectations"])
                 if e["kwargs"]["column"] == column and e["type"] == kind and "row_condition" not in e["kwargs"])


@pytest.mark.parametrize("index_columns", [["_file_id", "_row"], [validate.TUPLE_ID]])
def test_failing_rows_come_back_by_their_index_columns(index_columns):
    frame = pd.DataFrame({
        "_file_id": [1, 1, 2, 2], "_row": [2, 3, 2, 5], validate.TUPLE_ID: [0, 1, 2, 3],
        "nip": ["198503122010011001", "12345", None, "19850312201001100X"],
    })
    positions = _suite_positions("presensi_recap", "nip", "expect_column_values_to_match_regex")
    [outcome] = validate._run_gx("presensi_recap", frame, {}, positions, index_columns)
    expected = frame.iloc[[1, 3]][index_columns].to_dict("records")
    assert [{k: int(v) for k, v in hit.items()} for hit in outcome.hits] == expected


def test_an_unknown_index_list_shape_stops_the_run():
    with pytest.raises(validate.ValidationError):
        validate._index_entries([[1, 2]], ["_file_id", "_row"])


def test_pandas_row_conditions_still_run():
    frame = pd.DataFrame({"_file_id": [1, 1], "_row": [2, 3], "nip": ["198503122010011001", "198503129910011001"],
                          "nip_lahir": pd.to_datetime(["1985-03-12", "1985-03-12"]),
                          "nip_tmt": pd.to_datetime(["2010-01-01", None])})
    positions = tuple(i for i, e in enumerate(validate.load_suite_doc("presensi_recap")["expectations"])
                      if e["kwargs"]["column"] == "nip_tmt")
    [outcome] = validate._run_gx("presensi_recap", frame, {}, positions, ["_file_id", "_row"])
    assert [(int(h["_file_id"]), int(h["_row"])) for h in outcome.hits] == [(1, 3)]
