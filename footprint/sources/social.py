"""Adapter for social platform files (``platforms/NAME.jsonl``): profiles and posts."""

from __future__ import annotations

from typing import Any

from footprint.items import ItemError, RawItem
from footprint.sources.base import JsonlSource
from footprint.sources.validate import (
    InvalidRecord,
    check_url,
    optional_list,
    optional_str,
    parse_timestamp,
    require_str,
    resolve_media,
)

#: Profile fields copied into ``RawItem.fields`` when present.
PROFILE_FIELDS = ("username", "email", "phone", "birth_date", "location", "work", "education")


class SocialPlatformSource(JsonlSource):
    """Profiles and posts of one social platform, as in docs/world-format.md."""

    family = "social"

    def _media(self, values: list[Any], origin: str) -> tuple[list[str], list[ItemError]]:
        media, errors = [], []
        for value in values:
            try:
                media.append(resolve_media(self.world_dir, value))
            except InvalidRecord as error:
                errors.append(ItemError(self.name, origin, str(error)))
        return media, errors

    def parse(self, record: dict[str, Any], origin: str) -> tuple[RawItem, list[ItemError]]:
        kind = require_str(record, "kind")
        item_id = require_str(record, "id")
        url = check_url(require_str(record, "url"))

        if kind == "profile":
            picture = record.get("picture")
            media, errors = self._media([picture] if picture else [], origin)
            fields = {name: optional_str(record, name) for name in PROFILE_FIELDS if record.get(name) not in (None, "")}
            item = RawItem(
                source=self.name, family=self.family, item_id=item_id, kind="profile", url=url,
                title=require_str(record, "display_name"), text=optional_str(record, "bio"),
                fields=fields, media=media, origin=origin,
            )
            return item, errors

        if kind == "post":
            media, errors = self._media(optional_list(record, "media"), origin)
            tags = [str(tag) for tag in optional_list(record, "tags")]
            fields: dict[str, Any] = {"tags": tags} if tags else {}
            if record.get("location"):
                fields["location"] = optional_str(record, "location")
            item = RawItem(
                source=self.name, family=self.family, item_id=item_id, kind="post", url=url,
                text=optional_str(record, "text"), fields=fields, media=media,
                profile_id=require_str(record, "profile_id"),
                posted_at=parse_timestamp(record.get("timestamp"), "timestamp"), origin=origin,
            )
            return item, errors

        raise InvalidRecord(f"field 'kind' must be 'profile' or 'post', got {kind!r}")
