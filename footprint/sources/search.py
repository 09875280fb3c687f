"""Adapter for search engine files (``engines/NAME.jsonl``): result pages."""

from __future__ import annotations

from typing import Any

from footprint.items import ItemError, RawItem
from footprint.sources.base import JsonlSource
from footprint.sources.validate import (
    InvalidRecord,
    check_url,
    optional_list,
    optional_str,
    parse_date,
    require_str,
    resolve_media,
)

#: Allowed values of ``result_type`` and ``category``.
RESULT_TYPES = frozenset({"webpage", "pdf", "image", "video"})
CATEGORIES = frozenset({"professional", "news", "directory", "academic", "social_media", "personal"})


class SearchEngineSource(JsonlSource):
    """Results of one search engine, as in docs/world-format.md."""

    family = "search"

    def parse(self, record: dict[str, Any], origin: str) -> tuple[RawItem, list[ItemError]]:
        kind = require_str(record, "kind")
        if kind != "result":
            raise InvalidRecord(f"field 'kind' must be 'result', got {kind!r}")
        result_type = require_str(record, "result_type")
        if result_type not in RESULT_TYPES:
            raise InvalidRecord(f"field 'result_type' must be one of {sorted(RESULT_TYPES)}, got {result_type!r}")
        category = require_str(record, "category")
        if category not in CATEGORIES:
            raise InvalidRecord(f"field 'category' must be one of {sorted(CATEGORIES)}, got {category!r}")
        rank = record.get("rank")
        if rank is not None and (not isinstance(rank, int) or isinstance(rank, bool) or rank < 1):
            raise InvalidRecord(f"field 'rank' must be a positive integer, got {rank!r}")

        media, errors = [], []
        for value in optional_list(record, "media"):
            try:
                media.append(resolve_media(self.world_dir, value))
            except InvalidRecord as error:
                errors.append(ItemError(self.name, origin, str(error)))

        fields = {
            "result_type": result_type, "category": category, "domain": require_str(record, "domain"),
            "query": optional_str(record, "query"), "rank": rank,
        }
        item = RawItem(
            source=self.name, family=self.family, item_id=require_str(record, "id"), kind="result",
            url=check_url(require_str(record, "url")), title=require_str(record, "title"),
            text=optional_str(record, "snippet"), fields=fields, media=media,
            posted_at=parse_date(record.get("published"), "published"), origin=origin,
        )
        return item, errors
