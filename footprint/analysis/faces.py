"""Face detection, 128-d encodings and face distances, with the dlib models of face_recognition.

The models are the files of the ``face_recognition_models`` package, run through dlib directly:
the HOG or CNN detector, the 5-point shape predictor and the ResNet encoder. These are the calls
that ``face_recognition`` 1.3 makes, so encodings and distances are the same, but importing
``face_recognition`` itself would set ``PIL.ImageFile.LOAD_TRUNCATED_IMAGES = True`` for the whole
process and let truncated images load. Each model is loaded once per process, on first use.
"""

from __future__ import annotations

import functools
import importlib.metadata
import logging
import math
import threading
import time
import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import dlib
import numpy as np
from PIL import Image

from footprint.analysis.errors import MediaError
from footprint.analysis.images import load_image
from footprint.evidence import Confidence
from footprint.media import FaceRecord, MediaAnalysis, sha256_file

if TYPE_CHECKING:
    from config.settings import Settings

logger = logging.getLogger(__name__)

#: Largest face distance that counts as the same person.
#:
#: Measured with dlib 20.0.1 and the face_recognition_models 0.3.0 encoder (HOG detector,
#: upsample 1) on the bundled photos:
#: obama2 to obama 0.346, and 0.34 to 0.39 after crop, scale 0.5 and 0.25, rotation 10 degrees,
#: brightness x1.4 and x0.6, JPEG quality 30 and 10, mirroring and grayscale of obama2.
#: The same transforms of obama.jpg itself stay at or below 0.19.
#: biden to obama is 0.840 (0.846 after the 1600 px downscale), and 0.81 to 0.87 after the
#: same transforms.
#: Any value from 0.40 to 0.80 separates these photos. 0.5 keeps a margin of 0.11 above the
#: worst same-person distance for photos taken years apart or at an angle. It is stricter than
#: the 0.6 at which dlib reports 99.38 % accuracy on the LFW pair benchmark
#: (dlib.net/face_recognition.py.html). LFW's different-person pairs are random people, and a
#: scan must also reject look-alikes, who come closer. docs/analysis.md has the full table.
DEFAULT_TOLERANCE = 0.5

#: Length of a face encoding.
ENCODING_SIZE = 128

#: Fraction of the tolerance at or below which a match is CERTAIN: re-posts of one photo
#: (crops, rescales, recompressions) measured 0.04 to 0.19, under 0.6 x 0.5 = 0.30.
CERTAIN_FRACTION = 0.6

#: Distance above the tolerance that still counts as a LOW (weak) face match.
LOW_MARGIN = 0.08

#: Smallest face side, in pixels of the image after downscaling, that the HOG detector finds
#: without upsampling (dlib's 80 x 80 sliding window). Each upsample halves it.
MIN_FACE_PX = 80


def _package_version(name: str) -> str:
    try:
        return importlib.metadata.version(name)
    except importlib.metadata.PackageNotFoundError:
        return "unknown"


_DETECTORS = ("hog", "cnn")
_MODELS_VERSION = _package_version("face_recognition_models")
_cnn_fallback_logged = False
_model_lock = threading.Lock()


@functools.cache
def _models() -> dict[str, object]:
    """Load the HOG detector, shape predictor and encoder once per process."""
    with warnings.catch_warnings():
        # face_recognition_models 0.3.0 imports pkg_resources, which warns that it is deprecated.
        warnings.simplefilter("ignore", UserWarning)
        import face_recognition_models
    started = time.perf_counter()
    models = {
        "hog": dlib.get_frontal_face_detector(),
        "shape": dlib.shape_predictor(face_recognition_models.pose_predictor_five_point_model_location()),
        "encoder": dlib.face_recognition_model_v1(face_recognition_models.face_recognition_model_location()),
    }
    logger.info("loaded face models in %.2f s (dlib %s)", time.perf_counter() - started, dlib.__version__)
    return models


@functools.cache
def _cnn_detector():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        import face_recognition_models
    return dlib.cnn_face_detection_model_v1(face_recognition_models.cnn_face_detector_model_location())


def load_models(*, cnn: bool = False) -> None:
    """Load the face models now instead of on the first image (for worker start-up).

    ``cnn`` also loads the CNN detector.
    """
    with _model_lock:
        _models()
        if cnn:
            _cnn_detector()


