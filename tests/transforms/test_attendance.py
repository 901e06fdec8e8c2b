"""Attendance and discipline rules (docs/attendance.md), given rows -> expected rows.

Defaults from data/reference: Mon-Thu 07:30-16:00, Fri 07:30-16:30 (Perpres 21/2023), Ramadan
1447 H (2026-02-19..2026-03-20) 08:00-15:00 / Fri 15:30, grace 0; TL/PSW bands 1-30, 31-60,
61-90, >90 minutes (Permentan 68/2012 example); PP 94/2021 discipline bands.
October 2026 has no national holiday; 2026-08-17 is Proklamasi Kemerdekaan (Monday).
"""

from __future__ import annotations

import csv
import shutil
from datetime import date, timedelta

import pytest

from expectations.reference import load_reference_tables
from helpers import NIP_A, NIP_B, NIP_C, build, empty_staging, given, rows
from transforms.reference import DEFAULT_REFERENCE_DIR

ROSTER = [
    {"nip": NIP_A, "nama": "Agus", "unit_slug": "kelurahan-pager", "jenis_asn": "PNS"},
    {"nip": NIP_B, "nama": "Siti", "unit_slug": "kelurahan-pager", "jenis_asn": "PPPK"},
]


@pytest.fixture
def wh(warehouse):
    empty_staging(warehouse)
    given(warehouse, "staging.stg_pegawai", ROSTER)
    return warehouse


def recap(nip, tanggal, masuk=None, pulang=None, status="H"):
    return {"nip": nip, "tanggal": tanggal, "jam_masuk": masuk, "jam_pulang": pulang, "status": status}


def day(con, nip, tanggal):
    build(con, "marts.attendance_asn_day")
    return rows(
        con,
        "select is_workday, status, minutes_late, tl_code, minutes_early, psw_code, deduction_pct "
        "from marts.attendance_asn_day where nip = ? and tanggal = ?",
        [nip, tanggal],
    )[0]


@pytest.mark.parametrize(
    "masuk,minutes,code",
    [
        ("07:30:59", 0, None),  # rounded down: not late
        ("08:00:59", 30, "TL1"),
        ("08:01:00", 31, "TL2"),
        ("08:30:00", 60, "TL2"),
        ("08:31:00", 61, "TL3"),
        ("09:00:00", 90, "TL3"),
        ("09:01:00", 91, "TL4"),
    ],
)
def test_lateness_band_edges(wh, masuk, minutes, code):
    given(wh, "staging.stg_presensi_recap", [recap(NIP_A, "2026-10-06", masuk, "16:05")])  # a Tuesday
    assert day(wh, NIP_A, "2026-10-06")[:4] == (True, "H", minutes, code)


@pytest.mark.parametrize(
    "pulang,minutes,code",
    [
        ("15:59:01", 0, None),
        ("15:30:00", 30, "PSW1"),
        ("15:29:00", 31, "PSW2"),
        ("15:00:00", 60, "PSW2"),
        ("14:59:00", 61, "PSW3"),
        ("14:30:00", 90, "PSW3"),
        ("14:29:00", 91, "PSW4"),
    ],
)
def test_early_leave_band_edges(wh, pulang, minutes, code):
    given(wh, "staging.stg_presensi_recap", [recap(NIP_A, "2026-10-06", "07:20", pulang)])
    assert day(wh, NIP_A, "2026-10-06")[4:6] == (minutes, code)


def test_friday_ends_at_1630(wh):
    given(
        wh,
        "staging.stg_presensi_recap",
        [
            recap(NIP_A, "2026-10-08", "07:20", "16:15"),  # Thursday: after 16:00
            recap(NIP_A, "2026-10-09", "07:20", "16:15"),  # Friday: 15 minutes early
        ],
    )
    assert day(wh, NIP_A, "2026-10-08")[4:6] == (0, None)
    assert day(wh, NIP_A, "2026-10-09")[4:6] == (15, "PSW1")


def test_ramadan_day_starts_at_0800(wh):
    given(
        wh,
        "staging.stg_presensi_recap",
        [
            recap(NIP_A, "2026-03-02", "08:00:30", "15:00"),  # Monday in Ramadan 1447 H
            recap(NIP_A, "2026-03-03", "08:31:00", "15:00"),
        ],
    )
    assert day(wh, NIP_A, "2026-03-02")[2:6] == (0, None, 0, None)
    assert day(wh, NIP_A, "2026-03-03")[2:4] == (31, "TL2")


