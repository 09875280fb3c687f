"""The subject as the matchers see it: identifiers and reference face encodings."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date


@dataclass
class Address:
    """A postal address; every part is optional except the city."""

    city: str
    street: str = ""
    number: str = ""
    postal_code: str = ""
    region: str = ""
    country: str = ""

    def one_line(self) -> str:
        """Return the address on one line: "12 Oak Street, Springfield, IL 62701, US"."""
        street = " ".join(part for part in (self.number, self.street) if part)
        tail = " ".join(part for part in (self.region, self.postal_code) if part)
        return ", ".join(part for part in (street, self.city, tail, self.country) if part)


@dataclass
class SubjectProfile:
    """Known identifiers of a subject, in normalised form.

    Parameters:
        subject_id: database id, or 0 for a subject not stored yet.
        names: full names, the primary first ("Barack Hussein Obama", "Barack Obama").
        emails: normalised addresses (email-validator, lower-cased domain), primary first.
        phones: E.164 numbers ("+14155550123"), primary first.
        addresses: postal addresses, home first.
        birth_date: date of birth, or None.
        region: ISO 3166 alpha-2 region for national-format phone numbers.
        employers: employer names, for name-plus-context evidence.
        reference_encodings: 128-d face encodings of the reference photos.
    """

    subject_id: int
    names: list[str]
    emails: list[str] = field(default_factory=list)
    phones: list[str] = field(default_factory=list)
    addresses: list[Address] = field(default_factory=list)
    birth_date: date | None = None
    region: str = "US"
    employers: list[str] = field(default_factory=list)
    reference_encodings: list[list[float]] = field(default_factory=list)

    @property
    def primary_name(self) -> str:
        return self.names[0] if self.names else ""

    @property
    def cities(self) -> list[str]:
        return [address.city for address in self.addresses if address.city]
