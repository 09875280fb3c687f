"""Attribution rules: how the evidence of one item combines into one confidence.

Every rule and threshold of attribution lives in this module, with the reason next to it;
docs/attribution.md restates them for users. The rules, in order:

1. Strong identifiers are email, phone, face, full street address and birth date. One of them
   matched at HIGH or better makes the item HIGH, because a namesake does not share it.
2. Two strong identifiers of different types make the item CERTAIN. Two findings of the same type
   (two photos, the same email twice) are one signal, not two independent ones.
3. Strong identifiers matched only at MEDIUM (a spoken phone number with a dropped digit, for
   example) count as partial: two partial types, or one partial type with the exact full name,
   make HIGH, and one partial type alone makes MEDIUM.
4. A name, however exact, never goes above MEDIUM, because namesakes exist. Name plus context
   (the subject's city, employer or username) is MEDIUM. A name alone is LOW.
5. Contradictions are facts an item states about its owner that differ from the subject. They
   are another email, phone or birth date in a profile's own fields, a profile picture whose face
   is clearly someone else, and a profile display name that is another person's name. Each
   contradicting identifier type lowers the level by one. A contradiction is void when the same
   item also matches that identifier type (a person may have two emails).
6. A post is judged together with the profile it hangs off (see :func:`attribute_post`).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from footprint.evidence import Confidence, Evidence, IdentifierType, Method

#: Identifier types that tie an item to one person on their own (rule 1).
STRONG_IDENTIFIERS = frozenset({
    IdentifierType.EMAIL,
    IdentifierType.PHONE,
    IdentifierType.FACE,
    IdentifierType.ADDRESS,
    IdentifierType.BIRTH_DATE,
})

#: Highest level that name evidence alone reaches (rule 4): LOW, because every namesake matches.
NAME_ALONE_LEVEL = Confidence.LOW

#: Level of the exact full name plus context (rule 4).
NAME_WITH_CONTEXT_LEVEL = Confidence.MEDIUM

#: Face distances at or above ``face_tolerance + FACE_CONTRADICTION_MARGIN`` mark a profile picture as
#: clearly someone else. With the default tolerance of 0.5 that is 0.6, the default tolerance of
#: face_recognition 1.3.0, above which its authors treat two faces as different people. Distances
#: between the tolerance and this bound count neither for nor against the subject.
FACE_CONTRADICTION_MARGIN = 0.1

#: Evidence detail key of findings copied from the profile a post hangs off (value: profile item id).
INHERITED_KEY = "inherited_from"

#: Evidence detail key of context findings (value: "employer"); context supports a name but is not
#: an identifier the item exposes.
CONTEXT_KEY = "context"

#: Evidence detail key of a contradiction (value: the reason, with values masked).
CONTRADICTION_KEY = "contradicts"

#: Evidence detail key set on face evidence whose weight was cut (value: the reason).
DISCOUNT_KEY = "discounted"


@dataclass(frozen=True)
class Contradiction:
    """A fact an item states about its owner that differs from the subject.

    Parameters:
        identifier: the identifier type that differs (email, phone, birth_date, face, name).
        field: where the item states it ("email", "media/ab/x.jpg", "display_name", ...).
        reason: what differs, in words, with any email or phone masked.
        item_id: the item that states it.
    """

    identifier: IdentifierType
    field: str
    reason: str
    item_id: str = ""

    def as_evidence(self) -> Evidence:
        """Return the contradiction as a NONE-confidence evidence record for storage and reports.

        The loader stores only evidence above NONE as personal identities, so a contradiction
        never counts as an exposed identifier.
        """
        return Evidence(
            identifier=self.identifier,
            method=Method.FACE if self.identifier is IdentifierType.FACE else Method.TEXT,
            masked_value="",
            confidence=Confidence.NONE,
            score=0.0,
            field=self.field,
            detail={CONTRADICTION_KEY: self.reason, "item": self.item_id},
        )


def is_context(evidence: Evidence) -> bool:
    """Return whether ``evidence`` is context (an employer match) rather than an identifier."""
    return bool(evidence.detail.get(CONTEXT_KEY))


def is_inherited(evidence: Evidence) -> bool:
    """Return whether ``evidence`` was copied from a post's profile."""
    return bool(evidence.detail.get(INHERITED_KEY))


def is_contradiction(evidence: Evidence) -> bool:
    """Return whether ``evidence`` records a contradiction (see :meth:`Contradiction.as_evidence`)."""
    return bool(evidence.detail.get(CONTRADICTION_KEY))


def is_exposure(evidence: Evidence) -> bool:
    """Return whether ``evidence`` shows an identifier this item itself exposes.

    Contradictions, context, inherited findings and NONE-level notes are not exposures.
    """
    return (
        evidence.confidence > Confidence.NONE
        and not is_context(evidence)
        and not is_inherited(evidence)
        and not is_contradiction(evidence)
    )


