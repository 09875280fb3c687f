"""People of a simulated world: subjects, their namesakes, look-alikes and neighbours, and base people.

Names, streets, cities, companies and jobs come from Faker with the world's locale, seeded once and
called in a fixed order. Every other draw uses a ``random.Random`` seeded from the world seed and the
person id, so one person's draws do not depend on how many draws came before.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta

from faker import Faker

from footprint.simulate import identifiers
from footprint.simulate.faces import FacePhoto, FacePool
from footprint.simulate.subjects import SubjectSpec
from footprint.subject import Address

#: The world's "today": ages and post dates count back from it, so no wall-clock time leaks in.
BASE_DATE = date(2025, 6, 1)

#: Ages of generated people, years.
MIN_AGE_YEARS = 18
MAX_AGE_YEARS = 85

#: Roles of people, as written to the ground truth.
ROLES = ("subject", "namesake", "lookalike", "neighbour", "base")


@dataclass
class Person:
    """One person of the world.

    Parameters:
        person_id: "S0001" for subjects, "N0001" namesakes, "L0001" look-alikes, "H0001"
            neighbours, "B000001" base people.
        role: one of ROLES.
        full_name, first_name, last_name: the names; a subject keeps its full name as given.
        email: primary email, or None.
        phone: primary phone in E.164 form, or None.
        address: home address (the city is always set).
        birth_date: date of birth, or None.
        employer, job, education: work and school.
        face: the face photo shown of this person, or None for someone shown without a face.
        related_to: for namesakes, look-alikes and neighbours, the subject's person id.
        shares: for neighbours, "city" or "employer".
        subject_id: for subjects, the database id (None when not stored).
        emails, phones: every email and E.164 phone (a subject can have several).
    """

    person_id: str
    role: str
    full_name: str
    first_name: str
    last_name: str
    email: str | None
    phone: str | None
    address: Address
    birth_date: date | None
    employer: str | None
    job: str
    education: str
    face: FacePhoto | None
    related_to: str | None = None
    shares: str | None = None
    subject_id: int | None = None
    emails: list[str] = field(default_factory=list)
    phones: list[str] = field(default_factory=list)

    @property
    def city(self) -> str:
        return self.address.city

    @property
    def location(self) -> str:
        """City and region as profiles show it ("Chicago, IL")."""
        return ", ".join(part for part in (self.address.city, self.address.region) if part)


def person_rng(seed: int, person_id: str) -> random.Random:
    """Return the random generator of one person: seeded from the world seed and the id."""
    return random.Random(f"{seed}:{person_id}")


def _split_name(full_name: str) -> tuple[str, str]:
    words = full_name.split()
    return words[0], words[-1] if len(words) > 1 else ""


def _region_code(locale: str) -> str:
    return locale.split("_")[-1].upper() if "_" in locale else "US"


class PopulationFactory:
    """Builds the people of one world.

    Parameters:
        seed: the world seed.
        locale: Faker locale ("en_US", "de_DE", ...); sets names, addresses and the phone region.
        pool: the face pool; strangers' faces go to everyone but the subjects.
        phone_region: region used to parse subjects' national-format phone numbers.
    """

    def __init__(self, seed: int, locale: str, pool: FacePool, phone_region: str) -> None:
        self.seed = seed
        self.locale = locale
        self.pool = pool
        self.phone_region = phone_region
        self.region = _region_code(locale)
        self.fake = Faker(locale)
        self.fake.seed_instance(seed)
        # Subjects' emails and phones are never given to anyone else.
        self.reserved_emails: set[str] = set()
        self.reserved_phones: set[str] = set()

    # Pieces -------------------------------------------------------------------------------------

    def _state(self) -> str:
        for provider in ("state_abbr", "administrative_unit", "state"):
            method = getattr(self.fake, provider, None)
            if method is not None:
                try:
                    return str(method())
                except (AttributeError, TypeError):
                    continue
        return ""

    def _address(self, city: str | None = None, region: str | None = None, country: str | None = None) -> Address:
        street = self.fake.street_name()
        number = self.fake.building_number()
        fake_city = self.fake.city()
        postcode = self.fake.postcode()
        state = self._state()
        return Address(
            city=city or fake_city,
            street=street,
            number=number,
            postal_code=postcode,
            region=region if region is not None else state,
            country=country or self.region,
        )

    def _birth_date(self, rng: random.Random) -> date:
        days = rng.randint(MIN_AGE_YEARS * 365, MAX_AGE_YEARS * 365)
        return BASE_DATE - timedelta(days=days)

    def _education(self, rng: random.Random) -> str:
        kind = rng.randrange(3)
        if kind == 0:
            return f"University of {self.fake.city()}"
        if kind == 1:
            return f"{self.fake.last_name()} University"
        return f"{self.fake.city()} Community College"

    def _stranger_face(self, rng: random.Random) -> FacePhoto | None:
        if not self.pool.strangers:
            return None
        return self.pool.strangers[rng.randrange(len(self.pool.strangers))]

    def _contact(self, rng: random.Random, first: str, last: str) -> tuple[str, str]:
        email = identifiers.random_email(rng, first, last, self.reserved_emails)
        phone = identifiers.random_phone(rng, self.region, self.reserved_phones)
        return email, phone

    # People -------------------------------------------------------------------------------------

    def subject(self, index: int, spec: SubjectSpec) -> Person:
        """Build subject number ``index`` (1-based) from its spec; its identifiers become reserved."""
        person_id = f"S{index:04d}"
        first, last = _split_name(spec.full_name)
        phones = [identifiers.parse_phone(phone, self.phone_region) for phone in spec.phones]
        emails = [email.strip() for email in spec.emails]
        self.reserved_emails.update(email.lower() for email in emails)
        self.reserved_phones.update(phones)
        rng = person_rng(self.seed, person_id)
        address = spec.addresses[0] if spec.addresses else self._address()
        photos = self.pool.reference_photos(person_id)
        return Person(
            person_id=person_id,
            role="subject",
            full_name=spec.full_name,
            first_name=first,
            last_name=last,
            email=emails[0] if emails else None,
            phone=phones[0] if phones else None,
            address=address,
            birth_date=spec.birth_date,
            employer=spec.employer,
            job=self.fake.job(),
            education=self._education(rng),
            face=photos[0] if photos else None,
            subject_id=spec.subject_id,
            emails=emails,
            phones=phones,
        )

    def _other_person(self, person_id: str, role: str, rng: random.Random, first: str, last: str,
                      address: Address, *, full_name: str | None = None, employer: str | None = None,
                      **relation) -> Person:
        """Build a non-subject person around a name and an address.

        The order of the random draws (contact, birth date, employer, job, education, face) is part
        of the seed's contract: changing it changes every world.
        """
        email, phone = self._contact(rng, first, last)
        return Person(
            person_id=person_id,
            role=role,
            full_name=full_name or f"{first} {last}",
            first_name=first,
            last_name=last,
            email=email,
            phone=phone,
            address=address,
            birth_date=self._birth_date(rng),
            employer=employer if employer is not None else self.fake.company(),
            job=self.fake.job(),
            education=self._education(rng),
            face=self._stranger_face(rng),
            emails=[email],
            phones=[phone],
            **relation,
        )

    def namesake(self, subject: Person, number: int) -> Person:
        """Build a namesake: the subject's full name, another city, email, phone, face and birth date."""
        person_id = f"N{number:04d}"
        rng = person_rng(self.seed, person_id)
        address = self._address()
        while address.city == subject.city:
            address = self._address()
        return self._other_person(person_id, "namesake", rng, subject.first_name, subject.last_name, address,
                                  full_name=subject.full_name, related_to=subject.person_id)

    def lookalike(self, subject: Person, number: int) -> Person:
        """Build a look-alike: another name, a stranger's face, often the subject's city."""
        person_id = f"L{number:04d}"
        rng = person_rng(self.seed, person_id)
        first, last = self.fake.first_name(), self.fake.last_name()
        address = self._address(city=subject.city or None, region=subject.address.region or None,
                                country=subject.address.country or None)
        return self._other_person(person_id, "lookalike", rng, first, last, address, related_to=subject.person_id)

    def neighbour(self, subject: Person, number: int, shares: str) -> Person:
        """Build a neighbour who shares the subject's city (``shares="city"``) or employer."""
        person_id = f"H{number:04d}"
        rng = person_rng(self.seed, person_id)
        first, last = self.fake.first_name(), self.fake.last_name()
        if shares == "city":
            address = self._address(city=subject.city or None, region=subject.address.region or None,
                                    country=subject.address.country or None)
            employer = self.fake.company()
        else:
            address = self._address()
            employer = subject.employer or self.fake.company()
        return self._other_person(person_id, "neighbour", rng, first, last, address, employer=employer,
                                  related_to=subject.person_id, shares=shares)

    def base(self, number: int) -> Person:
        """Build base person number ``number`` (1-based)."""
        person_id = f"B{number:06d}"
        rng = person_rng(self.seed, person_id)
        first, last = self.fake.first_name(), self.fake.last_name()
        return self._other_person(person_id, "base", rng, first, last, self._address())
