"""Personal data masked in free text (complaints, file names) on the public pages.

Names. A roster name is reduced to its parts: what comes after a comma and the degrees written
without one (`Andrie Tuah S.AP`) are dropped, and so are the titles before it (`Drs. H.`); the
honorifics, titles and degrees are data (data/reference/name_affixes.csv). In a text:
- two or more consecutive parts of one roster name (any case, joined by spaces, underscores, dots,
  dashes or apostrophes) are masked wherever they are: `eko_susilo.xlsx`, `SUSILO  EKO` is not;
- a lone part is masked only where it is written as a name: after an honorific or a title
  (`Bu Salmah`, `Drs. Eko`) or before a degree (`Hairil, S.H.`). Names like "Untung" or "Indah" are
  also words, so a part alone elsewhere stays;
- roster parts that follow a masked name directly are masked with it (`Bu Siti Rahayu`).
The text is read once, word by word (a word is a run of letters and digits), so the cost follows
the text, not the roster (5 000 ASN used to take minutes when every name was tried on every text).

Numbers. A run of digit groups (spaces, dots, dashes, underscores, slashes between them, a group
in brackets, a leading +) is a NIP at 18 digits, a NIK at 16 (never starting with 0) and a mobile
number at 10-13 digits starting 08 / 62 8 / +62 8 (`(0812) 3456-7890`, `+62 (812) 3456 7892`);
a part of a longer run is found too (`NIK 6271 0112 3456 0001 2 kali`). E-mail addresses are
masked as written and as spelt out (`eko [at] gmail [dot] com`).
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

REPLACEMENT = "[nama disamarkan]"
AFFIXES_FILE = Path(__file__).resolve().parent.parent / "data" / "reference" / "name_affixes.csv"

WORD = re.compile(r"[^\W_]+")
NAME_GAP = re.compile(r"[\s_.\-'’]+")  # between the parts of a name
CUE_GAP = re.compile(r"[\s_.\-]+")  # between an honorific or title and the name

_FOLDED: dict[str, str] = {}


def _fold_char(c: str) -> str:
    # One representative for every character re.IGNORECASE takes as equal: those with the same
    # lower case, and those sharing an upper case (i/ı, s/ſ, µ/μ).
    f = _FOLDED.get(c)
    if f is None:
        f = _FOLDED[c] = c.lower()[0].upper()[0]
    return f


def fold(text: str) -> str:
    """Case-folded text, one character per character (positions and whitespace kept)."""
    if text.isascii():
        return text.upper()
    return "".join(map(_fold_char, text))


@dataclass(frozen=True)
class Affixes:
    honorifics: frozenset[str]  # folded words: PAK, BU, SDRI …
    titles: dict[str, bool]  # folded word -> written with a dot only (single letters: H.)
    degree_after: re.Pattern  # a degree right after a name (`, S.H.`, ` sh`)
    degree_tail: re.Pattern  # degrees at the end of a roster name
    title_head: re.Pattern  # titles at the start of a roster name


def _degree_pattern(text: str) -> str:
    return r"\.?\s?".join(re.escape(w) for w in WORD.findall(text)) + r"\.?"


def affixes_from_rows(rows: list[dict]) -> Affixes:
    """Affixes from the rows of name_affixes.csv (jenis: sapaan, gelar_depan, gelar_belakang)."""
    kinds: dict[str, list[str]] = {"sapaan": [], "gelar_depan": [], "gelar_belakang": []}
    for row in rows:
        if (row.get("teks") or "").strip() and row.get("jenis") in kinds:
            kinds[row["jenis"]].append(row["teks"].strip())
    honorifics = frozenset(fold(w) for t in kinds["sapaan"] for w in WORD.findall(t)[:1])
    titles = {}
    for t in kinds["gelar_depan"]:
        word = WORD.findall(t)[0]
        titles[fold(word)] = len(word) == 1
    degrees = "|".join(sorted({_degree_pattern(d) for d in kinds["gelar_belakang"]}, key=len, reverse=True)) or "(?!)"
    title_alts = "|".join(sorted((re.escape(w) + (r"\." if dot else r"\.?")) for w, dot in titles.items())) or "(?!)"
    return Affixes(
        honorifics=honorifics,
        titles=titles,
        degree_after=re.compile(rf"[ \t]*,?[ \t]*(?:{degrees})(?![^\W_])", re.IGNORECASE),
        degree_tail=re.compile(rf"[\s,]+(?:{degrees})[\s.,]*$", re.IGNORECASE),
        title_head=re.compile(rf"^\s*(?:{title_alts})(?:\s+|(?<=\.))", re.IGNORECASE),
    )


@lru_cache(maxsize=4)
def load_affixes(path: Path = AFFIXES_FILE) -> Affixes:
    with open(path, newline="", encoding="utf-8") as fh:
        return affixes_from_rows(list(csv.DictReader(fh)))


def name_parts(name: str, affixes: Affixes) -> list[str]:
    """The folded parts of a roster name, titles and degrees stripped."""
    core = name.split(",")[0]
    while (stripped := affixes.title_head.sub("", core, count=1)) != core:
        core = stripped
    while (stripped := affixes.degree_tail.sub("", core, count=1)) != core:
        core = stripped
    return [fold(w) for w in WORD.findall(core)]


class NameMasker:
    def __init__(self, names: list[str], affixes: Affixes | None = None):
        self.affixes = affixes or load_affixes()
        self._parts: set[str] = set()
        self._sequences: set[tuple[str, ...]] = set()
        self._prefixes: set[tuple[str, ...]] = set()
        for name in names:
            parts = name_parts(name, self.affixes)
            self._parts.update(p for p in parts if len(p) >= 2)
            for i in range(len(parts)):
                for j in range(i + 2, len(parts) + 1):
                    seq = tuple(parts[i:j])
                    self._prefixes.update(seq[:k] for k in range(1, len(seq) + 1))
                    if len(" ".join(seq)) >= 4:
                        self._sequences.add(seq)

    def _sequence_at(self, words, text: str, i: int) -> int:
        """Length of the longest run of roster-name parts starting at word i, else 0."""
        best, seq = 0, ()
        for j in range(i, len(words)):
            if j > i and not NAME_GAP.fullmatch(text, words[j - 1][1], words[j][0]):
                break
            seq += (words[j][2],)
            if seq not in self._prefixes:
                break
            if seq in self._sequences:
                best = j - i + 1
        return best

    def _cued(self, words, text: str, i: int) -> bool:
        """Word i is written as a name: an honorific or title before it, or a degree after it."""
        if self.affixes.degree_after.match(text, words[i][1]):
            return True
        titled, j = False, i - 1
        while j >= 0 and CUE_GAP.fullmatch(text, words[j][1], words[j + 1][0]):
            word = words[j][2]
            if word in self.affixes.honorifics:
                return True
            needs_dot = self.affixes.titles.get(word)
            if needs_dot is None or (needs_dot and not text.startswith(".", words[j][1])):
                break
            titled, j = True, j - 1
        return titled

    def mask(self, text: str) -> str:
        words = [(m.start(), m.end(), fold(m.group())) for m in WORD.finditer(text)]
        out, last, i = [], 0, 0
        while i < len(words):
            n = self._sequence_at(words, text, i)
            if not n and words[i][2] in self._parts and self._cued(words, text, i):
                n = 1
            if not n:
                i += 1
                continue
            j = i + n
            while (
                j < len(words) and words[j][2] in self._parts and NAME_GAP.fullmatch(text, words[j - 1][1], words[j][0])
            ):
                j += 1
            out += [text[last : words[i][0]], REPLACEMENT]
            last, i = words[j - 1][1], j
        return "".join(out) + text[last:] if out else text


# --- numbers and e-mail ---------------------------------------------------------------------------
_GAP = r"(?:[ \t\u00a0]*[.\-_/][ \t\u00a0]*|[ \t\u00a0]+)"
DIGIT_RUN = re.compile(rf"(?<![\d+])(?:\+[ \t]?)?\(?\d+\)?(?:{_GAP}\(?\d+\)?)*")
_AT = r"(?:[ \t]*@[ \t]*|[ \t]*[\[({<][ \t]*(?:at|@)[ \t]*[\])}>][ \t]*|[ \t]+at[ \t]+)"
_DOT = r"(?:\.|[ \t]+\.[ \t]+|[ \t]*[\[({<][ \t]*(?:dot|titik|\.)[ \t]*[\])}>][ \t]*|[ \t]+(?:dot|titik)[ \t]+)"
EMAIL_WRITTEN = re.compile(rf"[\w.+\-]*\w{_AT}[\w\-]+(?:{_DOT}[\w\-]+)*{_DOT}[A-Za-z]{{2,}}(?!\w)", re.IGNORECASE)
NUMBER_LABELS = {"nip": "[NIP disamarkan]", "nik": "[NIK disamarkan]", "phone": "[nomor disamarkan]"}


def _number_kind(groups: list[str]) -> str | None:
    digits = "".join(groups)
    if len(digits) == 18:
        return "nip"
    if len(digits) == 16 and digits[0] != "0":
        return "nik"
    first, rest = groups[0], groups[1:]
    if any(len(g) < 2 for g in rest):
        return None
    if first == "62":
        ok = bool(rest) and rest[0].startswith("8") and len(rest[0]) >= 3
    elif first.startswith("628"):
        ok = len(first) >= 5
    else:
        ok = first.startswith("08") and len(first) >= 4
    national = "0" + digits[2:] if first.startswith("62") else digits
    return "phone" if ok and 10 <= len(national) <= 13 else None


def _mask_run(run: str) -> str:
    groups = [(m.start(), m.end(), m.group()) for m in re.finditer(r"\d+", run)]
    out, last, s = [], 0, 0
    while s < len(groups):
        found = None
        for e in range(min(len(groups), s + 18), s, -1):
            kind = _number_kind([g[2] for g in groups[s:e]])
            if kind:
                found = (e, kind)
                break
        if not found:
            s += 1
            continue
        e, kind = found
        start, end = groups[s][0], groups[e - 1][1]
        if s == 0:
            start = 0  # the run's leading "+" or "("
        elif run[start - 1] == "(":
            start -= 1
        if end < len(run) and run[end] == ")" and "(" in run[start : groups[s][0]]:
            end += 1
        out += [run[last:start], NUMBER_LABELS[kind]]
        last, s = end, e
    return "".join(out) + run[last:] if out else run


def mask_numbers(text: str) -> str:
    """E-mail addresses, NIP, NIK and mobile numbers in any written grouping replaced by a label."""
    text = EMAIL_WRITTEN.sub("[email disamarkan]", text)
    return DIGIT_RUN.sub(lambda m: _mask_run(m.group()), text)