def test_holiday_is_not_a_workday_and_a_record_on_it_does_not_make_one(wh):
    given(wh, "staging.stg_presensi_recap", [recap(NIP_A, "2026-08-17", "09:30", "12:00")])
    assert day(wh, NIP_A, "2026-08-17")[:4] == (False, "H", None, None)
    assert rows(
        wh,
        "select is_workday, status, is_tk from marts.attendance_asn_day where nip = ? and tanggal = '2026-08-17'",
        [NIP_B],
    ) == [(False, None, False)]


def test_weekend_is_not_a_workday(wh):
    given(wh, "staging.stg_presensi_recap", [recap(NIP_A, "2026-10-06", "07:20", "16:05")])
    build(wh, "marts.attendance_asn_day")
    assert rows(
        wh, "select is_workday, status from marts.attendance_asn_day where nip = ? and tanggal = '2026-10-10'", [NIP_A]
    ) == [(False, None)]


def test_workday_with_no_record_is_tk_and_leave_is_not(wh):
    given(
        wh,
        "staging.stg_presensi_recap",
        [
            recap(NIP_A, "2026-10-06", "07:20", "16:05"),
            recap(NIP_B, "2026-10-07", status="S"),
            recap(NIP_B, "2026-10-08", status="DL"),
        ],
    )
    build(wh, "marts.attendance_asn_day")
    got = rows(
        wh,
        "select tanggal::varchar, status, is_tk, is_present, deduction_pct from marts.attendance_asn_day "
        "where nip = ? and tanggal between '2026-10-06' and '2026-10-08' order by tanggal",
        [NIP_B],
    )
    assert got == [
        ("2026-10-06", "TK", True, False, 4.0),  # no record at all: TK, 4 %
        ("2026-10-07", "S", False, False, 0.0),  # sakit: a valid reason
        ("2026-10-08", "DL", False, True, 0.0),
    ]  # dinas luar: present, no TL/PSW


def test_single_scan_is_check_in_before_the_midpoint_and_check_out_after(wh):
    # Tuesday 07:30-16:00: midpoint 11:45
    given(
        wh,
        "staging.stg_presensi_scan",
        [
            {"nip": NIP_A, "waktu": "2026-10-06 07:20:00", "tanggal": "2026-10-06"},
            {"nip": NIP_B, "waktu": "2026-10-06 16:10:00", "tanggal": "2026-10-06"},
        ],
    )
    assert day(wh, NIP_A, "2026-10-06")[1:6] == ("H", 0, None, None, "PSW4")  # no check-out
    assert day(wh, NIP_B, "2026-10-06")[1:6] == ("H", None, "TL4", 0, None)  # no check-in


def test_recap_status_wins_and_times_combine_with_scans(wh):
    given(
        wh,
        "staging.stg_presensi_recap",
        [
            recap(NIP_A, "2026-10-06", "07:40", "16:00"),
            recap(NIP_B, "2026-10-06", status="DL"),
        ],
    )
    given(
        wh,
        "staging.stg_presensi_scan",
        [
            {"nip": NIP_A, "waktu": "2026-10-06 07:25:00", "tanggal": "2026-10-06"},
            {"nip": NIP_A, "waktu": "2026-10-06 07:25:00", "tanggal": "2026-10-06"},  # exact duplicate collapses
            {"nip": NIP_A, "waktu": "2026-10-06 15:50:00", "tanggal": "2026-10-06"},
            {"nip": NIP_B, "waktu": "2026-10-06 09:10:00", "tanggal": "2026-10-06"},
        ],
    )
    build(wh, "marts.attendance_asn_day")
    assert rows(
        wh,
        "select nip, status, source, jam_masuk::varchar, jam_pulang::varchar, tl_code, psw_code "
        "from marts.attendance_asn_day where tanggal = '2026-10-06' order by nip",
    ) == [
        (NIP_A, "H", "rekap+scan", "07:25:00", "16:00:00", None, None),
        (NIP_B, "DL", "rekap+scan", "09:10:00", None, None, None),
    ]


