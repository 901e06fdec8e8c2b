-- skm_respondent_profile: one row per scope (unit | office) per period per profile dimension per
-- category: how many respondents, and their share.
-- grain: scope, scope_id, period, dimensi, kategori
-- materialized: table
--
-- Columns: scope, scope_id, period, period_kind, dimensi ('usia' | 'jenis_kelamin' | 'pendidikan' |
--   'pekerjaan'), kategori (code: slug), kategori_label, urutan (display order), respondents,
--   share_pct (of the scope-period's respondents, 0–100).
-- Rules: PermenPANRB 14/2017 reports the respondents' profile (age, sex, education, occupation).
--   Age bands: data/reference/age_bands.csv (usia_min/usia_maks inclusive, empty = open).
--   Sex, education, occupation: data/reference/skm_profile_labels.csv maps what forms write
--   ('L', 'Laki-laki', 'SLTA') to one category, compared in lower case with single spaces; a value
--   the table does not know is kept as written (its own category) so no respondent drops out; an
--   empty value is 'tidak-diisi'. Respondents stay anonymous: only counts leave this model.
with scoped as (
    select * from marts.skm_response_scopes where scope in ('unit', 'office')
),
responses as (
    select * from staging.stg_skm
),
age_bands as (
    select
        kode, label, try_cast(usia_min as integer) as usia_min, try_cast(usia_maks as integer) as usia_maks,
        urutan::integer as urutan
    from ref.age_bands
),
profile_labels as (
    select dimensi, kode, label, urutan::integer as urutan, norm_text(alias_one) as alias
    from (
        select dimensi, kode, label, urutan, unnest(string_split(alias, '|')) as alias_one
        from ref.skm_profile_labels
    ) l
),
answers as (
    select _file_id, _row, 'usia' as dimensi, usia::varchar as nilai from responses
    union all
    select _file_id, _row, 'jenis_kelamin', jenis_kelamin from responses
    union all
    select _file_id, _row, 'pendidikan', pendidikan from responses
    union all
    select _file_id, _row, 'pekerjaan', pekerjaan from responses
),
categorised as (
    select
        a._file_id, a._row, a.dimensi,
        case
            when nullif(trim(a.nilai), '') is null then 'tidak-diisi'
            when a.dimensi = 'usia' then coalesce(b.kode, 'tidak-diisi')
            else coalesce(l.kode, slugify(a.nilai))
        end                                                                   as kategori,
        case
            when nullif(trim(a.nilai), '') is null then 'Tidak diisi'
            when a.dimensi = 'usia' then coalesce(b.label, 'Tidak diisi')
            else coalesce(l.label, trim(a.nilai))
        end                                                                   as kategori_label,
        case
            when nullif(trim(a.nilai), '') is null then 99
            when a.dimensi = 'usia' then coalesce(b.urutan, 99)
            else coalesce(l.urutan, 90)
        end                                                                   as urutan
    from answers a
    left join age_bands b
        on a.dimensi = 'usia'
            and try_cast(a.nilai as integer) >= coalesce(b.usia_min, -1)
            and try_cast(a.nilai as integer) <= coalesce(b.usia_maks, 1000)
    left join profile_labels l
        on l.dimensi = a.dimensi and l.alias = norm_text(a.nilai)
),
totals as (
    select scope, scope_id, period, count(*) as total from scoped group by all
)
select
    s.scope,
    s.scope_id,
    s.period,
    s.period_kind,
    c.dimensi,
    c.kategori,
    min(c.kategori_label)                                           as kategori_label,
    min(c.urutan)                                                   as urutan,
    count(*)                                                        as respondents,
    round(100.0 * count(*) / any_value(t.total), 2)                 as share_pct
from scoped s
join categorised c using (_file_id, _row)
join totals t using (scope, scope_id, period)
group by s.scope, s.scope_id, s.period, s.period_kind, c.dimensi, c.kategori
