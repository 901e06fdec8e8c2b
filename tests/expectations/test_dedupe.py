"""GX on distinct value tuples quarantines exactly what GX on every row quarantines.

Each inbox is validated twice in its own in-memory warehouse: as a run does (row-wise
expectations on distinct tuples, failures joined back to their rows) and with every row shown
to GX (`dedupe=False`). The quarantine, the warnings and the per-file expectation results
must be the same rows in the same order.
"""

from __future__ import annotations

from pathlib import Path

import pytest

import expectations.validate as validate
from expectations.reference import load_reference_tables
from expectations.validate import validate_metrics, validate_warehouse
from helpers import AS_OF, NIP_A, ROSTER, write_inbox
from transforms.ingest import ingest_inbox
from transforms.warehouse import connect

ROOT = Path(__file__).resolve().parents[2]
MESSY = ROOT / "tests" / "fixtures" / "messy"
INBOXES = sorted(p.name for p in MESSY.iterdir() if p.is_dir())


def outcome(inbox: Path, dedupe: bool) -> dict:
    con = connect(":memory:")
    try:
        load_reference_tables(con)
        ingest_inbox(con, inbox)
        totals = validate_warehouse(con, AS_OF, "run", dedupe=dedupe)
        found = {"totals": totals}
        for table in ("quarantine.rows", "quarantine.warnings"):
            found[table] = con.execute(f"select * from {table} order by rowid").fetchall()
        found["results"] = con.execute(
            "select * exclude (expectation_id) from lineage.validation_results order by rowid"
        ).fetchall()
        return found
    finally:
        con.close()


@pytest.mark.parametrize("name", INBOXES)
def test_messy_inbox_quarantine_is_the_same_on_tuples_and_rows(name):
    assert outcome(MESSY / name, dedupe=True) == outcome(MESSY / name, dedupe=False)


def test_sample_exports_quarantine_is_the_same_on_tuples_and_rows():
    assert outcome(ROOT / "data" / "samples", dedupe=True) == outcome(ROOT / "data" / "samples", dedupe=False)


def test_one_failing_value_quarantines_every_row_that_carries_it_in_every_file(tmp_path):
    bad = "19850312201001100X"
    recap = "nip,tanggal,jam_masuk,jam_pulang,status\n"
    inbox = write_inbox(
        tmp_path,
        {
            "pegawai/daftar_pegawai.csv": ROSTER,
            "presensi/rekap_a.csv": recap + f"{bad},2026-10-01,07:30,16:00,H\n{NIP_A},2026-10-01,07:30,16:00,H\n"
            f"{bad},2026-10-02,07:30,16:00,H\n",
            "presensi/rekap_b.csv": recap + f"{NIP_A},2026-10-05,07:30,16:00,H\n{bad},2026-10-05,07:31,16:00,H\n",
        },
    )
    found = outcome(inbox, dedupe=True)
    quarantined = sorted((row, column, value, rule) for _, row, _, column, value, rule, *_ in found["quarantine.rows"])
    assert quarantined == [(2, "nip", bad, "nip_format"), (3, "nip", bad, "nip_format"), (4, "nip", bad, "nip_format")]
    assert len({file_id for file_id, *_ in found["quarantine.rows"]}) == 2
    assert found == outcome(inbox, dedupe=False)


def _candidates(con, n_asn: int):
    """Metrics of a period: 2 unit rows first, then n_asn per-ASN rates, the last one out of range."""
    con.execute(
        """create or replace temp table cand as
        select *, count(*) over (partition by metric_id) as copies, 0 as _file_id,
               row_number() over (order by metric_id) as _row
        from (
            select 'ikm/unit/' || u || '/2026-10' as metric_id, 'ikm' as metric, 'unit' as scope, u as scope_id,
                   '2026-10' as period, 80.0::double as value, null::varchar as label, '' as unit
            from (values ('kelurahan-pager'), ('kelurahan-sua')) t(u)
            union all
            select 'attendance_rate/asn/' || lpad(i::varchar, 18, '0') || '/2026-10', 'attendance_rate', 'asn',
                   lpad(i::varchar, 18, '0'), '2026-10', case when i = ? then 101.0 else 95.0 end, null, '%'
            from range(?) r(i)
        )""",
        [n_asn - 1, n_asn],
    )
    return "cand"


def test_metrics_check_sees_the_whole_set_of_units_when_metrics_exceed_one_batch(warehouse, monkeypatch):
    # one GX batch holds ~2048 rows here; the unit rows sit in the first one only
    monkeypatch.setattr(validate, "CHUNK_ROWS", 2048)
    relation = _candidates(warehouse, 7000)
    problems = validate_metrics(warehouse, relation, ["kelurahan-pager", "kelurahan-sua"])
    assert problems == [
        f"attendance_rate/asn/{6999:018d}/2026-10: persentase tingkat (rate) harus 0-100 (nilai 101.0) [rate_range]"
    ]
