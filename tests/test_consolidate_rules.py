"""Attribution rules, canonical URLs, classification and exposure scores on hand-built records."""

from __future__ import annotations

import pytest

from footprint.consolidate.classify import category, footprint_type, verified
from footprint.consolidate.exposure import footprint_exposure, subject_exposure
from footprint.consolidate.rules import (
    Contradiction,
    attribute_post,
    combine,
    discount_faces,
    is_exposure,
    is_lookalike,
)
from footprint.consolidate.urls import canonical_url, natural_key_for_media, natural_key_for_url
from footprint.decisions import FootprintDecision
from footprint.evidence import Confidence, Evidence, IdentifierType, Method
from footprint.items import RawItem


def finding(identifier: IdentifierType, confidence: Confidence, method: Method = Method.TEXT, **detail) -> Evidence:
    return Evidence(identifier=identifier, method=method, masked_value="x", confidence=confidence, detail=detail)


NAME = finding(IdentifierType.NAME, Confidence.MEDIUM)
FIRST_NAME = finding(IdentifierType.NAME, Confidence.LOW)
CITY = finding(IdentifierType.ADDRESS, Confidence.LOW)
EMPLOYER = finding(IdentifierType.NAME, Confidence.LOW, context="employer")
EMAIL = finding(IdentifierType.EMAIL, Confidence.CERTAIN)
PHONE = finding(IdentifierType.PHONE, Confidence.HIGH)
NEAR_PHONE = finding(IdentifierType.PHONE, Confidence.MEDIUM, Method.SPEECH)
FACE = finding(IdentifierType.FACE, Confidence.HIGH, Method.FACE)
FACE_CERTAIN = finding(IdentifierType.FACE, Confidence.CERTAIN, Method.FACE)
OTHER_EMAIL = Contradiction(IdentifierType.EMAIL, "email", "profile email o***@example.com is not the subject's")
OTHER_FACE = Contradiction(IdentifierType.FACE, "media/b.jpg", "profile picture shows another face")
OTHER_NAME = Contradiction(IdentifierType.NAME, "display_name", "profile display name is another person's name")


def test_name_alone_is_low():
    assert combine([NAME]) == Confidence.LOW
    assert combine([NAME, NAME, FIRST_NAME]) == Confidence.LOW


def test_name_never_reaches_high():
    assert combine([NAME, CITY, EMPLOYER, finding(IdentifierType.USERNAME, Confidence.MEDIUM)]) == Confidence.MEDIUM


def test_name_with_city_is_medium():
    assert combine([NAME, CITY]) == Confidence.MEDIUM


def test_name_with_employer_is_medium():
    assert combine([NAME, EMPLOYER]) == Confidence.MEDIUM


def test_first_name_with_city_stays_low():
    assert combine([FIRST_NAME, CITY]) == Confidence.LOW


def test_exact_email_alone_is_high():
    assert combine([EMAIL]) == Confidence.HIGH


def test_face_alone_is_high_even_when_certain():
    assert combine([FACE_CERTAIN]) == Confidence.HIGH


def test_email_and_face_are_certain():
    assert combine([EMAIL, FACE]) == Confidence.CERTAIN


def test_phone_and_email_are_certain():
    assert combine([EMAIL, PHONE]) == Confidence.CERTAIN


def test_same_type_twice_is_one_signal():
    assert combine([FACE, FACE_CERTAIN]) == Confidence.HIGH


def test_partial_phone_with_name_is_high():
    assert combine([NEAR_PHONE]) == Confidence.MEDIUM
    assert combine([NEAR_PHONE, NAME]) == Confidence.HIGH


def test_no_evidence_is_none():
    assert combine([]) == Confidence.NONE


def test_namesake_with_other_email_and_face_is_none():
    assert combine([NAME], [OTHER_EMAIL, OTHER_FACE]) == Confidence.NONE


def test_lookalike_profile_stays_low():
    assert combine([FACE], [OTHER_EMAIL, OTHER_NAME]) == Confidence.LOW


def test_contradiction_void_when_type_matches():
    # A second email of the subject in the bio voids the foreign email field.
    assert combine([EMAIL, FACE], [OTHER_EMAIL]) == Confidence.CERTAIN


def test_one_contradiction_lowers_one_level():
    assert combine([EMAIL, FACE], [OTHER_NAME]) == Confidence.HIGH


def test_first_name_does_not_void_name_contradiction():
    assert combine([FACE, FIRST_NAME], [OTHER_NAME]) == Confidence.MEDIUM


def test_lookalike_detection():
    assert is_lookalike([FACE], [OTHER_EMAIL])
    assert not is_lookalike([FACE], [])
    assert not is_lookalike([NAME], [OTHER_EMAIL])


def test_discount_faces_caps_at_low():
    discounted = discount_faces([FACE, EMAIL], "look-alike")
    assert discounted[0].confidence == Confidence.LOW
    assert discounted[0].detail["discounted"] == "look-alike"
    assert discounted[1] is EMAIL


def test_post_inherits_certain_profile():
    inherited = [finding(IdentifierType.EMAIL, Confidence.CERTAIN, inherited_from="p1"),
                 finding(IdentifierType.FACE, Confidence.HIGH, Method.FACE, inherited_from="p1")]
    assert attribute_post([], [], inherited, []) == Confidence.CERTAIN


def test_post_of_namesake_stays_low():
    inherited = [finding(IdentifierType.NAME, Confidence.MEDIUM, inherited_from="p2")]
    assert attribute_post([CITY], [], inherited, [OTHER_EMAIL, OTHER_FACE]) == Confidence.LOW


