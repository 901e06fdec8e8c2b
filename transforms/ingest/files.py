"""The inbox's files: what is read, what is skipped and why (system files, links out of the inbox,
binaries), and their identity (sha256)."""

from __future__ import annotations

import hashlib
import os
import stat
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd

# file types offices hand over by mistake, told apart by their first bytes
MAGIC = (
    (b"\x89PNG\r\n\x1a\n", "gambar PNG"),
    (b"\xff\xd8\xff", "gambar JPEG"),
    (b"GIF87a", "gambar GIF"),
    (b"GIF89a", "gambar GIF"),
    (b"%PDF", "dokumen PDF"),
    (
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",
        "berkas Excel/Office format lama (.xls/.doc); buka di Excel lalu simpan sebagai .xlsx atau CSV",
    ),
    (b"\x1f\x8b", "arsip gzip; ekstrak dulu"),
    (b"Rar!", "arsip RAR; ekstrak dulu"),
    (b"7z\xbc\xaf\x27\x1c", "arsip 7-Zip; ekstrak dulu"),
)
DATA_SUFFIXES = (".csv", ".tsv", ".txt", ".xlsx", ".xlsm", ".xls")
# files operating systems leave in folders; never exports
SYSTEM_FILES = {"thumbs.db", "ehthumbs.db", "desktop.ini", "icon\r"}


