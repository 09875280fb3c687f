"""consolidate() on hand-built items with the real text matcher and real face encodings.

The subject's reference face is obama.jpg. obama2.jpg is another photo of him (distance about
0.35) and biden.jpg shows someone else (about 0.84), as measured with face_recognition 1.3.0.
"""

from __future__ import annotations

import hashlib
from datetime import date, datetime, timezone

import pytest

from config.settings import Settings
from footprint.analysis.faces import analyze_image, reference_encoding
from footprint.consolidate import consolidate, subject_exposure
from footprint.consolidate.urls import natural_key_for_media, natural_key_for_url
from footprint.evidence import Confidence, IdentifierType, Method
from footprint.items import RawItem
from footprint.media import MediaAnalysis
from footprint.subject import Address, SubjectProfile
from tests.conftest import FACES

SUBJECT_PHOTO = "media/fa/obama2.jpg"
STRANGER_PHOTO = "media/fa/biden.jpg"
BROKEN_PHOTO = "media/fa/broken.jpg"
VOICE = "media/v/voice.mp4"

SETTINGS = Settings(data_dir="/tmp/footprint-unused", link_threshold="high", face_tolerance=0.5)


@pytest.fixture(scope="module")
def faces():
    """Reference encoding of obama.jpg and real analyses of obama2.jpg and biden.jpg."""
    settings = Settings(data_dir="/tmp/footprint-unused")
    reference = list(reference_encoding(FACES / "obama.jpg", settings))
    subject_photo = analyze_image(FACES / "obama2.jpg", settings, sha256="a" * 64)
    stranger_photo = analyze_image(FACES / "biden.jpg", settings, sha256="b" * 64)
    assert subject_photo.faces and stranger_photo.faces
    return reference, subject_photo, stranger_photo


@pytest.fixture(scope="module")
def subject(faces) -> SubjectProfile:
    reference, _, _ = faces
    return SubjectProfile(
        subject_id=1,
        names=["Barack Obama"],
        emails=["barack.obama@example.org"],
        phones=["+13125550147"],
        addresses=[Address(city="Chicago", street="S Greenwood Ave", number="5046", postal_code="60615",
                           region="IL", country="US")],
        birth_date=date(1961, 8, 4),
        region="US",
        employers=["University of Chicago"],
        reference_encodings=[reference],
    )


@pytest.fixture(scope="module")
def media(faces):
    """(analyses by hash, hashes by path) for the photos, a failed file and a spoken video."""
    _, subject_photo, stranger_photo = faces
    voice = MediaAnalysis(
        sha256="c" * 64, kind="video", has_audio=True, language="en",
        transcript="Hi, I am Barack Obama, call me at three one two five five five zero one four seven.",
    )
    broken = MediaAnalysis(sha256="d" * 64, kind="image", error="media/fa/broken.jpg: file is truncated")
    analyses = {analysis.sha256: analysis for analysis in (subject_photo, stranger_photo, voice, broken)}
    hashes = {SUBJECT_PHOTO: "a" * 64, STRANGER_PHOTO: "b" * 64, VOICE: "c" * 64, BROKEN_PHOTO: "d" * 64}
    return analyses, hashes


def profile(item_id: str, name: str, *, source: str = "facebook", picture: str | None = None, bio: str = "",
            **fields) -> RawItem:
    return RawItem(source=source, family="social", item_id=item_id, kind="profile",
                   url=f"https://{source}.com/{item_id.rsplit(':', 1)[-1]}", title=name, text=bio,
                   fields=fields, media=[picture] if picture else [])


def post(item_id: str, profile_id: str, *, source: str = "facebook", text: str = "", media_paths=(), url: str = "",
         **fields) -> RawItem:
    return RawItem(source=source, family="social", item_id=item_id, kind="post",
                   url=url or f"https://{source}.com/posts/{item_id.rsplit(':', 1)[-1]}", text=text, fields=fields,
                   media=list(media_paths), profile_id=profile_id,
                   posted_at=datetime(2025, 3, 1, 14, 22, 5, tzinfo=timezone.utc))


def result(item_id: str, url: str, title: str, snippet: str = "", *, source: str = "google", media_paths=(),
           category: str = "news", result_type: str = "webpage") -> RawItem:
    return RawItem(source=source, family="search", item_id=item_id, kind="result", url=url, title=title,
                   text=snippet, fields={"category": category, "domain": "example-news.com", "result_type": result_type,
                                         "query": '"Barack Obama"', "rank": 1},
                   media=list(media_paths))


def run(items, subject, media, settings: Settings = SETTINGS):
    analyses, hashes = media
    decisions = consolidate(items, analyses, hashes, subject, settings)
    return decisions, {sighting.item_id: decision for decision in decisions for sighting in decision.sightings}


def test_name_alone_is_not_high(subject, media):
    _, by_item = run([profile("facebook:p:1", "Barack Obama", bio="Hello there")], subject, media)
    decision = by_item["facebook:p:1"]
    assert decision.confidence == Confidence.LOW
    assert not decision.linked


