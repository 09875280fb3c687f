"""Finding a subject's postal addresses in text: street and number, city, postal code.

Street names are compared word by word after folding and after expanding the usual
abbreviations ("Ave." is "avenue", "Hauptstr." is "hauptstrasse"). A street with its house number
and the city or postal code nearby is HIGH evidence, a street with its number MEDIUM, a street,
city or postal code alone LOW. Speech also gets fuzzy street matches, anchored by the house number,
for street names the speech model misheard.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rapidfuzz import fuzz

from footprint.analysis.spoken import find_number_runs
from footprint.analysis.textfold import WORD_RE, FoldedText, fold, pick_non_overlapping
from footprint.evidence import Confidence, Evidence, IdentifierType, Method
from footprint.subject import Address

#: Abbreviations of street words (USPS Publication 28 suffixes and directions, and common
#: European ones), mapped to the full word. Both the subject's street and the text are expanded.
STREET_ABBREVIATIONS = {
    "st": "street", "str": "strasse", "ave": "avenue", "av": "avenue", "rd": "road", "dr": "drive",
    "blvd": "boulevard", "ln": "lane", "ct": "court", "pl": "place", "ter": "terrace", "terr": "terrace",
    "hwy": "highway", "pkwy": "parkway", "sq": "square", "cir": "circle", "cres": "crescent",
    "trl": "trail", "aly": "alley", "expy": "expressway", "fwy": "freeway", "hts": "heights",
    "mt": "mount", "ft": "fort", "pt": "point", "n": "north", "s": "south", "e": "east", "w": "west",
    "ne": "northeast", "nw": "northwest", "se": "southeast", "sw": "southwest",
}

#: Direction words that may stand between the house number and the street name.
DIRECTIONS = frozenset({"north", "south", "east", "west", "northeast", "northwest", "southeast", "southwest"})

#: A city or postal code within this many characters of a street finding makes it a full address.
CONTEXT_CHARS = 80

#: Fuzzy street matches (speech only) need this rapidfuzz ratio between the street words joined
#: without spaces. "pencilvania avenue" for "pennsylvania avenue" scores 87.
MIN_STREET_RATIO = 85.0

#: Shortest postal code reported on its own, because shorter codes are too often other numbers.
MIN_POSTAL_CODE_LENGTH = 4

#: (confidence, score) of each kind of address finding. Fuzzy kinds are one level lower.
ADDRESS_MATCHES: dict[str, tuple[Confidence, float]] = {
    "street_number_city": (Confidence.HIGH, 1.0),
    "street_number": (Confidence.MEDIUM, 0.9),
    "fuzzy_street_number_city": (Confidence.MEDIUM, 0.8),
    "fuzzy_street_number": (Confidence.LOW, 0.7),
    "street": (Confidence.LOW, 0.5),
    "postal_code": (Confidence.LOW, 0.5),
    "city": (Confidence.LOW, 0.4),
}


def street_words(street: str) -> tuple[str, ...]:
    """Return the folded, abbreviation-expanded words of a street name."""
    return tuple(_canonical(word) for word in WORD_RE.findall(fold(street)))


def _canonical(word: str) -> str:
    word = STREET_ABBREVIATIONS.get(word, word)
    if word.endswith("str") and len(word) > 3:
        return word[:-3] + "strasse"
    return word


@dataclass(frozen=True)
class AddressTarget:
    """A subject's address prepared for matching."""

    address: Address
    street: tuple[str, ...]
    number: str
    city: re.Pattern[str] | None
    postal_code: re.Pattern[str] | None


def address_targets(addresses: list[Address]) -> list[AddressTarget]:
    """Prepare a subject's addresses for matching."""
    targets = []
    for address in addresses:
        city_words = WORD_RE.findall(fold(address.city or ""))
        postal = re.sub(r"\s+", "", fold(address.postal_code or ""))
        targets.append(
            AddressTarget(
                address=address,
                street=street_words(address.street or ""),
                number=fold(address.number or "").replace(" ", ""),
                city=_phrase_regex(city_words) if city_words else None,
                postal_code=(
                    re.compile(r"(?<![\w])" + r"\s?".join(re.escape(char) for char in postal) + r"(?![\w])")
                    if len(postal) >= MIN_POSTAL_CODE_LENGTH
                    else None
                ),
            )
        )
    return targets


def _phrase_regex(words: list[str]) -> re.Pattern[str]:
    return re.compile(r"(?<![\w])" + r"[\s-]+".join(re.escape(word) for word in words) + r"(?![\w])")


def mask_address(address: Address, kind: str = "street_number_city") -> str:
    """Mask an address for display: the house number and postal code are hidden.

    "*** Pennsylvania Avenue, Washington" for street findings, the city name for city findings,
    "20***" for a postal code.
    """
    if kind == "city":
        return address.city
    if kind == "postal_code":
        return f"{address.postal_code[:2]}***"
    street = f"*** {address.street}".strip()
    if kind.endswith("_city") and address.city:
        return f"{street}, {address.city}"
    return street


@dataclass(frozen=True)
class _Candidate:
    start: int
    end: int
    kind: str
    target: AddressTarget
    score: float


