-- skp_unit_predikat: one row per unit (or office) per SKP period per predikat kinerja, with
-- how many ASN received it; every predikat of data/reference/predikat_rank.csv appears,
-- zeros included, for each scope-period that has at least one ASN with a predikat.
-- grain: scope, scope_id, periode, predikat
-- materialized: table
--
-- Columns: scope, scope_id, periode, predikat (code), predikat_rank, predikat_label,
--   asn_count (ASN with this predikat), asn_berpredikat (ASN with any predikat: the
--   denominator), asn_rating_saran (of asn_count, how many rest on a suggested hasil-kerja
--   rating), share_pct (asn_count / asn_berpredikat x 100).
-- Rule: predikat per ASN from marts.skp_asn_period (PermenPANRB 6/2022 matrix). ASN without a
--   predikat (no perilaku rating) are not in the denominator; skp_unit_period counts them.
with asn_periods as (
    select * from marts.skp_asn_period
),
scopes as (
    select * from marts.skp_asn_scope
),
predikat_labels as (
    select predikat, predikat_rank as rank, predikat_label as label from marts.skp_predikat
),
scope_asn as (
    select s.scope, s.scope_id, s.periode, a.predikat, a.rating_hasil_kerja_source
    from scopes s
    join asn_periods a on a.nip = s.nip and a.periode = s.periode
    where a.predikat is not null
),
scope_periods as (
    select scope, scope_id, periode, count(*) as asn_berpredikat
    from scope_asn
    group by scope, scope_id, periode
),
counts as (
    select
        scope, scope_id, periode, predikat,
        count(*)                                                             as asn_count,
        count(*) filter (where rating_hasil_kerja_source = 'saran_sistem')   as asn_rating_saran
    from scope_asn
    group by scope, scope_id, periode, predikat
)
select
    sp.scope,
    sp.scope_id,
    sp.periode,
    pl.predikat,
    pl.rank                                                 as predikat_rank,
    pl.label                                                as predikat_label,
    coalesce(c.asn_count, 0)                                as asn_count,
    sp.asn_berpredikat,
    coalesce(c.asn_rating_saran, 0)                         as asn_rating_saran,
    coalesce(c.asn_count, 0) * 100.0 / sp.asn_berpredikat   as share_pct
from scope_periods sp
cross join predikat_labels pl
left join counts c
    on c.scope = sp.scope and c.scope_id = sp.scope_id and c.periode = sp.periode and c.predikat = pl.predikat
