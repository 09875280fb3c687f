"""Email addresses: normalisation, masking, and finding a subject's addresses in text and speech."""

from __future__ import annotations

import re
from dataclasses import dataclass

from email_validator import EmailNotValidError, validate_email

from footprint.analysis.textfold import FoldedText
from footprint.evidence import Confidence, Evidence, IdentifierType, Method

#: Domains whose mailboxes ignore dots and a "+tag" in the local part (Gmail's documented rule).
#: No other provider is folded: for them "a.b@" and "ab@" may be different people.
DOTLESS_DOMAINS = frozenset({"gmail.com", "googlemail.com"})

#: Written address: local part, @, at least two domain labels. Unicode letters are allowed
#: because email-validator accepts internationalised addresses.
_EMAIL_RE = re.compile(r"[\w.!#$%&'*+/=?^`{|}~-]+@[\w-]+(?:\.[\w-]+)+")

#: Obfuscated and spoken forms: "barack [at] example [dot] org", "barack dot obama at gmail
#: dot com". Matched on folded (lower-case) text.
_AT_RE = re.compile(r"\s*[\[({<]\s*at\s*[\])}>]\s*|\s+at\s+|\s+@\s+")
_SEPARATOR = r"(?:\s*[\[({<]\s*(?:dot|period)\s*[\])}>]\s*|\s+(?:dot|period)\s+|\.|\s+(?:underscore|dash|hyphen)\s+|_|-)"
_LABEL = r"[\w+]+"
_LEFT_RE = re.compile(rf"(?:{_LABEL}{_SEPARATOR})*{_LABEL}$")
_RIGHT_RE = re.compile(rf"{_LABEL}(?:{_SEPARATOR}{_LABEL})+")
_SEPARATOR_WORDS = {"dot": ".", "period": ".", "underscore": "_", "dash": "-", "hyphen": "-"}
_SEPARATOR_RE = re.compile(_SEPARATOR)
#: Characters around an "at" that the obfuscated-form scanner looks at, each side.
_SCAN_WINDOW = 120

#: Confidence of each kind of email finding (table in docs/analysis.md).
EXACT_CONFIDENCE = Confidence.CERTAIN
PROVIDER_CONFIDENCE = Confidence.HIGH
OBFUSCATED_CONFIDENCE = Confidence.HIGH


def normalize_email(value: str) -> str:
    """Return an email address in normal form: email-validator's form with a lower-case domain.

    Deliverability (DNS) is not checked, so this works offline.

    Raises:
        ValueError: "invalid email '<value>': <reason from email-validator>".
    """
    if not isinstance(value, str):
        raise ValueError(f"invalid email {value!r}: expected a string such as name@example.org")
    try:
        result = validate_email(value.strip(), check_deliverability=False)
    except EmailNotValidError as exc:
        raise ValueError(f"invalid email {value!r}: {exc}") from None
    return f"{result.local_part}@{result.domain.lower()}"


def mask_email(value: str) -> str:
    """Keep the first character of the local part and the domain: "b***@example.org"."""
    local, at, domain = str(value).rpartition("@")
    if not at:
        return "***"
    return f"{local[:1].lower()}***@{domain.lower()}"


def mailbox_key(address: str) -> str:
    """Return the mailbox an address delivers to, for comparison.

    Lower-cases the address, and for DOTLESS_DOMAINS drops dots and a "+tag" from the local
    part and reads googlemail.com as gmail.com.
    """
    local, _, domain = address.lower().rpartition("@")
    if domain in DOTLESS_DOMAINS:
        local = local.split("+", 1)[0].replace(".", "")
        domain = "gmail.com"
    return f"{local}@{domain}"


@dataclass(frozen=True)
class EmailTarget:
    """A subject's address: normalised, lower-cased, and its mailbox key."""

    normalized: str
    lowered: str
    mailbox: str


def email_targets(emails: list[str]) -> list[EmailTarget]:
    """Prepare a subject's addresses for matching; values that do not validate are compared as given."""
    targets = []
    for value in emails:
        try:
            normalized = normalize_email(value)
        except ValueError:
            normalized = value.strip()
        targets.append(EmailTarget(normalized, normalized.lower(), mailbox_key(normalized)))
    return targets


def find_emails(text: FoldedText, targets: list[EmailTarget], *, field: str, method: Method) -> list[Evidence]:
    """Find the subject's addresses in text, written or obfuscated ("name [at] example [dot] org").

    An address equal to one of the subject's (case-insensitive) is CERTAIN. An address equal
    only after Gmail's dot and +tag rule is HIGH. An obfuscated or spoken form is HIGH.
    """
    if not targets:
        return []
    found = _find_written(text.original, targets, field=field, method=method)
    for evidence in _find_obfuscated(text, targets, field=field, method=method):
        if not any(evidence.start < other.end and other.start < evidence.end for other in found):
            found.append(evidence)
    return found


