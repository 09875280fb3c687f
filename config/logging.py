"""Logging setup and masking of personal identifiers in log lines."""

from __future__ import annotations

import logging
import re

#: Log line layout: time, level, logger, message.
LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"

_EMAIL_RE = re.compile(r"([A-Za-z0-9._%+-])[A-Za-z0-9._%+-]*@([A-Za-z0-9.-]+\.[A-Za-z]{2,})")
_PHONE_RE = re.compile(r"\+?\d[\d\s().-]{6,}\d")


def mask_text(text: str) -> str:
    """Mask emails and phone numbers in a string: ``j***@example.com``, ``***-**12``."""
    text = _EMAIL_RE.sub(lambda m: f"{m.group(1)}***@{m.group(2)}", text)
    return _PHONE_RE.sub(lambda m: "***" + re.sub(r"\D", "", m.group(0))[-2:], text)


class MaskingFilter(logging.Filter):
    """Mask emails and phones in every record above DEBUG; DEBUG records pass unchanged."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno > logging.DEBUG:
            record.msg = mask_text(record.getMessage())
            record.args = None
        return True


def setup_logging(level: str = "INFO") -> None:
    """Configure the root logger once with the masking filter on its handler."""
    root = logging.getLogger()
    if any(isinstance(f, MaskingFilter) for h in root.handlers for f in h.filters):
        root.setLevel(level.upper())
        return
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter(LOG_FORMAT))
    handler.addFilter(MaskingFilter())
    root.addHandler(handler)
    root.setLevel(level.upper())
