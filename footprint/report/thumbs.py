"""Thumbnails of media files with face boxes drawn, as base64 JPEG data URIs for the HTML report.

Images are loaded the way face analysis saw them (EXIF orientation applied, see
:func:`footprint.analysis.images.load_image`), so stored boxes line up. A video gives the frame
at the time of its first matched face (or its first frame).
"""

from __future__ import annotations

import base64
import io
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw

from footprint.analysis.errors import MediaError
from footprint.analysis.images import load_image
from footprint.media import media_kind

logger = logging.getLogger(__name__)

#: Maximum side of a thumbnail, pixels.
THUMB_MAX_SIDE_PX = 360

#: JPEG quality of thumbnails (1 to 95).
THUMB_QUALITY = 80

#: Box colours: a face that matches the subject, and any other face.
MATCH_RGB = (46, 204, 113)
OTHER_RGB = (170, 170, 170)


@dataclass(frozen=True)
class FaceBox:
    """A face box (top, right, bottom, left) in pixels of the image or frame, and whether it matched."""

    box: tuple[int, int, int, int]
    matched: bool
    frame_time: float | None = None


def _video_frame(path: Path, seconds: float) -> np.ndarray | None:
    import cv2

    capture = cv2.VideoCapture(str(path))
    try:
        if not capture.isOpened():
            return None
        capture.set(cv2.CAP_PROP_POS_MSEC, max(0.0, seconds) * 1000.0)
        ok, frame = capture.read()
        if not ok:
            return None
        return cv2.cvtColor(frame, cv2.COLOR_BGR2RGB)
    finally:
        capture.release()


def _pixels(path: Path, faces: Sequence[FaceBox], max_pixels: int) -> tuple[np.ndarray | None, list[FaceBox]]:
    kind = media_kind(path)
    if kind == "image":
        return load_image(path, max_pixels=max_pixels), list(faces)
    if kind == "video":
        matched = [face for face in faces if face.matched and face.frame_time is not None]
        seconds = matched[0].frame_time if matched else 0.0
        # Only boxes of the chosen frame belong on it.
        drawn = [face for face in faces if face.frame_time == seconds]
        return _video_frame(path, seconds), drawn
    return None, []


def thumbnail_data_uri(path: Path, faces: Sequence[FaceBox], max_pixels: int) -> str | None:
    """Return a JPEG data URI of ``path`` with ``faces`` drawn, or None when it cannot be read.

    Matched faces are outlined in MATCH_RGB, the others in OTHER_RGB. Errors are logged, never
    raised: a report is still useful without one picture.
    """
    try:
        pixels, drawn = _pixels(path, faces, max_pixels)
    except (MediaError, OSError, ValueError) as error:
        logger.warning("no thumbnail for %s: %s", path.name, error)
        return None
    if pixels is None:
        return None

    image = Image.fromarray(pixels).convert("RGB")
    draw = ImageDraw.Draw(image)
    line = max(2, round(max(image.size) / 150))
    for face in sorted(drawn, key=lambda face: face.matched):
        top, right, bottom, left = face.box
        draw.rectangle((left, top, right, bottom), outline=MATCH_RGB if face.matched else OTHER_RGB, width=line)
    image.thumbnail((THUMB_MAX_SIDE_PX, THUMB_MAX_SIDE_PX))

    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=THUMB_QUALITY)
    return "data:image/jpeg;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")
