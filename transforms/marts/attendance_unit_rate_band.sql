-- attendance_unit_rate_band: one row per unit, month and rate band: how many ASN of the unit
-- have a monthly discipline_rate in the band (attendance_asn_month: present / (known workdays −
-- leave days), so leave never moves anyone down a band). Bands: data/reference/
-- attendance_rate_bands.csv, e.g. >= 95 %, the rate the award proposal asks for
-- (recommendation_rules.csv). An ASN with no rate (every known workday on leave) is in no band.
-- grain: unit_slug, period, band
-- materialized: table
with months as (
    select * from marts.attendance_asn_month
),
rate_bands as (
    select band, label, persen_dari::double as dari, persen_sampai::double as sampai, urutan::integer as urutan
    from ref.attendance_rate_bands
),
units as (
    select distinct unit_slug, period from months
)
select
    u.unit_slug,
    u.period,
    b.band,
    b.label,
    b.urutan,
    count(m.nip)    as asn_count
from units u
cross join rate_bands b
left join months m
    on m.unit_slug = u.unit_slug and m.period = u.period
        and m.discipline_rate >= b.dari and m.discipline_rate < b.sampai
group by all
