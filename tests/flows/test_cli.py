"""The command line: exit codes and what an analyst reads. `validate` needs no Prefect."""

from __future__ import annotations

from typer.testing import CliRunner

from flows.cli import app
from helpers import AS_OF, NIP_A, NIP_B, ROSTER, write_inbox

runner = CliRunner()


def test_validate_lists_every_problem_and_exits_0_when_only_rows_are_quarantined(tmp_path):
    write_inbox(
        tmp_path,
        {
            "pegawai/p.csv": ROSTER,
            "presensi/r.csv": (
                "nip;tanggal;jam_masuk;jam_pulang;status\n"
                f"{NIP_A};13/10/2026;07.31;16:00;H\n"
                f"{NIP_B};2026-10-01;07:31;16:00;X\n"
                f"1985031220100110;2026-10-01;07:31;16:00;H\n"
            ),
        },
    )
    result = runner.invoke(app, ["validate", "--inbox", str(tmp_path), "--as-of", "2026-11-28"])
    assert result.exit_code == 0, result.output
    assert "presensi/r.csv" in result.output
    assert "baris 3, kolom status = 'X'" in result.output
    assert "baris 4, kolom nip = '1985031220100110'" in result.output
    # read 3 = loaded 1 + quarantined 2
    line = next(ln for ln in result.output.splitlines() if ln.startswith("presensi/r.csv"))
    assert line.split()[2:6] == ["3", "1", "2", "ya"]


def test_validate_exits_1_naming_the_file_that_cannot_be_trusted(tmp_path):
    write_inbox(
        tmp_path,
        {
            "pegawai/p.csv": ROSTER,
            "skm/s.csv": "waktu,unit_layanan,u1,u2\n2026-10-01,PATEN,4,3\n",
        },
    )
    result = runner.invoke(app, ["validate", "--inbox", str(tmp_path), "--as-of", "2026-11-28"])
    assert result.exit_code == 1
    assert "DIHENTIKAN" in result.output
    assert "skm/s.csv: kolom wajib tidak ada: jenis_layanan, u3" in result.output


def test_without_a_roster_nothing_can_be_published(tmp_path):
    write_inbox(
        tmp_path, {"presensi/r.csv": f"nip,tanggal,jam_masuk,jam_pulang,status\n{NIP_A},2026-10-01,07:31,16:00,H\n"}
    )
    result = runner.invoke(app, ["validate", "--inbox", str(tmp_path), "--as-of", "2026-11-28"])
    assert result.exit_code == 1
    assert "pegawai/: tidak ada daftar pegawai yang sah" in result.output


def test_wrong_usage_exits_2(tmp_path):
    assert runner.invoke(app, ["run", "--period", "2026-13", "--inbox", str(tmp_path)]).exit_code == 2
    assert runner.invoke(app, ["validate", "--inbox", str(tmp_path), "--as-of", "kemarin"]).exit_code == 2
    both = runner.invoke(app, ["run", "--period", "2026-10", "--inbox", str(tmp_path), "--partitioned", "--cascade"])
    assert both.exit_code == 2 and "--cascade belum tersedia untuk --partitioned" in both.output
    bad = tmp_path / "bad.toml"
    bad.write_text('[warehouse]\nmemory_limit = "banyak"\n')
    wrong = runner.invoke(app, ["validate", "--config", str(bad), "--inbox", str(tmp_path)])
    assert wrong.exit_code == 2 and "memory_limit" in wrong.output


def test_run_partitioned_refuses_a_warehouse_of_single_runs(prefect_server, tmp_path):
    from transforms.runs import start_run
    from transforms.warehouse import connect

    write_inbox(tmp_path / "inbox", {"pegawai/p.csv": ROSTER})
    warehouse = tmp_path / "w.duckdb"
    con = connect(warehouse)
    start_run(con, "run", "2026-10", AS_OF, {})
    con.close()
    result = runner.invoke(
        app,
        [
            "run",
            "--period",
            "2026-10",
            "--partitioned",
            "--inbox",
            str(tmp_path / "inbox"),
            "--warehouse",
            str(warehouse),
            "--as-of",
            "2026-11-28",
        ],
    )
    assert result.exit_code == 2, result.output
    assert "dipakai oleh perintah lain (run)" in result.output