def test_name_and_city_is_medium(subject, media):
    _, by_item = run([profile("facebook:p:1", "Barack Obama", location="Chicago, IL")], subject, media)
    assert by_item["facebook:p:1"].confidence == Confidence.MEDIUM
    assert not by_item["facebook:p:1"].linked


def test_name_and_employer_is_medium(subject, media):
    _, by_item = run([profile("linkedin:p:1", "Barack Obama", source="linkedin", work="University of Chicago")],
                     subject, media)
    decision = by_item["linkedin:p:1"]
    assert decision.confidence == Confidence.MEDIUM
    assert any(finding.detail.get("context") == "employer" for finding in decision.evidence)


def test_exact_email_in_snippet_is_high(subject, media):
    _, by_item = run([result("google:r:1", "https://example-news.com/a", "Contact page",
                             "Write to barack.obama@example.org for details")], subject, media)
    decision = by_item["google:r:1"]
    assert decision.confidence == Confidence.HIGH
    assert decision.linked
    assert "barack.obama@example.org" not in decision.excerpt
    assert "b***@example.org" in decision.excerpt


def test_email_and_face_are_certain(subject, media):
    items = [profile("facebook:p:1", "Barack Obama", picture=SUBJECT_PHOTO, email="barack.obama@example.org")]
    _, by_item = run(items, subject, media)
    decision = by_item["facebook:p:1"]
    assert decision.confidence == Confidence.CERTAIN
    face = [finding for finding in decision.evidence if finding.identifier is IdentifierType.FACE]
    assert face and face[0].method is Method.FACE
    assert face[0].detail["distance"] < 0.5
    assert face[0].detail["sha256"] == "a" * 64


def test_face_alone_is_high(subject, media):
    items = [result("google:r:9", "https://images.example.com/p/1", "Photo", media_paths=[SUBJECT_PHOTO],
                    result_type="image")]
    decisions, by_item = run(items, subject, media)
    decision = by_item["google:r:9"]
    assert decision.confidence == Confidence.HIGH
    assert decision.footprint_type == "image"
    assert decision.natural_key == natural_key_for_media("a" * 64)


def test_namesake_with_other_email_and_face_stays_low(subject, media):
    items = [profile("facebook:p:2", "Barack Obama", picture=STRANGER_PHOTO, email="b.obama@other.example.com",
                     location="Springfield, MO")]
    _, by_item = run(items, subject, media)
    decision = by_item["facebook:p:2"]
    assert decision.confidence <= Confidence.LOW
    assert not decision.linked
    reasons = [finding.detail["contradicts"] for finding in decision.evidence if finding.detail.get("contradicts")]
    assert len(reasons) == 2
    assert all("b.obama@other" not in reason for reason in reasons)


def test_namesake_with_other_birth_date_and_phone(subject, media):
    items = [profile("x:p:2", "Barack Obama", source="x", phone="(415) 555-0100", birth_date="1970-01-02",
                     location="Chicago, IL")]
    _, by_item = run(items, subject, media)
    assert by_item["x:p:2"].confidence == Confidence.NONE


def test_post_inherits_from_subject_profile(subject, media):
    items = [
        profile("facebook:p:1", "Barack Obama", picture=SUBJECT_PHOTO, email="barack.obama@example.org"),
        post("facebook:post:1", "facebook:p:1", text="What a day at the lake"),
    ]
    _, by_item = run(items, subject, media)
    decision = by_item["facebook:post:1"]
    assert decision.confidence == Confidence.CERTAIN
    assert decision.linked
    assert decision.title == "Post by Barack Obama"
    inherited = [finding for finding in decision.evidence if finding.detail.get("inherited_from") == "facebook:p:1"]
    assert inherited
    # The post shows no identifier itself, so it exposes nothing.
    assert decision.exposure == 0.0


def test_post_of_namesake_is_not_linked(subject, media):
    items = [
        profile("facebook:p:2", "Barack Obama", picture=STRANGER_PHOTO, email="b.obama@other.example.com"),
        post("facebook:post:2", "facebook:p:2", text="Back home in Chicago"),
    ]
    _, by_item = run(items, subject, media)
    assert not by_item["facebook:post:2"].linked
    assert by_item["facebook:post:2"].confidence <= Confidence.LOW


def test_subject_photo_posted_by_namesake_is_linked(subject, media):
    items = [
        profile("facebook:p:2", "Barack Obama", picture=STRANGER_PHOTO, email="b.obama@other.example.com"),
        post("facebook:post:3", "facebook:p:2", text="Met my namesake!", media_paths=[SUBJECT_PHOTO]),
    ]
    _, by_item = run(items, subject, media)
    assert by_item["facebook:post:3"].linked


def test_lookalike_profile_and_posts_are_not_linked(subject, media):
    items = [
        profile("instagram:p:7", "Johnny Appleseed", source="instagram", picture=SUBJECT_PHOTO,
                email="johnny@apple.example.com"),
        post("instagram:post:7", "instagram:p:7", source="instagram", text="selfie", media_paths=[SUBJECT_PHOTO],
             url="https://instagram.com/p/7"),
    ]
    _, by_item = run(items, subject, media)
    assert by_item["instagram:p:7"].confidence == Confidence.LOW
    assert not by_item["instagram:post:7"].linked
    discounted = [finding for finding in by_item["instagram:post:7"].evidence if finding.detail.get("discounted")]
    assert discounted


