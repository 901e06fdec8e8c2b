"""The roster: positions per unit, superiors (nip_atasan), people, movers (TMT), NIPs and PINs;
written as ``pegawai/pegawai.csv`` (``pegawai.xlsx`` when messy)."""

from __future__ import annotations

import calendar
import datetime as dt
import math
from dataclasses import dataclass

import numpy as np

from data.sample.columns import ROSTER_COLUMNS
from data.sample.context import RunContext
from data.sample.names import person_name
from data.sample.streams import stream
from data.sample.writers import CHUNK_ROWS, CsvFile, CsvStyle, join_line, write_xlsx

ROSTER_HEADERS_XLSX = [
    "NIP",
    "Nama Pegawai",
    "Jabatan",
    "Unit Kerja",
    "Status ASN",
    "Gol",
    "NIP Atasan",
    "PIN",
    "TMT Mulai",
    "TMT Selesai",
]

_KEC_STRUCT = [
    ("camat", "Camat Rakumpit", "camat"),
    ("sekcam", "Sekretaris Camat", "sekcam"),
    ("kasi", "Kepala Seksi Pemerintahan", "kasi_pem"),
    ("kasi", "Kepala Seksi Pelayanan Umum", "kasi_pel"),
    ("kasi", "Kepala Seksi Ketentraman dan Ketertiban Umum", "kasi_trantib"),
    ("kasi", "Kepala Seksi Pemberdayaan Masyarakat", "kasi_pmd"),
    ("kasubbag", "Kepala Subbagian Umum dan Kepegawaian", "kasubbag_umum"),
    ("kasubbag", "Kepala Subbagian Perencanaan dan Keuangan", "kasubbag_keu"),
    ("kasi", "Kepala Seksi Kesejahteraan Sosial", "kasi_kesos"),
]
_KEC_STAFF = [
    ("Pengadministrasi Perkantoran", "admin", 3),
    ("Penata Layanan Operasional", "admin", 2),
    ("Pengelola Keuangan", "keu", 2),
    ("Pengolah Data dan Informasi", "data", 2),
    ("Analis Kebijakan Ahli Pertama", "analis", 1),
    ("Operator Layanan Operasional", "operator", 2),
    ("Pranata Komputer Ahli Pertama", "data", 1),
]
_PATEN_STAFF = [
    ("Penata Layanan Operasional", "paten", 3),
    ("Operator Layanan Operasional", "paten", 2),
    ("Pengadministrasi Perkantoran", "paten", 2),
    ("Pengelola Layanan Kependudukan", "paten", 2),
]
_KEL_STRUCT = [
    ("lurah", "Lurah {place}", "lurah"),
    ("seklur", "Sekretaris Lurah", "seklur"),
    ("kasi", "Kepala Seksi Pemerintahan", "kasi_kel_pem"),
    ("kasi", "Kepala Seksi Pemberdayaan Masyarakat", "kasi_kel_pmd"),
    ("kasi", "Kepala Seksi Ketentraman dan Ketertiban", "kasi_kel_trantib"),
]
_KEL_STAFF = [
    ("Pengadministrasi Perkantoran", "kel_admin", 3),
    ("Penata Layanan Operasional", "kel_layanan", 2),
    ("Operator Layanan Operasional", "kel_layanan", 2),
    ("Pengolah Data dan Informasi", "kel_data", 2),
]

_AGES = {
    "camat": (42, 55),
    "sekcam": (40, 55),
    "kasi": (33, 56),
    "kasubbag": (33, 56),
    "lurah": (36, 56),
    "seklur": (32, 56),
    "staff": (22, 58),
}
_GOL = {
    "camat": (["IV/a", "IV/b"], [0.6, 0.4]),
    "sekcam": (["III/d", "IV/a"], [0.5, 0.5]),
    "kasi": (["III/c", "III/d", "IV/a"], [0.4, 0.45, 0.15]),
    "kasubbag": (["III/c", "III/d"], [0.5, 0.5]),
    "lurah": (["III/c", "III/d", "IV/a"], [0.35, 0.5, 0.15]),
    "seklur": (["III/b", "III/c", "III/d"], [0.4, 0.4, 0.2]),
    "staff": (
        ["II/a", "II/b", "II/c", "II/d", "III/a", "III/b", "III/c", "III/d"],
        [0.05, 0.05, 0.1, 0.05, 0.25, 0.25, 0.15, 0.1],
    ),
}
_GOL_PPPK = (["V", "VII", "IX"], [0.25, 0.35, 0.4])


