"""Text written for spreadsheets: a cell a spreadsheet would run as a formula gets an apostrophe.

Every CSV or XLSX the project writes (`pantau export`, `pantau trace --format csv`) passes its
text cells through `neutralise`: what an office or a citizen typed is never executed.
"""

from __future__ import annotations

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value):
    """'=HYPERLINK(...)' -> "'=HYPERLINK(...)"; numbers and other text unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value