def test_day_whose_only_record_was_quarantined_is_unknown_not_tk(wh):
    given(wh, "staging.stg_presensi_recap", [recap(NIP_A, "2026-10-06", "07:20", "16:05")])
    given(
        wh,
        "raw.presensi_recap",
        [
            {
                "_file_id": 9,
                "_row": 5,
                "nip": NIP_B,
                "tanggal": "2026-10-06",
                "jam_masuk": "07:20",
                "jam_pulang": "16:00",
                "status": "X",
            }
        ],
    )
    wh.execute(
        "insert into quarantine.rows values (9, 5, 'presensi_recap', 'status', 'X', 'status_unknown', "
        "'expect_column_values_to_not_be_null', 'kode status tidak dikenal', null)"
    )
    assert day(wh, NIP_B, "2026-10-06")[:2] == (True, None)
    assert rows(
        wh,
        "select is_unknown, is_tk, source from marts.attendance_asn_day where nip = ? and tanggal = '2026-10-06'",
        [NIP_B],
    ) == [(True, False, "dikarantina")]


def test_unit_without_any_export_that_month_is_unknown_not_tk(wh):
    given(
        wh, "staging.stg_pegawai", [{"nip": NIP_C, "nama": "Yohanes", "unit_slug": "kelurahan-sua", "jenis_asn": "PNS"}]
    )
    given(wh, "staging.stg_presensi_recap", [recap(NIP_A, "2026-10-06", "07:20", "16:05")])
    build(wh, "marts.attendance_asn_month")
    assert rows(
        wh,
        "select workdays, tk_days, unknown_days, attendance_rate from marts.attendance_asn_month where nip = ?",
        [NIP_C],
    ) == [(22, 0, 22, None)]


def test_days_outside_tmt_are_not_workdays(wh):
    wh.execute("update staging.stg_pegawai set tmt_mulai = '2026-10-15' where nip = ?", [NIP_B])
    given(wh, "staging.stg_presensi_recap", [recap(NIP_A, "2026-10-06", "07:20", "16:05")])
    build(wh, "marts.attendance_asn_month")
    # October 2026: 22 workdays; from the 15th: 12 (Thu 15, Fri 16, 19-23, 26-30)
    assert rows(wh, "select workdays, tk_days from marts.attendance_asn_month where nip = ?", [NIP_B]) == [(12, 12)]


def test_month_rates_and_deduction(wh):
    # NIP_A in October 2026 (22 workdays): 20 x H on time, 1 x H 45 min late (TL2 1 %), 1 x S
    oct_days = [date(2026, 10, 1) + timedelta(days=i) for i in range(31)]
    workdays = [d for d in oct_days if d.weekday() < 5]
    records = [recap(NIP_A, d.isoformat(), "07:20", "16:35") for d in workdays[:20]]
    records.append(recap(NIP_A, workdays[20].isoformat(), "08:15", "16:35"))
    records.append(recap(NIP_A, workdays[21].isoformat(), status="S"))
    given(wh, "staging.stg_presensi_recap", records)
    build(wh, "marts.attendance_asn_month")
    got = rows(
        wh,
        "select workdays, present_days, s_days, tk_days, tl2, deduction_pct, "
        "round(attendance_rate, 4), round(punctuality_rate, 4) from marts.attendance_asn_month where nip = ?",
        [NIP_A],
    )
    # attendance 21/22 = 95.4545 %; punctuality 20/21 = 95.2381 %
    assert got == [(22, 21, 1, 0, 1, 1.0, 95.4545, 95.2381)]


def test_leave_days_leave_the_discipline_denominator(wh):
    # NIP_A in October 2026 (22 workdays): 3 x C, 2 x S, 1 x TB, 1 x I, 1 x DL, 1 x TK, 13 x H
    workdays = [d for d in (date(2026, 10, 1) + timedelta(days=i) for i in range(31)) if d.weekday() < 5]
    statuses = ["C"] * 3 + ["S"] * 2 + ["TB", "I", "DL", "TK"] + ["H"] * 13
    given(
        wh,
        "staging.stg_presensi_recap",
        [
            recap(NIP_A, d.isoformat(), *(("07:20", "16:35") if st == "H" else (None, None)), status=st)
            for d, st in zip(workdays, statuses, strict=True)
        ],
    )
    build(wh, "marts.attendance_asn_month")
    got = rows(
        wh,
        "select present_days, leave_days, tk_days, round(attendance_rate, 4), round(discipline_rate, 4) "
        "from marts.attendance_asn_month where nip = ?",
        [NIP_A],
    )
    # present = 13 H + 1 DL = 14; leave = 3 + 2 + 1 + 1 = 7; presence 14/22 = 63.6364 %;
    # discipline 14 / (22 - 7) = 93.3333 %: only the TK day lowers it
    assert got == [(14, 7, 1, 63.6364, 93.3333)]


