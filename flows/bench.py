"""`make bench`: how long each stage takes, against DuckDB's floor and a plain pandas script.

For each workload (generated with the sample generator) it prints wall time per stage (start-up,
ingest, validate, transform+publish), rows per second, peak memory, and two baselines on the
same files: DuckDB alone parsing every CSV once (the floor), and a pandas script computing the
headline metrics with no validation, lineage or reports (what an analyst would otherwise write).
Each measurement runs in its own process so peak memory (ru_maxrss) belongs to it alone.

    python -m flows.bench [--workloads office,city,province] [--national] [--repeat N] [--check] [--e2e]

--e2e also times `pantau run --period` as a command, end to end, against a running Prefect server
(PREFECT_API_URL's, or one the bench starts and stops).

Under the table, every target of flows/bench_targets.csv with its measured value and whether it
holds ('-' when this run did not measure it: its workload left out, or no --e2e). With --e2e the
office workload also times `pantau validate --watch` on the messy office inbox (the pass after a
file changed, as the command reports it).

--check (CI): fails when the office data work over the floor exceeds 2x the ratio committed in
flows/bench_reference.json. That ratio is the only timing CI asserts.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REFERENCE_FILE = Path(__file__).with_name("bench_reference.json")
TARGETS_FILE = Path(__file__).with_name("bench_targets.csv")  # what `make bench` says holds or not
RESULT_MARK = "\n@bench-result@"  # what a measuring child prints before its JSON
WORKLOADS = {
    "office": None,  # the committed samples
    "city": {"employees": 5000, "months": 12},
    "province": {"employees": 100_000, "months": 1},
    # a province as its units are: 2,500 schools, puskesmas and offices of 40 under 30 instansi/OPD
    "province-units": {"employees": 100_000, "months": 1, "units": 2500, "parents": 30},
    "national": {"employees": 4_300_000, "months": 1},
}
SIZES = ("office", "city", "province", "national")  # the sizes µs per row must not grow along
# the pandas script holds every file in memory (~30 bytes of Python per cell): not run where that
# would not fit this machine's RAM
NO_PANDAS = {"national"}
AS_OF = "2026-11-28"
PERIOD = "2026-10"


# ------------------------------------------------------------------ measured in a child process


def reference_for(inbox: str | Path) -> Path:
    """The reference a generated inbox is run with: its own `<inbox>-referensi` (a province of many
    units, data/sample/) or the settings' default."""
    from flows.settings import Settings

    own = Path(inbox).parent / f"{Path(inbox).name}-referensi"
    return own if own.is_dir() else Settings().reference


def _tree(out: Path) -> dict:
    """The public pages' count, the largest page and the whole tree's size."""
    pages = [p for p in out.rglob("*.html")]
    files = [p for p in out.rglob("*") if p.is_file()]
    return {
        "pages": len(pages),
        "largest_page_kb": max((p.stat().st_size for p in pages), default=0) / 1024,
        "tree_mb": sum(p.stat().st_size for p in files) / 2**20,
    }


