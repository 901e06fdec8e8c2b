-- skm_complaint_unsur: one row per scope (unit | office) per period per unsur that at least one
-- complaint relates to: how many complaints concern that unsur.
-- grain: scope, scope_id, period, unsur
-- materialized: view
--
-- Columns: scope, scope_id, period, period_kind, unsur, unsur_name, keluhan (complaints with at
--   least one theme related to the unsur; a complaint counts once per unsur).
-- Rule: complaints are grouped by theme and by unsur (docs/ikm.md); the theme -> unsur link is the
--   column unsur of data/reference/complaint_themes.csv (informasi and lainnya relate to none).
with scoped as (
    select * from marts.skm_response_scopes where scope in ('unit', 'office')
),
complaints as (
    select * from marts.skm_complaints
),
unsur_names as (
    select upper(trim(code)) as unsur, name as unsur_name from ref.skm_unsur
),
unsur_hits as (
    select _file_id, _row, unnest(unsur) as unsur
    from complaints
    where jenis_saran = 'keluhan'
)
select
    s.scope,
    s.scope_id,
    s.period,
    s.period_kind,
    h.unsur,
    any_value(n.unsur_name)         as unsur_name,
    count(*)                        as keluhan
from scoped s
join unsur_hits h using (_file_id, _row)
left join unsur_names n on n.unsur = h.unsur
group by s.scope, s.scope_id, s.period, s.period_kind, h.unsur
