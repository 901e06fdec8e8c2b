"""The units an inbox is generated for: the office's (data/reference/units.csv), or a generated
province of many service units under instansi/OPD, whose units reference is written beside it."""

from __future__ import annotations

from pathlib import Path

from data.sample.reference import read_reference, write_reference

_SYLLABLES = [c + v for c in "bdghjklmnprstwy" for v in "aeiou"]


def _place_word(j: int) -> str:
    """A place-like word for the j-th unit ('Baban', 'Baben', …): names without digits, so that a number
    in a report is always a figure, and unique as whole words (units are matched by name)."""
    n = len(_SYLLABLES)
    parts = [_SYLLABLES[j % n]]
    j //= n
    while j or len(parts) < 2:
        parts.append(_SYLLABLES[j % n])
        j //= n
    return "".join(reversed(parts)).capitalize() + "n"


def province_units(units: int, parents: int) -> list[dict[str, str]]:
    """units.csv of a generated province: the office (the first row of data/reference/units.csv),
    ``parents`` instansi/OPD directly under it and ``units`` service units spread over them in turn
    (unit j under parent j mod parents), as a province's schools, puskesmas and offices are."""
    if units < 1 or parents < 1 or parents > units:
        raise ValueError("units and parents must be at least 1, and parents at most units")
    root = dict(read_reference("units.csv")[0])
    width = len(str(units))
    rows = [root]
    for i in range(parents):
        rows.append(
            {
                **root,
                "slug": f"opd-{i + 1:02d}",
                "name": f"Dinas {_place_word(i)}",
                "kind": "instansi",
                "parent": root["slug"],
                "aliases": "",
                "melayani": "tidak",
            }
        )
    for j in range(units):
        rows.append(
            {
                **root,
                "slug": f"unit-{j + 1:0{width}d}",
                "name": f"Unit Layanan {_place_word(j)}",
                "kind": "kelurahan",
                "parent": f"opd-{j % parents + 1:02d}",
                "aliases": "",
                "melayani": "ya",
            }
        )
    return rows


def run_units(root: Path, n_units: int | None, parents: int | None, reference: Path | None) -> list[dict[str, str]]:
    """The units that hold ASN: the office's, or (``n_units``) a province's service units, whose
    units.csv is written with the other reference tables to ``reference`` (default
    ``<root>-referensi`` beside the inbox)."""
    units = read_reference("units.csv")
    if n_units is not None:
        tree = province_units(int(n_units), int(parents or max(1, int(n_units) // 80)))
        write_reference(reference or root.parent / f"{root.name}-referensi", tree)
        units = [u for u in tree if u["kind"] != "instansi"]  # the instansi hold no ASN of their own
    return units