@dataclass
class Employee:
    idx: int
    unit: str
    level: str  # camat, sekcam, kasi, kasubbag, lurah, seklur, staff
    role: str  # indicator group
    jabatan: str
    structural: bool
    sex: int = 1
    birth: dt.date = dt.date(1980, 1, 1)
    nip: str = ""
    nama: str = ""
    unit_label: str = ""
    jenis: str = "PNS"
    gol: str = ""
    atasan: int = -1
    pin: int = 0
    tmt_mulai: dt.date | None = None
    tmt_selesai: dt.date | None = None


def _weekday(y: int, m: int, day: int) -> dt.date:
    """The given day, or the Friday before when it falls on a weekend (an SK date)."""
    d = dt.date(y, m, day)
    while d.weekday() >= 5:
        d -= dt.timedelta(days=1)
    return d


def _allocate(n: int, units: list[dict]) -> list[int]:
    weights = [0.22 if u["kind"] == "kecamatan" else 0.08 if u["kind"] == "paten" else 0.10 for u in units]
    total = sum(weights)
    raw = [n * w / total for w in weights]
    counts = [int(math.floor(x)) for x in raw]
    order = sorted(range(len(units)), key=lambda i: (-(raw[i] - counts[i]), i))
    for i in order[: n - sum(counts)]:
        counts[i] += 1
    mins = [2 if u["kind"] == "kecamatan" else 1 for u in units]
    for i, mn in enumerate(mins):
        while counts[i] < mn:
            j = max(range(len(units)), key=lambda k: (counts[k] - mins[k], -k))
            counts[j] -= 1
            counts[i] += 1
    return counts


def build_roster(n: int, units: list[dict], months: list[tuple[int, int]], seed: int) -> list[Employee]:
    """The roster of ``n`` ASN over ``units``: positions, superiors, people, movers, NIPs, PINs.

    One random stream runs through the steps in this order (the order is part of the output)."""
    rng = stream(seed, "roster")
    emps = _positions(rng, units, _allocate(n, units))
    _assign_superiors(rng, emps, units)
    y_end, m_end = months[-1]
    ref = dt.date(y_end, m_end, calendar.monthrange(y_end, m_end)[1])
    _draw_people(rng, emps, units, ref)
    new_appointment = _draw_movers(rng, emps, months)
    _assign_nips(rng, emps, months, new_appointment)
    pins = np.arange(1, len(emps) + 1)
    for e, p in zip(emps, pins, strict=True):
        e.pin = int(p)
    return emps


def _positions(rng: np.random.Generator, units: list[dict], counts: list[int]) -> list[Employee]:
    """Each unit's structural positions (as many as its size allows), then staff drawn by weight."""
    emps: list[Employee] = []
    for u, c in zip(units, counts, strict=True):
        if u["kind"] == "kecamatan":
            ns = min(len(_KEC_STRUCT), max(2, math.ceil(c * 0.6)))
            struct, staff = _KEC_STRUCT[:ns], _KEC_STAFF
        elif u["kind"] == "paten":
            ns, struct, staff = 0, [], _PATEN_STAFF
        else:
            ns = min(len(_KEL_STRUCT), max(1, math.ceil(c * 0.5)))
            struct, staff = _KEL_STRUCT[:ns], _KEL_STAFF
        place = u["name"].replace("Kantor Kelurahan ", "")
        for level, jab, role in struct:
            emps.append(Employee(len(emps), u["slug"], level, role, jab.format(place=place), True))
        w = np.array([s[2] for s in staff], float)
        picks = rng.choice(len(staff), size=c - ns, p=w / w.sum())
        for k in picks:
            jab, role, _ = staff[int(k)]
            emps.append(Employee(len(emps), u["slug"], "staff", role, jab, False))
    return emps


