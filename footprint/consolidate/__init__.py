"""Attribution, deduplication, classification and exposure scoring of a scan's items.

Entry points: :func:`consolidate` turns raw items and media analyses into footprint decisions,
:func:`subject_exposure` scores a subject over them. The rules live in
:mod:`footprint.consolidate.rules`.
"""

from footprint.consolidate.core import consolidate
from footprint.consolidate.exposure import exposed_identifiers, footprint_exposure, subject_exposure
from footprint.consolidate.rules import combine, is_exposure
from footprint.consolidate.urls import canonical_url, natural_key_for_media, natural_key_for_url

__all__ = [
    "canonical_url",
    "combine",
    "consolidate",
    "exposed_identifiers",
    "footprint_exposure",
    "is_exposure",
    "natural_key_for_media",
    "natural_key_for_url",
    "subject_exposure",
]
