-- rekomendasi_unit: one row per unit per period per unit-level rule that holds: 'perhatian' asks for
-- the head of office's attention (a proposal, never a decision); 'indikasi' is a signal shown beside
-- it that does not count the unit as needing attention (a C/D grade from a small sample, a unit not
-- yet surveyed this year).
-- grain: unit_slug, period, aturan
-- materialized: table
--
-- Columns: unit_slug, period, aturan, jenis ('perhatian' | 'indikasi'), syarat, bukti, bukti_metric_ids.
-- Rule: data/reference/recommendation_rules.csv rows with cakupan = 'unit' and aktif = 'ya',
--   evaluated on marts.rekomendasi_unit_fakta exactly as marts.rekomendasi_asn evaluates ASN rules
--   (every condition of a rule must hold; a missing fact fails unless bila_kosong = 'lolos').
--   Defaults (docs/ikm.md, "Perhatian unit"): IKM or an unsur graded C/D on enough evidence
--   (Krejcie & Morgan sample, or the 95 % interval inside C/D), else 'indikasi'; a complaint theme
--   rising beyond chance; no survey in a calendar year (PermenPANRB 14/2017), 'belum disurvei' from
--   October as 'indikasi'.
with facts as (
    select * from marts.rekomendasi_unit_fakta
),
rules as (
    select
        aturan, jenis, urutan::integer as urutan, kriteria, pembanding, trim(ambang) as ambang,
        lower(trim(coalesce(bila_kosong, 'gagal'))) as bila_kosong, syarat
    from ref.recommendation_rules
    where lower(trim(cakupan)) = 'unit' and lower(trim(aktif)) in ('ya', 'true', '1')
),
subjects as (
    select distinct unit_slug, period from facts
),
checks as (
    select
        s.unit_slug, s.period, r.aturan, r.jenis, r.urutan, r.syarat,
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
    cross join rules r
    left join facts f on f.unit_slug = s.unit_slug and f.period = s.period and f.kriteria = r.kriteria
)
select
    unit_slug,
    period,
    aturan,
    any_value(jenis)                                                              as jenis,
    string_agg(syarat, ', ' order by urutan)                                      as syarat,
    string_agg(bukti, '; ' order by urutan)                                       as bukti,
    list(bukti_metric_id order by urutan) filter (where bukti_metric_id is not null) as bukti_metric_ids
from checks
group by unit_slug, period, aturan
having bool_and(coalesce(holds, false))
