"""The partitioned flow: (office, period) partitions in their own DuckDB files, merged from Parquet.

The flow test runs both flows on one generated inbox against the session's Prefect server and
compares what they publish; the others run the plain functions partition by partition in this
process (no Prefect), on tiny inline inboxes.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import duckdb
import pytest

from helpers import AS_OF, NIP_A, NIP_B, ROSTER, write_inbox

# flows.partitioned imports Prefect: imported inside the tests, after the session's Prefect
# settings (tests/flows/conftest.py), as the other flow tests do
RECAP_HEADER = "nip,tanggal,jam_masuk,jam_pulang,status\n"


@pytest.mark.parametrize(
    "rel, key",
    [
        ("presensi/rekap_kelurahan-pager_2026-10.csv", ("2026-10", "kelurahan-pager")),
        ("presensi/scan_paten-rakumpit_2026-09.csv", ("2026-09", "paten-rakumpit")),
        ("skm/ekspor_form_kelurahan-pager_2026-10.csv", ("2026-10", "kelurahan-pager")),
        ("skm/skm_2026-10.csv", ("2026-10", "_semua")),
        ("skp/skp_2026-Q3.csv", ("2026-Q3", "_semua")),
        ("layanan/layanan_2026.csv", ("2026", "_semua")),
        ("presensi/Rekap Oktober.xlsx", ("_", "_semua")),
        ("pegawai/pegawai.xlsx", ("_", "_pegawai")),
    ],
)
def test_partition_is_the_office_and_period_in_the_file_name(rel, key):
    from flows.partitioned import partition_of

    assert partition_of(rel) == key


def test_batches_hold_about_equal_bytes():
    from flows.partitioned import Partition, batches_of

    parts = [
        Partition("2026-10", f"u{i}", [f"presensi/r_u{i}_2026-10.csv"], bytes=b)
        for i, b in enumerate([90, 50, 40, 30, 20, 10])
    ]
    loads = sorted(sum(p.bytes for p in batch) for batch in batches_of(parts, 2))
    assert loads == [120, 120]


def test_partitioned_flow_publishes_what_the_single_flow_publishes(prefect_server, tmp_path):
    from data.sample import generate
    from flows.evaluate import evaluate_period
    from flows.partitioned import evaluate_partitioned, partition_of
    from flows.settings import Settings

    inbox = tmp_path / "inbox"
    generate(inbox, employees=60, months=1, messy=True)  # duplicates, bad NIPs, XLSX, label answers...
    common = dict(period="2026-10", inbox=inbox, reference=Settings().reference, as_of=AS_OF)
    single = evaluate_period(warehouse=tmp_path / "single.duckdb", out=tmp_path / "out-single", **common)
    parted = evaluate_partitioned(
        warehouse=tmp_path / "part" / "w.duckdb", out=tmp_path / "out-part", workers=2, render=False, **common
    )
    assert not single.blocked and not parted.blocked

    one = duckdb.connect(str(tmp_path / "single.duckdb"), read_only=True)
    two = duckdb.connect(str(tmp_path / "part" / "w.duckdb"), read_only=True)
    metrics = "select * exclude (run_id) from metrics order by metric_id"
    assert two.execute(metrics).fetchall() == one.execute(metrics).fetchall()
    assert len(two.execute(metrics).fetchall()) > 1000
    # every row read is loaded or quarantined, per file and across the partitions; for the same rows
    quarantined = (
        'select f.path, q."row", q.rule from quarantine.rows q join lineage.files f using (file_id) order by all'
    )
    assert two.execute(quarantined).fetchall() == one.execute(quarantined).fetchall() != []
    counted = [f for f in parted.files if "rows_read" in f]
    assert counted and all(f["rows_read"] == f["rows_loaded"] + f["rows_quarantined"] for f in counted)
    assert sum(f["rows_read"] for f in counted) == sum(f["rows_loaded"] for f in counted) + sum(
        f["rows_quarantined"] for f in counted
    )
    assert [(f["path"], f["rows_read"], f["rows_loaded"], f["rows_quarantined"]) for f in counted] == [
        (f["path"], f["rows_read"], f["rows_loaded"], f["rows_quarantined"]) for f in single.files if "rows_read" in f
    ]

    # the layout: one hive folder per (period, office), and the partitions ran in two processes
    root = tmp_path / "part" / "partitions"
    expected = {
        partition_of(p.relative_to(inbox).as_posix())
        for p in inbox.rglob("*")
        if p.is_file() and not p.name.startswith(".")
    }
    folders = {
        (d.parent.name.removeprefix("period="), d.name.removeprefix("office="))
        for d in (root / "files").glob("period=*/office=*")
    }
    assert folders == expected and ("_", "_pegawai") in folders and len(folders) >= 10
    assert all((root / "files" / f"period={p}" / f"office={o}" / "part.parquet").is_file() for p, o in folders)
    recap = {d.parent.name for d in (root / "stg_presensi_recap").glob("period=*/office=*")}
    assert recap == {"period=2026-10"}
    # the roster was validated once, in the flow's process; the other partitions in two worker processes
    manifests = [json.loads(m.read_text()) for m in (root / "_manifest").rglob("manifest.json")]
    assert {m["pid"] for m in manifests if m["office"] == "_pegawai"} == {os.getpid()}
    workers = {m["pid"] for m in manifests if m["office"] != "_pegawai"}
    assert len(workers) == 2 and os.getpid() not in workers


def _evaluate_inline(inbox: Path, warehouse: Path, run_id: str = "r1"):
    """Plan, every partition one after another in this process, merge, judge: no Prefect."""
    from flows.partitioned import assess_partitioned, ingest_partitioned, sequentially
    from flows.settings import Settings
    from transforms.warehouse import connect

    con = connect(warehouse)
    reports, manifests, _ = ingest_partitioned(
        con, inbox, Settings().reference, AS_OF, warehouse.parent / "partitions", run_id, sequentially
    )
    return con, assess_partitioned(con, reports, manifests, warehouse.parent / "partitions", "2026-10")


def test_a_rerun_keeps_file_ids_and_a_correction_supersedes(tmp_path):
    files = {
        "pegawai/pegawai.csv": ROSTER,
        "presensi/rekap_kelurahan-pager_2026-10.csv": RECAP_HEADER + f"{NIP_A},2026-10-01,07:31,16:00,H\n",
        "presensi/rekap_kecamatan-rakumpit_2026-10.csv": RECAP_HEADER + f"{NIP_B},2026-10-01,07:20,16:10,H\n",
    }
    inbox = write_inbox(tmp_path / "inbox", files)
    con, first = _evaluate_inline(inbox, tmp_path / "w.duckdb", "r1")
    ids = con.execute("select path, file_id from lineage.files order by path").fetchall()
    assert {f["action"] for f in first.files} == {"loaded"} and not first.blocked
    con.close()

    con, again = _evaluate_inline(inbox, tmp_path / "w.duckdb", "r2")
    assert {f["action"] for f in again.files} == {"unchanged"}
    assert con.execute("select path, file_id from lineage.files order by path").fetchall() == ids
    con.close()

    write_inbox(
        inbox, {"presensi/rekap_kelurahan-pager_2026-10.csv": RECAP_HEADER + f"{NIP_A},2026-10-01,07:45,16:00,H\n"}
    )
    con, corrected = _evaluate_inline(inbox, tmp_path / "w.duckdb", "r3")
    assert con.execute(
        "select status, superseded_by is not null from lineage.files "
        "where path = 'presensi/rekap_kelurahan-pager_2026-10.csv' order by file_id"
    ).fetchall() == [("superseded", True), ("loaded", False)]
    assert con.execute(
        f"select jam_masuk::varchar from staging.stg_presensi_recap where nip = '{NIP_A}'"
    ).fetchall() == [("07:45:00",)]


def test_a_file_equal_to_one_in_another_partition_is_a_duplicate(tmp_path):
    recap = RECAP_HEADER + f"{NIP_A},2026-10-01,07:31,16:00,H\n"
    inbox = write_inbox(
        tmp_path / "inbox",
        {
            "pegawai/pegawai.csv": ROSTER,
            "presensi/rekap_kelurahan-pager_2026-10.csv": recap,
            "presensi/rekap_kelurahan-pager_2026-09.csv": recap,  # sent twice under another month's name
        },
    )
    con, outcome = _evaluate_inline(inbox, tmp_path / "w.duckdb")
    actions = {f["path"]: f["action"] for f in outcome.files}
    assert actions["presensi/rekap_kelurahan-pager_2026-09.csv"] == "loaded"  # first in path order
    assert actions["presensi/rekap_kelurahan-pager_2026-10.csv"] == "duplicate"
    assert con.execute("select count(*) from staging.stg_presensi_recap").fetchall() == [(1,)]


def test_an_asn_day_in_two_partitions_blocks_publishing(tmp_path):
    """Duplicate and conflict rules see one partition; a key in two partitions is not judged silently."""
    inbox = write_inbox(
        tmp_path / "inbox",
        {
            "pegawai/pegawai.csv": ROSTER,
            "presensi/rekap_kelurahan-pager_2026-10.csv": RECAP_HEADER + f"{NIP_A},2026-10-01,07:31,16:00,H\n",
            "presensi/rekap_kecamatan-rakumpit_2026-10.csv": RECAP_HEADER + f"{NIP_A},2026-10-01,08:10,16:00,H\n",
        },
    )
    _, outcome = _evaluate_inline(inbox, tmp_path / "w.duckdb")
    assert outcome.blocked
    [message] = outcome.blocking
    assert message.startswith("presensi_recap: 1 kunci") and NIP_A in message and "2026-10-01" in message
    assert "presensi/rekap_kelurahan-pager_2026-10.csv" in message
    assert "presensi/rekap_kecamatan-rakumpit_2026-10.csv" in message


def test_a_warehouse_of_pantau_run_is_refused(tmp_path):
    """The merge replaces raw.*; in a `pantau run` warehouse raw.* holds every line read."""
    from flows.partitioned import check_partitioned_warehouse
    from transforms.runs import start_run
    from transforms.warehouse import connect

    con = connect(tmp_path / "w.duckdb")
    check_partitioned_warehouse(con, tmp_path / "w.duckdb")  # new: fine
    start_run(con, "run-partitioned", "2026-10", AS_OF, {})
    check_partitioned_warehouse(con, tmp_path / "w.duckdb")  # partitioned before: fine
    start_run(con, "run", "2026-10", AS_OF, {})
    with pytest.raises(ValueError, match=r"dipakai oleh perintah lain \(run\)"):
        check_partitioned_warehouse(con, tmp_path / "w.duckdb")


def test_a_correction_approved_two_levels_up_applies_in_a_partitioned_run_as_in_a_plain_one(prefect_server, tmp_path):
    """The camat approves a late izin letter of a kelurahan staff member (camat -> lurah -> staf):
    the chain runs through the lurah, whom the koreksi file does not name. The corrections'
    partition reads the whole valid roster, so the row is applied, not held as 'bukan atasan'."""
    from flows.evaluate import evaluate_period
    from flows.partitioned import evaluate_partitioned
    from flows.settings import Settings

    camat, lurah, staf = "197811052005011003", "198503122010011001", "199107232019032002"
    roster = (
        "nip,nama,jabatan,unit_kerja,jenis_asn,golongan,nip_atasan,pin\n"
        f"{camat},Yohanes Nyahu,Camat Rakumpit,Kantor Kecamatan Rakumpit,PNS,IV/b,,1\n"
        f"{lurah},Agus Setiawan,Lurah Pager,Kelurahan Pager,PNS,III/d,{camat},2\n"
        f"{staf},Siti Rahmah,Staf Pelayanan,Kelurahan Pager,PNS,III/a,{lurah},3\n"
    )
    days = [f"2026-10-{d:02d}" for d in (1, 2, 5, 6, 7, 8, 9)]
    recap = (
        RECAP_HEADER
        + "".join(f"{n},{d},07:20,16:30,H\n" for d in days for n in (camat, lurah))
        + "".join(f"{staf},{d},07:20,16:30,H\n" for d in days if d != "2026-10-06")
    )
    inbox = write_inbox(
        tmp_path / "inbox",
        {
            "pegawai/pegawai.csv": roster,
            "presensi/rekap_kelurahan-pager_2026-10.csv": recap,
            "koreksi/koreksi_2026-10.csv": (
                "nip,unit_layanan,tanggal,yang_dikoreksi,nilai_baru,alasan,dasar,disetujui_oleh,tanggal_persetujuan\n"
                f"{staf},,2026-10-06,status,I,surat izin terlambat diserahkan,Surat izin 9/X/2026,{camat},2026-10-20\n"
            ),
        },
    )
    common = dict(period="2026-10", inbox=inbox, reference=Settings().reference, as_of=AS_OF)
    single = evaluate_period(
        warehouse=tmp_path / "single.duckdb", out=tmp_path / "o1", include_internal=False, **common
    )
    parted = evaluate_partitioned(
        warehouse=tmp_path / "part" / "w.duckdb", out=tmp_path / "o2", workers=2, render=False, **common
    )
    assert not single.blocked and not parted.blocked
    one = duckdb.connect(str(tmp_path / "single.duckdb"), read_only=True)
    two = duckdb.connect(str(tmp_path / "part" / "w.duckdb"), read_only=True)
    try:
        leave = f"select value from metrics where metric_id = 'leave_days/asn/{staf}/2026-10'"
        assert one.execute(leave).fetchone()[0] == 1 == two.execute(leave).fetchone()[0]
        metrics = "select * exclude (run_id) from metrics order by metric_id"
        assert two.execute(metrics).fetchall() == one.execute(metrics).fetchall()
        held = "select rule from quarantine.rows where rule like 'koreksi%'"
        assert two.execute(held).fetchall() == one.execute(held).fetchall() == []
    finally:
        one.close()
        two.close()
