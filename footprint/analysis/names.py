"""Finding a subject's names in text: exact, initials, nicknames, reversed, and for speech fuzzy and phonetic.

All matching runs on folded text (lower case, accents removed), so "JOSÉ Müller" matches
"Jose Muller". A name is weak evidence on its own, because namesakes share it: an exact full name
is MEDIUM, every partial or approximate form is LOW. docs/analysis.md has the full table.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

import jellyfish
from rapidfuzz import fuzz

from footprint.analysis.textfold import WORD_RE, FoldedText, fold, pick_non_overlapping
from footprint.evidence import Confidence, Evidence, IdentifierType, Method

#: Given names and their usual short forms. A name matches every other name of each group it
#: belongs to ("Bob" matches "Robert" and "Rob"). Deliberately small: common English forms
#: and a few frequent forms of other languages.
NICKNAME_GROUPS: tuple[frozenset[str], ...] = tuple(
    frozenset(group.split())
    for group in (
        "robert bob bobby rob robbie bert",
        "william bill billy will willie liam",
        "elizabeth liz lizzie beth betty eliza libby",
        "barack barry",
        "james jim jimmy jamie",
        "john jack johnny",
        "michael mike mikey mick",
        "richard rick ricky rich richie dick",
        "joseph joe joey",
        "thomas tom tommy",
        "christopher chris",
        "daniel dan danny",
        "matthew matt",
        "anthony tony",
        "katherine catherine kathryn kate katie kathy cathy",
        "margaret maggie meg peggy",
        "jennifer jen jenny",
        "patricia pat patty trish",
        "edward ed eddie ted ned",
        "alexander alex sasha",
        "nicholas nick nicky",
        "samuel sam sammy",
        "samantha sam",
        "benjamin ben benny",
        "jonathan jon",
        "stephen steven steve",
        "andrew andy drew",
        "susan sue susie",
        "deborah debra deb debbie",
        "rebecca becky becca",
        "victoria vicky tori",
        "charles charlie chuck",
        "kenneth ken kenny",
        "ronald ron ronnie",
        "donald don donny",
        "gerald jerry",
        "lawrence larry",
        "timothy tim timmy",
        "gregory greg",
        "jeffrey jeff",
        "peter pete",
        "joshua josh",
        "david dave davey",
        "abigail abby",
        "amanda mandy",
        "christine christina tina",
        "jacqueline jackie",
        "kimberly kim",
        "pamela pam",
        "theodore ted teddy theo",
        "zachary zach zack",
        "francis frank",
        "henry hank harry",
        "harold harry hal",
        "francisco paco pancho",
        "jose pepe",
        "giuseppe beppe peppe",
        "johann hans",
    )
)

#: Titles that, before a surname, make the surname alone a (weak) finding: "Mr. Obama".
TITLES = ("mr", "mrs", "ms", "miss", "mx", "dr", "prof", "professor", "sir")

#: Fuzzy matching of speech: every word of the window must reach MIN_WORD_RATIO and the whole
#: name MIN_NAME_RATIO (rapidfuzz.fuzz.ratio, 0 to 100). One wrong letter in a 6-letter word
#: scores 83, "Obamma" for "Obama" 91.
MIN_WORD_RATIO = 70.0
MIN_NAME_RATIO = 85.0

#: Phonetic matching also needs this word ratio, so that short codes do not match unrelated words.
MIN_PHONETIC_WORD_RATIO = 50.0

#: Shortest given name reported on its own (first-name-only findings).
MIN_FIRST_NAME_LENGTH = 3

#: (confidence, score) of each kind of name finding.
NAME_MATCHES: dict[str, tuple[Confidence, float]] = {
    "exact": (Confidence.MEDIUM, 1.0),
    "reversed": (Confidence.MEDIUM, 0.95),
    "middle_initial": (Confidence.MEDIUM, 0.95),
    "nickname": (Confidence.MEDIUM, 0.9),
    "initials": (Confidence.LOW, 0.7),
    "fuzzy": (Confidence.LOW, 0.8),
    "phonetic": (Confidence.LOW, 0.7),
    "title_surname": (Confidence.LOW, 0.5),
    "first_name": (Confidence.LOW, 0.4),
}

_BEFORE = r"(?<![\w])"
_AFTER = r"(?![\w])"
_SPACE = r"\s+"


def nicknames(given_name: str) -> set[str]:
    """Return the other forms of a folded given name from NICKNAME_GROUPS ("bob" gives robert, rob, ...)."""
    forms: set[str] = set()
    for group in NICKNAME_GROUPS:
        if given_name in group:
            forms |= group
    forms.discard(given_name)
    return forms


@dataclass(frozen=True)
class NamePattern:
    """One compiled form of a subject's name and the kind of match it gives."""

    regex: re.Pattern[str]
    kind: str
    name: str