def resolve_detector(requested: str) -> str:
    """Return the detector to run: ``requested``, except "cnn" without CUDA becomes "hog".

    dlib's CNN detector takes seconds per image on a CPU, so without a CUDA build of dlib
    (``dlib.DLIB_USE_CUDA``) it falls back to HOG and logs a warning once per process.
    """
    global _cnn_fallback_logged
    if requested not in _DETECTORS:
        raise ValueError(f"invalid face model {requested!r}: use 'hog' or 'cnn'")
    if requested == "cnn" and not dlib.DLIB_USE_CUDA:
        if not _cnn_fallback_logged:
            logger.warning("face model 'cnn' requested but dlib was built without CUDA; using 'hog'")
            _cnn_fallback_logged = True
        return "hog"
    return requested


def model_label(detector: str, upsample: int) -> str:
    """Return the face model description stored in ``MediaAnalysis.models["face"]``."""
    return f"dlib-{dlib.__version__} {detector} upsample={upsample} face_recognition_models-{_MODELS_VERSION}"


def detect_faces(
    image: np.ndarray, *, model: str = "hog", upsample: int = 1, max_side: int = 1600
) -> list[tuple[int, int, int, int]]:
    """Find faces in an (H, W, 3) uint8 RGB image.

    Images whose longer side exceeds ``max_side`` pixels are downscaled to it before detection
    and the boxes are mapped back. ``upsample`` doubles the image that many times inside dlib,
    which finds faces down to about 80 / 2**upsample pixels but costs about 4**upsample as much.

    Returns:
        Boxes (top, right, bottom, left) in pixels of the original image, clipped to it.
    """
    image = _check_image(image)
    if upsample < 0:
        raise ValueError(f"invalid upsample {upsample}: use 0 or more")
    if max_side < 1:
        raise ValueError(f"invalid max_side {max_side}: use a positive number of pixels")
    detector = resolve_detector(model)
    height, width = image.shape[:2]

    scale = min(1.0, max_side / max(height, width))
    small = image
    if scale < 1.0:
        size = (max(1, round(width * scale)), max(1, round(height * scale)))
        small = np.asarray(Image.fromarray(image).resize(size, Image.Resampling.BILINEAR, reducing_gap=2.0))

    if detector == "cnn":
        rectangles = [found.rect for found in _cnn_detector()(small, upsample)]
    else:
        rectangles = list(_models()["hog"](small, upsample))

    boxes = []
    for rect in rectangles:
        top = max(0, round(rect.top() / scale))
        right = min(width, round(rect.right() / scale))
        bottom = min(height, round(rect.bottom() / scale))
        left = max(0, round(rect.left() / scale))
        if bottom > top and right > left:
            boxes.append((top, right, bottom, left))
    return boxes


def encode_faces(image: np.ndarray, boxes: Sequence[tuple[int, int, int, int]]) -> list[list[float]]:
    """Return the 128-d encoding of each box (top, right, bottom, left) of an RGB image, in order."""
    image = _check_image(image)
    models = _models()
    encodings = []
    for top, right, bottom, left in boxes:
        rect = dlib.rectangle(int(left), int(top), int(right), int(bottom))
        shape = models["shape"](image, rect)
        descriptor = models["encoder"].compute_face_descriptor(image, shape, 1)
        encodings.append([float(value) for value in descriptor])
    return encodings


def analyze_image(path: str | Path, settings: Settings | None = None, *, sha256: str | None = None) -> MediaAnalysis:
    """Find and encode every face in an image file.

    ``sha256`` is the file's content hash when the caller has it; it is computed otherwise.

    Raises:
        MediaError: the file cannot be read as an image (see :func:`load_image`).
    """
    settings = _settings(settings)
    started = time.perf_counter()
    image = load_image(path, max_pixels=settings.max_image_pixels)
    detector = resolve_detector(settings.face_model)
    boxes = detect_faces(
        image, model=detector, upsample=settings.face_upsample, max_side=settings.face_max_side_px
    )
    encodings = encode_faces(image, boxes)
    height, width = image.shape[:2]
    analysis = MediaAnalysis(
        sha256=sha256 or sha256_file(path),
        kind="image",
        faces=[FaceRecord(box=box, encoding=encoding) for box, encoding in zip(boxes, encodings, strict=True)],
        width=width,
        height=height,
        models={"face": model_label(detector, settings.face_upsample)},
    )
    analysis.elapsed_s = time.perf_counter() - started
    logger.debug("analysed image %s: %d faces in %.2f s", path, len(boxes), analysis.elapsed_s)
    return analysis


