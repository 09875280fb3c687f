"""Shared state of one world generation: output writers, the face pool and the media budgets.

Rendering is what costs time, so media are reused where a real world reuses them too. Each person's
profile picture and photo are rendered once. Faceless scenery comes from a pool of at most
``scenery_budget`` pictures. Base people's videos are rendered up to ``video_budget`` and then
reposted. Budgets grow with the square root of the population, so a world of 10,000 people renders
about ten times the videos of a world of 100.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field

from faker import Faker

from footprint.simulate import imaging
from footprint.simulate.engines import SearchIndex
from footprint.simulate.faces import FacePool
from footprint.simulate.media import MediaInfo, MediaStore
from footprint.simulate.platforms import PlatformWriter
from footprint.simulate.population import Person
from footprint.simulate.writer import WorldWriter

#: Videos of base people rendered per square root of the population, at media_scale 1.
VIDEOS_PER_SQRT_PEOPLE = 3.0

#: Faceless scenery pictures: a fixed floor plus this many per square root of the population.
SCENERY_FLOOR = 12
SCENERY_PER_SQRT_PEOPLE = 2.0


def video_budget(people: int, media_scale: float) -> int:
    """Return how many distinct base-people videos a world renders."""
    return int(round(media_scale * VIDEOS_PER_SQRT_PEOPLE * math.sqrt(max(people, 0))))


def scenery_budget(people: int, media_scale: float) -> int:
    """Return how many distinct faceless scenery pictures a world renders."""
    return max(1, int(round(media_scale * (SCENERY_FLOOR + SCENERY_PER_SQRT_PEOPLE * math.sqrt(max(people, 0))))))


@dataclass
class WorldContext:
    """Everything the item builders share.

    Parameters:
        seed: the world seed.
        writer: JSONL output.
        media: media file output.
        platforms: profile and post output.
        index: search result output.
        pool: the face pool.
        fake: the seeded Faker for free text, called in generation order.
        video_budget: distinct base-people videos to render.
        scenery_budget: distinct scenery pictures to render.
        people: base people in the world, to spread the video budget over them.
        current_number: number of the base person being written (0 while subjects are written).
    """

    seed: int
    writer: WorldWriter
    media: MediaStore
    platforms: PlatformWriter
    index: SearchIndex
    pool: FacePool
    fake: Faker
    video_budget: int
    scenery_budget: int
    people: int = 0
    current_number: int = 0
    base_videos: list[MediaInfo] = field(default_factory=list)
    scenery_pool: list[MediaInfo] = field(default_factory=list)
    _avatars: dict[str, MediaInfo] = field(default_factory=dict)
    _photos: dict[str, MediaInfo] = field(default_factory=dict)

    def video_allowance(self) -> int:
        """Return how many base-people videos may exist once the current person is written.

        The budget grows in step with the person number, so that videos are spread over the whole
        population rather than spent on its first people.
        """
        share = math.ceil(self.video_budget * (self.current_number + 1) / (self.people + 1))
        return min(self.video_budget, share)

    def forget_people(self) -> None:
        """Drop the per-person media caches once a person (or a subject's group) is written."""
        self._avatars.clear()
        self._photos.clear()

    def avatar(self, person: Person, rng: random.Random) -> MediaInfo:
        """Return the person's profile picture, rendered on first use: a face crop, or scenery."""
        cached = self._avatars.get(person.person_id)
        if cached is not None:
            return cached
        if person.face is not None:
            info = self.media.add_image(imaging.avatar(person.face, rng), transform="avatar", people=[person.person_id])
        else:
            side = imaging.AVATAR_SIDE_PX
            info = self.media.add_image(imaging.scenery(rng, (side, side)), transform="scenery")
        self._avatars[person.person_id] = info
        return info

    def photo(self, person: Person, rng: random.Random) -> MediaInfo:
        """Return a photo of the person in front of scenery, rendered on first use."""
        cached = self._photos.get(person.person_id)
        if cached is not None:
            return cached
        background = imaging.scenery(rng)
        if person.face is not None:
            kind = rng.choice(("crop", "mirror", "brightness"))
            picture = imaging.fit_frame(imaging.light_transform(person.face, kind, rng), background)
            info = self.media.add_image(picture, transform=kind, people=[person.person_id])
        else:
            info = self.media.add_image(background, transform="scenery")
        self._photos[person.person_id] = info
        return info

    def scenery(self, rng: random.Random) -> MediaInfo:
        """Return a faceless picture: a new one while the budget lasts, then one already written."""
        if len(self.scenery_pool) < self.scenery_budget:
            fmt = "png" if rng.random() < 0.2 else "jpg"
            info = self.media.add_image(imaging.scenery(rng), transform="scenery", fmt=fmt)
            self.scenery_pool.append(info)
            return info
        return self.scenery_pool[rng.randrange(len(self.scenery_pool))]
