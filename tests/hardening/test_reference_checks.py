"""Reference tables are checked when loaded: a broken copy of data/reference (the [paths] reference
setting points at it) stops `pantau run` / `pantau validate` with exit 1, naming the file, the row
and what to fix; nothing is computed from it."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from expectations.reference import check_reference_dir
from helpers import run_records
from transforms.reference import DEFAULT_REFERENCE_DIR

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
    config.write_text(
        f'[paths]\ninbox = "{ROOT / "data/samples"}"\nwarehouse = "{tmp_path / "w.duckdb"}"\n'
        f'out = "{tmp_path / "out"}"\nreference = "{ref}"\nstate_dir = "{tmp_path / "state"}"\n'
    )
    return subprocess.run(
        [sys.executable, "-m", "flows.cli", *args, "--config", str(config)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )


def test_the_project_tables_pass():
    assert check_reference_dir(DEFAULT_REFERENCE_DIR) == []


def test_a_gap_in_a_band_table_stops_the_run(tmp_path):
    ref = _broken(tmp_path, "discipline_bands", "PNS,4,6,2", "PNS,5,6,2")
    result = _pantau(tmp_path, ref, "run", "--period", "2026-10")
    assert result.returncode == 1, result.stderr[-2000:]
    assert (
        f"{ref}/discipline_bands.csv: baris 3: hari_dari = 5 berlubang setelah baris 2 (hari_sampai = 3) "
        "(kelompok PNS); pita harus bersambung: hari_dari seharusnya 4 (resolusi 1)"
    ) in result.stderr
    assert "galat internal" not in result.stderr
    assert not (tmp_path / "out" / "2026-10").exists()
    # recorded like any run stopped by its inputs: blocked, with the problem
    [(status, message)] = run_records(tmp_path / "w.duckdb")
    assert status == "blocked" and "discipline_bands.csv: baris 3" in message


CASES = [
    (
        "overlap",
        "ikm_categories",
        "76.61,88.30",
        "76.50,88.30",
        "ikm_categories.csv: baris 4: konversi_bawah = 76.50 tumpang tindih dengan baris 3 (konversi_atas = 76.60); "
        "pita harus bersambung: konversi_bawah seharusnya 76.61 (resolusi 0.01)",
    ),
    (
        "half-open overlap",
        "attendance_rate_bands",
        "cukup,disiplin kehadiran 90 - < 95%,90,95",
        "cukup,disiplin kehadiran 90 - < 95%,90,96",
        "attendance_rate_bands.csv: baris 2: persen_dari = 95 tumpang tindih dengan baris 3 (persen_sampai = 96)",
    ),
    (
        "semicolon",
        "lateness_bands",
        "jenis_asn,jenis,kode,menit_dari,menit_sampai,potongan_persen,sumber",
        "jenis_asn;jenis;kode;menit_dari;menit_sampai;potongan_persen;sumber",
        "lateness_bands.csv: baris 1 dipisah titik koma (;); simpan ulang sebagai CSV dengan pemisah koma (,)",
    ),
    (
        "missing column",
        "age_bands",
        "kode,label,usia_min,usia_maks,urutan",
        "kode,label,usia_dari,usia_maks,urutan",
        "age_bands.csv: kolom wajib tidak ada: usia_min (baris 1); tambahkan kolom itu",
    ),
    (
        "duplicate key",
        "capaian_suggest_bands",
        "sesuai,90,110",
        "di_atas,90,110",
        "capaian_suggest_bands.csv: baris 3: kunci rating = di_atas sudah ada di baris 2",
    ),
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
    assert (
        f"{ref}/lateness_bands.csv: tabel referensi tidak ada; salin dari data/reference/lateness_bands.csv "
        "lalu sesuaikan"
    ) in result.stderr


# --- the checks are Great Expectations results ---------------------------------------------------


def _load(ref: Path, run_id: str = "run-ref"):
    """load_reference_tables on a fresh warehouse; (connection, the error it raised or None)."""
    from expectations.reference import load_reference_tables
    from transforms.reference import ReferenceTableError
    from transforms.warehouse import connect

    con = connect(":memory:")
    try:
        load_reference_tables(con, ref, run_id)
    except ReferenceTableError as exc:
        return con, exc
    return con, None


def _results(con, shape: str) -> dict[str, tuple]:
    """{rule: (expectation types, success of all, unexpected rows)} of one reference suite."""
    found = con.execute(
        """
        select rule, list(distinct expectation order by expectation), bool_and(success), sum(unexpected)
        from lineage.validation_results where shape = ? group by rule""",
        [shape],
    ).fetchall()
    return {rule: (types, ok, n) for rule, types, ok, n in found}


def test_each_reference_table_has_a_gx_suite_whose_results_are_recorded_beside_the_inputs():
    import csv
    import hashlib
    import json

    con, error = _load(DEFAULT_REFERENCE_DIR)
    assert error is None
    with open(DEFAULT_REFERENCE_DIR / "reference_tables.csv", encoding="utf-8") as fh:
        tables = [r["tabel"] for r in csv.DictReader(fh)]
    shapes = {
        s
        for (s,) in con.execute(
            "select distinct shape from lineage.validation_results where run_id = 'run-ref'"
        ).fetchall()
    }
    assert shapes == {f"ref.{t}" for t in tables}
    assert _results(con, "ref.discipline_bands") == {
        "ref_kolom_wajib": (["expect_table_columns_to_match_set"], True, 0),
        "ref_kunci_unik": (["expect_compound_columns_to_be_unique"], True, 0),
        "ref_angka": (["expect_column_values_to_match_regex"], True, 0),
        "ref_pita_terbalik": (["expect_column_pair_values_a_to_be_greater_than_b"], True, 0),
        "ref_pita_bersambung": (["expect_column_pair_values_to_be_equal"], True, 0),
    }
    assert _results(con, "ref.capaian_suggest_bands")["ref_kunci_unik"][0] == ["expect_column_values_to_be_unique"]
    # every row of the table is counted, as for an input file
    assert con.execute(
        "select distinct element_count from lineage.validation_results where shape = 'ref.discipline_bands'"
    ).fetchall() == [(18,)]
    # the suites are hashed into lineage: the JSON GX ran, its sha256, generated from reference_tables.csv
    suites = con.execute(
        "select suite, kind, sha256, definition, source from lineage.suites where run_id = 'run-ref' order by suite"
    ).fetchall()
    assert [s[0] for s in suites] == sorted(f"ref.{t}" for t in tables)
    for name, kind, sha, definition, source in suites:
        assert kind == "referensi" and source.endswith("reference_tables.csv")
        assert sha == hashlib.sha256(definition.encode("utf-8")).hexdigest()
        assert json.loads(definition)["name"] == name


def test_a_gap_fails_the_gx_contiguity_expectation_and_is_recorded(tmp_path):
    ref = _broken(tmp_path, "discipline_bands", "PNS,4,6,2", "PNS,5,6,2")
    con, error = _load(ref)
    assert error is not None and len(error.problems) == 1
    assert "discipline_bands.csv: baris 3: hari_dari = 5 berlubang setelah baris 2" in error.problems[0]
    found = _results(con, "ref.discipline_bands")
    assert found["ref_pita_bersambung"] == (["expect_column_pair_values_to_be_equal"], False, 1)
    assert found["ref_kunci_unik"][1:] == (True, 0)
    # nothing was loaded from the broken folder
    assert con.execute("select count(*) from duckdb_tables() where schema_name = 'ref'").fetchone()[0] == 0


NEW_CASES = [
    (
        "not a number",
        "discipline_bands",
        "PNS,4,6,2,",
        "PNS,4,6,dua,",
        "discipline_bands.csv: baris 3: urutan harus angka (titik sebagai desimal), tertulis 'dua'",
    ),
    (
        "band ends below its start",
        "age_bands",
        "30-39,30-39 tahun,30,39",
        "30-39,30-39 tahun,30,29",
        "age_bands.csv: baris 4: usia_maks = 29 lebih kecil dari usia_min = 30; tukar atau perbaiki",
    ),
    (
        "ragged row",
        "age_bands",
        "40-49,40-49 tahun,40,49,4",
        "40-49,40-49 tahun,40,49,4,lebih",
        "age_bands.csv: baris 5: 6 kolom, judul di baris 1 punya 5; perbaiki baris itu",
    ),
    (
        "unclosed quote",
        "age_bands",
        "40-49,40-49 tahun",
        '40-49,"40-49 tahun',
        "age_bands.csv: baris 5: tanda kutip tidak tertutup atau salah tempat",
    ),
    (
        "rules table without a column",
        "reference_tables",
        "tabel,kolom_wajib,kunci,",
        "tabel,wajib,kunci,",
        "reference_tables.csv: kolom wajib tidak ada: kolom_wajib (baris 1); tambahkan kolom itu",
    ),
]


@pytest.mark.parametrize("case,table,old,new,message", NEW_CASES, ids=[c[0] for c in NEW_CASES])
def test_types_order_and_unreadable_files_are_named_with_row_and_fix(tmp_path, case, table, old, new, message):
    ref = _broken(tmp_path, table, old, new)
    assert [p for p in check_reference_dir(ref) if message in p] != [], check_reference_dir(ref)


def test_validate_lists_the_reference_suites_in_its_summary(tmp_path, validate):
    from helpers import ROSTER, write_inbox

    inbox = write_inbox(tmp_path / "inbox", {"pegawai/daftar_pegawai.csv": ROSTER})
    code, output, seen = validate(inbox, tmp_path / "state")
    [(con, _, outcome)] = seen
    expectations = con.execute("select count(*) from lineage.validation_results where shape like 'ref.%'").fetchone()[0]
    # one suite per row of reference_tables.csv
    tables = con.execute("select count(*) from ref.reference_tables").fetchone()[0]
    assert tables >= 9 and expectations >= 40 and len(outcome.reference_suites) == tables
    assert f"Tabel referensi: {tables} suite Great Expectations ({expectations} harapan), semua lolos" in output
