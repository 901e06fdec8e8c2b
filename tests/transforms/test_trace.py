"""The audit trail (transforms/trace.py, transforms/lineage.py) on the committed samples.

Each trace test recomputes the published value from the traced rows with plain Python written
here (the rules as the regulations state them, restated in docs/), never with the model's SQL, and checks that the
traced file lines really are those lines of the sample files.
"""

from __future__ import annotations

import csv
import hashlib
import json
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from pathlib import Path

import pytest

from helpers import AS_OF

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = ROOT / "data" / "samples"
REFERENCE = ROOT / "data" / "reference"
PERIOD = "2026-10"
FLOW_RUN_ID = "6f1c2a9e-0d3b-4f7a-9c55-2b7e8d1a4c10"

PREDIKAT_MATRIX = {  # PermenPANRB 6/2022: (hasil kerja, perilaku) -> predikat
    ("di_atas", "di_atas"): "sangat_baik",
    ("di_atas", "sesuai"): "baik",
    ("di_atas", "di_bawah"): "kurang",
    ("sesuai", "di_atas"): "baik",
    ("sesuai", "sesuai"): "baik",
    ("sesuai", "di_bawah"): "kurang",
    ("di_bawah", "di_atas"): "butuh_perbaikan",
    ("di_bawah", "sesuai"): "butuh_perbaikan",
    ("di_bawah", "di_bawah"): "sangat_kurang",
}
PREDIKAT_RANK = {
    "sangat_baik": (5, "Sangat Baik"),
    "baik": (4, "Baik"),
    "butuh_perbaikan": (3, "Butuh Perbaikan"),
    "kurang": (2, "Kurang/Misconduct"),
    "sangat_kurang": (1, "Sangat Kurang"),
}


def run_period(con, inbox: Path, command: str = "run") -> str:
    """One run as the flow does it: reference tables, ingest, validate, marts, lineage, publish."""
    from expectations.reference import load_reference_tables
    from expectations.validate import validate_warehouse
    from transforms.ingest import ingest_inbox
    from transforms.lineage import record_models
    from transforms.models import discover_models, install_macros, run_models
    from transforms.publish import publish
    from transforms.runs import finish_run, start_run

    run_id = start_run(con, command, PERIOD, AS_OF, {"inbox": str(inbox)}, flow_run_id=FLOW_RUN_ID)
    load_reference_tables(con, run_id=run_id)
    ingest_inbox(con, inbox, run_id)
    validate_warehouse(con, AS_OF, run_id)
    install_macros(con)
    built = run_models(con, [n for n in discover_models() if n.startswith("marts.")])
    record_models(con, run_id, built)
    publish(con, PERIOD, run_id)
    finish_run(con, run_id, "success")
    return run_id


@pytest.fixture(scope="module")
def sample():
    from transforms.warehouse import connect

    con = connect(":memory:")
    run_id = run_period(con, SAMPLES)
    # and September, whose run publishes 2026-Q3: the individual proposals of the quarter
    from transforms.publish import publish

    publish(con, "2026-09", run_id)
    yield con, run_id
    con.close()


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def file_line(rel: str, line: int, inbox: Path = SAMPLES) -> str:
    """Line `line` of a sample CSV as a person sees it (1 = the header)."""
    return (inbox / rel).read_text(encoding="utf-8-sig").splitlines()[line - 1]


def workday(day: date) -> bool:
    with open(REFERENCE / "holidays.csv", encoding="utf-8") as fh:
        holidays = {r["tanggal"] for r in csv.DictReader(fh)}
    return day.weekday() < 5 and day.isoformat() not in holidays


def day_status(row: dict) -> str | None:
    """The status of a traced ASN-day, read from its source lines: a recap line's status wins, a
    day with only scans is H; a workday without any line keeps the status the trace reports
    (TK for no record, none when its only record was quarantined)."""
    recap = [e["values"]["status"] for e in row["evidence"] if e["values"] and "status" in e["values"]]
    if recap:
        return recap[0]
    if any(e["values"] and "waktu" in e["values"] for e in row["evidence"]):
        return "H"
    return row["status"]


def published(con, metric_id: str):
    return con.execute("select value, label from main.metrics where metric_id = ?", [metric_id]).fetchone()


# ---------------------------------------------------------------- attendance