def find_addresses(text: FoldedText, targets: list[AddressTarget], *, field: str, method: Method) -> list[Evidence]:
    """Find the subject's addresses in text; overlapping findings keep the strongest."""
    if not targets:
        return []
    tokens = [(match.start(), match.end(), _canonical(match.group())) for match in WORD_RE.finditer(text.folded)]
    runs = find_number_runs(text.folded) if method is Method.SPEECH else []
    candidates: list[_Candidate] = []
    for target in targets:
        contexts = _contexts(text.folded, target)
        candidates.extend(_streets(tokens, runs, target, contexts, fuzzy=method is Method.SPEECH))
        for start, end, kind in contexts:
            candidates.append(_Candidate(start, end, kind, target, ADDRESS_MATCHES[kind][1]))

    ranked = sorted(candidates, key=lambda c: (-ADDRESS_MATCHES[c.kind][0], -c.score, c.start - c.end, c.start))
    chosen = pick_non_overlapping(ranked)

    found = []
    for candidate in sorted(chosen, key=lambda c: c.start):
        start, end = text.span(candidate.start, candidate.end)
        confidence, _ = ADDRESS_MATCHES[candidate.kind]
        kind = candidate.kind
        detail = {"match": "fuzzy" if kind.startswith("fuzzy") else kind, "parts": kind.removeprefix("fuzzy_")}
        found.append(
            Evidence(
                identifier=IdentifierType.ADDRESS,
                method=method,
                masked_value=mask_address(candidate.target.address, kind),
                confidence=confidence,
                score=round(candidate.score, 3),
                field=field,
                start=start,
                end=end,
                detail=detail,
            )
        )
    return found


def _contexts(folded: str, target: AddressTarget) -> list[tuple[int, int, str]]:
    """Return (start, end, kind) of every city and postal code finding."""
    found = []
    if target.city is not None:
        found.extend((match.start(), match.end(), "city") for match in target.city.finditer(folded))
    if target.postal_code is not None:
        found.extend((match.start(), match.end(), "postal_code") for match in target.postal_code.finditer(folded))
    return found


def _streets(
    tokens: list[tuple[int, int, str]],
    runs: list,
    target: AddressTarget,
    contexts: list[tuple[int, int, str]],
    *,
    fuzzy: bool,
) -> list[_Candidate]:
    street = target.street
    if not street:
        return []
    size = len(street)
    candidates = []
    sizes = (size - 1, size, size + 1) if fuzzy else (size,)
    for window_size in sizes:
        if window_size < 1:
            continue
        for index in range(len(tokens) - window_size + 1):
            window = tokens[index : index + window_size]
            words = tuple(token[2] for token in window)
            exact = words == street
            if exact:
                ratio = 100.0
            elif fuzzy:
                ratio = fuzz.ratio("".join(words), "".join(street))
                if ratio < MIN_STREET_RATIO:
                    continue
            else:
                continue
            start, end = window[0][0], window[-1][1]
            number_span = _house_number(tokens, runs, index, index + window_size, target.number)
            if number_span is None:
                if exact:
                    candidates.append(_Candidate(start, end, "street", target, ADDRESS_MATCHES["street"][1]))
                continue
            start, end = min(start, number_span[0]), max(end, number_span[1])
            near = _nearest_contexts(contexts, start, end)
            kind = "street_number_city" if near else "street_number"
            if near:
                start = min(start, *(ctx[0] for ctx in near))
                end = max(end, *(ctx[1] for ctx in near))
            if not exact:
                kind = f"fuzzy_{kind}"
            score = ADDRESS_MATCHES[kind][1] * ratio / 100.0
            candidates.append(_Candidate(start, end, kind, target, score))
    return candidates


def _nearest_contexts(contexts: list[tuple[int, int, str]], start: int, end: int) -> list[tuple[int, int, str]]:
    """Return the nearest city and the nearest postal code within CONTEXT_CHARS of [start, end)."""
    nearest: dict[str, tuple[int, tuple[int, int, str]]] = {}
    for context in contexts:
        distance = max(context[0] - end, start - context[1], 0)
        if distance <= CONTEXT_CHARS and (context[2] not in nearest or distance < nearest[context[2]][0]):
            nearest[context[2]] = (distance, context)
    return [context for _, context in nearest.values()]


def _house_number(
    tokens: list[tuple[int, int, str]], runs: list, first: int, stop: int, number: str
) -> tuple[int, int] | None:
    """Return the span of the house number right before or right after street words [first, stop)."""
    if not number:
        return None
    if first > 0 and tokens[first - 1][2] == number:
        return tokens[first - 1][0], tokens[first - 1][1]
    # "5046 S. Greenwood Ave." when the subject's street is "Greenwood Avenue".
    if first > 1 and tokens[first - 1][2] in DIRECTIONS and tokens[first - 2][2] == number:
        return tokens[first - 2][0], tokens[first - 1][1]
    if stop < len(tokens) and tokens[stop][2] == number:
        return tokens[stop][0], tokens[stop][1]
    # Spoken house numbers ("sixteen hundred Pennsylvania Avenue"): a run of number words that
    # ends on the word before the street.
    if first > 0:
        for run in runs:
            if run.end == tokens[first - 1][1] and run.digits == number:
                return run.start, run.end
    return None
