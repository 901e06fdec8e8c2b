"""A file's text encoding: UTF-8 (with or without BOM), UTF-16, else Windows-1252; transcoding for DuckDB's reader."""

from __future__ import annotations

import codecs
import os
import tempfile
from pathlib import Path

from transforms.ingest.files import what_binary
from transforms.ingest.records import FileProblem


def _cp1252_fallback(exc: UnicodeDecodeError):
    """Bytes that are not UTF-8 read as Windows-1252 (Latin-1 where 1252 has no character)."""
    bad = exc.object[exc.start : exc.end]
    return "".join(bytes([b]).decode("cp1252", errors="ignore") or chr(b) for b in bad), exc.end


codecs.register_error("pantau_cp1252", _cp1252_fallback)


def sniff_encoding(path: Path) -> str:
    """'utf-8' (with or without BOM), 'utf-16' (BOM), 'utf-16-le'/'utf-16-be' (no BOM, told by the
    zero bytes of ASCII text) or 'cp1252' (not valid UTF-8: the old Windows code page of
    Indonesian offices; bytes that are valid UTF-8 stay UTF-8). Raises FileProblem for binary."""
    with open(path, "rb") as fh:
        head = fh.read(1 << 16)
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    sample = head[:4096]
    if len(sample) >= 4 and sample.count(b"\x00") > len(sample) // 4:
        even, odd = sample[0::2].count(0), sample[1::2].count(0)
        if odd > 0.9 * len(sample[1::2]) and even < 0.1 * len(sample[0::2]):
            return "utf-16-le"
        if even > 0.9 * len(sample[0::2]) and odd < 0.1 * len(sample[1::2]):
            return "utf-16-be"
    kind = what_binary(head)
    if kind:
        raise FileProblem(f"{kind}; folder ini hanya menerima ekspor CSV atau XLSX")
    decoder = codecs.getincrementaldecoder("utf-8")()
    with open(path, "rb") as fh:
        try:
            while block := fh.read(1 << 20):
                decoder.decode(block)
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            return "cp1252"
    return "utf-8"


def transcode_to_utf8(path: Path, encoding: str) -> Path:
    """A UTF-8 copy of a file in another encoding (a temporary file; the caller removes it)."""
    codec, errors = ("utf-8", "pantau_cp1252") if encoding == "cp1252" else (encoding, "replace")
    fd, tmp = tempfile.mkstemp(prefix="pantau-ingest-", suffix=".csv")
    decoder = codecs.getincrementaldecoder(codec)(errors=errors)
    with open(path, "rb") as src, os.fdopen(fd, "wb") as dst:
        while block := src.read(1 << 20):
            dst.write(decoder.decode(block).encode("utf-8"))
        dst.write(decoder.decode(b"", final=True).encode("utf-8"))
    return Path(tmp)
