-- rekomendasi_unit_fakta: one row per unit per period per fact that a unit-level recommendation
-- rule tests (data/reference/recommendation_rules.csv, cakupan = unit). Long form, like
-- marts.rekomendasi_asn_fakta.
-- materialized: table
--
-- Columns: unit_slug, period (the survey periods: 'YYYY-MM', 'YYYY-Qn', 'YYYY-Sn', 'YYYY'),
--   kriteria, nilai, kode, bukti (evidence in words), bukti_metric_id.
-- Facts (DOMAIN.md §3 and §4):
--   ikm_mutu            the mutu (A–D) of the unit's IKM; nilai = converted IKM (PermenPANRB 14/2017)
--   unsur_mutu_cd       how many unsur have an NRR in a category marked perlu_perhatian in
--                       data/reference/ikm_categories.csv (C and D: NRR < 3.0644); bukti names them
--   tema_keluhan_naik   how many complaint themes grew: more complaints of the theme in the period
--                       than the mean of the three periods before (marts.skm_complaint_themes.is_rising)
with ikm as (
    select * from marts.skm_ikm where scope = 'unit'
),
unsur as (
    select * from marts.skm_unsur_scores where scope = 'unit'
),
themes as (
    select * from marts.skm_complaint_themes where scope = 'unit'
),
facts as (
    select i.scope_id as unit_slug, i.period, 'ikm_mutu' as kriteria, i.ikm_converted::double as nilai,
           i.mutu as kode,
           'IKM ' || replace(printf('%.2f', i.ikm_converted::double), '.', ',') || ' (' || i.mutu || ', '
               || i.kinerja || ') dari ' || i.respondents || ' responden' as bukti,
           'ikm/unit/' || i.scope_id || '/' || i.period as bukti_metric_id
    from ikm i

    union all
    select u.scope_id, u.period, 'unsur_mutu_cd',
           count(*) filter (where u.nrr_perlu_perhatian),
           null,
           coalesce(
               string_agg(u.unsur || ' ' || u.unsur_name || ' NRR '
                          || replace(printf('%.4f', u.nrr_4dp::double), '.', ',') || ' (' || u.nrr_mutu || ')',
                          '; ' order by u.nrr, u.unsur) filter (where u.nrr_perlu_perhatian),
               'semua unsur bermutu A atau B'),
           'nrr/unit-unsur/' || u.scope_id || ':' || lower(first(u.unsur order by u.nrr, u.unsur)) || '/' || u.period
    from unsur u
    group by u.scope_id, u.period

    union all
    select t.scope_id, t.period, 'tema_keluhan_naik',
           count(*) filter (where t.is_rising),
           null,
           coalesce(
               string_agg(t.tema_label || ' ' || t.keluhan || ' keluhan (rata-rata periode sebelumnya '
                          || replace(printf('%.1f', t.previous_mean), '.', ',') || ')',
                          '; ' order by t.keluhan desc, t.tema) filter (where t.is_rising),
               'tidak ada tema keluhan yang naik'),
           null
    from themes t
    where t.is_rising is not null
    group by t.scope_id, t.period
)
select * from facts
