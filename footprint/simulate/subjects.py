"""Subjects of a simulated world: what the generator knows of each person it plants in the world.

A :class:`SubjectSpec` holds plain values (a name, emails, phones in any format, addresses, a birth
date, an employer, reference photos). It comes from command-line options, from the database
(:func:`load_subject_specs`) or from :data:`DEMO_SUBJECT`.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from footprint.subject import Address

logger = logging.getLogger(__name__)

#: Folder of the bundled public-domain face photos, the default face pool.
ASSETS_DIR = Path(__file__).resolve().parent.parent / "assets"
DEFAULT_FACES_DIR = ASSETS_DIR / "faces"


@dataclass
class SubjectSpec:
    """A subject to plant in a simulated world.

    Parameters:
        full_name: the primary full name ("Barack Obama"); the first word is used as the first name
            and the last word as the last name.
        emails: email addresses, primary first.
        phones: phone numbers in any format that phonenumbers parses ("+1 312 555 0147",
            "(312) 555-0147" with the default region), primary first.
        addresses: postal addresses, home first; the first city is the subject's city.
        birth_date: date of birth, or None.
        employer: current employer, or None.
        photos: reference photos of the subject's face (JPEG or PNG paths).
        subject_id: the database id of the subject, or None when it is not stored.
    """

    full_name: str
    emails: list[str] = field(default_factory=list)
    phones: list[str] = field(default_factory=list)
    addresses: list[Address] = field(default_factory=list)
    birth_date: date | None = None
    employer: str | None = None
    photos: list[Path] = field(default_factory=list)
    subject_id: int | None = None

    @property
    def city(self) -> str:
        """The city of the first address, or "" when no address is known."""
        for address in self.addresses:
            if address.city:
                return address.city
        return ""


#: The demo subject used by ``manage.py scan --demo`` and by ``manage.py simulate`` without subject
#: options. The email is at a reserved domain and the phone in the fictional 555-01XX range.
DEMO_SUBJECT = SubjectSpec(
    full_name="Barack Obama",
    emails=["barack.obama@example.org"],
    phones=["+1 312 555 0147"],
    addresses=[
        Address(
            city="Chicago",
            street="S Greenwood Ave",
            number="5046",
            postal_code="60615",
            region="IL",
            country="US",
        )
    ],
    birth_date=date(1961, 8, 4),
    employer="University of Chicago",
    photos=[DEFAULT_FACES_DIR / "obama.jpg"],
    subject_id=None,
)

_STREET_NUMBER = re.compile(r"^(\d+[A-Za-z]?(?:-\d+)?)\s+(.+)$")


def parse_address(text: str) -> Address:
    """Parse a one-line address such as "5046 S Greenwood Ave, Chicago, IL 60615, US".

    The parts are separated by commas: an optional street line (recognised by a leading house
    number), the city, then "REGION POSTCODE" and the country. A single part is a city.
    Raises ValueError on an empty text.
    """
    parts = [part.strip() for part in text.split(",") if part.strip()]
    if not parts:
        raise ValueError(f"invalid address {text!r}: expected 'NUMBER STREET, CITY, REGION POSTCODE, COUNTRY'")

    number = street = ""
    match = _STREET_NUMBER.match(parts[0])
    if match and len(parts) >= 2:
        number, street = match.group(1), match.group(2)
        parts = parts[1:]

    city = parts[0]
    region = postal_code = country = ""
    if len(parts) >= 2:
        words = parts[1].split()
        postal_code = " ".join(word for word in words if any(ch.isdigit() for ch in word))
        region = " ".join(word for word in words if not any(ch.isdigit() for ch in word))
    if len(parts) >= 3:
        country = parts[2]
    return Address(
        city=city, street=street, number=number, postal_code=postal_code, region=region, country=country
    )


def _as_address(value: Address | Mapping[str, Any] | str) -> Address:
    if isinstance(value, Address):
        return value
    if isinstance(value, str):
        return parse_address(value)
    if isinstance(value, Mapping):
        return Address(
            city=str(value.get("city") or ""),
            street=str(value.get("street") or ""),
            number=str(value.get("number") or ""),
            postal_code=str(value.get("postal_code") or ""),
            region=str(value.get("region") or ""),
            country=str(value.get("country") or ""),
        )
    # Database rows (SubjectAddress) and similar objects carry the same attribute names.
    return Address(
        city=getattr(value, "city", "") or "",
        street=getattr(value, "street", "") or "",
        number=getattr(value, "number", "") or "",
        postal_code=getattr(value, "postal_code", "") or "",
        region=getattr(value, "region", "") or "",
        country=getattr(value, "country", "") or "",
    )


def subject_spec_from_profile(
    *,
    full_name: str,
    emails: Iterable[str] = (),
    phones: Iterable[str] = (),
    addresses: Iterable[Address | Mapping[str, Any] | str] = (),
    birth_date: date | str | None = None,
    employers: Iterable[str] = (),
    photos: Iterable[str | Path] = (),
    subject_id: int | None = None,
) -> SubjectSpec:
    """Build a :class:`SubjectSpec` from plain values, such as the columns of a subject's rows.

    ``addresses`` accepts :class:`Address` objects, mappings with the same keys, objects with those
    attributes, or one-line strings. ``birth_date`` accepts a date or "YYYY-MM-DD". The first
    employer becomes the subject's employer. Raises ValueError on an empty name or an invalid date.
    """
    name = (full_name or "").strip()
    if not name:
        raise ValueError("invalid subject: the full name is empty; give the subject's name")
    if isinstance(birth_date, str):
        try:
            birth_date = date.fromisoformat(birth_date.strip())
        except ValueError:
            raise ValueError(f"invalid birth date {birth_date!r}: use YYYY-MM-DD") from None
    employer_list = [employer.strip() for employer in employers if employer and employer.strip()]
    return SubjectSpec(
        full_name=name,
        emails=[email.strip() for email in emails if email and email.strip()],
        phones=[phone.strip() for phone in phones if phone and phone.strip()],
        addresses=[_as_address(address) for address in addresses],
        birth_date=birth_date,
        employer=employer_list[0] if employer_list else None,
        photos=[Path(photo) for photo in photos],
        subject_id=subject_id,
    )


def load_subject_specs(subject_ids: list[int]) -> list[SubjectSpec]:
    """Read the subjects with these database ids into specs, in the order given.

    Uses the configured database (``FOOTPRINT_DATABASE_URL`` or the SQLite default). Primary names,
    emails and phones come first. Raises LookupError naming every id that is not in the database.
    """
    from footprint.store.engine import session_scope
    from footprint.store.models import Subject

    specs: list[SubjectSpec] = []
    missing: list[int] = []
    with session_scope() as session:
        for subject_id in subject_ids:
            subject = session.get(Subject, subject_id)
            if subject is None:
                missing.append(subject_id)
                continue
            names = sorted(subject.names, key=lambda row: (not row.is_primary, row.id))
            emails = sorted(subject.emails, key=lambda row: (not row.is_primary, row.id))
            phones = sorted(subject.phones, key=lambda row: (not row.is_primary, row.id))
            full_name = subject.full_name or (names[0].name if names else "")
            specs.append(
                subject_spec_from_profile(
                    full_name=full_name,
                    emails=[row.email for row in emails],
                    phones=[row.e164 for row in phones],
                    addresses=sorted(subject.addresses, key=lambda row: row.id),
                    birth_date=subject.birth_date,
                    employers=[row.name for row in sorted(subject.employers, key=lambda row: row.id)],
                    photos=[row.path for row in sorted(subject.photos, key=lambda row: row.id)],
                    subject_id=subject.id,
                )
            )
            logger.debug("loaded subject %s for the world generator", subject.id)
    if missing:
        listed = ", ".join(str(subject_id) for subject_id in missing)
        raise LookupError(f"subject id not found in the database: {listed}; check the id or add the subject first")
    return specs
