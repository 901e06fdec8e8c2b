"""The reference tables' own Great Expectations suites, generated from reference_tables.csv.

Each row of data/reference/reference_tables.csv says what one table must hold: its required
columns, its key, for a band table the bound columns, the grouping and the resolution, and the
columns that must be numbers. `reference_suite()` turns that row into a GX suite (`ref.<table>`):

- expect_table_columns_to_match_set (exact_match false): every column the row names exists;
- expect_column_values_to_be_unique / expect_compound_columns_to_be_unique: the key, on its
  values with spaces trimmed (an empty value is a value);
- expect_column_values_to_match_regex: bounds and numeric columns are numbers (NUMBER);
- expect_column_pair_values_a_to_be_greater_than_b: no band ends below its start;
- expect_column_pair_values_to_be_equal: bands contiguous and non-overlapping over their whole
  range: the lower bound written equals the bound the previous band of its group implies.

Contiguity depends on other rows, which GX's row expectations cannot see, and GX 1.24's
UnexpectedRowsExpectation (a SQL query as the expectation) runs only on SQLAlchemy datasources,
not on the pandas frames the input suites use nor on our DuckDB connection. So DuckDB computes,
per band, the previous band of its group (a window over the lower bound) and the lower bound it
implies (previous upper + resolution, in DECIMAL, so 76.60 + 0.01 is 76.61 exactly), and GX
checks the pair of columns. The frame columns that start with `#` are these derived values.

All tables are validated in one GX batch, the cost that counts (~0.15 s per batch): their frames
side by side in one frame, each column prefixed by its table (`age_bands.usia_min`), the suites
merged with their columns prefixed the same way. A table's rows have nulls in every other
table's columns, which row and pair expectations skip. GX decides; the messages (file, row, fix,
in Bahasa Indonesia) are written from the failing rows GX returns.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache
from pathlib import Path

import duckdb
import pandas as pd

from expectations.validate import (
    RESULT_FORMAT,
    ValidationError,
    _exception_message,
    _gx,
    _index_entries,
    record_results,
    record_suites,
)
from transforms.reference import (
    CHECKS_TABLE,
    DEFAULT_REFERENCE_DIR,
    ReferenceTableError,
    Staged,
    drop_staged,
    read_csv_records,
    replace_reference_tables,
    stage_reference_tables,
)

# the columns reference_tables.csv itself must have (it is read before any suite exists)
RULE_COLUMNS = ("tabel", "kolom_wajib", "kunci", "kolom_bawah", "kolom_atas", "kelompok", "resolusi")
NUMBER = r"^-?[0-9]+(?:\.[0-9]+)?$"  # a number as the reference tables write it: 76.61, -1, 100
EXACT = "decimal(38, 10)"  # bounds compared exactly (no float rounding)
INDEX = ["_tabel", "_row"]
SEVERITY = "critical"  # every reference rule blocks the run


@dataclass(frozen=True)
class TableRules:
    """One row of reference_tables.csv: what the table `name` must hold."""

    name: str
    line: int
    required: tuple[str, ...]
    key: tuple[str, ...] = ()
    lower: str | None = None
    upper: str | None = None
    group: tuple[str, ...] = ()
    step: str = "0"
    numbers: tuple[str, ...] = ()

    @property
    def columns(self) -> tuple[str, ...]:
        """Every column a rule reads: required, key, bounds, grouping, numbers."""
        bounds = tuple(c for c in (self.lower, self.upper) if c)
        return tuple(dict.fromkeys(self.required + self.key + bounds + self.group + self.numbers))

    @property
    def number_columns(self) -> tuple[str, ...]:
        """Columns whose values must be numbers: the bounds and `kolom_angka`."""
        return tuple(dict.fromkeys(tuple(c for c in (self.lower, self.upper) if c) + self.numbers))

    @property
    def banded(self) -> bool:
        return bool(self.lower and self.upper)


def _split(value: str | None) -> tuple[str, ...]:
    return tuple(c.strip() for c in (value or "").split("|") if c.strip())


def parse_rules(path, header: list[str], records: list[dict]) -> tuple[list[TableRules], list[str]]:
    """The rules of reference_tables.csv, or the problems that keep it from being read."""
    missing = [c for c in RULE_COLUMNS if c not in header]
    if missing:
        return [], [f"{path}: kolom wajib tidak ada: {', '.join(missing)} (baris 1); tambahkan kolom itu"]
    rules, problems = [], []
    for line, r in enumerate(records, start=2):
        name = (r.get("tabel") or "").strip()
        lower, upper = (r.get("kolom_bawah") or "").strip() or None, (r.get("kolom_atas") or "").strip() or None
        step = (r.get("resolusi") or "").strip() or "0"
        if not name:
            problems.append(f"{path}: baris {line}: tabel kosong; isi nama berkas tanpa .csv atau hapus baris itu")
            continue
        if bool(lower) != bool(upper):
            problems.append(f"{path}: baris {line}: kolom_bawah dan kolom_atas diisi berdua atau dikosongkan berdua")
            continue
        if not re.fullmatch(NUMBER, step):
            problems.append(f"{path}: baris {line}: resolusi harus angka (titik sebagai desimal), tertulis {step!r}")
            continue
        rules.append(
            TableRules(
                name,
                line,
                _split(r.get("kolom_wajib")),
                _split(r.get("kunci")),
                lower,
                upper,
                _split(r.get("kelompok")),
                step,
                _split(r.get("kolom_angka")),
            )
        )
    return rules, problems


# ------------------------------------------------------------------------------------- suites


def _expectation(kind: str, kwargs: dict, rule: str, column: str | None, message: str) -> dict:
    return {
        "type": kind,
        "kwargs": kwargs,
        "severity": SEVERITY,
        "meta": {"rule": rule, "column": column, "message": message},
    }


def reference_suite(rules: TableRules) -> dict:
    """The GX suite of one reference table, generated from its row of reference_tables.csv."""
    e = [
        _expectation(
            "expect_table_columns_to_match_set",
            {"column_set": list(rules.columns), "exact_match": False},
            "ref_kolom_wajib",
            None,
            "kolom wajib tidak ada",
        )
    ]
    if len(rules.key) == 1:
        e.append(
            _expectation(
                "expect_column_values_to_be_unique",
                {"column": f"#kunci:{rules.key[0]}"},
                "ref_kunci_unik",
                rules.key[0],
                "kunci sudah ada di baris lain",
            )
        )
    elif rules.key:
        e.append(
            _expectation(
                "expect_compound_columns_to_be_unique",
                {"column_list": [f"#kunci:{k}" for k in rules.key]},
                "ref_kunci_unik",
                "|".join(rules.key),
                "kunci sudah ada di baris lain",
            )
        )
    for c in rules.number_columns:
        e.append(
            _expectation(
                "expect_column_values_to_match_regex",
                {"column": f"#teks:{c}", "regex": NUMBER},
                "ref_angka",
                c,
                "harus angka (titik sebagai desimal)",
            )
        )
    if rules.banded:
        e.append(
            _expectation(
                "expect_column_pair_values_a_to_be_greater_than_b",
                {
                    "column_A": "#atas",
                    "column_B": "#bawah",
                    "or_equal": True,
                    "ignore_row_if": "either_value_is_missing",
                },
                "ref_pita_terbalik",
                rules.upper,
                "batas atas lebih kecil dari batas bawah",
            )
        )
        e.append(
            _expectation(
                "expect_column_pair_values_to_be_equal",
                {"column_A": "#bawah_tertulis", "column_B": "#bawah_seharusnya"},
                "ref_pita_bersambung",
                rules.lower,
                f"pita harus bersambung: batas bawah = batas atas pita sebelumnya + {rules.step}",
            )
        )
    return {
        "name": f"ref.{rules.name}",
        "meta": {
            "about": f"Tabel referensi {rules.name}.csv, dari {CHECKS_TABLE} baris {rules.line}.",
            "generated_from": CHECKS_TABLE,
        },
        "expectations": e,
    }


def suite_text(doc: dict) -> str:
    """The suite as hashed into lineage: stable JSON."""
    return json.dumps(doc, ensure_ascii=False, indent=1)


# ------------------------------------------------------------------------------------- frames


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _lit(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _derived(rules: TableRules) -> list[tuple[str, str, str]]:
    """(name, expression, type) of the `#` columns the suite reads; `b` is the band query."""
    out = [(f"#kunci:{k}", f"coalesce(trim(r.{_q(k)}), '')", "varchar") for k in rules.key]
    out += [(f"#teks:{c}", f"r.{_q(c)}", "varchar") for c in rules.number_columns]
    if rules.banded:
        out += [
            ("#atas", "try_cast(b.hi as double)", "double"),
            ("#bawah", "try_cast(b.lo as double)", "double"),
            ("#bawah_tertulis", "b.written", "varchar"),
            ("#bawah_seharusnya", "b.expected", "varchar"),
            ("#sebelum", "b.prev_row", "bigint"),
            ("#atas_sebelum", "b.prev_hi_text", "varchar"),
            ("#kelompok", "b.grp", "varchar"),
        ]
    return out


def frame_sql(rules: TableRules, relation: str, present: list[str]) -> str:
    """The frame GX checks for one table: its columns and the derived `#` columns, prefixed by the
    table's name. `relation` has `_row` (the line in the file) and the file's columns."""
    t = rules.name
    # only the columns a rule reads: GX copies the frame per metric, so every column costs
    pairs = [(c, f"r.{_q(c)}") for c in present if c in rules.columns]
    complete = set(rules.columns) <= set(present)
    # without every column the columns check fails and nothing else can be read: derived values empty
    pairs += [(name, expr if complete else f"null::{kind}") for name, expr, kind in _derived(rules)]
    select = f"select {_lit(t)} as _tabel, r._row, " + ", ".join(f"{e} as {_q(f'{t}.{n}')}" for n, e in pairs)
    if not complete or not rules.banded:
        return f"{select} from {relation} r"
    lo, hi = _q(rules.lower), _q(rules.upper)
    number = lambda c: f"({c} is null or regexp_full_match({c}, {_lit(NUMBER)}))"  # noqa: E731
    partition = f"partition by {', '.join(_q(g) for g in rules.group)} " if rules.group else ""
    gcols = "".join(f", {_q(g)}" for g in rules.group)
    group = (
        "concat_ws('/', " + ", ".join(f"coalesce({_q(g)}, '')" for g in rules.group) + ")" if rules.group else "null"
    )
    return f"""
        with bands as (
            select _row, {group} as grp, try_cast({lo} as {EXACT}) as lo, try_cast({hi} as {EXACT}) as hi,
                   {hi} as hi_text{gcols}
            from {relation}
            where not ({lo} is null and {hi} is null)   -- a row outside the bands (TK in lateness_bands)
              and {number(lo)} and {number(hi)}          -- a bound that is no number fails its own check
        ),
        neighbours as (
            select *, lag(_row) over w as prev_row, lag(hi) over w as prev_hi, lag(hi_text) over w as prev_hi_text
            from bands window w as ({partition}order by lo nulls first, _row)
        ),
        b as (
            select _row, grp, lo, hi, prev_row, prev_hi_text,
                   case when prev_row is not null then coalesce(lo::varchar, '(kosong)') end as written,
                   case when prev_row is not null
                        then coalesce((prev_hi + {_lit(rules.step)}::{EXACT})::{EXACT}::varchar, '(tidak ada)') end
                        as expected
            from neighbours
        )
        {select}
        from {relation} r left join b on b._row = r._row"""


def combined_frame(con: duckdb.DuckDBPyConnection, parts: list[str]) -> pd.DataFrame:
    """One frame of every table's frame, side by side (`union all by name`)."""
    return con.execute(" union all by name ".join(f"({p})" for p in parts) + " order by _tabel, _row").df()


