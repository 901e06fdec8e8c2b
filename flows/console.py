"""How a run's outcome reads on the terminal and in the Prefect UI (Bahasa Indonesia)."""

from __future__ import annotations

from flows.steps import Outcome

EXAMPLES_PER_REASON = 5
ACTIONS = {
    "loaded": "baru dimuat",
    "unchanged": "tidak berubah",
    "error": "DITOLAK",
    "ignored": "dilewati",
    "duplicate": "salinan, dilewati",
    "withdrawn": "ditarik (tidak ada lagi di inbox)",
}
# `pantau validate` loads nothing: it says what a run would do with each file
ACTIONS_DRY_RUN = {
    "loaded": "akan dimuat",
    "unchanged": "tidak berubah",
    "error": "DITOLAK",
    "ignored": "akan dilewati",
    "duplicate": "salinan, akan dilewati",
    "withdrawn": "akan ditarik (tidak ada lagi di inbox)",
}
# a file of another month is summarised only when there is nothing to say about it
QUIET_ACTIONS = ("unchanged", "loaded")


def status_text(action: str, dry_run: bool = False) -> str:
    return (ACTIONS_DRY_RUN if dry_run else ACTIONS).get(action, action)


def split_by_month(files: list[dict], period: str | None) -> tuple[list[dict], list[dict]]:
    """(files to list in full, files of other months to summarise) for a run of `period`.

    In full: the files with rows in the month, those without a month (the roster), and any file
    with something to say (rejected, skipped, withdrawn, quarantined rows, warnings); summarised:
    the other months' files that were loaded cleanly or are unchanged. Without a period
    (`pantau validate`) every file is listed."""
    if not period:
        return list(files), []
    shown, others = [], []
    for f in files:
        months = f.get("periods") or []
        quiet = (
            f["action"] in QUIET_ACTIONS
            and not f.get("rows_quarantined")
            and not f.get("warnings")
            and f.get("reconciled", True)
        )
        (others if months and period not in months and quiet else shown).append(f)
    return shown, others


def others_line(others: list[dict], dry_run: bool = False) -> str:
    """'+ 172 berkas bulan lain: semua sudah dimuat, tidak berubah' (or the count per status)."""
    by_action: dict[str, int] = {}
    for f in others:
        by_action[f["action"]] = by_action.get(f["action"], 0) + 1
    if set(by_action) == {"unchanged"}:
        what = "semua sudah dimuat, tidak berubah"
    else:
        what = ", ".join(f"{n} {status_text(a, dry_run)}" for a, n in sorted(by_action.items()))
    rows = sum(f.get("rows_read", 0) for f in others)
    return f"+ {len(others)} berkas bulan lain: {what} ({rows} baris, tanpa karantina)"


def text_summary(outcome: Outcome, heading: str, dry_run: bool = False) -> str:
    """The per-file table of a run (or, dry_run, of `pantau validate`), then the quarantined rows
    by reason, the warnings and what blocks. A month's run lists that month's files in full and
    sums up the other months' (split_by_month); the columns are as wide as their longest value."""
    lines = [heading, ""]
    shown, others = split_by_month(outcome.files, outcome.period)
    headers = ["berkas", "jenis", "dibaca", "dimuat", "karantina", "cocok", "status"]
    table = []
    for f in shown:
        status = status_text(f["action"], dry_run)
        if "rows_read" in f:
            table.append(
                [
                    f["path"],
                    f["shape"] or "-",
                    f["rows_read"],
                    f["rows_loaded"],
                    f["rows_quarantined"],
                    "ya" if f["reconciled"] else "TIDAK",
                    status,
                ]
            )
        else:
            table.append([f["path"], "-", "-", "-", "-", "-", status])
    total = [sum(f.get(k, 0) for f in outcome.files) for k in ("rows_read", "rows_loaded", "rows_quarantined")]
    footer = ["jumlah", "", *total, "", ""]
    lines += _columns(
        headers, table, footer, numeric={2, 3, 4}, summary=others_line(others, dry_run) if others else None
    )
    lines.append(
        "(dibaca = dimuat + karantina untuk setiap berkas; baris kosong tidak dihitung"
        + ("; jumlah mencakup semua berkas)" if others else ")")
    )
    if outcome.reference_suites:
        failed = sum(f for _, _, f in outcome.reference_suites)
        lines.append(
            f"Tabel referensi: {len(outcome.reference_suites)} suite Great Expectations "
            f"({sum(n for _, n, _ in outcome.reference_suites)} harapan), "
            + ("semua lolos" if not failed else f"{failed} gagal")
        )
    if outcome.quarantine:
        lines += ["", "Baris yang dikarantina (tidak dipakai dalam perhitungan), per berkas dan alasan:"]
        lines += _reasons(outcome.quarantine)
    if outcome.warning_rows:
        lines += ["", "Peringatan pada baris (baris tetap dipakai):"]
        lines += _reasons(outcome.warning_rows)
    if outcome.warnings:
        lines += ["", "Peringatan berkas:"] + [f"  - {w}" for w in outcome.warnings]
    if outcome.blocking:
        lines += ["", "DIHENTIKAN: data ini menghalangi publikasi; tidak ada yang diterbitkan. Perbaiki:"]
        lines += [f"  - {b}" for b in outcome.blocking]
    elif outcome.published:
        lines += [
            "",
            f"Diterbitkan: {outcome.published['metrics']} angka ke tabel metrics "
            f"({len(outcome.published['models'])} model dibangun).",
        ]
    return "\n".join(lines)