def reference_encoding(path: str | Path, settings: Settings | None = None) -> list[float]:
    """Return the encoding of the largest face in a reference photo of the subject.

    When no face is found with the configured upsampling, detection runs once more with one
    more upsample, which finds faces half as large.

    Raises:
        MediaError: the file is missing or not an image, or no face is found in it.
    """
    settings = _settings(settings)
    image = load_image(path, max_pixels=settings.max_image_pixels)
    detector = resolve_detector(settings.face_model)
    options = {"model": detector, "max_side": settings.face_max_side_px}
    boxes = detect_faces(image, upsample=settings.face_upsample, **options)
    if not boxes:
        boxes = detect_faces(image, upsample=settings.face_upsample + 1, **options)
    if not boxes:
        raise MediaError(
            path,
            f"no face found in {path}; use a photo where the face is clearly visible, "
            f"facing the camera and at least {MIN_FACE_PX} px across",
        )
    largest = max(boxes, key=lambda box: (box[2] - box[0]) * (box[1] - box[3]))
    return encode_faces(image, [largest])[0]


def face_distances(encodings: Sequence[Sequence[float]], references: Sequence[Sequence[float]]) -> np.ndarray:
    """Return, for each of N encodings, the smallest Euclidean distance to any of M references.

    Both arguments are N x 128 and M x 128 sequences (lists of lists or arrays), and a single
    128-vector counts as one row. With N = 0 the result is an empty array of shape (0,). With
    M = 0 every distance is ``inf``, which is above every tolerance.

    Returns:
        float64 array of shape (N,).
    """
    faces = _as_matrix(encodings, "encodings")
    refs = _as_matrix(references, "references")
    if faces.shape[0] == 0:
        return np.empty(0, dtype=np.float64)
    if refs.shape[0] == 0:
        return np.full(faces.shape[0], np.inf)
    squared = (
        np.sum(faces**2, axis=1)[:, None] + np.sum(refs**2, axis=1)[None, :] - 2.0 * faces @ refs.T
    )
    return np.sqrt(np.clip(squared, 0.0, None)).min(axis=1)


def face_confidence(distance: float, tolerance: float) -> Confidence:
    """Map a face distance to a confidence level.

    CERTAIN at or below 0.6 x tolerance (the same photo re-posted or re-encoded), HIGH up to the
    tolerance (the same person in another photo), LOW up to tolerance + 0.08 (close, but as near
    as look-alikes come), NONE beyond. A face match is never MEDIUM. NaN gives NONE.
    """
    if not 0 < tolerance < 1:
        raise ValueError(f"invalid face tolerance {tolerance}: use a value between 0 and 1, such as {DEFAULT_TOLERANCE}")
    if math.isnan(distance):
        return Confidence.NONE
    if distance <= CERTAIN_FRACTION * tolerance:
        return Confidence.CERTAIN
    if distance <= tolerance:
        return Confidence.HIGH
    if distance <= tolerance + LOW_MARGIN:
        return Confidence.LOW
    return Confidence.NONE


def _as_matrix(rows: Sequence[Sequence[float]], name: str) -> np.ndarray:
    matrix = np.asarray(rows, dtype=np.float64)
    if matrix.size == 0:
        return matrix.reshape(0, ENCODING_SIZE)
    if matrix.ndim == 1:
        matrix = matrix.reshape(1, -1)
    if matrix.ndim != 2 or matrix.shape[1] != ENCODING_SIZE:
        raise ValueError(f"invalid {name}: expected N x {ENCODING_SIZE} face encodings, got shape {matrix.shape}")
    return matrix


def _check_image(image: np.ndarray) -> np.ndarray:
    if not isinstance(image, np.ndarray) or image.ndim != 3 or image.shape[2] != 3 or image.dtype != np.uint8:
        shape = getattr(image, "shape", None)
        dtype = getattr(image, "dtype", type(image).__name__)
        raise ValueError(f"invalid image: expected an (H, W, 3) uint8 RGB array, got shape {shape} of {dtype}")
    # dlib reads the buffer directly and needs C order.
    return np.ascontiguousarray(image)


def _settings(settings: Settings | None) -> Settings:
    if settings is not None:
        return settings
    from config.settings import get_settings

    return get_settings()
