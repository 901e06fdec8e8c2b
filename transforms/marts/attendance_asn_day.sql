-- attendance_asn_day: one row per ASN per calendar day of the attendance calendar.
--
-- Rules (Perpres 21/2023 working days and hours; PP 94/2021; docs/attendance.md):
-- * A workday for an ASN is a calendar workday inside the ASN's tmt_mulai..tmt_selesai.
--   A record on a weekend or holiday does not make it a workday.
-- * A month for which the ASN's unit sent no attendance at all (no recap, no scan, not even
--   a quarantined row) is not evidence of absence: its workdays are unknown
--   (source 'unit_tanpa_data'), not TK.
-- * Status: a recap's status wins; a day with scans but no recap row is H; a workday with
--   no record at all is TK (tanpa keterangan); a workday whose only record was quarantined
--   is unknown (status NULL, is_unknown), never TK; so is the day of a row refused because
--   Excel kept its NIP as a number (nip_excel_number), for every ASN that NIP could be.
-- * Times combine recap and scans: earliest check-in, latest check-out.
-- * Minutes late/early are whole minutes rounded down against the schedule of the day
--   (07:30:59 against 07:30 is 0 minutes); lateness within the schedule's grace period
--   (toleransi_menit) counts as 0, beyond it counts from the start.
-- * TL/PSW codes and TPP deduction from data/reference/lateness_bands.csv, keyed by
--   jenis_asn: a present (H) workday with no check-in is TL4-like (the open-ended band),
--   with no check-out PSW4-like. DL and leave days carry no TL/PSW. A TK day deducts the
--   TK band's percentage.
-- * late_early_minutes: the minutes that count towards the PP 94/2021 bands when lateness is
--   converted to days (Penjelasan Pasal 3 angka 11 PP 53/2010: 7.5 hours late or early = 1 day):
--   minutes late + minutes early of a present (H) workday; a missing check-in counts
--   attendance_parameters.menit_tanpa_pindai_masuk, a missing check-out
--   menit_tanpa_pindai_pulang. A present day with no time at all (a recap that gives only the
--   status) counts 0: nothing shows lateness, and the recap says the ASN was present. DL, leave
--   and TK days count 0 (a TK day is a whole day already).
-- * Corrections (koreksi/, docs/attendance.md): the recap is read with the approved corrections
--   over it (marts.presensi_recap_koreksi). A corrected time replaces the recorded one (recap
--   and scans). A day corrected to H keeps the times recorded and takes the day's schedule for
--   those missing (the machine was down; the document says present), so a missing scan counts
--   no lateness and the day is no TK. Whether a unit sent data for a month is judged on the
--   exports alone: a correction never turns a month without data into TK days.
--   dikoreksi: the day was changed by a correction (its rows are in the evidence).
-- grain: nip, tanggal
-- materialized: table
with calendar as (
    select * from marts.attendance_calendar
),
roster as (
    select * from staging.stg_pegawai
),
recap as (
    select * from marts.presensi_recap_koreksi
),
scan_days as (
    select * from marts.attendance_scan_days
),
statuses as (
    select code, present::boolean as present, valid_reason::boolean as valid_reason from ref.attendance_status
),
bands as (
    select
        jenis_asn,
        jenis,
        kode,
        menit_dari::integer         as menit_dari,
        menit_sampai::integer       as menit_sampai,
        potongan_persen::double     as potongan_persen
    from ref.lateness_bands
),
excel_number_keys as (
    -- the thousands an ASN's NIP becomes in a number cell: Excel keeps 15 significant digits of
    -- the 18, rounding to the nearest thousand (a NIP ending in 500 may go either way)
    select nip, (nip::hugeint + 500) // 1000 as thousands from roster where regexp_full_match(nip, '\d{18}')
    union
    select nip, nip::hugeint // 1000 from roster where regexp_full_match(nip, '\d{15}500')
),
quarantined_days as (
    -- ASN-days named by a quarantined attendance row (when its NIP and date could be read)
    select distinct p.nip, p.tanggal_date as tanggal
    from quarantine.rows q
    join staging.prep_presensi_recap p on p._file_id = q.file_id and p._row = q."row"
    where q.shape = 'presensi_recap' and p.nip is not null and p.tanggal_date is not null
    union
    select distinct p.nip, p.tanggal_date
    from quarantine.rows q
    join staging.prep_presensi_scan p on p._file_id = q.file_id and p._row = q."row"
    where q.shape = 'presensi_scan' and p.nip is not null and p.tanggal_date is not null
    union
    -- a NIP Excel kept as a number names no ASN for certain: the day is unknown for every ASN
    -- of the roster it could be, never TK against them
    select distinct r.nip, p.tanggal_date
    from quarantine.rows q
    join (
        select _file_id, _row, nip, tanggal_date, 'presensi_recap' as shape from staging.prep_presensi_recap
        union all
        select _file_id, _row, nip, tanggal_date, 'presensi_scan' from staging.prep_presensi_scan
    ) p
        on p._file_id = q.file_id and p._row = q."row" and p.shape = q.shape
    join excel_number_keys r on r.thousands = excel_number_nip(p.nip) // 1000
    where q.rule = 'nip_excel_number' and p.tanggal_date is not null
),
unit_months_with_data as (
    -- a unit-month is covered when any attendance row of the unit's ASN falls in it
    select distinct r.unit_slug, strftime(f.tanggal, '%Y-%m') as period
    from (
        select nip, tanggal from staging.stg_presensi_recap
        union all
        select nip, tanggal from staging.stg_presensi_scan
        union all
        select nip, tanggal from quarantined_days
    ) f
    join roster r on r.nip = f.nip
),
asn_days as (
    select
        r.nip,
        r.unit_slug,
        r.jenis_asn,
        c.tanggal,
        c.period,
        c.tahun,
        c.jadwal,
        c.jam_masuk                 as jadwal_masuk,
        c.jam_pulang                as jadwal_pulang,
        c.toleransi_menit,
        c.libur,
        c.is_workday
        and (r.tmt_mulai is null or c.tanggal >= r.tmt_mulai)
        and (r.tmt_selesai is null or c.tanggal <= r.tmt_selesai) as is_workday
    from roster r
    cross join calendar c
),
combined as (
    select
        d.*,
        rc.status                                               as recap_status,
        s.scans,
        -- earliest check-in, latest check-out over the recap and the scans
        case
            when rc.jam_masuk_dikoreksi then rc.jam_masuk
            when
                rc.status_dikoreksi and rc.status = 'H'
                then coalesce(least(rc.jam_masuk, s.scan_masuk), d.jadwal_masuk)
            else least(rc.jam_masuk, s.scan_masuk)
        end                                                     as jam_masuk,
        case
            when rc.jam_pulang_dikoreksi then rc.jam_pulang
            when
                rc.status_dikoreksi and rc.status = 'H'
                then coalesce(greatest(rc.jam_pulang, s.scan_pulang), d.jadwal_pulang)
            else greatest(rc.jam_pulang, s.scan_pulang)
        end                                                     as jam_pulang,
        coalesce(rc.status_dikoreksi or rc.jam_masuk_dikoreksi or rc.jam_pulang_dikoreksi, false) as dikoreksi,
        case
            when rc.status is not null and s.scans is not null then 'rekap+scan'
            when rc.status is not null then 'rekap'
            when s.scans is not null then 'scan'
            when qd.nip is not null then 'dikarantina'
            when um.unit_slug is null then 'unit_tanpa_data'
            else 'tanpa_catatan'
        end                                                     as source,
        coalesce(
            rc.status,
            case when s.scans is not null then 'H' end,
            case when qd.nip is null and um.unit_slug is not null and d.is_workday then 'TK' end
        )                                                       as status,
        list_concat(list_concat(
            -- "row" := names a struct field, not a column (sqlfluff reads it as a reference)
            case when rc._file_id is not null then [struct_pack(file_id := rc._file_id, "row" := rc._row)] end,  -- noqa: RF02
            s.evidence
        ), rc.koreksi_evidence)                                 as evidence
    from asn_days d
    left join recap rc on rc.nip = d.nip and rc.tanggal = d.tanggal
    left join scan_days s on s.nip = d.nip and s.tanggal = d.tanggal
    left join quarantined_days qd on qd.nip = d.nip and qd.tanggal = d.tanggal
    left join unit_months_with_data um on um.unit_slug = d.unit_slug and um.period = d.period
),
scan_missing as (
    select
        coalesce(max(nilai::integer) filter (where parameter = 'menit_tanpa_pindai_masuk'), 0)  as no_check_in,
        coalesce(max(nilai::integer) filter (where parameter = 'menit_tanpa_pindai_pulang'), 0) as no_check_out
    from ref.attendance_parameters
),
minutes as (
    select
        c.*,
        c.is_workday and c.status = 'H'                                             as counts_time,
        greatest(0, menit_antara(c.jadwal_masuk, c.jam_masuk))                     as late_raw,
        greatest(0, menit_antara(c.jam_pulang, c.jadwal_pulang))                   as early_raw
    from combined c
)
select
    m.nip,
    m.unit_slug,
    m.jenis_asn,
    m.tanggal,
    m.period,
    m.tahun,
    m.jadwal,
    m.jadwal_masuk,
    m.jadwal_pulang,
    m.libur,
    m.is_workday,
    m.source,
    m.status,
    m.is_workday and m.status is null                                               as is_unknown,
    m.is_workday and coalesce(st.present, false)                                    as is_present,
    m.is_workday and coalesce(m.status = 'TK', false)                               as is_tk,
    m.jam_masuk,
    m.jam_pulang,
    case when m.counts_time and m.jam_masuk is not null
            then case when m.late_raw > m.toleransi_menit then m.late_raw else 0 end
    end   as minutes_late,
    case when m.counts_time and m.jam_pulang is not null then m.early_raw end            as minutes_early,
    case when m.counts_time and (m.jam_masuk is not null or m.jam_pulang is not null)
            then case when m.jam_masuk is null then sm.no_check_in
                    when m.late_raw > m.toleransi_menit then m.late_raw else 0
                end
                + case when m.jam_pulang is null then sm.no_check_out else m.early_raw end
        else 0
    end                                                                 as late_early_minutes,
    tl.kode                                                                         as tl_code,
    psw.kode                                                                        as psw_code,
    coalesce(tl.potongan_persen, 0) + coalesce(psw.potongan_persen, 0)
    + case when m.is_workday and coalesce(m.status = 'TK', false) then coalesce(tk.potongan_persen, 0) else 0 end
        as deduction_pct,
    m.dikoreksi,
    m.evidence
from minutes m
left join statuses st on st.code = m.status
left join bands tl
    on m.counts_time and tl.jenis_asn = m.jenis_asn and tl.jenis = 'TL'
        and (case when m.jam_masuk is null then tl.menit_sampai is null
            else case when m.late_raw > m.toleransi_menit then m.late_raw else 0 end
                between tl.menit_dari and coalesce(tl.menit_sampai, 2147483647)
        end)
left join bands psw
    on m.counts_time and psw.jenis_asn = m.jenis_asn and psw.jenis = 'PSW'
        and (case when m.jam_pulang is null then psw.menit_sampai is null
            else m.early_raw between psw.menit_dari and coalesce(psw.menit_sampai, 2147483647)
        end)
left join bands tk on tk.jenis_asn = m.jenis_asn and tk.jenis = 'TK'
cross join scan_missing sm
