"""Render one period's reports: static HTML in Bahasa Indonesia, offline, printable.

    render_period(con, "2026-10", Path("reports/out"))  ->  reports/out/2026-10/index.html

Writes into `out_dir/<period>/`: index.html (Ringkasan), unit-<slug>.html per unit, rekomendasi.html,
kualitas-data.html, metodologi.html, and — unless include_internal=False — internal/ (named pages,
marked INTERNAL at the top). Beside the pages: one plotly.min.js (plotly's offline bundle, never a
CDN), pantau.js (draws the charts) and pantau.css (with print rules). With include_internal=False an
internal/ folder left by an earlier render is removed, so named pages never linger.

Every number shown comes from `main.metrics` and carries its metric_id (reports/fmt.py, num_html).
"""
from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import duckdb
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from markupsafe import Markup

from reports import pages
from reports.data import Report
from reports.fmt import num_html

TEMPLATES = Path(__file__).resolve().parent / "templates"
ASSETS = Path(__file__).resolve().parent / "assets"


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


def _write_if_changed(path: Path, content: bytes) -> None:
    if path.exists() and path.stat().st_size == len(content) and \
            hashlib.sha256(path.read_bytes()).digest() == hashlib.sha256(content).digest():
        return
    tmp = path.with_suffix(path.suffix + ".tmp")
    tmp.write_bytes(content)
    tmp.replace(path)


def write_assets(folder: Path) -> None:
    """plotly.min.js (from the installed plotly package: offline), pantau.js, pantau.css."""
    from plotly.offline import get_plotlyjs

    _write_if_changed(folder / "plotly.min.js", get_plotlyjs().encode("utf-8"))
    for name in ("pantau.js", "pantau.css"):
        _write_if_changed(folder / name, (ASSETS / name).read_bytes())


def render_period(con: duckdb.DuckDBPyConnection, period: str, out_dir: Path | str,
                  include_internal: bool = True) -> Path:
    """Render the reports of `period` (YYYY-MM) from the published metrics; return index.html's path."""
    report = Report(con, period)
    out = Path(out_dir) / period
    out.mkdir(parents=True, exist_ok=True)
    write_assets(out)
    env = environment()
    common = pages.common(report, include_internal)

    def write(relative: str, template: str, context: dict) -> None:
        target = out / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        depth = relative.count("/")
        html = env.get_template(template).render(**{**common, **context, "root": "../" * depth})
        _write_if_changed(target, html.encode("utf-8"))

    write("index.html", "index.html.j2", pages.ringkasan(report, include_internal))
    written_units = set()
    for unit in common["nav_units"]:
        write(f"unit-{unit.slug}.html", "unit.html.j2", pages.unit_page(report, unit, include_internal))
        written_units.add(f"unit-{unit.slug}.html")
    for stale in out.glob("unit-*.html"):
        if stale.name not in written_units:
            stale.unlink()
    write("rekomendasi.html", "rekomendasi.html.j2", pages.rekomendasi(report, include_internal))
    write("kualitas-data.html", "kualitas.html.j2", pages.kualitas_data(report, include_internal))
    write("metodologi.html", "metodologi.html.j2", pages.metodologi(report))

    internal = out / "internal"
    if include_internal:
        from reports import internal_pages

        people = internal_pages.People(report)
        write("internal/index.html", "internal/index.html.j2", internal_pages.index(people))
        write("internal/rekomendasi.html", "internal/rekomendasi.html.j2", internal_pages.rekomendasi(people))
        write("internal/karantina.html", "internal/karantina.html.j2", internal_pages.karantina(people))
        keep = {"index.html", "rekomendasi.html", "karantina.html"}
        for asn in people.asn:
            name = f"asn-{asn['nip']}.html"
            write(f"internal/{name}", "internal/asn.html.j2", internal_pages.asn_page(people, asn))
            keep.add(name)
        for stale in internal.glob("*.html"):
            if stale.name not in keep:
                stale.unlink()
    elif internal.exists():
        shutil.rmtree(internal)
    return out / "index.html"


__all__ = ["render_period", "environment", "write_assets", "Markup"]
