"""SIGKILL through the real `pantau run` at every stage, the report stage included, for plain and
`--partitioned` runs: the published period folder stays complete and unchanged, no temporary file
is in it, the killed run is never recorded `success`, and the next run succeeds and publishes.

Each mode is one story on one warehouse (real CLI, real Prefect with its temporary server, the
warehouse and the reports in tmp): a complete run publishes 2026-10; then one run per stage is
killed; then a run with no manual step in between recovers. The inbox is the samples' roster and
their September and October exports (the smallest inbox that publishes October, to keep seven runs
per mode affordable). tests/hardening/test_kill.py holds the kills of a fresh warehouse and the
lock a killed run leaves.

A stage is recognised from what the run shows anyone watching, never from a test hook in the code:
the OpenLineage events the run appends to `<state_dir>/openlineage/events.jsonl` (START of
ingest, validate, transform, publish; COMPLETE of each), the partitions' manifests in
`<state_dir>/partitions/_manifest/`, the write-ahead log of the warehouse, and, for the report,
the hidden generation `.<period>.<pid>-<ns>.tmp` the render writes beside the published folder.
Each kill is checked to have come before its stage ended. The whole process group is killed, the
temporary Prefect server with it.
"""

from __future__ import annotations

import functools
import json
import shutil
import signal
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pytest

from hardening.test_kill import INGEST_READING, PERIOD, SAMPLES, TRANSFORM_WAL, PantauRun, metrics_digest, wal_bytes

# the plain run's kills during ingest, validate and transform are test_kill.py's story
STAGES = {"plain": ("publish", "report"), "partitioned": ("ingest", "validate", "transform", "publish", "report")}
PARTITIONED = ("--partitioned", "--workers", "2")

pytestmark = pytest.mark.skipif(not Path("/proc/self/fd").exists(), reason="needs Linux (/proc, killpg)")


def small_inbox(inbox: Path) -> Path:
    """The samples' roster, September and October attendance, October's SKM and SKP, 2026 services."""
    for pattern in (
        "pegawai/*",
        "presensi/*_2026-09.csv",
        "presensi/*_2026-10.csv",
        "skm/skm_2026-10.csv",
        "skp/skp_2026-10.csv",
        "layanan/layanan_2026.csv",
    ):
        for source in SAMPLES.glob(pattern):
            target = inbox / source.relative_to(SAMPLES)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(source, target)
    return inbox


def tree(root: Path) -> dict[str, bytes]:
    """Every file under root, hidden ones included, with its bytes."""
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def generations(root: Path) -> list[str]:
    """The hidden generations of the period a render is writing (or a dead one left)."""
    return sorted(p.name for p in root.glob(f".{PERIOD}.*.tmp")) if root.exists() else []


class Watched(PantauRun):
    """A `pantau run` and what it shows: its OpenLineage events (those written since it started)."""

    def __init__(self, work: Path, name: str, warehouse: Path, inbox: Path, extra: tuple[str, ...]):
        self.events_file = work / "state" / "openlineage" / "events.jsonl"
        self.offset = self.events_file.stat().st_size if self.events_file.exists() else 0
        self.work = work
        super().__init__(work, name, warehouse, inbox, extra)

    def events(self) -> list[tuple[str, str]]:
        """(eventType, step) of this run's step events, in order."""
        if not self.events_file.exists():
            return []
        with open(self.events_file, "rb") as fh:
            fh.seek(self.offset)
            lines = fh.read().split(b"\n")
        out = []
        for line in lines[:-1]:  # the last piece may be a line still being written
            event = json.loads(line)
            out.append((event["eventType"], event["job"]["name"].removeprefix("pantau.")))
        return out

    def started(self, step: str) -> bool:
        return ("START", step) in self.events()

    def completed(self, step: str) -> bool:
        return ("COMPLETE", step) in self.events()

    def manifests(self) -> int:
        return len(list((self.work / "state" / "partitions" / "_manifest").glob("*/*/manifest.json")))


def kill_point(stage: str, partitioned: bool, out: Path):
    """When the run is inside `stage`, from what it shows."""

    def ready(run: Watched) -> bool:
        if stage == "ingest":  # a few files read (plain) or partitions written (partitioned), not all
            return run.started("ingest") and (
                run.manifests() >= 2 if partitioned else len(INGEST_READING.findall(run.log())) >= 5
            )
        if stage == "transform":  # some marts rebuilt, in the write-ahead log
            return run.started("transform") and wal_bytes(run.warehouse) >= TRANSFORM_WAL
        if stage == "report":  # published, and the render writing the period's new generation
            return run.completed("publish") and bool(generations(out))
        return run.started(stage)

    return ready


@dataclass
class Killed:
    stage: str
    returncode: int
    events: list
    public: dict
    internal: dict
    leftovers: list  # hidden generations beside the published folder after the kill
    last_run: tuple  # (run_id, status) of the newest run, read right after the kill
    digest: str


def last_run(warehouse: Path) -> tuple:
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        return con.execute("select run_id, status from lineage.runs order by started_at desc limit 1").fetchone()
    finally:
        con.close()


