"""Lembar evaluasi pribadi: one printable page per ASN and period (`pantau rapor`).

Every number about one ASN in the period, each beside the rule it follows (ref.metric_definitions)
and the source rows it came from (file and line as text, so they show on paper), the approved
corrections applied to that ASN, and how to object: the koreksi/ row the office would need, filled
for this case, and who may approve it (the ASN's superiors up the `nip_atasan` chain and the
settings' kepegawaian approvers; never the ASN). Personal data: written under the internal root
only (outside the public reports' folder, owner-only), never linked from a public page.

The page is self-contained (the CSS inlined, no JavaScript), so it opens and prints anywhere;
with Chromium present it is also printed to PDF. Nothing here recomputes a rule: the numbers are
the published metrics and the marts' evidence rows the internal ASN pages show.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from datetime import date
from pathlib import Path

import duckdb
from markupsafe import Markup

from reports import internal_pages
from reports.data import METRIC_COLUMNS, PERSONAL_SCOPES, Metric, MetricSet, Report, rows, table_exists
from reports.fmt import bulan, num_html, periode_html, teks_html
from reports.render import ASSETS, PRIVATE_DIR, check_internal_root, environment
from transforms.koreksi import corrections_for

FOLDER = "rapor"  # <internal root>/rapor/<period>/rapor-<nip>.html: not inside a period folder a render swaps
CHROMIUM = ("chromium", "chromium-browser", "google-chrome")
# the metrics the sheet shows, in its order; their rules are ref.metric_definitions' rows
SHOWN = (
    "workdays",
    "present_days",
    "tk_days",
    "unknown_days",
    "leave_days",
    "discipline_rate",
    "attendance_rate",
    "punctuality_rate",
    "tl_days",
    "psw_days",
    "deduction_pct",
    "discipline_band",
    "tk_days_ytd",
    "late_minutes_ytd",
    "late_days_ytd",
    "discipline_days_ytd",
    "tk_consecutive_max",
    "capaian",
    "capaian_rata",
    "target_tidak_tercapai",
    "rating_hasil_kerja",
    "rating_perilaku",
    "predikat",
    "rekomendasi_aturan",
    "sinyal_aturan",
)


class RaporError(ValueError):
    """A NIP or period the sheet cannot be written for (the command exits 2)."""


class OnePerson(internal_pages.People):
    """internal_pages.People for the listed ASN only: their personal metrics, not the office's."""

    def __init__(self, report: Report, nips: list[str]):
        self.report = report
        self.mode = "semua"  # as internal_pages.People: every listed ASN has a sheet
        self.con = report.con
        self.period = report.period
        self.periods = internal_pages.periods_published_by(report.period)
        self.metrics = _personal_metrics(report.con, report.window, nips)
        self._evidence: dict[str, dict] = {}


def _personal_metrics(con: duckdb.DuckDBPyConnection, periods: list[str], nips: list[str]) -> MetricSet:
    """The personal scopes' metrics whose id names one of `nips` (asn, petugas: the NIP;
    indikator and rule rows: 'NIP:…')."""
    scopes = ", ".join(f"'{s}'" for s in PERSONAL_SCOPES)
    result = con.execute(
        f"""select {METRIC_COLUMNS} from main.metrics
            where period in (select unnest($periods)) and scope in ({scopes})
              and split_part(scope_id, ':', 1) in (select unnest($nips))""",
        {"periods": periods, "nips": nips},
    ).fetchall()
    return MetricSet([Metric(*r) for r in result])


