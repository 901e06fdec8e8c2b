-- rekomendasi_asn_fakta: one row per ASN per period per fact that a recommendation rule tests
-- (data/reference/recommendation_rules.csv, kriteria). Long form, so a rule added to the table
-- needs only its fact here, never a new column.
-- grain: nip, period, kriteria
-- materialized: table
--
-- Columns: nip, unit_slug, period ('YYYY-MM', 'YYYY-Qn', 'YYYY-Sn' or 'YYYY'), period_kind
--   (bulan | triwulan | semester | tahun), kriteria, nilai (DOUBLE), kode (a category code, e.g. the
--   predikat or the mutu), bukti (the evidence in words, Indonesian number format), bukti_metric_id
--   (the published metric that shows the same number, where one exists), periode_sumber (the
--   period whose rows gave the fact: the SKP period used, or the last month of the attendance
--   facts).
-- Periods: every month with attendance or SKP rows, and the quarter, semester and year holding it,
--   for the period kinds named in data/reference/recommendation_periods.csv (proposals are made at
--   the evaluation periods of PermenPANRB 6/2022: triwulan and akhir tahun by default), plus any
--   longer SKP period as exported.
-- Facts (docs/reports.md, "Usulan"):
--   predikat                   the predikat kinerja of the SKP period (PermenPANRB 6/2022). A quarter
--                              or year without its own SKP row takes the rating of its last month
--                              (2026-Q3: the 2026-09 predikat), and the evidence says so
--   target_kendala_pelatihan   missed indicators whose kendala is pelatihan/kompetensi (same SKP period)
--   capaian_terendah_kendala_pelatihan  the lowest capaian among those indicators: the rule proposes
--                              training only when the shortfall is material (its ambang)
--   discipline_rate            present workdays / (known workdays − leave days) × 100, pooled over the
--                              period's months: cuti, sakit, izin and tugas belajar are rights under
--                              PP 94/2021 and neither lower nor raise it
--   attendance_rate            present workdays / known workdays × 100 (presence, for information)
--   tk_days, tl_days           TK and TL workdays in the period
--   tl_days_per_bulan          TL workdays per month of the period with attendance (a quarter's TL
--                              days / 3), so one monthly threshold fits every period length
--   tl_psw_berat_days          workdays with TL3, TL4, PSW3 or PSW4 (data/reference/lateness_bands.csv)
--   discipline_rank            PP 94/2021 band reached by the year-to-date days at the period's end
--                              (0 below the first band)
--   discipline_rank_baru       that band when it was reached or raised during the period (0 if the
--                              ASN was already in it before the period began): a flag appears in the
--                              month it occurs, not again every month after
--   tk_consecutive_flag        1 when the longest run of consecutive TK workdays reached the limit
--   tk_consecutive_baru        1 when that limit was first reached during the period
--   ikm_petugas_mutu           the mutu of the IKM of respondents who named the ASN as their officer
--                              (PermenPANRB 14/2017; a quarter pools its responses); absent when
--                              nobody named the ASN
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
period_kinds as (
    select distinct lower(trim(jenis_periode)) as period_kind from ref.recommendation_periods
),
months as (
    select nip, period as month from attendance_months
    union
    select nip, periode from skp where regexp_full_match(periode, '\d{4}-\d{2}')
),
candidates as (
    select nip, month as period from months
    union
    select nip, left(month, 4) || '-Q' || ((right(month, 2)::integer + 2) // 3) from months
    union
    select nip, left(month, 4) || '-S' || ((right(month, 2)::integer + 5) // 6) from months
    union
    select nip, left(month, 4) from months
    union
    select nip, periode from skp
),
-- the months a period covers: '2026-10' itself, '2026-Q3' July..September, '2026-S1', '2026'
spans as (
    select
        nip,
        period,
        case
            when regexp_full_match(period, '\d{4}-\d{2}') then 'bulan'
            when regexp_full_match(period, '\d{4}-Q[1-4]') then 'triwulan'
            when regexp_full_match(period, '\d{4}-S[12]') then 'semester'
            else 'tahun'
        end as period_kind,
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
    from candidates
),
periods as (
    select s.* from spans s semi join period_kinds k on k.period_kind = s.period_kind
),
-- the SKP period behind a period's SKP facts: its own row, else its last month's (PermenPANRB
-- 6/2022 rates per evaluation period; a quarter's rating is not derived from three monthly ones)
skp_source as (
    select
        p.nip,
        p.period,
        coalesce(own.periode, last_month.periode)        as periode_skp
    from periods p
    left join skp own on own.nip = p.nip and own.periode = p.period
    left join skp last_month
        on last_month.nip = p.nip and last_month.periode = p.tahun || '-' || lpad(p.month_to::varchar, 2, '0')
    where coalesce(own.periode, last_month.periode) is not null
),
attendance as (
    select
        s.nip,
        s.period,
        count(*)                                                  as months,
        max(m.period)                                             as last_month,
        sum(m.present_days)                                       as present_days,
        sum(m.tk_days)                                            as tk_days,
        sum(m.tl_days)                                            as tl_days,
        sum(coalesce(m.leave_days, 0))                            as leave_days,
        sum(m.tl3 + m.tl4 + m.psw3 + m.psw4)                      as tl_psw_berat_days,
        100.0 * sum(m.present_days) / nullif(sum(m.workdays - m.unknown_days), 0) as attendance_rate,
        100.0 * sum(m.present_days)
        / nullif(sum(m.workdays - m.unknown_days - coalesce(m.leave_days, 0)), 0) as discipline_rate
    from periods s
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
    from periods s
    join attendance_ytd y
        on y.nip = s.nip and y.tahun = s.tahun
            and right(y.period, 2)::integer between s.month_from and s.month_to
    group by s.nip, s.period
),
discipline_before as (
    -- the band and the streak flag at the end of the month before the period, in the same year
    -- (PP 94/2021 counts days per calendar year: a period starting in January starts from none)
    select
        s.nip,
        s.period,
        coalesce(y.discipline_rank, 0)                           as rank_before,
        coalesce(y.discipline_sanction, '')                      as sanction_before,
        case when y.tk_consecutive_flag then 1 else 0 end        as flag_before
    from periods s
    left join attendance_ytd y
        on y.nip = s.nip and y.tahun = s.tahun and right(y.period, 2)::integer = s.month_from - 1
),
pelatihan as (
    select
        src.nip,
        src.period,
        src.periode_skp,
        count(*)                                                  as missed,
        min(i.capaian_pct)                                        as capaian_terendah,
        string_agg(
            i.indikator || coalesce(' ' || replace(printf('%.2f', i.capaian_pct), '.', ',') || ' %', ''),
            '; ' order by i.indikator
        )                     as indikator_list
    from skp_source src
    join indicators i on i.nip = src.nip and i.periode = src.periode_skp
    where i.met = false and i.kendala_category = 'pelatihan-kompetensi'
    group by src.nip, src.period, src.periode_skp
),
-- ' (dari penilaian bulan 2026-09; tidak ada penilaian 2026-Q3)' when the rating is borrowed
skp_note as (
    select
        nip, period, periode_skp,
        case when periode_skp <> period
                then ' (dari penilaian '
                    || periode_skp
                    || ', bulan terakhir periode; tidak ada penilaian '
                    || period
                    || ')'
            else ''
        end as note
    from skp_source
),
facts as (
    select
        n.nip, n.period, 'predikat' as kriteria, p.predikat_rank::double as nilai,
        p.predikat as kode, 'predikat ' || p.predikat_label || n.note as bukti,
        'predikat/asn/' || slugify(p.nip) || '/' || p.periode as bukti_metric_id,
        n.periode_skp as periode_sumber
    from skp_note n
    join skp p on p.nip = n.nip and p.periode = n.periode_skp
    where p.predikat is not null

    union all
    select
        l.nip, l.period, 'target_kendala_pelatihan', l.missed, null,
        l.missed || ' target tidak tercapai dengan kendala pelatihan/kompetensi (' || l.indikator_list || ')' || n.note,
        'target_tidak_tercapai/asn/' || slugify(l.nip) || '/' || l.periode_skp, l.periode_skp
    from pelatihan l join skp_note n using (nip, period)

    union all
    select
        l.nip, l.period, 'capaian_terendah_kendala_pelatihan', round(l.capaian_terendah, 2), null,
        'capaian terendah ' || replace(printf('%.2f', l.capaian_terendah), '.', ',') || ' % pada target '
        || 'tidak tercapai dengan kendala pelatihan/kompetensi (' || l.indikator_list || ')' || n.note,
        'target_tidak_tercapai/asn/' || slugify(l.nip) || '/' || l.periode_skp, l.periode_skp
    from pelatihan l join skp_note n using (nip, period)
    where l.capaian_terendah is not null

    union all
    select
        a.nip, a.period, 'discipline_rate', round(a.discipline_rate, 2), null,
        'disiplin kehadiran ' || replace(printf('%.2f', a.discipline_rate), '.', ',') || ' %'
        || case when a.months > 1 then ' (' || a.months || ' bulan)' else '' end
        || case when a.leave_days > 0
                then '; cuti/sakit/izin/tugas belajar ' || a.leave_days || ' hari tidak mengurangi'
            else ''
        end,
        case when p.period_kind = 'bulan' then 'discipline_rate/asn/' || slugify(a.nip) || '/' || a.period end,
        a.last_month
    from attendance a join periods p using (nip, period)
    where a.discipline_rate is not null

    union all
    select
        a.nip, a.period, 'attendance_rate', round(a.attendance_rate, 2), null,
        'kehadiran ' || replace(printf('%.2f', a.attendance_rate), '.', ',') || ' %'
        || case when a.months > 1 then ' (' || a.months || ' bulan)' else '' end,
        case when p.period_kind = 'bulan' then 'attendance_rate/asn/' || slugify(a.nip) || '/' || a.period end,
        a.last_month
    from attendance a join periods p using (nip, period)
    where a.attendance_rate is not null

    union all
    select
        a.nip, a.period, 'tk_days', a.tk_days, null, 'TK ' || a.tk_days || ' hari',
        case when p.period_kind = 'bulan' then 'tk_days/asn/' || slugify(a.nip) || '/' || a.period end,
        a.last_month
    from attendance a join periods p using (nip, period)

    union all
    select
        a.nip, a.period, 'tl_days', a.tl_days, null, 'terlambat (TL) ' || a.tl_days || ' hari',
        case when p.period_kind = 'bulan' then 'tl_days/asn/' || slugify(a.nip) || '/' || a.period end,
        a.last_month
    from attendance a join periods p using (nip, period)

    union all
    select
        a.nip, a.period, 'tl_days_per_bulan', round(a.tl_days / a.months, 2), null,
        'terlambat (TL) ' || a.tl_days || ' hari'
        || case when a.months > 1
                then ' dalam ' || a.months || ' bulan (rata-rata '
                    || replace(printf('%.1f', a.tl_days / a.months), '.', ',') || ' hari per bulan)'
            else ' dalam sebulan'
        end,
        case when p.period_kind = 'bulan' then 'tl_days/asn/' || slugify(a.nip) || '/' || a.period end,
        a.last_month
    from attendance a join periods p using (nip, period)

    union all
    select
        a.nip, a.period, 'tl_psw_berat_days', a.tl_psw_berat_days, null,
        'TL3/TL4/PSW3/PSW4 ' || a.tl_psw_berat_days || ' hari',
        case when p.period_kind = 'bulan' then 'tl_days/asn/' || slugify(a.nip) || '/' || a.period end,
        a.last_month
    from attendance a join periods p using (nip, period)

    union all
    select
        d.nip, d.period, 'discipline_rank', d.discipline_rank, d.discipline_level,
        case when
                d.discipline_rank = 0
                then 'TK tahun berjalan ' || d.tk_days_ytd || ' hari, belum mencapai pita disiplin'
            else 'TK tahun berjalan ' || d.tk_days_ytd || ' hari: pita ' || d.discipline_level
                || ' (' || d.discipline_sanction || ')'
        end,
        'discipline_band/asn/' || slugify(d.nip) || '/' || d.last_month, d.last_month
    from discipline d

    union all
    select
        d.nip, d.period, 'discipline_rank_baru',
        case when d.discipline_rank > b.rank_before then d.discipline_rank else 0 end, d.discipline_level,
        case when
                d.discipline_rank = 0
                then 'TK tahun berjalan ' || d.tk_days_ytd || ' hari, belum mencapai pita disiplin'
            else 'TK tahun berjalan ' || d.tk_days_ytd || ' hari: pita ' || d.discipline_level
                || ' (' || d.discipline_sanction || ')'
                || case when d.discipline_rank <= b.rank_before then ', sudah tercapai sebelum periode ini'
                    when b.rank_before = 0 then ', tercapai pada periode ini'
                    else ', naik pada periode ini dari ' || b.sanction_before
                end
        end,
        'discipline_band/asn/' || slugify(d.nip) || '/' || d.last_month, d.last_month
    from discipline d join discipline_before b using (nip, period)

    union all
    select
        d.nip, d.period, 'tk_consecutive_flag', d.tk_consecutive_flag, null,
        'TK berturut-turut terpanjang ' || d.tk_consecutive_max || ' hari kerja',
        'tk_consecutive_max/asn/' || slugify(d.nip) || '/' || d.last_month, d.last_month
    from discipline d

    union all
    select
        d.nip, d.period, 'tk_consecutive_baru',
        case when d.tk_consecutive_flag = 1 and b.flag_before = 0 then 1 else 0 end, null,
        'TK berturut-turut terpanjang ' || d.tk_consecutive_max || ' hari kerja'
        || case when d.tk_consecutive_flag = 1 and b.flag_before = 1 then ', batas sudah tercapai sebelum periode ini'
            when d.tk_consecutive_flag = 1 then ', batas tercapai pada periode ini' else ''
        end,
        'tk_consecutive_max/asn/' || slugify(d.nip) || '/' || d.last_month, d.last_month
    from discipline d join discipline_before b using (nip, period)

    union all
    select
        o.scope_id, o.period, 'ikm_petugas_mutu', o.ikm_converted::double, o.mutu,
        'IKM petugas ' || replace(printf('%.2f', o.ikm_converted::double), '.', ',') || ' (' || o.mutu
        || ', ' || o.respondents || ' responden)',
        -- a later branch of the union: its columns take the first branch's names
        'ikm/petugas/' || o.scope_id || '/' || o.period, o.period  -- noqa: AL08
    from officer_ikm o
)
select
    f.nip,
    g.unit_slug,
    f.period,
    p.period_kind,
    f.kriteria,
    f.nilai,
    f.kode,
    f.bukti,
    f.bukti_metric_id,
    f.periode_sumber
from facts f
join periods p on p.nip = f.nip and p.period = f.period
left join pegawai g on g.nip = f.nip
