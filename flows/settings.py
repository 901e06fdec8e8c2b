"""Settings in one place: one optional TOML file, documented defaults, CLI options on top.

Every key the file may hold is declared once, in KEYS; an unknown section or key is an error
naming the nearest known one. There is no default inbox: a run reads the exports it is told to
read (`--inbox` or `[paths] inbox`). See docs/configuration.md and pantau.example.toml.
"""

from __future__ import annotations

import difflib
import os
import re
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field, fields, replace
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from transforms.ingest.limits import (
    DEFAULT_MAX_FILE_SIZE,
    DEFAULT_MAX_LINE_SIZE,
    MAX_FILE_SIZE_ENV,
    MAX_LINE_SIZE_ENV,
    parse_size,
)

PROJECT_ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Settings:
    inbox: Path | None = None  # no default: --inbox or [paths] inbox
    warehouse: Path = PROJECT_ROOT / ".pantau" / "pantau.duckdb"
    out: Path = PROJECT_ROOT / "reports" / "out"
    internal_root: Path = PROJECT_ROOT / "reports" / "internal"  # [paths] internal: named pages, outside out
    reference: Path = PROJECT_ROOT / "data" / "reference"
    state_dir: Path = PROJECT_ROOT / ".pantau"  # Prefect home, logs
    timezone: str = "Asia/Jakarta"
    cron: str = "0 6 2 * *"  # `pantau serve`: 06:00 on the 2nd, WIB
    as_of: date | None = None  # "today" for future-date checks; None = today
    memory_limit: str = "600MB"  # [warehouse] DuckDB's limit; beyond it, it spills to disk
    threads: int | None = None  # [warehouse] DuckDB threads; None = one per core
    reader_wait: float = 600.0  # [warehouse] s trace/export/runs wait for a run to finish
    writer_wait: float = 60.0  # [warehouse] s a run waits for a reader to let go
    max_file_size: str = DEFAULT_MAX_FILE_SIZE  # [ingest] a CSV larger than this is refused unread
    max_line_size: str = DEFAULT_MAX_LINE_SIZE  # [ingest] a CSV line longer than this refuses the file
    xlsx_max_part: str = "200MB"  # [ingest] largest sheet or shared-strings part of an XLSX, unpacked
    extra: dict = field(default_factory=dict)  # every section as read (values checked by KEYS)

    def today(self) -> date:
        return self.as_of or datetime.now(ZoneInfo(self.timezone)).date()

    @property
    def include_internal(self) -> str | bool:
        """Which internal pages to write: `[reports] internal_pages` ("temuan", the default: per-ASN
        pages only for the ASN with a finding or a proposal; "semua"; "tidak" -> False).
        `[reports] internal = false` means "tidak" whatever internal_pages says."""
        reports = self.section("reports")
        mode = reports.get("internal_pages", "temuan") if reports.get("internal", True) else "tidak"
        return False if mode == "tidak" else mode

    def section(self, name: str) -> dict:
        """A section of the TOML file that a later stage reads (e.g. `openlineage`)."""
        value = self.extra.get(name, {}) if isinstance(self.extra, dict) else {}
        if not isinstance(value, dict):
            raise ValueError(f"[{name}] harus berupa bagian (section) TOML")
        return value


# ---------------------------------------------------------------- how each value is read
# A reader takes (value, the settings file) and returns the value to keep, or raises ValueError
# with what is wrong in Bahasa Indonesia (the key is added by load_settings).


def _path(value, config: Path) -> Path:
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"harus berupa path (teks), bukan {value!r}")
    return (config.parent / value).resolve()


def _text(value, config: Path) -> str:
    if not isinstance(value, str):
        raise ValueError(f"harus berupa teks, bukan {value!r}")
    return value


def _bool(value, config: Path) -> bool:
    if not isinstance(value, bool):
        raise ValueError(f"harus true atau false, bukan {value!r}")
    return value


def _positive_int(value, config: Path) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValueError(f"harus bilangan bulat ≥ 1, bukan {value!r}")
    return value