def test_attendance_rate_of_an_asn_month_is_recomputed_from_its_traced_days(sample):
    from transforms.trace import trace

    con, run_id = sample
    # an ASN whose days come from a daily recap, with a rate below 100 %
    nip, value = con.execute(
        """
        select m.scope_id, m.value from main.metrics m
        where m.metric = 'attendance_rate' and m.scope = 'asn' and m.period = ? and m.value between 1 and 99.99
          and m.scope_id in (select nip from marts.attendance_asn_day where period = ? and source = 'rekap')
        order by m.value, m.scope_id limit 1""",
        [PERIOD, PERIOD],
    ).fetchone()
    t = trace(con, f"attendance_rate/asn/{nip}/{PERIOD}")

    assert t["metric"]["value"] == value and t["metric"]["run_id"] == run_id
    statuses = [day_status(r) for r in t["rows"]]
    present = sum(s in ("H", "DL") for s in statuses)
    known = sum(s is not None for s in statuses)
    assert present < known, "the chosen ASN-month must have an absence"
    assert value == pytest.approx(100 * present / known)
    # one row per workday of the month, all of them real workdays
    assert len(t["rows"]) == published(con, f"workdays/asn/{nip}/{PERIOD}")[0]
    assert all(workday(r["tanggal"]) for r in t["rows"])
    # every cited line is that NIP's line for that day in the sample file
    cited = [(r, e) for r in t["rows"] for e in r["evidence"]]
    assert cited
    for row, e in cited:
        line = file_line(e["path"], e["line"])
        if "status" in (e["values"] or {}):
            assert nip in line and row["tanggal"].isoformat() in line, (e, line)
        else:
            assert str(e["values"]["waktu"]) in line, (e, line)
    # the files behind it, with their sha256 as on disk
    for f in t["files"]:
        assert f["status"] == "loaded" and f["sha256"] == sha256(SAMPLES / f["path"])


def test_unit_attendance_rate_pools_the_traced_days_of_its_asn(sample):
    from transforms.trace import trace

    con, _ = sample
    unit = "kelurahan-pager"  # scan logs and keterangan recaps both feed it
    t = trace(con, f"attendance_rate/unit/{unit}/{PERIOD}")
    statuses = [day_status(r) for r in t["rows"]]
    present = sum(s in ("H", "DL") for s in statuses)
    known = sum(s is not None for s in statuses)
    assert len({r["nip"] for r in t["rows"]}) == published(con, f"asn_count/unit/{unit}/{PERIOD}")[0]
    assert published(con, f"attendance_rate/unit/{unit}/{PERIOD}")[0] == pytest.approx(100 * present / known)
    # the office figure pools the units' traced rows
    office = trace(con, f"attendance_rate/office/kecamatan-rakumpit/{PERIOD}")
    pooled = (
        100
        * sum(r["present_days"] for r in office["rows"])
        / sum(r["workdays"] - r["unknown_days"] for r in office["rows"])
    )
    assert office["metric"]["value"] == pytest.approx(pooled)
    assert f"attendance_rate/unit/{unit}/{PERIOD}" in {r["metric_id"] for r in office["rows"]}


def test_discipline_band_is_recomputed_from_the_traced_tk_and_late_days(sample):
    from transforms.trace import trace

    con, run_id = sample
    metric_id, value, label = con.execute(
        """
        select metric_id, value, label from main.metrics
        where metric = 'discipline_band' and period = ? and value > 0
          and replace(metric_id, 'discipline_band/', 'tk_days_ytd/') in (
              select metric_id from main.metrics where metric = 'tk_days_ytd' and value > 0)
        order by metric_id limit 1""",
        [PERIOD],
    ).fetchone()
    nip = metric_id.split("/")[2]
    t = trace(con, metric_id)

    rows_ = t["rows"]
    days = [r for r in rows_ if r["is_tk"]]
    assert days and all(r["status"] == "TK" for r in days)
    assert all(r["status"] == "H" and r["late_early_minutes"] > 0 for r in rows_ if not r["is_tk"])
    assert all(date(2026, 1, 1) <= r["tanggal"] <= date(2026, 10, 31) and workday(r["tanggal"]) for r in rows_)
    for r in days:  # a TK from a recap line says TK there; a TK without any line is a workday with no record
        if r["evidence"]:
            assert all(e["values"]["status"] == "TK" for e in r["evidence"])
            assert all(nip in file_line(e["path"], e["line"]) for e in r["evidence"])
        else:
            assert r["source"] == "tanpa_catatan"
    assert len(days) == published(con, f"tk_days_ytd/asn/{nip}/{PERIOD}")[0]
    # the band is chosen on TK days + the year's late/early minutes converted to days (450 = 1 day)
    late_minutes = sum(r["late_early_minutes"] for r in rows_ if not r["is_tk"])
    assert late_minutes == published(con, f"late_minutes_ytd/asn/{nip}/{PERIOD}")[0]
    counted = len(days) + late_minutes // 450
    assert counted == published(con, f"discipline_days_ytd/asn/{nip}/{PERIOD}")[0]
    # PP 94/2021 band for that many days, from the reference table as the office keeps it
    (jenis,) = {r["jenis_asn"] for r in days}
    with open(REFERENCE / "discipline_bands.csv", encoding="utf-8") as fh:
        bands = [b for b in csv.DictReader(fh) if b["jenis_asn"] == jenis]
    band = next(
        b for b in bands if int(b["hari_dari"]) <= counted <= (int(b["hari_sampai"]) if b["hari_sampai"] else 10**9)
    )
    assert value == int(band["urutan"])
    assert band["sanksi"] in label
    # the rule's version: discipline_bands as loaded for this run, hash as on disk
    refs = {r["name"]: r for r in t["reference_tables"]}
    assert refs["discipline_bands"]["sha256"] == sha256(REFERENCE / "discipline_bands.csv")
    assert refs["discipline_bands"]["run_id"] == run_id and refs["discipline_bands"]["for_run"]


