"""The versions lineage.files holds, read once per inbox instead of twice per file.

For each file ingest asks which version of its path is current (unchanged? a correction?) and
whether another path was loaded with the same bytes (a duplicate). On an office inbox of 180
small files those were 360 queries; here they are one, kept in step with the files loaded
since. The answers are those of the queries they replace (`current` and `twin` in load.py).
"""

from __future__ import annotations

from typing import NamedTuple

import duckdb

VERSION_COLUMNS = "file_id, sha256, shape, rows_read, rows_empty, status, error"


class Version(NamedTuple):
    """A path's newest version in lineage.files (neither superseded nor withdrawn)."""

    file_id: int
    sha256: str
    shape: str | None = None
    rows_read: int | None = None
    rows_empty: int | None = None
    status: str | None = None
    error: str | None = None


class InboxVersions:
    def __init__(self, con: duckdb.DuckDBPyConnection) -> None:
        rows = con.execute(
            f"select path, {VERSION_COLUMNS} from lineage.files "
            "where status not in ('superseded', 'withdrawn') order by file_id"
        ).fetchall()
        self._current: dict[str, Version] = {}  # path -> its newest version (as `current` in load.py)
        self._loaded: dict[str, dict[str, int]] = {}  # sha256 -> {path: file_id} of loaded versions
        for path, *columns in rows:
            version = self._current[path] = Version(*columns)
            if version.status == "loaded":
                self._loaded.setdefault(version.sha256, {})[path] = version.file_id

    def current(self, rel: str) -> Version | None:
        """The path's newest version."""
        return self._current.get(rel)

    def twin(self, digest: str, rel: str) -> str | None:
        """Another path loaded with these bytes (the first loaded), or None."""
        others = {path: file_id for path, file_id in self._loaded.get(digest, {}).items() if path != rel}
        return min(others, key=others.get) if others else None

    def loaded(self, rel: str, digest: str, file_id: int, superseded: Version | None) -> None:
        """A version was loaded; `superseded` is the version it replaced (now status 'superseded')."""
        if superseded is not None and superseded.status == "loaded":
            self._loaded.get(superseded.sha256, {}).pop(rel, None)
        self._loaded.setdefault(digest, {})[rel] = file_id
        self._current[rel] = Version(file_id, digest)  # the rest is not read again in this pass
