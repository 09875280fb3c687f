"""Web documents about people, each carrying the identifiers a real page of its kind would show.

A directory listing shows a name, a city, a phone and often a street address; a news article a name
with a city and an employer; a paper a name, an affiliation and a contact email; a professional page
a name, a job and sometimes a birth date. Each builder fills the document's Exposure with exactly what
it wrote.
"""

from __future__ import annotations

import random

from footprint.simulate.engines import DOMAINS, SearchIndex, WebDocument, name_query, published_date
from footprint.simulate.groundtruth import Exposure
from footprint.simulate.identifiers import phone_formats, slugify
from footprint.simulate.media import MediaInfo
from footprint.simulate.platforms import PLATFORMS, ProfileRef
from footprint.simulate.population import BASE_DATE, Person

_PLATFORM_TITLES = {"facebook": "Facebook", "instagram": "Instagram", "linkedin": "LinkedIn", "x": "X"}


def _age(person: Person) -> int | None:
    if person.birth_date is None:
        return None
    born = person.birth_date
    return BASE_DATE.year - born.year - ((BASE_DATE.month, BASE_DATE.day) < (born.month, born.day))


def directory_listing(
    index: SearchIndex, person: Person, rng: random.Random, *, phone_format: str = "national", with_street: bool = True
) -> WebDocument:
    """A people-directory page: name, age, city, phone in ``phone_format`` and maybe the street."""
    domain = rng.choice(DOMAINS["directory"])
    exposure = Exposure().add(person.person_id, "name")
    parts = [f"{person.full_name}"]
    age = _age(person)
    if age is not None:
        parts[0] += f", age {age}"
    if with_street and person.address.street:
        parts.append(f"Address: {person.address.one_line()}")
        exposure.add(person.person_id, "address")
    else:
        parts.append(f"Lives in {person.location}")
    if person.phone:
        parts.append(f"Phone: {phone_formats(person.phone)[phone_format]}")
        exposure.add(person.person_id, "phone")
    number = index.document_number()
    return WebDocument(
        url=f"https://{domain}/people/{slugify(person.full_name)}/{slugify(person.city)}/{number}",
        title=f"{person.full_name} - {person.location} - Phone and Address",
        snippet=". ".join(parts) + ".",
        result_type="webpage",
        domain=domain,
        category="directory",
        query=name_query(person.full_name),
        published=published_date(rng),
        owner=None,
        exposure=exposure,
    )


def news_article(index: SearchIndex, person: Person, rng: random.Random, *, headline: str, body: str) -> WebDocument:
    """A news article naming a person with context (city, employer), and nothing that identifies them alone."""
    domain = rng.choice(DOMAINS["news"])
    number = index.document_number()
    published = published_date(rng)
    exposure = Exposure().add(person.person_id, "name")
    return WebDocument(
        url=f"https://www.{domain}/{published.year}/{published.month:02d}/{slugify(headline)[:60]}-{number}",
        title=headline,
        snippet=body,
        result_type="webpage",
        domain=domain,
        category="news",
        query=name_query(person.full_name),
        published=published,
        owner=None,
        exposure=exposure,
    )


def academic_paper(index: SearchIndex, person: Person, rng: random.Random, *, email: str | None) -> WebDocument:
    """A PDF paper with the person as author, their affiliation and, when given, a contact email."""
    domain = rng.choice(DOMAINS["academic"])
    number = index.document_number()
    exposure = Exposure().add(person.person_id, "name")
    affiliation = person.employer or person.education
    snippet = f"{person.full_name} ({affiliation}). Working paper on {rng.choice(_TOPICS)}."
    if email:
        snippet += f" Correspondence: {email}"
        exposure.add(person.person_id, "email")
    return WebDocument(
        url=f"https://{domain}/papers/{slugify(person.last_name)}-{number}.pdf",
        title=f"{rng.choice(_TOPICS).capitalize()}: evidence and open questions - {person.full_name}",
        snippet=snippet,
        result_type="pdf",
        domain=domain,
        category="academic",
        query=name_query(person.full_name),
        published=published_date(rng),
        owner=None,
        exposure=exposure,
    )


