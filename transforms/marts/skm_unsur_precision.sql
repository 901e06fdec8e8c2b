-- skm_unsur_precision: one row per unit or office per period per unsur: how sure the unsur's grade
-- is — the unsur's own 95 % interval on the converted scale, corrected for the nine unsur — and
-- whether a C or D grade stands on enough evidence to ask for attention.
-- grain: scope, scope_id, period, unsur
-- materialized: table
--
-- Columns: scope ('unit' | 'office'), scope_id, period, period_kind, unsur, unsur_name, answers,
--   nrr_4dp, nrr_converted, nrr_mutu, nrr_perlu_perhatian, nrr_sd, population, fpc, z, nrr_moe
--   (points of the converted scale), nrr_ci_low, nrr_ci_high (clamped to 25–100), b_lower (lowest
--   converted bound of the categories not marked perlu_perhatian: 76.61), sample_adequate (the
--   IKM's Krejcie–Morgan check, marts.skm_ikm_precision), ci_inside_cd (nrr_ci_high < b_lower),
--   cd_terbukti (a C/D grade with enough evidence), cd_indikasi (a C/D grade without it).
-- Rules: PermenPANRB 14/2017 grades each unsur like the IKM (marts.skm_unsur_scores). A C/D grade
--   asks for attention only when the sample reaches the Krejcie & Morgan (1970) minimum for the
--   unit's N, or when the unsur's interval lies inside C/D (its upper bound below the B lower
--   bound); otherwise it is an "indikasi" shown as a signal (docs/ikm.md "Bukti yang cukup").
--   Interval: NRR × 25 ± z × 25 × sd(answers) / √n × FPC, FPC = √((N − n)/(N − 1)) when N is known
--   and N ≥ n (as the IKM's interval). z = unsur_interval_z of data/reference/ikm_parameters.csv:
--   2.7729 = the two-sided normal quantile at 0.05 / 9 (Bonferroni over the nine unsur), so the
--   chance that any of a unit's nine intervals misses is at most 5 %. One answer: no sd, no interval.
with unsur as (
    select * from marts.skm_unsur_scores where scope in ('unit', 'office')
),
ikm_precision as (
    select * from marts.skm_ikm_precision where scope in ('unit', 'office')
),
categories as (
    select konversi_bawah::decimal(5, 2) as konversi_bawah, perlu_perhatian::boolean as perlu_perhatian
    from ref.ikm_categories
),
parameters as (
    select max(try_cast(nilai as double)) filter (where parameter = 'unsur_interval_z') as z
    from ref.ikm_parameters
),
bounds as (
    select min(konversi_bawah) filter (where not perlu_perhatian) as b_lower from categories
),
sized as (
    select
        u.scope, u.scope_id, u.period, u.period_kind, u.unsur, u.unsur_name, u.answers,
        u.nrr_4dp, u.nrr_converted, u.nrr_mutu, u.nrr_perlu_perhatian, u.nrr_sd,
        p.population,
        case when p.population is not null and p.population >= u.answers and p.population > 1
                then sqrt((p.population - u.answers) / (p.population - 1))
            else 1.0
        end                                                          as fpc,
        k.z,
        b.b_lower,
        p.sample_adequate
    from unsur u
    cross join parameters k
    cross join bounds b
    left join ikm_precision p using (scope, scope_id, period)
),
intervals as (
    select *, z * 25 * nrr_sd / sqrt(answers) * fpc as nrr_moe
    from sized
)
select
    scope,
    scope_id,
    period,
    period_kind,
    unsur,
    unsur_name,
    answers,
    nrr_4dp,
    nrr_converted,
    nrr_mutu,
    nrr_perlu_perhatian,
    nrr_sd,
    population,
    fpc,
    z,
    nrr_moe,
    case when nrr_moe is not null then round(greatest(25, nrr_converted - nrr_moe), 2) end   as nrr_ci_low,
    case when nrr_moe is not null then round(least(100, nrr_converted + nrr_moe), 2) end     as nrr_ci_high,
    b_lower,
    sample_adequate,
    coalesce(nrr_converted + nrr_moe < b_lower, false)                                      as ci_inside_cd,
    nrr_perlu_perhatian and (
        coalesce(sample_adequate, false)
        or coalesce(nrr_converted + nrr_moe < b_lower, false)
    )          as cd_terbukti,
    nrr_perlu_perhatian and not (
        coalesce(sample_adequate, false)
        or coalesce(nrr_converted + nrr_moe < b_lower, false)
    )      as cd_indikasi
from intervals
