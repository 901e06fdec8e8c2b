"""`pantau export`: a period's published metrics for analysts, as CSV or XLSX.

XLSX is made to be read: first the period's headline figures ("Angka utama", the rows run.json keeps:
reports/headline.py), then one sheet per metric family (data/reference/export_sheets.csv), unit
names instead of slugs (units.csv), each metric's Indonesian name beside its id (labels.csv),
Indonesian headers (export_columns.csv), a frozen header row with a filter, column widths from the
content and number formats per unit of measure (export_number_formats.csv). CSV keeps the table's
own column names, for scripts, with the metric's Indonesian name (`nama_metrik`) after its id.

Rows that name a person (scopes marked `pribadi` in export_scopes.csv: per ASN, per officer,
per indicator of an ASN) are left out unless asked for (`--pribadi`); then the file goes under
the internal root only (never inside the public reports' folder, owner-only) and each personal
sheet says on its first row that it holds personal data.

Text cells that a spreadsheet would run as a formula (starting with =, +, -, @, a tab or a
carriage return) get a leading apostrophe: a citizen's or an office's text is never executed.
"""

from __future__ import annotations

import csv
import os
from fnmatch import fnmatchcase
from pathlib import Path

import duckdb

from transforms.publish import periods_published_by
from transforms.reference import DEFAULT_REFERENCE_DIR
from transforms.spreadsheet import FORMULA_PREFIXES, neutralise  # noqa: F401 (re-exported)

COLUMNS = ["metric_id", "metric", "scope", "scope_id", "period", "value", "label", "unit", "run_id"]
CSV_COLUMNS = ["metric_id", "nama_metrik", *COLUMNS[1:]]
HEADLINE_SHEET = "Angka utama"
HEADLINE_HEAD = ["Angka", "Nilai (seperti di laporan)", "Nilai", "Satuan", "Keterangan", "Id metrik (pantau trace)"]
PERSONAL_BANNER = (
    "DATA PRIBADI - lembar ini menyebut ASN per NIP. Hanya untuk penggunaan internal kantor; "
    "jangan dibagikan atau diunggah (UU 27/2022 tentang Pelindungan Data Pribadi)."
)
PRIVATE_DIR, PRIVATE_FILE = 0o700, 0o600
SHEET_NAME_MAX = 31  # Excel's limit


def _reference(reference_dir: Path | None, name: str) -> list[dict]:
    with open(Path(reference_dir or DEFAULT_REFERENCE_DIR) / f"{name}.csv", newline="", encoding="utf-8-sig") as fh:
        return list(csv.DictReader(fh))


def personal_scopes(reference_dir: Path | None = None) -> set[str]:
    """The scopes whose ids name a person (export_scopes.csv, `pribadi` = ya)."""
    return {r["scope"] for r in _reference(reference_dir, "export_scopes") if r["pribadi"] == "ya"}


def _rows(con: duckdb.DuckDBPyConnection, period: str, exclude: set[str]) -> list[tuple]:
    periods = periods_published_by(period)
    where, params = [f"period in ({', '.join('?' for _ in periods)})"], list(periods)
    if exclude:
        where.append(f"scope not in ({', '.join('?' for _ in exclude)})")
        params += sorted(exclude)
    return con.execute(
        f"select {', '.join(COLUMNS)} from main.metrics where {' and '.join(where)} order by metric_id", params
    ).fetchall()


def export_metrics(
    con: duckdb.DuckDBPyConnection,
    period: str,
    target: Path,
    fmt: str,
    personal: bool = False,
    reference_dir: Path | None = None,
) -> int:
    """Write the period's metrics (those its run publishes) to target; returns how many.

    personal: include the rows that name a person (the caller puts target under the internal
    root; the file and its folder are made owner-only)."""
    exclude = set() if personal else personal_scopes(reference_dir)
    rows = _rows(con, period, exclude)
    target = Path(target)
    if personal:
        target.parent.mkdir(parents=True, exist_ok=True, mode=PRIVATE_DIR)
        os.chmod(target.parent, PRIVATE_DIR)
    else:
        target.parent.mkdir(parents=True, exist_ok=True)
    if fmt == "xlsx":
        _workbook(con, rows, period, reference_dir, personal).save(target)
    else:
        names = metric_names(reference_dir)
        with open(target, "w", newline="", encoding="utf-8") as fh:
            writer = csv.writer(fh)
            writer.writerow(CSV_COLUMNS)
            writer.writerows([neutralise(v) for v in (row[0], metric_name(row[1], names), *row[1:])] for row in rows)
    if personal:
        os.chmod(target, PRIVATE_FILE)
    return len(rows)


def metric_names(reference_dir: Path | None = None) -> list[tuple[str, str]]:
    """(pattern, Indonesian name) of the metrics (labels.csv, jenis `metrik`; 'responden_*' is a pattern)."""
    return [(r["kode"], r["label"]) for r in _reference(reference_dir, "labels") if r["jenis"] == "metrik"]


def metric_name(metric: str, names: list[tuple[str, str]]) -> str | None:
    """The first name whose pattern matches: the exact code first, then the patterns."""
    exact = dict(names)
    if metric in exact:
        return exact[metric]
    return next((name for pattern, name in names if "*" in pattern and fnmatchcase(metric, pattern)), None)


def sheet_of(metric: str, sheets: list[dict]) -> dict:
    """The family sheet of a metric: the first pattern of export_sheets.csv that matches."""
    return next((s for s in sheets if fnmatchcase(metric, s["metric"])), {"lembar": "Lainnya", "urutan": "99"})