def tk_year(con, nip, n_tk: int, jenis_asn_rows=None):
    """n_tk TK workdays from 2 January 2026, H on every other workday of Jan-Feb 2026."""
    holidays = {r["tanggal"] for r in csv.DictReader(open(DEFAULT_REFERENCE_DIR / "holidays.csv"))}
    d, records, tk = date(2026, 1, 1), [], 0
    while d < date(2026, 3, 1):
        if d.weekday() < 5 and d.isoformat() not in holidays:
            if tk < n_tk:
                records.append(recap(nip, d.isoformat(), status="TK"))
                tk += 1
            else:
                records.append(recap(nip, d.isoformat(), "07:20", "16:40"))
        d += timedelta(days=1)
    given(con, "staging.stg_presensi_recap", records)
    build(con, "marts.attendance_asn_ytd")
    return rows(
        con,
        "select tk_days_ytd, discipline_level, discipline_sanction from marts.attendance_asn_ytd "
        "where nip = ? and period = '2026-02'",
        [nip],
    )[0]


@pytest.mark.parametrize(
    "days,level,sanction",
    [
        (2, None, None),
        (3, "ringan", "teguran lisan"),
        (4, "ringan", "teguran tertulis"),
        (6, "ringan", "teguran tertulis"),
        (7, "ringan", "pernyataan tidak puas secara tertulis"),
        (10, "ringan", "pernyataan tidak puas secara tertulis"),
        (11, "sedang", "pemotongan tunjangan kinerja 25% selama 6 bulan"),
        (13, "sedang", "pemotongan tunjangan kinerja 25% selama 6 bulan"),
        (14, "sedang", "pemotongan tunjangan kinerja 25% selama 9 bulan"),
        (16, "sedang", "pemotongan tunjangan kinerja 25% selama 9 bulan"),
        (17, "sedang", "pemotongan tunjangan kinerja 25% selama 12 bulan"),
        (20, "sedang", "pemotongan tunjangan kinerja 25% selama 12 bulan"),
        (21, "berat", "penurunan jabatan setingkat lebih rendah selama 12 bulan"),
        (24, "berat", "penurunan jabatan setingkat lebih rendah selama 12 bulan"),
        (25, "berat", "pembebasan dari jabatannya menjadi jabatan pelaksana selama 12 bulan"),
        (27, "berat", "pembebasan dari jabatannya menjadi jabatan pelaksana selama 12 bulan"),
        (28, "berat", "pemberhentian dengan hormat tidak atas permintaan sendiri sebagai PNS"),
    ],
)
def test_pp94_discipline_band_edges(wh, days, level, sanction):
    assert tk_year(wh, NIP_A, days) == (days, level, sanction)


PPPK_BERAT = "pemutusan hubungan perjanjian kerja dengan hormat tidak atas permintaan sendiri"


@pytest.mark.parametrize(
    "days,level,sanction",
    [
        # PP 49/2018 has no day counts: PP 94/2021's counts, berat = pemutusan hubungan perjanjian kerja
        (2, None, None),
        (3, "ringan", "teguran lisan"),
        (4, "ringan", "teguran tertulis"),
        (7, "ringan", "pernyataan tidak puas secara tertulis"),
        (11, "sedang", "pemotongan tunjangan kinerja 25% selama 6 bulan"),
        (14, "sedang", "pemotongan tunjangan kinerja 25% selama 9 bulan"),
        (17, "sedang", "pemotongan tunjangan kinerja 25% selama 12 bulan"),
        (20, "sedang", "pemotongan tunjangan kinerja 25% selama 12 bulan"),
        (21, "berat", PPPK_BERAT),
        (25, "berat", PPPK_BERAT),
        (28, "berat", PPPK_BERAT),
    ],
)
def test_pppk_band_at_each_pp94_day_count_with_pp49_sanction(wh, days, level, sanction):
    assert tk_year(wh, NIP_B, days) == (days, level, sanction)


