"""Scan diffs: new, gone and changed footprints between two scans of one subject."""

from __future__ import annotations

import dataclasses
import json
from datetime import datetime

import pytest
from click.testing import CliRunner

from footprint.cli.report import report
from footprint.decisions import FootprintDecision, Sighting
from footprint.evidence import Confidence, IdentifierType
from footprint.report.data import ReportError, load_scan_view
from footprint.report.diff import diff_views
from footprint.store import migrate
from footprint.store.loader import load_decisions
from tests.test_evaluate_metrics import hand_decisions, store_scan, store_subject, write_world
from tests.test_evaluate_metrics import store_settings  # noqa: F401  (fixture: SQLite and MariaDB)


def _new_footprint() -> FootprintDecision:
    return FootprintDecision(
        natural_key="9" * 64, url="https://example-blog.com/obama", source="google", footprint_type="text",
        category="personal", verified=False, title="A new page", excerpt="",
        sightings=[Sighting("google", "google:r:77", "https://example-blog.com/obama")],
        evidence=hand_decisions()[2].evidence, confidence=Confidence.HIGH, exposure=40.0, linked=True,
    )


def _two_scans(settings, tmp_path) -> tuple[int, int, int]:
    migrate.upgrade(settings)
    world = write_world(tmp_path / "world")
    subject_id = store_subject(settings)
    profile, post, result, *_ = hand_decisions()
    first = store_scan(settings, subject_id, world, datetime(2025, 6, 1))
    load_decisions(first, subject_id, [profile, post, result], settings)
    second = store_scan(settings, subject_id, world, datetime(2025, 6, 2))
    load_decisions(second, subject_id, [profile, result, _new_footprint()], settings)
    return subject_id, first, second


def test_diff_new_and_gone(store_settings, tmp_path):
    _, first, second = _two_scans(store_settings, tmp_path)
    outcome = CliRunner().invoke(report, ["--diff", str(first), str(second), "--format", "json"])
    assert outcome.exit_code == 0, outcome.output
    data = json.loads(outcome.stdout)
    assert data["schema"] == "footprint.diff/1"
    assert [footprint["natural_key"] for footprint in data["new"]] == ["9" * 64]
    assert [footprint["natural_key"] for footprint in data["gone"]] == ["b" * 64]
    assert data["changed"] == []
    assert data["unchanged"] == 2
    assert data["before"]["scan_id"] == first
    assert data["after"]["scan_id"] == second


def test_diff_text_output(settings, tmp_path):
    _, first, second = _two_scans(settings, tmp_path)
    outcome = CliRunner().invoke(report, ["--diff", str(first), str(second)], env={"COLUMNS": "200"})
    assert outcome.exit_code == 0, outcome.output
    assert "1 new, 1 gone, 0 changed, 2 unchanged" in outcome.stdout
    assert "A new page" in outcome.stdout


def test_diff_rejects_other_subjects(settings, tmp_path):
    subject_id, first, _ = _two_scans(settings, tmp_path)
    other = store_subject(settings, name="Joe Biden", email="joe@example.org")
    foreign = store_scan(settings, other, tmp_path / "world")
    outcome = CliRunner().invoke(report, ["--diff", str(first), str(foreign)])
    assert outcome.exit_code == 1
    assert "belong to different subjects" in outcome.output


def test_diff_rejects_html(settings, tmp_path):
    _, first, second = _two_scans(settings, tmp_path)
    outcome = CliRunner().invoke(report, ["--diff", str(first), str(second), "--format", "html"])
    assert outcome.exit_code == 1
    assert "--diff supports --format text or json" in outcome.output


def test_changed_confidence_and_identifiers(settings, tmp_path):
    _, first, second = _two_scans(settings, tmp_path)
    before = load_scan_view(first, settings)
    after = load_scan_view(second, settings)
    # The store keeps the latest confidence only, so the change is made on the loaded view.
    result = next(footprint for footprint in after.footprints if footprint.natural_key == "c" * 64)
    lowered = dataclasses.replace(result, confidence=Confidence.MEDIUM, linked=False,
                                  identifiers={IdentifierType.NAME: Confidence.MEDIUM})
    after.footprints = [lowered if footprint is result else footprint for footprint in after.footprints]
    diff = diff_views(before, after)
    assert len(diff.changed) == 1
    fields = diff.changed[0].fields()
    assert fields["confidence"] == ("high", "medium")
    assert fields["linked"] == (True, False)
    assert fields["identifiers"] == ({"phone": "high", "name": "medium"}, {"name": "medium"})


def test_diff_views_checks_subjects(settings, tmp_path):
    _, first, second = _two_scans(settings, tmp_path)
    before = load_scan_view(first, settings)
    after = dataclasses.replace(load_scan_view(second, settings), subject_id=99)
    with pytest.raises(ReportError, match="different subjects"):
        diff_views(before, after)
