-- prep_presensi_scan: one row per fingerprint scan as loaded (raw.presensi_scan), with the
-- timestamp parsed and the ASN resolved: by NIP when the log has one, else by the roster's
-- PIN (stg_pegawai.pin). A PIN that two roster rows share resolves to nobody (pin_holders
-- says how many hold it). A scan from a machine that pegawai/pin_mesin.csv maps
-- (staging.stg_pegawai_pin) is resolved through that machine's PINs only: the same PIN on two
-- machines may be two people. pin reads `123 (mesin 2)` when the machine is known, so a
-- quarantined scan names both. Rules: expectations/suites/presensi_scan.json.
-- grain: _file_id, _row
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
machine_pins as (
    select distinct mesin, pin, nip from staging.stg_pegawai_pin
),
machines as (
    select distinct mesin from machine_pins
),
-- each distinct timestamp text is parsed once and joined back (a date written in words needs
-- a month-name lookup, costly per row; docs/performance.md)
stamps as (
    select waktu as waktu_raw, parse_waktu(waktu) as waktu_ts from (select distinct waktu from raw_rows) d
)
select
    r._file_id,
    r._row,
    clean_nip(r.nip)                          as nip_as_written,
    case when r.mesin is not null then r.pin || ' (mesin ' || trim(r.mesin) || ')' else r.pin end as pin,
    r.waktu,
    r.io,
    r.mesin,
    coalesce(clean_nip(r.nip), mp.nip, case when p.holders = 1 then p.nip end) as nip,
    case when r.nip is null then
            case when mm.mesin is not null then (case when mp.nip is not null then 1 end) else p.holders end
    end as pin_holders,
    nip_lahir(clean_nip(r.nip))               as nip_lahir,
    nip_tmt(clean_nip(r.nip))                 as nip_tmt,
    s.waktu_ts,
    s.waktu_ts::date                          as tanggal_date,
    k.nip is not null                         as nip_in_roster
from raw_rows r
left join stamps s on s.waktu_raw = r.waktu
left join machines mm on r.nip is null and mm.mesin = lower(trim(r.mesin))
left join machine_pins mp on mp.mesin = mm.mesin and mp.pin = trim(r.pin)
left join pins p on r.nip is null and mm.mesin is null and p.pin = trim(r.pin)
left join (select distinct nip from roster) k on k.nip = coalesce(clean_nip(r.nip), mp.nip, p.nip)