@pytest.mark.parametrize("last_day,run,flag", [("2026-10-15", 9, False), ("2026-10-16", 10, True)])
def test_consecutive_tk_across_a_weekend(wh, last_day, run, flag):
    # TK Mon 5 Oct .. Fri 9 Oct and Mon 12 Oct .. last_day; H on every other October workday
    october = [d for d in (date(2026, 10, 1) + timedelta(days=i) for i in range(31)) if d.weekday() < 5]
    records = [
        recap(NIP_A, d.isoformat(), status="TK")
        if "2026-10-05" <= d.isoformat() <= last_day
        else recap(NIP_A, d.isoformat(), "07:20", "16:40")
        for d in october
    ]
    given(wh, "staging.stg_presensi_recap", records)
    build(wh, "marts.attendance_asn_ytd")
    assert rows(
        wh,
        "select tk_consecutive_max, tk_consecutive_flag from marts.attendance_asn_ytd "
        "where nip = ? and period = '2026-10'",
        [NIP_A],
    ) == [(run, flag)]


def edited_reference(tmp_path, name, edit):
    ref = tmp_path / "reference"
    shutil.copytree(DEFAULT_REFERENCE_DIR, ref)
    path = ref / name
    path.write_text(edit(path.read_text(encoding="utf-8")), encoding="utf-8")
    return ref


def test_an_office_edits_a_band_and_the_numbers_follow(wh, tmp_path):
    given(wh, "staging.stg_presensi_recap", [recap(NIP_A, "2026-10-06", "07:50", "16:05")])  # 20 min late
    assert day(wh, NIP_A, "2026-10-06")[2:4] == (20, "TL1")
    ref = edited_reference(
        tmp_path,
        "lateness_bands.csv",
        lambda t: t.replace("PNS,TL,TL1,1,30,", "PNS,TL,TL1,1,15,").replace("PNS,TL,TL2,31,60,", "PNS,TL,TL2,16,60,"),
    )
    load_reference_tables(wh, ref)
    assert day(wh, NIP_A, "2026-10-06")[2:4] == (20, "TL2")


def test_an_office_adds_a_holiday_and_the_day_stops_being_tk(wh, tmp_path):
    given(wh, "staging.stg_presensi_recap", [recap(NIP_A, "2026-10-07", "07:20", "16:05")])
    assert day(wh, NIP_B, "2026-10-06")[:2] == (True, "TK")
    ref = edited_reference(tmp_path, "holidays.csv", lambda t: t + "2026-10-06,Libur daerah,libur_daerah,Pemkot\n")
    load_reference_tables(wh, ref)
    assert day(wh, NIP_B, "2026-10-06")[:2] == (False, None)


def test_grace_period_from_the_schedule_table(wh, tmp_path):
    ref = edited_reference(tmp_path, "work_schedule.csv", lambda t: t.replace(",60,0,Perpres", ",60,5,Perpres"))
    load_reference_tables(wh, ref)
    given(
        wh,
        "staging.stg_presensi_recap",
        [recap(NIP_A, "2026-10-06", "07:35:59", "16:05"), recap(NIP_A, "2026-10-07", "07:36:00", "16:05")],
    )
    assert day(wh, NIP_A, "2026-10-06")[2:4] == (0, None)  # 5 minutes: within the grace period
    assert day(wh, NIP_A, "2026-10-07")[2:4] == (6, "TL1")  # beyond it: counted from 07:30


def test_metrics_rows_follow_the_contract(wh):
    october = [d for d in (date(2026, 10, 1) + timedelta(days=i) for i in range(31)) if d.weekday() < 5]
    given(wh, "staging.stg_presensi_recap", [recap(NIP_A, d.isoformat(), "07:20", "16:40") for d in october])
    build(wh, "marts.metrics_attendance")
    got = dict((r[0], r[1:]) for r in rows(wh, "select metric_id, value, label, unit from marts.metrics_attendance"))
    assert got[f"attendance_rate/asn/{NIP_A}/2026-10"] == (100.0, None, "%")
    assert got[f"tk_days/asn/{NIP_B}/2026-10"] == (22.0, None, "hari")
    # NIP_B (PPPK) has no record in October: 22 TK days, band 21-24 (rank 7), berat for a PPPK =
    # pemutusan hubungan perjanjian kerja (PP 49/2018); the label names the days behind the band
    assert got[f"discipline_band/asn/{NIP_B}/2026-10"] == (
        7.0,
        "perlu ditindaklanjuti: hukuman disiplin berat (pemutusan hubungan perjanjian kerja dengan hormat tidak atas "
        "permintaan sendiri); TK 22 hari + terlambat/pulang cepat 0 hari = 22 hari",
        "peringkat",
    )
    assert got[f"discipline_band/asn/{NIP_A}/2026-10"] == (0.0, "belum mencapai pita hukuman disiplin", "peringkat")
    assert rows(wh, "select count(*) = count(distinct metric_id) from marts.metrics_attendance") == [(True,)]