# ---------------------------------------------------------------- SKP


def test_predikat_is_recomputed_from_the_two_ratings_on_the_traced_skp_rows(sample):
    from transforms.trace import trace

    con, _ = sample
    # an ASN rated by the superior, with a predikat other than the common Baik
    metric_id = con.execute(
        """
        select 'predikat/asn/' || nip || '/' || periode from marts.skp_asn_period
        where periode = ? and rating_hasil_kerja_source = 'atasan' and predikat not in ('baik')
        order by predikat, nip limit 1""",
        [PERIOD],
    ).fetchone()[0]
    nip = metric_id.split("/")[2]
    t = trace(con, metric_id)

    rows = t["rows"]
    assert rows and all(r["nip"] == nip for r in rows)
    values = [e["values"] for r in rows for e in r["evidence"]]
    assert len(values) == len(rows)  # one SKP line per indicator
    pairs = {(v["rating_hasil_kerja"], v["rating_perilaku"]) for v in values}
    assert len(pairs) == 1  # the pair repeats on every row of the ASN-period
    rank, label = PREDIKAT_RANK[PREDIKAT_MATRIX[pairs.pop()]]
    assert (t["metric"]["value"], t["metric"]["label"]) == (rank, label)
    for r in rows:
        line = file_line(r["evidence"][0]["path"], r["evidence"][0]["line"])
        assert nip in line and PERIOD in line
    assert {"predikat_matrix", "predikat_rank"} <= {x["name"] for x in t["reference_tables"]}


def test_capaian_of_one_indicator_is_recomputed_from_its_skp_row(sample):
    from transforms.trace import trace

    con, _ = sample
    checked = 0
    for arah in ("naik", "turun"):
        metric_id = con.execute(
            """
            select 'capaian/indikator/' || nip || ':' || indikator_slug || '/' || periode
            from marts.skp_indicator_capaian
            where periode = ? and arah = ? and target_kind = 'tunggal' order by nip, indikator_slug limit 1""",
            [PERIOD, arah],
        ).fetchone()[0]
        t = trace(con, metric_id)
        (row,) = t["rows"]
        (e,) = row["evidence"]
        v = e["values"]
        ratio = v["realisasi"] / v["target"]
        expected = 100 * ratio if arah == "naik" else max(0.0, 100 * (2 - ratio))  # PermenPANRB 8/2021
        assert t["metric"]["value"] == pytest.approx(round(expected, 2), abs=0.006)
        assert v["indikator"] in file_line(e["path"], e["line"])
        checked += 1
    assert checked == 2


# ---------------------------------------------------------------- SKM


