"""The messy variant: how files are written differently (headers, date and time formats, status
words, the plan of which file gets which) and the defects injected into them, each recorded in the
manifest (``out/.manifest.json``) under a rule id of ``RULES``."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import NamedTuple

import numpy as np

from data.sample.attendance import ST_H, STATUS_VARIANTS, RecapFormat
from data.sample.columns import RECAP_COL, RECAP_COLUMNS, SCAN_COLUMNS, SKM_COL, SKP_COL
from data.sample.context import RunContext
from data.sample.dates import HHMM, HHMM_DOT, Month, date_str, ym_str
from data.sample.output import Output
from data.sample.streams import stream

RECAP_HEADERS = [
    tuple(RECAP_COLUMNS),
    ("NIP", "Tanggal", "Jam Masuk", "Jam Pulang", "Keterangan"),
    ("NIP", "TGL", "Masuk", "Pulang", "Status"),
]
SCAN_HEADERS = [tuple(SCAN_COLUMNS), ("User ID", "DateTime", "In/Out", "Device"), ("PIN", "Tanggal Jam", "IO", "Mesin")]


class ScanFormat(NamedTuple):
    date: str = "iso"
    header: tuple = tuple(SCAN_COLUMNS)


#: the fields of a recap line (RECAP_COLUMNS, whichever header the file has)
_NIP, _TANGGAL, _MASUK, _PULANG, _STATUS = (RECAP_COL[c] for c in RECAP_COLUMNS)

#: a (unit slug, month index) pair names one attendance file
FileKey = tuple[str, int]


@dataclass
class AttendancePlan:
    """Which attendance file is written how, and which recap gets which defects (empty when clean)."""

    recap_fmt: dict[FileKey, RecapFormat] = field(default_factory=dict)
    defects: dict[FileKey, list[str]] = field(default_factory=dict)
    scan_fmt: dict[FileKey, ScanFormat] = field(default_factory=dict)
    scan_dups: set[FileKey] = field(default_factory=set)


def plan_attendance(run: RunContext, recap_files: list[FileKey], scan_files: list[FileKey]) -> AttendancePlan:
    plan = AttendancePlan()
    if not run.messy:
        return plan
    mrng = run.messy_rng
    perm = mrng.permutation(len(recap_files))
    for j, i in enumerate(perm.tolist()):
        f = RecapFormat(
            date=("iso", "dmy", "long")[j % 3],
            dot_time=(j % 4 == 1),
            status_words=(j % 2 == 1),
            header=RECAP_HEADERS[int(mrng.integers(len(RECAP_HEADERS)))],
        )
        plan.recap_fmt[recap_files[i]] = f
    colon = [k for k in recap_files if not plan.recap_fmt[k].dot_time]
    dmy = [k for k in recap_files if plan.recap_fmt[k].date == "dmy"]

    def pick(pool):
        return pool[int(mrng.integers(len(pool)))]

    for rule in (
        "duplicate_exact",
        "duplicate_exact",
        "duplicate_conflict",
        "nip_17",
        "nip_letter",
        "status_unknown",
        "date_future",
    ):
        plan.defects.setdefault(pick(recap_files), []).append(rule)
    plan.defects.setdefault(pick(colon), []).append("time_invalid")
    plan.defects.setdefault(pick(dmy), []).append("date_invalid")
    for key in scan_files:
        r = stream(run.seed, "scanfmt", *key)
        plan.scan_fmt[key] = ScanFormat(
            "dmy" if r.random() < 0.3 else "iso", SCAN_HEADERS[int(r.integers(len(SCAN_HEADERS)))]
        )
    plan.scan_dups.add(scan_files[int(mrng.integers(len(scan_files)))])
    return plan


def duplicate_scans(seed: int, lines: list[str]) -> None:
    """The machine exported a few scans twice: exact duplicates collapse."""
    for j in sorted(set(stream(seed, "scandup").integers(0, len(lines) - 1, 3).tolist()), reverse=True):
        lines.insert(j + 1, lines[j])


def bad_nip(nip: str, kind: str) -> str:
    if kind == "nip_17":
        return nip[:12] + nip[13:]  # one digit lost
    if kind == "nip_letter":
        return nip[:15] + "O" + nip[16:]  # letter O typed for zero
    return nip[:4] + "13" + nip[6:]  # birth month 13


def inject_recap(
    o: Output,
    rel: str,
    lines: list[str],
    *,
    sep: str,
    rules: list[str],
    fmt: RecapFormat,
    mo: Month,
    y_end: int,
    rng: np.random.Generator,
) -> list[str]:
    """The recap's defects ``rules`` on rows of present ASN (duplicates inserted nearby)."""
    rows = [ln.split(sep) for ln in lines]
    h_codes = {"H"} | set(STATUS_VARIANTS[ST_H])
    eligible = [i for i, r in enumerate(rows) if r[_STATUS] in h_codes and r[_MASUK] and r[_PULANG]]
    need = len(rules)
    if len(eligible) < need:
        return lines
    chosen = rng.choice(eligible, size=need, replace=False).tolist()
    marks: list[tuple[list, str, str, str]] = []  # (row object, column, rule, note)
    inserts: list[tuple[int, list]] = []
    hh = HHMM_DOT if fmt.dot_time else HHMM
    for rule, i in zip(rules, chosen, strict=True):
        r = rows[i]
        if rule == "duplicate_exact":
            copy = list(r)
            inserts.append((i + 1 + int(rng.integers(1, 4)), copy))
            marks.append((copy, "nip", "duplicate_exact", r))
        elif rule == "duplicate_conflict":
            copy = list(r)
            m_in = int(copy[_MASUK].replace(".", ":").split(":")[0]) * 60 + int(
                copy[_MASUK].replace(".", ":").split(":")[1]
            )
            copy[_MASUK] = hh[max(0, m_in - int(rng.integers(20, 50)))]
            inserts.append((i + 1 + int(rng.integers(0, 3)), copy))
            marks.append((r, "nip", "duplicate_conflict", "nip+tanggal sama, jam berbeda"))
            marks.append((copy, "nip", "duplicate_conflict", "nip+tanggal sama, jam berbeda"))
        elif rule in ("nip_17", "nip_letter"):
            r[_NIP] = bad_nip(r[_NIP], rule)
            marks.append((r, "nip", "nip_format", "NIP 17 digit" if rule == "nip_17" else "NIP berisi huruf"))
        elif rule == "status_unknown":
            r[_STATUS] = "X"
            marks.append((r, "status", "status_unknown", "kode status X tidak dikenal"))
        elif rule == "time_invalid":
            r[_MASUK] = "25:99"
            marks.append((r, "jam_masuk", "time_invalid", "jam 25:99"))
        elif rule == "date_invalid":
            r[_TANGGAL] = f"31/02/{mo.y}"
            marks.append((r, "tanggal", "date_invalid", "tanggal 31/02 tidak ada"))
        elif rule == "date_future":
            fut = dt.date(y_end + 2, mo.m, min(28, max(1, mo.days[0].day)))
            r[_TANGGAL] = date_str(fut, fmt.date)
            marks.append((r, "tanggal", "date_future", f"tanggal {fut.isoformat()} di masa depan"))
    for pos, copy in sorted(inserts, key=lambda t: -t[0]):
        rows.insert(min(pos, len(rows)), copy)
    where = {id(r): n for n, r in enumerate(rows)}
    for r, col, rule, note in marks:
        if rule == "duplicate_exact":  # note carries the original row object
            note = f"salinan persis baris {where[id(note)] + 2}"
        o.defect(rel, where[id(r)] + 2, col, rule, note)
    return [sep.join(r) for r in rows]


