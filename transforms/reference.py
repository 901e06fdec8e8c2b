"""Reference tables (rules as data): every CSV in data/reference/ becomes ref.<name>.

Each load records the file's sha256 in lineage.reference_tables, so a number can be
traced to the version of the rule that produced it.
"""
from __future__ import annotations

import csv
import hashlib
from decimal import Decimal, InvalidOperation
from pathlib import Path

import duckdb

DEFAULT_REFERENCE_DIR = Path(__file__).resolve().parent.parent / "data" / "reference"
CHECKS_TABLE = "reference_tables.csv"   # what each table must hold: columns, keys, bands


class ReferenceTableError(Exception):
    """A broken reference table: the run stops before anything is computed from it (the commands
    exit 1 with the problems, like input that fails validation)."""

    def __init__(self, problems: list[str]):
        super().__init__(problems)
        self.problems = problems

    def __str__(self) -> str:
        return "tabel referensi rusak:\n" + "\n".join(f"- {p}" for p in self.problems)


def _read(path: Path) -> tuple[list[str], list[dict]]:
    with open(path, newline="", encoding="utf-8-sig") as fh:
        reader = csv.DictReader(fh)
        return list(reader.fieldnames or []), list(reader)


def _number(value: str | None) -> Decimal | None:
    if value is None or not value.strip():
        return None
    return Decimal(value.strip())


def check_reference_dir(reference_dir: Path) -> list[str]:
    """Problems of the reference tables, each naming the file, the row and what to fix.

    Rules per table in reference_tables.csv: required columns, unique keys, numeric band bounds,
    bands contiguous and non-overlapping within each group: next lower bound = previous upper bound
    + the table's resolution (0 for half-open bands [lower, upper))."""
    reference_dir = Path(reference_dir)
    problems: list[str] = []
    for path in sorted(reference_dir.glob("*.csv")):
        with open(path, encoding="utf-8-sig", errors="replace") as fh:
            header = fh.readline()
        if ";" in header and "," not in header:
            problems.append(f"{path}: baris 1 dipisah titik koma (;); simpan ulang sebagai CSV dengan pemisah koma (,)")
    spec_path = reference_dir / CHECKS_TABLE
    if not spec_path.exists():
        return problems + [f"{spec_path}: tabel aturan pemeriksaan referensi tidak ada; salin dari data/reference/{CHECKS_TABLE}"]
    if problems:
        return problems
    for spec in _read(spec_path)[1]:
        path = reference_dir / f"{spec['tabel']}.csv"
        if not path.exists():
            problems.append(f"{path}: tabel referensi tidak ada; salin dari data/reference/{path.name} lalu sesuaikan")
            continue
        problems += _check_table(path, spec)
    return problems


def _check_table(path: Path, spec: dict) -> list[str]:
    columns, records = _read(path)
    split = lambda v: [c for c in (v or "").split("|") if c]  # noqa: E731
    missing = [c for c in split(spec["kolom_wajib"]) if c not in columns]
    if missing:
        return [f"{path}: kolom wajib tidak ada: {', '.join(missing)} (baris 1); tambahkan kolom itu"]
    problems = []
    keys: dict[tuple, int] = {}
    for line, r in enumerate(records, start=2):
        key = tuple((r.get(c) or "").strip() for c in split(spec["kunci"]))
        if key in keys:
            problems.append(f"{path}: baris {line}: kunci {'/'.join(split(spec['kunci']))} = {'/'.join(key)} "
                            f"sudah ada di baris {keys[key]}; hapus atau ubah salah satunya")
        keys.setdefault(key, line)
    lower, upper = spec.get("kolom_bawah"), spec.get("kolom_atas")
    if not lower:
        return problems
    step = Decimal(spec["resolusi"] or "0")
    groups: dict[tuple, list] = {}
    for line, r in enumerate(records, start=2):
        try:
            lo, hi = _number(r[lower]), _number(r[upper])
        except InvalidOperation:
            problems.append(f"{path}: baris {line}: {lower}/{upper} harus angka (titik sebagai desimal), "
                            f"tertulis {r[lower]!r} / {r[upper]!r}")
            continue
        if lo is None and hi is None:
            continue   # a row outside the bands (e.g. TK in lateness_bands)
        if lo is not None and hi is not None and hi < lo:
            problems.append(f"{path}: baris {line}: {upper} = {hi} lebih kecil dari {lower} = {lo}; tukar atau perbaiki")
        groups.setdefault(tuple(r.get(c) for c in split(spec["kelompok"])), []).append((lo, hi, line))
    for group, bands in groups.items():
        where = f" (kelompok {'/'.join(g or '' for g in group)})" if group else ""
        bands.sort(key=lambda b: (b[0] is not None, b[0] or 0))
        for (plo, phi, pline), (lo, hi, line) in zip(bands, bands[1:]):
            expected = None if phi is None else phi + step
            if expected is None or lo is None or lo != expected:
                what = "tumpang tindih dengan" if expected is None or (lo is not None and lo < expected) else "berlubang setelah"
                problems.append(
                    f"{path}: baris {line}: {lower} = {lo if lo is not None else '(kosong)'} {what} baris {pline} "
                    f"({upper} = {phi if phi is not None else '(kosong)'}){where}; pita harus bersambung: "
                    f"{lower} seharusnya {expected if expected is not None else '(tidak ada: pita sebelumnya tanpa batas atas)'}"
                    f" (resolusi {step})")
    return problems


def sha256_file(path: Path, chunk: int = 1 << 20) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        while block := fh.read(chunk):
            digest.update(block)
    return digest.hexdigest()


def load_reference_tables(
    con: duckdb.DuckDBPyConnection, reference_dir: Path = DEFAULT_REFERENCE_DIR, run_id: str | None = None
) -> dict[str, str]:
    """Replace ref.* with the tables in reference_dir; return {name: sha256}.

    A broken table (reference_tables.csv says what each must hold) raises ReferenceTableError
    before any table is replaced."""
    problems = check_reference_dir(reference_dir)
    if problems:
        raise ReferenceTableError(problems)
    versions: dict[str, str] = {}
    for path in sorted(Path(reference_dir).glob("*.csv")):
        name = path.stem
        digest = sha256_file(path)
        # all_varchar keeps codes like "01" intact; SQL models cast what they need.
        con.execute(
            f"create or replace table ref.{name} as "
            "select * from read_csv(?, header=true, all_varchar=true, auto_detect=true)",
            [str(path)],
        )
        rows = con.execute(f"select count(*) from ref.{name}").fetchone()[0]
        con.execute(
            "insert into lineage.reference_tables (name, path, sha256, rows, run_id) values (?, ?, ?, ?, ?)",
            [name, str(path), digest, rows, run_id],
        )
        versions[name] = digest
    return versions
