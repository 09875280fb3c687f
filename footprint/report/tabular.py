"""JSON and CSV reports with a stable schema (documented in docs/attribution.md).

The JSON document carries ``"schema": SCHEMA``; a field is only ever added under the same schema
name, never renamed or removed. The CSV has one row per footprint with the columns of
:data:`CSV_COLUMNS`, in that order.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from footprint.report.data import FootprintView, ScanView
from footprint.report.summary import IDENTIFIER_ORDER, Summary, summarize

#: Name and version of the JSON report schema.
SCHEMA = "footprint.report/1"

#: CSV columns, in order.
CSV_COLUMNS = (
    "footprint_id", "natural_key", "confidence", "linked", "exposure", "source", "sources", "type", "category",
    "verified", "url", "title", "identifiers", "sightings", "first_posted", "excerpt",
)

#: Leading characters that make a spreadsheet read a cell as a formula; such cells get a "'" first.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def footprint_dict(footprint: FootprintView) -> dict[str, Any]:
    """Return one footprint of the JSON report."""
    return {
        "id": footprint.footprint_id,
        "natural_key": footprint.natural_key,
        "url": footprint.url,
        "source": footprint.source,
        "type": footprint.footprint_type,
        "category": footprint.category,
        "verified": footprint.verified,
        "title": footprint.title,
        "excerpt": footprint.excerpt,
        "media_sha256": footprint.media_sha256,
        "confidence": footprint.confidence.name.lower(),
        "linked": footprint.linked,
        "exposure": footprint.exposure,
        "identifiers": {
            kind.value: footprint.identifiers[kind].name.lower() for kind in IDENTIFIER_ORDER if kind in footprint.identifiers
        },
        "first_posted": _iso(footprint.first_posted),
        "sightings": [
            {"source": s.source, "item_id": s.item_id, "url": s.url, "posted_at": _iso(s.posted_at)}
            for s in footprint.sightings
        ],
        "evidence": [finding.to_dict() for finding in footprint.evidence],
    }


def report_dict(view: ScanView, footprints: Sequence[FootprintView], summary: Summary | None = None) -> dict[str, Any]:
    """Return the whole JSON report of ``footprints`` of scan ``view``."""
    summary = summary or summarize(view, footprints)
    return {
        "schema": SCHEMA,
        "scan": {
            "id": view.scan_id, "subject_id": view.subject_id, "status": view.status, "world_dir": view.world_dir,
            "created_at": _iso(view.created_at), "finished_at": _iso(view.finished_at), "errors": view.errors,
            "counts": view.counts,
        },
        "subject": {"id": view.subject_id, "name": view.subject_name, "exposure": view.exposure},
        "summary": summary.to_dict(),
        "footprints": [footprint_dict(footprint) for footprint in footprints],
    }


def render_json(view: ScanView, footprints: Sequence[FootprintView]) -> str:
    """Return the JSON report as indented text with sorted keys."""
    return json.dumps(report_dict(view, footprints), indent=2, sort_keys=True, ensure_ascii=False, default=str) + "\n"


def _cell(value: Any) -> Any:
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def csv_row(footprint: FootprintView) -> list[Any]:
    """Return one CSV row in :data:`CSV_COLUMNS` order."""
    identifiers = ";".join(
        f"{kind.value}:{footprint.identifiers[kind].name.lower()}" for kind in IDENTIFIER_ORDER if kind in footprint.identifiers
    )
    sources = ";".join(sorted({sighting.source for sighting in footprint.sightings}))
    values = [
        footprint.footprint_id, footprint.natural_key, footprint.confidence.name.lower(), str(footprint.linked).lower(),
        f"{footprint.exposure:.1f}", footprint.source, sources, footprint.footprint_type, footprint.category,
        str(footprint.verified).lower(), footprint.url, footprint.title, identifiers, len(footprint.sightings),
        _iso(footprint.first_posted) or "", footprint.excerpt,
    ]
    return [_cell(value) for value in values]


def render_csv(footprints: Sequence[FootprintView]) -> str:
    """Return the CSV report: a header of :data:`CSV_COLUMNS` and one row per footprint."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for footprint in footprints:
        writer.writerow(csv_row(footprint))
    return buffer.getvalue()
