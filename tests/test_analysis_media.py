"""analyze_media dispatch and its per-file error contract."""

from __future__ import annotations

import pytest

from config.settings import Settings
from footprint.analysis import faces, speech
from footprint.analysis.errors import ModelError
from footprint.analysis.media import analyze_media, warm_up
from footprint.media import sha256_file
from tests.conftest import FACES, SPEECH


@pytest.fixture(scope="module")
def media_settings() -> Settings:
    return Settings(_env_file=None, face_model="hog", whisper_model="bundled", device="auto", compute_type="auto")


@pytest.mark.slow
def test_image_uses_given_sha256(media_settings):
    analysis = analyze_media(FACES / "obama2.jpg", sha256="f" * 64, settings=media_settings)
    assert analysis.sha256 == "f" * 64
    assert analysis.error is None
    assert len(analysis.faces) == 1
    assert analysis.elapsed_s > 0


@pytest.mark.slow
def test_image_computes_sha256(media_settings):
    analysis = analyze_media(FACES / "obama.jpg", settings=media_settings)
    assert analysis.sha256 == sha256_file(FACES / "obama.jpg")


def test_missing_file_is_error(tmp_path, media_settings):
    path = tmp_path / "gone.mp4"
    analysis = analyze_media(path, settings=media_settings)
    assert analysis.kind == "video"
    assert analysis.sha256 == ""
    assert analysis.error == f"{path}: file not found"


def test_unsupported_suffix_is_error(tmp_path, media_settings):
    path = tmp_path / "report.pdf"
    path.write_bytes(b"%PDF-1.7\n")
    analysis = analyze_media(path, settings=media_settings)
    assert analysis.kind == "unknown"
    assert analysis.error.startswith(f"{path}: unsupported file type '.pdf'")
    assert analysis.sha256 == sha256_file(path)


def test_directory_is_error(tmp_path, media_settings):
    folder = tmp_path / "album.jpg"
    folder.mkdir()
    analysis = analyze_media(folder, settings=media_settings)
    assert analysis.error == f"{folder}: is a directory, not a media file"


def test_empty_audio_is_error(tmp_path, media_settings):
    path = tmp_path / "voice.wav"
    path.write_bytes(b"")
    analysis = analyze_media(path, settings=media_settings)
    assert analysis.kind == "audio"
    assert analysis.error == f"{path}: file is empty (0 bytes); download it again"


def test_unexpected_exception_becomes_error(monkeypatch, media_settings):
    def explode(*args, **kwargs):
        raise RuntimeError("decoder crashed")

    monkeypatch.setattr(faces, "analyze_image", explode)
    analysis = analyze_media(FACES / "obama.jpg", settings=media_settings)
    assert analysis.error == f"{FACES / 'obama.jpg'}: analysis failed (RuntimeError: decoder crashed)"
    assert analysis.faces == []


def test_model_error_propagates(tmp_path):
    broken = Settings(_env_file=None, whisper_model=str(tmp_path / "no-model"), device="cpu")
    with pytest.raises(ModelError, match="not found"):
        analyze_media(SPEECH / "jfk.flac", settings=broken)


@pytest.mark.slow
def test_warm_up_loads_models(media_settings):
    warm_up(media_settings)
    assert (*speech.resolve_model(media_settings), media_settings.speech_cpu_threads) in speech._models
    assert faces._models.cache_info().currsize == 1
