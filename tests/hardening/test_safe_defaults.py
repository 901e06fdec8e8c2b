"""Safe by default: the settings file, the inbox, the defaults --help shows, and exit codes of
wrong usage, through the real `pantau` commands (in-process, as a user types them).

None of these starts Prefect: each mistake is caught before a run would begin, and no run is
recorded (the warehouse is not even created).
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import duckdb
import pytest
import typer
from typer.testing import CliRunner

from flows.cli import app
from flows.settings import KEYS, PROJECT_ROOT, Settings, load_settings
from helpers import ROSTER, write_inbox

runner = CliRunner()


def pantau(*args: str):
    return runner.invoke(app, [str(a) for a in args])


def config(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "pantau.toml"
    path.write_text(text, encoding="utf-8")
    return path


def one_line(output: str) -> str:
    """The command's output as one line, whatever the terminal width wrapped."""
    return re.sub(r"\s+", " ", re.sub(r"[│╭╮╰╯─]", " ", output))


# ---------------------------------------------------------------- the settings file


@pytest.mark.parametrize(
    "text, message",
    [
        ('[paths]\ninbx = "x"\n', "kunci tidak dikenal [paths] inbx — maksud Anda inbox?"),
        ('[pahts]\ninbox = "x"\n', "bagian tidak dikenal [pahts] — maksud Anda [paths]?"),
        ('[paths]\ntimezone = "Asia/Jakarta"\n', "kunci tidak dikenal [paths] timezone — maksud Anda [run] timezone?"),
        (
            '[warehouse]\nmemory_limt = "1GB"\n',
            "kunci tidak dikenal [warehouse] memory_limt — maksud Anda memory_limit?",
        ),
        ('inbox = "x"\n', "kunci di luar bagian: inbox — maksud Anda [paths] inbox?"),
        ('[reports]\ninternal = "ya"\n', "[reports] internal harus true atau false, bukan 'ya'"),
        ("[warehouse]\nthreads = 0\n", "[warehouse] threads harus bilangan bulat ≥ 1, bukan 0"),
    ],
)
def test_an_unknown_or_wrong_key_stops_the_command_naming_the_nearest_known_one(tmp_path, text, message):
    inbox = write_inbox(tmp_path / "inbox", {"pegawai/p.csv": ROSTER})
    wh = tmp_path / "w.duckdb"
    for args in (["validate", "--inbox", inbox], ["run", "--period", "2026-10", "--inbox", inbox, "--warehouse", wh]):
        result = pantau(*args, "--config", config(tmp_path, text))
        assert result.exit_code == 2, result.output
        assert f"galat: berkas pengaturan {tmp_path / 'pantau.toml'} tidak sah: {message}" in result.output
    assert not wh.exists()


def test_every_declared_key_is_accepted_and_reaches_the_settings(tmp_path):
    path = config(
        tmp_path,
        '[paths]\ninbox = "kotak"\nwarehouse = "g.duckdb"\n'
        "[warehouse]\nreader_wait = 5\nwriter_wait = 7\nthreads = 2\n"
        '[run]\ntimezone = "Asia/Makassar"\ncron = "30 7 1-5 * mon-fri"\nas_of = 2026-11-28\n'
        '[reports]\ninternal = false\n[openlineage]\npath = "off"\n'
        '[ingest]\nmax_line_size = "8MB"\n'
        '[koreksi]\npenyetuju_kepegawaian = ["198503122010011001"]\n'
        "[validate]\nwatch_interval = 0.5\n",
    )
    settings = load_settings(path)
    assert (settings.inbox, settings.warehouse) == (tmp_path / "kotak", tmp_path / "g.duckdb")
    assert (settings.reader_wait, settings.writer_wait, settings.threads) == (5.0, 7.0, 2)
    assert (settings.timezone, settings.cron, str(settings.as_of)) == (
        "Asia/Makassar",
        "30 7 1-5 * mon-fri",
        "2026-11-28",
    )
    assert settings.include_internal is False and settings.section("openlineage") == {"path": "off"}
    assert settings.max_line_size == "8MB"
    assert settings.section("koreksi") == {"penyetuju_kepegawaian": ["198503122010011001"]}
    assert settings.section("validate") == {"watch_interval": 0.5}
    assert set(KEYS) == {"paths", "warehouse", "run", "reports", "openlineage", "ingest", "koreksi", "validate"}


