-- skm_unsur_scores: one row per scope per period per unsur (U1 … U9): the unsur's NRR, its weight
-- under the office's weighting scheme, its mutu and whether it is an improvement priority.
-- grain: scope, scope_id, period, unsur
-- materialized: table
--
-- Columns: scope, scope_id, period, period_kind, period_start, period_months, unsur, unsur_name,
--   answers, score_sum, nrr (DOUBLE, exact quotient for ordering), nrr_4dp (DECIMAL,
--   rounded half-up to 4 decimals), nrr_converted (DECIMAL(5,2): NRR × 25 rounded half-up to two
--   decimals, the basis of the unsur's mutu), nrr_sd (sample standard deviation of the answers,
--   NULL for one answer), weight_scheme, weight_num, weight_den, nrr_mutu,
--   nrr_kinerja, nrr_peringkat, nrr_perlu_perhatian (mutu C or D), nrr_rank (1 = lowest NRR of the
--   scope-period; ties share a rank), is_lowest, is_priority (lowest or needing attention).
-- Rules (PermenPANRB 14/2017):
--   NRR per unsur = sum of the answers to that unsur / number of answers to it.
--   Weights: data/reference/ikm_weights.csv, scheme chosen in data/reference/ikm_parameters.csv
--   (skema_bobot: exact 1/9 by default; rounded_0111 or rounded_011 reproduce older reports).
--   Mutu of an NRR: graded exactly like the IKM (one basis, so a number never gets two grades): the
--   category of data/reference/ikm_categories.csv with the greatest konversi_bawah not above
--   NRR × 25 rounded half-up to two decimals. The table's 1–4 column has gaps (3.064 / 3.0644), so
--   grading on it would give an NRR of 3.0643 (converted 76.61, B) the grade C. Integer arithmetic:
--   nrr_converted = floor((5000·sum + n) / 2n) / 100, nrr_4dp = floor((2·10000·sum + n) / 2n) / 10000.
--   Priorities (rencana tindak lanjut): the unsur with the lowest NRR, and every unsur whose
--   category is marked perlu_perhatian (C, D).
with scoped as (
    select * from marts.skm_response_scopes
),
parameters as (
    select parameter, trim(nilai) as nilai from ref.ikm_parameters
),
weights as (
    select
        upper(trim(w.unsur)) as unsur, w.skema as weight_scheme,
        w.bobot_pembilang::hugeint as weight_num, w.bobot_penyebut::hugeint as weight_den
    from ref.ikm_weights w
    join parameters p on p.parameter = 'skema_bobot' and p.nilai = w.skema
),
unsur_names as (
    select upper(trim(code)) as unsur, name as unsur_name from ref.skm_unsur
),
categories as (
    select
        mutu, kinerja, peringkat::integer as peringkat, konversi_bawah::decimal(5, 2) as konversi_bawah,
        perlu_perhatian::boolean as perlu_perhatian
    from ref.ikm_categories
),
answers as (
    unpivot scoped on u1, u2, u3, u4, u5, u6, u7, u8, u9 into name unsur value score
),
sums as (
    select
        scope, scope_id, period, period_kind, period_start, period_months,
        upper(unsur)                    as unsur,
        count(score)::hugeint           as answers,
        sum(score)::hugeint             as score_sum,
        stddev_samp(score)              as score_sd
    from answers
    where score is not null
    group by all
),
nrr as (
    select
        s.*,
        s.score_sum / s.answers                                                 as nrr,
        (((2 * 10000 * s.score_sum + s.answers) // (2 * s.answers))::decimal(18, 0) * 0.0001)::decimal(10, 4)
            as nrr_4dp,
        (((5000 * s.score_sum + s.answers) // (2 * s.answers))::decimal(18, 0) * 0.01)::decimal(5, 2)
            as nrr_converted
    from sums s
),
categorised as (
    select
        n.*,
        c.mutu          as nrr_mutu,
        c.kinerja       as nrr_kinerja,
        c.peringkat     as nrr_peringkat,
        c.perlu_perhatian as nrr_perlu_perhatian
    from nrr n
    left join categories c on c.konversi_bawah <= n.nrr_converted
    qualify row_number() over (partition by n.scope, n.scope_id, n.period, n.unsur order by c.konversi_bawah desc) = 1
),
ranked as (
    select
        c.*,
        rank() over (partition by c.scope, c.scope_id, c.period order by c.nrr)   as nrr_rank
    from categorised c
)
select
    r.scope,
    r.scope_id,
    r.period,
    r.period_kind,
    r.period_start,
    r.period_months,
    r.unsur,
    u.unsur_name,
    r.answers::bigint                                                           as answers,
    r.score_sum::bigint                                                         as score_sum,
    r.nrr,
    r.nrr_4dp,
    r.nrr_converted,
    r.score_sd                                                                  as nrr_sd,
    w.weight_scheme,
    -- a scheme named in ikm_parameters.csv that ikm_weights.csv does not define stops the run
    coalesce(w.weight_num, error(
        'data/reference/ikm_parameters.csv: skema_bobot tidak punya bobot untuk ' || r.unsur
        || ' di data/reference/ikm_weights.csv; pilih exact, rounded_0111 atau rounded_011'
    ))::bigint                                          as weight_num,
    w.weight_den::bigint                                                        as weight_den,
    r.nrr_mutu,
    r.nrr_kinerja,
    r.nrr_peringkat,
    coalesce(r.nrr_perlu_perhatian, false)                                      as nrr_perlu_perhatian,
    r.nrr_rank,
    r.nrr_rank = 1                                                              as is_lowest,
    r.nrr_rank = 1 or coalesce(r.nrr_perlu_perhatian, false)                    as is_priority
from ranked r
left join weights w on w.unsur = r.unsur
left join unsur_names u on u.unsur = r.unsur
