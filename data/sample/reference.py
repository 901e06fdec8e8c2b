"""The reference tables the generator reads (data/reference) and the copy it writes for a province."""

from __future__ import annotations

import csv
from pathlib import Path

REFERENCE_DIR = Path(__file__).resolve().parents[1] / "reference"


def read_reference(name: str) -> list[dict[str, str]]:
    with open(REFERENCE_DIR / name, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def write_reference(target: Path, unit_rows: list[dict[str, str]]) -> None:
    """A copy of data/reference at ``target`` whose units.csv holds ``unit_rows`` (the reference a
    generated province is run with: ``[paths] reference``)."""
    target = Path(target)
    target.mkdir(parents=True, exist_ok=True)
    for path in sorted(REFERENCE_DIR.glob("*.csv")):
        if path.name != "units.csv":
            (target / path.name).write_bytes(path.read_bytes())
    with open(target / "units.csv", "w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(unit_rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(unit_rows)
