-- skp_asn_period: one row per ASN per SKP period, with the mean capaian of its indicators,
-- the two ratings, and the predikat kinerja.
-- grain: nip, periode
-- materialized: table
--
-- Columns: nip, nama, jabatan, unit_slug, jenis_asn (from the roster, staging.stg_pegawai),
--   periode, period_kind, indikator_count, indikator_met, indikator_missed,
--   capaian_rata_pct (mean of the indicators' capaian, equal weights; indicators without a
--   capaian are left out), rating_hasil_kerja_atasan (the superior's rating from the export),
--   rating_hasil_kerja_saran (the band of capaian_rata_pct, computed for every ASN-period
--   but used only where the export has no rating), rating_hasil_kerja (the rating used),
--   rating_hasil_kerja_source (atasan | saran_sistem | predikat_organisasi | NULL),
--   rating_hasil_kerja_rank, rating_hasil_kerja_label ('Sesuai ekspektasi (saran sistem)' when
--   suggested, '... (predikat organisasi)' for a head of unit), kepala_unit (the ASN heads their
--   unit, marts.skp_kepala_unit), kepala_unit_dasar, predikat_organisasi (the code of the
--   organisation's predikat of the period's year used as a head's rating, else NULL),
--   kepala_unit_note (for a head: which rating hasil kerja was used and why),
--   rating_perilaku, rating_perilaku_rank, rating_perilaku_label, predikat (code),
--   predikat_rank, predikat_label, predikat_note (why there is no predikat, or that it rests on
--   a suggested rating).
--
-- Periods: an ASN-period is keyed by the period as written in the export ('2026-10',
--   '2026-Q3', '2026'). Months are NOT rolled up into quarters or years: the superior rates
--   each period delivered, and a quarter's rating cannot be derived from three monthly ones.
--   A quarterly or yearly export is its own ASN-period, published by the run of the month
--   that closes it (docs/skp.md, "Periods").
-- Rules:
--   - Ratings (PermenPANRB 6/2022): the superior rates hasil kerja and perilaku kerja as
--     di atas / sesuai / di bawah ekspektasi; the pair repeats on every indicator row of an
--     ASN-period (rows that disagree were quarantined before staging).
--   - Head of a unit (SE Menteri PANRB 3/2023; PermenPANRB 6/2022): when the ASN evaluated leads
--     the organisation, the capaian kinerja of the organisation they lead is their rating hasil
--     kerja. A head (marts.skp_kepala_unit) whose unit has an official predikat for the period's
--     year (marts.skp_predikat_organisasi, status ditetapkan) gets the rating of
--     data/reference/predikat_organisasi_rating.csv (Istimewa -> di atas, Baik -> sesuai, the
--     rest -> di bawah), over the superior's; source 'predikat_organisasi', labelled by
--     data/reference/skp_rating_source.csv. Without an official predikat the head keeps the
--     superior's rating (or the suggestion), and kepala_unit_note says so.
--   - Suggested rating (docs/skp.md): where the export has no hasil-kerja rating, the band of
--     the mean capaian (rounded to 2 decimals, as published) in
--     data/reference/capaian_suggest_bands.csv; always labelled as suggested
--     (data/reference/skp_rating_source.csv), never as the superior's rating.
--   - Predikat (PermenPANRB 6/2022): the cell of data/reference/predikat_matrix.csv for the two
--     ratings; labels and ranks from data/reference/predikat_rank.csv (via marts.skp_predikat).
--     Without a perilaku rating there is no predikat (the matrix needs both); predikat_note says
--     so. A predikat resting on a suggested hasil-kerja rating keeps its plain label by default
--     (the rating's label carries '(saran sistem)'); predikat_label_suffix in
--     data/reference/skp_rating_source.csv marks the predikat too.
with indicators as (
    select * from marts.skp_indicator_capaian
),
pegawai as (
    select nip, nama, jabatan, unit_slug, jenis_asn from staging.stg_pegawai
),
kepala as (
    select nip, kepala_unit, kepala_unit_dasar from marts.skp_kepala_unit
),
organisasi as (
    select unit_slug, tahun, predikat, predikat_label, rating_hasil_kerja_kepala, status
    from marts.skp_predikat_organisasi
),
ratings as (
    select code, label, rank::integer as rank from ref.skp_rating
),
bands as (
    select rating, try_cast(min_pct as double) as min_pct, try_cast(max_pct as double) as max_pct
    from ref.capaian_suggest_bands
),
matrix as (
    select rating_hasil_kerja, rating_perilaku, predikat from ref.predikat_matrix
),
predikat_labels as (
    select predikat, predikat_rank as rank, predikat_label as label from marts.skp_predikat
),
sources as (
    select source, rating_label_suffix, predikat_label_suffix from ref.skp_rating_source
),
asn_period as (
    select
        nip,
        periode,
        any_value(period_kind)                          as period_kind,
        count(*)                                        as indikator_count,
        count(*) filter (where met)                     as indikator_met,
        count(*) filter (where met = false)             as indikator_missed,
        avg(capaian_pct)                                as capaian_rata_pct,
        -- one pair per ASN-period after validation; max() only picks it
        max(rating_hasil_kerja)                         as rating_hasil_kerja_atasan,
        max(rating_perilaku)                            as rating_perilaku
    from indicators
    group by nip, periode
),
suggested as (
    select
        a.nip,
        a.periode,
        first(b.rating order by b.min_pct desc nulls last) as rating_hasil_kerja_saran
    from asn_period a
    join bands b
        on round(a.capaian_rata_pct, 2) >= coalesce(b.min_pct, '-infinity'::double)
            and round(a.capaian_rata_pct, 2) < coalesce(b.max_pct, 'infinity'::double)
    group by a.nip, a.periode
),
heads as (
    -- the heads' ASN-periods with their unit's official predikat of the year (if any)
    select
        a.nip,
        a.periode,
        k.kepala_unit_dasar,
        o.predikat                                                          as predikat_organisasi,
        o.predikat_label                                                    as predikat_organisasi_label,
        o.rating_hasil_kerja_kepala,
        o.status                                                            as predikat_organisasi_status
    from asn_period a
    join kepala k on k.nip = a.nip and k.kepala_unit
    left join pegawai p on p.nip = a.nip
    left join organisasi o on o.unit_slug = p.unit_slug and o.tahun = left(a.periode, 4)
),
rated as (
    select
        a.*,
        s.rating_hasil_kerja_saran,
        h.nip is not null                                                   as kepala_unit,
        h.kepala_unit_dasar,
        case when h.rating_hasil_kerja_kepala is not null then h.predikat_organisasi end as predikat_organisasi,
        h.predikat_organisasi_label,
        h.predikat_organisasi_status,
        coalesce(h.rating_hasil_kerja_kepala, a.rating_hasil_kerja_atasan, s.rating_hasil_kerja_saran)
            as rating_hasil_kerja,
        case
            when h.rating_hasil_kerja_kepala is not null then 'predikat_organisasi'
            when a.rating_hasil_kerja_atasan is not null then 'atasan'
            when s.rating_hasil_kerja_saran is not null then 'saran_sistem'
        end                                                                 as rating_hasil_kerja_source
    from asn_period a
    left join suggested s on s.nip = a.nip and s.periode = a.periode
    left join heads h on h.nip = a.nip and h.periode = a.periode
)
select
    r.nip,
    p.nama,
    p.jabatan,
    p.unit_slug,
    p.jenis_asn,
    r.periode,
    r.period_kind,
    r.indikator_count,
    r.indikator_met,
    r.indikator_missed,
    r.capaian_rata_pct,
    r.rating_hasil_kerja_atasan,
    r.rating_hasil_kerja_saran,
    r.rating_hasil_kerja,
    r.rating_hasil_kerja_source,
    r.kepala_unit,
    r.kepala_unit_dasar,
    r.predikat_organisasi,
    case
        when not r.kepala_unit then null
        when r.rating_hasil_kerja_source = 'predikat_organisasi'
            then 'kepala unit: rating hasil kerja = predikat kinerja organisasi ' || r.predikat_organisasi_label
                || ' tahun ' || left(r.periode, 4) || ' (SE Menteri PANRB 3/2023)'
        else 'kepala unit: predikat organisasi tahun ' || left(r.periode, 4)
            || case r.predikat_organisasi_status
                when 'ganda' then ' tercatat lebih dari satu'
                when 'tidak_dikenal' then ' tidak dikenal'
                else ' belum ditetapkan'
            end
            || ', rating hasil kerja '
            || case r.rating_hasil_kerja_source when 'atasan' then 'dari atasan'
                when 'saran_sistem' then 'saran sistem'
                else 'tidak ada'
            end
    end                                                                 as kepala_unit_note,
    hk.rank                                                             as rating_hasil_kerja_rank,
    -- (concat_ws of nothing is '', not NULL)
    case when hk.label is not null
            then concat_ws(' ', hk.label, nullif(src.rating_label_suffix, ''))
    end as rating_hasil_kerja_label,
    r.rating_perilaku,
    pk.rank                                                             as rating_perilaku_rank,
    pk.label                                                            as rating_perilaku_label,
    m.predikat,
    pl.rank                                                             as predikat_rank,
    case when pl.label is not null
            then concat_ws(' ', pl.label, nullif(src.predikat_label_suffix, ''))
    end as predikat_label,
    case
        when m.predikat is not null and r.rating_hasil_kerja_source = 'saran_sistem'
            then 'predikat dari rating hasil kerja saran sistem, bukan penilaian resmi atasan'
        when m.predikat is not null and r.rating_hasil_kerja_source = 'predikat_organisasi'
            then 'kepala unit: rating hasil kerja dari predikat kinerja organisasi '
                || r.predikat_organisasi_label || ' (SE Menteri PANRB 3/2023)'
        when m.predikat is not null then null
        when r.rating_perilaku is null and r.rating_hasil_kerja is null
            then 'rating hasil kerja dan rating perilaku kosong: predikat tidak ditetapkan'
        when r.rating_perilaku is null
            then 'rating perilaku kosong: predikat tidak ditetapkan'
        when r.rating_hasil_kerja is null
            then 'rating hasil kerja kosong dan capaian tidak dapat dihitung: predikat tidak ditetapkan'
        else 'pasangan rating tidak ada di data/reference/predikat_matrix.csv: predikat tidak ditetapkan'
    end                                                                 as predikat_note
from rated r
left join pegawai p on p.nip = r.nip
left join ratings hk on hk.code = r.rating_hasil_kerja
left join ratings pk on pk.code = r.rating_perilaku
left join sources src on src.source = r.rating_hasil_kerja_source
left join matrix m on m.rating_hasil_kerja = r.rating_hasil_kerja and m.rating_perilaku = r.rating_perilaku
left join predikat_labels pl on pl.predikat = m.predikat
