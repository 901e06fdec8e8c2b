-- attendance_unit_month: one row per unit per month.
-- Rates pool the unit's ASN-days (present days / known workdays; punctual / present days).
-- It counts the ASN with TK days and those to follow up (a PP 94/2021 discipline band or a
-- run of consecutive TK days); the distribution over rate bands is attendance_unit_rate_band.
-- grain: unit_slug, period
-- materialized: table
with months as (
    select * from marts.attendance_asn_month
),
ytd as (
    select * from marts.attendance_asn_ytd
),
with_band as (
    select m.*, y.discipline_rank, y.tk_consecutive_flag
    from months m
    left join ytd y on y.nip = m.nip and y.period = m.period
)
select
    unit_slug,
    period,
    count(*)                                                            as asn_count,
    sum(workdays)                                                       as workdays,
    sum(present_days)                                                   as present_days,
    sum(tk_days)                                                        as tk_days,
    sum(unknown_days)                                                   as unknown_days,
    sum(leave_days)                                                     as leave_days,
    sum(tl_days)                                                        as tl_days,
    sum(psw_days)                                                       as psw_days,
    sum(tl3 + tl4)                                                      as tl_heavy_days,
    100.0 * sum(present_days) / nullif(sum(workdays - unknown_days), 0) as attendance_rate,
    100.0 * sum(present_days) / nullif(sum(workdays - unknown_days - leave_days), 0) as discipline_rate,
    100.0 * (sum(present_days) - sum(tl_days)) / nullif(sum(present_days), 0) as punctuality_rate,
    count(*) filter (where tk_days > 0)                                 as asn_with_tk,
    count(*) filter (where discipline_rank is not null or tk_consecutive_flag) as asn_to_follow_up
from with_band
group by unit_slug, period
