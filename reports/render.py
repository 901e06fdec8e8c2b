"""Render one period's reports: static HTML in Bahasa Indonesia, offline, printable.

    render_period(con, "2026-10", Path("reports/out"), internal_root=Path("reports/internal"))
        ->  reports/out/2026-10/index.html  (and reports/internal/2026-10/ for the named pages)

Beside the period folders: periods.js (the published periods, read by every page for its previous/next
links) and index.html (every published period with its headline figures), both rewritten whole by each
render (reports/periods.py).

Writes into `out_dir/<period>/`: index.html (Ringkasan), unit-<slug>.html per unit, rekomendasi.html,
kualitas-data.html, metodologi.html, run.json (the run_id the folder was rendered from). Beside the
pages: one plotly.min.js (plotly's offline bundle, never a CDN), pantau.js (draws the charts) and
pantau.css (with print rules).

The named pages (per ASN, the named lists, the quarantined rows) go to `internal_root/<period>/`,
outside `out_dir` (refused if inside), owner-only (0700 folders, 0600 files); they use the public
folder's plotly bundle and CSS through a relative path, and no public page links to them. With
include_internal=False a period's internal folder left by an earlier render is removed. include_internal
"temuan" writes the per-ASN pages only for the ASN with a finding (ref.internal_page_findings), "semua"
or True for every ASN; the index lists every ASN with the `pantau rapor` command of their sheet.

Published whole: each folder is written as a hidden generation beside the published one
(`.<period>.<token>.tmp`) and swapped in by one renameat2(RENAME_EXCHANGE) (a plain rename the first
time); a crash or a full disk before the swap leaves the previous folder as it was, and leftover
generations are removed by the next render of the period.

Every number shown comes from `main.metrics` and carries its metric_id (reports/fmt.py, num_html).
"""

from __future__ import annotations

import ctypes
import errno
import json
import os
import shutil
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import duckdb
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from markupsafe import Markup

from reports import charts, hierarchy, pages, periods, summary
from reports.data import Report
from reports.fmt import angka, bulan, num_html, periode_html, waktu_html

if TYPE_CHECKING:
    from reports.internal_pages import People

TEMPLATES = Path(__file__).resolve().parent / "templates"
ASSETS = Path(__file__).resolve().parent / "assets"
RUN_FILE = "run.json"
RENAME_EXCHANGE = 2  # linux/fs.h
PRIVATE_DIR, PRIVATE_FILE = 0o700, 0o600


class ReportNotPublished(RuntimeError):
    """A period's folder could not be written whole; the previous one is still published."""


def environment() -> Environment:
    """Jinja2 with autoescape on for every template: citizens' text always shows as text."""
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(enabled_extensions=("html", "j2", "html.j2"), default=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals["n"] = num_html
    return env


def default_internal_root(out_dir: Path | str) -> Path:
    """reports/out -> reports/internal (the settings' `[paths] internal` default)."""
    return Path(out_dir).resolve().parent / "internal"


def check_internal_root(out_dir: Path | str, internal_root: Path | str) -> None:
    """Refuse an internal root inside the public tree: copying the reports would copy named pages."""
    public, internal = Path(out_dir).resolve(), Path(internal_root).resolve()
    if internal == public or public in internal.parents:
        raise ValueError(
            f"folder halaman internal {internal} berada di dalam folder laporan publik {public}; "
            "atur [paths] internal ke folder di luar --out (mis. reports/internal)"
        )


class Generation:
    """A period's folder written beside the published one and swapped in when complete."""

    def __init__(self, root: Path, period: str, private: bool = False):
        self.root, self.period, self.private = Path(root), period, private
        self.target = self.root / period
        self.build = self.root / f".{period}.{os.getpid()}-{time.time_ns()}.tmp"

    def __enter__(self) -> Generation:
        self.root.mkdir(parents=True, exist_ok=True)
        if self.private:
            os.chmod(self.root, PRIVATE_DIR)
        for stale in self.root.glob(f".{self.period}.*.tmp"):  # left by a crashed render
            if not _alive(stale.name):
                shutil.rmtree(stale, ignore_errors=True)
        self.build.mkdir(mode=PRIVATE_DIR if self.private else 0o777)
        return self

    def write(self, relative: str, content: bytes) -> None:
        path = self.build / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, PRIVATE_FILE if self.private else 0o666)
        with os.fdopen(fd, "wb") as fh:
            fh.write(content)

    def __exit__(self, kind, exc, tb) -> bool:
        if exc is not None:
            shutil.rmtree(self.build, ignore_errors=True)
            if isinstance(exc, OSError):
                reason = "disk penuh" if exc.errno == errno.ENOSPC else exc.strerror or str(exc)
                raise ReportNotPublished(
                    f"laporan periode {self.period} tidak diterbitkan ({reason}: {exc.filename or self.root}); "
                    f"folder yang sudah terbit di {self.target} tetap utuh. Kosongkan ruang disk lalu "
                    "jalankan ulang."
                ) from exc
            return False
        self._swap()
        return False

    def _swap(self) -> None:
        if not os.path.lexists(self.target):
            os.rename(self.build, self.target)
            return
        if self.target.is_symlink() or not self.target.is_dir():
            os.unlink(self.target)
            os.rename(self.build, self.target)
            return
        if not _exchange(self.build, self.target):
            # no RENAME_EXCHANGE on this file system: two renames; the folder is missing for an instant,
            # never half-written
            old = self.build.with_suffix(".old.tmp")
            os.rename(self.target, old)
            os.rename(self.build, self.target)
            self.build = old
        shutil.rmtree(self.build, ignore_errors=True)  # the previous generation, now under the hidden name


