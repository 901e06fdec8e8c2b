"""Parsing macros: text as offices type it -> typed values, or NULL when unreadable."""

from __future__ import annotations

from datetime import date, datetime, time

import pytest

from transforms.models import install_macros


@pytest.fixture
def sql(warehouse):
    install_macros(warehouse)
    return lambda expr: warehouse.execute(f"select {expr}").fetchall()[0][0]


@pytest.mark.parametrize(
    "text",
    [
        "2026-10-01",
        "01/10/2026",
        "1/10/2026",
        "1 Oktober 2026",
        "1 okt 2026",
        "01-10-2026",
        "1 October 2026",
        "October 1, 2026",
        "Oct. 1 2026",
    ],
)
def test_dates_in_every_office_format(sql, text):
    assert sql(f"parse_tanggal('{text}')") == date(2026, 10, 1)


@pytest.mark.parametrize(
    "text", ["31/02/2026", "30 Februari 2026", "February 30, 2026", "2026-13-01", "kemarin", "Oktober, 2026"]
)
def test_impossible_dates_are_null(sql, text):
    assert sql(f"parse_tanggal('{text}')") is None


def test_times_with_dot_or_colon(sql):
    assert sql("parse_jam('07.31')") == time(7, 31)
    assert sql("parse_jam('7:05:59')") == time(7, 5, 59)
    assert sql("parse_jam('25:99')") is None


def test_scan_timestamps(sql):
    assert sql("parse_waktu('2026-10-01 07:24:13')") == datetime(2026, 10, 1, 7, 24, 13)
    assert sql("parse_waktu('01/10/2026 07.24')") == datetime(2026, 10, 1, 7, 24)


@pytest.mark.parametrize("text,value", [("1.250,5", 1250.5), ("3,5", 3.5), ("75%", 75.0), ("12", 12.0), ("-", None)])
def test_indonesian_numbers(sql, text, value):
    assert sql(f"parse_angka('{text}')") == value


def test_nip_date_parts(sql):
    assert sql("nip_lahir('198503122010011001')") == date(1985, 3, 12)
    assert sql("nip_tmt('198503122010011001')") == date(2010, 1, 1)
    assert sql("nip_lahir('198502302010011001')") is None  # 30 February
    assert sql("nip_tmt('198503122010131001')") is None  # month 13
    assert sql("clean_nip('19850312 201001 1 001')") == "198503122010011001"


@pytest.mark.parametrize(
    "text,period",
    [("2026-10", "2026-10"), ("10/2026", "2026-10"), ("2026-Q3", "2026-Q3"), ("2026", "2026"), ("2026-S1", "2026-S1")],
)
def test_periods(sql, text, period):
    assert sql(f"parse_periode('{text}')") == period
