"""Reports are published whole, and the named pages never sit in the public tree.

- A period's folder is written as a hidden generation beside the published one and swapped in by one
  renameat2 exchange: a SIGKILL at any stage of the render, or a full disk (simulated ENOSPC: this
  machine gives no small tmpfs to a test), leaves the previous folder complete, with no temporary
  file in it, and the next render removes what the dead one left.
- The named pages go to their own root (settings `[paths] internal`), outside `--out`, owner-only; a
  walk of the whole public tree finds no roster NIP, name or name part (titles and degrees stripped).

The office is the hostile sample office of conftest.py (sample roster plus names and NIPs that citizens
and file names carry).
"""

from __future__ import annotations

import errno
import json
import os
import re
import shutil
import stat
import subprocess
import sys
from html import unescape
from pathlib import Path

import pytest
from typer.testing import CliRunner

ROOT = Path(__file__).resolve().parents[2]
# the titles and degrees of the sample roster written without a dot (with a dot they are dropped anyway)
TITLES = {"h", "hj", "drs", "dra", "ir", "dr", "st", "se", "sh", "ak"}


def name_parts(name: str) -> set[str]:
    """'Drs. H. Eko Susilo, M.Si.' -> {'eko', 'susilo'}; 'Andrie Tuah S.AP' -> {'andrie', 'tuah'}."""
    words = re.split(r"[\s,]+", name.split(",")[0])
    return {w.lower() for w in words if w and "." not in w and w.lower() not in TITLES and len(w) > 1}


