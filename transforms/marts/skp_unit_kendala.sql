-- skp_unit_kendala: one row per unit (or office) per SKP period per obstacle category
-- (kendala), with the share of the missed targets it explains; every category of
-- data/reference/kendala_categories.csv appears, zeros included, for each scope-period with at
-- least one missed target.
-- grain: scope, scope_id, periode, kendala_category
-- materialized: table
--
-- Columns: scope, scope_id, periode, kendala_category, kendala_label, missed_count (missed
--   indicators with this obstacle), missed_total (all missed indicators of the scope-period),
--   share_pct (missed_count / missed_total x 100).
-- Rule: an indicator is missed when its capaian is below 100 % (PermenPANRB 8/2021, see
--   marts.skp_indicator_capaian); its obstacle is the category the free text maps to
--   (docs/skp.md: SDM, anggaran, sarana/prasarana, pelatihan/kompetensi, regulasi, lainnya;
--   unknown text -> lainnya; no text -> tidak-disebut).
with indicators as (
    select * from marts.skp_indicator_capaian
),
scopes as (
    select * from marts.skp_asn_scope
),
categories as (
    select code, label, priority::integer as priority from ref.kendala_categories
),
missed as (
    select s.scope, s.scope_id, s.periode, i.kendala_category
    from scopes s
    join indicators i on i.nip = s.nip and i.periode = s.periode
    where i.met = false
),
scope_periods as (
    select scope, scope_id, periode, count(*) as missed_total
    from missed
    group by scope, scope_id, periode
),
counts as (
    select scope, scope_id, periode, kendala_category, count(*) as missed_count
    from missed
    group by scope, scope_id, periode, kendala_category
)
select
    sp.scope,
    sp.scope_id,
    sp.periode,
    k.code                                                  as kendala_category,
    k.label                                                 as kendala_label,
    k.priority                                              as kendala_priority,
    coalesce(c.missed_count, 0)                             as missed_count,
    sp.missed_total,
    coalesce(c.missed_count, 0) * 100.0 / sp.missed_total   as share_pct
from scope_periods sp
cross join categories k
left join counts c
    on c.scope = sp.scope and c.scope_id = sp.scope_id and c.periode = sp.periode
        and c.kendala_category = k.code
