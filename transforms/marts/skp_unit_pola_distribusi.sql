-- skp_unit_pola_distribusi: one row per unit (or office) per SKP period, checking the
-- distribution of its staff's predikat against the pola distribusi for the organisation's
-- predikat. Informational only: the guidance is never enforced and changes no predikat.
-- materialized: table
--
-- Columns: scope, scope_id, periode, pola (the organisation's predikat the guidance is read
--   for), pola_label, asn_berpredikat, sesuai_pola (all rules of the pola hold),
--   pedoman (the guidance text), tidak_terpenuhi (the rules that do not hold, with the share
--   found), keterangan (one sentence for the metric label).
-- Rule: pola distribusi as published by KemenPANRB (DOMAIN.md §2), as rules in
--   data/reference/pola_distribusi.csv: batas 'maks' (share <= persen), 'min' (share >= persen),
--   'ada' (at least one ASN), over the predikat listed (a|b = together). The organisation's
--   predikat comes from data/reference/predikat_organisasi.csv, the most specific row for
--   (scope, scope_id, year) winning over '*'; its default row assumes Baik until the office
--   enters the official one. Shares are of the ASN with a predikat.
with distribution as (
    select * from marts.skp_unit_predikat
),
rules as (
    select
        pola, pola_label, urutan::integer as urutan, string_split(predikat, '|') as predikat_list,
        batas, try_cast(persen as double) as persen, teks
    from ref.pola_distribusi
),
organisasi as (
    select scope, scope_id, tahun, pola from ref.predikat_organisasi
),
scope_periods as (
    select distinct scope, scope_id, periode, asn_berpredikat from distribution
),
chosen as (
    select
        sp.scope, sp.scope_id, sp.periode, sp.asn_berpredikat,
        first(o.pola order by (o.scope <> '*')::integer + (o.scope_id <> '*')::integer
                              + (o.tahun <> '*')::integer desc) as pola
    from scope_periods sp
    join organisasi o
      on o.scope in ('*', sp.scope) and o.scope_id in ('*', sp.scope_id) and o.tahun in ('*', left(sp.periode, 4))
    group by sp.scope, sp.scope_id, sp.periode, sp.asn_berpredikat
),
rule_checks as (
    select
        c.scope, c.scope_id, c.periode, c.pola, c.asn_berpredikat,
        r.pola_label, r.urutan, r.teks, r.batas, r.persen,
        sum(d.asn_count)                                    as asn_count,
        sum(d.asn_count) * 100.0 / c.asn_berpredikat        as share_pct
    from chosen c
    join rules r on r.pola = c.pola
    join distribution d
      on d.scope = c.scope and d.scope_id = c.scope_id and d.periode = c.periode
     and list_contains(r.predikat_list, d.predikat)
    group by c.scope, c.scope_id, c.periode, c.pola, c.asn_berpredikat,
             r.pola_label, r.urutan, r.teks, r.batas, r.persen
),
checked as (
    select
        *,
        case batas
            when 'maks' then share_pct <= persen
            when 'min' then share_pct >= persen
            when 'ada' then asn_count > 0
        end as terpenuhi
    from rule_checks
),
per_scope as (
    select
        scope, scope_id, periode, pola, any_value(pola_label) as pola_label, asn_berpredikat,
        bool_and(terpenuhi)                                          as sesuai_pola,
        string_agg(teks, '; ' order by urutan)                       as pedoman,
        string_agg(case when not terpenuhi then
                       teks || case when batas = 'ada' then ' (tidak ada)'
                                    else ' (' || replace(format('{:.1f}', share_pct), '.', ',') || ' %)' end
                   end, '; ' order by urutan)                        as tidak_terpenuhi
    from checked
    group by scope, scope_id, periode, pola, asn_berpredikat
)
select
    *,
    'Pola distribusi untuk predikat organisasi ' || pola_label || ': ' || pedoman || '. '
        || case when sesuai_pola then 'Sesuai pola.' else 'Tidak sesuai: ' || tidak_terpenuhi || '.' end
        || ' (informatif)'                                           as keterangan
from per_scope
