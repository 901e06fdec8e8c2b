"""The attendance texts of the pages, from hand-built metrics: rankings use the discipline rate,
leave is shown beside it (valid-reason days are rights; PP 94/2021 counts only days without one)."""

from __future__ import annotations

import html
import re

import pytest

OFFICE = "kecamatan-rakumpit"


def metric(name, scope, scope_id, period, value, label=None, unit="%"):
    return (f"{name}/{scope}/{scope_id}/{period}", name, scope, scope_id, period, value, label, unit, "run-test")


@pytest.fixture
def report(warehouse):
    from reports.data import Report
    from transforms.publish import METRICS_DDL

    warehouse.execute(METRICS_DDL)
    p, q = "2026-10", "2026-09"
    facts = [
        metric("discipline_rate", "office", OFFICE, p, 97.5),
        metric("discipline_rate", "office", OFFICE, q, 96.0),
        metric("attendance_rate", "office", OFFICE, p, 88.0),
        metric("leave_days", "office", OFFICE, p, 36, unit="hari"),
        # Panjehang: lowest presence (22 days tugas belajar) but full discipline
        metric("attendance_rate", "unit", "kelurahan-panjehang", p, 77.27),
        metric("discipline_rate", "unit", "kelurahan-panjehang", p, 100.0),
        metric("leave_days", "unit", "kelurahan-panjehang", p, 22, unit="hari"),
        metric("attendance_rate", "unit", "kelurahan-pager", p, 93.0),
        metric("discipline_rate", "unit", "kelurahan-pager", p, 93.0),
        metric("leave_days", "unit", "kelurahan-pager", p, 0, unit="hari"),
        metric("attendance_rate", "unit", "kelurahan-gaung-baru", p, 87.12),
        metric("discipline_rate", "unit", "kelurahan-gaung-baru", p, 96.5),
        metric("leave_days", "unit", "kelurahan-gaung-baru", p, 14, unit="hari"),
    ]
    warehouse.executemany("insert into main.metrics values (?, ?, ?, ?, ?, ?, ?, ?, ?)", facts)
    return Report(warehouse, p)


def text(markup) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", str(markup))).replace("\xa0", " ")


def test_ringkasan_finding_ranks_units_by_discipline_and_shows_leave_beside_it(report):
    from reports.pages import findings

    first = text(findings(report)[0])
    # lowest two by discipline: Pager 93,00 % then Gaung Baru 96,50 % (its 14 leave days beside);
    # Panjehang (presence 77,27 %, all of its absence leave) is not named; below the award's 95 %: Pager
    assert first == (
        "Disiplin kehadiran kantor naik menjadi 97,50 % (bulan sebelumnya 96,00 %). Cuti, sakit, izin dan "
        "tugas belajar (36 hari) adalah hak dan tidak mengurangi angka ini; kehadiran fisik 88,00 %. "
        "Terendah: Kantor Kelurahan Pager 93,00 %, Kantor Kelurahan Gaung Baru 96,50 % (cuti/sakit/izin/"
        "tugas belajar 14 hari, tidak dihitung). Di bawah syarat penghargaan 95 %: Kel. Pager."
    )


def test_unit_bars_title_names_the_lowest_discipline_rate(report):
    from reports.pages import unit_comparison_charts

    bars = unit_comparison_charts(report)[0]
    assert text(bars.title) == "Disiplin kehadiran terendah di Kel. Pager: 93,00 %"
    assert bars.data[0]["y"] == ["Kel. Panjehang", "Kel. Gaung Baru", "Kel. Pager"]  # top = lowest
