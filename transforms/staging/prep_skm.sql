-- prep_skm: one row per survey response as loaded (raw.skm), answers u1..u9 turned into
-- 1-4 scores from numbers or from the answer labels of data/reference/skm_answer_labels.csv
-- (PermenPANRB 14/2017). Columns were mapped to unsur by header name at ingest, so a form
-- that swaps U8 and U9 lands right. Rules: expectations/suites/skm.json.
-- grain: _file_id, _row
-- materialized: table
with raw_rows as (
    select * from raw.skm
),
labels as (
    select upper(unsur) as unsur, score::integer as score, norm_text(label) as label from ref.skm_answer_labels
),
answers as (
    unpivot raw_rows on u1, u2, u3, u4, u5, u6, u7, u8, u9 into name unsur value jawaban
),
scored as (
    -- a whole number as written, else the label's score; anything else ('3,5', 'ok') stays NULL
    select
        a._file_id,
        a._row,
        upper(a.unsur) as unsur,
        coalesce(case when regexp_full_match(trim(a.jawaban), '-?\d+') then a.jawaban::integer end, l.score) as score
    from answers a
    left join labels l on l.unsur = upper(a.unsur) and l.label = norm_text(a.jawaban)
),
wide as (
    select
        _file_id,
        _row,
        any_value(score) filter (where unsur = 'U1') as u1_score,
        any_value(score) filter (where unsur = 'U2') as u2_score,
        any_value(score) filter (where unsur = 'U3') as u3_score,
        any_value(score) filter (where unsur = 'U4') as u4_score,
        any_value(score) filter (where unsur = 'U5') as u5_score,
        any_value(score) filter (where unsur = 'U6') as u6_score,
        any_value(score) filter (where unsur = 'U7') as u7_score,
        any_value(score) filter (where unsur = 'U8') as u8_score,
        any_value(score) filter (where unsur = 'U9') as u9_score
    from scored
    group by _file_id, _row
)
select
    r.*,
    coalesce(parse_waktu(r.waktu)::date, parse_tanggal(r.waktu)) as tanggal_date,
    coalesce(u.slug, slugify(r.unit_layanan))                    as unit_slug,
    u.slug is not null                                           as unit_known,
    clean_nip(r.nip_petugas)                                     as nip_petugas_clean,
    nip_lahir(clean_nip(r.nip_petugas))                          as nip_petugas_lahir,
    try_cast(r.usia as integer)                                  as usia_tahun,
    w.* exclude (_file_id, _row)
from raw_rows r
left join wide w using (_file_id, _row)
left join staging.unit_aliases u on u.alias = norm_text(r.unit_layanan)
