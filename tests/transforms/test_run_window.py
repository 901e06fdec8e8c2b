"""Marts built for the periods a run needs (transforms/run_window.py): the same rows as a build
over the whole history, cache keys that cover every table a model reads, and published numbers
that change only when their own period is run.

The multi-year inbox comes from the sample generator (data/sample, 10 ASN, 28 months ending
2026-03), so a run of 2025-12 has facts before (2023-12) and after (2026) its window.
"""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import duckdb
import pytest

from data.sample import generate
from flows.settings import Settings
from flows.steps import build_step, ingest_step, validate_step
from helpers import AS_OF, NIP_A, NIP_B, ROSTER, run_period, write_inbox
from transforms.publish import COLUMNS, metric_models, periods_published_by
from transforms.warehouse import connect

REFERENCE = Settings().reference
PERIOD = "2025-12"


@pytest.fixture(scope="module")
def validated(tmp_path_factory) -> tuple[Path, Path]:
    """A warehouse holding a validated multi-year inbox, no marts yet; and the inbox."""
    root = tmp_path_factory.mktemp("window")
    inbox = root / "inbox"
    generate(inbox, employees=10, months=28, end="2026-03")
    wh = root / "validated.duckdb"
    con = connect(wh)
    reports, _ = ingest_step(con, inbox, REFERENCE, "r0")
    validate_step(con, reports, AS_OF, "r0", period=PERIOD)
    con.close()
    return wh, inbox


def built(validated, tmp_path: Path, name: str, period: str | None) -> Path:
    wh = tmp_path / f"{name}.duckdb"
    shutil.copy(validated[0], wh)
    con = connect(wh)
    build_step(con, f"run-{name}", period)
    con.close()
    return wh


def table_rows(con, table: str, period_column: str, periods: list[str]) -> list[tuple]:
    """The rows of `periods`, doubles rounded to 9 places: the marts' standard deviations and
    means are summed in parallel, and two full builds differ in their last bits already."""
    cols = con.execute(
        "select column_name, data_type from duckdb_columns() where database_name = current_database() "
        "and schema_name || '.' || table_name = ? order by column_index",
        [table],
    ).fetchall()
    select = ", ".join(f'round("{c}", 9)' if t == "DOUBLE" else f'"{c}"' for c, t in cols)
    return sorted(
        con.execute(f"select {select} from {table} where {period_column} in (select unnest(?))", [periods]).fetchall(),
        key=repr,
    )


def test_a_one_period_build_gives_the_full_historys_rows_for_that_period_and_reads_only_its_years(validated, tmp_path):
    full = duckdb.connect(str(built(validated, tmp_path, "full", None)), read_only=True)
    window = duckdb.connect(str(built(validated, tmp_path, "window", PERIOD)), read_only=True)
    periods = periods_published_by(PERIOD)
    assert periods == ["2025-12", "2025-Q4", "2025-S2", "2025"]
    for model in metric_models():
        rows = table_rows(full, model, "period", periods)
        assert rows, model
        assert table_rows(window, model, "period", periods) == rows, model
    compared = 0
    for table, column in full.execute(
        "select schema_name || '.' || table_name, column_name from duckdb_columns() "
        "where database_name = current_database() and schema_name = 'marts' "
        "and column_name in ('period', 'periode') order by 1"
    ).fetchall():
        assert table_rows(window, table, column, periods) == table_rows(full, table, column, periods), table
        compared += 1
    assert compared >= 25
    # the window left the other years out: the full build holds 2023 and 2026, the window does not
    years = "select distinct tahun from marts.attendance_asn_month order by 1"
    assert [y for (y,) in full.execute(years).fetchall()] == [2023, 2024, 2025, 2026]
    assert [y for (y,) in window.execute(years).fetchall()] == [2024, 2025]
    # the year to date carries December 2024 into January 2025 as in the full build
    ytd = "select * from marts.attendance_asn_ytd where period = '2025-01' order by nip"
    assert window.execute(ytd).fetchall() == full.execute(ytd).fetchall()


