-- skm_response_periods: one row per validated survey response per period that contains it —
-- its month 'YYYY-MM', quarter 'YYYY-Qn', semester 'YYYY-Sn' and year 'YYYY' (four rows per response).
-- grain: _file_id, _row, period
-- materialized: view
--
-- Columns: period, period_kind (month | quarter | semester | year), period_start (DATE, first day
--   of the period), period_months (1 | 3 | 6 | 12), then the response as staged: tanggal, unit_slug,
--   jenis_layanan, nip_petugas, usia, jenis_kelamin, pendidikan, pekerjaan, u1 … u9, saran,
--   _file_id, _row.
-- Rule: PermenPANRB 14/2017 lets a unit survey continuously, per quarter, semester or year; the IKM
--   of a longer period pools its respondents (it is not the mean of the monthly IKM). Every period
--   present is computed; the publish step keeps the month being run and the quarter, semester and
--   year it closes (docs/ikm.md, "Scopes and periods"). The period is the date of the
--   response (waktu), not the date of the file.
with responses as (
    select * from staging.stg_skm
),
period_kinds as (
    -- the alias names the values' columns (sqlfluff takes it for an unused alias)
    select * from (values ('month', 1), ('quarter', 3), ('semester', 6), ('year', 12)) k (period_kind, period_months)  -- noqa: AL05
),
dated as (
    select
        k.period_kind,
        k.period_months,
        make_date(year(r.tanggal), ((month(r.tanggal) - 1) // k.period_months) * k.period_months + 1, 1)
            as period_start,
        r.*
    from responses r
    cross join period_kinds k
    where r.tanggal is not null
)
select
    case period_kind
        when 'month' then strftime(period_start, '%Y-%m')
        when 'quarter' then year(period_start) || '-Q' || ((month(period_start) + 2) // 3)
        when 'semester' then year(period_start) || '-S' || ((month(period_start) + 5) // 6)
        else year(period_start)::varchar
    end                                                                     as period,
    period_kind,
    period_start,
    period_months,
    tanggal,
    unit_slug,
    jenis_layanan,
    nip_petugas,
    usia,
    jenis_kelamin,
    pendidikan,
    pekerjaan,
    u1, u2, u3, u4, u5, u6, u7, u8, u9,
    saran,
    _file_id,
    _row
from dated
