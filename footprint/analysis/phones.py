"""Phone numbers: E.164 normalisation, masking, and finding a subject's numbers in text and speech."""

from __future__ import annotations

import logging
from dataclasses import dataclass

import phonenumbers
from rapidfuzz.distance import Indel, Levenshtein

from footprint.analysis.spoken import find_number_runs
from footprint.analysis.textfold import FoldedText
from footprint.evidence import Confidence, Evidence, IdentifierType, Method

logger = logging.getLogger(__name__)

#: A spoken number counts as a near match of a subject's number when it differs by one dropped,
#: added or changed digit and still has at least this many digits of it in the same order.
NEAR_MIN_COMMON_DIGITS = 9

#: Confidence of each kind of phone finding (table in docs/analysis.md).
EXACT_CONFIDENCE = Confidence.HIGH
NEAR_CONFIDENCE = Confidence.MEDIUM

_EXAMPLE = "+1 415 555 0123"


def normalize_phone(value: str, region: str) -> str:
    """Return a phone number in E.164 form ("+14155550123").

    ``region`` (ISO 3166 alpha-2, such as "US") is the region of numbers written in national
    form. Numbers written with a leading + ignore it.

    Raises:
        ValueError: the value is not a valid phone number of that region or of its own country code.
    """
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"invalid phone {value!r}: the value is empty; write it in international form such as {_EXAMPLE}")
    try:
        number = phonenumbers.parse(value, (region or "").upper() or None)
    except phonenumbers.NumberParseException as exc:
        raise ValueError(
            f"invalid phone {value!r}: {_parse_error(exc, region)}; write it in international form such as {_EXAMPLE}"
        ) from None
    if not phonenumbers.is_valid_number(number):
        raise ValueError(
            f"invalid phone {value!r}: not a valid number for region "
            f"{phonenumbers.region_code_for_number(number) or region}; write it in international form such as {_EXAMPLE}"
        )
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def mask_phone(e164: str) -> str:
    """Mask all but the last four digits: "+1 ***-***-0123" for North America, "+44 ***0958" else.

    Values that do not parse as E.164 become "***" and their last four digits.
    """
    digits = "".join(char for char in str(e164) if char.isdigit())
    last = digits[-4:]
    try:
        number = phonenumbers.parse(str(e164), None)
    except phonenumbers.NumberParseException:
        return f"***{last}"
    if number.country_code == 1:
        return f"+1 ***-***-{last}"
    return f"+{number.country_code} ***{last}"


@dataclass(frozen=True)
class PhoneTarget:
    """A subject's phone number in the forms it can appear in.

    Parameters:
        e164: "+14155550123".
        region: the number's own region ("US").
        digit_forms: digit strings a listener could write: the national significant number
            ("4155550123"), with the country code ("14155550123"), and with the national prefix
            ("02079460958" for a UK number).
    """

    e164: str
    region: str
    digit_forms: tuple[str, ...]


def phone_targets(phones: list[str], default_region: str) -> list[PhoneTarget]:
    """Parse a subject's phone numbers; numbers that do not parse are logged and skipped."""
    targets = []
    for value in phones:
        try:
            number = phonenumbers.parse(value, default_region)
        except phonenumbers.NumberParseException:
            logger.warning("subject phone ***%s cannot be parsed; it is not matched", value[-2:])
            continue
        national = phonenumbers.national_significant_number(number)
        forms = {national, f"{number.country_code}{national}"}
        region = phonenumbers.region_code_for_number(number) or default_region
        metadata = phonenumbers.PhoneMetadata.metadata_for_region(region)
        if metadata is not None and metadata.national_prefix:
            forms.add(f"{metadata.national_prefix}{national}")
        e164 = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
        targets.append(PhoneTarget(e164=e164, region=region, digit_forms=tuple(sorted(forms, key=len))))
    return targets


def find_phones(
    text: FoldedText, targets: list[PhoneTarget], default_region: str, *, field: str, method: Method
) -> list[Evidence]:
    """Find the subject's phone numbers in text.

    Written numbers are found with phonenumbers.PhoneNumberMatcher in any national or
    international format and compared in E.164. For speech, runs of digits and number words are
    also read (see footprint.analysis.spoken) and compared digit by digit, so that "four one five
    five five five oh one two three" matches, and a number with one digit dropped or misheard is
    a near match at lower confidence.
    """
    if not targets:
        return []
    found = _find_written(text, targets, default_region, field=field, method=method)
    if method is Method.SPEECH:
        # A written number is also a run of digits, so keep spoken findings only where no
        # written number was found.
        for evidence in _find_spoken(text, targets, field=field, method=method):
            if not any(_overlaps(evidence, written) for written in found):
                found.append(evidence)
    return found


