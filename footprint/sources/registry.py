"""Find the sources of a world directory by their files."""

from __future__ import annotations

from pathlib import Path

from footprint.sources.base import Source
from footprint.sources.search import SearchEngineSource
from footprint.sources.social import SocialPlatformSource

#: Sub-folder of a world directory -> adapter class for its ``*.jsonl`` files.
FAMILIES = {"platforms": SocialPlatformSource, "engines": SearchEngineSource}


class WorldError(ValueError):
    """The world directory is missing or contains no source files."""


def discover_sources(world_dir: Path) -> list[Source]:
    """Return one adapter per ``platforms/*.jsonl`` and ``engines/*.jsonl`` file, sorted by name."""
    world_dir = Path(world_dir)
    if not world_dir.is_dir():
        raise WorldError(f"world directory {str(world_dir)!r} not found; create one with 'manage.py simulate'")
    sources: list[Source] = []
    for folder, adapter in FAMILIES.items():
        for path in sorted((world_dir / folder).glob("*.jsonl")):
            sources.append(adapter(world_dir, path))
    if not sources:
        raise WorldError(
            f"world directory {str(world_dir)!r} has no platforms/*.jsonl or engines/*.jsonl files; "
            "see docs/world-format.md"
        )
    return sources


def get_source(world_dir: Path, name: str) -> Source:
    """Return the adapter of the source called ``name`` in ``world_dir``."""
    for source in discover_sources(world_dir):
        if source.name == name:
            return source
    raise WorldError(f"source {name!r} not found in world directory {str(world_dir)!r}")
