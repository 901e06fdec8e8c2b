-- skm_survey_compliance: one row per unit that serves the public per month of the data: has the unit
-- been surveyed this calendar year, and does the once-a-year rule flag it.
-- grain: unit_slug, period
-- materialized: table
--
-- Columns: unit_slug, period ('YYYY-MM'), tahun, bulan, months_with_data (months of the year with
--   attendance data), year_covered, responses_ytd (survey responses of the unit from January to the
--   month), responses_year (in the whole year), tidak_disurvei (the year's last month of a covered
--   year without any response), belum_disurvei (a signal: from the month survei_tahunan_sinyal_bulan,
--   no response yet this year, and not already flagged tidak_disurvei), note.
-- Rules: PermenPANRB 14/2017 asks every unit that delivers public services to survey its users at
--   least once a year. Only units with melayani = ya in data/reference/units.csv are checked (the
--   kantor kecamatan serves the public through its PATEN counter). A year is covered when the office's
--   attendance data (daily recaps or scan logs) has days in survei_tahunan_bulan_data (12) months of
--   it: then the pipeline held the office's exports all year, and a missing survey is not missing
--   data. The flag is raised at the year's last month (YYYY-12); from October
--   (survei_tahunan_sinyal_bulan in data/reference/ikm_parameters.csv) a unit without a response yet
--   gets the signal "belum disurvei". Months of the data: months with attendance or survey rows.
with units as (
    select slug as unit_slug, name from ref.units where lower(trim(coalesce(melayani, ''))) in ('ya', 'true', '1')
),
responses as (
    select unit_slug, tanggal from staging.stg_skm where tanggal is not null
),
attendance_days as (
    select tanggal from staging.stg_presensi_recap where tanggal is not null
    union
    select tanggal from staging.stg_presensi_scan where tanggal is not null
),
parameters as (
    select
        max(try_cast(nilai as integer)) filter (where parameter = 'survei_tahunan_sinyal_bulan') as signal_month,
        max(try_cast(nilai as integer)) filter (where parameter = 'survei_tahunan_bulan_data')   as months_needed
    from ref.ikm_parameters
),
attendance_months as (
    select distinct date_trunc('month', tanggal)::date as month_start from attendance_days
),
data_months as (
    select month_start from attendance_months
    union
    select distinct date_trunc('month', tanggal)::date from responses
),
coverage as (
    select year(month_start) as tahun, count(*) as months_with_data
    from attendance_months
    group by all
),
unit_months as (
    select u.unit_slug, m.month_start
    from units u
    cross join data_months m
),
counted as (
    select
        um.unit_slug,
        um.month_start,
        count(r.tanggal) filter (where r.tanggal < (um.month_start + interval 1 month))  as responses_ytd,
        count(r.tanggal)                                                                 as responses_year
    from unit_months um
    left join responses r
        on r.unit_slug = um.unit_slug and year(r.tanggal) = year(um.month_start)
    group by all
)
select
    c.unit_slug,
    strftime(c.month_start, '%Y-%m')                                        as period,
    year(c.month_start)                                                     as tahun,
    month(c.month_start)                                                    as bulan,
    coalesce(v.months_with_data, 0)                                         as months_with_data,
    coalesce(v.months_with_data, 0) >= k.months_needed                      as year_covered,
    c.responses_ytd,
    c.responses_year,
    month(c.month_start) = 12 and coalesce(v.months_with_data, 0) >= k.months_needed
    and c.responses_year = 0                                            as tidak_disurvei,
    month(c.month_start) >= k.signal_month and c.responses_ytd = 0
    and not (month(c.month_start) = 12 and coalesce(v.months_with_data, 0) >= k.months_needed)
        as belum_disurvei,
    case
        when month(c.month_start) = 12 and coalesce(v.months_with_data, 0) >= k.months_needed and c.responses_year = 0
            then 'tidak ada survei kepuasan masyarakat sepanjang ' || year(c.month_start)
                || ' (data kantor mencakup 12 bulan)'
        when c.responses_ytd = 0
            then 'belum ada survei kepuasan masyarakat sejak Januari ' || year(c.month_start)
        else c.responses_ytd || ' responden survei sejak Januari ' || year(c.month_start)
    end                                                                     as note
from counted c
cross join parameters k
left join coverage v on v.tahun = year(c.month_start)