@pytest.mark.parametrize(
    "text, message",
    [
        ('[run]\ntimezone = "Mars/Olympus"\n', "[run] timezone 'Mars/Olympus' bukan zona waktu IANA"),
        (
            '[run]\ntimezone = "Asia/Jakrta"\n',
            "[run] timezone 'Asia/Jakrta' bukan zona waktu IANA — maksud Anda Asia/Jakarta?",
        ),
        ('[run]\ncron = "0 6 2 *"\n', "[run] cron '0 6 2 *' bukan jadwal cron: perlu 5 bagian"),
        (
            '[run]\ncron = "0 25 2 * *"\n',
            "[run] cron '0 25 2 * *' bukan jadwal cron: bagian jam '25' harus di antara 0 dan 23",
        ),
        ('[run]\ncron = "0 6 2 * senin"\n', "bagian hari 'senin' harus di antara 0 dan 7"),
        ('[run]\ncron = "*/0 6 2 * *"\n', "bagian menit '*/0'"),
    ],
)
def test_a_bad_time_zone_or_cron_is_wrong_usage_not_an_internal_error(tmp_path, text, message):
    inbox = write_inbox(tmp_path / "inbox", {"pegawai/p.csv": ROSTER})
    for args in (
        ["validate", "--inbox", inbox, "--as-of", "2026-11-28"],
        ["serve", "--inbox", inbox, "--warehouse", tmp_path / "w.duckdb"],
    ):
        result = pantau(*args, "--config", config(tmp_path, text))
        assert result.exit_code == 2, result.output
        assert message in one_line(result.output) and "galat internal" not in result.output
    bad = pantau("serve", "--inbox", inbox, "--cron", "setiap hari")
    assert bad.exit_code == 2 and "'setiap hari' bukan jadwal cron" in bad.output


# ---------------------------------------------------------------- no inbox, no run


@pytest.mark.parametrize(
    "command",
    [["validate"], ["run", "--period", "2026-10"], ["backfill", "--from", "2026-09", "--to", "2026-10"], ["serve"]],
)
def test_without_an_inbox_nothing_runs_and_the_message_says_how_to_give_one(tmp_path, command):
    wh = tmp_path / "w.duckdb"
    args = command + (["--warehouse", wh] if command[0] != "validate" else [])
    result = pantau(*args)
    assert result.exit_code == 2, result.output
    assert (
        "galat: tidak ada inbox: sebutkan folder ekspor dengan --inbox FOLDER atau [paths] inbox di berkas "
        "pengaturan (--config); untuk contoh data: --inbox data/samples"
    ) in result.output
    # a settings file without [paths] inbox does not fall back to the samples either
    assert pantau(*args, "--config", config(tmp_path, '[run]\ntimezone = "Asia/Jakarta"\n')).exit_code == 2
    assert not wh.exists()
    assert Settings().inbox is None


def test_the_inbox_comes_from_the_settings_file_when_no_option_names_it(tmp_path):
    write_inbox(tmp_path / "kotak", {"pegawai/p.csv": ROSTER})
    result = pantau("validate", "--config", config(tmp_path, '[paths]\ninbox = "kotak"\n'), "--as-of", "2026-11-28")
    assert result.exit_code == 0, result.output
    assert f"Validasi {tmp_path / 'kotak'}" in result.output and "pegawai/p.csv" in result.output


