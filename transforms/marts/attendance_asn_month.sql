-- attendance_asn_month: one row per ASN per month of the attendance calendar.
-- Counts are over the ASN's workdays (attendance_asn_day.is_workday).
-- attendance_rate = workdays present (H or DL, ref.attendance_status.present) / workdays
--                   whose status is known × 100 (unknown days — only quarantined records —
--                   are neither present nor absent);
-- leave_days      = workdays on a valid reason that is not presence (ref.attendance_status:
--                   valid_reason and not present: izin, sakit, cuti, tugas belajar). They are
--                   rights, not misconduct (PP 94/2021 counts only days without a valid reason);
-- discipline_rate = present workdays / (known workdays − leave_days) × 100: the rate every
--                   ranking, award condition and unit comparison uses, so leave neither lowers
--                   nor raises anyone (dinas luar counts as working);
-- punctuality_rate = present workdays without a TL code / present workdays × 100;
-- late_early_minutes = minutes late + minutes early in the month, a missing scan counted as
--                 attendance_parameters says (attendance_asn_day.late_early_minutes); the year's
--                 sum is converted to days for the PP 94/2021 bands (attendance_asn_ytd);
-- deduction_pct = the sum of the day deductions (lateness_bands.csv), capped at
--                 attendance_parameters.potongan_maksimum_persen.
-- grain: nip, period
-- materialized: table
with days as (
    select * from marts.attendance_asn_day where is_workday
),
cap as (
    select nilai::double as max_pct from ref.attendance_parameters where parameter = 'potongan_maksimum_persen'
),
months as (
    select distinct period, tahun from marts.attendance_calendar
),
roster as (
    select nip, unit_slug, jenis_asn from staging.stg_pegawai
),
leave_codes as (
    select code from ref.attendance_status where valid_reason::boolean and not present::boolean
),
per_month as (
    select
        nip,
        period,
        count(*)                                                    as workdays,
        count(*) filter (where is_present)                          as present_days,
        count(*) filter (where status = 'H')                        as h_days,
        count(*) filter (where status = 'I')                        as i_days,
        count(*) filter (where status = 'S')                        as s_days,
        count(*) filter (where status = 'C')                        as c_days,
        count(*) filter (where status = 'DL')                       as dl_days,
        count(*) filter (where status = 'TB')                       as tb_days,
        count(*) filter (where is_tk)                               as tk_days,
        count(*) filter (where is_unknown)                          as unknown_days,
        count(*) filter (where status in (select lc.code from leave_codes lc)) as leave_days,
        count(*) filter (where tl_code = 'TL1')                     as tl1,
        count(*) filter (where tl_code = 'TL2')                     as tl2,
        count(*) filter (where tl_code = 'TL3')                     as tl3,
        count(*) filter (where tl_code = 'TL4')                     as tl4,
        count(*) filter (where psw_code = 'PSW1')                   as psw1,
        count(*) filter (where psw_code = 'PSW2')                   as psw2,
        count(*) filter (where psw_code = 'PSW3')                   as psw3,
        count(*) filter (where psw_code = 'PSW4')                   as psw4,
        count(*) filter (where is_present and tl_code is null)      as punctual_days,
        sum(deduction_pct)                                          as deduction_pct_raw,
        sum(late_early_minutes)                                     as late_early_minutes
    from days
    group by nip, period
)
select
    r.nip,
    r.unit_slug,
    r.jenis_asn,
    m.period,
    m.tahun,
    coalesce(p.workdays, 0)                                         as workdays,
    coalesce(p.present_days, 0)                                     as present_days,
    coalesce(p.h_days, 0) as h_days, coalesce(p.i_days, 0) as i_days, coalesce(p.s_days, 0) as s_days,
    coalesce(p.c_days, 0) as c_days, coalesce(p.dl_days, 0) as dl_days, coalesce(p.tb_days, 0) as tb_days,
    coalesce(p.tk_days, 0)                                          as tk_days,
    coalesce(p.unknown_days, 0)                                     as unknown_days,
    coalesce(p.leave_days, 0)                                       as leave_days,
    coalesce(p.tl1, 0) as tl1, coalesce(p.tl2, 0) as tl2, coalesce(p.tl3, 0) as tl3, coalesce(p.tl4, 0) as tl4,
    coalesce(p.psw1, 0) as psw1, coalesce(p.psw2, 0) as psw2, coalesce(p.psw3, 0) as psw3, coalesce(p.psw4, 0) as psw4,
    coalesce(p.tl1 + p.tl2 + p.tl3 + p.tl4, 0)                      as tl_days,
    coalesce(p.psw1 + p.psw2 + p.psw3 + p.psw4, 0)                  as psw_days,
    least(coalesce(p.deduction_pct_raw, 0), (select cp.max_pct from cap cp)) as deduction_pct,
    coalesce(p.late_early_minutes, 0)::integer                      as late_early_minutes,
    100.0 * p.present_days / nullif(p.workdays - p.unknown_days, 0)  as attendance_rate,
    100.0 * p.present_days / nullif(p.workdays - p.unknown_days - p.leave_days, 0) as discipline_rate,
    100.0 * p.punctual_days / nullif(p.present_days, 0)              as punctuality_rate
from roster r
cross join months m
left join per_month p on p.nip = r.nip and p.period = m.period
where p.workdays is not null
