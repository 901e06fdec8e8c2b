-- stg_pegawai: one row per ASN of the roster that passed validation (typed).
-- Rows that failed a rule of expectations/suites/pegawai.json are in quarantine.rows.
-- kepala_unit: the roster's optional head-of-unit flag (true / false / NULL when the column is
--   absent, empty or unreadable); marts.skp_kepala_unit decides who heads a unit.
-- grain: nip
-- materialized: table
with prep as (
    select * from staging.prep_pegawai
),
quarantined as (
    select distinct file_id, "row" from quarantine.rows where shape = 'pegawai'
)
select
    p.nip,
    p.nama,
    p.jabatan,
    p.unit_slug,
    p.unit_kerja                  as unit_kerja_as_written,
    p.jenis_asn_code              as jenis_asn,
    p.golongan,
    p.nip_atasan,
    trim(p.pin)                   as pin,
    p.tmt_mulai_date              as tmt_mulai,
    p.tmt_selesai_date            as tmt_selesai,
    p.kepala_unit_flag            as kepala_unit,
    p._file_id,
    p._row
from prep p
anti join quarantined q on q.file_id = p._file_id and q."row" = p._row