def write_rapor(
    con: duckdb.DuckDBPyConnection,
    period: str,
    nips: list[str],
    out_dir: Path | str,
    internal_root: Path | str,
    pdf: bool = False,
    timezone: str = "Asia/Jakarta",
) -> list[Path]:
    """Write one sheet per NIP of `period`; return the files written (HTML, and PDF when asked and
    Chromium is present). Raises RaporError before writing anything when a NIP or the period is unknown."""
    try:
        check_internal_root(out_dir, internal_root)
    except ValueError as exc:
        raise RaporError(str(exc)) from None
    try:
        report = Report(con, period, timezone=timezone)
    except LookupError as exc:
        raise RaporError(str(exc)) from None
    nips = list(dict.fromkeys(n.strip() for n in nips if n.strip()))
    if not nips:
        raise RaporError("tidak ada NIP: beri --nip NIP (boleh berulang) atau --nip-file BERKAS")
    people = OnePerson(report, nips)
    roster = _roster(con)
    unknown = [n for n in nips if n not in roster]
    if unknown:
        raise RaporError(f"NIP {', '.join(unknown)} tidak ada di daftar pegawai (pegawai/) gudang data")
    found = {a["nip"]: a for a in people.asn}
    missing = [n for n in nips if n not in found]
    if missing:
        raise RaporError(
            f"tidak ada angka periode {bulan(period)} untuk NIP {', '.join(missing)} "
            f"(ASN belum aktif atau tidak ada di ekspor bulan itu)"
        )
    if pdf and _chromium() is None:
        raise RaporError("--pdf memerlukan Chromium (apt-get install chromium); tanpa --pdf lembar HTML tetap ditulis")

    folder = Path(internal_root) / FOLDER / period
    for d in (Path(internal_root), Path(internal_root) / FOLDER, folder):
        d.mkdir(exist_ok=True, parents=True)
        os.chmod(d, PRIVATE_DIR)
    env = environment()
    css = (ASSETS / "pantau.css").read_text(encoding="utf-8")
    definitions = _definitions(con)
    written = []
    for nip in nips:
        context = sheet(people, found[nip], roster, definitions)
        html = env.get_template("internal/rapor.html.j2").render(
            css=Markup(css),
            office=report.office,
            period=period,
            periode=periode_html(period),
            periode_teks=bulan(period),
            run=report.run or {"run_id": report.run_id},
            **context,
        )
        target = folder / f"rapor-{nip}.html"
        tmp = target.with_suffix(".html.tmp")
        tmp.write_text(html, encoding="utf-8")
        os.chmod(tmp, 0o600)
        os.replace(tmp, target)
        written.append(target)
        if pdf:
            written.append(print_pdf(target))
    return written


def sheet(people: OnePerson, a: dict, roster: dict[str, dict], definitions: dict[str, dict]) -> dict:
    """The page's context: the internal ASN page's facts, with the sources as text, the rules, the
    corrections and how to object."""
    nip = a["nip"]
    base = internal_pages.asn_page(people, a)
    superiors = chain_above(people.con, nip, roster)
    kepegawaian = [roster[n] for n in _authorised(people.con) if n in roster and n != nip]
    year_start = f"{people.period[:4]}-01-01"
    y, m = (int(x) for x in people.period.split("-"))
    month_end = date(y + (m == 12), m % 12 + 1, 1).isoformat()
    corrections = corrections_for(people.con, people.report.run_id, nip, people.period, year_start, month_end)
    shown = sorted(
        {mt.metric for mt in people.metrics.by_id.values() if mt.period in people.periods and mt.metric in SHOWN},
        key=SHOWN.index,
    )
    return {
        **base,
        "title": f"Lembar evaluasi pribadi: {a['nama']}",
        "skp": [
            {
                **s,
                "indicators": [
                    row + [teks_html(src, "berkas")]
                    for row, src in zip(s["indicators"], indicator_sources(people, nip, s["period"]), strict=True)
                ],
            }
            for s in base["skp"]
        ],
        "months": [
            [
                periode_html(p),
                num_html(people.get("discipline_rate", nip, p)),
                num_html(people.get("attendance_rate", nip, p)),
                num_html(people.get("tk_days", nip, p)),
            ]
            for p in people.report.months
            if people.get("discipline_rate", nip, p) is not None
        ],
        "rules": [
            [
                teks_html(people.report.label("metrik", k), "metrik"),
                definitions[k]["definisi"],
                definitions[k]["rumus"],
                definitions[k]["regulasi"],
            ]
            for k in shown
            if k in definitions
        ],
        "corrections": [
            [
                teks_html(c["kapan"], "tanggal"),
                c["kolom"] + (f" ({c['indikator']})" if c["indikator"] else ""),
                teks_html(c["nilai_asli"] if c["nilai_asli"] is not None else "tidak ada catatan", "nilai"),
                teks_html(f"{c['asli_berkas']}:{c['asli_baris']}" if c["asli_berkas"] else "–", "berkas"),
                teks_html(c["nilai_baru"], "nilai"),
                teks_html(f"{c['koreksi_berkas']}:{c['koreksi_baris']}", "berkas"),
                _person(roster, c["disetujui_oleh"]),
                teks_html(c["dasar"], "dasar"),
            ]
            for c in corrections
        ],
        "superiors": [
            [
                str(s["tingkat"]),
                teks_html(s["nama"], "nama"),
                teks_html(s["nip"], "nip"),
                teks_html(s["jabatan"] or "", "jabatan"),
            ]
            for s in superiors
        ],
        "kepegawaian": [
            [teks_html(r["nama"], "nama"), teks_html(r["nip"], "nip"), teks_html(r["jabatan"] or "", "jabatan")]
            for r in kepegawaian
        ],
        "objections": [
            [[teks_html(col, "kolom"), teks_html(val, "nilai")] for col, val in zip(KOREKSI_COLUMNS, row, strict=True)]
            for row in objection_rows(people, nip, superiors, base)
        ],
    }


