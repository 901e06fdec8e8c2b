"""Shared test helpers: valid NIPs, a tiny roster, inboxes written inline, query rows."""

from __future__ import annotations

from datetime import date
from pathlib import Path

AS_OF = date(2026, 11, 28)

# valid 18-digit NIPs: birth date, TMT CPNS yyyymm, sex digit, sequence
NIP_A = "198503122010011001"
NIP_B = "199107232019032002"
NIP_C = "197811052005011003"

ROSTER = (
    "nip,nama,jabatan,unit_kerja,jenis_asn,golongan,nip_atasan,pin\n"
    f"{NIP_A},Agus Setiawan,Lurah,Kelurahan Pager,PNS,III/d,,101\n"
    f"{NIP_B},Siti Rahmah,Staf Pelayanan,Kel. Pager,PPPK,IX,{NIP_A},102\n"
    f"{NIP_C},Yohanes Nyahu,Camat,Kantor Kecamatan Rakumpit,PNS,IV/b,,103\n"
)


def write_inbox(root: Path, files: dict[str, str | bytes]) -> Path:
    """Write {relative path: content} under root; str is written as UTF-8 exactly as given."""
    for rel, content in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_bytes(content.encode("utf-8"))
    return root


def run_records(warehouse: Path) -> list[tuple]:
    """(status, message) of every run recorded in a warehouse file, oldest first (read-only)."""
    import duckdb

    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        return con.execute("select status, message from lineage.runs order by started_at").fetchall()
    finally:
        con.close()


def rows(con, sql: str, params=None) -> list[tuple]:
    return con.execute(sql, params or []).fetchall()


def empty_staging(con) -> None:
    """Create every raw and staging table, empty, with its real columns and types."""
    from expectations.validate import VALIDATION_DDL
    from transforms.ingest import ensure_raw_tables, load_column_specs
    from transforms.models import discover_models, install_macros, run_models

    ensure_raw_tables(con, load_column_specs(con))
    con.execute(VALIDATION_DDL)
    install_macros(con)
    run_models(con, [n for n in discover_models() if n.startswith("staging.")])


def given(con, table: str, records: list[dict]) -> None:
    """Insert rows given as dicts (by column name; missing columns NULL, _file_id/_row numbered)."""
    columns = [r[0] for r in con.execute(f"describe {table}").fetchall()]
    for i, record in enumerate(records, start=1):
        unknown = set(record) - set(columns)
        if unknown:
            raise KeyError(f"{table} has no column(s) {sorted(unknown)}; it has {columns}")
        values = {"_file_id": 1, "_row": i + 1, **record}
        names = [c for c in columns if c in values]
        con.execute(
            f"insert into {table} ({', '.join(chr(34) + n + chr(34) for n in names)}) "
            f"values ({', '.join('?' for _ in names)})",
            [values[n] for n in names],
        )
    if table.startswith("raw."):
        # validation computes staging.prep_<shape> from the raw rows once; do the same here
        from transforms.models import discover_models, run_models

        prep = f"staging.prep_{table.split('.', 1)[1]}"
        if prep in discover_models():
            run_models(con, [prep])


def build(con, *models: str) -> None:
    """Build the named mart models and the marts they depend on (staging is given)."""
    from transforms.models import discover_models, run_models, upstream

    all_models = discover_models()
    wanted = [m for m in upstream(list(models), all_models) if m.startswith("marts.")]
    run_models(con, wanted)


def run_without_prefect(warehouse: Path, inbox: Path, period: str) -> str:
    """One run as the flow does it, without Prefect: ingest, validate, transform and publish into
    the warehouse file, recorded 'success'; returns the run id (the inbox must not block)."""
    from flows.settings import Settings
    from flows.steps import ingest_step, transform_step, validate_step
    from transforms.runs import finish_run, start_run
    from transforms.warehouse import connect

    con = connect(warehouse)
    try:
        run_id = start_run(con, "run", period, AS_OF, {"inbox": str(inbox)})
        reports, _ = ingest_step(con, inbox, Settings().reference, run_id)
        assert not validate_step(con, reports, AS_OF, run_id, period=period).blocked
        assert not transform_step(con, period, run_id)["blocking"]
        finish_run(con, run_id, "success")
        return run_id
    finally:
        con.close()


def run_period(warehouse: Path, inbox: Path, period: str, run_id: str):
    """ingest, validate and transform one period as `pantau run` does, without Prefect."""
    from flows.settings import Settings
    from flows.steps import ingest_step, transform_step, validate_step
    from transforms.warehouse import connect

    con = connect(warehouse)
    try:
        reports, _ = ingest_step(con, inbox, Settings().reference, run_id)
        outcome = validate_step(con, reports, AS_OF, run_id, period=period)
        outcome.published = transform_step(con, period, run_id)
        return outcome
    finally:
        con.close()