def _assign_superiors(rng: np.random.Generator, emps: list[Employee], units: list[dict]) -> None:
    """hierarchy: camat <- sekcam, kasi, lurah; sekcam <- kasubbag; heads <- staff"""
    kind_of = {u["slug"]: u["kind"] for u in units}
    by_unit: dict[str, list[Employee]] = {}
    for e in emps:
        by_unit.setdefault(e.unit, []).append(e)
    kec = next(u["slug"] for u in units if u["kind"] == "kecamatan")
    camat, kasi_pel = _kecamatan_superiors(rng, by_unit[kec])
    for slug, members in by_unit.items():
        if kind_of[slug] == "paten":
            for e in members:
                e.atasan = kasi_pel.idx  # PATEN counter reports to Kasi Pelayanan Umum
        elif kind_of[slug] == "kelurahan":
            _kelurahan_superiors(rng, members, camat)


def _kecamatan_superiors(rng: np.random.Generator, kec_emps: list[Employee]) -> tuple[Employee, Employee]:
    """The kantor's superiors; returns the camat and the Kasi Pelayanan Umum (or the sekcam)."""
    camat = next(e for e in kec_emps if e.level == "camat")
    sekcam = next(e for e in kec_emps if e.level == "sekcam")
    kasi_pel = next((e for e in kec_emps if e.role == "kasi_pel"), sekcam)
    kec_heads = [e for e in kec_emps if e.level in ("kasi", "kasubbag")] or [sekcam]
    for e in kec_emps:
        if e.level in ("sekcam", "kasi"):
            e.atasan = camat.idx
        elif e.level == "kasubbag":
            e.atasan = sekcam.idx
        elif e.level == "staff":
            e.atasan = kec_heads[int(rng.integers(len(kec_heads)))].idx
    return camat, kasi_pel


def _kelurahan_superiors(rng: np.random.Generator, members: list[Employee], camat: Employee) -> None:
    lurah = next(e for e in members if e.level == "lurah")
    heads = [e for e in members if e.level in ("seklur", "kasi")] or [lurah]
    for e in members:
        if e.level == "lurah":
            e.atasan = camat.idx
        elif e.level in ("seklur", "kasi"):
            e.atasan = lurah.idx
        else:
            e.atasan = heads[int(rng.integers(len(heads)))].idx


def _draw_people(rng: np.random.Generator, emps: list[Employee], units: list[dict], ref: dt.date) -> None:
    """Sex, name, PNS/PPPK, birth date (age at ``ref``), golongan and the unit name as written."""
    n_staff = sum(1 for e in emps if not e.structural)
    p_pppk = min(0.5, 0.2 * len(emps) / max(1, n_staff))
    units_by_slug = {u["slug"]: u for u in units}
    used_names: set[str] = set()
    for e in emps:
        e.sex = 1 if rng.random() < (0.6 if e.structural else 0.5) else 2
        for _ in range(8 if len(emps) <= 2000 else 1):  # avoid namesakes in an office
            e.nama = person_name(rng, e.sex, e.structural)
            if e.nama.split(",")[0] not in used_names:
                break
        used_names.add(e.nama.split(",")[0])
        e.jenis = "PPPK" if (not e.structural and rng.random() < p_pppk) else "PNS"
        lo, hi = _AGES[e.level] if e.jenis == "PNS" else (24, 50)
        days = int(rng.integers(int(lo * 365.25) + 2, int((hi + 1) * 365.25) - 2))
        e.birth = ref - dt.timedelta(days=days)
        if e.jenis == "PNS":
            gols, p = _GOL[e.level]
        else:
            gols, p = _GOL_PPPK
        e.gol = gols[int(rng.choice(len(gols), p=p))]
        u = units_by_slug[e.unit]
        aliases = [a for a in u["aliases"].split("|") if a]
        e.unit_label = aliases[int(rng.integers(len(aliases)))] if aliases and rng.random() < 0.15 else u["name"]


