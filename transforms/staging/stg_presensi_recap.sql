-- stg_presensi_recap: one row per ASN-day of a daily recap that passed validation.
-- status_code is one of data/reference/attendance_status.csv.
-- grain: nip, tanggal
-- materialized: table
with prep as (
    select * from staging.prep_presensi_recap
),
quarantined as (
    select distinct file_id, "row" from quarantine.rows where shape = 'presensi_recap'
)
select
    p.nip,
    p.tanggal_date     as tanggal,
    p.jam_masuk_time   as jam_masuk,
    p.jam_pulang_time  as jam_pulang,
    p.status_code      as status,
    p._file_id,
    p._row
from prep p
anti join quarantined q on q.file_id = p._file_id and q."row" = p._row
