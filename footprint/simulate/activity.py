"""Everyday activity of a person: profiles, posts and web documents drawn from the platform habits.

Base people get exactly this. Namesakes, look-alikes and neighbours get it with a higher presence
(``presence`` > 1 raises every rate), on top of their scripted hard cases.
"""

from __future__ import annotations

import logging
import random

from footprint.simulate import documents, imaging
from footprint.simulate.context import WorldContext
from footprint.simulate.engines import WebDocument
from footprint.simulate.groundtruth import Exposure
from footprint.simulate.identifiers import phone_formats
from footprint.simulate.media import RECORDED, MediaInfo, Speech
from footprint.simulate.platforms import PLATFORMS, ProfileRef
from footprint.simulate.population import Person

logger = logging.getLogger(__name__)

#: Post tags drawn at random.
TAGS = ("travel", "family", "food", "work", "weekend", "sports", "music", "books", "garden", "city",
        "friends", "throwback", "news", "tech", "art")

#: Phone formats a person writes their own number in.
PHONE_STYLES = ("national", "international", "spaced", "dotted", "dashed", "e164")

#: Containers of base-people videos and their weights.
VIDEO_CONTAINERS = (("mp4", 0.6), ("webm", 0.25), ("mkv", 0.15))


def _chance(rng: random.Random, rate: float, presence: float) -> bool:
    return rng.random() < min(1.0, rate * presence)


def _bio(ctx: WorldContext, person: Person, rng: random.Random) -> str:
    choice = rng.randrange(4)
    if choice == 0:
        return f"{person.job.capitalize()}. {ctx.fake.catch_phrase()}."
    if choice == 1:
        return f"{person.job.capitalize()} at {person.employer}."
    if choice == 2:
        return f"Living in {person.city}. {ctx.fake.sentence(nb_words=6)}"
    return ctx.fake.sentence(nb_words=8)


def person_video(ctx: WorldContext, person: Person, rng: random.Random) -> MediaInfo | None:
    """Render a new video of the person while the budget allows, else repost one; None when there is none."""
    if len(ctx.base_videos) >= ctx.video_allowance():
        if not ctx.base_videos:
            return None
        return ctx.base_videos[rng.randrange(len(ctx.base_videos))]

    frames = [imaging.scenery(rng), imaging.scenery(rng)]
    people: list[str] = []
    if person.face is not None:
        kind = rng.choice(("crop", "mirror", "brightness"))
        face = imaging.light_transform(person.face, kind, rng)
        frames.insert(rng.randrange(2), imaging.fit_frame(face, imaging.scenery(rng)))
        people = [person.person_id]
    draw = rng.random()
    if draw < 0.25:
        speech = Speech(f"Hello everyone, this is {person.first_name}, greetings from {person.city}.", "espeak-ng")
    elif draw < 0.4:
        speech = Speech(f"Hi, my name is {person.full_name}. I live in {person.city}.", "espeak-ng",
                        {person.person_id: ["name"]})
    elif draw < 0.6:
        speech = RECORDED
    else:
        speech = None
    containers, weights = zip(*VIDEO_CONTAINERS)
    container = rng.choices(containers, weights=weights)[0]
    info = ctx.media.add_video(frames, container=container, speech=speech, transform="slideshow", people=people)
    ctx.base_videos.append(info)
    return info


def _post_text(ctx: WorldContext, person: Person, rng: random.Random, exposure: Exposure) -> str:
    draw = rng.random()
    if draw < 0.03 and person.phone:
        exposure.add(person.person_id, "phone")
        return f"New number, call or text me: {phone_formats(person.phone)[rng.choice(PHONE_STYLES)]}"
    if draw < 0.05 and person.email:
        exposure.add(person.person_id, "email")
        return f"Selling my old bike, email {person.email} if interested."
    if draw < 0.25:
        return f"Lovely day in {person.city}. {ctx.fake.sentence(nb_words=7)}"
    if draw < 0.35 and person.employer:
        return f"Proud of the team at {person.employer}! {ctx.fake.sentence(nb_words=5)}"
    return ctx.fake.sentence(nb_words=rng.randint(6, 14))


