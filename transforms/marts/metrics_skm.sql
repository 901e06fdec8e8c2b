-- metrics_skm: one row per published survey (SKM) number (the metrics contract, transforms/publish.py):
-- IKM per office, unit, service type and officer, NRR per unsur, improvement priorities, sample
-- adequacy and uncertainty, complaints by theme and unsur, rising themes, respondent profile.
-- grain: metric_id
-- materialized: view
--
-- Columns: metric_id (= metric/scope/scope_id/period), metric, scope, scope_id, period, value,
--   label, unit. Periods: 'YYYY-MM', 'YYYY-Qn', 'YYYY-Sn', 'YYYY' from the responses' dates; the
--   publish step keeps the month being run and the quarter/semester/year it closes.
-- Metrics (scope_id: slugs; office = root unit of units.csv; layanan = <unit>:<jenis-layanan>;
--   petugas = NIP; composite ids joined with ':'):
--   ikm/{office|unit|layanan|petugas}/<id>          poin      converted IKM 25–100, label mutu A–D
--   ikm_kinerja/{office|unit|layanan|petugas}/<id>  peringkat 4 = A … 1 = D, label kinerja ('Baik')
--   ikm_ni/{office|unit|layanan|petugas}/<id>       poin      IKM 1–4 (4 decimals), label weight scheme
--   responden/{office|unit|layanan|petugas}/<id>    orang
--   ikm_ci_low, ikm_ci_high/{…}/<id>                poin      95 % interval, label the method
--   nrr/{unit-unsur|office-unsur}/<id>:<u1…u9>      poin      NRR (4 decimals), label its mutu
--   prioritas_perbaikan/{unit-unsur|office-unsur}/<id>:<unsur>  peringkat  rank of the NRR (1 =
--                                                   lowest); only the lowest unsur and those in C/D
--   populasi/{unit|office}/<id>                     orang     N from layanan/ (NULL + reason if unknown)
--   min_sample/{unit|office}/<id>                   orang     Krejcie & Morgan (NULL if N unknown)
--   sampel_cukup/{unit|office}/<id>                 1 / 0 (NULL if unknown), label says so
--   ikm_perubahan/{unit|office}/<id>                poin      change from the previous period
--   ikm_perubahan_dalam_ketidakpastian/{unit|office}/<id>  1 within the uncertainty, 0 beyond it
--   keluhan/{unit|office}/<id>                      keluhan   responses whose saran is a complaint
--   pujian/{unit|office}/<id>                       orang     responses whose saran is praise
--   keluhan/{unit-tema|office-tema}/<id>:<tema>     keluhan   per theme (0 included)
--   keluhan_naik/{unit-tema|office-tema}/<id>:<tema> keluhan  only rising themes, label explains
--   keluhan/{unit-unsur|office-unsur}/<id>:<unsur>  keluhan   complaints related to the unsur
--   responden_<dimensi>_<kategori>/{unit|office}/<id>  orang  respondent profile (usia, jenis_kelamin,
--                                                   pendidikan, pekerjaan), label the category
-- Rules: PermenPANRB 14/2017 (IKM, NRR, categories), Krejcie & Morgan (1970); see the models read
--   below and docs/ikm.md. Values as computed there (IKM rounded half-up in exact arithmetic).
with ikm as (
    select * from marts.skm_ikm
),
unsur_scores as (
    select * from marts.skm_unsur_scores where scope in ('unit', 'office')
),
precision_ as (
    select * from marts.skm_ikm_precision
),
complaints as (
    select * from marts.skm_complaints
),
scoped as (
    select * from marts.skm_response_scopes where scope in ('unit', 'office')
),
complaint_themes as (
    select * from marts.skm_complaint_themes
),
complaint_unsur as (
    select * from marts.skm_complaint_unsur
),
profile as (
    select * from marts.skm_respondent_profile
),
saran_counts as (
    select
        s.scope, s.scope_id, s.period,
        count(*) filter (where c.jenis_saran = 'keluhan')   as keluhan,
        count(*) filter (where c.jenis_saran = 'pujian')    as pujian,
        count(*)                                            as respondents
    from scoped s
    left join complaints c using (_file_id, _row)
    group by all
),
numbers as (
    -- IKM of every scope
    select 'ikm' as metric, scope, scope_id, period, ikm_converted as value, mutu as label, 'poin' as unit
    from ikm
    union all
    select 'ikm_kinerja', scope, scope_id, period, peringkat, kinerja, 'peringkat'
    from ikm
    union all
    select 'ikm_ni', scope, scope_id, period, ikm_ni, 'skema bobot ' || weight_scheme, 'poin'
    from ikm
    union all
    select 'responden', scope, scope_id, period, respondents, null, 'orang'
    from ikm
    union all
    select 'ikm_ci_low', scope, scope_id, period, ikm_ci_low, interval_note, 'poin'
    from precision_
    where ikm_ci_low is not null
    union all
    select 'ikm_ci_high', scope, scope_id, period, ikm_ci_high, interval_note, 'poin'
    from precision_
    where ikm_ci_high is not null

    -- unsur
    union all
    select 'nrr', scope || '-unsur', scope_id || ':' || lower(unsur), period, nrr_4dp, nrr_mutu, 'poin'
    from unsur_scores
    union all
    select
        'prioritas_perbaikan', scope || '-unsur', scope_id || ':' || lower(unsur), period, nrr_rank,
        unsur_name || ': ' || concat_ws(
            '; ',
            case when is_lowest then 'NRR terendah' end,
            case when nrr_perlu_perhatian then 'mutu ' || nrr_mutu || ' (' || nrr_kinerja || ')' end
        ),
        'peringkat'
    from unsur_scores
    where is_priority

    -- sample adequacy and change (unit, office)
    union all
    select 'populasi', scope, scope_id, period, population, population_note, 'orang'
    from precision_
    where scope in ('unit', 'office')
    union all
    select
        'min_sample', scope, scope_id, period, min_sample,
        case when min_sample is null then population_note
            else 'Krejcie & Morgan (1970) untuk N = ' || population
        end, 'orang'
    from precision_
    where scope in ('unit', 'office')
    union all
    select
        'sampel_cukup', scope, scope_id, period,
        case when sample_adequate then 1 when not sample_adequate then 0 end, sample_note, null
    from precision_
    where scope in ('unit', 'office')
    union all
    select 'ikm_perubahan', scope, scope_id, period, ikm_change, change_note, 'poin'
    from precision_
    where scope in ('unit', 'office') and previous_period is not null
    union all
    select
        'ikm_perubahan_dalam_ketidakpastian', scope, scope_id, period,
        case when change_within_uncertainty then 1 else 0 end, change_note, null
    from precision_
    where scope in ('unit', 'office') and change_within_uncertainty is not null

    -- complaints
    union all
    select 'keluhan', scope, scope_id, period, keluhan, 'dari ' || respondents || ' responden', 'keluhan'
    from saran_counts
    union all
    select 'pujian', scope, scope_id, period, pujian, 'dari ' || respondents || ' responden', 'orang'
    from saran_counts
    union all
    select 'keluhan', scope || '-tema', scope_id || ':' || slugify(tema), period, keluhan, tema_label, 'keluhan'
    from complaint_themes
    union all
    select
        'keluhan_naik', scope || '-tema', scope_id || ':' || slugify(tema), period, keluhan, rising_note,
        'keluhan'
    from complaint_themes
    where is_rising
    union all
    select 'keluhan', scope || '-unsur', scope_id || ':' || lower(unsur), period, keluhan, unsur_name, 'keluhan'
    from complaint_unsur

    -- respondent profile
    union all
    select
        'responden_' || dimensi || '_' || replace(kategori, '-', '_'), scope, scope_id, period,
        respondents, kategori_label, 'orang'
    from profile
)
select
    metric || '/' || scope || '/' || scope_id || '/' || period  as metric_id,
    metric,
    scope,
    scope_id,
    period,
    value::double                                              as value,
    label,
    unit
from numbers
