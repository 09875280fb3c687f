"""Read one scan's results back from the database, for reports, diffs and evaluation.

A scan's footprints are those with an ``activity_logs`` row for the scan; their sightings are
those rows. Each row also records the confidence, link, exposure and identifiers as that scan saw
them, so an old scan reads back as it was and a diff finds changes. The evidence list comes from
``subject_footprints``, which keeps the latest scan's findings.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from config.settings import Settings, get_settings
from footprint.consolidate.exposure import subject_exposure_from_rows
from footprint.evidence import Confidence, Evidence, IdentifierType
from footprint.store.engine import session_scope
from footprint.store.models import (
    ActivityLog,
    DigitalFootprint,
    Scan,
    ScanError,
    ScanMedia,
    Source,
    Subject,
    SubjectFootprint,
)

logger = logging.getLogger(__name__)

#: Scan status of a finished scan.
DONE_STATUS = "done"


class ReportError(ValueError):
    """A report or evaluation cannot be made; the message names the value and the fix."""


@dataclass
class SightingView:
    """One activity-log row of a footprint in a scan: where the item was seen."""

    source: str
    item_id: str
    url: str
    posted_at: datetime | None


@dataclass
class FootprintView:
    """One footprint of a scan as stored, with its link to the scan's subject.

    Parameters:
        footprint_id: ``digital_footprints.id``.
        natural_key: the footprint's natural key (hex SHA-256).
        url, source, footprint_type, category, verified, title, excerpt, media_sha256: as stored.
        confidence: attribution level; NONE when no ``subject_footprints`` row exists.
        linked: whether the footprint is linked to the subject.
        exposure: exposure score, 0 to 100.
        evidence: every stored finding, contradictions included.
        identifiers: best level per identifier type the footprint itself exposes.
        identifier_items: identifier type -> item id -> best level of that item's own findings
            ("*" for findings that name no item).
        sightings: activity-log rows of this scan.
        media_paths: world-relative paths of the main media file in this scan.
    """

    footprint_id: int
    natural_key: str
    url: str
    source: str
    footprint_type: str
    category: str
    verified: bool
    title: str
    excerpt: str
    media_sha256: str | None
    confidence: Confidence = Confidence.NONE
    linked: bool = False
    exposure: float = 0.0
    evidence: list[Evidence] = field(default_factory=list)
    identifiers: dict[IdentifierType, Confidence] = field(default_factory=dict)
    identifier_items: dict[IdentifierType, dict[str, Confidence]] = field(default_factory=dict)
    sightings: list[SightingView] = field(default_factory=list)
    media_paths: list[str] = field(default_factory=list)

    @property
    def first_posted(self) -> datetime | None:
        """Earliest publication time among the sightings, or None."""
        times = [sighting.posted_at for sighting in self.sightings if sighting.posted_at]
        return min(times) if times else None


@dataclass
class ScanView:
    """One scan with its subject and footprints.

    Parameters:
        scan_id, subject_id, status, world_dir, created_at, finished_at, counts: from ``scans``.
        subject_name: the subject's primary name.
        errors: number of per-item errors recorded for the scan.
        footprints: the scan's footprints, highest confidence first.
    """

    scan_id: int
    subject_id: int
    subject_name: str
    status: str
    world_dir: str
    created_at: datetime | None
    finished_at: datetime | None
    counts: dict
    errors: int
    footprints: list[FootprintView]

    @property
    def linked(self) -> list[FootprintView]:
        """The footprints linked to the subject."""
        return [footprint for footprint in self.footprints if footprint.linked]

    @property
    def exposure(self) -> float:
        """The subject's exposure score over the linked footprints, 0 to 100."""
        return subject_exposure_from_rows((footprint.confidence, footprint.identifiers) for footprint in self.linked)


def _evidence_list(rows) -> list[Evidence]:
    result = []
    for data in rows or []:
        try:
            result.append(Evidence.from_dict(data))
        except (KeyError, ValueError, TypeError) as error:
            logger.warning("skipped unreadable evidence record: %s", error)
    return result


def get_scan_row(session: Session, scan_id: int) -> Scan:
    """Return the scan row or raise :class:`ReportError`."""
    scan = session.get(Scan, scan_id)
    if scan is None:
        raise ReportError(f"scan {scan_id} not found; list scans with 'python manage.py scan list'")
    return scan


def latest_scan_id(subject_id: int, settings: Settings | None = None) -> int:
    """Return the id of the subject's latest finished scan, or raise :class:`ReportError`."""
    with session_scope(settings or get_settings()) as session:
        if session.get(Subject, subject_id) is None:
            raise ReportError(f"subject {subject_id} not found; list subjects with 'python manage.py subject list'")
        scan_id = session.scalar(
            select(Scan.id)
            .where(Scan.subject_id == subject_id, Scan.status == DONE_STATUS)
            .order_by(Scan.finished_at.desc(), Scan.id.desc())
            .limit(1)
        )
    if scan_id is None:
        raise ReportError(f"subject {subject_id} has no finished scan; run 'python manage.py scan --subject {subject_id}' first")
    return scan_id