def _seconds(value, config: Path) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
        raise ValueError(f"harus jumlah detik ≥ 0, bukan {value!r}")
    return float(value)


def _date(value, config: Path) -> date:
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise ValueError(f"harus tanggal YYYY-MM-DD, bukan {value!r}") from None


def _timezone(value, config: Path) -> str:
    try:
        ZoneInfo(str(value))
        return str(value)
    except (ZoneInfoNotFoundError, ValueError, TypeError):
        near = difflib.get_close_matches(str(value), sorted(available_timezones()), n=1)
        hint = f" — maksud Anda {near[0]}?" if near else ""
        raise ValueError(
            f"{value!r} bukan zona waktu IANA{hint} (WIB: Asia/Jakarta, WITA: Asia/Makassar, WIT: Asia/Jayapura)"
        ) from None


# minute, hour, day of month, month, day of week: the five fields of a cron line
_CRON_FIELDS = (("menit", 0, 59), ("jam", 0, 23), ("tanggal", 1, 31), ("bulan", 1, 12), ("hari", 0, 7))
_CRON_NAMES = {3: "jan feb mar apr may jun jul aug sep oct nov dec".split(), 4: "sun mon tue wed thu fri sat".split()}
_CRON_PART = re.compile(r"^(\*|(\w+)(?:-(\w+))?)(?:/(\d+))?$")


def _cron(value, config: Path) -> str:
    """Five fields of numbers, ranges, lists and steps (what Prefect's Cron schedule accepts)."""
    text = str(value).strip()
    if text in ("@yearly", "@annually", "@monthly", "@weekly", "@daily", "@hourly"):
        return text
    parts = text.split()
    if len(parts) != 5:
        raise ValueError(
            f'{value!r} bukan jadwal cron: perlu 5 bagian (menit jam tanggal bulan hari), misalnya "0 6 2 * *"'
        )
    for i, (part, (name, low, high)) in enumerate(zip(parts, _CRON_FIELDS, strict=True)):
        for item in part.split(","):
            m = _CRON_PART.match(item.lower())
            numbers = [] if not m else [x for x in (m.group(2), m.group(3)) if x]
            try:
                values = [
                    _CRON_NAMES[i].index(x) + (i == 3) if i in _CRON_NAMES and x in _CRON_NAMES[i] else int(x)
                    for x in numbers
                ]
            except ValueError:
                values = None
            if not m or values is None or any(not low <= v <= high for v in values) or m.group(4) == "0":
                raise ValueError(
                    f"{value!r} bukan jadwal cron: bagian {name} '{part}' harus di antara "
                    f'{low} dan {high}, misalnya "0 6 2 * *"'
                )
    return text


def _size(value, config: Path) -> str:
    """A size like 64MB or 2GB (powers of 1024)."""
    try:
        parse_size(str(value))
    except ValueError as exc:
        raise ValueError(str(exc)) from None
    return str(value)


def _nip_list(value, config: Path) -> list[str]:
    from transforms.koreksi import parse_nip_list

    return parse_nip_list(value)


def _internal_pages(value, config: Path) -> str:
    from reports.internal_pages import PAGE_MODES

    if value not in PAGE_MODES:
        raise ValueError(
            f"{value!r} bukan pilihan halaman internal: pilih salah satu dari "
            + ", ".join(f'"{m}"' for m in PAGE_MODES)
        )
    return value


def _as_is(value, config: Path):
    return value


# [openlineage]: the values lineage_config (flows/lineage_events.py) builds its configuration from.
# Each reader also takes its own output: the section travels to the flow as a parameter and is
# read again there (openlineage_section).
_OFF = ("none", "off", "false")


def truthy(value, config: Path | None = None) -> bool:
    """true/false, or text like "ya", "1", "on" (anything else is false)."""
    if isinstance(value, bool):
        return value
    return str(value).strip().lower() in ("1", "true", "yes", "ya", "on")


def events_file_off(value) -> bool:
    """`[openlineage] path = "off"` (or "none", "false"): no events file; kept as written."""
    return str(value).strip().lower() in _OFF