def test_trace_prints_the_metric_in_each_format_and_exits_2_for_an_unknown_id(tmp_path):
    import csv
    import io
    import json

    from flows.settings import PROJECT_ROOT, Settings
    from flows.steps import ingest_step, transform_step, validate_step
    from transforms.runs import finish_run, start_run
    from transforms.warehouse import connect

    wh, samples = tmp_path / "w.duckdb", PROJECT_ROOT / "data" / "samples"
    con = connect(wh)  # a run as the flow does it, without Prefect
    run_id = start_run(con, "run", "2026-10", AS_OF, {"inbox": str(samples)})
    reports, _ = ingest_step(con, samples, Settings().reference, run_id)
    validate_step(con, reports, AS_OF, run_id, period="2026-10")
    transform_step(con, "2026-10", run_id)
    finish_run(con, run_id, "success")
    value, label = con.execute(
        "select value, label from metrics where metric_id = ?", ["ikm/unit/kelurahan-pager/2026-10"]
    ).fetchone()
    con.close()
    metric = "ikm/unit/kelurahan-pager/2026-10"

    table = runner.invoke(app, ["trace", metric, "--warehouse", str(wh)])
    assert table.exit_code == 0, table.output
    assert table.output.startswith(f"Metrik    {metric}\n  nilai   73.58 poin   label: C")
    assert "skm/skm_2026-10.csv" in table.output

    doc = json.loads(runner.invoke(app, ["trace", metric, "--warehouse", str(wh), "--format", "json"]).output)
    assert (doc["metric"]["value"], doc["metric"]["label"]) == (value, label) == (73.58, "C")

    rows = list(
        csv.DictReader(
            io.StringIO(runner.invoke(app, ["trace", metric, "--warehouse", str(wh), "--format", "csv"]).output)
        )
    )
    used = [r for r in rows if r["bagian"] == "dipakai"]
    assert used and {r["berkas"] for r in used} == {"skm/skm_2026-10.csv"}

    unknown = runner.invoke(app, ["trace", "ikm/unit/tidak-ada/2026-10", "--warehouse", str(wh)])
    assert unknown.exit_code == 2 and "tidak ditemukan" in unknown.output
    assert runner.invoke(app, ["trace", metric, "--warehouse", str(wh), "--format", "xml"]).exit_code == 2


def test_running_out_of_memory_names_the_limit_and_exits_4(tmp_path, monkeypatch):
    from transforms.warehouse import MEMORY_LIMIT_ENV, THREADS_ENV

    for name in (MEMORY_LIMIT_ENV, THREADS_ENV):  # the command sets them; restored after the test
        monkeypatch.setenv(name, "")
    config = tmp_path / "pantau.toml"
    config.write_text('[warehouse]\nmemory_limit = "1MB"\nthreads = 1\n')
    result = runner.invoke(
        app, ["validate", "--config", str(config), "--inbox", "data/samples", "--as-of", "2026-11-28"]
    )
    assert result.exit_code == 4, result.output
    assert "DuckDB kehabisan memori" in result.output
    assert "memory_limit = 1MB" in result.output
    assert "galat internal" not in result.output and "Traceback" not in result.output


def test_prefect_console_lines_leave_out_the_traceback_and_later_handlers_still_get_it():
    import io
    import logging

    from prefect.logging.formatters import PrefectFormatter
    from prefect.logging.handlers import PrefectConsoleHandler

    from flows.cli import quiet_console_tracebacks

    out, sent = io.StringIO(), []

    class ToApi(logging.Handler):  # stands for Prefect's API handler
        def emit(self, record):
            sent.append(logging.Formatter().format(record))

    console = PrefectConsoleHandler(stream=out)
    console.setFormatter(PrefectFormatter(format="%(levelname)s | %(message)s"))
    logger = logging.getLogger("pantau.test.console")
    logger.propagate, logger.handlers = False, [console, ToApi()]
    quiet_console_tracebacks(logger)
    quiet_console_tracebacks(logger)  # a second command in the process does not wrap it twice
    try:
        raise MemoryError("kehabisan memori")
    except MemoryError:
        logger.exception("Encountered exception during execution")
    assert "ERROR | Encountered exception during execution" in out.getvalue()
    assert "Traceback" not in out.getvalue()
    assert "Traceback" in sent[0] and "MemoryError: kehabisan memori" in sent[0]
    assert type(console.formatter.inner) is PrefectFormatter
