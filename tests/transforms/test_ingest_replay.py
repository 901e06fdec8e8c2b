"""A file replayed from the watch's cache leaves what reading it leaves (transforms/ingest/replay.py).

Each messy fixture inbox (tests/fixtures/messy: CRLF, BOMs, quoted newlines, malformed lines,
XLSX, files refused whole) is validated in a fresh warehouse, then twice with one IngestCache:
the second pass replays every file. Every raw, lineage, staging and quarantine table, the file
reports and the validation totals must be the same rows (staging tables built in parallel are
compared as multisets, as two fresh passes give them in any order).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from expectations.validate import validate_warehouse
from flows.steps import ingest_step
from helpers import AS_OF, NIP_A, ROSTER, write_inbox
from transforms.ingest.replay import IngestCache
from transforms.warehouse import connect

ROOT = Path(__file__).resolve().parents[2]
MESSY = ROOT / "tests" / "fixtures" / "messy"
INBOXES = sorted(p.name for p in MESSY.iterdir() if p.is_dir())
REFERENCE = ROOT / "data" / "reference"
TIMESTAMPS = {"registered_at", "validated_at", "loaded_at", "created_at", "recorded_at"}


def passed(inbox: Path, cache: IngestCache | None, reference: Path = REFERENCE) -> dict:
    con = connect(":memory:")
    try:
        reports, _ = ingest_step(con, inbox, reference, None, cache=cache)
        found = {"reports": [vars(r) for r in reports], "totals": validate_warehouse(con, AS_OF, None)}
        tables = con.execute(
            "select table_schema || '.' || table_name from information_schema.tables "
            "where table_type = 'BASE TABLE' and table_catalog = 'memory' "
            "and table_schema in ('raw', 'lineage', 'staging', 'quarantine') and table_name <> 'suites'"
        ).fetchall()
        for (table,) in tables:
            columns = [
                c
                for (c,) in con.execute(
                    "select column_name from information_schema.columns where table_schema || '.' || table_name = ? "
                    "and table_catalog = 'memory' order by ordinal_position",
                    [table],
                ).fetchall()
                if c not in TIMESTAMPS
            ]
            rows = con.execute(
                f"select {', '.join(repr(c).replace(chr(39), chr(34)) for c in columns)} from {table} order by rowid"
            ).fetchall()
            found[table] = sorted(rows, key=lambda r: tuple(map(str, r))) if table.startswith("staging.") else rows
        return found
    finally:
        con.close()


@pytest.mark.parametrize("name", INBOXES)
def test_a_replayed_inbox_leaves_the_tables_a_fresh_read_leaves(name):
    fresh = passed(MESSY / name, None)
    cache = IngestCache()
    passed(MESSY / name, cache)
    replayed = passed(MESSY / name, cache)
    assert replayed.keys() == fresh.keys()
    for key in fresh:
        assert replayed[key] == fresh[key], key
    assert fresh["raw.pegawai"], "the fixture loads a roster"


def test_a_changed_file_is_read_again_and_the_others_are_replayed(tmp_path, monkeypatch):
    inbox = write_inbox(
        tmp_path / "inbox",
        {
            "pegawai/p.csv": ROSTER,
            "presensi/r.csv": f"nip,tanggal,jam_masuk,jam_pulang,status\n{NIP_A},2026-10-01,07:31,16:00,X\n",
        },
    )
    cache = IngestCache()
    first = passed(inbox, cache)
    assert [r[-1] for r in first["quarantine.rows"]] != [] and first["raw.presensi_recap"][0][-1] == "X"
    (inbox / "presensi" / "r.csv").write_text(
        f"nip,tanggal,jam_masuk,jam_pulang,status\n{NIP_A},2026-10-01,07:31,16:00,H\n", encoding="utf-8"
    )
    import transforms.ingest.load as load

    read = []
    real = load.load_csv
    monkeypatch.setattr(load, "load_csv", lambda con, path, *a: read.append(path.name) or real(con, path, *a))
    second = passed(inbox, cache)
    assert read == ["r.csv"]  # the roster was replayed, the fix read
    assert second["raw.presensi_recap"][0][-1] == "H"
    assert second == passed(inbox, None)


def test_other_reference_tables_make_every_file_read_again(tmp_path, monkeypatch):
    inbox = write_inbox(tmp_path / "inbox", {"pegawai/p.csv": ROSTER})
    reference = tmp_path / "reference"
    shutil.copytree(REFERENCE, reference)
    cache = IngestCache()
    passed(inbox, cache, reference)
    aliases = reference / "column_aliases.csv"
    aliases.write_text(aliases.read_text(encoding="utf-8") + "\n", encoding="utf-8")  # same rows, new sha256
    import transforms.ingest.load as load

    read = []
    real = load.load_csv
    monkeypatch.setattr(load, "load_csv", lambda con, path, *a: read.append(path.name) or real(con, path, *a))
    passed(inbox, cache, reference)
    assert read == ["p.csv"]