def _people(con: duckdb.DuckDBPyConnection) -> dict[str, tuple[str, str]]:
    """{nip: (nama, unit_slug)} from the roster the run staged (empty when there is none)."""
    try:
        return {
            nip: (nama, unit)
            for nip, nama, unit in con.execute("select nip, nama, unit_slug from staging.stg_pegawai").fetchall()
        }
    except duckdb.Error:
        return {}


def _workbook(
    con: duckdb.DuckDBPyConnection, rows: list[tuple], period: str, reference_dir: Path | None, personal: bool
):
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    sheets = _reference(reference_dir, "export_sheets")
    columns = _reference(reference_dir, "export_columns")
    scopes = {r["scope"]: r for r in _reference(reference_dir, "export_scopes")}
    formats = {r["satuan"]: r["format_angka"] for r in _reference(reference_dir, "export_number_formats")}
    units = {r["slug"]: r["name"] for r in _reference(reference_dir, "units")}
    people = _people(con) if personal else {}
    names = metric_names(reference_dir)

    # (order, sheet title, personal) -> rows of {column: value}
    books: dict[tuple[int, str, bool], list[dict]] = {}
    for metric_id, metric, scope, scope_id, p, value, label, unit, run_id in rows:
        sheet = sheet_of(metric, sheets)
        spec = scopes.get(scope, {"judul": scope, "pribadi": "tidak", "unit_dari": "scope_id"})
        is_personal = spec["pribadi"] == "ya"
        key, _, detail = scope_id.partition(":")
        record = {
            "cakupan": spec["judul"],
            "rincian": detail or None,
            "periode": p,
            "metric": metric,
            "nama_metrik": metric_name(metric, names),
            "value": value,
            "unit_ukur": unit,
            "label": label,
            "metric_id": metric_id,
            "run_id": run_id,
        }
        if is_personal:
            nama, unit_slug = people.get(key, (None, None))
            record |= {"nip": key, "nama": nama, "unit": units.get(unit_slug, unit_slug)}
        else:
            record["unit"] = units.get(key, key)
        title = f"{sheet['lembar']} per ASN" if is_personal else sheet["lembar"]
        books.setdefault((int(sheet["urutan"]), title[:SHEET_NAME_MAX], is_personal), []).append(record)

    wb = Workbook()
    wb.remove(wb.active)
    wb.properties.title = f"Pantau Kinerja - angka periode {period}"
    if personal:
        wb.properties.keywords = "DATA PRIBADI; internal"
    bold, banner_font = Font(bold=True), Font(bold=True, color="9C0006")
    banner_fill = PatternFill("solid", fgColor="FFC7CE")
    _headline_sheet(wb.create_sheet(HEADLINE_SHEET), con, period, formats, bold)
    for (_, title, is_personal), records in sorted(books.items(), key=lambda kv: (kv[0][2], kv[0][0], kv[0][1])):
        ws = wb.create_sheet(title)
        cols = [c for c in columns if is_personal or c["pribadi_saja"] != "ya"]
        first = 1
        if is_personal:
            ws.cell(row=1, column=1, value=PERSONAL_BANNER).font = banner_font
            ws.cell(row=1, column=1).fill = banner_fill
            ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(cols))
            first = 2
        for j, c in enumerate(cols, start=1):
            ws.cell(row=first, column=j, value=c["judul"]).font = bold
        widths = [len(c["judul"]) for c in cols]
        for i, record in enumerate(records, start=first + 1):
            for j, c in enumerate(cols, start=1):
                value = record.get(c["kolom"])
                cell = ws.cell(row=i, column=j, value=neutralise(value))
                if c["kolom"] == "value" and record.get("unit_ukur") in formats:
                    cell.number_format = formats[record["unit_ukur"]]
                widths[j - 1] = max(widths[j - 1], len(str(value)) if value is not None else 0)
        for j, c in enumerate(cols, start=1):
            ws.column_dimensions[get_column_letter(j)].width = min(widths[j - 1], int(c["lebar_maks"])) + 2
            if c["kolom"] == "label":
                for (cell,) in ws.iter_rows(min_row=first + 1, min_col=j, max_col=j):
                    cell.alignment = Alignment(wrap_text=True, vertical="top")
        ws.freeze_panes = ws.cell(row=first + 1, column=1)
        ws.auto_filter.ref = f"A{first}:{get_column_letter(len(cols))}{first + len(records)}"
    return wb


def _headline_sheet(ws, con: duckdb.DuckDBPyConnection, period: str, formats: dict, bold) -> None:
    """The period's headline figures, from the function that writes run.json's (reports/headline.py)."""
    from openpyxl.utils import get_column_letter

    from reports.headline import headline_rows

    found = headline_rows(con, period)
    ws.append(HEADLINE_HEAD)
    for cell in ws[1]:
        cell.font = bold
    for h in found:
        m = h.metric
        ws.append([neutralise(v) for v in (h.judul, h.text, m.value, m.unit, m.label, m.metric_id)])
        if m.unit in formats:
            ws.cell(row=ws.max_row, column=3).number_format = formats[m.unit]
    for j, head in enumerate(HEADLINE_HEAD, start=1):
        longest = max(
            [len(head)]
            + [len(str(c.value)) for (c,) in ws.iter_rows(min_row=2, min_col=j, max_col=j) if c.value is not None]
        )
        ws.column_dimensions[get_column_letter(j)].width = min(longest, 60) + 2
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = f"A1:{get_column_letter(len(HEADLINE_HEAD))}{1 + len(found)}"