def _child_pipeline(inbox: str, warehouse: str, memory_limit: str = "") -> dict:
    t0 = time.perf_counter()
    from datetime import date

    from flows.settings import Settings, duckdb_environment
    from flows.steps import ingest_step, transform_step, validate_step
    from transforms.runs import finish_run, start_run
    from transforms.warehouse import connect

    times = {"startup": time.perf_counter() - t0}
    # [warehouse] memory_limit as `pantau run` has it: the default, or --memory-limit
    duckdb_environment(Settings(memory_limit=memory_limit) if memory_limit else Settings())
    con = connect(warehouse)
    run_id = start_run(con, "bench", PERIOD, date.fromisoformat(AS_OF), {"inbox": inbox})
    t = time.perf_counter()
    reports, _ = ingest_step(con, Path(inbox), reference_for(inbox), run_id)
    times["ingest"] = time.perf_counter() - t
    t = time.perf_counter()
    outcome = validate_step(con, reports, date.fromisoformat(AS_OF), run_id, period=PERIOD)
    times["validate"] = time.perf_counter() - t
    from expectations.validate import gx_startup_seconds

    times["gx_start"] = gx_startup_seconds() or 0.0  # importing GX, inside validate
    t = time.perf_counter()
    published = transform_step(con, PERIOD, run_id) if not outcome.blocked else {"metrics": 0}
    times["transform"] = time.perf_counter() - t
    # the public pages only: internal/ holds one page per ASN (100 000 at province scale)
    t = time.perf_counter()
    if not (outcome.blocked or published.get("blocking")):
        import shutil

        finish_run(con, run_id, "success")

        from reports.render import render_period

        out = Path(warehouse).with_suffix(".reports")
        render_period(con, PERIOD, out, include_internal=False)
        times.update(_tree(out))
        shutil.rmtree(out, ignore_errors=True)
    times["report"] = time.perf_counter() - t
    times["rows"] = sum(f.get("rows_read", 0) for f in outcome.files)
    times["metrics"] = published.get("metrics", 0)
    times["blocked"] = outcome.blocked or bool(published.get("blocking"))  # a blocked run publishes nothing
    return times


