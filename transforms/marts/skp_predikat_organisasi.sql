-- skp_predikat_organisasi: one row per unit per year the office entered an organisation
-- predikat for, with whether it can be used.
-- grain: unit_slug, tahun
-- materialized: table
--
-- Columns: unit_slug, tahun, predikat_entered (the code as entered; several joined with '|'
--   when they differ), predikat (the code, NULL when not usable), predikat_label,
--   rating_hasil_kerja_kepala (the rating hasil kerja of the unit's head), status
--   (ditetapkan | ganda | tidak_dikenal).
-- Rule: PermenPANRB 6/2022 (Pasal 24-25) and SE Menteri PANRB 3/2023: the organisation's
--   predikat (Istimewa, Baik, Butuh Perbaikan/Cukup, Kurang, Sangat Kurang) is set first, for
--   the year, by the leader above; it is an input (data/reference/predikat_organisasi.csv), never
--   assumed. Codes, labels and the head's rating come from
--   data/reference/predikat_organisasi_rating.csv. Two different predikat for one unit-year
--   (ganda) or a code not in that table (tidak_dikenal) are kept with the reason, not used.
--   A unit-year without a row is absent: "belum ditetapkan" for the models that read this one
--   (marts.skp_unit_pola_distribusi, marts.skp_asn_period).
with entered as (
    select trim(unit_slug) as unit_slug, trim(tahun) as tahun, lower(trim(predikat)) as predikat
    from ref.predikat_organisasi
    where coalesce(trim(predikat), '') <> '' and coalesce(trim(unit_slug), '') <> ''
),
kategori as (
    select predikat, label, rating_hasil_kerja_kepala from ref.predikat_organisasi_rating
),
per_unit_year as (
    select
        unit_slug,
        tahun,
        string_agg(distinct predikat, '|' order by predikat)   as predikat_entered,
        count(distinct predikat)                               as versions,
        min(predikat)                                          as predikat
    from entered
    group by unit_slug, tahun
)
select
    u.unit_slug,
    u.tahun,
    u.predikat_entered,
    case when u.versions = 1 then k.predikat end                 as predikat,
    case when u.versions = 1 then k.label end                    as predikat_label,
    case when u.versions = 1 then k.rating_hasil_kerja_kepala end as rating_hasil_kerja_kepala,
    case
        when u.versions > 1 then 'ganda'
        when k.predikat is null then 'tidak_dikenal'
        else 'ditetapkan'
    end                                                          as status
from per_unit_year u
left join kategori k on k.predikat = u.predikat
