"""End to end on the embedded default: SQLite, Celery eager, in-process cache, real models."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys

import pytest
from sqlalchemy import func, select

from footprint import pipeline
from footprint.store import migrate
from footprint.store.engine import session_scope
from footprint.store.models import (
    ActivityLog,
    DigitalFootprint,
    PersonalIdentity,
    Scan,
    ScanError,
    StagedItem,
    SubjectFootprint,
)
from tests.scanning import ROOT, make_world, register_demo_subject, scan_signature, settings_env

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    return make_world(tmp_path_factory.mktemp("world") / "w")


@pytest.fixture
def subject_id(settings):
    migrate.upgrade(settings)
    return register_demo_subject(settings)


def _count(settings, model, *where) -> int:
    with session_scope(settings) as session:
        return session.scalar(select(func.count()).select_from(model).where(*where))


def test_cli_scan_loads_rows_and_prints_summary(settings, subject_id, world):
    result = subprocess.run(
        [sys.executable, "manage.py", "scan", "--subject", str(subject_id), "--world", str(world)],
        cwd=ROOT, env=settings_env(settings), capture_output=True, text=True, timeout=900,
    )

    assert result.returncode == 0, result.stderr[-3000:]
    assert "done" in result.stdout
    assert "footprints linked" in result.stdout
    with session_scope(settings) as session:
        scan = session.scalars(select(Scan)).one()
        assert scan.status == "done"
        assert scan.counts["items"] > 0
        assert scan.counts["linked"] > 0
        assert set(scan.timings) >= {"extract", "analyze", "consolidate", "load", "total"}
    assert _count(settings, SubjectFootprint, SubjectFootprint.linked.is_(True)) == scan.counts["linked"]
    assert _count(settings, PersonalIdentity) > 0
    assert _count(settings, StagedItem) == 0


def test_second_scan_reuses_analyses_and_adds_only_logs(settings, subject_id, world):
    first = pipeline.run_scan(subject_id, world, settings)
    before = {model: _count(settings, model) for model in (DigitalFootprint, SubjectFootprint, PersonalIdentity)}
    logs_first = _count(settings, ActivityLog, ActivityLog.scan_id == first)

    second = pipeline.run_scan(subject_id, world, settings)

    counts = pipeline.get_scan(second, settings).counts
    assert counts["media_to_analyse"] == 0
    assert counts["media_reused"] == counts["media_distinct"]
    assert {model: _count(settings, model) for model in before} == before
    assert _count(settings, ActivityLog, ActivityLog.scan_id == second) == logs_first
    first_rows, second_rows = scan_signature(settings, first), scan_signature(settings, second)
    assert first_rows["links"] == second_rows["links"]
    assert len(first_rows["activity_logs"]) == len(second_rows["activity_logs"])


def test_failed_media_recorded_and_rest_loaded(settings, subject_id, world, tmp_path):
    broken = tmp_path / "broken-world"
    shutil.copytree(world, broken)
    (broken / "media" / "broken.jpg").write_bytes(b"\xff\xd8\xff\xe0 truncated")
    post = {"kind": "post", "id": "facebook:post:broken", "profile_id": "facebook:p:broken",
            "url": "https://facebook.com/broken/posts/1", "text": "a broken picture",
            "timestamp": "2025-01-01T00:00:00+00:00", "media": ["media/broken.jpg"]}
    with open(broken / "platforms" / "facebook.jsonl", "a", encoding="utf-8") as handle:
        handle.write(json.dumps(post) + "\n")
        handle.write("{this line is not JSON\n")

    scan_id = pipeline.run_scan(subject_id, broken, settings)

    scan = pipeline.get_scan(scan_id, settings)
    assert scan.status == "done"
    assert scan.counts["linked"] > 0
    with session_scope(settings) as session:
        errors = session.execute(select(ScanError.stage, ScanError.origin, ScanError.reason).where(ScanError.scan_id == scan_id)).all()
    analyze_errors = [error for error in errors if error.stage == "analyze"]
    extract_errors = [error for error in errors if error.stage == "extract"]
    assert [error.origin for error in analyze_errors] == ["media/broken.jpg"]
    assert "broken.jpg" in analyze_errors[0].reason
    assert len(extract_errors) == 1
    assert "invalid JSON" in extract_errors[0].reason


def test_unknown_subject_rejected_by_cli(settings, world):
    migrate.upgrade(settings)

    result = subprocess.run(
        [sys.executable, "manage.py", "scan", "--subject", "999", "--world", str(world)],
        cwd=ROOT, env=settings_env(settings), capture_output=True, text=True, timeout=120,
    )

    assert result.returncode != 0
    assert "subject 999 not found" in result.stderr


def test_subjects_file_scans_each_and_shares_media(settings, subject_id, world, tmp_path):
    subjects = tmp_path / "subjects.jsonl"
    second = {"names": ["Joe Biden"], "emails": ["joe.biden@example.org"], "phones": ["+1 302 555 0199"],
              "photos": [str(ROOT / "footprint" / "assets" / "faces" / "biden.jpg")]}
    subjects.write_text(json.dumps({"subject_id": subject_id}) + "\n" + json.dumps(second) + "\n", encoding="utf-8")

    result = subprocess.run(
        [sys.executable, "manage.py", "scan", "--subjects", str(subjects), "--world", str(world)],
        cwd=ROOT, env=settings_env(settings), capture_output=True, text=True, timeout=900,
    )

    assert result.returncode == 0, result.stderr[-3000:]
    with session_scope(settings) as session:
        scans = session.scalars(select(Scan).order_by(Scan.id)).all()
    assert [scan.status for scan in scans] == ["done", "done"]
    assert scans[0].subject_id != scans[1].subject_id
    assert scans[1].counts["media_to_analyse"] == 0
    assert scans[1].counts["media_reused"] == scans[0].counts["media_distinct"]
