"""Numbers as transcripts write them: digits, English number words, or a mix of both.

A speech model writes a phone number as "415 555 0123", "four one five, five five five, oh one two
three", "double five" or "twenty three". :func:`find_number_runs` finds each run of such tokens in
folded text and reads it as the digit string a listener would write down.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

#: Single digits. English speakers read 0 as "oh" or "o" in phone numbers.
UNITS = {
    "zero": 0, "oh": 0, "o": 0, "nought": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5,
    "six": 6, "seven": 7, "eight": 8, "nine": 9,
}
TEENS = {
    "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15,
    "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19,
}
TENS = {
    "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80,
    "ninety": 90,
}
#: "double five" is 55, "triple nine" is 999.
REPEATS = {"double": 2, "triple": 3}
SCALES = {"hundred": 100, "thousand": 1000}

_ZERO_WORDS = frozenset({"zero", "oh", "o", "nought"})
_NUMBER_WORDS = frozenset(UNITS) | frozenset(TEENS) | frozenset(TENS) | frozenset(REPEATS) | frozenset(SCALES)

#: Tokens of folded text: a plus sign, a digit group or a word.
_TOKEN_RE = re.compile(r"\+|\d+|[^\W\d_]+")

#: Characters allowed between two tokens of one number: spaces and the punctuation of written numbers.
_GAP_RE = re.compile(r"[\s,.;:/()\-]*")


@dataclass(frozen=True)
class NumberRun:
    """One run of number tokens in folded text.

    Parameters:
        digits: the digits a listener would write ("4155550123"), without a plus sign.
        start, end: [start, end) offsets of the run in the folded text.
        plus: whether the run starts with "+" or "plus".
        words: whether any token is a number word rather than digits.
    """

    digits: str
    start: int
    end: int
    plus: bool = False
    words: bool = False


def find_number_runs(folded: str) -> list[NumberRun]:
    """Return every run of number tokens in folded text that contains at least one digit.

    Tokens of one run are separated only by spaces and ``, . ; : / ( ) -``. A run made only of
    zero words ("oh") is dropped, because "oh" alone is an interjection.
    """
    runs = []
    current: list[re.Match[str]] = []
    previous_end = None
    for match in _TOKEN_RE.finditer(folded):
        token = match.group()
        is_number = token.isdigit() or token in _NUMBER_WORDS or token in ("+", "plus", "and")
        joined = previous_end is not None and _GAP_RE.fullmatch(folded, previous_end, match.start()) is not None
        if current and (not is_number or not joined):
            runs.append(current)
            current = []
        if is_number and (current or token != "and"):
            current.append(match)
        previous_end = match.end()
    if current:
        runs.append(current)
    return [run for tokens in runs if (run := _read_run(tokens)) is not None]


def _read_run(matches: list[re.Match[str]]) -> NumberRun | None:
    tokens = [match.group() for match in matches]
    plus = False
    while tokens and tokens[0] in ("+", "plus"):
        plus = True
        matches = matches[1:]
        tokens = tokens[1:]
    while tokens and tokens[-1] in ("+", "plus", "and"):
        matches = matches[:-1]
        tokens = tokens[:-1]
    if not tokens or all(token in _ZERO_WORDS for token in tokens):
        return None
    digits = digits_of(tokens)
    if not digits:
        return None
    words = any(not token.isdigit() for token in tokens)
    return NumberRun(digits=digits, start=matches[0].start(), end=matches[-1].end(), plus=plus, words=words)


def digits_of(tokens: list[str]) -> str:
    """Read number tokens as a listener writes them down.

    Single digits are written one by one ("five five five" is 555), compound numbers as their
    value ("twenty three" is 23, "sixteen hundred" is 1600, "five hundred and twelve" is 512),
    "double"/"triple" repeat the next digit, and digit groups are copied.
    """
    output: list[str] = []
    value: int | None = None
    # Largest number that the next word can still add to ``value``: 9 after "twenty",
    # 99 after "hundred", 999 after "thousand", 0 when ``value`` is complete.
    open_for = 0
    repeat = 0

    def flush() -> None:
        nonlocal value, open_for
        if value is not None:
            output.append(str(value))
        value = None
        open_for = 0

    for index, token in enumerate(tokens):
        if token.isdigit():
            flush()
            output.append(token)
        elif token in REPEATS:
            flush()
            repeat = REPEATS[token]
        elif token in UNITS:
            number = UNITS[token]
            if repeat:
                output.append(str(number) * repeat)
                repeat = 0
            elif value is not None and token not in _ZERO_WORDS and 0 < number <= open_for:
                value += number
                open_for = 0
            else:
                flush()
                value = number
        elif token in TEENS:
            if value is not None and open_for >= 19:
                value += TEENS[token]
                open_for = 0
            else:
                flush()
                value = TEENS[token]
        elif token in TENS:
            if value is not None and open_for >= 99:
                value += TENS[token]
            else:
                flush()
                value = TENS[token]
            open_for = 9
        elif token in SCALES:
            scale = SCALES[token]
            if value is None:
                value = scale
            elif value % scale == value:
                value *= scale
            else:
                flush()
                value = scale
            open_for = scale - 1
        elif token == "and":
            follows_scale = index > 0 and tokens[index - 1] in SCALES
            if not follows_scale:
                flush()
    flush()
    return "".join(output)
