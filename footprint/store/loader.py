"""Load a scan's results: sources, footprints, links, identities, activity logs, analyses, errors.

Every write is a bulk upsert on a natural key (see :mod:`footprint.store.upsert`), so loading the
same decisions twice, as a redelivered task does, leaves the same rows. A second scan of an
unchanged world adds activity-log rows for the new scan and updates the rest in place.
"""

from __future__ import annotations

import hashlib
import logging
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from sqlalchemy import Connection, select

from config.settings import Settings, get_settings
from footprint.consolidate.rules import is_exposure
from footprint.decisions import FootprintDecision
from footprint.items import ItemError
from footprint.media import MediaAnalysis
from footprint.store.engine import get_engine
from footprint.store.models import (
    ActivityLog,
    DigitalFootprint,
    MediaAnalysisRow,
    PersonalIdentity,
    ScanError,
    Source,
    SubjectFootprint,
    utcnow,
)
from footprint.store.upsert import batched, bulk_upsert

logger = logging.getLogger(__name__)

#: Sources known before any scan: name -> (domain, category, verified).
KNOWN_SOURCES: dict[str, tuple[str, str, bool]] = {
    "facebook": ("facebook.com", "social_media", True),
    "instagram": ("instagram.com", "social_media", True),
    "linkedin": ("linkedin.com", "professional", True),
    "x": ("x.com", "social_media", True),
    "google": ("google.com", "search_engine", True),
    "yahoo": ("yahoo.com", "search_engine", True),
    "bing": ("bing.com", "search_engine", True),
}