# ------------------------------------------------------------------------------------- loading


def load_reference_tables(
    con: duckdb.DuckDBPyConnection, reference_dir: Path = DEFAULT_REFERENCE_DIR, run_id: str | None = None
) -> dict[str, str]:
    """Check the reference tables with their suites, then replace ref.* with them; {name: sha256}.

    The suites' results go to lineage.validation_results (shape `ref.<table>`) and the suites to
    lineage.suites, also when they fail; a broken table raises ReferenceTableError before any
    table is replaced."""
    reference_dir = Path(reference_dir)
    staged, found = check_reference_tables(con, reference_dir)
    try:
        if found is not None:
            suites, results, _ = found
            _record(con, suites, results, reference_dir, run_id)
        if staged.problems:
            raise ReferenceTableError(staged.problems)
        return replace_reference_tables(con, staged, run_id)
    finally:
        drop_staged(con, staged)


def check_reference_dir(reference_dir: Path) -> list[str]:
    """Problems of the reference tables, each naming the file, the row and what to fix."""
    con = duckdb.connect()
    try:
        return check_reference_tables(con, Path(reference_dir))[0].problems
    finally:
        con.close()


def check_reference_tables(con: duckdb.DuckDBPyConnection, reference_dir: Path):
    """(the folder staged in `con` with every problem, (suites, GX results, messages) or None when
    the folder could not be read far enough for GX)."""
    spec = reference_dir / CHECKS_TABLE
    if spec.exists():
        rules, problems = parse_rules(spec, *read_csv_records(spec))
    else:
        rules, problems = (
            [],
            [f"{spec}: tabel aturan pemeriksaan referensi tidak ada; salin dari data/reference/{CHECKS_TABLE}"],
        )
    staged = stage_reference_tables(con, reference_dir, [r.name for r in rules])
    staged.problems.extend(problems)
    if staged.problems:
        return staged, None
    found = _run(con, staged, rules)
    staged.problems.extend(found[2])
    return staged, found