def _overlaps(first: Evidence, second: Evidence) -> bool:
    return first.start < second.end and second.start < first.end


def _find_written(
    text: FoldedText, targets: list[PhoneTarget], default_region: str, *, field: str, method: Method
) -> list[Evidence]:
    by_e164 = {target.e164: target for target in targets}
    regions = [default_region] + sorted({target.region for target in targets} - {default_region})
    found: dict[tuple[int, int], Evidence] = {}
    for region in regions:
        matcher = phonenumbers.PhoneNumberMatcher(text.original, region, leniency=phonenumbers.Leniency.POSSIBLE)
        for match in matcher:
            e164 = phonenumbers.format_number(match.number, phonenumbers.PhoneNumberFormat.E164)
            if e164 not in by_e164 or (match.start, match.end) in found:
                continue
            found[(match.start, match.end)] = Evidence(
                identifier=IdentifierType.PHONE,
                method=method,
                masked_value=mask_phone(e164),
                confidence=EXACT_CONFIDENCE,
                score=1.0,
                field=field,
                start=match.start,
                end=match.end,
                detail={"match": "exact", "region": region},
            )
    return list(found.values())


def _find_spoken(text: FoldedText, targets: list[PhoneTarget], *, field: str, method: Method) -> list[Evidence]:
    found = []
    for run in find_number_runs(text.folded):
        best: tuple[Confidence, float, PhoneTarget, str] | None = None
        for target in targets:
            for form in target.digit_forms:
                result = _compare_digits(run.digits, form)
                if result is not None and (best is None or result[:2] > best[:2]):
                    best = (*result, target, form)
        if best is None:
            continue
        confidence, score, target, form = best
        start, end = text.span(run.start, run.end)
        detail = {"match": "exact" if confidence is EXACT_CONFIDENCE else "near", "spoken": run.words}
        found.append(
            Evidence(
                identifier=IdentifierType.PHONE,
                method=method,
                masked_value=mask_phone(target.e164),
                confidence=confidence,
                score=round(score, 3),
                field=field,
                start=start,
                end=end,
                detail=detail,
            )
        )
    return found


def _compare_digits(spoken_digits: str, expected: str) -> tuple[Confidence, float] | None:
    """Compare a run of heard digits with one form of a subject's number.

    Returns (HIGH, 1.0) when the form occurs in the run, (MEDIUM, score) when some part of the
    run is one edit away from the form and shares at least NEAR_MIN_COMMON_DIGITS digits with
    it in order, else None.
    """
    if expected in spoken_digits:
        return EXACT_CONFIDENCE, 1.0
    length = len(expected)
    if length < NEAR_MIN_COMMON_DIGITS:
        return None
    for size in (length, length - 1, length + 1):
        for offset in range(0, len(spoken_digits) - size + 1):
            window = spoken_digits[offset : offset + size]
            if Levenshtein.distance(window, expected, score_cutoff=1) > 1:
                continue
            common = (len(window) + length - Indel.distance(window, expected)) // 2
            if common >= NEAR_MIN_COMMON_DIGITS:
                return NEAR_CONFIDENCE, common / max(len(window), length) * 0.9
    return None


def _parse_error(exc: phonenumbers.NumberParseException, region: str | None) -> str:
    if exc.error_type == phonenumbers.NumberParseException.INVALID_COUNTRY_CODE:
        if "region" in str(exc):
            return f"unknown region {region!r} for a number without a country code"
        return "unknown country code"
    reasons = {
        phonenumbers.NumberParseException.NOT_A_NUMBER: "not a phone number",
        phonenumbers.NumberParseException.TOO_SHORT_AFTER_IDD: "too short after the international prefix",
        phonenumbers.NumberParseException.TOO_SHORT_NSN: "too short",
        phonenumbers.NumberParseException.TOO_LONG: "too long",
    }
    return reasons.get(exc.error_type, str(exc))
