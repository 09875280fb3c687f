"""Extraction: one adapter per source family behind the :class:`~footprint.sources.base.Source` protocol."""

from footprint.sources.base import Source
from footprint.sources.registry import discover_sources, get_source

__all__ = ["Source", "discover_sources", "get_source"]
