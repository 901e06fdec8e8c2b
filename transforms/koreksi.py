"""Approved corrections (the koreksi/ inbox kind) beside the exports, never in them.

The rows are validated like every input (staging.prep_koreksi, expectations/suites/koreksi.json)
and applied as a layer: marts.koreksi_fakta (one row per corrected fact),
marts.presensi_recap_koreksi and marts.skp_koreksi (the staged exports with the corrections
over them) are what the attendance and SKP marts read. raw.* and staging.stg_* keep the
exports' rows as they were. Each run records the corrections it applied in lineage.corrections:
the original value and its file and line, the correction's file and line, the approver and
the document (dasar). docs/inbox.md, docs/attendance.md, docs/skp.md.
"""

from __future__ import annotations

import os
import re

import duckdb

from transforms.warehouse import has_table, records

# the settings' `[koreksi] penyetuju_kepegawaian` reach every process of a run this way
# (flows/settings.py duckdb_environment), like the ingest limits
APPROVERS_ENV = "PANTAU_KOREKSI_PENYETUJU"
NIP = re.compile(r"^\d{18}$")

CORRECTIONS_DDL = """
create table if not exists lineage.corrections (
    run_id              varchar,
    nip                 varchar,
    unit_slug           varchar,
    sasaran             varchar,
    kapan               varchar,
    kolom               varchar,
    indikator           varchar,
    nilai_asli          varchar,
    asli_file_id        integer,
    asli_row            integer,
    nilai_baru          varchar,
    koreksi_file_id     integer,
    koreksi_row         integer,
    cakupan             varchar,
    disetujui_oleh      varchar,
    wewenang            varchar,
    tanggal_persetujuan date,
    dasar               varchar,
    alasan              varchar
)
"""


def authorised_approvers() -> list[str]:
    """The NIPs the settings authorise to approve any correction (kepegawaian)."""
    return [n for n in os.environ.get(APPROVERS_ENV, "").split(",") if n]


def store_authorised_approvers(con: duckdb.DuckDBPyConnection) -> None:
    """staging.koreksi_penyetuju from the settings, for staging.prep_koreksi to join."""
    con.execute("create table if not exists staging.koreksi_penyetuju (nip varchar)")
    con.execute("delete from staging.koreksi_penyetuju")
    nips = authorised_approvers()
    if nips:
        con.executemany("insert into staging.koreksi_penyetuju values (?)", [[n] for n in nips])


def record_corrections(con: duckdb.DuckDBPyConnection, run_id: str) -> int:
    """lineage.corrections for the run: every fact the correction layer changed. Returns the count."""
    con.execute(CORRECTIONS_DDL)
    con.execute("delete from lineage.corrections where run_id = ?", [run_id])
    con.execute(
        """
        insert into lineage.corrections
        select ?, nip, unit_slug, sasaran, kapan, kolom, indikator, nilai_asli, asli_file_id, asli_row, nilai_baru,
               _file_id, _row, cakupan, disetujui_oleh, wewenang, tanggal_persetujuan, dasar, alasan
        from marts.koreksi_fakta""",
        [run_id],
    )
    return con.execute("select count(*) from lineage.corrections where run_id = ?", [run_id]).fetchone()[0]


def corrections_for(
    con: duckdb.DuckDBPyConnection, run_id: str, nip: str, period: str, start: str | None, end: str | None
) -> list[dict]:
    """The corrections a run applied to one ASN: attendance days from `start` to before `end`
    (ISO dates), SKP facts of `period`; with the paths of the original's and the correction's
    files (for `pantau trace`)."""
    if not has_table(con, "lineage.corrections"):
        return []
    return records(
        con,
        """
        select c.kapan, c.kolom, c.indikator, c.nilai_asli, fa.path as asli_berkas, c.asli_row as asli_baris,
               c.nilai_baru, fk.path as koreksi_berkas, c.koreksi_row as koreksi_baris, c.cakupan,
               c.disetujui_oleh, c.wewenang, c.tanggal_persetujuan, c.dasar, c.alasan
        from lineage.corrections c
        left join lineage.files fa on fa.file_id = c.asli_file_id
        left join lineage.files fk on fk.file_id = c.koreksi_file_id
        where c.run_id = $run and c.nip = $nip
          and (c.sasaran = 'skp' and c.kapan = $period
               or c.sasaran = 'presensi' and c.kapan >= $start and c.kapan < $end)
        order by c.kapan, c.kolom""",
        {"run": run_id, "nip": nip, "period": period, "start": start, "end": end},
    )


def parse_nip_list(value) -> list[str]:
    """`[koreksi] penyetuju_kepegawaian`: a list of 18-digit NIPs (as text)."""
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ValueError(f'harus daftar NIP sebagai teks, misalnya ["198503102010011002"], bukan {value!r}')
    bad = [v for v in value if not NIP.match(v.strip())]
    if bad:
        raise ValueError(f"berisi NIP yang bukan 18 digit angka: {', '.join(bad)}")
    return [v.strip() for v in value]
