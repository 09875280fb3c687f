"""Register subjects and read them back as :class:`~footprint.subject.SubjectProfile`.

Every identifier is validated before anything is written. An invalid email or phone, or a photo
that does not exist, is not an image or has no detectable face, raises :class:`SubjectError` with
the value and the fix, and then nothing is stored.
"""

from __future__ import annotations

import hashlib
import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from config.settings import Settings, get_settings
from footprint.media import sha256_file
from footprint.subject import Address, SubjectProfile
from footprint.store.models import (
    Subject,
    SubjectAddress,
    SubjectEmail,
    SubjectEmployer,
    SubjectName,
    SubjectPhone,
    SubjectPhoto,
)

logger = logging.getLogger(__name__)

_REGION_RE = re.compile(r"^[A-Z]{2}$")


class SubjectError(ValueError):
    """A subject's input is invalid; the message names the value and the fix."""


@dataclass
class NewSubject:
    """Raw input for a subject, as typed on the command line.

    Parameters:
        names: full names, the primary first; at least one.
        emails, phones: as typed; phones in any national format of ``region`` or in + form.
        addresses: one-line addresses "STREET NUMBER, CITY[, REGION POSTAL][, COUNTRY]" or Address.
        birth_date: date of birth, or None.
        region: ISO 3166 alpha-2 code for national phone numbers, default "US".
        employers: employer names.
        photos: paths of reference photos, each with one clearly visible face.
    """

    names: Sequence[str]
    emails: Sequence[str] = ()
    phones: Sequence[str] = ()
    addresses: Sequence[str | Address] = ()
    birth_date: date | None = None
    region: str = "US"
    employers: Sequence[str] = ()
    photos: Sequence[str | Path] = field(default_factory=tuple)


def parse_address(text: str) -> Address:
    """Parse "5046 S Greenwood Ave, Chicago, IL 60615, US" into an :class:`Address`.

    The first part is the street line (a leading number becomes ``number``), the second the city,
    a third "REGION POSTAL" part and a fourth country are optional. A single part is a city.
    """
    parts = [part.strip() for part in text.split(",") if part.strip()]
    if not parts:
        raise SubjectError(f"invalid address {text!r}: write it as 'NUMBER STREET, CITY[, REGION POSTAL][, COUNTRY]'")
    if len(parts) == 1:
        return Address(city=parts[0])

    street_line, city, *rest = parts
    number, street = "", street_line
    match = re.match(r"^(\d+[A-Za-z]?)\s+(.+)$", street_line)
    if match:
        number, street = match.group(1), match.group(2)

    region, postal_code, country = "", "", ""
    if rest:
        tokens = rest[0].split()
        postal = [token for token in tokens if any(ch.isdigit() for ch in token)]
        postal_code = " ".join(postal)
        region = " ".join(token for token in tokens if token not in postal)
    if len(rest) > 1:
        country = rest[1]
    return Address(city=city, street=street, number=number, postal_code=postal_code, region=region, country=country)


def _validate(new: NewSubject, settings: Settings) -> tuple[list[str], list[str], list[Address], list[tuple[Path, str, list[float]]]]:
    from footprint.analysis.errors import MediaError
    from footprint.analysis.faces import reference_encoding
    from footprint.analysis.identities import normalize_email, normalize_phone

    names = [" ".join(name.split()) for name in new.names if name and name.strip()]
    if not names:
        raise SubjectError("missing name: give at least one full name with --name")
    region = (new.region or "").upper()
    if not _REGION_RE.match(region):
        raise SubjectError(f"invalid region {new.region!r}: use a two-letter ISO 3166 code such as US or GB")

    emails: list[str] = []
    for value in new.emails:
        try:
            email = normalize_email(value)
        except ValueError as error:
            raise SubjectError(str(error)) from None
        if email not in emails:
            emails.append(email)

    phones: list[str] = []
    for value in new.phones:
        try:
            phone = normalize_phone(value, region)
        except ValueError as error:
            raise SubjectError(str(error)) from None
        if phone not in phones:
            phones.append(phone)

    addresses = [item if isinstance(item, Address) else parse_address(item) for item in new.addresses]

    photos: list[tuple[Path, str, list[float]]] = []
    for value in new.photos:
        path = Path(value).expanduser()
        if not path.is_file():
            raise SubjectError(f"photo not found: {str(value)!r}; give the path of an existing image file")
        try:
            encoding = reference_encoding(path, settings)
        except MediaError as error:
            raise SubjectError(f"invalid photo {str(value)!r}: {error.reason}") from None
        photos.append((path.resolve(), sha256_file(path), list(encoding)))

    if new.birth_date and new.birth_date > date.today():
        raise SubjectError(f"invalid birth date {new.birth_date.isoformat()}: it lies in the future")
    return emails, phones, addresses, photos


