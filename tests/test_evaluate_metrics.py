"""Evaluation metrics on a hand-built store (real SQLite, real loader) and a hand-written ground truth."""

from __future__ import annotations

import json
from datetime import datetime, timezone
from pathlib import Path

import pytest
from click.testing import CliRunner

from footprint.cli.evaluate import EXIT_BELOW_BAR, evaluate
from footprint.decisions import FootprintDecision, Sighting
from footprint.evaluation import GroundTruthError, evaluate_scan
from footprint.evaluation.truth import find_subject_person, load_ground_truth
from footprint.evidence import Confidence, Evidence, IdentifierType, Method
from footprint.store import migrate
from footprint.store.engine import session_scope
from footprint.store.loader import load_decisions
from footprint.store.models import Scan, Subject, SubjectEmail

S1, S2, S3, S4 = ("1" * 64, "2" * 64, "3" * 64, "4" * 64)


def _finding(identifier, confidence, item, method=Method.TEXT, **detail) -> Evidence:
    return Evidence(identifier=identifier, method=method, masked_value=f"masked {identifier.value}",
                    confidence=confidence, field="text", detail={"item": item, **detail})


def store_subject(settings, name="Barack Obama", email="barack.obama@example.org") -> int:
    """Insert a subject row directly and return its id."""
    with session_scope(settings) as session:
        subject = Subject(full_name=name, region="US")
        subject.emails.append(SubjectEmail(email=email, is_primary=True))
        session.add(subject)
        session.flush()
        return subject.id


def store_scan(settings, subject_id: int, world_dir: Path, finished: datetime | None = None) -> int:
    """Insert a finished scan row and return its id."""
    with session_scope(settings) as session:
        scan = Scan(subject_id=subject_id, status="done", world_dir=str(world_dir), sources=[],
                    finished_at=finished or datetime(2025, 6, 1, 12, 0))
        session.add(scan)
        session.flush()
        return scan.id


def hand_decisions() -> list[FootprintDecision]:
    """Five footprints: two CERTAIN, one HIGH (with a namesake result folded in), MEDIUM, LOW."""
    posted = datetime(2025, 3, 1, 14, 22, 5, tzinfo=timezone.utc)
    profile = FootprintDecision(
        natural_key="a" * 64, url="https://facebook.com/bobama", source="facebook", footprint_type="text",
        category="social_media", verified=True, title="Barack Obama", excerpt="Chicago. Mail b***@example.org",
        media_sha256=S1, sightings=[Sighting("facebook", "facebook:p:1", "https://facebook.com/bobama")],
        evidence=[
            _finding(IdentifierType.EMAIL, Confidence.CERTAIN, "facebook:p:1"),
            _finding(IdentifierType.FACE, Confidence.HIGH, "facebook:p:1", Method.FACE, sha256=S1, box=[10, 60, 60, 10], distance=0.35),
            _finding(IdentifierType.NAME, Confidence.MEDIUM, "facebook:p:1"),
        ],
        confidence=Confidence.CERTAIN, exposure=70.0, linked=True,
    )
    post = FootprintDecision(
        natural_key="b" * 64, url="https://facebook.com/bobama/posts/1", source="facebook", footprint_type="text",
        category="social_media", verified=True, title="Post by Barack Obama", excerpt="Great day",
        sightings=[Sighting("facebook", "facebook:post:1", "https://facebook.com/bobama/posts/1", posted)],
        evidence=[
            _finding(IdentifierType.EMAIL, Confidence.CERTAIN, "facebook:p:1", inherited_from="facebook:p:1"),
            _finding(IdentifierType.NAME, Confidence.MEDIUM, "facebook:p:1", inherited_from="facebook:p:1"),
        ],
        confidence=Confidence.CERTAIN, exposure=0.0, linked=True,
    )
    result = FootprintDecision(
        natural_key="c" * 64, url="https://example-news.com/obama", source="google", footprint_type="text",
        category="news", verified=False, title="Call =SUM(1) Obama", excerpt="call +1 ***-***-0147",
        sightings=[Sighting("google", "google:r:1", "https://www.example-news.com/obama"),
                   Sighting("bing", "bing:r:3", "https://example-news.com/obama/?utm_source=x")],
        evidence=[_finding(IdentifierType.PHONE, Confidence.HIGH, "google:r:1"),
                  _finding(IdentifierType.NAME, Confidence.MEDIUM, "google:r:1")],
        confidence=Confidence.HIGH, exposure=55.0, linked=True,
    )
    city_post = FootprintDecision(
        natural_key="d" * 64, url="https://x.com/bo/status/9", source="x", footprint_type="text",
        category="social_media", verified=True, title="Post by Barack Obama", excerpt="Back in Chicago",
        sightings=[Sighting("x", "x:post:9", "https://x.com/bo/status/9", posted)],
        evidence=[_finding(IdentifierType.NAME, Confidence.MEDIUM, "x:post:9"),
                  _finding(IdentifierType.ADDRESS, Confidence.LOW, "x:post:9")],
        confidence=Confidence.MEDIUM, exposure=5.0, linked=False,
    )
    namesake = FootprintDecision(
        natural_key="e" * 64, url="https://facebook.com/other.obama", source="facebook", footprint_type="text",
        category="social_media", verified=True, title="Barack Obama", excerpt="",
        media_sha256=S2, sightings=[Sighting("facebook", "facebook:p:2", "https://facebook.com/other.obama")],
        evidence=[
            _finding(IdentifierType.NAME, Confidence.MEDIUM, "facebook:p:2"),
            _finding(IdentifierType.FACE, Confidence.LOW, "facebook:p:2", Method.FACE, sha256=S2, discounted="look-alike"),
            Evidence(IdentifierType.EMAIL, Method.TEXT, "", Confidence.NONE, 0.0, "email",
                     detail={"contradicts": "profile email o***@example.com is not the subject's", "item": "facebook:p:2"}),
        ],
        confidence=Confidence.LOW, exposure=1.0, linked=False,
    )
    return [profile, post, result, city_post, namesake]


