"""Trace a published number back to its rule, its SQL and the source rows behind it.

`trace(con, metric_id)` gathers, for one row of `metrics`:
  - the metric (value, label, unit, run) and its earlier values (lineage.metric_history);
  - its definition, formula and regulation (data/reference/metric_definitions.csv, as loaded
    into ref.metric_definitions for the run; the file itself when the warehouse has none);
  - the run that published it (lineage.runs: Prefect flow-run id, code version, parameters);
  - the chain of SQL models from the source tables to the metric, with the SQL as recorded for
    that run (lineage.models) and its sha256;
  - the reference tables the chain reads, with the sha256 of the version loaded for the run;
  - the contributing rows: the facts the rule counted, each with the file, line and the
    staged values it came from; and the rows of the same scope that were quarantined, with
    the rule they broke;
  - the source files involved, every version of them (a superseded one names its successor).

Which rows contribute is table-driven: the metric's `keluarga` (family) in the definitions
names a block of transforms/trace_queries.sql; FAMILIES below maps each family to the block
of excluded rows for the same scope. A metric without a definition (new marts, the
`rekomendasi/...` rows) falls back on a family chosen by its name and scope, at worst the
other numbers published for the same scope and period.

`trace` runs TRACE_STEPS in order, each filling its part of the trace. The named queries and
the evidence are in transforms/trace_rows.py; `as_table`, `as_json` and `as_csv`
(transforms/trace_format.py) format a trace; `trace_command_output` is what
`pantau trace METRIC_ID --format ...` prints.
"""

from __future__ import annotations

import csv
import hashlib
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from fnmatch import fnmatchcase
from pathlib import Path

import duckdb

from transforms.koreksi import corrections_for
from transforms.lineage import model_chain, recorded_models, reference_versions
from transforms.models import discover_models
from transforms.reference import DEFAULT_REFERENCE_DIR
from transforms.run_window import window_note
from transforms.trace_format import DRILL_DOWN_SHOWN, FORMATTERS, NO_LINE, NO_SOURCE_LINE, as_csv, as_json, as_table
from transforms.trace_rows import (
    QUERIES_FILE,
    STAGING_BY_SHAPE,
    file_versions,
    load_queries,
    locate_excluded,
    named_records,
    resolve_evidence,
)
from transforms.warehouse import has_table

DEFINITIONS_FILE = DEFAULT_REFERENCE_DIR / "metric_definitions.csv"
FORMATS = tuple(FORMATTERS)

# family (a `<family>.rows` block) -> the block of quarantined rows for the same scope
FAMILIES: dict[str, str | None] = {
    "attendance_asn_days": "attendance_asn",
    "attendance_asn_ytd_tk": "attendance_asn_ytd",
    "attendance_asn_ytd_days": "attendance_asn_ytd",
    "attendance_asn_ytd_late": "attendance_asn_ytd",
    "attendance_asn_ytd_discipline": "attendance_asn_ytd",
    "attendance_unit_days": "attendance_unit",
    "attendance_unit_asn": "attendance_unit",
    "attendance_unit_band": "attendance_unit",
    "attendance_office_units": "attendance_office",
    "skp_indicator": "skp_asn",
    "skp_asn_indicators": "skp_asn",
    "skp_scope_asn": "skp_scope",
    "skp_scope_indicators": "skp_scope",
    "skm_responses": "skm",
    "skm_unsur": "skm",
    "skm_precision": "skm",
    "skm_complaints": "skm",
    "skm_profile": "skm",
    "layanan_volume": "layanan",
    "rekomendasi_asn": None,
    "rekomendasi_unit": None,
    "rekomendasi_scope": None,
    "rekomendasi_units": None,
    "published_scope": None,
}

# a metric with no definition row: (metric name pattern, scope pattern) -> family, first match wins
FALLBACK_FAMILIES: list[tuple[str, str, str]] = [
    ("min_sample*", "*", "layanan_volume"),
    ("populasi*", "*", "layanan_volume"),
    ("sampel*", "*", "layanan_volume"),
    ("keluhan*", "*", "skm_complaints"),
    ("pujian*", "*", "skm_complaints"),
    ("responden_*", "*", "skm_profile"),
    ("nrr*", "*", "skm_unsur"),
    ("*", "*-unsur", "skm_unsur"),
    ("ikm_ci*", "*", "skm_precision"),
    ("ikm_perubahan*", "*", "skm_precision"),
    ("ikm*", "*", "skm_responses"),
    ("responden*", "*", "skm_responses"),
    ("*", "layanan", "skm_responses"),
    ("*", "petugas", "skm_responses"),
    ("rekomendasi*", "*", "published_scope"),
]