def _find_written(original: str, targets: list[EmailTarget], *, field: str, method: Method) -> list[Evidence]:
    found = []
    for match in _EMAIL_RE.finditer(original):
        candidate = match.group().rstrip(".-")
        try:
            normalized = normalize_email(candidate)
        except ValueError:
            continue
        result = _compare(normalized, targets)
        if result is None:
            continue
        confidence, kind, target = result
        found.append(_evidence(target, confidence, kind, match.start(), match.start() + len(candidate), field, method))
    return found


def _find_obfuscated(text: FoldedText, targets: list[EmailTarget], *, field: str, method: Method) -> list[Evidence]:
    found = []
    folded = text.folded
    for at in _AT_RE.finditer(folded):
        # The anchored domain match fails fast on ordinary prose ("at the cafe"), so it runs
        # before the slower search for the local part.
        right = _RIGHT_RE.match(folded, at.end(), min(len(folded), at.end() + _SCAN_WINDOW))
        if right is None:
            continue
        left = _LEFT_RE.search(folded, max(0, at.start() - _SCAN_WINDOW), at.start())
        if left is None:
            continue
        best = None
        for local_start, local in _local_suffixes(left):
            for domain_end, domain in _domain_prefixes(right):
                result = _compare(f"{local}@{domain}", targets)
                if result is not None and (best is None or result[0] > best[0][0]):
                    best = (result, local_start, domain_end)
        if best is None:
            continue
        (confidence, _kind, target), start, end = best
        kind = "spoken" if method is Method.SPEECH else "obfuscated"
        original_start, original_end = text.span(start, end)
        found.append(
            _evidence(target, min(confidence, OBFUSCATED_CONFIDENCE), kind, original_start, original_end, field, method)
        )
    return found


def _local_suffixes(match: re.Match[str]) -> list[tuple[int, str]]:
    """Return (start, local part) for each suffix of the labels before "at", longest first."""
    labels, separators = _split_labels(match)
    results = []
    for index in range(len(labels)):
        text = _join(labels[index:], separators[index:])
        results.append((labels[index][0], text))
    return results


def _domain_prefixes(match: re.Match[str]) -> list[tuple[int, str]]:
    """Return (end, domain) for each prefix of at least two labels after "at", longest first."""
    labels, separators = _split_labels(match)
    results = []
    for count in range(len(labels), 1, -1):
        results.append((labels[count - 1][1], _join(labels[:count], separators[: count - 1])))
    return results


def _split_labels(match: re.Match[str]) -> tuple[list[tuple[int, int, str]], list[str]]:
    labels: list[tuple[int, int, str]] = []
    separators: list[str] = []
    position = match.start()
    for separator in _SEPARATOR_RE.finditer(match.string, match.start(), match.end()):
        labels.append((position, separator.start(), match.string[position : separator.start()]))
        word = separator.group().strip(" \t\n[](){}<>")
        separators.append(_SEPARATOR_WORDS.get(word, word))
        position = separator.end()
    labels.append((position, match.end(), match.string[position : match.end()]))
    return labels, separators


def _join(labels: list[tuple[int, int, str]], separators: list[str]) -> str:
    parts = [labels[0][2]]
    for separator, label in zip(separators, labels[1:], strict=False):
        parts.append(separator)
        parts.append(label[2])
    return "".join(parts)


def _compare(candidate: str, targets: list[EmailTarget]) -> tuple[Confidence, str, EmailTarget] | None:
    lowered = candidate.lower()
    for target in targets:
        if lowered == target.lowered:
            return EXACT_CONFIDENCE, "exact", target
    mailbox = mailbox_key(lowered)
    for target in targets:
        if mailbox == target.mailbox:
            return PROVIDER_CONFIDENCE, "provider", target
    return None


def _evidence(
    target: EmailTarget, confidence: Confidence, kind: str, start: int, end: int, field: str, method: Method
) -> Evidence:
    scores = {Confidence.CERTAIN: 1.0, Confidence.HIGH: 0.95}
    return Evidence(
        identifier=IdentifierType.EMAIL,
        method=method,
        masked_value=mask_email(target.normalized),
        confidence=confidence,
        score=scores.get(confidence, 0.9),
        field=field,
        start=start,
        end=end,
        detail={"match": kind},
    )
