-- stg_presensi_scan: one row per fingerprint scan that passed validation, resolved to an
-- ASN by NIP or by the roster's PIN. Exact duplicate scans (same ASN, same second) stay as
-- rows here and collapse where scans become ASN-days (first and last scan of the day).
-- grain: _file_id, _row
-- materialized: table
with prep as (
    select * from staging.prep_presensi_scan
),
quarantined as (
    select distinct file_id, "row" from quarantine.rows where shape = 'presensi_scan'
)
select
    p.nip,
    p.waktu_ts      as waktu,
    p.tanggal_date  as tanggal,
    p.io,
    p.mesin,
    p._file_id,
    p._row
from prep p
anti join quarantined q on q.file_id = p._file_id and q."row" = p._row