def workdays_between(start: date, end: date) -> list[date]:
    """Workdays (Monday-Friday, not in holidays.csv) from start to end inclusive."""
    holidays = {r["tanggal"] for r in csv.DictReader(open(DEFAULT_REFERENCE_DIR / "holidays.csv"))}
    out, d = [], start
    while d <= end:
        if d.weekday() < 5 and d.isoformat() not in holidays:
            out.append(d)
        d += timedelta(days=1)
    return out


def test_leave_never_lowers_the_discipline_rate(wh):
    # NIP_A in October 2026 (22 workdays): 3 x cuti, 2 x sakit, 17 x H on time
    october = workdays_between(date(2026, 10, 1), date(2026, 10, 31))
    statuses = ["C"] * 3 + ["S"] * 2 + ["H"] * 17
    given(
        wh,
        "staging.stg_presensi_recap",
        [
            recap(NIP_A, d.isoformat(), *(("07:20", "16:35") if st == "H" else (None, None)), status=st)
            for d, st in zip(october, statuses, strict=True)
        ],
    )
    build(wh, "marts.attendance_asn_month")
    # presence 17/22 = 77.2727 % (informational); discipline 17 / (22 - 5) = 100 %
    assert rows(
        wh,
        "select leave_days, round(attendance_rate, 4), discipline_rate from marts.attendance_asn_month where nip = ?",
        [NIP_A],
    ) == [(5, 77.2727, 100.0)]


def test_unit_and_office_discipline_rate_pool_the_days_of_their_asn(wh):
    given(
        wh, "staging.stg_pegawai", [{"nip": NIP_C, "nama": "Yohanes", "unit_slug": "kelurahan-sua", "jenis_asn": "PNS"}]
    )
    october = workdays_between(date(2026, 10, 1), date(2026, 10, 31))
    on_time = ("07:20", "16:35")
    records = []
    for i, d in enumerate(october):
        a = "C" if i < 2 else "H"  # NIP_A: 2 cuti, 20 H
        b = "S" if i < 3 else ("TK" if i == 3 else "H")  # NIP_B: 3 sakit, 1 TK, 18 H
        records.append(recap(NIP_A, d.isoformat(), *(on_time if a == "H" else (None, None)), status=a))
        records.append(recap(NIP_B, d.isoformat(), *(on_time if b == "H" else (None, None)), status=b))
        records.append(recap(NIP_C, d.isoformat(), *on_time))  # NIP_C (other unit): 22 H
    given(wh, "staging.stg_presensi_recap", records)
    build(wh, "marts.metrics_attendance")
    got = dict(
        (r[0], r[1:])
        for r in rows(
            wh,
            "select metric_id, round(value, 4), label from marts.metrics_attendance "
            "where metric in ('discipline_rate', 'attendance_rate', 'leave_days')",
        )
    )
    # Pager pooled: present 20 + 18 = 38; known 44; leave 2 + 3 = 5 -> 38 / 39; presence 38 / 44
    assert got["discipline_rate/unit/kelurahan-pager/2026-10"] == (
        97.4359,
        "cuti/sakit/izin/tugas belajar 5 hari (hak, tidak mengurangi)",
    )
    assert got["attendance_rate/unit/kelurahan-pager/2026-10"] == (86.3636, None)
    assert got["leave_days/unit/kelurahan-pager/2026-10"] == (5.0, None)
    # office pooled over both units: (38 + 22) / (39 + 22) = 60 / 61, not a mean of unit rates
    assert got["discipline_rate/office/kecamatan-rakumpit/2026-10"] == (
        98.3607,
        "cuti/sakit/izin/tugas belajar 5 hari (hak, tidak mengurangi)",
    )
    assert got["leave_days/office/kecamatan-rakumpit/2026-10"] == (5.0, None)
    assert got[f"discipline_rate/asn/{NIP_A}/2026-10"] == (
        100.0,
        "cuti/sakit/izin/tugas belajar 2 hari (hak, tidak mengurangi)",
    )
    assert got[f"leave_days/asn/{NIP_B}/2026-10"] == (3.0, "I 0 · S 3 · C 0 · TB 0")