def test_a_rebuild_keeps_unchanged_marts_and_a_roster_only_change_rebuilds_what_reads_the_roster(validated, tmp_path):
    wh = tmp_path / "w.duckdb"
    shutil.copy(validated[0], wh)
    inbox = tmp_path / "inbox"
    shutil.copytree(validated[1], inbox)
    con = connect(wh)
    build_step(con, "b1", PERIOD)
    build_step(con, "b2", PERIOD)
    rebuilt = dict(
        con.execute(
            "select model, rebuilt from lineage.build_cache where run_id = 'b2' and row_count is not null"
        ).fetchall()
    )
    assert len(rebuilt) > 25 and not any(rebuilt.values())  # nothing changed: every table kept (views are redefined)
    # the roster only: one ASN moves to another jabatan
    roster = inbox / "pegawai" / "pegawai.csv"
    with roster.open(encoding="utf-8", newline="") as f:
        records = list(csv.DictReader(f))
    nip = records[-1]["nip"]
    records[-1]["jabatan"] = "Analis Kebijakan Ahli Muda"
    with roster.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(records[0]))
        writer.writeheader()
        writer.writerows(records)
    reports, _ = ingest_step(con, inbox, REFERENCE, "b3")
    assert [r.path for r in reports if r.action == "loaded"] == ["pegawai/pegawai.csv"]
    validate_step(con, reports, AS_OF, "b3", period=PERIOD)
    build_step(con, "b3", PERIOD)
    rebuilt = dict(con.execute("select model, rebuilt from lineage.build_cache where run_id = 'b3'").fetchall())
    for model in (
        "marts.attendance_asn_month",
        "marts.attendance_asn_day",
        "marts.skp_asn_period",
        "marts.rekomendasi_asn_fakta",
        "marts.skp_kepala_unit",
    ):
        assert rebuilt[model], model  # read stg_pegawai, directly or through a mart
    for model in ("marts.skm_complaints", "marts.attendance_calendar", "marts.skm_unsur_scores"):
        assert not rebuilt[model], model  # read no roster
    key = con.execute(
        "select inputs->>'$.\"staging.stg_pegawai\"' from lineage.build_cache "
        "where run_id = ? and model = 'marts.attendance_asn_month'",
        ["b3"],
    ).fetchall()[0][0]
    assert (
        key
        and key
        != con.execute(
            "select inputs->>'$.\"staging.stg_pegawai\"' from lineage.build_cache "
            "where run_id = 'b2' and model = 'marts.attendance_asn_month'"
        ).fetchall()[0][0]
    )
    assert (
        con.execute("select jabatan from staging.stg_pegawai where nip = ?", [nip]).fetchall()[0][0]
        == "Analis Kebijakan Ahli Muda"
    )
    con.close()


def _recap(days, masuk="07:20"):
    return "nip,tanggal,jam_masuk,jam_pulang,status\n" + "".join(
        f"{nip},{d},{masuk},16:40,H\n" for nip in (NIP_A, NIP_B) for d in days
    )


def _published(wh: Path, period: str) -> list[tuple]:
    con = duckdb.connect(str(wh), read_only=True)
    try:
        return con.execute(f"select {COLUMNS} from metrics where period = ? order by metric_id", [period]).fetchall()
    finally:
        con.close()


def test_running_october_after_a_september_file_changed_leaves_septembers_numbers_and_names_it_stale(tmp_path):
    inbox = write_inbox(
        tmp_path / "inbox",
        {
            "pegawai/p.csv": ROSTER,
            "presensi/2026-09.csv": _recap(["2026-09-01", "2026-09-02"]),
            "presensi/2026-10.csv": _recap(["2026-10-01"]),
        },
    )
    wh = tmp_path / "w.duckdb"
    run_period(wh, inbox, "2026-09", "r1")
    run_period(wh, inbox, "2026-10", "r2")
    september = _published(wh, "2026-09")
    assert september
    # September's export is corrected (NIP_A came late on the 2nd) while October is run
    write_inbox(
        inbox,
        {
            "presensi/2026-09.csv": _recap(["2026-09-01"])
            + f"{NIP_A},2026-09-02,08:45,16:40,H\n{NIP_B},2026-09-02,07:20,16:40,H\n"
        },
    )
    outcome = run_period(wh, inbox, "2026-10", "r3")
    assert outcome.stale_periods == ["2026-09"]
    assert any("jalankan ulang: pantau run --period 2026-09" in w for w in outcome.warnings)
    assert _published(wh, "2026-09") == september
    # running September itself publishes the corrected numbers
    run_period(wh, inbox, "2026-09", "r4")
    assert _published(wh, "2026-09") != september


def test_trace_says_when_the_marts_no_longer_hold_a_periods_rows(validated, tmp_path):
    """After a 2025-12 build the attendance marts hold 2024–2025: a trace of 2023-12 says its source
    rows are not in the marts and how to bring them back, rather than listing none in silence."""
    from transforms.run_window import window_note

    con = duckdb.connect(str(built(validated, tmp_path, "note", PERIOD)), read_only=True)
    try:
        note = window_note(con, "2023-12")
        assert note is not None and "tahun 2024–2025" in note and "pantau run --period 2023-12" in note
        assert "stg_presensi_recap" in note
        assert window_note(con, "2025-06") is None and window_note(con, "2024-Q1") is None
    finally:
        con.close()
