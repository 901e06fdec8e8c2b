-- attendance_asn_ytd: one row per ASN per month: the calendar year to the end of that month.
-- Columns: nip, unit_slug, jenis_asn, period, tahun; tk_days_ytd (TK workdays), workdays_ytd;
-- late_minutes_ytd (minutes late + minutes early, attendance_asn_day.late_early_minutes);
-- late_days_ytd (those minutes as days not worked); discipline_days_ytd (tk + late days: what the
-- band is chosen on); discipline_rank / _level / _sanction (the band reached, NULL below the
-- first); tk_consecutive_max, tk_consecutive_start, tk_consecutive_flag; tk_dates_ytd.
-- Rules:
-- * PP 94/2021 Pasal 9-11 count the workdays absent without valid reason cumulatively in a
--   calendar year; the band and its sanction come from data/reference/discipline_bands.csv,
--   keyed by jenis_asn (PPPK rows: the same day counts, berat = pemutusan hubungan perjanjian
--   kerja under PP 49/2018).
-- * Late arrival and early leave count too: their minutes, summed over the calendar year, are
--   converted to days at attendance_parameters.menit_per_hari (450 = 7.5 hours = 1 day,
--   Penjelasan Pasal 3 angka 11 PP 53/2010), rounded down, and added to the TK days; the
--   parameter konversi_terlambat_aktif = 0 switches the conversion off (late_days_ytd = 0).
-- * A run of consecutive TK workdays (PP 94/2021 Pasal 11 ayat (2) huruf d angka 4: "secara
--   terus menerus selama 10 hari kerja") is counted over the ASN's workdays only: weekends and
--   holidays do not break it, nor do month or year boundaries; an unknown day or any other
--   status does. tk_consecutive_max is the longest run reached in the year up to the month (a run
--   that began in December counts its December days); the flag is set from the month in which
--   the run reaches attendance_parameters.tk_berturut_batas.
-- The pipeline flags; the head of office decides ("perlu ditindaklanjuti").
-- grain: nip, period
-- materialized: table
with days as (
    select nip, tahun, period, tanggal, is_tk from marts.attendance_asn_day where is_workday
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
params as (
    select
        max(nilai::integer) filter (where parameter = 'tk_berturut_batas')              as run_threshold,
        coalesce(max(nilai::integer) filter (where parameter = 'konversi_terlambat_aktif'), 0) = 1 as convert_late,
        max(nilai::integer) filter (where parameter = 'menit_per_hari')                 as minutes_per_day
    from ref.attendance_parameters
),
sequenced as (
    -- the n-th workday of the ASN over all the data (not per year: a run crosses New Year)
    select
        nip, tahun, period, tanggal, is_tk,
        row_number() over (partition by nip order by tanggal) as workday_no
    from days
),
tk_runs as (
    select
        nip, tahun, period, tanggal,
        workday_no - row_number() over (partition by nip order by tanggal) as run_id
    from sequenced
    where is_tk
),
tk_positions as (
    -- position of each TK day inside its run: the run length as of that day
    select
        nip, tahun, period, tanggal,
        row_number() over (partition by nip, run_id order by tanggal) as run_length,
        min(tanggal) over (partition by nip, run_id)                   as run_start
    from tk_runs
),
tk_by_month as (
    select
        nip, tahun, period,
        max(run_length)                                             as longest_run_ending_in_month,
        arg_max(run_start, run_length)                              as longest_run_start,
        list(tanggal order by tanggal)                              as tk_dates
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
        sum(m.late_early_minutes) over w                            as late_minutes_ytd,
        coalesce(max(t.longest_run_ending_in_month) over w, 0)      as tk_consecutive_max,
        arg_max(t.longest_run_start, t.longest_run_ending_in_month) over w as tk_consecutive_start,
        flatten(list(t.tk_dates) filter (where t.tk_dates is not null) over w) as tk_dates_ytd
    from months m
    left join tk_by_month t on t.nip = m.nip and t.period = m.period
    window w as (partition by m.nip, m.tahun order by m.period rows between unbounded preceding and current row)
),
converted as (
    select
        y.*,
        case when p.convert_late and p.minutes_per_day > 0
                then (y.late_minutes_ytd // p.minutes_per_day)
            else 0
        end::integer as late_days_ytd
    from ytd y
    cross join params p
)
select
    c.nip,
    c.unit_slug,
    c.jenis_asn,
    c.period,
    c.tahun,
    c.tk_days_ytd,
    c.workdays_ytd,
    c.late_minutes_ytd::integer                                     as late_minutes_ytd,
    c.late_days_ytd,
    (c.tk_days_ytd + c.late_days_ytd)::integer                      as discipline_days_ytd,
    b.urutan                                                        as discipline_rank,
    b.tingkat                                                       as discipline_level,
    b.sanksi                                                        as discipline_sanction,
    c.tk_consecutive_max,
    case when c.tk_consecutive_max > 0 then c.tk_consecutive_start end as tk_consecutive_start,
    c.tk_consecutive_max >= (select pr.run_threshold from params pr)      as tk_consecutive_flag,
    c.tk_dates_ytd
from converted c
left join bands b
    on b.jenis_asn = c.jenis_asn and c.tk_days_ytd + c.late_days_ytd between b.hari_dari and b.hari_sampai
