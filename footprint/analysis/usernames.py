"""Finding usernames derived from the subject's name: "barackobama", "b.obama", "obama_barack61".

A username is a word of letters, digits, dots, dashes and underscores, standing alone, after "@"
or in a URL path, but not the local part or domain of an email address. With separators and
trailing digits removed it must equal a combination of the subject's given name and surname:
both names in full (MEDIUM), or the given name as an initial or a nickname (LOW). "Given name
plus surname initial" ("johns" for John Smith) is not derived, because it is too often a word. Trailing digits that equal the
birth year ("61" or "1961") raise LOW to MEDIUM.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from footprint.analysis.names import nicknames
from footprint.analysis.textfold import FoldedText, fold
from footprint.evidence import Confidence, Evidence, IdentifierType, Method

#: Shortest username (without separators and digits) that is compared.
MIN_USERNAME_LENGTH = 5

_TOKEN_RE = re.compile(r"[\w.-]+")
_TRAILING_DIGITS_RE = re.compile(r"^(?P<core>.*?)(?P<digits>\d*)$")
_TOP_LEVEL_DOMAIN_RE = re.compile(r"\.[a-z]{2,6}$")

#: (confidence, score) per pattern strength.
USERNAME_MATCHES = {
    "full": (Confidence.MEDIUM, 0.8),
    "initial": (Confidence.LOW, 0.6),
}


@dataclass(frozen=True)
class UsernameTarget:
    """Username cores derived from one subject name: core -> (pattern name, strength)."""

    name: str
    cores: dict[str, tuple[str, str]]


def username_targets(names: list[str]) -> list[UsernameTarget]:
    """Derive username cores from each name that has a given name and a surname."""
    targets = []
    for name in names:
        parts = [re.sub(r"[^\w]", "", part) for part in fold(name).split()]
        parts = [part for part in parts if part]
        if len(parts) < 2:
            continue
        first, last, middles = parts[0], parts[-1], parts[1:-1]
        cores: dict[str, tuple[str, str]] = {}

        def add(core: str, pattern: str, strength: str) -> None:
            if len(core) >= MIN_USERNAME_LENGTH and core not in cores:
                cores[core] = (pattern, strength)

        add(first + last, "first_last", "full")
        add(last + first, "last_first", "full")
        if middles:
            add(first + "".join(middles) + last, "first_middle_last", "full")
            add(first + "".join(middle[0] for middle in middles) + last, "first_middle_initial_last", "full")
        add(first[0] + last, "initial_last", "initial")
        add(last + first[0], "last_initial", "initial")
        for nickname in sorted(nicknames(first)):
            add(nickname + last, "nickname_last", "initial")
        targets.append(UsernameTarget(name=name, cores=cores))
    return targets


def find_usernames(
    text: FoldedText, targets: list[UsernameTarget], birth_date: date | None, *, field: str, method: Method
) -> list[Evidence]:
    """Find usernames derived from the subject's names in text and URLs."""
    if not targets:
        return []
    folded = text.folded
    birth_years = {f"{birth_date.year}", f"{birth_date.year % 100:02d}"} if birth_date else set()
    found = []
    for match in _TOKEN_RE.finditer(folded):
        start, end = match.start(), match.end()
        token = match.group()
        if _is_email_part(folded, start, end):
            continue
        stripped = token.strip("._-")
        start += len(token) - len(token.lstrip("._-"))
        end = start + len(stripped)
        result = _match(stripped, targets, birth_years)
        if result is None:
            continue
        pattern, strength, digits, name = result
        confidence, score = USERNAME_MATCHES[strength]
        if strength == "initial" and digits and digits in birth_years:
            confidence = Confidence.MEDIUM
        original_start, original_end = text.span(start, end)
        found.append(
            Evidence(
                identifier=IdentifierType.USERNAME,
                method=method,
                masked_value=text.original[original_start:original_end],
                confidence=confidence,
                score=score,
                field=field,
                start=original_start,
                end=original_end,
                detail={"match": "username", "pattern": pattern, "digits": digits, "name": name},
            )
        )
    return found


def _match(token: str, targets: list[UsernameTarget], birth_years: set[str]) -> tuple[str, str, str, str] | None:
    candidates = [token]
    if _TOP_LEVEL_DOMAIN_RE.search(token):
        # A personal domain ("barackobama.com") is a username with a top-level domain.
        candidates.append(_TOP_LEVEL_DOMAIN_RE.sub("", token))
    for candidate in candidates:
        parts = _TRAILING_DIGITS_RE.match(candidate.replace(".", "").replace("_", "").replace("-", ""))
        core, digits = parts["core"], parts["digits"]
        if not core.isalpha():
            continue
        for target in targets:
            if core in target.cores:
                pattern, strength = target.cores[core]
                return pattern, strength, digits, target.name
    return None


def _is_email_part(folded: str, start: int, end: int) -> bool:
    """Return whether [start, end) is the local part or the domain of an email address."""
    if end < len(folded) and folded[end] == "@":
        return True
    return start >= 2 and folded[start - 1] == "@" and (folded[start - 2].isalnum() or folded[start - 2] in "._-")
