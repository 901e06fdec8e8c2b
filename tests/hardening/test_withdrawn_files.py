"""The inbox is the truth: a file removed since the last run is withdrawn from the periods it fed,
through the real `pantau run`, `pantau run --partitioned` and `pantau backfill` (docs/inbox.md, "A
file that leaves the inbox"); the partitioned merge and a moved file also in this process."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import duckdb

ROOT = Path(__file__).resolve().parents[2]
PAGER_IKM_SAMPLES = 73.58  # Kel. Pager, 2026-10, on the committed samples alone (C)


RUN = ("run", "--period", "2026-10")
BACKFILL = ("backfill", "--from", "2026-10", "--to", "2026-10")


def _pantau(tmp_path: Path, *args: str, command: tuple[str, ...] = RUN) -> subprocess.CompletedProcess:
    config = tmp_path / "pantau.toml"
    config.write_text(
        f'[paths]\ninbox = "{tmp_path / "inbox"}"\nwarehouse = "{tmp_path / "w.duckdb"}"\n'
        f'out = "{tmp_path / "out"}"\ninternal = "{tmp_path / "internal"}"\n'
        f'state_dir = "{tmp_path / "state"}"\n'
    )
    return subprocess.run(
        [sys.executable, "-m", "flows.cli", *command, *args, "--config", str(config)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=900,
    )


def _query(tmp_path: Path, sql: str, params=()):
    con = duckdb.connect(str(tmp_path / "w.duckdb"), read_only=True)
    try:
        return con.execute(sql, list(params)).fetchall()
    finally:
        con.close()


def _pager_ikm(tmp_path: Path) -> float:
    return _query(tmp_path, "select value from metrics where metric_id = 'ikm/unit/kelurahan-pager/2026-10'")[0][0]


def _wrongly_sent_survey(inbox: Path) -> Path:
    """Thirty answers of 1 for Kel. Pager in October, in a file of its own."""
    wrong = inbox / "skm" / "salah_kirim_2026-10.csv"
    header = (inbox / "skm" / "skm_2026-10.csv").read_text(encoding="utf-8").splitlines()[0]
    assert header.startswith("waktu,unit_layanan,jenis_layanan,nip_petugas,usia,jenis_kelamin,pendidikan,pekerjaan,u1")
    wrong.write_text(
        header
        + "\n"
        + "".join(
            f"2026-10-{10 + i % 10:02d} 09:{i:02d}:00,Kantor Kelurahan Pager,Surat Keterangan Domisili,,40,L,SMA,"
            "Lainnya,1,1,1,1,1,1,1,1,1,\n"
            for i in range(30)
        ),
        encoding="utf-8",
    )
    return wrong


def _files_status(tmp_path: Path, paths: list[str]) -> set[str]:
    return {
        r[0] for r in _query(tmp_path, "select status from lineage.files where path in (select unnest(?))", [paths])
    }


def test_a_removed_file_is_withdrawn_and_an_archived_batch_stops_the_run(tmp_path):
    inbox = tmp_path / "inbox"
    shutil.copytree(ROOT / "data" / "samples", inbox)
    wrong = _wrongly_sent_survey(inbox)

    first = _pantau(tmp_path)
    assert first.returncode == 0, first.stdout[-3000:] + first.stderr[-3000:]
    assert _pager_ikm(tmp_path) < 60  # thirty answers of 1 drag Pager into D

    # the wrongly sent file is deleted; the inbox is otherwise as before
    wrong.unlink()
    second = _pantau(tmp_path)
    assert second.returncode == 0, second.stdout[-3000:] + second.stderr[-3000:]
    assert _pager_ikm(tmp_path) == PAGER_IKM_SAMPLES
    assert "skm/salah_kirim_2026-10.csv" in second.stdout and "ditarik" in second.stdout
    assert "barisnya ditarik dari periode 2026-10" in second.stdout
    [(status, noticed)] = _query(
        tmp_path, "select status, last_run_id from lineage.files where path = 'skm/salah_kirim_2026-10.csv'"
    )
    runs = [r[0] for r in _query(tmp_path, "select run_id from lineage.runs order by started_at")]
    assert (status, noticed) == ("withdrawn", runs[-1])

    # an office archives two earlier months of exports: not withdrawn unless told to
    archived = sorted(p.relative_to(inbox).as_posix() for p in (inbox / "presensi").glob("*_2026-0[89].csv"))
    assert len(archived) >= 4
    for rel in archived:
        (inbox / rel).unlink()
    third = _pantau(tmp_path)
    assert third.returncode == 1, third.stdout[-3000:] + third.stderr[-3000:]
    assert "--withdraw" in third.stdout and archived[0] in third.stdout
    assert "bersama berkas dari 2 periode (2026-08, 2026-09)" in third.stdout
    assert _files_status(tmp_path, archived) == {"loaded"}
    assert _query(tmp_path, "select status from lineage.runs order by started_at desc limit 1") == [("blocked",)]

    # `pantau backfill --withdraw` passes the option on to its periods' runs
    fourth = _pantau(tmp_path, "--withdraw", command=BACKFILL)
    assert fourth.returncode == 0, fourth.stdout[-3000:] + fourth.stderr[-3000:]
    assert _files_status(tmp_path, archived) == {"withdrawn"}
    assert _query(
        tmp_path,
        "select count(*) from staging.stg_presensi_recap where strftime(tanggal, '%Y-%m') in ('2026-08', '2026-09')",
    ) == [(0,)]
    [(command, status)] = _query(tmp_path, "select command, status from lineage.runs order by started_at desc limit 1")
    assert status == "success" and _query(
        tmp_path, "select distinct last_run_id from lineage.files where path in (select unnest(?))", [archived]
    ) == _query(tmp_path, "select run_id from lineage.runs order by started_at desc limit 1")


def test_backfill_help_shows_withdraw():
    from typer.testing import CliRunner

    from flows.cli import app

    result = CliRunner().invoke(app, ["backfill", "--help"], env={"COLUMNS": "200"})
    assert result.exit_code == 0 and "--withdraw" in result.output
    assert "hilang bersamaan dari inbox" in result.output


def _small_inbox(inbox: Path) -> Path:
    """The samples' roster, August to October attendance, October's SKM and SKP."""
    for pattern in (
        "pegawai/*",
        "presensi/*_2026-08.csv",
        "presensi/*_2026-09.csv",
        "presensi/*_2026-10.csv",
        "skm/skm_2026-10.csv",
        "skp/skp_2026-10.csv",
    ):
        for source in (ROOT / "data" / "samples").glob(pattern):
            target = inbox / source.relative_to(ROOT / "data" / "samples")
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(source, target)
    return inbox


def test_partitioned_runs_withdraw_by_the_same_rule(tmp_path):
    """`pantau run --partitioned`: one file gone is withdrawn and named with its period; two months
    archived stop the run (their rows still in use), and --withdraw withdraws them, naming the months."""
    inbox = _small_inbox(tmp_path / "inbox")
    wrong = _wrongly_sent_survey(inbox)
    first = _pantau(tmp_path, "--partitioned")
    assert first.returncode == 0, first.stdout[-3000:] + first.stderr[-3000:]
    assert _pager_ikm(tmp_path) < 60

    wrong.unlink()
    second = _pantau(tmp_path, "--partitioned")
    assert second.returncode == 0, second.stdout[-3000:] + second.stderr[-3000:]
    assert _pager_ikm(tmp_path) == PAGER_IKM_SAMPLES  # October's survey alone, as in the whole samples
    assert "skm/salah_kirim_2026-10.csv" in second.stdout and "barisnya ditarik dari periode 2026-10" in second.stdout
    [(status, noticed)] = _query(
        tmp_path, "select status, last_run_id from lineage.files where path = 'skm/salah_kirim_2026-10.csv'"
    )
    runs = _query(tmp_path, "select run_id, command from lineage.runs order by started_at")
    assert (status, noticed) == ("withdrawn", runs[-1][0]) and runs[-1][1] == "run-partitioned"

    archived = sorted(p.relative_to(inbox).as_posix() for p in (inbox / "presensi").glob("*_2026-0[89].csv"))
    assert len(archived) >= 4
    for rel in archived:
        (inbox / rel).unlink()
    third = _pantau(tmp_path, "--partitioned")
    assert third.returncode == 1, third.stdout[-3000:] + third.stderr[-3000:]
    assert "bersama berkas dari 2 periode (2026-08, 2026-09)" in third.stdout and archived[-1] in third.stdout
    assert "--withdraw" in third.stdout and "hitungan baris tidak cocok" not in third.stdout + third.stderr
    assert _files_status(tmp_path, archived) == {"loaded"}
    assert _query(tmp_path, "select status from lineage.runs order by started_at desc limit 1") == [("blocked",)]

    fourth = _pantau(tmp_path, "--partitioned", "--withdraw")
    assert fourth.returncode == 0, fourth.stdout[-3000:] + fourth.stderr[-3000:]
    assert _files_status(tmp_path, archived) == {"withdrawn"}
    # the blocked run kept their rows, so this one still knows the month each fed
    assert "barisnya ditarik dari periode 2026-08" in fourth.stdout
    assert "barisnya ditarik dari periode 2026-09" in fourth.stdout
    assert _query(
        tmp_path,
        "select count(*) from staging.stg_presensi_recap where strftime(tanggal, '%Y-%m') in ('2026-08', '2026-09')",
    ) == [(0,)]


def test_every_shape_says_its_month_through_a_column_its_staging_model_has():
    """withdraw.PERIOD_OF names a staging column per shape; a wrong name would break every run
    that withdraws a file of that shape."""
    import re

    from transforms.ingest.withdraw import PERIOD_OF

    for shape, (table, expr) in PERIOD_OF.items():
        sql = (ROOT / "transforms" / "staging" / f"{table.split('.')[1]}.sql").read_text(encoding="utf-8")
        column = re.search(r"\((\w+)", expr).group(1) if "(" in expr else expr
        assert re.search(rf"\bas {column}\b", sql), (shape, column)


# ---------------------------------------------------------------- partitioned runs, in this process

RECAP_HEADER = "nip,tanggal,jam_masuk,jam_pulang,status\n"


def _recap(nip: str, day: str) -> str:
    return RECAP_HEADER + f"{nip},{day},07:31,16:00,H\n"


def _partitioned_inline(inbox: Path, warehouse: Path, run_id: str, withdraw_many: bool = False):
    """The ingest of `pantau run --partitioned` (plan, withdraw, every partition one after another,
    merge) and its judgement, in this process without Prefect."""
    from flows.partitioned import assess_partitioned, ingest_partitioned, sequentially
    from flows.settings import Settings
    from helpers import AS_OF
    from transforms.warehouse import connect

    con = connect(warehouse)
    reports, manifests, _ = ingest_partitioned(
        con,
        inbox,
        Settings().reference,
        AS_OF,
        warehouse.parent / "parts",
        run_id,
        sequentially,
        withdraw_many=withdraw_many,
    )
    return con, assess_partitioned(con, reports, manifests, warehouse.parent / "parts", "2026-10")


def _actions(outcome) -> dict:
    return {f["path"]: (f["action"], f["message"]) for f in outcome.files}


def test_partitioned_merge_keeps_the_rows_of_files_it_refused_to_withdraw(tmp_path):
    """Two months archived at once: the run blocks, the files' rows stay (the merge rebuilds staging
    from this run's partitions only), so the next run with --withdraw still names their months."""
    from helpers import NIP_A, ROSTER, write_inbox

    months = {"2026-08": "2026-08-03", "2026-09": "2026-09-01", "2026-10": "2026-10-01"}
    inbox = write_inbox(
        tmp_path / "inbox",
        {"pegawai/pegawai.csv": ROSTER}
        | {f"presensi/rekap_kelurahan-pager_{m}.csv": _recap(NIP_A, day) for m, day in months.items()},
    )
    warehouse = tmp_path / "w.duckdb"
    con, first = _partitioned_inline(inbox, warehouse, "r1")
    assert not first.blocked, first.blocking
    con.close()

    archived = ["presensi/rekap_kelurahan-pager_2026-08.csv", "presensi/rekap_kelurahan-pager_2026-09.csv"]
    for rel in archived:
        (inbox / rel).unlink()
    con, refused = _partitioned_inline(inbox, warehouse, "r2")
    assert refused.blocked
    for rel in archived:
        action, message = _actions(refused)[rel]
        assert action == "error" and "bersama berkas dari 2 periode (2026-08, 2026-09)" in message
        assert "--withdraw" in message
    assert not refused.unreconciled  # the kept files still reconcile: their rows are there
    assert con.execute("select strftime(tanggal, '%Y-%m') from staging.stg_presensi_recap order by 1").fetchall() == [
        ("2026-08",),
        ("2026-09",),
        ("2026-10",),
    ]
    assert con.execute(
        "select distinct status from lineage.files where path in (select unnest(?))", [archived]
    ).fetchall() == [("loaded",)]
    con.close()

    con, withdrawn = _partitioned_inline(inbox, warehouse, "r3", withdraw_many=True)
    assert not withdrawn.blocked, withdrawn.blocking
    assert _actions(withdrawn)[archived[0]] == (
        "withdrawn",
        (
            "berkas tidak ada lagi di inbox: barisnya ditarik dari periode 2026-08 (versinya tetap tercatat "
            "di lineage dengan status withdrawn)"
        ),
    )
    assert "dari periode 2026-09 " in _actions(withdrawn)[archived[1]][1]
    assert con.execute(
        "select path, status, last_run_id from lineage.files where path in (select unnest(?)) order by path", [archived]
    ).fetchall() == [(rel, "withdrawn", "r3") for rel in archived]
    assert con.execute("select strftime(tanggal, '%Y-%m') from staging.stg_presensi_recap").fetchall() == [("2026-10",)]


