"""Raw item records produced by source adapters and read by consolidation."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any


@dataclass
class RawItem:
    """One candidate item as a source delivered it, validated but not yet attributed.

    Parameters:
        source: source name ("facebook", "google", ...), also the ``sources.name`` row.
        family: "social" or "search".
        item_id: the source's own id of the record, unique within the source.
        kind: "profile", "post" or "result".
        url: the item's URL as delivered.
        title: display name of a profile, title of a result, or "" for a post.
        text: free text (bio, post text, result snippet).
        fields: structured fields the source gave (email, phone, username, location, work,
            education, birth_date, tags, domain, category, result_type, query, rank, ...).
        media: media file paths relative to the world directory, already checked to stay inside it.
        profile_id: for a post, the item_id of the profile it hangs off.
        posted_at: when the item was published, timezone-aware, or None.
        origin: "file:line" of the record, for error reports.
    """

    source: str
    family: str
    item_id: str
    kind: str
    url: str
    title: str = ""
    text: str = ""
    fields: dict[str, Any] = field(default_factory=dict)
    media: list[str] = field(default_factory=list)
    profile_id: str | None = None
    posted_at: datetime | None = None
    origin: str = ""

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-safe dict; ``posted_at`` becomes an ISO 8601 string."""
        data = asdict(self)
        data["posted_at"] = self.posted_at.isoformat() if self.posted_at else None
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> RawItem:
        """Rebuild a record written by :meth:`to_dict`."""
        data = dict(data)
        posted = data.get("posted_at")
        data["posted_at"] = datetime.fromisoformat(posted) if posted else None
        return cls(**data)


@dataclass(frozen=True)
class ItemError:
    """A record a source could not turn into a :class:`RawItem`.

    Parameters:
        source: source name.
        origin: "file:line" of the bad record, or the media path.
        reason: what is wrong, in words a user can act on.
    """

    source: str
    origin: str
    reason: str
