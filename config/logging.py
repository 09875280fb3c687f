"""Logging setup and masking of personal identifiers in log lines."""

from __future__ import annotations

import logging
import re

#: Log line layout: time, level, logger, message.
LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"

_EMAIL_RE = re.compile(r"([A-Za-z0-9._%+-])[A-Za-z0-9._%+-]*@([A-Za-z0-9.-]+\.[A-Za-z]{2,})")
# The lookarounds keep digit runs inside task ids, hashes and other hex strings unmasked.
_PHONE_RE = re.compile(r"(?<![\w+])\+?\d[\d\s().-]{6,}\d(?!\w)")

#: Digits a run needs to be masked as a phone number: E.164 numbers have 8 to 15, and ISO dates
#: (8 digits) and decimals such as "f1 1.0000" stay readable.
_PHONE_MIN_DIGITS = 9


def mask_text(text: str) -> str:
    """Mask emails and phone numbers in a string: ``j***@example.com``, ``***-**12``."""
    text = _EMAIL_RE.sub(lambda m: f"{m.group(1)}***@{m.group(2)}", text)
    return _PHONE_RE.sub(_mask_phone_match, text)


#: A plain decimal number ("0.0018374568"), which a phone-number run can look like.
_DECIMAL_RE = re.compile(r"\d+\.\d+")

#: Loggers that log once per task or per model call at INFO; the CLI shows them only at DEBUG.
CHATTY_LOGGERS = ("celery.app.trace", "faster_whisper", "alembic.runtime.migration")


def _mask_phone_match(match: re.Match[str]) -> str:
    digits = re.sub(r"\D", "", match.group(0))
    if len(digits) < _PHONE_MIN_DIGITS or _DECIMAL_RE.fullmatch(match.group(0)):
        return match.group(0)
    return "***" + digits[-2:]


class MaskingFilter(logging.Filter):
    """Mask emails and phones in every record above DEBUG; DEBUG records pass unchanged."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno > logging.DEBUG:
            record.msg = mask_text(record.getMessage())
            record.args = None
        return True


def setup_logging(level: str = "INFO") -> None:
    """Configure the root logger once with the masking filter on its handler."""
    chatty_level = logging.DEBUG if level.upper() == "DEBUG" else logging.WARNING
    for name in CHATTY_LOGGERS:
        logging.getLogger(name).setLevel(chatty_level)
    root = logging.getLogger()
    if any(isinstance(f, MaskingFilter) for h in root.handlers for f in h.filters):
        root.setLevel(level.upper())
        return
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter(LOG_FORMAT))
    handler.addFilter(MaskingFilter())
    root.addHandler(handler)
    root.setLevel(level.upper())
