"""One entry point for any media file: faces for images, faces and speech for videos, speech for audio."""

from __future__ import annotations

import logging
import time
from pathlib import Path
from typing import TYPE_CHECKING

from footprint.analysis import faces, speech
from footprint.analysis.errors import MediaError, ModelError, require_file
from footprint.analysis.video import analyze_video
from footprint.media import AUDIO_SUFFIXES, IMAGE_SUFFIXES, VIDEO_SUFFIXES, MediaAnalysis, media_kind, sha256_file

if TYPE_CHECKING:
    from config.settings import Settings

logger = logging.getLogger(__name__)

#: ``MediaAnalysis.kind`` of a file whose suffix is not an image, video or audio suffix.
UNKNOWN_KIND = "unknown"


def analyze_media(path: str | Path, sha256: str | None = None, settings: Settings | None = None) -> MediaAnalysis:
    """Analyse one media file, chosen by its suffix (see :func:`footprint.media.media_kind`).

    Images get faces, videos get faces and a transcript, audio files get a transcript. The
    SHA-256 of the content is computed when ``sha256`` is None.

    Returns:
        The analysis. A problem of the file itself (missing, empty, corrupt, unsupported, not
        decodable, or any exception while analysing it) gives an analysis with ``error`` set to
        "<path>: <reason>" and no faces, instead of an exception. A missing file that has no
        ``sha256`` given gets ``sha256=""``.

    Raises:
        ModelError: a face or speech model cannot be loaded. That is a problem of the host, and
            recording it per file would store a wrong result for every file.
    """
    settings = _settings(settings)
    started = time.perf_counter()
    kind = media_kind(path) or UNKNOWN_KIND
    if sha256 is None:
        try:
            sha256 = sha256_file(path)
        except OSError:
            sha256 = ""
    analysis = MediaAnalysis(sha256=sha256, kind=kind)
    try:
        analysis = _analyze(Path(path), kind, sha256, settings)
    except ModelError:
        raise
    except MediaError as exc:
        analysis.error = str(exc)
        logger.warning("media analysis failed: %s", exc)
    except Exception as exc:
        # Decoders raise many exception types on damaged files. One file must not stop the
        # scan, so the failure becomes the file's error, with the traceback in the log.
        analysis.error = f"{path}: analysis failed ({type(exc).__name__}: {exc})"
        logger.exception("media analysis of %s (sha256 %s) failed unexpectedly", path, sha256 or "-")
    if analysis.error:
        analysis.faces = []
        if not analysis.models:
            analysis.models = _model_labels(kind, settings)
    analysis.elapsed_s = round(time.perf_counter() - started, 4)
    return analysis


def analyze_audio(path: str | Path, settings: Settings | None = None, *, sha256: str | None = None) -> MediaAnalysis:
    """Transcribe an audio file.

    Raises:
        MediaError: the file cannot be read, has no audio stream or cannot be decoded.
    """
    settings = _settings(settings)
    started = time.perf_counter()
    path = require_file(path)
    transcription = speech.transcribe(path, settings)
    if transcription is None:
        raise MediaError(path, "no audio stream found; the file may be damaged or not an audio file")
    analysis = MediaAnalysis(
        sha256=sha256 or sha256_file(path),
        kind="audio",
        duration_s=round(transcription.duration_s, 3),
        has_audio=True,
        transcript=transcription.text or None,
        language=transcription.language if transcription.text else None,
        segments=transcription.segments,
        models={"speech": transcription.model},
    )
    analysis.elapsed_s = time.perf_counter() - started
    return analysis


def warm_up(settings: Settings | None = None) -> None:
    """Load the face and speech models now, so that the first task of a worker is not slower.

    Raises:
        ModelError: a model cannot be loaded.
    """
    settings = _settings(settings)
    started = time.perf_counter()
    faces.load_models(cnn=faces.resolve_detector(settings.face_model) == "cnn")
    speech.load_model(settings)
    logger.info("media models ready in %.2f s", time.perf_counter() - started)


def _analyze(path: Path, kind: str, sha256: str, settings: Settings) -> MediaAnalysis:
    if kind == UNKNOWN_KIND:
        supported = " ".join(sorted(IMAGE_SUFFIXES | VIDEO_SUFFIXES | AUDIO_SUFFIXES))
        raise MediaError(path, f"unsupported file type {path.suffix or '(no suffix)'!r}; supported: {supported}")
    require_file(path)
    if kind == "image":
        return faces.analyze_image(path, settings, sha256=sha256)
    if kind == "video":
        return analyze_video(path, settings, sha256=sha256)
    return analyze_audio(path, settings, sha256=sha256)


def _model_labels(kind: str, settings: Settings) -> dict[str, str]:
    labels = {}
    try:
        if kind in ("image", "video"):
            labels["face"] = faces.model_label(faces.resolve_detector(settings.face_model), settings.face_upsample)
        if kind in ("video", "audio"):
            labels["speech"] = speech.model_label(settings)
    except (ModelError, ValueError):
        pass
    return labels


def _settings(settings: Settings | None) -> Settings:
    if settings is not None:
        return settings
    from config.settings import get_settings

    return get_settings()
