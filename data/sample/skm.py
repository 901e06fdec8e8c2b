"""SKM (survey of community satisfaction): the service units' profiles, the monthly responses
(nine unsur scored 1-4, respondents, officer, suggestions) and the files ``skm/skm_<YYYY-MM>.csv``,
plus the messy variant's answer-label and form-export files."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from data.sample.columns import SKM_COLUMNS
from data.sample.context import RunContext
from data.sample.dates import Month, date_str, hhmmss, settled, ym_str
from data.sample.messy import mess_skm_month, plan_skm
from data.sample.output import Output
from data.sample.reference import read_reference
from data.sample.roster import Employee
from data.sample.streams import stream
from data.sample.traits import Traits
from data.sample.writers import CsvFile, join_line, style_for, trailing_rows

_LAYANAN = {
    "paten": [
        "Rekomendasi IMB/PBG",
        "Surat Keterangan Ahli Waris",
        "Surat Keterangan Tidak Mampu",
        "Pengantar KTP-el",
        "Surat Keterangan Usaha",
        "Legalisasi Dokumen",
        "Surat Keterangan Domisili",
    ],
    "kelurahan": [
        "Surat Keterangan Domisili",
        "Surat Keterangan Tidak Mampu",
        "Pengantar KTP-el",
        "Surat Keterangan Usaha",
        "Surat Keterangan Ahli Waris",
        "Surat Pengantar Nikah",
        "Surat Keterangan Kematian",
    ],
}
_SARAN = {
    "waktu": [
        "pelayanan lama bgt, antri dari pagi",
        "nunggu lama, petugas blm datang",
        "proses surat lama sekali, sampai 3 hari baru jadi",
        "antrian panjang, loketnya cuma satu",
        "lambat pelayanannya",
        "harus nunggu tanda tangan pak lurah berhari hari",
        "mohon dipercepat prosesnya",
        "jam 8 kantor masih tutup",
        "antri lama bgt pdhl cuma minta surat pengantar",
        "tolong jgn lama2 pelayanannya",
    ],
    "persyaratan": [
        "syaratnya ribet harus bolak balik",
        "persyaratan terlalu banyak",
        "fotokopi KK harus dilegalisir dulu, repot",
        "syarat beda2 tiap ditanya",
    ],
    "biaya": [
        "ada calo minta uang",
        "diminta uang administrasi padahal katanya gratis",
        "ada pungutan utk map",
        "katanya gratis tp dimintai uang rokok",
    ],
    "perilaku": ["petugasnya jutek", "petugas kurang ramah", "petugas main hp saat melayani", "petugas kurang sopan"],
    "sarana": [
        "ruang tunggu panas, kipas rusak",
        "toilet kotor",
        "kursi tunggu kurang",
        "tempat parkir sempit",
        "ruang tunggu sempit dan panas",
        "wifi tdk ada",
    ],
    "prosedur": [
        "prosedurnya berbelit",
        "alurnya tdk jelas, dilempar ke sana sini",
        "harus ke kelurahan dulu baru ke kecamatan, ribet",
    ],
    "informasi": [
        "informasi persyaratan tidak jelas",
        "tolong dipasang papan info syarat",
        "tidak ada info jam layanan",
        "nomor pengaduan tidak aktif",
    ],
    "positif": [
        "petugas ramah, terima kasih",
        "pelayanan cepat, mantap",
        "sudah bagus, pertahankan",
        "terima kasih pak/bu, sangat membantu",
        "ok",
        "pelayanan baik",
        "mantap, cepat selesai",
        "semoga makin baik",
    ],
}
_THEME_BY_UNSUR = [
    "persyaratan",
    "prosedur",
    "waktu",
    "biaya",
    "informasi",
    "perilaku",
    "perilaku",
    "informasi",
    "sarana",
]
_THEMES = list(_SARAN)
_PENDIDIKAN = (["SD", "SMP", "SMA", "D3", "S1", "S2"], [0.12, 0.16, 0.43, 0.08, 0.18, 0.03])
_PEKERJAAN = (
    ["PNS", "TNI", "POLRI", "Swasta", "Wirausaha", "Petani", "Pelajar", "Lainnya"],
    [0.07, 0.01, 0.01, 0.18, 0.2, 0.25, 0.06, 0.22],
)
_FORM_HEADERS = {
    "waktu": "Cap waktu",
    "unit_layanan": "Unit Layanan",
    "jenis_layanan": "Jenis Layanan",
    "nip_petugas": "NIP Petugas",
    "usia": "Usia",
    "jenis_kelamin": "Jenis Kelamin",
    "pendidikan": "Pendidikan Terakhir",
    "pekerjaan": "Pekerjaan Utama",
    "u1": "Persyaratan",
    "u2": "Sistem, Mekanisme dan Prosedur",
    "u3": "Waktu Penyelesaian",
    "u4": "Biaya/Tarif",
    "u5": "Produk Spesifikasi Jenis Pelayanan",
    "u6": "Kompetensi Pelaksana",
    "u7": "Perilaku Pelaksana",
    "u8": "Penanganan Pengaduan, Saran dan Masukan",
    "u9": "Sarana dan Prasarana",
    "saran": "Saran dan Pengaduan",
}
#: column order of the form export: U9 (sarana) stands before U8 (pengaduan)
FORM_ORDER = SKM_COLUMNS[:15] + ["u9", "u8", "saran"]


@dataclass
class SkmUnit:
    slug: str
    name: str
    kind: str
    base: float
    worse_u3: bool
    shift: np.ndarray  # per-unsur additive shift on the mean score
    themes: np.ndarray  # theme preference weights (complaints)
    petugas: list[int]  # employee indexes who serve


def skm_units(units: list[dict[str, str]], emps: list[Employee], seed: int) -> list[SkmUnit]:
    """The service units (PATEN, kelurahan) with their profiles; two get worse at U3."""
    rng = stream(seed, "skm-units")
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
        base = rng.uniform(40, 60) if u["kind"] == "paten" else rng.uniform(20, 45)
        out.append(SkmUnit(u["slug"], u["name"], u["kind"], base, i in worse, shift, themes, serv))
    return out


def _scores(rng: np.random.Generator, n: int, mean: np.ndarray) -> np.ndarray:
    """n x 9 integer answers 1..4 around the given per-unsur means."""
    person = rng.normal(0, 0.28, (n, 1))  # some respondents are happier than others
    z = mean[None, :] + person + rng.normal(0, 0.36, (n, 9))
    return np.clip(np.rint(z), 1, 4).astype(np.int64)


def skm_month(
    su: SkmUnit,
    mo: Month,
    *,
    seed: int,
    mi: int,
    n_months: int,
    scale: float,
    emps: list[Employee],
    tr: Traits,
    pungli_month: bool,
) -> list[dict]:
    """The survey responses of one service unit in one month (the ``mi``-th of ``n_months``), in
    time order; each a dict of SKM_COLUMNS plus the day ``d`` and second ``sec``."""
    rng = stream(seed, "skm", su.slug, mo.y, mo.m)
    n = max(3, int(round(su.base * scale * rng.uniform(0.8, 1.2))))
    progress = mi / max(1, n_months - 1)
    mean = _month_means(su, progress=progress, pungli_month=pungli_month)
    draws = _draw_responses(rng, su, n=n, n_days=len(mo.days), mean=mean)
    ords = np.array([d.toordinal() for d in mo.days])
    officers = _Officers(np.array(su.petugas, np.int64), ords, tr, emps)
    hhmmss_ = hhmmss()
    return [
        _response(su, mo, i, draws, officers, hhmmss_=hhmmss_, progress=progress, pungli_month=pungli_month)
        for i in range(n)
    ]


def _month_means(su: SkmUnit, *, progress: float, pungli_month: bool) -> np.ndarray:
    """The unit's mean score per unsur this month (``progress`` 0..1 through the run)."""
    mean = np.full(9, 3.2) + su.shift
    if su.worse_u3:
        mean[2] -= 0.45 + 0.55 * progress  # waiting time gets worse over the months
    if pungli_month:
        mean[3] -= 0.9
    return mean