@dataclass(frozen=True)
class NameTarget:
    """A subject's full name prepared for matching.

    Parameters:
        name: the name as the subject profile has it.
        parts: its folded words ("barack", "hussein", "obama").
        patterns: regular expressions of its exact and derived forms.
        word_forms: word sequences that speech matching compares with, fuzzily and phonetically.
    """

    name: str
    parts: tuple[str, ...]
    patterns: tuple[NamePattern, ...]
    word_forms: tuple[tuple[str, ...], ...]


def name_targets(names: list[str]) -> list[NameTarget]:
    """Prepare a subject's names for matching; empty names are skipped."""
    targets = []
    for name in names:
        parts = tuple(fold(name).split())
        if parts:
            targets.append(_target(name, parts))
    return targets


def _target(name: str, parts: tuple[str, ...]) -> NameTarget:
    first, last, middles = parts[0], parts[-1], parts[1:-1]
    forms: list[tuple[str, str]] = []
    word_forms: list[tuple[str, ...]] = [parts]
    if len(parts) >= 2:
        forms.append(("exact", _SPACE.join(_word(part) for part in parts)))
        if middles:
            forms.append(("exact", f"{_word(first)}{_SPACE}{_word(last)}"))
            word_forms.append((first, last))
            initials = "".join(rf"{re.escape(middle[0])}(?:\.\s*|\s+)" for middle in middles)
            forms.append(("middle_initial", f"{_word(first)}{_SPACE}{initials}{_word(last)}"))
        reversed_first = _SPACE.join(_word(part) for part in (first, *middles))
        forms.append(("reversed", rf"{_word(last)}\s*,\s*{reversed_first}"))
        forms.append(("reversed", rf"{_word(last)}\s*,\s*{_word(first)}"))
        forms.append(("reversed", f"{_word(last)}{_SPACE}{_word(first)}"))
        all_initials = "".join(rf"{re.escape(part[0])}(?:\.\s*|\s+)" for part in (first, *middles))
        forms.append(("initials", f"{all_initials}{_word(last)}"))
        forms.append(("initials", rf"{re.escape(first[0])}(?:\.\s*|\s+){_word(last)}"))
        for nickname in sorted(nicknames(first)):
            forms.append(("nickname", f"{_word(nickname)}{_SPACE}{_word(last)}"))
            word_forms.append((nickname, last))
        titles = "|".join(TITLES)
        forms.append(("title_surname", rf"(?:{titles})\.?{_SPACE}{_word(last)}"))
    if len(first) >= MIN_FIRST_NAME_LENGTH:
        forms.append(("first_name" if len(parts) >= 2 else "exact", _word(first)))
    patterns = tuple(
        NamePattern(regex=re.compile(f"{_BEFORE}{pattern}{_AFTER}"), kind=kind, name=name) for kind, pattern in forms
    )
    return NameTarget(name=name, parts=parts, patterns=patterns, word_forms=tuple(dict.fromkeys(word_forms)))