def _child_e2e(inbox: str, warehouse: str, memory_limit: str = "") -> dict:
    """`pantau run --period` as an analyst starts it, timed from outside: Python start-up, the
    Prefect flow against the server in PREFECT_API_URL, lineage events, the public pages. Its peak
    memory is that one command's (the only child of this process)."""
    wh = Path(warehouse)
    config = wh.with_suffix(".toml")
    # internal/ left out as in `report`: 100 000 per-ASN pages at province scale
    config.write_text(
        f'[paths]\nstate_dir = "{wh.stem}-state"\nreference = "{reference_for(inbox)}"\n'
        "[reports]\ninternal = false\n" + (f'[warehouse]\nmemory_limit = "{memory_limit}"\n' if memory_limit else "")
    )
    cmd = [
        sys.executable,
        "-m",
        "flows.cli",
        "run",
        "--period",
        PERIOD,
        "--config",
        str(config),
        "--inbox",
        inbox,
        "--warehouse",
        str(wh),
        "--out",
        str(wh.with_suffix(".reports")),
        "--as-of",
        AS_OF,
    ]
    t = time.perf_counter()
    done = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT)
    seconds = time.perf_counter() - t
    if done.returncode not in (0, 1):  # 1: the data blocked publishing, a run like any other (see metrics)
        raise RuntimeError(f"pantau run exited {done.returncode}:\n{done.stdout[-2000:]}\n{done.stderr[-2000:]}")
    return {"e2e": seconds, "e2e_peak_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024}


def _child_validate_warm(inbox: str) -> dict:
    """`pantau validate --watch` as an analyst runs it on a messy inbox: the first pass (cold: imports,
    GX's context) and the pass after one file was saved again with a change, as the command itself
    reports them ("validasi selesai dalam … detik"). The file is put back as it was afterwards."""
    changed = sorted((Path(inbox) / "presensi").glob("*.csv"))[0]
    original = changed.read_bytes()
    cmd = [sys.executable, "-m", "flows.cli", "validate", "--watch", "--inbox", inbox, "--as-of", AS_OF]
    watcher = subprocess.Popen(
        cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, start_new_session=True
    )
    passes: list[float] = []
    try:
        for line in watcher.stderr:
            if "validasi selesai dalam" not in line:
                continue
            passes.append(float(line.split("dalam ")[1].split(" detik")[0].replace(",", ".")))
            if len(passes) == 2:
                break
            # an analyst fixes a line: the same bytes with the last line repeated
            last = original.rstrip(b"\r\n").rsplit(b"\n", 1)[-1]
            changed.write_bytes(original + (b"" if original.endswith(b"\n") else b"\n") + last + b"\n")
    finally:
        os.killpg(watcher.pid, signal.SIGINT)
        try:
            watcher.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(watcher.pid, signal.SIGKILL)
        changed.write_bytes(original)
    if len(passes) < 2:
        raise RuntimeError(f"pantau validate --watch gave {len(passes)} passes (exit {watcher.returncode})")
    return {"validate_cold": passes[0], "validate_warm": passes[1]}


def _child_floor(inbox: str) -> dict:
    import duckdb

    t = time.perf_counter()
    con = duckdb.connect()
    con.execute("set enable_progress_bar = false")
    rows = 0
    for path in sorted(Path(inbox).rglob("*.csv")):
        rows += con.execute(
            "select count(*) from read_csv(?, all_varchar=true, auto_detect=true, "
            "null_padding=true, ignore_errors=true)",
            [str(path)],
        ).fetchall()[0][0]
    return {"floor": time.perf_counter() - t, "rows": rows}


def _child_pandas(inbox: str) -> dict:
    """What an analyst would write: read everything with pandas, compute the headline numbers."""
    import pandas as pd

    t = time.perf_counter()
    root = Path(inbox)

    def read(folder):
        frames = []
        for p in sorted((root / folder).glob("*.csv")):
            with open(p, encoding="utf-8-sig") as fh:
                first = fh.readline()
            frames.append(
                pd.read_csv(p, sep=";" if first.count(";") > first.count(",") else ",", dtype=str, encoding="utf-8-sig")
            )
        return frames

    pres = read("presensi")
    recap = pd.concat([f for f in pres if "status" in f.columns], ignore_index=True)
    scans = [f for f in pres if "waktu" in f.columns]
    roster = pd.concat(read("pegawai"), ignore_index=True)
    out = {}
    recap["month"] = recap["tanggal"].str[:7]
    recap["present"] = recap["status"].isin(["H", "DL"])
    att = recap.groupby(["nip", "month"])["present"].mean()
    if scans:
        s = pd.concat(scans, ignore_index=True)
        s["day"] = s["waktu"].str[:10]
        days = s.groupby(["pin", "day"]).size()
        out["scan_days"] = len(days)
    out["att_rows"] = len(att)
    skm = pd.concat(read("skm"), ignore_index=True)
    u = [f"u{i}" for i in range(1, 10)]
    skm[u] = skm[u].apply(pd.to_numeric, errors="coerce")
    skm["month"] = skm["waktu"].str[:7]
    nrr = skm.groupby(["unit_layanan", "month"])[u].mean()
    ikm = (nrr.sum(axis=1) / 9 * 25).round(2)
    out["ikm_rows"] = len(ikm)
    skp = pd.concat(read("skp"), ignore_index=True)
    for c in ("target", "realisasi"):
        skp[c] = pd.to_numeric(skp[c], errors="coerce")
    skp["capaian"] = (skp["realisasi"] / skp["target"] * 100).where(
        skp["arah"] == "naik", (2 - skp["realisasi"] / skp["target"]) * 100
    )
    mean = skp.groupby(["nip", "periode"])["capaian"].mean()
    out["skp_rows"] = len(mean)
    out["roster"] = len(roster)
    out["pandas"] = time.perf_counter() - t
    return out


def _run_child(kind: str, *args: str) -> dict:
    code = (
        f"import json, resource, sys; sys.path.insert(0, {str(ROOT)!r}); from flows import bench; "
        f"r = bench._child_{kind}(*{list(args)!r}); "
        "r['peak_mb'] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024; "
        f"print({RESULT_MARK!r} + json.dumps(r))"
    )
    env = dict(os.environ, PYTHONHASHSEED="0")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)
    if out.returncode != 0:  # say why: the child's last lines (a traceback, DuckDB's out-of-memory...)
        tail = "\n".join(out.stderr.strip().splitlines()[-15:])
        raise SystemExit(f"bench: the {kind} measurement of {args[0]} failed (exit {out.returncode}):\n{tail}")
    return result_of(out.stdout)


