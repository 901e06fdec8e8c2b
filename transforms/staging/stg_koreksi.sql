-- stg_koreksi: one row per approved correction that passed validation
-- (expectations/suites/koreksi.json): what it sets (sasaran presensi|skp, kolom, nilai_baru as
-- a normalised text: a status code, 'HH:MM:SS', a number or a rating code), for whom (nip, or
-- unit_slug for a whole unit), when (tanggal for attendance, periode for SKP), and its
-- evidence (alasan, dasar, disetujui_oleh, tanggal_persetujuan). marts.koreksi_fakta expands
-- it to one row per corrected fact.
-- grain: _file_id, _row
-- materialized: table
with prep as (
    select * from staging.prep_koreksi
),
quarantined as (
    select distinct file_id, "row" from quarantine.rows where shape = 'koreksi'
)
select
    p.cakupan,
    p.nip,
    p.unit_slug,
    p.tanggal_date              as tanggal,
    p.periode_norm              as periode,
    p.jenis,
    p.sasaran,
    p.kolom,
    p.indikator,
    p.nilai_norm                as nilai_baru,
    p.nilai_baru                as nilai_baru_tertulis,
    p.alasan,
    p.dasar,
    p.disetujui_oleh,
    p.tanggal_persetujuan_date  as tanggal_persetujuan,
    case when p.penyetuju_kepegawaian and not p.penyetuju_is_atasan then 'kepegawaian' else 'atasan' end
        as wewenang,
    p._file_id,
    p._row
from prep p
anti join quarantined q on q.file_id = p._file_id and q."row" = p._row
