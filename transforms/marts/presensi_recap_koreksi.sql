-- presensi_recap_koreksi: staging.stg_presensi_recap with the approved corrections over it
-- (marts.koreksi_fakta): one row per ASN-day of the recap, plus one per ASN-day that only a
-- correction names (a day with no record is created). The attendance marts read this, never
-- the recap itself; the recap's rows stay as exported.
-- Rules (docs/attendance.md "Koreksi"): a corrected status or time replaces that column only;
-- the times the export recorded stay unless corrected (attendance_asn_day fills the times a
-- day corrected to H still lacks with the day's schedule: the machine was down, the berita
-- acara says present); a day created by a time correction alone is H (as a recap row with a
-- time and no status).
-- status_dikoreksi / jam_masuk_dikoreksi / jam_pulang_dikoreksi say what changed;
-- koreksi_evidence lists the correction rows (file_id, row).
-- grain: nip, tanggal
-- materialized: view
with recap as (
    select * from staging.stg_presensi_recap
),
fixes as (
    select
        nip,
        tanggal,
        max(nilai_baru) filter (where kolom = 'status')                 as status,
        max(nilai_baru) filter (where kolom = 'jam_masuk')::time        as jam_masuk,
        max(nilai_baru) filter (where kolom = 'jam_pulang')::time       as jam_pulang,
        list(struct_pack(file_id := _file_id, "row" := _row) order by _file_id, _row) as koreksi_evidence
    from marts.koreksi_fakta
    where sasaran = 'presensi'
    group by nip, tanggal
)
select
    r.nip, r.tanggal, r.jam_masuk, r.jam_pulang, r.status, r._file_id, r._row,
    false as status_dikoreksi, false as jam_masuk_dikoreksi, false as jam_pulang_dikoreksi,
    null::struct(file_id integer, "row" integer)[] as koreksi_evidence
from recap r
anti join fixes f on f.nip = r.nip and f.tanggal = r.tanggal
union all
select
    f.nip,
    f.tanggal,
    coalesce(f.jam_masuk, r.jam_masuk),
    coalesce(f.jam_pulang, r.jam_pulang),
    coalesce(f.status, r.status, 'H'),
    r._file_id,
    r._row,
    f.status is not null,
    f.jam_masuk is not null,
    f.jam_pulang is not null,
    f.koreksi_evidence
from fixes f
left join recap r on r.nip = f.nip and r.tanggal = f.tanggal
