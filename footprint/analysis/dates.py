"""Finding a subject's birth date in text, in the common written and spoken formats.

Recognised: 1961-08-04, 1961/08/04, 08/04/1961 and 8-4-61 (month or day first), 04.08.1961 (day
first), "4 August 1961", "4th of Aug. 1961", "August 4, 1961", and in speech "August fourth,
nineteen sixty-one". A slashed or dashed date is read in the region's order first (month first
in the US, day first elsewhere). A match in that order, or in an unambiguous format, is HIGH. A
match only in the other order, or with a two-digit year, is MEDIUM.
"""

from __future__ import annotations

import re
from datetime import date

from footprint.analysis.textfold import FoldedText
from footprint.evidence import Confidence, Evidence, IdentifierType, Method

#: Regions that write numeric dates month first (M/D/Y).
MONTH_FIRST_REGIONS = frozenset({"US", "PH", "FM", "MH", "PW", "AS", "GU", "MP", "PR", "VI", "UM"})

MONTHS = {
    "january": 1, "february": 2, "march": 3, "april": 4, "may": 5, "june": 6, "july": 7,
    "august": 8, "september": 9, "october": 10, "november": 11, "december": 12,
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8, "sep": 9, "sept": 9,
    "oct": 10, "nov": 11, "dec": 12,
}

_ORDINAL_UNITS = {
    "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7,
    "eighth": 8, "ninth": 9,
}
_ORDINAL_WORDS = {
    **_ORDINAL_UNITS,
    "tenth": 10, "eleventh": 11, "twelfth": 12, "thirteenth": 13, "fourteenth": 14, "fifteenth": 15,
    "sixteenth": 16, "seventeenth": 17, "eighteenth": 18, "nineteenth": 19, "twentieth": 20,
    "thirtieth": 30,
    **{f"twenty {word}": 20 + value for word, value in _ORDINAL_UNITS.items()},
    "thirty first": 31,
}
_YEAR_TENS = {"ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15,
              "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20,
              "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80,
              "ninety": 90}
_YEAR_UNITS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
               "eight": 8, "nine": 9}

_MONTH = "|".join(sorted(MONTHS, key=len, reverse=True))
_ORDINAL = "|".join(sorted((word.replace(" ", r"[\s-]") for word in _ORDINAL_WORDS), key=len, reverse=True))
_DAY = rf"(?P<day>\d{{1,2}})(?:st|nd|rd|th)?|(?P<day_word>{_ORDINAL})"
_SPOKEN_YEAR = (
    r"(?P<century>nineteen|twenty)[\s-]+"
    r"(?:(?P<oh>oh|o)[\s-]+(?P<oh_unit>one|two|three|four|five|six|seven|eight|nine)"
    r"|(?P<year_tens>ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen"
    r"|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)"
    r"(?:[\s-]+(?P<year_unit>one|two|three|four|five|six|seven|eight|nine))?)"
)
_YEAR = rf"(?P<year>\d{{4}})|{_SPOKEN_YEAR}"

_ISO_RE = re.compile(r"(?<![\d.])(?P<year>\d{4})(?P<sep>[-/.])(?P<month>\d{1,2})(?P=sep)(?P<day>\d{1,2})(?![\d])")
_NUMERIC_RE = re.compile(
    r"(?<![\d.])(?P<first>\d{1,2})(?P<sep>[-/.])(?P<second>\d{1,2})(?P=sep)(?P<year>\d{4}|\d{2})(?![\d])"
)
_DAY_MONTH_RE = re.compile(
    rf"(?<![\w])(?:the\s+)?(?:{_DAY})\.?\s+(?:of\s+)?(?P<month>{_MONTH})\.?,?\s+(?:{_YEAR})(?![\w])"
)
_MONTH_DAY_RE = re.compile(
    rf"(?<![\w])(?P<month>{_MONTH})\.?\s+(?:the\s+)?(?:{_DAY}),?\s+(?:{_YEAR})(?![\w])"
)

#: (confidence, score) of each kind of birth-date finding.
DATE_MATCHES = {
    "exact": (Confidence.HIGH, 1.0),
    "other_order": (Confidence.MEDIUM, 0.8),
    "two_digit_year": (Confidence.MEDIUM, 0.8),
}


def mask_birth_date(value: date) -> str:
    """Keep the year only: "1961-**-**"."""
    return f"{value.year:04d}-**-**"


def find_birth_dates(
    text: FoldedText, birth_date: date | None, region: str, *, field: str, method: Method
) -> list[Evidence]:
    """Find the subject's birth date in text in any of the formats of the module docstring."""
    if birth_date is None:
        return []
    month_first = region.upper() in MONTH_FIRST_REGIONS
    found: list[tuple[int, int, str]] = []
    folded = text.folded

    for match in _ISO_RE.finditer(folded):
        if _date(match["year"], match["month"], match["day"]) == birth_date:
            found.append((match.start(), match.end(), "exact"))
    for match in _NUMERIC_RE.finditer(folded):
        kind = _numeric_kind(match, birth_date, month_first)
        if kind is not None:
            found.append((match.start(), match.end(), kind))
    for regex in (_DAY_MONTH_RE, _MONTH_DAY_RE):
        for match in regex.finditer(folded):
            day = int(match["day"]) if match["day"] else _ORDINAL_WORDS.get(re.sub(r"[\s-]+", " ", match["day_word"]))
            if _date(_year(match), MONTHS[match["month"]], day) == birth_date:
                found.append((match.start(), match.end(), "exact"))

    evidence = []
    for start, end, kind in sorted(set(found)):
        original_start, original_end = text.span(start, end)
        confidence, score = DATE_MATCHES[kind]
        evidence.append(
            Evidence(
                identifier=IdentifierType.BIRTH_DATE,
                method=method,
                masked_value=mask_birth_date(birth_date),
                confidence=confidence,
                score=score,
                field=field,
                start=original_start,
                end=original_end,
                detail={"match": kind},
            )
        )
    return evidence


def _numeric_kind(match: re.Match[str], birth_date: date, month_first: bool) -> str | None:
    first, second, year_text = int(match["first"]), int(match["second"]), match["year"]
    if len(year_text) == 2:
        if int(year_text) != birth_date.year % 100:
            return None
        year = birth_date.year
    else:
        year = int(year_text)
    day_first_only = match["sep"] == "."
    readings = [("day_first", _date(year, second, first))]
    if not day_first_only:
        readings.insert(0 if month_first else 1, ("month_first", _date(year, first, second)))
    for position, (_order, value) in enumerate(readings):
        if value == birth_date:
            if len(year_text) == 2:
                return "two_digit_year"
            conventional = position == 0 or first == second
            return "exact" if conventional else "other_order"
    return None


def _year(match: re.Match[str]) -> int | None:
    if match["year"]:
        return int(match["year"])
    century = 1900 if match["century"] == "nineteen" else 2000
    if match["oh"]:
        return century + _YEAR_UNITS[match["oh_unit"]]
    value = _YEAR_TENS[match["year_tens"]]
    if match["year_unit"]:
        if value < 20:
            return None
        value += _YEAR_UNITS[match["year_unit"]]
    return century + value


def _date(year, month, day) -> date | None:
    try:
        return date(int(year), int(month), int(day))
    except (TypeError, ValueError):
        return None