class TraceError(LookupError):
    """The metric cannot be traced (unknown id, no metrics published yet)."""


# ---------------------------------------------------------------- small helpers


def period_window(period: str) -> tuple[date | None, date | None]:
    """First day of the period and the day after its last: 2026-10, 2026-Q3, 2026-S1, 2026."""

    def first(year: int, month: int) -> date:
        return date(year + (month - 1) // 12, (month - 1) % 12 + 1, 1)

    if m := re.fullmatch(r"(\d{4})-(\d{2})", period):
        y, mo = int(m.group(1)), int(m.group(2))
        return first(y, mo), first(y, mo + 1)
    if m := re.fullmatch(r"(\d{4})-Q([1-4])", period):
        y, q = int(m.group(1)), int(m.group(2))
        return first(y, 3 * q - 2), first(y, 3 * q + 1)
    if m := re.fullmatch(r"(\d{4})-S([12])", period):
        y, s = int(m.group(1)), int(m.group(2))
        return first(y, 6 * s - 5), first(y, 6 * s + 1)
    if m := re.fullmatch(r"(\d{4})", period):
        y = int(m.group(1))
        return date(y, 1, 1), date(y + 1, 1, 1)
    return None, None


# ---------------------------------------------------------------- definitions


def definitions(con: duckdb.DuckDBPyConnection | None = None) -> list[dict]:
    """The metric definitions: ref.metric_definitions as loaded for the run, else the CSV file."""
    if con is not None and has_table(con, "ref.metric_definitions"):
        return named_records(con, "select * from ref.metric_definitions", {})
    with open(DEFINITIONS_FILE, newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def find_definition(defs: list[dict], metric: str, scope: str) -> dict | None:
    exact = [d for d in defs if d.get("metric") == metric and d.get("scope") == scope]
    if exact:
        return exact[0]
    patterned = [
        d for d in defs if fnmatchcase(metric, d.get("metric") or "") and fnmatchcase(scope, d.get("scope") or "")
    ]
    return patterned[0] if patterned else None


def choose_family(definition: dict | None, metric: str, scope: str) -> str:
    if definition and definition.get("keluarga") in FAMILIES:
        return definition["keluarga"]
    for metric_pattern, scope_pattern, family in FALLBACK_FAMILIES:
        if fnmatchcase(metric, metric_pattern) and fnmatchcase(scope, scope_pattern):
            return family
    return "published_scope"


# ---------------------------------------------------------------- the trace, step by step


@dataclass
class _Trace:
    """A trace being gathered: what the steps read (the warehouse, the metric, the parameters
    of the named queries, its definition) and the result they fill."""

    con: duckdb.DuckDBPyConnection
    metric_id: str
    metric: dict
    params: dict  # the $parameters of trace_queries.sql (query_params)
    definition: dict | None
    limit: int | None
    result: dict
    cited: set[int] = field(default_factory=set)  # file_ids listed under "Berkas sumber"
    lines_used: dict[int, int] = field(default_factory=dict)  # file_id -> lines behind the number

    @property
    def notes(self) -> list[str]:
        return self.result["notes"]

    @property
    def family(self) -> str:
        return self.result["family"]

    @property
    def run_id(self) -> str:
        return self.metric["run_id"]


def trace(con: duckdb.DuckDBPyConnection, metric_id: str, limit: int | None = None) -> dict:
    """Everything behind one published metric; see the module docstring. `limit` caps the rows."""
    notes: list[str] = []
    metric = _find_metric(con, metric_id, notes)
    outside = window_note(con, metric["period"])
    if outside:
        notes.append(outside)
    params = query_params(metric_id, metric)
    definition = _definition(con, metric["metric"], metric["scope"], notes)
    result = {
        "metric_id": metric_id,
        "metric": metric,
        "history": _history(con, metric_id),
        "definition": definition,
        "family": choose_family(definition, metric["metric"], metric["scope"]),
        "run": _run(con, metric["run_id"]),
        "models": [],
        "reference_tables": [],
        "files": [],
        "summary": [],
        "rows": [],
        "rows_total": 0,
        "excluded": [],
        "drill_down": [],
        "corrections": [],
        "notes": notes,
    }
    state = _Trace(con, metric_id, metric, params, definition, limit, result)
    for step in TRACE_STEPS:
        step(state)
    return result


def _find_metric(con: duckdb.DuckDBPyConnection, metric_id: str, notes: list[str]) -> dict:
    """The published row of `metrics`, else its last value in lineage.metric_history (with a note)."""
    if not has_table(con, "main.metrics"):
        raise TraceError("belum ada metrik yang diterbitkan di gudang data ini; jalankan: pantau run --period YYYY-MM")
    rows = named_records(con, "select * from main.metrics where metric_id = $id", {"id": metric_id})
    if rows:
        return rows[0]
    hist = []
    if has_table(con, "lineage.metric_history"):
        hist = named_records(
            con,
            "select * from lineage.metric_history where metric_id = $id order by rowid desc limit 1",
            {"id": metric_id},
        )
    if not hist:
        raise TraceError(_unknown_message(con, metric_id))
    notes.append("metrik ini tidak lagi diterbitkan; yang ditampilkan nilai terakhirnya di lineage.metric_history")
    return hist[0]


def query_params(metric_id: str, metric: dict) -> dict:
    """The named parameters the blocks of trace_queries.sql may use, for one metric row."""
    name, scope, scope_id, period = metric["metric"], metric["scope"], metric["scope_id"], metric["period"]
    key, _, sub = scope_id.partition(":")
    start, end = period_window(period)
    # a composite scope ('unit-unsur' '<unit>:u3', 'office-tema' '<office>:waktu') is counted in
    # its base scope; 'layanan' ids are composite themselves ('<unit>:<jenis>')
    composite = re.fullmatch(r"(\w+)-(unsur|tema)", scope)
    base_scope, base_id = (composite.group(1), key) if composite else (scope, scope_id)
    return {
        "metric_id": metric_id,
        "metric": name,
        "scope": scope,
        "scope_id": scope_id,
        "period": period,
        "key": key,
        "sub": sub or None,
        "year": start.year if start else None,
        "period_start": start,
        "period_end": end,
        "year_start": date(start.year, 1, 1) if start else None,
        "base_scope": base_scope,
        "base_id": base_id,
    }


def _definition(con: duckdb.DuckDBPyConnection, name: str, scope: str, notes: list[str]) -> dict | None:
    """The metric's definition as loaded for the run, else as in the CSV file now (with a note)."""
    definition = find_definition(definitions(con), name, scope)
    if definition is None:
        definition = find_definition(definitions(None), name, scope)
        if definition is not None and has_table(con, "ref.metric_definitions"):
            notes.append(
                "definisi diambil dari data/reference/metric_definitions.csv saat ini: "
                "versi yang dimuat untuk run ini belum memuatnya"
            )
    if definition is None:
        notes.append(f"tidak ada definisi untuk {name} ({scope}) di data/reference/metric_definitions.csv")
    return definition


def _models_step(t: _Trace) -> None:
    """The chain of SQL models, sources first."""
    targets = _target_models(t.con, t.definition, t.metric["metric"], t.metric_id)
    t.result["models"] = _models(t.con, t.run_id, targets, t.notes)


def _reference_step(t: _Trace) -> None:
    """The reference tables the chain and the definition read, in the version loaded for the run."""
    ref_names = {r.split(".", 1)[1] for m in t.result["models"] for r in m["reads"] if r.startswith("ref.")}
    if t.definition and t.definition.get("tabel_referensi"):
        ref_names |= {n.strip() for n in t.definition["tabel_referensi"].split("|") if n.strip()}
    ref_names.add("metric_definitions")
    if has_table(t.con, "lineage.reference_tables"):
        t.result["reference_tables"] = reference_versions(t.con, t.run_id, sorted(ref_names))
        if any(not r["for_run"] for r in t.result["reference_tables"]):
            t.notes.append(
                "sebagian tabel referensi tidak tercatat untuk run ini; yang ditampilkan versi terakhir yang dimuat"
            )


def _rows_step(t: _Trace) -> None:
    """The family's contributing rows and its summary (the mart's row), at most `limit` rows."""
    queries = load_queries()
    for part in ("rows", "summary"):
        sql = queries.get(f"{t.family}.{part}")
        if not sql:
            continue
        try:
            recs = named_records(t.con, sql, t.params)
        except duckdb.Error as exc:
            t.notes.append(f"baris {part} ({t.family}) tidak dapat dibaca: {str(exc).splitlines()[0][:200]}")
            if part != "rows":
                continue
            # a mart that changed under its trace query: fall back on the numbers of the scope
            t.result["family"] = "published_scope"
            recs = named_records(t.con, queries["published_scope.rows"], t.params)
        if part == "rows":
            t.result["rows_total"] = len(recs)
            if t.limit is not None and len(recs) > t.limit:
                t.notes.append(f"{len(recs)} baris; yang ditampilkan {t.limit} pertama")
                recs = recs[: t.limit]
        t.result[part] = recs


def _evidence_step(t: _Trace) -> None:
    """Each row's evidence (file_id, row) becomes its file, line and staged values."""
    recs = t.result["rows"] + t.result["summary"]
    pairs = {(e["file_id"], e["row"]) for rec in recs for e in (rec.get("evidence") or [])}
    for f, _ in pairs:
        t.lines_used[f] = t.lines_used.get(f, 0) + 1
    resolved = resolve_evidence(t.con, pairs)
    for rec in recs:
        if "evidence" in rec:
            rec["evidence"] = [resolved[(e["file_id"], e["row"])] for e in (rec["evidence"] or [])]
            t.cited |= {e["file_id"] for e in rec["evidence"]}


def _excluded_step(t: _Trace) -> None:
    """The quarantined rows of the same scope (FAMILIES names their block), with the rule they broke."""
    block = FAMILIES.get(t.family)
    sql = load_queries().get(f"{block}.excluded") if block else None
    if not sql:
        return
    try:
        excluded = named_records(t.con, sql, t.params)
    except duckdb.Error as exc:
        t.notes.append(f"baris karantina tidak dapat dibaca: {str(exc).splitlines()[0][:200]}")
        excluded = []
    if excluded:
        locate_excluded(t.con, excluded)
        t.cited |= {x["file_id"] for x in excluded}
    t.result["excluded"] = excluded


def _files_step(t: _Trace) -> None:
    """The files cited, every version of them, with the lines each gave the number."""
    t.result["files"] = file_versions(t.con, t.cited)
    for f in t.result["files"]:
        f["lines_used"] = t.lines_used.get(f["file_id"], 0)


def _drill_down_step(t: _Trace) -> None:
    """The finer metrics the rows name, to trace next."""
    t.result["drill_down"] = list(dict.fromkeys(r["metric_id"] for r in t.result["rows"] if r.get("metric_id")))


def _corrections_step(t: _Trace) -> None:
    """The approved corrections (koreksi/) behind an ASN's number: original, correction, approver."""
    start, end = t.params["period_start"], t.params["period_end"]
    if t.params["base_scope"] == "asn" and start is not None:
        first = date(start.year, 1, 1) if t.metric["metric"].endswith("_ytd") else start
        t.result["corrections"] = corrections_for(
            t.con, t.run_id, t.params["base_id"], t.metric["period"], first.isoformat(), end.isoformat()
        )


# what `trace` does after finding the metric and its definition, in order: rows before their
# evidence, evidence and quarantined rows before the files they cite
TRACE_STEPS: tuple[Callable[[_Trace], None], ...] = (
    _models_step,
    _reference_step,
    _rows_step,
    _evidence_step,
    _excluded_step,
    _files_step,
    _drill_down_step,
    _corrections_step,
)


# ---------------------------------------------------------------- what the steps read


def _unknown_message(con: duckdb.DuckDBPyConnection, metric_id: str) -> str:
    parts = metric_id.split("/")
    similar: list[str] = []
    if len(parts) == 4:
        # the same metric and scope in the period, then the metric in the period, then the metric
        for pattern in (f"{parts[0]}/{parts[1]}/%/{parts[3]}", f"{parts[0]}/%/{parts[3]}", f"{parts[0]}/%"):
            similar = [
                r[0]
                for r in con.execute(
                    "select metric_id from main.metrics where metric_id like ? order by metric_id limit 3", [pattern]
                ).fetchall()
            ]
            if similar:
                break
    hint = "; contoh yang ada: " + ", ".join(similar) if similar else ""
    return (
        f"metric_id '{metric_id}' tidak ditemukan di metrics (bentuknya metrik/scope/scope_id/periode, "
        f"mis. attendance_rate/unit/kelurahan-pager/2026-10){hint}"
    )


def _history(con: duckdb.DuckDBPyConnection, metric_id: str) -> list[dict]:
    if not has_table(con, "lineage.metric_history"):
        return []
    join = has_table(con, "lineage.runs")
    sql = (
        "select h.run_id, r.started_at, r.status, h.value, h.label from lineage.metric_history h "
        "left join lineage.runs r on r.run_id = h.run_id where h.metric_id = $id order by h.rowid"
        if join
        else "select h.run_id, null as started_at, null as status, h.value, h.label from lineage.metric_history h "
        "where h.metric_id = $id order by h.rowid"
    )
    return named_records(con, sql, {"id": metric_id})


def _run(con: duckdb.DuckDBPyConnection, run_id: str) -> dict:
    if has_table(con, "lineage.runs"):
        rows = named_records(con, "select * from lineage.runs where run_id = $id", {"id": run_id})
        if rows:
            run = rows[0]
            if isinstance(run.get("parameters"), str):
                try:
                    run["parameters"] = json.loads(run["parameters"])
                except ValueError:
                    pass
            run["recorded"] = True
            return run
    return {"run_id": run_id, "recorded": False}


def _target_models(con: duckdb.DuckDBPyConnection, definition: dict | None, metric: str, metric_id: str) -> list[str]:
    models = discover_models()
    if definition:
        targets = [definition.get(k) for k in ("model", "model_metrik")]
        targets = [t for t in targets if t and t in models]
        if targets:
            return targets
    # no definition: the metrics_* model that emits the id
    for name in sorted(n for n in models if re.fullmatch(r"marts\.metrics_\w+", n)):
        try:
            if con.execute(f"select 1 from {name} where metric_id = ? limit 1", [metric_id]).fetchall():
                return [name]
        except duckdb.Error:
            continue
    return []


def _project_path(path: Path) -> str:
    try:
        return path.resolve().relative_to(Path(__file__).resolve().parent.parent).as_posix()
    except ValueError:
        return path.as_posix()


def _models(con: duckdb.DuckDBPyConnection, run_id: str, targets: list[str], notes: list[str]) -> list[dict]:
    if not targets:
        notes.append("model SQL yang menghasilkan metrik ini tidak ditemukan")
        return []
    models = discover_models()
    # the mart that computes the number with everything it is built from, then the metrics
    # model that publishes it (not the metrics model's other branches)
    chain = model_chain(targets[0], models)
    chain += [t for t in targets[1:] if t not in chain]
    recorded = recorded_models(con, run_id, chain)
    out = []
    changed = []
    for name in chain:
        m = models[name]
        current_sha = hashlib.sha256(m.sql.encode("utf-8")).hexdigest()
        rec = recorded.get(name)
        entry = {
            "model": name,
            "path": rec["path"] if rec else _project_path(m.path),
            "materialized": m.materialized,
            "depends_on": sorted(m.depends_on),
            "reads": sorted(m.reads),
            "sources": sorted(m.reads - set(models)),
            "sha256": rec["sha256"] if rec else current_sha,
            "sql": rec["sql_text"] if rec else m.sql,
            "recorded_for_run": bool(rec and rec["for_run"]),
            "recorded_run_id": rec["run_id"] if rec else None,
            "current_sha256": current_sha,
        }
        if rec and rec["for_run"] and rec["sha256"] != current_sha:
            changed.append(name)
        out.append(entry)
    if not any(e["recorded_for_run"] for e in out):
        notes.append("SQL model tidak tercatat untuk run ini (lineage.models); yang ditampilkan SQL saat ini")
    if changed:
        notes.append("SQL berubah sejak run ini: " + ", ".join(changed) + " (yang ditampilkan SQL saat run)")
    return out


# ---------------------------------------------------------------- the command


def trace_command_output(con: duckdb.DuckDBPyConnection, metric_id: str, fmt: str = "table") -> str:
    """What `pantau trace METRIC_ID --format table|json|csv` prints; raises TraceError for an
    unknown metric and ValueError for an unknown format."""
    if fmt not in FORMATS:
        raise ValueError(f"format '{fmt}' tidak dikenal; pilih salah satu: {', '.join(FORMATS)}")
    result = trace(con, metric_id)
    return FORMATTERS[fmt](result)


__all__ = [
    "trace",
    "as_table",
    "as_json",
    "as_csv",
    "trace_command_output",
    "TraceError",
    "FAMILIES",
    "load_queries",
    "period_window",
    "definitions",
    "NO_SOURCE_LINE",
    "NO_LINE",
    "DRILL_DOWN_SHOWN",
    "QUERIES_FILE",
    "STAGING_BY_SHAPE",
    "resolve_evidence",
    "file_versions",
    "find_definition",
    "choose_family",
    "query_params",
    "TRACE_STEPS",
]
