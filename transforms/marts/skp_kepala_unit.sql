-- skp_kepala_unit: one row per ASN of the roster, saying whether the ASN heads their unit and
-- on what basis.
-- grain: nip
-- materialized: table
--
-- Columns: nip, unit_slug, jabatan, kepala_unit (boolean), kepala_unit_dasar ('kolom
--   kepala_unit' | 'jabatan' | NULL), kepala_unit_aturan (the row of the patterns table that
--   decided, or the flag as read).
-- Rule: SE Menteri PANRB 3/2023 (with PermenPANRB 6/2022): when the ASN evaluated leads the
--   organisation, the organisation's performance is their rating hasil kerja
--   (marts.skp_asn_period). Who leads a unit:
--   1. the roster's optional kepala_unit column (ya/tidak, true/false, 1/0) when it is filled:
--      it wins either way, so an office can correct a jabatan the patterns misread;
--   2. otherwise the jabatan, against the patterns of data/reference/kepala_unit_jabatan.csv in
--      `urutan` order, the first match deciding: excluded titles first (Kepala Seksi, Kepala Sub
--      Bagian, ... are not heads), then (Plt./Plh.) Camat, Lurah, and 'Kepala {unit}' where {unit}
--      is the name or an alias of the ASN's own unit in data/reference/units.csv, as whole words
--      ({unit} ends a pattern);
--   3. no match: not a head.
--   The jabatan is matched in lower case with every run of other characters turned into one
--   space ('Plt. Lurah Pager' -> 'plt lurah pager').
with pegawai as (
    select
        nip, unit_slug, jabatan, kepala_unit as kepala_unit_flag,
        trim(regexp_replace(lower(coalesce(jabatan, '')), '[^a-z0-9]+', ' ', 'g')) as jabatan_words
    from staging.stg_pegawai
),
patterns as (
    -- '{unit}' ends a pattern: the text before it is a regular expression, and what follows
    -- it in the jabatan must begin with one of the unit's names as whole words
    select
        urutan::integer                                                    as urutan,
        try_cast(kepala as boolean)                                        as kepala,
        keterangan,
        contains(pola, '{unit}')                                           as needs_unit,
        case when contains(pola, '{unit}') then split_part(pola, '{unit}', 1) else pola end as regex
    from ref.kepala_unit_jabatan
),
unit_names as (
    select distinct slug, trim(regexp_replace(lower(name), '[^a-z0-9]+', ' ', 'g')) as name_words
    from (
        select slug, unnest(list_prepend(name, string_split(coalesce(aliases, ''), '|'))) as name
        from ref.units
    ) u
    where trim(regexp_replace(lower(name), '[^a-z0-9]+', ' ', 'g')) <> ''
),
jabatan_matches as (
    -- each distinct jabatan against each pattern once (a roster repeats its titles; the
    -- patterns are data, so each match compiles its expression)
    select
        j.jabatan_words, t.urutan, t.kepala, t.keterangan, t.needs_unit,
        case when t.needs_unit then trim(regexp_replace(j.jabatan_words, t.regex, '')) end as rest
    from (select distinct jabatan_words from pegawai) j
    join patterns t on regexp_matches(j.jabatan_words, t.regex)
),
matches as (
    select p.nip, m.urutan, m.kepala, m.keterangan
    from pegawai p
    join jabatan_matches m on m.jabatan_words = p.jabatan_words and not m.needs_unit
    union all
    select distinct p.nip, m.urutan, m.kepala, m.keterangan
    from pegawai p
    join jabatan_matches m on m.jabatan_words = p.jabatan_words and m.needs_unit
    join unit_names u on u.slug = p.unit_slug
    where m.rest = u.name_words or starts_with(m.rest, u.name_words || ' ')
),
first_match as (
    select nip, arg_min(kepala, urutan) as kepala, arg_min(keterangan, urutan) as keterangan
    from matches
    group by nip
)
select
    p.nip,
    p.unit_slug,
    p.jabatan,
    coalesce(p.kepala_unit_flag, m.kepala, false)                         as kepala_unit,
    case when p.kepala_unit_flag is not null then 'kolom kepala_unit'
        when m.kepala is not null then 'jabatan'
    end                     as kepala_unit_dasar,
    case when p.kepala_unit_flag then 'kolom kepala_unit: ya'
        when p.kepala_unit_flag = false then 'kolom kepala_unit: tidak'
        else m.keterangan
    end                                            as kepala_unit_aturan
from pegawai p
left join first_match m on m.nip = p.nip
