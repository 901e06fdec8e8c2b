"""Roster names masked in free text (complaints, file names) on the public pages.

A name is masked as `re.sub(word1[\\s_.\\-]+word2…, IGNORECASE)` (the part before a comma, at least
four characters), one name after another in roster order. Trying every name on every text is
O(texts × roster): 5 000 ASN took minutes. NameMasker gives the same result but runs a name's
pattern only on a text that holds every word of the name: the words a text holds are found by
looking up its substrings in the roster's word set, so the cost follows the text, not the roster.
"""
from __future__ import annotations

import re
from collections import Counter

REPLACEMENT = "[nama disamarkan]"
SEPARATOR = r"[\s_.\-]+"   # any spacing, and the underscores, dots and dashes of file names

_FOLDED: dict[str, str] = {}


def _fold_char(c: str) -> str:
    # One representative for every character re.IGNORECASE takes as equal: those with the same
    # lower case, and those sharing an upper case (i/ı, s/ſ, µ/μ). Coarser than re is harmless (a
    # name is tried for nothing); finer would let a name through.
    f = _FOLDED.get(c)
    if f is None:
        f = _FOLDED[c] = c.lower()[0].upper()[0]
    return f


def fold(text: str) -> str:
    """Case-folded text, one character per character (positions and whitespace kept)."""
    if text.isascii():
        return text.upper()
    return "".join(map(_fold_char, text))


class NameMasker:
    def __init__(self, names: list[str]):
        self._words: list[list[str]] = []
        for name in names:
            words = name.split(",")[0].split()
            if len(" ".join(words)) >= 4:
                self._words.append(words)
        self._folded = [frozenset(fold(w) for w in words) for words in self._words]
        # each name filed under its rarest word, so a common first name does not make every
        # name with it a candidate
        freq = Counter(w for ws in self._folded for w in ws)
        self._by_word: dict[str, list[int]] = {}
        for i, ws in enumerate(self._folded):
            self._by_word.setdefault(min(ws, key=lambda w: (freq[w], w)), []).append(i)
        self._vocab = set(freq)
        self._prefixes = {w[:k] for w in freq for k in range(1, len(w) + 1)}
        self._patterns: dict[int, re.Pattern] = {}

    def _present(self, text: str) -> set[str]:
        """The roster words that occur in `text` (folded), anywhere inside its whitespace-free runs."""
        found = set()
        vocab, prefixes = self._vocab, self._prefixes
        for token in fold(text).split():
            n = len(token)
            for i in range(n):
                for j in range(i + 1, n + 1):
                    part = token[i:j]
                    if part not in prefixes:
                        break
                    if part in vocab:
                        found.add(part)
        return found

    def _candidates(self, text: str, after: int) -> list[int]:
        """Names after index `after` whose every word occurs in `text`, in roster order."""
        present = self._present(text)
        found = [i for w in present for i in self._by_word.get(w, ())
                 if i > after and self._folded[i] <= present]
        return sorted(found)

    def _pattern(self, i: int) -> re.Pattern:
        p = self._patterns.get(i)
        if p is None:
            p = self._patterns[i] = re.compile(SEPARATOR.join(re.escape(w) for w in self._words[i]), re.IGNORECASE)
        return p

    def mask(self, text: str) -> str:
        pending = self._candidates(text, -1)
        while pending:
            i = pending[0]
            masked = self._pattern(i).sub(REPLACEMENT, text)
            if masked == text:
                pending = pending[1:]
            else:
                # the replacement may complete another name: look again at the names after this one
                text = masked
                pending = self._candidates(text, i)
        return text