def test_validate_of_a_missing_inbox_is_wrong_usage_like_run(tmp_path):
    for args in (
        ["validate", "--inbox", "/nope"],
        ["run", "--period", "2026-10", "--inbox", "/nope", "--warehouse", tmp_path / "w.duckdb"],
    ):
        result = pantau(*args)
        assert result.exit_code == 2, result.output
        assert "galat: folder inbox tidak ada: /nope (periksa --inbox atau [paths] inbox)" in result.output


# ---------------------------------------------------------------- defaults shown, one warehouse


def test_help_of_every_command_shows_the_default_of_every_option():
    group = typer.main.get_command(app)
    for name, command in group.commands.items():
        for param in command.params:
            if param.param_type_name != "option" or param.required or param.name == "help":
                continue
            assert param.show_default, f"pantau {name} {param.opts[0]} shows no default"
        shown = one_line(pantau(name, "--help").output)
        names = {p.name for p in command.params}
        if "warehouse" in names:
            assert "[bawaan: ([paths] warehouse, atau .pantau/pantau.duckdb)]" in shown, name
        if "inbox" in names:
            assert "[bawaan: ([paths] inbox; tidak ada bawaan)]" in shown, name
            assert "Wajib: tanpa --inbox atau [paths] inbox tidak ada yang dibaca" in shown, name
        if "out" in names and name != "sample":
            assert "[bawaan: ([paths] out, atau reports/out)]" in shown, name
    assert "[bawaan: 20]" in one_line(pantau("runs", "--help").output)
    assert "[bawaan: ([run] cron, atau 0 6 2 * * (Asia/Jakarta))]" in one_line(pantau("serve", "--help").output)


def test_make_demo_writes_the_warehouse_every_command_reads():
    recipe = (PROJECT_ROOT / "Makefile").read_text(encoding="utf-8").split("\ndemo:", 1)[1].split("\n\n", 1)[0]
    backfill = next(line for line in recipe.splitlines() if "pantau backfill" in line)
    assert "--inbox data/samples" in backfill and "--warehouse" not in backfill
    assert Settings().warehouse == PROJECT_ROOT / ".pantau" / "pantau.duckdb"
    readme = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
    assert "demo.duckdb" not in readme and "pantau export --period 2026-10` and `pantau trace" in readme


# ---------------------------------------------------------------- periods and warehouse files


@pytest.mark.parametrize(
    "period, message",
    [
        ("0000-01", "periode '0000-01' tidak sah: tahun harus di antara 2000 dan 2099"),
        ("9999-12", "periode '9999-12' tidak sah: tahun harus di antara 2000 dan 2099"),
        ("2026-10\n", "periode '2026-10\\n' tidak sah: tulis sebagai YYYY-MM, misalnya 2026-10"),
        ("2026-13", "periode '2026-13' tidak sah: tulis sebagai YYYY-MM"),
        ("२०२६-10", "periode '२०२६-10' tidak sah: tulis sebagai YYYY-MM"),
    ],
)
def test_an_impossible_period_is_wrong_usage_in_every_command(tmp_path, period, message):
    inbox = write_inbox(tmp_path / "inbox", {"pegawai/p.csv": ROSTER})
    wh = tmp_path / "w.duckdb"
    for args in (
        ["run", "--period", period, "--inbox", inbox, "--warehouse", wh],
        ["backfill", "--from", "2026-01", "--to", period, "--inbox", inbox, "--warehouse", wh],
        ["export", "--period", period, "--warehouse", wh],
    ):
        result = pantau(*args)
        assert result.exit_code == 2, result.output
        assert f"galat: {message}" in result.output
    assert not wh.exists()