def test_rate_bands_count_asn_by_discipline_rate_not_presence(wh):
    # NIP_A: 5 cuti + 17 H -> presence 77 % but discipline 100 %: band "baik"
    october = workdays_between(date(2026, 10, 1), date(2026, 10, 31))
    given(
        wh,
        "staging.stg_presensi_recap",
        [
            recap(NIP_A, d.isoformat(), *(("07:20", "16:35") if i >= 5 else (None, None)), status="C" if i < 5 else "H")
            for i, d in enumerate(october)
        ],
    )
    build(wh, "marts.attendance_unit_rate_band")
    assert rows(
        wh,
        "select band, asn_count from marts.attendance_unit_rate_band where unit_slug = 'kelurahan-pager' "
        "order by urutan",
    ) == [("baik", 1), ("cukup", 0), ("kurang", 1)]  # NIP_B: no record, 0 %


@pytest.mark.parametrize("last_tk,run,flag", [("2026-01-06", 9, False), ("2026-01-07", 10, True)])
def test_consecutive_tk_run_crosses_new_year_over_workdays_only(wh, last_tk, run, flag):
    # TK from Mon 22 Dec 2025; 25 (Natal) and 26 Dec (cuti bersama) 2025, 1 Jan 2026 and the
    # weekends are skipped: 22, 23, 24, 29, 30, 31 Dec + 2, 5, 6, 7 Jan = 10 workdays
    records = []
    for d in workdays_between(date(2025, 12, 1), date(2026, 1, 30)):
        tk = "2025-12-22" <= d.isoformat() <= last_tk
        records.append(
            recap(NIP_A, d.isoformat(), status="TK") if tk else recap(NIP_A, d.isoformat(), "07:20", "16:40")
        )
    given(wh, "staging.stg_presensi_recap", records)
    build(wh, "marts.metrics_attendance")
    got = rows(
        wh,
        "select period, tk_days_ytd, tk_consecutive_max, tk_consecutive_start::varchar, tk_consecutive_flag "
        "from marts.attendance_asn_ytd where nip = ? order by period",
        [NIP_A],
    )
    assert got == [
        ("2025-12", 6, 6, "2025-12-22", False),
        ("2026-01", run - 6, run, "2025-12-22", flag),
    ]  # the flag shows in the month of the 10th day
    label = rows(
        wh,
        "select label from marts.metrics_attendance where metric_id = ?",
        [f"tk_consecutive_max/asn/{NIP_A}/2026-01"],
    )[0][0]
    assert label == (
        "perlu ditindaklanjuti: hari kerja TK berturut-turut mencapai batas (sejak 22-12-2025)" if flag else None
    )


def ytd_discipline(con, nip, period):
    build(con, "marts.attendance_asn_ytd")
    return rows(
        con,
        "select late_minutes_ytd, late_days_ytd, discipline_days_ytd, discipline_sanction "
        "from marts.attendance_asn_ytd where nip = ? and period = ?",
        [nip, period],
    )[0]


def test_45_minutes_late_every_workday_for_ten_months_is_19_days(wh):
    # January-October 2026: 198 workdays; arrival 45 minutes after the day's start (08:15, in
    # Ramadan 08:45): 198 x 45 = 8,910 minutes; floor(8910 / 450) = 19 days -> band 17-20
    records = []
    for d in workdays_between(date(2026, 1, 1), date(2026, 10, 31)):
        ramadan = date(2026, 2, 19) <= d <= date(2026, 3, 20)
        records.append(recap(NIP_A, d.isoformat(), "08:45" if ramadan else "08:15", "16:40"))
    given(wh, "staging.stg_presensi_recap", records)
    assert ytd_discipline(wh, NIP_A, "2026-10") == (8910, 19, 19, "pemotongan tunjangan kinerja 25% selama 12 bulan")


def three_late_days(con, minutes: tuple[int, int, int], tk: int = 0):
    """October 2026: Tue 6 - Thu 8 late by the given minutes (arrival 07:30 + m), `tk` TK days from
    Mon 12 Oct, H on time on every other workday."""
    late = dict(zip(["2026-10-06", "2026-10-07", "2026-10-08"], minutes, strict=True))
    records, tk_left = [], tk
    for d in workdays_between(date(2026, 10, 1), date(2026, 10, 31)):
        iso = d.isoformat()
        if iso in late:
            m = late[iso]
            records.append(recap(NIP_A, iso, f"{7 + (30 + m) // 60:02d}:{(30 + m) % 60:02d}", "16:35"))
        elif iso >= "2026-10-12" and tk_left:
            records.append(recap(NIP_A, iso, status="TK"))
            tk_left -= 1
        else:
            records.append(recap(NIP_A, iso, "07:20", "16:35"))  # after 16:30: Fridays not early
    given(con, "staging.stg_presensi_recap", records)


