"""Measure a stored scan against its world's ground truth.

A ground-truth item, keyed by (source, id), is a predicted positive when a linked footprint of the
scan contains it (as an ``activity_logs`` row of the scan). It is an actual positive when the
subject's person id is in its ``about`` list. Precision counts every item. Recall is measured on
findable items (the primary number) and also reported on all items.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import select

from config.settings import Settings, get_settings
from footprint.evaluation.metrics import Counts, f1_score
from footprint.evaluation.truth import GroundTruth, TruthItem, find_subject_person, load_ground_truth
from footprint.evidence import Confidence, IdentifierType, Method
from footprint.report.data import FootprintView, ReportError, ScanView, load_scan_view
from footprint.store.engine import session_scope
from footprint.store.models import ScanMedia, SubjectEmail

logger = logging.getLogger(__name__)

#: Thresholds reported besides the default one, lowest first.
THRESHOLDS = (Confidence.LOW, Confidence.MEDIUM, Confidence.HIGH, Confidence.CERTAIN)

#: Lowest finding confidence at which an identifier counts as exposed when compared with the
#: ground truth's ``exposes``. The ground truth's name is the full name and its address a street
#: address, while a first name or a city alone is found at LOW; other types count from LOW.
EXPOSED_AT = {IdentifierType.NAME: Confidence.MEDIUM, IdentifierType.ADDRESS: Confidence.MEDIUM}


@dataclass
class ThresholdMetrics:
    """Link quality when footprints at or above ``threshold`` count as the subject's.

    Parameters:
        threshold: the level, or "linked" for the stored link decision.
        counts: confusion counts over all ground-truth items.
        findable: confusion counts leaving out items of the subject that are not findable.
    """

    threshold: str
    counts: Counts
    findable: Counts

    @property
    def precision(self) -> float:
        return self.counts.precision

    @property
    def recall(self) -> float:
        """Recall on findable items."""
        return self.findable.recall

    @property
    def recall_all(self) -> float:
        return self.counts.recall

    @property
    def f1(self) -> float:
        return f1_score(self.precision, self.recall)

    def to_dict(self) -> dict[str, Any]:
        return {
            "threshold": self.threshold, "precision": round(self.precision, 4), "recall": round(self.recall, 4),
            "recall_all": round(self.recall_all, 4), "f1": round(self.f1, 4),
            "tp": self.counts.tp, "fp": self.counts.fp, "fn": self.counts.fn, "tn": self.counts.tn,
            "fn_findable": self.findable.fn,
        }


@dataclass
class ItemOutcome:
    """One ground-truth item that the scan got wrong, with the evidence behind the decision."""

    source: str
    item_id: str
    url: str
    confidence: str
    footprint_id: int | None
    truth: TruthItem
    evidence: list[dict[str, Any]] = field(default_factory=list)
    findable: bool = True

    def to_dict(self) -> dict[str, Any]:
        return {
            "source": self.source, "item_id": self.item_id, "url": self.url, "confidence": self.confidence,
            "footprint_id": self.footprint_id, "owner": self.truth.owner, "about": list(self.truth.about),
            "exposes": list(self.truth.exposes), "findable": self.findable, "note": self.truth.note,
            "evidence": self.evidence,
        }


@dataclass
class EvaluationResult:
    """Everything ``manage.py evaluate`` prints.

    Parameters:
        scan_id, subject_id: the scan and its subject.
        person_id: the subject's person id in the ground truth.
        world_dir: the world whose ground truth was read.
        threshold: the configured link threshold (settings.link_threshold).
        links: metrics of the stored link decisions.
        by_threshold: metrics per confidence threshold, from stored confidences.
        identifiers: per identifier type, counts of exposed identifiers on items about the subject.
        faces: face findings per media file against the people the ground truth shows in it.
        false_positives, false_negatives: wrong items at the stored link decision.
        totals: item counts (items, about, findable, predicted, unknown_items).
        unknown_items: (source, id) of scanned items the ground truth does not list.
    """

    scan_id: int
    subject_id: int
    person_id: str
    world_dir: str
    threshold: str
    links: ThresholdMetrics
    by_threshold: dict[str, ThresholdMetrics]
    identifiers: dict[str, Counts]
    faces: Counts
    false_positives: list[ItemOutcome]
    false_negatives: list[ItemOutcome]
    totals: dict[str, int]
    unknown_items: list[tuple[str, str]] = field(default_factory=list)

    @property
    def precision(self) -> float:
        return self.links.precision

    @property
    def recall(self) -> float:
        """Recall on findable items at the stored link decision."""
        return self.links.recall

    @property
    def recall_all(self) -> float:
        return self.links.recall_all

    @property
    def f1(self) -> float:
        return self.links.f1

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-safe dict (the schema of ``evaluate --format json``)."""
        return {
            "scan_id": self.scan_id, "subject_id": self.subject_id, "person_id": self.person_id,
            "world_dir": self.world_dir, "threshold": self.threshold, "links": self.links.to_dict(),
            "by_threshold": {name: metrics.to_dict() for name, metrics in self.by_threshold.items()},
            "identifiers": {name: counts.to_dict() for name, counts in self.identifiers.items()},
            "faces": self.faces.to_dict(), "totals": dict(self.totals),
            "false_positives": [outcome.to_dict() for outcome in self.false_positives],
            "false_negatives": [outcome.to_dict() for outcome in self.false_negatives],
            "unknown_items": [list(key) for key in self.unknown_items],
        }


