"""Header matching: which shape a file is and which of its columns are which
(data/reference/column_aliases.csv), and which columns hold personal data (personal_data_columns.csv)."""

from __future__ import annotations

import csv
import difflib
import re
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import duckdb

from transforms.ingest.records import FileProblem, line_ref

HEADER_SCAN_LINES = 20  # a header further down than this is not a header
PERSONAL_DATA_FILE = Path(__file__).resolve().parents[2] / "data" / "reference" / "personal_data_columns.csv"
REDACTED_LINE = "(isi baris tidak disimpan: berkas memuat kolom data pribadi)"


@dataclass
class ColumnSpec:
    column: str
    required: str  # "true", "false" or "any:<group>" (at least one of the group)
    aliases: tuple[str, ...]
    # (priority, regex, otherwise) from column_patterns.csv: tried on a header no alias names
    patterns: tuple[tuple[int, str, str | None], ...] = ()
    from_name: bool = False  # may come from the file/sheet name or title (unit_from_name.csv)


def normalise_header(text: str) -> str:
    """'Sistem, Mekanisme dan Prosedur' -> 'sistem_mekanisme_dan_prosedur'."""
    text = str(text).replace("\ufeff", "").strip().lower()
    return re.sub(r"[^0-9a-z]+", "_", text).strip("_")


def load_column_specs(con: duckdb.DuckDBPyConnection) -> dict[str, list[ColumnSpec]]:
    """{shape: [ColumnSpec]} from ref.column_aliases, in file order."""
    specs: dict[str, list[ColumnSpec]] = defaultdict(list)
    for shape, column, required, aliases in con.execute(
        'select kind, "column", required, aliases from ref.column_aliases'
    ).fetchall():
        names = {normalise_header(a) for a in aliases.split("|")} | {column}
        specs[shape].append(ColumnSpec(column, required.strip().lower(), tuple(sorted(names))))
    try:
        patterns = con.execute(
            'select kind, "column", priority, pattern, otherwise from ref.column_patterns'
        ).fetchall()
    except duckdb.CatalogException:  # a reference folder without the table: aliases only
        patterns = []
    by_column = {(shape, spec.column): spec for shape, cols in specs.items() for spec in cols}
    for shape, column, priority, pattern, otherwise in patterns:
        spec = by_column.get((shape, column))
        if spec is not None:
            spec.patterns += ((int(priority), pattern, (otherwise or "").strip() or None),)
    try:
        for shape, column in con.execute('select kind, "column" from ref.unit_from_name').fetchall():
            if (shape, column) in by_column:
                by_column[(shape, column)].from_name = True
    except duckdb.CatalogException:
        pass
    return dict(specs)


def load_personal_columns(con: duckdb.DuckDBPyConnection) -> dict[str, list[tuple[str, tuple[str, ...]]]]:
    """{kind: [(what, (alias, ...))]} from ref.personal_data_columns (default file if not loaded).

    Privacy must never be off by accident: a reference folder without the table still gets the
    project's list.
    """
    try:
        rows = con.execute('select kind, "column", aliases from ref.personal_data_columns').fetchall()
    except duckdb.CatalogException:
        with open(PERSONAL_DATA_FILE, encoding="utf-8", newline="") as fh:
            rows = [(r["kind"], r["column"], r["aliases"]) for r in csv.DictReader(fh)]
    rules: dict[str, list[tuple[str, tuple[str, ...]]]] = defaultdict(list)
    for kind, column, aliases in rows:
        names = {normalise_header(a) for a in (aliases or "").split("|")} | {normalise_header(column)}
        rules[kind.strip()].append((column, tuple(sorted(n for n in names if n))))
    return dict(rules)


def personal_column(header: str, rules: list[tuple[str, tuple[str, ...]]]) -> str | None:
    """What personal data a header names ('No. HP / WhatsApp' -> 'telepon'), or None.

    A header matches when one alias appears in it as whole words: 'nomor_hp_aktif' holds 'hp',
    'whatsapp' does not hold 'wa'.
    """
    words = normalise_header(header).split("_")
    for column, aliases in rules:
        for alias in aliases:
            parts = alias.split("_")
            if any(words[i : i + len(parts)] == parts for i in range(len(words) - len(parts) + 1)):
                return column
    return None


def folder_shapes(specs: dict[str, list[ColumnSpec]]) -> dict[str, list[str]]:
    """Folder name -> shapes it may hold: presensi -> presensi_recap, presensi_scan."""
    shapes: dict[str, list[str]] = defaultdict(list)
    for shape in specs:
        shapes[shape.split("_")[0]].append(shape)
    return dict(shapes)


