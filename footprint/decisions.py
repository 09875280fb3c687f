"""Consolidation output: the footprints of one scan, ready for the loader."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from footprint.evidence import Confidence, Evidence


@dataclass
class Sighting:
    """One raw item that consolidation folded into a footprint (becomes an activity log row).

    Parameters:
        source: source name of the item.
        item_id: the source's id of the item.
        url: the item's URL.
        posted_at: publication time, or None.
    """

    source: str
    item_id: str
    url: str
    posted_at: datetime | None = None


@dataclass
class FootprintDecision:
    """One digital footprint and what it means for the subject.

    Parameters:
        natural_key: hex SHA-256 of the canonical identity of the footprint (the media hash for a
            media item, else the canonical URL), unique across scans and subjects.
        url: canonical URL shown to the user.
        source: name of the source of the first sighting.
        footprint_type: "text", "image", "video" or "audio".
        category: "social_media", "professional", "personal", "news", "directory" or "academic".
        verified: whether the source is a verified, first-party platform.
        title: short display title.
        excerpt: masked excerpt of the text, at most 500 characters.
        media_sha256: content hash of the main media file, or None.
        sightings: every raw item folded into this footprint.
        evidence: all findings for the subject.
        confidence: the combined confidence that the footprint belongs to the subject.
        exposure: exposure score of this footprint for the subject, 0.0 to 100.0.
        linked: whether the confidence reaches the link threshold.
    """

    natural_key: str
    url: str
    source: str
    footprint_type: str
    category: str
    verified: bool
    title: str = ""
    excerpt: str = ""
    media_sha256: str | None = None
    sightings: list[Sighting] = field(default_factory=list)
    evidence: list[Evidence] = field(default_factory=list)
    confidence: Confidence = Confidence.NONE
    exposure: float = 0.0
    linked: bool = False
