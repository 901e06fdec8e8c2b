-- stg_skp: one row per SKP indicator of an ASN in a period that passed validation.
-- grain: nip, periode, indikator
-- materialized: table
with prep as (
    select * from staging.prep_skp
),
quarantined as (
    select distinct file_id, "row" from quarantine.rows where shape = 'skp'
)
select
    p.nip,
    p.periode_norm              as periode,
    p.rhk,
    p.indikator,
    p.aspek,
    p.satuan,
    p.target_kind,
    p.target_value              as target,
    p.target_min_value          as target_min,
    p.target_max_value          as target_max,
    p.realisasi_value           as realisasi,
    p.arah_code                 as arah,
    p.rating_hasil_kerja_code   as rating_hasil_kerja,
    p.rating_perilaku_code      as rating_perilaku,
    p.kendala,
    p._file_id,
    p._row
from prep p
anti join quarantined q on q.file_id = p._file_id and q."row" = p._row