@dataclass
class _Draws:
    """The month's random draws, one entry per response (already in time order where it matters)."""

    day_i: np.ndarray  # workday index
    secs: np.ndarray  # second of the day
    sc: np.ndarray  # n x 9 answers (an officer's weakness lowers them in place)
    ages: np.ndarray
    sex: np.ndarray
    pend: np.ndarray
    pek: np.ndarray
    has_saran_r: np.ndarray
    theme_r: np.ndarray
    text_r: np.ndarray
    pet_r: np.ndarray
    pet_k: np.ndarray
    lay_k: np.ndarray
    cum: np.ndarray  # cumulative complaint-theme weights of the month
    theme2_r: np.ndarray


def _draw_responses(rng: np.random.Generator, su: SkmUnit, *, n: int, n_days: int, mean: np.ndarray) -> _Draws:
    """All the month's draws from ``rng``, in the order the generator has always drawn them."""
    sc = _scores(rng, n, mean)
    day_i = rng.integers(0, n_days, n)
    secs = rng.integers(7 * 3600 + 50 * 60, 15 * 3600 + 30 * 60, n)
    order = np.lexsort((secs, day_i))
    day_i, secs, sc = day_i[order], secs[order], sc[order]
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
    return _Draws(
        day_i=day_i,
        secs=secs,
        sc=sc,
        ages=ages,
        sex=sex,
        pend=pend,
        pek=pek,
        has_saran_r=has_saran_r,
        theme_r=theme_r,
        text_r=text_r,
        pet_r=pet_r,
        pet_k=pet_k,
        lay_k=lay_k,
        cum=cum,
        theme2_r=theme2_r,
    )


