"""Fixtures shared by every test: a fresh in-memory warehouse with the reference tables."""

from __future__ import annotations

import os

import pytest

os.environ.setdefault("DO_NOT_TRACK", "1")


@pytest.fixture(scope="session", autouse=True)
def column_lineage_cache(tmp_path_factory):
    """Derived column lineage is cached per machine (transforms/lineage.py); the tests derive it
    afresh once per session, into their own folder, and share it between tests."""
    os.environ["PANTAU_CACHE_DIR"] = str(tmp_path_factory.mktemp("cache"))
    yield


@pytest.fixture
def warehouse():
    from expectations.reference import load_reference_tables
    from transforms.warehouse import connect

    con = connect(":memory:")
    load_reference_tables(con)
    yield con
    con.close()
