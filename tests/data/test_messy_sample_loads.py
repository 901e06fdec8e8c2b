"""`pantau sample --messy` through ingest and validation: every injected defect is caught
with the right rule, nothing else is, and per file rows read = loaded + quarantined, with the
data rows counted here from the files themselves (not by the loader)."""

from __future__ import annotations

import csv
import io
import json

import pytest

from data.sample import generate
from expectations.summary import file_counts
from expectations.validate import validate_warehouse
from helpers import AS_OF
from transforms.ingest import ingest_inbox


def count_data_rows(path) -> int:
    """Non-empty rows after the header, by the csv module or openpyxl (header = first row
    with two or more non-empty cells)."""
    if path.suffix == ".xlsx":
        from openpyxl import load_workbook

        records = [
            [("" if v is None else str(v)) for v in row]
            for row in load_workbook(path, read_only=True).worksheets[0].iter_rows(values_only=True)
        ]
    else:
        text = path.read_bytes().decode("utf-8-sig")
        first = next(line for line in text.splitlines() if line.strip())
        records = list(
            csv.reader(io.StringIO(text, newline=""), delimiter=";" if first.count(";") > first.count(",") else ",")
        )
    non_empty = [r for r in records if any(cell.strip() for cell in r)]
    return len(non_empty) - 1  # the header


@pytest.fixture(scope="module")
def messy_run(tmp_path_factory, request):
    from expectations.reference import load_reference_tables
    from transforms.warehouse import connect

    inbox = tmp_path_factory.mktemp("messy")
    generate(inbox, employees=30, months=3, end="2026-10", seed=5, messy=True)
    con = connect(":memory:")
    load_reference_tables(con)
    reports = ingest_inbox(con, inbox)
    validate_warehouse(con, AS_OF)
    yield inbox, con, reports
    con.close()


def test_every_file_loads(messy_run):
    _, _, reports = messy_run
    assert [r.path for r in reports if r.action != "loaded"] == []


def test_quarantine_is_exactly_the_injected_defects(messy_run):
    inbox, con, _ = messy_run
    manifest = json.loads((inbox / ".manifest.json").read_text())
    expected = {(d["file"], d["row"], d["rule"]) for d in manifest}
    got = set(
        con.execute(
            'select f.path, q."row", q.rule from quarantine.rows q join lineage.files f using (file_id)'
        ).fetchall()
    )
    assert len(expected) >= 10
    assert got == expected


def test_rows_read_equal_loaded_plus_quarantined_counted_from_the_files(messy_run):
    inbox, con, _ = messy_run
    counts = file_counts(con)
    assert counts
    for c in counts:
        assert c.rows_read == count_data_rows(inbox / c.path), c.path
        assert c.rows_read == c.rows_loaded + c.rows_quarantined, c.path