_CHECKED: dict[tuple, tuple] = {}


def _run(con, staged: Staged, rules: list[TableRules]) -> tuple[dict, list, list[str]]:
    """(suites, results, messages) of every table reference_tables.csv names, in one GX batch;
    memoised per process on the suites and the files' sha256 (tests load one folder many times)."""
    suites = {r.name: reference_suite(r) for r in rules}
    key = (json.dumps(suites, sort_keys=True), tuple(sorted(staged.digests.items())), str(staged.reference_dir))
    if key not in _CHECKED:
        parts, rows = [], {}
        for r in rules:
            table = staged.tables[r.name]
            present = [d[0] for d in con.execute(f"select * from {table} limit 0").description if d[0] != "_row"]
            parts.append(frame_sql(r, table, present))
            rows[r.name] = con.execute(f"select count(*) from {table}").fetchone()[0]
        frame = combined_frame(con, parts)
        results = run_suites(frame, suites, rows)
        paths = {r.name: str(staged.reference_dir / f"{r.name}.csv") for r in rules}
        _CHECKED[key] = (suites, results, failure_messages(results, {r.name: r for r in rules}, frame, paths))
    return _CHECKED[key]


def _record(con, suites: dict, results: list, reference_dir: Path, run_id: str | None) -> None:
    """The reference suites beside the input suites: results in lineage.validation_results,
    each suite's JSON and sha256 in lineage.suites."""
    record_suites(
        con,
        run_id,
        [(doc["name"], "referensi", suite_text(doc), str(reference_dir / CHECKS_TABLE)) for doc in suites.values()],
    )
    record_results(
        con,
        [
            (
                run_id,
                f"ref.{r.table}",
                None,
                f"ref.{r.table}/{r.position}",
                r.expectation,
                r.rule,
                r.column,
                SEVERITY,
                r.rows,
                len(r.missing) if r.missing else len(r.hits),
                r.success,
            )
            for r in results
        ],
    )