def truncated_warehouse(path: Path) -> Path:
    whole = path.with_name("whole.duckdb")
    con = duckdb.connect(str(whole))
    con.execute("create table t as select range as i from range(200000)")
    con.close()
    data = whole.read_bytes()
    path.write_bytes(data[: len(data) // 3])
    return path


@pytest.mark.parametrize(
    "kind, reason",
    [
        ("folder", "ini folder, bukan berkas DuckDB"),
        ("random", "isinya bukan gudang data DuckDB (berkas lain atau data acak)"),
        ("truncated", "berkas DuckDB rusak atau terpotong"),
        ("under a file", "{tmp}/berkas.txt adalah berkas, bukan folder"),
    ],
)
def test_a_warehouse_that_is_not_one_is_named_and_is_wrong_usage(tmp_path, kind, reason):
    wh = tmp_path / "gudang.duckdb"
    reason = reason.format(tmp=tmp_path)
    if kind == "under a file":
        (tmp_path / "berkas.txt").write_text("bukan folder", encoding="utf-8")
        wh = tmp_path / "berkas.txt" / "gudang.duckdb"
    elif kind == "folder":
        wh.mkdir()
    elif kind == "random":
        wh.write_bytes(os.urandom(64 << 10))
    else:
        truncated_warehouse(wh)
    before = sorted(p.name for p in tmp_path.iterdir())
    inbox = write_inbox(tmp_path / "inbox", {"pegawai/p.csv": ROSTER})
    for args in (
        ["run", "--period", "2026-10", "--inbox", inbox],
        ["backfill", "--from", "2026-10", "--to", "2026-10", "--inbox", inbox],
        ["serve", "--inbox", inbox],
        ["runs"],
        ["export", "--period", "2026-10"],
        ["trace", "ikm/unit/kelurahan-pager/2026-10"],
    ):
        result = pantau(*args, "--warehouse", wh)
        assert result.exit_code == 2, (args, result.output)
        assert f"galat: gudang data {wh} tidak dapat dipakai: {reason}. Periksa --warehouse" in one_line(result.output)
        assert "IO Error" not in result.output and "galat internal" not in result.output
    assert sorted(p.name for p in tmp_path.iterdir() if p.name != "inbox") == before  # nothing written beside it


def test_an_out_folder_that_is_a_file_or_an_export_target_that_is_a_folder_is_wrong_usage(tmp_path):
    inbox = write_inbox(tmp_path / "inbox", {"pegawai/p.csv": ROSTER})
    (tmp_path / "laporan").write_text("bukan folder", encoding="utf-8")
    wh = tmp_path / "w.duckdb"
    for args in (["run", "--period", "2026-10"], ["backfill", "--from", "2026-10", "--to", "2026-10"], ["serve"]):
        result = pantau(*args, "--inbox", inbox, "--warehouse", wh, "--out", tmp_path / "laporan" / "out")
        assert result.exit_code == 2, result.output
        assert (
            f"galat: folder laporan {tmp_path / 'laporan' / 'out'} tidak dapat dibuat: {tmp_path / 'laporan'} "
            "adalah berkas, bukan folder"
        ) in one_line(result.output)
    assert not wh.exists()

    from transforms.publish import METRICS_DDL
    from transforms.warehouse import connect

    con = connect(wh)
    con.execute(METRICS_DDL)
    con.close()
    (tmp_path / "folder.csv").mkdir()
    result = pantau("export", "--period", "2026-10", "--warehouse", wh, "--output", tmp_path / "folder.csv")
    assert result.exit_code == 2, result.output
    assert f"galat: berkas tujuan {tmp_path / 'folder.csv'} tidak dapat ditulis: Is a directory" in result.output


def test_the_office_time_zone_reaches_the_flows_and_the_pages(tmp_path):
    """[run] timezone is what the report pages show times in (Metodologi, the period index): the CLI
    passes it to the flows with the other settings, and the pages label it by its own abbreviation."""
    from flows.cli import _flow_options
    from reports.fmt import waktu

    path = tmp_path / "pantau.toml"
    path.write_text('[run]\ntimezone = "Asia/Makassar"\n', encoding="utf-8")
    options = _flow_options(load_settings(path))
    assert options["timezone"] == "Asia/Makassar"
    assert waktu("2026-12-03T11:44:00", options["timezone"]) == "3 Desember 2026 19.44 WITA"
