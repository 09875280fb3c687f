"""Inputs of the world generator: subjects from values and from the database, the face pool, phones,
speech synthesis, and the ``simulate`` command's checks."""

from __future__ import annotations

import json
import wave
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner

import manage
from footprint.simulate import (
    DEMO_SUBJECT,
    FacePoolError,
    generate_world,
    load_subject_specs,
    parse_address,
    subject_spec_from_profile,
)
from footprint.simulate.context import video_budget
from footprint.simulate.faces import load_face_pool
from footprint.simulate.identifiers import parse_phone, phone_formats, random_phone
from footprint.simulate.speech import synthesize, synthesize_with_library
from footprint.store import migrate
from footprint.store.engine import session_scope
from footprint.store.subjects import NewSubject, add_subject
from footprint.subject import Address
from tests.conftest import FACES

# Subjects ---------------------------------------------------------------------------------------


def test_parse_address_full_and_city_only():
    address = parse_address("5046 S Greenwood Ave, Chicago, IL 60615, US")
    assert address == Address(city="Chicago", street="S Greenwood Ave", number="5046", postal_code="60615",
                              region="IL", country="US")
    assert address.one_line() == "5046 S Greenwood Ave, Chicago, IL 60615, US"

    assert parse_address("Chicago") == Address(city="Chicago")
    assert parse_address("Chicago, IL") == Address(city="Chicago", region="IL")
    with pytest.raises(ValueError, match="invalid address ' , '"):
        parse_address(" , ")


def test_spec_from_plain_values():
    spec = subject_spec_from_profile(
        full_name=" Barack Obama ",
        emails=["barack.obama@example.org", ""],
        phones=["(312) 555-0147"],
        addresses=["5046 S Greenwood Ave, Chicago, IL 60615, US", {"city": "Honolulu", "region": "HI"}],
        birth_date="1961-08-04",
        employers=["University of Chicago", "Illinois State Senate"],
        photos=[str(FACES / "obama.jpg")],
        subject_id=3,
    )

    assert spec.full_name == "Barack Obama"
    assert spec.emails == ["barack.obama@example.org"]
    assert spec.city == "Chicago"
    assert spec.addresses[1] == Address(city="Honolulu", region="HI")
    assert spec.birth_date == date(1961, 8, 4)
    assert spec.employer == "University of Chicago"
    assert spec.photos == [FACES / "obama.jpg"]
    assert spec.subject_id == 3


def test_spec_from_plain_values_rejects_bad_input():
    with pytest.raises(ValueError, match="full name is empty"):
        subject_spec_from_profile(full_name="  ")
    with pytest.raises(ValueError, match="invalid birth date '04/08/1961'"):
        subject_spec_from_profile(full_name="Barack Obama", birth_date="04/08/1961")


def test_load_subject_specs_reads_database(settings):
    migrate.upgrade(settings)
    new = NewSubject(names=["Barack Obama", "Barry Obama"], emails=["barack.obama@example.org", "bo@example.net"],
                     phones=["+1 312 555 0147"], addresses=["5046 S Greenwood Ave, Chicago, IL 60615, US"],
                     birth_date=date(1961, 8, 4), employers=["University of Chicago"],
                     photos=[FACES / "obama.jpg"])
    with session_scope(settings) as session:
        subject_id = add_subject(session, new, settings).id

    [spec] = load_subject_specs([subject_id])

    assert spec.subject_id == subject_id
    assert spec.full_name == "Barack Obama"
    assert spec.emails[0] == "barack.obama@example.org"
    assert "bo@example.net" in spec.emails
    assert spec.phones == ["+13125550147"]
    assert spec.city == "Chicago"
    assert spec.addresses[0].street == "S Greenwood Ave"
    assert spec.birth_date == date(1961, 8, 4)
    assert spec.employer == "University of Chicago"
    assert [Path(photo).name for photo in spec.photos] == ["obama.jpg"]

    with pytest.raises(LookupError, match="subject id not found in the database: 999"):
        load_subject_specs([subject_id, 999])


# Face pool --------------------------------------------------------------------------------------


