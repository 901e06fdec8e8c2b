-- attendance_scan_days: one row per ASN per day that has fingerprint scans.
-- First scan = check-in, last scan = check-out. Exact duplicate scans collapse (distinct
-- timestamps). A single scan is a missing check-in or a missing check-out: before the midpoint
-- of the day's schedule (attendance_calendar.scan_midpoint) it is the check-in, from the
-- midpoint on the check-out; on a day with no schedule, noon splits. The io flag of the
-- machine is not used: people press the wrong key, and the time of day is what the rule needs.
-- grain: nip, tanggal
-- materialized: table
with scans as (
    select * from staging.stg_presensi_scan
),
calendar as (
    select * from marts.attendance_calendar
),
per_day as (
    select
        nip,
        tanggal,
        min(waktu)::time                                                    as first_scan,
        max(waktu)::time                                                    as last_scan,
        count(distinct waktu)                                               as scans,
        list(struct_pack(file_id := _file_id, "row" := _row) order by waktu, _file_id, _row) as evidence
    from scans
    group by nip, tanggal
)
select
    p.nip,
    p.tanggal,
    p.scans,
    case
        when p.scans > 1 then p.first_scan
        when p.first_scan < coalesce(c.scan_midpoint, time '12:00') then p.first_scan
    end                                                                     as scan_masuk,
    case
        when p.scans > 1 then p.last_scan
        when p.first_scan >= coalesce(c.scan_midpoint, time '12:00') then p.last_scan
    end                                                                     as scan_pulang,
    p.evidence
from per_day p
left join calendar c on c.tanggal = p.tanggal