def pattern_match(key: str, specs: list[ColumnSpec]) -> tuple[str, str | None] | None:
    """(column, otherwise) whose patterns (column_patterns.csv) name a header, or None.

    The lowest priority number that matches decides: in 'U9 (Pengaduan)' the name (priority 1,
    'pengaduan' -> u8) wins over the template number (priority 2, 'u9'). Two columns matching
    at that priority ('Persyaratan dan prosedur') is no match: the header is reported unknown.
    """
    found: dict[int, dict[str, str | None]] = defaultdict(dict)
    for spec in specs:
        for priority, pattern, otherwise in spec.patterns:
            if re.search(pattern, key):
                found[priority][spec.column] = otherwise
    if not found:
        return None
    best = found[min(found)]
    return next(iter(best.items())) if len(best) == 1 else None


def match_header(cells: list[str], specs: list[ColumnSpec]) -> tuple[dict[int, str], list[str]]:
    """Map header cell positions to canonical columns; return (mapping, unmatched headers).

    Aliases first (an exact name), then, for the headers left, the patterns of
    column_patterns.csv in header order; a pattern's column already taken gives its
    `otherwise` column ('Pengaduan' beside a 'Penanganan pengaduan' column is the saran).
    """
    lookup = {alias: spec.column for spec in specs for alias in spec.aliases}
    mapping: dict[int, str] = {}
    unmatched: dict[int, str] = {}
    keys = {i: normalise_header(cell) if cell is not None else "" for i, cell in enumerate(cells)}
    for i, cell in enumerate(cells):
        if not keys[i]:
            continue
        canonical = lookup.get(keys[i])
        if canonical is None:
            unmatched[i] = str(cell)
        elif canonical in mapping.values():
            raise FileProblem(f"kolom '{cell}' dan kolom lain sama-sama berarti '{canonical}'; hapus salah satunya")
        else:
            mapping[i] = canonical
    for i in list(unmatched):
        found = pattern_match(keys[i], specs)
        if found is None:
            continue
        canonical, otherwise = found
        if canonical in mapping.values() and otherwise and otherwise not in mapping.values():
            canonical = otherwise
        if canonical in mapping.values():
            raise FileProblem(
                f"kolom '{cells[i]}' dan kolom lain sama-sama berarti '{canonical}'; hapus salah satunya "
                "atau ganti judulnya"
            )
        mapping[i] = canonical
        del unmatched[i]
    return mapping, list(unmatched.values())


def missing_required(mapping: dict[int, str], specs: list[ColumnSpec]) -> list[str]:
    present = set(mapping.values())
    missing = [s.column for s in specs if s.required == "true" and s.column not in present and not s.from_name]
    groups: dict[str, list[str]] = defaultdict(list)
    for s in specs:
        if s.required.startswith("any:"):
            groups[s.required].append(s.column)
    for cols in groups.values():
        if not present.intersection(cols):
            missing.append(" atau ".join(cols))
    return missing


def choose_shape(
    rows: list[tuple[int, list[str]]], folder: str, specs: dict[str, list[ColumnSpec]]
) -> tuple[str, int, dict[int, str], list[str]]:
    """Find the header row among the first rows and the shape it describes.

    The first row that looks like a header (names two known columns) is the header. When it
    lacks a required column and the very next row is a complete header, that row is taken
    instead: a two-row header (a group title above 'Masuk' / 'Pulang'). Rows further down are
    never taken, so data rows are not skipped.

    Returns (shape, header line number, {position: canonical column}, unmatched headers).
    """
    candidates = folder_shapes(specs).get(folder, [])
    first = None
    for line_no, cells in rows:
        best = None  # ((complete, matched count), shape, line, mapping, unmatched, missing)
        for shape in candidates:
            mapping, unmatched = match_header(cells, specs[shape])
            if len(mapping) < 2:
                continue
            missing = missing_required(mapping, specs[shape])
            score = (not missing, len(mapping))
            if best is None or score > best[0]:
                best = (score, shape, line_no, mapping, unmatched, missing)
        if first is not None:  # the row right below an incomplete header
            if best is not None and not best[5]:
                first = best
            break
        if best is not None:
            first = best
            if not best[5]:
                break
    if first is None:
        expected = ", ".join(s.column for shape in candidates for s in specs[shape] if s.required != "false")
        raise FileProblem(
            f"tidak ditemukan baris judul kolom di {HEADER_SCAN_LINES} baris pertama; "
            f"folder {folder}/ mengharapkan kolom: {expected}" + header_suggestions(rows, candidates, specs)
        )
    _, shape, line_no, mapping, unmatched, missing = first
    if missing:
        raise FileProblem(
            f"kolom wajib tidak ada: {', '.join(missing)} (judul kolom di baris {line_no}); "
            "tambahkan kolom itu atau daftarkan namanya di data/reference/column_aliases.csv"
            + missing_suggestions(unmatched, missing, shape, specs[shape])
        )
    return shape, line_no, mapping, unmatched