def test_missing_face_pool_is_named(tmp_path):
    missing = tmp_path / "no-such-folder"
    with pytest.raises(FacePoolError, match="face pool folder .*no-such-folder does not exist.*frontal face"):
        load_face_pool(missing, {})


def test_empty_face_pool_is_named(tmp_path):
    (tmp_path / "readme.txt").write_text("no photos here")
    with pytest.raises(FacePoolError, match=f"face pool folder {tmp_path} contains no image files"):
        load_face_pool(tmp_path, {})


def test_unreadable_face_pool_is_named(tmp_path):
    (tmp_path / "broken.jpg").write_bytes(b"not a jpeg at all")
    (tmp_path / "empty.png").write_bytes(b"")
    with pytest.raises(FacePoolError, match=f"face pool folder {tmp_path} has no readable photo") as error:
        load_face_pool(tmp_path, {})
    assert "broken.jpg (cannot be decoded" in str(error.value)
    assert "empty.png" in str(error.value)


def test_face_pool_splits_subject_and_strangers():
    pool = load_face_pool(FACES, {"S0001": [FACES / "obama.jpg"]})

    assert [photo.name for photo in pool.reference_photos("S0001")] == ["obama.jpg", "obama2.jpg"]
    assert [photo.name for photo in pool.strangers] == ["biden.jpg"]
    assert pool.skipped == []


def test_subject_photo_without_face_is_rejected(tmp_path):
    from PIL import Image

    blank = tmp_path / "blank.png"
    Image.new("RGB", (300, 300), (40, 120, 200)).save(blank)
    with pytest.raises(FacePoolError, match="subject photo .*blank.png is unusable \\(no face found\\)"):
        load_face_pool(FACES, {"S0001": [blank]})


# Identifiers and budgets -------------------------------------------------------------------------


def test_phone_formats_of_us_and_german_numbers():
    us = phone_formats(parse_phone("(312) 555-0147", "US"))
    assert us == {
        "e164": "+13125550147", "international": "+1 312-555-0147", "spaced": "+1 312 555 0147",
        "national": "(312) 555-0147", "dotted": "312.555.0147", "dashed": "312-555-0147", "spoken": "312 555 0147",
    }
    german = phone_formats(parse_phone("+49 1512 3456789", "US"))
    assert german["spaced"] == "+49 1512 3456789"
    assert german["dotted"] == "1512.3456789"


def test_invalid_phone_is_named():
    with pytest.raises(ValueError, match="invalid phone number 'call me'"):
        parse_phone("call me", "US")
    with pytest.raises(ValueError, match="invalid phone number '12'"):
        parse_phone("12", "US")


def test_random_phone_avoids_reserved_numbers():
    import random

    rng = random.Random(1)
    reserved = {"+13125550147"}
    phones = {random_phone(rng, "US", reserved) for _ in range(500)}
    assert "+13125550147" not in phones
    assert all(phone[5:8] == "555" and 100 <= int(phone[8:]) <= 199 for phone in phones)
    german = random_phone(rng, "DE", set())
    assert german.startswith("+49")


def test_video_budget_grows_with_square_root():
    assert video_budget(0, 1.0) == 0
    assert video_budget(100, 1.0) == 30
    assert video_budget(10_000, 1.0) == 10 * video_budget(100, 1.0)
    assert video_budget(100, 0.5) == 15


# Speech -----------------------------------------------------------------------------------------


def test_program_and_library_speech_are_reproducible(tmp_path):
    text = "I am Barack Obama from Chicago."
    outputs = []
    for number, function in enumerate((synthesize, synthesize, synthesize_with_library, synthesize_with_library)):
        path = function(text, tmp_path / f"speech{number}.wav")
        with wave.open(str(path)) as handle:
            seconds = handle.getnframes() / handle.getframerate()
            assert handle.getnchannels() == 1
            assert handle.getsampwidth() == 2
        assert 1.0 < seconds < 5.0
        outputs.append(path.read_bytes())
    assert outputs[0] == outputs[1]
    assert outputs[2] == outputs[3]


# Command line -----------------------------------------------------------------------------------