def test_subject_photo_on_namesake_post_is_high():
    inherited = [finding(IdentifierType.NAME, Confidence.MEDIUM, inherited_from="p2")]
    assert attribute_post([FACE], [], inherited, [OTHER_EMAIL, OTHER_FACE]) == Confidence.HIGH


def test_exposure_filter():
    assert is_exposure(EMAIL)
    assert not is_exposure(EMPLOYER)
    assert not is_exposure(finding(IdentifierType.EMAIL, Confidence.HIGH, inherited_from="p1"))
    assert not is_exposure(OTHER_EMAIL.as_evidence())


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://www.Example.COM/a/b/", "https://example.com/a/b"),
        ("http://example.com:80/a", "https://example.com/a"),
        ("https://example.com:443/a#section", "https://example.com/a"),
        ("https://example.com:8443/a", "https://example.com:8443/a"),
        ("https://example.com/a?utm_source=x&utm_medium=y&id=3&fbclid=abc", "https://example.com/a?id=3"),
        ("https://example.com/a?b=2&a=1", "https://example.com/a?a=1&b=2"),
        ("https://example.com/", "https://example.com"),
        ("https://example.com/Path/Case", "https://example.com/Path/Case"),
        ("https://user:pw@www.example.com/a", "https://example.com/a"),
    ],
)
def test_canonical_url(url, expected):
    assert canonical_url(url) == expected


@pytest.mark.parametrize("url", ["", "example.com/a", "ftp://example.com/a", "https:///nohost"])
def test_canonical_url_rejects_invalid(url):
    with pytest.raises(ValueError, match="invalid URL"):
        canonical_url(url)


def test_natural_keys_are_full_sha256():
    import hashlib

    assert natural_key_for_media("ab" * 32) == hashlib.sha256(("media:" + "ab" * 32).encode()).hexdigest()
    assert natural_key_for_url("https://example.com/a") == hashlib.sha256(b"url:https://example.com/a").hexdigest()
    assert len(natural_key_for_url("https://example.com/a")) == 64


def _item(**values) -> RawItem:
    base = {"source": "google", "family": "search", "item_id": "google:r:1", "kind": "result", "url": "https://example.com/a"}
    base.update(values)
    return RawItem(**base)


def test_classify_types_and_categories():
    profile = _item(source="facebook", family="social", kind="profile", media=["media/a.jpg"])
    video_post = _item(source="x", family="social", kind="post", media=["media/v.mp4"])
    image_result = _item(media=["media/b.png"], fields={"category": "news", "domain": "example-news.com"})
    page = _item(fields={"category": "academic", "domain": "linkedin.com"})
    assert footprint_type(profile) == "text"
    assert footprint_type(video_post) == "video"
    assert footprint_type(image_result) == "image"
    assert footprint_type(page) == "text"
    assert category(profile) == "social_media"
    assert category(image_result) == "news"
    assert category(_item(fields={"category": "unknown"})) == "personal"
    assert verified(profile)
    assert not verified(image_result, "example-news.com")
    assert verified(page)
    assert verified(_item(), "m.facebook.com")


def _decision(confidence: Confidence, linked: bool, *evidence: Evidence) -> FootprintDecision:
    return FootprintDecision(natural_key="k", url="u", source="s", footprint_type="text", category="personal",
                             verified=False, evidence=list(evidence), confidence=confidence, linked=linked)


def test_footprint_exposure_weights():
    assert footprint_exposure([], Confidence.CERTAIN) == 0.0
    assert footprint_exposure([PHONE], Confidence.NONE) == 0.0
    phone = footprint_exposure([finding(IdentifierType.PHONE, Confidence.CERTAIN)], Confidence.CERTAIN)
    name = footprint_exposure([finding(IdentifierType.NAME, Confidence.CERTAIN)], Confidence.CERTAIN)
    assert phone == 60.0
    assert name == 10.0
    assert footprint_exposure([PHONE, EMAIL, FACE, NAME], Confidence.CERTAIN) > phone
    assert footprint_exposure([PHONE], Confidence.HIGH) < footprint_exposure([PHONE], Confidence.CERTAIN)


def test_footprint_exposure_ignores_inherited_and_context():
    inherited = finding(IdentifierType.PHONE, Confidence.CERTAIN, inherited_from="p1")
    assert footprint_exposure([inherited, EMPLOYER], Confidence.CERTAIN) == 0.0


def test_subject_exposure_counts_linked_only():
    certain_phone = finding(IdentifierType.PHONE, Confidence.CERTAIN)
    assert subject_exposure([_decision(Confidence.CERTAIN, True, certain_phone)]) == 60.0
    assert subject_exposure([_decision(Confidence.MEDIUM, False, certain_phone)]) == 0.0
    assert subject_exposure([]) == 0.0


def test_subject_exposure_bounded_and_monotonic():
    everything = [finding(kind, Confidence.CERTAIN) for kind in IdentifierType]
    one = subject_exposure([_decision(Confidence.CERTAIN, True, *everything)])
    many = subject_exposure([_decision(Confidence.CERTAIN, True, *everything)] * 50)
    assert 95.0 < one <= 100.0
    assert one == many
    partial = subject_exposure([_decision(Confidence.HIGH, True, PHONE)])
    assert partial < subject_exposure([_decision(Confidence.HIGH, True, PHONE, EMAIL)])

