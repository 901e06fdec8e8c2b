"""Between periods: `reports/out/periods.js` and `reports/out/index.html`, rewritten whole by every render.

Every page of a period links to the previous and the next published period through the one catalog
`periods.js` beside the period folders (reports/assets/pantau.js fills the links), so publishing a
new month never rewrites an old month's folder: its numbers stay as they were published. With
JavaScript off a page still links to the period index `index.html`.

Both files list what is published, read from the period folders themselves (a YYYY-MM folder with an
index.html): each folder's run.json holds the run it was rendered from and its headline figures (rows
of main.metrics with their metric_id); a folder rendered before run.json kept them takes its figures
from the warehouse. Each is written to a hidden temporary file and renamed over the old one, under a lock
on the output folder, so a reader sees the old catalog or the new one and two renders of different periods never
drop each other's entry.
"""

from __future__ import annotations

import fcntl
import json
import os
import re
import time
from contextlib import contextmanager
from pathlib import Path

from reports.fmt import Metric, bulan
from reports.headline import headline_rows

RUN_FILE = "run.json"
CATALOG = "periods.js"
INDEX = "index.html"
PERIOD_FOLDER = re.compile(r"\d{4}-(0[1-9]|1[0-2])")

FIELDS = ("metric_id", "metric", "scope", "scope_id", "period", "value", "label", "unit")


def headline(report) -> list[dict]:
    """The office's headline figures of the report's period (reports/headline.py, headline_metrics.csv),
    as rows of main.metrics."""
    return [
        {k: getattr(h.metric, k) for k in FIELDS} for h in headline_rows(report.con, report.period, report.office.slug)
    ]


def published(out_dir: Path | str) -> list[dict]:
    """Every period folder under out_dir with its run.json, oldest first: period, label, run_id,
    rendered_at, the pages it holds and its headline figures (Metric rows)."""
    out = []
    root = Path(out_dir)
    if not root.is_dir():
        return out
    for folder in sorted(p for p in root.iterdir() if p.is_dir() and PERIOD_FOLDER.fullmatch(p.name)):
        if not (folder / "index.html").is_file():
            continue  # not a period's reports: never linked
        try:
            record = json.loads((folder / RUN_FILE).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            record = {}  # rendered before run.json kept them: figures from the warehouse
        out.append(
            {
                "period": folder.name,
                "label": bulan(folder.name),
                "run_id": record.get("run_id"),
                "rendered_at": record.get("rendered_at"),
                "pages": sorted(p.name for p in folder.glob("*.html")),
                "headline": [Metric(**m) for m in record["headline"]] if "headline" in record else None,
            }
        )
    return out


def warehouse_headline(con, office: str, period: str) -> list[Metric]:
    """The headline rows of a period from main.metrics, for a folder whose run.json does not keep them
    (a period's published numbers change only when that period is run)."""
    return [h.metric for h in headline_rows(con, period, office)]


def catalog_js(periods: list[dict]) -> bytes:
    """periods.js: the published periods, oldest first, with the pages each one holds."""
    entries = [{"period": p["period"], "label": p["label"], "pages": p["pages"]} for p in periods]
    body = json.dumps(entries, ensure_ascii=False, indent=1)
    return (
        f"/* Periode yang terbit (ditulis ulang setiap render; reports/periods.py). */\n"
        f"window.PANTAU_PERIODS = {body};\n"
    ).encode()


def write_atomically(path: Path, content: bytes) -> None:
    """Write a file beside its final name and rename it over: a reader never sees half a file."""
    temp = path.with_name(f".{path.name}.{os.getpid()}-{time.time_ns()}.tmp")
    try:
        with open(temp, "wb") as fh:
            fh.write(content)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(temp, path)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise


@contextmanager
def catalog_lock(out_dir: Path):
    """One writer of the catalog at a time (renders of two periods in two processes): a lock on the
    output folder itself, so nothing but the catalog and the index is left beside the periods."""
    fd = os.open(out_dir, os.O_RDONLY | os.O_DIRECTORY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        for stale in list(out_dir.glob(f".{CATALOG}.*.tmp")) + list(out_dir.glob(f".{INDEX}.*.tmp")):
            stale.unlink(missing_ok=True)  # left by a writer that crashed: writers hold this lock
        yield
    finally:
        os.close(fd)  # releases the lock


def write_catalog(out_dir: Path | str, render_index) -> list[dict]:
    """Rewrite periods.js and index.html from the period folders now published; `render_index`
    turns the list of periods into the index page's bytes. Returns the periods listed."""
    root = Path(out_dir)
    with catalog_lock(root):
        periods = published(root)
        write_atomically(root / CATALOG, catalog_js(periods))
        write_atomically(root / INDEX, render_index(periods))
    return periods