def result_of(stdout: str) -> dict:
    """A child's JSON, after whatever a library drew on stdout before it (DuckDB's progress bar
    ends without a newline: the national month's floor printed `100%▕…▏` right before it)."""
    return json.loads(stdout.rpartition(RESULT_MARK)[2])


# ------------------------------------------------------------------ driver


def inbox_for(name: str, workdir: Path) -> Path:
    if WORKLOADS[name] is None:
        return ROOT / "data" / "samples"
    inbox = workdir / name
    if not inbox.exists():
        from data.sample import generate

        generate(inbox, end=PERIOD, seed=7, **WORKLOADS[name])
    return inbox


def messy_inbox(workdir: Path) -> Path:
    """The office's messy inbox (`pantau sample --messy`), for the warm `pantau validate`."""
    inbox = workdir / "office-messy"
    if not inbox.exists():
        from data.sample import generate

        generate(inbox, end=PERIOD, seed=7, messy=True)
    return inbox


def measure(name: str, workdir: Path, repeat: int, memory_limit: str = "", e2e: bool = False) -> dict:
    inbox = inbox_for(name, workdir)
    runs, ends, watches = [], [], []
    for i in range(repeat):
        wh = workdir / f"{name}-{i}.duckdb"
        wh.unlink(missing_ok=True)
        if e2e:
            ends.append(_run_child("e2e", str(inbox), str(wh), memory_limit))
            _remove_warehouse(wh)
            if name == "office":
                watches.append(_run_child("validate_warm", str(messy_inbox(workdir))))
        pipe = _run_child("pipeline", str(inbox), str(wh), memory_limit)
        floor = _run_child("floor", str(inbox))
        pandas = (
            _run_child("pandas", str(inbox))
            if name not in NO_PANDAS
            else {"pandas": float("nan"), "peak_mb": float("nan")}
        )
        runs.append((pipe, floor, pandas))
        wh.unlink(missing_ok=True)
    med = lambda xs: statistics.median(xs)  # noqa: E731
    pipe = {
        k: med([r[0][k] for r in runs])
        for k in ("startup", "ingest", "validate", "gx_start", "transform", "report", "peak_mb")
    }
    data_work = med([r[0]["ingest"] + r[0]["validate"] + r[0]["transform"] for r in runs])
    floor = med([r[1]["floor"] for r in runs])
    pandas = med([r[2]["pandas"] for r in runs])
    rows = runs[0][0]["rows"]
    blocked = any(r[0]["blocked"] for r in runs)
    nan = float("nan")
    e2e = {k: med([r[k] for r in ends]) if ends else nan for k in ("e2e", "e2e_peak_mb")}
    e2e.update({k: med([r[k] for r in watches]) if watches else nan for k in ("validate_cold", "validate_warm")})
    tree = {k: runs[0][0].get(k, float("nan")) for k in ("pages", "largest_page_kb", "tree_mb")}
    return {
        "workload": name,
        "rows": rows,
        **pipe,
        **e2e,
        **tree,
        "published": 0 if blocked else runs[0][0]["metrics"],
        "data_work": data_work,
        "floor": floor,
        "pandas": pandas,
        "pandas_peak_mb": med([r[2]["peak_mb"] for r in runs]),
        "ratio_floor": data_work / floor,
        "ratio_pandas": (data_work + pipe["startup"] + pipe["report"]) / pandas,
        "e2e_over_pandas": e2e["e2e"] / pandas,
        "peak_any_mb": max(pipe["peak_mb"], e2e["e2e_peak_mb"]) if ends else pipe["peak_mb"],
        "us_per_row": 1e6 * data_work / max(rows, 1),
        "rows_per_s": rows / data_work if data_work else nan,
    }


def _remove_warehouse(wh: Path) -> None:
    import shutil

    for path in wh.parent.glob(wh.stem + "*"):  # the warehouse, its WAL, pages, config and state folder
        shutil.rmtree(path, ignore_errors=True) if path.is_dir() else path.unlink(missing_ok=True)


