"""The command line's frame in Bahasa Indonesia: help, usage line, flags and Click's errors, as an
analyst sees them from `pantau` (the console entry point, run as a process)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
ENGLISH_FRAME = (
    "Usage",
    "Options",
    "Commands",
    "Show this message",
    "Missing option",
    "[default:",
    "[required]",
    "Error",
    "Try ",
    "for help",
    "<bool>",
    "<str>",
    "<path>",
    "<int",
    "No such",
    "Invalid value",
    "Input should",
    "Got unexpected",
)


def pantau(*args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "COLUMNS": "120", "NO_COLOR": "1"}
    return subprocess.run(
        [sys.executable, "-m", "flows.cli", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


def english(text: str) -> list[str]:
    return [w for w in ENGLISH_FRAME if w in text]


def test_pantau_help_is_indonesian():
    result = pantau("--help")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert re.search(r"Penggunaan: python -m flows\.cli \[OPSI\] PERINTAH \[ARGUMEN\]\.\.\.", out)
    assert "─ Opsi ─" in out and "─ Perintah ─" in out
    assert re.search(r"--help\s+Tampilkan bantuan ini lalu keluar\.", out)
    assert english(out) == []


def test_pantau_run_help_shows_flags_without_a_type_and_defaults_in_words():
    result = pantau("run", "--help")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "Penggunaan: python -m flows.cli run [OPSI]" in out
    assert re.search(r"--period\s+<teks>", out) and "[wajib]" in out
    assert re.search(r"--inbox\s+<jalur>", out)
    assert re.search(r"--workers\s+<bilangan> \[x>=1\]", out) and "[bawaan: 2]" in out
    assert re.search(r"--debug\s{2,}Tampilkan traceback", out)  # a flag: no <bool>
    assert english(out) == []


@pytest.mark.parametrize(
    "args, message",
    [
        (["export"], "Opsi '--period' wajib diisi."),
        (["export", "--perod", "2026-10"], "Opsi tidak dikenal: --perod (pilihan yang mungkin: --period, --pribadi)"),
        (["expor"], "Perintah 'expor' tidak dikenal. Maksud Anda 'export' atau 'rapor'?"),
        (["run", "--period", "2026-10", "--workers", "0"], "Nilai tidak sah untuk '--workers': harus paling sedikit 1"),
        (["runs", "a"], "Argumen berlebih yang tidak dikenal: a"),
    ],
)
def test_wrong_usage_is_told_in_indonesian_with_exit_2(args, message):
    result = pantau(*args)
    assert result.returncode == 2
    err = result.stderr
    assert message in err
    assert "Penggunaan: python -m flows.cli" in err and "─ Galat ─" in err
    assert f"Lihat 'python -m flows.cli {args[0] + ' ' if args[0] != 'expor' else ''}--help' untuk bantuan." in err
    assert english(err) == [], err
    assert "Traceback" not in err


def test_the_frame_words_are_data():
    """Every row of flows/cli_messages.csv is used as written: `teks` exact, `pola` a valid expression."""
    from flows.cli_frame import catalog, say

    words, patterns = catalog()
    assert words["Show this message and exit."] == "Tampilkan bantuan ini lalu keluar."
    assert len(patterns) >= 10
    assert say("Missing option '--period'.") == "Opsi '--period' wajib diisi."
    assert (
        say("Invalid value for '--format': 'pdf' is not one of 'csv', 'xlsx'.")
        == "Nilai tidak sah untuk '--format': 'pdf' bukan salah satu dari 'csv', 'xlsx'."
    )
