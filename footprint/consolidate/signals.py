"""Collect the signals of one item: findings of the subject's identifiers and contradictions.

Findings come from the text matcher over every text field, from face distances of every face in
the item's media (the profile picture included) and from the text matcher over transcripts.
Contradictions come from a profile's own fields. :mod:`footprint.consolidate.rules` weighs them.
"""

from __future__ import annotations

import dataclasses
import logging
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

from footprint.analysis.faces import face_confidence, face_distances
from footprint.analysis.identities import find_identities, mask_email, mask_phone, normalize_email, normalize_phone
from footprint.consolidate.rules import CONTEXT_KEY, FACE_CONTRADICTION_MARGIN, Contradiction
from footprint.evidence import Confidence, Evidence, IdentifierType, Method
from footprint.items import RawItem
from footprint.media import MediaAnalysis
from footprint.subject import SubjectProfile

logger = logging.getLogger(__name__)

#: Structured fields searched for identifiers, in this order. ``query`` (the engine's request) and
#: ``domain`` describe how a result was found, not what it contains, so they are skipped.
STRUCTURED_FIELDS = ("email", "phone", "birth_date", "location", "work", "education", "username", "tags")

#: Display names that look like a person's name: two to four words of letters, apostrophes,
#: hyphens and dots. A handle such as "jdoe77" is not a name and contradicts nothing.
PERSON_NAME_RE = re.compile(r"^[^\W\d_][\w'.\-]*(?:\s+[^\W\d_][\w'.\-]*){1,3}$")


@dataclass
class ItemSignals:
    """Findings for and against the subject in one item.

    Parameters:
        item: the raw item.
        evidence: findings of the subject's identifiers (and employer context), each with the item
            id in ``detail["item"]``.
        contradictions: facts of the item's owner that differ from the subject.
    """

    item: RawItem
    evidence: list[Evidence] = field(default_factory=list)
    contradictions: list[Contradiction] = field(default_factory=list)


def _text_name_field(item: RawItem) -> str:
    return "display_name" if item.kind == "profile" else "title"


def body_field(item: RawItem) -> str:
    """Return the field name of an item's free text: "bio", "snippet" or "text"."""
    return {"profile": "bio", "result": "snippet"}.get(item.kind, "text")


def text_fields(item: RawItem) -> list[tuple[str, str]]:
    """Return (field name, text) of every text an item carries, empty ones left out.

    Title (display name of a profile), body (bio, post text or snippet), the structured fields of
    :data:`STRUCTURED_FIELDS` (a list becomes one space-joined text) and, for a profile, the URL,
    whose path is the handle. A post's URL repeats its profile's handle and a result's URL slug
    repeats its title, so theirs are skipped.
    """
    texts = [(_text_name_field(item), item.title), (body_field(item), item.text)]
    for name in STRUCTURED_FIELDS:
        value = item.fields.get(name)
        if isinstance(value, (list, tuple)):
            value = " ".join(str(part) for part in value)
        if value not in (None, ""):
            texts.append((name, str(value)))
    if item.kind == "profile":
        texts.append(("url", item.url))
    return [(name, text) for name, text in texts if text and text.strip()]


def _with_item(evidence: Evidence, item: RawItem, **extra) -> Evidence:
    return dataclasses.replace(evidence, detail={**evidence.detail, **extra, "item": item.item_id})


def employer_findings(text: str, subject: SubjectProfile, item: RawItem, field_name: str, method: Method) -> list[Evidence]:
    """Return context findings for each of the subject's employers named in ``text``.

    Matching is case-insensitive on whole words with runs of spaces collapsed. An employer is
    context, not an identifier (``detail["context"] = "employer"``).
    """
    findings = []
    for employer in subject.employers:
        words = employer.split()
        if not words:
            continue
        pattern = r"(?<!\w)" + r"\s+".join(re.escape(word) for word in words) + r"(?!\w)"
        match = re.search(pattern, text, flags=re.IGNORECASE)
        if match:
            findings.append(
                Evidence(
                    identifier=IdentifierType.NAME,
                    method=method,
                    masked_value=f"employer: {employer}",
                    confidence=Confidence.LOW,
                    score=1.0,
                    field=field_name,
                    start=match.start(),
                    end=match.end(),
                    detail={CONTEXT_KEY: "employer", "item": item.item_id},
                )
            )
    return findings


def text_findings(item: RawItem, subject: SubjectProfile) -> list[Evidence]:
    """Return the findings of the text matcher and employer context over every text field."""
    findings = []
    for name, text in text_fields(item):
        for evidence in find_identities(text, subject, field=name, method=Method.TEXT):
            findings.append(_with_item(evidence, item))
        findings.extend(employer_findings(text, subject, item, name, Method.TEXT))
    return findings


def _analysis_of(path: str, analyses: Mapping[str, MediaAnalysis], media_hashes: Mapping[str, str]) -> MediaAnalysis | None:
    sha256 = media_hashes.get(path)
    if not sha256:
        return None
    analysis = analyses.get(sha256)
    if analysis is None or analysis.error:
        return None
    return analysis