def _draw_movers(rng: np.random.Generator, emps: list[Employee], months: list[tuple[int, int]]) -> set[int]:
    """A couple of ASN start or leave inside the period (staff only); returns the new appointees
    (new CPNS/PPPK, whose NIP carries the TMT month)."""
    staff_idx = [e.idx for e in emps if not e.structural]
    n_start = min(len(staff_idx) // 4, max(1, round(len(emps) * 0.03)))
    n_leave = min(len(staff_idx) // 4, max(1, round(len(emps) * 0.015)))
    movers = rng.permutation(staff_idx)[: n_start + n_leave] if staff_idx else []
    new_appointment: set[int] = set()
    for k, i in enumerate(movers):
        e = emps[int(i)]
        if len(months) > 1:
            y, m = months[int(rng.integers(1, len(months)))]
        else:
            y, m = months[0]
        last = calendar.monthrange(y, m)[1]

        if k < n_start:
            if len(months) > 1 and rng.random() < 0.5:
                e.tmt_mulai = dt.date(y, m, 1)  # new CPNS/PPPK: TMT is the 1st of a month
                new_appointment.add(e.idx)
            else:
                e.tmt_mulai = _weekday(y, m, int(rng.integers(5, 21)))  # mutasi masuk
        elif rng.random() < 0.5 or len(months) == 1:
            e.tmt_selesai = _weekday(y, m, int(rng.integers(8, 25)))  # mutasi keluar
        else:
            e.tmt_selesai = dt.date(y, m, last)  # pensiun/berhenti at month end
    return new_appointment


def _assign_nips(
    rng: np.random.Generator, emps: list[Employee], months: list[tuple[int, int]], new_appointment: set[int]
) -> None:
    """NIP = birth date, TMT month, sex, sequence: 18 digits, unique."""
    y_end, m_end = months[-1]
    ref_t = y_end * 12 + m_end - 1
    seen: dict[str, int] = {}
    first_t = months[0][0] * 12 + months[0][1] - 1
    for e in emps:
        t = _tmt_month(rng, e, e.idx in new_appointment, first_t, ref_t)
        prefix = f"{e.birth:%Y%m%d}{t // 12:04d}{t % 12 + 1:02d}{e.sex}"
        seq = seen.get(prefix, 0) + 1
        seen[prefix] = seq
        if seq > 999:  # needs >999 ASN born the same day, same TMT and sex
            raise RuntimeError("NIP sequence exhausted")
        e.nip = f"{prefix}{seq:03d}"


def _tmt_month(rng: np.random.Generator, e: Employee, new: bool, first_t: int, ref_t: int) -> int:
    """The month (year * 12 + month - 1) of the ASN's appointment, as the NIP writes it."""
    b_t = e.birth.year * 12 + e.birth.month - 1
    t_min = b_t + 18 * 12 + 6  # TMT well after the 18th birthday
    if new and e.tmt_mulai is not None:
        t = e.tmt_mulai.year * 12 + e.tmt_mulai.month - 1
    else:
        # already serving before the first generated month
        hi_t = first_t - 1
        if e.jenis == "PPPK":
            lo_t = max(t_min, ref_t - 66)  # PPPK appointed since ~2021
        else:
            lo_t = max(t_min, b_t + (21 if e.structural else 19) * 12)
            hi_t = min(hi_t, b_t + (28 if e.structural else 35) * 12)
        lo_t = min(lo_t, hi_t)
        t = int(rng.integers(lo_t, hi_t + 1))
    return max(t_min, min(t, ref_t))


def write_roster(run: RunContext, emps: list[Employee]) -> None:
    def atasan(e):
        return emps[e.atasan].nip if e.atasan >= 0 else ""

    if run.messy:
        rows = [
            [
                e.nip,
                e.nama,
                e.jabatan,
                e.unit_label,
                e.jenis,
                e.gol,
                atasan(e) or None,
                e.pin,
                e.tmt_mulai,
                e.tmt_selesai,
            ]
            for e in emps
        ]
        write_xlsx(run.out, "pegawai/pegawai.xlsx", ROSTER_HEADERS_XLSX, rows, run.stamp)
        return
    rel = "pegawai/pegawai.csv"
    cf = CsvFile(run.out, rel, ROSTER_COLUMNS, CsvStyle())
    for lo in range(0, len(emps), CHUNK_ROWS):
        cf.write_lines(
            [
                join_line(
                    [
                        e.nip,
                        e.nama,
                        e.jabatan,
                        e.unit_label,
                        e.jenis,
                        e.gol,
                        atasan(e),
                        str(e.pin),
                        e.tmt_mulai.isoformat() if e.tmt_mulai else "",
                        e.tmt_selesai.isoformat() if e.tmt_selesai else "",
                    ],
                    ",",
                )
                for e in emps[lo : lo + CHUNK_ROWS]
            ]
        )
    cf.close()
