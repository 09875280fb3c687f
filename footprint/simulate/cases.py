"""Hard cases around each subject: what a scan must find, and what it must not take for the subject.

For each subject the world holds:

- the subject's own profiles on every platform, each exposing other identifiers (an email in another
  letter case, a phone in another format, only a first name and a city, only a face);
- posts with a phone in dotted, spaced or national form and a video that speaks the name, city and
  phone. Others carry a video with recorded speech, a video without audio, heavily transformed
  pictures, and the same picture reposted under different URLs with the same bytes;
- a photo of the subject posted by a neighbour with no text identifier at all (face only);
- NAMESAKES_PER_SUBJECT namesakes (same full name, other city, email, phone and face), a look-alike
  whose post names the subject next to another face, and neighbours who share the city or employer;
- web documents: a directory listing, a news article, a paper with the email and a professional page
  with the birth date. Image and video results repost the subject's media, and a profile link and a
  personal page with the email in capitals complete them.
"""

from __future__ import annotations

import logging
import random

from PIL import Image

from footprint.simulate import activity, documents, imaging
from footprint.simulate.context import WorldContext
from footprint.simulate.engines import WebDocument, name_query
from footprint.simulate.groundtruth import Exposure, person_record
from footprint.simulate.identifiers import email_case_variant, phone_formats, slugify
from footprint.simulate.media import RECORDED, MediaInfo, Speech
from footprint.simulate.platforms import ProfileRef
from footprint.simulate.population import Person, PopulationFactory, person_rng

logger = logging.getLogger(__name__)

#: Hard-case people per subject.
NAMESAKES_PER_SUBJECT = 3
LOOKALIKES_PER_SUBJECT = 1
NEIGHBOURS_SHARING_CITY = 2
NEIGHBOURS_SHARING_EMPLOYER = 1

#: Activity level of hard-case people relative to base people (see activity.person_activity).
HARD_CASE_PRESENCE = 1.6


class IdCounters:
    """Running numbers of namesakes, look-alikes and neighbours across all subjects of a world."""

    def __init__(self) -> None:
        self.namesake = 0
        self.lookalike = 0
        self.neighbour = 0


def _profile(
    ctx: WorldContext,
    person: Person,
    platform: str,
    rng: random.Random,
    *,
    display_name: str,
    exposure: Exposure,
    fields: dict[str, str | None],
    picture: MediaInfo | None,
    preferred_username: str | None = None,
) -> ProfileRef:
    username = ctx.platforms.username(platform, person.first_name, person.last_name, rng, preferred=preferred_username)
    return ctx.platforms.profile(platform, person.person_id, username=username, display_name=display_name,
                                 fields=fields, picture=picture, exposure=exposure)


def _plain_profile(ctx: WorldContext, person: Person, platform: str, rng: random.Random) -> ProfileRef:
    """Write a profile with the full name, city and picture only, for hard-case people's scripted posts."""
    picture = ctx.avatar(person, rng)
    return _profile(ctx, person, platform, rng, display_name=person.full_name,
                    exposure=Exposure().add(person.person_id, "name"),
                    fields={"location": person.location, "work": person.employer}, picture=picture)


