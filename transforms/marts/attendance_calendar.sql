-- attendance_calendar: one row per calendar date, from the first day of the first month with
-- attendance data to the last day of the last month with data (before the first export
-- nothing is known, so nothing is counted: a year-to-date figure starts there).
-- A workday is a date whose weekday has a working schedule in force that day
-- (data/reference/work_schedule.csv: weekly hours with date-ranged overrides such as
-- Ramadan; the override with the highest `prioritas` wins) and that is not a national holiday
-- or cuti bersama (data/reference/holidays.csv). Perpres 21/2023: Monday-Friday.
-- grain: tanggal
-- materialized: table
with facts as (
    select tanggal from staging.stg_presensi_recap
    union all
    select tanggal from staging.stg_presensi_scan
),
bounds as (
    select
        date_trunc('month', min(tanggal))::date                                 as first_day,
        (date_trunc('month', max(tanggal)) + interval 1 month - interval 1 day)::date as last_day
    from facts
),
days as (
    select unnest(generate_series(first_day, last_day, interval 1 day))::date as tanggal
    from bounds
    where first_day is not null
),
schedule as (
    select
        jadwal,
        hari::integer               as hari,
        berlaku_dari::date          as berlaku_dari,
        berlaku_sampai::date        as berlaku_sampai,
        prioritas::integer          as prioritas,
        jam_masuk::time             as jam_masuk,
        jam_pulang::time            as jam_pulang,
        toleransi_menit::integer    as toleransi_menit
    from ref.work_schedule
),
holidays as (
    select tanggal::date as tanggal, string_agg(nama, '; ' order by nama) as libur
    from ref.holidays
    group by 1
),
in_force as (
    select
        d.tanggal,
        s.*,
        row_number() over (partition by d.tanggal order by s.prioritas desc, s.berlaku_dari desc) as pick
    from days d
    join schedule s on s.hari = isodow(d.tanggal) and d.tanggal between s.berlaku_dari and s.berlaku_sampai
)
select
    d.tanggal,
    strftime(d.tanggal, '%Y-%m')                        as period,
    year(d.tanggal)                                     as tahun,
    isodow(d.tanggal)                                   as hari,
    f.jadwal,
    f.jam_masuk,
    f.jam_pulang,
    coalesce(f.toleransi_menit, 0)                      as toleransi_menit,
    -- a single scan before this time is a check-in, from it on a check-out
    f.jam_masuk + to_seconds((detik(f.jam_pulang) - detik(f.jam_masuk)) // 2) as scan_midpoint,
    h.libur,
    f.jadwal is not null and h.tanggal is null          as is_workday
from days d
left join in_force f on f.tanggal = d.tanggal and f.pick = 1
left join holidays h on h.tanggal = d.tanggal
