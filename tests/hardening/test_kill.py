"""Crash safety: `pantau run` killed with SIGKILL at any stage leaves the warehouse usable and the
published metrics as they were, and the next run recovers without manual steps.

The real command runs as a subprocess on a copy of data/samples, with its own Prefect home (the
temporary Prefect server starts inside it, as for a user). One warehouse goes through:

1. a run killed during ingest of the fresh warehouse (while it reads the tenth attendance file);
2. a complete run: it takes over the lock the killed run left and publishes; its metrics equal
   those of a warehouse that was never killed (the steps run in this process);
3. a run killed during validate, 4. a run killed during transform: after each, the published
   metrics export is byte-identical to the one before the kill;
5. a complete run: exit 0, the same metrics.

A stage is recognised from the run's own log lines (PREFECT_LOGGING_LEVEL=INFO: the ingest task
logs each file it reads, validate each shape it checks, Prefect each task that finishes) and, for
transform, from the warehouse being open again after validate finished (each task opens and closes
it) with rebuilt marts in its write-ahead log. Each kill is checked to have come before its stage
finished. The whole process group is killed, the temporary Prefect server with it, as a power cut
or the OOM killer would.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from helpers import AS_OF

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = ROOT / "data" / "samples"
PERIOD = "2026-10"
STAGE_TIMEOUT = 300  # seconds; the temporary Prefect server alone may take up to 120 s
RUN_TIMEOUT = 600
# the transform of the samples writes ~14 MB of rebuilt marts to the write-ahead log in ~1.3 s;
# 2 MB is a few marts in (publishing writes ~1 MB, so a late kill cannot pass for this one)
TRANSFORM_WAL = 2 << 20

INGEST_READING = re.compile(r"Task run 'ingest-\w+' - membaca presensi/")
VALIDATE_CHECKING = re.compile(r"Task run 'validate-\w+' - memeriksa presensi_recap")
FINISHED = "Task run '{task}-\\w+' - Finished in state"

# /proc (which files the run holds open), process groups and SIGKILL: the CI runs on Linux
pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="needs Linux (/proc, killpg)")


def finished(task: str, log: str) -> bool:
    return re.search(FINISHED.format(task=task), log) is not None


@dataclass
class Killed:
    """What a killed run left: its exit status, log, lock file and the export read right after."""

    returncode: int
    pid: int
    log: str
    lock: str | None
    wal: int  # bytes of write-ahead log left for the next opener to replay
    export: bytes | None


class PantauRun:
    """`pantau run` in its own process group, its output in files (no pipe can fill up)."""

    def __init__(self, work: Path, name: str, warehouse: Path, inbox: Path, extra: tuple[str, ...] = ()):
        self.stdout = work / f"{name}.out"
        self.stderr = work / f"{name}.err"
        self.warehouse = warehouse
        config = work / "pantau.toml"
        cmd = [
            sys.executable,
            "-m",
            "flows.cli",
            "run",
            "--config",
            str(config),
            "--period",
            PERIOD,
            "--inbox",
            str(inbox),
            "--warehouse",
            str(warehouse),
            "--out",
            str(work / "out"),
            "--as-of",
            AS_OF.isoformat(),
            *extra,
        ]
        with open(self.stdout, "wb") as out, open(self.stderr, "wb") as err:
            self.proc = subprocess.Popen(
                cmd,
                cwd=ROOT,
                env=pantau_env(work),
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=err,
                start_new_session=True,
            )

    def log(self) -> str:
        return self.stderr.read_text(encoding="utf-8", errors="replace")

    def wait_until(self, condition, what: str) -> None:
        deadline = time.monotonic() + STAGE_TIMEOUT
        while not condition():
            if self.proc.poll() is not None:
                pytest.fail(f"the run ended (exit {self.proc.returncode}) before {what}:\n{self.log()[-3000:]}")
            if time.monotonic() > deadline:
                self.kill()
                pytest.fail(f"no {what} within {STAGE_TIMEOUT} s:\n{self.log()[-3000:]}")
            time.sleep(0.02)

    def holds_warehouse(self) -> bool:
        """The process has the warehouse file open (a task is connected to it)."""
        target = str(self.warehouse.resolve())
        try:
            fds = os.listdir(f"/proc/{self.proc.pid}/fd")
        except FileNotFoundError:
            return False
        for fd in fds:
            try:
                if os.readlink(f"/proc/{self.proc.pid}/fd/{fd}") == target:
                    return True
            except OSError:
                continue
        return False

    def kill(self) -> int:
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)  # pantau and the Prefect server it started
        except ProcessLookupError:
            pass
        return self.proc.wait(timeout=60)

    def finish(self) -> tuple[int, str]:
        try:
            code = self.proc.wait(timeout=RUN_TIMEOUT)
        except subprocess.TimeoutExpired:
            self.kill()
            pytest.fail(f"pantau run did not finish within {RUN_TIMEOUT} s:\n{self.log()[-3000:]}")
        return code, self.stdout.read_text(encoding="utf-8") + self.log()


def pantau_env(work: Path) -> dict:
    """The user's environment without Prefect or OpenLineage settings of this test session;
    the Prefect home in the work folder; INFO logs, where the stages show."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PREFECT_", "OPENLINEAGE_"))}
    env.update(
        {
            "PREFECT_HOME": str(work / "state" / "prefect"),
            "PREFECT_LOGGING_LEVEL": "INFO",
            "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "120",
            "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
            "DO_NOT_TRACK": "1",
        }
    )
    return env