def test_ikm_is_recomputed_from_the_traced_survey_responses(sample):
    from transforms.models import discover_models
    from transforms.trace import trace

    if "marts.metrics_skm" not in discover_models():
        pytest.skip("marts.metrics_skm does not exist yet: no IKM is published")
    con, _ = sample
    row = con.execute(
        """
        select metric_id, value, label from main.metrics
        where metric = 'ikm' and scope = 'unit' and period = ? and value is not null
        order by metric_id limit 1""",
        [PERIOD],
    ).fetchone()
    assert row, "metrics_skm publishes no ikm/unit/... for the sample month"
    metric_id, value, label = row
    t = trace(con, metric_id)
    answers = [e["values"] for r in t["rows"] for e in r["evidence"]]
    assert answers and all(v["unit_slug"] == metric_id.split("/")[2] for v in answers)
    # PermenPANRB 14/2017: NRR per unsur = mean answer; IKM = sum(NRR x 1/9); converted x 25, half-up
    nrr = [Fraction(sum(v[f"u{i}"] for v in answers), len(answers)) for i in range(1, 10)]
    ikm = sum(nrr) / 9 * 25
    converted = (Decimal(ikm.numerator) / Decimal(ikm.denominator)).quantize(Decimal("0.01"), ROUND_HALF_UP)
    assert Decimal(str(value)) == converted
    for r in t["rows"][:5]:
        e = r["evidence"][0]
        assert str(e["values"]["waktu"]) in file_line(e["path"], e["line"])


# ---------------------------------------------------------------- every metric, formats, lineage


def test_every_published_metric_kind_traces_to_a_definition_sql_and_rows(sample):
    from transforms.trace import trace

    con, run_id = sample
    examples = con.execute("""
        select metric, scope, arg_max(metric_id, coalesce(value, 0)) from main.metrics
        group by metric, scope order by metric, scope""").fetchall()
    assert len(examples) > 40
    for metric, scope, metric_id in examples:
        t = trace(con, metric_id)
        where = f"{metric_id}: {t['notes']}"
        assert t["definition"] is not None, f"add {metric} ({scope}) to data/reference/metric_definitions.csv"
        assert t["models"] and t["models"][-1]["model"].startswith("marts.metrics_"), where
        assert all(m["recorded_for_run"] for m in t["models"] if m["model"].startswith("marts.")), where
        # a count that is 0 wherever published (no award candidate in the samples' 2026-Q3) has no rows
        assert t["rows_total"] > 0 or (t["metric"]["unit"] in ("orang", "unit") and not t["metric"]["value"]), where
        assert not [n for n in t["notes"] if "tidak dapat dibaca" in n], where
        assert t["reference_tables"] and all(r["for_run"] for r in t["reference_tables"]), where
        assert t["run"]["flow_run_id"] == FLOW_RUN_ID and t["run"]["code_version"]


def test_counts_of_other_metric_kinds_are_recomputed_from_their_traced_rows(sample):
    """Complaints, respondents, NRR, predikat counts, rate bands, kendala shares, missed targets
    and recommendation counts: each value again from the rows its trace lists."""
    from transforms.trace import trace

    con, _ = sample

    def example(where: str, params=()):
        row = con.execute(
            f"select metric_id from main.metrics where period = ? and {where} order by value desc, metric_id limit 1",
            [PERIOD, *params],
        ).fetchone()
        assert row, where
        return trace(con, row[0])

    t = example("metric = 'keluhan' and scope = 'unit-tema' and value > 0")
    tema = t["metric"]["scope_id"].split(":")[1]
    assert all(tema in r["tema"] and r["jenis_saran"] == "keluhan" for r in t["rows"])
    assert t["metric"]["value"] == len(t["rows"])
    assert all(r["evidence"][0]["values"]["saran"] == r["saran"] for r in t["rows"])

    t = example("metric = 'keluhan' and scope = 'unit' and value > 0")
    assert t["metric"]["value"] == len(t["rows"])

    t = example("metric = 'responden' and scope = 'unit'")
    assert (
        t["metric"]["value"]
        == len(t["rows"])
        == len({(e["file_id"], e["line"]) for r in t["rows"] for e in r["evidence"]})
    )

    t = example("metric = 'nrr' and scope = 'unit-unsur'")
    unsur = t["metric"]["scope_id"].split(":")[1].lower()
    answers = [e["values"][unsur] for r in t["rows"] for e in r["evidence"]]
    nrr = Decimal(sum(answers)) / Decimal(len(answers))
    assert Decimal(str(t["metric"]["value"])) == nrr.quantize(Decimal("0.0001"), ROUND_HALF_UP)

    t = example("metric = 'predikat_baik' and scope = 'unit'")
    assert t["metric"]["value"] == sum(r["predikat"] == "baik" for r in t["rows"])

    t = example("metric = 'asn_by_attendance_band' and scope = 'unit'")
    assert t["metric"]["value"] == len(t["rows"])
    assert all(r["persen_dari"] <= r["discipline_rate"] < r["persen_sampai"] for r in t["rows"])

    t = example("metric = 'target_tidak_tercapai' and scope = 'unit'")
    assert t["metric"]["value"] == sum(r["met"] is False for r in t["rows"])

    t = example("metric = 'kendala_share' and scope = 'unit' and value > 0 and value < 100")
    category = t["metric"]["scope_id"].split(":")[1]
    missed = [r for r in t["rows"] if r["met"] is False]
    share = 100 * sum(r["kendala_category"] == category for r in missed) / len(missed)
    assert t["metric"]["value"] == pytest.approx(round(share, 2))

    t = example("metric = 'sinyal_penghargaan' and scope = 'unit' and value > 0")
    assert t["metric"]["value"] == len({r["nip"] for r in t["rows"]})
    assert all(r["jenis"] == "penghargaan" and r["peran"] == "sinyal" for r in t["rows"])
    row = con.execute(
        "select metric_id from main.metrics where period = '2026-Q3' and metric = 'rekomendasi_pembinaan' "
        "and scope = 'unit' and value > 0 order by value desc, metric_id limit 1"
    ).fetchone()
    t = trace(con, row[0])
    assert t["metric"]["value"] == len({r["nip"] for r in t["rows"]})
    assert all(r["jenis"] == "pembinaan" and r["peran"] == "usulan" for r in t["rows"])

    t = example("metric = 'tk_days' and scope = 'unit' and value > 0")
    assert t["metric"]["value"] == sum(day_status(r) == "TK" for r in t["rows"])


