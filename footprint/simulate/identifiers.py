"""Identifier forms for the simulated world: phone formats, email spellings, usernames, slugs."""

from __future__ import annotations

import random
import re
import unicodedata

import phonenumbers
from phonenumbers import PhoneNumberFormat, PhoneNumberType

#: The fictional US exchange and line range (555-0100 to 555-0199) used for generated US phones.
US_FICTIONAL_EXCHANGE = "555"
US_FICTIONAL_LINES = range(100, 200)

#: US area codes used for generated phones, from several states.
US_AREA_CODES = (
    "201", "202", "206", "212", "213", "214", "215", "303", "305", "312", "313", "404", "407", "412",
    "415", "503", "512", "602", "617", "702", "713", "720", "773", "808", "816", "901", "917", "949",
)

#: Reserved second-level domains (RFC 2606) for generated email addresses.
EMAIL_DOMAINS = ("example.com", "example.net", "example.org")


def ascii_fold(text: str) -> str:
    """Return ``text`` without accents and non-ASCII characters ("Müller" -> "Muller")."""
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")


def slugify(text: str, separator: str = "-") -> str:
    """Return a lower-case ASCII slug of ``text`` ("St. Louis" -> "st-louis")."""
    words = re.findall(r"[a-z0-9]+", ascii_fold(text).lower())
    return separator.join(words) or "x"


def mask_email(email: str) -> str:
    """Mask an email for logs: "barack.obama@example.org" -> "b***@example.org"."""
    local, _, domain = email.partition("@")
    return f"{local[:1]}***@{domain}" if domain else "***"


def mask_phone(phone: str) -> str:
    """Mask a phone for logs, keeping the last two digits."""
    digits = re.sub(r"\D", "", phone)
    return f"***{digits[-2:]}" if len(digits) >= 2 else "***"


def parse_phone(text: str, region: str) -> str:
    """Return the E.164 form of a phone in any format. Raises ValueError naming an invalid number."""
    try:
        number = phonenumbers.parse(text, region.upper())
    except phonenumbers.NumberParseException as error:
        raise ValueError(f"invalid phone number {text!r}: {error}; use a form such as +1 312 555 0147") from None
    if not phonenumbers.is_possible_number(number):
        raise ValueError(
            f"invalid phone number {text!r}: wrong number of digits for country code +{number.country_code}"
        )
    return phonenumbers.format_number(number, PhoneNumberFormat.E164)


def phone_formats(e164: str) -> dict[str, str]:
    """Return the written forms of a phone number, keyed by format name.

    Keys: ``e164`` ("+13125550147"), ``international`` ("+1 312-555-0147"), ``spaced``
    ("+1 312 555 0147"), ``national`` ("(312) 555-0147"), ``dotted`` ("312.555.0147"), ``dashed``
    ("312-555-0147") and ``spoken`` ("312 555 0147", the digit groups as a speech synthesiser reads
    them).
    """
    number = phonenumbers.parse(e164, None)
    international = phonenumbers.format_number(number, PhoneNumberFormat.INTERNATIONAL)
    national = phonenumbers.format_number(number, PhoneNumberFormat.NATIONAL)
    country_prefix = f"+{number.country_code}"
    groups = re.findall(r"\d+", international[len(country_prefix):])
    if not groups:
        groups = [phonenumbers.national_significant_number(number)]
    return {
        "e164": e164,
        "international": international,
        "spaced": " ".join([country_prefix, *groups]),
        "national": national,
        "dotted": ".".join(groups),
        "dashed": "-".join(groups),
        "spoken": " ".join(groups),
    }


def random_phone(rng: random.Random, region: str, exclude: set[str]) -> str:
    """Return a random E.164 phone of ``region`` that is not in ``exclude``.

    US numbers use the fictional 555-01XX lines. Other regions vary the last four digits of the
    phonenumbers example mobile number and keep only valid results.
    """
    region = region.upper()
    for _ in range(50):
        if region == "US":
            area = rng.choice(US_AREA_CODES)
            line = rng.choice(US_FICTIONAL_LINES)
            candidate = f"+1{area}{US_FICTIONAL_EXCHANGE}{line:04d}"
        else:
            example = phonenumbers.example_number_for_type(region, PhoneNumberType.MOBILE)
            if example is None:
                return random_phone(rng, "US", exclude)
            digits = phonenumbers.national_significant_number(example)
            digits = digits[:-4] + f"{rng.randrange(10_000):04d}"
            candidate_number = phonenumbers.parse(f"+{example.country_code}{digits}", None)
            if not phonenumbers.is_valid_number(candidate_number):
                continue
            candidate = phonenumbers.format_number(candidate_number, PhoneNumberFormat.E164)
        if candidate not in exclude:
            return candidate
    # Only reachable when nearly every candidate is excluded; a US fictional number is always valid.
    return f"+1{rng.choice(US_AREA_CODES)}{US_FICTIONAL_EXCHANGE}{rng.choice(US_FICTIONAL_LINES):04d}"


def random_email(rng: random.Random, first: str, last: str, exclude: set[str]) -> str:
    """Return a lower-case email at a reserved domain built from a name, not in ``exclude``."""
    first_slug = slugify(first, "")
    last_slug = slugify(last, "")
    patterns = (
        f"{first_slug}.{last_slug}",
        f"{first_slug}{last_slug}",
        f"{first_slug[:1]}{last_slug}",
        f"{first_slug}_{last_slug}",
        f"{last_slug}.{first_slug}",
    )
    for attempt in range(100):
        local = rng.choice(patterns)
        if attempt > 0 or rng.random() < 0.5:
            local += str(rng.randint(1, 9999))
        email = f"{local}@{rng.choice(EMAIL_DOMAINS)}"
        if email not in exclude:
            return email
    raise RuntimeError(f"could not find a free email address for {first} {last}")


def email_case_variant(email: str, style: str) -> str:
    """Return ``email`` with another letter case: style "title" ("Barack.Obama@Example.org") or "upper"."""
    if style == "upper":
        return email.upper()
    local, _, domain = email.partition("@")
    local = ".".join(part[:1].upper() + part[1:] for part in local.split("."))
    domain_parts = domain.split(".")
    domain_parts[0] = domain_parts[0][:1].upper() + domain_parts[0][1:]
    return f"{local}@{'.'.join(domain_parts)}"