def _alive(generation: str) -> bool:
    """Whether the process that names a generation (`.<period>.<pid>-<ns>.tmp`) still runs: a
    render of the same period in another process keeps its folder."""
    pid = generation.split(".")[2].split("-")[0]
    if not pid.isdigit() or int(pid) == os.getpid():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _exchange(a: Path, b: Path) -> bool:
    """renameat2(a, b, RENAME_EXCHANGE): swap two paths in one step; False where unsupported."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd = -100
    if renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), RENAME_EXCHANGE) == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP):
        return False
    raise OSError(code, os.strerror(code), str(b))


def write_assets(folder: Generation) -> None:
    """plotly.min.js (from the installed plotly package: offline), pantau.js, pantau.css."""
    from plotly.offline import get_plotlyjs

    folder.write("plotly.min.js", get_plotlyjs().encode("utf-8"))
    for name in ("pantau.js", "pantau.css"):
        folder.write(name, (ASSETS / name).read_bytes())


def run_record(report: Report) -> bytes:
    """run.json: the run the folder was rendered from, when, and the office's headline figures (rows of
    main.metrics) that the period index shows."""
    run = report.run or {"run_id": report.run_id}
    return json.dumps(
        {
            "period": report.period,
            "run_id": run.get("run_id"),
            "rendered_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "headline": periods.headline(report),
        },
        ensure_ascii=False,
        indent=1,
        default=str,
    ).encode("utf-8")


def period_index(env: Environment, report: Report, listed: list[dict]) -> bytes:
    """reports/out/index.html: every published period, newest first, with its headline figures as
    published in its folder's run.json."""

    def by_metric(p: dict) -> dict:
        found = (
            p["headline"]
            if p["headline"] is not None
            else periods.warehouse_headline(report.con, report.office.slug, p["period"])
        )
        return {m.metric: m for m in found}

    head = [
        "Periode",
        "IKM",
        "Disiplin kehadiran",
        "Ketepatan waktu",
        "Capaian SKP",
        "Keluhan",
        "ASN perlu ditindaklanjuti",
        "Unit perlu perhatian",
        "Diterbitkan",
    ]
    body = []
    for p in reversed(listed):
        m = by_metric(p)
        ikm = m.get("ikm")
        body.append(
            [
                Markup('<a href="{}/index.html"><time datetime="{}">{}</time></a>').format(
                    p["period"], p["period"], bulan(p["period"])
                ),
                Markup("{} {}").format(num_html(ikm), pages.mutu_html(ikm)) if ikm else num_html(None),
                *(num_html(m.get(k)) for k in ("discipline_rate", "punctuality_rate", "capaian_rata")),
                *(pages.count_html(m.get(k)) for k in ("keluhan", "asn_to_follow_up", "rekomendasi_perhatian")),
                waktu_html(p["rendered_at"], report.timezone) if p["rendered_at"] else "",
            ]
        )
    latest = listed[-1]["period"] if listed else None
    html = env.get_template("periods.html.j2").render(
        title="Laporan per periode",
        office=report.office,
        periode_teks=None,
        root=f"{latest}/" if latest else "",
        internal=False,
        run={"run_id": None},
        page="periode",
        nav_units=[],
        subtitle=None,
        head=head,
        rows=body,
        n_periods=angka(len(listed)),
        latest=periode_html(latest) if latest else None,
        latest_href=f"{latest}/index.html" if latest else None,
    )
    return html.encode("utf-8")


@dataclass
class PageWriter:
    """Renders a page's context with the period's common context and writes it into a generation."""

    env: Environment
    report: Report
    common: dict  # every page's context (nav, run, office); the hierarchy's navigation is set after creation

    def __call__(self, folder: Generation, relative: str, template: str, context: dict, root: str = "") -> None:
        charts.fit_all(context, self.report.chart_axes)  # every chart's axis from chart_axes.csv
        charts.label_all(context, self.report.labels)  # its hover texts in the page's words (labels.csv)
        html = self.env.get_template(template).render(**{**self.common, **context, "root": root})
        folder.write(relative, html.encode("utf-8"))


