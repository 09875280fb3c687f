"""Report formats on a hand-built store: terminal, JSON schema, CSV header, HTML in headless Chromium."""

from __future__ import annotations

import csv
import dataclasses
import io
import json
import os
import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest
from click.testing import CliRunner

from footprint.analysis.faces import analyze_image
from footprint.cli.report import report
from footprint.decisions import FootprintDecision, Sighting
from footprint.evidence import Confidence, Evidence, IdentifierType, Method
from footprint.media import MediaAnalysis, sha256_file
from footprint.report.html import IDENTIFIER, MASKED, PLAIN, highlight_transcript
from footprint.report.tabular import CSV_COLUMNS, SCHEMA
from footprint.store import migrate
from footprint.store.engine import session_scope
from footprint.store.loader import load_decisions, store_analyses
from footprint.store.models import ScanMedia
from tests.conftest import FACES
from tests.test_evaluate_metrics import hand_decisions, store_scan, store_subject, write_world

CHROMIUM = "/usr/bin/chromium"

#: Keys of one footprint in the JSON report (the documented schema).
FOOTPRINT_KEYS = {
    "id", "natural_key", "url", "source", "type", "category", "verified", "title", "excerpt", "media_sha256",
    "confidence", "linked", "exposure", "identifiers", "first_posted", "sightings", "evidence",
}

TRANSCRIPT = "Hi, I am Barack Obama. Call me at 312 555 0147 or write to barack.obama@example.org, or my friend at 415 555 0199."


def _transcript_decision(sha256: str) -> FootprintDecision:
    phone_start = TRANSCRIPT.index("312")
    name_start = TRANSCRIPT.index("Barack")
    return FootprintDecision(
        natural_key="f" * 64, url="https://x.com/bo/status/10", source="x", footprint_type="audio",
        category="social_media", verified=True, title="<script>alert('x')</script> voice note", excerpt="",
        media_sha256=sha256, sightings=[Sighting("x", "x:post:10", "https://x.com/bo/status/10")],
        evidence=[
            Evidence(IdentifierType.PHONE, Method.SPEECH, "+1 ***-***-0147", Confidence.HIGH, 1.0,
                     "transcript:media/voice.flac", phone_start, phone_start + len("312 555 0147"),
                     {"item": "x:post:10", "sha256": sha256}),
            Evidence(IdentifierType.NAME, Method.SPEECH, "Barack Obama", Confidence.MEDIUM, 1.0,
                     "transcript:media/voice.flac", name_start, name_start + len("Barack Obama"),
                     {"item": "x:post:10", "sha256": sha256}),
        ],
        confidence=Confidence.HIGH, exposure=50.0, linked=True,
    )


@pytest.fixture
def reported(settings, tmp_path):
    """A store with the hand-built scan, a real photo (analysed by the real face model) and a transcript."""
    migrate.upgrade(settings)
    world = write_world(tmp_path / "world")
    subject_id = store_subject(settings)
    scan_id = store_scan(settings, subject_id, world)

    media = world / "media"
    media.mkdir()
    photo = media / "a.jpg"
    shutil.copyfile(FACES / "obama2.jpg", photo)
    photo_sha = sha256_file(photo)
    analysis = analyze_image(photo, settings, sha256=photo_sha)
    assert analysis.faces, "the real face model found no face in obama2.jpg"
    voice_sha = "9" * 64
    store_analyses([analysis, MediaAnalysis(sha256=voice_sha, kind="audio", transcript=TRANSCRIPT, language="en")], settings)
    with session_scope(settings) as session:
        session.add(ScanMedia(scan_id=scan_id, path_sha256="p" * 64, path="media/a.jpg", sha256=photo_sha, kind="image"))
        session.add(ScanMedia(scan_id=scan_id, path_sha256="q" * 64, path="media/voice.flac", sha256=voice_sha, kind="audio"))

    decisions = hand_decisions()
    profile = decisions[0]
    face = next(finding for finding in profile.evidence if finding.identifier is IdentifierType.FACE)
    real_face = dataclasses.replace(face, field="media/a.jpg",
                                    detail={**face.detail, "sha256": photo_sha, "box": list(analysis.faces[0].box)})
    decisions[0] = dataclasses.replace(
        profile, media_sha256=photo_sha,
        evidence=[real_face if finding is face else finding for finding in profile.evidence],
    )
    decisions.append(_transcript_decision(voice_sha))
    load_decisions(scan_id, subject_id, decisions, settings)
    return settings, scan_id, world


