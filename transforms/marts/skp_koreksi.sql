-- skp_koreksi: staging.stg_skp with the approved SKP corrections over it (marts.koreksi_fakta):
-- one row per SKP indicator row, realisasi replaced where a correction names the indicator
-- (nip, periode, indicator name as normalised text), ratings replaced for every indicator row
-- of the ASN-period a rating correction names. The SKP marts read this, never stg_skp; the
-- export's rows stay as they were (docs/skp.md "Koreksi").
-- grain: nip, periode, indikator
-- materialized: view
with skp as (
    select * from staging.stg_skp
),
fixes as (
    select * from marts.koreksi_fakta where sasaran = 'skp'
),
realisasi as (
    select nip, periode, norm_text(indikator) as indikator_norm, nilai_baru::double as realisasi
    from fixes where kolom = 'realisasi'
),
ratings as (
    select
        nip,
        periode,
        max(nilai_baru) filter (where kolom = 'rating_hasil_kerja')   as rating_hasil_kerja,
        max(nilai_baru) filter (where kolom = 'rating_perilaku')      as rating_perilaku
    from fixes
    where kolom in ('rating_hasil_kerja', 'rating_perilaku')
    group by nip, periode
)
select
    s.* replace (
        coalesce(r.realisasi, s.realisasi)                      as realisasi,
        coalesce(g.rating_hasil_kerja, s.rating_hasil_kerja)    as rating_hasil_kerja,
        coalesce(g.rating_perilaku, s.rating_perilaku)          as rating_perilaku
    )
from skp s
left join realisasi r on r.nip = s.nip and r.periode = s.periode and r.indikator_norm = norm_text(s.indikator)
left join ratings g on g.nip = s.nip and g.periode = s.periode
