"""Identity detection in text and transcripts: emails, phones, names, addresses, birth dates, usernames."""

from __future__ import annotations

from datetime import date

import pytest

from footprint.analysis.identities import (
    find_identities,
    mask_email,
    mask_phone,
    mask_value,
    normalize_email,
    normalize_phone,
)
from footprint.analysis.spoken import digits_of, find_number_runs
from footprint.analysis.textfold import fold, fold_with_offsets
from footprint.evidence import Confidence, IdentifierType, Method
from footprint.subject import Address, SubjectProfile


@pytest.fixture(scope="module")
def subject() -> SubjectProfile:
    return SubjectProfile(
        subject_id=7,
        names=["Barack Hussein Obama", "Barack Obama"],
        emails=["barack.obama@example.org", "barackobama@gmail.com"],
        phones=["+14155550123"],
        addresses=[
            Address(city="Chicago", street="Greenwood Avenue", number="5046", postal_code="60615", region="IL", country="US")
        ],
        birth_date=date(1961, 8, 4),
        region="US",
    )


def of_type(findings, identifier: IdentifierType):
    return [finding for finding in findings if finding.identifier is identifier]


def excerpts(text: str, findings) -> list[str]:
    return [text[finding.start : finding.end] for finding in findings]


# Normalisation and masking.


def test_normalize_email_lowercases_domain():
    assert normalize_email("Barack.Obama@Example.ORG") == "Barack.Obama@example.org"


@pytest.mark.parametrize("value", ["bad@@example.org", "no-at-sign", "a@b", ""])
def test_normalize_email_invalid_names_value(value):
    with pytest.raises(ValueError) as error:
        normalize_email(value)
    assert str(error.value).startswith(f"invalid email {value!r}: ")


@pytest.mark.parametrize(
    "value", ["(415) 555-0123", "415.555.0123", "+1 415 555 0123", "4155550123", "1-415-555-0123"]
)
def test_normalize_phone_national_formats(value):
    assert normalize_phone(value, "US") == "+14155550123"


def test_normalize_phone_international_ignores_region():
    assert normalize_phone("+44 20 7946 0958", "US") == "+442079460958"


@pytest.mark.parametrize("value", ["12", "not a phone", "+1 415 555", "", "+999 1234567"])
def test_normalize_phone_invalid_names_value_and_fix(value):
    with pytest.raises(ValueError) as error:
        normalize_phone(value, "US")
    message = str(error.value)
    assert message.startswith(f"invalid phone {value!r}: ")
    assert "international form such as +1 415 555 0123" in message


def test_normalize_phone_unknown_region():
    with pytest.raises(ValueError, match="unknown region 'XX'"):
        normalize_phone("4155550123", "XX")


def test_masks():
    assert mask_email("barack.obama@example.org") == "b***@example.org"
    assert mask_phone("+14155550123") == "+1 ***-***-0123"
    assert mask_phone("+442079460958") == "+44 ***0958"
    assert mask_phone("garbage-0123") == "***0123"
    assert mask_value(IdentifierType.EMAIL, "barack.obama@example.org") == "b***@example.org"
    assert mask_value("phone", "+14155550123") == "+1 ***-***-0123"
    assert mask_value(IdentifierType.BIRTH_DATE, date(1961, 8, 4)) == "1961-**-**"
    assert mask_value(IdentifierType.ADDRESS, "5046 Greenwood Avenue, Chicago") == "*** Greenwood Avenue, Chicago"
    assert mask_value(IdentifierType.NAME, "Barack Obama") == "Barack Obama"


# Emails.


def test_email_exact_case_insensitive(subject):
    text = "Write to BARACK.OBAMA@Example.org today."
    emails = of_type(find_identities(text, subject), IdentifierType.EMAIL)
    assert len(emails) == 1
    assert emails[0].confidence is Confidence.CERTAIN
    assert emails[0].detail["match"] == "exact"
    assert excerpts(text, emails) == ["BARACK.OBAMA@Example.org"]
    assert emails[0].masked_value == "b***@example.org"


def test_email_gmail_dots_and_tag(subject):
    text = "alt: Barack.Obama+news@googlemail.com"
    emails = of_type(find_identities(text, subject), IdentifierType.EMAIL)
    assert len(emails) == 1
    assert emails[0].confidence is Confidence.HIGH
    assert emails[0].detail["match"] == "provider"


def test_email_dots_not_folded_for_other_providers(subject):
    text = "barackobama@example.org and barack.obama+x@example.org"
    assert of_type(find_identities(text, subject), IdentifierType.EMAIL) == []


