"""Settings in one place: one optional TOML file, documented defaults, CLI options on top.

Every command works with no file on the committed samples. See docs/configuration.md and
pantau.example.toml for the keys.
"""
from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field, fields, replace
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

PROJECT_ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Settings:
    inbox: Path = PROJECT_ROOT / "data" / "samples"
    warehouse: Path = PROJECT_ROOT / ".pantau" / "pantau.duckdb"
    out: Path = PROJECT_ROOT / "reports" / "out"
    reference: Path = PROJECT_ROOT / "data" / "reference"
    state_dir: Path = PROJECT_ROOT / ".pantau"          # Prefect home, logs
    timezone: str = "Asia/Jakarta"
    cron: str = "0 6 2 * *"                              # `pantau serve`: 06:00 on the 2nd, WIB
    as_of: date | None = None                            # "today" for future-date checks; None = today
    memory_limit: str = "600MB"                          # [warehouse] DuckDB's limit; beyond it, it spills to disk
    threads: int | None = None                           # [warehouse] DuckDB threads; None = one per core
    xlsx_max_part: str = "200MB"                         # [ingest] largest sheet or shared-strings part of an XLSX, unpacked
    extra: dict = field(default_factory=dict)            # sections later stages read

    def today(self) -> date:
        return self.as_of or datetime.now(ZoneInfo(self.timezone)).date()

    @property
    def include_internal(self) -> bool:
        """`[reports] internal`: write the per-ASN pages under internal/ (default true)."""
        value = self.section("reports").get("internal", True)
        if not isinstance(value, bool):
            raise ValueError(f"[reports] internal harus true atau false, bukan {value!r}")
        return value

    def section(self, name: str) -> dict:
        """A section of the TOML file that a later stage reads (e.g. `openlineage`)."""
        value = self.extra.get(name, {}) if isinstance(self.extra, dict) else {}
        if not isinstance(value, dict):
            raise ValueError(f"[{name}] harus berupa bagian (section) TOML")
        return value


PATH_KEYS = ("inbox", "warehouse", "out", "reference", "state_dir")


def load_settings(config: Path | None = None, **overrides) -> Settings:
    """Defaults, then the TOML file (paths relative to the file), then non-None overrides."""
    settings = Settings()
    if config is not None:
        config = Path(config)
        with open(config, "rb") as fh:
            doc = tomllib.load(fh)
        known = {f.name for f in fields(Settings)}
        values = {}
        for section in doc.values() if all(isinstance(v, dict) for v in doc.values()) else [doc]:
            for key, value in section.items():
                if key in PATH_KEYS:
                    values[key] = (config.parent / value).resolve()
                elif key == "as_of" and value:
                    values[key] = value if isinstance(value, date) else date.fromisoformat(str(value))
                elif key in known and key != "extra":
                    values[key] = value
        values["extra"] = doc
        settings = replace(settings, **values)
    clean = {k: (Path(v) if k in PATH_KEYS else v) for k, v in overrides.items() if v is not None}
    return replace(settings, **clean)


def duckdb_environment(settings: Settings) -> None:
    """Every warehouse connection of this process (and of Prefect tasks it starts) uses the
    `[warehouse]` memory limit and threads (transforms/warehouse.py connect)."""
    import duckdb

    from transforms.warehouse import MEMORY_LIMIT_ENV, THREADS_ENV

    try:   # a bad value is a settings error now, not a failure inside a run
        duckdb.connect(config={"memory_limit": str(settings.memory_limit or "1GB"),
                               "threads": int(settings.threads or 1)}).close()
    except (duckdb.Error, ValueError, TypeError) as exc:
        raise ValueError(f"[warehouse] memory_limit / threads tidak sah "
                         f"({settings.memory_limit!r}, {settings.threads!r}): {exc}") from None
    if settings.memory_limit:
        os.environ[MEMORY_LIMIT_ENV] = str(settings.memory_limit)
    if settings.threads:
        os.environ[THREADS_ENV] = str(int(settings.threads))
    from transforms.ingest.xlsx import XLSX_MAX_PART_ENV, parse_size

    try:   # a bad value is a settings error now
        parse_size(settings.xlsx_max_part)
    except ValueError as exc:
        raise ValueError(f"[ingest] xlsx_max_part tidak sah: {exc}") from None
    os.environ[XLSX_MAX_PART_ENV] = str(settings.xlsx_max_part)


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