def _columns(
    headers: list[str], table: list[list], footer: list, numeric: set[int], summary: str | None = None
) -> list[str]:
    """Rows of text columns as wide as their longest cell (numbers right-aligned); the last column
    is left ragged. `summary` is a line between the rows and the footer."""
    cells = [[str(v) for v in row] for row in [headers, *table, footer]]
    widths = [max(len(r[i]) for r in cells) for i in range(len(headers))]

    def line(row: list[str]) -> str:
        parts = [c.rjust(w) if i in numeric else c.ljust(w) for i, (c, w) in enumerate(zip(row, widths, strict=True))]
        parts[-1] = row[-1]
        return "  ".join(parts).rstrip()

    out = [line(r) for r in cells[:-1]]
    if summary:
        out.append(summary)
    return out + [line(cells[-1])]


def _reasons(rows) -> list[str]:
    out = []
    for path, rule, message, n, examples in rows:
        out.append(f"  {path}: {n} baris - {message} [{rule}]")
        for ex in examples[:EXAMPLES_PER_REASON]:
            value = "" if ex["v"] is None else f" = {_clip(ex['v'])!r}"
            column = f", kolom {ex['c']}" if ex["c"] and ex["c"] != "*" else ""
            out.append(f"      baris {ex['r']}{column}{value}")
        if n > EXAMPLES_PER_REASON:
            out.append(f"      ... dan {n - EXAMPLES_PER_REASON} baris lain")
    return out


def _clip(text: str, width: int = 60) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


# every ASCII punctuation character CommonMark lets a backslash escape; <, > and & as entities
MARKDOWN_ESCAPED = set("\\`*_{}[]()#+-.!|~:/\"'=^$%?@;,")
MARKDOWN_ENTITIES = {"<": "&lt;", ">": "&gt;", "&": "&amp;"}


def md(text) -> str:
    """Text the Prefect UI shows as typed: no link, image, emphasis, HTML or table cell break from data
    (a file named `[klik](javascript:alert(1))` stays those characters)."""
    out = []
    for ch in "" if text is None else str(text):
        if ch in MARKDOWN_ENTITIES:
            out.append(MARKDOWN_ENTITIES[ch])
        elif ch in MARKDOWN_ESCAPED:
            out.append("\\" + ch)
        elif ch in "\r\n\t":
            out.append(" ")
        else:
            out.append(ch)
    return "".join(out)


def headline(con, period: str) -> list[tuple[str, str]]:
    """(judul, nilai) of the period's headline figures as published (reports/headline.py, the rows
    run.json keeps)."""
    from reports.headline import headline_rows

    return [(h.judul, h.text) for h in headline_rows(con, period)]


def counts_line(files: list[dict]) -> str:
    """'184 berkas (12 baru dimuat, 172 tidak berubah); 24266 baris dibaca = 24266 dimuat + 0 dikarantina'."""
    by_action: dict[str, int] = {}
    for f in files:
        by_action[f["action"]] = by_action.get(f["action"], 0) + 1
    actions = ", ".join(f"{n} {status_text(a)}" for a, n in sorted(by_action.items()))
    read, loaded, quarantined = (
        sum(f.get(k, 0) for f in files) for k in ("rows_read", "rows_loaded", "rows_quarantined")
    )
    return f"{len(files)} berkas ({actions}); {read} baris dibaca = {loaded} dimuat + {quarantined} dikarantina"


