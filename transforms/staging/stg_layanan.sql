-- stg_layanan: services delivered (people served) per unit per period that passed validation.
-- grain: _file_id, _row
-- materialized: table
with prep as (
    select * from staging.prep_layanan
),
quarantined as (
    select distinct file_id, "row" from quarantine.rows where shape = 'layanan'
)
select
    p.unit_slug,
    p.periode_norm          as periode,
    p.jumlah_value::bigint  as jumlah_layanan,
    p._file_id,
    p._row
from prep p
anti join quarantined q on q.file_id = p._file_id and q."row" = p._row
