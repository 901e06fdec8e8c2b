"""``koreksi/koreksi_<YYYY-MM>.csv``: the approved corrections of the last month."""

from __future__ import annotations

import datetime as dt

import numpy as np

from data.sample.columns import KOREKSI_COLUMNS
from data.sample.context import RunContext
from data.sample.presensi import Outage
from data.sample.roster import Employee
from data.sample.streams import stream
from data.sample.writers import CsvFile, join_line, style_for, trailing_rows

_DMY = "%d/%m/%Y"


def write_koreksi(run: RunContext, emps: list[Employee], outage: Outage) -> None:
    """koreksi/koreksi_<YYYY-MM>.csv: what an office's kepegawaian keeps, one approved correction a
    row: the day the machine was down (a berita acara by the unit's head, for the whole unit),
    two izin letters that came after the recap was sent (approved by each ASN's superior), and
    one check-out correction approved by a colleague, who is nobody's superior (quarantined)."""
    down_unit, down_day = outage.unit, outage.day
    if down_day is None:
        return
    rel = f"koreksi/koreksi_{down_day.strftime('%Y-%m')}.csv"
    style = style_for(run.seed, run.messy, rel)
    rng = stream(run.seed, "koreksi")
    by_unit = {u["slug"]: u for u in run.units}
    rows: list[list[str]] = []
    head = _unit_approver(emps, down_unit)
    if head is not None:
        rows.append(
            [
                "",
                by_unit[down_unit]["name"],
                down_day.strftime(_DMY),
                "status",
                "H",
                "mesin sidik jari rusak sejak pagi; pegawai hadir dan mengisi daftar hadir manual",
                f"Berita Acara Kerusakan Mesin Presensi Nomor 800/{int(rng.integers(10, 99))}/BA/"
                f"{down_day.month}/{down_day.year}",
                head.nip,
                (down_day + dt.timedelta(days=1)).strftime(_DMY),
            ]
        )
    rows += _late_izin_rows(rng, emps, outage.tk_days)
    rows += _colleague_rows(emps, down_unit, down_day)
    cf = CsvFile(run.out, rel, KOREKSI_COLUMNS, style)
    cf.write_lines([join_line(r, style.sep) for r in rows])
    cf.close(trailing_rows(run.seed, run.messy, rel))


def _chain(emps: list[Employee], e: Employee) -> list[int]:
    """The ASN's superiors up the nip_atasan chain, nearest first."""
    up, seen = [], set()
    while e.atasan >= 0 and e.atasan not in seen:
        seen.add(e.atasan)
        up.append(e.atasan)
        e = emps[e.atasan]
    return up


def _unit_approver(emps: list[Employee], unit: str | None) -> Employee | None:
    """The approver of a unit's correction: its head, or above (the nearest common superior of
    everyone in the unit; PATEN's counter staff report to a Kepala Seksi of the kantor)."""
    staff = [e for e in emps if e.unit == unit]
    chains = {e.idx: set(_chain(emps, e)) for e in staff}
    return next(
        (
            emps[a]
            for a in ([staff[0].idx] + _chain(emps, staff[0]))
            if staff and all(a in chains[e.idx] for e in staff if e.idx != a)
        ),
        None,
    )


def _late_izin_rows(
    rng: np.random.Generator, emps: list[Employee], tk_days: list[tuple[str, int, dt.date]]
) -> list[list[str]]:
    """Two izin letters (of two units) that came after the recap was sent."""
    rows: list[list[str]] = []
    seen: set[str] = set()
    for slug, i, day in tk_days:
        e = emps[i]
        if slug in seen or e.atasan < 0 or len(seen) == 2:
            continue
        seen.add(slug)
        rows.append(
            [
                e.nip,
                "",
                day.strftime(_DMY),
                "status",
                "I",
                "surat izin diserahkan setelah rekap presensi dikirim",
                f"Surat Izin Nomor {int(rng.integers(100, 999))}/{day.month}/{day.year}",
                emps[e.atasan].nip,
                (day + dt.timedelta(days=int(rng.integers(2, 6)))).strftime(_DMY),
            ]
        )
    return rows


def _colleague_rows(emps: list[Employee], down_unit: str | None, down_day: dt.date) -> list[list[str]]:
    """One check-out correction approved by a colleague (same superior), not a superior."""
    by_atasan: dict[int, list[Employee]] = {}
    for e in emps:
        if e.level == "staff" and e.atasan >= 0 and e.unit != down_unit:
            by_atasan.setdefault(e.atasan, []).append(e)
    peers = next(([g[0], g[1]] for g in by_atasan.values() if len(g) > 1), [])
    return [
        [
            a.nip,
            "",
            down_day.replace(day=down_day.day - 1).strftime(_DMY),
            "jam_pulang",
            "16:00",
            "lupa pindai pulang",
            "Surat keterangan rekan kerja",
            b.nip,
            down_day.strftime(_DMY),
        ]
        for a, b in ([peers] if peers else [])
    ]
