"""Ground truth of the simulated world: who each item is about, what it exposes, whether it is findable.

An :class:`Exposure` is filled while an item is built, one identifier type at a time, so the ground
truth records what was put into the item, never what a detector would find in it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

#: Identifier types, the values of footprint.evidence.IdentifierType.
IDENTIFIER_TYPES = ("name", "email", "phone", "address", "birth_date", "username", "face")


def is_findable(exposed: set[str], light_face: bool) -> bool:
    """Decide whether a scan can tie an item to a person from what it shows.

    True with an email, a phone, a name together with a street address or a birth date, or a face
    transformed lightly enough for the face detector. A name with a city or an employer, a
    username, or a first name alone are not enough.
    """
    if "email" in exposed or "phone" in exposed or light_face:
        return True
    return "name" in exposed and ("address" in exposed or "birth_date" in exposed)


def is_subject_id(person_id: str) -> bool:
    """Return whether a person id names a subject ("S0001")."""
    return person_id.startswith("S")


@dataclass
class Exposure:
    """Identifiers that one item shows, per person, filled while the item is built.

    Parameters:
        by_person: identifier types shown, per person id, in the order people were added.
        light_faces: person ids whose face appears lightly transformed (detectable).
        notes: short explanations of the hard case the item is, for the ground truth.
    """

    by_person: dict[str, set[str]] = field(default_factory=dict)
    light_faces: set[str] = field(default_factory=set)
    notes: list[str] = field(default_factory=list)

    def add(self, person_id: str, *identifier_types: str) -> Exposure:
        """Record that the item shows these identifier types of a person (none: only about them)."""
        for identifier in identifier_types:
            if identifier not in IDENTIFIER_TYPES:
                raise ValueError(f"unknown identifier type {identifier!r}: use one of {', '.join(IDENTIFIER_TYPES)}")
        self.by_person.setdefault(person_id, set()).update(identifier_types)
        return self

    def add_media(self, media: Any) -> Exposure:
        """Record the faces and spoken identifiers of a media file (a media.MediaInfo)."""
        for person_id in media.people:
            self.add(person_id, "face")
        self.light_faces.update(media.light_faces)
        for person_id, identifiers in media.spoken.items():
            self.add(person_id, *identifiers)
        return self

    def note(self, text: str) -> Exposure:
        """Append a note for the ground truth."""
        self.notes.append(text)
        return self

    def about(self) -> list[str]:
        """Return the people the item is about: subjects first, then others in the order added."""
        people = list(self.by_person)
        return [p for p in people if is_subject_id(p)] + [p for p in people if not is_subject_id(p)]

    def findable_for(self, person_id: str) -> bool:
        """Apply :func:`is_findable` to what the item shows of one person."""
        return is_findable(self.by_person.get(person_id, set()), person_id in self.light_faces)


def person_record(person: Any) -> dict[str, Any]:
    """Build the ground-truth record of a person (a population.Person)."""
    record: dict[str, Any] = {
        "type": "person",
        "person_id": person.person_id,
        "role": person.role,
        "full_name": person.full_name,
    }
    if person.subject_id is not None or person.role == "subject":
        record["subject_id"] = person.subject_id
    record["email"] = person.email
    record["phone"] = person.phone
    record["city"] = person.address.city
    record["address"] = person.address.one_line()
    record["birth_date"] = person.birth_date.isoformat() if person.birth_date else None
    record["employer"] = person.employer
    record["face"] = person.face.name if person.face else None
    if person.role == "namesake":
        record["namesake_of"] = person.related_to
    elif person.role == "lookalike":
        record["lookalike_of"] = person.related_to
    elif person.role == "neighbour":
        record["neighbour_of"] = person.related_to
        record["shares"] = person.shares
    return record


def item_record(
    *,
    source: str,
    item_id: str,
    url: str,
    kind: str,
    owner: str | None,
    exposure: Exposure,
    media: list[str],
    linked_findable: bool = False,
) -> dict[str, Any]:
    """Build the ground-truth record of an item.

    ``exposes`` and ``findable`` describe the first person in ``about`` (a subject when the item is
    about one). ``linked_findable`` marks a post whose profile is findable for the same person: a
    scan can tie the post to that person through its ``profile_id``. With more than one person in
    ``about``, ``exposes_by_person`` and ``findable_by_person`` give the same facts for each.
    """
    about = exposure.about()
    first = about[0] if about else None

    def findable(person_id: str) -> bool:
        return exposure.findable_for(person_id) or (linked_findable and person_id == owner)

    record: dict[str, Any] = {
        "type": "item",
        "source": source,
        "id": item_id,
        "url": url,
        "kind": kind,
        "owner": owner,
        "about": about,
        "exposes": sorted(exposure.by_person.get(first, set())) if first else [],
        "findable": findable(first) if first else False,
        "note": "; ".join(exposure.notes),
        "media": media,
    }
    if len(about) > 1:
        record["exposes_by_person"] = {person_id: sorted(exposure.by_person[person_id]) for person_id in about}
        record["findable_by_person"] = {person_id: findable(person_id) for person_id in about}
    return record
