"""How a run's outcome reads on the terminal and in the Prefect UI (Bahasa Indonesia)."""
from __future__ import annotations

from flows.steps import Outcome

EXAMPLES_PER_REASON = 5
ACTIONS = {"loaded": "baru dimuat", "unchanged": "tidak berubah", "error": "DITOLAK",
           "ignored": "dilewati", "duplicate": "salinan, dilewati", "withdrawn": "ditarik (tidak ada lagi di inbox)"}


def text_summary(outcome: Outcome, heading: str) -> str:
    lines = [heading, ""]
    lines.append(f"{'berkas':<46} {'jenis':<15} {'dibaca':>8} {'dimuat':>8} {'karantina':>9}  cocok  status")
    for f in outcome.files:
        status = ACTIONS.get(f["action"], f["action"])
        if "rows_read" in f:
            ok = "ya" if f["reconciled"] else "TIDAK"
            lines.append(f"{f['path']:<46} {f['shape'] or '-':<15} {f['rows_read']:>8} {f['rows_loaded']:>8} "
                         f"{f['rows_quarantined']:>9}  {ok:<5}  {status}")
        else:
            lines.append(f"{f['path']:<46} {'-':<15} {'-':>8} {'-':>8} {'-':>9}  {'-':<5}  {status}")
    total_read = sum(f.get("rows_read", 0) for f in outcome.files)
    total_loaded = sum(f.get("rows_loaded", 0) for f in outcome.files)
    total_q = sum(f.get("rows_quarantined", 0) for f in outcome.files)
    lines.append(f"{'jumlah':<46} {'':<15} {total_read:>8} {total_loaded:>8} {total_q:>9}")
    lines.append("(dibaca = dimuat + karantina untuk setiap berkas; baris kosong tidak dihitung)")
    if outcome.reference_suites:
        failed = sum(f for _, _, f in outcome.reference_suites)
        lines.append(f"Tabel referensi: {len(outcome.reference_suites)} suite Great Expectations "
                     f"({sum(n for _, n, _ in outcome.reference_suites)} harapan), "
                     + ("semua lolos" if not failed else f"{failed} gagal"))
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
        lines += ["", f"Diterbitkan: {outcome.published['metrics']} angka ke tabel metrics "
                      f"({len(outcome.published['models'])} model dibangun)."]
    return "\n".join(lines)


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


def markdown_summary(outcome: Outcome, period: str) -> str:
    """The run's Prefect artifact; every value from the inbox or a message passes md()."""
    lines = [f"# Validasi ekspor, periode {md(period)}", "",
             "| berkas | jenis | dibaca | dimuat | karantina |", "|---|---|---:|---:|---:|"]
    for f in outcome.files:
        if "rows_read" in f:
            lines.append(f"| {md(f['path'])} | {md(f['shape'])} | {f['rows_read']} | {f['rows_loaded']} "
                         f"| {f['rows_quarantined']} |")
        else:
            lines.append(f"| {md(f['path'])} | {md(f['action'])} | | | |")
    if outcome.blocking:
        lines += ["", "**Dihentikan:**"] + [f"- {md(b)}" for b in outcome.blocking]
    for path, rule, message, n, _ in outcome.quarantine:
        lines.append(f"- {md(path)}: {n} baris, {md(message)} (aturan {md(rule)})")
    return "\n".join(lines)


def one_line(period: str, outcome: Outcome) -> str:
    if outcome.blocked:
        return f"{period}: DIHENTIKAN - " + "; ".join(outcome.blocking)[:300]
    metrics = outcome.published.get("metrics", 0) if outcome.published else 0
    quarantined = sum(f.get("rows_quarantined", 0) for f in outcome.files)
    line = f"{period}: {metrics} angka diterbitkan, {quarantined} baris dikarantina"
    return f"{line}; laporan {outcome.report}" if outcome.report else line


def runs_table(con, limit: int) -> str:
    rows = con.execute("""
        select r.run_id, r.command, r.period, r.status, r.started_at,
               datediff('second', r.started_at, r.ended_at) as seconds,
               (select count(*) from lineage.files f where f.first_run_id = r.run_id) as files_new,
               (select count(*) from lineage.metric_history h where h.run_id = r.run_id) as metrics,
               r.message
        from lineage.runs r order by r.started_at desc limit ?""", [limit]).fetchall()
    lines = [f"{'run_id':<24} {'perintah':<8} {'periode':<8} {'status':<8} {'mulai':<19} {'detik':>6} "
             f"{'berkas baru':>11} {'angka':>7}  pesan"]
    for run_id, command, period, status, started, seconds, files_new, metrics, message in rows:
        lines.append(f"{run_id:<24} {command or '':<8} {period or '':<8} {status or '':<8} "
                     f"{started:%Y-%m-%d %H:%M:%S} {'' if seconds is None else seconds:>6} {files_new:>11} {metrics:>7}  "
                     f"{_clip(message or '', 70)}")
    return "\n".join(lines)
