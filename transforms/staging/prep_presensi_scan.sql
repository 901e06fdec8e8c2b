-- prep_presensi_scan: one row per fingerprint scan as loaded (raw.presensi_scan), with the
-- timestamp parsed and the ASN resolved: by NIP when the log has one, else by the roster's
-- PIN (stg_pegawai.pin). A PIN that two roster rows share resolves to nobody (pin_holders
-- says how many hold it). Rules: expectations/suites/presensi_scan.json.
-- materialized: table
with raw_rows as (
    select * from raw.presensi_scan
),
roster as (
    select nip, trim(pin) as pin from staging.stg_pegawai
),
pins as (
    select pin, any_value(nip) as nip, count(distinct nip) as holders from roster where pin is not null group by pin
),
-- each distinct timestamp text is parsed once and joined back (a date written in words needs
-- a month-name lookup, costly per row; docs/performance.md)
stamps as (
    select waktu as waktu_raw, parse_waktu(waktu) as waktu_ts from (select distinct waktu from raw_rows)
)
select
    r._file_id,
    r._row,
    clean_nip(r.nip)                          as nip_as_written,
    r.pin,
    r.waktu,
    r.io,
    r.mesin,
    coalesce(clean_nip(r.nip), case when p.holders = 1 then p.nip end) as nip,
    case when r.nip is null then p.holders end as pin_holders,
    nip_lahir(clean_nip(r.nip))               as nip_lahir,
    nip_tmt(clean_nip(r.nip))                 as nip_tmt,
    s.waktu_ts,
    s.waktu_ts::date                          as tanggal_date,
    k.nip is not null                         as nip_in_roster
from raw_rows r
left join stamps s on s.waktu_raw = r.waktu
left join pins p on r.nip is null and p.pin = trim(r.pin)
left join (select distinct nip from roster) k on k.nip = coalesce(clean_nip(r.nip), p.nip)