def test_a_file_moved_to_another_path_is_loaded_there_not_skipped_as_a_copy(tmp_path):
    """Withdrawal comes before the inbox's files are registered, in both kinds of run: the moved
    file's rows count in the run that sees it moved."""
    from expectations.validate import validate_warehouse
    from flows.settings import Settings
    from flows.steps import ingest_step
    from helpers import AS_OF, NIP_A, NIP_B, ROSTER, write_inbox
    from transforms.warehouse import connect

    recap = RECAP_HEADER + f"{NIP_A},2026-10-01,07:31,16:00,H\n{NIP_B},2026-10-01,07:40,16:00,H\n"
    old, new = "presensi/rekap_kelurahan-pager_2026-10.csv", "presensi/rekap_kel-pager_2026-10.csv"
    for mode in ("plain", "partitioned"):
        inbox = write_inbox(tmp_path / mode / "inbox", {"pegawai/pegawai.csv": ROSTER, old: recap})
        warehouse = tmp_path / mode / "w.duckdb"
        for run_id in ("r1", "r2"):
            if run_id == "r2":
                (inbox / old).rename(inbox / new)
            if mode == "partitioned":
                con, outcome = _partitioned_inline(inbox, warehouse, run_id)
                actions = {p: a for p, (a, _) in _actions(outcome).items()}
            else:
                con = connect(warehouse)
                reports, _ = ingest_step(con, inbox, Settings().reference, run_id)
                actions = {r.path: r.action for r in reports}
                validate_warehouse(con, AS_OF, run_id)
            staged = con.execute("select count(*) from staging.stg_presensi_recap").fetchone()[0]
            con.close()
            assert staged == 2, (mode, run_id, actions)
        assert (actions[old], actions[new]) == ("withdrawn", "loaded"), mode