@pytest.fixture
def runner(settings):
    migrate.upgrade(settings)
    return CliRunner()


def test_cli_rejects_non_empty_out(runner, tmp_path):
    out = tmp_path / "busy"
    out.mkdir()
    (out / "keep.txt").write_text("x")

    result = runner.invoke(manage.cli, ["simulate", "--people", "1", "--out", str(out)])

    assert result.exit_code == 2
    assert f"output folder {out} is not empty" in result.output
    assert "--force" in result.output


def test_cli_names_bad_values(runner, tmp_path):
    cases = [
        (["--faces", str(tmp_path / "nowhere")], "face pool folder"),
        (["--subject-name", "A B", "--subject-phone", "12"], "invalid phone number '12'"),
        (["--subject-name", "A B", "--subject-email", "a@"], "'a@' is not a valid email address"),
        (["--subject-name", "A B", "--subject-birth-date", "1961-13-01"], "'1961-13-01' is not a date"),
        (["--subject-email", "a@example.org"], "--subject-email given without --subject-name"),
        (["--subject-id", "999"], "subject id not found in the database: 999"),
        (["--media-scale", "0"], "--media-scale"),
        (["--locale", "xx_XX"], "invalid locale 'xx_XX'"),
    ]
    for number, (arguments, expected) in enumerate(cases):
        out = tmp_path / f"out{number}"
        result = runner.invoke(manage.cli, ["simulate", "--people", "1", "--out", str(out), *arguments])
        assert result.exit_code == 2, (arguments, result.output)
        assert expected in result.output, (arguments, result.output)
        assert not (out / "manifest.json").exists()


def test_cli_force_replaces_world_and_keeps_other_files(runner, tmp_path):
    out = tmp_path / "world"
    out.mkdir()
    (out / "notes.txt").write_text("keep me")
    (out / "media").mkdir()
    (out / "media" / "stale.jpg").write_bytes(b"old")

    result = runner.invoke(manage.cli, [
        "simulate", "--people", "1", "--seed", "3", "--out", str(out), "--force", "--no-progress",
        "--subject-name", "Ada Lovelace", "--subject-email", "ada@example.org", "--subject-phone", "(415) 555-0123",
        "--subject-city", "London", "--subject-birth-date", "1815-12-10", "--subject-employer", "Analytical Engines",
    ])

    assert result.exit_code == 0, result.output
    assert "world written to" in result.output
    assert (out / "notes.txt").read_text() == "keep me"
    assert not (out / "media" / "stale.jpg").exists()
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["subjects"][0]["email"] == "ada@example.org"
    assert manifest["people"] == 1
    truth = [json.loads(line) for line in (out / "ground_truth.jsonl").read_text().splitlines()]
    subject = next(record for record in truth if record.get("person_id") == "S0001")
    assert subject["city"] == "London"
    assert subject["phone"] == "+14155550123"
    assert subject["face"] is None


def test_demo_subject_is_complete():
    assert DEMO_SUBJECT.full_name == "Barack Obama"
    assert DEMO_SUBJECT.emails[0].endswith("@example.org")
    assert DEMO_SUBJECT.city == "Chicago"
    assert DEMO_SUBJECT.birth_date == date(1961, 8, 4)
    assert DEMO_SUBJECT.photos[0].is_file()
    assert parse_phone(DEMO_SUBJECT.phones[0], "US") == "+13125550147"


def test_world_without_face_photos_for_subject(tmp_path):
    # A subject with no reference photo still gets every text hard case; no item shows their face.
    spec = subject_spec_from_profile(full_name="Grace Hopper", emails=["grace@example.org"],
                                     addresses=["Arlington"])
    summary = generate_world(tmp_path / "w", people=0, seed=5, subjects=[spec], media_scale=0.5)

    truth = [json.loads(line) for line in (summary.path / "ground_truth.jsonl").read_text().splitlines()]
    about = [record for record in truth if record["type"] == "item" and "S0001" in record["about"]]
    assert about
    assert all("face" not in record["exposes"] for record in about if record["about"][0] == "S0001")
    assert any(record["findable"] for record in about)