def _invoke(*args: str):
    outcome = CliRunner().invoke(report, list(args), env={"COLUMNS": "200"})
    assert outcome.exit_code == 0, outcome.output
    return outcome


def test_text_report_lists_linked(reported):
    _, scan_id, _ = reported
    output = _invoke("--scan", str(scan_id)).stdout
    assert "Exposure score" in output
    assert "4 linked footprints" in output
    assert "facebook" in output
    assert "email:certain" in output


def test_json_schema(reported):
    _, scan_id, _ = reported
    data = json.loads(_invoke("--scan", str(scan_id), "--format", "json").stdout)
    assert data["schema"] == SCHEMA
    assert set(data) == {"schema", "scan", "subject", "summary", "footprints"}
    assert data["scan"]["id"] == scan_id
    assert data["subject"]["name"] == "Barack Obama"
    assert 0 < data["subject"]["exposure"] <= 100
    assert len(data["footprints"]) == 4
    for footprint in data["footprints"]:
        assert set(footprint) == FOOTPRINT_KEYS
        assert footprint["linked"] is True
    first = data["footprints"][0]
    assert first["confidence"] == "certain"
    assert first["identifiers"] == {"email": "certain", "face": "high", "name": "medium"}
    assert data["summary"]["by_confidence"] == {"certain": 2, "high": 2}


def test_json_all_includes_unlinked(reported):
    _, scan_id, _ = reported
    data = json.loads(_invoke("--scan", str(scan_id), "--format", "json", "--all").stdout)
    assert len(data["footprints"]) == 6
    assert {fp["confidence"] for fp in data["footprints"] if not fp["linked"]} == {"medium", "low"}


def test_csv_header_and_rows(reported, tmp_path):
    _, scan_id, _ = reported
    target = tmp_path / "out" / "report.csv"
    _invoke("--scan", str(scan_id), "--format", "csv", "--output", str(target))
    rows = list(csv.reader(io.StringIO(target.read_text(encoding="utf-8"))))
    assert tuple(rows[0]) == CSV_COLUMNS
    assert len(rows) == 5
    by_key = {row[1]: dict(zip(CSV_COLUMNS, row)) for row in rows[1:]}
    result = by_key["c" * 64]
    assert result["sources"] == "bing;google"
    assert result["sightings"] == "2"
    assert result["identifiers"] == "phone:high;name:medium"
    profile = by_key["a" * 64]
    assert profile["identifiers"] == "email:certain;face:high;name:medium"
    assert profile["linked"] == "true"


def test_csv_escapes_formulas(settings, tmp_path):
    migrate.upgrade(settings)
    world = write_world(tmp_path / "world")
    subject_id = store_subject(settings)
    scan_id = store_scan(settings, subject_id, world)
    decision = dataclasses.replace(hand_decisions()[0], title="=HYPERLINK(\"http://evil\")")
    load_decisions(scan_id, subject_id, [decision], settings)
    output = _invoke("--scan", str(scan_id), "--format", "csv").stdout
    row = dict(zip(CSV_COLUMNS, list(csv.reader(io.StringIO(output)))[1]))
    assert row["title"].startswith("'=HYPERLINK")


def test_subject_option_uses_latest_finished_scan(reported):
    settings, scan_id, world = reported
    data = json.loads(_invoke("--subject", "1", "--format", "json").stdout)
    assert data["scan"]["id"] == scan_id


def test_bad_options_are_rejected(reported):
    runner = CliRunner()
    both = runner.invoke(report, ["--scan", "1", "--subject", "1"])
    assert both.exit_code == 1
    assert "exactly one of" in both.output
    missing = runner.invoke(report, ["--scan", "42"])
    assert missing.exit_code == 1
    assert "scan 42 not found" in missing.output
    no_scan = runner.invoke(report, ["--subject", "5"])
    assert no_scan.exit_code == 1
    assert "subject 5 not found" in no_scan.output


