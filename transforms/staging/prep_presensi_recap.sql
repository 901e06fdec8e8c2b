-- prep_presensi_recap: one row per daily-recap row as loaded (raw.presensi_recap), with the
-- date, times and status code parsed. Status codes and their spellings:
-- data/reference/attendance_status.csv. An empty status with a check-in time is 'H'.
-- nip_in_roster says whether the NIP is on the validated roster (stg_pegawai).
-- Rules: expectations/suites/presensi_recap.json.
-- grain: _file_id, _row
-- materialized: table
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
-- each distinct text is parsed once and joined back: 1.4 M rows of a province month carry
-- ~85 k NIPs, a few dozen dates and a few hundred times (docs/performance.md)
nips as (
    select
        d.nip as nip_raw, clean_nip(d.nip) as nip, nip_lahir(clean_nip(d.nip)) as nip_lahir,
        nip_tmt(clean_nip(d.nip)) as nip_tmt, k.nip is not null as nip_in_roster
    from (select distinct nip from raw_rows) d
    left join roster k on k.nip = clean_nip(d.nip)
),
dates as (
    select tanggal as tanggal_raw, parse_tanggal(tanggal) as tanggal_date from (select distinct tanggal from raw_rows) d
),
times as (
    select jam as jam_raw, parse_jam(jam) as jam_time
    from (
        select jam_masuk as jam from raw_rows
        union
        select jam_pulang from raw_rows
    ) t
),
statuses as (
    select d.status as status_raw, s.code
    from (select distinct status from raw_rows) d
    left join status_aliases s on s.alias = norm_text(d.status)
),
typed as (
    select
        r._file_id,
        r._row,
        n.nip,
        r.tanggal,
        r.jam_masuk,
        r.jam_pulang,
        r.status,
        n.nip_lahir,
        n.nip_tmt,
        d.tanggal_date,
        m.jam_time                    as jam_masuk_time,
        p.jam_time                    as jam_pulang_time,
        case
            when r.status is null and r.jam_masuk is not null then 'H'
            else s.code
        end                           as status_code,
        coalesce(n.nip_in_roster, false) as nip_in_roster
    from raw_rows r
    left join nips n on n.nip_raw = r.nip
    left join dates d on d.tanggal_raw = r.tanggal
    left join times m on m.jam_raw = r.jam_masuk
    left join times p on p.jam_raw = r.jam_pulang
    left join statuses s on s.status_raw = r.status
)
select
    *,
    row_number() over (
        partition by nip, tanggal_date, jam_masuk_time, jam_pulang_time, status_code
        order by _file_id, _row
    )                                                   as copy_number,
    case when nip is not null and tanggal_date is not null
            then
                count(distinct hash(jam_masuk_time, jam_pulang_time, status_code)) over (partition by nip, tanggal_date)
        else 1
    end                                                                     as versions_of_key
from typed
