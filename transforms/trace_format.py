"""A trace as `pantau trace --format table|json|csv` prints it.

`as_table` is a list of sections (TABLE_SECTIONS), each a function from the trace to its lines;
`as_json` is the trace with dates as ISO text; `as_csv` is one line per source line.
"""

from __future__ import annotations

import csv
import io
import json
from datetime import date, datetime, time
from decimal import Decimal

from transforms.ingest.records import sheet_label

DRILL_DOWN_SHOWN = 10  # `pantau trace` commands listed under "Telusuri lebih lanjut"
# the csv's file column of a fact with no line behind it (a workday with no record is TK; a
# recommendation's fact is another metric, traced by metric_id_rinci)
NO_SOURCE_LINE, NO_LINE = "(tanpa baris sumber)", "(tidak ada)"
SOURCES_LISTED = 3  # a row with more source lines shows them counted per file


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


def _where(e: dict) -> str:
    """'12' or 'Oktober!12': a line as a person finds it (the sheet of a workbook first)."""
    return str(e["line"]) if not e.get("sheet") else f"{sheet_label(e['sheet'])}!{e['line']}"


def as_json(result: dict) -> str:
    return json.dumps(_plain(result), ensure_ascii=False, indent=2, default=str)


# ---------------------------------------------------------------- plain text tables


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
    line = "  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True)).rstrip()
    out = ["  " + line, "  " + "  ".join("-" * w for w in widths)]
    out += ["  " + "  ".join(c.ljust(w) for c, w in zip(r, widths, strict=False)).rstrip() for r in cells]
    return out


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


# ---------------------------------------------------------------- the sections of the table


def _metric_lines(result: dict) -> list[str]:
    m = result["metric"]
    unit = f" {m['unit']}" if m.get("unit") else ""
    return [
        f"Metrik    {result['metric_id']}",
        f"  nilai   {_cell(m.get('value'))}{unit}" + (f"   label: {m['label']}" if m.get("label") else ""),
        f"  run     {m['run_id']}",
    ]


def _definition_lines(result: dict) -> list[str]:
    d = result.get("definition")
    out = ["", "Definisi"]
    if d:
        out += [f"  {k:<16}{d[k]}" for k in ("definisi", "rumus", "regulasi", "tabel_referensi", "model") if d.get(k)]
    else:
        out.append("  (tidak ada di data/reference/metric_definitions.csv)")
    out.append(f"  {'jejak':<16}{result['family']} (transforms/trace_queries.sql)")
    return out


def _history_lines(result: dict) -> list[str]:
    if not result["history"]:
        return []
    return ["", "Riwayat nilai"] + _grid(
        ["run", "mulai", "status", "nilai", "label"],
        [[h["run_id"], h["started_at"], h["status"], h["value"], h["label"]] for h in result["history"]],
        60,
    )


RUN_FIELDS = (
    ("run_id", "run_id"),
    ("flow_run_id", "Prefect flow run"),
    ("command", "perintah"),
    ("period", "periode"),
    ("as_of", "as_of"),
    ("code_version", "versi kode"),
    ("started_at", "mulai"),
    ("ended_at", "selesai"),
    ("status", "status"),
)


def _run_lines(result: dict) -> list[str]:
    r = result["run"]
    out = ["", "Run"]
    if r.get("recorded"):
        out += [f"  {label:<17}{_cell(r.get(k), 80)}" for k, label in RUN_FIELDS]
        out.append(f"  {'parameter':<17}{_cell(r.get('parameters'), 200)}")
    else:
        out.append(f"  {r['run_id']} (tidak tercatat di lineage.runs)")
    return out


def _reference_lines(result: dict) -> list[str]:
    return ["", "Tabel referensi (versi yang dipakai run ini)"] + _grid(
        ["tabel", "sha256", "baris", "run"],
        [
            [t["name"], t["sha256"], t["rows"], t["run_id"] if t["for_run"] else f"{t['run_id']} (terakhir)"]
            for t in result["reference_tables"]
        ],
        64,
    )


def _model_lines(result: dict) -> list[str]:
    return ["", "Model SQL, dari sumber ke metrik"] + _grid(
        ["#", "model", "jenis", "sha256", "membaca sumber"],
        [
            [i, e["model"], e["materialized"], e["sha256"][:16], ", ".join(e["sources"])]
            for i, e in enumerate(result["models"], start=1)
        ],
        70,
    )


def _file_lines(result: dict) -> list[str]:
    out = ["", "Berkas sumber (baris dipakai: baris berkas yang masuk ke angka ini)"]
    out += _grid(
        [
            "file_id",
            "berkas",
            "sha256",
            "status",
            "diganti oleh",
            "dibaca",
            "dimuat",
            "karantina",
            "baris dipakai",
            "run pertama",
        ],
        [
            [
                f["file_id"],
                f["path"],
                f["sha256"][:16],
                f["status"],
                f["superseded_by"],
                f["rows_read"],
                f["rows_loaded"],
                f["rows_quarantined"],
                f.get("lines_used", 0),
                f["first_run_id"],
            ]
            for f in result["files"]
        ],
        60,
    )
    if not result["files"]:
        out.append("  (tidak ada baris berkas di balik angka ini; lihat baris yang dipakai di bawah)")
    return out


def _record_grid(recs: list[dict]) -> list[str]:
    """Rows as a table; their evidence as one column of file:line."""
    headers = [k for k in recs[0] if k != "evidence"]
    has_evidence = any("evidence" in rec for rec in recs)
    rows = [[rec.get(h) for h in headers] + ([_sources(rec.get("evidence"))] if has_evidence else []) for rec in recs]
    return _grid(
        headers + (["sumber (berkas:baris)"] if has_evidence else []),
        rows,
        48,
        wide=("sumber (berkas:baris)", "metric_id"),
    )


