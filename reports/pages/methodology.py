"""The Metodologi page: definitions, formulas, rules, reference versions and the run."""

from __future__ import annotations

from markupsafe import Markup

from reports.data import Report, rows
from reports.fmt import kalimat, periode_html, sumber_html, tanggal_html, teks_html, waktu_html

# the run's fields on the page, in order, with their labels
RUN_FIELDS = (
    ("run_id", "Run"),
    ("period", "Periode"),
    ("as_of", "Tanggal acuan"),
    ("started_at", "Mulai"),
    ("ended_at", "Selesai"),
    ("status", "Status"),
    ("code_version", "Versi kode"),
)


def metodologi(report: Report) -> dict:
    definitions = report.definitions
    published = {
        (metric, scope)
        for metric, scope in report.con.execute(
            "select distinct metric, scope from main.metrics where period = ?", [report.period]
        ).fetchall()
    }
    extra = sorted(published - {(d.get("metric"), d.get("scope")) for d in definitions}) if definitions else []
    refs = [
        [
            teks_html(r["name"], "tabel"),
            teks_html(r["sha256"], "sha256"),
            sumber_html(r["rows"], f"lineage.reference_tables/{r['name']}/rows"),
        ]
        for r in report.reference_versions
    ]
    return {
        "page": "metodologi",
        "title": "Metodologi: definisi, rumus, aturan dan versinya",
        "definitions": definition_rows(report),
        "has_definitions": bool(definitions),
        "undefined": [Markup("{} ({})").format(metric_name(report, m), report.label("cakupan", s)) for m, s in extra],
        "refs": refs,
        "run_rows": run_rows(report),
        "kinds": file_kind_rows(report),
        "rules": [{**r, "syarat": kalimat(r["syarat"]), "ambang": kalimat(r["ambang"])} for r in report.rules],
    }


def definition_rows(report: Report) -> list[list]:
    """One row per metric definition (metric_definitions.csv); without it, the metrics published, bare."""
    definitions = report.definitions
    if not definitions:
        return [
            [metric_name(report, r["metric"]), report.label("cakupan", r["scope"]), r["unit"] or "", "", "", "", ""]
            for r in rows(report.con, "select distinct metric, scope, unit from main.metrics order by 1, 2")
        ]
    return [
        [
            metric_name(report, d.get("metric")),
            report.label("cakupan", d.get("scope")),
            d.get("satuan") or "",
            teks_html(kalimat(d.get("definisi") or ""), "definisi"),
            teks_html(kalimat(d.get("rumus") or ""), "rumus"),
            teks_html(d.get("regulasi") or "", "regulasi"),
            teks_html((d.get("tabel_referensi") or "").replace("|", ", "), "tabel"),
        ]
        for d in definitions
    ]


def run_rows(report: Report) -> list[list]:
    """The run's fields that are set, times in the office's time zone."""
    run = report.run
    shown = {
        "period": lambda v: periode_html(str(v)),
        "as_of": tanggal_html,
        "started_at": lambda v: waktu_html(v, report.timezone),
        "ended_at": lambda v: waktu_html(v, report.timezone),
        "status": lambda v: teks_html(report.label("status", str(v)), "status"),
    }
    return [
        [label, shown[key](run[key]) if key in shown else teks_html(str(run[key]), key)]
        for key, label in RUN_FIELDS
        if run.get(key) is not None
    ]


def file_kind_rows(report: Report) -> list[list]:
    """Per kind of file read (superseded ones left out): how many files and rows."""
    kinds = {}
    for f in report.files:
        if f["status"] != "superseded":
            kinds.setdefault(f["kind"] or "?", []).append(f)
    return [
        [
            k,
            sumber_html(len(v), f"lineage.files/kind/{k}"),
            sumber_html(sum(f["rows_read"] or 0 for f in v), f"lineage.files/kind/{k}/rows_read"),
        ]
        for k, v in sorted(kinds.items())
    ]


def metric_name(report: Report, metric: str | None) -> Markup:
    """'Disiplin kehadiran' with its id beneath for auditors (ref.labels, jenis metrik)."""
    name = report.label("metrik", metric)
    if name == metric:
        return teks_html(metric, "metric")
    return Markup('{}<br><code data-teks="metric">{}</code>').format(name, metric)