def export_csv(work: Path, warehouse: Path, name: str) -> bytes:
    """`pantau export --period 2026-10` (in-process; it opens the warehouse read-only)."""
    from flows.cli import app

    target = work / f"{name}.csv"
    result = CliRunner().invoke(
        app,
        [
            "export",
            "--config",
            str(work / "pantau.toml"),
            "--period",
            PERIOD,
            "--warehouse",
            str(warehouse),
            "--output",
            str(target),
        ],
    )
    assert result.exit_code == 0, result.output
    return target.read_bytes()


def metrics_digest(warehouse: Path) -> str:
    """The published metrics without the run that published them (as tests/flows/test_operations.py)."""
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        rows = con.execute("select * exclude (run_id) from metrics order by metric_id").fetchall()
    finally:
        con.close()
    return hashlib.sha256(repr(rows).encode()).hexdigest()


def wal_bytes(warehouse: Path) -> int:
    wal = Path(f"{warehouse}.wal")
    try:
        return wal.stat().st_size
    except FileNotFoundError:
        return 0


def lock_text(warehouse: Path) -> str | None:
    lock = Path(f"{warehouse}.lock")
    return lock.read_text() if lock.exists() else None


def kill_when(
    work: Path, name: str, warehouse: Path, inbox: Path, ready, what: str, settle: float = 0.0, export: bool = True
) -> Killed:
    run = PantauRun(work, name, warehouse, inbox)
    run.wait_until(lambda: ready(run), what)
    time.sleep(settle)
    code = run.kill()
    return Killed(
        code,
        run.proc.pid,
        run.log(),
        lock_text(warehouse),
        wal_bytes(warehouse),
        export_csv(work, warehouse, f"{name}-export") if export else None,
    )


def reference_digest(work: Path, inbox: Path) -> str:
    """The metrics of a warehouse that was never killed: the run's steps, in this process."""
    from flows.settings import Settings
    from flows.steps import ingest_step, transform_step, validate_step
    from transforms.warehouse import connect

    warehouse = work / "reference.duckdb"
    con = connect(warehouse)
    try:
        reports, _ = ingest_step(con, inbox, Settings().reference, "referensi")
        outcome = validate_step(con, reports, AS_OF, "referensi", period=PERIOD)
        assert not outcome.blocked, outcome.blocking
        assert not transform_step(con, PERIOD, "referensi")["blocking"]
    finally:
        con.close()
    return metrics_digest(warehouse)


