-- prep_koreksi: one row per approved correction as loaded (raw.koreksi), parsed and judged.
-- One row corrects one fact of one ASN (nip) or of every ASN of a unit (unit_layanan: the
-- fingerprint machine was down): an attendance status, check-in or check-out on a tanggal, or
-- an SKP realisasi (of one indikator) or rating in a periode. Kinds and the values each allows:
-- data/reference/koreksi_jenis.csv.
-- Approver (penyetuju): in the roster, never the ASN corrected, and an ancestor of the ASN in
-- the nip_atasan chain (for a unit: an ancestor of every other ASN of the unit, i.e. its head
-- or above), or named in the settings `[koreksi] penyetuju_kepegawaian`
-- (staging.koreksi_penyetuju, written by the validation from the settings).
-- versions_of_fact: how many different new values the valid-looking corrections give to one
-- fact (an ASN-day's column, an ASN-period's rating, an indicator's realisasi); more than one
-- is a disagreement and every row involved is held.
-- Rules: expectations/suites/koreksi.json.
-- grain: _file_id, _row
-- materialized: table
with raw_rows as (
    select * from raw.koreksi
),
roster as (
    select nip, nip_atasan, unit_slug from staging.stg_pegawai
),
authorised as (
    select distinct nip from staging.koreksi_penyetuju
),
jenis as (
    select kode, sasaran, kolom, nilai, per_unit::boolean as per_unit, norm_text(kode) as alias from ref.koreksi_jenis
    union
    select kode, sasaran, kolom, nilai, per_unit::boolean, norm_text(unnest(string_split(aliases, '|')))
    from ref.koreksi_jenis
),
status_aliases as (
    select code, norm_text(unnest(string_split(aliases, '|'))) as alias from ref.attendance_status
    union
    select code, norm_text(code) from ref.attendance_status
),
rating_aliases as (
    select code, norm_text(unnest(string_split(aliases, '|'))) as alias from ref.skp_rating
    union
    select code, norm_text(code) from ref.skp_rating
),
-- every (ASN, ancestor) pair of the nip_atasan chain; `union` stops on a roster with a cycle
ancestors as (
    with recursive chain (nip, ancestor) as (
        select nip, nip_atasan from roster where nip_atasan is not null and nip_atasan <> nip
        union
        select c.nip, r.nip_atasan
        from chain c join roster r on r.nip = c.ancestor
        where r.nip_atasan is not null and r.nip_atasan <> c.nip
    )
    select * from chain
),
typed as (
    select
        r._file_id,
        r._row,
        clean_nip(r.nip)                                          as nip,
        r.unit_layanan,
        r.tanggal,
        r.periode,
        r.yang_dikoreksi,
        r.indikator,
        r.nilai_baru,
        r.alasan,
        r.dasar,
        clean_nip(r.disetujui_oleh)                               as disetujui_oleh,
        r.tanggal_persetujuan,
        nip_lahir(clean_nip(r.nip))                               as nip_lahir,
        nip_tmt(clean_nip(r.nip))                                 as nip_tmt,
        u.slug                                                    as unit_slug,
        parse_tanggal(r.tanggal)                                  as tanggal_date,
        coalesce(parse_periode(r.periode), strftime(parse_tanggal(r.tanggal), '%Y-%m')) as periode_norm,
        parse_tanggal(r.tanggal_persetujuan)                      as tanggal_persetujuan_date,
        j.kode                                                    as jenis,
        j.sasaran,
        j.kolom,
        j.nilai                                                   as nilai_jenis,
        j.per_unit,
        case j.nilai
            when 'status_presensi' then s.code
            when 'jam' then parse_jam(r.nilai_baru)::varchar
            when 'angka' then parse_angka(r.nilai_baru)::varchar
            when 'rating' then g.code
        end                                                       as nilai_norm
    from raw_rows r
    left join staging.unit_aliases u on u.alias = norm_text(r.unit_layanan)
    left join jenis j on j.alias = norm_text(r.yang_dikoreksi)
    left join status_aliases s on j.nilai = 'status_presensi' and s.alias = norm_text(r.nilai_baru)
    left join rating_aliases g on j.nilai = 'rating' and g.alias = norm_text(r.nilai_baru)
),
-- the ASN each row corrects: its nip, or every ASN of its unit but the approver
targets as (
    select t._file_id, t._row, t.nip as target_nip from typed t where t.nip is not null and t.unit_layanan is null
    union all
    select t._file_id, t._row, k.nip
    from typed t join roster k on k.unit_slug = t.unit_slug
    where t.nip is null and t.unit_layanan is not null and k.nip is distinct from t.disetujui_oleh
),
approval as (
    select
        x._file_id,
        x._row,
        count(*)                                                       as targets,
        count(*) filter (where a.ancestor is not null)                 as targets_under_approver
    from targets x
    join typed t using (_file_id, _row)
    left join ancestors a on a.nip = x.target_nip and a.ancestor = t.disetujui_oleh
    group by all
),
facts as (
    -- the fact each row sets: ASN, day or period, column, indicator
    select
        x._file_id, x._row, x.target_nip, t.sasaran,
        case when t.sasaran = 'presensi' then t.tanggal_date::varchar else t.periode_norm end as kapan,
        t.kolom,
        coalesce(case when t.kolom = 'realisasi' then norm_text(t.indikator) end, '')   as indikator_norm,
        t.nilai_norm
    from targets x join typed t using (_file_id, _row)
    where t.kolom is not null and t.nilai_norm is not null
        and (t.tanggal_date is not null or t.sasaran = 'skp')
),
fact_versions as (
    select target_nip, sasaran, kapan, kolom, indikator_norm, count(distinct nilai_norm) as versions
    from facts group by all
),
row_versions as (
    select f._file_id, f._row, max(v.versions) as versions_of_fact
    from facts f
    join fact_versions v using (target_nip, sasaran, kapan, kolom, indikator_norm)
    group by all
),
skp_rows as (
    select nip, periode, norm_text(indikator) as indikator_norm from staging.stg_skp
)
select
    t.*,
    case when t.nip is not null and t.unit_layanan is not null then 'keduanya'
        when t.nip is not null then 'asn'
        when t.unit_layanan is not null then 'unit'
    end                                 as cakupan,
    t.nip is null or k.nip is not null                                                   as nip_in_roster,
    t.unit_layanan is null or t.unit_slug is not null                                    as unit_known,
    not coalesce(t.unit_layanan is not null and t.per_unit is false, false)              as unit_allowed,
    case when t.sasaran = 'presensi' then t.tanggal_date is not null
        when t.sasaran = 'skp' then t.periode_norm is not null
        else true
    end                                                                   as waktu_ok,
    -- `not (a is not distinct from b)`: sqlfluff's DuckDB dialect cannot parse `is distinct from` here
    not (t.kolom is not distinct from 'realisasi') or t.indikator is not null            as indikator_given,
    case when t.sasaran = 'skp' and t.nip is not null and t.periode_norm is not null
            and (t.kolom <> 'realisasi' or t.indikator is not null)
            then exists (
                    select
                        1 from skp_rows s where s.nip = t.nip and s.periode = t.periode_norm
                        and (t.kolom <> 'realisasi' or s.indikator_norm = norm_text(t.indikator))
                )
        else true
    end                                                                   as skp_target_found,
    t.jenis is null or t.nilai_norm is not null                                          as nilai_ok,
    p.nip is not null                                                                    as penyetuju_in_roster,
    (t.disetujui_oleh is not distinct from t.nip) and t.nip is not null                  as penyetuju_is_asn,
    au.nip is not null                                                                   as penyetuju_kepegawaian,
    coalesce(ap.targets > 0 and ap.targets_under_approver = ap.targets, false)           as penyetuju_is_atasan,
    au.nip is not null
    or coalesce(ap.targets > 0 and ap.targets_under_approver = ap.targets, false)    as penyetuju_berwenang,
    t.unit_slug is not null and (p.unit_slug is not distinct from t.unit_slug) and t.nip is null
        as penyetuju_in_unit,
    coalesce(v.versions_of_fact, 1)                                                      as versions_of_fact,
    row_number() over (
        partition by t.nip, t.unit_slug, t.tanggal_date, t.periode_norm, t.kolom, norm_text(t.indikator), t.nilai_norm
        order by t._file_id, t._row
    )                                                     as copy_number
from typed t
left join roster k on k.nip = t.nip
left join roster p on p.nip = t.disetujui_oleh
left join authorised au on au.nip = t.disetujui_oleh
left join approval ap on ap._file_id = t._file_id and ap._row = t._row
left join row_versions v on v._file_id = t._file_id and v._row = t._row