# ------------------------------------------------------------------------------------- running


@dataclass
class SuiteResult:
    """One expectation of one reference suite, as GX judged it."""

    table: str
    position: int
    expectation: str
    rule: str
    column: str | None
    rows: int  # rows of the table
    hits: list[int] = field(default_factory=list)  # failing lines
    missing: list[str] = field(default_factory=list)  # the columns check: columns not found
    success: bool = True


def _prefixed(kwargs: dict, table: str) -> dict:
    out = dict(kwargs)
    for k in ("column", "column_A", "column_B"):
        if k in out:
            out[k] = f"{table}.{out[k]}"
    for k in ("column_list", "column_set"):
        if k in out:
            out[k] = [f"{table}.{c}" for c in out[k]]
    return out


@lru_cache(maxsize=8)
def _combined_suite(text: str, only: tuple[tuple[str, int], ...] | None = None):
    """The tables' suites as one GX suite over the combined frame (`only`: those expectations)."""
    gx, context, _ = _gx()
    docs = json.loads(text)
    expectations = [
        {**e, "kwargs": _prefixed(e["kwargs"], d["table"]), "meta": {**e["meta"], "tabel": d["table"], "position": i}}
        for d in docs
        for i, e in enumerate(d["suite"]["expectations"])
        if only is None or (d["table"], i) in only
    ]
    name = "ref" if only is None else "ref#" + ",".join(f"{t}/{i}" for t, i in only)
    return context.suites.add_or_update(gx.ExpectationSuite(name=name, expectations=expectations))


