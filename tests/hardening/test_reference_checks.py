"""Reference tables are checked when loaded: a broken copy of data/reference (the [paths] reference
setting points at it) stops `pantau run` / `pantau validate` with exit 1, naming the file, the row
and what to fix; nothing is computed from it."""
from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from transforms.reference import DEFAULT_REFERENCE_DIR, check_reference_dir

ROOT = Path(__file__).resolve().parents[2]


def _broken(tmp_path: Path, table: str, old: str, new: str) -> Path:
    ref = tmp_path / "ref"
    shutil.copytree(DEFAULT_REFERENCE_DIR, ref)
    path = ref / f"{table}.csv"
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return ref


def _pantau(tmp_path: Path, ref: Path, *args: str) -> subprocess.CompletedProcess:
    config = tmp_path / "pantau.toml"
    config.write_text(f'[paths]\ninbox = "{ROOT / "data/samples"}"\nwarehouse = "{tmp_path / "w.duckdb"}"\n'
                      f'out = "{tmp_path / "out"}"\nreference = "{ref}"\nstate_dir = "{tmp_path / "state"}"\n')
    return subprocess.run([sys.executable, "-m", "flows.cli", *args, "--config", str(config)], cwd=ROOT,
                          capture_output=True, text=True, timeout=600)


def test_the_project_tables_pass():
    assert check_reference_dir(DEFAULT_REFERENCE_DIR) == []


def test_a_gap_in_a_band_table_stops_the_run(tmp_path):
    ref = _broken(tmp_path, "discipline_bands", "PNS,4,6,2", "PNS,5,6,2")
    result = _pantau(tmp_path, ref, "run", "--period", "2026-10")
    assert result.returncode == 1, result.stderr[-2000:]
    assert (f"{ref}/discipline_bands.csv: baris 3: hari_dari = 5 berlubang setelah baris 2 (hari_sampai = 3) "
            "(kelompok PNS); pita harus bersambung: hari_dari seharusnya 4 (resolusi 1)") in result.stderr
    assert "galat internal" not in result.stderr
    assert not (tmp_path / "out" / "2026-10").exists()
    # recorded like any run stopped by its inputs: blocked, with the problem
    import duckdb
    con = duckdb.connect(str(tmp_path / "w.duckdb"), read_only=True)
    try:
        [(status, message)] = con.execute("select status, message from lineage.runs").fetchall()
    finally:
        con.close()
    assert status == "blocked" and "discipline_bands.csv: baris 3" in message


CASES = [
    ("overlap", "ikm_categories", "76.61,88.30", "76.50,88.30",
     "ikm_categories.csv: baris 4: konversi_bawah = 76.50 tumpang tindih dengan baris 3 (konversi_atas = 76.60); "
     "pita harus bersambung: konversi_bawah seharusnya 76.61 (resolusi 0.01)"),
    ("half-open overlap", "attendance_rate_bands", "cukup,disiplin kehadiran 90 - < 95%,90,95",
     "cukup,disiplin kehadiran 90 - < 95%,90,96",
     "attendance_rate_bands.csv: baris 2: persen_dari = 95 tumpang tindih dengan baris 3 (persen_sampai = 96)"),
    ("semicolon", "lateness_bands", "jenis_asn,jenis,kode,menit_dari,menit_sampai,potongan_persen,sumber",
     "jenis_asn;jenis;kode;menit_dari;menit_sampai;potongan_persen;sumber",
     "lateness_bands.csv: baris 1 dipisah titik koma (;); simpan ulang sebagai CSV dengan pemisah koma (,)"),
    ("missing column", "age_bands", "kode,label,usia_min,usia_maks,urutan", "kode,label,usia_dari,usia_maks,urutan",
     "age_bands.csv: kolom wajib tidak ada: usia_min (baris 1); tambahkan kolom itu"),
    ("duplicate key", "capaian_suggest_bands", "sesuai,90,110", "di_atas,90,110",
     "capaian_suggest_bands.csv: baris 3: kunci rating = di_atas sudah ada di baris 2"),
]


@pytest.mark.parametrize("case,table,old,new,message", CASES, ids=[c[0] for c in CASES])
def test_a_broken_table_stops_validate_naming_file_row_and_fix(tmp_path, case, table, old, new, message):
    ref = _broken(tmp_path, table, old, new)
    result = _pantau(tmp_path, ref, "validate")
    assert result.returncode == 1, result.stderr[-2000:]
    assert f"{ref}/{message}" in result.stderr
    assert "Binder Error" not in result.stderr and "galat internal" not in result.stderr


def test_a_missing_table_stops_validate(tmp_path):
    ref = tmp_path / "ref"
    shutil.copytree(DEFAULT_REFERENCE_DIR, ref)
    (ref / "lateness_bands.csv").unlink()
    result = _pantau(tmp_path, ref, "validate")
    assert result.returncode == 1, result.stderr[-2000:]
    assert (f"{ref}/lateness_bands.csv: tabel referensi tidak ada; salin dari data/reference/lateness_bands.csv "
            "lalu sesuaikan") in result.stderr
