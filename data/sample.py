"""Sample inbox generator for Pantau Kinerja.

``generate(out, ...)`` writes an inbox folder the way the offices of Kecamatan Rakumpit would
deliver their exports and returns ``{relative path: data rows}`` (rows that are not the header
and not empty).

Layout (one folder per kind, see docs/inbox.md):

* ``pegawai/pegawai.csv`` - the roster (``pegawai.xlsx`` when messy).
* ``presensi/rekap_<unit>_<YYYY-MM>.csv`` - daily recaps of the units with even position in
  units.csv; ``presensi/scan_<unit>_<YYYY-MM>.csv`` - raw fingerprint logs of the other units,
  each with ``presensi/keterangan_<unit>_<YYYY-MM>.csv``: a recap of the absence days with a
  valid reason (I/S/C/DL/TB, no times), because a machine log cannot know about leave (no file
  in a month without such days).  A workday without scans and without a keterangan row is TK.
* ``skp/skp_<YYYY-MM>.csv`` monthly, plus ``skp/skp_<YYYY>-Q<n>.csv`` for the last complete
  quarter, which holds the kecamatan-office staff (they have no monthly rows in that quarter).
* ``skm/skm_<YYYY-MM>.csv`` survey responses; ``layanan/layanan_<YYYY>.csv`` people served.
* ``koreksi/koreksi_<YYYY-MM>.csv`` approved corrections of the last month: the first scan unit's
  machine was down one day (its log has no scans that day; a berita acara corrects the unit), two
  izin letters that came late, and one correction approved by a colleague (quarantined).

Stories in the data (for reports to show): a few habitually late ASN, one ASN with a dozen or so
TK days in a year and one or two with a few, two service units whose U3 (waktu penyelesaian)
worsens month by month with a growing share of waiting-time complaints, one unit-month with
pungli complaints (U4 drops), weak performers whose missed targets name pelatihan/kompetensi.

* Deterministic: every random stream is derived from ``seed`` and a fixed key (section, unit,
  month), so the same arguments give byte-identical files (XLSX included: fixed document
  properties and zip timestamps).  ``messy=True`` uses the *same* data and only changes how it is
  written, plus injected defects listed in ``out/.manifest.json``.
* Scalable: attendance is generated per unit and month with numpy and streamed to disk in
  chunks, so ``employees=100000`` never holds a month of rows in memory.
* Standard library + numpy + openpyxl only; prints nothing (pass ``progress`` for messages).

Manifest rows (messy): ``{"file", "row", "column", "rule", "note"}`` where ``row`` is the line a
person sees (1-based, header line = 1 in CSV; the Excel row number in XLSX, where row 1 is blank
and the header is row 2, so the first data row is 3).  Rule ids: see ``RULES``.
"""
from __future__ import annotations

import calendar
import csv
import datetime as dt
import io
import json
import math
import re
import zipfile
import zlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

REFERENCE_DIR = Path(__file__).resolve().parent / "reference"

__all__ = ["generate", "RULES", "load_holidays", "workdays"]

#: rule ids used in the messy manifest (the validation uses the same ids)
RULES = (
    "nip_format", "date_invalid", "date_future", "time_invalid", "status_unknown", "score_range",
    "target_invalid", "realisasi_invalid", "direction_unknown", "rating_unknown",
    "duplicate_exact", "duplicate_conflict",
)

ROSTER_COLUMNS = ["nip", "nama", "jabatan", "unit_kerja", "jenis_asn", "golongan", "nip_atasan",
                  "pin", "tmt_mulai", "tmt_selesai"]
RECAP_COLUMNS = ["nip", "tanggal", "jam_masuk", "jam_pulang", "status"]
SCAN_COLUMNS = ["pin", "waktu", "io", "mesin"]
SKP_COLUMNS = ["nip", "periode", "rhk", "indikator", "aspek", "satuan", "target", "target_min",
               "target_max", "realisasi", "arah", "rating_hasil_kerja", "rating_perilaku", "kendala"]
SKM_COLUMNS = ["waktu", "unit_layanan", "jenis_layanan", "nip_petugas", "usia", "jenis_kelamin",
               "pendidikan", "pekerjaan"] + [f"u{i}" for i in range(1, 10)] + ["saran"]
LAYANAN_COLUMNS = ["unit_layanan", "periode", "jumlah_layanan"]

RATINGS = ("di atas ekspektasi", "sesuai ekspektasi", "di bawah ekspektasi")

# status codes (index = code used in the matrices); -1 = no record
ST_H, ST_I, ST_S, ST_C, ST_DL, ST_TB, ST_TK = range(7)
STATUS_CODES = ("H", "I", "S", "C", "DL", "TB", "TK")
STATUS_VARIANTS = (  # lower-case codes and spelled-out forms (aliases of attendance_status.csv)
    ("h", "hadir", "Hadir", "HADIR"),
    ("i", "izin", "Izin", "ijin"),
    ("s", "sakit", "Sakit"),
    ("c", "cuti", "Cuti"),
    ("dl", "dinas luar", "Dinas Luar", "Dinas luar"),
    ("tb", "tugas belajar", "Tugas Belajar"),
    ("tk", "alpa", "Alpa", "tanpa keterangan"),
)

START_SEC = 7 * 3600 + 30 * 60  # 07:30, Perpres 21/2023 default start

_CHUNK_ROWS = 100_000


# --------------------------------------------------------------------------------------------
# small helpers
# --------------------------------------------------------------------------------------------

def _key(*parts) -> list[int]:
    return [zlib.crc32(str(p).encode("utf-8")) for p in parts]


def _rng(seed: int, *parts) -> np.random.Generator:
    """An independent, reproducible random stream for one (section, unit, month, ...) key."""
    return np.random.default_rng([int(seed) & 0xFFFFFFFF, *_key(*parts)])


def _num(x: float) -> str:
    """Format a number without float noise: 12, 2.5, 88.3, 2500000."""
    x = round(float(x), 2)
    if x == int(x):
        return str(int(x))
    return f"{x:.2f}".rstrip("0").rstrip(".")


def _quote(field_: str, sep: str) -> str:
    if sep in field_ or '"' in field_ or "\n" in field_ or "\r" in field_:
        return '"' + field_.replace('"', '""') + '"'
    return field_


def _join(fields: Iterable[str], sep: str) -> str:
    return sep.join(_quote(f, sep) for f in fields)


