"""Masking of emails and phone numbers in log records above DEBUG."""

from __future__ import annotations

import logging

import pytest

from config.logging import MaskingFilter, mask_text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("mail barack.obama@example.org", "mail b***@example.org"),
        ("call +1 (312) 555-0147 now", "call ***47 now"),
        ("call 312.555.0147", "call ***47"),
        ("date 2025-03-01", "date 2025-03-01"),
        ("f1 1.0000 precision 0.9912", "f1 1.0000 precision 0.9912"),
        ("scan 12 done in 3.25s", "scan 12 done in 3.25s"),
        ("task succeeded in 0.0018374568s", "task succeeded in 0.0018374568s"),
        ("Task analyze_image[2adc4567898a-a3b4-cbe5c0b1527a]", "Task analyze_image[2adc4567898a-a3b4-cbe5c0b1527a]"),
        ("sha256 0a9a9ab450c6f1234532e6f5be89", "sha256 0a9a9ab450c6f1234532e6f5be89"),
    ],
)
def test_mask_text(text, expected):
    assert mask_text(text) == expected


def _record(level: int) -> logging.LogRecord:
    return logging.LogRecord("footprint", level, __file__, 1, "subject %s at %s", ("j.doe@example.com", "+14155550123"), None)


def test_info_record_masked():
    record = _record(logging.INFO)

    MaskingFilter().filter(record)

    assert record.getMessage() == "subject j***@example.com at ***23"


def test_debug_record_unmasked():
    record = _record(logging.DEBUG)

    MaskingFilter().filter(record)

    assert record.getMessage() == "subject j.doe@example.com at +14155550123"