@pytest.fixture(scope="module")
def story(tmp_path_factory):
    """The five runs on one warehouse, with what each left behind."""
    work = tmp_path_factory.mktemp("kill")
    inbox = work / "inbox"
    shutil.copytree(SAMPLES, inbox)
    # the named pages in the work folder too, not in the checkout's reports/internal
    (work / "pantau.toml").write_text(
        f'[paths]\nstate_dir = "{(work / "state").as_posix()}"\ninternal = "{(work / "internal").as_posix()}"\n',
        encoding="utf-8",
    )
    warehouse = work / "pantau.duckdb"
    seen: dict = {"warehouse": warehouse, "work": work}

    # 1. killed while the fresh warehouse is being filled: the tenth attendance file being read
    seen["ingest"] = kill_when(
        work,
        "1-ingest",
        warehouse,
        inbox,
        lambda r: len(INGEST_READING.findall(r.log())) >= 10,
        "ingest reading the tenth attendance file",
        export=False,
    )

    # 2. a complete run: the baseline
    seen["complete"] = PantauRun(work, "2-complete", warehouse, inbox).finish()
    seen["baseline_export"] = export_csv(work, warehouse, "2-export")
    seen["baseline_digest"] = metrics_digest(warehouse)
    seen["reference_digest"] = reference_digest(work, inbox)

    # 3. killed while validating (staging tables and quarantine are being rebuilt)
    seen["validate"] = kill_when(
        work,
        "3-validate",
        warehouse,
        inbox,
        lambda r: VALIDATE_CHECKING.search(r.log()) is not None,
        "validate checking presensi_recap",
        settle=0.1,
    )

    # 4. killed while transforming: validate finished, the transform task holds the warehouse and
    #    has rebuilt some marts (their rows are in the write-ahead log, not yet checkpointed)
    seen["transform"] = kill_when(
        work,
        "4-transform",
        warehouse,
        inbox,
        lambda r: finished("validate", r.log()) and wal_bytes(warehouse) >= TRANSFORM_WAL and r.holds_warehouse(),
        "the transform task rebuilding marts",
    )

    # 5. the next run, with no manual step in between
    seen["recovered"] = PantauRun(work, "5-recovered", warehouse, inbox).finish()
    seen["recovered_export"] = export_csv(work, warehouse, "5-export")
    seen["recovered_digest"] = metrics_digest(warehouse)
    return seen


def test_each_kill_hit_its_stage(story):
    for stage in ("ingest", "validate", "transform"):
        killed: Killed = story[stage]
        assert killed.returncode == -signal.SIGKILL, stage
        assert not finished(stage, killed.log), f"{stage}: the stage had finished before the kill"
        assert "Traceback" not in killed.log
    assert finished("validate", story["transform"].log)  # transform, not validate, was cut short
    assert story["transform"].wal >= TRANSFORM_WAL  # rebuilt marts left in the log, never checkpointed


def test_each_kill_left_a_stale_lock_naming_the_dead_process(story):
    for stage in ("ingest", "validate", "transform"):
        killed: Killed = story[stage]
        assert killed.lock is not None, f"{stage}: no lock file left (the takeover was not exercised)"
        assert f'"pid": {killed.pid}' in killed.lock and "pantau run --period 2026-10" in killed.lock


def test_a_run_after_a_kill_during_ingest_gives_the_numbers_of_a_never_killed_warehouse(story):
    code, output = story["complete"]
    assert code == 0, output
    assert "Traceback" not in output and "sedang dipakai" not in output
    assert "Diterbitkan: " in output
    assert story["baseline_digest"] == story["reference_digest"]


def test_published_metrics_are_byte_identical_after_a_kill_during_validate_or_transform(story):
    baseline = story["baseline_export"]
    assert baseline.count(b"\n") > 1000  # the period's metrics, one line each
    for stage in ("validate", "transform"):
        assert story[stage].export == baseline, stage