@contextmanager
def prefect_server(workdir: Path, wanted: bool):
    """The Prefect server `pantau run` talks to: PREFECT_API_URL's, or one started for the bench
    (the targets are measured against a running server, not Prefect's per-process temporary one)."""
    if not wanted or os.environ.get("PREFECT_API_URL"):
        yield
        return
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    home = workdir / "prefect-server"
    home.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ, PREFECT_HOME=str(home), PREFECT_SERVER_ANALYTICS_ENABLED="false", DO_NOT_TRACK="1")
    log = open(home / "server.log", "w")
    server = subprocess.Popen(
        [sys.executable, "-m", "prefect", "server", "start", "--host", "127.0.0.1", "--port", str(port)],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )  # its own group: stopped with the server it starts
    url = f"http://127.0.0.1:{port}/api"
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                with urllib.request.urlopen(f"{url}/health", timeout=2) as answer:
                    if answer.status == 200:
                        break
            except OSError:
                pass
            if server.poll() is not None or time.monotonic() > deadline:
                raise SystemExit(f"bench: the Prefect server did not start; see {home / 'server.log'}")
            time.sleep(1)
        os.environ["PREFECT_API_URL"] = url
        yield
    finally:
        os.environ.pop("PREFECT_API_URL", None)
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
        log.close()


def _or_dash(value: float, width: int, digits: int) -> str:
    return f"{'-':>{width}}" if value != value else f"{value:>{width}.{digits}f}"  # NaN: not measured


def report(results: list[dict]) -> str:
    head = (
        f"{'workload':<10} {'rows':>10} {'start':>6} {'ingest':>7} {'valid.':>7} {'transf.':>7} {'data':>7} "
        f"{'report':>7} "
        f"{'floor':>6} {'x floor':>7} {'pandas':>7} {'x pandas':>8} {'e2e':>7} {'e2e/pd':>7} {'rows/s':>9} "
        f"{'us/row':>7} {'peak MB':>8} {'e2e MB':>7} {'gx imp.':>7} {'metrics':>9}"
    )
    lines = [head]
    for r in results:
        lines.append(
            f"{r['workload']:<10} {r['rows']:>10} {r['startup']:>6.1f} {r['ingest']:>7.1f} "
            f"{r['validate']:>7.1f} {r['transform']:>7.1f} {r['data_work']:>7.1f} {r['report']:>7.1f} "
            f"{r['floor']:>6.2f} "
            f"{r['ratio_floor']:>7.1f} {_or_dash(r['pandas'], 7, 1)} {_or_dash(r['ratio_pandas'], 8, 2)} "
            f"{_or_dash(r['e2e'], 7, 1)} {_or_dash(r['e2e'] / r['pandas'], 7, 2)} {r['rows_per_s']:>9.0f} "
            f"{r['us_per_row']:>7.1f} {r['peak_mb']:>8.0f} {_or_dash(r['e2e_peak_mb'], 7, 0)} {r['gx_start']:>7.1f} "
            f"{r['published'] if r['published'] else 'BLOCKED':>9}"
        )
    lines.append(
        "seconds, median of the repeats; data = ingest + validate + transform; x floor = data / DuckDB "
        "parsing every CSV once; report = rendering the public pages (internal/ per-ASN pages not included); "
        "x pandas = (start + data + report) / the pandas script; e2e = `pantau run --period` as a command "
        "(Python start-up, the Prefect flow against a running server, lineage events, public pages), "
        "e2e/pd = e2e / the pandas script, e2e MB = its peak; rows/s = input rows / data; gx imp. = importing GX "
        "(part of valid.); metrics = rows published (BLOCKED: the run published nothing); "
        "'-': not measured (e2e without --e2e; pandas for the national month: it would hold it all in memory)"
    )
    for r in results:
        if isinstance(r.get("pages"), (int, float)) and r["pages"] == r["pages"]:  # NaN: nothing rendered
            lines.append(
                f"{r['workload']}: {r['pages']:.0f} public pages, largest {r['largest_page_kb']:.0f} kB, "
                f"public tree {r['tree_mb']:.1f} MB (targets at province scale: <= 1,024 kB, <= 50 MB)"
            )
    return "\n".join(lines)


