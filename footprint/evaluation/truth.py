"""Read a world's ground truth (``ground_truth.jsonl``, ``manifest.json``) and find the subject in it.

The format is in docs/world-format.md. Only evaluation reads these files; a scan never does.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

logger = logging.getLogger(__name__)

#: File names inside a world directory.
GROUND_TRUTH_FILE = "ground_truth.jsonl"
MANIFEST_FILE = "manifest.json"


class GroundTruthError(ValueError):
    """The ground truth is missing or invalid, or names no person for the subject."""


@dataclass(frozen=True)
class TruthPerson:
    """One person of the world: id, role (subject, namesake, lookalike, neighbour, base), name."""

    person_id: str
    role: str
    full_name: str = ""
    subject_id: int | None = None
    email: str = ""


@dataclass(frozen=True)
class TruthItem:
    """Owner, people and exposed identifiers of one item, keyed by (source, id)."""

    source: str
    item_id: str
    url: str = ""
    owner: str = ""
    about: tuple[str, ...] = ()
    exposes: tuple[str, ...] = ()
    findable: bool = True
    note: str = ""
    exposes_by_person: tuple[tuple[str, tuple[str, ...]], ...] = ()
    findable_by_person: tuple[tuple[str, bool], ...] = ()

    def exposes_for(self, person_id: str) -> tuple[str, ...]:
        """Return the identifier types the item shows of ``person_id``.

        ``exposes`` describes the first person in ``about``; ``exposes_by_person`` (written when
        an item is about several people) gives each person's.
        """
        for person, exposed in self.exposes_by_person:
            if person == person_id:
                return exposed
        return self.exposes if self.about and self.about[0] == person_id else ()

    def findable_for(self, person_id: str) -> bool:
        """Return whether a scan can tie the item to ``person_id`` (see :meth:`exposes_for`)."""
        for person, findable in self.findable_by_person:
            if person == person_id:
                return findable
        return self.findable if self.about and self.about[0] == person_id else False


@dataclass(frozen=True)
class TruthMedia:
    """The people shown in one media file."""

    path: str
    sha256: str
    people: tuple[str, ...] = ()
    transform: str = ""
    has_audio: bool | None = None


@dataclass
class GroundTruth:
    """Contents of ``ground_truth.jsonl`` and the manifest's subject list."""

    persons: dict[str, TruthPerson] = field(default_factory=dict)
    items: dict[tuple[str, str], TruthItem] = field(default_factory=dict)
    media: list[TruthMedia] = field(default_factory=list)
    manifest_subjects: list[dict[str, Any]] = field(default_factory=list)


def _str_tuple(value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        return (value,)
    return tuple(str(part) for part in value)


def _int_or_none(value: Any) -> int | None:
    if value is None or value == "":
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _parse(record: dict[str, Any], truth: GroundTruth, origin: str) -> None:
    kind = record.get("type")
    if kind == "person":
        person = TruthPerson(
            person_id=str(record["person_id"]), role=str(record.get("role", "")),
            full_name=str(record.get("full_name") or ""), subject_id=_int_or_none(record.get("subject_id")),
            email=str(record.get("email") or ""),
        )
        truth.persons[person.person_id] = person
    elif kind == "item":
        item = TruthItem(
            source=str(record["source"]), item_id=str(record["id"]), url=str(record.get("url") or ""),
            owner=str(record.get("owner") or ""), about=_str_tuple(record.get("about")),
            exposes=_str_tuple(record.get("exposes")), findable=bool(record.get("findable", True)),
            note=str(record.get("note") or ""),
            exposes_by_person=tuple(
                (str(person), _str_tuple(exposed)) for person, exposed in (record.get("exposes_by_person") or {}).items()
            ),
            findable_by_person=tuple(
                (str(person), bool(findable)) for person, findable in (record.get("findable_by_person") or {}).items()
            ),
        )
        truth.items[(item.source, item.item_id)] = item
    elif kind == "media":
        truth.media.append(
            TruthMedia(
                path=str(record["path"]), sha256=str(record.get("sha256") or ""), people=_str_tuple(record.get("people")),
                transform=str(record.get("transform") or ""), has_audio=record.get("has_audio"),
            )
        )
    else:
        logger.warning("%s: record of unknown type %r skipped", origin, kind)


def load_ground_truth(world_dir: Path) -> GroundTruth:
    """Read ``ground_truth.jsonl`` (and ``manifest.json`` when present) of a world directory.

    Raises :class:`GroundTruthError` naming the file and line of a missing file or bad record.
    """
    world_dir = Path(world_dir)
    path = world_dir / GROUND_TRUTH_FILE
    if not path.is_file():
        raise GroundTruthError(f"ground truth not found: {path}; give the world directory with --world")

    truth = GroundTruth()
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            origin = f"{path.name}:{number}"
            try:
                record = json.loads(line)
                if not isinstance(record, dict):
                    raise TypeError(f"expected a JSON object, got {type(record).__name__}")
                _parse(record, truth, origin)
            except (ValueError, KeyError, TypeError) as error:
                raise GroundTruthError(f"invalid ground truth record at {origin}: {error}") from None

    manifest = world_dir / MANIFEST_FILE
    if manifest.is_file():
        try:
            data = json.loads(manifest.read_text(encoding="utf-8"))
        except ValueError as error:
            raise GroundTruthError(f"invalid manifest {manifest}: {error}") from None
        truth.manifest_subjects = [entry for entry in data.get("subjects") or [] if isinstance(entry, dict)]
    return truth


def find_subject_person(truth: GroundTruth, subject_id: int, emails: list[str]) -> str:
    """Return the person id of the database subject ``subject_id`` with ``emails`` (primary first).

    Matching order: first a manifest or person record with this ``subject_id`` whose email (when
    given) is one of the subject's. Next the person whose email equals the subject's primary
    email, then any of its emails, case-insensitive. Last a ``subject_id`` match alone. A world
    made for another database can reuse subject ids, which is why the email decides a
    disagreement.
    """
    subject_emails = [email.casefold() for email in emails if email]
    by_id: list[tuple[str, str]] = [
        (str(entry.get("person_id")), str(entry.get("email") or ""))
        for entry in truth.manifest_subjects
        if _int_or_none(entry.get("subject_id")) == subject_id and entry.get("person_id")
    ]
    by_id += [(person.person_id, person.email) for person in truth.persons.values() if person.subject_id == subject_id]

    for person_id, email in by_id:
        if not email or not subject_emails or email.casefold() in subject_emails:
            return person_id

    for email in subject_emails:
        for entry in truth.manifest_subjects:
            if str(entry.get("email") or "").casefold() == email and entry.get("person_id"):
                return str(entry["person_id"])
        for person in truth.persons.values():
            if person.email and person.email.casefold() == email:
                return person.person_id

    if by_id:
        logger.warning("subject %d matched person %s by id only; its email differs", subject_id, by_id[0][0])
        return by_id[0][0]
    raise GroundTruthError(
        f"no person in the ground truth matches subject {subject_id} (by subject_id or email); "
        "evaluate a scan of the world that was generated for this subject"
    )