def test_the_next_run_recovers_without_manual_steps(story):
    code, output = story["recovered"]
    assert code == 0, output
    assert "Traceback" not in output and "galat internal" not in output
    assert story["recovered_digest"] == story["baseline_digest"]
    # the same numbers, now published by the recovering run
    baseline, recovered = story["baseline_export"].splitlines(), story["recovered_export"].splitlines()
    assert len(recovered) == len(baseline)
    assert [line.rsplit(b",", 1)[0] for line in recovered] == [line.rsplit(b",", 1)[0] for line in baseline]
    assert not Path(f"{story['warehouse']}.lock").exists()


def test_the_recovered_warehouse_is_consistent(story):
    con = duckdb.connect(str(story["warehouse"]), read_only=True)
    try:
        files = con.execute(
            "select path, status, rows_read, rows_loaded, rows_quarantined from lineage.files "
            "where status <> 'superseded' order by path"
        ).fetchall()
        runs = con.execute("select status, message from lineage.runs order by started_at").fetchall()
        # the files the run killed during ingest had finished stay, once: the next run went on from there
        kept = con.execute(
            "select count(*) from lineage.files where first_run_id = "
            "(select run_id from lineage.runs order by started_at limit 1)"
        ).fetchall()[0][0]
    finally:
        con.close()
    on_disk = sorted(p.relative_to(SAMPLES).as_posix() for p in SAMPLES.rglob("*") if p.is_file())
    assert [f[0] for f in files] == on_disk  # each file once: none lost, none twice
    assert all(status == "loaded" and read == loaded + quarantined for _, status, read, loaded, quarantined in files)
    assert [r[0] for r in runs][-1] == "success"
    assert [r[0] for r in runs] == ["failed", "success", "failed", "failed", "success"]
    # the killed runs were closed by the next run that took the lock, saying why
    assert all(m.startswith("terputus") for s, m in runs if s == "failed")
    assert kept >= 10


# ---------------------------------------------------------------- the lock a killed run leaves


def write_lock(warehouse: Path, pid: int, process: str | None) -> None:
    import json

    holder = {"pid": pid, "description": "pantau run --period 2026-09", "started": "2026-11-28T06:00:00"}
    if process is not None:
        holder["process"] = process
    Path(f"{warehouse}.lock").write_text(json.dumps(holder))


def test_a_lock_whose_process_is_gone_is_taken_over(tmp_path):
    from transforms.warehouse import WarehouseLock, _process_start

    dead = subprocess.Popen(["true"])
    dead.wait()
    write_lock(tmp_path / "w.duckdb", dead.pid, None)
    with WarehouseLock(tmp_path / "w.duckdb", "pantau run --period 2026-10") as lock:
        assert lock.owned
        assert f'"pid": {os.getpid()}' in lock.path.read_text()
        assert _process_start(os.getpid()) in lock.path.read_text()
    assert not lock.path.exists()


def test_a_lock_whose_pid_now_belongs_to_another_process_is_taken_over(tmp_path):
    """After a reboot (or a long time) the dead holder's PID can belong to anyone."""
    from transforms.warehouse import WarehouseBusy, WarehouseLock, _process_start

    stranger = subprocess.Popen(["sleep", "60"])
    try:
        boot, ticks = _process_start(stranger.pid).split(":")
        for recorded in (f"{boot}:{int(ticks) - 1}", f"00000000-0000-0000-0000-000000000000:{ticks}"):
            write_lock(tmp_path / "w.duckdb", stranger.pid, recorded)
            with WarehouseLock(tmp_path / "w.duckdb", "pantau run --period 2026-10") as lock:
                assert lock.owned, recorded
        # the real holder, alive: the second run stops and names it
        write_lock(tmp_path / "w.duckdb", stranger.pid, _process_start(stranger.pid))
        with pytest.raises(WarehouseBusy, match=f"pantau run --period 2026-09 \\(PID {stranger.pid}"):
            WarehouseLock(tmp_path / "w.duckdb", "pantau run --period 2026-10").__enter__()
        # a lock written before start times were recorded: a live PID still holds
        write_lock(tmp_path / "w.duckdb", stranger.pid, None)
        with pytest.raises(WarehouseBusy):
            WarehouseLock(tmp_path / "w.duckdb", "pantau run --period 2026-10").__enter__()
    finally:
        stranger.kill()
        stranger.wait()
