"""Classify a footprint: its type (text, image, video, audio), category and whether it is verified."""

from __future__ import annotations

from footprint.items import RawItem
from footprint.media import media_kind

#: Social platforms whose own records are first-party data: their items are verified.
VERIFIED_SOURCES = frozenset({"facebook", "instagram", "linkedin", "x"})

#: Domains of those platforms (and X's former name). A search result that points to one of them
#: shows a first-party page, so it is verified too. Sub-domains (m.facebook.com) count.
VERIFIED_DOMAINS = frozenset({"facebook.com", "instagram.com", "linkedin.com", "x.com", "twitter.com"})

#: Categories a footprint can have; search results carry their own, social items are social_media.
CATEGORIES = frozenset({"social_media", "professional", "news", "directory", "academic", "personal"})

#: Category of items from the social platforms.
SOCIAL_CATEGORY = "social_media"

#: Category given to a search result whose category is missing or unknown.
FALLBACK_CATEGORY = "personal"


def footprint_type(item: RawItem) -> str:
    """Return "image", "video" or "audio" for an item about its media, else "text".

    A profile is text even with a picture: the picture is an avatar, the page is the profile. A
    post or result is typed by its first media file that has a known kind.
    """
    if item.kind == "profile":
        return "text"
    for path in item.media:
        kind = media_kind(path)
        if kind:
            return kind
    return "text"


def category(item: RawItem) -> str:
    """Return the category: social_media for platform items, the result's category otherwise."""
    if item.family == "social":
        return SOCIAL_CATEGORY
    value = str(item.fields.get("category") or "").strip().lower()
    return value if value in CATEGORIES else FALLBACK_CATEGORY


def _domain_verified(domain: str) -> bool:
    domain = domain.lower().strip().rstrip(".")
    return any(domain == known or domain.endswith("." + known) for known in VERIFIED_DOMAINS)


def verified(item: RawItem, host: str = "") -> bool:
    """Return whether the item comes from a first-party platform (by source name or URL host)."""
    if item.source in VERIFIED_SOURCES:
        return True
    return _domain_verified(host) or _domain_verified(str(item.fields.get("domain") or ""))
