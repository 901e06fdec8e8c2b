"""What reaches the Prefect UI shows as typed: the run's markdown artifact escapes every file name,
shape, rule and message (flows/console.py md, markdown_summary). The artifact is read back through a
CommonMark renderer (markdown-it-py, with raw HTML on and GFM tables), as a markdown viewer shows it."""

from __future__ import annotations

from pathlib import Path

from markdown_it import MarkdownIt

LINK = "skm/[klik](javascript:alert(1)).csv"
IMAGE = "skm/![x](https:__contoh.id_a.png) <img src=x onerror=alert(2)> *tebal* | sel.csv"
SURVEY = "waktu,unit_layanan,u1\n2026-10-14 10:00:00,Kantor Kelurahan Pager,9\n"


def _hostile_names(inbox: Path) -> None:
    for name in (LINK, IMAGE):
        (inbox / name).parent.mkdir(parents=True, exist_ok=True)
        (inbox / name).write_text(SURVEY, encoding="utf-8")


def rendered(markdown: str) -> str:
    return MarkdownIt("commonmark", {"html": True, "linkify": False}).enable("table").render(markdown)


def test_file_names_in_the_run_artifact_are_text_not_links(case_runner):
    from flows.console import markdown_summary

    case = case_runner("nama_berkas_markdown", _hostile_names)
    paths = {f["path"] for f in case.outcome.files}
    assert {LINK, IMAGE} <= paths, paths
    markdown = markdown_summary(case.outcome, "2026-10")
    html = rendered(markdown)
    assert "<a " not in html and "<img" not in html and "<em>" not in html
    assert html.count("<strong>") == html.count("<strong>Dihentikan:</strong>")
    # the names shown whole, each in its own row of the table (the | did not split a cell)
    assert "[klik](javascript:alert(1)).csv" in html.replace("&amp;", "&")
    assert "&lt;img src=x onerror=alert(2)&gt; *tebal* | sel.csv" in html
    rows = [line for line in html.splitlines() if line.startswith("<tr>")]
    assert all(row.count("<td") == 5 for row in rows if "<td" in row), rows


def test_the_headline_artifact_shows_names_paths_and_messages_as_typed():
    from flows.console import run_markdown
    from flows.steps import Outcome

    outcome = Outcome(
        files=[{"path": LINK, "action": "error", "periods": []}],
        blocking=[f"{IMAGE}: kolom wajib tidak ada"],
        headline=[("IKM *kantor*", "77,85 (B)")],
        report="/laporan/[x](javascript:y)/index.html",
    )
    html = rendered(run_markdown(outcome, "2026-10"))
    assert "<a " not in html and "<img" not in html and "<em>" not in html
    assert "&lt;img src=x onerror=alert(2)&gt; *tebal* | sel.csv: kolom wajib tidak ada" in html
    assert "/laporan/[x](javascript:y)/index.html" in html and "<td>IKM *kantor*</td>" in html


def test_md_escapes_markdown_and_html_in_any_text():
    from flows.console import md

    assert (
        rendered(md("[a](javascript:x) ![i](y) <b>b</b> _e_ `c` # h"))
        == "<p>[a](javascript:x) ![i](y) &lt;b&gt;b&lt;/b&gt; _e_ `c` # h</p>\n"
    )
    assert rendered(md("https://contoh.id/www.x")) == "<p>https://contoh.id/www.x</p>\n"
    assert md("baris\nbaru") == "baris baru"