class SubjectCases:
    """Writes one subject, its hard-case people and every item around them.

    Parameters:
        ctx: the world context.
        factory: the population factory (for namesakes, look-alikes and neighbours).
        subject: the subject, already built by the factory.
        counters: running numbers of hard-case people.
    """

    def __init__(self, ctx: WorldContext, factory: PopulationFactory, subject: Person, counters: IdCounters) -> None:
        self.ctx = ctx
        self.factory = factory
        self.subject = subject
        self.counters = counters
        self.rng = person_rng(ctx.seed, f"{subject.person_id}:cases")
        photos = ctx.pool.reference_photos(subject.person_id)
        self.reference = photos[0] if photos else None
        # A pool photo of the subject that is not a reference photo: the "face only" case uses it.
        self.other_photo = photos[1] if len(photos) > 1 else self.reference
        self.documents: list[WebDocument] = []

    # People ---------------------------------------------------------------------------------------

    def _people(self) -> tuple[list[Person], list[Person], list[Person]]:
        namesakes, lookalikes, neighbours = [], [], []
        for _ in range(NAMESAKES_PER_SUBJECT):
            self.counters.namesake += 1
            namesakes.append(self.factory.namesake(self.subject, self.counters.namesake))
        for _ in range(LOOKALIKES_PER_SUBJECT):
            self.counters.lookalike += 1
            lookalikes.append(self.factory.lookalike(self.subject, self.counters.lookalike))
        shares = ["city"] * NEIGHBOURS_SHARING_CITY + ["employer"] * NEIGHBOURS_SHARING_EMPLOYER
        for share in shares:
            self.counters.neighbour += 1
            neighbours.append(self.factory.neighbour(self.subject, self.counters.neighbour, share))
        return namesakes, lookalikes, neighbours

    # Media of the subject -------------------------------------------------------------------------

    def _light_image(self, kind: str) -> MediaInfo | None:
        if self.reference is None:
            return None
        image = imaging.light_transform(self.reference, kind, self.rng)
        return self.ctx.media.add_image(image, transform=kind, people=[self.subject.person_id])

    def _heavy_image(self) -> tuple[MediaInfo, str] | None:
        if self.reference is None:
            return None
        kind = self.rng.choice(imaging.HEAVY_TRANSFORMS)
        image = imaging.heavy_transform(self.reference, kind, self.rng)
        return self.ctx.media.add_image(image, transform=kind, people=[self.subject.person_id], light=False), kind

    def _group_image(self) -> MediaInfo | None:
        if self.reference is None:
            return None
        strangers = self.ctx.pool.strangers
        extras = [strangers[self.rng.randrange(len(strangers))] for _ in range(2)] if strangers else []
        faces = list(extras)
        faces.insert(self.rng.randrange(len(faces) + 1), self.reference)
        image = imaging.group_picture(faces, self.rng)
        return self.ctx.media.add_image(image, transform="group", people=[self.subject.person_id],
                                        other_faces=len(extras))

    def _speech_video(self) -> MediaInfo:
        """Render an mp4 where the subject speaks their name, city and phone, over frames of their face."""
        subject = self.subject
        words = f"I am {subject.full_name} from {subject.city or 'my home town'}."
        spoken = ["name"]
        if subject.phone:
            words += f" Call me at {phone_formats(subject.phone)['spoken']}."
            spoken.append("phone")
        speech = Speech(words, "espeak-ng", {subject.person_id: spoken})
        frames = [imaging.scenery(self.rng)]
        people: list[str] = []
        if self.reference is not None:
            for kind in ("crop", "brightness"):
                face = imaging.light_transform(self.reference, kind, self.rng)
                frames.append(imaging.fit_frame(face, imaging.scenery(self.rng)))
            people = [subject.person_id]
        return self.ctx.media.add_video(frames, container="mp4", speech=speech, transform="slideshow", people=people)

    def _recorded_video(self) -> MediaInfo | None:
        """Render a webm of a group picture with the subject, over recorded speech of no one in the world."""
        group = self._group_image_frame()
        if group is None:
            return None
        frames = [group, imaging.scenery(self.rng)]
        extras = 2 if self.ctx.pool.strangers else 0
        return self.ctx.media.add_video(frames, container="webm", speech=RECORDED, transform="group",
                                        people=[self.subject.person_id], other_faces=extras)

    def _group_image_frame(self) -> Image.Image | None:
        if self.reference is None:
            return None
        strangers = self.ctx.pool.strangers
        faces = [self.reference] + ([strangers[0], strangers[-1]] if strangers else [])
        return imaging.group_picture(faces, self.rng, size=imaging.FRAME_SIZE)

    def _silent_video(self) -> MediaInfo:
        """Render an mkv without audio whose only face is about 24 px wide, too small to detect."""
        frames = [imaging.scenery(self.rng)]
        people: list[str] = []
        if self.reference is not None:
            frames.append(imaging.heavy_transform(self.reference, "tiny", self.rng))
            people = [self.subject.person_id]
        frames.append(imaging.scenery(self.rng))
        return self.ctx.media.add_video(frames, container="mkv", speech=None, transform="tiny", people=people,
                                        light=False)

    def _partial_speech_video(self) -> MediaInfo:
        """Render an mp4 of scenery whose speech gives only the subject's first name and city."""
        subject = self.subject
        words = (f"Greetings from {subject.city or 'home'}, this is {subject.first_name}. "
                 "See you all at the market on Sunday.")
        speech = Speech(words, "espeak-ng", {subject.person_id: []})
        frames = [imaging.scenery(self.rng), imaging.scenery(self.rng)]
        return self.ctx.media.add_video(frames, container="mp4", speech=speech, transform="scenery")

    # Profiles and posts of the subject ------------------------------------------------------------

    def _subject_profiles(self) -> dict[str, ProfileRef]:
        subject, rng, sid = self.subject, self.rng, self.subject.person_id
        first_slug, last_slug = slugify(subject.first_name, ""), slugify(subject.last_name, "")
        year = f"{subject.birth_date.year % 100:02d}" if subject.birth_date else f"{rng.randint(1, 99):02d}"
        profiles: dict[str, ProfileRef] = {}

        exposure = Exposure().add(sid, "name")
        fields: dict[str, str | None] = {"bio": f"{subject.job.capitalize()}. Family first.",
                                         "location": subject.location, "work": subject.employer,
                                         "education": subject.education}
        if subject.email:
            fields["email"] = subject.email.lower()
            exposure.add(sid, "email")
        if subject.birth_date:
            fields["birth_date"] = subject.birth_date.isoformat()
            exposure.add(sid, "birth_date")
        profiles["facebook"] = _profile(self.ctx, subject, "facebook", rng, display_name=subject.full_name,
                                        exposure=exposure, fields=fields, picture=self._light_image("crop"),
                                        preferred_username=f"{first_slug}.{last_slug}.{year}")

        exposure = Exposure().add(sid).note("first name, city and face only")
        profiles["instagram"] = _profile(self.ctx, subject, "instagram", rng, display_name=subject.first_name,
                                         exposure=exposure, fields={"bio": f"\U0001F4CD {subject.city}"},
                                         picture=self._light_image("mirror"),
                                         preferred_username=f"{first_slug}{last_slug}")

        exposure = Exposure().add(sid, "name")
        fields = {"bio": f"{subject.job.capitalize()} at {subject.employer or 'a local firm'}",
                  "location": subject.location, "work": subject.employer, "education": subject.education}
        if subject.email:
            fields["email"] = email_case_variant(subject.email, "title")
            exposure.add(sid, "email").note("email in another letter case")
        profiles["linkedin"] = _profile(self.ctx, subject, "linkedin", rng, display_name=subject.full_name,
                                        exposure=exposure, fields=fields, picture=self._light_image("scale"))

        initial = f" {subject.last_name[:1]}." if subject.last_name else ""
        exposure = Exposure().add(sid).note("first name, initial and city only")
        profiles["x"] = _profile(self.ctx, subject, "x", rng, display_name=f"{subject.first_name}{initial}",
                                 exposure=exposure,
                                 fields={"bio": f"{subject.first_name} from {subject.city}. Opinions my own.",
                                         "location": subject.city},
                                 picture=None, preferred_username=f"{first_slug}_{slugify(subject.city, '')}")
        return profiles

    def _subject_posts(self, profiles: dict[str, ProfileRef]) -> dict[str, MediaInfo]:
        """Write the subject's own posts; return the media that web documents repost."""
        ctx, subject, rng, sid = self.ctx, self.subject, self.rng, self.subject.person_id
        reposted: dict[str, MediaInfo] = {}
        phones = phone_formats(subject.phone) if subject.phone else None

        if phones:
            exposure = Exposure().add(sid, "phone").note("phone in dotted format")
            ctx.platforms.post(profiles["facebook"], exposure=exposure, rng=rng, media=[],
                               text=f"Block party on Saturday! Call me at {phones['dotted']} if you want to help.")

        video = self._speech_video()
        reposted["speech_video"] = video
        ctx.platforms.post(profiles["facebook"], text="A message to my neighbours", media=[video], rng=rng,
                           exposure=Exposure().note("name, city and phone spoken in the video"))

        original = self._light_image("jpeg")
        if original is not None:
            reposted["photo"] = original
            ctx.platforms.post(profiles["facebook"], text="Found this old photo, still one of my favourites.",
                               media=[original], rng=rng, exposure=Exposure().note("repost original"))

        group = self._group_image()
        if group is not None:
            team = subject.employer or subject.city
            ctx.platforms.post(profiles["instagram"], text=f"Team dinner with the {team} crew",
                               media=[group], rng=rng, tags=["team", "dinner"],
                               exposure=Exposure().note("group picture with other faces"))

        recorded = self._recorded_video()
        if recorded is not None:
            ctx.platforms.post(profiles["instagram"], text="Throwback to the speech night", media=[recorded], rng=rng,
                               tags=["throwback"], exposure=Exposure().note("recorded speech that names nobody"))

        heavy = self._heavy_image()
        if heavy is not None:
            image, kind = heavy
            ctx.platforms.post(profiles["x"], text="Sunday.", media=[image], rng=rng,
                               exposure=Exposure().note(f"face heavily transformed ({kind}), no text identifier"))

        ctx.platforms.post(profiles["x"], text=f"{subject.first_name} here, loving the weather in {subject.city}!",
                           media=[], rng=rng, exposure=Exposure().add(sid).note("first name and city only"))

        silent = self._silent_video()
        ctx.platforms.post(profiles["x"], text="Park day", media=[silent], rng=rng,
                           exposure=Exposure().note("video without audio, face too small to detect"))

        if phones:
            ctx.platforms.post(profiles["x"], text=f"New number: {phones['spaced']}", media=[], rng=rng,
                               exposure=Exposure().add(sid, "phone").note("phone in international format"))

        if original is not None:
            copy = ctx.media.copy(original)
            ctx.platforms.post(profiles["x"], text="repost", media=[copy], rng=rng,
                               exposure=Exposure().note("repost: same bytes under another URL"))

        partial = self._partial_speech_video()
        ctx.platforms.post(profiles["x"], text="Market day", media=[partial], rng=rng,
                           exposure=Exposure().note("first name and city spoken only"))

        new_job = subject.employer or "a new job"
        ctx.platforms.post(profiles["linkedin"], text=f"Proud to start a new chapter at {new_job}.",
                           media=[], rng=rng, exposure=Exposure())
        return reposted

    # Other people's items -------------------------------------------------------------------------

    def _neighbour_items(self, neighbours: list[Person]) -> None:
        ctx, subject, rng, sid = self.ctx, self.subject, self.rng, self.subject.person_id
        city_neighbour = next((p for p in neighbours if p.shares == "city"), neighbours[0])
        work_neighbour = next((p for p in neighbours if p.shares == "employer"), neighbours[-1])

        facebook = _plain_profile(ctx, city_neighbour, "facebook", rng)
        instagram = _plain_profile(ctx, city_neighbour, "instagram", rng)
        if self.other_photo is not None:
            kind = rng.choice(("crop", "brightness", "scale"))
            image = imaging.light_transform(self.other_photo, kind, rng)
            info = ctx.media.add_image(image, transform=kind, people=[sid])
            ctx.platforms.post(facebook, text="Look who I ran into downtown today!", media=[info], rng=rng,
                               exposure=Exposure().note("subject's face only, posted by someone else"))
            heavy = ctx.media.add_image(imaging.heavy_transform(self.other_photo, "pixelate", rng),
                                        transform="pixelate", people=[sid], light=False)
            ctx.platforms.post(instagram, text="Guess who?", media=[heavy], rng=rng,
                               exposure=Exposure().note("subject's face pixelated, posted by someone else"))

        linkedin = _plain_profile(ctx, work_neighbour, "linkedin", rng)
        where = subject.employer or subject.city
        ctx.platforms.post(linkedin, text=f"Great talk by {subject.first_name} at {where} today.", media=[], rng=rng,
                           exposure=Exposure().add(sid).note("subject's first name and employer only"))

        used = {city_neighbour.person_id: ("facebook", "instagram"), work_neighbour.person_id: ("linkedin",)}
        for person in neighbours:
            prng = person_rng(ctx.seed, person.person_id)
            profiles, docs = activity.person_activity(ctx, person, prng, HARD_CASE_PRESENCE,
                                                      skip_platforms=used.get(person.person_id, ()))
            self.documents.extend(docs)

    def _lookalike_items(self, lookalike: Person) -> None:
        ctx, subject, rng = self.ctx, self.subject, self.rng
        instagram = _plain_profile(ctx, lookalike, "instagram", rng)
        photo = ctx.photo(lookalike, rng)
        note = "names the subject but shows another person's face"
        ctx.platforms.post(instagram, text=f"Everyone tells me I look like {subject.full_name}! #lookalike",
                           media=[photo], rng=rng, tags=["lookalike", slugify(subject.city, "")],
                           exposure=Exposure().note(note))
        copy = ctx.media.copy(photo)
        doc = documents.media_result(ctx.index, lookalike, rng, copy,
                                     title=f"{subject.full_name} look-alike wins contest in {subject.city}",
                                     category="news", query=name_query(subject.full_name))
        doc.exposure.add(lookalike.person_id).note(note)
        self.documents.append(doc)
        lrng = person_rng(ctx.seed, lookalike.person_id)
        _profiles, docs = activity.person_activity(ctx, lookalike, lrng, HARD_CASE_PRESENCE,
                                                   skip_platforms=("instagram",))
        self.documents.extend(docs)

    def _namesake_items(self, namesakes: list[Person]) -> None:
        ctx, rng = self.ctx, self.rng
        for number, namesake in enumerate(namesakes):
            nrng = person_rng(ctx.seed, namesake.person_id)
            skip: tuple[str, ...] = ()
            if number == 0:
                facebook = _plain_profile(ctx, namesake, "facebook", rng)
                words = f"I am {namesake.full_name} from {namesake.city}."
                speech = Speech(words, "espeak-ng", {namesake.person_id: ["name"]})
                frames = [imaging.scenery(rng)]
                people: list[str] = []
                if namesake.face is not None:
                    face = imaging.light_transform(namesake.face, "crop", rng)
                    frames.append(imaging.fit_frame(face, imaging.scenery(rng)))
                    people = [namesake.person_id]
                video = ctx.media.add_video(frames, container="mp4", speech=speech, transform="slideshow",
                                            people=people)
                ctx.platforms.post(facebook, text="Saying hi to everyone", media=[video], rng=rng,
                                   exposure=Exposure().note("namesake says the subject's name in another city"))
                skip = ("facebook",)
            if number == 1:
                headline = f"{namesake.full_name} of {namesake.city} wins regional chess title"
                body = f"{namesake.full_name}, a {namesake.job} from {namesake.city}, won the title on Sunday."
                self.documents.append(documents.news_article(ctx.index, namesake, rng, headline=headline, body=body))
            self.documents.append(documents.directory_listing(ctx.index, namesake, rng, phone_format="national"))
            _profiles, docs = activity.person_activity(ctx, namesake, nrng, HARD_CASE_PRESENCE, skip_platforms=skip)
            self.documents.extend(docs)

    # Web documents about the subject --------------------------------------------------------------

    def _subject_documents(self, profiles: dict[str, ProfileRef], reposted: dict[str, MediaInfo]) -> None:
        ctx, subject, rng = self.ctx, self.subject, self.rng
        docs: list[WebDocument] = []
        docs.append(documents.directory_listing(ctx.index, subject, rng, phone_format="national", with_street=True))

        where = subject.employer or subject.city
        headline = f"{where} names {subject.full_name} to lead new community program"
        body = f"{subject.full_name} of {subject.city}, who works at {where}, will lead the program."
        news = documents.news_article(ctx.index, subject, rng, headline=headline, body=body)
        news.exposure.note("name with city and employer only")
        docs.append(news)

        docs.append(documents.academic_paper(ctx.index, subject, rng, email=subject.email))
        docs.append(documents.professional_page(ctx.index, subject, rng, with_birth_date=True))

        if "photo" in reposted:
            copy = ctx.media.copy(reposted["photo"])
            doc = documents.media_result(ctx.index, subject, rng, copy, title=f"Photos: community day at {where}",
                                         category="news")
            doc.exposure.note("repost: same bytes under another URL")
            docs.append(doc)
        copy = ctx.media.copy(reposted["speech_video"])
        doc = documents.media_result(ctx.index, subject, rng, copy, title="A message to the neighbours",
                                     category="social_media")
        doc.exposure.note("repost of a video")
        docs.append(doc)

        docs.append(documents.social_result(subject, profiles["facebook"], rng))
        email_shown = email_case_variant(subject.email, "upper") if subject.email else None
        page = documents.personal_page(ctx.index, subject, rng, email_shown=email_shown)
        if email_shown:
            page.exposure.note("email in capitals")
        docs.append(page)
        for doc in docs:
            doc.always_in = ("google",)
        self.documents.extend(docs)

    # Entry point ----------------------------------------------------------------------------------

    def write(self) -> int:
        """Write everything around the subject; returns the number of people written."""
        namesakes, lookalikes, neighbours = self._people()
        everyone = [self.subject, *namesakes, *lookalikes, *neighbours]
        for person in everyone:
            self.ctx.writer.ground_truth(person_record(person))

        profiles = self._subject_profiles()
        reposted = self._subject_posts(profiles)
        self._subject_documents(profiles, reposted)
        self._neighbour_items(neighbours)
        for lookalike in lookalikes:
            self._lookalike_items(lookalike)
        self._namesake_items(namesakes)

        self.ctx.index.publish(self.documents, self.rng)
        self.ctx.forget_people()
        logger.info(
            "subject %s written: namesakes %d, look-alikes %d, neighbours %d",
            self.subject.person_id,
            len(namesakes),
            len(lookalikes),
            len(neighbours),
        )
        return len(everyone)