@pytest.mark.parametrize(
    "minutes,total,days,sanction",
    [
        ((450, 450, 449), 1349, 2, None),  # floor(1349 / 450) = 2 days: below the first band
        ((450, 450, 450), 1350, 3, "teguran lisan"),  # floor(1350 / 450) = 3 days: teguran lisan
    ],
)
def test_late_minutes_band_edge(wh, minutes, total, days, sanction):
    three_late_days(wh, minutes)
    assert ytd_discipline(wh, NIP_A, "2026-10") == (total, days, days, sanction)


def test_tk_days_and_late_days_add_up_to_the_band(wh):
    # 2 TK days + 450 + 0 + 0 minutes late (1 day) = 3 days: teguran lisan
    three_late_days(wh, (450, 0, 0), tk=2)
    assert ytd_discipline(wh, NIP_A, "2026-10") == (450, 1, 3, "teguran lisan")
    build(wh, "marts.metrics_attendance")
    assert rows(
        wh,
        "select value, label from marts.metrics_attendance where metric_id = ?",
        [f"discipline_band/asn/{NIP_A}/2026-10"],
    ) == [
        (
            1.0,
            "perlu ditindaklanjuti: hukuman disiplin ringan (teguran lisan); "
            "TK 2 hari + terlambat/pulang cepat 1 hari = 3 hari",
        )
    ]


def test_lateness_conversion_switched_off_leaves_the_band_to_tk_days(wh, tmp_path):
    ref = edited_reference(
        tmp_path,
        "attendance_parameters.csv",
        lambda t: t.replace("konversi_terlambat_aktif,1,", "konversi_terlambat_aktif,0,"),
    )
    load_reference_tables(wh, ref)
    three_late_days(wh, (450, 450, 450))
    # the minutes are still counted (information), but no day is added: no band
    assert ytd_discipline(wh, NIP_A, "2026-10") == (1350, 0, 0, None)


def test_minutes_per_day_is_a_reference_parameter(wh, tmp_path):
    ref = edited_reference(
        tmp_path, "attendance_parameters.csv", lambda t: t.replace("menit_per_hari,450,", "menit_per_hari,480,")
    )
    load_reference_tables(wh, ref)
    three_late_days(wh, (450, 450, 450))
    assert ytd_discipline(wh, NIP_A, "2026-10") == (1350, 2, 2, None)  # floor(1350 / 480) = 2


def test_a_missing_scan_counts_the_parameter_minutes(wh):
    # Tuesday 6 Oct 2026: NIP_A only a check-in 07:20 (no check-out: 91 minutes, the PSW4 floor);
    # NIP_B only a check-out 16:10 (no check-in: 91 minutes); Wed 7 Oct: 20 late + 15 early
    given(
        wh,
        "staging.stg_presensi_scan",
        [
            {"nip": NIP_A, "waktu": "2026-10-06 07:20:00", "tanggal": "2026-10-06"},
            {"nip": NIP_B, "waktu": "2026-10-06 16:10:00", "tanggal": "2026-10-06"},
            {"nip": NIP_A, "waktu": "2026-10-07 07:50:00", "tanggal": "2026-10-07"},
            {"nip": NIP_A, "waktu": "2026-10-07 15:45:00", "tanggal": "2026-10-07"},
        ],
    )
    build(wh, "marts.attendance_asn_month")
    assert rows(
        wh,
        "select nip, tanggal::varchar, late_early_minutes from marts.attendance_asn_day "
        "where tanggal between '2026-10-06' and '2026-10-07' and status = 'H' order by nip, tanggal",
    ) == [(NIP_A, "2026-10-06", 91), (NIP_A, "2026-10-07", 35), (NIP_B, "2026-10-06", 91)]
    assert rows(wh, "select late_early_minutes from marts.attendance_asn_month where nip = ?", [NIP_A]) == [(126,)]


def test_a_present_day_with_no_time_at_all_adds_no_minutes(wh):
    # a recap that gives only the status H: no scan is "missing", nothing shows lateness
    given(wh, "staging.stg_presensi_recap", [recap(NIP_A, "2026-10-06", status="H")])
    build(wh, "marts.attendance_asn_day")
    assert rows(
        wh,
        "select status, late_early_minutes from marts.attendance_asn_day where nip = ? and tanggal = '2026-10-06'",
        [NIP_A],
    ) == [("H", 0)]
