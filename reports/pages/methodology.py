"""The Metodologi page: definitions, formulas, rules, reference versions and the run."""
from __future__ import annotations

from markupsafe import Markup

from reports.data import Report, rows
from reports.fmt import kalimat, periode_html, sumber_html, tanggal_html, teks_html, waktu_html


def metodologi(report: Report) -> dict:
    definitions = report.definitions
    listed = []
    if definitions:
        for d in definitions:
            listed.append([metric_name(report, d.get("metric")), report.label("cakupan", d.get("scope")),
                           d.get("satuan") or "",
                           teks_html(kalimat(d.get("definisi") or ""), "definisi"),
                           teks_html(kalimat(d.get("rumus") or ""), "rumus"),
                           teks_html(d.get("regulasi") or "", "regulasi"),
                           teks_html((d.get("tabel_referensi") or "").replace("|", ", "), "tabel")])
    else:
        for r in rows(report.con, "select distinct metric, scope, unit from main.metrics order by 1, 2"):
            listed.append([metric_name(report, r["metric"]), report.label("cakupan", r["scope"]), r["unit"] or "",
                           "", "", "", ""])
    published = {(r[0], r[1]) for r in report.con.execute(
        "select distinct metric, scope from main.metrics where period = ?", [report.period]).fetchall()}
    extra = sorted(published - {(d.get("metric"), d.get("scope")) for d in definitions}) if definitions else []
    refs = [[teks_html(r["name"], "tabel"), teks_html(r["sha256"], "sha256"),
             sumber_html(r["rows"], f"lineage.reference_tables/{r['name']}/rows")] for r in report.reference_versions]
    kinds = {}
    for f in report.files:
        if f["status"] != "superseded":
            kinds.setdefault(f["kind"] or "?", []).append(f)
    run = report.run
    run_rows = []
    shown = {"period": lambda v: periode_html(str(v)), "as_of": tanggal_html,
             "started_at": lambda v: waktu_html(v, report.timezone), "ended_at": lambda v: waktu_html(v, report.timezone),
             "status": lambda v: teks_html(report.label("status", str(v)), "status")}
    for key, label in (("run_id", "Run"), ("period", "Periode"), ("as_of", "Tanggal acuan"),
                       ("started_at", "Mulai"), ("ended_at", "Selesai"), ("status", "Status"),
                       ("code_version", "Versi kode")):
        if run.get(key) is not None:
            run_rows.append([label, shown[key](run[key]) if key in shown else teks_html(str(run[key]), key)])
    return {"page": "metodologi", "title": "Metodologi: definisi, rumus, aturan dan versinya",
            "definitions": listed, "has_definitions": bool(definitions),
            "undefined": [Markup("{} ({})").format(metric_name(report, m), report.label("cakupan", s)) for m, s in extra],
            "refs": refs, "run_rows": run_rows,
            "kinds": [[k, sumber_html(len(v), f"lineage.files/kind/{k}"),
                       sumber_html(sum(f["rows_read"] or 0 for f in v), f"lineage.files/kind/{k}/rows_read")]
                      for k, v in sorted(kinds.items())],
            "rules": [{**r, "syarat": kalimat(r["syarat"]), "ambang": kalimat(r["ambang"])} for r in report.rules]}



def metric_name(report: Report, metric: str | None) -> Markup:
    """'Disiplin kehadiran' with its id beneath for auditors (ref.labels, jenis metrik)."""
    name = report.label("metrik", metric)
    if name == metric:
        return teks_html(metric, "metric")
    return Markup('{}<br><code data-teks="metric">{}</code>').format(name, metric)
