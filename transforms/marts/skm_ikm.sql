-- skm_ikm: one row per scope per period (scope 'office' | 'unit' | 'layanan' | 'petugas', see
-- marts.skm_response_scopes): respondents, the IKM on the 1–4 scale and converted to 25–100, its
-- mutu and kinerja, and the unsur to improve first.
-- grain: scope, scope_id, period
-- materialized: table
--
-- Columns: scope, scope_id, unit_slug (the unit of a unit or layanan scope; for petugas the unit
--   where most of its respondents were served; NULL for the office), period, period_kind,
--   period_start, period_months, respondents, weight_scheme, ikm (DOUBLE, 1–4, unrounded),
--   ikm_ni (DECIMAL(6,4), 1–4 rounded half-up to 4 decimals), ikm_converted (DECIMAL(5,2), 25–100),
--   mutu (A–D), kinerja (Sangat Baik … Tidak Baik), peringkat (4 = A … 1 = D), perlu_perhatian
--   (mutu C or D), lowest_unsur ('U3' or 'U3, U8' on a tie), lowest_nrr, priority_unsur (the
--   lowest and every unsur in C or D, lowest NRR first), attention_unsur (unsur in C or D).
-- Rules (PermenPANRB 14/2017; docs/ikm.md):
--   IKM = Σ NRR_u × weight_u over the nine unsur, weights from data/reference/ikm_weights.csv
--   (scheme in ikm_parameters.csv: exact 1/9 by default). Converted IKM = IKM × 25.
--   Exact arithmetic: NRR_u = score_sum_u / answers_u and weight_u = num_u / den_u are fractions of
--   integers, so IKM = p / q exactly with q = lcm(den_u × answers_u) and
--   p = Σ num_u × score_sum_u × q / (den_u × answers_u). The converted IKM rounded half-up to two
--   decimals is floor((5000·p + q) / 2q) / 100 in integer arithmetic — no binary floating point,
--   so 78.125 is 78.13 and 77.145 (weights 0.111) is 77.15.
--   Mutu and kinerja: the row of data/reference/ikm_categories.csv with the greatest konversi_bawah
--   not above the rounded converted IKM (64.99 D, 65.00 C, 76.60 C, 76.61 B, 88.30 B, 88.31 A).
with scoped as (
    select * from marts.skm_response_scopes
),
unsur_scores as (
    select * from marts.skm_unsur_scores
),
categories as (
    select
        mutu, kinerja, peringkat::integer as peringkat, konversi_bawah::decimal(5, 2) as konversi_bawah,
        perlu_perhatian::boolean as perlu_perhatian
    from ref.ikm_categories
),
unit_counts as (
    select scope, scope_id, period, unit_slug, count(*) as n
    from scoped
    where scope <> 'office'
    group by all
),
main_unit as (
    -- the unit most respondents of the scope were served in (the first slug on a tie)
    select scope, scope_id, period, unit_slug
    from unit_counts
    qualify row_number() over (partition by scope, scope_id, period order by n desc, unit_slug asc) = 1
),
respondents as (
    select
        s.scope, s.scope_id, s.period, s.period_kind, s.period_start, s.period_months,
        count(*)                    as respondents,
        any_value(m.unit_slug)      as unit_slug
    from scoped s
    left join main_unit m using (scope, scope_id, period)
    group by s.scope, s.scope_id, s.period, s.period_kind, s.period_start, s.period_months
),
denominators as (
    select
        scope, scope_id, period,
        -- sqlfluff's DuckDB dialect cannot parse a `lambda a, b:` function (DuckDB's own syntax)
        list_reduce(list(weight_den::hugeint * answers), lambda a, b: lcm(a, b))  as q,  -- noqa: PRS
        any_value(weight_scheme)                                       as weight_scheme
    from unsur_scores
    group by all
),
fractions as (
    select
        u.scope, u.scope_id, u.period,
        d.q,
        d.weight_scheme,
        sum(u.weight_num::hugeint * u.score_sum * (d.q // (u.weight_den::hugeint * u.answers)))::hugeint as p
    from unsur_scores u
    join denominators d using (scope, scope_id, period)
    group by all
),
priorities as (
    select
        scope, scope_id, period,
        string_agg(unsur, ', ' order by unsur) filter (where is_lowest)                 as lowest_unsur,
        min(nrr_4dp)                                                                  as lowest_nrr,
        string_agg(unsur, ', ' order by nrr, unsur) filter (where is_priority)          as priority_unsur,
        string_agg(unsur, ', ' order by nrr, unsur) filter (where nrr_perlu_perhatian)  as attention_unsur
    from unsur_scores
    group by all
),
scored as (
    select
        r.*,
        f.weight_scheme,
        f.p::double / f.q::double                                                        as ikm,
        (((2 * 10000 * f.p + f.q) // (2 * f.q))::decimal(18, 0) * 0.0001)::decimal(6, 4)  as ikm_ni,
        (((5000 * f.p + f.q) // (2 * f.q))::decimal(18, 0) * 0.01)::decimal(5, 2)          as ikm_converted
    from respondents r
    join fractions f using (scope, scope_id, period)
),
categorised as (
    select
        s.*,
        c.mutu,
        c.kinerja,
        c.peringkat,
        coalesce(c.perlu_perhatian, false) as perlu_perhatian
    from scored s
    left join categories c on c.konversi_bawah <= s.ikm_converted
    qualify row_number() over (partition by s.scope, s.scope_id, s.period order by c.konversi_bawah desc) = 1
)
select
    c.scope,
    c.scope_id,
    c.unit_slug,
    c.period,
    c.period_kind,
    c.period_start,
    c.period_months,
    c.respondents,
    c.weight_scheme,
    c.ikm,
    c.ikm_ni,
    c.ikm_converted,
    c.mutu,
    c.kinerja,
    c.peringkat,
    c.perlu_perhatian,
    p.lowest_unsur,
    p.lowest_nrr,
    p.priority_unsur,
    p.attention_unsur
from categorised c
join priorities p using (scope, scope_id, period)