def test_definitions_cover_every_metric_name_written_in_the_metrics_marts():
    import re
    from fnmatch import fnmatchcase

    sql_text = "".join(p.read_text(encoding="utf-8") for p in (ROOT / "transforms" / "marts").glob("metrics_*.sql"))
    with open(REFERENCE / "metric_definitions.csv", encoding="utf-8") as fh:
        defs = list(csv.DictReader(fh))
    names = {d["metric"] for d in defs}
    literal = set(re.findall(r"select\s+'([a-z_]+)'", sql_text))
    assert {"attendance_rate", "discipline_band", "predikat", "capaian"} <= literal
    missing = {
        m
        for m in literal
        if not any(fnmatchcase(m, n) for n in names) and not (m.endswith("_") and any(n.startswith(m) for n in names))
    }
    assert not missing, "add these to data/reference/metric_definitions.csv"
    for d in defs:
        assert d["definisi"] and d["rumus"] and d["regulasi"] and d["keluarga"], d["metric"]


def test_trace_formats_table_json_csv(sample):
    from transforms.trace import TraceError, trace_command_output

    con, run_id = sample
    metric_id = con.execute(
        "select metric_id from main.metrics where metric = 'tk_days' and scope = 'asn' "
        "and value > 0 and period = ? order by metric_id limit 1",
        [PERIOD],
    ).fetchone()[0]
    table = trace_command_output(con, metric_id, "table")
    for heading in (
        "Definisi",
        "Riwayat nilai",
        "Run",
        "Tabel referensi",
        "Model SQL",
        "Berkas sumber",
        "Baris yang dipakai",
        "Baris yang dikecualikan",
    ):
        assert heading in table
    assert FLOW_RUN_ID in table and "marts.attendance_asn_day" in table

    data = json.loads(trace_command_output(con, metric_id, "json"))
    assert data["metric"]["value"] == published(con, metric_id)[0]
    assert data["run"]["run_id"] == run_id
    assert "select" in data["models"][-1]["sql"].lower()

    lines = list(csv.DictReader(trace_command_output(con, metric_id, "csv").splitlines()))
    used = [r for r in lines if r["bagian"] == "dipakai"]
    assert len(used) == sum(max(1, len(r["evidence"])) for r in data["rows"])
    tk_lines = [r for r in used if r["status"] == "TK"]
    assert len(tk_lines) == published(con, metric_id)[0]
    # never blank: a TK day with no record says it has no source line
    assert all(r["berkas"] and r["baris"] for r in used)
    with_file = [r for r in used if r["berkas"] != "(tanpa baris sumber)"]
    assert with_file and all(r["metric_id"] == metric_id and r["baris"].isdigit() for r in with_file)
    assert all(r["baris"] == "(tidak ada)" for r in used if r["berkas"] == "(tanpa baris sumber)")
    assert all(r["sumber.nip"] == metric_id.split("/")[2] for r in with_file if r.get("sumber.nip"))

    # a family whose rows name finer metrics keeps them apart from the traced id
    predikat_id = con.execute(
        "select metric_id from main.metrics where metric = 'predikat' and period = ? order by metric_id limit 1",
        [PERIOD],
    ).fetchone()[0]
    lines = list(csv.DictReader(trace_command_output(con, predikat_id, "csv").splitlines()))
    assert lines and all(r["metric_id"] == predikat_id for r in lines)
    assert all(r["metric_id_rinci"].startswith("capaian/indikator/") for r in lines)

    with pytest.raises(ValueError):
        trace_command_output(con, metric_id, "xml")
    with pytest.raises(TraceError, match="tidak ditemukan"):
        trace_command_output(con, "attendance_rate/asn/000000000000000000/2026-10", "table")


