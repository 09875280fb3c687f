"""Finding a subject's identifiers in free text and transcripts, and masking them for display.

:func:`find_identities` runs one matcher per identifier type (emails, phones, names, addresses,
birth dates, usernames) and returns their findings in text order. Each matcher lives in its own
module of this package. docs/analysis.md lists the confidence of each kind of finding. In short,
an exact email is CERTAIN, and an exact phone, full address or birth date is HIGH. An exact full
name is MEDIUM, and partial or approximate forms are lower.
"""

from __future__ import annotations

import functools
import logging
from dataclasses import dataclass
from datetime import date

from footprint.analysis.addresses import AddressTarget, address_targets, find_addresses, mask_address
from footprint.analysis.dates import find_birth_dates, mask_birth_date
from footprint.analysis.emails import EmailTarget, email_targets, find_emails, mask_email, normalize_email
from footprint.analysis.names import NameTarget, find_names, name_targets
from footprint.analysis.phones import PhoneTarget, find_phones, mask_phone, normalize_phone, phone_targets
from footprint.analysis.textfold import fold_with_offsets
from footprint.analysis.usernames import UsernameTarget, find_usernames, username_targets
from footprint.evidence import Evidence, IdentifierType, Method
from footprint.subject import Address, SubjectProfile

__all__ = [
    "find_identities",
    "mask_email",
    "mask_phone",
    "mask_value",
    "normalize_email",
    "normalize_phone",
]

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class SubjectTargets:
    """A subject's identifiers compiled for matching, built once per distinct profile."""

    emails: list[EmailTarget]
    phones: list[PhoneTarget]
    names: list[NameTarget]
    addresses: list[AddressTarget]
    usernames: list[UsernameTarget]
    birth_date: date | None
    region: str


def find_identities(
    text: str | bytes | None, subject: SubjectProfile, *, field: str = "text", method: Method = Method.TEXT
) -> list[Evidence]:
    """Find every occurrence of the subject's identifiers in a text.

    ``field`` names where the text came from ("bio", "transcript", ...) and is copied into each
    finding. ``method`` is TEXT for written text and SPEECH for transcripts; SPEECH adds
    spoken-number, fuzzy and phonetic matching for words the speech model misheard.

    Returns:
        Findings sorted by start offset. Offsets index ``text`` (decoded as UTF-8 with
        replacement characters when bytes are given). Empty or None text gives [].
    """
    if not text:
        return []
    if isinstance(text, bytes):
        text = text.decode("utf-8", errors="replace")
    method = Method(method)
    targets = compile_subject(subject)
    folded = fold_with_offsets(text)

    found: list[Evidence] = []
    found += find_emails(folded, targets.emails, field=field, method=method)
    found += find_phones(folded, targets.phones, targets.region, field=field, method=method)
    found += find_names(folded, targets.names, field=field, method=method)
    found += find_addresses(folded, targets.addresses, field=field, method=method)
    found += find_birth_dates(folded, targets.birth_date, targets.region, field=field, method=method)
    found += find_usernames(folded, targets.usernames, targets.birth_date, field=field, method=method)
    found = _drop_nested(found)
    found.sort(key=lambda evidence: (evidence.start if evidence.start is not None else -1, -evidence.confidence))
    logger.debug("subject %s: %d findings in %s (%d chars)", subject.subject_id, len(found), field, len(text))
    return found


def _drop_nested(found: list[Evidence]) -> list[Evidence]:
    """Drop name and username findings inside an email or username finding.

    "barack.obama@example.org" is one email finding, not also a first name and a username.
    """
    containers = [e for e in found if e.identifier in (IdentifierType.EMAIL, IdentifierType.USERNAME)]
    result = []
    for evidence in found:
        nested = evidence.identifier in (IdentifierType.NAME, IdentifierType.USERNAME) and any(
            other is not evidence
            and other.identifier is not evidence.identifier
            and other.start <= evidence.start
            and evidence.end <= other.end
            for other in containers
        )
        if not nested:
            result.append(evidence)
    return result


def compile_subject(subject: SubjectProfile) -> SubjectTargets:
    """Return the subject's identifiers prepared for matching, cached per distinct profile."""
    addresses = tuple(
        (a.city, a.street, a.number, a.postal_code, a.region, a.country) for a in subject.addresses
    )
    return _compile(
        tuple(subject.names), tuple(subject.emails), tuple(subject.phones), addresses, subject.birth_date,
        (subject.region or "US").upper(),
    )


@functools.lru_cache(maxsize=128)
def _compile(names, emails, phones, addresses, birth_date, region) -> SubjectTargets:
    return SubjectTargets(
        emails=email_targets(list(emails)),
        phones=phone_targets(list(phones), region),
        names=name_targets(list(names)),
        addresses=address_targets([Address(*parts) for parts in addresses]),
        usernames=username_targets(list(names)),
        birth_date=birth_date,
        region=region,
    )


def mask_value(identifier: IdentifierType | str, value: object) -> str:
    """Mask a raw identifier value for display: emails, phones, addresses and birth dates are masked.

    Names, usernames and face references are returned as text, because reports show them.
    An address may be an :class:`Address` or a one-line string (its leading house number is
    masked). A birth date may be a date or an ISO string.
    """
    identifier = IdentifierType(identifier)
    if identifier is IdentifierType.EMAIL:
        return mask_email(str(value))
    if identifier is IdentifierType.PHONE:
        return mask_phone(str(value))
    if identifier is IdentifierType.ADDRESS:
        if isinstance(value, Address):
            return mask_address(value)
        words = str(value).split(maxsplit=1)
        if words and any(char.isdigit() for char in words[0]):
            return "*** " + (words[1] if len(words) > 1 else "")
        return str(value)
    if identifier is IdentifierType.BIRTH_DATE:
        if isinstance(value, date):
            return mask_birth_date(value)
        text = str(value)
        return f"{text[:4]}-**-**" if text[:4].isdigit() else "****-**-**"
    return str(value)