NUMERIC_DATE = r"^\s*(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})(\s|$)"  # 3/10/2026, 03-10-2026 14:05
MONTHS_ID = (
    "",
    "Januari",
    "Februari",
    "Maret",
    "April",
    "Mei",
    "Juni",
    "Juli",
    "Agustus",
    "September",
    "Oktober",
    "November",
    "Desember",
)
HOW_TO_WRITE = (
    "tulis tanggal sebagai YYYY-MM-DD (mis. 2026-10-03) atau dengan nama bulan (3 Oktober 2026); "
    "di Excel, format sel kolom itu yyyy-mm-dd sebelum menyimpan"
)


def _readings(value: str) -> str:
    """'3/10/2026 14:05' -> '3 Oktober 2026 atau 10 Maret 2026' (both orders, for the message)."""
    a, b, year = (int(x) for x in re.match(NUMERIC_DATE, value).group(1, 2, 3))
    return f"{a} {MONTHS_ID[b]} {year} atau {b} {MONTHS_ID[a]} {year}"


def date_order_problem(
    con: duckdb.DuckDBPyConnection,
    shape: str,
    mapping: dict[int, str],
    header_cells: list[str],
    source_sql: str,
    line_sql: str,
    sheets: list[str] | None = None,
) -> str | None:
    """A message when a file's numeric dates do not say, or contradict, which order they are in; else None.

    The columns are those of ref.date_columns; the rule is the column's across the whole file
    (docs/inbox.md, "Dates that could be day-first or month-first"). ISO dates (2026-10-03) and
    month names (3 Oktober 2026) are never in doubt and say nothing of the order of the others.
    A numeric date d/m/yyyy whose two numbers differ and are both at most 12 could be either
    order; a first number above 12 ('13/10/2026') proves the file day-first, a second above 12
    ('10/13/2026') month-first. Refused: both proofs in one file (naming the line that
    contradicts the file's order), month-first (dates are read day-first), and doubtful dates
    with no proof where the column's `undecided` is 'refuse' ('day_first' reads them day-first).
    """
    try:
        wanted = dict(
            con.execute(
                'select "column", lower(trim(undecided)) from ref.date_columns where kind = ?', [shape]
            ).fetchall()
        )
    except duckdb.CatalogException:
        return None
    for pos, column in sorted(mapping.items()):
        if column not in wanted:
            continue
        dates = _numeric_dates(con, pos, source_sql, line_sql)
        name = f"'{header_cells[pos] if pos < len(header_cells) else column}' ({column})"
        problem = _date_column_problem(name, dates, wanted[column], sheets)
        if problem:
            return problem
    return None


@dataclass(frozen=True)
class _DateKind:
    """How many numeric dates of one kind a column holds, the first line with one and its value."""

    count: int
    line: int | None
    value: str | None


@dataclass(frozen=True)
class _NumericDates:
    """A column's numeric dates: those proving day-first, proving month-first, and in doubt."""

    day: _DateKind
    month: _DateKind
    doubt: _DateKind
    max_second: int | None  # the largest second number of the month-first dates


def _numeric_dates(con: duckdb.DuckDBPyConnection, pos: int, source_sql: str, line_sql: str) -> _NumericDates:
    """One pass over the column at `pos`: its numeric dates counted by what their two numbers prove."""
    cell = f"t.c{pos}"
    a, b = (f"try_cast(regexp_extract({cell}, '{NUMERIC_DATE}', {g}) as integer)" for g in (1, 2))
    conditions = {
        "day": f"{a} > 12 and {b} <= 12",
        "month": f"{b} > 12 and {a} <= 12",
        "doubt": f"{a} <= 12 and {b} <= 12 and {a} <> {b}",
    }
    # per kind of date: how many, the first line and its value; and the largest second number
    aggregates = [
        f"{agg} filter (where {cond})"
        for cond in conditions.values()
        for agg in ("count(*)", f"min({line_sql})", f"arg_min(trim({cell}), {line_sql})")
    ]
    stats = con.execute(
        f"select {', '.join(aggregates)}, max({b}) filter (where {conditions['month']}) "
        f"from {source_sql} where regexp_matches({cell}, '{NUMERIC_DATE}')"
    ).fetchone()
    day, month, doubt = (_DateKind(*stats[i : i + 3]) for i in (0, 3, 6))
    return _NumericDates(day=day, month=month, doubt=doubt, max_second=stats[9])