def sha256_hex(text: str) -> str:
    """Return the hex SHA-256 of a string's UTF-8 bytes."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _source_rows(names: Iterable[str]) -> list[dict[str, Any]]:
    rows = []
    for name in sorted(set(names)):
        domain, category, verified = KNOWN_SOURCES.get(name, (name, "", False))
        rows.append({"name": name, "domain": domain, "category": category, "verified": verified})
    return rows


def _ids_by_key(connection: Connection, column, id_column, keys: Sequence[Any], batch_size: int) -> dict[Any, int]:
    found: dict[Any, int] = {}
    for batch in batched(({"key": key} for key in keys), batch_size):
        values = [row["key"] for row in batch]
        for key, row_id in connection.execute(select(column, id_column).where(column.in_(values))):
            found[key] = row_id
    return found


def ensure_sources(connection: Connection, names: Iterable[str], batch_size: int = 500) -> dict[str, int]:
    """Upsert the named sources and return name -> id."""
    rows = _source_rows(names)
    bulk_upsert(connection, Source.__table__, rows, keys=["name"], update=[], batch_size=batch_size)
    return _ids_by_key(connection, Source.name, Source.id, [row["name"] for row in rows], batch_size)


def _identity_rows(decision: FootprintDecision, footprint_id: int, subject_id: int, scan_id: int) -> list[dict[str, Any]]:
    grouped: dict[tuple[str, str], list] = defaultdict(list)
    for evidence in decision.evidence:
        if is_exposure(evidence):
            grouped[(evidence.identifier.value, evidence.method.value)].append(evidence)
    rows = []
    for (identifier, method), findings in sorted(grouped.items()):
        best = max(findings, key=lambda evidence: (evidence.confidence, evidence.score))
        rows.append({
            "footprint_id": footprint_id, "subject_id": subject_id, "identifier_type": identifier,
            "method": method, "confidence": int(best.confidence), "masked_value": best.masked_value[:255],
            "evidence": [evidence.to_dict() for evidence in findings], "scan_id": scan_id,
        })
    return rows


def item_identifiers(decision: FootprintDecision, item_id: str) -> dict[str, int]:
    """Return the best level per identifier type that item ``item_id`` of a footprint exposes itself.

    Findings that name no item (``detail["item"]`` missing) count for every item of the footprint.
    """
    best: dict[str, int] = {}
    for evidence in decision.evidence:
        owner = evidence.detail.get("item")
        if not is_exposure(evidence) or (owner is not None and owner != item_id):
            continue
        key = evidence.identifier.value
        best[key] = max(best.get(key, 0), int(evidence.confidence))
    return dict(sorted(best.items()))


def load_decisions(
    scan_id: int,
    subject_id: int,
    decisions: Sequence[FootprintDecision],
    settings: Settings | None = None,
) -> dict[str, int]:
    """Upsert ``decisions`` of one scan and return row counts by table.

    Every statement runs in one transaction per batch of ``settings.load_batch_size`` rows. Safe
    to repeat: a second call with the same arguments changes nothing.
    """
    settings = settings or get_settings()
    size = settings.load_batch_size
    now = utcnow()
    counts: dict[str, int] = {}

    with get_engine(settings).connect() as connection:
        source_ids = ensure_sources(connection, [d.source for d in decisions] + [s.source for d in decisions for s in d.sightings], size)
        connection.commit()

        footprint_rows = [
            {
                "natural_key": d.natural_key, "source_id": source_ids[d.source], "footprint_type": d.footprint_type,
                "category": d.category, "verified": d.verified, "url": d.url, "title": d.title[:2000],
                "excerpt": d.excerpt[:2000], "media_sha256": d.media_sha256, "first_seen_at": now, "last_seen_at": now,
            }
            for d in decisions
        ]
        counts["digital_footprints"] = bulk_upsert(
            connection, DigitalFootprint.__table__, footprint_rows, keys=["natural_key"],
            update=["footprint_type", "category", "verified", "url", "title", "excerpt", "media_sha256", "last_seen_at"],
            batch_size=size,
        )
        footprint_ids = _ids_by_key(
            connection, DigitalFootprint.natural_key, DigitalFootprint.id, [d.natural_key for d in decisions], size
        )

        link_rows, identity_rows, log_rows = [], [], []
        for decision in decisions:
            footprint_id = footprint_ids[decision.natural_key]
            link_rows.append({
                "subject_id": subject_id, "footprint_id": footprint_id, "confidence": int(decision.confidence),
                "linked": decision.linked, "exposure": float(decision.exposure),
                "evidence": [evidence.to_dict() for evidence in decision.evidence],
                "first_scan_id": scan_id, "last_scan_id": scan_id,
            })
            identity_rows.extend(_identity_rows(decision, footprint_id, subject_id, scan_id))
            for sighting in decision.sightings:
                log_rows.append({
                    "scan_id": scan_id, "footprint_id": footprint_id,
                    "item_key": sha256_hex(f"{sighting.source}\n{sighting.item_id}"),
                    "source": sighting.source, "item_id": sighting.item_id[:255], "url": sighting.url,
                    "posted_at": sighting.posted_at.replace(tzinfo=None) if sighting.posted_at else None,
                    "seen_at": now, "confidence": int(decision.confidence), "linked": decision.linked,
                    "exposure": float(decision.exposure), "identifiers": item_identifiers(decision, sighting.item_id),
                })

        counts["subject_footprints"] = bulk_upsert(
            connection, SubjectFootprint.__table__, link_rows, keys=["subject_id", "footprint_id"],
            update=["confidence", "linked", "exposure", "evidence", "last_scan_id"], batch_size=size,
        )
        counts["personal_identities"] = bulk_upsert(
            connection, PersonalIdentity.__table__, identity_rows,
            keys=["footprint_id", "subject_id", "identifier_type", "method"],
            update=["confidence", "masked_value", "evidence", "scan_id"], batch_size=size,
        )
        counts["activity_logs"] = bulk_upsert(
            connection, ActivityLog.__table__, log_rows, keys=["scan_id", "footprint_id", "item_key"],
            update=["url", "posted_at", "confidence", "linked", "exposure", "identifiers"], batch_size=size,
        )
        connection.commit()

    logger.info("scan %d loaded for subject %d: %s", scan_id, subject_id, counts)
    return counts


def error_rows(scan_id: int, stage: str, errors: Iterable[ItemError]) -> list[dict[str, Any]]:
    """Turn item errors into ``scan_errors`` rows keyed by scan, stage, source and origin."""
    rows = {}
    for error in errors:
        key = sha256_hex(f"{stage}\n{error.source}\n{error.origin}")
        rows[key] = {
            "scan_id": scan_id, "error_key": key, "stage": stage, "source": error.source[:128],
            "origin": error.origin, "reason": error.reason, "created_at": utcnow(),
        }
    return list(rows.values())


def record_errors(scan_id: int, stage: str, errors: Iterable[ItemError], settings: Settings | None = None) -> int:
    """Store per-item errors of a scan; a repeated error (same stage and origin) is stored once."""
    settings = settings or get_settings()
    rows = error_rows(scan_id, stage, errors)
    if not rows:
        return 0
    with get_engine(settings).connect() as connection:
        sent = bulk_upsert(connection, ScanError.__table__, rows, keys=["scan_id", "error_key"],
                           update=["reason"], batch_size=settings.load_batch_size)
        connection.commit()
    return sent


def analysis_row(analysis: MediaAnalysis) -> dict[str, Any]:
    """Turn a media analysis into its ``media_analyses`` row."""
    return {
        "sha256": analysis.sha256, "kind": analysis.kind, "face_count": len(analysis.faces),
        "transcript": analysis.transcript, "language": analysis.language, "error": analysis.error,
        "result": analysis.to_dict(), "analysed_at": utcnow(), "elapsed_s": float(analysis.elapsed_s),
    }


def store_analyses(analyses: Iterable[MediaAnalysis], settings: Settings | None = None) -> int:
    """Upsert media analyses keyed by content hash."""
    settings = settings or get_settings()
    rows = [analysis_row(analysis) for analysis in analyses]
    if not rows:
        return 0
    with get_engine(settings).connect() as connection:
        sent = bulk_upsert(
            connection, MediaAnalysisRow.__table__, rows, keys=["sha256"],
            update=["kind", "face_count", "transcript", "language", "error", "result", "elapsed_s"],
            batch_size=settings.load_batch_size,
        )
        connection.commit()
    return sent


def fetch_analyses(hashes: Iterable[str], settings: Settings | None = None) -> dict[str, MediaAnalysis]:
    """Return stored analyses for the given content hashes; missing hashes are left out."""
    settings = settings or get_settings()
    wanted = sorted(set(hashes))
    found: dict[str, MediaAnalysis] = {}
    with get_engine(settings).connect() as connection:
        for batch in batched(({"h": h} for h in wanted), settings.load_batch_size):
            values = [row["h"] for row in batch]
            statement = select(MediaAnalysisRow.sha256, MediaAnalysisRow.result).where(MediaAnalysisRow.sha256.in_(values))
            for sha256, result in connection.execute(statement):
                found[sha256] = MediaAnalysis.from_dict(result)
    return found


def analyses_by_hash(analyses: Iterable[MediaAnalysis]) -> Mapping[str, MediaAnalysis]:
    """Index analyses by their content hash."""
    return {analysis.sha256: analysis for analysis in analyses}
