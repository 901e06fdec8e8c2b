"""Shared machinery of the hardening tests: build a case inbox, run the real `pantau validate`
on it in-process, and keep what it saw (exit code, output, the in-memory warehouse, the outcome).

A case is the hand-made files under fixtures/<case>/ (copied as they are), plus the three-person
roster of tests/helpers.py, plus whatever a small builder function writes at test time: binary,
huge or file-system-special inputs (random bytes, a truncated XLSX, 10 MB lines, symbolic links,
FIFOs, names that are not UTF-8) are generated into tmp_path, never committed.
"""
from __future__ import annotations

import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import duckdb
import pytest
from helpers import ROSTER, write_inbox
from typer.testing import CliRunner

FIXTURES = Path(__file__).resolve().parent / "fixtures"
AS_OF = "2026-11-28"
ROSTER_PATH = "pegawai/daftar_pegawai.csv"


@dataclass
class CaseRun:
    """What `pantau validate --inbox <case>` did."""
    name: str
    inbox: Path
    exit_code: int
    output: str
    con: duckdb.DuckDBPyConnection
    outcome: object                       # flows.steps.Outcome
    reports: dict = field(default_factory=dict)   # path -> FileReport

    def file(self, path: str) -> dict:
        """The outcome entry of one file: action, message, warnings, counts."""
        return next(f for f in self.outcome.files if f["path"] == path)

    def rows(self, sql: str, params=None) -> list[tuple]:
        return self.con.execute(sql, params or []).fetchall()

    def quarantine(self, path: str) -> set[tuple]:
        """{(row, column, value, rule)} quarantined from one file."""
        return set(self.rows(
            'select q."row", q."column", q.value, q.rule from quarantine.rows q '
            "join lineage.files f using (file_id) where f.path = ? and f.status = 'loaded'", [path]))

    def staged(self, table: str, columns: str, path: str) -> list[tuple]:
        return self.rows(
            f"select _row, {columns} from staging.{table} where _file_id = "
            "(select file_id from lineage.files where path = ? and status = 'loaded') order by _row", [path])

    def counts(self) -> dict:
        from expectations.summary import file_counts

        return {c.path: c for c in file_counts(self.con)}


def run_validate(inbox: Path, state_dir: Path) -> tuple[int, str, list]:
    """`pantau validate` in-process; returns (exit code, output, [(con, reports, outcome)])."""
    from flows import steps
    from flows.cli import app

    config = state_dir / "pantau.toml"
    state_dir.mkdir(parents=True, exist_ok=True)
    config.write_text(f'[paths]\nstate_dir = "{state_dir.as_posix()}"\n', encoding="utf-8")
    seen = []
    real = steps.validate_step

    def spy(con, reports, *args, **kwargs):
        outcome = real(con, reports, *args, **kwargs)
        seen.append((con, reports, outcome))
        return outcome

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(steps, "validate_step", spy)
        result = CliRunner().invoke(app, ["validate", "--config", str(config), "--inbox", str(inbox),
                                          "--as-of", AS_OF])
    return result.exit_code, result.output, seen


def build_inbox(root: Path, name: str, builder: Callable[[Path], None] | None, roster: bool = True) -> Path:
    inbox = root / name
    if (FIXTURES / name).is_dir():
        shutil.copytree(FIXTURES / name, inbox, symlinks=True)
    inbox.mkdir(parents=True, exist_ok=True)
    if roster:
        write_inbox(inbox, {ROSTER_PATH: ROSTER})
    if builder is not None:
        builder(inbox)
    return inbox


@pytest.fixture(scope="session")
def case_runner(tmp_path_factory):
    """run(name, builder=None) -> CaseRun, each case built and validated once per session."""
    root = tmp_path_factory.mktemp("hardening")
    done: dict[str, CaseRun] = {}

    def run(name: str, builder: Callable[[Path], None] | None = None, roster: bool = True) -> CaseRun:
        if name not in done:
            inbox = build_inbox(root / "inboxes", name, builder, roster)
            code, output, seen = run_validate(inbox, root / "state" / name)
            assert seen, f"{name}: validate never reached validation (exit {code}):\n{output}"
            con, reports, outcome = seen[-1]
            done[name] = CaseRun(name, inbox, code, output, con, outcome, {r.path: r for r in reports})
        return done[name]

    yield run
    for case in done.values():
        case.con.close()