def test_transcript_pieces_mask_everything():
    name = TRANSCRIPT.index("Barack")
    findings = [Evidence(IdentifierType.NAME, Method.SPEECH, "Barack Obama", Confidence.MEDIUM, 1.0, "t", name, name + 12)]
    pieces = highlight_transcript(TRANSCRIPT, findings, "US")
    text = "".join(piece for piece, _ in pieces)
    assert "555 0147" not in text
    assert "555 0199" not in text
    assert "barack.obama@example.org" not in text
    assert ("Barack Obama", IDENTIFIER) in pieces
    assert sum(kind == MASKED for _, kind in pieces) == 3
    assert pieces[0] == ("Hi, I am ", PLAIN)


class _DomCounter(HTMLParser):
    """Collects what the test checks in the DOM that Chromium dumps."""

    def __init__(self) -> None:
        super().__init__()
        self.articles: list[dict[str, str]] = []
        self.images: list[str] = []
        self.scripts = 0
        self.marks = 0
        self.ids: dict[str, str] = {}
        self._open_id: str | None = None

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        classes = (attributes.get("class") or "").split()
        if tag == "article" and "footprint" in classes:
            self.articles.append(attributes)
        if tag == "img":
            self.images.append(attributes.get("src") or "")
        if tag == "script":
            self.scripts += 1
        if tag == "mark":
            self.marks += 1
        self._open_id = attributes.get("id")

    def handle_data(self, data):
        if self._open_id and data.strip():
            self.ids.setdefault(self._open_id, data.strip())


def _chromium(args: list[str], profile: Path) -> subprocess.CompletedProcess:
    command = [
        CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        f"--user-data-dir={profile}", "--enable-logging=stderr", "--v=0", *args,
    ]
    return subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)


@pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="chromium is not installed (Debian package chromium)")
def test_html_report_in_chromium(reported, tmp_path):
    _, scan_id, _ = reported
    page = tmp_path / "report.html"
    _invoke("--scan", str(scan_id), "--format", "html", "--output", str(page))
    html = page.read_text(encoding="utf-8")
    assert "http-equiv=\"Content-Security-Policy\"" in html
    assert not re.search(r"""(?:src|href)=["'](?:https?:)?//(?!facebook|x\.com|example-news)""", html)

    dumped = _chromium(["--dump-dom", page.as_uri()], tmp_path / "profile-dom")
    assert dumped.returncode == 0, dumped.stderr[-2000:]
    dom = _DomCounter()
    dom.feed(dumped.stdout)
    assert len(dom.articles) == 4
    assert dom.ids["count-linked"] == "4"
    assert dom.ids["count-photos"] == "1"
    assert dom.ids["exposure-score"] == re.search(r'id="exposure-score">([\d.]+)<', html).group(1)
    assert [src[:23] for src in dom.images] == ["data:image/jpeg;base64,"] * 2
    assert dom.scripts == 0, "an escaped title became a script element"
    assert "<script>alert('x')</script> voice note" in dumped.stdout.replace("&lt;", "<").replace("&gt;", ">")
    assert dom.marks == 4
    assert "555 0147" not in dumped.stdout
    assert "barack.obama@example.org" not in dumped.stdout
    console_errors = [line for line in dumped.stderr.splitlines() if "CONSOLE" in line or "Refused to" in line]
    assert console_errors == []

    shot = tmp_path / "report.png"
    screenshot = _chromium([f"--screenshot={shot}", "--window-size=1280,1800", page.as_uri()], tmp_path / "profile-shot")
    assert screenshot.returncode == 0, screenshot.stderr[-2000:]
    assert shot.stat().st_size > 10_000
    keep = os.environ.get("FOOTPRINT_TEST_KEEP_REPORT")
    if keep:
        shutil.copyfile(shot, Path(keep) / "report.png")
        shutil.copyfile(page, Path(keep) / "report.html")
