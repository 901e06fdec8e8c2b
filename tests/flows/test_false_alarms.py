"""flows/false_alarms.py: the simulated office follows the declared distributions, and the rates it
prints come from the project's own SQL rules (changing a rule's parameter changes the figure)."""

from __future__ import annotations

from flows.false_alarms import RESPONDENTS, THEMES, run, simulate


def test_simulated_units_have_20_to_55_respondents_a_month_and_the_declared_complaint_baselines():
    responses, layanan, units, months = simulate(seeds=40, window=3, months=12, rng_seed=7)
    per_unit_month = responses.groupby(["unit_slug", responses["tanggal"].dt.strftime("%Y-%m")]).size()
    assert per_unit_month.min() >= RESPONDENTS[0] and per_unit_month.max() <= RESPONDENTS[1]
    stationary = responses[responses["unit_slug"].str.endswith("stasioner")]
    unit_months = stationary.groupby(["unit_slug", stationary["tanggal"].dt.strftime("%Y-%m")]).ngroups
    for theme, (text, baseline) in THEMES.items():
        monthly = stationary["saran"].fillna("").str.contains(text, regex=False).sum() / unit_months
        assert abs(monthly - baseline) < 0.1 * baseline + 0.3, (theme, monthly)
    # every answer on the 1–4 scale, the mean near the true IKM 77–79 (3.08–3.16 on 1–4)
    answers = stationary[[f"u{k}" for k in range(1, 10)]].to_numpy()
    assert answers.min() >= 1 and answers.max() <= 4
    assert 3.05 < answers.mean() < 3.19
    assert len(units) == 40 * (1 + len(THEMES)) and set(layanan["jumlah_layanan"]) <= set(range(250, 351))


def test_the_doubled_theme_has_twice_the_complaints_after_the_window():
    responses, _, _, _ = simulate(seeds=60, window=3, months=12, rng_seed=8)
    doubled = responses[responses["unit_slug"].str.endswith("ganda-waktu")]
    month = doubled["tanggal"].dt.strftime("%Y-%m")
    before = doubled[month < "2024-04"]
    after = doubled[month >= "2024-04"]
    rate = lambda d: d["saran"].fillna("").str.contains("antri lama", regex=False).mean()  # noqa: E731
    assert 1.8 < rate(after) / rate(before) < 2.2


def test_the_figures_are_the_sql_rules_own_a_rule_that_always_fires_is_measured_at_100_percent():
    # alpha 1 without correction and no minimum count: every theme with history "rises"
    always = run(
        seeds=3,
        months=2,
        overrides={"keluhan_naik_alpha": "1", "keluhan_koreksi": "tanpa", "keluhan_naik_minimum": "0"},
    )
    assert always["stationary"]["perhatian-keluhan"] == 1.0
    default = run(seeds=3, months=2)
    assert default["unit_months"] == 6 and default["stationary"]["perhatian-keluhan"] < 0.5
    assert default["stationary"]["perhatian-survei"] == 0.0