def inject_skp(
    o: Output, rel: str, rows: list[list[str]], rules: list[str], first_row: int, rng: np.random.Generator
) -> None:
    """Mutate whole ASN-months (nip, rating) or single rows; record each row in the manifest."""
    groups: dict[str, list[int]] = {}
    for i, r in enumerate(rows):
        groups.setdefault(r[SKP_COL["nip"]], []).append(i)
    keys = list(groups)
    if len(keys) < len(rules) + 1:
        return
    chosen = rng.choice(len(keys), size=len(rules), replace=False).tolist()
    for rule, gk in zip(rules, chosen, strict=True):
        idxs = groups[keys[gk]]
        if rule == "nip_month13":
            for i in idxs:
                rows[i][SKP_COL["nip"]] = bad_nip(rows[i][SKP_COL["nip"]], "month13")
                o.defect(rel, i + first_row, "nip", "nip_format", "bulan lahir 13 pada NIP")
        elif rule == "rating_unknown":
            for i in idxs:
                rows[i][SKP_COL["rating_hasil_kerja"]] = "sangat baik"
                o.defect(
                    rel, i + first_row, "rating_hasil_kerja", "rating_unknown", "'sangat baik' bukan rating hasil kerja"
                )
        else:
            cands = [i for i in idxs if rows[i][SKP_COL["target"]]] if rule == "target_invalid" else idxs
            if not cands:
                cands = idxs
            i = cands[int(rng.integers(len(cands)))]
            if rule == "direction_unknown":
                rows[i][SKP_COL["arah"]] = "atas"
                o.defect(rel, i + first_row, "arah", "direction_unknown", "arah 'atas'")
            elif rule == "target_invalid":
                rows[i][SKP_COL["target"]] = rows[i][SKP_COL["target_min"]] = rows[i][SKP_COL["target_max"]] = ""
                rows[i][SKP_COL["kendala"]] = ""
                o.defect(rel, i + first_row, "target", "target_invalid", "target kosong dan tanpa rentang")
            elif rule == "realisasi_invalid":
                rows[i][SKP_COL["realisasi"]] = "belum ada"
                o.defect(rel, i + first_row, "realisasi", "realisasi_invalid", "realisasi bukan angka")


