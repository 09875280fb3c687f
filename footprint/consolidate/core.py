"""Consolidation: raw items and media analyses in, one decision per footprint out.

Steps: collect each item's signals, attribute each item (a post together with its profile),
group items that are the same thing (same main media file or same canonical URL), then build one
:class:`FootprintDecision` per group with its classification, evidence, confidence and exposure.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime, timezone
from urllib.parse import urlsplit

from config.settings import Settings, get_settings
from footprint.consolidate import classify
from footprint.consolidate.exposure import footprint_exposure
from footprint.consolidate.masking import excerpt, mask_text
from footprint.consolidate.rules import (
    INHERITED_KEY,
    Contradiction,
    attribute_post,
    combine,
    discount_faces,
    is_lookalike,
)
from footprint.consolidate.signals import ItemSignals, body_field, collect_signals
from footprint.consolidate.urls import canonical_url, natural_key_for_media, natural_key_for_url
from footprint.decisions import FootprintDecision, Sighting
from footprint.evidence import Confidence, Evidence, IdentifierType
from footprint.items import RawItem
from footprint.media import MediaAnalysis, media_kind
from footprint.subject import SubjectProfile

logger = logging.getLogger(__name__)

#: Maximum footprint title length, characters. Longer titles are cut with an ellipsis.
TITLE_MAX_CHARS = 120

#: Identifier types of the subject masked in excerpts where the matcher found them, written or
#: spoken, from confidence MASKED_FROM up (so a city alone, an address at LOW, stays readable).
MASKED_IN_EXCERPTS = frozenset({IdentifierType.EMAIL, IdentifierType.PHONE, IdentifierType.BIRTH_DATE, IdentifierType.ADDRESS})
MASKED_FROM = Confidence.MEDIUM

#: Reason recorded on a look-alike's face findings when they are cut to LOW.
LOOKALIKE_REASON = "the profile's owner has the subject's face but other facts of another person"

_NEVER = datetime.max.replace(tzinfo=timezone.utc)


@dataclasses.dataclass
class Attributed:
    """One item after attribution.

    Parameters:
        item: the raw item.
        evidence: its own findings, then inherited ones, then contradictions as NONE-level records.
        confidence: the item's level.
    """

    item: RawItem
    evidence: list[Evidence]
    confidence: Confidence


def _item_key(item: RawItem) -> tuple[str, str]:
    return (item.source, item.item_id)


def _inherit(evidence: Evidence, profile_id: str) -> Evidence:
    return dataclasses.replace(evidence, detail={**evidence.detail, INHERITED_KEY: profile_id})


def _contradiction_records(contradictions: Sequence[Contradiction], inherited_from: str | None = None) -> list[Evidence]:
    records = [contradiction.as_evidence() for contradiction in contradictions]
    if inherited_from:
        records = [_inherit(record, inherited_from) for record in records]
    return records


def attribute_items(signals: Mapping[tuple[str, str], ItemSignals]) -> list[Attributed]:
    """Attribute every item; a post is judged with the profile it hangs off when that is known."""
    attributed = []
    for key, own in signals.items():
        item = own.item
        profile = signals.get((item.source, item.profile_id)) if item.kind == "post" and item.profile_id else None
        if profile is None or profile.item.kind != "profile":
            level = combine(own.evidence, own.contradictions)
            evidence = [*own.evidence, *_contradiction_records(own.contradictions)]
            attributed.append(Attributed(item, evidence, level))
            continue

        own_evidence = own.evidence
        if is_lookalike(profile.evidence, profile.contradictions):
            own_evidence = discount_faces(own_evidence, LOOKALIKE_REASON)
        inherited = [_inherit(finding, profile.item.item_id) for finding in profile.evidence]
        level = attribute_post(own_evidence, own.contradictions, inherited, profile.contradictions)
        evidence = [
            *own_evidence,
            *inherited,
            *_contradiction_records(own.contradictions),
            *_contradiction_records(profile.contradictions, profile.item.item_id),
        ]
        attributed.append(Attributed(item, evidence, level))
    return attributed


def _main_media_sha(item: RawItem, media_hashes: Mapping[str, str]) -> str | None:
    for path in item.media:
        if media_kind(path) and media_hashes.get(path):
            return media_hashes[path]
    return None


def _canonical(item: RawItem) -> str:
    try:
        return canonical_url(item.url)
    except ValueError:
        # Sources check URLs; an item that slipped through still gets a key of its own.
        logger.warning("item %s has an invalid URL; it is keyed by the URL as given", item.item_id)
        return item.url.strip()


def _find(parent: dict[str, str], node: str) -> str:
    while parent[node] != node:
        parent[node] = parent[parent[node]]
        node = parent[node]
    return node


def group_items(items: Sequence[RawItem], media_hashes: Mapping[str, str]) -> list[list[RawItem]]:
    """Return items grouped into footprints, each group in sighting order.

    Two items are one footprint when they share a canonical URL, or when both are posts or
    results whose main media file (the first with a known media kind) has the same SHA-256. A
    profile's picture is not a grouping key: two profiles with one avatar are two footprints.
    """
    parent: dict[str, str] = {}

    def union(left: str, right: str) -> None:
        parent.setdefault(left, left)
        parent.setdefault(right, right)
        root_left, root_right = _find(parent, left), _find(parent, right)
        if root_left != root_right:
            parent[max(root_left, root_right)] = min(root_left, root_right)

    keys_of: dict[tuple[str, str], str] = {}
    for item in items:
        url_key = "url:" + _canonical(item)
        parent.setdefault(url_key, url_key)
        keys_of[_item_key(item)] = url_key
        sha = _main_media_sha(item, media_hashes) if item.kind != "profile" else None
        if sha:
            union(url_key, "media:" + sha)

    groups: dict[str, list[RawItem]] = {}
    for item in items:
        groups.setdefault(_find(parent, keys_of[_item_key(item)]), []).append(item)
    return [sorted(group, key=sighting_order) for group in groups.values()]


def sighting_order(item: RawItem) -> tuple:
    """Order of sightings in a footprint: platform items first, then earliest post, then id."""
    return (item.family != "social", item.posted_at or _NEVER, item.source, item.item_id)


def natural_key(group: Sequence[RawItem], media_hashes: Mapping[str, str]) -> tuple[str, str | None]:
    """Return (natural key, main media SHA-256) of a group in sighting order.

    Media-centric groups (any post or result with media) are keyed by ``media:<sha256>`` of the
    first such sighting, others by ``url:<canonical url>`` of the first sighting.
    """
    for item in group:
        sha = _main_media_sha(item, media_hashes) if item.kind != "profile" else None
        if sha:
            return natural_key_for_media(sha), sha
    first = group[0]
    return natural_key_for_url(_canonical(first)), _main_media_sha(first, media_hashes)


def _dedupe(evidence: Iterable[Evidence]) -> list[Evidence]:
    seen = set()
    result = []
    for finding in evidence:
        key = (
            finding.identifier, finding.method, finding.masked_value, finding.field, finding.start, finding.end,
            finding.detail.get("item"), finding.detail.get("inherited_from"), finding.detail.get("contradicts"),
        )
        if key not in seen:
            seen.add(key)
            result.append(finding)
    return result


def _cut(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _title(first: RawItem, profiles: Mapping[tuple[str, str], RawItem], region: str) -> str:
    if first.title.strip():
        return _cut(mask_text(first.title, region), TITLE_MAX_CHARS)
    profile = profiles.get((first.source, first.profile_id or ""))
    if profile is not None and profile.title.strip():
        return _cut(f"Post by {mask_text(profile.title, region)}", TITLE_MAX_CHARS)
    return _cut(mask_text(first.text, region), TITLE_MAX_CHARS) or first.item_id


def _finding_spans(evidence: Sequence[Evidence], field_name: str, item_id: str) -> list[tuple[int, int, str]]:
    # The text masker finds written emails and phones only. Spoken ones are words ("three one
    # two ..."), and a street address or birth date has no general pattern, so the matcher's own
    # spans of the subject's values are masked too.
    return [
        (finding.start, finding.end, finding.masked_value or "***")
        for finding in evidence
        if finding.field == field_name and finding.detail.get("item") == item_id
        and finding.start is not None and finding.end is not None
        and finding.identifier in MASKED_IN_EXCERPTS and finding.confidence >= MASKED_FROM
    ]


def _excerpt(
    group: Sequence[Attributed], analyses: Mapping[str, MediaAnalysis], media_hashes: Mapping[str, str], region: str
) -> str:
    for entry in group:
        if entry.item.text.strip():
            spans = _finding_spans(entry.evidence, body_field(entry.item), entry.item.item_id)
            return excerpt(entry.item.text, region, extra_spans=spans)
    for entry in group:
        for path in entry.item.media:
            analysis = analyses.get(media_hashes.get(path, ""))
            if analysis is not None and analysis.transcript:
                spans = _finding_spans(entry.evidence, f"transcript:{path}", entry.item.item_id)
                return excerpt(analysis.transcript, region, extra_spans=spans)
    return ""


def build_decision(
    group: Sequence[Attributed],
    profiles: Mapping[tuple[str, str], RawItem],
    analyses: Mapping[str, MediaAnalysis],
    media_hashes: Mapping[str, str],
    subject: SubjectProfile,
    threshold: Confidence,
) -> FootprintDecision:
    """Build the decision of one footprint from its attributed sightings (in sighting order).

    The footprint's confidence is the highest of its sightings: a repost of the subject's photo
    is as much the subject's as the original. Evidence is the union of the sightings' evidence.
    """
    items = [entry.item for entry in group]
    first = items[0]
    key, media_sha = natural_key(items, media_hashes)
    confidence = max(entry.confidence for entry in group)
    evidence = _dedupe(finding for entry in group for finding in entry.evidence)

    media_item = next((item for item in items if item.kind != "profile" and _main_media_sha(item, media_hashes)), first)
    return FootprintDecision(
        natural_key=key,
        url=_canonical(first),
        source=first.source,
        footprint_type=classify.footprint_type(media_item),
        category=classify.category(first),
        verified=classify.verified(first, _host(first)),
        title=_title(first, profiles, subject.region),
        excerpt=_excerpt(group, analyses, media_hashes, subject.region),
        media_sha256=media_sha,
        sightings=[Sighting(item.source, item.item_id, item.url, item.posted_at) for item in items],
        evidence=evidence,
        confidence=confidence,
        exposure=footprint_exposure(evidence, confidence),
        linked=confidence >= threshold,
    )


def _host(item: RawItem) -> str:
    return urlsplit(item.url).hostname or ""


def consolidate(
    items: Iterable[RawItem],
    analyses: Mapping[str, MediaAnalysis],
    media_hashes: Mapping[str, str],
    subject: SubjectProfile,
    settings: Settings | None = None,
) -> list[FootprintDecision]:
    """Return one decision per footprint that carries any finding for the subject.

    ``media_hashes`` maps an item's media path (world-relative) to the file's SHA-256 and
    ``analyses`` maps SHA-256 to its analysis. Footprints with no finding above NONE (own or
    inherited from a profile) are left out: they are about someone else, and storing them would
    only grow the tables. Decisions come sorted by confidence (highest first), then natural key.
    ``linked`` is ``confidence >= settings.link_threshold``.
    """
    settings = settings or get_settings()
    threshold = Confidence.parse(settings.link_threshold)
    items = list(items)

    signals: dict[tuple[str, str], ItemSignals] = {}
    for item in items:
        key = _item_key(item)
        if key in signals:
            logger.warning("duplicate item %s from %s skipped", item.item_id, item.source)
            continue
        signals[key] = collect_signals(item, subject, analyses, media_hashes, settings.face_tolerance)
    unique_items = [signal.item for signal in signals.values()]
    attributed = {_item_key(entry.item): entry for entry in attribute_items(signals)}
    profiles = {key: signal.item for key, signal in signals.items() if signal.item.kind == "profile"}

    decisions = []
    for group in group_items(unique_items, media_hashes):
        entries = [attributed[_item_key(item)] for item in group]
        if not any(finding.confidence > Confidence.NONE for entry in entries for finding in entry.evidence):
            continue
        decisions.append(build_decision(entries, profiles, analyses, media_hashes, subject, threshold))

    decisions.sort(key=lambda decision: (-int(decision.confidence), decision.natural_key))
    linked = sum(decision.linked for decision in decisions)
    logger.info(
        "subject %d: %d items consolidated into %d footprints, %d linked at %s",
        subject.subject_id, len(unique_items), len(decisions), linked, threshold.name.lower(),
    )
    return decisions