def _response(
    su: SkmUnit,
    mo: Month,
    i: int,
    dr: _Draws,
    officers: _Officers,
    *,
    hhmmss_: list[str],
    progress: float,
    pungli_month: bool,
) -> dict:
    """The ``i``-th response of the month as a dict of SKM_COLUMNS plus ``d`` and ``sec``."""
    di = int(dr.day_i[i])
    d = mo.days[di]
    row_sc = dr.sc[i]
    # the officer who served, if active that day (sometimes not recorded)
    nip = officers.serving(di, row_sc, dr.pet_r[i], int(dr.pet_k[i]))
    saran = ""
    low = int(np.argmin(row_sc))
    p_saran = 0.25 + (0.3 if row_sc[low] <= 2 else 0.0)
    if dr.has_saran_r[i] < p_saran:
        saran = _saran(
            su,
            row_sc,
            low,
            cum=dr.cum,
            theme_r=dr.theme_r[i],
            theme2_r=dr.theme2_r[i],
            text_r=int(dr.text_r[i]),
            progress=progress,
            pungli_month=pungli_month,
        )
    age = int(dr.ages[i])
    job = int(dr.pek[i])
    if job == 6 and age > 24:  # Pelajar
        age = 17 + age % 7
    return {
        "waktu": f"{d.isoformat()} {hhmmss_[int(dr.secs[i])]}",
        "d": d,
        "sec": int(dr.secs[i]),
        "unit_layanan": su.name,
        "jenis_layanan": _LAYANAN[su.kind][int(dr.lay_k[i])],
        "nip_petugas": nip,
        "usia": str(age),
        "jenis_kelamin": "L" if dr.sex[i] else "P",
        "pendidikan": _PENDIDIKAN[0][int(dr.pend[i])],
        "pekerjaan": _PEKERJAAN[0][job],
        **{f"u{k + 1}": str(int(row_sc[k])) for k in range(9)},
        "saran": saran,
    }


class _Officers:
    """The unit's serving officers, by day: who was active (cached per workday index)."""

    def __init__(self, pet: np.ndarray, ords: np.ndarray, tr: Traits, emps: list[Employee]):
        self.pet, self.ords, self.tr, self.emps = pet, ords, tr, emps
        self.active_cache: dict[int, np.ndarray] = {}

    def serving(self, di: int, row_sc: np.ndarray, pet_r: float, pet_k: int) -> str:
        """The NIP of the officer who served on workday ``di`` ("" when not recorded); a weak
        officer shows a little in U6/U7 (officer-level IKM has a signal): ``row_sc`` is lowered."""
        pet, tr = self.pet, self.tr
        if not (pet_r >= 0.15 and len(pet)):
            return ""
        if di not in self.active_cache:
            o = int(self.ords[di])
            self.active_cache[di] = pet[(tr.act_from[pet] <= o) & (o <= tr.act_to[pet])]
        cands = self.active_cache[di]
        if not len(cands):
            return ""
        p = int(cands[pet_k % len(cands)])
        if tr.perf[p] < -1.0 and row_sc[6] > 1 and (pet_k >> 10) % 3 == 0:
            row_sc[6] -= 1
            row_sc[5] = max(1, row_sc[5] - 1)
        return self.emps[p].nip


