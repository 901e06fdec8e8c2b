-- rekomendasi_asn: one row per ASN per period per recommendation rule that selects the ASN: a
-- proposal (or, in a month that closes no evaluation period, a signal) for the head of office,
-- never a decision.
-- grain: nip, period, aturan
-- materialized: table
--
-- Columns: nip, unit_slug, period, period_kind, aturan (rule id), jenis (penghargaan | pembinaan),
--   peran (usulan | sinyal, from marts.rekomendasi_asn_peran), syarat (the rule's conditions in
--   words, joined with ', '), bukti (the ASN's facts behind each condition, joined with '; '),
--   bukti_metric_ids (the published metrics that show those facts).
-- Rule: data/reference/recommendation_rules.csv, rows with cakupan = 'asn' and aktif = 'ya'. A rule
--   is one or more conditions (rows sharing `aturan`); an ASN-period is selected when every
--   condition holds. A condition compares the fact named in `kriteria`
--   (marts.rekomendasi_asn_fakta) with `ambang` using `pembanding` (>=, >, <=, <, =, or `dalam`
--   for a '|'-separated list of codes). A missing fact fails the condition unless `bila_kosong` is
--   'lolos' (e.g. an officer IKM where no respondent named the ASN). Defaults (docs/reports.md):
--   penghargaan = predikat Sangat Baik (PermenPANRB 6/2022), no TK day, no TL3/TL4/PSW3/PSW4,
--   discipline rate ≥ 95 % (leave and sickness never disqualify), officer IKM A/B where named;
--   pembinaan = predikat Butuh Perbaikan/Kurang/Sangat Kurang, a missed target with kendala
--   pelatihan/kompetensi and a material shortfall, repeated lateness, a PP 94/2021 discipline flag.
--   When a rule applies, and as proposal or signal: data/reference/recommendation_periods.csv.
with facts as (
    select * from marts.rekomendasi_asn_fakta
),
roles as (
    select * from marts.rekomendasi_asn_peran
),
rules as (
    select
        aturan, jenis, urutan::integer as urutan, kriteria, pembanding, trim(ambang) as ambang,
        lower(trim(coalesce(bila_kosong, 'gagal'))) as bila_kosong, syarat
    from ref.recommendation_rules
    where lower(trim(cakupan)) = 'asn' and lower(trim(aktif)) in ('ya', 'true', '1')
),
subjects as (
    select distinct nip, unit_slug, period, period_kind from facts
),
checks as (
    select
        s.nip, s.unit_slug, s.period, s.period_kind, r.aturan, r.jenis, o.peran, r.urutan, r.syarat,
        f.bukti, f.bukti_metric_id,
        case
            when f.kriteria is null then r.bila_kosong = 'lolos'
            when r.pembanding = 'dalam' then list_contains(string_split(lower(r.ambang), '|'), lower(f.kode))
            when r.pembanding = '>=' then f.nilai >= r.ambang::double
            when r.pembanding = '>' then f.nilai > r.ambang::double
            when r.pembanding = '<=' then f.nilai <= r.ambang::double
            when r.pembanding = '<' then f.nilai < r.ambang::double
            when r.pembanding = '=' then f.nilai = r.ambang::double
        end as holds
    from subjects s
    join roles o on o.period_kind = s.period_kind
    join rules r on r.aturan = o.aturan
    left join facts f on f.nip = s.nip and f.period = s.period and f.kriteria = r.kriteria
),
passed as (
    -- only the (ASN, period, rule) that hold get their evidence strings aggregated (most do not)
    select nip, period, aturan from checks group by all having bool_and(coalesce(holds, false))
)
select
    c.nip,
    c.unit_slug,
    c.period,
    any_value(c.period_kind)                                                      as period_kind,
    c.aturan,
    any_value(c.jenis)                                                            as jenis,
    any_value(c.peran)                                                            as peran,
    string_agg(c.syarat, ', ' order by c.urutan)                                  as syarat,
    string_agg(c.bukti, '; ' order by c.urutan)                                   as bukti,
    list(c.bukti_metric_id order by c.urutan) filter (where c.bukti_metric_id is not null) as bukti_metric_ids
from checks c semi join passed using (nip, period, aturan)
group by c.nip, c.unit_slug, c.period, c.aturan