def write_world(world: Path, subject_id: int | None = 1, email: str = "barack.obama@example.org") -> Path:
    """Write a manifest and ground truth matching :func:`hand_decisions`."""
    world.mkdir(parents=True, exist_ok=True)
    records = [
        {"type": "person", "person_id": "S0001", "role": "subject", "full_name": "Barack Obama",
         "subject_id": subject_id, "email": email},
        {"type": "person", "person_id": "N0001", "role": "namesake", "full_name": "Barack Obama", "namesake_of": "S0001"},
        {"type": "person", "person_id": "B000001", "role": "base", "full_name": "Ann Base"},
        {"type": "item", "source": "facebook", "id": "facebook:p:1", "owner": "S0001", "about": ["S0001"],
         "exposes": ["email", "face", "name"], "findable": True},
        {"type": "item", "source": "facebook", "id": "facebook:post:1", "owner": "S0001", "about": ["S0001"],
         "exposes": ["name"], "findable": True},
        {"type": "item", "source": "google", "id": "google:r:1", "owner": None, "about": ["S0001"],
         "exposes": ["name", "phone"], "findable": True},
        {"type": "item", "source": "x", "id": "x:post:9", "owner": "S0001", "about": ["S0001"],
         "exposes": ["name"], "findable": False, "note": "name and city only"},
        {"type": "item", "source": "instagram", "id": "instagram:post:5", "owner": "B000001",
         "about": ["S0001", "B000001"], "exposes": ["face"], "findable": True,
         "exposes_by_person": {"S0001": ["face"], "B000001": ["face", "name"]},
         "findable_by_person": {"S0001": True, "B000001": True}},
        {"type": "item", "source": "facebook", "id": "facebook:p:2", "owner": "N0001", "about": ["N0001"],
         "exposes": ["name"], "findable": True},
        {"type": "item", "source": "bing", "id": "bing:r:3", "owner": None, "about": ["B000001"],
         "exposes": ["name"], "findable": True},
        {"type": "media", "path": "media/a.jpg", "sha256": S1, "people": ["S0001"]},
        {"type": "media", "path": "media/b.jpg", "sha256": S2, "people": ["N0001"]},
        {"type": "media", "path": "media/c.jpg", "sha256": S3, "people": ["B000001", "S0001"]},
        {"type": "media", "path": "media/d.jpg", "sha256": S4, "people": ["B000001"]},
    ]
    (world / "ground_truth.jsonl").write_text("".join(json.dumps(record) + "\n" for record in records), encoding="utf-8")
    manifest = {"format": 1, "subjects": [{"person_id": "S0001", "subject_id": subject_id, "email": email}]}
    (world / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    return world


def build_store(settings, world: Path) -> tuple[int, int]:
    """Migrate, store a subject and a scan of :func:`hand_decisions`; return (subject id, scan id)."""
    migrate.upgrade(settings)
    subject_id = store_subject(settings)
    write_world(world, subject_id)
    scan_id = store_scan(settings, subject_id, world)
    load_decisions(scan_id, subject_id, hand_decisions(), settings)
    return subject_id, scan_id


@pytest.fixture(params=["sqlite", "mysql"])
def store_settings(request, make_settings):
    """Settings on an empty database: SQLite in a temporary folder, or the run's MariaDB database."""
    if request.param == "sqlite":
        return make_settings()
    return make_settings(database_url=request.getfixturevalue("fresh_mysql_url"))


@pytest.fixture
def scanned(store_settings, tmp_path):
    subject_id, scan_id = build_store(store_settings, tmp_path / "world")
    return store_settings, scan_id, tmp_path / "world"


def test_links_at_default_threshold(scanned):
    settings, scan_id, _ = scanned
    result = evaluate_scan(scan_id, settings)
    assert result.person_id == "S0001"
    assert (result.links.counts.tp, result.links.counts.fp, result.links.counts.fn) == (3, 1, 2)
    assert result.precision == pytest.approx(0.75)
    assert result.recall == pytest.approx(0.75)
    assert result.recall_all == pytest.approx(0.6)
    assert result.f1 == pytest.approx(0.75)


def test_links_across_thresholds(scanned):
    settings, scan_id, _ = scanned
    by = evaluate_scan(scan_id, settings).by_threshold
    assert list(by) == ["low", "medium", "high", "certain"]
    assert (by["certain"].counts.tp, by["certain"].counts.fp) == (2, 0)
    assert by["certain"].precision == 1.0
    assert by["certain"].recall_all == pytest.approx(0.4)
    assert (by["high"].counts.tp, by["high"].counts.fp) == (3, 1)
    assert (by["medium"].counts.tp, by["medium"].counts.fp) == (4, 1)
    assert by["medium"].recall == pytest.approx(0.75)
    assert by["medium"].recall_all == pytest.approx(0.8)
    assert (by["low"].counts.tp, by["low"].counts.fp) == (4, 2)


def test_identifier_counts_use_own_findings(scanned):
    settings, scan_id, _ = scanned
    identifiers = evaluate_scan(scan_id, settings).identifiers
    assert (identifiers["name"].tp, identifiers["name"].fp, identifiers["name"].fn) == (3, 0, 1)
    assert (identifiers["email"].tp, identifiers["email"].fp, identifiers["email"].fn) == (1, 0, 0)
    assert (identifiers["phone"].tp, identifiers["phone"].fn) == (1, 0)
    assert (identifiers["face"].tp, identifiers["face"].fn) == (1, 1)
    # x:post:9 names the subject's city only (address at LOW), which the ground truth does not call an address.
    assert (identifiers["address"].tp, identifiers["address"].fp) == (0, 0)


def test_face_verification_counts(scanned):
    settings, scan_id, _ = scanned
    faces = evaluate_scan(scan_id, settings).faces
    assert (faces.tp, faces.fp, faces.fn, faces.tn) == (1, 1, 1, 1)


def test_false_positive_and_negative_lists(scanned):
    settings, scan_id, _ = scanned
    result = evaluate_scan(scan_id, settings)
    assert [(o.source, o.item_id) for o in result.false_positives] == [("bing", "bing:r:3")]
    assert result.false_positives[0].evidence[0]["identifier"] == "phone"
    negatives = {(o.item_id, o.findable, o.confidence) for o in result.false_negatives}
    assert negatives == {("instagram:post:5", True, "none"), ("x:post:9", False, "medium")}
    assert result.totals["about_subject"] == 5
    assert result.totals["findable"] == 4
    assert result.unknown_items == []


def test_result_json_round_trip(scanned):
    settings, scan_id, _ = scanned
    data = json.loads(json.dumps(evaluate_scan(scan_id, settings).to_dict()))
    assert data["links"]["precision"] == 0.75
    assert data["by_threshold"]["certain"]["precision"] == 1.0
    assert data["faces"]["tp"] == 1
    assert data["false_negatives"][0]["item_id"] in {"instagram:post:5", "x:post:9"}


def test_cli_json_and_bars(scanned):
    settings, scan_id, world = scanned
    runner = CliRunner()
    outcome = runner.invoke(evaluate, ["--scan", str(scan_id), "--format", "json"])
    assert outcome.exit_code == 0, outcome.output
    assert json.loads(outcome.stdout)["links"]["tp"] == 3

    text = runner.invoke(evaluate, ["--scan", str(scan_id), "--world", str(world)])
    assert text.exit_code == 0, text.output
    assert "precision" in text.output
    assert "bing:r:3" in text.output

    below = runner.invoke(evaluate, ["--scan", str(scan_id), "--min-precision", "0.99", "--min-recall", "0.5"])
    assert below.exit_code == EXIT_BELOW_BAR
    assert "precision 0.7500 < 0.99" in below.output

    met = runner.invoke(evaluate, ["--scan", str(scan_id), "--format", "json", "--min-precision", "0.7", "--min-recall", "0.7"])
    assert met.exit_code == 0


def test_cli_unknown_scan(scanned):
    outcome = CliRunner().invoke(evaluate, ["--scan", "999"])
    assert outcome.exit_code == 1
    assert "scan 999 not found" in outcome.output


def test_subject_found_by_email_when_id_differs(tmp_path):
    world = write_world(tmp_path / "w", subject_id=7, email="Barack.Obama@Example.org")
    truth = load_ground_truth(world)
    assert find_subject_person(truth, 1, ["barack.obama@example.org"]) == "S0001"
    assert find_subject_person(truth, 7, []) == "S0001"
    with pytest.raises(GroundTruthError, match="no person in the ground truth matches subject 2"):
        find_subject_person(truth, 2, ["someone@example.org"])


def test_ground_truth_errors_name_the_line(tmp_path):
    with pytest.raises(GroundTruthError, match="ground truth not found"):
        load_ground_truth(tmp_path)
    (tmp_path / "ground_truth.jsonl").write_text('{"type": "person", "person_id": "S1"}\n{oops\n', encoding="utf-8")
    with pytest.raises(GroundTruthError, match="ground_truth.jsonl:2"):
        load_ground_truth(tmp_path)