def what_binary(head: bytes) -> str | None:
    """A plain-words name for a file that is not text, or None when it looks like text."""
    for magic, name in MAGIC:
        if head.startswith(magic):
            return name
    sample = head[:8192]
    # text has next to no control characters; one stray NUL in a complaint is not binary
    controls = sum(1 for b in sample if b < 32 and b not in (9, 10, 12, 13)) + sample.count(b"\x7f")
    if sample and (controls > len(sample) * 0.05 or sample.count(b"\x00") > max(2, len(sample) // 200)):
        return "berkas biner (bukan teks CSV atau XLSX)"
    return None


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        while block := fh.read(1 << 20):
            digest.update(block)
    return digest.hexdigest()


@dataclass
class Entry:
    """One thing found in the inbox: a file to read, or why it is not read."""

    rel: str
    path: Path
    action: str | None = None  # None: read it; "error" or "ignored" with a message
    message: str | None = None


def survey_inbox(inbox: Path) -> list[Entry]:
    """Everything under the inbox in path order, without following symbolic links.

    Dotfiles, dot-folders and Office lock files (~$) are skipped silently. Regular files are
    read. A symbolic link pointing outside the inbox is never read (an error naming it); one
    pointing inside is read as the file it points to (a copy is then reported as such); a broken
    link is an error. Pipes, sockets and devices are never opened. Folders named like a file
    (rekap.csv/) and the files operating systems leave behind (Thumbs.db) are reported and skipped.
    """
    inbox = Path(inbox)
    root = os.path.realpath(inbox)
    entries: list[Entry] = []
    for dirpath, dirnames, filenames in os.walk(inbox, followlinks=False):
        dirnames[:] = sorted(d for d in dirnames if not _hidden(d))
        base = Path(dirpath)
        for name in list(dirnames):
            path = base / name
            if path.is_symlink():
                dirnames.remove(name)  # os.walk would not descend anyway; keep it explicit
            entry = _folder_entry(inbox, root, path)
            if entry is not None:
                entries.append(entry)
        for name in sorted(filenames):
            if _hidden(name):
                continue
            entry = _file_entry(inbox, root, base / name)
            if entry is not None:
                entries.append(entry)
    return sorted(entries, key=lambda e: e.rel)


def _hidden(name: str) -> bool:
    """Dotfiles, dot-folders and Office lock files: skipped without a word."""
    return name.startswith((".", "~$"))


def _folder_entry(inbox: Path, root: str, path: Path) -> Entry | None:
    """What is said about a folder: a link to a folder, or a folder named like a file; None otherwise."""
    rel = _legible(path.relative_to(inbox).as_posix())
    if path.is_symlink():
        target = os.path.realpath(path)
        if not _inside(target, root):
            return Entry(
                rel,
                path,
                "error",
                (
                    f"tautan simbolik ke folder di luar inbox ({target}); isinya tidak dibaca. "
                    "Salin berkasnya ke dalam inbox bila memang harus dipakai"
                ),
            )
        return Entry(
            rel,
            path,
            "ignored",
            ("tautan simbolik ke folder lain di dalam inbox; berkasnya dibaca di tempat aslinya"),
        )
    if path.name.lower().endswith(DATA_SUFFIXES):
        return Entry(
            rel,
            path,
            "ignored",
            (
                "ini folder, bukan berkas, walau namanya seperti berkas; folder itu sendiri dilewati "
                "(berkas di dalamnya tetap diperiksa)"
            ),
        )
    return None


def _file_entry(inbox: Path, root: str, path: Path) -> Entry | None:
    """A file to read, or why it is not read; None for a link to a folder inside the inbox."""
    name = path.name
    rel = path.relative_to(inbox).as_posix()
    if not _utf8_name(rel):
        return Entry(
            _legible(rel),
            path,
            "error",
            (
                "nama berkas (atau foldernya) memuat karakter yang bukan UTF-8, biasanya dari arsip ZIP "
                "Windows lama; ganti nama berkas itu lalu jalankan ulang"
            ),
        )
    if name.lower() in SYSTEM_FILES or name.endswith(":Zone.Identifier"):
        return Entry(rel, path, "ignored", "berkas sistem Windows/macOS, bukan ekspor; dilewati")
    if path.is_symlink():
        return _file_link_entry(rel, path, root)
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        return Entry(rel, path, "error", "berkas hilang saat inbox diperiksa; jalankan ulang")
    if stat.S_ISDIR(mode):
        return None  # a link to a folder inside the inbox (reported by _folder_entry)
    if not stat.S_ISREG(mode):
        return Entry(
            rel,
            path,
            "ignored",
            ("bukan berkas biasa (pipe, socket atau perangkat); tidak dibuka dan dilewati"),
        )
    return Entry(rel, path)


def _file_link_entry(rel: str, path: Path, root: str) -> Entry:
    """A symbolic link to a file is never read through: out of the inbox, broken, or read where it points."""
    target = os.path.realpath(path)
    if not _inside(target, root):
        return Entry(
            rel,
            path,
            "error",
            (
                f"tautan simbolik ke berkas di luar inbox ({target}); berkas itu tidak dibaca. "
                "Salin berkasnya ke dalam inbox bila memang harus dipakai"
            ),
        )
    if not os.path.exists(target):
        return Entry(
            rel,
            path,
            "error",
            (f"tautan simbolik rusak: tujuannya ({target}) tidak ada; hapus tautan itu atau perbaiki"),
        )
    inside = Path(os.path.relpath(target, root)).as_posix()
    return Entry(
        rel,
        path,
        "ignored",
        f"tautan simbolik ke {inside} di dalam inbox; berkas itu dibaca di tempat aslinya, bukan lewat tautan",
    )


def _utf8_name(name: str) -> bool:
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:  # bytes the file system could not decode (surrogate escapes)
        return False
    return True


def _legible(name: str) -> str:
    """A file name with undecodable bytes, readable: the bytes taken as Windows-1252."""
    return os.fsencode(name).decode("utf-8", errors="pantau_cp1252")


def _inside(target: str, root: str) -> bool:
    return target == root or target.startswith(root.rstrip(os.sep) + os.sep)


def discover(inbox: Path) -> list[Path]:
    """Every file under the inbox that ingest would read, in path order (see survey_inbox)."""
    return [e.path for e in survey_inbox(inbox) if e.action is None]


def current_files(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """The file versions whose rows are in raw.* now (small: one row per file)."""
    return con.execute(
        "select file_id, path, kind, shape, rows_read, rows_empty from lineage.files "
        "where status = 'loaded' order by path"
    ).df()
