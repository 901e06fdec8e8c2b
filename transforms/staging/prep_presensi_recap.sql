-- prep_presensi_recap: one row per daily-recap row as loaded (raw.presensi_recap), with the
-- date, times and status code parsed. Status codes and their spellings:
-- data/reference/attendance_status.csv. An empty status with a check-in time is 'H'.
-- nip_in_roster says whether the NIP is on the validated roster (stg_pegawai).
-- Rules: expectations/suites/presensi_recap.json.
-- materialized: view
with raw_rows as (
    select * from raw.presensi_recap
),
roster as (
    select distinct nip from staging.stg_pegawai
),
status_aliases as (
    select code, norm_text(unnest(string_split(aliases, '|'))) as alias from ref.attendance_status
    union
    select code, norm_text(code) from ref.attendance_status
),
typed as (
    select
        r._file_id,
        r._row,
        clean_nip(r.nip)              as nip,
        r.tanggal,
        r.jam_masuk,
        r.jam_pulang,
        r.status,
        nip_lahir(clean_nip(r.nip))   as nip_lahir,
        nip_tmt(clean_nip(r.nip))     as nip_tmt,
        parse_tanggal(r.tanggal)      as tanggal_date,
        parse_jam(r.jam_masuk)        as jam_masuk_time,
        parse_jam(r.jam_pulang)       as jam_pulang_time,
        case
            when r.status is null and r.jam_masuk is not null then 'H'
            else s.code
        end                           as status_code,
        k.nip is not null             as nip_in_roster
    from raw_rows r
    left join status_aliases s on s.alias = norm_text(r.status)
    left join roster k on k.nip = clean_nip(r.nip)
)
select
    *,
    row_number() over (
        partition by nip, tanggal_date, jam_masuk_time, jam_pulang_time, status_code
        order by _file_id, _row)                                                   as copy_number,
    case when nip is not null and tanggal_date is not null then
        count(distinct hash(jam_masuk_time, jam_pulang_time, status_code)) over (partition by nip, tanggal_date)
    else 1 end                                                                     as versions_of_key
from typed
