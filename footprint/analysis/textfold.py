"""Case and accent folding of free text that keeps the offsets of the original text.

Matchers search the folded text ("José Müller" becomes "jose muller") and report offsets into the
text the caller passed, so every folded character remembers the index of the character it came
from.
"""

from __future__ import annotations

import bisect
import functools
import re
import unicodedata
from dataclasses import dataclass

#: Letters that Unicode decomposition (NFKD) does not reduce to ASCII, with their usual
#: transliteration.
_LETTER_MAP = {
    "ø": "o", "æ": "ae", "œ": "oe", "ł": "l", "đ": "d", "ð": "d", "þ": "th", "ı": "i", "ħ": "h",
}

#: Apostrophes and dashes that writers and keyboards substitute for ' and -.
_PUNCTUATION_MAP = {
    "\u2018": "'", "\u2019": "'", "\u02bc": "'", "\u00b4": "'", "`": "'",
    "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-", "\u2212": "-",
}

#: Words: letters, digits and inner apostrophes ("o'brien"), on folded text.
WORD_RE = re.compile(r"[^\W_]+(?:'[^\W_]+)*")


@dataclass(frozen=True)
class FoldedText:
    """Folded text and, for each folded character, the index of its source character.

    Parameters:
        original: the text as given.
        folded: lower-case text without accents.
        sources: ``sources[i]`` is the index in ``original`` of ``folded[i]``. The extra last entry
            is ``len(original)``.
    """

    original: str
    folded: str
    sources: tuple[int, ...]

    def span(self, start: int, end: int) -> tuple[int, int]:
        """Map a [start, end) range of the folded text to the original text."""
        if end <= start:
            return self.sources[start], self.sources[start]
        return self.sources[start], self.sources[end - 1] + 1

    def excerpt(self, start: int, end: int) -> str:
        """Return the original text behind a [start, end) range of the folded text."""
        original_start, original_end = self.span(start, end)
        return self.original[original_start:original_end]


def fold(text: str) -> str:
    """Return text in lower case without accents ("Ørsted Straße" becomes "orsted strasse")."""
    return fold_with_offsets(text).folded


def fold_with_offsets(text: str) -> FoldedText:
    """Fold text and record where each folded character came from."""
    pieces: list[str] = []
    sources: list[int] = []
    for index, char in enumerate(text):
        folded = _fold_char(char)
        pieces.append(folded)
        sources.extend([index] * len(folded))
    sources.append(len(text))
    return FoldedText(original=text, folded="".join(pieces), sources=tuple(sources))


def words(text: str) -> list[str]:
    """Return the folded words of a text."""
    return WORD_RE.findall(fold(text))


@functools.lru_cache(maxsize=8192)
def _fold_char(char: str) -> str:
    if char.isascii():
        return char.lower()
    if char in _PUNCTUATION_MAP:
        return _PUNCTUATION_MAP[char]
    result = []
    for part in unicodedata.normalize("NFKD", char.casefold()):
        if unicodedata.combining(part):
            continue
        result.append(_LETTER_MAP.get(part, part))
    return "".join(result)


def pick_non_overlapping(candidates: list, *, start: str = "start", end: str = "end") -> list:
    """Return candidates, best first, that overlap no better candidate.

    ``candidates`` must already be sorted best first. ``start`` and ``end`` name the attributes
    of each [start, end) span. The chosen spans are kept sorted, so each check is a binary search.
    """
    chosen = []
    starts: list[int] = []
    ends: list[int] = []
    for candidate in candidates:
        begin, finish = getattr(candidate, start), getattr(candidate, end)
        index = bisect.bisect_left(starts, begin)
        if index > 0 and ends[index - 1] > begin:
            continue
        if index < len(starts) and starts[index] < finish:
            continue
        starts.insert(index, begin)
        ends.insert(index, finish)
        chosen.append(candidate)
    return chosen