def test_email_obfuscated_and_spoken(subject):
    written = "mail: barack [dot] obama [at] example [dot] org"
    spoken = "my email is barack dot obama at example dot org thanks"
    found_written = of_type(find_identities(written, subject), IdentifierType.EMAIL)
    found_spoken = of_type(find_identities(spoken, subject, method=Method.SPEECH), IdentifierType.EMAIL)
    assert [e.detail["match"] for e in found_written] == ["obfuscated"]
    assert [e.detail["match"] for e in found_spoken] == ["spoken"]
    assert excerpts(spoken, found_spoken) == ["barack dot obama at example dot org"]
    assert found_spoken[0].confidence is Confidence.HIGH


def test_email_of_another_person_ignored(subject):
    assert of_type(find_identities("barack.obama@example.com", subject), IdentifierType.EMAIL) == []


def test_email_parts_not_reported_as_names(subject):
    findings = find_identities("BARACK.OBAMA@example.org", subject)
    assert [f.identifier for f in findings] == [IdentifierType.EMAIL]


# Phones.


@pytest.mark.parametrize("written", ["(415) 555-0123", "415.555.0123", "+1 415 555 0123", "4155550123", "415-555-0123"])
def test_phone_national_formats(subject, written):
    text = f"Call me at {written} after six."
    phones = of_type(find_identities(text, subject), IdentifierType.PHONE)
    assert len(phones) == 1
    assert phones[0].confidence is Confidence.HIGH
    assert phones[0].masked_value == "+1 ***-***-0123"
    assert written in text[phones[0].start : phones[0].end] or text[phones[0].start : phones[0].end] in written


def test_phone_of_another_person_not_matched(subject):
    text = "Call (415) 555-0124 or 212-555-0123."
    assert of_type(find_identities(text, subject), IdentifierType.PHONE) == []
    assert of_type(find_identities(text, subject, method=Method.SPEECH), IdentifierType.PHONE) != []


def test_phone_spoken_digits(subject):
    text = "my number is four one five, five five five, oh one two three."
    phones = of_type(find_identities(text, subject, method=Method.SPEECH), IdentifierType.PHONE)
    assert len(phones) == 1
    assert phones[0].confidence is Confidence.HIGH
    assert phones[0].detail == {"match": "exact", "spoken": True}
    assert excerpts(text, phones) == ["four one five, five five five, oh one two three"]


def test_phone_spoken_double_and_tens(subject):
    text = "four one five double five five oh one twenty three"
    phones = of_type(find_identities(text, subject, method=Method.SPEECH), IdentifierType.PHONE)
    assert [p.confidence for p in phones] == [Confidence.HIGH]


@pytest.mark.parametrize(
    "heard",
    [
        "four one five five five five one two three",  # dropped 0
        "four one five five five five zero one two four",  # last digit misheard
        "415. 55. 0123",  # dropped 5, written by the speech model
    ],
)
def test_phone_spoken_near_is_lower(subject, heard):
    phones = of_type(find_identities(heard, subject, method=Method.SPEECH), IdentifierType.PHONE)
    assert len(phones) == 1
    assert phones[0].confidence is Confidence.MEDIUM
    assert phones[0].confidence < Confidence.HIGH
    assert phones[0].detail["match"] == "near"
    assert phones[0].score < 1.0


def test_phone_two_digits_off_not_matched(subject):
    heard = "four one five five five five zero one four four"
    assert of_type(find_identities(heard, subject, method=Method.SPEECH), IdentifierType.PHONE) == []


def test_phone_near_only_for_speech(subject):
    assert of_type(find_identities("415 555 012", subject), IdentifierType.PHONE) == []


@pytest.mark.parametrize(
    ("words", "digits"),
    [
        ("four one five", "415"),
        ("double five", "55"),
        ("triple nine", "999"),
        ("twenty three", "23"),
        ("sixteen hundred", "1600"),
        ("five hundred and twelve", "512"),
        ("oh one two three", "0123"),
    ],
)
def test_number_words(words, digits):
    assert digits_of(words.split()) == digits


def test_number_runs_split_on_words():
    runs = find_number_runs("i am 61 and call 415 555 0123 now")
    assert [run.digits for run in runs] == ["61", "4155550123"]


# Names.


@pytest.mark.parametrize(
    ("text", "kind", "confidence"),
    [
        ("Barack Obama spoke.", "exact", Confidence.MEDIUM),
        ("Barack Hussein Obama spoke.", "exact", Confidence.MEDIUM),
        ("Barack H. Obama spoke.", "middle_initial", Confidence.MEDIUM),
        ("OBAMA, Barack spoke.", "reversed", Confidence.MEDIUM),
        ("Barry Obama spoke.", "nickname", Confidence.MEDIUM),
        ("B. Obama spoke.", "initials", Confidence.LOW),
        ("B.H. Obama spoke.", "initials", Confidence.LOW),
        ("Mr. Obama spoke.", "title_surname", Confidence.LOW),
        ("Barack spoke.", "first_name", Confidence.LOW),
        ("BARÁCK ÖBAMA spoke.", "exact", Confidence.MEDIUM),
    ],
)
def test_name_forms(subject, text, kind, confidence):
    names = of_type(find_identities(text, subject), IdentifierType.NAME)
    assert len(names) == 1
    assert names[0].detail["match"] == kind
    assert names[0].confidence is confidence
    assert names[0].masked_value == text[names[0].start : names[0].end]
    assert names[0].end == text.index(" spoke")


