-- prep_skp: one row per SKP indicator row as loaded (raw.skp), with numbers, period,
-- direction and ratings parsed. Vocabularies: data/reference/skp_arah.csv and
-- skp_rating.csv. Rules (PermenPANRB 6/2022, 8/2021): expectations/suites/skp.json.
-- grain: _file_id, _row
-- materialized: table
with raw_rows as (
    select * from raw.skp
),
arah as (
    select code, norm_text(unnest(string_split(aliases, '|'))) as alias from ref.skp_arah
),
roster as (
    select distinct nip from staging.stg_pegawai
),
rating as (
    select code, norm_text(unnest(string_split(aliases, '|'))) as alias from ref.skp_rating
),
typed as (
    select
        r._file_id,
        r._row,
        clean_nip(r.nip)                  as nip,
        r.periode,
        r.rhk,
        r.indikator,
        r.aspek,
        r.satuan,
        r.target,
        r.target_min,
        r.target_max,
        r.realisasi,
        r.arah,
        r.rating_hasil_kerja,
        r.rating_perilaku,
        r.kendala,
        nip_lahir(clean_nip(r.nip))       as nip_lahir,
        nip_tmt(clean_nip(r.nip))         as nip_tmt,
        parse_periode(r.periode)          as periode_norm,
        parse_angka(r.target)             as target_value,
        parse_angka(r.target_min)         as target_min_value,
        parse_angka(r.target_max)         as target_max_value,
        parse_angka(r.realisasi)          as realisasi_value,
        a.code                            as arah_code,
        h.code                            as rating_hasil_kerja_code,
        p.code                            as rating_perilaku_code,
        case
            when parse_angka(r.target) is not null then 'tunggal'
            when parse_angka(r.target_min) is not null and parse_angka(r.target_max) is not null then 'rentang'
        end                               as target_kind,
        k.nip is not null                 as nip_in_roster
    from raw_rows r
    left join roster k on k.nip = clean_nip(r.nip)
    left join arah a on a.alias = norm_text(r.arah)
    left join rating h on h.alias = norm_text(r.rating_hasil_kerja)
    left join rating p on p.alias = norm_text(r.rating_perilaku)
)
select
    *,
    least(target_value, target_min_value)                                          as target_lowest,
    target_max_value - target_min_value                                            as target_range_width,
    row_number() over (
        partition by
            nip, periode_norm, norm_text(indikator), target, target_min, target_max, realisasi, arah,
            rating_hasil_kerja, rating_perilaku, kendala
        order by _file_id, _row
    )                                                   as copy_number,
    case when nip is not null and periode_norm is not null and indikator is not null
            then
                count(distinct hash(
                    target, target_min, target_max, realisasi, arah, rating_hasil_kerja,
                    rating_perilaku, kendala
                ))
                    over (partition by nip, periode_norm, norm_text(indikator))
        else 1
    end                                                                     as versions_of_key,
    -- ratings repeat on every indicator row of an ASN-period; more than one pair is a conflict
    -- (a rating written but not recognised is its own failure, not a conflict)
    case when nip is not null and periode_norm is not null
            then
                count(distinct hash(rating_hasil_kerja_code, rating_perilaku_code)) filter (
                    where (rating_hasil_kerja is null or rating_hasil_kerja_code is not null)
                    and (rating_perilaku is null or rating_perilaku_code is not null)
                ) over (partition by nip, periode_norm)
        else 1
    end                                                                     as rating_pairs_in_period
from typed
