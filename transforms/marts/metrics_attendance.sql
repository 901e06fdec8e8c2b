-- metrics_attendance: one row per published attendance figure (metrics contract, docs/lineage.md):
-- metric_id = metric/scope/scope_id/period. Rates in percent 0-100, days in 'hari', minutes in
-- 'menit', people in 'orang'. attendance_rate is presence (informational); discipline_rate
-- (present / (known workdays − leave days)) is what rankings and comparisons use, with
-- leave_days beside it (docs/attendance.md). Discipline band (PP 94/2021): value = the band's
-- rank in data/reference/discipline_bands.csv (0 below the first band) reached by TK days + late
-- days of the year, label = those parts and the sanction, always as something to follow up
-- ("perlu ditindaklanjuti"), never as decided.
-- grain: metric_id
-- materialized: view
with asn_month as (
    select * from marts.attendance_asn_month
),
asn_ytd as (
    select * from marts.attendance_asn_ytd
),
unit_month as (
    select * from marts.attendance_unit_month
),
rate_band as (
    select * from marts.attendance_unit_rate_band
),
office as (
    select slug from ref.units where kind = 'kecamatan' order by slug limit 1
),
asn_metrics as (
    select
        'attendance_rate' as metric, 'asn' as scope, nip as scope_id, period, attendance_rate as value,
        null as label, '%' as unit
    from asn_month
    union all
    select
        'discipline_rate', 'asn', nip, period, discipline_rate,
        case
            when leave_days > 0 then format('cuti/sakit/izin/tugas belajar {} hari (hak, tidak mengurangi)', leave_days)
        end,
        '%'
    from asn_month
    union all
    select
        'leave_days', 'asn', nip, period, leave_days,
        format('I {} · S {} · C {} · TB {}', i_days, s_days, c_days, tb_days), 'hari'
    from asn_month
    union all
    select 'punctuality_rate', 'asn', nip, period, punctuality_rate, null, '%' from asn_month
    union all
    select 'workdays', 'asn', nip, period, workdays, null, 'hari' from asn_month
    union all
    select 'present_days', 'asn', nip, period, present_days, null, 'hari' from asn_month
    union all
    select 'tk_days', 'asn', nip, period, tk_days, null, 'hari' from asn_month
    union all
    select 'unknown_days', 'asn', nip, period, unknown_days, null, 'hari' from asn_month
    union all
    select
        'tl_days', 'asn', nip, period, tl_days,
        format('TL1 {} · TL2 {} · TL3 {} · TL4 {}', tl1, tl2, tl3, tl4), 'hari'
    from asn_month
    union all
    select
        'psw_days', 'asn', nip, period, psw_days,
        format('PSW1 {} · PSW2 {} · PSW3 {} · PSW4 {}', psw1, psw2, psw3, psw4), 'hari'
    from asn_month
    union all
    select 'deduction_pct', 'asn', nip, period, deduction_pct, null, '%' from asn_month
    union all
    select 'tk_days_ytd', 'asn', nip, period, tk_days_ytd, null, 'hari' from asn_ytd
    union all
    select 'late_minutes_ytd', 'asn', nip, period, late_minutes_ytd, null, 'menit' from asn_ytd
    union all
    select
        'late_days_ytd', 'asn', nip, period, late_days_ytd,
        format('{} menit terlambat/pulang cepat tahun berjalan', late_minutes_ytd), 'hari'
    from asn_ytd
    union all
    select
        'discipline_days_ytd', 'asn', nip, period, discipline_days_ytd,
        format('TK {} hari + terlambat/pulang cepat {} hari', tk_days_ytd, late_days_ytd), 'hari'
    from asn_ytd
    union all
    select
        'discipline_band', 'asn', nip, period, coalesce(discipline_rank, 0),
        case when discipline_rank is null then 'belum mencapai pita hukuman disiplin'
            else 'perlu ditindaklanjuti: hukuman disiplin ' || discipline_level || ' (' || discipline_sanction || ')'
                || format(
                    '; TK {} hari + terlambat/pulang cepat {} hari = {} hari', tk_days_ytd, late_days_ytd,
                    discipline_days_ytd
                )
        end,
        'peringkat'
    from asn_ytd
    union all
    select
        'tk_consecutive_max', 'asn', nip, period, tk_consecutive_max,
        case when tk_consecutive_flag then 'perlu ditindaklanjuti: hari kerja TK berturut-turut mencapai batas (sejak '
                || strftime(tk_consecutive_start, '%d-%m-%Y') || ')'
        end,
        'hari'
    from asn_ytd
),
unit_metrics as (
    select
        'attendance_rate' as metric, 'unit' as scope, unit_slug as scope_id, period, attendance_rate as value,
        null as label, '%' as unit
    from unit_month
    union all
    select
        'discipline_rate', 'unit', unit_slug, period, discipline_rate,
        case
            when leave_days > 0 then format('cuti/sakit/izin/tugas belajar {} hari (hak, tidak mengurangi)', leave_days)
        end,
        '%'
    from unit_month
    union all
    select 'leave_days', 'unit', unit_slug, period, leave_days, null, 'hari' from unit_month
    union all
    select 'punctuality_rate', 'unit', unit_slug, period, punctuality_rate, null, '%' from unit_month
    union all
    select 'asn_count', 'unit', unit_slug, period, asn_count, null, 'orang' from unit_month
    union all
    select 'tk_days', 'unit', unit_slug, period, tk_days, null, 'hari' from unit_month
    union all
    select 'tl_days', 'unit', unit_slug, period, tl_days, null, 'hari' from unit_month
    union all
    select 'psw_days', 'unit', unit_slug, period, psw_days, null, 'hari' from unit_month
    union all
    select 'asn_with_tk', 'unit', unit_slug, period, asn_with_tk, null, 'orang' from unit_month
    union all
    select
        'asn_to_follow_up', 'unit', unit_slug, period, asn_to_follow_up,
        'ASN dengan pita disiplin PP 94/2021 (hari TK ditambah konversi menit terlambat/pulang cepat) '
        || 'atau TK berturut-turut: perlu ditindaklanjuti',
        'orang'
    from unit_month
    union all
    select 'asn_by_attendance_band', 'unit', unit_slug || ':' || band, period, asn_count, label, 'orang' from rate_band
),
office_metrics as (
    select
        'attendance_rate' as metric, 'office' as scope, (select ofc.slug from office ofc) as scope_id, period,
        100.0 * sum(present_days) / nullif(sum(workdays - unknown_days), 0) as value, null as label, '%' as unit
    from unit_month group by period
    union all
    select
        'discipline_rate', 'office', (select ofc.slug from office ofc), period,
        100.0 * sum(present_days) / nullif(sum(workdays - unknown_days - leave_days), 0),
        case when sum(leave_days) > 0
                then format('cuti/sakit/izin/tugas belajar {} hari (hak, tidak mengurangi)', sum(leave_days))
        end, '%'
    from unit_month group by period
    union all
    select 'leave_days', 'office', (select ofc.slug from office ofc), period, sum(leave_days), null, 'hari'
    from unit_month group by period
    union all
    select
        'punctuality_rate', 'office', (select ofc.slug from office ofc), period,
        100.0 * (sum(present_days) - sum(tl_days)) / nullif(sum(present_days), 0), null, '%'
    from unit_month group by period
    union all
    select 'tk_days', 'office', (select ofc.slug from office ofc), period, sum(tk_days), null, 'hari'
    from unit_month
    group by period
    union all
    select
        'asn_to_follow_up', 'office', (select ofc.slug from office ofc), period, sum(asn_to_follow_up),
        'ASN dengan pita disiplin PP 94/2021 (hari TK ditambah konversi menit terlambat/pulang cepat) '
        || 'atau TK berturut-turut: perlu ditindaklanjuti',
        'orang'
    from unit_month group by period
),
all_metrics as (
    select * from asn_metrics
    union all
    select * from unit_metrics
    union all
    select * from office_metrics
)
select
    metric || '/' || scope || '/' || scope_id || '/' || period   as metric_id,
    metric,
    scope,
    scope_id,
    period,
    value::double                                               as value,
    label,
    unit
from all_metrics
