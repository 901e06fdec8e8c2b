"""A file's unit from its file name, sheet name or title, for an export of one unit with no unit column.

The shapes and columns that may come from the name are in data/reference/unit_from_name.csv; units
and their names in data/reference/units.csv. A unit is taken only when exactly one unit's name or
alias appears as whole words ('skm_kel_pager_oktober.csv' -> Kantor Kelurahan Pager); the sources
are tried in that order and the first naming any unit decides.
"""

from __future__ import annotations

import duckdb

from transforms.ingest.headers import normalise_header
from transforms.ingest.records import FileProblem


def name_filled_column(con: duckdb.DuckDBPyConnection, shape: str) -> str | None:
    try:
        found = con.execute('select "column" from ref.unit_from_name where kind = ?', [shape]).fetchone()
    except duckdb.CatalogException:
        return None
    return found[0] if found else None


def _words(text: str) -> list[str]:
    return [w for w in normalise_header(text).split("_") if w]


def units_named(con: duckdb.DuckDBPyConnection, text: str) -> list[tuple[str, str, str]]:
    """[(slug, unit name, words found)] of the units whose name or an alias is whole words of text."""
    words = _words(text)
    found = []
    for slug, name, aliases in con.execute("select slug, name, coalesce(aliases, '') from ref.units").fetchall():
        for alias in sorted({name, *aliases.split("|")} - {""}, key=len, reverse=True):
            parts = _words(alias)
            if parts and any(words[i : i + len(parts)] == parts for i in range(len(words) - len(parts) + 1)):
                found.append((slug, name, alias))
                break
    return found


def unit_from_names(
    con: duckdb.DuckDBPyConnection, sources: list[tuple[str, str | None]], column: str
) -> tuple[str, str]:
    """(unit name, message saying where it came from); FileProblem when no source names exactly one unit."""
    for where, text in sources:
        if not text:
            continue
        found = units_named(con, text)
        if len(found) == 1:
            slug, name, alias = found[0]
            return name, f"kolom {column} tidak ada; unit diambil dari {where} '{text}': {name} (kata '{alias}')"
        if len(found) > 1:
            names = ", ".join(f"{n} ('{a}')" for _, n, a in found)
            raise FileProblem(
                f"kolom {column} tidak ada dan {where} '{text}' menyebut lebih dari satu unit: {names}; "
                f"tambahkan kolom {column} atau beri nama berkas satu unit saja"
            )
    tried = "; ".join(f"{w} '{t}'" for w, t in sources if t)
    raise FileProblem(
        f"kolom wajib tidak ada: {column}, dan unitnya tidak dapat diambil dari {tried}: tidak ada nama unit "
        f"(data/reference/units.csv) di sana; tambahkan kolom {column} atau sebut unitnya di nama berkas"
    )
