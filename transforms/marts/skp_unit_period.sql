-- skp_unit_period: one row per unit per SKP period, and one per office per period
-- (scope 'unit' | 'office', see marts.skp_asn_scope), summarising the ASN-periods in it.
-- grain: scope, scope_id, periode
-- materialized: table
--
-- Columns: scope, scope_id, periode, period_kind, asn_count (ASN with SKP rows in the period),
--   asn_rating_atasan, asn_rating_saran (hasil-kerja rating suggested by the system),
--   asn_berpredikat, asn_tanpa_predikat, indikator_count, indikator_met, indikator_missed,
--   capaian_rata_pct.
-- Rules: capaian_rata_pct is the mean of the ASN means (each ASN weighs the same, as each
--   indicator does within an ASN; docs/skp.md, "equal weights"). Periods as written in the
--   export: a unit's 2026-Q3 row holds only the ASN whose SKP came per quarter, its 2026-09 row
--   only those who came per month (no roll-up; see marts.skp_asn_period).
--   The predikat distribution is marts.skp_unit_predikat, obstacles marts.skp_unit_kendala,
--   the pola distribusi check marts.skp_unit_pola_distribusi.
with asn_periods as (
    select * from marts.skp_asn_period
),
scopes as (
    select * from marts.skp_asn_scope
)
select
    s.scope,
    s.scope_id,
    s.periode,
    any_value(s.period_kind)                                                as period_kind,
    count(*)                                                                as asn_count,
    count(*) filter (where a.rating_hasil_kerja_source = 'atasan')          as asn_rating_atasan,
    count(*) filter (where a.rating_hasil_kerja_source = 'saran_sistem')    as asn_rating_saran,
    count(a.predikat)                                                       as asn_berpredikat,
    count(*) - count(a.predikat)                                            as asn_tanpa_predikat,
    sum(a.indikator_count)::integer                                         as indikator_count,
    sum(a.indikator_met)::integer                                           as indikator_met,
    sum(a.indikator_missed)::integer                                        as indikator_missed,
    avg(a.capaian_rata_pct)                                                 as capaian_rata_pct
from scopes s
join asn_periods a on a.nip = s.nip and a.periode = s.periode
group by s.scope, s.scope_id, s.periode