def _summary_lines(result: dict) -> list[str]:
    recs = result["summary"]
    if not recs:
        return []
    out = ["", f"Ringkasan model ({len(recs)})"]
    if len(recs) == 1:
        # one mart row: one line per column reads better than one very wide line
        out += [f"  {k:<28}{_sources(v) if k == 'evidence' else _cell(v, 100)}" for k, v in recs[0].items()]
    else:
        out += _record_grid(recs)
    return out


def _row_lines(result: dict) -> list[str]:
    out = ["", f"Baris yang dipakai ({result['rows_total']})"]
    return out + (_record_grid(result["rows"]) if result["rows"] else [])


def _excluded_lines(result: dict) -> list[str]:
    out = ["", f"Baris yang dikecualikan (karantina) ({len(result['excluded'])})"]
    if result["excluded"]:
        out += _grid(
            ["berkas", "baris", "aturan", "kolom", "nilai", "pesan"],
            [[x["path"], _where(x), x["rule"], x["column"], x["value"], x["message"]] for x in result["excluded"]],
            60,
        )
    return out


def _drill_down_lines(result: dict) -> list[str]:
    drill = result.get("drill_down") or []
    if not drill:
        return []
    out = ["", f"Telusuri lebih lanjut ({len(drill)}): angka di balik tiap baris yang dipakai"]
    out += [f"  pantau trace {d}" for d in drill[:DRILL_DOWN_SHOWN]]
    if len(drill) > DRILL_DOWN_SHOWN:
        out.append(
            f"  ... dan {len(drill) - DRILL_DOWN_SHOWN} lain (kolom metric_id di atas; --format csv: "
            "kolom metric_id_rinci)"
        )
    return out


def _correction_lines(result: dict) -> list[str]:
    corrections = result.get("corrections")
    if not corrections:
        return []
    return ["", f"Koreksi yang diterapkan ({len(corrections)})"] + _grid(
        [
            "tanggal/periode",
            "kolom",
            "nilai asli",
            "sumber asli",
            "nilai baru",
            "baris koreksi",
            "disetujui oleh",
            "wewenang",
            "dasar",
        ],
        [
            [
                c["kapan"],
                c["kolom"] + (f" ({c['indikator']})" if c["indikator"] else ""),
                c["nilai_asli"],
                f"{c['asli_berkas']}:{c['asli_baris']}" if c["asli_berkas"] else "(tidak ada catatan)",
                c["nilai_baru"],
                f"{c['koreksi_berkas']}:{c['koreksi_baris']}",
                c["disetujui_oleh"],
                c["wewenang"],
                c["dasar"],
            ]
            for c in corrections
        ],
        60,
    )


def _note_lines(result: dict) -> list[str]:
    return ["", "Catatan"] + [f"  - {n}" for n in result["notes"]] if result["notes"] else []


# the table's sections, top to bottom; each returns its lines (a blank line first, but the metric's)
TABLE_SECTIONS = (
    _metric_lines,
    _definition_lines,
    _history_lines,
    _run_lines,
    _reference_lines,
    _model_lines,
    _file_lines,
    _summary_lines,
    _row_lines,
    _excluded_lines,
    _drill_down_lines,
    _correction_lines,
    _note_lines,
)


def as_table(result: dict) -> str:
    return "\n".join(line for section in TABLE_SECTIONS for line in section(result)) + "\n"


# ---------------------------------------------------------------- csv


def as_csv(result: dict) -> str:
    """One line per source line: the contributing rows (bagian 'dipakai', one line per line of
    evidence; a fact without a source line, e.g. a workday with no record, says so in the file
    column (NO_SOURCE_LINE) and its line (NO_LINE))
    and the quarantined rows of the scope (bagian 'dikecualikan'). A row's own finer metric id
    is in `metric_id_rinci`; staged values of the line are `sumber.<column>`."""
    lines = _used_lines(result["rows"]) + [
        {
            "bagian": "dikecualikan",
            "berkas": x["path"],
            "baris": _where(x),
            "aturan": x["rule"],
            "kolom": x["column"],
            "nilai": x["value"],
            "pesan": x["message"],
        }
        for x in result["excluded"]
    ]
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
        writer.writerow(
            {
                k: _csv_value(v)
                for k, v in {
                    "metric_id": result["metric_id"],
                    "run_id": m["run_id"],
                    "value": m.get("value"),
                    **line,
                }.items()
            }
        )
    return buf.getvalue()


def _used_lines(rows: list[dict]) -> list[dict]:
    """The csv lines of the contributing rows: one per line of evidence, with its staged values."""
    lines: list[dict] = []
    for rec in rows:
        # a row's own metric_id (the finer metric to trace next) must not hide the traced one
        base = {("metric_id_rinci" if k == "metric_id" else k): v for k, v in rec.items() if k != "evidence"}
        for e in rec.get("evidence") or [None]:
            line = {
                "bagian": "dipakai",
                "berkas": e["path"] if e else NO_SOURCE_LINE,
                "baris": _where(e) if e else NO_LINE,
                "sha256": e and e["sha256"],
                **base,
            }
            for k, v in ((e or {}).get("values") or {}).items():
                line[f"sumber.{k}"] = v
            lines.append(line)
    return lines


def _csv_value(value):
    from transforms.spreadsheet import neutralise

    value = _plain(value)
    if isinstance(value, (list, dict)):
        value = json.dumps(value, ensure_ascii=False)
    return neutralise(value)


FORMATTERS = {"table": as_table, "json": as_json, "csv": as_csv}