def test_name_never_above_medium(subject):
    names = of_type(find_identities("Barack Hussein Obama", subject), IdentifierType.NAME)
    assert max(name.confidence for name in names) is Confidence.MEDIUM


def test_name_nickname_both_directions():
    bob = SubjectProfile(subject_id=1, names=["Bob Smith"])
    robert = SubjectProfile(subject_id=2, names=["Robert Smith"])
    assert [n.detail["match"] for n in of_type(find_identities("Robert Smith", bob), IdentifierType.NAME)] == ["nickname"]
    assert [n.detail["match"] for n in of_type(find_identities("Rob Smith", robert), IdentifierType.NAME)] == ["nickname"]
    assert [n.detail["match"] for n in of_type(find_identities("Bill Smith", robert), IdentifierType.NAME)] == []


def test_name_accented_subject():
    subject = SubjectProfile(subject_id=3, names=["José Müller"])
    text = "JOSE MULLER and jose müller"
    names = of_type(find_identities(text, subject), IdentifierType.NAME)
    assert excerpts(text, names) == ["JOSE MULLER", "jose müller"]


def test_name_other_person_not_matched(subject):
    assert of_type(find_identities("Michelle Robinson and Joe Biden", subject), IdentifierType.NAME) == []


def test_name_fuzzy_only_in_speech(subject):
    text = "Hi, I am Barak Obamma from Chicago."
    assert of_type(find_identities(text, subject), IdentifierType.NAME) == []
    names = of_type(find_identities(text, subject, method=Method.SPEECH), IdentifierType.NAME)
    assert len(names) == 1
    assert names[0].detail["match"] == "fuzzy"
    assert names[0].confidence is Confidence.LOW
    assert names[0].score < 1.0
    assert excerpts(text, names) == ["Barak Obamma"]


@pytest.mark.parametrize(("name", "heard"), [("Katherine Smith", "Cathryn Smyth"), ("Sean Philips", "Shawn Phillips")])
def test_name_phonetic_in_speech(name, heard):
    subject = SubjectProfile(subject_id=4, names=[name])
    text = f"this is {heard} speaking"
    names = of_type(find_identities(text, subject, method=Method.SPEECH), IdentifierType.NAME)
    assert len(names) == 1
    assert names[0].detail["match"] == "phonetic"
    assert names[0].confidence is Confidence.LOW
    assert excerpts(text, names) == [heard]


def test_name_misheard_lower_than_exact(subject):
    exact = of_type(find_identities("I am Barack Obama", subject, method=Method.SPEECH), IdentifierType.NAME)
    misheard = of_type(find_identities("I am Barack Obamma", subject, method=Method.SPEECH), IdentifierType.NAME)
    assert exact[0].confidence > misheard[0].confidence
    assert exact[0].score > misheard[0].score


# Addresses.


def test_address_street_number_city_high(subject):
    text = "Lives at 5046 S. Greenwood Ave., Chicago, IL 60615."
    addresses = of_type(find_identities(text, subject), IdentifierType.ADDRESS)
    assert len(addresses) == 1
    assert addresses[0].confidence is Confidence.HIGH
    assert addresses[0].masked_value == "*** Greenwood Avenue, Chicago"
    assert "5046" not in addresses[0].masked_value


def test_address_street_number_without_city_medium(subject):
    addresses = of_type(find_identities("5046 Greenwood Avenue", subject), IdentifierType.ADDRESS)
    assert [(a.confidence, a.detail["match"]) for a in addresses] == [(Confidence.MEDIUM, "street_number")]


def test_address_city_alone_low(subject):
    addresses = of_type(find_identities("Greetings from Chicago!", subject), IdentifierType.ADDRESS)
    assert [(a.confidence, a.detail["match"], a.masked_value) for a in addresses] == [(Confidence.LOW, "city", "Chicago")]


def test_address_wrong_number_not_street_number(subject):
    addresses = of_type(find_identities("5048 Greenwood Avenue", subject), IdentifierType.ADDRESS)
    assert [a.detail["match"] for a in addresses] == ["street"]
    assert addresses[0].confidence is Confidence.LOW


def test_address_misheard_street_in_speech(subject):
    text = "I live at 5046 Greenwod Avenue in Chicago"
    assert [a.detail["match"] for a in of_type(find_identities(text, subject), IdentifierType.ADDRESS)] == ["city"]
    addresses = of_type(find_identities(text, subject, method=Method.SPEECH), IdentifierType.ADDRESS)
    assert len(addresses) == 1
    assert addresses[0].detail["match"] == "fuzzy"
    assert addresses[0].confidence is Confidence.MEDIUM
    assert addresses[0].confidence < Confidence.HIGH