def _subject_emails(subject_id: int, settings: Settings) -> list[str]:
    with session_scope(settings) as session:
        rows = session.execute(
            select(SubjectEmail.email, SubjectEmail.is_primary).where(SubjectEmail.subject_id == subject_id)
        ).all()
    return [email for email, _ in sorted(rows, key=lambda row: not row[1])]


def _scan_media_hashes(scan_id: int, settings: Settings) -> set[str]:
    with session_scope(settings) as session:
        return set(session.scalars(select(ScanMedia.sha256).where(ScanMedia.scan_id == scan_id)))


def _footprints_by_item(view: ScanView) -> dict[tuple[str, str], FootprintView]:
    by_item: dict[tuple[str, str], FootprintView] = {}
    for footprint in view.footprints:
        for sighting in footprint.sightings:
            key = (sighting.source, sighting.item_id)
            current = by_item.get(key)
            if current is None or (footprint.linked, footprint.confidence) > (current.linked, current.confidence):
                by_item[key] = footprint
    return by_item


def _evidence_summary(footprint: FootprintView | None) -> list[dict[str, Any]]:
    if footprint is None:
        return []
    summary = []
    for finding in footprint.evidence:
        entry = {
            "identifier": finding.identifier.value, "method": finding.method.value,
            "confidence": finding.confidence.name.lower(), "masked_value": finding.masked_value, "field": finding.field,
        }
        for key in ("item", "inherited_from", "contradicts", "discounted", "context", "distance"):
            if key in finding.detail:
                entry[key] = finding.detail[key]
        summary.append(entry)
    return summary


def _link_metrics(
    name: str,
    truth: GroundTruth,
    person_id: str,
    predicted: dict[tuple[str, str], bool],
) -> ThresholdMetrics:
    counts, findable = Counts(), Counts()
    for key, item in truth.items.items():
        actual = person_id in item.about
        guess = predicted.get(key, False)
        counts.add(guess, actual)
        if actual and not item.findable_for(person_id):
            continue
        findable.add(guess, actual)
    return ThresholdMetrics(name, counts, findable)


def _identifier_counts(truth: GroundTruth, person_id: str, by_item: dict[tuple[str, str], FootprintView]) -> dict[str, Counts]:
    result = {kind.value: Counts() for kind in IdentifierType}
    for key, item in truth.items.items():
        if person_id not in item.about:
            continue
        footprint = by_item.get(key)
        exposed = set()
        if footprint is not None:
            for kind, levels in footprint.identifier_items.items():
                level = max(levels.get(item.item_id, Confidence.NONE), levels.get("*", Confidence.NONE))
                if level >= EXPOSED_AT.get(kind, Confidence.LOW):
                    exposed.add(kind.value)
        actual = set(item.exposes_for(person_id))
        for kind, counts in result.items():
            counts.add(kind in exposed, kind in actual)
    return result