def test_models_are_recorded_with_sql_hash_inputs_and_column_lineage(sample):
    from transforms.models import discover_models

    con, run_id = sample
    models = discover_models()
    recorded = {
        r[0]: r
        for r in con.execute(
            "select model, sha256, inputs, outputs, lineage_errors, row_count from lineage.models where run_id = ?",
            [run_id],
        ).fetchall()
    }
    assert set(recorded) == {n for n in models if n.startswith("marts.")}
    model, sha, inputs, outputs, errors, rows = recorded["marts.attendance_asn_month"]
    assert sha == hashlib.sha256(models[model].path.read_text(encoding="utf-8").encode()).hexdigest()
    assert set(json.loads(inputs)) == {
        "marts.attendance_asn_day",
        "marts.attendance_calendar",
        "staging.stg_pegawai",
        "ref.attendance_parameters",
        "ref.attendance_status",
    }
    assert json.loads(outputs) == [model] and errors == 0
    assert rows == con.execute(f"select count(*) from {model}").fetchone()[0]
    inputs, kind = con.execute(
        "select inputs, transformation from lineage.model_columns where run_id = ? and model = ? "
        "and column_name = 'attendance_rate'",
        [run_id, model],
    ).fetchone()
    assert {"table": "marts.attendance_asn_day", "column": "is_present"} in json.loads(inputs)
    assert kind == "AGGREGATION"
    inputs, kind = con.execute(
        "select inputs, transformation from lineage.model_columns where run_id = ? and model = ? "
        "and column_name = 'nip'",
        [run_id, model],
    ).fetchone()
    assert json.loads(inputs) == [{"table": "staging.stg_pegawai", "column": "nip"}] and kind == "IDENTITY"


def test_a_column_whose_lineage_cannot_be_derived_is_recorded_with_its_error(sample, monkeypatch):
    import sqlglot.lineage

    from transforms import lineage

    real = sqlglot.lineage.lineage

    def flaky(column, *args, **kwargs):
        if column == "b":
            raise RuntimeError("cannot follow b")
        return real(column, *args, **kwargs)

    monkeypatch.setattr(sqlglot.lineage, "lineage", flaky)
    derived = lineage.column_lineage("select x as a, x + 1 as b from s.t", {"s": {"t": {"x": "INTEGER"}}})
    assert derived["a"] == {"inputs": [{"table": "s.t", "column": "x"}], "transformation": "IDENTITY", "error": None}
    assert derived["b"]["inputs"] == [] and "cannot follow b" in derived["b"]["error"]

    # a model whose SQL cannot be parsed at all is still recorded, each column with the error
    con, _ = sample
    monkeypatch.setattr(lineage, "column_lineage", lambda sql, schema: (_ for _ in ()).throw(ValueError("no parse")))
    assert lineage.record_models(con, "run-broken-lineage", ["marts.attendance_unit_month"], reuse=False) == 1
    errors, columns = con.execute(
        "select lineage_errors, json_array_length(columns) from lineage.models where run_id = 'run-broken-lineage'"
    ).fetchone()
    assert errors == columns > 0


