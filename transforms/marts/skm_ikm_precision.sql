-- skm_ikm_precision: one row per scope per period (as marts.skm_ikm): is the sample large enough,
-- how uncertain is the converted IKM, and is the change from the previous period larger than that
-- uncertainty.
-- grain: scope, scope_id, period
-- materialized: table
--
-- Columns: scope, scope_id, period, period_kind, period_start, respondents, ikm_converted, mutu,
--   population (N; NULL when unknown or for layanan/petugas scopes), population_note,
--   min_sample (Krejcie & Morgan; NULL when N is unknown), min_sample_basis ('tabel' | 'rumus'),
--   sample_adequate (respondents >=
--   min_sample; NULL when unknown), sample_note, score_sd (sample standard deviation of the
--   respondents' weighted scores, 1–4 scale), fpc (finite population correction; 1 when not
--   applied), ikm_moe (margin of the 95 % interval, points of the converted scale), ikm_ci_low,
--   ikm_ci_high (clamped to 25–100), interval_note, previous_period, previous_ikm_converted,
--   ikm_change (points), change_moe, change_within_uncertainty (NULL when either interval is
--   unknown or there is no previous period), change_note.
-- Rules:
--   Krejcie & Morgan (1970), as cited by PermenPANRB 14/2017: offices check against the published
--   Table 1 (data/reference/krejcie_morgan.csv, N 10 … 1,000,000), so the minimum is the table's s
--   at the next row up (the smallest tabled N ≥ the population: N = 100,000 -> the 1,000,000 row,
--   384). Outside the table (N < 10 or N > 1,000,000) the table's formula
--   s = X²·N·P(1−P) / (d²(N−1) + X²·P(1−P)), X², P, d from data/reference/ikm_parameters.csv
--   (3.841, 0.5, 0.05), rounded half-up as the table's entries are (N = 5 -> 4.95 -> 5;
--   N = 2,000,000 -> 384.03 -> 384).
--   N from marts.skm_population; never guessed.
--   Interval (analytic, normal approximation): every staged response answers all nine unsur, so the
--   IKM is the mean of the respondents' weighted scores y_i = Σ weight_u × answer_iu, and
--   margin = z × 25 × sd(y) / √n × FPC, FPC = √((N − n) / (N − 1)) when N is known and N ≥ n
--   (n = N is a census: margin 0; n > N means the service count is wrong: no correction, said so).
--   z from ikm_parameters.csv (interval_z 1.96). One respondent: no sd, so no interval.
--   The interval is only a guide for small samples (n < 30 it is too narrow: the t quantile is above z).
--   Change: against the previous period of the same kind (month before, quarter before …), when that
--   period has respondents. The change is within the uncertainty when |change| ≤ √(moe² + moe_prev²),
--   the margin of the difference of two independent estimates.
with scoped as (
    select * from marts.skm_response_scopes
),
ikm as (
    select * from marts.skm_ikm
),
population as (
    select * from marts.skm_population
),
km_table as (
    select populasi::bigint as table_n, sampel::bigint as table_s from ref.krejcie_morgan
),
unsur_weights as (
    select unsur, any_value(weight_num / weight_den) as weight
    from marts.skm_unsur_scores
    group by unsur
),
parameters as (
    select
        max(try_cast(nilai as double)) filter (where parameter = 'km_chi_kuadrat')  as chi2,
        max(try_cast(nilai as double)) filter (where parameter = 'km_proporsi')     as p,
        max(try_cast(nilai as double)) filter (where parameter = 'km_presisi')      as d,
        max(try_cast(nilai as double)) filter (where parameter = 'interval_z')      as z
    from ref.ikm_parameters
),
weights as (
    select
        coalesce(max(weight) filter (where unsur = 'U1'), 0) as w1,
        coalesce(max(weight) filter (where unsur = 'U2'), 0) as w2,
        coalesce(max(weight) filter (where unsur = 'U3'), 0) as w3,
        coalesce(max(weight) filter (where unsur = 'U4'), 0) as w4,
        coalesce(max(weight) filter (where unsur = 'U5'), 0) as w5,
        coalesce(max(weight) filter (where unsur = 'U6'), 0) as w6,
        coalesce(max(weight) filter (where unsur = 'U7'), 0) as w7,
        coalesce(max(weight) filter (where unsur = 'U8'), 0) as w8,
        coalesce(max(weight) filter (where unsur = 'U9'), 0) as w9
    from unsur_weights
),
respondent_scores as (
    select
        s.scope, s.scope_id, s.period,
        s.u1 * w.w1 + s.u2 * w.w2 + s.u3 * w.w3 + s.u4 * w.w4 + s.u5 * w.w5
        + s.u6 * w.w6 + s.u7 * w.w7 + s.u8 * w.w8 + s.u9 * w.w9   as score
    from scoped s
    cross join weights w
),
spread as (
    select scope, scope_id, period, stddev_samp(score) as score_sd
    from respondent_scores
    group by all
),
sized as (
    select
        i.scope, i.scope_id, i.period, i.period_kind, i.period_start, i.period_months,
        i.respondents, i.ikm_converted, i.mutu,
        n.population,
        coalesce(
            n.population_note,
            'populasi tidak diketahui: jumlah layanan hanya tersedia per unit'
        ) as population_note,
        case when n.population is null then null
            when n.population <= (select max(kt.table_n) from km_table kt)
                and n.population >= (select min(kt.table_n) from km_table kt)
                then (select arg_min(kt.table_s, kt.table_n) from km_table kt where kt.table_n >= n.population)
            else floor(
                    k.chi2 * n.population * k.p * (1 - k.p)
                    / (k.d * k.d * (n.population - 1) + k.chi2 * k.p * (1 - k.p)) + 0.5
                )::bigint
        end                                                               as min_sample,
        case when n.population is null then null
            when n.population <= (select max(kt.table_n) from km_table kt)
                and n.population >= (select min(kt.table_n) from km_table kt)
                then 'tabel'
            else 'rumus'
        end                                             as min_sample_basis,
        s.score_sd,
        case when n.population is not null and n.population >= i.respondents and n.population > 1
                then sqrt((n.population - i.respondents) / (n.population - 1))
            else 1.0
        end                                                 as fpc,
        k.z
    from ikm i
    cross join parameters k
    left join population n using (scope, scope_id, period)
    left join spread s using (scope, scope_id, period)
),
intervals as (
    select
        *,
        respondents >= min_sample                                          as sample_adequate,
        case when min_sample is null then population_note
            when respondents >= min_sample
                then 'sampel memadai: ' || respondents || ' responden, minimal ' || min_sample
                    || ' untuk populasi ' || population
            else 'sampel belum memadai: ' || respondents || ' responden, minimal ' || min_sample
                || ' untuk populasi ' || population
        end                                                               as sample_note,
        z * 25 * score_sd / sqrt(respondents) * fpc                        as ikm_moe
    from sized
),
described as (
    select
        *,
        case when ikm_moe is not null then round(greatest(25, ikm_converted - ikm_moe), 2) end  as ikm_ci_low,
        case when ikm_moe is not null then round(least(100, ikm_converted + ikm_moe), 2) end    as ikm_ci_high,
        case
            when respondents < 2 then 'satu responden: interval tidak dapat dihitung'
            when population is not null and respondents > population
                then 'interval 95 % analitik tanpa koreksi populasi: responden (' || respondents
                    || ') melebihi jumlah layanan (' || population || '), periksa data layanan'
            when population is not null and respondents = population
                then 'sensus: semua ' || population || ' orang yang dilayani menjawab'
            when population is not null
                then 'interval 95 % analitik dengan koreksi populasi terbatas (N = '
                    || population || ')'
            else 'interval 95 % analitik tanpa koreksi populasi (N tidak diketahui)'
        end                                                               as interval_note
    from intervals
),
compared as (
    select
        c.*,
        p.period                                                          as previous_period,
        p.ikm_converted                                                   as previous_ikm_converted,
        c.ikm_converted - p.ikm_converted                                 as ikm_change,
        sqrt(c.ikm_moe * c.ikm_moe + p.ikm_moe * p.ikm_moe)               as change_moe
    from described c
    left join described p
        on p.scope = c.scope and p.scope_id = c.scope_id and p.period_kind = c.period_kind
            and p.period_start = (c.period_start - to_months(c.period_months))::date
)
select
    scope,
    scope_id,
    period,
    period_kind,
    period_start,
    respondents,
    ikm_converted,
    mutu,
    population,
    population_note,
    min_sample,
    min_sample_basis,
    sample_adequate,
    sample_note,
    score_sd,
    fpc,
    ikm_moe,
    ikm_ci_low,
    ikm_ci_high,
    interval_note,
    previous_period,
    previous_ikm_converted,
    ikm_change,
    change_moe,
    abs(ikm_change) <= change_moe                                         as change_within_uncertainty,
    case
        when previous_period is null then 'tidak ada responden pada periode sebelumnya'
        when change_moe is null
            then 'perubahan ' || replace(printf('%+.2f', ikm_change), '.', ',') || ' poin dari ' || previous_period
                || '; ketidakpastian tidak diketahui'
        when abs(ikm_change) <= change_moe
            then 'perubahan ' || replace(printf('%+.2f', ikm_change), '.', ',') || ' poin dari ' || previous_period
                || ' masih dalam batas ketidakpastian (±' || replace(printf('%.2f', change_moe), '.', ',') || ')'
        else 'perubahan ' || replace(printf('%+.2f', ikm_change), '.', ',') || ' poin dari ' || previous_period
            || ' melebihi batas ketidakpastian (±' || replace(printf('%.2f', change_moe), '.', ',') || ')'
    end                                                                   as change_note
from compared
