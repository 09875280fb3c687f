"""Mask every email address and phone number in free text before it is stored or shown.

Excerpts, titles and transcripts in the database and reports go through :func:`mask_text`, so no
raw email or phone leaves consolidation, whoever's it is.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence

import phonenumbers

from footprint.analysis.identities import mask_email, mask_phone, normalize_phone

logger = logging.getLogger(__name__)

#: Loose email shape; anything it finds is masked, valid or not, because a near-miss is still private.
EMAIL_RE = re.compile(r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)+")

#: Placeholders for values the analysis masks reject as invalid.
EMAIL_PLACEHOLDER = "[email]"
PHONE_PLACEHOLDER = "[phone]"

#: Maximum excerpt length stored on a footprint, characters (the FootprintDecision contract).
EXCERPT_MAX_CHARS = 500


def _masked_email(value: str) -> str:
    try:
        return mask_email(value)
    except ValueError:
        return EMAIL_PLACEHOLDER


def _masked_phone(value: str, region: str) -> str:
    try:
        return mask_phone(normalize_phone(value, region))
    except ValueError:
        return PHONE_PLACEHOLDER


def sensitive_spans(text: str, region: str = "US") -> list[tuple[int, int, str]]:
    """Return (start, end, masked form) of every email and phone number in ``text``, in order.

    Phones are found by libphonenumber in any format of ``region`` (leniency POSSIBLE, so a
    number that is not assigned yet is masked too). Overlapping phone spans inside an email are
    dropped.
    """
    spans: list[tuple[int, int, str]] = []
    for match in EMAIL_RE.finditer(text):
        spans.append((match.start(), match.end(), _masked_email(match.group(0))))
    for match in phonenumbers.PhoneNumberMatcher(text, region, leniency=phonenumbers.Leniency.POSSIBLE):
        if any(start < match.end and match.start < end for start, end, _ in spans):
            continue
        spans.append((match.start, match.end, _masked_phone(match.raw_string, region)))
    return sorted(spans)


def mask_text(text: str, region: str = "US", extra_spans: Sequence[tuple[int, int, str]] = ()) -> str:
    """Return ``text`` with every email and phone number replaced by its masked form.

    ``extra_spans`` are further (start, end, masked form) spans to replace, such as a phone number
    spoken in words that the speech matcher found. They win over overlapping detected spans.
    """
    if not text:
        return ""
    spans = [(start, end, masked) for start, end, masked in extra_spans if 0 <= start < end <= len(text)]
    for start, end, masked in sensitive_spans(text, region):
        if not any(start < other_end and other_start < end for other_start, other_end, _ in spans):
            spans.append((start, end, masked))
    pieces = []
    cursor = 0
    for start, end, masked in sorted(spans):
        if start < cursor:
            continue
        pieces.append(text[cursor:start])
        pieces.append(masked)
        cursor = end
    pieces.append(text[cursor:])
    return "".join(pieces)


def excerpt(
    text: str, region: str = "US", limit: int = EXCERPT_MAX_CHARS, extra_spans: Sequence[tuple[int, int, str]] = ()
) -> str:
    """Return the masked text squeezed to single spaces and cut to ``limit`` characters.

    Masking (see :func:`mask_text`) runs before the cut, so a number split by the cut is never
    shown in part.
    """
    squeezed = " ".join(mask_text(text, region, extra_spans).split())
    if len(squeezed) <= limit:
        return squeezed
    return squeezed[: limit - 1].rstrip() + "…"