def test_a_recommendation_traces_to_the_facts_its_rule_tested(sample):
    from transforms.trace import trace

    con, _ = sample
    # 2026-10 closes no evaluation period: the award rule gives a signal (sinyal/asn/...), traced alike
    metric_id = con.execute(
        "select metric_id from main.metrics where metric = 'sinyal' and scope = 'asn' "
        "and period = ? and label like 'sinyal penghargaan%' order by metric_id limit 1",
        [PERIOD],
    ).fetchone()[0]
    t = trace(con, metric_id)
    assert t["family"] == "rekomendasi_asn" and t["definition"]["metric"] == "sinyal"
    facts = {r["kriteria"]: r for r in t["rows"]}
    # the award rule of recommendation_rules.csv, checked on the traced facts
    with open(REFERENCE / "recommendation_rules.csv", encoding="utf-8") as fh:
        award = [r for r in csv.DictReader(fh) if r["aturan"] == "penghargaan"]
    assert {r["kriteria"] for r in award} - {"ikm_petugas_mutu"} <= set(facts)
    assert facts["predikat"]["kode"] == "sangat_baik"
    assert facts["tk_days"]["nilai"] == 0 and facts["discipline_rate"]["nilai"] >= 95
    assert "penghargaan" in {r["aturan"] for r in t["summary"]} and {r["peran"] for r in t["summary"]} == {"sinyal"}
    # each fact points at the published number that shows it, and that number agrees
    for kriteria in ("tk_days", "attendance_rate"):
        shown = published(con, facts[kriteria]["metric_id"])
        assert shown is not None and shown[0] == pytest.approx(facts[kriteria]["nilai"], abs=0.01)


def test_a_metric_without_a_definition_falls_back_on_the_numbers_of_its_scope(sample):
    from transforms.trace import trace

    con, _ = sample
    nip = con.execute(
        "select scope_id from main.metrics where metric = 'predikat' and period = ? order by scope_id limit 1", [PERIOD]
    ).fetchone()[0]
    metric_id = f"rekomendasi_uji/asn/{nip}/{PERIOD}"
    con.execute(
        "insert into main.metrics values (?, 'rekomendasi_uji', 'asn', ?, ?, 1, 'aturan baru', 'aturan', 'run-uji')",
        [metric_id, nip, PERIOD],
    )
    try:
        t = trace(con, metric_id)
    finally:
        con.execute("delete from main.metrics where metric_id = ?", [metric_id])
    assert t["family"] == "published_scope" and t["definition"] is None
    assert any("tidak ada definisi" in n for n in t["notes"])
    ids = {r["metric_id"] for r in t["rows"]}
    assert {f"predikat/asn/{nip}/{PERIOD}", f"attendance_rate/asn/{nip}/{PERIOD}"} <= ids
    assert t["run"] == {"run_id": "run-uji", "recorded": False}


# ---------------------------------------------------------------- a corrected export


def test_a_corrected_row_shows_the_new_file_version_and_the_quarantined_line(tmp_path):
    from transforms.trace import trace
    from transforms.warehouse import connect

    con = connect(":memory:")
    try:
        first_run = run_period(con, SAMPLES)
        rel = "presensi/rekap_kelurahan-bukit-sua_2026-10.csv"
        original = (SAMPLES / rel).read_text(encoding="utf-8")
        lines = original.splitlines(keepends=True)
        # a present day (H) of an ASN who was also away (S, I, C, TK) that month: make its status
        # unreadable, so the day becomes unknown and the rate changes
        away = {
            line.split(",")[0] for line in lines[1:] if line.rstrip("\r\n").rsplit(",", 1)[-1] in ("S", "I", "C", "TK")
        }
        n = next(
            i
            for i, line in enumerate(lines[1:], start=2)
            if line.split(",")[0] in away and line.rstrip("\r\n").endswith(",H")
        )
        nip, day = lines[n - 1].split(",")[:2]
        lines[n - 1] = lines[n - 1].rstrip("\r\n")[:-1] + "X\n"
        inbox = tmp_path / "inbox"
        (inbox / "presensi").mkdir(parents=True)
        (inbox / rel).write_text("".join(lines), encoding="utf-8")
        metric_id = f"attendance_rate/asn/{nip}/{PERIOD}"
        before = published(con, metric_id)[0]

        second_run = run_period(con, inbox)
        t = trace(con, metric_id)

        assert t["metric"]["run_id"] == second_run
        assert [h["run_id"] for h in t["history"]] == [first_run, second_run]
        assert [h["value"] for h in t["history"]] == [before, t["metric"]["value"]]
        assert t["metric"]["value"] != before

        versions = [f for f in t["files"] if f["path"] == rel]
        new = next(f for f in versions if f["status"] == "loaded")
        old = next(f for f in versions if f["status"] == "superseded")
        assert new["sha256"] == sha256(inbox / rel) and old["sha256"] == sha256(SAMPLES / rel)
        assert old["superseded_by"] == new["file_id"] and new["first_run_id"] == second_run

        # the day is unknown now, and the line that was its evidence is listed with its reason
        (the_day,) = [r for r in t["rows"] if r["tanggal"].isoformat() == day]
        assert the_day["status"] is None and the_day["is_unknown"] and the_day["source"] == "dikarantina"
        assert the_day["evidence"] == []
        assert [(x["path"], x["line"], x["rule"]) for x in t["excluded"]] == [(rel, n, "status_unknown")]
        cited = {(e["file_id"], e["line"]) for r in t["rows"] for e in r["evidence"]}
        assert all(f == new["file_id"] for f, _ in cited if f in (new["file_id"], old["file_id"]))

        statuses = [day_status(r) for r in t["rows"]]
        present = sum(s in ("H", "DL") for s in statuses)
        known = sum(s is not None for s in statuses)
        assert t["metric"]["value"] == pytest.approx(100 * present / known)
    finally:
        con.close()


