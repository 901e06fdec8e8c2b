"""What a run wrote: the summary counts, the messy manifest and its rule ids, progress messages."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

#: rule ids used in the messy manifest (the validation uses the same ids)
RULES = (
    "nip_format",
    "date_invalid",
    "date_future",
    "time_invalid",
    "status_unknown",
    "score_range",
    "target_invalid",
    "realisasi_invalid",
    "direction_unknown",
    "rating_unknown",
    "duplicate_exact",
    "duplicate_conflict",
)


class Output:
    """Bookkeeping of what was written: summary counts, manifest, progress."""

    def __init__(self, root: Path, progress: Callable[[str], None] | None):
        self.root = root
        self.summary: dict[str, int] = {}
        self.manifest: list[dict] = []
        self.progress = progress

    def path(self, rel: str) -> Path:
        p = self.root / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        return p

    def done(self, rel: str, rows: int) -> None:
        self.summary[rel] = rows
        if self.progress is not None:
            self.progress(f"{rel}: {rows} baris")

    def defect(self, rel: str, row: int, column: str, rule: str, note: str) -> None:
        assert rule in RULES, rule
        self.manifest.append({"file": rel, "row": int(row), "column": column, "rule": rule, "note": note})

    def write_manifest(self) -> None:
        """``.manifest.json`` beside the files: the injected defects, in file and row order."""
        self.manifest.sort(key=lambda r: (r["file"], r["row"], r["column"], r["rule"]))
        (self.root / ".manifest.json").write_text(
            json.dumps(self.manifest, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
        )
