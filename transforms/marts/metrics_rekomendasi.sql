-- metrics_rekomendasi: one row per published recommendation figure (metrics contract,
-- ARCHITECTURE.md). Recommendations are proposals for the head of office (DOMAIN.md §4): labels
-- say "diusulkan" and "perlu ditindaklanjuti", never a decision. Names stay out: per-ASN rows are
-- keyed by NIP and shown on internal pages only; units and the office get counts.
-- materialized: view
--
-- Metrics (value · unit · label):
--   rekomendasi/asn/<nip>                         rules that selected the ASN · aturan · 'penghargaan: <syarat> | pembinaan: <syarat>'
--   rekomendasi_aturan/asn/<nip>:<aturan>         1 · aturan · 'diusulkan <jenis>: <syarat>. Bukti: <facts>'
--   rekomendasi_penghargaan/{unit|office}/<slug>  ASN proposed for an award · orang
--   rekomendasi_pembinaan/{unit|office}/<slug>    ASN proposed for coaching or training · orang
--   rekomendasi_asn_aturan/{unit|office}/<slug>:<aturan>  ASN selected by that rule · orang (zeros included)
--   rekomendasi_unit_aturan/office/<office>:<aturan>      units selected by a unit-level rule · unit
--   rekomendasi/unit/<unit>                       'perhatian' rules that hold (0 = none) · aturan · the rules
--   rekomendasi_aturan/unit/<unit>:<aturan>       1 · aturan · 'perlu perhatian: <syarat>. Bukti: <facts>'
--                                                 ('indikasi: …' for a signal rule)
--   rekomendasi_indikasi/unit/<unit>              'indikasi' rules that hold (signals, not attention) · aturan
--   rekomendasi_perhatian/office/<office>         units with at least one 'perhatian' rule · unit
--   rekomendasi_indikasi/office/<office>          units with at least one 'indikasi' rule · unit
-- Rules: data/reference/recommendation_rules.csv via marts.rekomendasi_asn and marts.rekomendasi_unit.
with asn_rules as (
    select * from marts.rekomendasi_asn
),
unit_rules as (
    select * from marts.rekomendasi_unit
),
asn_subjects as (
    select distinct nip, unit_slug, period from marts.rekomendasi_asn_fakta
),
unit_subjects as (
    select distinct unit_slug, period from marts.rekomendasi_unit_fakta
),
rules as (
    select distinct aturan, jenis, lower(trim(cakupan)) as cakupan
    from ref.recommendation_rules
    where lower(trim(aktif)) in ('ya', 'true', '1')
),
office as (
    select min(slug) as slug from ref.units where coalesce(trim(parent), '') = ''
),
asn_units as (
    select distinct unit_slug, period from asn_subjects where unit_slug is not null
),
numbers as (
    select 'rekomendasi' as metric, 'asn' as scope, slugify(nip) as scope_id, period,
           count(*) as value,
           string_agg(jenis || ': ' || syarat, ' | ' order by jenis desc, aturan) as label,
           'aturan' as unit
    from asn_rules
    group by nip, period

    union all
    select 'rekomendasi_aturan', 'asn', slugify(nip) || ':' || aturan, period, 1,
           'diusulkan ' || jenis || ': ' || syarat || '. Bukti: ' || coalesce(bukti, '-'), 'aturan'
    from asn_rules

    union all
    select 'rekomendasi_' || j.jenis, 'unit', u.unit_slug, u.period,
           count(distinct r.nip),
           case j.jenis when 'penghargaan' then 'ASN yang diusulkan sebagai calon penghargaan'
                        else 'ASN yang diusulkan untuk pembinaan/pelatihan' end,
           'orang'
    from asn_units u
    cross join (values ('penghargaan'), ('pembinaan')) as j(jenis)
    left join asn_rules r on r.unit_slug = u.unit_slug and r.period = u.period and r.jenis = j.jenis
    group by j.jenis, u.unit_slug, u.period

    union all
    select 'rekomendasi_' || j.jenis, 'office', (select slug from office), p.period,
           count(distinct r.nip),
           case j.jenis when 'penghargaan' then 'ASN yang diusulkan sebagai calon penghargaan'
                        else 'ASN yang diusulkan untuk pembinaan/pelatihan' end,
           'orang'
    from (select distinct period from asn_units) p
    cross join (values ('penghargaan'), ('pembinaan')) as j(jenis)
    left join asn_rules r on r.period = p.period and r.jenis = j.jenis
    group by j.jenis, p.period

    union all
    select 'rekomendasi_asn_aturan', 'unit', u.unit_slug || ':' || a.aturan, u.period,
           count(r.nip), 'ASN yang dipilih aturan ' || a.aturan || ' (' || a.jenis || ')', 'orang'
    from asn_units u
    cross join (select * from rules where cakupan = 'asn') a
    left join asn_rules r on r.unit_slug = u.unit_slug and r.period = u.period and r.aturan = a.aturan
    group by u.unit_slug, u.period, a.aturan, a.jenis

    union all
    select 'rekomendasi_asn_aturan', 'office', (select slug from office) || ':' || a.aturan, p.period,
           count(r.nip), 'ASN yang dipilih aturan ' || a.aturan || ' (' || a.jenis || ')', 'orang'
    from (select distinct period from asn_units) p
    cross join (select * from rules where cakupan = 'asn') a
    left join asn_rules r on r.period = p.period and r.aturan = a.aturan
    group by p.period, a.aturan, a.jenis

    union all
    select 'rekomendasi_unit_aturan', 'office', (select slug from office) || ':' || a.aturan, p.period,
           count(r.unit_slug), 'unit yang dipilih aturan ' || a.aturan, 'unit'
    from (select distinct period from unit_subjects) p
    cross join (select * from rules where cakupan = 'unit') a
    left join unit_rules r on r.period = p.period and r.aturan = a.aturan
    group by p.period, a.aturan

    union all
    select 'rekomendasi', 'unit', s.unit_slug, s.period,
           count(r.aturan) filter (where r.jenis = 'perhatian'),
           coalesce('perlu perhatian: ' || string_agg(r.syarat, ' | ' order by r.aturan) filter (where r.jenis = 'perhatian'),
                    'tidak ada aturan perhatian unit yang terpenuhi'),
           'aturan'
    from unit_subjects s
    left join unit_rules r on r.unit_slug = s.unit_slug and r.period = s.period
    group by s.unit_slug, s.period

    union all
    select 'rekomendasi_indikasi', 'unit', s.unit_slug, s.period,
           count(r.aturan) filter (where r.jenis = 'indikasi'),
           coalesce('indikasi (sinyal, belum cukup bukti untuk perhatian): '
                    || string_agg(r.syarat, ' | ' order by r.aturan) filter (where r.jenis = 'indikasi'),
                    'tidak ada indikasi'),
           'aturan'
    from unit_subjects s
    left join unit_rules r on r.unit_slug = s.unit_slug and r.period = s.period
    group by s.unit_slug, s.period

    union all
    select 'rekomendasi_aturan', 'unit', unit_slug || ':' || aturan, period, 1,
           case when jenis = 'indikasi' then 'indikasi: ' else 'perlu perhatian: ' end
               || syarat || '. Bukti: ' || coalesce(bukti, '-'), 'aturan'
    from unit_rules

    union all
    select 'rekomendasi_perhatian', 'office', (select slug from office), s.period,
           count(distinct r.unit_slug) filter (where r.jenis = 'perhatian'), 'unit yang perlu perhatian', 'unit'
    from (select distinct period from unit_subjects) s
    left join unit_rules r on r.period = s.period
    group by s.period

    union all
    select 'rekomendasi_indikasi', 'office', (select slug from office), s.period,
           count(distinct r.unit_slug) filter (where r.jenis = 'indikasi'),
           'unit dengan indikasi (sinyal, tidak dihitung perlu perhatian)', 'unit'
    from (select distinct period from unit_subjects) s
    left join unit_rules r on r.period = s.period
    group by s.period
)
select
    metric || '/' || scope || '/' || scope_id || '/' || period  as metric_id,
    metric,
    scope,
    scope_id,
    period,
    value::double                                              as value,
    label,
    unit
from numbers