def test_column_lineage_is_cached_by_sql_and_schema(tmp_path, monkeypatch):
    from transforms import lineage

    monkeypatch.setenv("PANTAU_CACHE_DIR", str(tmp_path))
    sql = "select a.nip, count(*) as n from staging.stg_x a group by a.nip"
    schema = {"staging": {"stg_x": {"nip": "VARCHAR", "tanggal": "DATE"}}}
    first = lineage.cached_column_lineage(sql, schema, "k1")
    assert first["n"]["transformation"] == "AGGREGATION"
    assert first["nip"]["inputs"] == [{"table": "staging.stg_x", "column": "nip"}]
    assert (tmp_path / "column-lineage" / "k1.json").exists()
    # a second call reads the file: a planted entry proves the derivation was not repeated
    (tmp_path / "column-lineage" / "k1.json").write_text(
        '{"nip": {"inputs": [], "transformation": "X", "error": null}}'
    )
    assert lineage.cached_column_lineage(sql, schema, "k1")["nip"]["transformation"] == "X"
    # an unreadable cache entry is derived again, not an error
    (tmp_path / "column-lineage" / "k2.json").write_text("{not json")
    assert lineage.cached_column_lineage(sql, schema, "k2") == first


def test_a_day_read_from_a_workbook_s_second_sheet_is_traced_to_that_sheet_and_row(tmp_path):
    """A recap kept on a sheet per fortnight: the TK day on the second sheet is cited by its sheet and
    row (`presensi/rekap.xlsx:'16-31 Okt'!3`), and its staged values are that row's."""
    import io

    from openpyxl import Workbook

    from helpers import NIP_A, ROSTER
    from transforms.trace import NO_SOURCE_LINE, trace, trace_command_output
    from transforms.warehouse import connect

    wb = Workbook()
    header = ["NIP", "Tanggal", "Jam Masuk", "Jam Pulang", "Status"]
    wb.active.title = "1-15 Okt"
    for row in (header, [NIP_A, "2026-10-01", "07:25", "16:05", "H"]):
        wb.active.append(row)
    second = wb.create_sheet("16-31 Okt")
    for row in (header, [NIP_A, "2026-10-16", "07:25", "16:05", "H"], [NIP_A, "2026-10-19", None, None, "TK"]):
        second.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    inbox = tmp_path / "inbox"
    (inbox / "pegawai").mkdir(parents=True)
    (inbox / "presensi").mkdir()
    (inbox / "pegawai" / "p.csv").write_text(ROSTER, encoding="utf-8")
    (inbox / "presensi" / "rekap.xlsx").write_bytes(buf.getvalue())
    con = connect(":memory:")
    try:
        run_period(con, inbox)
        metric_id = f"tk_days/asn/{NIP_A}/{PERIOD}"
        # October's 22 workdays: present on the 1st and the 16th, TK on the 19th and on every day with no record
        assert published(con, metric_id)[0] == 20
        cited = [
            (e["path"], e["sheet"], e["line"], e["values"]["status"])
            for r in trace(con, metric_id)["rows"]
            for e in r["evidence"]
        ]
        assert ("presensi/rekap.xlsx", "16-31 Okt", 3, "TK") in cited
        assert ("presensi/rekap.xlsx", "1-15 Okt", 2, "H") in cited
        assert "presensi/rekap.xlsx:'16-31 Okt'!3" in trace_command_output(con, metric_id, "table")
        lines = list(csv.DictReader(trace_command_output(con, metric_id, "csv").splitlines()))
        # a workday with no record has no source line: its row says so instead of a blank
        assert {r["baris"] for r in lines if r["berkas"] != NO_SOURCE_LINE} == {
            "'1-15 Okt'!2",
            "'16-31 Okt'!2",
            "'16-31 Okt'!3",
        }
    finally:
        con.close()
