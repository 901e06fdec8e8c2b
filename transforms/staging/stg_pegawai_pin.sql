-- stg_pegawai_pin: the machine PIN mapping rows that passed validation (a line repeated is
-- kept twice; it maps the same pair):
-- which NIP a PIN of a fingerprint machine stands for (read by staging.prep_presensi_scan).
-- grain: _file_id, _row
-- materialized: table
with prep as (
    select * from staging.prep_pegawai_pin
),
quarantined as (
    select distinct file_id, "row" from quarantine.rows where shape = 'pegawai_pin'
)
select
    p.mesin_key      as mesin,
    p.pin_key        as pin,
    p.nip_as_written as nip,
    p._file_id,
    p._row
from prep p
anti join quarantined q on q.file_id = p._file_id and q."row" = p._row
