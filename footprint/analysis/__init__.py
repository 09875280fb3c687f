"""Media analysis and identity detection.

- :mod:`.images`: image loading as a browser shows it (:func:`load_image`).
- :mod:`.faces`: face detection, encodings, distances and their confidence (dlib models of
  face_recognition).
- :mod:`.speech`: transcription with faster-whisper.
- :mod:`.video`: faces in sampled video frames plus the transcript.
- :mod:`.media`: :func:`analyze_media`, one entry point per file, which records a bad file's problem
  as the analysis error instead of raising.
- :mod:`.identities`: a subject's emails, phones, names, addresses, birth date and usernames in
  text and transcripts (:func:`find_identities`), with normalisation and masking.

Names are exported lazily, so importing the text matchers does not load dlib or PyAV.
"""

from __future__ import annotations

import importlib

_EXPORTS = {
    "MediaError": "errors",
    "ModelError": "errors",
    "load_image": "images",
    "DEFAULT_TOLERANCE": "faces",
    "analyze_image": "faces",
    "detect_faces": "faces",
    "encode_faces": "faces",
    "face_confidence": "faces",
    "face_distances": "faces",
    "reference_encoding": "faces",
    "Transcription": "speech",
    "transcribe": "speech",
    "analyze_video": "video",
    "analyze_media": "media",
    "warm_up": "media",
    "find_identities": "identities",
    "mask_email": "identities",
    "mask_phone": "identities",
    "mask_value": "identities",
    "normalize_email": "identities",
    "normalize_phone": "identities",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str):
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f"{__name__}.{module}"), name)
