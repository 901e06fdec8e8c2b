"""Checks on a rendered page's HTML, without a browser (the browser test repeats them on the DOM).

A number on a page is "shown" when it stands in a table cell, a headline (class `headline`) or a chart
title. It must carry the metric it comes from (an ancestor with `data-metric-id`), or say that it is
not a published figure: `data-sumber` (a count from lineage or a source row), `data-teks` (text that
happens to hold digits: a NIP, a file name, a citizen's words) or a <time> (a date or a period).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
MARKS = ("data-metric-id", "data-sumber", "data-teks")


@dataclass
class Node:
    tag: str
    attrs: dict
    parent: Node | None = None
    children: list = field(default_factory=list)  # Node or str

    def classes(self) -> set[str]:
        return set((self.attrs.get("class") or "").split())

    def text(self) -> str:
        return "".join(c if isinstance(c, str) else c.text() for c in self.children)

    def iter(self):
        yield self
        for c in self.children:
            if isinstance(c, Node):
                yield from c.iter()


class _Builder(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.root = Node("#root", {})
        self.current = self.root

    def handle_starttag(self, tag, attrs):
        node = Node(tag, dict(attrs), self.current)
        self.current.children.append(node)
        if tag not in VOID:
            self.current = node

    def handle_startendtag(self, tag, attrs):
        self.current.children.append(Node(tag, dict(attrs), self.current))

    def handle_endtag(self, tag):
        node = self.current
        while node is not self.root and node.tag != tag:
            node = node.parent
        if node is not self.root:
            self.current = node.parent

    def handle_data(self, data):
        self.current.children.append(data)


def parse(html: str) -> Node:
    builder = _Builder()
    builder.feed(html)
    builder.close()
    return builder.root


def _marked(node: Node) -> bool:
    while node is not None:
        if node.tag == "time" or any(m in node.attrs for m in MARKS):
            return True
        node = node.parent
    return False


def shown_containers(root: Node) -> list[Node]:
    found = []
    for n in root.iter():
        if n.tag == "td" or "headline" in n.classes():
            found.append(n)
        elif n.tag == "h3" and n.parent is not None and n.parent.tag == "figcaption":
            found.append(n)
    return found


def unmarked_numbers(html: str) -> list[str]:
    """Text holding digits, shown in a cell, headline or chart title, that carries no metric id."""
    root = parse(html)
    problems = []

    def walk(node: Node):
        for child in node.children:
            if isinstance(child, str):
                if re.search(r"\d", child) and not _marked(node):
                    problems.append(child.strip()[:80])
            elif child.tag not in ("script", "style"):
                walk(child)

    for container in shown_containers(root):
        walk(container)
    return problems


def metric_ids_in(html: str) -> set[str]:
    """Every metric id on the page: attributes and the points of every chart."""
    root = parse(html)
    ids = {n.attrs["data-metric-id"] for n in root.iter() if "data-metric-id" in n.attrs}
    for figure in chart_specs(html).values():
        for trace in figure["data"]:
            ids.update(i for i in trace.get("customdata", []) if i)
    return ids


def chart_specs(html: str) -> dict[str, dict]:
    root = parse(html)
    return {
        n.attrs["id"]: json.loads(n.text())
        for n in root.iter()
        if n.tag == "script" and n.attrs.get("type") == "application/json"
    }


def points_without_ids(html: str) -> list[str]:
    """Chart points with a value but no metric id."""
    missing = []
    for name, figure in chart_specs(html).items():
        for trace in figure["data"]:
            values = trace.get("y") if trace.get("orientation") != "h" else trace.get("x")
            ids = trace.get("customdata") or []
            for k, v in enumerate(values or []):
                if v is not None and (k >= len(ids) or not ids[k]):
                    missing.append(f"{name}/{trace.get('name')}[{k}]")
    return missing
