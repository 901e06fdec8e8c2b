-- attendance_asn_ytd: one row per ASN per month: the calendar year to the end of that month.
-- PP 94/2021 counts workdays absent without valid reason (TK) cumulatively in a calendar
-- year; the band and its sanction come from data/reference/discipline_bands.csv, keyed by
-- jenis_asn (PPPK follow their own rows). It also counts the longest run of consecutive TK
-- workdays (weekends and holidays do not break a run; an unknown day or any other status
-- does) and flags a run reaching attendance_parameters.tk_berturut_batas (10: dismissal
-- under PP 94/2021). The pipeline flags; the head of office decides ("perlu ditindaklanjuti").
-- materialized: table
with days as (
    select * from marts.attendance_asn_day where is_workday
),
months as (
    select * from marts.attendance_asn_month
),
bands as (
    select
        jenis_asn,
        hari_dari::integer                  as hari_dari,
        coalesce(hari_sampai::integer, 2147483647) as hari_sampai,
        urutan::integer                     as urutan,
        tingkat,
        sanksi
    from ref.discipline_bands
),
threshold as (
    select nilai::integer as days from ref.attendance_parameters where parameter = 'tk_berturut_batas'
),
sequenced as (
    -- the n-th workday of the ASN in the year, and the n-th TK day among them
    select
        nip, tahun, period, tanggal, is_tk,
        row_number() over (partition by nip, tahun order by tanggal) as workday_no
    from days
),
tk_runs as (
    select
        nip, tahun, period, tanggal,
        workday_no - row_number() over (partition by nip, tahun order by tanggal) as run_id
    from sequenced
    where is_tk
),
tk_positions as (
    -- position of each TK day inside its run: the run length as of that day
    select
        nip, tahun, period, tanggal,
        row_number() over (partition by nip, tahun, run_id order by tanggal) as run_length
    from tk_runs
),
tk_by_month as (
    select nip, tahun, period, max(run_length) as longest_run_ending_in_month, list(tanggal order by tanggal) as tk_dates
    from tk_positions
    group by nip, tahun, period
),
ytd as (
    select
        m.nip,
        m.unit_slug,
        m.jenis_asn,
        m.period,
        m.tahun,
        sum(m.tk_days) over w                                       as tk_days_ytd,
        sum(m.workdays) over w                                      as workdays_ytd,
        coalesce(max(t.longest_run_ending_in_month) over w, 0)      as tk_consecutive_max,
        flatten(list(t.tk_dates) filter (where t.tk_dates is not null) over w) as tk_dates_ytd
    from months m
    left join tk_by_month t on t.nip = m.nip and t.period = m.period
    window w as (partition by m.nip, m.tahun order by m.period rows between unbounded preceding and current row)
)
select
    y.nip,
    y.unit_slug,
    y.jenis_asn,
    y.period,
    y.tahun,
    y.tk_days_ytd,
    y.workdays_ytd,
    b.urutan                                                        as discipline_rank,
    b.tingkat                                                       as discipline_level,
    b.sanksi                                                        as discipline_sanction,
    y.tk_consecutive_max,
    y.tk_consecutive_max >= (select days from threshold)            as tk_consecutive_flag,
    y.tk_dates_ytd
from ytd y
left join bands b
    on b.jenis_asn = y.jenis_asn and y.tk_days_ytd between b.hari_dari and b.hari_sampai
