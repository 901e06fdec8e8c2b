"""The rows behind a traced number: the named queries of trace_queries.sql, the staged values
and file lines of the evidence they cite, and every version of the files involved.

`load_queries` reads the `-- name:` blocks; `named_records` runs one with only the parameters
it uses. `resolve_evidence` turns (file_id, row) pairs into the file, line (or sheet row) and
staged values a person can check; `file_versions` lists the files with their other versions.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import duckdb

from transforms.ingest.records import locate
from transforms.warehouse import has_table, records

QUERIES_FILE = Path(__file__).resolve().parent / "trace_queries.sql"

# the staged table whose rows a file of each shape became (evidence is read from here)
STAGING_BY_SHAPE = {
    "pegawai": "staging.stg_pegawai",
    "presensi_recap": "staging.stg_presensi_recap",
    "presensi_scan": "staging.stg_presensi_scan",
    "skp": "staging.stg_skp",
    "skm": "staging.stg_skm",
    "layanan": "staging.stg_layanan",
}


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


def named_records(con: duckdb.DuckDBPyConnection, sql: str, params: dict) -> list[dict]:
    """The rows of `sql` as dicts; of `params`, only the `$names` the query uses are passed
    (DuckDB refuses a named parameter the query does not use)."""
    used = set(re.findall(r"\$(\w+)", re.sub(r"--[^\n]*", "", sql)))
    return records(con, sql, {k: v for k, v in params.items() if k in used})


# ---------------------------------------------------------------- evidence and files


def located(row: int, sheets: list[str] | None) -> dict:
    """{"line": the CSV line or the row on its sheet, "sheet": the workbook sheet or None} of a row key."""
    sheet, line = locate(row, sheets)
    return {"line": line, "sheet": sheet}


def resolve_evidence(con: duckdb.DuckDBPyConnection, pairs: set[tuple[int, int]]) -> dict[tuple[int, int], dict]:
    """{(file_id, row): {file_id, path, line, sha256, values}} with the staged values of each line."""
    if not pairs:
        return {}
    file_ids = sorted({f for f, _ in pairs})
    files = {
        r[0]: r
        for r in con.execute(
            "select file_id, path, shape, sha256, status, sheets from lineage.files where list_contains(?, file_id)",
            [file_ids],
        ).fetchall()
    }
    by_shape: dict[str, list[tuple[int, int]]] = {}
    for f, r in pairs:
        shape = files[f][2] if f in files else None
        by_shape.setdefault(shape, []).append((f, r))
    out: dict[tuple[int, int], dict] = {}
    for shape, items in by_shape.items():
        table = STAGING_BY_SHAPE.get(shape or "", f"staging.stg_{shape}")
        values = _staged_values(con, table, items) if shape and has_table(con, table) else {}
        for f, r in items:
            info = files.get(f)
            out[(f, r)] = {
                "file_id": f,
                "path": info[1] if info else None,
                **located(r, info[5] if info else None),
                "sha256": info[3] if info else None,
                "table": table if shape else None,
                "values": values.get((f, r)),
            }
    return out


def _staged_values(con: duckdb.DuckDBPyConnection, table: str, items: list[tuple[int, int]]) -> dict:
    """{(file_id, row): the staged columns of that line} for the lines of one staged table."""
    values: dict[tuple[int, int], dict] = {}
    for rec in records(
        con,
        f"select s.* from {table} s join (select unnest($f) as f, unnest($r) as r) k "
        "on s._file_id = k.f and s._row = k.r",
        {"f": [f for f, _ in items], "r": [r for _, r in items]},
    ):
        key = (rec.pop("_file_id"), rec.pop("_row"))
        values[key] = rec
    return values


def locate_excluded(con: duckdb.DuckDBPyConnection, excluded: list[dict]) -> None:
    """Give each quarantined row its file's path and its line (or sheet and row), in place."""
    paths = {
        f: (path, sheets)
        for f, path, sheets in con.execute(
            "select file_id, path, sheets from lineage.files where list_contains(?, file_id)",
            [sorted({x["file_id"] for x in excluded})],
        ).fetchall()
    }
    for x in excluded:
        path, sheets = paths.get(x["file_id"], (None, None))
        x["path"] = path
        x |= located(x.pop("row"), sheets)


def file_versions(con: duckdb.DuckDBPyConnection, file_ids: set[int]) -> list[dict]:
    """The files named, and every other version of the same paths (superseded or newer)."""
    if not file_ids:
        return []
    return named_records(
        con,
        """
        select f.file_id, f.path, f.kind, f.shape, f.format, f.sha256, f.bytes, f.rows_read, f.rows_loaded,
               f.rows_quarantined, f.status, f.superseded_by, f.first_run_id, f.last_run_id, f.registered_at,
               list_contains($ids, f.file_id) as cited
        from lineage.files f
        where f.path in (select path from lineage.files where list_contains($ids, file_id))
        order by f.path, f.file_id""",
        {"ids": sorted(file_ids)},
    )
