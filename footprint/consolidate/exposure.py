"""Exposure scores, 0 to 100: how much a footprint, and all of a subject's footprints, give away.

Each identifier type has a sensitivity weight (the share of harm it does when public, 0 to 1) and
each finding a confidence factor. Contributions combine as independent risks (noisy-OR), so a
score grows with every identifier exposed but never passes 100, and one identifier found many
times does not count many times.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from footprint.consolidate.rules import is_exposure
from footprint.decisions import FootprintDecision
from footprint.evidence import Confidence, Evidence, IdentifierType

#: Sensitivity of each identifier type, 0 to 1. A phone number and a home address let a stranger
#: call or visit. A birth date unlocks accounts and identity checks. An email invites phishing and
#: joins data sets. A face lets anyone recognise the person in other photos. A username and a name
#: are public by nature and mostly help linking.
SENSITIVITY: dict[IdentifierType, float] = {
    IdentifierType.PHONE: 0.6,
    IdentifierType.ADDRESS: 0.6,
    IdentifierType.BIRTH_DATE: 0.5,
    IdentifierType.EMAIL: 0.5,
    IdentifierType.FACE: 0.35,
    IdentifierType.USERNAME: 0.15,
    IdentifierType.NAME: 0.1,
}

#: How much of the weight a finding or an attribution at each confidence carries. A city alone
#: (ADDRESS at LOW) so adds a quarter of a home address.
CONFIDENCE_FACTOR: dict[Confidence, float] = {
    Confidence.NONE: 0.0,
    Confidence.LOW: 0.25,
    Confidence.MEDIUM: 0.5,
    Confidence.HIGH: 0.85,
    Confidence.CERTAIN: 1.0,
}


def exposed_identifiers(evidence: Iterable[Evidence]) -> dict[IdentifierType, Confidence]:
    """Return the best confidence per identifier type that the item itself exposes.

    Inherited findings, context, contradictions and NONE-level notes are left out
    (:func:`footprint.consolidate.rules.is_exposure`).
    """
    best: dict[IdentifierType, Confidence] = {}
    for finding in evidence:
        if is_exposure(finding) and finding.confidence > best.get(finding.identifier, Confidence.NONE):
            best[finding.identifier] = finding.confidence
    return best


def _noisy_or(risks: Iterable[float]) -> float:
    remaining = 1.0
    for risk in risks:
        remaining *= 1.0 - min(1.0, max(0.0, risk))
    return 1.0 - remaining


def footprint_exposure(evidence: Sequence[Evidence], confidence: Confidence) -> float:
    """Return the exposure score of one footprint, 0.0 to 100.0, rounded to 0.1.

    Score = 100 × factor(attribution confidence) × noisy-OR over exposed identifier types of
    sensitivity × factor(finding confidence). A footprint that is not the subject's exposes
    nothing of theirs, hence the attribution factor.
    """
    exposed = exposed_identifiers(evidence)
    risk = _noisy_or(SENSITIVITY[kind] * CONFIDENCE_FACTOR[level] for kind, level in exposed.items())
    return round(100.0 * CONFIDENCE_FACTOR[Confidence.parse(confidence)] * risk, 1)


def subject_exposure(decisions: Iterable[FootprintDecision]) -> float:
    """Return the exposure score of a subject over their linked footprints, 0.0 to 100.0.

    For each identifier type, its reach is the chance that at least one linked footprint exposes
    it (noisy-OR over footprints of attribution factor × finding factor). The score is
    100 × noisy-OR over types of sensitivity × reach. Unlinked footprints are left out.
    """
    return subject_exposure_from_rows(
        (decision.confidence, exposed_identifiers(decision.evidence)) for decision in decisions if decision.linked
    )


def subject_exposure_from_rows(rows: Iterable[tuple[Confidence | int, dict[IdentifierType, Confidence]]]) -> float:
    """Return the subject score from (attribution confidence, exposed identifiers) pairs.

    The same computation as :func:`subject_exposure`, for callers that read stored rows (reports)
    and have no :class:`FootprintDecision` at hand. Every row given counts as linked.
    """
    remaining: dict[IdentifierType, float] = {}
    for confidence, exposed in rows:
        attribution = CONFIDENCE_FACTOR[Confidence.parse(int(confidence))]
        for kind, level in exposed.items():
            chance = attribution * CONFIDENCE_FACTOR[level]
            remaining[kind] = remaining.get(kind, 1.0) * (1.0 - chance)
    risk = _noisy_or(SENSITIVITY[kind] * (1.0 - left) for kind, left in remaining.items())
    return round(100.0 * risk, 1)