def best_by_identifier(evidence: Iterable[Evidence]) -> dict[IdentifierType, Confidence]:
    """Return the highest confidence per identifier type, ignoring context and NONE-level records."""
    best: dict[IdentifierType, Confidence] = {}
    for finding in evidence:
        if finding.confidence <= Confidence.NONE or is_context(finding) or is_contradiction(finding):
            continue
        if finding.confidence > best.get(finding.identifier, Confidence.NONE):
            best[finding.identifier] = finding.confidence
    return best


def _has_context(evidence: Sequence[Evidence], best: dict[IdentifierType, Confidence]) -> bool:
    # A city alone comes back from the text matcher as ADDRESS at LOW; a username match is context
    # too, because namesakes pick similar handles and it cannot stand on its own.
    if any(is_context(finding) and finding.confidence > Confidence.NONE for finding in evidence):
        return True
    if best.get(IdentifierType.ADDRESS, Confidence.NONE) >= Confidence.LOW:
        return True
    return best.get(IdentifierType.USERNAME, Confidence.NONE) >= Confidence.LOW


def base_level(evidence: Sequence[Evidence]) -> Confidence:
    """Return the confidence that rules 1 to 4 give ``evidence``, before contradictions."""
    best = best_by_identifier(evidence)
    strong = {kind for kind in STRONG_IDENTIFIERS if best.get(kind, Confidence.NONE) >= Confidence.HIGH}
    partial = {kind for kind in STRONG_IDENTIFIERS if best.get(kind) == Confidence.MEDIUM}
    name = best.get(IdentifierType.NAME, Confidence.NONE)

    if len(strong) >= 2:
        return Confidence.CERTAIN
    if strong:
        return Confidence.HIGH
    if len(partial) >= 2 or (partial and name >= Confidence.MEDIUM):
        return Confidence.HIGH
    if name >= Confidence.MEDIUM and _has_context(evidence, best):
        return NAME_WITH_CONTEXT_LEVEL
    if partial:
        return Confidence.MEDIUM
    if best or any(is_context(finding) for finding in evidence):
        return NAME_ALONE_LEVEL
    return Confidence.NONE


def standing_contradictions(evidence: Sequence[Evidence], contradictions: Iterable[Contradiction]) -> set[IdentifierType]:
    """Return the contradicting identifier types that no positive finding of the same type voids.

    A NAME contradiction is voided only by a name match at MEDIUM or better (an exact full name),
    so a first name alone does not void a profile's foreign display name.
    """
    best = best_by_identifier(evidence)
    standing = set()
    for contradiction in contradictions:
        matched = best.get(contradiction.identifier, Confidence.NONE)
        needed = Confidence.MEDIUM if contradiction.identifier is IdentifierType.NAME else Confidence.LOW
        if matched < needed:
            standing.add(contradiction.identifier)
    return standing


def combine(evidence: Sequence[Evidence], contradictions: Sequence[Contradiction] = ()) -> Confidence:
    """Return the confidence that an item with ``evidence`` and ``contradictions`` is the subject's.

    Rules 1 to 5 of this module; each standing contradiction lowers the level by one, down to NONE.
    """
    level = base_level(evidence)
    penalty = len(standing_contradictions(evidence, contradictions))
    return Confidence(max(int(Confidence.NONE), int(level) - penalty))


def is_lookalike(evidence: Sequence[Evidence], contradictions: Sequence[Contradiction]) -> bool:
    """Return whether a profile's face matches the subject while its other facts contradict them.

    Such an owner is a look-alike: their own photos match the subject's face, so a face match in
    their posts is no evidence about the subject.
    """
    best = best_by_identifier(evidence)
    if best.get(IdentifierType.FACE, Confidence.NONE) < Confidence.LOW:
        return False
    return bool(standing_contradictions(evidence, contradictions) - {IdentifierType.FACE})


def discount_faces(evidence: Sequence[Evidence], reason: str) -> list[Evidence]:
    """Return ``evidence`` with every face finding capped at LOW and marked with ``reason``."""
    result = []
    for finding in evidence:
        if finding.identifier is IdentifierType.FACE and finding.confidence > Confidence.LOW:
            detail = {**finding.detail, DISCOUNT_KEY: reason, "face_confidence": finding.confidence.name.lower()}
            finding = dataclasses.replace(finding, confidence=Confidence.LOW, detail=detail)
        result.append(finding)
    return result


def attribute_post(
    own: Sequence[Evidence],
    own_contradictions: Sequence[Contradiction],
    profile: Sequence[Evidence],
    profile_contradictions: Sequence[Contradiction],
) -> Confidence:
    """Return the confidence of a post from its own findings and those of its profile (rule 6).

    A post is the larger of two readings:

    - on its own: its own findings and contradictions, as for any item. A photo of the subject
      posted by someone else is about the subject whoever the owner is.
    - with its profile: the post's and the profile's findings and contradictions pooled. A post of
      a profile that is surely the subject's inherits that profile's level in full (it is the
      subject's post), and a post of a namesake's profile carries the namesake's contradictions.

    The caller discounts the post's own face findings first when the profile is a look-alike
    (:func:`is_lookalike`), since the owner's own face then matches the subject.
    """
    alone = combine(own, own_contradictions)
    pooled = combine([*own, *profile], [*own_contradictions, *profile_contradictions])
    return max(alone, pooled)