def run_markdown(outcome: Outcome, period: str, description: str = "") -> str:
    """The run's headline artifact in the Prefect UI: status, the headline figures, the counts of
    files and rows and the report's path; every value from the data passes md()."""
    status = "DIHENTIKAN, tidak ada yang diterbitkan" if outcome.blocked else "berhasil diterbitkan"
    lines = [f"# Evaluasi periode {md(period)}{md(description)}: {status}", ""]
    if outcome.headline:
        lines += ["| angka utama | nilai |", "|---|---:|"]
        lines += [f"| {md(judul)} | {md(nilai)} |" for judul, nilai in outcome.headline]
        lines.append("")
    lines.append(f"- **Berkas dan baris:** {md(counts_line(outcome.files))}")
    if outcome.published:
        lines.append(f"- **Angka diterbitkan:** {outcome.published.get('metrics', 0)}")
    if outcome.report:
        lines.append(f"- **Laporan:** {md(outcome.report)}")
    if outcome.blocking:
        lines += ["", "**Perbaiki:**"] + [f"- {md(b)}" for b in outcome.blocking]
    return "\n".join(lines)


def markdown_summary(outcome: Outcome, period: str) -> str:
    """The run's Prefect artifact; every value from the inbox or a message passes md()."""
    lines = [
        f"# Validasi ekspor, periode {md(period)}",
        "",
        "| berkas | jenis | dibaca | dimuat | karantina |",
        "|---|---|---:|---:|---:|",
    ]
    shown, others = split_by_month(outcome.files, period)
    for f in shown:
        if "rows_read" in f:
            lines.append(
                f"| {md(f['path'])} | {md(f['shape'])} | {f['rows_read']} | {f['rows_loaded']} "
                f"| {f['rows_quarantined']} |"
            )
        else:
            lines.append(f"| {md(f['path'])} | {md(f['action'])} | | | |")
    if others:
        lines += ["", md(others_line(others))]
    if outcome.blocking:
        lines += ["", "**Dihentikan:**"] + [f"- {md(b)}" for b in outcome.blocking]
    for path, rule, message, n, _ in outcome.quarantine:
        lines.append(f"- {md(path)}: {n} baris, {md(message)} (aturan {md(rule)})")
    return "\n".join(lines)


def prefect_server() -> str | None:
    """The Prefect API URL configured (PREFECT_API_URL or the profile), None for a temporary server."""
    from prefect.settings import PREFECT_API_URL

    return PREFECT_API_URL.value() or None


def flow_run_line(flow_run_id: str | None, server: str | None, name: str | None = None) -> str:
    """'Prefect flow run: evaluasi-2026-10 (id <id>)' and, with a server, the run's page in the Prefect UI."""
    if not flow_run_id:
        return "Prefect flow run: tidak tercatat"
    run = f"{name} (id {flow_run_id})" if name else flow_run_id
    if not server:
        return f"Prefect flow run: {run} (server sementara; atur PREFECT_API_URL untuk melihatnya di UI)"
    from prefect.utilities.urls import url_for

    url = url_for("flow-run", obj_id=flow_run_id, default_base_url=server.rstrip("/").removesuffix("/api"))
    return f"Prefect flow run: {run}\nPrefect UI: {url}"


def one_line(period: str, outcome: Outcome) -> str:
    if outcome.blocked:
        return f"{period}: DIHENTIKAN - " + "; ".join(outcome.blocking)[:300]
    metrics = outcome.published.get("metrics", 0) if outcome.published else 0
    quarantined = sum(f.get("rows_quarantined", 0) for f in outcome.files)
    line = f"{period}: {metrics} angka diterbitkan, {quarantined} baris dikarantina"
    return f"{line}; laporan {outcome.report}" if outcome.report else line


def runs_table(con, limit: int) -> str:
    rows = con.execute(
        """
        select r.run_id, r.command, r.period, r.status, r.started_at,
               datediff('second', r.started_at, r.ended_at) as seconds,
               (select count(*) from lineage.files f where f.first_run_id = r.run_id) as files_new,
               (select count(*) from lineage.metric_history h where h.run_id = r.run_id) as metrics,
               r.message
        from lineage.runs r order by r.started_at desc limit ?""",
        [limit],
    ).fetchall()
    lines = [
        f"{'run_id':<24} {'perintah':<8} {'periode':<8} {'status':<8} {'mulai':<19} {'detik':>6} "
        f"{'berkas baru':>11} {'angka':>7}  pesan"
    ]
    for run_id, command, period, status, started, seconds, files_new, metrics, message in rows:
        lines.append(
            f"{run_id:<24} {command or '':<8} {period or '':<8} {status or '':<8} "
            f"{started:%Y-%m-%d %H:%M:%S} {'' if seconds is None else seconds:>6} {files_new:>11} {metrics:>7}  "
            f"{_clip(message or '', 70)}"
        )
    return "\n".join(lines)
