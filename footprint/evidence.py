"""Evidence records: one finding that ties an item to the subject, with its confidence."""

from __future__ import annotations

import enum
import dataclasses
from dataclasses import asdict, dataclass
from typing import Any


class Confidence(enum.IntEnum):
    """Ordered confidence levels, stored as small integers (0 to 4)."""

    NONE = 0
    LOW = 1
    MEDIUM = 2
    HIGH = 3
    CERTAIN = 4

    @classmethod
    def parse(cls, value: str | int | Confidence) -> Confidence:
        """Read a level from its name (any case) or its integer value."""
        if isinstance(value, Confidence):
            return value
        if isinstance(value, int):
            return cls(value)
        try:
            return cls[value.strip().upper()]
        except KeyError:
            names = ", ".join(level.name.lower() for level in cls)
            raise ValueError(f"invalid confidence {value!r}: use one of {names}") from None


class IdentifierType(str, enum.Enum):
    """Kinds of personal identifier an item can expose."""

    NAME = "name"
    EMAIL = "email"
    PHONE = "phone"
    ADDRESS = "address"
    BIRTH_DATE = "birth_date"
    USERNAME = "username"
    FACE = "face"


class Method(str, enum.Enum):
    """Method by which a finding was made."""

    TEXT = "text"
    FACE = "face"
    SPEECH = "speech"


@dataclass(frozen=True)
class Evidence:
    """One finding of a subject's identifier in an item.

    Parameters:
        identifier: what was found (name, email, phone, ...).
        method: text, face or speech.
        masked_value: the matched value masked for display, never the raw email or phone.
        confidence: how sure the match is on its own.
        score: the raw similarity behind the confidence, 0.0 to 1.0 (1.0 is exact; for faces,
            1 - distance).
        field: where in the item it was found ("bio", "text", "transcript", "media/x.jpg", ...).
        start, end: character offsets in that field, or None.
        detail: free-form facts for the report (matched form such as "initials", frame time in
            seconds, face distance).
    """

    identifier: IdentifierType
    method: Method
    masked_value: str
    confidence: Confidence
    score: float = 1.0
    field: str = ""
    start: int | None = None
    end: int | None = None
    detail: dict[str, Any] = dataclasses.field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-safe dict (enums as their values)."""
        data = asdict(self)
        data["identifier"] = self.identifier.value
        data["method"] = self.method.value
        data["confidence"] = self.confidence.name.lower()
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Evidence:
        """Rebuild a record written by :meth:`to_dict`."""
        return cls(
            identifier=IdentifierType(data["identifier"]),
            method=Method(data["method"]),
            masked_value=data["masked_value"],
            confidence=Confidence.parse(data["confidence"]),
            score=float(data.get("score", 1.0)),
            field=data.get("field", ""),
            start=data.get("start"),
            end=data.get("end"),
            detail=dict(data.get("detail") or {}),
        )
