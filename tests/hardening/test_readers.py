"""Readers never break a writer: `pantau trace`, `export` and `runs`, started again and again while
the real `pantau run` on the samples writes the warehouse, either read the last published state
(exit 0) or wait for the run with a message and then read it, or — after `[warehouse]
reader_wait` seconds — give up with the documented busy exit 3. The run exits 0 every time.

DuckDB lets one process write or several read a file, never both; a reader that opened the file
would stop the run's next task from opening it (issue: "the run dies with exit 3"). All processes
here are real commands (subprocesses), as users start them.
"""

from __future__ import annotations

import subprocess
import sys
import threading
from pathlib import Path

import duckdb
import pytest

from flows.settings import PROJECT_ROOT
from hardening.test_kill import RUN_TIMEOUT, PantauRun, pantau_env
from helpers import AS_OF

SAMPLES = PROJECT_ROOT / "data" / "samples"
PERIOD = "2026-10"
METRIC = "ikm/unit/kelurahan-pager/2026-10"

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="needs Linux (process groups)")


def published_warehouse(work: Path) -> Path:
    """A warehouse holding a published October, built by the steps in this process (no Prefect)."""
    from flows.settings import Settings
    from flows.steps import ingest_step, transform_step, validate_step
    from transforms.runs import finish_run, start_run
    from transforms.warehouse import connect

    warehouse = work / "gudang.duckdb"
    con = connect(warehouse)
    run_id = start_run(con, "run", PERIOD, AS_OF, {"inbox": str(SAMPLES)})
    reports, _ = ingest_step(con, SAMPLES, Settings().reference, run_id)
    validate_step(con, reports, AS_OF, run_id, period=PERIOD)
    transform_step(con, PERIOD, run_id)
    finish_run(con, run_id, "success")
    con.close()
    return warehouse


def reader(work: Path, config: Path, warehouse: Path, i: int) -> list[str]:
    kind = ("trace", "export", "runs")[i % 3]
    args = {
        "trace": ["trace", METRIC],
        "export": ["export", "--period", PERIOD, "--output", str(work / f"e{i}.csv")],
        "runs": ["runs"],
    }[kind]
    return [sys.executable, "-m", "flows.cli", *args, "--config", str(config), "--warehouse", str(warehouse)]


def keep_reading(work: Path, config: Path, warehouse: Path, run: PantauRun, seen: list, offset: int) -> None:
    """Reader after reader while the run lives (and one more after it ended)."""
    i = offset
    while True:
        alive = run.proc.poll() is None
        cmd = reader(work, config, warehouse, i)
        done = subprocess.run(
            cmd, cwd=PROJECT_ROOT, env=pantau_env(work), capture_output=True, text=True, timeout=RUN_TIMEOUT
        )
        seen.append((cmd[3], done.returncode, done.stdout, done.stderr, alive))
        i += 3
        if not alive:
            return


def test_readers_in_a_loop_during_a_run_never_break_it(tmp_path):
    work = tmp_path
    warehouse = published_warehouse(work)
    state = f'[paths]\nstate_dir = "{(work / "state").as_posix()}"\n'
    (work / "pantau.toml").write_text(state, encoding="utf-8")
    patient = work / "sabar.toml"  # the default wait: for the whole run
    patient.write_text(state, encoding="utf-8")
    hasty = work / "buru-buru.toml"  # gives up after 1 s: the busy exit
    hasty.write_text(state + "[warehouse]\nreader_wait = 1\n", encoding="utf-8")

    run = PantauRun(work, "run", warehouse, SAMPLES)
    seen: list[tuple] = []
    threads = [
        threading.Thread(target=keep_reading, args=(work, cfg, warehouse, run, seen, k))
        for k, cfg in ((0, hasty), (1, patient))
    ]
    for t in threads:
        t.start()
    code, output = run.finish()
    for t in threads:
        t.join(timeout=RUN_TIMEOUT)

    assert code == 0, output[-3000:]
    assert "Diterbitkan:" in output and "dipakai proses lain" not in output
    codes = [rc for _, rc, *_ in seen]
    assert set(codes) <= {0, 3}, [(k, rc, err[-500:]) for k, rc, _, err, _ in seen if rc not in (0, 3)]
    during = [s for s in seen if s[4]]
    assert len(during) >= 4, f"only {len(during)} readers during the run"
    busy = [err for _, rc, _, err, _ in seen if rc == 3]
    waited = [(kind, out, err) for kind, rc, out, err, _ in seen if rc == 0 and "menunggu" in err]
    assert busy and waited, f"busy {len(busy)}, waited {len(waited)}: the readers never met the run"
    for err in busy:
        assert f"gudang data {warehouse} sedang dipakai oleh run lain: pantau run --period {PERIOD} (PID" in err
        assert "sudah menunggu 1 detik ([warehouse] reader_wait)" in err
    for _kind, _out, err in waited:
        assert (
            f"gudang data {warehouse} sedang ditulis oleh pantau run --period {PERIOD} (PID {run.proc.pid}"
            in err.replace("\n", " ")
        )
    for kind, rc, out, err, _ in seen:
        if rc == 0:
            assert {"trace": f"Metrik    {METRIC}\n", "export": f"angka periode {PERIOD} ditulis ke", "runs": "run_id"}[
                kind
            ] in out, (kind, out[:300], err[-300:])
    con = duckdb.connect(str(warehouse), read_only=True)
    assert [s for (s,) in con.execute("select status from lineage.runs order by started_at").fetchall()] == [
        "success",
        "success",
    ]
    con.close()
    assert not Path(f"{warehouse}.lock").exists()
    print(
        f"{len(seen)} readers ({len(during)} while the run lived): {codes.count(0)} exit 0 "
        f"({len(waited)} after waiting), {codes.count(3)} exit 3"
    )
