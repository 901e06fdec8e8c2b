-- skm_population: one row per unit-period and office-period with survey respondents: the
-- population N (people served in the period, from layanan/ exports) or the reason it is unknown.
-- grain: scope, scope_id, period
-- materialized: table
--
-- Columns: scope ('unit' | 'office'), scope_id, period, period_kind, period_start, period_months,
--   population (BIGINT; NULL when unknown), population_known, months_covered (months of the period
--   that layanan rows cover), population_note (Bahasa Indonesia, says where N came from or why it is
--   unknown).
-- Rules: Krejcie & Morgan (1970) need N; PermenPANRB 14/2017 samples the people served in the
--   period. A layanan row covers the months of its periode ('YYYY-MM' one, 'YYYY-Qn' three,
--   'YYYY-Sn' six, 'YYYY' twelve). N of a period is the sum of the rows lying inside it, and is known
--   only when those rows cover every month of the period exactly once. Missing months, a row that
--   reaches outside the period (a yearly figure for one month) or months counted twice (a monthly and
--   a quarterly row for the same month) leave N unknown — never guessed or pro-rated.
--   Office: N is the sum over every unit with respondents or layanan rows in the period, known only
--   when each of those units' N is known.
with ikm as (
    select * from marts.skm_ikm
),
layanan as (
    select * from staging.stg_layanan
),
spans as (
    select
        unit_slug,
        jumlah_layanan,
        case
            when regexp_full_match(periode, '\d{4}-(0[1-9]|1[0-2])')
                then make_date(left(periode, 4)::integer, right(periode, 2)::integer, 1)
            when regexp_full_match(periode, '\d{4}-Q[1-4]')
                then make_date(left(periode, 4)::integer, (right(periode, 1)::integer - 1) * 3 + 1, 1)
            when regexp_full_match(periode, '\d{4}-S[12]')
                then make_date(left(periode, 4)::integer, (right(periode, 1)::integer - 1) * 6 + 1, 1)
            when regexp_full_match(periode, '\d{4}')
                then make_date(periode::integer, 1, 1)
        end                                                         as span_start,
        case
            when regexp_full_match(periode, '\d{4}-(0[1-9]|1[0-2])') then 1
            when regexp_full_match(periode, '\d{4}-Q[1-4]') then 3
            when regexp_full_match(periode, '\d{4}-S[12]') then 6
            when regexp_full_match(periode, '\d{4}') then 12
        end                                                         as span_months,
        _file_id,
        _row
    from layanan
    where jumlah_layanan is not null
),
spans_dated as (
    select *, (span_start + to_months(span_months))::date as span_end
    from spans
    where span_start is not null
),
office_periods as (
    select
        scope_id as office_slug, period, period_kind, period_start, period_months,
        (period_start + to_months(period_months))::date as period_end
    from ikm
    where scope = 'office'
),
unit_periods as (
    -- units with respondents in the period, and units that served people in it
    select i.scope_id as unit_slug, o.*
    from ikm i
    join office_periods o using (period)
    where i.scope = 'unit'
    union
    select s.unit_slug, o.*
    from spans_dated s
    join office_periods o on o.period_end > s.span_start and o.period_start < s.span_end
),
span_in_period as (
    select
        u.unit_slug, u.period,
        s.jumlah_layanan, s.span_start, s.span_months,
        s.span_start >= u.period_start and s.span_end <= u.period_end   as inside
    from unit_periods u
    join spans_dated s
        on s.unit_slug = u.unit_slug and s.span_start < u.period_end and s.span_end > u.period_start
),
months_inside as (
    -- distinct months of the period covered by rows lying inside it
    select unit_slug, period, count(distinct span_start + to_months(m)) as months_covered
    from (select *, unnest(range(span_months)) as m from span_in_period where inside) s
    group by all
),
unit_population as (
    select
        u.unit_slug,
        u.office_slug,
        u.period, u.period_kind, u.period_start, u.period_months,
        sum(s.jumlah_layanan) filter (where s.inside)                  as n_inside,
        coalesce(sum(s.span_months) filter (where s.inside), 0)        as months_counted,
        coalesce(any_value(m.months_covered), 0)                       as months_covered,
        count(s.span_start) filter (where not s.inside)                as rows_outside,
        count(s.span_start)                                            as rows_overlapping
    from unit_periods u
    left join span_in_period s using (unit_slug, period)
    left join months_inside m using (unit_slug, period)
    group by all
),
unit_rows as (
    select
        'unit'                                                          as scope,
        unit_slug                                                       as scope_id,
        office_slug,
        period, period_kind, period_start, period_months,
        months_covered,
        months_covered = period_months and months_counted = period_months as population_known,
        case when months_covered = period_months and months_counted = period_months
                then n_inside
        end                                          as population,
        case
            when months_covered = period_months and months_counted = period_months
                then 'jumlah layanan ' || period || ': ' || n_inside || ' orang'
            when rows_overlapping = 0
                then 'populasi tidak diketahui: tidak ada data layanan untuk ' || period
            when months_counted > months_covered
                then 'populasi tidak diketahui: data layanan tumpang tindih (bulan yang sama dilaporkan dua kali)'
            when rows_outside > 0 and months_covered = 0
                then 'populasi tidak diketahui: data layanan hanya tersedia untuk periode yang lebih panjang dari '
                    || period
            else 'populasi tidak diketahui: data layanan hanya mencakup ' || months_covered || ' dari '
                || period_months || ' bulan'
        end                                                             as population_note
    from unit_population
),
office_rows as (
    select
        'office'                                                        as scope,
        u.office_slug                                                   as scope_id,
        u.office_slug,
        u.period, u.period_kind, u.period_start, u.period_months,
        min(months_covered)                                             as months_covered,
        bool_and(population_known)                                      as population_known,
        case when bool_and(population_known) then sum(population) end   as population,
        case when bool_and(population_known)
                then 'jumlah layanan ' || period || ' dari ' || count(*) || ' unit: ' || sum(population) || ' orang'
            else 'populasi tidak diketahui: data layanan tidak lengkap untuk '
                || string_agg(u.scope_id, ', ' order by u.scope_id) filter (where not u.population_known)
        end                                                             as population_note
    from unit_rows u
    group by u.office_slug, u.period, u.period_kind, u.period_start, u.period_months
)
select
    scope, scope_id, period, period_kind, period_start, period_months,
    population, population_known, months_covered, population_note
from unit_rows u
where exists (select 1 from ikm i where i.scope = 'unit' and i.scope_id = u.scope_id and i.period = u.period)
union all
select
    scope, scope_id, period, period_kind, period_start, period_months,
    population, population_known, months_covered, population_note
from office_rows
