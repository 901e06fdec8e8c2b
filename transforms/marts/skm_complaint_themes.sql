-- skm_complaint_themes: one row per scope (unit | office) per period per complaint theme: how many
-- complaints name the theme, and whether the theme is rising beyond chance.
-- grain: scope, scope_id, period, tema
-- materialized: table
--
-- Columns: scope, scope_id, period, period_kind, period_start, respondents, tema, tema_label, unsur
--   (related unsur, NULL when none), keluhan (complaints naming the theme; 0 when none),
--   previous_periods (how many of the preceding periods of the same kind in the window had
--   respondents), previous_mean (mean keluhan over them), previous_keluhan (their sum),
--   previous_respondents, expected_share (p0), p_value (one-sided, NULL when the history is short),
--   themes_tested (m, themes of the scope-period with a p-value), holm_rank, min_p (smallest
--   p-value reachable given the total), themes_testable (Tarone's m'), alpha_at_rank (NULL: cannot rise),
--   is_rising (NULL when the history is shorter than the window), rising_note.
-- Rules: themes and their classification: marts.skm_complaints, data/reference/complaint_themes.csv
--   (jenis tema and lainnya). A complaint naming two themes counts once in each.
--   Rising: a rise of the complaint rate beyond chance (docs/ikm.md "Tema keluhan naik"). The
--   window is the W previous periods of the same kind (keluhan_periode_banding in
--   data/reference/ikm_parameters.csv); each must have respondents (a period without any respondent
--   is not a zero), else is_rising is NULL and the note says why. Complaints are Poisson with a rate
--   per respondent; if the rate did not rise, then conditional on the total n = k + K_prev the
--   current count k is Binomial(n, p0), p0 = current respondents / (current + window respondents).
--   This exact conditional test needs no baseline estimate, so a window mean of 0 is handled and
--   different survey sizes are allowed for. One-sided p = P(X > k) + ½·P(X = k) (mid-p, Lancaster
--   1961; keluhan_uji = mid-p) or P(X ≥ k) (eksak). The false-alarm rate is set per scope-period,
--   not per theme, at family level keluhan_naik_alpha: keluhan_koreksi = tarone (Tarone 1990: the
--   smallest m' such that at most m' themes can still reach alpha / m' given their totals; those are
--   tested at alpha / m', the rest cannot rise), holm (step-down over all m themes with history),
--   bonferroni or tanpa. A theme rises when its p-value is rejected and k ≥ keluhan_naik_minimum,
--   so "1 complaint against a mean of 0" is never a rise. Defaults chosen by the false-alarm
--   measurement (python -m flows.false_alarms, docs/ikm.md).
with scoped as (
    select * from marts.skm_response_scopes where scope in ('unit', 'office')
),
complaints as (
    select * from marts.skm_complaints
),
themes as (
    select kode as tema, label as tema_label, nullif(trim(unsur), '') as unsur
    from ref.complaint_themes
    where jenis in ('tema', 'lainnya')
),
parameters as (
    select
        max(try_cast(nilai as integer)) filter (where parameter = 'keluhan_periode_banding') as window_periods,
        max(try_cast(nilai as integer)) filter (where parameter = 'keluhan_naik_minimum')    as min_count,
        max(try_cast(nilai as double)) filter (where parameter = 'keluhan_naik_alpha')      as alpha,
        coalesce(max(lower(trim(nilai))) filter (where parameter = 'keluhan_koreksi'), 'holm') as correction,
        coalesce(max(lower(trim(nilai))) filter (where parameter = 'keluhan_uji'), 'eksak')    as test_kind
    from ref.ikm_parameters
),
scope_periods as (
    select scope, scope_id, period, period_kind, period_start, period_months, count(*) as respondents
    from scoped
    group by all
),
theme_hits as (
    select _file_id, _row, unnest(tema) as tema
    from complaints
    where jenis_saran = 'keluhan'
),
counts as (
    select s.scope, s.scope_id, s.period, h.tema, count(*) as keluhan
    from scoped s
    join theme_hits h using (_file_id, _row)
    group by all
),
grid as (
    select sp.*, t.tema, t.tema_label, t.unsur, coalesce(c.keluhan, 0) as keluhan
    from scope_periods sp
    cross join themes t
    left join counts c using (scope, scope_id, period, tema)
),
history as (
    select
        g.scope, g.scope_id, g.period, g.tema,
        count(h.period)                 as previous_periods,
        avg(h.keluhan)                  as previous_mean,
        coalesce(sum(h.keluhan), 0)::bigint     as previous_keluhan,
        coalesce(sum(h.respondents), 0)::bigint as previous_respondents
    from grid g
    cross join parameters k
    left join grid h
        on h.scope = g.scope and h.scope_id = g.scope_id and h.tema = g.tema and h.period_kind = g.period_kind
            and h.period_start < g.period_start
            and h.period_start >= (g.period_start - to_months(g.period_months * k.window_periods))::date
    group by all
),
tested as (
    select
        g.*,
        h.previous_periods, h.previous_mean, h.previous_keluhan, h.previous_respondents,
        h.previous_periods >= k.window_periods                                    as has_history,
        g.respondents / (g.respondents + h.previous_respondents)::double           as expected_share
    from grid g
    join history h using (scope, scope_id, period, tema)
    cross join parameters k
),
tail as (
    -- P(X >= k) for X ~ Binomial(k + K_prev, p0), summed term by term in log space
    select
        t.scope, t.scope_id, t.period, t.tema,
        case when t.keluhan = 0 then 1.0
            else least(1.0, sum(exp(
                    lgamma(t.n + 1) - lgamma(r.x + 1) - lgamma(t.n - r.x + 1)
                    + r.x * ln(t.expected_share) + (t.n - r.x) * ln(1 - t.expected_share)
                ))
                -- mid-p (Lancaster 1961): half the probability of the observed count
                - case when any_value(k.test_kind) = 'mid-p'
                        then 0.5 * sum(exp(
                                lgamma(t.n + 1) - lgamma(r.x + 1) - lgamma(t.n - r.x + 1)
                                + r.x * ln(t.expected_share) + (t.n - r.x) * ln(1 - t.expected_share)
                            ))
                            filter (where r.x = t.keluhan)
                    else 0
                end)
        end                                                                       as p_value
    from (select *, keluhan + previous_keluhan as n from tested where has_history) t
    cross join parameters k,
        unnest(range(t.keluhan::bigint, (t.n + 1)::bigint)) r (x)
    group by t.scope, t.scope_id, t.period, t.tema, t.keluhan
),
ranked as (
    select
        t.*,
        p.p_value,
        count(p.p_value) over (partition by t.scope, t.scope_id, t.period)        as themes_tested,
        -- the smallest p-value the test could reach given its total n (all n complaints now)
        case when p.p_value is null then null
            when t.keluhan + t.previous_keluhan = 0 then 1.0
            else exp((t.keluhan + t.previous_keluhan) * ln(t.expected_share))
                * case when k.test_kind = 'mid-p' then 0.5 else 1 end
        end        as min_p,
        case when p.p_value is not null
                then row_number() over (
                        partition by t.scope, t.scope_id, t.period
                        order by p.p_value nulls last, t.tema
                    )
        end   as holm_rank
    from tested t
    cross join parameters k
    left join tail p using (scope, scope_id, period, tema)
),
tarone as (
    -- Tarone (1990): the smallest family size m' such that at most m' themes could reach a p-value
    -- of alpha / m'; a theme whose smallest reachable p-value is above it cannot be rejected and
    -- leaves the family (a theme without any complaint now or in the window, p = 1, never counts)
    select scope, scope_id, period, min(m) as themes_testable
    from (
        select
            r.scope, r.scope_id, r.period, m.m,
            count(*) filter (where r.min_p <= k.alpha / m.m) as reachable
        from ranked r
        cross join parameters k
        cross join (select unnest(range(1, 1000)) as m) m
        where r.p_value is not null and m.m <= r.themes_tested
        group by all
    ) reach
    where reachable <= m
    group by all
),
thresholds as (
    select
        r.*,
        tr.themes_testable,
        case k.correction
            when 'tanpa' then k.alpha
            when 'bonferroni' then k.alpha / r.themes_tested
            when 'tarone' then case when r.min_p <= k.alpha / tr.themes_testable then k.alpha / tr.themes_testable end
            else k.alpha / (r.themes_tested - r.holm_rank + 1)
        end                                                                       as alpha_at_rank
    from ranked r
    cross join parameters k
    left join tarone tr using (scope, scope_id, period)
),
decided as (
    select
        t.*,
        -- Holm steps down: a theme is rejected only if every theme with a smaller p-value is too
        case when k.correction = 'holm'
                then bool_and(t.p_value <= t.alpha_at_rank) over (
                        partition by t.scope, t.scope_id, t.period order by t.holm_rank
                        rows between unbounded preceding and current row
                    )
            else t.p_value <= t.alpha_at_rank
        end                                as rejected
    from thresholds t
    cross join parameters k
)
select
    d.scope,
    d.scope_id,
    d.period,
    d.period_kind,
    d.period_start,
    d.respondents,
    d.tema,
    d.tema_label,
    d.unsur,
    d.keluhan,
    d.previous_periods,
    d.previous_mean,
    d.previous_keluhan,
    d.previous_respondents,
    d.expected_share,
    d.p_value,
    d.themes_tested,
    d.holm_rank,
    d.min_p,
    d.themes_testable,
    d.alpha_at_rank,
    case when not d.has_history then null
        else coalesce(d.rejected, false) and d.keluhan >= k.min_count
    end          as is_rising,
    case
        when not d.has_history
            then 'riwayat belum cukup: ' || d.previous_periods || ' dari ' || k.window_periods
                || ' periode sebelumnya punya responden'
        else d.tema_label || ': ' || d.keluhan || ' keluhan dari ' || d.respondents || ' responden; '
            || k.window_periods || ' periode sebelumnya ' || d.previous_keluhan || ' keluhan dari '
            || d.previous_respondents || ' responden (rata-rata '
            || replace(printf('%.2f', d.previous_mean), '.', ',') || '); p = '
            || replace(printf('%.4f', d.p_value), '.', ',') || ', batas '
            || coalesce(replace(printf('%.4f', d.alpha_at_rank), '.', ','), 'tidak teruji')
    end                                                                             as rising_note
from decided d
cross join parameters k
