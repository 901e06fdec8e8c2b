-- skp_asn_scope: one row per ASN-period per scope it is counted in: its unit
-- (scope 'unit', scope_id = the roster's unit_slug) and the whole office (scope 'office',
-- scope_id = the root unit of data/reference/units.csv, the kantor kecamatan).
-- grain: scope, scope_id, nip, periode
-- materialized: view
--
-- Columns: scope, scope_id, nip, periode, period_kind.
-- Rule: the unit is the roster's (staging.stg_pegawai) unit of the ASN; an ASN whose roster row
--   did not reach staging is counted under 'tanpa-unit' so no SKP row drops out of the totals.
--   Every unit- and office-level SKP model groups by (scope, scope_id, periode) over this model,
--   so the office figures are computed exactly like the unit ones.
with asn_periods as (
    select nip, periode, period_kind, unit_slug from marts.skp_asn_period
),
units as (
    select slug, parent from ref.units
),
office as (
    select min(slug) as slug from units where coalesce(trim(parent), '') = ''
)
select 'unit' as scope, coalesce(a.unit_slug, 'tanpa-unit') as scope_id, a.nip, a.periode, a.period_kind
from asn_periods a
union all
select 'office' as scope, o.slug as scope_id, a.nip, a.periode, a.period_kind
from asn_periods a
cross join office o
