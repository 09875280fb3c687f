"""Counts over a scan's footprints, shared by every report format."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

from footprint.evidence import Confidence, IdentifierType
from footprint.report.data import FootprintView, ScanView

#: Confidence names from the most to the least sure, the order of every confidence listing.
CONFIDENCE_ORDER = [level.name.lower() for level in sorted(Confidence, reverse=True)]

#: Identifier types in report order: the most sensitive first.
IDENTIFIER_ORDER = [
    IdentifierType.PHONE, IdentifierType.ADDRESS, IdentifierType.BIRTH_DATE, IdentifierType.EMAIL,
    IdentifierType.FACE, IdentifierType.USERNAME, IdentifierType.NAME,
]

#: Label of footprints without a publication date in the by-month count.
UNDATED = "undated"


@dataclass
class Summary:
    """Counts over the footprints a report shows.

    Parameters:
        shown: footprints in the report.
        total, linked: footprints of the scan, and those linked to the subject.
        exposure: the subject's exposure score, 0 to 100 (linked footprints only).
        by_confidence, by_source, by_type, by_category: footprints per value, most frequent first
            (confidence in CONFIDENCE_ORDER).
        by_identifier: footprints exposing each identifier type, in IDENTIFIER_ORDER.
        by_month: footprints per "YYYY-MM" of their first publication, oldest first, then UNDATED.
    """

    shown: int
    total: int
    linked: int
    exposure: float
    by_confidence: dict[str, int] = field(default_factory=dict)
    by_source: dict[str, int] = field(default_factory=dict)
    by_type: dict[str, int] = field(default_factory=dict)
    by_category: dict[str, int] = field(default_factory=dict)
    by_identifier: dict[str, int] = field(default_factory=dict)
    by_month: dict[str, int] = field(default_factory=dict)

    def to_dict(self) -> dict:
        return {
            "shown": self.shown, "total": self.total, "linked": self.linked, "exposure": self.exposure,
            "by_confidence": self.by_confidence, "by_source": self.by_source, "by_type": self.by_type,
            "by_category": self.by_category, "by_identifier": self.by_identifier, "by_month": self.by_month,
        }


def select_footprints(view: ScanView, include_unlinked: bool) -> list[FootprintView]:
    """Return the footprints a report shows: the linked ones, or all with ``include_unlinked``."""
    return list(view.footprints) if include_unlinked else view.linked


def _most_common(counter: Counter) -> dict[str, int]:
    return dict(sorted(counter.items(), key=lambda pair: (-pair[1], pair[0])))


def summarize(view: ScanView, footprints: Sequence[FootprintView]) -> Summary:
    """Count ``footprints`` (those a report shows) of scan ``view``."""
    confidence = Counter(footprint.confidence.name.lower() for footprint in footprints)
    identifiers = Counter(kind.value for footprint in footprints for kind in footprint.identifiers)
    months = Counter(
        footprint.first_posted.strftime("%Y-%m") if footprint.first_posted else UNDATED for footprint in footprints
    )
    ordered_months = sorted((month for month in months if month != UNDATED))
    if UNDATED in months:
        ordered_months.append(UNDATED)
    return Summary(
        shown=len(footprints),
        total=len(view.footprints),
        linked=len(view.linked),
        exposure=view.exposure,
        by_confidence={name: confidence[name] for name in CONFIDENCE_ORDER if confidence[name]},
        by_source=_most_common(Counter(footprint.source for footprint in footprints)),
        by_type=_most_common(Counter(footprint.footprint_type for footprint in footprints)),
        by_category=_most_common(Counter(footprint.category for footprint in footprints)),
        by_identifier={kind.value: identifiers[kind.value] for kind in IDENTIFIER_ORDER if identifiers[kind.value]},
        by_month={month: months[month] for month in ordered_months},
    )


def identifier_label(footprint: FootprintView) -> str:
    """Return "email:high, face:certain" for a footprint's exposed identifiers, in report order."""
    parts = [
        f"{kind.value}:{footprint.identifiers[kind].name.lower()}"
        for kind in IDENTIFIER_ORDER
        if kind in footprint.identifiers
    ]
    return ", ".join(parts)
