"""Fixtures shared by every test: a fresh in-memory warehouse with the reference tables."""
from __future__ import annotations

import os

import pytest

os.environ.setdefault("DO_NOT_TRACK", "1")


@pytest.fixture
def warehouse():
    from transforms.reference import load_reference_tables
    from transforms.warehouse import connect

    con = connect(":memory:")
    load_reference_tables(con)
    yield con
    con.close()
