"""Which ASN get a per-ASN internal page (`[reports] internal_pages`), on the sample office's warehouse.

"temuan" (the default of the settings) writes asn-<nip>.html only for the ASN with a finding or a
proposal in the published tables; "semua" for every ASN; "tidak" none. The internal index lists every
ASN with the `pantau rapor` command of their sheet either way, and no public page links the
internal root.
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import unquote

import pytest
from sample_reports import PERIOD


def render(con, tmp_path_factory, mode) -> tuple[Path, Path]:
    """(public folder, internal folder) of PERIOD rendered with include_internal=mode."""
    from reports.render import render_period

    root = tmp_path_factory.mktemp(f"halaman-{mode}")
    index = render_period(con, PERIOD, root / "out", include_internal=mode, internal_root=root / "internal")
    return index.parent, root / "internal" / PERIOD


@pytest.fixture(scope="module")
def temuan(sample_warehouse, tmp_path_factory):
    return render(sample_warehouse[0], tmp_path_factory, "temuan")


def all_asn(con) -> set[str]:
    return {
        r[0]
        for r in con.execute(
            "select distinct scope_id from main.metrics where scope = 'asn' and period = ? and scope_id not like '%:%'",
            [PERIOD],
        ).fetchall()
    }


def with_finding(con) -> set[str]:
    """The ASN with a finding or a proposal, straight from the published tables: proposals and
    signals (awards, coaching, training), a discipline band, TK days, capaian below 90 % in the month
    or the evaluation periods it closes, and the corrections applied."""
    from transforms.publish import periods_published_by

    periods = periods_published_by(PERIOD)
    found = {
        r[0]
        for r in con.execute(
            """select distinct split_part(scope_id, ':', 1) from main.metrics
           where scope = 'asn' and period in (select unnest(?))
             and (metric in ('rekomendasi_aturan', 'sinyal_aturan') or (metric = 'discipline_band' and value > 0)
                  or (metric = 'tk_days' and value > 0) or (metric = 'capaian_rata' and value < 90))""",
            [periods],
        ).fetchall()
    }
    corrected = {
        r[0]
        for r in con.execute(
            "select distinct nip from marts.koreksi_fakta "
            "where coalesce(strftime(tanggal::date, '%Y-%m'), periode) in (select unnest(?))",
            [periods],
        ).fetchall()
    }
    return found | corrected


def paged(folder: Path) -> set[str]:
    return {p.name[len("asn-") : -len(".html")] for p in folder.glob("asn-*.html")}


def test_the_default_writes_pages_exactly_for_the_asn_with_a_finding(sample_warehouse, temuan):
    con, _ = sample_warehouse
    expected = with_finding(con)
    everyone = all_asn(con)
    # the sample office has ASN on both sides: the selection is a real one
    assert 0 < len(expected & everyone) < len(everyone)
    assert sorted(paged(temuan[1])) == sorted(expected & everyone)
    # a proposal of the month is one of the findings: every named proposal links to a written page
    proposed = {
        r[0]
        for r in con.execute(
            "select distinct split_part(scope_id, ':', 1) from main.metrics "
            "where metric = 'rekomendasi_aturan' and scope = 'asn' and period = ?",
            [PERIOD],
        ).fetchall()
    }
    assert proposed and proposed <= paged(temuan[1])
    listed = (temuan[1] / "rekomendasi.html").read_text(encoding="utf-8")
    assert set(re.findall(r'href="asn-(\d+)\.html"', listed)) <= paged(temuan[1])


def test_semua_writes_every_asn_and_tidak_none(sample_warehouse, tmp_path_factory):
    con, _ = sample_warehouse
    _, every = render(con, tmp_path_factory, "semua")
    assert paged(every) == all_asn(con)
    public, none = render(con, tmp_path_factory, "tidak")
    assert not none.exists() and (public / "index.html").exists()


def test_the_index_lists_every_asn_with_the_command_of_their_sheet(sample_warehouse, temuan):
    con, _ = sample_warehouse
    html = (temuan[1] / "index.html").read_text(encoding="utf-8")
    commands = set(re.findall(r"pantau rapor --nip (\d+) --period " + PERIOD, html))
    assert commands == all_asn(con)
    # a name links to a page only where one was written
    assert set(re.findall(r'href="asn-(\d+)\.html"', html)) == paged(temuan[1])
    assert "Halaman rincian ditulis untuk" in html


def test_no_public_page_links_the_internal_root(temuan):
    public, internal = temuan
    pages = sorted(public.rglob("*.html")) + [public.parent / "index.html"]
    assert len(pages) > 5
    for page in pages:
        for href in re.findall(r'(?:href|src)="([^"#?]+)', page.read_text(encoding="utf-8")):
            if re.match(r"[a-z]+:", href):
                continue
            target = (page.parent / unquote(href)).resolve()
            assert internal.parent.resolve() not in (target, *target.parents), (page.name, href)


def test_the_setting_reads_temuan_by_default_and_internal_false_as_tidak(tmp_path):
    from flows.settings import load_settings

    def settings(text: str):
        path = tmp_path / "pantau.toml"
        path.write_text(text, encoding="utf-8")
        return load_settings(path)

    assert settings("").include_internal == "temuan"
    assert settings('[reports]\ninternal_pages = "semua"\n').include_internal == "semua"
    assert settings('[reports]\ninternal_pages = "tidak"\n').include_internal is False
    assert settings('[reports]\ninternal = false\ninternal_pages = "semua"\n').include_internal is False
    with pytest.raises(
        ValueError, match='bukan pilihan halaman internal: pilih salah satu dari "temuan", "semua", "tidak"'
    ):
        settings('[reports]\ninternal_pages = "sebagian"\n')