def run_suites(frame: pd.DataFrame, suites: dict[str, dict], rows: dict[str, int]) -> list[SuiteResult]:
    """Validate every table's suite in one GX batch over the combined frame.

    The batch asks GX for pass/fail only (half the cost of the failing rows' indexes); the
    expectations that failed run again, alone, for their failing rows."""
    _, _, batch_definition = _gx()
    text = json.dumps([{"table": t, "suite": s} for t, s in suites.items()], ensure_ascii=False)
    batch = batch_definition.get_batch(batch_parameters={"dataframe": frame})
    results = list(batch.validate(_combined_suite(text), result_format={"result_format": "BOOLEAN_ONLY"}).results)
    failed = tuple(
        sorted(
            (r.expectation_config.meta["tabel"], int(r.expectation_config.meta["position"]))
            for r in results
            if not r.success
        )
    )
    if failed:
        again = batch.validate(
            _combined_suite(text, failed), result_format=RESULT_FORMAT | {"unexpected_index_column_names": INDEX}
        ).results
        results = [r for r in results if r.success] + list(again)
    found = []
    for res in results:
        config = res.expectation_config
        meta = config.meta or {}
        table = meta["tabel"]
        broken = _exception_message(res.exception_info)
        if broken is not None:  # an expectation that could not run never passes silently
            raise ValidationError(f"suite ref.{table}: {config.type} failed to run: {broken}")
        out = SuiteResult(
            table,
            int(meta["position"]),
            config.type,
            meta.get("rule"),
            meta.get("column"),
            rows.get(table, 0),
            success=bool(res.success),
        )
        if res.success:
            pass
        elif config.type == "expect_table_columns_to_match_set":
            missing = ((res.result.get("details") or {}).get("mismatched") or {}).get("missing") or []
            out.missing = [c.split(".", 1)[1] for c in config.kwargs["column_set"] if c in missing]
        else:
            entries = _index_entries(res.result.get("unexpected_index_list") or [], INDEX)
            out.hits = sorted({int(h["_row"]) for h in entries})
        found.append(out)
    return sorted(found, key=lambda r: (r.table, r.position))


# ------------------------------------------------------------------------------------- messages