def add_subject(session: Session, new: NewSubject, settings: Settings | None = None) -> Subject:
    """Validate ``new`` and insert it; return the stored subject (its id is set)."""
    settings = settings or get_settings()
    emails, phones, addresses, photos = _validate(new, settings)
    names = [" ".join(name.split()) for name in new.names if name and name.strip()]

    subject = Subject(full_name=names[0], birth_date=new.birth_date, region=new.region.upper())
    for index, name in enumerate(dict.fromkeys(names)):
        subject.names.append(SubjectName(name=name, is_primary=index == 0))
    for index, email in enumerate(emails):
        subject.emails.append(SubjectEmail(email=email, is_primary=index == 0))
    for index, phone in enumerate(phones):
        subject.phones.append(SubjectPhone(e164=phone, is_primary=index == 0))
    for address in addresses:
        line = address.one_line()
        subject.addresses.append(
            SubjectAddress(
                street=address.street, number=address.number, city=address.city,
                postal_code=address.postal_code, region=address.region, country=address.country,
                one_line=line, one_line_sha256=hashlib.sha256(line.casefold().encode()).hexdigest(),
            )
        )
    for employer in dict.fromkeys(e.strip() for e in new.employers if e.strip()):
        subject.employers.append(SubjectEmployer(name=employer))
    for path, digest, encoding in {digest: (p, digest, e) for p, digest, e in photos}.values():
        subject.photos.append(SubjectPhoto(path=str(path), sha256=digest, encoding=encoding))

    session.add(subject)
    session.flush()
    logger.info("subject %d added with %d emails, %d phones, %d photos", subject.id, len(emails), len(phones), len(photos))
    return subject


def get_subject(session: Session, subject_id: int) -> Subject:
    """Return the subject with every related row loaded, or raise :class:`SubjectError`."""
    subject = session.scalar(
        select(Subject)
        .where(Subject.id == subject_id)
        .options(
            selectinload(Subject.names), selectinload(Subject.emails), selectinload(Subject.phones),
            selectinload(Subject.addresses), selectinload(Subject.photos), selectinload(Subject.employers),
        )
    )
    if subject is None:
        raise SubjectError(f"subject {subject_id} not found; list subjects with 'manage.py subject list'")
    return subject


def profile_of(subject: Subject) -> SubjectProfile:
    """Build the matcher's view of a loaded subject."""
    names = [row.name for row in sorted(subject.names, key=lambda row: not row.is_primary)] or [subject.full_name]
    return SubjectProfile(
        subject_id=subject.id,
        names=names,
        emails=[row.email for row in sorted(subject.emails, key=lambda row: not row.is_primary)],
        phones=[row.e164 for row in sorted(subject.phones, key=lambda row: not row.is_primary)],
        addresses=[
            Address(city=row.city, street=row.street, number=row.number, postal_code=row.postal_code,
                    region=row.region, country=row.country)
            for row in subject.addresses
        ],
        birth_date=subject.birth_date,
        region=subject.region,
        employers=[row.name for row in subject.employers],
        reference_encodings=[list(row.encoding) for row in subject.photos],
    )


def load_profile(session: Session, subject_id: int) -> SubjectProfile:
    """Return the :class:`SubjectProfile` of a stored subject."""
    return profile_of(get_subject(session, subject_id))


def list_subjects(session: Session) -> list[Subject]:
    """Return every subject, oldest first, with emails and photos loaded."""
    return list(
        session.scalars(
            select(Subject).order_by(Subject.id).options(selectinload(Subject.emails), selectinload(Subject.photos),
                                                         selectinload(Subject.phones))
        )
    )
