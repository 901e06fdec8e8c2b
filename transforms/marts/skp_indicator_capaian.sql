-- skp_indicator_capaian: one row per SKP indicator of an ASN in a period (one row of
-- staging.stg_skp), with its achievement (capaian) and, when the target is missed, the
-- category of the obstacle (kendala) the export names.
-- grain: nip, periode, indikator
-- materialized: table
--
-- Columns: nip, periode (as written in the export: 'YYYY-MM', 'YYYY-Qn', 'YYYY-Sn' or 'YYYY'),
--   period_kind (bulan | triwulan | semester | tahun), rhk, indikator, indikator_slug (unique
--   per nip-periode; the scope_id part of the indicator's metric), aspek, satuan, arah,
--   target_kind (tunggal | rentang), target, target_min, target_max, realisasi,
--   target_acuan (the number realisasi is compared with), capaian_rule (naik | turun |
--   rentang_dalam | rentang_bawah_naik | ... see below), capaian_pct, capaian_floored (the
--   lower-is-better formula went below 0 and was set to 0), met (capaian >= 100 %),
--   kendala (text as written), kendala_category, kendala_label (missed targets only),
--   rating_hasil_kerja, rating_perilaku (codes as exported), _file_id, _row.
--
-- Rule (capaian IKI, PermenPANRB 8/2021; docs/skp.md):
--   naik  (higher is better): capaian = realisasi / target x 100 %
--   turun (lower is better):  capaian = (1 + (1 - realisasi / target)) x 100 %, never below 0 %
--   rentang [min, max]: inside the range -> 100 %; outside, the bound on the side where the
--     realisasi falls (below: min, above: max) is the target of the formula of the indicator's
--     arah (so above the range is > 100 % for naik and < 100 % for turun).
--   A target of 0 never reaches this model (quarantined as target_zero); a range whose
--   bound is 0 on the side the realisasi falls gives no capaian (NULL, capaian_rule says so).
--   Capaian is evidence beside the superior's rating, not a score that overrides it
--   (PermenPANRB 6/2022). No capping above: 130 % is published as 130 %.
-- Kendala: the free text is matched word by word against the keyword aliases of
--   data/reference/kendala_categories.csv; the category with the lowest `priority` among the
--   matches wins (so "belum ikut bimtek aplikasi" is pelatihan, not sarana); text that matches
--   nothing goes to the category whose fallback_for lists unknown_text (lainnya), an empty
--   kendala (or only punctuation, e.g. '-') on a missed target to the one listing empty
--   (tidak-disebut; an office that wants these under lainnya writes 'unknown_text|empty' there).
with indicators as (
    -- the export's rows with the approved corrections over them (marts.skp_koreksi)
    select * from marts.skp_koreksi
),
kendala_categories as (
    select code, label, priority::integer as priority, fallback_for, aliases
    from ref.kendala_categories
),
kendala_keywords as (
    -- ' jaringan internet ' : lower case words between single spaces, so matching is whole words
    select
        code,
        priority,
        ' ' || trim(regexp_replace(lower(keyword), '[^a-z0-9]+', ' ', 'g')) || ' ' as keyword_words
    from (select code, priority, unnest(string_split(aliases, '|')) as keyword from kendala_categories) kc
    where trim(keyword) <> ''
),
with_target as (
    select
        *,
        case
            when regexp_full_match(periode, '\d{4}-\d{2}') then 'bulan'
            when regexp_full_match(periode, '\d{4}-Q[1-4]') then 'triwulan'
            when regexp_full_match(periode, '\d{4}-S[12]') then 'semester'
            when regexp_full_match(periode, '\d{4}') then 'tahun'
        end                                                                     as period_kind,
        case
            when target_kind = 'tunggal' then arah
            when realisasi between target_min and target_max then 'rentang_dalam'
            when realisasi < target_min then 'rentang_bawah_' || arah
            else 'rentang_atas_' || arah
        end                                                                     as capaian_rule,
        case
            when target_kind = 'tunggal' then target
            when realisasi < target_min then target_min
            when realisasi > target_max then target_max
        end                                                                     as target_acuan
    from indicators
),
with_capaian_raw as (
    select
        *,
        case
            when capaian_rule = 'rentang_dalam' then 100.0
            when arah = 'naik' then realisasi / nullif(target_acuan, 0) * 100
            when arah = 'turun' then (1 + (1 - realisasi / nullif(target_acuan, 0))) * 100
        end                                                                     as capaian_raw_pct
    from with_target
),
with_capaian as (
    select
        *,
        -- (not greatest(): it would turn a missing capaian into 0)
        case when capaian_raw_pct < 0 then 0.0 else capaian_raw_pct end         as capaian_pct,
        coalesce(capaian_raw_pct < 0, false)                                    as capaian_floored,
        capaian_raw_pct >= 100                                                  as met,
        ' ' || trim(regexp_replace(lower(coalesce(kendala, '')), '[^a-z0-9]+', ' ', 'g')) || ' '
            as kendala_words
    from with_capaian_raw
),
kendala_matched as (
    -- the best (lowest priority) category whose keyword appears in the text, per row
    select
        i._file_id,
        i._row,
        first(k.code order by k.priority, k.code)                               as code
    from with_capaian i
    join kendala_keywords k on contains(i.kendala_words, k.keyword_words)
    where i.met = false
    group by i._file_id, i._row
),
categorised as (
    select
        i.*,
        case
            when i.met is not false then null
            when m.code is not null then m.code
            when trim(i.kendala_words) = ''
                then (
                    select min(kc.code) from kendala_categories kc
                    where list_contains(string_split(kc.fallback_for, '|'), 'empty')
                )
            else (
                select min(kc.code) from kendala_categories kc
                where list_contains(string_split(kc.fallback_for, '|'), 'unknown_text')
            )
        end                                                                     as kendala_category
    from with_capaian i
    left join kendala_matched m on m._file_id = i._file_id and m._row = i._row
),
slugged as (
    select
        *,
        slugify(indikator)                                                      as base_slug,
        row_number() over (partition by nip, periode, slugify(indikator) order by _file_id, _row)
            as slug_copy
    from categorised
)
select
    s.nip,
    s.periode,
    s.period_kind,
    s.rhk,
    s.indikator,
    -- two indicator texts that slugify alike (rare) still get distinct metric ids
    case when s.slug_copy = 1 then s.base_slug else s.base_slug || '-' || s.slug_copy end
        as indikator_slug,
    s.aspek,
    s.satuan,
    s.arah,
    s.target_kind,
    s.target,
    s.target_min,
    s.target_max,
    s.realisasi,
    s.target_acuan,
    case when s.capaian_pct is null then s.capaian_rule || '_tanpa_capaian' else s.capaian_rule end
        as capaian_rule,
    s.capaian_pct,
    s.capaian_floored,
    s.met,
    s.kendala,
    s.kendala_category,
    k.label                                                                     as kendala_label,
    s.rating_hasil_kerja,
    s.rating_perilaku,
    s._file_id,
    s._row
from slugged s
left join kendala_categories k on k.code = s.kendala_category