def failure_messages(
    results: list[SuiteResult], rules: dict[str, TableRules], frame: pd.DataFrame, paths: dict[str, str]
) -> list[str]:
    """What to fix, per failing expectation: the file, the row and the fix (Bahasa Indonesia)."""
    lookup = frame.set_index(INDEX)
    out: list[str] = []
    by_table: dict[str, list[SuiteResult]] = {}
    for r in results:
        by_table.setdefault(r.table, []).append(r)
    for table, found in by_table.items():
        spec, path = rules[table], paths[table]

        def value(line, column, table=table):
            return _text(lookup.at[(table, line), f"{table}.{column}"])

        columns = next((r for r in found if r.expectation == "expect_table_columns_to_match_set"), None)
        if columns is not None and columns.missing:
            out.append(f"{path}: kolom wajib tidak ada: {', '.join(columns.missing)} (baris 1); tambahkan kolom itu")
            continue
        number_lines: dict[int, set[str]] = {}
        for r in found:
            if r.success:
                continue
            if r.rule == "ref_kunci_unik":
                first: dict[tuple, int] = {}
                for line in r.hits:
                    key = tuple(value(line, f"#kunci:{k}") or "" for k in spec.key)
                    if key in first:
                        out.append(
                            f"{path}: baris {line}: kunci {'/'.join(spec.key)} = {'/'.join(key)} sudah ada "
                            f"di baris {first[key]}; hapus atau ubah salah satunya"
                        )
                    first.setdefault(key, line)
            elif r.rule == "ref_angka":
                for line in r.hits:
                    number_lines.setdefault(line, set()).add(r.column)
        for line, failed in sorted(number_lines.items()):
            if spec.banded and failed & {spec.lower, spec.upper}:
                out.append(
                    f"{path}: baris {line}: {spec.lower}/{spec.upper} harus angka (titik sebagai desimal), "
                    f"tertulis {value(line, spec.lower)!r} / {value(line, spec.upper)!r}"
                )
            for c in [c for c in spec.numbers if c in failed and c not in (spec.lower, spec.upper)]:
                out.append(
                    f"{path}: baris {line}: {c} harus angka (titik sebagai desimal), tertulis {value(line, c)!r}"
                )
        for r in found:
            if r.success or r.rule not in ("ref_pita_terbalik", "ref_pita_bersambung"):
                continue
            for line in r.hits:
                lo, hi = value(line, spec.lower), value(line, spec.upper)
                if r.rule == "ref_pita_terbalik":
                    out.append(
                        f"{path}: baris {line}: {spec.upper} = {hi} lebih kecil dari {spec.lower} = {lo}; "
                        "tukar atau perbaiki"
                    )
                    continue
                out.append(
                    _gap_message(
                        path,
                        spec,
                        line,
                        lo,
                        int(lookup.at[(table, line), f"{table}.#sebelum"]),
                        value(line, "#atas_sebelum"),
                        value(line, "#kelompok"),
                    )
                )
    return out


def _gap_message(
    path: str, spec: TableRules, line: int, lo: str | None, prev_line: int, prev_hi: str | None, group: str | None
) -> str:
    step = Decimal(spec.step)
    expected = None if prev_hi is None else Decimal(prev_hi) + step
    overlap = expected is None or (lo is not None and Decimal(lo) < expected)
    where = f" (kelompok {group})" if spec.group else ""
    return (
        f"{path}: baris {line}: {spec.lower} = {lo if lo is not None else '(kosong)'} "
        f"{'tumpang tindih dengan' if overlap else 'berlubang setelah'} baris {prev_line} "
        f"({spec.upper} = {prev_hi if prev_hi is not None else '(kosong)'}){where}; pita harus bersambung: "
        f"{spec.lower} seharusnya "
        f"{expected if expected is not None else '(tidak ada: pita sebelumnya tanpa batas atas)'}"
        f" (resolusi {step})"
    )


def _text(value) -> str | None:
    if value is None:
        return None
    try:
        if pd.isna(value):
            return None
    except (TypeError, ValueError):
        pass
    return str(value)