KOREKSI_COLUMNS = [
    "nip",
    "unit_layanan",
    "tanggal",
    "periode",
    "indikator",
    "yang_dikoreksi",
    "nilai_baru",
    "alasan",
    "dasar",
    "disetujui_oleh",
    "tanggal_persetujuan",
]


def objection_rows(people: OnePerson, nip: str, superiors: list[dict], base: dict) -> list[list[str]]:
    """The koreksi/ rows that would correct this ASN's figures, filled as far as the data allow:
    one per TK day of the month (an izin/sakit/DL letter that arrived late) and one per indicator
    not reached (a realisasi the export left out); the rest is for the office to fill."""
    approver = superiors[0]["nip"] if superiors else "<NIP atasan>"
    out = []
    for r in people.evidence(nip)["heavy_days"]:
        if r["tl_code"] is None and r["psw_code"] is None:  # a TK day (heavy lateness has its code)
            out.append(
                [
                    nip,
                    "",
                    r["tanggal"].isoformat(),
                    "",
                    "",
                    "status",
                    "<I, S, C atau DL>",
                    "<mengapa rekap salah>",
                    "<nomor surat izin / SPT / berita acara>",
                    approver,
                    "<YYYY-MM-DD>",
                ]
            )
    for s in base["skp"]:
        for r in people.evidence(nip)["indicators"].get(s["period"], []):
            cap = people.metrics.get("capaian", "indikator", f"{nip}:{r['indikator_slug']}", s["period"])
            if cap is not None and cap.value is not None and cap.value < 100:
                out.append(
                    [
                        nip,
                        "",
                        "",
                        s["period"],
                        r["indikator"],
                        "realisasi",
                        "<angka realisasi>",
                        "<mengapa realisasi salah>",
                        "<dokumen bukti>",
                        approver,
                        "<YYYY-MM-DD>",
                    ]
                )
    if not out:
        out.append(
            [
                nip,
                "",
                "<YYYY-MM-DD>",
                "",
                "",
                "<status / jam_masuk / jam_pulang>",
                "<nilai baru>",
                "<alasan>",
                "<dokumen dasar>",
                approver,
                "<YYYY-MM-DD>",
            ]
        )
    return out


def indicator_sources(people: OnePerson, nip: str, period: str) -> list[str]:
    """'skp/skp_2026-10.csv:14' per indicator row of the page, in its order: the line on paper."""
    return [f"{r['path']}:{r['_row']}" for r in people.evidence(nip)["indicators"].get(period, [])]


def chain_above(con: duckdb.DuckDBPyConnection, nip: str, roster: dict[str, dict]) -> list[dict]:
    """The ASN's superiors, nearest first, following nip_atasan up the roster (a loop stops)."""
    out, seen = [], {nip}
    current = roster.get(nip, {}).get("nip_atasan")
    while current and current not in seen and current in roster:
        seen.add(current)
        out.append({**roster[current], "tingkat": len(out) + 1})
        current = roster[current].get("nip_atasan")
    return out


def _roster(con: duckdb.DuckDBPyConnection) -> dict[str, dict]:
    if not table_exists(con, "staging.stg_pegawai"):
        return {}
    return {
        r["nip"]: r
        for r in rows(
            con,
            "select nip, nama, jabatan, unit_slug, nullif(trim(nip_atasan), '') as nip_atasan from staging.stg_pegawai",
        )
    }


def _authorised(con: duckdb.DuckDBPyConnection) -> list[str]:
    if not table_exists(con, "staging.koreksi_penyetuju"):
        return []
    return [r[0] for r in con.execute("select nip from staging.koreksi_penyetuju order by nip").fetchall()]


def _definitions(con: duckdb.DuckDBPyConnection) -> dict[str, dict]:
    if not table_exists(con, "ref.metric_definitions"):
        return {}
    out: dict[str, dict] = {}
    for r in rows(con, "select metric, definisi, rumus, regulasi from ref.metric_definitions"):
        out.setdefault(r["metric"], r)  # one rule text per metric (scopes share it)
    return out


def _person(roster: dict[str, dict], nip: str | None) -> Markup:
    r = roster.get(nip or "")
    return teks_html(f"{r['nama']} ({nip})" if r else (nip or "–"), "nama")


def _chromium() -> str | None:
    return next((p for p in map(shutil.which, CHROMIUM) if p), None)


def print_pdf(html: Path) -> Path:
    """Chromium's own print-to-PDF (A4 from the page's print CSS), beside the HTML, owner-only."""
    target = html.with_suffix(".pdf")
    subprocess.run(
        [
            _chromium(),
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--no-pdf-header-footer",
            f"--print-to-pdf={target}",
            html.resolve().as_uri(),
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )
    os.chmod(target, 0o600)
    return target


__all__ = ["write_rapor", "RaporError", "FOLDER"]
