"""False alarms of the unit-level attention rules, measured with the project's own SQL models.

    python -m flows.false_alarms [--seeds 500] [--months 12] [--set parameter=value ...]

Generates survey data that does not change over time (stationary: the same distributions every month)
for many simulated units, and data in which one complaint theme doubles in one unit, loads it into
staging.stg_skm / staging.stg_layanan of an in-memory warehouse, builds the skm_* and
rekomendasi_unit* models (transforms/marts/, exactly as a run does) and prints, per unit rule, the
share of unit-months flagged on stationary data and how soon the doubling is caught. Many seeds share
one warehouse as separate units (unit_slug = sim-<seed>-<scenario>), so one build measures them all.

Simulated office (the sizes of the committed samples; docs/ikm.md, "Alarm palsu"):
- 20–55 respondents a month per unit (uniform), N = 250–350 people served a month (so the
  Krejcie–Morgan minimum, ≈ 175, is not reached and a C/D grade needs its interval);
- answers 1 + Binomial(3, q) per unsur, q set by the unit's true IKM (uniform 77–79 converted, grade B),
  with a respondent effect (q ± 0.08, half the respondents each) so answers of one respondent correlate;
- complaints per respondent, independently per theme, at a mean of 10 (waktu), 5 (persyaratan) and
  2 (biaya) a month at 37.5 respondents; in a doubling scenario one theme's rate doubles from the first
  evaluated month on.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd

from expectations.reference import load_reference_tables
from transforms.models import discover_models, run_models, upstream
from transforms.reference import DEFAULT_REFERENCE_DIR
from transforms.warehouse import connect

# theme -> (a complaint text the keyword table classifies as that theme alone, monthly baseline)
THEMES = {"waktu": ("antri lama", 10), "persyaratan": ("ribet", 5), "biaya": ("ada calo", 2)}
RESPONDENTS = (20, 55)  # per unit-month, inclusive
POPULATION = (250, 350)  # people served per unit-month, inclusive
TRUE_IKM = (77.0, 79.0)  # converted, per unit
RESPONDENT_EFFECT = 0.08
START = date(2024, 1, 1)


def month_start(i: int) -> date:
    return date(START.year + (START.month - 1 + i) // 12, (START.month - 1 + i) % 12 + 1, 1)


def window_of(reference: Path) -> int:
    import csv

    with open(reference / "ikm_parameters.csv", encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            if row["parameter"] == "keluhan_periode_banding":
                return int(row["nilai"])
    raise SystemExit(f"{reference / 'ikm_parameters.csv'}: keluhan_periode_banding tidak ada")


def simulate(seeds: int, window: int, months: int, rng_seed: int = 2026):
    """Responses, service counts and the simulated units: one stationary unit and one unit per
    doubled theme for every seed."""
    rng = np.random.default_rng(rng_seed)
    units = []
    for s in range(seeds):
        units.append((f"sim-{s:04d}-stasioner", s, "stasioner", None, window + months))
        for theme in THEMES:
            # a doubling is judged on its first two months
            units.append((f"sim-{s:04d}-ganda-{theme}", s, "ganda", theme, window + 2))
    unit_df = pd.DataFrame(units, columns=["unit_slug", "seed", "scenario", "doubled_theme", "n_months"])

    um_unit = np.repeat(np.arange(len(unit_df)), unit_df["n_months"].to_numpy())
    um_month = np.concatenate([np.arange(n) for n in unit_df["n_months"]])
    n_resp = rng.integers(RESPONDENTS[0], RESPONDENTS[1] + 1, size=len(um_unit))
    population = rng.integers(POPULATION[0], POPULATION[1] + 1, size=len(um_unit))

    row_unit = np.repeat(um_unit, n_resp)
    row_month = np.repeat(um_month, n_resp)
    rows = len(row_unit)
    true_ikm = rng.uniform(*TRUE_IKM, size=len(unit_df))
    q_unit = (true_ikm / 25 - 1) / 3
    q = q_unit[row_unit] + np.where(rng.random(rows) < 0.5, RESPONDENT_EFFECT, -RESPONDENT_EFFECT)
    answers = 1 + rng.binomial(3, np.clip(q, 0, 1)[:, None], size=(rows, 9))

    mean_respondents = (RESPONDENTS[0] + RESPONDENTS[1]) / 2
    doubled = unit_df["doubled_theme"].to_numpy()[row_unit]
    code = np.zeros(rows, dtype=np.int64)
    for bit, (theme, (_, baseline)) in enumerate(THEMES.items()):
        rate = np.full(rows, baseline / mean_respondents)
        rate[(doubled == theme) & (row_month >= window)] *= 2
        code |= (rng.random(rows) < rate).astype(np.int64) << bit
    phrases = [text for text, _ in THEMES.values()]
    texts = np.array(
        [", ".join(p for bit, p in enumerate(phrases) if c >> bit & 1) or None for c in range(1 << len(phrases))],
        dtype=object,
    )

    starts = np.array([month_start(i) for i in range(int(unit_df["n_months"].max()))], dtype="datetime64[D]")
    tanggal = starts[row_month] + rng.integers(0, 28, size=rows).astype("timedelta64[D]")
    slugs = unit_df["unit_slug"].to_numpy()
    responses = pd.DataFrame(
        {
            "tanggal": tanggal,
            "unit_slug": slugs[row_unit],
            "jenis_layanan": "Layanan simulasi",
            **{f"u{k + 1}": answers[:, k].astype(np.int32) for k in range(9)},
            "saran": texts[code],
            "_file_id": 1,
            "_row": np.arange(rows, dtype=np.int64) + 2,
        }
    )
    layanan = pd.DataFrame(
        {
            "unit_slug": slugs[um_unit],
            "periode": [month_start(int(i)).strftime("%Y-%m") for i in um_month],
            "jumlah_layanan": population,
            "_file_id": 2,
            "_row": np.arange(len(um_unit)) + 2,
        }
    )
    months_df = pd.DataFrame(
        {
            "period": [month_start(i).strftime("%Y-%m") for i in range(len(starts))],
            "month_index": np.arange(len(starts)),
        }
    )
    return responses, layanan, unit_df, months_df


def build_unit_rules(con) -> list[str]:
    """Build marts.rekomendasi_unit and the marts it reads (skm_* and rekomendasi_unit_fakta only)."""
    models = discover_models()
    wanted = [m for m in upstream(["marts.rekomendasi_unit"], models) if m.startswith("marts.")]
    outside = [m for m in wanted if not m.split(".", 1)[1].startswith(("skm_", "rekomendasi_unit"))]
    if outside:
        raise SystemExit(f"rekomendasi_unit membaca model di luar skm_*/rekomendasi_unit*: {outside}")
    run_models(con, wanted)
    return wanted


def measure(con, window: int) -> dict:
    """Per rule: share of stationary unit-months flagged; per doubled theme: share of seeds caught."""
    rules = [
        r[0]
        for r in con.execute(
            "select distinct aturan from ref.recommendation_rules where lower(trim(cakupan)) = 'unit' "
            "and lower(trim(aktif)) in ('ya', 'true', '1') order by aturan"
        ).fetchall()
    ]
    evaluated = """
        select u.unit_slug, m.period
        from sim_units u join sim_months m on m.month_index >= ? and m.month_index < u.n_months
        where u.scenario = 'stasioner'"""
    total = con.execute(f"select count(*) from ({evaluated})", [window]).fetchone()[0]
    stationary = {}
    for rule in rules:
        flagged = con.execute(
            f"""
            select count(*) from ({evaluated}) e
            where exists (select 1 from marts.rekomendasi_unit r
                          where r.unit_slug = e.unit_slug and r.period = e.period and r.aturan = ?)""",
            [window, rule],
        ).fetchone()[0]
        stationary[rule] = flagged / total
    any_perhatian = (
        con.execute(
            f"""
        select count(*) from ({evaluated}) e
        where exists (select 1 from marts.rekomendasi_unit r
                      where r.unit_slug = e.unit_slug and r.period = e.period and r.jenis = 'perhatian')""",
            [window],
        ).fetchone()[0]
        / total
    )
    theme_false = dict(
        con.execute(
            f"""
        select t.tema, avg(case when t.is_rising then 1.0 else 0.0 end)
        from ({evaluated}) e
        join marts.skm_complaint_themes t on t.scope = 'unit' and t.scope_id = e.unit_slug and t.period = e.period
        where t.tema in (select unnest(?::varchar[]))
        group by t.tema""",
            [window, list(THEMES)],
        ).fetchall()
    )
    caught = {}
    for theme in THEMES:
        r = con.execute(
            """
            with first_two as (
                select u.unit_slug, m.month_index - ? as k, coalesce(t.is_rising, false) as rising,
                       exists (select 1 from marts.rekomendasi_unit r where r.unit_slug = u.unit_slug
                               and r.period = m.period and r.aturan = 'perhatian-keluhan') as rule_fired
                from sim_units u
                join sim_months m on m.month_index between ? and ? + 1
                left join marts.skm_complaint_themes t
                  on t.scope = 'unit' and t.scope_id = u.unit_slug and t.period = m.period and t.tema = ?
                where u.scenario = 'ganda' and u.doubled_theme = ?
            )
            select avg(case when r1 then 1.0 else 0.0 end), avg(case when r1 or r2 then 1.0 else 0.0 end),
                   avg(case when f1 or f2 then 1.0 else 0.0 end), count(*)
            from (select unit_slug,
                         bool_or(rising and k = 0) as r1, bool_or(rising and k = 1) as r2,
                         bool_or(rule_fired and k = 0) as f1, bool_or(rule_fired and k = 1) as f2
                  from first_two group by unit_slug)""",
            [window, window, window, theme, theme],
        ).fetchone()
        caught[theme] = {"within_1": r[0], "within_2": r[1], "rule_within_2": r[2], "seeds": r[3]}
    return {
        "unit_months": total,
        "stationary": stationary,
        "any_perhatian": any_perhatian,
        "theme_false": theme_false,
        "caught": caught,
    }


def reference_with(overrides: dict[str, str], workdir: Path) -> Path:
    """A copy of data/reference/ with ikm_parameters.csv values replaced (for tuning runs)."""
    if not overrides:
        return DEFAULT_REFERENCE_DIR
    ref = workdir / "reference"
    shutil.copytree(DEFAULT_REFERENCE_DIR, ref)
    path = ref / "ikm_parameters.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    known = {line.split(",", 1)[0] for line in lines[1:]}
    for name in overrides:
        if name not in known:
            raise SystemExit(
                f"--set {name}: tidak ada di data/reference/ikm_parameters.csv ({', '.join(sorted(known))})"
            )
    out = [lines[0]] + [
        (
            f"{line.split(',', 1)[0]},{overrides[line.split(',', 1)[0]]},uji"
            if line.split(",", 1)[0] in overrides
            else line
        )
        for line in lines[1:]
    ]
    path.write_text("\n".join(out) + "\n", encoding="utf-8")
    return ref


def run(seeds: int = 500, months: int = 12, overrides: dict[str, str] | None = None, rng_seed: int = 2026) -> dict:
    overrides = overrides or {}
    with tempfile.TemporaryDirectory() as tmp:
        reference = reference_with(overrides, Path(tmp))
        window = window_of(reference)
        started = time.perf_counter()
        responses, layanan, unit_df, months_df = simulate(seeds, window, months, rng_seed)
        con = connect(":memory:")
        load_reference_tables(con, reference)
        from expectations.validate import VALIDATION_DDL
        from transforms.ingest import ensure_raw_tables, load_column_specs
        from transforms.models import install_macros

        ensure_raw_tables(con, load_column_specs(con))
        con.execute(VALIDATION_DDL)
        install_macros(con)
        run_models(con, [n for n in discover_models() if n.startswith("staging.")])
        con.register("sim_responses", responses)
        con.register("sim_layanan", layanan)
        con.register("sim_units", unit_df)
        con.register("sim_months", months_df)
        con.execute("""insert into staging.stg_skm (tanggal, waktu, unit_slug, unit_layanan_as_written, jenis_layanan,
                           u1, u2, u3, u4, u5, u6, u7, u8, u9, saran, _file_id, _row)
                       select tanggal::date, strftime(tanggal, '%Y-%m-%d') || ' 09:00', unit_slug, unit_slug,
                              jenis_layanan, u1, u2, u3, u4, u5, u6, u7, u8, u9, saran, _file_id, _row
                       from sim_responses""")
        con.execute("""insert into staging.stg_layanan (unit_slug, periode, jumlah_layanan, _file_id, _row)
                       select unit_slug, periode, jumlah_layanan, _file_id, _row from sim_layanan""")
        generated = time.perf_counter() - started
        build_unit_rules(con)
        built = time.perf_counter() - started - generated
        result = measure(con, window)
        con.close()
    result.update(
        {
            "seeds": seeds,
            "months": months,
            "window": window,
            "responses": len(responses),
            "overrides": overrides,
            "seconds_generate": round(generated, 1),
            "seconds_build": round(built, 1),
        }
    )
    return result


def report(result: dict) -> str:
    pct = lambda x: f"{100 * x:5.1f} %".replace(".", ",")  # noqa: E731
    baseline = {t: b for t, (_, b) in THEMES.items()}
    lines = [
        f"Alarm palsu aturan perhatian unit: {result['seeds']} seed, {result['unit_months']} unit-bulan stasioner "
        f"({result['months']} bulan dinilai per unit setelah {result['window']} bulan riwayat), "
        f"{result['responses']} tanggapan; parameter diubah: {result['overrides'] or 'tidak ada'}",
        "",
        "aturan                 jenis      unit-bulan ditandai (data stasioner)",
    ]
    jenis = {r: ("indikasi" if r.startswith("indikasi") else "perhatian") for r in result["stationary"]}
    for rule, share in result["stationary"].items():
        lines.append(f"{rule:<22} {jenis[rule]:<10} {pct(share)}")
    lines.append(f"{'(perhatian apa pun)':<22} {'perhatian':<10} {pct(result['any_perhatian'])}")
    lines += [
        "",
        "tema (keluhan/bulan)    naik palsu   digandakan: tertangkap <= 1 bulan   <= 2 bulan   (aturan <= 2 bulan)",
    ]
    for theme, c in result["caught"].items():
        lines.append(
            f"{theme + ' (' + str(baseline[theme]) + ')':<23} {pct(result['theme_false'].get(theme, 0.0)):>10}"
            f"   {pct(c['within_1']):>31}   {pct(c['within_2']):>10}   {pct(c['rule_within_2']):>10}"
        )
    lines += ["", f"waktu: bangkitkan {result['seconds_generate']} s, bangun model {result['seconds_build']} s"]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m flows.false_alarms", description=__doc__.split("\n\n")[0])
    parser.add_argument("--seeds", type=int, default=500, help="simulated offices per scenario (default 500)")
    parser.add_argument("--months", type=int, default=12, help="evaluated months per stationary unit (default 12)")
    parser.add_argument("--rng-seed", type=int, default=2026)
    parser.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="PARAMETER=VALUE",
        help="override a value of data/reference/ikm_parameters.csv for this measurement",
    )
    args = parser.parse_args(argv)
    overrides = dict(item.split("=", 1) for item in args.set)
    print(report(run(args.seeds, args.months, overrides, args.rng_seed)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