def _profile(ctx: WorldContext, person: Person, platform: str, rng: random.Random, presence: float) -> ProfileRef:
    spec = PLATFORMS[platform]
    rates = spec.public_rates
    exposure = Exposure()

    username = ctx.platforms.username(platform, person.first_name, person.last_name, rng)
    if rng.random() < 0.9 or not person.last_name:
        display_name = person.full_name
        exposure.add(person.person_id, "name")
    else:
        display_name = f"{person.first_name} {person.last_name[:1]}."

    fields: dict[str, str | None] = {}
    if _chance(rng, rates["bio"], presence):
        fields["bio"] = _bio(ctx, person, rng)
    if person.email and _chance(rng, rates["email"], presence):
        fields["email"] = person.email
        exposure.add(person.person_id, "email")
    if person.phone and _chance(rng, rates["phone"], presence):
        fields["phone"] = phone_formats(person.phone)[rng.choice(PHONE_STYLES)]
        exposure.add(person.person_id, "phone")
    if person.birth_date and _chance(rng, rates["birth_date"], presence):
        fields["birth_date"] = person.birth_date.isoformat()
        exposure.add(person.person_id, "birth_date")
    if _chance(rng, rates["location"], presence):
        fields["location"] = person.location
    if person.employer and _chance(rng, rates["work"], presence):
        fields["work"] = person.employer
    if _chance(rng, rates["education"], presence):
        fields["education"] = person.education

    picture = ctx.avatar(person, rng) if _chance(rng, rates["picture"], presence) else None
    return ctx.platforms.profile(platform, person.person_id, username=username, display_name=display_name,
                                 fields=fields, picture=picture, exposure=exposure)


def _posts(ctx: WorldContext, person: Person, profile: ProfileRef, rng: random.Random, presence: float) -> None:
    spec = PLATFORMS[profile.platform]
    count = int((rng.random() ** 2) * (spec.max_posts + 1) * min(presence, 1.5))
    for _ in range(count):
        exposure = Exposure()
        kind = rng.choices(("text", "image", "video"), weights=spec.post_mix)[0]
        media: list[MediaInfo] = []
        if kind == "video":
            video = person_video(ctx, person, rng)
            if video is not None:
                media.append(video)
            else:
                kind = "image"
        if kind == "image":
            media.append(ctx.photo(person, rng) if rng.random() < 0.55 else ctx.scenery(rng))
        text = _post_text(ctx, person, rng, exposure)
        tags = rng.sample(TAGS, rng.randint(0, 3))
        location = person.location if rng.random() < 0.2 else None
        ctx.platforms.post(profile, text=text, media=media, exposure=exposure, rng=rng, tags=tags, location=location)


def person_documents(ctx: WorldContext, person: Person, profiles: list[ProfileRef], rng: random.Random,
                     presence: float) -> list[WebDocument]:
    """Draw the web documents about a person: directory, professional, news, paper, profile links, photo."""
    docs: list[WebDocument] = []
    if _chance(rng, 0.5, presence):
        docs.append(documents.directory_listing(ctx.index, person, rng, phone_format=rng.choice(PHONE_STYLES),
                                                with_street=rng.random() < 0.5))
    if _chance(rng, 0.3, presence):
        docs.append(documents.professional_page(ctx.index, person, rng, with_birth_date=rng.random() < 0.2))
    if _chance(rng, 0.08, presence):
        headline = f"{person.city} resident {person.full_name} honoured for volunteer work"
        body = f"{person.full_name}, who works at {person.employer}, was honoured in {person.city} this week."
        docs.append(documents.news_article(ctx.index, person, rng, headline=headline, body=body))
    if _chance(rng, 0.05, presence):
        email = person.email if rng.random() < 0.5 else None
        docs.append(documents.academic_paper(ctx.index, person, rng, email=email))
    for profile in profiles:
        if _chance(rng, 0.4, presence):
            docs.append(documents.social_result(person, profile, rng))
    if _chance(rng, 0.08, presence):
        photo = ctx.photo(person, rng)
        docs.append(documents.media_result(ctx.index, person, rng, photo, title=f"Photos from {person.city}",
                                           category="news"))
    return docs


def person_activity(ctx: WorldContext, person: Person, rng: random.Random, presence: float = 1.0,
                    skip_platforms: tuple[str, ...] = ()) -> tuple[list[ProfileRef], list[WebDocument]]:
    """Write a person's profiles and posts; return the profiles and the documents to publish.

    ``skip_platforms`` leaves out platforms where the caller writes a scripted profile instead.
    """
    profiles: list[ProfileRef] = []
    for platform, spec in PLATFORMS.items():
        if platform in skip_platforms or not _chance(rng, spec.profile_rate, presence):
            continue
        profile = _profile(ctx, person, platform, rng, presence)
        profiles.append(profile)
        _posts(ctx, person, profile, rng, presence)
    return profiles, person_documents(ctx, person, profiles, rng, presence)
