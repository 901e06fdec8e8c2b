-- skm_response_scopes: one row per survey response per period per scope it is counted in:
-- the whole office, its unit, its service type in that unit, and the officer who served it.
-- grain: scope, scope_id, period, _file_id, _row
-- materialized: view
--
-- Columns: scope ('office' | 'unit' | 'layanan' | 'petugas'), scope_id, unit_slug, period,
--   period_kind, period_start, period_months, u1 … u9, _file_id, _row.
-- scope_id: office = the root unit of data/reference/units.csv (the kantor kecamatan); unit = the
--   response's unit_slug; layanan = '<unit_slug>:<slug of jenis_layanan>' ('tidak-disebut' when
--   empty); petugas = nip_petugas (18 digits; responses without a valid NIP have no petugas row).
-- Rule: PermenPANRB 14/2017 computes the IKM over the respondents of a service unit; the same
--   computation runs for every scope (marts.skm_unsur_scores, marts.skm_ikm), so the office IKM
--   pools all respondents of its units and an officer's IKM those who named the officer.
with responses as (
    select * from marts.skm_response_periods
),
units as (
    select slug, parent from ref.units
),
office as (
    select min(slug) as slug from units where coalesce(trim(parent), '') = ''
),
scoped as (
    select 'office' as scope, o.slug as scope_id, r.*
    from responses r
    cross join office o
    union all
    select 'unit' as scope, r.unit_slug as scope_id, r.*
    from responses r
    union all
    select
        'layanan' as scope,
        r.unit_slug || ':' || coalesce(nullif(slugify(r.jenis_layanan), ''), 'tidak-disebut') as scope_id, r.*
    from responses r
    union all
    select 'petugas' as scope, r.nip_petugas as scope_id, r.*
    from responses r
    where r.nip_petugas is not null
)
select
    scope,
    scope_id,
    unit_slug,
    period,
    period_kind,
    period_start,
    period_months,
    u1, u2, u3, u4, u5, u6, u7, u8, u9,
    _file_id,
    _row
from scoped
