-- stg_presensi_scan: one row per fingerprint scan that passed validation; exact duplicate
-- scans (same ASN, same second) collapse into one, keeping the first file row as evidence.
-- materialized: table
with prep as (
    select * from staging.prep_presensi_scan
),
quarantined as (
    select distinct file_id, "row" from quarantine.rows where shape = 'presensi_scan'
)
select
    p.nip,
    p.waktu_ts              as waktu,
    p.tanggal_date          as tanggal,
    any_value(p.io order by p._file_id, p._row)     as io,
    any_value(p.mesin order by p._file_id, p._row)  as mesin,
    min(p._file_id)         as _file_id,
    arg_min(p._row, (p._file_id, p._row)) as _row,
    count(*)                as copies
from prep p
anti join quarantined q on q.file_id = p._file_id and q."row" = p._row
group by p.nip, p.waktu_ts, p.tanggal_date
