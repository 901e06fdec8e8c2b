-- skm_complaints: one row per survey response whose saran (suggestion/complaint) has any text:
-- the text as written and what it is — a complaint with its themes, praise, neutral, or "no
-- suggestion".
-- grain: _file_id, _row
-- materialized: table
--
-- Columns: _file_id, _row, tanggal, unit_slug, jenis_layanan, saran (exactly as written; reports
--   must escape it), saran_words (lower case words), jenis_saran ('keluhan' | 'pujian' | 'netral' |
--   'kosong'), tema (list of theme codes, only for keluhan), tema_label (their labels joined),
--   unsur (the unsur the themes relate to, list).
-- Rules (docs/ikm.md, complaints grouped by theme and unsur); vocabulary in
--   data/reference/complaint_themes.csv, column jenis:
--   - the text is cut into lower-case words (anything other than a-z, 0-9 separates words), and so is
--     every keyword; a keyword matches whole words ("lama" does not match "kelamaan"), a keyword
--     ending in '*' matches the start of a word ("antri*" matches "antrian");
--   - kosong: the whole text is one of these phrases ("tidak ada", "-", "nihil") -> not a suggestion;
--   - bukan_keluhan: phrases that contain a complaint word but say the opposite ("tidak ribet",
--     "tanpa antri") are removed before themes are matched, and count as praise;
--   - tema: every theme with a keyword in the text (several themes possible) -> keluhan;
--   - no theme but a negative word (jenis negatif: "kurang", "tidak", "mohon diperbaiki") -> keluhan
--     under the theme whose jenis is 'lainnya';
--   - else a praise word (jenis pujian: "ramah", "terima kasih", "mantap") or a removed
--     bukan_keluhan phrase -> pujian, not a complaint;
--   - else netral (kept here to read, not counted).
with responses as (
    select * from staging.stg_skm
),
themes as (
    select kode, label, jenis, nullif(trim(unsur), '') as unsur, kata_kunci from ref.complaint_themes
),
keywords as (
    select
        kode,
        jenis,
        trim(regexp_replace(lower(replace(keyword, '*', ' ')), '[^a-z0-9]+', ' ', 'g'))  as phrase,
        ends_with(trim(keyword), '*')                                                     as is_prefix
    from (select kode, jenis, unnest(string_split(coalesce(kata_kunci, ''), '|')) as keyword from themes) k
    where trim(regexp_replace(lower(keyword), '[^a-z0-9]+', ' ', 'g')) <> ''
),
fallback as (
    select min(kode) as kode from themes where jenis = 'lainnya'
),
bukan_keluhan as (
    -- one alternation, longest phrase first, matched between word boundaries
    select '\b(' || string_agg(phrase, '|' order by length(phrase) desc, phrase) || ')\b' as pattern
    from keywords
    where jenis = 'bukan_keluhan'
),
texts as (
    select
        r._file_id, r._row, r.tanggal, r.unit_slug, r.jenis_layanan, r.saran,
        trim(regexp_replace(lower(r.saran), '[^a-z0-9]+', ' ', 'g'))  as saran_words
    from responses r
    where r.saran is not null and trim(r.saran) <> ''
),
prepared as (
    select
        t.*,
        ' ' || t.saran_words || ' '                                                    as padded,
        ' ' || trim(regexp_replace(
            regexp_replace(t.saran_words, coalesce(b.pattern, '[^\s\S]'), ' ', 'g'),
            '\s+', ' ', 'g'
        )) || ' '                              as padded_for_themes,
        regexp_matches(t.saran_words, coalesce(b.pattern, '[^\s\S]'))                  as has_bukan_keluhan
    from texts t
    cross join bukan_keluhan b
),
matches as (
    select p._file_id, p._row, k.kode, k.jenis
    from prepared p
    join keywords k
        on (k.jenis = 'kosong' and k.phrase = p.saran_words)
            or (
                k.jenis in ('tema', 'negatif')
                and contains(p.padded_for_themes, ' ' || k.phrase || case when k.is_prefix then '' else ' ' end)
            )
            or (
                k.jenis = 'pujian'
                and contains(p.padded, ' ' || k.phrase || case when k.is_prefix then '' else ' ' end)
            )
),
found as (
    select
        _file_id, _row,
        list(distinct kode order by kode) filter (where jenis = 'tema')   as tema_found,
        bool_or(jenis = 'kosong')                                          as is_kosong,
        bool_or(jenis = 'negatif')                                         as is_negatif,
        bool_or(jenis = 'pujian')                                          as is_pujian
    from matches
    group by all
),
classified as (
    select
        p.*,
        case
            when p.saran_words = '' or coalesce(f.is_kosong, false) then 'kosong'
            when len(coalesce(f.tema_found, [])) > 0 then 'keluhan'
            when coalesce(f.is_negatif, false) then 'keluhan'
            when coalesce(f.is_pujian, false) or p.has_bukan_keluhan then 'pujian'
            else 'netral'
        end                                                                as jenis_saran,
        case
            when p.saran_words = '' or coalesce(f.is_kosong, false) then null
            when len(coalesce(f.tema_found, [])) > 0 then f.tema_found
            when coalesce(f.is_negatif, false) then [(select fb.kode from fallback fb)]
        end                                                                as tema
    from prepared p
    left join found f using (_file_id, _row)
),
labelled as (
    select
        c._file_id, c._row,
        string_agg(t.label, '; ' order by t.kode)                          as tema_label,
        list(distinct t.unsur order by t.unsur) filter (where t.unsur is not null) as unsur
    from (select _file_id, _row, unnest(tema) as kode from classified) c
    join themes t using (kode)
    group by all
)
select
    c._file_id,
    c._row,
    c.tanggal,
    c.unit_slug,
    c.jenis_layanan,
    c.saran,
    c.saran_words,
    c.jenis_saran,
    c.tema,
    l.tema_label,
    l.unsur
from classified c
left join labelled l using (_file_id, _row)
