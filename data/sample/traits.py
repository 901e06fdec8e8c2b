"""Per-ASN traits the sections share: active days, lateness, TK and leave propensities,
performance, the habitually late, the TK cases, the ASN on tugas belajar, their main kendala."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from data.sample.roster import Employee
from data.sample.streams import stream


@dataclass
class Traits:
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


def draw_traits(emps: list[Employee], months: list[tuple[int, int]], seed: int) -> Traits:
    rng = stream(seed, "traits")
    n = len(emps)
    act_from = np.array([e.tmt_mulai.toordinal() if e.tmt_mulai else 0 for e in emps], np.int64)
    act_to = np.array([e.tmt_selesai.toordinal() if e.tmt_selesai else 10**7 for e in emps], np.int64)
    structural = np.array([e.structural for e in emps])
    movers = (act_from > 0) | (act_to < 10**7)
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
        p_tk[tk] = rng.uniform(0.02, 0.04, len(tk))  # a few TK days a year: ringan
        p_tk[tk[0]] = 0.075  # one clear case (a dozen TK days a year or more: sedang)
        perf[tk] -= 0.8
    perf[hab] -= 0.5
    tb_emp = -1
    tb_months: set = set()
    rest = staff_c[n_tk:]
    if n >= 30 and rest:
        tb_emp = int(rest[0])
        tb_months = set(months[-min(3, len(months)) :])
    kendala_main = []
    cats = ["SDM", "anggaran", "sarana/prasarana", "pelatihan/kompetensi", "regulasi", "lainnya"]
    for i in range(n):
        if perf[i] < -0.8 and rng.random() < 0.7:
            kendala_main.append("pelatihan/kompetensi")
        else:
            kendala_main.append(cats[int(rng.choice(6, p=[0.25, 0.2, 0.25, 0.15, 0.05, 0.1]))])
    return Traits(
        act_from,
        act_to,
        p_late,
        habitual,
        p_early,
        p_tk,
        p_dl,
        p_single,
        perf,
        tb_emp,
        tb_months,
        kendala_main,
        [str(e.pin) for e in emps],
        [e.nip for e in emps],
    )