def face_findings(
    item: RawItem,
    subject: SubjectProfile,
    analyses: Mapping[str, MediaAnalysis],
    media_hashes: Mapping[str, str],
    tolerance: float,
) -> tuple[list[Evidence], list[Contradiction]]:
    """Return face findings within ``tolerance`` and, for a profile, a clearly different picture.

    Every face of every media file of the item is compared with the subject's reference
    encodings. A face at distance <= tolerance is a finding with the confidence of
    :func:`footprint.analysis.faces.face_confidence`. A profile whose picture has faces that are
    all at or beyond ``tolerance + FACE_CONTRADICTION_MARGIN`` contradicts the subject: it shows
    its owner, and the owner is someone else. Missing and failed analyses give nothing.
    """
    if not subject.reference_encodings:
        return [], []
    findings: list[Evidence] = []
    contradictions: list[Contradiction] = []
    for path in item.media:
        analysis = _analysis_of(path, analyses, media_hashes)
        if analysis is None or not analysis.faces:
            continue
        distances = face_distances([face.encoding for face in analysis.faces], subject.reference_encodings)
        for face, distance in zip(analysis.faces, distances):
            distance = float(distance)
            if distance > tolerance:
                continue
            findings.append(
                Evidence(
                    identifier=IdentifierType.FACE,
                    method=Method.FACE,
                    masked_value="face",
                    confidence=face_confidence(distance, tolerance),
                    score=round(max(0.0, 1.0 - distance), 4),
                    field=path,
                    detail={
                        "distance": round(distance, 4), "tolerance": tolerance, "box": list(face.box),
                        "frame_time": face.frame_time, "sha256": analysis.sha256, "item": item.item_id,
                    },
                )
            )
        nearest = float(min(distances))
        if item.kind == "profile" and nearest >= tolerance + FACE_CONTRADICTION_MARGIN:
            contradictions.append(
                Contradiction(
                    identifier=IdentifierType.FACE,
                    field=path,
                    reason=f"profile picture shows another face (nearest distance {nearest:.2f}, "
                    f"tolerance {tolerance:.2f})",
                    item_id=item.item_id,
                )
            )
    return findings, contradictions


def speech_findings(
    item: RawItem,
    subject: SubjectProfile,
    analyses: Mapping[str, MediaAnalysis],
    media_hashes: Mapping[str, str],
) -> list[Evidence]:
    """Return the text matcher's findings in the transcript of each media file, as SPEECH."""
    findings = []
    for path in item.media:
        analysis = _analysis_of(path, analyses, media_hashes)
        if analysis is None or not analysis.transcript:
            continue
        field_name = f"transcript:{path}"
        for evidence in find_identities(analysis.transcript, subject, field=field_name, method=Method.SPEECH):
            findings.append(_with_item(evidence, item, sha256=analysis.sha256))
        findings.extend(employer_findings(analysis.transcript, subject, item, field_name, Method.SPEECH))
    return findings


def _contact_contradiction(item: RawItem, field_name: str, known: Sequence[str], normalize: Callable[[str], str],
                           mask: Callable[[str], str], identifier: IdentifierType, label: str) -> Contradiction | None:
    """Return a contradiction when the profile's ``field_name`` contains a valid value that is not the subject's."""
    value = item.fields.get(field_name)
    if not value or not known:
        return None
    try:
        normalized = normalize(str(value))
    except ValueError:
        logger.debug("item %s: invalid %s field ignored", item.item_id, field_name)
        return None
    if normalized in known:
        return None
    return Contradiction(identifier, field_name, f"profile {label} {mask(normalized)} is not the subject's", item.item_id)


def _email_contradiction(item: RawItem, subject: SubjectProfile) -> Contradiction | None:
    return _contact_contradiction(item, "email", subject.emails, normalize_email, mask_email, IdentifierType.EMAIL, "email")


def _phone_contradiction(item: RawItem, subject: SubjectProfile) -> Contradiction | None:
    return _contact_contradiction(item, "phone", subject.phones, lambda value: normalize_phone(value, subject.region),
                                  mask_phone, IdentifierType.PHONE, "phone")


def _birth_date_contradiction(item: RawItem, subject: SubjectProfile) -> Contradiction | None:
    value = item.fields.get("birth_date")
    if not value or subject.birth_date is None:
        return None
    try:
        born = date.fromisoformat(str(value).strip()[:10])
    except ValueError:
        logger.debug("item %s: invalid birth_date field ignored", item.item_id)
        return None
    if born == subject.birth_date:
        return None
    # The subject's own birth date must not be echoed; the other person's year is shown only.
    return Contradiction(IdentifierType.BIRTH_DATE, "birth_date", f"profile birth date ({born.year}) differs from the subject's", item.item_id)


def _name_contradiction(item: RawItem, findings: list[Evidence]) -> Contradiction | None:
    if item.kind != "profile" or not PERSON_NAME_RE.match(item.title.strip()):
        return None
    named = any(
        finding.identifier is IdentifierType.NAME and finding.field == "display_name" and not finding.detail.get(CONTEXT_KEY)
        for finding in findings
    )
    if named:
        return None
    return Contradiction(IdentifierType.NAME, "display_name", "profile display name is another person's name", item.item_id)


def field_contradictions(item: RawItem, subject: SubjectProfile, findings: list[Evidence]) -> list[Contradiction]:
    """Return contradictions of a profile's own fields: email, phone, birth date and display name.

    Only the owner's own fields count: an email quoted in a post may be anyone's. A field is
    compared only when the subject's value is known; an invalid field value is ignored.
    """
    if item.kind != "profile":
        return []
    checks = (
        _email_contradiction(item, subject),
        _phone_contradiction(item, subject),
        _birth_date_contradiction(item, subject),
        _name_contradiction(item, findings),
    )
    return [check for check in checks if check is not None]


def collect_signals(
    item: RawItem,
    subject: SubjectProfile,
    analyses: Mapping[str, MediaAnalysis],
    media_hashes: Mapping[str, str],
    tolerance: float,
) -> ItemSignals:
    """Return every finding and contradiction of one item."""
    findings = text_findings(item, subject)
    faces, face_contradictions = face_findings(item, subject, analyses, media_hashes, tolerance)
    findings.extend(faces)
    findings.extend(speech_findings(item, subject, analyses, media_hashes))
    contradictions = field_contradictions(item, subject, findings) + face_contradictions
    return ItemSignals(item=item, evidence=findings, contradictions=contradictions)