def render_period(
    con: duckdb.DuckDBPyConnection,
    period: str,
    out_dir: Path | str,
    include_internal: bool | str = True,
    internal_root: Path | str | None = None,
    timezone: str = "Asia/Jakarta",
) -> Path:
    """Render the reports of `period` (YYYY-MM) from the published metrics, then rewrite the period
    catalog (periods.js) and the period index beside the folders; return the period's index.html path.
    `timezone` is the office's ([run] timezone): times on the pages are shown in it, labelled (WIB)."""
    report = Report(con, period, timezone=timezone)
    out_dir = Path(out_dir)
    internal_root = Path(internal_root) if internal_root is not None else default_internal_root(out_dir)
    check_internal_root(out_dir, internal_root)
    from reports import internal_pages

    # "temuan": per-ASN pages for the ASN with a finding (the others by `pantau rapor`); True: every ASN
    mode = internal_pages.page_mode(include_internal)
    include_internal = mode != "tidak"
    env = environment()
    page = PageWriter(env, report, pages.common(report, include_internal))
    record = run_record(report)

    groups = hierarchy.groups(report)  # None: an office-sized inbox, pages as they always were
    view = report
    if groups:
        view = hierarchy.Scoped(report, [u for u, _ in hierarchy.standouts(report, report.reporting_units)])
        page.common["nav_units"], page.common["nav_groups"] = [], groups

    with Generation(out_dir, period) as public:
        _write_public_pages(page, public, view, groups, include_internal)
        public.write(RUN_FILE, record)
    # after the swap: the catalog lists the folder now published; old folders are not touched
    periods.write_catalog(out_dir, lambda listed: period_index(env, report, listed))

    named = internal_root / period
    if include_internal:
        # the public folder's pages, bundle and CSS, seen from the internal folder
        to_public = os.path.relpath(out_dir.resolve() / period, internal_root.resolve() / period) + "/"
        people = internal_pages.People(report, mode)
        with Generation(internal_root, period, private=True) as private:
            _write_internal_pages(page, private, people, to_public)
            private.write(RUN_FILE, record)
    elif named.exists():
        shutil.rmtree(named)
    return out_dir / period / "index.html"


def _write_public_pages(
    page: PageWriter, public: Generation, view: Report, groups: list | None, include_internal: bool
) -> None:
    """The assets and the public pages in their order: Ringkasan, the one-page summary, the groups, the
    units, the recommendations, data quality and methodology. `view` is the report scoped to the
    standout units when the office has groups."""
    report = page.report
    write_assets(public)
    page(
        public,
        "index.html",
        "index.html.j2",
        hierarchy.ringkasan(report, include_internal, groups) if groups else pages.ringkasan(report, include_internal),
    )
    page(public, f"{summary.PAGE}.html", "ringkas.html.j2", summary.one_page(view, include_internal))
    for group in groups or []:
        page(public, f"{group.page}.html", "induk.html.j2", hierarchy.group_page(report, group, include_internal))
    for unit in report.reporting_units:
        page(public, f"unit-{unit.slug}.html", "unit.html.j2", pages.unit_page(report, unit, include_internal))
    page(public, "rekomendasi.html", "rekomendasi.html.j2", pages.rekomendasi(view, include_internal))
    page(public, "kualitas-data.html", "kualitas.html.j2", pages.kualitas_data(report, include_internal))
    page(public, "metodologi.html", "metodologi.html.j2", pages.metodologi(report))


def _write_internal_pages(page: PageWriter, private: Generation, people: People, to_public: str) -> None:
    """The named pages: the index, the named recommendations, the quarantined rows and the per-ASN pages;
    `to_public` is the public folder seen from the internal one (its bundle and CSS)."""
    from reports import internal_pages

    page(private, "index.html", "internal/index.html.j2", internal_pages.index(people), to_public)
    page(
        private,
        "rekomendasi.html",
        "internal/rekomendasi.html.j2",
        internal_pages.rekomendasi(people),
        to_public,
    )
    page(private, "karantina.html", "internal/karantina.html.j2", internal_pages.karantina(people), to_public)
    for asn in people.paged:  # "temuan": the ASN with a finding; the others by `pantau rapor`
        page(
            private,
            f"asn-{asn['nip']}.html",
            "internal/asn.html.j2",
            internal_pages.asn_page(people, asn),
            to_public,
        )


def internal_folder(out_dir: Path | str, period: str, internal_root: Path | str | None = None) -> Path:
    """Where render_period puts the named pages of `period`."""
    return Path(internal_root if internal_root is not None else default_internal_root(out_dir)) / period


__all__ = [
    "render_period",
    "environment",
    "write_assets",
    "check_internal_root",
    "internal_folder",
    "ReportNotPublished",
    "Markup",
]