def _date_column_problem(name: str, dates: _NumericDates, undecided: str, sheets: list[str] | None) -> str | None:
    """The message for one date column (named `name`) whose dates are mixed, month-first or undecided; else None."""
    day, month, doubt = dates.day, dates.month, dates.doubt
    if day.count and month.count:
        return _mixed_order_message(name, day, month, sheets)
    if month.count:
        return (
            f"tanggal di kolom {name} ditulis bulan/hari/tahun (angka kedua sampai {dates.max_second}), "
            f"mis. '{month.value}' (baris {line_ref(month.line, sheets)}); Pantau membaca hari/bulan/tahun. "
            "Ekspor ulang dengan "
            f"lokal Indonesia, atau {HOW_TO_WRITE}"
        )
    if doubt.count and not day.count and undecided == "refuse":
        return (
            f"tanggal di kolom {name} tidak pasti urutannya: '{doubt.value}' "
            f"(baris {line_ref(doubt.line, sheets)}) bisa "
            f"{_readings(doubt.value)}, dan tidak ada tanggal di berkas ini dengan angka di atas 12 yang "
            f"memastikannya ({doubt.count} tanggal seperti ini); tanggal tidak ditebak: {HOW_TO_WRITE}"
        )
    return None


def _mixed_order_message(name: str, day: _DateKind, month: _DateKind, sheets: list[str] | None) -> str:
    """Both orders proven in one column: the order most dates prove is the file's; the first date
    proving the other contradicts it."""
    day_proof = f"'{day.value}' (baris {line_ref(day.line, sheets)}) hanya bisa hari/bulan/tahun"
    month_proof = f"'{month.value}' (baris {line_ref(month.line, sheets)}) hanya bisa bulan/hari/tahun"
    if day.count >= month.count:
        proof, bad, bad_line = day_proof, month_proof, month.line
    else:
        proof, bad, bad_line = month_proof, day_proof, day.line
    return (
        f"tanggal di kolom {name} bercampur urutan: {proof} ({max(day.count, month.count)} tanggal), "
        f"tetapi {bad}; berkas ditolak seluruhnya karena urutan tanggal lainnya tidak dapat dipastikan. "
        f"Periksa baris {line_ref(bad_line, sheets)}, {HOW_TO_WRITE}"
    )


SUGGEST_CUTOFF = 0.6  # difflib ratio below which a header is not offered as an alias


def header_suggestions(rows: list[tuple[int, list[str]]], shapes: list[str], specs: dict[str, list[ColumnSpec]]) -> str:
    """For a file whose header is not recognised: the headers seen (the widest of the first rows),
    the closest canonical column of each (difflib on the normalised names and aliases) and the
    alias to add to data/reference/column_aliases.csv."""
    widest = max(rows, key=lambda r: sum(1 for c in r[1] if c not in (None, "")), default=None)
    cells = [str(c) for c in widest[1] if c not in (None, "")] if widest else []
    if not cells:
        return ""
    names = {}  # normalised alias -> (shape, column)
    for shape in shapes:
        for spec in specs[shape]:
            for alias in spec.aliases:
                names.setdefault(alias, (shape, spec.column))
    lines = []
    for cell in cells:
        key = normalise_header(cell)
        close = difflib.get_close_matches(key, list(names), n=1, cutoff=SUGGEST_CUTOFF) if key else []
        if close and close[0] != key:
            shape, column = names[close[0]]
            lines.append(
                f"'{cell}' mirip kolom {column} ('{close[0]}'): tambahkan |{key} di akhir kolom aliases "
                f"baris {shape},{column},… di data/reference/column_aliases.csv"
            )
    seen = f"; judul kolom yang terbaca (baris {widest[0]}): {', '.join(cells)}"
    return seen + ("; " + "; ".join(lines) if lines else "; tidak ada yang mirip kolom yang dikenal")


def missing_suggestions(unmatched: list[str], missing: list[str], shape: str, specs: list[ColumnSpec]) -> str:
    """For each missing column, the unrecognised header closest to its names (difflib) and the alias to add."""
    by_column = {spec.column: spec for spec in specs}
    keys = {normalise_header(h): h for h in unmatched if normalise_header(h)}
    lines = []
    for column in (c for group in missing for c in group.split(" atau ")):
        best = max(
            (
                (difflib.SequenceMatcher(None, key, alias).ratio(), key)
                for key in keys
                for alias in by_column[column].aliases
            ),
            default=(0.0, ""),
        )
        if best[0] >= SUGGEST_CUTOFF:
            lines.append(
                f"'{keys[best[1]]}' mirip kolom {column}: tambahkan |{best[1]} di akhir kolom aliases "
                f"baris {shape},{column},…"
            )
    return ("; " + "; ".join(lines)) if lines else ""
