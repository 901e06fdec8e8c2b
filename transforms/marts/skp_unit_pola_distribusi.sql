-- skp_unit_pola_distribusi: one row per unit (or office) per SKP period that has staff with a
-- predikat, checking the distribution of its staff's predikat against the pola distribusi for
-- the organisation's predikat. Informational only: the guidance is never enforced and changes
-- no predikat.
-- grain: scope, scope_id, periode
-- materialized: table
--
-- Columns: scope, scope_id, periode, tahun, pola (the organisation's predikat the guidance is
--   read for; NULL when the office has not entered it), pola_label, dinilai (the check was
--   made), asn_berpredikat (the staff counted: ASN of the scope with a predikat, its head
--   left out), kepala_dikecualikan (heads left out), sesuai_pola (all rules of the pola hold; NULL when not assessed),
--   pedoman (the guidance text), tidak_terpenuhi (the rules that do not hold, with the share
--   found), keterangan (one sentence for the metric label).
-- Rule: pola distribusi of SE Menteri PANRB 3/2023 (Tata Cara Penetapan Predikat Kinerja
--   Pegawai ASN; the SE implements Pasal 24-25 of PermenPANRB 6/2022), every row and bound of it
--   as rules in data/reference/pola_distribusi.csv: batas 'maks' (share <= persen), 'min'
--   (share >= persen), 'ada' (at least one ASN), over the predikat listed (a|b = counted
--   together). Shares are of the ASN of the scope with a predikat, compared exactly
--   (count x 100 against persen x ASN, no rounding at the bound). The pola guides the leader
--   in rating the staff below them (SE 3/2023), so the head of the unit (marts.skp_kepala_unit)
--   is not counted in the unit they lead: a Lurah counts in the office (the kecamatan, whose
--   Camat rates them), not in their kelurahan; the Camat counts in neither.
--   The organisation's predikat is an input, set yearly (marts.skp_predikat_organisasi over
--   data/reference/predikat_organisasi.csv, one row per unit slug and year; the root unit's row
--   is the kecamatan's and also holds for the office scope). There is no default: without a row
--   the unit gets "predikat organisasi belum ditetapkan: pola distribusi tidak dinilai", never a
--   flag. A code that is not in data/reference/predikat_organisasi_rating.csv, or two different
--   predikat for one unit-year, are not assessed either, with the reason.
with scope_asn as (
    -- the staff of each scope-period with a predikat, without the scope's own head
    select
        s.scope, s.scope_id, s.periode, a.predikat, coalesce(a.kepala_unit, false) and a.unit_slug = s.scope_id
            as is_head
    from marts.skp_asn_scope s
    join marts.skp_asn_period a on a.nip = s.nip and a.periode = s.periode
    where a.predikat is not null
),
staff as (
    select scope, scope_id, periode, predikat from scope_asn where not is_head
),
rules as (
    select
        pola, urutan::integer as urutan, string_split(predikat, '|') as predikat_list,
        batas, try_cast(persen as double) as persen, teks
    from ref.pola_distribusi
),
organisasi as (
    select * from marts.skp_predikat_organisasi
),
scope_periods as (
    select
        scope, scope_id, periode, left(periode, 4) as tahun,
        count(*) filter (where not is_head)                  as asn_berpredikat,
        count(*) filter (where is_head)                      as kepala_dikecualikan
    from scope_asn
    group by scope, scope_id, periode
    having count(*) filter (where not is_head) > 0
),
chosen as (
    select
        sp.*,
        o.predikat_entered,
        o.status                                    as predikat_status,
        o.predikat                                  as pola,
        o.predikat_label                            as pola_label
    from scope_periods sp
    left join organisasi o on o.unit_slug = sp.scope_id and o.tahun = sp.tahun
),
rule_checks as (
    select
        c.scope, c.scope_id, c.periode, c.pola, c.asn_berpredikat,
        r.urutan, r.teks, r.batas, r.persen,
        count(d.predikat)                                   as asn_count,
        count(d.predikat) * 100.0 / c.asn_berpredikat       as share_pct
    from chosen c
    join rules r on r.pola = c.pola
    left join staff d
        on d.scope = c.scope and d.scope_id = c.scope_id and d.periode = c.periode
            and list_contains(r.predikat_list, d.predikat)
    group by c.scope, c.scope_id, c.periode, c.pola, c.asn_berpredikat, r.urutan, r.teks, r.batas, r.persen
),
checked as (
    select
        *,
        case batas
            when 'maks' then asn_count * 100 <= persen * asn_berpredikat
            when 'min' then asn_count * 100 >= persen * asn_berpredikat
            when 'ada' then asn_count > 0
        end as terpenuhi
    from rule_checks
),
per_scope as (
    select
        scope, scope_id, periode,
        bool_and(terpenuhi)                                          as sesuai_pola,
        string_agg(teks, '; ' order by urutan)                       as pedoman,
        string_agg(case when not terpenuhi then
                teks || case when batas = 'ada' then ' (tidak ada)'
                    else ' (' || replace(format('{:.1f}', share_pct), '.', ',') || ' %)'
                end
        end, '; ' order by urutan)                        as tidak_terpenuhi
    from checked
    group by scope, scope_id, periode
)
select
    c.scope,
    c.scope_id,
    c.periode,
    c.tahun,
    c.pola,
    c.pola_label,
    p.sesuai_pola is not null                                        as dinilai,
    c.asn_berpredikat,
    c.kepala_dikecualikan,
    p.sesuai_pola,
    p.pedoman,
    p.tidak_terpenuhi,
    case
        when p.sesuai_pola is not null
            then
                'Pola distribusi untuk predikat organisasi ' || c.pola_label || ': ' || p.pedoman || '. '
                || case when p.sesuai_pola then 'Sesuai pola.' else 'Tidak sesuai: ' || p.tidak_terpenuhi || '.' end
                || ' (informatif)'
        when c.predikat_entered is null
            then
                'Predikat organisasi belum ditetapkan: pola distribusi tidak dinilai'
        when c.predikat_status = 'ganda'
            then
                'Predikat organisasi '
                || c.tahun
                || ' tercatat lebih dari satu di data/reference/predikat_organisasi.csv: '
                || 'pola distribusi tidak dinilai'
        when c.pola is not null
            then
                'Tidak ada aturan untuk predikat organisasi ' || c.pola_label
                || ' di data/reference/pola_distribusi.csv: pola distribusi tidak dinilai'
        else
            'Predikat organisasi ''' || c.predikat_entered || ''' tidak dikenal (lihat '
            || 'data/reference/predikat_organisasi_rating.csv): pola distribusi tidak dinilai'
    end                                                              as keterangan
from chosen c
left join per_scope p on p.scope = c.scope and p.scope_id = c.scope_id and p.periode = c.periode
