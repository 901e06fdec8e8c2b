"""Which rows Great Expectations has to see: the validation plan of one suite.

A row-wise expectation (not null, regex, between, in set, ...) decides each row from the values
of its column and of the columns its row condition names, and from nothing else. Every row that
shares those values shares the verdict, so GX can run once per distinct value tuple instead of
once per row; DuckDB computes the tuples and joins a failing tuple back to its rows, which keeps
the file, row, column, value and rule of every quarantined row. NIPs, dates and status codes
repeat across the rows of a month, so a province's 1.4 M attendance rows are ~86 k NIP tuples,
22 dates and 7 status codes.

An expectation whose outcome depends on other rows (uniqueness, increasing values, `mostly`,
z-scores) or that this module does not know is planned over the rows themselves, so a new kind
of expectation in a suite is never deduplicated by accident. DuckDB's DISTINCT takes -0.0 and
0.0 (and every NaN) as one value: numeric checks cannot tell them apart either, but a check on
the text of a value could, so text checks (regex, like, lengths, formats) are deduplicated only
on text columns. The `distinct values` set checks see the same set of values either way; they
are planned over all tuples at once (never in batches, which would show each batch only part of
the set).
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field

# Row-wise: the verdict on a row is a function of the values in its domain (column + condition).
ROW_WISE = frozenset(
    {
        "expect_column_values_to_not_be_null",
        "expect_column_values_to_be_null",
        "expect_column_values_to_be_between",
        "expect_column_values_to_be_in_set",
        "expect_column_values_to_not_be_in_set",
        "expect_column_values_to_match_regex",
        "expect_column_values_to_not_match_regex",
        "expect_column_values_to_match_regex_list",
        "expect_column_values_to_not_match_regex_list",
        "expect_column_values_to_match_like_pattern",
        "expect_column_values_to_not_match_like_pattern",
        "expect_column_values_to_match_like_pattern_list",
        "expect_column_values_to_not_match_like_pattern_list",
        "expect_column_values_to_match_strftime_format",
        "expect_column_values_to_be_dateutil_parseable",
        "expect_column_values_to_be_json_parseable",
        "expect_column_value_lengths_to_be_between",
        "expect_column_value_lengths_to_equal",
    }
)
# Row-wise checks on the text of a value: deduplicated only when the column holds text.
TEXT_WISE = frozenset(
    k for k in ROW_WISE if "regex" in k or "like_pattern" in k or "length" in k or "strftime" in k or "parseable" in k
)
TEXT_TYPES = ("VARCHAR",)
# Set checks: the outcome depends on the set of distinct values only, not on how often each occurs.
SET_WISE = frozenset(
    {
        "expect_column_distinct_values_to_contain_set",
        "expect_column_distinct_values_to_be_in_set",
        "expect_column_distinct_values_to_equal_set",
    }
)


@dataclass
class Group:
    """Expectations that GX runs together on one frame.

    mode "tuples": the distinct tuples of `columns`, in bounded batches; "set": the distinct
    tuples of `columns`, all in one frame; "rows": every row, in bounded batches.
    """

    mode: str
    columns: tuple[str, ...]
    expectations: list[int] = field(default_factory=list)  # positions in the suite


def condition_columns(kwargs: dict, columns: list[str]) -> set[str] | None:
    """The columns a row condition reads, or None when that cannot be told for sure.

    The suites write a pandas condition as GX's pass-through condition object,
    {"type": "pass_through", "pass_through_filter": "<pandas query>"}; a nullity or comparison
    condition reads its one column; the deprecated string form with condition_parser "pandas"
    is still understood."""
    condition = kwargs.get("row_condition")
    if not condition:
        return set()
    if isinstance(condition, dict):
        if condition.get("type") in ("nullity", "comparison"):
            name = (condition.get("column") or {}).get("name")
            return {name} if name in columns else None
        if condition.get("type") != "pass_through":
            return None
        condition = condition.get("pass_through_filter") or ""
    elif kwargs.get("condition_parser") != "pandas":
        return None
    try:
        tree = ast.parse(condition, mode="eval")
    except SyntaxError:  # e.g. pandas' `@variable` or backquoted names: not worth guessing
        return None
    names = {node.id for node in ast.walk(tree) if isinstance(node, ast.Name)}
    return names if names <= set(columns) else None


def domain(expectation: dict, columns: list[str], types: dict[str, str] | None = None) -> tuple[str, set[str] | None]:
    """(mode, the columns whose values decide the outcome) of one expectation."""
    kind, kwargs = expectation["type"], expectation.get("kwargs", {})
    column = kwargs.get("column")
    if kind not in ROW_WISE | SET_WISE or column not in columns:
        return "rows", None
    if kind in TEXT_WISE and types is not None and str(types.get(column)) not in TEXT_TYPES:
        return "rows", None
    if kind in ROW_WISE and kwargs.get("mostly", 1) != 1:
        return "rows", None  # `mostly` counts rows
    read = condition_columns(kwargs, columns)
    if read is None:
        return "rows", None
    return ("set" if kind in SET_WISE else "tuples"), read | {column}


def plan_suite(
    expectations: list[dict], columns: list[str], dedupe: bool = True, types: dict[str, str] | None = None
) -> list[Group]:
    """Group a suite's expectations by the frame GX must see (`types`: DuckDB type per column).

    A row-wise expectation whose columns are a subset of another's joins that one's frame: the
    larger tuples still contain every smaller one, and one GX call replaces two.
    """
    rows = Group("rows", tuple(columns))
    tuples: list[Group] = []
    sets: dict[tuple[str, ...], Group] = {}
    planned = (
        [(i, *domain(e, columns, types)) for i, e in enumerate(expectations)]
        if dedupe
        else [(i, "rows", None) for i in range(len(expectations))]
    )
    # the widest domains first, so that narrower ones find the group that contains them
    for i, mode, cols in sorted(planned, key=lambda p: -len(p[2] or ())):
        if mode == "rows":
            rows.expectations.append(i)
        elif mode == "set":
            sets.setdefault(tuple(sorted(cols)), Group("set", tuple(sorted(cols)))).expectations.append(i)
        else:
            home = next((g for g in tuples if cols <= set(g.columns)), None)
            if home is None:
                home = Group("tuples", tuple(sorted(cols)))
                tuples.append(home)
            home.expectations.append(i)
    groups = tuples + list(sets.values()) + ([rows] if rows.expectations else [])
    for g in groups:
        g.expectations.sort()
    return groups