def test_address_european_order():
    subject = SubjectProfile(subject_id=5, names=["Hans Maier"], addresses=[Address(city="München", street="Hauptstraße", number="12")])
    text = "Wohnt in der Hauptstr. 12, Munchen"
    addresses = of_type(find_identities(text, subject), IdentifierType.ADDRESS)
    assert [a.confidence for a in addresses] == [Confidence.HIGH]


# Birth dates.


@pytest.mark.parametrize(
    "written",
    ["1961-08-04", "08/04/1961", "8/4/1961", "4 August 1961", "August 4, 1961", "4th of Aug. 1961", "04.08.1961", "Aug 4th 1961"],
)
def test_birth_date_formats_high(subject, written):
    text = f"born {written} in Honolulu"
    dates = of_type(find_identities(text, subject), IdentifierType.BIRTH_DATE)
    assert len(dates) == 1
    assert dates[0].confidence is Confidence.HIGH
    assert excerpts(text, dates) == [written]
    assert dates[0].masked_value == "1961-**-**"


def test_birth_date_other_order_medium(subject):
    dates = of_type(find_identities("born 04/08/1961", subject), IdentifierType.BIRTH_DATE)
    assert [(d.confidence, d.detail["match"]) for d in dates] == [(Confidence.MEDIUM, "other_order")]


def test_birth_date_day_first_region():
    subject = SubjectProfile(subject_id=6, names=["Ann Lee"], birth_date=date(1961, 8, 4), region="GB")
    dates = of_type(find_identities("born 04/08/1961", subject), IdentifierType.BIRTH_DATE)
    assert [d.confidence for d in dates] == [Confidence.HIGH]


def test_birth_date_spoken(subject):
    text = "my birthday is August fourth, nineteen sixty-one"
    dates = of_type(find_identities(text, subject, method=Method.SPEECH), IdentifierType.BIRTH_DATE)
    assert [d.confidence for d in dates] == [Confidence.HIGH]


def test_birth_date_other_date_ignored(subject):
    assert of_type(find_identities("born 1961-08-05 or 05/08/1962", subject), IdentifierType.BIRTH_DATE) == []


# Usernames.


@pytest.mark.parametrize(
    ("text", "pattern", "confidence"),
    [
        ("follow @barackobama", "first_last", Confidence.MEDIUM),
        ("https://twitter.com/b.obama", "initial_last", Confidence.LOW),
        ("handle obama_barack61 here", "last_first", Confidence.MEDIUM),
        ("see bobama on github", "initial_last", Confidence.LOW),
        ("see bobama61 on github", "initial_last", Confidence.MEDIUM),
        ("visit barackobama.com", "first_last", Confidence.MEDIUM),
    ],
)
def test_usernames(subject, text, pattern, confidence):
    usernames = of_type(find_identities(text, subject), IdentifierType.USERNAME)
    assert len(usernames) == 1
    assert usernames[0].detail["pattern"] == pattern
    assert usernames[0].confidence is confidence


def test_username_unrelated_ignored(subject):
    assert of_type(find_identities("@michelleobama and @joebiden", subject), IdentifierType.USERNAME) == []


# Robustness.


def test_empty_and_none_text(subject):
    assert find_identities("", subject) == []
    assert find_identities(None, subject) == []


def test_emoji_and_surrogates_keep_offsets(subject):
    text = "🙂🙂 \udcff\udcfe Barack Obama 🙂 barack.obama@example.org"
    findings = find_identities(text, subject)
    assert excerpts(text, findings) == ["Barack Obama", "barack.obama@example.org"]


def test_bytes_text_decoded(subject):
    findings = find_identities("Barack Obama \xff".encode("latin-1") + b"\xfe", subject)
    assert [f.identifier for f in findings] == [IdentifierType.NAME]


def test_fold_offsets_map_back():
    folded = fold_with_offsets("Straße Ærø")
    assert folded.folded == "strasse aero"
    start = folded.folded.index("aero")
    assert folded.excerpt(start, start + 4) == "Ærø"
    assert fold("JOSÉ") == "jose"


def test_findings_carry_field_and_method(subject):
    findings = find_identities("Barack Obama", subject, field="bio", method=Method.SPEECH)
    assert [(f.field, f.method) for f in findings] == [("bio", Method.SPEECH)]
    assert all(0.0 <= f.score <= 1.0 for f in findings)


def test_subject_without_identifiers():
    empty = SubjectProfile(subject_id=0, names=[])
    assert find_identities("Barack Obama 415 555 0123 born 1961-08-04", empty) == []
