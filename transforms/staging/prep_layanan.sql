-- prep_layanan: one row per service-volume row as loaded (raw.layanan): people served by a
-- unit in a month, the population for the SKM sample size (Krejcie & Morgan).
-- Rules: expectations/suites/layanan.json.
-- grain: _file_id, _row
-- materialized: table
with raw_rows as (
    select * from raw.layanan
)
select
    r.*,
    coalesce(u.slug, slugify(r.unit_layanan))   as unit_slug,
    u.slug is not null                          as unit_known,
    parse_periode(r.periode)                    as periode_norm,
    parse_angka(r.jumlah_layanan)               as jumlah_value
from raw_rows r
left join staging.unit_aliases u on u.alias = norm_text(r.unit_layanan)