def _saran(
    su: SkmUnit,
    row_sc: np.ndarray,
    low: int,
    *,
    cum: np.ndarray,
    theme_r: float,
    theme2_r: float,
    text_r: int,
    progress: float,
    pungli_month: bool,
) -> str:
    """The respondent's suggestion: about the lowest unsur, praise, or the unit's usual complaints
    (waiting time growing in a worsening unit, fees in the pungli month)."""
    if row_sc[low] <= 2 and theme_r < 0.75:
        theme = _THEME_BY_UNSUR[low]
    elif row_sc[low] >= 3 and theme_r < 0.8:
        theme = "positif"
    else:
        theme = _THEMES[min(len(cum) - 1, int(np.searchsorted(cum, theme2_r)))]
    if (
        su.worse_u3
        and theme != "waktu"
        and (theme != "positif" or row_sc[2] <= 2)
        and theme2_r < 0.15 + 0.45 * progress
    ):
        theme = "waktu"
    if pungli_month and theme not in ("biaya", "positif") and theme2_r > 0.5:
        theme = "biaya"
    texts = _SARAN[theme]
    return texts[text_r % len(texts)]


def write_skm(
    run: RunContext, emps: list[Employee], tr: Traits, *, employees: int
) -> tuple[list[SkmUnit], dict[tuple[str, int], int]]:
    """``skm/skm_<YYYY-MM>.csv``: every service unit's responses of the month in time order (when
    messy, one unit-month as answer labels and one as a form export, in files of their own).
    Returns the service units and the responses per (unit, month index), which layanan/ needs."""
    labels: dict[tuple[str, int], str] = {
        (r["unsur"], int(r["score"])): r["label"] for r in read_reference("skm_answer_labels.csv")
    }
    mos = run.months
    sus = skm_units(run.units, emps, run.seed)
    scale = employees / 60.0
    cap = 2000
    scale = min(scale, cap / max(su.base for su in sus))
    prng = stream(run.seed, "pungli")
    pungli = {(sus[int(prng.integers(len(sus)))].slug, int(prng.integers(len(mos))))}
    per_unit_counts: dict[tuple[str, int], int] = {}
    plan = plan_skm(run, [su.slug for su in sus])
    for k, mo in enumerate(mos):
        if not mo.days:
            continue
        ym = ym_str(mo.y, mo.m)
        main_rows = []
        for su in sus:
            rows = skm_month(
                su,
                mo,
                seed=run.seed,
                mi=k,
                n_months=len(mos),
                scale=scale,
                emps=emps,
                tr=tr,
                pungli_month=(su.slug, k) in pungli,
            )
            per_unit_counts[(su.slug, k)] = len(rows)
            if run.messy and (su.slug, k) == plan.label_key:
                write_skm_labels(run.out, f"skm/skm_{su.slug}_{ym}.csv", rows, labels, run.seed)
            elif run.messy and (su.slug, k) == plan.form_key:
                write_skm_form(run.out, f"skm/ekspor_form_{su.slug}_{ym}.csv", rows, run.seed)
            else:
                main_rows.extend(rows)
        main_rows.sort(key=lambda r: (r["d"], r["sec"]))
        rel = f"skm/skm_{ym}.csv"
        style = style_for(run.seed, run.messy, rel)
        out_rows = [[r[c] for c in SKM_COLUMNS] for r in main_rows]
        if run.messy:
            mess_skm_month(run, rel, out_rows, plan.score_defects.get(k, []))
        cf = CsvFile(run.out, rel, SKM_COLUMNS, style)
        cf.write_lines([join_line(r, style.sep) for r in out_rows])
        cf.close(trailing_rows(run.seed, run.messy, rel, k == len(mos) - 1))
    return sus, per_unit_counts


def write_skm_labels(o: Output, rel: str, rows: list[dict], labels: dict[tuple[str, int], str], seed: int) -> None:
    """Answers as words (per unsur labels), with the capitalisation/spacing people type."""
    rng = stream(seed, "skm-labels", rel)
    style = style_for(seed, True, rel)
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
        out.append(join_line(vals, style.sep))
    cf = CsvFile(o, rel, SKM_COLUMNS, style)
    cf.write_lines(out)
    cf.close()


def write_skm_form(o: Output, rel: str, rows: list[dict], seed: int) -> None:
    """A form export: headers name the unsur, U9 stands before U8, timestamps dd/mm/yyyy."""
    style = style_for(seed, True, rel)
    header = [_FORM_HEADERS[c] for c in FORM_ORDER]
    fmt = "dmy" if settled(r["d"] for r in rows) else "iso"
    out = []
    for r in rows:
        vals = dict(r)
        vals["waktu"] = f"{date_str(r['d'], fmt)} {hhmmss()[r['sec']]}"
        out.append(join_line([vals[c] for c in FORM_ORDER], style.sep))
    cf = CsvFile(o, rel, header, style)
    cf.write_lines(out)
    cf.close()