def _number(value, config: Path | None = None) -> float:
    try:
        return float(value)
    except (TypeError, ValueError):
        raise ValueError(f"harus angka, bukan {value!r}") from None


def _whole_number(value, config: Path | None = None) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise ValueError(f"harus bilangan bulat, bukan {value!r}") from None


# ---------------------------------------------------------------- the keys the file may hold
# [section] key -> reader. Adding a key is one line here (and a row in docs/configuration.md).
# Every key is in settings.section(name); a key of FIELD_SECTIONS named like a Settings field
# also sets that field (FIELD_NAMES when the field is named otherwise: `[paths] internal` sets Settings.internal_root).
KEYS: dict[str, dict[str, Callable]] = {
    "paths": {
        "inbox": _path,
        "warehouse": _path,
        "out": _path,
        "internal": _path,
        "reference": _path,
        "state_dir": _path,
    },
    "warehouse": {"memory_limit": _text, "threads": _positive_int, "reader_wait": _seconds, "writer_wait": _seconds},
    "run": {"timezone": _timezone, "cron": _cron, "as_of": _date},
    "ingest": {"max_file_size": _size, "max_line_size": _size, "xlsx_max_part": _size},
    "reports": {"internal": _bool, "internal_pages": _internal_pages},
    "validate": {"watch_interval": _seconds},
    "koreksi": {"penyetuju_kepegawaian": _nip_list},
    "openlineage": {
        "enabled": truthy,
        "path": _as_is,
        "url": _as_is,
        "endpoint": _as_is,
        "api_key": _as_is,
        "namespace": _as_is,
        "timeout": _number,
        "retries": _whole_number,
    },
}
FIELD_SECTIONS = ("paths", "warehouse", "run", "ingest")
FIELD_NAMES = {("paths", "internal"): "internal_root"}  # a key whose Settings field is named otherwise
PATH_KEYS = tuple(FIELD_NAMES.get(("paths", k), k) for k in KEYS["paths"])


def _nearest(name: str, section: str | None) -> str:
    """' — maksud Anda …?' for the known key (in its own section first) or section closest to name."""
    if section is not None:
        near = difflib.get_close_matches(name, KEYS[section], n=1)
        if near:
            return f" — maksud Anda {near[0]}?"
    elsewhere = {f"[{s}] {k}": k for s, keys in KEYS.items() for k in keys if s != section}
    near = difflib.get_close_matches(name, list(elsewhere.values()), n=1)
    if near:
        return f" — maksud Anda {next(full for full, k in elsewhere.items() if k == near[0])}?"
    return ""


def read_file(config: Path) -> dict:
    """The settings file checked against KEYS: {section: {key: value as read}}."""
    with open(config, "rb") as fh:
        doc = tomllib.load(fh)
    checked: dict[str, dict] = {}
    for section, body in doc.items():
        if section not in KEYS:
            if not isinstance(body, dict):
                raise ValueError(
                    f"kunci di luar bagian: {section}{_nearest(section, None)} "
                    "(setiap kunci ada di bawah [bagian]-nya, lihat docs/configuration.md)"
                )
            near = difflib.get_close_matches(section, KEYS, n=1)
            raise ValueError(
                f"bagian tidak dikenal [{section}]"
                + (f" — maksud Anda [{near[0]}]?" if near else "")
                + f" (bagian yang dikenal: {', '.join(f'[{s}]' for s in KEYS)})"
            )
        if not isinstance(body, dict):
            raise ValueError(f"[{section}] harus berupa bagian (section) TOML")
        checked[section] = {}
        for key, value in body.items():
            if key not in KEYS[section]:
                raise ValueError(f"kunci tidak dikenal [{section}] {key}{_nearest(key, section)}")
            try:
                checked[section][key] = KEYS[section][key](value, config)
            except ValueError as exc:
                raise ValueError(f"[{section}] {key} {exc}") from None
    return checked


