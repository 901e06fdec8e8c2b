-- prep_pegawai: one row per roster row as loaded (raw.pegawai), with typed and resolved
-- values beside the text. The rules that judge these values live in
-- expectations/suites/pegawai.json; rows that fail go to quarantine, the rest to stg_pegawai.
-- grain: _file_id, _row
-- materialized: table
with raw_rows as (
    select * from raw.pegawai
),
-- each distinct date text parsed once (a date written in words needs a month-name lookup,
-- costly per row: docs/performance.md)
dates as (
    select tanggal_raw, parse_tanggal(tanggal_raw) as tanggal_date
    from (
        select tmt_mulai as tanggal_raw from raw_rows
        union
        select tmt_selesai from raw_rows
    ) d
),
typed as (
    select
        r._file_id,
        r._row,
        clean_nip(r.nip)                      as nip,
        r.nama,
        r.jabatan,
        r.unit_kerja,
        r.jenis_asn,
        r.golongan,
        clean_nip(r.nip_atasan)               as nip_atasan,
        r.pin,
        r.tmt_mulai,
        r.tmt_selesai,
        nullif(trim(r.kepala_unit), '')       as kepala_unit,
        -- the optional head-of-unit flag: ya/tidak, true/false, 1/0 (any case); anything else
        -- is NULL here and a warning of the suite (the jabatan then decides, docs/skp.md)
        case
            when lower(trim(r.kepala_unit)) in ('ya', 'y', 'true', 't', '1', 'yes') then true
            when lower(trim(r.kepala_unit)) in ('tidak', 'bukan', 'false', 'f', '0', 'no') then false
        end                                   as kepala_unit_flag,
        nip_lahir(clean_nip(r.nip))           as nip_lahir,
        nip_tmt(clean_nip(r.nip))             as nip_tmt,
        j.code                                as jenis_asn_code,
        dm.tanggal_date                       as tmt_mulai_date,
        ds.tanggal_date                       as tmt_selesai_date,
        coalesce(u.slug, slugify(r.unit_kerja)) as unit_slug,
        u.slug is not null                    as unit_known
    from raw_rows r
    left join (
        select code, norm_text(unnest(string_split(aliases, '|'))) as alias from ref.jenis_asn
    ) j on j.alias = norm_text(r.jenis_asn)
    left join staging.unit_aliases u on u.alias = norm_text(r.unit_kerja)
    left join dates dm on dm.tanggal_raw = r.tmt_mulai
    left join dates ds on ds.tanggal_raw = r.tmt_selesai
)
select
    *,
    -- the same NIP twice: an exact copy (same content) or a conflict (different content)
    row_number() over (
        partition by
            nip, nama, jabatan, unit_kerja, jenis_asn, golongan, nip_atasan, pin, tmt_mulai, tmt_selesai,
            kepala_unit
        order by _file_id, _row
    )                                                   as copy_number,
    count(distinct hash(
        nama, jabatan, unit_kerja, jenis_asn, golongan, nip_atasan, pin, tmt_mulai, tmt_selesai,
        kepala_unit
    ))
        over (partition by nip)                                                    as versions_of_key,
    case when pin is not null then count(distinct nip) over (partition by trim(pin)) end as pin_holders
from typed
