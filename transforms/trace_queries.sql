-- trace_queries: the rows behind a published metric, one family of metrics at a time.
--
-- transforms/trace.py picks a family for a metric (data/reference/metric_definitions.csv,
-- column `keluarga`) and runs its blocks:
--   <family>.rows      the facts the rule counted: one row each, with `evidence`, a list of
--                      {file_id, row} naming the source lines (NULL where the fact is an
--                      absence, e.g. a workday with no record at all is TK), and optionally
--                      `metric_id` to trace a finer metric behind it
--   <family>.summary   the mart row(s) the number is read from (optional)
--   <family>.excluded  quarantined source rows in the same scope, with the rule they broke
--                      (optional; a family may name another family's block, see trace.py)
-- Parameters (DuckDB named parameters):
--   $metric_id, $metric, $scope, $scope_id, $period   the parts of the metric id
--   $key     scope_id before the first ':' (a NIP, a unit slug)
--   $sub     scope_id after the first ':' (an indicator slug, a band, an unsur code), or NULL
--   $year    the period's calendar year (integer)
--   $period_start, $period_end   the period's first day and the day after its last (DATE)
--   $year_start                  1 January of the period's year
--   $base_scope, $base_id        the scope a composite scope is counted in: 'unit-unsur',
--                                'unit-tema' (and office-...) -> 'unit' and $key; else $scope, $scope_id
-- Blocks start with a line `-- name: <family>.<part>`. They only read; no macros are needed,
-- so a read-only warehouse can be traced.

-- ============================================================== attendance, one ASN-month

-- name: attendance_asn_days.rows
select
    d.tanggal, d.nip, d.jenis_asn, d.unit_slug, d.status, d.source, d.is_present, d.is_tk, d.is_unknown,
    d.jadwal_masuk, d.jam_masuk, d.minutes_late, d.tl_code, d.jadwal_pulang, d.jam_pulang, d.minutes_early,
    d.psw_code, d.deduction_pct, d.evidence
from marts.attendance_asn_day d
where d.nip = $key and d.period = $period and d.is_workday
order by d.tanggal

-- name: attendance_asn_days.summary
select m.*, [struct_pack(file_id := p._file_id, "row" := p._row)] as evidence
from marts.attendance_asn_month m
left join staging.stg_pegawai p on p.nip = m.nip
where m.nip = $key and m.period = $period

-- name: attendance_asn.excluded
select q.file_id, q."row", q.shape, q."column", q.value, q.rule, q.message
from quarantine.rows q
join (
    select _file_id, _row, nip, tanggal_date from staging.prep_presensi_recap
    union all
    select _file_id, _row, nip, tanggal_date from staging.prep_presensi_scan
) p on p._file_id = q.file_id and p._row = q."row"
where q.shape in ('presensi_recap', 'presensi_scan')
  and p.nip = $key
  and (p.tanggal_date is null or (p.tanggal_date >= $period_start and p.tanggal_date < $period_end))
order by q.file_id, q."row", q.rule

-- ============================================================== discipline, one ASN, year to date

-- name: attendance_asn_ytd_tk.rows
-- the TK workdays of the calendar year up to the end of the period (PP 94/2021 counts them)
select d.tanggal, d.period, d.nip, d.jenis_asn, d.status, d.source, d.is_tk, d.evidence
from marts.attendance_asn_day d
where d.nip = $key and d.tahun = $year and d.period <= $period and d.is_workday and d.is_tk
order by d.tanggal

-- name: attendance_asn_ytd_tk.summary
select y.*, [struct_pack(file_id := p._file_id, "row" := p._row)] as evidence
from marts.attendance_asn_ytd y
left join staging.stg_pegawai p on p.nip = y.nip
where y.nip = $key and y.period = $period

-- name: attendance_asn_ytd_discipline.rows
-- what the PP 94/2021 band is chosen on: the TK workdays of the year to date and the workdays
-- with minutes late or early (their sum, converted at menit_per_hari, is added to the TK days)
select d.tanggal, d.period, d.nip, d.jenis_asn, d.status, d.source, d.is_tk, d.jam_masuk, d.minutes_late,
       d.jam_pulang, d.minutes_early, d.late_early_minutes, d.evidence
from marts.attendance_asn_day d
where d.nip = $key and d.tahun = $year and d.period <= $period and d.is_workday
  and (d.is_tk or d.late_early_minutes > 0)
order by d.tanggal

-- name: attendance_asn_ytd_discipline.summary
select y.*, [struct_pack(file_id := p._file_id, "row" := p._row)] as evidence
from marts.attendance_asn_ytd y
left join staging.stg_pegawai p on p.nip = y.nip
where y.nip = $key and y.period = $period

-- name: attendance_asn_ytd_late.rows
-- the present workdays of the year to date with minutes late or early (a missing scan counts the
-- parameter's minutes): their sum, converted at menit_per_hari, is added to the TK days
select d.tanggal, d.period, d.nip, d.jenis_asn, d.status, d.source, d.jadwal_masuk, d.jam_masuk, d.minutes_late,
       d.jadwal_pulang, d.jam_pulang, d.minutes_early, d.late_early_minutes, d.evidence
from marts.attendance_asn_day d
where d.nip = $key and d.tahun = $year and d.period <= $period and d.is_workday and d.late_early_minutes > 0
order by d.tanggal

-- name: attendance_asn_ytd_late.summary
select y.*, [struct_pack(file_id := p._file_id, "row" := p._row)] as evidence
from marts.attendance_asn_ytd y
left join staging.stg_pegawai p on p.nip = y.nip
where y.nip = $key and y.period = $period

-- name: attendance_asn_ytd_days.rows
-- every workday of the year to date: a run of TK days is broken by any other status
select d.tanggal, d.period, d.nip, d.jenis_asn, d.status, d.source, d.is_tk, d.is_unknown, d.evidence
from marts.attendance_asn_day d
where d.nip = $key and d.tahun = $year and d.period <= $period and d.is_workday
order by d.tanggal

-- name: attendance_asn_ytd.excluded
select q.file_id, q."row", q.shape, q."column", q.value, q.rule, q.message
from quarantine.rows q
join (
    select _file_id, _row, nip, tanggal_date from staging.prep_presensi_recap
    union all
    select _file_id, _row, nip, tanggal_date from staging.prep_presensi_scan
) p on p._file_id = q.file_id and p._row = q."row"
where q.shape in ('presensi_recap', 'presensi_scan')
  and p.nip = $key
  and (p.tanggal_date is null or (p.tanggal_date >= $year_start and p.tanggal_date < $period_end))
order by q.file_id, q."row", q.rule

-- ============================================================== attendance, one unit-month

-- name: attendance_unit_days.rows
select
    d.tanggal, d.nip, d.status, d.source, d.is_present, d.is_tk, d.is_unknown, d.minutes_late, d.tl_code,
    d.minutes_early, d.psw_code, d.evidence
from marts.attendance_asn_day d
where d.unit_slug = $key and d.period = $period and d.is_workday
order by d.nip, d.tanggal

-- name: attendance_unit_days.summary
select * from marts.attendance_unit_month where unit_slug = $key and period = $period

-- name: attendance_unit_asn.rows
-- the unit's ASN in the month, with what makes one count (TK days, a discipline band, a TK run)
select
    m.nip, m.unit_slug, m.workdays, m.present_days, m.unknown_days, m.leave_days, m.tk_days, m.tl_days, m.psw_days,
    m.attendance_rate, m.discipline_rate, y.tk_days_ytd, y.late_days_ytd, y.discipline_days_ytd, y.discipline_rank, y.tk_consecutive_max, y.tk_consecutive_flag,
    [struct_pack(file_id := p._file_id, "row" := p._row)] as evidence,
    'attendance_rate/asn/' || m.nip || '/' || m.period as metric_id
from marts.attendance_asn_month m
left join marts.attendance_asn_ytd y on y.nip = m.nip and y.period = m.period
left join staging.stg_pegawai p on p.nip = m.nip
where m.unit_slug = $key and m.period = $period
order by m.nip

-- name: attendance_unit_asn.summary
select * from marts.attendance_unit_month where unit_slug = $key and period = $period

-- name: attendance_unit_band.rows
-- the unit's ASN whose monthly discipline rate (leave days out of the denominator) falls in the
-- band named after the ':'
select
    m.nip, m.unit_slug, m.workdays, m.present_days, m.unknown_days, m.leave_days, m.discipline_rate,
    b.band, b.persen_dari::double as persen_dari, b.persen_sampai::double as persen_sampai,
    [struct_pack(file_id := p._file_id, "row" := p._row)] as evidence,
    'discipline_rate/asn/' || m.nip || '/' || m.period as metric_id
from marts.attendance_asn_month m
join ref.attendance_rate_bands b
  on b.band = $sub and m.discipline_rate >= b.persen_dari::double and m.discipline_rate < b.persen_sampai::double
left join staging.stg_pegawai p on p.nip = m.nip
where m.unit_slug = $key and m.period = $period
order by m.nip

-- name: attendance_unit.excluded
select q.file_id, q."row", q.shape, q."column", q.value, q.rule, q.message
from quarantine.rows q
join (
    select _file_id, _row, nip, tanggal_date from staging.prep_presensi_recap
    union all
    select _file_id, _row, nip, tanggal_date from staging.prep_presensi_scan
) p on p._file_id = q.file_id and p._row = q."row"
join staging.stg_pegawai r on r.nip = p.nip
where q.shape in ('presensi_recap', 'presensi_scan')
  and r.unit_slug = $key
  and (p.tanggal_date is null or (p.tanggal_date >= $period_start and p.tanggal_date < $period_end))
order by q.file_id, q."row", q.rule

-- ============================================================== attendance, the office

-- name: attendance_office_units.rows
-- the units' pooled figures, each with the attendance lines of its workdays (a workday with no
-- record has none); each unit's days are one `pantau trace` further (metric_id)
with lines as (
    select d.unit_slug, flatten(list(d.evidence order by d.nip, d.tanggal) filter (where d.evidence is not null)) as evidence
    from marts.attendance_asn_day d
    where d.period = $period and d.is_workday
    group by d.unit_slug
)
select
    u.unit_slug, u.asn_count, u.workdays, u.present_days, u.unknown_days, u.leave_days, u.tk_days, u.tl_days,
    u.psw_days, u.attendance_rate, u.discipline_rate, u.punctuality_rate, u.asn_to_follow_up,
    l.evidence,
    'attendance_rate/unit/' || u.unit_slug || '/' || u.period as metric_id
from marts.attendance_unit_month u
left join lines l on l.unit_slug = u.unit_slug
where u.period = $period
order by u.unit_slug

-- name: attendance_office.excluded
select q.file_id, q."row", q.shape, q."column", q.value, q.rule, q.message
from quarantine.rows q
join (
    select _file_id, _row, tanggal_date from staging.prep_presensi_recap
    union all
    select _file_id, _row, tanggal_date from staging.prep_presensi_scan
) p on p._file_id = q.file_id and p._row = q."row"
where q.shape in ('presensi_recap', 'presensi_scan')
  and (p.tanggal_date is null or (p.tanggal_date >= $period_start and p.tanggal_date < $period_end))
order by q.file_id, q."row", q.rule

-- ============================================================== SKP

-- name: skp_indicator.rows
select
    c.nip, c.periode, c.rhk, c.indikator, c.indikator_slug, c.aspek, c.satuan, c.arah, c.target_kind, c.target,
    c.target_min, c.target_max, c.realisasi, c.target_acuan, c.capaian_rule, c.capaian_pct, c.capaian_floored,
    c.met, c.kendala, c.kendala_category, c.rating_hasil_kerja, c.rating_perilaku,
    [struct_pack(file_id := c._file_id, "row" := c._row)] as evidence
from marts.skp_indicator_capaian c
where c.nip = $key and c.indikator_slug = $sub and c.periode = $period

-- name: skp_asn_indicators.rows
-- every indicator row of the ASN-period: the ratings repeat on each, capaian is per row
select
    c.nip, c.periode, c.indikator, c.indikator_slug, c.arah, c.target_kind, c.target, c.target_min, c.target_max,
    c.realisasi, c.capaian_pct, c.met, c.kendala_category, c.rating_hasil_kerja, c.rating_perilaku,
    [struct_pack(file_id := c._file_id, "row" := c._row)] as evidence,
    'capaian/indikator/' || c.nip || ':' || c.indikator_slug || '/' || c.periode as metric_id
from marts.skp_indicator_capaian c
where c.nip = $key and c.periode = $period
order by c._file_id, c._row

-- name: skp_asn_indicators.summary
select a.*, [struct_pack(file_id := p._file_id, "row" := p._row)] as evidence
from marts.skp_asn_period a
left join staging.stg_pegawai p on p.nip = a.nip
where a.nip = $key and a.periode = $period

-- name: skp_asn.excluded
select q.file_id, q."row", q.shape, q."column", q.value, q.rule, q.message
from quarantine.rows q
join staging.prep_skp p on p._file_id = q.file_id and p._row = q."row"
where q.shape = 'skp' and p.nip = $key and (p.periode_norm = $period or p.periode_norm is null)
order by q.file_id, q."row", q.rule

-- name: skp_scope_asn.rows
-- the ASN-periods of a unit (or of the whole office), each with the SKP lines of its indicators
-- (capaian and ratings are read from them); each ASN's predikat is one trace further
with lines as (
    select c.nip, c.periode, list(struct_pack(file_id := c._file_id, "row" := c._row) order by c._file_id, c._row) as evidence
    from marts.skp_indicator_capaian c
    where c.periode = $period
    group by c.nip, c.periode
)
select
    a.nip, a.unit_slug, a.periode, a.indikator_count, a.indikator_met, a.indikator_missed,
    round(a.capaian_rata_pct, 2) as capaian_rata_pct, a.rating_hasil_kerja, a.rating_hasil_kerja_source,
    a.rating_perilaku, a.predikat, a.predikat_label, l.evidence,
    'predikat/asn/' || a.nip || '/' || a.periode as metric_id
from marts.skp_asn_scope s
join marts.skp_asn_period a on a.nip = s.nip and a.periode = s.periode
left join lines l on l.nip = a.nip and l.periode = a.periode
where s.scope = $scope and s.scope_id = $key and s.periode = $period
order by a.nip

-- name: skp_scope_asn.summary
select * from marts.skp_unit_period where scope = $scope and scope_id = $key and periode = $period

-- name: skp_scope_indicators.rows
-- every indicator of the scope-period (missed ones have met = false and a kendala category)
select
    c.nip, c.periode, c.indikator, c.capaian_pct, c.met, c.kendala, c.kendala_category,
    [struct_pack(file_id := c._file_id, "row" := c._row)] as evidence,
    'capaian/indikator/' || c.nip || ':' || c.indikator_slug || '/' || c.periode as metric_id
from marts.skp_asn_scope s
join marts.skp_indicator_capaian c on c.nip = s.nip and c.periode = s.periode
where s.scope = $scope and s.scope_id = $key and s.periode = $period
order by c.nip, c._file_id, c._row

-- name: skp_scope_indicators.summary
select * from marts.skp_unit_kendala
where scope = $scope and scope_id = $key and periode = $period and ($sub is null or kendala_category = $sub)

-- name: skp_scope.excluded
select q.file_id, q."row", q.shape, q."column", q.value, q.rule, q.message
from quarantine.rows q
join staging.prep_skp p on p._file_id = q.file_id and p._row = q."row"
left join staging.stg_pegawai r on r.nip = p.nip
where q.shape = 'skp'
  and (p.periode_norm = $period or p.periode_norm is null)
  and ($scope = 'office' or r.unit_slug = $key)
order by q.file_id, q."row", q.rule

-- ============================================================== SKM (survey responses)
-- $base_scope / $base_id: the scope the responses are counted in (office | unit | layanan |
-- petugas): 'unit-unsur' and 'unit-tema' ids '<unit>:<u3 | tema>' are counted in the unit.

-- name: skm_responses.rows
-- the responses counted in the scope-period (marts.skm_response_scopes: a response counts in its
-- month, quarter, semester and year, in the office, its unit, its service type and its officer)
select
    s.scope, s.scope_id, s.period, s.unit_slug, s.u1, s.u2, s.u3, s.u4, s.u5, s.u6, s.u7, s.u8, s.u9,
    [struct_pack(file_id := s._file_id, "row" := s._row)] as evidence
from marts.skm_response_scopes s
where s.scope = $base_scope and s.scope_id = $base_id and s.period = $period
order by s._file_id, s._row

-- name: skm_responses.summary
select i.*
from marts.skm_ikm i
where i.scope = $base_scope and i.scope_id = $base_id and i.period = $period

-- name: skm_unsur.rows = skm_responses.rows
-- NRR per unsur is the mean answer to it over these responses

-- name: skm_unsur.summary
select u.*
from marts.skm_unsur_scores u
where u.scope = $base_scope and u.scope_id = $base_id and u.period = $period and lower(u.unsur) = lower($sub)

-- name: skm_precision.rows = skm_responses.rows

-- name: skm_precision.summary
select p.*
from marts.skm_ikm_precision p
where p.scope = $base_scope and p.scope_id = $base_id and p.period = $period

-- name: skm_complaints.rows
-- the responses of the scope-period whose suggestion counts for the metric: complaints (keluhan),
-- praise (pujian), complaints naming the theme ('<id>:<tema>') or related to the unsur ('<id>:u3')
select
    s.scope, s.scope_id, s.period, c.tanggal, c.unit_slug, c.jenis_layanan, c.jenis_saran, c.tema, c.unsur,
    c.saran,
    [struct_pack(file_id := s._file_id, "row" := s._row)] as evidence
from marts.skm_response_scopes s
join marts.skm_complaints c on c._file_id = s._file_id and c._row = s._row
where s.scope = $base_scope and s.scope_id = $base_id and s.period = $period
  and c.jenis_saran = case when $metric = 'pujian' then 'pujian' else 'keluhan' end
  and (
        $scope not like '%-tema' and $scope not like '%-unsur'
     or ($scope like '%-tema'
         and list_contains(list_transform(c.tema, lambda t: trim(regexp_replace(lower(t), '[^a-z0-9]+', '-', 'g'), '-')), $sub))
     or ($scope like '%-unsur' and list_contains(list_transform(c.unsur, lambda u: lower(u)), lower($sub)))
  )
order by s._file_id, s._row

-- name: skm_complaints.summary
select t.*
from marts.skm_complaint_themes t
where $scope like '%-tema' and t.scope = $base_scope and t.scope_id = $base_id and t.period = $period
  and trim(regexp_replace(lower(t.tema), '[^a-z0-9]+', '-', 'g'), '-') = $sub

-- name: skm_profile.rows
select
    s.scope, s.scope_id, s.period, s.unit_slug,
    [struct_pack(file_id := s._file_id, "row" := s._row)] as evidence
from marts.skm_response_scopes s
where s.scope = $base_scope and s.scope_id = $base_id and s.period = $period
order by s._file_id, s._row

-- name: skm_profile.summary
select p.*
from marts.skm_respondent_profile p
where p.scope = $base_scope and p.scope_id = $base_id and p.period = $period
  and 'responden_' || p.dimensi || '_' || replace(p.kategori, '-', '_') = $metric

-- name: skm.excluded
select q.file_id, q."row", q.shape, q."column", q.value, q.rule, q.message
from quarantine.rows q
join staging.prep_skm p on p._file_id = q.file_id and p._row = q."row"
where q.shape = 'skm'
  and (p.tanggal_date is null or (p.tanggal_date >= $period_start and p.tanggal_date < $period_end))
  and ($base_scope in ('office', 'petugas') or p.unit_slug = $key)
order by q.file_id, q."row", q.rule

-- name: layanan_volume.rows
-- services delivered (the population N of the Krejcie & Morgan minimum sample): the layanan rows
-- of the unit (every unit for the office) whose periode overlaps the period
with spans as (
    select
        l.*,
        case
            when regexp_full_match(l.periode, '\d{4}-\d{2}') then make_date(left(l.periode, 4)::int, right(l.periode, 2)::int, 1)
            when regexp_full_match(l.periode, '\d{4}-Q[1-4]') then make_date(left(l.periode, 4)::int, right(l.periode, 1)::int * 3 - 2, 1)
            when regexp_full_match(l.periode, '\d{4}-S[12]') then make_date(left(l.periode, 4)::int, right(l.periode, 1)::int * 6 - 5, 1)
            when regexp_full_match(l.periode, '\d{4}') then make_date(l.periode::int, 1, 1)
        end as span_start,
        case
            when regexp_full_match(l.periode, '\d{4}-\d{2}') then 1
            when regexp_full_match(l.periode, '\d{4}-Q[1-4]') then 3
            when regexp_full_match(l.periode, '\d{4}-S[12]') then 6
            else 12
        end as span_months
    from staging.stg_layanan l
)
select
    l.unit_slug, l.periode, l.jumlah_layanan,
    [struct_pack(file_id := l._file_id, "row" := l._row)] as evidence
from spans l
where ($base_scope = 'office' or l.unit_slug = $key)
  and l.span_start < $period_end and l.span_start + to_months(l.span_months) > $period_start
order by l.unit_slug, l.periode

-- name: layanan_volume.summary
select p.*
from marts.skm_ikm_precision p
where p.scope = $base_scope and p.scope_id = $base_id and p.period = $period

-- name: layanan.excluded
select q.file_id, q."row", q.shape, q."column", q.value, q.rule, q.message
from quarantine.rows q
join staging.prep_layanan p on p._file_id = q.file_id and p._row = q."row"
where q.shape = 'layanan'
  and ($base_scope = 'office' or p.unit_slug = $key)
  and (p.periode_norm is null or left(p.periode_norm, 4) = left($period, 4))
order by q.file_id, q."row", q.rule

-- ============================================================== recommendations (proposals)

-- name: rekomendasi_asn.rows
-- the facts the rules test for the ASN-period; each is shown by a published metric (metric_id)
select
    f.nip, f.period, f.kriteria, f.nilai, f.kode, f.bukti, f.bukti_metric_id as metric_id
from marts.rekomendasi_asn_fakta f
where f.nip = $key and f.period = $period
  and ($sub is null or f.kriteria in (
        select kriteria from ref.recommendation_rules where aturan = $sub and lower(trim(cakupan)) = 'asn'))
order by f.kriteria

-- name: rekomendasi_asn.summary
select r.*
from marts.rekomendasi_asn r
where r.nip = $key and r.period = $period and ($sub is null or r.aturan = $sub)
  and r.peran = case when $metric like 'sinyal%' then 'sinyal' else 'usulan' end

-- name: rekomendasi_unit.rows
select
    f.unit_slug, f.period, f.kriteria, f.nilai, f.kode, f.bukti, f.bukti_metric_id as metric_id
from marts.rekomendasi_unit_fakta f
where f.unit_slug = $key and f.period = $period
  and ($sub is null or f.kriteria in (
        select kriteria from ref.recommendation_rules where aturan = $sub and lower(trim(cakupan)) = 'unit'))
order by f.kriteria

-- name: rekomendasi_unit.summary
select r.*
from marts.rekomendasi_unit r
where r.unit_slug = $key and r.period = $period and ($sub is null or r.aturan = $sub)

-- name: rekomendasi_scope.rows
-- the ASN of a unit (or of the office) that a rule proposed (rekomendasi_...) or signalled
-- (sinyal_...): each is one trace further
select
    r.nip, r.unit_slug, r.period, r.aturan, r.jenis, r.peran, r.syarat, r.bukti,
    case r.peran when 'sinyal' then 'sinyal' else 'rekomendasi' end || '/asn/' || r.nip || '/' || r.period as metric_id
from marts.rekomendasi_asn r
where r.period = $period
  and ($scope = 'office' or r.unit_slug = $key)
  and r.peran = case when $metric like 'sinyal%' then 'sinyal' else 'usulan' end
  and (($metric in ('rekomendasi_penghargaan', 'sinyal_penghargaan') and r.jenis = 'penghargaan')
    or ($metric in ('rekomendasi_pembinaan', 'sinyal_pembinaan') and r.jenis = 'pembinaan')
    or ($metric in ('rekomendasi_asn_aturan', 'sinyal_asn_aturan') and r.aturan = $sub))
order by r.nip, r.aturan

-- name: rekomendasi_units.rows
-- the units whose unit-level rules hold (rekomendasi_perhatian of the office), or that one rule
-- selected (rekomendasi_unit_aturan '<office>:<aturan>')
select
    r.unit_slug, r.period, r.aturan, r.syarat, r.bukti,
    'rekomendasi/unit/' || r.unit_slug || '/' || r.period as metric_id
from marts.rekomendasi_unit r
where r.period = $period and ($sub is null or r.aturan = $sub)
order by r.unit_slug, r.aturan

-- ============================================================== anything else

-- name: published_scope.rows
-- the other numbers published for the same scope and period (e.g. the evidence a
-- recommendation rests on); each is one `pantau trace` further
select m.metric_id, m.metric, m.value, m.label, m.unit
from main.metrics m
where m.period = $period and m.metric_id <> $metric_id
  and (
        (m.scope = $scope and m.scope_id = $scope_id)
     or (m.scope = $scope and split_part(m.scope_id, ':', 1) = $key)
     or ($scope = 'asn' and m.scope = 'indikator' and split_part(m.scope_id, ':', 1) = $key)
  )
order by m.metric_id
