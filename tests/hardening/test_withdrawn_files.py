"""The inbox is the truth: a file removed since the last run is withdrawn from the periods it fed,
through the real `pantau run` (docs/inbox.md, "A file that leaves the inbox")."""
from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import duckdb

ROOT = Path(__file__).resolve().parents[2]
PAGER_IKM_SAMPLES = 73.58   # Kel. Pager, 2026-10, on the committed samples alone (C)


def _pantau(tmp_path: Path, *args: str) -> subprocess.CompletedProcess:
    config = tmp_path / "pantau.toml"
    config.write_text(f'[paths]\ninbox = "{tmp_path / "inbox"}"\nwarehouse = "{tmp_path / "w.duckdb"}"\n'
                      f'out = "{tmp_path / "out"}"\ninternal = "{tmp_path / "internal"}"\n'
                      f'state_dir = "{tmp_path / "state"}"\n')
    return subprocess.run([sys.executable, "-m", "flows.cli", "run", "--period", "2026-10", *args,
                           "--config", str(config)], cwd=ROOT, capture_output=True, text=True, timeout=600)


def _query(tmp_path: Path, sql: str, params=()):
    con = duckdb.connect(str(tmp_path / "w.duckdb"), read_only=True)
    try:
        return con.execute(sql, list(params)).fetchall()
    finally:
        con.close()


def _pager_ikm(tmp_path: Path) -> float:
    return _query(tmp_path, "select value from metrics where metric_id = 'ikm/unit/kelurahan-pager/2026-10'")[0][0]


def test_a_removed_file_is_withdrawn_and_an_archived_batch_stops_the_run(tmp_path):
    inbox = tmp_path / "inbox"
    shutil.copytree(ROOT / "data" / "samples", inbox)
    wrong = inbox / "skm" / "salah_kirim_2026-10.csv"
    header = (inbox / "skm" / "skm_2026-10.csv").read_text(encoding="utf-8").splitlines()[0]
    assert header.startswith("waktu,unit_layanan,jenis_layanan,nip_petugas,usia,jenis_kelamin,pendidikan,pekerjaan,u1")
    wrong.write_text(header + "\n" + "".join(
        f"2026-10-{10 + i % 10:02d} 09:{i:02d}:00,Kantor Kelurahan Pager,Surat Keterangan Domisili,,40,L,SMA,"
        "Lainnya,1,1,1,1,1,1,1,1,1,\n" for i in range(30)), encoding="utf-8")

    first = _pantau(tmp_path)
    assert first.returncode == 0, first.stdout[-3000:] + first.stderr[-3000:]
    assert _pager_ikm(tmp_path) < 60          # thirty answers of 1 drag Pager into D

    # the wrongly sent file is deleted; the inbox is otherwise as before
    wrong.unlink()
    second = _pantau(tmp_path)
    assert second.returncode == 0, second.stdout[-3000:] + second.stderr[-3000:]
    assert _pager_ikm(tmp_path) == PAGER_IKM_SAMPLES
    assert "skm/salah_kirim_2026-10.csv" in second.stdout and "ditarik" in second.stdout
    assert "barisnya ditarik dari periode 2026-10" in second.stdout
    [(status, noticed)] = _query(tmp_path, "select status, last_run_id from lineage.files "
                                           "where path = 'skm/salah_kirim_2026-10.csv'")
    runs = [r[0] for r in _query(tmp_path, "select run_id from lineage.runs order by started_at")]
    assert (status, noticed) == ("withdrawn", runs[-1])

    # an office archives two earlier months of exports: not withdrawn unless told to
    archived = sorted(p.relative_to(inbox).as_posix() for p in (inbox / "presensi").glob("*_2026-0[89].csv"))
    assert len(archived) >= 4
    for rel in archived:
        (inbox / rel).unlink()
    third = _pantau(tmp_path)
    assert third.returncode == 1, third.stdout[-3000:] + third.stderr[-3000:]
    assert "--withdraw" in third.stdout and archived[0] in third.stdout
    assert "bersama berkas dari 2 periode (2026-08, 2026-09)" in third.stdout
    assert {r[0] for r in _query(tmp_path, "select status from lineage.files where path in (select unnest(?))",
                                 [archived])} == {"loaded"}
    assert _query(tmp_path, "select status from lineage.runs order by started_at desc limit 1") == [("blocked",)]

    fourth = _pantau(tmp_path, "--withdraw")
    assert fourth.returncode == 0, fourth.stdout[-3000:] + fourth.stderr[-3000:]
    assert {r[0] for r in _query(tmp_path, "select status from lineage.files where path in (select unnest(?))",
                                 [archived])} == {"withdrawn"}
    assert _query(tmp_path, "select count(*) from staging.stg_presensi_recap "
                            "where strftime(tanggal, '%Y-%m') in ('2026-08', '2026-09')") == [(0,)]


def test_every_shape_says_its_month_through_a_column_its_staging_model_has():
    """withdraw.PERIOD_OF names a staging column per shape; a wrong name would break every run
    that withdraws a file of that shape."""
    import re

    from transforms.ingest.withdraw import PERIOD_OF

    for shape, (table, expr) in PERIOD_OF.items():
        sql = (ROOT / "transforms" / "staging" / f"{table.split('.')[1]}.sql").read_text(encoding="utf-8")
        column = re.search(r"\((\w+)", expr).group(1) if "(" in expr else expr
        assert re.search(rf"\bas {column}\b", sql), (shape, column)