def cold_cache(warehouse: Path) -> None:
    """Forget the marts' build keys, as after an upgrade of the SQL: a rerun of unchanged inputs
    otherwise keeps every mart (transforms/run_window.py) and the transform has nothing to kill."""
    con = duckdb.connect(str(warehouse))
    try:
        con.execute("delete from lineage.build_cache")
    finally:
        con.close()


def published_run_id(folder: Path) -> str:
    return json.loads((folder / "run.json").read_text(encoding="utf-8"))["run_id"]


@pytest.fixture(scope="module", params=["plain", "partitioned"])
def story(request, tmp_path_factory):
    mode = request.param
    extra = PARTITIONED if mode == "partitioned" else ()
    work = tmp_path_factory.mktemp(f"kill-{mode}")
    inbox = small_inbox(work / "inbox")
    (work / "pantau.toml").write_text(
        f'[paths]\nstate_dir = "{(work / "state").as_posix()}"\ninternal = "{(work / "internal").as_posix()}"\n',
        encoding="utf-8",
    )
    warehouse = work / "pantau.duckdb"
    public, internal = work / "out" / PERIOD, work / "internal" / PERIOD
    seen: dict = {
        "mode": mode,
        "stages": STAGES[mode],
        "work": work,
        "warehouse": warehouse,
        "public": public,
        "internal": internal,
    }

    seen["baseline"] = Watched(work, "0-complete", warehouse, inbox, extra).finish()
    seen["baseline_public"], seen["baseline_internal"] = tree(public), tree(internal)
    seen["baseline_digest"] = metrics_digest(warehouse)
    seen["baseline_run"] = last_run(warehouse)

    for n, stage in enumerate(STAGES[mode], start=1):
        if stage == "transform":
            cold_cache(warehouse)
        run = Watched(work, f"{n}-{stage}", warehouse, inbox, extra)
        ready = kill_point(stage, mode == "partitioned", work / "out")
        run.wait_until(functools.partial(ready, run), f"the {stage} stage")
        code = run.kill()
        seen[stage] = Killed(
            stage,
            code,
            run.events(),
            tree(public),
            tree(internal),
            generations(work / "out"),
            last_run(warehouse),
            metrics_digest(warehouse),
        )

    seen["recovered"] = Watched(work, "9-recovered", warehouse, inbox, extra).finish()
    seen["recovered_digest"] = metrics_digest(warehouse)
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        seen["runs"] = con.execute("select run_id, status, message from lineage.runs order by started_at").fetchall()
    finally:
        con.close()
    return seen


def test_each_kill_hit_its_stage(story):
    for stage in story["stages"]:
        killed: Killed = story[stage]
        assert killed.returncode == -signal.SIGKILL, stage
        if stage == "report":
            assert ("COMPLETE", "publish") in killed.events and killed.leftovers, "killed before the swap"
        else:
            assert ("START", stage) in killed.events and ("COMPLETE", stage) not in killed.events, stage
        assert ("COMPLETE", "run") not in killed.events, stage


def test_the_published_folder_is_complete_and_unchanged_after_every_kill(story):
    baseline = story["baseline_public"]
    assert {"index.html", "metodologi.html", "run.json", "plotly.min.js"} <= set(baseline)
    assert story["baseline_internal"]  # the named pages were written too, in their own root
    for stage in story["stages"]:
        killed: Killed = story[stage]
        assert killed.public == baseline, stage
        assert killed.internal == story["baseline_internal"], stage
        assert not [name for name in killed.public if ".tmp" in name], stage
        assert all(killed.public[n].rstrip().endswith(b"</html>") for n in killed.public if n.endswith(".html"))
        assert killed.digest == story["baseline_digest"], stage  # published metrics as they were


def test_no_killed_run_is_recorded_success(story):
    baseline_id = story["baseline_run"][0]
    for stage in story["stages"]:
        run_id, status = story[stage].last_run
        assert run_id != baseline_id and status == "running", stage  # never 'success'
    killed_ids = {story[stage].last_run[0] for stage in story["stages"]}
    statuses = {run_id: (status, message) for run_id, status, message in story["runs"]}
    assert all(statuses[r][0] == "failed" and statuses[r][1].startswith("terputus") for r in killed_ids)


def test_the_next_run_succeeds_and_publishes(story):
    code, output = story["baseline"]
    assert code == 0, output[-3000:]
    code, output = story["recovered"]
    assert code == 0, output[-3000:]
    assert "Traceback" not in output and "galat internal" not in output and "Diterbitkan: " in output
    run_id, status, _ = story["runs"][-1]
    assert status == "success"
    assert [r[1] for r in story["runs"]] == ["success"] + ["failed"] * len(story["stages"]) + ["success"]
    assert published_run_id(story["public"]) == run_id == published_run_id(story["internal"])
    assert story["recovered_digest"] == story["baseline_digest"]
    # the generation the killed render left beside the folder is gone; nothing temporary anywhere
    for root in (story["work"] / "out", story["work"] / "internal"):
        assert PERIOD in {p.name for p in root.iterdir()} and not generations(root), root
    assert set(tree(story["public"])) == set(story["baseline_public"])
