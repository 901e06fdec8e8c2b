"""Files that left the inbox: the inbox is the truth, so a file loaded earlier and now gone is
withdrawn — its rows leave raw.*, lineage.files keeps the version with status 'withdrawn' and the
run that noticed (last_run_id), and the run names it with the periods it fed.

An office that archives old exports removes many periods' files at once; withdrawing them would
empty those periods on their next run. So several files of more than one period vanishing together
are not withdrawn unless the command is told to (`--withdraw`): each is an error naming the periods.
One file alone (a wrongly sent export deleted) is always withdrawn.

Both kinds of run call withdraw_vanished before they register the inbox's files, so a file moved
to another path (same content) is loaded there rather than skipped as a copy of the one that left.
A file not withdrawn keeps status 'loaded' and its rows: the plain run keeps them in raw.*, the
partitioned run, whose merge rebuilds staging from this run's partitions, carries them over
(kept_file_ids), so the next run still knows the months it fed.
"""

from __future__ import annotations

import duckdb

from transforms.ingest.records import FileReport
from transforms.warehouse import has_table

# where a shape's staged rows say their month (staging holds the previous run's rows at ingest time)
PERIOD_OF = {
    "presensi_recap": ("staging.stg_presensi_recap", "strftime(tanggal, '%Y-%m')"),
    "presensi_scan": ("staging.stg_presensi_scan", "strftime(tanggal, '%Y-%m')"),
    "skm": ("staging.stg_skm", "strftime(tanggal, '%Y-%m')"),
    "skp": ("staging.stg_skp", "periode"),
    "layanan": ("staging.stg_layanan", "periode"),
}


def _periods(con: duckdb.DuckDBPyConnection, file_id: int, shape: str | None) -> list[str]:
    """The months a file's staged rows fall in; [] when unknown (a roster feeds every month)."""
    if shape not in PERIOD_OF:
        return []
    table, expr = PERIOD_OF[shape]
    if not has_table(con, table):
        return []
    return [
        r[0]
        for r in con.execute(
            f"select distinct {expr} from {table} where _file_id = ? and {expr} is not null order by 1", [file_id]
        ).fetchall()
    ]


def periods_by_file(con: duckdb.DuckDBPyConnection) -> dict[int, list[str]]:
    """{file_id: the months its staged rows fall in} for every staged file (the console groups a
    run's files by month with it); files of a shape without a period column are absent."""
    out: dict[int, list[str]] = {}
    for table, expr in PERIOD_OF.values():
        if not has_table(con, table):
            continue
        for file_id, months in con.execute(
            f"select _file_id, list(distinct {expr} order by {expr}) from {table} "
            f"where {expr} is not null group by _file_id"
        ).fetchall():
            out.setdefault(file_id, []).extend(months)
    return out


def withdraw_vanished(
    con: duckdb.DuckDBPyConnection, present: set[str], run_id: str | None, allow_many: bool = False
) -> list[FileReport]:
    """Withdraw the loaded files whose path is no longer in the inbox; one report per such file."""
    gone = con.execute(
        "select file_id, path, kind, shape from lineage.files where status = 'loaded' order by path"
    ).fetchall()
    gone = [g for g in gone if g[1] not in present]
    if not gone:
        return []
    fed = {file_id: _periods(con, file_id, shape) for file_id, _, _, shape in gone}
    months = sorted({p for ps in fed.values() for p in ps})
    if len(gone) > 1 and len(months) > 1 and not allow_many:
        listing = ", ".join(months)
        return [
            FileReport(
                path,
                kind,
                "error",
                file_id=file_id,
                shape=shape,
                message=(
                    f"berkas tidak ada lagi di inbox, bersama berkas dari {len(months)} periode ({listing}); "
                    "tidak ditarik: bila ekspor lama sengaja diarsipkan, kembalikan berkasnya ke inbox; bila memang "
                    "harus ditarik, jalankan ulang dengan --withdraw"
                ),
            )
            for file_id, path, kind, shape in gone
        ]
    reports = []
    for file_id, path, kind, shape in gone:
        if shape:
            con.execute(f"delete from raw.{shape} where _file_id = ?", [file_id])
        con.execute("delete from raw._rejects where _file_id = ?", [file_id])
        con.execute(
            "update lineage.files set status = 'withdrawn', last_run_id = ? where file_id = ?", [run_id, file_id]
        )
        where = ", ".join(fed[file_id]) or "semua periode yang memakainya"
        reports.append(
            FileReport(
                path,
                kind,
                "withdrawn",
                file_id=file_id,
                shape=shape,
                message=(
                    f"berkas tidak ada lagi di inbox: barisnya ditarik dari periode {where} (versinya tetap tercatat "
                    "di lineage dengan status withdrawn)"
                ),
            )
        )
    return reports


def kept_file_ids(reports: list[FileReport]) -> list[int]:
    """The vanished files withdraw_vanished refused to withdraw: their rows must stay in use."""
    return [r.file_id for r in reports if r.action == "error" and r.file_id is not None]
