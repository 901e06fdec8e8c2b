"""The Kualitas data page: files read, rows loaded and quarantined, corrections and reference checks."""

from __future__ import annotations

from markupsafe import Markup

from reports.data import Report, rows, table_exists
from reports.fmt import sumber_html, teks_html
from reports.pages.parts import mask_personal


def kualitas_data(report: Report, include_internal: bool) -> dict:
    files = _file_rows(report)
    reasons = _reason_rows(report)
    corrections = _correction_rows(report)
    references = _reference_rows(report)
    return {
        "page": "kualitas-data",
        "title": "Kualitas data: berkas, baris dimuat dan dikarantina",
        "corrections": corrections,
        "references": references,
        "files": files,
        "reasons": reasons,
        "superseded": _superseded_rows(report),
        "include_internal": include_internal,
    }


def _file_rows(report: Report) -> list[list]:
    """One row per file read (superseded files left out), then a row with the sums when there is any."""
    files = []
    totals = {"rows_read": 0, "rows_loaded": 0, "rows_quarantined": 0}
    for f in report.files:
        if f["status"] == "superseded":
            continue
        src = f"lineage.files/{f['file_id']}"
        files.append(
            [
                teks_html(mask_personal(f["path"], report), "berkas"),
                f["kind"] or "",
                f["format"] or "",
                sumber_html(f["rows_read"], f"{src}/rows_read"),
                sumber_html(f["rows_loaded"], f"{src}/rows_loaded"),
                sumber_html(f["rows_quarantined"], f"{src}/rows_quarantined"),
                teks_html(mask_personal(status_text(f), report), "status"),
            ]
        )
        for k in totals:
            totals[k] += f[k] or 0
    total_row = [
        Markup("<strong>Jumlah</strong>"),
        "",
        "",
        sumber_html(totals["rows_read"], "lineage.files/sum/rows_read"),
        sumber_html(totals["rows_loaded"], "lineage.files/sum/rows_loaded"),
        sumber_html(totals["rows_quarantined"], "lineage.files/sum/rows_quarantined"),
        "",
    ]
    return files + ([total_row] if files else [])


def _reason_rows(report: Report) -> list[list]:
    """Quarantined rows counted per shape and rule, with the rule's message and the files they came from."""
    return [
        [
            r["shape"] or "",
            teks_html(r["rule"], "aturan"),
            teks_html(r["message"] or "", "alasan"),
            sumber_html(r["rows"], f"quarantine.rows/{r['shape']}/{r['rule']}"),
            sumber_html(r["files"], f"quarantine.rows/{r['shape']}/{r['rule']}/files"),
        ]
        for r in report.quarantine_reasons
    ]


def _correction_rows(report: Report) -> list[list]:
    """Approved corrections applied for the period, per unit and kind: counts only, never who."""
    return [
        [
            teks_html(report.unit_name(r["unit_slug"]), "unit"),
            teks_html(r["kolom"], "jenis"),
            sumber_html(r["n"], f"lineage.corrections/{r['unit_slug']}/{r['kolom']}"),
        ]
        for r in (
            rows(
                report.con,
                """
                       select unit_slug, kolom, count(*) as n from lineage.corrections
                       where run_id = ? and kapan like ? || '%' group by all order by 1, 2""",
                [report.run_id, report.period],
            )
            if table_exists(report.con, "lineage.corrections")
            else []
        )
    ]


def _reference_rows(report: Report) -> list[list]:
    """The reference tables checked: rows, expectations and their types, the result and the file's hash."""
    return [
        [
            teks_html(r["shape"].removeprefix("ref.") + ".csv", "tabel"),
            sumber_html(r["rows"], f"lineage.validation_results/{r['shape']}/element_count"),
            sumber_html(r["expectations"], f"lineage.validation_results/{r['shape']}"),
            teks_html(", ".join(t.removeprefix("expect_") for t in r["types"]), "harapan"),
            teks_html("lolos" if not r["failed"] else f"{r['failed']} gagal", "status"),
            teks_html((r["sha256"] or "")[:12], "sha256"),
        ]
        for r in report.reference_checks
    ]


def _superseded_rows(report: Report) -> list[list]:
    """The files replaced by a later file, with the file that replaced them."""
    return [
        [
            teks_html(mask_personal(f["path"], report), "berkas"),
            teks_html(f["sha256"][:12], "sha256"),
            teks_html(f"diganti berkas #{f['superseded_by']}", "berkas"),
        ]
        for f in report.files
        if f["status"] == "superseded"
    ]


def status_text(f: dict) -> str:
    if f["status"] == "error":
        return f"galat: {f['error'] or ''}"
    read, loaded, quarantined = f["rows_read"] or 0, f["rows_loaded"] or 0, f["rows_quarantined"] or 0
    return "cocok" if read == loaded + quarantined else "tidak cocok: periksa"
