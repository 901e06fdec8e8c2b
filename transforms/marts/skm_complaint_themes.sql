-- skm_complaint_themes: one row per scope (unit | office) per period per complaint theme: how many
-- complaints name the theme, and whether the theme is rising.
-- materialized: table
--
-- Columns: scope, scope_id, period, period_kind, period_start, respondents, tema, tema_label, unsur
--   (related unsur, NULL when none), keluhan (complaints naming the theme; 0 when none),
--   previous_periods (how many of the preceding periods of the same kind in the window had
--   respondents), previous_mean (mean keluhan over them), is_rising (NULL when the history is
--   shorter than the window), rising_note.
-- Rules: themes and their classification: marts.skm_complaints, data/reference/complaint_themes.csv
--   (jenis tema and lainnya). A complaint naming two themes counts once in each.
--   Rising (DOMAIN.md §4): more complaints of the theme than the mean of the previous three periods
--   of the same kind (keluhan_periode_banding in data/reference/ikm_parameters.csv), and at least
--   keluhan_naik_minimum of them (default 1, the rule as written). A preceding period without any
--   respondent is not a zero: the comparison needs every period of the window surveyed, otherwise
--   is_rising is NULL and the note says why.
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
        max(try_cast(nilai as integer)) filter (where parameter = 'keluhan_naik_minimum')    as min_count
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
        count(h.period)     as previous_periods,
        avg(h.keluhan)      as previous_mean
    from grid g
    cross join parameters k
    left join grid h
      on h.scope = g.scope and h.scope_id = g.scope_id and h.tema = g.tema and h.period_kind = g.period_kind
     and h.period_start < g.period_start
     and h.period_start >= (g.period_start - to_months(g.period_months * k.window_periods))::date
    group by all
)
select
    g.scope,
    g.scope_id,
    g.period,
    g.period_kind,
    g.period_start,
    g.respondents,
    g.tema,
    g.tema_label,
    g.unsur,
    g.keluhan,
    h.previous_periods,
    h.previous_mean,
    case when h.previous_periods < k.window_periods then null
         else g.keluhan > h.previous_mean and g.keluhan >= k.min_count end        as is_rising,
    case
        when h.previous_periods < k.window_periods
            then 'riwayat belum cukup: ' || h.previous_periods || ' dari ' || k.window_periods
                 || ' periode sebelumnya punya responden'
        else g.tema_label || ': ' || g.keluhan || ' keluhan, rata-rata ' || k.window_periods
             || ' periode sebelumnya ' || replace(printf('%.2f', h.previous_mean), '.', ',')
    end                                                                           as rising_note
from grid g
join history h using (scope, scope_id, period, tema)
cross join parameters k