def _add_item_identifiers(best: dict[IdentifierType, Confidence], items: dict[IdentifierType, dict[str, Confidence]],
                          item_id: str, identifiers: dict | None, footprint_id: int) -> None:
    for identifier, level in (identifiers or {}).items():
        try:
            kind = IdentifierType(identifier)
        except ValueError:
            logger.warning("footprint %d: unknown identifier type %r skipped", footprint_id, identifier)
            continue
        confidence = Confidence(int(level))
        if confidence > best.get(kind, Confidence.NONE):
            best[kind] = confidence
        if confidence > items.setdefault(kind, {}).get(item_id, Confidence.NONE):
            items[kind][item_id] = confidence


def load_scan_view(scan_id: int, settings: Settings | None = None) -> ScanView:
    """Read scan ``scan_id`` and its footprints; raise :class:`ReportError` if it does not exist."""
    settings = settings or get_settings()
    with session_scope(settings) as session:
        scan = get_scan_row(session, scan_id)
        subject = session.get(Subject, scan.subject_id)
        subject_name = subject.full_name if subject else ""

        sightings: dict[int, list[SightingView]] = defaultdict(list)
        states: dict[int, tuple[Confidence, bool, float]] = {}
        identifiers: dict[int, dict[IdentifierType, Confidence]] = defaultdict(dict)
        identifier_items: dict[int, dict[IdentifierType, dict[str, Confidence]]] = defaultdict(dict)
        for row in session.execute(
            select(ActivityLog.footprint_id, ActivityLog.source, ActivityLog.item_id, ActivityLog.url, ActivityLog.posted_at,
                   ActivityLog.confidence, ActivityLog.linked, ActivityLog.exposure, ActivityLog.identifiers)
            .where(ActivityLog.scan_id == scan_id)
            .order_by(ActivityLog.id)
        ):
            sightings[row.footprint_id].append(SightingView(row.source, row.item_id, row.url, row.posted_at))
            states[row.footprint_id] = (Confidence(int(row.confidence or 0)), bool(row.linked), float(row.exposure or 0.0))
            _add_item_identifiers(identifiers[row.footprint_id], identifier_items[row.footprint_id], row.item_id,
                                  row.identifiers, row.footprint_id)
        footprint_ids = sorted(sightings)

        paths: dict[str, list[str]] = defaultdict(list)
        for path, sha256 in session.execute(select(ScanMedia.path, ScanMedia.sha256).where(ScanMedia.scan_id == scan_id)):
            paths[sha256].append(path)

        evidence = dict(
            session.execute(
                select(SubjectFootprint.footprint_id, SubjectFootprint.evidence)
                .where(SubjectFootprint.subject_id == scan.subject_id, SubjectFootprint.footprint_id.in_(footprint_ids))
            ).all()
        ) if footprint_ids else {}

        footprints = []
        if footprint_ids:
            statement = (
                select(DigitalFootprint, Source.name)
                .join(Source, Source.id == DigitalFootprint.source_id)
                .where(DigitalFootprint.id.in_(footprint_ids))
            )
            for footprint, source_name in session.execute(statement):
                confidence, linked, exposure = states[footprint.id]
                footprints.append(
                    FootprintView(
                        footprint_id=footprint.id, natural_key=footprint.natural_key, url=footprint.url,
                        source=source_name, footprint_type=footprint.footprint_type, category=footprint.category,
                        verified=footprint.verified, title=footprint.title or "", excerpt=footprint.excerpt or "",
                        media_sha256=footprint.media_sha256,
                        confidence=confidence, linked=linked, exposure=exposure,
                        evidence=_evidence_list(evidence.get(footprint.id)),
                        identifiers=dict(identifiers.get(footprint.id, {})),
                        identifier_items={kind: dict(ids) for kind, ids in identifier_items.get(footprint.id, {}).items()},
                        sightings=sightings[footprint.id],
                        media_paths=sorted(paths.get(footprint.media_sha256 or "", [])),
                    )
                )
        footprints.sort(key=lambda view: (-int(view.confidence), -view.exposure, view.footprint_id))

        errors = session.scalar(select(func.count()).select_from(ScanError).where(ScanError.scan_id == scan_id)) or 0
        return ScanView(
            scan_id=scan.id, subject_id=scan.subject_id, subject_name=subject_name, status=scan.status,
            world_dir=scan.world_dir or "", created_at=scan.created_at, finished_at=scan.finished_at,
            counts=dict(scan.counts or {}), errors=errors, footprints=footprints,
        )
