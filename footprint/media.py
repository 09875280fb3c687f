"""Subject-independent media analysis results, keyed by the file's SHA-256."""

from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

#: File suffixes treated as images, videos and audio. Anything else is not analysed.
IMAGE_SUFFIXES = frozenset({".jpg", ".jpeg", ".png", ".gif", ".webp", ".bmp", ".tif", ".tiff"})
VIDEO_SUFFIXES = frozenset({".mp4", ".webm", ".mkv", ".avi", ".mov", ".m4v"})
AUDIO_SUFFIXES = frozenset({".flac", ".wav", ".mp3", ".ogg", ".m4a", ".opus"})

_HASH_CHUNK_BYTES = 1 << 20


def media_kind(path: str | Path) -> str | None:
    """Return "image", "video" or "audio" from the file suffix, or None."""
    suffix = Path(path).suffix.lower()
    if suffix in IMAGE_SUFFIXES:
        return "image"
    if suffix in VIDEO_SUFFIXES:
        return "video"
    if suffix in AUDIO_SUFFIXES:
        return "audio"
    return None


def sha256_file(path: str | Path) -> str:
    """Return the hex SHA-256 of a file's content, read in 1 MiB chunks."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(_HASH_CHUNK_BYTES):
            digest.update(chunk)
    return digest.hexdigest()


@dataclass
class FaceRecord:
    """One face found in an image or a video frame.

    Parameters:
        box: (top, right, bottom, left) in pixels of the original image or frame.
        encoding: the 128-d face_recognition encoding as a list of floats.
        frame_time: seconds from the start of a video, or None for an image.
    """

    box: tuple[int, int, int, int]
    encoding: list[float]
    frame_time: float | None = None


@dataclass
class TranscriptSegment:
    """One speech segment: start and end in seconds, and its text."""

    start: float
    end: float
    text: str


@dataclass
class MediaAnalysis:
    """Everything footprint learns from one media file, independent of any subject.

    Parameters:
        sha256: hex SHA-256 of the file content, the natural key.
        kind: "image", "video" or "audio".
        faces: faces found (for a video, the distinct faces with the time of their first frame).
        width, height: pixel size of the image or video, when known.
        duration_s: length of a video or audio file in seconds, when known.
        frames_sampled: video frames that went through face detection.
        has_audio: whether a video carried an audio track.
        transcript: full transcript text, or None when there is no speech or no audio.
        language: detected language code, or None.
        segments: transcript segments with timestamps.
        models: model names and versions used, e.g. {"face": "dlib-20 hog", "speech": "tiny.en int8"}.
        error: why analysis failed (file named), or None; a failed analysis has no faces.
        elapsed_s: wall time of the analysis, seconds.
    """

    sha256: str
    kind: str
    faces: list[FaceRecord] = field(default_factory=list)
    width: int | None = None
    height: int | None = None
    duration_s: float | None = None
    frames_sampled: int = 0
    has_audio: bool | None = None
    transcript: str | None = None
    language: str | None = None
    segments: list[TranscriptSegment] = field(default_factory=list)
    models: dict[str, str] = field(default_factory=dict)
    error: str | None = None
    elapsed_s: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-safe dict."""
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> MediaAnalysis:
        """Rebuild a record written by :meth:`to_dict`."""
        data = dict(data)
        data["faces"] = [
            FaceRecord(box=tuple(face["box"]), encoding=list(face["encoding"]), frame_time=face.get("frame_time"))
            for face in data.get("faces") or []
        ]
        data["segments"] = [TranscriptSegment(**segment) for segment in data.get("segments") or []]
        return cls(**data)
