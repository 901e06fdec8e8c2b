-- rekomendasi_unit_fakta: one row per unit per period per fact that a unit-level recommendation
-- rule tests (data/reference/recommendation_rules.csv, cakupan = unit). Long form, like
-- marts.rekomendasi_asn_fakta.
-- grain: unit_slug, period, kriteria
-- materialized: table
--
-- Columns: unit_slug, period (the survey periods: 'YYYY-MM', 'YYYY-Qn', 'YYYY-Sn', 'YYYY'; the
--   compliance facts only months), kriteria, nilai, kode, bukti (evidence in words), bukti_metric_id.
-- Facts (docs/ikm.md, "Perhatian unit"):
--   ikm_mutu                the mutu (A–D) of the unit's IKM; nilai = converted IKM (PermenPANRB 14/2017)
--   ikm_bukti_cukup         1 when the IKM's grade stands on enough evidence: respondents reach the
--                           Krejcie & Morgan (1970) minimum for the unit's N, or the IKM's 95 % interval
--                           lies below the B lower bound (marts.skm_ikm_precision); else 0
--   unsur_mutu_cd           how many unsur are graded C or D (NRR × 25, as the IKM), evidence or not
--   unsur_mutu_cd_terbukti  how many of them stand on enough evidence (sample adequate, or the unsur's
--                           Bonferroni-corrected interval inside C/D: marts.skm_unsur_precision)
--   unsur_mutu_cd_indikasi  how many do not (an "indikasi", shown as a signal)
--   tema_keluhan_naik       how many complaint themes rose beyond chance (conditional binomial test,
--                           Holm across themes; marts.skm_complaint_themes.is_rising)
--   tidak_disurvei_setahun  1 at the last month of a calendar year covered by data when the unit,
--                           which serves the public, had no survey that year (PermenPANRB 14/2017)
--   belum_disurvei          1 from October when such a unit has no survey yet this year (a signal)
with ikm as (
    select * from marts.skm_ikm where scope = 'unit'
),
ikm_precision as (
    select * from marts.skm_ikm_precision where scope = 'unit'
),
unsur as (
    select * from marts.skm_unsur_scores where scope = 'unit'
),
unsur_precision as (
    select * from marts.skm_unsur_precision where scope = 'unit'
),
themes as (
    select * from marts.skm_complaint_themes where scope = 'unit'
),
compliance as (
    select * from marts.skm_survey_compliance
),
parameters as (
    select max(try_cast(nilai as integer)) filter (where parameter = 'survei_tahunan_sinyal_bulan') as signal_month
    from ref.ikm_parameters
),
b_bound as (
    select min(konversi_bawah::decimal(5, 2)) filter (where not perlu_perhatian::boolean) as b_lower
    from ref.ikm_categories
),
unsur_evidence as (
    select
        u.scope_id, u.period, u.unsur, u.unsur_name, u.nrr, u.nrr_converted, u.nrr_mutu, u.nrr_perlu_perhatian,
        coalesce(p.cd_terbukti, false) as cd_terbukti,
        coalesce(p.cd_indikasi, u.nrr_perlu_perhatian) as cd_indikasi,
        p.nrr_ci_high
    from unsur u
    left join unsur_precision p using (scope, scope_id, period, unsur)
),
facts as (
    select
        i.scope_id as unit_slug, i.period, 'ikm_mutu' as kriteria, i.ikm_converted::double as nilai,
        i.mutu as kode,
        'IKM ' || replace(printf('%.2f', i.ikm_converted::double), '.', ',') || ' (' || i.mutu || ', '
        || i.kinerja || ') dari ' || i.respondents || ' responden' as bukti,
        'ikm/unit/' || i.scope_id || '/' || i.period as bukti_metric_id
    from ikm i

    union all
    select
        i.scope_id, i.period, 'ikm_bukti_cukup',
        case when coalesce(p.sample_adequate, false) or coalesce(p.ikm_ci_high < b.b_lower, false) then 1 else 0 end,
        null,
        case
            when coalesce(p.sample_adequate, false) then p.sample_note
            when coalesce(p.ikm_ci_high < b.b_lower, false)
                then 'batas atas interval 95 % ' || replace(printf('%.2f', p.ikm_ci_high::double), '.', ',')
                    || ' di bawah batas mutu B ' || replace(printf('%.2f', b.b_lower::double), '.', ',')
            else coalesce(p.sample_note, 'sampel minimum tidak diketahui') || '; interval 95 % '
                || coalesce(
                    replace(printf('%.2f', p.ikm_ci_low::double), '.', ',') || '–'
                    || replace(printf('%.2f', p.ikm_ci_high::double), '.', ','), 'tidak diketahui'
                )
                || ' mencapai mutu B (' || replace(printf('%.2f', b.b_lower::double), '.', ',') || '): indikasi'
        end,
        'ikm_ci_high/unit/' || i.scope_id || '/' || i.period
    from ikm i
    cross join b_bound b
    left join ikm_precision p using (scope, scope_id, period)

    union all
    select
        u.scope_id, u.period, 'unsur_mutu_cd',
        count(*) filter (where u.nrr_perlu_perhatian),
        null,
        coalesce(
            string_agg(
                u.unsur || ' ' || u.unsur_name || ' ' || replace(printf('%.2f', u.nrr_converted::double), '.', ',')
                || ' (' || u.nrr_mutu || ')', '; ' order by u.nrr, u.unsur
            ) filter (where u.nrr_perlu_perhatian
            ),
            'semua unsur bermutu A atau B'
        ),
        'nrr/unit-unsur/' || u.scope_id || ':' || lower(first(u.unsur order by u.nrr, u.unsur)) || '/' || u.period
    from unsur_evidence u
    group by u.scope_id, u.period

    union all
    select
        u.scope_id, u.period, 'unsur_mutu_cd_terbukti',
        count(*) filter (where u.cd_terbukti),
        null,
        coalesce(
            string_agg(
                u.unsur || ' ' || u.unsur_name || ' ' || replace(printf('%.2f', u.nrr_converted::double), '.', ',')
                || ' (' || u.nrr_mutu || ')', '; ' order by u.nrr, u.unsur
            ) filter (where u.cd_terbukti
            ),
            'tidak ada unsur C/D dengan bukti cukup'
        ),
        'nrr/unit-unsur/' || u.scope_id || ':'
        || lower(coalesce(
            first(u.unsur order by u.nrr, u.unsur) filter (where u.cd_terbukti),
            first(u.unsur order by u.nrr, u.unsur)
        )) || '/' || u.period
    from unsur_evidence u
    group by u.scope_id, u.period

    union all
    select
        u.scope_id, u.period, 'unsur_mutu_cd_indikasi',
        count(*) filter (where u.cd_indikasi),
        null,
        coalesce(
            string_agg(
                u.unsur || ' ' || u.unsur_name || ' ' || replace(printf('%.2f', u.nrr_converted::double), '.', ',')
                || ' (' || u.nrr_mutu || ', batas atas interval '
                || coalesce(replace(printf('%.2f', u.nrr_ci_high::double), '.', ','), 'tidak diketahui') || ')',
                '; ' order by u.nrr, u.unsur
            ) filter (where u.cd_indikasi
            ),
            'tidak ada unsur C/D tanpa bukti cukup'
        ),
        'nrr/unit-unsur/' || u.scope_id || ':'
        || lower(coalesce(
            first(u.unsur order by u.nrr, u.unsur) filter (where u.cd_indikasi),
            first(u.unsur order by u.nrr, u.unsur)
        )) || '/' || u.period
    from unsur_evidence u
    group by u.scope_id, u.period

    union all
    select
        t.scope_id, t.period, 'tema_keluhan_naik',
        count(*) filter (where t.is_rising),
        null,
        coalesce(
            string_agg(
                t.tema_label || ' ' || t.keluhan || ' keluhan dari ' || t.respondents || ' responden (periode '
                || 'sebelumnya ' || t.previous_keluhan || ' dari ' || t.previous_respondents || '; p = '
                || replace(printf('%.4f', t.p_value), '.', ',') || ')',
                '; ' order by t.keluhan desc, t.tema asc
            ) filter (where t.is_rising
            ),
            'tidak ada tema keluhan yang naik melebihi kebetulan'
        ),
        null
    from themes t
    where t.is_rising is not null
    group by t.scope_id, t.period

    union all
    select
        c.unit_slug, c.period, 'tidak_disurvei_setahun', case when c.tidak_disurvei then 1 else 0 end, null,
        c.note, null
    from compliance c
    where c.bulan = 12

    union all
    select
        c.unit_slug, c.period, 'belum_disurvei', case when c.belum_disurvei then 1 else 0 end, null,
        c.note, null
    from compliance c
    cross join parameters k
    where c.bulan >= k.signal_month
)
select * from facts