def _face_counts(view: ScanView, truth: GroundTruth, person_id: str, scan_hashes: set[str]) -> Counts:
    matched = set()
    for footprint in view.footprints:
        for finding in footprint.evidence:
            if finding.identifier is IdentifierType.FACE and finding.method is Method.FACE and finding.confidence > Confidence.NONE:
                sha256 = finding.detail.get("sha256")
                if sha256:
                    matched.add(sha256)
    counts = Counts()
    seen = set()
    for media in truth.media:
        if not media.sha256 or media.sha256 in seen:
            continue
        if scan_hashes and media.sha256 not in scan_hashes:
            continue
        seen.add(media.sha256)
        counts.add(media.sha256 in matched, person_id in media.people)
    return counts


def _outcome(key: tuple[str, str], item: TruthItem, footprint: FootprintView | None, person_id: str) -> ItemOutcome:
    return ItemOutcome(
        source=key[0], item_id=key[1], url=footprint.url if footprint else item.url,
        confidence=footprint.confidence.name.lower() if footprint else "none",
        footprint_id=footprint.footprint_id if footprint else None, truth=item,
        evidence=_evidence_summary(footprint), findable=item.findable_for(person_id),
    )


def evaluate_scan(scan_id: int, settings: Settings | None = None, world_dir: Path | None = None) -> EvaluationResult:
    """Compare scan ``scan_id`` with the ground truth of ``world_dir`` (default: the scan's world).

    Raises :class:`ReportError` for an unknown scan and
    :class:`footprint.evaluation.truth.GroundTruthError` for a missing or unmatched ground truth.
    """
    settings = settings or get_settings()
    view = load_scan_view(scan_id, settings)
    if world_dir:
        world = Path(world_dir)
    elif view.world_dir:
        world = Path(view.world_dir)
    else:
        raise ReportError(f"scan {scan_id} records no world directory; give it with --world DIR")
    truth = load_ground_truth(world)
    person_id = find_subject_person(truth, view.subject_id, _subject_emails(view.subject_id, settings))

    by_item = _footprints_by_item(view)
    linked = {key: footprint.linked for key, footprint in by_item.items()}
    links = _link_metrics("linked", truth, person_id, linked)
    by_threshold = {
        level.name.lower(): _link_metrics(
            level.name.lower(), truth, person_id, {key: fp.confidence >= level for key, fp in by_item.items()}
        )
        for level in THRESHOLDS
    }

    false_positives, false_negatives = [], []
    for key, item in sorted(truth.items.items()):
        actual = person_id in item.about
        guess = linked.get(key, False)
        if guess and not actual:
            false_positives.append(_outcome(key, item, by_item.get(key), person_id))
        elif actual and not guess:
            false_negatives.append(_outcome(key, item, by_item.get(key), person_id))

    unknown = sorted(key for key in by_item if key not in truth.items)
    if unknown:
        logger.warning("scan %d: %d scanned items are not in the ground truth", scan_id, len(unknown))
    about = [item for item in truth.items.values() if person_id in item.about]
    totals = {
        "items": len(truth.items), "about_subject": len(about), "findable": sum(item.findable_for(person_id) for item in about),
        "predicted": sum(linked.values()), "footprints": len(view.footprints),
        "linked_footprints": len(view.linked), "unknown_items": len(unknown),
    }
    result = EvaluationResult(
        scan_id=scan_id, subject_id=view.subject_id, person_id=person_id, world_dir=str(world),
        threshold=Confidence.parse(settings.link_threshold).name.lower(), links=links, by_threshold=by_threshold,
        identifiers=_identifier_counts(truth, person_id, by_item),
        faces=_face_counts(view, truth, person_id, _scan_media_hashes(scan_id, settings)),
        false_positives=false_positives, false_negatives=false_negatives, totals=totals, unknown_items=unknown,
    )
    logger.info(
        "scan %d evaluated: precision=%.4f recall=%.4f (findable) recall_all=%.4f f1=%.4f",
        scan_id, result.precision, result.recall, result.recall_all, result.f1,
    )
    return result
