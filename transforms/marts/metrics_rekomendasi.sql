-- metrics_rekomendasi: one row per published recommendation figure (metrics contract:
-- metric_id, metric, scope, scope_id, period, value, label, unit). Recommendations are proposals
-- for the head of office: labels say "diusulkan", "sinyal" and "perlu ditindaklanjuti", never a
-- decision. Names stay out: per-ASN rows are keyed by NIP and shown on internal pages only; units
-- and the office get counts.
-- grain: metric_id
-- materialized: view
--
-- Periods (data/reference/recommendation_periods.csv, marts.rekomendasi_asn_peran): individual
--   proposals are made at the evaluation periods of PermenPANRB 6/2022 (triwulan 'YYYY-Qn', akhir
--   tahun 'YYYY'; published by the run of the period's last month); a month that closes none gets
--   signals (`sinyal...`) instead, except the PP 94/2021 flags, proposed in the month they occur.
--   A count is published only where the rules behind it have that role for the period.
-- Metrics (value · unit · label):
--   rekomendasi/asn/<nip>                         rules that propose the ASN · aturan · 'penghargaan: <syarat> | pembinaan: <syarat>'
--   rekomendasi_aturan/asn/<nip>:<aturan>         1 · aturan · 'diusulkan <jenis>: <syarat>. Bukti: <facts>'
--   rekomendasi_penghargaan/{unit|office}/<slug>  ASN proposed for an award · orang
--   rekomendasi_pembinaan/{unit|office}/<slug>    ASN proposed for coaching or training · orang
--   rekomendasi_asn_aturan/{unit|office}/<slug>:<aturan>  ASN proposed by that rule · orang (zeros included)
--   sinyal/asn/<nip>                              rules that signal the ASN in the month · aturan · 'sinyal penghargaan: <syarat> | …'
--   sinyal_aturan/asn/<nip>:<aturan>              1 · aturan · 'sinyal <jenis> (bukan usulan): <syarat>. Bukti: <facts>'
--   sinyal_penghargaan/{unit|office}/<slug>       ASN with an award signal · orang
--   sinyal_pembinaan/{unit|office}/<slug>         ASN with a coaching signal · orang
--   sinyal_asn_aturan/{unit|office}/<slug>:<aturan>  ASN signalled by that rule · orang (zeros included)
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
    select distinct nip, unit_slug, period, period_kind from marts.rekomendasi_asn_fakta
),
roles as (
    select * from marts.rekomendasi_asn_peran
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
    select distinct unit_slug, period, period_kind from asn_subjects where unit_slug is not null
),
asn_periods as (
    select distinct period, period_kind from asn_units
),
-- (jenis, period kind, peran) that some rule of that jenis has: the counts published there
jenis_roles as (
    select distinct a.jenis, o.period_kind, o.peran
    from roles o join (select distinct aturan, jenis from rules where cakupan = 'asn') a using (aturan)
),
-- the metric name of a proposal (rekomendasi...) or of a signal (sinyal...)
prefix as (
    -- the alias names the values' columns (sqlfluff takes it for an unused alias)
    select * from (values ('usulan', 'rekomendasi'), ('sinyal', 'sinyal')) p (peran, metric)  -- noqa: AL05
),
numbers as (
    select
        x.metric, 'asn' as scope, slugify(r.nip) as scope_id, r.period,
        count(*) as value,
        string_agg(
            case when r.peran = 'sinyal' then 'sinyal ' else '' end || r.jenis || ': ' || r.syarat, ' | '
            order by r.jenis desc, r.aturan asc
        ) as label,
        'aturan' as unit
    from asn_rules r join prefix x using (peran)
    group by x.metric, r.nip, r.period

    union all
    select
        x.metric || '_aturan', 'asn', slugify(r.nip) || ':' || r.aturan, r.period, 1,
        case
            when r.peran = 'sinyal' then 'sinyal ' || r.jenis || ' (bukan usulan): ' else
                'diusulkan ' || r.jenis || ': '
        end
        || r.syarat || '. Bukti: ' || coalesce(r.bukti, '-'), 'aturan'
    from asn_rules r join prefix x using (peran)

    union all
    select
        x.metric || '_' || j.jenis, 'unit', u.unit_slug, u.period,
        count(distinct r.nip),
        case when j.peran = 'sinyal'
                then
                    case j.jenis when 'penghargaan' then 'ASN dengan sinyal calon penghargaan (bukan usulan)'
                        else 'ASN dengan sinyal pembinaan/pelatihan (bukan usulan)'
                    end
            else
                case j.jenis when 'penghargaan' then 'ASN yang diusulkan sebagai calon penghargaan'
                    else 'ASN yang diusulkan untuk pembinaan/pelatihan'
                end
        end,
        'orang'
    from asn_units u
    join jenis_roles j on j.period_kind = u.period_kind
    join prefix x on x.peran = j.peran
    left join
        asn_rules r
        on r.unit_slug = u.unit_slug and r.period = u.period and r.jenis = j.jenis and r.peran = j.peran
    group by x.metric, j.jenis, j.peran, u.unit_slug, u.period

    union all
    select
        x.metric || '_' || j.jenis, 'office', (select ofc.slug from office ofc), p.period,
        count(distinct r.nip),
        case when j.peran = 'sinyal'
                then
                    case j.jenis when 'penghargaan' then 'ASN dengan sinyal calon penghargaan (bukan usulan)'
                        else 'ASN dengan sinyal pembinaan/pelatihan (bukan usulan)'
                    end
            else
                case j.jenis when 'penghargaan' then 'ASN yang diusulkan sebagai calon penghargaan'
                    else 'ASN yang diusulkan untuk pembinaan/pelatihan'
                end
        end,
        'orang'
    from asn_periods p
    join jenis_roles j on j.period_kind = p.period_kind
    join prefix x on x.peran = j.peran
    left join asn_rules r on r.period = p.period and r.jenis = j.jenis and r.peran = j.peran
    group by x.metric, j.jenis, j.peran, p.period

    union all
    select
        x.metric || '_asn_aturan', 'unit', u.unit_slug || ':' || a.aturan, u.period,
        count(r.nip),
        case when o.peran = 'sinyal' then 'ASN yang diberi sinyal oleh aturan ' else 'ASN yang diusulkan aturan ' end
        || a.aturan || ' (' || a.jenis || ')', 'orang'
    from asn_units u
    join roles o on o.period_kind = u.period_kind
    join (select distinct aturan, jenis from rules where cakupan = 'asn') a on a.aturan = o.aturan
    join prefix x on x.peran = o.peran
    left join asn_rules r on r.unit_slug = u.unit_slug and r.period = u.period and r.aturan = a.aturan
    group by x.metric, o.peran, u.unit_slug, u.period, a.aturan, a.jenis

    union all
    select
        x.metric || '_asn_aturan', 'office', (select ofc.slug from office ofc) || ':' || a.aturan, p.period,
        count(r.nip),
        case when o.peran = 'sinyal' then 'ASN yang diberi sinyal oleh aturan ' else 'ASN yang diusulkan aturan ' end
        || a.aturan || ' (' || a.jenis || ')', 'orang'
    from asn_periods p
    join roles o on o.period_kind = p.period_kind
    join (select distinct aturan, jenis from rules where cakupan = 'asn') a on a.aturan = o.aturan
    join prefix x on x.peran = o.peran
    left join asn_rules r on r.period = p.period and r.aturan = a.aturan
    group by x.metric, o.peran, p.period, a.aturan, a.jenis

    union all
    select
        'rekomendasi_unit_aturan', 'office', (select ofc.slug from office ofc) || ':' || a.aturan, p.period,
        count(r.unit_slug), 'unit yang dipilih aturan ' || a.aturan, 'unit'
    from (select distinct period from unit_subjects) p
    cross join (select * from rules where cakupan = 'unit') a
    left join unit_rules r on r.period = p.period and r.aturan = a.aturan
    group by p.period, a.aturan

    union all
    select
        'rekomendasi', 'unit', s.unit_slug, s.period,
        count(r.aturan) filter (where r.jenis = 'perhatian'),
        coalesce(
            'perlu perhatian: ' || string_agg(r.syarat, ' | ' order by r.aturan) filter (where r.jenis = 'perhatian'),
            'tidak ada aturan perhatian unit yang terpenuhi'
        ),
        'aturan'
    from unit_subjects s
    left join unit_rules r on r.unit_slug = s.unit_slug and r.period = s.period
    group by s.unit_slug, s.period

    union all
    select
        'rekomendasi_indikasi', 'unit', s.unit_slug, s.period,
        count(r.aturan) filter (where r.jenis = 'indikasi'),
        coalesce(
            'indikasi (sinyal, belum cukup bukti untuk perhatian): '
            || string_agg(r.syarat, ' | ' order by r.aturan) filter (where r.jenis = 'indikasi'),
            'tidak ada indikasi'
        ),
        'aturan'
    from unit_subjects s
    left join unit_rules r on r.unit_slug = s.unit_slug and r.period = s.period
    group by s.unit_slug, s.period

    union all
    select
        'rekomendasi_aturan', 'unit', unit_slug || ':' || aturan, period, 1,
        case when jenis = 'indikasi' then 'indikasi: ' else 'perlu perhatian: ' end
        || syarat || '. Bukti: ' || coalesce(bukti, '-'), 'aturan'
    from unit_rules

    union all
    select
        'rekomendasi_perhatian', 'office', (select ofc.slug from office ofc), s.period,
        count(distinct r.unit_slug) filter (where r.jenis = 'perhatian'), 'unit yang perlu perhatian', 'unit'
    from (select distinct period from unit_subjects) s
    left join unit_rules r on r.period = s.period
    group by s.period

    union all
    select
        'rekomendasi_indikasi', 'office', (select ofc.slug from office ofc), s.period,
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