def _word(part: str) -> str:
    """Regex of one folded name word; hyphens and apostrophes inside it are optional."""
    pattern = re.escape(part)
    return pattern.replace(r"\-", r"[\s-]?").replace("'", "'?")


@dataclass(frozen=True)
class _Candidate:
    start: int
    end: int
    kind: str
    name: str
    confidence: Confidence
    score: float


def find_names(text: FoldedText, targets: list[NameTarget], *, field: str, method: Method) -> list[Evidence]:
    """Find the subject's names in text.

    Overlapping findings keep the strongest: "Barack Obama" is one exact finding, not also a
    first-name finding. Speech (method SPEECH) also gets fuzzy and phonetic matches of the
    full name, for words the speech model misheard.
    """
    candidates: list[_Candidate] = []
    for target in targets:
        for pattern in target.patterns:
            confidence, score = NAME_MATCHES[pattern.kind]
            for match in pattern.regex.finditer(text.folded):
                candidates.append(_Candidate(match.start(), match.end(), pattern.kind, target.name, confidence, score))
    if method is Method.SPEECH:
        candidates.extend(_approximate(text.folded, targets))

    ranked = sorted(candidates, key=lambda c: (-c.confidence, -c.score, c.start - c.end, c.start))
    chosen = pick_non_overlapping(ranked)

    found = []
    for candidate in sorted(chosen, key=lambda c: c.start):
        start, end = text.span(candidate.start, candidate.end)
        found.append(
            Evidence(
                identifier=IdentifierType.NAME,
                method=method,
                masked_value=text.original[start:end],
                confidence=candidate.confidence,
                score=round(candidate.score, 3),
                field=field,
                start=start,
                end=end,
                detail={"match": candidate.kind, "name": candidate.name},
            )
        )
    return found


def _approximate(folded: str, targets: list[NameTarget]) -> list[_Candidate]:
    """Fuzzy and phonetic matches of every multi-word form against windows of as many words."""
    tokens = [(match.start(), match.end(), match.group()) for match in WORD_RE.finditer(folded)]
    candidates = []
    for target in targets:
        for form in target.word_forms:
            if len(form) < 2:
                continue
            size = len(form)
            for index in range(len(tokens) - size + 1):
                window = tokens[index : index + size]
                words = tuple(token[2] for token in window)
                if words == form:
                    continue
                kind, score = _compare_words(words, form)
                if kind is None:
                    continue
                confidence, _ = NAME_MATCHES[kind]
                candidates.append(_Candidate(window[0][0], window[-1][1], kind, target.name, confidence, score))
    return candidates


def _compare_words(transcribed: tuple[str, ...], expected: tuple[str, ...]) -> tuple[str | None, float]:
    ratios = []
    for word, expected_word in zip(transcribed, expected, strict=True):
        ratio = fuzz.ratio(word, expected_word, score_cutoff=MIN_PHONETIC_WORD_RATIO)
        if not ratio:
            return None, 0.0
        ratios.append(ratio)
    if min(ratios) >= MIN_WORD_RATIO:
        whole = fuzz.ratio(" ".join(transcribed), " ".join(expected))
        if whole >= MIN_NAME_RATIO:
            return "fuzzy", NAME_MATCHES["fuzzy"][1] * whole / 100.0
    if min(ratios) >= MIN_PHONETIC_WORD_RATIO and all(_sounds_alike(a, b) for a, b in zip(transcribed, expected, strict=True)):
        return "phonetic", NAME_MATCHES["phonetic"][1]
    return None, 0.0


def _sounds_alike(transcribed: str, expected: str) -> bool:
    if transcribed == expected:
        return True
    if _metaphone(transcribed) == _metaphone(expected):
        return True
    return _nysiis(transcribed) == _nysiis(expected)


@functools.lru_cache(maxsize=4096)
def _metaphone(word: str) -> str:
    return jellyfish.metaphone(word)


@functools.lru_cache(maxsize=4096)
def _nysiis(word: str) -> str:
    return jellyfish.nysiis(word)
