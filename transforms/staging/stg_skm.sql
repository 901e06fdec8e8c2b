-- stg_skm: one row per survey response that passed validation, scores 1-4 per unsur.
-- Respondents stay anonymous: only the columns of the inbox contract are ever loaded.
-- grain: _file_id, _row
-- materialized: table
with prep as (
    select * from staging.prep_skm
),
quarantined as (
    select distinct file_id, "row" from quarantine.rows where shape = 'skm'
)
select
    p.tanggal_date          as tanggal,
    p.waktu,
    p.unit_slug,
    p.unit_layanan          as unit_layanan_as_written,
    p.jenis_layanan,
    case when regexp_full_match(p.nip_petugas_clean, '\d{18}') then p.nip_petugas_clean end as nip_petugas,
    p.usia_tahun            as usia,
    p.jenis_kelamin,
    p.pendidikan,
    p.pekerjaan,
    p.u1_score as u1, p.u2_score as u2, p.u3_score as u3, p.u4_score as u4, p.u5_score as u5,
    p.u6_score as u6, p.u7_score as u7, p.u8_score as u8, p.u9_score as u9,
    p.saran,
    p._file_id,
    p._row
from prep p
anti join quarantined q on q.file_id = p._file_id and q."row" = p._row
