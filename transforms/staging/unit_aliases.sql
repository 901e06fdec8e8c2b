-- unit_aliases: one row per way of writing a unit's name (lower case, single spaces).
-- Source: data/reference/units.csv (slug, name, kind, parent, aliases separated by '|').
-- grain: alias
-- materialized: table
with units as (
    select * from ref.units
),
names as (
    select slug, norm_text(name) as alias from units
    union
    select slug, norm_text(slug) from units
    union
    select slug, norm_text(unnest(string_split(aliases, '|'))) from units where aliases is not null
)
select distinct alias, slug from names where alias <> ''
