-- koreksi_fakta: one row per fact of one ASN that an approved correction (staging.stg_koreksi)
-- sets: an attendance column of an ASN-day, or an SKP realisasi of an indicator / a rating of
-- an ASN-period. A unit correction becomes one row per ASN of the unit (its approver's own day
-- excepted: nobody approves a correction of himself; a day the exports record as leave or an
-- assignment, a valid_reason status of data/reference/attendance_status.csv, stays as it is). Two valid corrections of one fact agree
-- (disagreeing ones are quarantined, koreksi_bertentangan): the ASN's own row wins over the
-- unit's, then the earliest file and line.
-- nilai_asli / asli_file_id / asli_row: the value the exports gave and where (NULL: no record;
-- the correction creates the day). This is what lineage.corrections records per run.
-- grain: nip, sasaran, kapan, kolom, indikator
-- materialized: table
with corrections as (
    select * from staging.stg_koreksi
),
roster as (
    select nip, unit_slug from staging.stg_pegawai
),
recap as (
    select * from staging.stg_presensi_recap
),
scan_days as (
    select * from marts.attendance_scan_days
),
skp as (
    select *, norm_text(indikator) as indikator_norm from staging.stg_skp
),
expanded as (
    select c.*, c.nip as target_nip from corrections c where c.cakupan = 'asn'
    union all
    select c.*, r.nip from corrections c
    join roster r on r.unit_slug = c.unit_slug
    where c.cakupan = 'unit' and r.nip <> c.disetujui_oleh
        -- a unit's correction never overrides an ASN's own recorded leave or assignment (I, S, C, DL, TB)
        and not exists (
            select 1 from recap rc join ref.attendance_status st on st.code = rc.status
            where c.sasaran = 'presensi' and rc.nip = r.nip and rc.tanggal = c.tanggal and st.valid_reason::boolean
        )
),
keyed as (
    select
        *,
        case when sasaran = 'presensi' then tanggal::varchar else periode end      as kapan,
        case when kolom = 'realisasi' then norm_text(indikator) end               as indikator_norm
    from expanded
),
picked as (
    select * from keyed
    qualify row_number() over (
            partition by target_nip, sasaran, kapan, kolom, indikator_norm
            order by cakupan = 'asn' desc, _file_id asc, _row asc
        ) = 1
),
skp_ratings as (
    -- the ratings repeat on every indicator row of an ASN-period: the first row is the evidence
    select nip, periode, rating_hasil_kerja, rating_perilaku, _file_id, _row from skp
    qualify row_number() over (partition by nip, periode order by _file_id, _row) = 1
)
select
    p.target_nip                                                  as nip,
    r.unit_slug,
    p.sasaran,
    p.kapan,
    p.tanggal,
    p.periode,
    p.jenis,
    p.kolom,
    p.indikator,
    case p.kolom
        when 'status' then coalesce(rc.status, case when s.scans is not null then 'H' end)
        when 'jam_masuk' then least(rc.jam_masuk, s.scan_masuk)::varchar
        when 'jam_pulang' then greatest(rc.jam_pulang, s.scan_pulang)::varchar
        when 'realisasi' then k.realisasi::varchar
        when 'rating_hasil_kerja' then g.rating_hasil_kerja
        when 'rating_perilaku' then g.rating_perilaku
    end                                                           as nilai_asli,
    coalesce(rc._file_id, s.evidence[1].file_id, k._file_id, g._file_id)  as asli_file_id,
    coalesce(rc._row, s.evidence[1]."row", k._row, g._row)                as asli_row,
    p.nilai_baru,
    p.cakupan,
    p.disetujui_oleh,
    p.wewenang,
    p.tanggal_persetujuan,
    p.dasar,
    p.alasan,
    p._file_id,
    p._row
from picked p
left join roster r on r.nip = p.target_nip
left join recap rc on p.sasaran = 'presensi' and rc.nip = p.target_nip and rc.tanggal = p.tanggal
left join scan_days s on p.sasaran = 'presensi' and s.nip = p.target_nip and s.tanggal = p.tanggal
left join skp k
    on p.kolom = 'realisasi' and k.nip = p.target_nip and k.periode = p.periode
        and k.indikator_norm = p.indikator_norm
left join skp_ratings g on p.kolom like 'rating%' and g.nip = p.target_nip and g.periode = p.periode
