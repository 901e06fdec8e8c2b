-- rekomendasi_asn_peran: one row per ASN-level recommendation rule per period kind, with what the
-- rule's result is in periods of that kind: an `usulan` (a proposal for the head of office) or a
-- `sinyal` (a signal to watch, not a proposal).
-- grain: aturan, period_kind
-- materialized: view
--
-- Columns: aturan, period_kind (bulan | triwulan | semester | tahun), peran (usulan | sinyal).
-- Rule: data/reference/recommendation_periods.csv. A row naming the rule wins over the row for
--   every rule (aturan '*'); a period kind with neither row is not evaluated for the rule (and a
--   peran other than usulan or sinyal switches it off). Defaults: proposals at the evaluation periods
--   of PermenPANRB 6/2022 (triwulan, akhir tahun), signals in the other months, and the PP 94/2021
--   discipline flags as proposals in the month they occur.
with rules as (
    select distinct aturan from ref.recommendation_rules
    where lower(trim(cakupan)) = 'asn' and lower(trim(aktif)) in ('ya', 'true', '1')
),
settings as (
    select trim(aturan) as aturan, lower(trim(jenis_periode)) as period_kind, lower(trim(peran)) as peran
    from ref.recommendation_periods
),
kinds as (
    select distinct period_kind from settings
)
select
    r.aturan,
    k.period_kind,
    coalesce(own.peran, every_rule.peran) as peran
from rules r
cross join kinds k
left join settings own on own.aturan = r.aturan and own.period_kind = k.period_kind
left join settings every_rule on every_rule.aturan = '*' and every_rule.period_kind = k.period_kind
where coalesce(own.peran, every_rule.peran) in ('usulan', 'sinyal')
