"""Run records (lineage.runs): one row per run a command started.

The status follows the command's exit code: `success` at 0 (written with the report, in one
transaction: flows/tasks.py report), `blocked` at 1, `failed` at 4 or when the process died
(`running` until the next run closes it); wrong usage (2) and a held warehouse (3) stop before
a run starts and record none.
"""

from __future__ import annotations

import json
import subprocess
import uuid
from datetime import UTC, date, datetime
from pathlib import Path

import duckdb

ROOT = Path(__file__).resolve().parent.parent


def code_version() -> str:
    try:
        out = subprocess.run(
            ["git", "-C", str(ROOT), "describe", "--always", "--dirty"], capture_output=True, text=True, timeout=5
        )
        return out.stdout.strip() or "unknown"
    except (OSError, subprocess.SubprocessError):
        return "unknown"


def start_run(
    con: duckdb.DuckDBPyConnection,
    command: str,
    period: str | None,
    as_of: date,
    parameters: dict,
    flow_run_id: str | None = None,
) -> str:
    run_id = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ-") + uuid.uuid4().hex[:6]
    con.execute(
        "insert into lineage.runs (run_id, flow_run_id, command, period, as_of, parameters, code_version, "
        "started_at, status) values (?, ?, ?, ?, ?, ?, ?, current_timestamp, 'running')",
        [run_id, flow_run_id, command, period, as_of, json.dumps(parameters, default=str), code_version()],
    )
    return run_id


def close_interrupted_runs(con: duckdb.DuckDBPyConnection) -> int:
    """Runs still 'running' when a new run holds the warehouse lock were cut short (killed, power
    lost): record them as failed so `pantau runs` does not show them running forever. Call only
    under the lock. Returns how many were closed."""
    rows = con.execute(
        "update lineage.runs set status = 'failed', ended_at = coalesce(ended_at, current_timestamp), "
        "message = 'terputus: proses berhenti sebelum run selesai (dimatikan atau mati listrik)' "
        "where status = 'running' returning run_id"
    ).fetchall()
    return len(rows)


def finish_run(con: duckdb.DuckDBPyConnection, run_id: str, status: str, message: str | None = None) -> None:
    con.execute(
        "update lineage.runs set ended_at = current_timestamp, status = ?, message = ? where run_id = ?",
        [status, message, run_id],
    )