def _read_csv(name: str) -> list[dict[str, str]]:
    with open(REFERENCE_DIR / name, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def load_holidays(path: Path | None = None) -> dict[dt.date, str]:
    """Holiday calendar (libur nasional + cuti bersama) from data/reference/holidays.csv."""
    path = path or REFERENCE_DIR / "holidays.csv"
    with open(path, encoding="utf-8", newline="") as fh:
        return {dt.date.fromisoformat(r["tanggal"]): r["nama"] for r in csv.DictReader(fh)}


def _secs(hhmm: str) -> int:
    h, m = hhmm.split(":")
    return int(h) * 3600 + int(m) * 60


def day_schedule(days: list[dt.date]) -> tuple[np.ndarray, np.ndarray]:
    """Start and end of the working day (seconds) per date, from data/reference/work_schedule.csv
    (the row in force with the highest `prioritas`, e.g. Ramadan over normal; Friday ends later)."""
    rows = _read_csv("work_schedule.csv")
    start, end = [], []
    for d in days:
        cands = [r for r in rows if int(r["hari"]) == d.isoweekday()
                 and r["berlaku_dari"] <= d.isoformat() <= r["berlaku_sampai"]]
        best = max(cands, key=lambda r: (int(r["prioritas"]), r["berlaku_dari"]), default=None)
        start.append(_secs(best["jam_masuk"]) if best else START_SEC)
        end.append(_secs(best["jam_pulang"]) if best else 16 * 3600)
    return np.array(start, np.int64), np.array(end, np.int64)


def workdays(year: int, month: int, holidays: Iterable[dt.date]) -> list[dt.date]:
    """Mon-Fri of the month that are not holidays."""
    hol = set(holidays)
    n = calendar.monthrange(year, month)[1]
    return [d for d in (dt.date(year, month, k) for k in range(1, n + 1))
            if d.weekday() < 5 and d not in hol]


def _month_list(end: str, months: int) -> list[tuple[int, int]]:
    m = re.fullmatch(r"(\d{4})-(\d{2})", str(end))
    if not m or not 1 <= int(m.group(2)) <= 12:
        raise ValueError(f"end must be YYYY-MM, got {end!r}")
    if int(months) < 1:
        raise ValueError("months must be at least 1")
    t_end = int(m.group(1)) * 12 + int(m.group(2)) - 1
    return [(t // 12, t % 12 + 1) for t in range(t_end - int(months) + 1, t_end + 1)]


def _ym(y: int, m: int) -> str:
    return f"{y:04d}-{m:02d}"


@dataclass
class _Style:
    sep: str = ","
    bom: bool = False
    eol: str = "\n"


class _Out:
    """Bookkeeping of what was written: summary counts, manifest, progress."""

    def __init__(self, root: Path, progress: Callable[[str], None] | None):
        self.root = root
        self.summary: dict[str, int] = {}
        self.manifest: list[dict] = []
        self.progress = progress

    def path(self, rel: str) -> Path:
        p = self.root / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        return p

    def done(self, rel: str, rows: int) -> None:
        self.summary[rel] = rows
        if self.progress is not None:
            self.progress(f"{rel}: {rows} baris")

    def defect(self, rel: str, row: int, column: str, rule: str, note: str) -> None:
        assert rule in RULES, rule
        self.manifest.append({"file": rel, "row": int(row), "column": column, "rule": rule,
                              "note": note})


class _CsvFile:
    """Streamed CSV writer: header, data lines (already joined), trailing empty rows."""

    def __init__(self, out: _Out, rel: str, header: list[str], style: _Style):
        self.out, self.rel, self.style = out, rel, style
        self.ncol = len(header)
        self.fh = open(out.path(rel), "w", encoding="utf-8-sig" if style.bom else "utf-8",
                       newline="")
        self.fh.write(_join(header, style.sep) + style.eol)
        self.rows = 0

    def write_lines(self, lines: list[str]) -> None:
        if lines:
            eol = self.style.eol
            self.fh.write(eol.join(lines) + eol)
            self.rows += len(lines)

    def close(self, trailing: int = 0) -> int:
        eol = self.style.eol
        for k in range(trailing):  # what Excel leaves behind: ';;;;' rows and blank lines
            self.fh.write(("" if k % 2 else self.style.sep * (self.ncol - 1)) + eol)
        self.fh.close()
        self.out.done(self.rel, self.rows)
        return self.rows


def _write_xlsx(out: _Out, rel: str, header: list[str], rows: list[list], stamp: dt.datetime,
                trailing_blank: int = 3) -> int:
    """XLSX as offices send it: blank row 1, header on row 2, styled blank rows at the end.

    Byte-identical across runs: fixed created/modified properties and zip entry timestamps.
    """
    from openpyxl import Workbook
    from openpyxl.styles import Border, Font, Side
    from openpyxl.writer.excel import ExcelWriter

    wb = Workbook()
    ws = wb.active
    ws.title = "Sheet1"
    ws.append([])  # row 1 blank
    ws.append(header)
    bold = Font(bold=True)
    for c in range(1, len(header) + 1):
        ws.cell(row=2, column=c).font = bold
    for r in rows:
        ws.append(r)
    thin = Border(bottom=Side(style="thin"))
    last = ws.max_row
    for r in range(last + 1, last + 1 + trailing_blank):  # empty but formatted rows
        for c in range(1, len(header) + 1):
            ws.cell(row=r, column=c).border = thin
    wb.properties.creator = "Pantau Kinerja sample"
    wb.properties.lastModifiedBy = "Pantau Kinerja sample"
    wb.properties.created = stamp
    wb.properties.modified = stamp
    raw = io.BytesIO()
    with zipfile.ZipFile(raw, "w", zipfile.ZIP_DEFLATED) as zf:
        ExcelWriter(wb, zf).save()
    fixed = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(raw.getvalue())) as src, \
            zipfile.ZipFile(fixed, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            zi = zipfile.ZipInfo(info.filename, date_time=(2026, 1, 1, 0, 0, 0))
            zi.compress_type = zipfile.ZIP_DEFLATED
            zi.external_attr = 0o644 << 16
            zi.create_system = 3
            dst.writestr(zi, src.read(info.filename))
    out.path(rel).write_bytes(fixed.getvalue())
    out.done(rel, len(rows))
    return len(rows)


# --------------------------------------------------------------------------------------------
# names
# --------------------------------------------------------------------------------------------

_NAMES = {
    "dayak": {
        1: ["Yohanes", "Yosef", "Markus", "Lukas", "Paulus", "Petrus", "Stefanus", "Antonius",
            "Fransiskus", "Yulius", "Agustinus", "Herman", "Elman", "Hardi", "Liber", "Untung",
            "Andrie", "Lambang", "Dhani", "Rido", "Natanael", "Kristian", "Ardi", "Yanto"],
        2: ["Maria", "Marta", "Debora", "Rebeka", "Elisabet", "Yuliana", "Novita", "Herlina",
            "Riska", "Natalia", "Kristina", "Agustina", "Ester", "Lusiana", "Yulia", "Desi",
            "Meilinda", "Rosa", "Elisa", "Septiani", "Tiurma", "Veronika"],
        "family": ["Nyahu", "Narang", "Riwut", "Dohong", "Naparin", "Monong", "Tingang", "Rawing",
                   "Anggen", "Sahay", "Tundan", "Ugang", "Lambung", "Bahat", "Tuah", "Ngabut",
                   "Uneh", "Kaharap", "Embang", "Ranying", "Djaper", "Ilon", "Kinan", "Antang"],
    },
    "banjar": {
        1: ["Muhammad", "Ahmad", "Akhmad", "Rahmadi", "Fahrurrazi", "Syahrani", "Gusti Rusdi",
            "Abdul Hadi", "Mahdianoor", "Rusdiansyah", "Hairil", "Jumadi", "Supiani", "Arbaini",
            "Norhidayat", "Fauzan", "Rizky", "Hamdani", "Ilham", "Muhammad Yusuf", "Saipul",
            "Hasanudin", "Rahmat", "Khairil"],
        2: ["Siti Rahmah", "Nurul Hidayah", "Fitriani", "Mariana", "Noor Hayati", "Normah",
            "Rusmiati", "Salmah", "Halimah", "Rabiatul Adawiyah", "Aulia", "Husna", "Masitah",
            "Jamilah", "Raudah", "Nor Aida", "Sarinah", "Siti Aminah", "Mahmudah", "Rahmawati",
            "Nurlaila", "Hayatun Nufus"],
        "family": ["Noor", "Rahman", "Anshari", "Syarifuddin", "Hidayat", "Ramadhan", "Fajri",
                   "Effendi", "Arsyad", "Maulana", "Rizani", "Hasan", "", "", "", ""],
    },
    "jawa": {
        1: ["Agus", "Budi", "Eko", "Joko", "Heru", "Wahyu", "Slamet", "Bambang", "Sugeng",
            "Teguh", "Dwi", "Tri", "Hadi", "Priyo", "Yudi", "Arif", "Bayu", "Rudi", "Sigit",
            "Anton"],
        2: ["Sri", "Dwi", "Endang", "Rina", "Tri", "Retno", "Wulan", "Dewi", "Ani", "Yuni",
            "Ratna", "Lestari", "Nanik", "Sulastri", "Indah", "Eka"],
        "family": {
            1: ["Setiawan", "Santoso", "Prasetyo", "Susilo", "Purnomo", "Riyadi", "Wibowo",
                "Nugroho", "Hidayat", "Kurniawan", "Saputro", "Pranoto", "Widodo", "Sutrisno"],
            2: ["Wahyuni", "Lestari", "Susilowati", "Handayani", "Wulandari", "Rahayu", "Astuti",
                "Purwanti", "Setyaningsih", "Kusumawati", "Rahmawati", "Pratiwi"],
        },
    },
}
_TITLES_STRUCT = [", S.Sos.", ", S.AP.", ", S.STP, M.Si.", ", S.IP.", ", S.H.", ", S.E.",
                  ", M.AP.", ", S.Sos., M.Si.", ", S.STP"]
_TITLES_STAFF = [", S.Sos.", ", S.AP.", ", S.E.", ", S.Kom.", ", A.Md.", ", S.H.", ", S.Pd.",
                 " S.AP", ", A.Md.Kom."]


def _person_name(rng: np.random.Generator, sex: int, structural: bool) -> str:
    u = rng.random()
    group = "dayak" if u < 0.42 else ("banjar" if u < 0.77 else "jawa")
    pool = _NAMES[group]
    given = pool[sex][int(rng.integers(len(pool[sex])))]
    fam_pool = pool["family"][sex] if group == "jawa" else pool["family"]
    fam = fam_pool[int(rng.integers(len(fam_pool)))]
    name = f"{given} {fam}".strip()
    p_title = 0.8 if structural else 0.3
    if rng.random() < p_title:
        titles = _TITLES_STRUCT if structural else _TITLES_STAFF
        name += titles[int(rng.integers(len(titles)))]
    return name


# --------------------------------------------------------------------------------------------
# roster
# --------------------------------------------------------------------------------------------

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
_KEC_STAFF = [("Pengadministrasi Perkantoran", "admin", 3), ("Penata Layanan Operasional", "admin", 2),
              ("Pengelola Keuangan", "keu", 2), ("Pengolah Data dan Informasi", "data", 2),
              ("Analis Kebijakan Ahli Pertama", "analis", 1),
              ("Operator Layanan Operasional", "operator", 2),
              ("Pranata Komputer Ahli Pertama", "data", 1)]
_PATEN_STAFF = [("Penata Layanan Operasional", "paten", 3), ("Operator Layanan Operasional", "paten", 2),
                ("Pengadministrasi Perkantoran", "paten", 2),
                ("Pengelola Layanan Kependudukan", "paten", 2)]
_KEL_STRUCT = [
    ("lurah", "Lurah {place}", "lurah"),
    ("seklur", "Sekretaris Lurah", "seklur"),
    ("kasi", "Kepala Seksi Pemerintahan", "kasi_kel_pem"),
    ("kasi", "Kepala Seksi Pemberdayaan Masyarakat", "kasi_kel_pmd"),
    ("kasi", "Kepala Seksi Ketentraman dan Ketertiban", "kasi_kel_trantib"),
]
_KEL_STAFF = [("Pengadministrasi Perkantoran", "kel_admin", 3),
              ("Penata Layanan Operasional", "kel_layanan", 2),
              ("Operator Layanan Operasional", "kel_layanan", 2),
              ("Pengolah Data dan Informasi", "kel_data", 2)]

_AGES = {"camat": (42, 55), "sekcam": (40, 55), "kasi": (33, 56), "kasubbag": (33, 56),
         "lurah": (36, 56), "seklur": (32, 56), "staff": (22, 58)}
_GOL = {"camat": (["IV/a", "IV/b"], [0.6, 0.4]),
        "sekcam": (["III/d", "IV/a"], [0.5, 0.5]),
        "kasi": (["III/c", "III/d", "IV/a"], [0.4, 0.45, 0.15]),
        "kasubbag": (["III/c", "III/d"], [0.5, 0.5]),
        "lurah": (["III/c", "III/d", "IV/a"], [0.35, 0.5, 0.15]),
        "seklur": (["III/b", "III/c", "III/d"], [0.4, 0.4, 0.2]),
        "staff": (["II/a", "II/b", "II/c", "II/d", "III/a", "III/b", "III/c", "III/d"],
                  [0.05, 0.05, 0.1, 0.05, 0.25, 0.25, 0.15, 0.1])}
_GOL_PPPK = (["V", "VII", "IX"], [0.25, 0.35, 0.4])


@dataclass
class _Emp:
    idx: int
    unit: str
    level: str        # camat, sekcam, kasi, kasubbag, lurah, seklur, staff
    role: str         # indicator group
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
    weights = [0.22 if u["kind"] == "kecamatan" else 0.08 if u["kind"] == "paten" else 0.10
               for u in units]
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


def _build_roster(n: int, units: list[dict], months: list[tuple[int, int]], seed: int
                  ) -> list[_Emp]:
    rng = _rng(seed, "roster")
    counts = _allocate(n, units)
    emps: list[_Emp] = []
    for u, c in zip(units, counts):
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
            emps.append(_Emp(len(emps), u["slug"], level, role, jab.format(place=place), True))
        w = np.array([s[2] for s in staff], float)
        picks = rng.choice(len(staff), size=c - ns, p=w / w.sum())
        for k in picks:
            jab, role, _ = staff[int(k)]
            emps.append(_Emp(len(emps), u["slug"], "staff", role, jab, False))

    # hierarchy: camat <- sekcam, kasi, lurah; sekcam <- kasubbag; heads <- staff
    kind_of = {u["slug"]: u["kind"] for u in units}
    by_unit: dict[str, list[_Emp]] = {}
    for e in emps:
        by_unit.setdefault(e.unit, []).append(e)
    kec = next(u["slug"] for u in units if u["kind"] == "kecamatan")
    kec_emps = by_unit[kec]
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
    for slug, members in by_unit.items():
        if kind_of[slug] == "paten":
            for e in members:
                e.atasan = kasi_pel.idx       # PATEN counter reports to Kasi Pelayanan Umum
        elif kind_of[slug] == "kelurahan":
            lurah = next(e for e in members if e.level == "lurah")
            heads = [e for e in members if e.level in ("seklur", "kasi")] or [lurah]
            for e in members:
                if e.level == "lurah":
                    e.atasan = camat.idx
                elif e.level in ("seklur", "kasi"):
                    e.atasan = lurah.idx
                else:
                    e.atasan = heads[int(rng.integers(len(heads)))].idx

    # people, NIPs
    y_end, m_end = months[-1]
    ref = dt.date(y_end, m_end, calendar.monthrange(y_end, m_end)[1])
    ref_t = y_end * 12 + m_end - 1
    n_staff = sum(1 for e in emps if not e.structural)
    p_pppk = min(0.5, 0.2 * len(emps) / max(1, n_staff))
    units_by_slug = {u["slug"]: u for u in units}
    used_names: set[str] = set()
    for e in emps:
        e.sex = 1 if rng.random() < (0.6 if e.structural else 0.5) else 2
        for _ in range(8 if len(emps) <= 2000 else 1):  # avoid namesakes in an office
            e.nama = _person_name(rng, e.sex, e.structural)
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
        e.unit_label = (aliases[int(rng.integers(len(aliases)))]
                        if aliases and rng.random() < 0.15 else u["name"])

    # a couple of ASN start or leave inside the period (staff only)
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

    seen: dict[str, int] = {}
    first_t = months[0][0] * 12 + months[0][1] - 1
    for e in emps:
        b_t = e.birth.year * 12 + e.birth.month - 1
        t_min = b_t + 18 * 12 + 6  # TMT well after the 18th birthday
        if e.idx in new_appointment and e.tmt_mulai is not None:
            t = e.tmt_mulai.year * 12 + e.tmt_mulai.month - 1
        else:
            # already serving before the first generated month
            hi_t = first_t - 1
            if e.jenis == "PPPK":
                lo_t = max(t_min, ref_t - 66)          # PPPK appointed since ~2021
            else:
                lo_t = max(t_min, b_t + (21 if e.structural else 19) * 12)
                hi_t = min(hi_t, b_t + (28 if e.structural else 35) * 12)
            lo_t = min(lo_t, hi_t)
            t = int(rng.integers(lo_t, hi_t + 1))
        t = max(t_min, min(t, ref_t))
        prefix = f"{e.birth:%Y%m%d}{t // 12:04d}{t % 12 + 1:02d}{e.sex}"
        seq = seen.get(prefix, 0) + 1
        seen[prefix] = seq
        if seq > 999:  # needs >999 ASN born the same day, same TMT and sex
            raise RuntimeError("NIP sequence exhausted")
        e.nip = f"{prefix}{seq:03d}"
    pins = np.arange(1, len(emps) + 1)
    for e, p in zip(emps, pins):
        e.pin = int(p)
    return emps


# --------------------------------------------------------------------------------------------
# per-ASN traits
# --------------------------------------------------------------------------------------------

@dataclass
class _Traits:
    act_from: np.ndarray
    act_to: np.ndarray
    p_late: np.ndarray
    habitual: np.ndarray
    p_early: np.ndarray
    p_tk: np.ndarray
    p_dl: np.ndarray
    p_single: np.ndarray
    perf: np.ndarray
    tb_emp: int
    tb_months: set
    kendala: list
    pin_str: list
    nip_str: list


def _traits(emps: list[_Emp], months: list[tuple[int, int]], seed: int) -> _Traits:
    rng = _rng(seed, "traits")
    n = len(emps)
    act_from = np.array([e.tmt_mulai.toordinal() if e.tmt_mulai else 0 for e in emps], np.int64)
    act_to = np.array([e.tmt_selesai.toordinal() if e.tmt_selesai else 10 ** 7 for e in emps],
                      np.int64)
    structural = np.array([e.structural for e in emps])
    movers = (act_from > 0) | (act_to < 10 ** 7)
    p_late = rng.beta(2.0, 28.0, n)
    p_early = rng.beta(2.0, 45.0, n)
    p_tk = np.full(n, 0.002)
    p_dl = np.where(structural, 0.07, 0.02) * rng.uniform(0.5, 1.5, n)
    p_single = rng.uniform(0.01, 0.05, n)
    perf = rng.normal(0.0, 1.0, n)
    habitual = np.zeros(n, bool)
    candidates = [e.idx for e in emps if e.level != "camat" and not movers[e.idx]]
    order = rng.permutation(candidates) if candidates else np.array([], int)
    n_hab = min(len(order), max(2, round(n * 0.05)))
    hab = order[:n_hab]
    habitual[hab] = True
    p_late[hab] = rng.uniform(0.35, 0.6, len(hab))
    staff_c = [int(i) for i in order[n_hab:] if not structural[int(i)]]
    n_tk = min(len(staff_c), max(2, round(n * 0.015)))
    tk = np.array(staff_c[:n_tk], int)
    if len(tk):
        p_tk[tk] = rng.uniform(0.02, 0.04, len(tk))   # a few TK days a year: ringan
        p_tk[tk[0]] = 0.075  # one clear case (a dozen TK days a year or more: sedang)
        perf[tk] -= 0.8
    perf[hab] -= 0.5
    tb_emp = -1
    tb_months: set = set()
    rest = staff_c[n_tk:]
    if n >= 30 and rest:
        tb_emp = int(rest[0])
        tb_months = set(months[-min(3, len(months)):])
    kendala_main = []
    cats = ["SDM", "anggaran", "sarana/prasarana", "pelatihan/kompetensi", "regulasi", "lainnya"]
    for i in range(n):
        if perf[i] < -0.8 and rng.random() < 0.7:
            kendala_main.append("pelatihan/kompetensi")
        else:
            kendala_main.append(cats[int(rng.choice(6, p=[0.25, 0.2, 0.25, 0.15, 0.05, 0.1]))])
    return _Traits(act_from, act_to, p_late, habitual, p_early, p_tk, p_dl, p_single, perf,
                   tb_emp, tb_months, kendala_main, [str(e.pin) for e in emps],
                   [e.nip for e in emps])


# --------------------------------------------------------------------------------------------
# attendance
# --------------------------------------------------------------------------------------------

def _blocks(rng: np.random.Generator, shape: tuple[int, int], p: float, maxlen: int) -> np.ndarray:
    E, D = shape
    starts = rng.random(shape) < p
    lens = rng.integers(1, maxlen + 1, shape)
    mask = np.zeros(shape, bool)
    for k in range(min(maxlen, D)):
        mask[:, k:] |= starts[:, : D - k] & (lens[:, : D - k] > k)
    return mask


@dataclass
class _Month:
    y: int
    m: int
    days: list[dt.date]
    ords: np.ndarray


def _attendance_matrix(seed: int, slug: str, mo: _Month, emps_idx: np.ndarray, tr: _Traits):
    """Status and check-in/out seconds for every (ASN, workday) of one unit-month."""
    rng = _rng(seed, "presensi", slug, mo.y, mo.m)
    E, D = len(emps_idx), len(mo.days)
    shape = (E, D)
    ords = mo.ords[None, :]
    act = (tr.act_from[emps_idx][:, None] <= ords) & (ords <= tr.act_to[emps_idx][:, None])
    status = np.full(shape, ST_H, np.int8)
    tk = rng.random(shape) < tr.p_tk[emps_idx][:, None]
    iz = rng.random(shape) < 0.010
    dl = rng.random(shape) < tr.p_dl[emps_idx][:, None]
    sk = _blocks(rng, shape, 0.008, 3)
    ct = _blocks(rng, shape, 0.007, 5)
    status[tk] = ST_TK
    status[iz] = ST_I
    status[dl] = ST_DL
    status[sk] = ST_S
    status[ct] = ST_C
    if tr.tb_emp >= 0 and (mo.y, mo.m) in tr.tb_months:
        status[emps_idx == tr.tb_emp, :] = ST_TB
    status[~act] = -1
    keep_tk = rng.random(shape) < 0.5  # recap: TK rows sometimes written, sometimes missing
    # check-in
    habitual = tr.habitual[emps_idx][:, None]
    late = rng.random(shape) < tr.p_late[emps_idx][:, None]
    early_by = np.minimum(rng.gamma(2.0, 330.0, shape), 3000.0)
    day_start, day_end = day_schedule(mo.days)
    day_start, day_end = day_start[None, :], day_end[None, :]
    on_time = (day_start + 59 - early_by).astype(np.int64)
    u = rng.random(shape)
    t1 = np.where(habitual, 0.45, 0.75)
    t2 = np.where(habitual, 0.75, 0.92)
    t3 = np.where(habitual, 0.92, 0.98)
    late_min = np.where(u < t1, rng.integers(1, 31, shape),
                        np.where(u < t2, rng.integers(31, 61, shape),
                                 np.where(u < t3, rng.integers(61, 91, shape),
                                          rng.integers(91, 121, shape))))
    late_sec = day_start + late_min * 60 + rng.integers(0, 60, shape)
    cin = np.where(late, late_sec, on_time)
    # check-out
    early = rng.random(shape) < tr.p_early[emps_idx][:, None]
    normal_out = day_end + np.minimum(rng.gamma(1.6, 560.0, shape), 5400.0).astype(np.int64)
    early_out = day_end - rng.integers(1 * 60, 90 * 60, shape)
    cout = np.where(early, early_out, normal_out)
    return status, act, keep_tk, cin.astype(np.int64), cout.astype(np.int64)


_MONTHS_ID = ["", "Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus",
              "September", "Oktober", "November", "Desember"]


def _settled(days: Iterable[dt.date]) -> bool:
    """Whether these days written dd/mm/yyyy settle their order: one day above 12. A file whose
    numeric dates do not is refused by the ingest (docs/inbox.md), so a dd/mm/yyyy file that would
    not settle is written ISO instead: every file of the sample loads."""
    return any(d.day > 12 for d in days)


def _date_str(d: dt.date, fmt: str) -> str:
    if fmt == "dmy":
        return f"{d.day:02d}/{d.month:02d}/{d.year}"
    if fmt == "long":
        return f"{d.day} {_MONTHS_ID[d.month]} {d.year}"
    return d.isoformat()


_HHMM = [f"{h:02d}:{m:02d}" for h in range(24) for m in range(60)] + [""]
_HHMM_DOT = [s.replace(":", ".") for s in _HHMM]
_HHMMSS: list[str] | None = None


def _hhmmss() -> list[str]:
    global _HHMMSS
    if _HHMMSS is None:
        _HHMMSS = [f"{s // 3600:02d}:{s // 60 % 60:02d}:{s % 60:02d}" for s in range(86400)]
    return _HHMMSS


@dataclass
class _RecapFmt:
    date: str = "iso"
    dot_time: bool = False
    status_words: bool = False
    header: tuple = tuple(RECAP_COLUMNS)


def _recap_lines(tr: _Traits, emps_idx, mo: _Month, status, rec, cin, cout, fmt: _RecapFmt,
                 sep: str, mrng: np.random.Generator | None, e_lo: int, e_hi: int) -> list[str]:
    sub = rec[e_lo:e_hi]
    ee, dd = np.nonzero(sub)
    ee_g = ee + e_lo
    st = status[ee_g, dd].astype(np.int64)
    is_h = st == ST_H
    tin = np.where(is_h, cin[ee_g, dd] // 60, 1440).tolist()
    tout = np.where(is_h, cout[ee_g, dd] // 60, 1440).tolist()
    hh = _HHMM_DOT if fmt.dot_time else _HHMM
    dates = [_date_str(d, fmt.date) for d in mo.days]
    nips = tr.nip_str
    emp_ids = emps_idx[ee_g].tolist()
    if fmt.status_words and mrng is not None:
        r = mrng.random(len(st))
        k = mrng.integers(0, 1000, len(st))
        st_s = [STATUS_CODES[s] if rr < 0.6 else STATUS_VARIANTS[s][kk % len(STATUS_VARIANTS[s])]
                for s, rr, kk in zip(st.tolist(), r.tolist(), k.tolist())]
    else:
        st_s = [STATUS_CODES[s] for s in st.tolist()]
    return [f"{nips[e]}{sep}{dates[d]}{sep}{hh[a]}{sep}{hh[b]}{sep}{s}"
            for e, d, a, b, s in zip(emp_ids, dd.tolist(), tin, tout, st_s)]


def _scan_events(seed: int, slug: str, mo: _Month, emps_idx, tr: _Traits, status, act, cin, cout,
                 holidays: set):
    """All scans of one unit-month, sorted by time: (ordinal day, second, emp index, io)."""
    rng = _rng(seed, "scan", slug, mo.y, mo.m)
    present = act & (status == ST_H)
    ee, dd = np.nonzero(present)
    n = len(ee)
    c_in = cin[ee, dd]
    c_out = cout[ee, dd]
    single = rng.random(n) < tr.p_single[emps_idx][ee]
    drop_in = single & (rng.random(n) < 0.3)
    drop_out = single & ~drop_in
    dbl_in = ~drop_in & (rng.random(n) < 0.06)
    dbl_out = ~drop_out & (rng.random(n) < 0.04)
    mid = rng.random(n) < 0.02
    in_off = rng.integers(3, 90, n)
    out_off = rng.integers(3, 150, n)
    mid_sec = rng.integers(12 * 3600, 13 * 3600 + 30 * 60, n)
    parts_e, parts_d, parts_s, parts_io = [], [], [], []

    def add(mask, secs, io):
        parts_e.append(ee[mask])
        parts_d.append(mo.ords[dd[mask]])
        parts_s.append(secs[mask])
        parts_io.append(np.full(int(mask.sum()), io, np.int8))

    add(~drop_in, c_in, 0)
    add(~drop_out, c_out, 1)
    add(dbl_in, c_in + in_off, 0)
    add(dbl_out, c_out + out_off, 1)
    add(mid, mid_sec, 1)
    # rare Saturday scans (kerja bakti / piket), never on a holiday
    if rng.random() < 0.1:
        sats = [d for d in (dt.date(mo.y, mo.m, k)
                            for k in range(1, calendar.monthrange(mo.y, mo.m)[1] + 1))
                if d.weekday() == 5 and d not in holidays]
        if sats:
            sat = sats[int(rng.integers(len(sats)))]
            o = sat.toordinal()
            ok = np.nonzero((tr.act_from[emps_idx] <= o) & (o <= tr.act_to[emps_idx]))[0]
            if len(ok):
                who = rng.choice(ok, size=min(len(ok), int(rng.integers(1, 3))), replace=False)
                k = len(who)
                parts_e += [who, who]
                parts_d += [np.full(k, o), np.full(k, o)]
                parts_s += [rng.integers(7 * 3600 + 40 * 60, 8 * 3600 + 10 * 60, k),
                            rng.integers(11 * 3600, 11 * 3600 + 45 * 60, k)]
                parts_io += [np.zeros(k, np.int8), np.ones(k, np.int8)]
    e = np.concatenate(parts_e) if parts_e else np.zeros(0, int)
    d = np.concatenate(parts_d).astype(np.int64)
    s = np.concatenate(parts_s).astype(np.int64)
    io_ = np.concatenate(parts_io)
    order = np.lexsort((e, s, d))
    return d[order], s[order], e[order], io_[order]


# --------------------------------------------------------------------------------------------
# SKP catalogue
# --------------------------------------------------------------------------------------------

# (rhk, indikator, aspek, satuan, kind, base); kind: count, pct, days, range, rupiah
_IND = {
    "camat": [
        ("Terselenggaranya koordinasi pemerintahan di wilayah kecamatan",
         "Jumlah rapat koordinasi lintas sektor yang dilaksanakan", "kuantitas", "kegiatan", "count", 4),
        ("Meningkatnya kualitas pelayanan publik kecamatan", "Nilai IKM layanan PATEN",
         "kualitas", "indeks", "range", (76.61, 88.30)),
        ("Tertanganinya pengaduan masyarakat", "Persentase pengaduan masyarakat yang ditindaklanjuti",
         "kualitas", "persen", "pct", 90),
        ("Terlaksananya pembinaan kelurahan", "Jumlah kunjungan pembinaan ke kelurahan",
         "kuantitas", "kunjungan", "count", 7),
    ],
    "sekcam": [
        ("Tersusunnya laporan keuangan dan kinerja kecamatan",
         "Jumlah laporan keuangan yang disusun tepat waktu", "kuantitas", "laporan", "count", 2),
        ("Terkelolanya anggaran kecamatan secara akuntabel",
         "Persentase penyerapan anggaran sesuai rencana kas", "biaya", "persen", "pct", 95),
        ("Tertibnya administrasi kepegawaian",
         "Rata-rata hari penyelesaian usulan administrasi kepegawaian", "waktu", "hari", "days", 3),
    ],
    "kasi_pem": [
        ("Terverifikasinya dokumen kependudukan", "Jumlah dokumen kependudukan yang diverifikasi",
         "kuantitas", "dokumen", "count", 60),
        ("Tertibnya administrasi pertanahan", "Jumlah berkas pertanahan yang diregistrasi",
         "kuantitas", "berkas", "count", 12),
        ("Terverifikasinya dokumen kependudukan",
         "Persentase dokumen yang lolos verifikasi tanpa koreksi", "kualitas", "persen", "range",
         (90, 100)),
    ],
    "kasi_pel": [
        ("Terselenggaranya layanan PATEN sesuai standar pelayanan",
         "Rata-rata hari penyelesaian surat keterangan", "waktu", "hari", "days", 2),
        ("Terselenggaranya layanan PATEN sesuai standar pelayanan",
         "Persentase permohonan yang diselesaikan sesuai standar pelayanan", "kualitas", "persen",
         "range", (90, 100)),
        ("Meningkatnya kepuasan masyarakat", "Jumlah pengaduan layanan yang ditindaklanjuti",
         "kuantitas", "pengaduan", "count", 5),
    ],
    "kasi_trantib": [
        ("Terpeliharanya ketentraman dan ketertiban umum",
         "Jumlah kegiatan patroli ketertiban yang dilaksanakan", "kuantitas", "kegiatan", "count", 8),
        ("Terpeliharanya ketentraman dan ketertiban umum",
         "Rata-rata hari penanganan laporan gangguan ketertiban", "waktu", "hari", "days", 3),
    ],
    "kasi_pmd": [
        ("Meningkatnya partisipasi masyarakat",
         "Jumlah kegiatan pemberdayaan masyarakat yang difasilitasi", "kuantitas", "kegiatan",
         "count", 4),
        ("Meningkatnya partisipasi masyarakat", "Jumlah kelompok masyarakat yang dibina",
         "kuantitas", "kelompok", "count", 6),
    ],
    "kasi_kesos": [
        ("Tepat sasarannya bantuan sosial",
         "Jumlah data penerima bantuan sosial yang diverifikasi", "kuantitas", "data", "count", 80),
        ("Tepat sasarannya bantuan sosial",
         "Rata-rata hari penyelesaian rekomendasi bantuan sosial", "waktu", "hari", "days", 3),
    ],
    "kasubbag_umum": [
        ("Tertibnya administrasi umum dan kepegawaian",
         "Jumlah dokumen kepegawaian yang dikelola", "kuantitas", "dokumen", "count", 25),
        ("Tertibnya administrasi umum dan kepegawaian",
         "Rata-rata hari penyelesaian usulan cuti pegawai", "waktu", "hari", "days", 2),
    ],
    "kasubbag_keu": [
        ("Tertibnya pengelolaan keuangan", "Jumlah dokumen SPJ yang diverifikasi", "kuantitas",
         "dokumen", "count", 40),
        ("Tertibnya pengelolaan keuangan", "Persentase penyerapan anggaran sesuai rencana kas",
         "biaya", "persen", "pct", 95),
        ("Efisiennya belanja operasional kantor", "Realisasi belanja ATK", "biaya", "rupiah",
         "rupiah", 2_500_000),
    ],
    "admin": [
        ("Tertibnya administrasi persuratan", "Jumlah surat masuk dan keluar yang diagendakan",
         "kuantitas", "surat", "count", 120),
        ("Tertibnya kearsipan", "Jumlah arsip yang ditata", "kuantitas", "berkas", "count", 80),
        ("Tertibnya administrasi persuratan", "Rata-rata hari pengiriman surat keluar", "waktu",
         "hari", "days", 1),
        ("Tertibnya kearsipan", "Persentase arsip yang tertata sesuai klasifikasi", "kualitas",
         "persen", "range", (85, 100)),
    ],
    "keu": [
        ("Tertibnya penatausahaan keuangan", "Jumlah SPJ yang diverifikasi", "kuantitas",
         "dokumen", "count", 40),
        ("Efisiennya belanja operasional kantor", "Realisasi belanja ATK", "biaya", "rupiah",
         "rupiah", 2_500_000),
        ("Tertibnya penatausahaan keuangan", "Rata-rata hari penyelesaian pembayaran tagihan",
         "waktu", "hari", "days", 3),
    ],
    "data": [
        ("Mutakhirnya data kependudukan", "Jumlah data kependudukan yang dimutakhirkan",
         "kuantitas", "data", "count", 150),
        ("Mutakhirnya data kependudukan", "Persentase data yang valid tanpa koreksi", "kualitas",
         "persen", "range", (90, 100)),
        ("Tersajinya data dan informasi", "Jumlah laporan data yang disajikan", "kuantitas",
         "laporan", "count", 3),
    ],
    "analis": [
        ("Tersusunnya bahan kebijakan", "Jumlah telaahan staf yang disusun", "kuantitas",
         "dokumen", "count", 2),
        ("Tersusunnya bahan kebijakan", "Jumlah bahan rapat pimpinan yang disiapkan",
         "kuantitas", "dokumen", "count", 6),
    ],
    "operator": [
        ("Terdukungnya operasional kantor", "Jumlah kegiatan operasional yang didukung",
         "kuantitas", "kegiatan", "count", 20),
        ("Terpeliharanya sarana kantor", "Jumlah sarana kantor yang dipelihara", "kuantitas",
         "unit", "count", 10),
    ],
    "paten": [
        ("Terlayaninya permohonan masyarakat di PATEN",
         "Jumlah permohonan layanan PATEN yang diproses", "kuantitas", "berkas", "count", 120),
        ("Terlayaninya permohonan masyarakat di PATEN",
         "Rata-rata hari penyelesaian surat keterangan", "waktu", "hari", "days", 2),
        ("Terlayaninya permohonan masyarakat di PATEN",
         "Persentase berkas permohonan yang lengkap saat diverifikasi", "kualitas", "persen",
         "range", (85, 95)),
        ("Terverifikasinya dokumen kependudukan", "Jumlah dokumen kependudukan yang diverifikasi",
         "kuantitas", "dokumen", "count", 80),
    ],
    "lurah": [
        ("Terselenggaranya pelayanan administrasi kelurahan",
         "Jumlah surat keterangan yang diterbitkan", "kuantitas", "surat", "count", 60),
        ("Tertanganinya pengaduan warga", "Persentase pengaduan warga yang ditindaklanjuti",
         "kualitas", "persen", "pct", 90),
        ("Meningkatnya partisipasi warga", "Jumlah kegiatan gotong royong yang difasilitasi",
         "kuantitas", "kegiatan", "count", 2),
        ("Meningkatnya kualitas pelayanan kelurahan", "Nilai IKM layanan kelurahan", "kualitas",
         "indeks", "range", (76.61, 88.30)),
    ],
    "seklur": [
        ("Tertibnya administrasi kelurahan", "Jumlah laporan kelurahan yang disusun tepat waktu",
         "kuantitas", "laporan", "count", 3),
        ("Terselenggaranya pelayanan administrasi kelurahan",
         "Rata-rata hari penyelesaian surat keterangan", "waktu", "hari", "days", 2),
        ("Efisiennya belanja operasional kelurahan", "Realisasi belanja ATK kelurahan", "biaya",
         "rupiah", "rupiah", 1_000_000),
    ],
    "kasi_kel_pem": [
        ("Terverifikasinya dokumen kependudukan", "Jumlah dokumen kependudukan yang diverifikasi",
         "kuantitas", "dokumen", "count", 40),
        ("Terselenggaranya pelayanan administrasi kelurahan",
         "Rata-rata hari penyelesaian surat keterangan", "waktu", "hari", "days", 2),
    ],
    "kasi_kel_pmd": [
        ("Meningkatnya partisipasi warga", "Jumlah kegiatan pemberdayaan yang difasilitasi",
         "kuantitas", "kegiatan", "count", 2),
        ("Tepat sasarannya bantuan sosial",
         "Jumlah data penerima bantuan sosial yang diverifikasi", "kuantitas", "data", "count", 40),
    ],
    "kasi_kel_trantib": [
        ("Terpeliharanya ketertiban lingkungan", "Jumlah patroli ketertiban lingkungan",
         "kuantitas", "kegiatan", "count", 4),
        ("Terpeliharanya ketertiban lingkungan",
         "Rata-rata hari penanganan laporan gangguan ketertiban", "waktu", "hari", "days", 3),
    ],
    "kel_admin": [
        ("Tertibnya administrasi persuratan", "Jumlah surat masuk dan keluar yang diagendakan",
         "kuantitas", "surat", "count", 60),
        ("Tertibnya kearsipan", "Jumlah arsip yang ditata", "kuantitas", "berkas", "count", 50),
        ("Terselenggaranya pelayanan administrasi kelurahan",
         "Rata-rata hari penyelesaian surat pengantar", "waktu", "hari", "days", 2),
    ],
    "kel_layanan": [
        ("Terselenggaranya pelayanan administrasi kelurahan",
         "Jumlah surat pengantar yang diselesaikan", "kuantitas", "surat", "count", 50),
        ("Terselenggaranya pelayanan administrasi kelurahan",
         "Rata-rata hari penyelesaian surat keterangan", "waktu", "hari", "days", 2),
        ("Terselenggaranya pelayanan administrasi kelurahan",
         "Persentase berkas permohonan yang lengkap saat diverifikasi", "kualitas", "persen",
         "range", (85, 95)),
    ],
    "kel_data": [
        ("Mutakhirnya data kependudukan", "Jumlah data kependudukan yang dimutakhirkan",
         "kuantitas", "data", "count", 100),
        ("Tepat sasarannya bantuan sosial",
         "Jumlah data penerima bantuan sosial yang diverifikasi", "kuantitas", "data", "count", 40),
        ("Mutakhirnya data kependudukan", "Persentase data yang valid tanpa koreksi", "kualitas",
         "persen", "range", (90, 100)),
    ],
}
_KENDALA_CATS = ["SDM", "anggaran", "sarana/prasarana", "pelatihan/kompetensi", "regulasi",
                 "lainnya"]
_KENDALA_FREE = {
    "SDM": ["kekurangan personil", "pegawai banyak yang cuti/sakit"],
    "anggaran": ["anggaran terbatas", "dana kegiatan belum cair"],
    "sarana/prasarana": ["jaringan internet lambat", "aplikasi sering error", "printer rusak",
                         "komputer kantor kurang"],
    "pelatihan/kompetensi": ["kurang pelatihan", "belum ikut bimtek aplikasi"],
    "regulasi": ["menunggu juknis dari kota", "aturan baru belum ada petunjuk teknis"],
    "lainnya": ["akses jalan banjir", "data dari RT terlambat masuk"],
}


@dataclass
class _Ind:
    spec: tuple
    target: float  # monthly base (count/rupiah); pct/days: value
    n_days_scale: bool


def _skp_plan(emps: list[_Emp], seed: int) -> list[list[_Ind]]:
    rng = _rng(seed, "skp-plan")
    plans = []
    for e in emps:
        cat = _IND[e.role]
        k = int(rng.integers(2, min(4, len(cat)) + 1))
        pick = sorted(rng.choice(len(cat), size=k, replace=False).tolist())
        inds = []
        for j in pick:
            spec = cat[j]
            kind, base = spec[4], spec[5]
            if kind == "count":
                t = max(1, round(base * rng.uniform(0.7, 1.3)))
            elif kind == "rupiah":
                t = round(base * rng.uniform(0.8, 1.2) / 50_000) * 50_000
            else:
                t = base
            inds.append(_Ind(spec, t, kind == "count"))
        plans.append(inds)
    return plans


def _capaian(kind, target, tmin, tmax, real) -> float:
    if kind == "range":
        if real < tmin:
            return real / tmin * 100
        if real > tmax:
            return real / tmax * 100
        return 100.0
    if kind in ("days", "rupiah"):
        return max(0.0, (2 - real / target) * 100)
    return real / target * 100


def _skp_rows(e: _Emp, inds: list[_Ind], periode: str, factor: float, nwd_ratio: float,
              tr: _Traits, rng: np.random.Generator) -> list[list[str]]:
    """Indicator rows of one ASN for one period (factor 3 for a quarter)."""
    perf = tr.perf[e.idx]
    rows, caps = [], []
    kendala_main = tr.kendala[e.idx]
    for ind in inds:
        rhk, indikator, aspek, satuan, kind, base = ind.spec
        q = float(np.clip(rng.normal(1.0 + 0.07 * perf, 0.09), 0.4, 1.5))
        tmin = tmax = None
        if kind == "count":
            target = max(1, round(ind.target * factor * nwd_ratio))
            real = max(0, round(target * q))
            missed = real < target
        elif kind == "pct":
            target = base
            real = round(min(100.0, target * q), 1)
            missed = real < target
        elif kind == "days":
            target = base
            real = max(0.5, round(target * (2 - q), 1))
            missed = real > target
        elif kind == "rupiah":
            target = round(ind.target * factor)
            real = round(target * (2 - q) / 1000) * 1000
            missed = real > target
        else:  # range
            tmin, tmax = base
            target = None
            if tmax > 90 and tmin > 80:  # percent range
                real = round(min(100.0, rng.normal((tmin + tmax) / 2 + 2 * perf, 4)), 1)
            else:  # IKM-like index
                real = round(min(100.0, rng.normal(82 + 3 * perf, 4.5)), 2)
            missed = real < tmin
        caps.append(_capaian(kind, target, tmin, tmax, real))
        if missed:
            cat = kendala_main if rng.random() < 0.6 else _KENDALA_CATS[int(rng.integers(6))]
            kendala = (_KENDALA_FREE[cat][int(rng.integers(len(_KENDALA_FREE[cat])))]
                       if rng.random() < 0.3 else cat)
        else:
            kendala = ""
        arah = "turun" if kind in ("days", "rupiah") else "naik"
        rows.append([e.nip, periode, rhk, indikator, aspek, satuan,
                     "" if target is None else _num(target),
                     "" if tmin is None else _num(tmin), "" if tmax is None else _num(tmax),
                     _num(real), arah, "", "", kendala])
    mean = sum(caps) / len(caps)
    band = 0 if mean >= 110 else (1 if mean >= 90 else 2)
    if band != 1 and rng.random() < 0.3:  # superiors lean towards "sesuai"
        band = 1
    hasil = RATINGS[band] if rng.random() >= 0.10 else ""
    bad = tr.habitual[e.idx] or tr.p_tk[e.idx] > 0.01
    u = rng.random()
    # behaviour ratings are stable: "di bawah" is rare except for the ASN with discipline trouble
    perilaku = (RATINGS[2] if u < (0.30 if bad else 0.004)
                else RATINGS[0] if u > (0.95 if bad else 0.84) else RATINGS[1])
    for r in rows:
        r[11], r[12] = hasil, perilaku
    return rows


# --------------------------------------------------------------------------------------------
# SKM
# --------------------------------------------------------------------------------------------

_LAYANAN = {
    "paten": ["Rekomendasi IMB/PBG", "Surat Keterangan Ahli Waris", "Surat Keterangan Tidak Mampu",
              "Pengantar KTP-el", "Surat Keterangan Usaha", "Legalisasi Dokumen",
              "Surat Keterangan Domisili"],
    "kelurahan": ["Surat Keterangan Domisili", "Surat Keterangan Tidak Mampu", "Pengantar KTP-el",
                  "Surat Keterangan Usaha", "Surat Keterangan Ahli Waris", "Surat Pengantar Nikah",
                  "Surat Keterangan Kematian"],
}
_SARAN = {
    "waktu": ["pelayanan lama bgt, antri dari pagi", "nunggu lama, petugas blm datang",
              "proses surat lama sekali, sampai 3 hari baru jadi", "antrian panjang, loketnya cuma satu",
              "lambat pelayanannya", "harus nunggu tanda tangan pak lurah berhari hari",
              "mohon dipercepat prosesnya", "jam 8 kantor masih tutup",
              "antri lama bgt pdhl cuma minta surat pengantar", "tolong jgn lama2 pelayanannya"],
    "persyaratan": ["syaratnya ribet harus bolak balik", "persyaratan terlalu banyak",
                    "fotokopi KK harus dilegalisir dulu, repot", "syarat beda2 tiap ditanya"],
    "biaya": ["ada calo minta uang", "diminta uang administrasi padahal katanya gratis",
              "ada pungutan utk map", "katanya gratis tp dimintai uang rokok"],
    "perilaku": ["petugasnya jutek", "petugas kurang ramah", "petugas main hp saat melayani",
                 "petugas kurang sopan"],
    "sarana": ["ruang tunggu panas, kipas rusak", "toilet kotor", "kursi tunggu kurang",
               "tempat parkir sempit", "ruang tunggu sempit dan panas", "wifi tdk ada"],
    "prosedur": ["prosedurnya berbelit", "alurnya tdk jelas, dilempar ke sana sini",
                 "harus ke kelurahan dulu baru ke kecamatan, ribet"],
    "informasi": ["informasi persyaratan tidak jelas", "tolong dipasang papan info syarat",
                  "tidak ada info jam layanan", "nomor pengaduan tidak aktif"],
    "positif": ["petugas ramah, terima kasih", "pelayanan cepat, mantap", "sudah bagus, pertahankan",
                "terima kasih pak/bu, sangat membantu", "ok", "pelayanan baik", "mantap, cepat selesai",
                "semoga makin baik"],
}
_THEME_BY_UNSUR = ["persyaratan", "prosedur", "waktu", "biaya", "informasi", "perilaku",
                   "perilaku", "informasi", "sarana"]
_THEMES = list(_SARAN)
_PENDIDIKAN = (["SD", "SMP", "SMA", "D3", "S1", "S2"], [0.12, 0.16, 0.43, 0.08, 0.18, 0.03])
_PEKERJAAN = (["PNS", "TNI", "POLRI", "Swasta", "Wirausaha", "Petani", "Pelajar", "Lainnya"],
              [0.07, 0.01, 0.01, 0.18, 0.2, 0.25, 0.06, 0.22])
_FORM_HEADERS = {
    "waktu": "Cap waktu", "unit_layanan": "Unit Layanan", "jenis_layanan": "Jenis Layanan",
    "nip_petugas": "NIP Petugas", "usia": "Usia", "jenis_kelamin": "Jenis Kelamin",
    "pendidikan": "Pendidikan Terakhir", "pekerjaan": "Pekerjaan Utama",
    "u1": "Persyaratan", "u2": "Sistem, Mekanisme dan Prosedur", "u3": "Waktu Penyelesaian",
    "u4": "Biaya/Tarif", "u5": "Produk Spesifikasi Jenis Pelayanan", "u6": "Kompetensi Pelaksana",
    "u7": "Perilaku Pelaksana", "u8": "Penanganan Pengaduan, Saran dan Masukan",
    "u9": "Sarana dan Prasarana", "saran": "Saran dan Pengaduan",
}
#: column order of the form export: U9 (sarana) stands before U8 (pengaduan)
_FORM_ORDER = SKM_COLUMNS[:15] + ["u9", "u8", "saran"]


@dataclass
class _SkmUnit:
    slug: str
    name: str
    kind: str
    base: float
    worse_u3: bool
    shift: np.ndarray          # per-unsur additive shift on the mean score
    themes: np.ndarray         # theme preference weights (complaints)
    petugas: list[int]         # employee indexes who serve


def _skm_units(units, emps, seed) -> list[_SkmUnit]:
    rng = _rng(seed, "skm-units")
    service = [u for u in units if u["kind"] in ("paten", "kelurahan")]
    worse = set(rng.choice(len(service), size=2, replace=False).tolist())
    out = []
    for i, u in enumerate(service):
        serv = [e.idx for e in emps if e.unit == u["slug"] and e.level in ("staff", "seklur", "kasi")]
        if not serv:
            serv = [e.idx for e in emps if e.unit == u["slug"]]
        shift = rng.normal(0.0, 0.12, 9)
        shift[7] -= 0.25  # complaint handling (U8) is the usual weak spot
        shift[3] += 0.45  # services are free: U4 mostly "gratis"
        themes = rng.dirichlet(np.ones(len(_THEMES) - 1) * 0.8)
        base = (rng.uniform(40, 60) if u["kind"] == "paten" else rng.uniform(20, 45))
        out.append(_SkmUnit(u["slug"], u["name"], u["kind"], base, i in worse, shift, themes, serv))
    return out


def _scores(rng: np.random.Generator, n: int, mean: np.ndarray) -> np.ndarray:
    """n x 9 integer answers 1..4 around the given per-unsur means."""
    person = rng.normal(0, 0.28, (n, 1))     # some respondents are happier than others
    z = mean[None, :] + person + rng.normal(0, 0.36, (n, 9))
    return np.clip(np.rint(z), 1, 4).astype(np.int64)


def _skm_month(seed, su: _SkmUnit, y, m, mi, n_months, days, scale, emps, tr, pungli_month):
    rng = _rng(seed, "skm", su.slug, y, m)
    n = max(3, int(round(su.base * scale * rng.uniform(0.8, 1.2))))
    mean = np.full(9, 3.2) + su.shift
    progress = mi / max(1, n_months - 1)
    if su.worse_u3:
        mean[2] -= 0.45 + 0.55 * progress      # waiting time gets worse over the months
    if pungli_month:
        mean[3] -= 0.9
    sc = _scores(rng, n, mean)
    ords = np.array([d.toordinal() for d in days])
    day_i = rng.integers(0, len(days), n)
    secs = rng.integers(7 * 3600 + 50 * 60, 15 * 3600 + 30 * 60, n)
    order = np.lexsort((secs, day_i))
    day_i, secs, sc = day_i[order], secs[order], sc[order]
    rows = []
    ages = np.clip(np.rint(17 + rng.gamma(3.0, 8.5, n)), 17, 75).astype(int)
    sex = rng.random(n) < 0.5
    pend = rng.choice(6, size=n, p=_PENDIDIKAN[1])
    pek = rng.choice(8, size=n, p=_PEKERJAAN[1])
    has_saran_r = rng.random(n)
    theme_r = rng.random(n)
    text_r = rng.integers(0, 1000, n)
    pet_r = rng.random(n)
    pet_k = rng.integers(0, 1 << 30, n)
    lay_k = rng.integers(0, len(_LAYANAN[su.kind]), n)
    # complaint themes: the unit's own profile, varying month by month
    month_w = su.themes * rng.gamma(2.0, 0.5, len(su.themes))
    cum = np.cumsum(month_w / month_w.sum())
    theme2_r = rng.random(n)
    pet = np.array(su.petugas, np.int64)
    active_cache: dict[int, np.ndarray] = {}
    hhmmss = _hhmmss()
    for i in range(n):
        di = int(day_i[i])
        d = days[di]
        row_sc = sc[i]
        # the officer who served, if active that day (sometimes not recorded)
        nip = ""
        if pet_r[i] >= 0.15 and len(pet):
            if di not in active_cache:
                o = int(ords[di])
                active_cache[di] = pet[(tr.act_from[pet] <= o) & (o <= tr.act_to[pet])]
            cands = active_cache[di]
            if len(cands):
                p = int(cands[int(pet_k[i]) % len(cands)])
                nip = emps[p].nip
                # a weak officer shows a little in U6/U7 (officer-level IKM has a signal)
                if tr.perf[p] < -1.0 and row_sc[6] > 1 and (pet_k[i] >> 10) % 3 == 0:
                    row_sc[6] -= 1
                    row_sc[5] = max(1, row_sc[5] - 1)
        low = int(np.argmin(row_sc))
        saran = ""
        p_saran = 0.25 + (0.3 if row_sc[low] <= 2 else 0.0)
        if has_saran_r[i] < p_saran:
            if row_sc[low] <= 2 and theme_r[i] < 0.75:
                theme = _THEME_BY_UNSUR[low]
            elif row_sc[low] >= 3 and theme_r[i] < 0.8:
                theme = "positif"
            else:
                theme = _THEMES[min(len(cum) - 1, int(np.searchsorted(cum, theme2_r[i])))]
            if (su.worse_u3 and theme != "waktu" and (theme != "positif" or row_sc[2] <= 2)
                    and theme2_r[i] < 0.15 + 0.45 * progress):
                theme = "waktu"
            if pungli_month and theme not in ("biaya", "positif") and theme2_r[i] > 0.5:
                theme = "biaya"
            texts = _SARAN[theme]
            saran = texts[int(text_r[i]) % len(texts)]
        age = int(ages[i])
        job = int(pek[i])
        if job == 6 and age > 24:      # Pelajar
            age = 17 + age % 7
        rows.append({
            "waktu": f"{d.isoformat()} {hhmmss[int(secs[i])]}", "d": d, "sec": int(secs[i]),
            "unit_layanan": su.name, "jenis_layanan": _LAYANAN[su.kind][int(lay_k[i])],
            "nip_petugas": nip, "usia": str(age), "jenis_kelamin": "L" if sex[i] else "P",
            "pendidikan": _PENDIDIKAN[0][int(pend[i])], "pekerjaan": _PEKERJAAN[0][job],
            **{f"u{k + 1}": str(int(row_sc[k])) for k in range(9)}, "saran": saran,
        })
    return rows


# --------------------------------------------------------------------------------------------
# messy plan
# --------------------------------------------------------------------------------------------

_RECAP_HEADERS = [tuple(RECAP_COLUMNS), ("NIP", "Tanggal", "Jam Masuk", "Jam Pulang", "Keterangan"),
                  ("NIP", "TGL", "Masuk", "Pulang", "Status")]
_SCAN_HEADERS = [tuple(SCAN_COLUMNS), ("User ID", "DateTime", "In/Out", "Device"),
                 ("PIN", "Tanggal Jam", "IO", "Mesin")]
_ROSTER_HEADERS_XLSX = ["NIP", "Nama Pegawai", "Jabatan", "Unit Kerja", "Status ASN", "Gol",
                        "NIP Atasan", "PIN", "TMT Mulai", "TMT Selesai"]


def _trailing(seed: int, messy: bool, rel: str, designated: bool = False) -> int:
    """How many empty rows Excel left at the end of this file (a few files only)."""
    if not messy:
        return 0
    r = _rng(seed, "trail", rel)
    return int(r.integers(2, 6)) if designated or r.random() < 0.05 else 0


def _style_for(seed: int, messy: bool, rel: str) -> _Style:
    if not messy:
        return _Style()
    if _rng(seed, "style", rel).random() < 0.45:
        return _Style(";", True, "\r\n")
    return _Style()


# --------------------------------------------------------------------------------------------
# the generator
# --------------------------------------------------------------------------------------------

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
    root = dict(_read_csv("units.csv")[0])
    width = len(str(units))
    rows = [root]
    for i in range(parents):
        rows.append({**root, "slug": f"opd-{i + 1:02d}", "name": f"Dinas {_place_word(i)}", "kind": "instansi",
                     "parent": root["slug"], "aliases": "", "melayani": "tidak"})
    for j in range(units):
        rows.append({**root, "slug": f"unit-{j + 1:0{width}d}", "name": f"Unit Layanan {_place_word(j)}",
                     "kind": "kelurahan", "parent": f"opd-{j % parents + 1:02d}", "aliases": "", "melayani": "ya"})
    return rows


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


def generate(out: Path, employees: int = 60, months: int = 12, end: str = "2026-10",
             seed: int = 7, messy: bool = False,
             progress: Callable[[str], None] | None = None, units: int | None = None,
             parents: int | None = None, reference: Path | None = None) -> dict:
    """Write a sample inbox at ``out``; return ``{relative path: data rows}``.

    With ``units`` (and ``parents``, default ``units // 80`` or 1): a province of that many service
    units under that many instansi/OPD instead of the office's units (province_units); its units
    reference is written, with the other reference tables, to ``reference`` (default: the folder
    ``<out>-referensi`` beside the inbox) — run it with ``[paths] reference`` pointing there."""
    employees = int(employees)
    n_units = units
    if employees < 10:
        raise ValueError("employees must be at least 10 (camat, sekcam and a lurah per kelurahan)")
    month_list = _month_list(end, months)
    root = Path(out)
    root.mkdir(parents=True, exist_ok=True)
    o = _Out(root, progress)
    stale = root / ".manifest.json"
    if stale.exists() and not messy:
        stale.unlink()

    units = _read_csv("units.csv")
    if n_units is not None:
        tree = province_units(int(n_units), int(parents or max(1, int(n_units) // 80)))
        write_reference(reference or root.parent / f"{root.name}-referensi", tree)
        units = [u for u in tree if u["kind"] != "instansi"]     # the instansi hold no ASN of their own
    labels: dict[tuple[str, int], str] = {(r["unsur"], int(r["score"])): r["label"]
                                          for r in _read_csv("skm_answer_labels.csv")}
    holidays = set(load_holidays())
    mos = []
    for (y, m) in month_list:
        days = workdays(y, m, holidays)
        mos.append(_Month(y, m, days, np.array([d.toordinal() for d in days], np.int64)))
    y_end, m_end = month_list[-1]
    stamp = dt.datetime(y_end + (m_end == 12), m_end % 12 + 1, 2, 8, 0, 0)

    emps = _build_roster(employees, units, month_list, seed)
    tr = _traits(emps, month_list, seed)
    mrng = _rng(seed, "messy-plan")  # every messy decision comes from here (or per-file streams)

    _write_roster(o, emps, messy, stamp)

    # ---------------- attendance ----------------
    unit_emps = {u["slug"]: np.array([e.idx for e in emps if e.unit == u["slug"]], np.int64)
                 for u in units}
    recap_units = [u["slug"] for k, u in enumerate(units) if k % 2 == 0]
    scan_units = [u["slug"] for k, u in enumerate(units) if k % 2 == 1]
    recap_files = [(slug, k) for k in range(len(mos)) for slug in recap_units]
    scan_files = [(slug, k) for k in range(len(mos)) for slug in scan_units]
    last_recap = f"presensi/rekap_{recap_units[0]}_{_ym(y_end, m_end)}.csv"
    recap_fmt: dict[tuple[str, int], _RecapFmt] = {}
    defects: dict[tuple[str, int], list[str]] = {}
    if messy:
        perm = mrng.permutation(len(recap_files))
        for j, i in enumerate(perm.tolist()):
            f = _RecapFmt(date=("iso", "dmy", "long")[j % 3],
                          dot_time=(j % 4 == 1),
                          status_words=(j % 2 == 1),
                          header=_RECAP_HEADERS[int(mrng.integers(len(_RECAP_HEADERS)))])
            recap_fmt[recap_files[i]] = f
        colon = [k for k in recap_files if not recap_fmt[k].dot_time]
        dmy = [k for k in recap_files if recap_fmt[k].date == "dmy"]

        def pick(pool):
            return pool[int(mrng.integers(len(pool)))]

        for rule in ("duplicate_exact", "duplicate_exact", "duplicate_conflict", "nip_17",
                     "nip_letter", "status_unknown", "date_future"):
            defects.setdefault(pick(recap_files), []).append(rule)
        defects.setdefault(pick(colon), []).append("time_invalid")
        defects.setdefault(pick(dmy), []).append("date_invalid")
    scan_fmt: dict[tuple[str, int], tuple[str, tuple]] = {}
    scan_dups: set = set()
    if messy:
        for key in scan_files:
            r = _rng(seed, "scanfmt", *key)
            scan_fmt[key] = ("dmy" if r.random() < 0.3 else "iso",
                             _SCAN_HEADERS[int(r.integers(len(_SCAN_HEADERS)))])
        scan_dups.add(scan_files[int(mrng.integers(len(scan_files)))])

    io_empty = {"kelurahan-petuk-barunai"}
    # koreksi/: in the last month the first scan unit's machine is down one day (no scans at all),
    # and ASN days without a record are candidates for the late izin letters
    down_unit = scan_units[0] if scan_units else None
    down_day = next((d for d in mos[-1].days if d.weekday() == 2 and d.day > 7), None) if mos else None
    tk_days: list[tuple[str, int, dt.date]] = []
    for k, mo in enumerate(mos):
        for u in units:
            slug = u["slug"]
            idx = unit_emps[slug]
            if len(idx) == 0 or not mo.days:
                continue
            status, act, keep_tk, cin, cout = _attendance_matrix(seed, slug, mo, idx, tr)
            ym = _ym(mo.y, mo.m)
            if k == len(mos) - 1 and slug != down_unit:
                tk_days.extend((slug, int(idx[e]), mo.days[j])
                               for e, j in np.argwhere((status == ST_TK) & act)[:2].tolist())
            if slug in recap_units:
                rel = f"presensi/rekap_{slug}_{ym}.csv"
                style = _style_for(seed, messy, rel)
                fmt = recap_fmt.get((slug, k), _RecapFmt())
                if fmt.date == "dmy" and not _settled(mo.days):
                    fmt = replace(fmt, date="iso")
                rec = (status >= 0) & ((status != ST_TK) | keep_tk)
                frng = _rng(seed, "recap-messy", slug, ym) if messy else None
                cf = _CsvFile(o, rel, list(fmt.header), style)
                chunk_e = max(1, _CHUNK_ROWS // max(1, len(mo.days)))
                for e_lo in range(0, len(idx), chunk_e):
                    lines = _recap_lines(tr, idx, mo, status, rec, cin, cout, fmt, style.sep, frng,
                                         e_lo, e_lo + chunk_e)
                    if e_lo == 0 and (slug, k) in defects:
                        lines = _inject_recap(o, rel, lines, style.sep, defects[(slug, k)], fmt,
                                              mo, y_end, frng)
                    cf.write_lines(lines)
                cf.close(_trailing(seed, messy, rel, rel == last_recap))
            else:
                rel = f"presensi/scan_{slug}_{ym}.csv"
                style = _style_for(seed, messy, rel)
                dfmt, header = scan_fmt.get((slug, k), ("iso", tuple(SCAN_COLUMNS)))
                d, s, e_loc, io_ = _scan_events(seed, slug, mo, idx, tr, status, act, cin, cout,
                                                holidays)
                if slug == down_unit and k == len(mos) - 1 and down_day is not None:
                    up = d != down_day.toordinal()   # the machine recorded nothing that day
                    d, s, e_loc, io_ = d[up], s[up], e_loc[up], io_[up]
                if dfmt == "dmy" and not _settled(map(dt.date.fromordinal, set(d.tolist()))):
                    dfmt = "iso"
                n_mach = max(1, math.ceil(len(idx) / 150))
                code = ("KEC" if u["kind"] == "kecamatan" else "PATEN" if u["kind"] == "paten"
                        else u["name"].replace("Kantor Kelurahan ", "").replace(" ", "").upper())
                mesin = [f"FP-{code}-{1 + (j % n_mach):02d}" for j in range(len(idx))]
                pins = [tr.pin_str[int(i)] for i in idx]
                io_s = ["", ""] if slug in io_empty else ["0", "1"]
                hms = _hhmmss()
                dcache: dict[int, str] = {}
                cf = _CsvFile(o, rel, list(header), style)
                sep = style.sep
                dup_here = (slug, k) in scan_dups
                for lo in range(0, len(d), _CHUNK_ROWS):
                    dd = d[lo: lo + _CHUNK_ROWS].tolist()
                    for od in set(dd):
                        if od not in dcache:
                            dcache[od] = _date_str(dt.date.fromordinal(od), dfmt)
                    lines = [f"{pins[e]}{sep}{dcache[od]} {hms[ss]}{sep}{io_s[w]}{sep}{mesin[e]}"
                             for od, ss, e, w in zip(dd, s[lo: lo + _CHUNK_ROWS].tolist(),
                                                     e_loc[lo: lo + _CHUNK_ROWS].tolist(),
                                                     io_[lo: lo + _CHUNK_ROWS].tolist())]
                    if dup_here and lo == 0 and len(lines) > 10:
                        # the machine exported a few scans twice: exact duplicates collapse
                        for j in sorted(set(_rng(seed, "scandup").integers(0, len(lines) - 1, 3)
                                            .tolist()), reverse=True):
                            lines.insert(j + 1, lines[j])
                    cf.write_lines(lines)
                cf.close(_trailing(seed, messy, rel))
                # the machine knows nothing of leave: the office sends its absence list
                # (izin, sakit, cuti, dinas luar, tugas belajar) as a small recap beside the log
                # (no file when nobody was away with a reason that month)
                rel = f"presensi/keterangan_{slug}_{ym}.csv"
                style = _style_for(seed, messy, rel)
                rec = act & (status != ST_H) & (status != ST_TK)
                if rec.any():
                    cf = _CsvFile(o, rel, RECAP_COLUMNS, style)
                    chunk_e = max(1, _CHUNK_ROWS // max(1, len(mo.days)))
                    for e_lo in range(0, len(idx), chunk_e):
                        cf.write_lines(_recap_lines(tr, idx, mo, status, rec, cin, cout,
                                                    _RecapFmt(), style.sep, None, e_lo,
                                                    e_lo + chunk_e))
                    cf.close(_trailing(seed, messy, rel))

    # ---------------- corrections ----------------
    _write_koreksi(o, emps, units, down_unit, down_day, tk_days, seed, messy)

    # ---------------- SKP ----------------
    _write_skp(o, emps, tr, mos, units, seed, messy, mrng, stamp)

    # ---------------- SKM + layanan ----------------
    _write_skm(o, emps, tr, mos, units, seed, messy, mrng, labels, employees)

    if messy:
        o.manifest.sort(key=lambda r: (r["file"], r["row"], r["column"], r["rule"]))
        (root / ".manifest.json").write_text(
            json.dumps(o.manifest, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return dict(sorted(o.summary.items()))


# --------------------------------------------------------------------------------------------
# writers
# --------------------------------------------------------------------------------------------

KOREKSI_COLUMNS = ["nip", "unit_layanan", "tanggal", "yang_dikoreksi", "nilai_baru", "alasan", "dasar",
                   "disetujui_oleh", "tanggal_persetujuan"]


def _write_koreksi(o: _Out, emps: list[_Emp], units: list[dict], down_unit: str | None,
                   down_day: dt.date | None, tk_days: list[tuple[str, int, dt.date]], seed: int,
                   messy: bool) -> None:
    """koreksi/koreksi_<YYYY-MM>.csv: what an office's kepegawaian keeps, one approved correction a
    row: the day the machine was down (a berita acara by the unit's head, for the whole unit),
    two izin letters that came after the recap was sent (approved by each ASN's superior), and
    one check-out correction approved by a colleague, who is nobody's superior (quarantined)."""
    if down_day is None:
        return
    rel = f"koreksi/koreksi_{down_day.strftime('%Y-%m')}.csv"
    style = _style_for(seed, messy, rel)
    rng = _rng(seed, "koreksi")
    by_unit = {u["slug"]: u for u in units}
    dmy = "%d/%m/%Y"
    rows: list[list[str]] = []
    def chain(e: _Emp) -> list[int]:
        up, seen = [], set()
        while e.atasan >= 0 and e.atasan not in seen:
            seen.add(e.atasan)
            up.append(e.atasan)
            e = emps[e.atasan]
        return up

    # the approver of a unit's correction: its head, or above (the nearest common superior of
    # everyone in the unit; PATEN's counter staff report to a Kepala Seksi of the kantor)
    staff = [e for e in emps if e.unit == down_unit]
    chains = {e.idx: set(chain(e)) for e in staff}
    head = next((emps[a] for a in ([staff[0].idx] + chain(staff[0])) if staff
                 and all(a in chains[e.idx] for e in staff if e.idx != a)), None)
    if head is not None:
        rows.append(["", by_unit[down_unit]["name"], down_day.strftime(dmy), "status", "H",
                     "mesin sidik jari rusak sejak pagi; pegawai hadir dan mengisi daftar hadir manual",
                     f"Berita Acara Kerusakan Mesin Presensi Nomor 800/{int(rng.integers(10, 99))}/BA/"
                     f"{down_day.month}/{down_day.year}", head.nip,
                     (down_day + dt.timedelta(days=1)).strftime(dmy)])
    seen: set[str] = set()
    for slug, i, day in tk_days:
        e = emps[i]
        if slug in seen or e.atasan < 0 or len(seen) == 2:
            continue
        seen.add(slug)
        rows.append([e.nip, "", day.strftime(dmy), "status", "I",
                     "surat izin diserahkan setelah rekap presensi dikirim",
                     f"Surat Izin Nomor {int(rng.integers(100, 999))}/{day.month}/{day.year}",
                     emps[e.atasan].nip, (day + dt.timedelta(days=int(rng.integers(2, 6)))).strftime(dmy)])
    by_atasan: dict[int, list[_Emp]] = {}
    for e in emps:
        if e.level == "staff" and e.atasan >= 0 and e.unit != down_unit:
            by_atasan.setdefault(e.atasan, []).append(e)
    peers = next(([g[0], g[1]] for g in by_atasan.values() if len(g) > 1), [])
    for a, b in [peers] if peers else []:
        rows.append([a.nip, "", down_day.replace(day=down_day.day - 1).strftime(dmy), "jam_pulang", "16:00",
                     "lupa pindai pulang", "Surat keterangan rekan kerja", b.nip, down_day.strftime(dmy)])
    cf = _CsvFile(o, rel, KOREKSI_COLUMNS, style)
    cf.write_lines([_join(r, style.sep) for r in rows])
    cf.close(_trailing(seed, messy, rel))


def _write_roster(o: _Out, emps: list[_Emp], messy: bool, stamp: dt.datetime) -> None:
    def atasan(e):
        return emps[e.atasan].nip if e.atasan >= 0 else ""

    if messy:
        rows = [[e.nip, e.nama, e.jabatan, e.unit_label, e.jenis, e.gol, atasan(e) or None,
                 e.pin, e.tmt_mulai, e.tmt_selesai] for e in emps]
        _write_xlsx(o, "pegawai/pegawai.xlsx", _ROSTER_HEADERS_XLSX, rows, stamp)
        return
    rel = "pegawai/pegawai.csv"
    cf = _CsvFile(o, rel, ROSTER_COLUMNS, _Style())
    for lo in range(0, len(emps), _CHUNK_ROWS):
        cf.write_lines([_join([e.nip, e.nama, e.jabatan, e.unit_label, e.jenis, e.gol, atasan(e),
                               str(e.pin), e.tmt_mulai.isoformat() if e.tmt_mulai else "",
                               e.tmt_selesai.isoformat() if e.tmt_selesai else ""], ",")
                        for e in emps[lo: lo + _CHUNK_ROWS]])
    cf.close()


def _bad_nip(nip: str, kind: str) -> str:
    if kind == "nip_17":
        return nip[:12] + nip[13:]              # one digit lost
    if kind == "nip_letter":
        return nip[:15] + "O" + nip[16:]        # letter O typed for zero
    return nip[:4] + "13" + nip[6:]             # birth month 13


def _inject_recap(o: _Out, rel: str, lines: list[str], sep: str, rules: list[str],
                  fmt: _RecapFmt, mo: _Month, y_end: int, rng: np.random.Generator) -> list[str]:
    rows = [ln.split(sep) for ln in lines]
    h_codes = {"H"} | set(STATUS_VARIANTS[ST_H])
    eligible = [i for i, r in enumerate(rows) if r[4] in h_codes and r[2] and r[3]]
    need = len(rules)
    if len(eligible) < need:
        return lines
    chosen = rng.choice(eligible, size=need, replace=False).tolist()
    marks: list[tuple[list, str, str, str]] = []   # (row object, column, rule, note)
    inserts: list[tuple[int, list]] = []
    hh = _HHMM_DOT if fmt.dot_time else _HHMM
    for rule, i in zip(rules, chosen):
        r = rows[i]
        if rule == "duplicate_exact":
            copy = list(r)
            inserts.append((i + 1 + int(rng.integers(1, 4)), copy))
            marks.append((copy, "nip", "duplicate_exact", r))
        elif rule == "duplicate_conflict":
            copy = list(r)
            m_in = int(copy[2].replace(".", ":").split(":")[0]) * 60 + int(
                copy[2].replace(".", ":").split(":")[1])
            copy[2] = hh[max(0, m_in - int(rng.integers(20, 50)))]
            inserts.append((i + 1 + int(rng.integers(0, 3)), copy))
            marks.append((r, "nip", "duplicate_conflict", "nip+tanggal sama, jam berbeda"))
            marks.append((copy, "nip", "duplicate_conflict", "nip+tanggal sama, jam berbeda"))
        elif rule in ("nip_17", "nip_letter"):
            r[0] = _bad_nip(r[0], rule)
            marks.append((r, "nip", "nip_format",
                          "NIP 17 digit" if rule == "nip_17" else "NIP berisi huruf"))
        elif rule == "status_unknown":
            r[4] = "X"
            marks.append((r, "status", "status_unknown", "kode status X tidak dikenal"))
        elif rule == "time_invalid":
            r[2] = "25:99"
            marks.append((r, "jam_masuk", "time_invalid", "jam 25:99"))
        elif rule == "date_invalid":
            r[1] = f"31/02/{mo.y}"
            marks.append((r, "tanggal", "date_invalid", "tanggal 31/02 tidak ada"))
        elif rule == "date_future":
            fut = dt.date(y_end + 2, mo.m, min(28, max(1, mo.days[0].day)))
            r[1] = _date_str(fut, fmt.date)
            marks.append((r, "tanggal", "date_future", f"tanggal {fut.isoformat()} di masa depan"))
    for pos, copy in sorted(inserts, key=lambda t: -t[0]):
        rows.insert(min(pos, len(rows)), copy)
    where = {id(r): n for n, r in enumerate(rows)}
    for r, col, rule, note in marks:
        if rule == "duplicate_exact":  # note carries the original row object
            note = f"salinan persis baris {where[id(note)] + 2}"
        o.defect(rel, where[id(r)] + 2, col, rule, note)
    return [sep.join(r) for r in rows]


def _quarter_of(mos: list[_Month]) -> tuple[int, int] | None:
    have = {(mo.y, mo.m) for mo in mos}
    for mo in reversed(mos):
        if mo.m % 3 == 0 and all((mo.y, mo.m - k) in have for k in range(3)):
            return mo.y, mo.m // 3
    return None


def _write_skp(o, emps, tr, mos, units, seed, messy, mrng, stamp):
    plans = _skp_plan(emps, seed)
    kec_slug = next(u["slug"] for u in units if u["kind"] == "kecamatan")
    quarter = _quarter_of(mos)
    q_months = {(quarter[0], quarter[1] * 3 - k) for k in range(3)} if quarter else set()
    monthly_keys = [(mo.y, mo.m) for mo in mos]
    xlsx_month = None
    skp_defects: dict[str, list[str]] = {}
    if messy:
        xlsx_month = monthly_keys[int(mrng.integers(len(monthly_keys)))]
        rules = ["nip_month13", "direction_unknown", "target_invalid", "realisasi_invalid",
                 "rating_unknown"]
        for rule in rules:
            ym = _ym(*monthly_keys[int(mrng.integers(len(monthly_keys)))])
            skp_defects.setdefault(ym, []).append(rule)
        # make sure the XLSX month has one defect, so XLSX row numbering is exercised
        skp_defects.setdefault(_ym(*xlsx_month), []).append("direction_unknown")

    def active_in(e, y, m):
        first = dt.date(y, m, 1).toordinal()
        last = dt.date(y, m, calendar.monthrange(y, m)[1]).toordinal()
        return tr.act_from[e.idx] <= last and tr.act_to[e.idx] >= first

    nwd_mean = np.mean([len(mo.days) for mo in mos]) or 1.0
    periods = [(mo.y, mo.m, _ym(mo.y, mo.m), len(mo.days) / nwd_mean) for mo in mos]
    jobs = [(f"skp/skp_{p[2]}", p, False) for p in periods]
    if quarter:
        jobs.append((f"skp/skp_{quarter[0]}-Q{quarter[1]}", (quarter[0], quarter[1] * 3,
                                                           f"{quarter[0]}-Q{quarter[1]}", 1.0), True))
    for base, (y, m, periode, ratio), is_q in jobs:
        members = []
        for e in emps:
            if is_q:
                if e.unit != kec_slug or not any(active_in(e, qy, qm) for qy, qm in q_months):
                    continue
                if e.idx == tr.tb_emp and q_months <= tr.tb_months:
                    continue
            else:
                if e.unit == kec_slug and (y, m) in q_months:
                    continue
                if not active_in(e, y, m):
                    continue
                if e.idx == tr.tb_emp and (y, m) in tr.tb_months:
                    continue
            members.append(e)
        rng = _rng(seed, "skp", periode)
        is_xlsx = (not is_q) and messy and (y, m) == xlsx_month
        rel = base + (".xlsx" if is_xlsx else ".csv")
        rules = [] if is_q else skp_defects.get(periode, [])
        factor = 3.0 if is_q else 1.0
        if is_xlsx:
            rows = []
            for e in members:
                rows.extend(_skp_rows(e, plans[e.idx], periode, factor, ratio, tr, rng))
            if rules:
                _inject_skp(o, rel, rows, rules, 3, mrng)
            xrows = [[_xlsx_val(c, v) for c, v in zip(SKP_COLUMNS, r)] for r in rows]
            _write_xlsx(o, rel, SKP_COLUMNS, xrows, stamp)
            continue
        style = _style_for(seed, messy, rel)
        cf = _CsvFile(o, rel, SKP_COLUMNS, style)
        block = 5000
        for lo in range(0, len(members), block):
            rows = []
            for e in members[lo: lo + block]:
                rows.extend(_skp_rows(e, plans[e.idx], periode, factor, ratio, tr, rng))
            if lo == 0 and rules:
                _inject_skp(o, rel, rows, rules, 2, mrng)
            cf.write_lines([_join(r, style.sep) for r in rows])
        cf.close(_trailing(seed, messy, rel, periode == _ym(mos[0].y, mos[0].m)))


def _xlsx_val(col: str, v: str):
    if v == "":
        return None
    if col in ("target", "target_min", "target_max", "realisasi") and v:
        try:
            f = float(v)
            return int(f) if f == int(f) else f
        except ValueError:
            return v
    return v


def _inject_skp(o: _Out, rel: str, rows: list[list[str]], rules: list[str], first_row: int,
                rng: np.random.Generator) -> None:
    """Mutate whole ASN-months (nip, rating) or single rows; record each row in the manifest."""
    groups: dict[str, list[int]] = {}
    for i, r in enumerate(rows):
        groups.setdefault(r[0], []).append(i)
    keys = list(groups)
    if len(keys) < len(rules) + 1:
        return
    chosen = rng.choice(len(keys), size=len(rules), replace=False).tolist()
    for rule, gk in zip(rules, chosen):
        idxs = groups[keys[gk]]
        if rule == "nip_month13":
            for i in idxs:
                rows[i][0] = _bad_nip(rows[i][0], "month13")
                o.defect(rel, i + first_row, "nip", "nip_format", "bulan lahir 13 pada NIP")
        elif rule == "rating_unknown":
            for i in idxs:
                rows[i][11] = "sangat baik"
                o.defect(rel, i + first_row, "rating_hasil_kerja", "rating_unknown",
                         "'sangat baik' bukan rating hasil kerja")
        else:
            cands = [i for i in idxs if rows[i][6]] if rule == "target_invalid" else idxs
            if not cands:
                cands = idxs
            i = cands[int(rng.integers(len(cands)))]
            if rule == "direction_unknown":
                rows[i][10] = "atas"
                o.defect(rel, i + first_row, "arah", "direction_unknown", "arah 'atas'")
            elif rule == "target_invalid":
                rows[i][6] = rows[i][7] = rows[i][8] = ""
                rows[i][13] = ""
                o.defect(rel, i + first_row, "target", "target_invalid",
                         "target kosong dan tanpa rentang")
            elif rule == "realisasi_invalid":
                rows[i][9] = "belum ada"
                o.defect(rel, i + first_row, "realisasi", "realisasi_invalid",
                         "realisasi bukan angka")


def _write_skm(o, emps, tr, mos, units, seed, messy, mrng, labels, employees):
    sus = _skm_units(units, emps, seed)
    scale = employees / 60.0
    cap = 2000
    scale = min(scale, cap / max(su.base for su in sus))
    prng = _rng(seed, "pungli")
    pungli = {(sus[int(prng.integers(len(sus)))].slug, int(prng.integers(len(mos))))}
    per_unit_counts: dict[tuple[str, int], int] = {}
    label_key = form_key = None
    score_defects: dict[int, list[str]] = {}
    if messy:
        pair = mrng.choice(len(sus), size=2, replace=False).tolist()
        label_key = (sus[pair[0]].slug, int(mrng.integers(len(mos))))
        form_key = (sus[pair[1]].slug, int(mrng.integers(len(mos))))
        for v in ("0", "5", "3,5"):
            score_defects.setdefault(int(mrng.integers(len(mos))), []).append(v)
    for k, mo in enumerate(mos):
        if not mo.days:
            continue
        ym = _ym(mo.y, mo.m)
        main_rows = []
        for su in sus:
            rows = _skm_month(seed, su, mo.y, mo.m, k, len(mos), mo.days, scale, emps, tr,
                              (su.slug, k) in pungli)
            per_unit_counts[(su.slug, k)] = len(rows)
            if messy and (su.slug, k) == label_key:
                _write_skm_labels(o, f"skm/skm_{su.slug}_{ym}.csv", rows, labels, seed)
            elif messy and (su.slug, k) == form_key:
                _write_skm_form(o, f"skm/ekspor_form_{su.slug}_{ym}.csv", rows, seed)
            else:
                main_rows.extend(rows)
        main_rows.sort(key=lambda r: (r["d"], r["sec"]))
        rel = f"skm/skm_{ym}.csv"
        style = _style_for(seed, messy, rel)
        out_rows = [[r[c] for c in SKM_COLUMNS] for r in main_rows]
        if messy:
            alias_rng = _rng(seed, "skm-alias", rel)
            if alias_rng.random() < 0.4:
                alias = {u["name"]: u["aliases"].split("|")[0] for u in units}
                for r in out_rows:
                    r[1] = alias.get(r[1], r[1])
            for v in score_defects.get(k, []):
                if len(out_rows) < 4:
                    break
                taken = {(m["row"]) for m in o.manifest if m["file"] == rel}
                while True:
                    i = int(mrng.integers(len(out_rows)))
                    if i + 2 not in taken:
                        break
                col = int(mrng.integers(1, 10))
                out_rows[i][7 + col] = v
                o.defect(rel, i + 2, f"u{col}", "score_range", f"nilai {v} di luar 1-4")
        cf = _CsvFile(o, rel, SKM_COLUMNS, style)
        cf.write_lines([_join(r, style.sep) for r in out_rows])
        cf.close(_trailing(seed, messy, rel, k == len(mos) - 1))

    # layanan: people served per unit-month, survey response rate 10-40 %
    lrng = _rng(seed, "layanan")
    unit_rate = {su.slug: lrng.uniform(0.12, 0.35) for su in sus}
    years = sorted({mo.y for mo in mos})
    for y in years:
        rel = f"layanan/layanan_{y}.csv"
        style = _style_for(seed, messy, rel)
        cf = _CsvFile(o, rel, LAYANAN_COLUMNS, style)
        lines = []
        for k, mo in enumerate(mos):
            if mo.y != y:
                continue
            for su in sus:
                n = per_unit_counts.get((su.slug, k), 0)
                rate = float(np.clip(unit_rate[su.slug] * lrng.uniform(0.85, 1.15), 0.10, 0.40))
                lines.append(_join([su.name, _ym(mo.y, mo.m), str(max(n, int(math.ceil(n / rate))))],
                                   style.sep))
        cf.write_lines(lines)
        cf.close()


def _write_skm_labels(o, rel, rows, labels, seed):
    """Answers as words (per unsur labels), with the capitalisation/spacing people type."""
    rng = _rng(seed, "skm-labels", rel)
    style = _style_for(seed, True, rel)
    out = []
    for r in rows:
        vals = [r[c] for c in SKM_COLUMNS]
        for k in range(9):
            lab = labels[(f"U{k + 1}", int(vals[8 + k]))]
            u = rng.random()
            if u < 0.35:
                lab = lab.capitalize()
            elif u < 0.45:
                lab = lab.upper()
            elif u < 0.6:
                lab = lab.title()
            v = rng.random()
            if v < 0.1:
                lab = " " + lab
            elif v < 0.2:
                lab = lab + " "
            elif v < 0.28 and " " in lab:
                lab = lab.replace(" ", "  ", 1)
            vals[8 + k] = lab
        out.append(_join(vals, style.sep))
    cf = _CsvFile(o, rel, SKM_COLUMNS, style)
    cf.write_lines(out)
    cf.close()


def _write_skm_form(o, rel, rows, seed):
    """A form export: headers name the unsur, U9 stands before U8, timestamps dd/mm/yyyy."""
    style = _style_for(seed, True, rel)
    header = [_FORM_HEADERS[c] for c in _FORM_ORDER]
    fmt = "dmy" if _settled(r["d"] for r in rows) else "iso"
    out = []
    for r in rows:
        vals = dict(r)
        vals["waktu"] = f"{_date_str(r['d'], fmt)} {_hhmmss()[r['sec']]}"
        out.append(_join([vals[c] for c in _FORM_ORDER], style.sep))
    cf = _CsvFile(o, rel, header, style)
    cf.write_lines(out)
    cf.close()
