-- metrics_skp: one row per published SKP number (metrics contract, docs/lineage.md): the
-- capaian of each indicator, the mean capaian, ratings and predikat of each ASN, and per unit
-- and for the whole office the mean capaian, the predikat distribution, missed targets and
-- their obstacles, and the pola distribusi check.
-- grain: metric_id
-- materialized: view
--
-- Columns: metric_id (= metric/scope/scope_id/period), metric, scope, scope_id, period, value,
--   label, unit. Periods are the SKP periods as exported ('2026-10', '2026-Q3', '2026'); the
--   publish step keeps those of the month being run and of the quarter/semester/year it closes.
-- Metrics (scope_id: slugs, composite ids joined with ':'):
--   capaian/indikator/<nip>:<indikator>        %         label Tercapai | Tidak tercapai - <kendala>
--   capaian_rata/asn/<nip>                     %         label 'k dari n indikator tercapai'
--   target_tidak_tercapai/asn/<nip>            indikator
--   rating_hasil_kerja/asn/<nip>               peringkat label e.g. 'Sesuai ekspektasi (saran sistem)'
--   rating_perilaku/asn/<nip>                  peringkat
--   predikat/asn/<nip>                         peringkat label the predikat; value NULL and the
--                                                        reason as label when there is none
--   asn_skp, asn_berpredikat, asn_tanpa_predikat, rating_saran_sistem,
--   predikat_<predikat code>/{unit|office}/<slug>          orang
--   capaian_rata/{unit|office}/<slug>          %
--   target_tidak_tercapai/{unit|office}/<slug> indikator label 'dari n indikator'
--   kendala_share/{unit|office}/<slug>:<kategori>          %  share of the missed targets
--   pola_distribusi/{unit|office}/<slug>       1 sesuai / 0 tidak / NULL not assessed (no
--                                                        organisation predikat); label the
--                                                        guidance and result, or the reason
-- Rules: see the models read below (PermenPANRB 8/2021 capaian, PermenPANRB 6/2022 ratings and
--   predikat, SE Menteri PANRB 3/2023 pola distribusi and heads of units, docs/skp.md
--   kendala). Values rounded to 2 decimals; a
--   category's value is its rank.
with indicators as (
    select * from marts.skp_indicator_capaian
),
asn_periods as (
    select * from marts.skp_asn_period
),
scope_periods as (
    select * from marts.skp_unit_period
),
scope_predikat as (
    select * from marts.skp_unit_predikat
),
scope_kendala as (
    select * from marts.skp_unit_kendala
),
scope_pola as (
    select * from marts.skp_unit_pola_distribusi
),
numbers as (
    -- indicator
    select
        'capaian' as metric, 'indikator' as scope, slugify(nip) || ':' || indikator_slug as scope_id,
        periode as period, round(capaian_pct, 2) as value,
        case when met then 'Tercapai'
            when met = false then 'Tidak tercapai - ' || kendala_label
            else 'Capaian tidak dapat dihitung'
        end as label,
        '%' as unit
    from indicators

    -- ASN
    union all
    select
        'capaian_rata', 'asn', slugify(nip), periode, round(capaian_rata_pct, 2),
        indikator_met || ' dari ' || indikator_count || ' indikator tercapai', '%'
    from asn_periods
    union all
    select
        'target_tidak_tercapai', 'asn', slugify(nip), periode, indikator_missed,
        'dari ' || indikator_count || ' indikator', 'indikator'
    from asn_periods
    union all
    select
        'rating_hasil_kerja', 'asn', slugify(nip), periode, rating_hasil_kerja_rank,
        rating_hasil_kerja_label, 'peringkat'
    from asn_periods
    where rating_hasil_kerja is not null
    union all
    select
        'rating_perilaku', 'asn', slugify(nip), periode, rating_perilaku_rank,
        rating_perilaku_label, 'peringkat'
    from asn_periods
    where rating_perilaku is not null
    union all
    select
        'predikat', 'asn', slugify(nip), periode, predikat_rank,
        coalesce(predikat_label, predikat_note), 'peringkat'
    from asn_periods

    -- unit and office
    union all
    select 'asn_skp', scope, slugify(scope_id), periode, asn_count, null, 'orang'
    from scope_periods
    union all
    select 'asn_berpredikat', scope, slugify(scope_id), periode, asn_berpredikat, null, 'orang'
    from scope_periods
    union all
    select
        'asn_tanpa_predikat', scope, slugify(scope_id), periode, asn_tanpa_predikat,
        'tanpa rating perilaku atau hasil kerja', 'orang'
    from scope_periods
    union all
    select
        'rating_saran_sistem', scope, slugify(scope_id), periode, asn_rating_saran,
        'rating hasil kerja saran sistem (tanpa rating atasan)', 'orang'
    from scope_periods
    union all
    select
        'capaian_rata', scope, slugify(scope_id), periode, round(capaian_rata_pct, 2),
        'rata-rata dari ' || asn_count || ' ASN', '%'
    from scope_periods
    union all
    select
        'target_tidak_tercapai', scope, slugify(scope_id), periode, indikator_missed,
        'dari ' || indikator_count || ' indikator', 'indikator'
    from scope_periods
    union all
    select
        'predikat_' || predikat, scope, slugify(scope_id), periode, asn_count,
        predikat_label, 'orang'
    from scope_predikat
    union all
    select
        'kendala_share', scope, slugify(scope_id) || ':' || slugify(kendala_category), periode,
        round(share_pct, 2),
        kendala_label || ': ' || missed_count || ' dari ' || missed_total || ' target tidak tercapai', '%'
    from scope_kendala
    union all
    select
        'pola_distribusi', scope, slugify(scope_id), periode,
        case when sesuai_pola then 1 when not sesuai_pola then 0 end, keterangan, null
    from scope_pola
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