def growth_per_row(results: list[dict]) -> float:
    """The largest step in µs per input row from one size to the next larger one (1.0: flat); NaN
    with fewer than two sizes. province-units is the province month again, in other units."""
    sizes = sorted((r["rows"], r["us_per_row"]) for r in results if r["workload"] in SIZES)
    steps = [b / a for (_, a), (_, b) in zip(sizes, sizes[1:], strict=False) if a > 0]
    return max(steps) if steps else float("nan")


def targets(results: list[dict]) -> list[dict]:
    """Each target of bench_targets.csv with its measured value and whether it holds (None: not
    measured in this run: its workload left out, or e2e without --e2e)."""
    import csv

    by_name = {r["workload"]: r for r in results}
    out = []
    with TARGETS_FILE.open(newline="", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            limit = float(row["limit"])
            if row["workload"] == "*":
                value = growth_per_row(results)
            else:
                value = by_name.get(row["workload"], {}).get(row["measure"], float("nan"))
            if row["workload"] == "national" and by_name.get("national", {}).get("published") == 0:
                value = float("inf")  # did not complete: nothing published
            measured = value == value
            out.append({**row, "limit": limit, "value": value, "holds": (value <= limit) if measured else None})
    return out


def targets_report(rows: list[dict]) -> str:
    lines = [f"{'target':<22} {'measured':>10} {'limit':>8}  holds  what"]
    for t in rows:
        verdict = {True: "yes", False: "NO", None: "-"}[t["holds"]]
        lines.append(
            f"{t['target']:<22} {_or_dash(t['value'], 10, 2)} {t['limit']:>8.2f}  {verdict:<5}  {t['wording']}"
        )
    held = sum(t["holds"] is True for t in rows)
    missing = sum(t["holds"] is None for t in rows)
    lines.append(
        f"{held} of {len(rows)} targets hold; {missing} not measured in this run ('-': its workload left out, "
        "or end to end without --e2e; the national month with --national); targets in flows/bench_targets.csv"
    )
    return "\n".join(lines)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workloads", default="office,city,province")
    parser.add_argument("--national", action="store_true", help="also the national month (4.3 M ASN, ~6 GB of CSV)")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--check", action="store_true", help="CI: office only, compare with bench_reference.json")
    parser.add_argument("--workdir", type=Path, default=None)
    parser.add_argument(
        "--memory-limit",
        default="",
        help="DuckDB's limit for the pipeline (default: [warehouse] memory_limit's default, 600MB); "
        "the national month needs more, e.g. 6GB",
    )
    parser.add_argument(
        "--e2e",
        action="store_true",
        help="also time `pantau run` end to end against the Prefect server in PREFECT_API_URL "
        "(one is started for the bench when none is set)",
    )
    args = parser.parse_args(argv)
    names = ["office"] if args.check else args.workloads.split(",") + (["national"] if args.national else [])
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="pantau-bench-"))
    workdir.mkdir(parents=True, exist_ok=True)
    results = []
    with prefect_server(workdir, wanted=args.e2e and not args.check):
        for name in names:
            print(f"... {name}", file=sys.stderr, flush=True)
            results.append(measure(name, workdir, args.repeat, args.memory_limit, e2e=args.e2e and not args.check))
    print(report(results))
    if not args.check:
        print()
        print(targets_report(targets(results)))
    if args.check:
        reference = json.loads(REFERENCE_FILE.read_text())["office_ratio_floor"]
        ratio = results[0]["ratio_floor"]
        print(f"office data work / floor: {ratio:.1f} (reference {reference:.1f}, limit {2 * reference:.1f})")
        if ratio > 2 * reference:
            print("FAILED: office-scale data work grew beyond twice its reference ratio to the floor")
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
