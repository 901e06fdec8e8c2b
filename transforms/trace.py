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

`as_table`, `as_json` and `as_csv` format a trace; `trace_command_output` is what
`pantau trace METRIC_ID --format ...` prints.
"""
from __future__ import annotations

import csv
import hashlib
import io
import json
import re
from datetime import date, datetime, time
from decimal import Decimal
from fnmatch import fnmatchcase
from functools import lru_cache
from pathlib import Path

import duckdb

from transforms.ingest.records import locate, sheet_label
from transforms.koreksi import corrections_for
from transforms.run_window import window_note
from transforms.lineage import model_chain, recorded_models, reference_versions
from transforms.models import discover_models
from transforms.reference import DEFAULT_REFERENCE_DIR

QUERIES_FILE = Path(__file__).resolve().parent / "trace_queries.sql"
DEFINITIONS_FILE = DEFAULT_REFERENCE_DIR / "metric_definitions.csv"
FORMATS = ("table", "json", "csv")
DRILL_DOWN_SHOWN = 10        # `pantau trace` commands listed under "Telusuri lebih lanjut"
# the csv's file column of a fact with no line behind it (a workday with no record is TK; a
# recommendation's fact is another metric, traced by metric_id_rinci)
NO_SOURCE_LINE, NO_LINE = "(tanpa baris sumber)", "(tidak ada)"

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

# the staged table whose rows a file of each shape became (evidence is read from here)
STAGING_BY_SHAPE = {
    "pegawai": "staging.stg_pegawai",
    "presensi_recap": "staging.stg_presensi_recap",
    "presensi_scan": "staging.stg_presensi_scan",
    "skp": "staging.stg_skp",
    "skm": "staging.stg_skm",
    "layanan": "staging.stg_layanan",
}


class TraceError(LookupError):
    """The metric cannot be traced (unknown id, no metrics published yet)."""


# ---------------------------------------------------------------- named queries

@lru_cache(maxsize=1)
def load_queries(path: Path = QUERIES_FILE) -> dict[str, str]:
    """{'<family>.<part>': sql} from the `-- name:` blocks of trace_queries.sql.

    `-- name: a.rows = b.rows` makes a.rows the same query as the block b.rows (written once).
    """
    queries: dict[str, str] = {}
    aliases: dict[str, str] = {}
    name = None
    lines: list[str] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        match = re.match(r"--\s*name:\s*([\w.]+)\s*(?:=\s*([\w.]+))?\s*$", line)
        if match:
            if name:
                queries[name] = "\n".join(lines).strip()
            name, lines = match.group(1), []
            if match.group(2):
                aliases[name], name = match.group(2), None
        elif name is not None:
            lines.append(line)
    if name:
        queries[name] = "\n".join(lines).strip()
    for alias, target in aliases.items():
        if target not in queries:
            raise ValueError(f"{path.name}: '{alias}' refers to the unknown block '{target}'")
        queries[alias] = queries[target]
    return queries


def _run_named(con: duckdb.DuckDBPyConnection, sql: str, params: dict) -> tuple[list[str], list[tuple]]:
    used = set(re.findall(r"\$(\w+)", re.sub(r"--[^\n]*", "", sql)))
    cur = con.execute(sql, {k: v for k, v in params.items() if k in used})
    columns = [d[0] for d in cur.description]
    return columns, cur.fetchall()


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


def _has_table(con: duckdb.DuckDBPyConnection, qualified: str) -> bool:
    schema, table = qualified.split(".", 1)
    return bool(con.execute(
        "select count(*) from information_schema.tables where table_catalog = current_database() "
        "and table_schema = ? and table_name = ?", [schema, table]).fetchall()[0][0])


def _records(columns: list[str], rows: list[tuple]) -> list[dict]:
    return [dict(zip(columns, r)) for r in rows]


def _plain(value):
    """JSON-friendly: dates and times as ISO text, decimals as numbers."""
    if isinstance(value, (datetime, date, time)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


# ---------------------------------------------------------------- definitions

def definitions(con: duckdb.DuckDBPyConnection | None = None) -> list[dict]:
    """The metric definitions: ref.metric_definitions as loaded for the run, else the CSV file."""
    if con is not None and _has_table(con, "ref.metric_definitions"):
        cols, rows = _run_named(con, "select * from ref.metric_definitions", {})
        return _records(cols, rows)
    with open(DEFINITIONS_FILE, newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def find_definition(defs: list[dict], metric: str, scope: str) -> dict | None:
    exact = [d for d in defs if d.get("metric") == metric and d.get("scope") == scope]
    if exact:
        return exact[0]
    patterned = [d for d in defs if fnmatchcase(metric, d.get("metric") or "") and fnmatchcase(scope, d.get("scope") or "")]
    return patterned[0] if patterned else None


def choose_family(definition: dict | None, metric: str, scope: str) -> str:
    if definition and definition.get("keluarga") in FAMILIES:
        return definition["keluarga"]
    for metric_pattern, scope_pattern, family in FALLBACK_FAMILIES:
        if fnmatchcase(metric, metric_pattern) and fnmatchcase(scope, scope_pattern):
            return family
    return "published_scope"


# ---------------------------------------------------------------- evidence and files

def resolve_evidence(con: duckdb.DuckDBPyConnection, pairs: set[tuple[int, int]]) -> dict[tuple[int, int], dict]:
    """{(file_id, row): {file_id, path, line, sha256, values}} with the staged values of each line."""
    if not pairs:
        return {}
    file_ids = sorted({f for f, _ in pairs})
    files = {r[0]: r for r in con.execute(
        "select file_id, path, shape, sha256, status, sheets from lineage.files where list_contains(?, file_id)",
        [file_ids]).fetchall()}
    by_shape: dict[str, list[tuple[int, int]]] = {}
    for f, r in pairs:
        shape = files[f][2] if f in files else None
        by_shape.setdefault(shape, []).append((f, r))
    out: dict[tuple[int, int], dict] = {}
    for shape, items in by_shape.items():
        values: dict[tuple[int, int], dict] = {}
        table = STAGING_BY_SHAPE.get(shape or "", f"staging.stg_{shape}")
        if shape and _has_table(con, table):
            cur = con.execute(
                f"select s.* from {table} s join (select unnest($f) as f, unnest($r) as r) k "
                "on s._file_id = k.f and s._row = k.r",
                {"f": [f for f, _ in items], "r": [r for _, r in items]})
            cols = [d[0] for d in cur.description]
            for rec in _records(cols, cur.fetchall()):
                key = (rec.pop("_file_id"), rec.pop("_row"))
                values[key] = rec
        for f, r in items:
            info = files.get(f)
            out[(f, r)] = {
                "file_id": f, "path": info[1] if info else None, **_located(r, info[5] if info else None),
                "sha256": info[3] if info else None, "table": table if shape else None,
                "values": values.get((f, r)),
            }
    return out


def _located(row: int, sheets: list[str] | None) -> dict:
    """{"line": the CSV line or the row on its sheet, "sheet": the workbook sheet or None} of a row key."""
    sheet, line = locate(row, sheets)
    return {"line": line, "sheet": sheet}


def _where(e: dict) -> str:
    """'12' or 'Oktober!12': a line as a person finds it (the sheet of a workbook first)."""
    return str(e["line"]) if not e.get("sheet") else f"{sheet_label(e['sheet'])}!{e['line']}"


def file_versions(con: duckdb.DuckDBPyConnection, file_ids: set[int]) -> list[dict]:
    """The files named, and every other version of the same paths (superseded or newer)."""
    if not file_ids:
        return []
    cols, rows = _run_named(con, """
        select f.file_id, f.path, f.kind, f.shape, f.format, f.sha256, f.bytes, f.rows_read, f.rows_loaded,
               f.rows_quarantined, f.status, f.superseded_by, f.first_run_id, f.last_run_id, f.registered_at,
               list_contains($ids, f.file_id) as cited
        from lineage.files f
        where f.path in (select path from lineage.files where list_contains($ids, file_id))
        order by f.path, f.file_id""", {"ids": sorted(file_ids)})
    return _records(cols, rows)


# ---------------------------------------------------------------- the trace

def trace(con: duckdb.DuckDBPyConnection, metric_id: str, limit: int | None = None) -> dict:
    """Everything behind one published metric; see the module docstring. `limit` caps the rows."""
    if not _has_table(con, "main.metrics"):
        raise TraceError("belum ada metrik yang diterbitkan di gudang data ini; jalankan: pantau run --period YYYY-MM")
    cols, rows = _run_named(con, "select * from main.metrics where metric_id = $id", {"id": metric_id})
    notes: list[str] = []
    if rows:
        metric = _records(cols, rows)[0]
    else:
        hist = []
        if _has_table(con, "lineage.metric_history"):
            hcols, hrows = _run_named(con, "select * from lineage.metric_history where metric_id = $id order by rowid desc limit 1",
                                      {"id": metric_id})
            hist = _records(hcols, hrows)
        if not hist:
            raise TraceError(_unknown_message(con, metric_id))
        metric = hist[0]
        notes.append("metrik ini tidak lagi diterbitkan; yang ditampilkan nilai terakhirnya di lineage.metric_history")

    run_id = metric["run_id"]
    name, scope, scope_id, period = metric["metric"], metric["scope"], metric["scope_id"], metric["period"]
    outside = window_note(con, period)
    if outside:
        notes.append(outside)
    key, _, sub = scope_id.partition(":")
    start, end = period_window(period)
    # a composite scope ('unit-unsur' '<unit>:u3', 'office-tema' '<office>:waktu') is counted in
    # its base scope; 'layanan' ids are composite themselves ('<unit>:<jenis>')
    composite = re.fullmatch(r"(\w+)-(unsur|tema)", scope)
    base_scope, base_id = (composite.group(1), key) if composite else (scope, scope_id)
    params = {
        "metric_id": metric_id, "metric": name, "scope": scope, "scope_id": scope_id, "period": period,
        "key": key, "sub": sub or None, "year": start.year if start else None,
        "period_start": start, "period_end": end, "year_start": date(start.year, 1, 1) if start else None,
        "base_scope": base_scope, "base_id": base_id,
    }

    definition = find_definition(definitions(con), name, scope)
    if definition is None:
        definition = find_definition(definitions(None), name, scope)
        if definition is not None and _has_table(con, "ref.metric_definitions"):
            notes.append("definisi diambil dari data/reference/metric_definitions.csv saat ini: "
                         "versi yang dimuat untuk run ini belum memuatnya")
    if definition is None:
        notes.append(f"tidak ada definisi untuk {name} ({scope}) di data/reference/metric_definitions.csv")
    family = choose_family(definition, name, scope)

    result = {
        "metric_id": metric_id,
        "metric": metric,
        "history": _history(con, metric_id),
        "definition": definition,
        "family": family,
        "run": _run(con, run_id),
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

    # models, sources first
    targets = _target_models(con, definition, name, metric_id)
    result["models"] = _models(con, run_id, targets, notes)
    ref_names = {r.split(".", 1)[1] for m in result["models"] for r in m["reads"] if r.startswith("ref.")}
    if definition and definition.get("tabel_referensi"):
        ref_names |= {n.strip() for n in definition["tabel_referensi"].split("|") if n.strip()}
    ref_names.add("metric_definitions")
    if _has_table(con, "lineage.reference_tables"):
        result["reference_tables"] = reference_versions(con, run_id, sorted(ref_names))
        if any(not r["for_run"] for r in result["reference_tables"]):
            notes.append("sebagian tabel referensi tidak tercatat untuk run ini; yang ditampilkan versi terakhir yang dimuat")

    # rows, summary, excluded
    queries = load_queries()
    cited: set[int] = set()
    for part, target in (("rows", "rows"), ("summary", "summary")):
        sql = queries.get(f"{family}.{part}")
        if not sql:
            continue
        try:
            qcols, qrows = _run_named(con, sql, params)
        except duckdb.Error as exc:
            notes.append(f"baris {part} ({family}) tidak dapat dibaca: {str(exc).splitlines()[0][:200]}")
            if part != "rows":
                continue
            # a mart that changed under its trace query: fall back on the numbers of the scope
            family = "published_scope"
            result["family"] = family
            qcols, qrows = _run_named(con, queries["published_scope.rows"], params)
        records = _records(qcols, qrows)
        if target == "rows":
            result["rows_total"] = len(records)
            if limit is not None and len(records) > limit:
                notes.append(f"{len(records)} baris; yang ditampilkan {limit} pertama")
                records = records[:limit]
        result[target] = records
    pairs = {(e["file_id"], e["row"]) for rec in result["rows"] + result["summary"] for e in (rec.get("evidence") or [])}
    lines_used: dict[int, int] = {}
    for f, _ in pairs:
        lines_used[f] = lines_used.get(f, 0) + 1
    resolved = resolve_evidence(con, pairs)
    for rec in result["rows"] + result["summary"]:
        if "evidence" in rec:
            rec["evidence"] = [resolved[(e["file_id"], e["row"])] for e in (rec["evidence"] or [])]
            cited |= {e["file_id"] for e in rec["evidence"]}
    excluded_block = FAMILIES.get(family)
    if excluded_block and (sql := queries.get(f"{excluded_block}.excluded")):
        try:
            qcols, qrows = _run_named(con, sql, params)
            excluded = _records(qcols, qrows)
        except duckdb.Error as exc:
            notes.append(f"baris karantina tidak dapat dibaca: {str(exc).splitlines()[0][:200]}")
            excluded = []
        if excluded:
            paths = {f: (path, sheets) for f, path, sheets in con.execute(
                "select file_id, path, sheets from lineage.files where list_contains(?, file_id)",
                [sorted({x["file_id"] for x in excluded})]).fetchall()}
            for x in excluded:
                path, sheets = paths.get(x["file_id"], (None, None))
                x["path"] = path
                x |= _located(x.pop("row"), sheets)
            cited |= {x["file_id"] for x in excluded}
        result["excluded"] = excluded
    result["files"] = file_versions(con, cited)
    for f in result["files"]:
        f["lines_used"] = lines_used.get(f["file_id"], 0)
    result["drill_down"] = list(dict.fromkeys(r["metric_id"] for r in result["rows"] if r.get("metric_id")))
    # the approved corrections (koreksi/) behind an ASN's number: original, correction, approver
    if base_scope == "asn" and start is not None:
        first = date(start.year, 1, 1) if name.endswith("_ytd") else start
        result["corrections"] = corrections_for(con, run_id, base_id, period, first.isoformat(), end.isoformat())
    return result


def _unknown_message(con: duckdb.DuckDBPyConnection, metric_id: str) -> str:
    parts = metric_id.split("/")
    similar: list[str] = []
    if len(parts) == 4:
        # the same metric and scope in the period, then the metric in the period, then the metric
        for pattern in (f"{parts[0]}/{parts[1]}/%/{parts[3]}", f"{parts[0]}/%/{parts[3]}", f"{parts[0]}/%"):
            similar = [r[0] for r in con.execute(
                "select metric_id from main.metrics where metric_id like ? order by metric_id limit 3",
                [pattern]).fetchall()]
            if similar:
                break
    hint = "; contoh yang ada: " + ", ".join(similar) if similar else ""
    return (f"metric_id '{metric_id}' tidak ditemukan di metrics (bentuknya metrik/scope/scope_id/periode, "
            f"mis. attendance_rate/unit/kelurahan-pager/2026-10){hint}")


def _history(con: duckdb.DuckDBPyConnection, metric_id: str) -> list[dict]:
    if not _has_table(con, "lineage.metric_history"):
        return []
    join = _has_table(con, "lineage.runs")
    sql = (
        "select h.run_id, r.started_at, r.status, h.value, h.label from lineage.metric_history h "
        "left join lineage.runs r on r.run_id = h.run_id where h.metric_id = $id order by h.rowid"
        if join else
        "select h.run_id, null as started_at, null as status, h.value, h.label from lineage.metric_history h "
        "where h.metric_id = $id order by h.rowid")
    cols, rows = _run_named(con, sql, {"id": metric_id})
    return _records(cols, rows)


def _run(con: duckdb.DuckDBPyConnection, run_id: str) -> dict:
    if _has_table(con, "lineage.runs"):
        cols, rows = _run_named(con, "select * from lineage.runs where run_id = $id", {"id": run_id})
        if rows:
            run = _records(cols, rows)[0]
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


# ---------------------------------------------------------------- formats

def as_json(result: dict) -> str:
    return json.dumps(_plain(result), ensure_ascii=False, indent=2, default=str)


def _cell(value, width: int = 40) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        text = f"{value:.4f}".rstrip("0").rstrip(".")
    elif isinstance(value, (list, dict)):
        text = json.dumps(_plain(value), ensure_ascii=False)
    else:
        text = str(_plain(value))
    text = text.replace("\n", " ")
    return text if len(text) <= width else text[: width - 1] + "…"


def _grid(headers: list[str], rows: list[list], width: int = 40, wide: tuple[str, ...] = ()) -> list[str]:
    """A plain text table; columns named in `wide` are never cut."""
    limits = [10_000 if h in wide else width for h in headers]
    cells = [[_cell(v, limits[i]) for i, v in enumerate(row)] for row in rows]
    widths = [max([len(h)] + [len(r[i]) for r in cells]) for i, h in enumerate(headers)]
    line = "  ".join(h.ljust(w) for h, w in zip(headers, widths)).rstrip()
    out = ["  " + line, "  " + "  ".join("-" * w for w in widths)]
    out += ["  " + "  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip() for r in cells]
    return out


SOURCES_LISTED = 3   # a row with more source lines shows them counted per file


def _sources(evidence: list[dict] | None) -> str:
    """'path:line; path:line', or for a row pooling many lines (a unit's month) 'path (N baris); ...',
    or a dash when the fact has no source line (a workday with no record)."""
    evidence = evidence or []
    if len(evidence) <= SOURCES_LISTED:
        return "; ".join(f"{e['path']}:{_where(e)}" for e in evidence) or "-"
    per_file: dict[str, int] = {}
    for e in evidence:
        per_file[e["path"]] = per_file.get(e["path"], 0) + 1
    return "; ".join(f"{path} ({n} baris)" for path, n in per_file.items())


def as_table(result: dict) -> str:
    m = result["metric"]
    out = [f"Metrik    {result['metric_id']}"]
    unit = f" {m['unit']}" if m.get("unit") else ""
    out.append(f"  nilai   {_cell(m.get('value'))}{unit}" + (f"   label: {m['label']}" if m.get("label") else ""))
    out.append(f"  run     {m['run_id']}")
    d = result.get("definition")
    out += ["", "Definisi"]
    if d:
        for k in ("definisi", "rumus", "regulasi", "tabel_referensi", "model"):
            if d.get(k):
                out.append(f"  {k:<16}{d[k]}")
    else:
        out.append("  (tidak ada di data/reference/metric_definitions.csv)")
    out.append(f"  {'jejak':<16}{result['family']} (transforms/trace_queries.sql)")

    if result["history"]:
        out += ["", "Riwayat nilai"]
        out += _grid(["run", "mulai", "status", "nilai", "label"],
                     [[h["run_id"], h["started_at"], h["status"], h["value"], h["label"]] for h in result["history"]], 60)

    r = result["run"]
    out += ["", "Run"]
    if r.get("recorded"):
        for k, label in (("run_id", "run_id"), ("flow_run_id", "Prefect flow run"), ("command", "perintah"),
                         ("period", "periode"), ("as_of", "as_of"), ("code_version", "versi kode"),
                         ("started_at", "mulai"), ("ended_at", "selesai"), ("status", "status")):
            out.append(f"  {label:<17}{_cell(r.get(k), 80)}")
        out.append(f"  {'parameter':<17}{_cell(r.get('parameters'), 200)}")
    else:
        out.append(f"  {r['run_id']} (tidak tercatat di lineage.runs)")

    out += ["", "Tabel referensi (versi yang dipakai run ini)"]
    out += _grid(["tabel", "sha256", "baris", "run"],
                 [[t["name"], t["sha256"], t["rows"], t["run_id"] if t["for_run"] else f"{t['run_id']} (terakhir)"]
                  for t in result["reference_tables"]], 64)

    out += ["", "Model SQL, dari sumber ke metrik"]
    out += _grid(["#", "model", "jenis", "sha256", "membaca sumber"],
                 [[i, e["model"], e["materialized"], e["sha256"][:16], ", ".join(e["sources"])]
                  for i, e in enumerate(result["models"], start=1)], 70)

    out += ["", "Berkas sumber (baris dipakai: baris berkas yang masuk ke angka ini)"]
    out += _grid(["file_id", "berkas", "sha256", "status", "diganti oleh", "dibaca", "dimuat", "karantina",
                  "baris dipakai", "run pertama"],
                 [[f["file_id"], f["path"], f["sha256"][:16], f["status"], f["superseded_by"], f["rows_read"],
                   f["rows_loaded"], f["rows_quarantined"], f.get("lines_used", 0), f["first_run_id"]]
                  for f in result["files"]], 60)
    if not result["files"]:
        out.append("  (tidak ada baris berkas di balik angka ini; lihat baris yang dipakai di bawah)")

    for title, key in (("Ringkasan model", "summary"), ("Baris yang dipakai", "rows")):
        recs = result[key]
        if not recs and key == "summary":
            continue
        count = result["rows_total"] if key == "rows" else len(recs)
        out += ["", f"{title} ({count})"]
        if key == "summary" and len(recs) == 1:
            # one mart row: one line per column reads better than one very wide line
            for k, v in recs[0].items():
                out.append(f"  {k:<28}{_sources(v) if k == 'evidence' else _cell(v, 100)}")
        elif recs:
            headers = [k for k in recs[0] if k != "evidence"]
            has_evidence = any("evidence" in rec for rec in recs)
            rows = [[rec.get(h) for h in headers] + ([_sources(rec.get("evidence"))] if has_evidence else [])
                    for rec in recs]
            out += _grid(headers + (["sumber (berkas:baris)"] if has_evidence else []), rows, 48,
                         wide=("sumber (berkas:baris)", "metric_id"))

    out += ["", f"Baris yang dikecualikan (karantina) ({len(result['excluded'])})"]
    if result["excluded"]:
        out += _grid(["berkas", "baris", "aturan", "kolom", "nilai", "pesan"],
                     [[x["path"], _where(x), x["rule"], x["column"], x["value"], x["message"]]
                      for x in result["excluded"]], 60)
    drill = result.get("drill_down") or []
    if drill:
        out += ["", f"Telusuri lebih lanjut ({len(drill)}): angka di balik tiap baris yang dipakai"]
        out += [f"  pantau trace {d}" for d in drill[:DRILL_DOWN_SHOWN]]
        if len(drill) > DRILL_DOWN_SHOWN:
            out.append(f"  ... dan {len(drill) - DRILL_DOWN_SHOWN} lain (kolom metric_id di atas; --format csv: "
                       "kolom metric_id_rinci)")
    if result.get("corrections"):
        out += ["", f"Koreksi yang diterapkan ({len(result['corrections'])})"]
        out += _grid(["tanggal/periode", "kolom", "nilai asli", "sumber asli", "nilai baru", "baris koreksi",
                      "disetujui oleh", "wewenang", "dasar"],
                     [[c["kapan"], c["kolom"] + (f" ({c['indikator']})" if c["indikator"] else ""), c["nilai_asli"],
                       f"{c['asli_berkas']}:{c['asli_baris']}" if c["asli_berkas"] else "(tidak ada catatan)",
                       c["nilai_baru"], f"{c['koreksi_berkas']}:{c['koreksi_baris']}", c["disetujui_oleh"],
                       c["wewenang"], c["dasar"]] for c in result["corrections"]], 60)
    if result["notes"]:
        out += ["", "Catatan"] + [f"  - {n}" for n in result["notes"]]
    return "\n".join(out) + "\n"


def as_csv(result: dict) -> str:
    """One line per source line: the contributing rows (bagian 'dipakai', one line per line of
    evidence; a fact without a source line, e.g. a workday with no record, says so in the file
    column (NO_SOURCE_LINE) and its line (NO_LINE))
    and the quarantined rows of the scope (bagian 'dikecualikan'). A row's own finer metric id
    is in `metric_id_rinci`; staged values of the line are `sumber.<column>`."""
    lines: list[dict] = []
    for rec in result["rows"]:
        # a row's own metric_id (the finer metric to trace next) must not hide the traced one
        base = {("metric_id_rinci" if k == "metric_id" else k): v for k, v in rec.items() if k != "evidence"}
        for e in (rec.get("evidence") or [None]):
            line = {"bagian": "dipakai", "berkas": e["path"] if e else NO_SOURCE_LINE,
                    "baris": _where(e) if e else NO_LINE,
                    "sha256": e and e["sha256"], **base}
            for k, v in ((e or {}).get("values") or {}).items():
                line[f"sumber.{k}"] = v
            lines.append(line)
    for x in result["excluded"]:
        lines.append({"bagian": "dikecualikan", "berkas": x["path"], "baris": _where(x),
                      "aturan": x["rule"], "kolom": x["column"], "nilai": x["value"], "pesan": x["message"]})
    header = ["metric_id", "run_id", "value"]
    for line in lines:
        for k in line:
            if k not in header:
                header.append(k)
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=header, lineterminator="\n")
    writer.writeheader()
    m = result["metric"]
    for line in lines:
        writer.writerow({k: _csv_value(v) for k, v in
                         {"metric_id": result["metric_id"], "run_id": m["run_id"], "value": m.get("value"), **line}.items()})
    return buf.getvalue()


def _csv_value(value):
    from transforms.spreadsheet import neutralise

    value = _plain(value)
    if isinstance(value, (list, dict)):
        value = json.dumps(value, ensure_ascii=False)
    return neutralise(value)


def trace_command_output(con: duckdb.DuckDBPyConnection, metric_id: str, fmt: str = "table") -> str:
    """What `pantau trace METRIC_ID --format table|json|csv` prints; raises TraceError for an
    unknown metric and ValueError for an unknown format."""
    if fmt not in FORMATS:
        raise ValueError(f"format '{fmt}' tidak dikenal; pilih salah satu: {', '.join(FORMATS)}")
    result = trace(con, metric_id)
    return {"table": as_table, "json": as_json, "csv": as_csv}[fmt](result)


__all__ = ["trace", "as_table", "as_json", "as_csv", "trace_command_output", "TraceError", "FAMILIES",
           "load_queries", "period_window", "definitions"]
