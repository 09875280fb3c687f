"""The source protocol and the JSON Lines reader that the file-based adapters share.

A source yields :class:`~footprint.items.RawItem` records, and an
:class:`~footprint.items.ItemError` (with file and line) for each record it cannot use, so one bad
record never stops extraction.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

from footprint.items import ItemError, RawItem
from footprint.sources.validate import InvalidRecord

logger = logging.getLogger(__name__)

#: Longest JSON line accepted, bytes; a longer line is reported, not parsed.
MAX_LINE_BYTES = 1 << 20


@runtime_checkable
class Source(Protocol):
    """Protocol of a source: a name, a family and a stream of records.

    A real connector or a platform export adapter implements these three members; the canvas
    calls nothing else.
    """

    name: str
    family: str

    def iter_records(self) -> Iterator[RawItem | ItemError]:
        """Yield every item of the source, and an error for each record that cannot be used."""
        ...


class JsonlSource:
    """Base of the adapters that read one JSON Lines file of a world directory.

    Parameters:
        world_dir: root of the world; media paths must resolve inside it.
        path: the ``.jsonl`` file.
        name: source name, the file's stem by default.
    """

    family = "unknown"

    def __init__(self, world_dir: Path, path: Path, name: str | None = None) -> None:
        self.world_dir = Path(world_dir).resolve()
        self.path = Path(path)
        self.name = name or self.path.stem

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.name!r}, {str(self.path)!r})"

    def origin(self, line_number: int) -> str:
        """Return "relative/file.jsonl:LINE" for error reports."""
        try:
            relative = self.path.resolve().relative_to(self.world_dir)
        except ValueError:
            relative = self.path
        return f"{relative}:{line_number}"

    def parse(self, record: dict[str, Any], origin: str) -> tuple[RawItem, list[ItemError]]:
        """Turn one decoded record into an item and the errors of its media; raise InvalidRecord."""
        raise NotImplementedError

    def iter_records(self) -> Iterator[RawItem | ItemError]:
        with open(self.path, "rb") as handle:
            for line_number, raw in enumerate(handle, start=1):
                origin = self.origin(line_number)
                if not raw.strip():
                    continue
                if len(raw) > MAX_LINE_BYTES:
                    yield ItemError(self.name, origin, f"record is {len(raw)} bytes, over the {MAX_LINE_BYTES}-byte limit")
                    continue
                try:
                    text = raw.decode("utf-8")
                except UnicodeDecodeError as error:
                    yield ItemError(self.name, origin, f"invalid UTF-8 at byte {error.start}; re-encode the file as UTF-8")
                    continue
                try:
                    record = json.loads(text)
                except json.JSONDecodeError as error:
                    yield ItemError(self.name, origin, f"invalid JSON: {error.msg} at column {error.colno}")
                    continue
                if not isinstance(record, dict):
                    yield ItemError(self.name, origin, f"expected a JSON object, got {type(record).__name__}")
                    continue
                try:
                    item, media_errors = self.parse(record, origin)
                except InvalidRecord as error:
                    yield ItemError(self.name, origin, str(error))
                    continue
                yield from media_errors
                yield item