def test_reposts_dedupe_by_media(subject, media):
    items = [
        profile("facebook:p:1", "Barack Obama", picture=SUBJECT_PHOTO, email="barack.obama@example.org"),
        post("facebook:post:1", "facebook:p:1", text="On stage", media_paths=[SUBJECT_PHOTO]),
        post("x:post:5", "x:p:5", source="x", text="Look who I saw", media_paths=[SUBJECT_PHOTO]),
    ]
    decisions, by_item = run(items, subject, media)
    repost = by_item["x:post:5"]
    assert repost is by_item["facebook:post:1"]
    assert [sighting.item_id for sighting in repost.sightings] == ["facebook:post:1", "x:post:5"]
    assert repost.natural_key == hashlib.sha256(("media:" + "a" * 64).encode()).hexdigest()
    assert repost.source == "facebook"
    assert repost.confidence == Confidence.CERTAIN
    # The profile with the same picture stays its own footprint.
    assert by_item["facebook:p:1"] is not repost
    assert len(decisions) == 2


def test_canonical_urls_dedupe(subject, media):
    items = [
        result("google:r:1", "https://www.Example-News.com/city/obama/?utm_source=feed#top", "Barack Obama visits",
               "Barack Obama of Chicago spoke"),
        result("bing:r:4", "http://example-news.com/city/obama", "Obama visits", "", source="bing"),
    ]
    decisions, by_item = run(items, subject, media)
    assert len(decisions) == 1
    decision = decisions[0]
    assert by_item["bing:r:4"] is decision
    assert decision.url == "https://example-news.com/city/obama"
    assert decision.natural_key == natural_key_for_url("https://example-news.com/city/obama")
    assert decision.category == "news"
    assert decision.confidence == Confidence.MEDIUM


def test_spoken_phone_counts_as_speech(subject, media):
    items = [post("x:post:8", "x:p:unknown", source="x", text="", media_paths=[VOICE])]
    _, by_item = run(items, subject, media)
    decision = by_item["x:post:8"]
    speech = [finding for finding in decision.evidence if finding.method is Method.SPEECH]
    assert {finding.identifier for finding in speech} >= {IdentifierType.PHONE, IdentifierType.NAME}
    assert decision.linked
    assert decision.footprint_type == "video"
    assert "Barack Obama" in decision.excerpt
    assert "zero one four seven" not in decision.excerpt


def test_failed_analysis_gives_no_face(subject, media):
    items = [post("facebook:post:9", "facebook:p:none", text="Barack Obama", media_paths=[BROKEN_PHOTO])]
    _, by_item = run(items, subject, media)
    decision = by_item["facebook:post:9"]
    assert all(finding.identifier is not IdentifierType.FACE for finding in decision.evidence)
    assert decision.confidence == Confidence.LOW


def test_unrelated_items_are_left_out(subject, media):
    items = [profile("facebook:p:3", "Ann Other", bio="Gardening"), post("facebook:post:4", "facebook:p:3", text="Tulips")]
    decisions, _ = run(items, subject, media)
    assert decisions == []


def test_excerpt_masks_other_contacts(subject, media):
    items = [profile("facebook:p:1", "Barack Obama", bio="Reach me: bo@else.example.com or (415) 555-0134. Chicago")]
    _, by_item = run(items, subject, media)
    excerpt = by_item["facebook:p:1"].excerpt
    assert "bo@else.example.com" not in excerpt
    assert "555-0134" not in excerpt
    assert "Chicago" in excerpt


def test_excerpt_masks_subject_address_and_birth_date(subject, media):
    items = [result("google:r:5", "https://people.example.com/bo", "Barack Obama - Chicago",
                    "Barack Obama, born 1961-08-04. Address: 5046 S Greenwood Ave, Chicago, IL 60615.",
                    category="directory")]
    _, by_item = run(items, subject, media)
    excerpt = by_item["google:r:5"].excerpt
    assert "5046" not in excerpt
    assert "1961-08-04" not in excerpt
    assert excerpt.startswith("Barack Obama, born ")


def test_link_threshold_setting(subject, media):
    items = [profile("facebook:p:1", "Barack Obama", location="Chicago, IL")]
    medium = Settings(data_dir="/tmp/footprint-unused", link_threshold="medium")
    _, by_item = run(items, subject, media, medium)
    assert by_item["facebook:p:1"].linked


def test_subject_exposure_over_decisions(subject, media):
    items = [
        profile("facebook:p:1", "Barack Obama", picture=SUBJECT_PHOTO, email="barack.obama@example.org",
                phone="(312) 555-0147"),
        profile("facebook:p:2", "Barack Obama", picture=STRANGER_PHOTO, email="b.obama@other.example.com"),
    ]
    decisions, by_item = run(items, subject, media)
    assert by_item["facebook:p:1"].exposure > 50
    score = subject_exposure(decisions)
    assert score == subject_exposure([by_item["facebook:p:1"]])
    assert 50 < score <= 100
