"""Social platforms of the simulated world: their habits and their profile and post records.

Each platform has its own share of people with a profile, its own probability that each profile
field is public, and its own mix of text, image and video posts. The numbers are plausible guesses
for a simulation, not measurements of the real platforms.
"""

from __future__ import annotations

import logging
import random
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any

from footprint.simulate.groundtruth import Exposure, item_record
from footprint.simulate.identifiers import slugify
from footprint.simulate.media import MediaInfo
from footprint.simulate.writer import WorldWriter

logger = logging.getLogger(__name__)

#: The world's "now" for post timestamps (UTC); posts are dated up to POST_WINDOW_DAYS before it.
BASE_TIME = datetime(2025, 6, 1, 12, 0, 0, tzinfo=timezone.utc)
POST_WINDOW_DAYS = 3 * 365

#: Profile fields that may be public, in the order they are written.
PROFILE_FIELDS = ("bio", "email", "phone", "birth_date", "location", "work", "education", "picture")


@dataclass(frozen=True)
class PlatformSpec:
    """Habits of one platform.

    Parameters:
        name: platform name, also the file name ``platforms/NAME.jsonl``.
        host: host of profile and post URLs.
        profile_rate: probability that a base person has a profile, 0 to 1.
        public_rates: probability that each of PROFILE_FIELDS is public on a profile, 0 to 1.
        max_posts: most posts a base person makes.
        post_mix: weights of text, image and video posts.
    """

    name: str
    host: str
    profile_rate: float
    public_rates: dict[str, float]
    max_posts: int
    post_mix: tuple[float, float, float]

    def profile_url(self, username: str) -> str:
        """Return the profile URL of a username."""
        if self.name == "linkedin":
            return f"https://{self.host}/in/{username}"
        return f"https://{self.host}/{username}"

    def post_url(self, username: str, number: int) -> str:
        """Return the URL of post ``number`` by ``username``."""
        if self.name == "facebook":
            return f"https://{self.host}/{username}/posts/{number}"
        if self.name == "instagram":
            return f"https://{self.host}/p/C{number:08d}/"
        if self.name == "linkedin":
            return f"https://{self.host}/posts/{username}_activity-{7000000000 + number}"
        return f"https://{self.host}/{username}/status/{1800000000000000000 + number}"


PLATFORMS: dict[str, PlatformSpec] = {
    spec.name: spec
    for spec in (
        PlatformSpec(
            name="facebook",
            host="facebook.com",
            profile_rate=0.7,
            public_rates={"bio": 0.5, "email": 0.15, "phone": 0.1, "birth_date": 0.25, "location": 0.6,
                          "work": 0.5, "education": 0.4, "picture": 0.8},
            max_posts=4,
            post_mix=(0.5, 0.35, 0.15),
        ),
        PlatformSpec(
            name="instagram",
            host="instagram.com",
            profile_rate=0.55,
            public_rates={"bio": 0.7, "email": 0.05, "phone": 0.03, "birth_date": 0.05, "location": 0.3,
                          "work": 0.1, "education": 0.05, "picture": 0.95},
            max_posts=5,
            post_mix=(0.05, 0.7, 0.25),
        ),
        PlatformSpec(
            name="linkedin",
            host="linkedin.com",
            profile_rate=0.45,
            public_rates={"bio": 0.8, "email": 0.2, "phone": 0.05, "birth_date": 0.0, "location": 0.8,
                          "work": 0.95, "education": 0.85, "picture": 0.85},
            max_posts=2,
            post_mix=(0.8, 0.15, 0.05),
        ),
        PlatformSpec(
            name="x",
            host="x.com",
            profile_rate=0.4,
            public_rates={"bio": 0.8, "email": 0.03, "phone": 0.02, "birth_date": 0.02, "location": 0.5,
                          "work": 0.2, "education": 0.05, "picture": 0.7},
            max_posts=6,
            post_mix=(0.75, 0.2, 0.05),
        ),
    )
}


@dataclass
class ProfileRef:
    """A profile written to a platform file, for posts and search results that point to it.

    Parameters:
        platform: platform name.
        profile_id: record id ("facebook:p:000123").
        url: profile URL.
        username: the handle in the URL.
        display_name: name shown on the profile.
        owner: person id of the profile's owner.
        findable: whether the profile itself ties to its owner (see groundtruth.is_findable).
    """

    platform: str
    profile_id: str
    url: str
    username: str
    display_name: str
    owner: str
    findable: bool


