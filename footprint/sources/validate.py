"""Field checks for source records: required fields, types, URL syntax, timestamps, media paths."""

from __future__ import annotations

import os
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit


class InvalidRecord(ValueError):
    """A record that cannot become an item; the message names the field and the problem."""


def require_str(record: dict[str, Any], name: str) -> str:
    """Return a required non-empty string field."""
    value = record.get(name)
    if value is None or value == "":
        raise InvalidRecord(f"missing required field {name!r}")
    if not isinstance(value, str):
        raise InvalidRecord(f"field {name!r} must be a string, got {type(value).__name__}")
    return value


def optional_str(record: dict[str, Any], name: str) -> str:
    """Return an optional string field, "" when missing or null."""
    value = record.get(name)
    if value is None:
        return ""
    if not isinstance(value, (str, int, float)) or isinstance(value, bool):
        raise InvalidRecord(f"field {name!r} must be a string, got {type(value).__name__}")
    return str(value)


def optional_list(record: dict[str, Any], name: str) -> list[Any]:
    """Return an optional list field, [] when missing or null."""
    value = record.get(name)
    if value is None:
        return []
    if not isinstance(value, list):
        raise InvalidRecord(f"field {name!r} must be a list, got {type(value).__name__}")
    return value


def check_url(value: str, name: str = "url") -> str:
    """Return ``value`` if it is an absolute http(s) URL with a host."""
    parts = urlsplit(value.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc or " " in parts.netloc:
        raise InvalidRecord(f"field {name!r} is not an absolute http(s) URL: {value[:200]!r}")
    return value.strip()


def parse_timestamp(value: Any, name: str) -> datetime:
    """Parse an ISO 8601 timestamp; a value without an offset is taken as UTC."""
    if not isinstance(value, str):
        raise InvalidRecord(f"field {name!r} must be an ISO 8601 timestamp string, got {type(value).__name__}")
    try:
        parsed = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        raise InvalidRecord(f"field {name!r} is not an ISO 8601 timestamp: {value[:64]!r}") from None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=timezone.utc)
    return parsed.astimezone(timezone.utc)


def parse_date(value: Any, name: str) -> datetime | None:
    """Parse an optional YYYY-MM-DD date (or full timestamp) into a UTC midnight datetime."""
    if value in (None, ""):
        return None
    if isinstance(value, str) and len(value.strip()) == 10:
        try:
            day = date.fromisoformat(value.strip())
        except ValueError:
            raise InvalidRecord(f"field {name!r} is not a YYYY-MM-DD date: {value!r}") from None
        return datetime(day.year, day.month, day.day, tzinfo=timezone.utc)
    return parse_timestamp(value, name)


def resolve_media(world_dir: Path, value: Any) -> str:
    """Return the world-relative POSIX path of a media file, or raise InvalidRecord.

    Refused: a non-string, an absolute path, any ``..`` part, a path that resolves outside the
    world directory (through a symlink, too), and a file that does not exist.
    """
    if not isinstance(value, str) or not value.strip():
        raise InvalidRecord(f"media path must be a non-empty string, got {value!r}")
    candidate = Path(value)
    if candidate.is_absolute() or value.startswith(("/", "\\")) or ":" in candidate.parts[0]:
        raise InvalidRecord(f"media path {value!r} is absolute; media paths must be relative to the world directory")
    if ".." in candidate.parts:
        raise InvalidRecord(f"media path {value!r} contains '..'; media paths must stay inside the world directory")

    root = Path(os.path.realpath(world_dir))
    resolved = Path(os.path.realpath(root / candidate))
    if resolved != root and root not in resolved.parents:
        raise InvalidRecord(f"media path {value!r} resolves outside the world directory (symlink to {resolved})")
    if not resolved.is_file():
        raise InvalidRecord(f"media file {value!r} not found in the world directory")
    return candidate.as_posix()