def openlineage_section(section: dict | None) -> dict:
    """`[openlineage]` as its readers give it: the section of a Settings, or a dict given to a
    flow or a test; keys it does not know are left out."""
    readers = KEYS["openlineage"]
    return {key: readers[key](value, None) for key, value in (section or {}).items() if key in readers}


def load_settings(config: Path | None = None, **overrides) -> Settings:
    """Defaults, then the TOML file (paths relative to the file), then non-None overrides."""
    settings = Settings()
    if config is not None:
        config = Path(config)
        doc = read_file(config)
        names = {f.name for f in fields(Settings)} - {"extra"}
        values = {
            FIELD_NAMES.get((section, key), key): value
            for section in FIELD_SECTIONS
            for key, value in doc.get(section, {}).items()
            if FIELD_NAMES.get((section, key), key) in names
        }
        settings = replace(settings, extra=doc, **values)
    clean = {k: (Path(v) if k in PATH_KEYS else v) for k, v in overrides.items() if v is not None}
    if "cron" in clean:
        clean["cron"] = _cron(clean["cron"], Path("."))
    return replace(settings, **clean)


def shown(value) -> str:
    """A default as `--help` shows it: paths relative to the project folder."""
    if isinstance(value, Path):
        try:
            return str(value.relative_to(PROJECT_ROOT))
        except ValueError:
            return str(value)
    return str(value)


def duckdb_environment(settings: Settings) -> None:
    """Every warehouse connection of this process (and of Prefect tasks it starts) uses the
    `[warehouse]` memory limit and threads (transforms/warehouse.py connect)."""
    import duckdb

    from transforms.warehouse import MEMORY_LIMIT_ENV, THREADS_ENV, WRITER_WAIT_ENV

    try:  # a bad value is a settings error now, not a failure inside a run
        duckdb.connect(
            config={"memory_limit": str(settings.memory_limit or "1GB"), "threads": int(settings.threads or 1)}
        ).close()
    except (duckdb.Error, ValueError, TypeError) as exc:
        raise ValueError(
            f"[warehouse] memory_limit / threads tidak sah ({settings.memory_limit!r}, {settings.threads!r}): {exc}"
        ) from None
    if settings.memory_limit:
        os.environ[MEMORY_LIMIT_ENV] = str(settings.memory_limit)
    if settings.threads:
        os.environ[THREADS_ENV] = str(int(settings.threads))
    os.environ[WRITER_WAIT_ENV] = str(settings.writer_wait)
    for key, env in (("max_file_size", MAX_FILE_SIZE_ENV), ("max_line_size", MAX_LINE_SIZE_ENV)):
        try:  # the CSV reader's limits reach every process the same way
            os.environ[env] = str(parse_size(getattr(settings, key)))
        except ValueError as exc:
            raise ValueError(f"[ingest] {key}: {exc}") from None
    from transforms.ingest.xlsx import XLSX_MAX_PART_ENV

    try:  # a bad value is a settings error now; the reader names the limit as written
        parse_size(settings.xlsx_max_part)
    except ValueError as exc:
        raise ValueError(f"[ingest] xlsx_max_part tidak sah: {exc}") from None
    os.environ[XLSX_MAX_PART_ENV] = str(settings.xlsx_max_part)
    from transforms.koreksi import APPROVERS_ENV

    # always set, so a later command of the same process never inherits another's approvers
    os.environ[APPROVERS_ENV] = ",".join(settings.section("koreksi").get("penyetuju_kepegawaian", []))


def prefect_environment(settings: Settings) -> None:
    """Prefect reads its settings from the environment at import: set ours before that.

    A temporary API server starts per process when no server is configured; on 2 cores it
    needs more than Prefect's default 20 s to start. Telemetry stays off.
    """
    defaults = {
        "PREFECT_HOME": str(settings.state_dir / "prefect"),
        "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "120",
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        "DO_NOT_TRACK": "1",
        "PREFECT_LOGGING_LEVEL": "WARNING",
    }
    for key, value in defaults.items():
        os.environ.setdefault(key, value)
    Path(os.environ["PREFECT_HOME"]).mkdir(parents=True, exist_ok=True)