def published_tree(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def office_copy(hostile_office, tmp_path_factory) -> Path:
    """The hostile office's warehouse copied to a file another process can open."""
    con = hostile_office.con
    source = con.execute("select path from duckdb_databases() where database_name = current_database()").fetchone()[0]
    con.execute("checkpoint")
    target = tmp_path_factory.mktemp("salinan") / "pantau.duckdb"
    shutil.copy(source, target)
    return target


@pytest.fixture(scope="module")
def published(hostile_office, tmp_path_factory):
    """The hostile office rendered with its internal pages to <root>/out and <root>/pribadi."""
    from reports.render import render_period

    root = tmp_path_factory.mktemp("terbit")
    render_period(hostile_office.con, hostile_office.period, root / "out", internal_root=root / "pribadi")
    return root


# --- personal data ------------------------------------------------------------------------------
def test_named_pages_are_written_to_their_own_owner_only_root(published, hostile_office):
    named = published / "pribadi" / hostile_office.period
    assert {"index.html", "rekomendasi.html", "karantina.html", f"asn-{hostile_office.html_nip}.html"} <= {
        p.name for p in named.iterdir()
    }
    assert stat.S_IMODE((published / "pribadi").stat().st_mode) == 0o700
    assert stat.S_IMODE(named.stat().st_mode) == 0o700
    assert {stat.S_IMODE(p.stat().st_mode) for p in named.iterdir()} == {0o600}
    assert (
        json.loads((named / "run.json").read_text())["run_id"]
        == json.loads((published / "out" / hostile_office.period / "run.json").read_text())["run_id"]
    )
    # the named pages use the public folder's bundle and CSS, and link back to the public pages
    index = (named / "index.html").read_text(encoding="utf-8")
    assert f'<script src="../../out/{hostile_office.period}/plotly.min.js"></script>' in index
    assert f'href="../../out/{hostile_office.period}/rekomendasi.html"' in index
    assert not list((published / "pribadi").rglob("plotly*.js"))


def test_the_public_tree_names_no_asn_and_links_no_internal_page(published, hostile_office):
    """Every file under --out, hidden ones included, read as a reader sees it."""
    files = [p for p in (published / "out").rglob("*") if p.is_file()]
    assert len(files) > 10 and not [p for p in (published / "out").rglob("*") if "internal" in p.name]
    roster = [
        (nip, nama) for nip, nama in hostile_office.con.execute("select nip, nama from staging.stg_pegawai").fetchall()
    ]
    assert len(roster) > 50
    nips = {nip for nip, _ in roster}
    parts = set().union(*(name_parts(nama) for _, nama in roster))
    assert {"eko", "susilo", "andrie", "tuah"} <= parts  # the titled names of the sample roster

    def mentions(path: Path) -> list[tuple[str, str]]:
        text = unescape(path.read_text(encoding="utf-8", errors="replace"))
        digits = re.sub(r"[\s.\-_]", "", text)
        words = set(re.findall(r"[a-z']+", text.lower()))
        return [(path.name, nip) for nip in nips if nip in digits] + [(path.name, part) for part in parts & words]

    found = []
    for path in files:
        if path.name == "plotly.min.js":
            continue  # plotly's own bundle, byte for byte the installed package's
        found += mentions(path)
        text = path.read_text(encoding="utf-8", errors="replace")
        assert "internal/" not in text and "pribadi" not in text, path.name
    assert found == []
    # the same search finds the people on the named pages
    named = mentions(published / "pribadi" / hostile_office.period / "index.html")
    assert {"eko", "susilo", "andrie", "tuah"} <= {m for _, m in named}
    assert len(nips & {m for _, m in named}) > 50


def test_an_internal_root_inside_the_public_folder_is_refused(hostile_office, tmp_path):
    from reports.render import render_period

    for inside in (tmp_path / "out", tmp_path / "out" / "internal"):
        with pytest.raises(ValueError, match="di dalam folder laporan publik"):
            render_period(hostile_office.con, hostile_office.period, tmp_path / "out", internal_root=inside)
    assert not (tmp_path / "out").exists()


def test_pantau_run_with_an_internal_root_inside_out_exits_2(tmp_path):
    from flows.cli import app

    (tmp_path / "inbox").mkdir()
    config = tmp_path / "pantau.toml"
    config.write_text('[paths]\nout = "laporan"\ninternal = "laporan/internal"\n', encoding="utf-8")
    result = CliRunner().invoke(
        app,
        [
            "run",
            "--period",
            "2026-10",
            "--config",
            str(config),
            "--inbox",
            str(tmp_path / "inbox"),
            "--warehouse",
            str(tmp_path / "w.duckdb"),
        ],
    )
    assert result.exit_code == 2, result.output
    assert "di dalam folder laporan publik" in result.output and str(tmp_path / "laporan") in result.output
    assert not (tmp_path / "w.duckdb").exists()


def test_the_internal_root_setting(tmp_path):
    from flows.settings import PROJECT_ROOT, load_settings

    assert load_settings().internal_root == PROJECT_ROOT / "reports" / "internal"
    config = tmp_path / "pantau.toml"
    config.write_text('[paths]\ninternal = "rahasia/laporan"\n[reports]\ninternal = false\n', encoding="utf-8")
    settings = load_settings(config)
    assert settings.internal_root == tmp_path / "rahasia" / "laporan"
    assert settings.include_internal is False


def test_the_default_internal_root_is_git_ignored():
    ignored = subprocess.run(["git", "check-ignore", "-q", "reports/internal/2026-10/asn-1.html"], cwd=ROOT)
    assert ignored.returncode == 0


# --- published whole ----------------------------------------------------------------------------
KILLER = r"""
import os, signal, sys
from pathlib import Path
from reports import render
from transforms.warehouse import connect

warehouse, out, internal, period, stage, at = sys.argv[1:7]
at = int(at)
seen = {"public": 0, "private": 0}
die = lambda: os.kill(os.getpid(), signal.SIGKILL)
write, swap, exchange = render.Generation.write, render.Generation._swap, render._exchange

def counted(self, relative, content):
    kind = "private" if self.private else "public"
    seen[kind] += 1
    if stage == kind and seen[kind] == at:
        with open(self.build / relative, "wb") as fh:      # half a file, as a kill mid-write leaves it
            fh.write(content[: len(content) // 2])
        die()
    write(self, relative, content)

def swapped(self):
    if stage == "swap" and not self.private:
        die()
    swap(self)

def exchanged(a, b):
    done = exchange(a, b)
    if stage == "exchanged":
        die()
    return done

render.Generation.write, render.Generation._swap, render._exchange = counted, swapped, exchanged
con = connect(Path(warehouse), read_only=True)
render.render_period(con, period, Path(out), internal_root=Path(internal))
"""


def _render(office_copy: Path, root: Path, period: str, stage: str = "none", at: int = 0) -> int:
    return subprocess.run(
        [
            sys.executable,
            "-c",
            KILLER,
            str(office_copy),
            str(root / "out"),
            str(root / "pribadi"),
            period,
            stage,
            str(at),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
    ).returncode


@pytest.mark.parametrize("stage, at", [("public", 1), ("public", 5), ("swap", 0), ("exchanged", 0), ("private", 3)])
def test_a_render_killed_at_any_stage_leaves_a_complete_folder(office_copy, hostile_office, tmp_path, stage, at):
    period = hostile_office.period
    assert _render(office_copy, tmp_path, period) == 0
    folder = tmp_path / "out" / period
    (folder / "lama.txt").write_text("generasi sebelumnya")  # marks the previous folder
    before = published_tree(folder)

    assert _render(office_copy, tmp_path, period, stage, at) == -9  # SIGKILL
    after = published_tree(folder)
    if stage in ("exchanged", "private"):  # the new folder was swapped in whole
        assert "lama.txt" not in after and set(after) == set(before) - {"lama.txt"}
    else:  # the previous folder, untouched
        assert after == before
    assert not [n for n in after if n.endswith(".tmp")]
    assert all(after[n].rstrip().endswith(b"</html>") for n in after if n.endswith(".html"))

    # the next render publishes the period and removes every generation a dead render left
    assert _render(office_copy, tmp_path, period) == 0
    # beside the public folders: the period catalog and index (reports/periods.py), nothing else
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [period, "index.html", "periods.js"]
    assert sorted(p.name for p in (tmp_path / "pribadi").iterdir()) == [period]
    assert "lama.txt" not in published_tree(folder)


def test_a_full_disk_leaves_the_previous_folder_and_raises(hostile_office, tmp_path, monkeypatch):
    from reports import render

    period = hostile_office.period
    render.render_period(hostile_office.con, period, tmp_path / "out")
    folder = tmp_path / "out" / period
    before = published_tree(folder)
    written = {"n": 0}
    write = render.Generation.write

    def fills_up(self, relative, content):
        written["n"] += 1
        if written["n"] == 4:  # a page half written, then no space left
            (self.build / relative).write_bytes(content[:100])
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(self.build / relative))
        write(self, relative, content)

    monkeypatch.setattr(render.Generation, "write", fills_up)
    with pytest.raises(render.ReportNotPublished, match="disk penuh") as raised:
        render.render_period(hostile_office.con, period, tmp_path / "out")
    assert str(folder) in str(raised.value) and "tetap utuh" in str(raised.value)
    assert published_tree(folder) == before
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [period, "index.html", "periods.js"]


def test_a_generation_of_a_render_still_running_is_left_alone(hostile_office, tmp_path):
    from reports.render import render_period

    period = hostile_office.period
    running = tmp_path / "out" / f".{period}.{os.getppid()}-1.tmp"  # another live process's render
    dead = tmp_path / "out" / f".{period}.{2**22 + 7}-1.tmp"  # above any pid this machine gives
    for folder in (running, dead):
        folder.mkdir(parents=True)
    render_period(hostile_office.con, period, tmp_path / "out")
    assert running.is_dir() and not dead.exists()
