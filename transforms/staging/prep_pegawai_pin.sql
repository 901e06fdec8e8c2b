-- prep_pegawai_pin: one row per line of the machine PIN mapping (pegawai/pin_mesin.csv:
-- mesin, pin, nip) as loaded (raw.pegawai_pin). The same PIN on two machines may be two
-- people, so a PIN is only ever read together with its machine; machine ids compare trimmed
-- and case-insensitive. pin_holders: how many NIPs the mapping gives this (mesin, pin).
-- Rules: expectations/suites/pegawai_pin.json.
-- grain: _file_id, _row
-- materialized: table
with raw_rows as (
    select * from raw.pegawai_pin
),
roster as (
    select distinct nip from staging.stg_pegawai
)
select
    r.*,
    lower(trim(r.mesin))                      as mesin_key,
    trim(r.pin)                               as pin_key,
    clean_nip(r.nip)                          as nip_as_written,
    nip_lahir(clean_nip(r.nip))               as nip_lahir,
    nip_tmt(clean_nip(r.nip))                 as nip_tmt,
    k.nip is not null                         as nip_in_roster,
    count(distinct clean_nip(r.nip)) over (partition by lower(trim(r.mesin)), trim(r.pin)) as pin_holders
from raw_rows r
left join roster k on k.nip = clean_nip(r.nip)
