"""Which expectations GX may run on distinct value tuples (expectations/plan.py)."""

from __future__ import annotations

from expectations.plan import condition_columns, plan_suite

COLUMNS = ["_file_id", "_row", "nip", "nip_lahir", "nip_in_roster", "tanggal_date", "status_code", "copy_number"]


def exp(kind, column, **kwargs):
    return {"type": kind, "kwargs": {"column": column, **kwargs}}


NOT_NULL = "expect_column_values_to_not_be_null"
REGEX = "expect_column_values_to_match_regex"


def test_a_pandas_condition_reads_the_columns_it_names_and_nothing_in_its_strings():
    kwargs = {
        "row_condition": 'nip_lahir.notnull() and nip.str.fullmatch("status_code", na=False)',
        "condition_parser": "pandas",
    }
    assert condition_columns(kwargs, COLUMNS) == {"nip_lahir", "nip"}


def test_a_condition_object_reads_its_columns_as_the_suites_write_it():
    through = {
        "row_condition": {
            "type": "pass_through",
            "pass_through_filter": 'nip_lahir.notnull() and nip.str.fullmatch("x", na=False)',
        }
    }
    assert condition_columns(through, COLUMNS) == {"nip_lahir", "nip"}
    nullity = {"row_condition": {"type": "nullity", "column": {"name": "nip_lahir"}, "is_null": False}}
    assert condition_columns(nullity, COLUMNS) == {"nip_lahir"}
    assert condition_columns({"row_condition": {"type": "and", "conditions": []}}, COLUMNS) is None


def test_a_condition_naming_an_unknown_column_or_another_parser_is_not_guessed():
    assert condition_columns({"row_condition": "foo > 1", "condition_parser": "pandas"}, COLUMNS) is None
    assert condition_columns({"row_condition": "@limit > nip", "condition_parser": "pandas"}, COLUMNS) is None
    assert (
        condition_columns({"row_condition": 'col("nip")>1', "condition_parser": "great_expectations"}, COLUMNS) is None
    )


def test_row_wise_expectations_share_the_frame_of_the_widest_columns_that_contain_theirs():
    suite = [
        exp(NOT_NULL, "nip"),
        exp(REGEX, "nip", regex=r"^\d{18}$"),
        exp(NOT_NULL, "nip_lahir", row_condition='nip.str.fullmatch("[0-9]{18}", na=False)', condition_parser="pandas"),
        exp(
            "expect_column_values_to_be_in_set",
            "nip_in_roster",
            value_set=[True],
            row_condition="nip_lahir.notnull()",
            condition_parser="pandas",
        ),
        exp(NOT_NULL, "tanggal_date"),
        exp("expect_column_values_to_be_in_set", "copy_number", value_set=[1]),
    ]
    groups = {(g.mode, g.columns): g.expectations for g in plan_suite(suite, COLUMNS)}
    assert groups == {
        ("tuples", ("nip", "nip_lahir")): [0, 1, 2],
        ("tuples", ("nip_in_roster", "nip_lahir")): [3],
        ("tuples", ("tanggal_date",)): [4],
        ("tuples", ("copy_number",)): [5],
    }


def test_expectations_that_count_rows_or_are_unknown_run_on_the_rows():
    suite = [
        exp(NOT_NULL, "nip", mostly=0.95),  # `mostly` counts rows
        exp("expect_column_values_to_be_unique", "nip"),  # depends on the other rows
        exp("expect_column_values_to_be_increasing", "_row"),
        exp("expect_column_mean_to_be_between", "copy_number", min_value=1),
        exp(NOT_NULL, "not_a_column"),
        exp(NOT_NULL, "nip", mostly=1),  # mostly 1 is every row: tuples are fine
    ]
    groups = plan_suite(suite, COLUMNS)
    rows = [g for g in groups if g.mode == "rows"]
    assert len(rows) == 1 and rows[0].expectations == [0, 1, 2, 3, 4]
    assert rows[0].columns == tuple(COLUMNS)
    assert [(g.mode, g.columns, g.expectations) for g in groups if g.mode != "rows"] == [("tuples", ("nip",), [5])]


def test_distinct_value_set_checks_see_all_tuples_at_once():
    suite = [
        exp(
            "expect_column_distinct_values_to_contain_set",
            "status_code",
            value_set=["H"],
            row_condition='nip == "x"',
            condition_parser="pandas",
        )
    ]
    assert [(g.mode, g.columns, g.expectations) for g in plan_suite(suite, COLUMNS)] == [
        ("set", ("nip", "status_code"), [0])
    ]


def test_without_dedupe_everything_runs_on_the_rows():
    suite = [exp(NOT_NULL, "nip"), exp(NOT_NULL, "tanggal_date")]
    assert [(g.mode, g.expectations) for g in plan_suite(suite, COLUMNS, dedupe=False)] == [("rows", [0, 1])]


def test_text_checks_on_a_column_that_is_not_text_run_on_the_rows():
    # DISTINCT takes -0.0 and 0.0 as one value; a regex on their text would not
    suite = [
        exp(REGEX, "nip", regex=r"^\d{18}$"),
        exp(REGEX, "copy_number", regex=r"^1$"),
        exp("expect_column_values_to_be_in_set", "copy_number", value_set=[1]),
    ]
    types = {c: "VARCHAR" for c in COLUMNS} | {"copy_number": "DOUBLE"}
    groups = {(g.mode, g.columns): g.expectations for g in plan_suite(suite, COLUMNS, types=types)}
    assert groups == {("tuples", ("nip",)): [0], ("tuples", ("copy_number",)): [2], ("rows", tuple(COLUMNS)): [1]}