def professional_page(index: SearchIndex, person: Person, rng: random.Random, *, with_birth_date: bool) -> WebDocument:
    """A professional profile page: name, job and employer, and the birth date when asked."""
    domain = rng.choice(DOMAINS["professional"])
    number = index.document_number()
    exposure = Exposure().add(person.person_id, "name")
    employer = person.employer or "an independent practice"
    snippet = f"{person.full_name} works as {person.job} at {employer} in {person.location}."
    if with_birth_date and person.birth_date:
        snippet += f" Born {person.birth_date.strftime('%B')} {person.birth_date.day}, {person.birth_date.year}."
        exposure.add(person.person_id, "birth_date")
    return WebDocument(
        url=f"https://{domain}/profile/{slugify(person.full_name)}-{number}",
        title=f"{person.full_name} - {person.job} - {employer}",
        snippet=snippet,
        result_type="webpage",
        domain=domain,
        category="professional",
        query=name_query(person.full_name),
        published=published_date(rng),
        owner=None,
        exposure=exposure,
    )


def social_result(person: Person, profile: ProfileRef, rng: random.Random) -> WebDocument:
    """A search result that points to a profile: its display name, handle and city."""
    exposure = Exposure().add(person.person_id, "username")
    if profile.display_name == person.full_name:
        exposure.add(person.person_id, "name")
    exposure.note("links to a profile")
    platform_title = _PLATFORM_TITLES[profile.platform]
    title = f"{profile.display_name} (@{profile.username}) | {platform_title}"
    return WebDocument(
        url=profile.url,
        title=title,
        snippet=f"{profile.display_name} lives in {person.city}. See photos and posts on {platform_title}.",
        result_type="webpage",
        domain=PLATFORMS[profile.platform].host,
        category="social_media",
        query=name_query(person.full_name),
        published=published_date(rng),
        owner=person.person_id,
        exposure=exposure,
    )


def media_result(
    index: SearchIndex,
    person: Person,
    rng: random.Random,
    media: MediaInfo,
    *,
    title: str,
    category: str = "news",
    query: str | None = None,
    name_in_title: bool = False,
) -> WebDocument:
    """An image or video result that carries its file; the title names the person when asked."""
    kind = media.kind
    domain = rng.choice(DOMAINS["video"] if kind == "video" else DOMAINS[category])
    number = index.document_number()
    exposure = Exposure()
    if name_in_title:
        exposure.add(person.person_id, "name")
    suffix = media.path.rsplit(".", 1)[-1]
    return WebDocument(
        url=f"https://{domain}/{'watch' if kind == 'video' else 'photos'}/{number}.{suffix}",
        title=title,
        snippet=title,
        result_type=kind,
        domain=domain,
        category=category,
        query=query or name_query(person.full_name),
        published=published_date(rng),
        owner=None,
        exposure=exposure,
        media=[media],
    )


def personal_page(index: SearchIndex, person: Person, rng: random.Random, *, email_shown: str | None) -> WebDocument:
    """A personal blog page: first name, city and, when given, an email in the form shown."""
    domain = DOMAINS["personal"][0]
    number = index.document_number()
    exposure = Exposure().add(person.person_id)
    snippet = f"Hi, I'm {person.first_name}. Notes on {rng.choice(_TOPICS)} from {person.city}."
    if email_shown:
        snippet += f" Write to me at {email_shown}."
        exposure.add(person.person_id, "email")
    return WebDocument(
        url=f"https://{domain}/{slugify(person.first_name)}{number}/about",
        title=f"About {person.first_name} - {rng.choice(_TOPICS)} notes",
        snippet=snippet,
        result_type="webpage",
        domain=domain,
        category="personal",
        query=name_query(person.full_name),
        published=published_date(rng),
        owner=person.person_id,
        exposure=exposure,
    )


_TOPICS = (
    "urban gardening", "community policy", "public health", "local history", "machine learning",
    "transit planning", "education reform", "small business finance", "river ecology", "jazz history",
)