@dataclass(frozen=True)
class SkpPlan:
    """The SKP month written as XLSX and the defects per periode (none when clean)."""

    xlsx_month: tuple[int, int] | None = None
    defects: dict[str, list[str]] = field(default_factory=dict)


def plan_skp(run: RunContext) -> SkpPlan:
    if not run.messy:
        return SkpPlan()
    mrng = run.messy_rng
    monthly_keys = [(mo.y, mo.m) for mo in run.months]
    defects: dict[str, list[str]] = {}
    xlsx_month = monthly_keys[int(mrng.integers(len(monthly_keys)))]
    rules = ["nip_month13", "direction_unknown", "target_invalid", "realisasi_invalid", "rating_unknown"]
    for rule in rules:
        ym = ym_str(*monthly_keys[int(mrng.integers(len(monthly_keys)))])
        defects.setdefault(ym, []).append(rule)
    # make sure the XLSX month has one defect, so XLSX row numbering is exercised
    defects.setdefault(ym_str(*xlsx_month), []).append("direction_unknown")
    return SkpPlan(xlsx_month, defects)


@dataclass(frozen=True)
class SkmPlan:
    """The unit-months written as answer labels and as a form export, and the out-of-range
    scores per month index (none when clean)."""

    label_key: tuple[str, int] | None = None
    form_key: tuple[str, int] | None = None
    score_defects: dict[int, list[str]] = field(default_factory=dict)


def plan_skm(run: RunContext, unit_slugs: list[str]) -> SkmPlan:
    if not run.messy:
        return SkmPlan()
    mrng, n_months = run.messy_rng, len(run.months)
    pair = mrng.choice(len(unit_slugs), size=2, replace=False).tolist()
    label_key = (unit_slugs[pair[0]], int(mrng.integers(n_months)))
    form_key = (unit_slugs[pair[1]], int(mrng.integers(n_months)))
    score_defects: dict[int, list[str]] = {}
    for v in ("0", "5", "3,5"):
        score_defects.setdefault(int(mrng.integers(n_months)), []).append(v)
    return SkmPlan(label_key, form_key, score_defects)


def mess_skm_month(run: RunContext, rel: str, out_rows: list[list[str]], scores: list[str]) -> None:
    """A month's SKM file as sent: unit names sometimes by alias, the planned ``scores`` out of
    range (each on a row of its own)."""
    alias_rng = stream(run.seed, "skm-alias", rel)
    unit_col = SKM_COL["unit_layanan"]
    if alias_rng.random() < 0.4:
        alias = {u["name"]: u["aliases"].split("|")[0] for u in run.units}
        for r in out_rows:
            r[unit_col] = alias.get(r[unit_col], r[unit_col])
    mrng, o = run.messy_rng, run.out
    for v in scores:
        if len(out_rows) < 4:
            break
        taken = {(m["row"]) for m in o.manifest if m["file"] == rel}
        while True:
            i = int(mrng.integers(len(out_rows)))
            if i + 2 not in taken:
                break
        col = int(mrng.integers(1, 10))
        out_rows[i][SKM_COL[f"u{col}"]] = v
        o.defect(rel, i + 2, f"u{col}", "score_range", f"nilai {v} di luar 1-4")
