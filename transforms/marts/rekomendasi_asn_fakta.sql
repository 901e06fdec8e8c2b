-- rekomendasi_asn_fakta: one row per ASN per period per fact that a recommendation rule tests
-- (data/reference/recommendation_rules.csv, kriteria). Long form, so a rule added to the table
-- needs only its fact here, never a new column.
-- materialized: table
--
-- Columns: nip, unit_slug, period (a month with attendance, or an SKP period as exported:
--   'YYYY-MM', 'YYYY-Qn', 'YYYY-Sn', 'YYYY'), kriteria, nilai (DOUBLE), kode (a category code,
--   e.g. the predikat or the mutu), bukti (the evidence in words, Indonesian number format),
--   bukti_metric_id (the published metric that shows the same number, where one exists).
-- Facts (DOMAIN.md §4):
--   predikat                   the predikat kinerja of the SKP period (PermenPANRB 6/2022)
--   target_kendala_pelatihan   missed indicators whose kendala is pelatihan/kompetensi (DOMAIN.md §2)
--   attendance_rate            present workdays / workdays with a known status × 100, pooled over the
--                              months of the period (a quarter pools its three months)
--   tk_days, tl_days           TK and TL workdays in the period
--   tl_psw_berat_days          workdays with TL3, TL4, PSW3 or PSW4 (data/reference/lateness_bands.csv)
--   discipline_rank            PP 94/2021 band reached by the year-to-date TK days at the period's end
--                              (0 below the first band)
--   tk_consecutive_flag        1 when the longest run of consecutive TK workdays reached the limit
--   ikm_petugas_mutu           the mutu of the IKM of respondents who named the ASN as their officer
--                              (PermenPANRB 14/2017); absent when nobody named the ASN
with attendance_months as (
    select * from marts.attendance_asn_month
),
attendance_ytd as (
    select * from marts.attendance_asn_ytd
),
skp as (
    select * from marts.skp_asn_period
),
indicators as (
    select * from marts.skp_indicator_capaian
),
officer_ikm as (
    select * from marts.skm_ikm where scope = 'petugas'
),
pegawai as (
    select nip, unit_slug from staging.stg_pegawai
),
periods as (
    select nip, period from attendance_months
    union
    select nip, periode from skp
),
-- the months a period covers: '2026-10' itself, '2026-Q3' July..September, '2026-S1', '2026'
spans as (
    select
        nip,
        period,
        left(period, 4)::integer as tahun,
        case
            when regexp_full_match(period, '\d{4}-\d{2}') then right(period, 2)::integer
            when regexp_full_match(period, '\d{4}-Q[1-4]') then (right(period, 1)::integer - 1) * 3 + 1
            when regexp_full_match(period, '\d{4}-S[12]') then (right(period, 1)::integer - 1) * 6 + 1
            else 1
        end as month_from,
        case
            when regexp_full_match(period, '\d{4}-\d{2}') then right(period, 2)::integer
            when regexp_full_match(period, '\d{4}-Q[1-4]') then right(period, 1)::integer * 3
            when regexp_full_match(period, '\d{4}-S[12]') then right(period, 1)::integer * 6
            else 12
        end as month_to
    from periods
),
attendance as (
    select
        s.nip,
        s.period,
        count(*)                                                  as months,
        sum(m.workdays)                                           as workdays,
        sum(m.present_days)                                       as present_days,
        sum(m.workdays - m.unknown_days)                          as known_workdays,
        sum(m.tk_days)                                            as tk_days,
        sum(m.tl_days)                                            as tl_days,
        sum(m.tl3 + m.tl4 + m.psw3 + m.psw4)                      as tl_psw_berat_days,
        100.0 * sum(m.present_days) / nullif(sum(m.workdays - m.unknown_days), 0) as attendance_rate
    from spans s
    join attendance_months m
      on m.nip = s.nip and m.tahun = s.tahun
     and right(m.period, 2)::integer between s.month_from and s.month_to
    group by s.nip, s.period
),
discipline as (
    -- year to date at the last month of the period that has attendance
    select
        s.nip,
        s.period,
        arg_max(coalesce(y.discipline_rank, 0), y.period)        as discipline_rank,
        arg_max(y.discipline_level, y.period)                    as discipline_level,
        arg_max(y.discipline_sanction, y.period)                 as discipline_sanction,
        arg_max(y.tk_days_ytd, y.period)                         as tk_days_ytd,
        max(case when y.tk_consecutive_flag then 1 else 0 end)   as tk_consecutive_flag,
        max(y.tk_consecutive_max)                                as tk_consecutive_max,
        max(y.period)                                            as last_month
    from spans s
    join attendance_ytd y
      on y.nip = s.nip and y.tahun = s.tahun
     and right(y.period, 2)::integer between s.month_from and s.month_to
    group by s.nip, s.period
),
pelatihan as (
    select
        nip,
        periode                                                   as period,
        count(*) filter (where met = false and kendala_category = 'pelatihan-kompetensi') as missed,
        string_agg(indikator, '; ' order by indikator)
            filter (where met = false and kendala_category = 'pelatihan-kompetensi')      as indikator_list
    from indicators
    group by nip, periode
),
is_month as (
    select nip, period, regexp_full_match(period, '\d{4}-\d{2}') as monthly from periods
),
facts as (
    select p.nip, p.periode as period, 'predikat' as kriteria, p.predikat_rank::double as nilai,
           p.predikat as kode, 'predikat ' || p.predikat_label as bukti,
           'predikat/asn/' || slugify(p.nip) || '/' || p.periode as bukti_metric_id
    from skp p
    where p.predikat is not null

    union all
    select l.nip, l.period, 'target_kendala_pelatihan', l.missed, null,
           l.missed || ' target tidak tercapai dengan kendala pelatihan/kompetensi (' || l.indikator_list || ')',
           'target_tidak_tercapai/asn/' || slugify(l.nip) || '/' || l.period
    from pelatihan l
    where l.missed > 0

    union all
    select a.nip, a.period, 'attendance_rate', round(a.attendance_rate, 2), null,
           'kehadiran ' || replace(printf('%.2f', a.attendance_rate), '.', ',') || ' %'
               || case when a.months > 1 then ' (' || a.months || ' bulan)' else '' end,
           case when i.monthly then 'attendance_rate/asn/' || slugify(a.nip) || '/' || a.period end
    from attendance a join is_month i using (nip, period)
    where a.attendance_rate is not null

    union all
    select a.nip, a.period, 'tk_days', a.tk_days, null, 'TK ' || a.tk_days || ' hari',
           case when i.monthly then 'tk_days/asn/' || slugify(a.nip) || '/' || a.period end
    from attendance a join is_month i using (nip, period)

    union all
    select a.nip, a.period, 'tl_days', a.tl_days, null, 'terlambat (TL) ' || a.tl_days || ' hari',
           case when i.monthly then 'tl_days/asn/' || slugify(a.nip) || '/' || a.period end
    from attendance a join is_month i using (nip, period)

    union all
    select a.nip, a.period, 'tl_psw_berat_days', a.tl_psw_berat_days, null,
           'TL3/TL4/PSW3/PSW4 ' || a.tl_psw_berat_days || ' hari',
           case when i.monthly then 'tl_days/asn/' || slugify(a.nip) || '/' || a.period end
    from attendance a join is_month i using (nip, period)

    union all
    select d.nip, d.period, 'discipline_rank', d.discipline_rank, d.discipline_level,
           case when d.discipline_rank = 0 then 'TK tahun berjalan ' || d.tk_days_ytd || ' hari, belum mencapai pita disiplin'
                else 'TK tahun berjalan ' || d.tk_days_ytd || ' hari: pita ' || d.discipline_level
                     || ' (' || d.discipline_sanction || ')' end,
           'discipline_band/asn/' || slugify(d.nip) || '/' || d.last_month
    from discipline d

    union all
    select d.nip, d.period, 'tk_consecutive_flag', d.tk_consecutive_flag, null,
           'TK berturut-turut terpanjang ' || d.tk_consecutive_max || ' hari kerja',
           'tk_consecutive_max/asn/' || slugify(d.nip) || '/' || d.last_month
    from discipline d

    union all
    select o.scope_id, o.period, 'ikm_petugas_mutu', o.ikm_converted::double, o.mutu,
           'IKM petugas ' || replace(printf('%.2f', o.ikm_converted::double), '.', ',') || ' (' || o.mutu
               || ', ' || o.respondents || ' responden)',
           'ikm/petugas/' || o.scope_id || '/' || o.period
    from officer_ikm o
)
select
    f.nip,
    g.unit_slug,
    f.period,
    f.kriteria,
    f.nilai,
    f.kode,
    f.bukti,
    f.bukti_metric_id
from facts f
join periods p on p.nip = f.nip and p.period = f.period
left join pegawai g on g.nip = f.nip