def post_timestamp(rng: random.Random) -> str:
    """Return an ISO 8601 UTC timestamp within POST_WINDOW_DAYS before BASE_TIME."""
    moment = BASE_TIME - timedelta(seconds=rng.randrange(POST_WINDOW_DAYS * 86_400))
    return moment.isoformat()


class PlatformWriter:
    """Writes profiles and posts with their ground truth, and keeps usernames unique per platform.

    Parameters:
        writer: the world's JSONL writer.
    """

    def __init__(self, writer: WorldWriter) -> None:
        self.writer = writer
        self._usernames: dict[str, set[str]] = {name: set() for name in PLATFORMS}

    def username(self, platform: str, first: str, last: str, rng: random.Random, preferred: str | None = None) -> str:
        """Return a free username on a platform, built from a name in the platform's usual style."""
        used = self._usernames[platform]
        first_slug, last_slug = slugify(first, ""), slugify(last, "")
        if preferred:
            candidate = preferred
        elif platform == "facebook":
            candidate = f"{first_slug}.{last_slug}.{rng.randint(1, 99)}"
        elif platform == "instagram":
            candidate = rng.choice(
                (f"{first_slug}{last_slug}", f"{first_slug}_{last_slug}", f"{first_slug}.{last_slug[:1]}")
            )
        elif platform == "linkedin":
            candidate = f"{first_slug}-{last_slug}-{rng.randrange(16**6):06x}"
        else:
            candidate = rng.choice(
                (f"{first_slug[:1]}{last_slug}", f"{first_slug}_{last_slug}", f"{first_slug}{last_slug[:3]}")
            )
        candidate = candidate.strip(".-_") or "user"
        username = candidate
        while username in used:
            username = f"{candidate}{rng.randint(2, 99999)}"
        used.add(username)
        return username

    def profile(
        self,
        platform: str,
        owner: str,
        *,
        username: str,
        display_name: str,
        fields: dict[str, Any],
        picture: MediaInfo | None,
        exposure: Exposure,
    ) -> ProfileRef:
        """Write a profile record and its ground truth; ``fields`` contains the public PROFILE_FIELDS."""
        spec = PLATFORMS[platform]
        number = self.writer.next_number(f"{platform}:p")
        profile_id = f"{platform}:p:{number:06d}"
        url = spec.profile_url(username)
        exposure.add(owner, "username")
        record: dict[str, Any] = {"kind": "profile", "id": profile_id, "url": url, "display_name": display_name,
                                  "username": username}
        for name in PROFILE_FIELDS:
            if name == "picture":
                if picture is not None:
                    record["picture"] = picture.path
                    exposure.add_media(picture)
            elif fields.get(name) is not None:
                record[name] = fields[name]
        self.writer.platform(platform, record)
        media = [picture.path] if picture else []
        truth = item_record(source=platform, item_id=profile_id, url=url, kind="profile", owner=owner,
                            exposure=exposure, media=media)
        self.writer.ground_truth(truth)
        return ProfileRef(platform, profile_id, url, username, display_name, owner, exposure.findable_for(owner))

    def post(
        self,
        profile: ProfileRef,
        *,
        text: str,
        media: list[MediaInfo],
        exposure: Exposure,
        rng: random.Random,
        tags: list[str] | None = None,
        location: str | None = None,
    ) -> str:
        """Write a post on ``profile`` and its ground truth; returns the post id."""
        spec = PLATFORMS[profile.platform]
        number = self.writer.next_number(f"{profile.platform}:post")
        post_id = f"{profile.platform}:post:{number:06d}"
        url = spec.post_url(profile.username, number)
        record: dict[str, Any] = {"kind": "post", "id": post_id, "profile_id": profile.profile_id, "url": url,
                                  "text": text, "tags": tags or [], "timestamp": post_timestamp(rng),
                                  "media": [info.path for info in media]}
        if location:
            record["location"] = location
        # A post belongs to its author, so the author is always in ``about``.
        exposure.add(profile.owner)
        for info in media:
            exposure.add_media(info)
        if profile.findable and exposure.about()[0] == profile.owner and not exposure.findable_for(profile.owner):
            exposure.note("findable through its profile")
        self.writer.platform(profile.platform, record)
        truth = item_record(source=profile.platform, item_id=post_id, url=url, kind="post", owner=profile.owner,
                            exposure=exposure, media=record["media"], linked_findable=profile.findable)
        self.writer.ground_truth(truth)
        return post_id
