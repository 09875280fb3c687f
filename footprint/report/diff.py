"""Differences between two scans of the same subject: new, gone and changed footprints.

Footprints are matched by id (one natural key, one row across scans). A footprint is *changed*
when its confidence, link or exposed identifiers differ between the two scans.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from config.settings import Settings, get_settings
from footprint.report.data import FootprintView, ReportError, ScanView, load_scan_view
from footprint.report.tabular import footprint_dict


@dataclass
class Change:
    """One footprint present in both scans whose confidence, link or identifiers differ."""

    before: FootprintView
    after: FootprintView

    def fields(self) -> dict[str, tuple[Any, Any]]:
        """Return field -> (before, after) for each field that differs."""
        changes: dict[str, tuple[Any, Any]] = {}
        if self.before.confidence != self.after.confidence:
            changes["confidence"] = (self.before.confidence.name.lower(), self.after.confidence.name.lower())
        if self.before.linked != self.after.linked:
            changes["linked"] = (self.before.linked, self.after.linked)
        before_ids = {kind.value: level.name.lower() for kind, level in self.before.identifiers.items()}
        after_ids = {kind.value: level.name.lower() for kind, level in self.after.identifiers.items()}
        if before_ids != after_ids:
            changes["identifiers"] = (before_ids, after_ids)
        return changes


@dataclass
class ScanDiff:
    """Differences from scan ``before`` to scan ``after``.

    Parameters:
        before, after: the two scans.
        new: footprints in ``after`` only.
        gone: footprints in ``before`` only.
        changed: footprints in both whose confidence, link or identifiers differ.
        unchanged: how many footprints are the same in both.
    """

    before: ScanView
    after: ScanView
    new: list[FootprintView] = field(default_factory=list)
    gone: list[FootprintView] = field(default_factory=list)
    changed: list[Change] = field(default_factory=list)
    unchanged: int = 0

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-safe dict (the schema of ``report --diff --format json``)."""
        return {
            "schema": "footprint.diff/1",
            "subject_id": self.after.subject_id,
            "before": {"scan_id": self.before.scan_id, "exposure": self.before.exposure},
            "after": {"scan_id": self.after.scan_id, "exposure": self.after.exposure},
            "new": [footprint_dict(footprint) for footprint in self.new],
            "gone": [footprint_dict(footprint) for footprint in self.gone],
            "changed": [
                {"id": change.after.footprint_id, "url": change.after.url, "title": change.after.title,
                 "changes": {name: {"before": old, "after": new} for name, (old, new) in change.fields().items()}}
                for change in self.changed
            ],
            "unchanged": self.unchanged,
        }


def _relevant(view: ScanView, include_unlinked: bool) -> dict[int, FootprintView]:
    return {footprint.footprint_id: footprint for footprint in view.footprints if include_unlinked or footprint.linked}


def diff_views(before: ScanView, after: ScanView, include_unlinked: bool = False) -> ScanDiff:
    """Compare two loaded scans; raise :class:`ReportError` if their subjects differ.

    Without ``include_unlinked`` only footprints linked in at least one scan take part, and a
    footprint linked in one scan but not the other is a change of link, not new or gone.
    """
    if before.subject_id != after.subject_id:
        raise ReportError(
            f"scans {before.scan_id} and {after.scan_id} belong to different subjects "
            f"({before.subject_id} and {after.subject_id}); diff two scans of the same subject"
        )
    old_all = {footprint.footprint_id: footprint for footprint in before.footprints}
    new_all = {footprint.footprint_id: footprint for footprint in after.footprints}
    old = _relevant(before, include_unlinked)
    new = _relevant(after, include_unlinked)
    keys = set(old) | set(new)

    result = ScanDiff(before=before, after=after)
    for footprint_id in sorted(keys):
        earlier, later = old_all.get(footprint_id), new_all.get(footprint_id)
        if earlier is None:
            result.new.append(later)
        elif later is None:
            result.gone.append(earlier)
        else:
            change = Change(earlier, later)
            if change.fields():
                result.changed.append(change)
            else:
                result.unchanged += 1
    return result


def diff_scans(scan_before: int, scan_after: int, settings: Settings | None = None, include_unlinked: bool = False) -> ScanDiff:
    """Load scans ``scan_before`` and ``scan_after`` and compare them (see :func:`diff_views`)."""
    settings = settings or get_settings()
    return diff_views(load_scan_view(scan_before, settings), load_scan_view(scan_after, settings), include_unlinked)
