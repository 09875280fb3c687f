"""Video analysis: faces in sampled frames (decoded with PyAV) and the transcript of the audio."""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import av
import numpy as np

from footprint.analysis import faces, speech
from footprint.analysis.errors import MediaError, require_file
from footprint.media import FaceRecord, MediaAnalysis, sha256_file

if TYPE_CHECKING:
    from config.settings import Settings

logger = logging.getLogger(__name__)

#: Faces in different frames closer than this distance are one person, and only the first
#: sighting is kept. Below DEFAULT_TOLERANCE (0.5) so that two similar people in one video stay
#: apart. Re-encodings of the same face measured 0.04 to 0.19 (see faces.DEFAULT_TOLERANCE).
CLUSTER_DISTANCE = 0.4

#: Sampling intervals of at least this many seconds seek to each sample time instead of decoding
#: every frame in between, because seeking to the preceding keyframe is then cheaper.
SEEK_MIN_INTERVAL_S = 5.0

#: Slack for frame timestamps that land just before a sample time, seconds.
_TIME_EPSILON_S = 1e-3


@dataclass
class _VideoInfo:
    duration_s: float | None
    width: int | None
    height: int | None
    has_audio: bool
    has_video: bool


def analyze_video(path: str | Path, settings: Settings | None = None, *, sha256: str | None = None) -> MediaAnalysis:
    """Find the distinct faces in sampled frames of a video and transcribe its audio.

    Frames are sampled every ``1 / settings.video_frame_rate`` seconds, at most
    ``settings.video_max_frames`` of them. When the video is longer than that many samples
    cover, the interval grows to ``duration / video_max_frames`` so that the samples span the
    whole video. Faces closer than CLUSTER_DISTANCE to a face already kept are dropped, so each
    person is kept once, with the box and time of the first frame they appear in. A video
    without an audio track gets ``transcript=None``.

    Raises:
        MediaError: the file cannot be opened or decoded as a video.
    """
    settings = _settings(settings)
    started = time.perf_counter()
    path = require_file(path)
    info = _probe(path)

    detector = faces.resolve_detector(settings.face_model)
    interval = sample_interval(info.duration_s, settings.video_frame_rate, settings.video_max_frames)
    distinct_faces: list[FaceRecord] = []
    frames_sampled = 0
    width, height = info.width, info.height
    if info.has_video:
        for frame_time, image in _sample_frames(path, interval, settings.video_max_frames):
            frames_sampled += 1
            height, width = image.shape[:2]
            boxes = faces.detect_faces(
                image, model=detector, upsample=settings.face_upsample, max_side=settings.face_max_side_px
            )
            for box, encoding in zip(boxes, faces.encode_faces(image, boxes), strict=True):
                known = [face.encoding for face in distinct_faces]
                if known and faces.face_distances([encoding], known)[0] < CLUSTER_DISTANCE:
                    continue
                distinct_faces.append(FaceRecord(box=box, encoding=encoding, frame_time=round(frame_time, 3)))
        if frames_sampled == 0:
            raise MediaError(path, "no video frame could be decoded; check that the file plays")

    analysis = MediaAnalysis(
        sha256=sha256 or sha256_file(path),
        kind="video",
        faces=distinct_faces,
        width=width,
        height=height,
        duration_s=info.duration_s,
        frames_sampled=frames_sampled,
        has_audio=info.has_audio,
        models={"face": faces.model_label(detector, settings.face_upsample)},
    )
    if info.has_audio:
        transcription = speech.transcribe(path, settings)
        if transcription is not None:
            analysis.models["speech"] = transcription.model
            if transcription.text:
                analysis.transcript = transcription.text
                analysis.language = transcription.language
                analysis.segments = transcription.segments
            if analysis.duration_s is None:
                analysis.duration_s = transcription.duration_s
    analysis.elapsed_s = time.perf_counter() - started
    logger.debug(
        "analysed video %s: %d frames, %d distinct faces, audio=%s in %.2f s",
        path, frames_sampled, len(distinct_faces), info.has_audio, analysis.elapsed_s,
    )
    return analysis


def sample_interval(duration_s: float | None, frame_rate: float, max_frames: int) -> float:
    """Return the seconds between sampled frames.

    This is ``1 / frame_rate``, widened to ``duration_s / max_frames`` when the video is longer
    than ``max_frames`` samples at that rate cover. An unknown duration keeps ``1 / frame_rate``.
    """
    if frame_rate <= 0:
        raise ValueError(f"invalid video frame rate {frame_rate}: use a positive number of frames per second")
    if max_frames < 1:
        raise ValueError(f"invalid video max frames {max_frames}: use 1 or more")
    interval = 1.0 / frame_rate
    if duration_s and duration_s > interval * max_frames:
        interval = duration_s / max_frames
    return interval


def _probe(path: Path) -> _VideoInfo:
    try:
        with av.open(str(path)) as container:
            video = container.streams.video[0] if container.streams.video else None
            duration_s = None
            if container.duration is not None:
                duration_s = container.duration / av.time_base
            elif video is not None and video.duration is not None and video.time_base is not None:
                duration_s = float(video.duration * video.time_base)
            width = height = None
            if video is not None:
                width = video.codec_context.width or None
                height = video.codec_context.height or None
            return _VideoInfo(
                duration_s=round(duration_s, 3) if duration_s is not None else None,
                width=width,
                height=height,
                has_audio=len(container.streams.audio) > 0,
                has_video=video is not None,
            )
    except (av.FFmpegError, OSError, ValueError) as exc:
        raise MediaError(path, f"not a readable video file ({exc})") from exc


def _sample_frames(path: Path, interval: float, max_frames: int) -> Iterator[tuple[float, np.ndarray]]:
    """Yield (seconds from the start, upright RGB frame) at each sample time, at most max_frames."""
    try:
        with av.open(str(path)) as container:
            stream = container.streams.video[0]
            stream.thread_type = "AUTO"
            if interval >= SEEK_MIN_INTERVAL_S:
                yield from _sample_by_seeking(container, stream, interval, max_frames)
            else:
                yield from _sample_sequentially(container, stream, interval, max_frames)
    except (av.FFmpegError, OSError, ValueError) as exc:
        raise MediaError(path, f"cannot decode the video ({exc}); check that the file plays") from exc


def _sample_sequentially(container, stream, interval: float, max_frames: int) -> Iterator[tuple[float, np.ndarray]]:
    start = _stream_start(stream)
    next_time = 0.0
    count = 0
    for index, frame in enumerate(container.decode(stream)):
        frame_time = _frame_time(frame, start, index, stream)
        if frame_time + _TIME_EPSILON_S < next_time:
            continue
        yield frame_time, _upright_rgb(frame)
        count += 1
        if count >= max_frames:
            return
        while next_time <= frame_time + _TIME_EPSILON_S:
            next_time += interval


def _sample_by_seeking(container, stream, interval: float, max_frames: int) -> Iterator[tuple[float, np.ndarray]]:
    start = _stream_start(stream)
    time_base = float(stream.time_base)
    last_time = -1.0
    for sample in range(max_frames):
        target = sample * interval
        # Seek to the keyframe at or before the target, then decode forward to the target.
        container.seek(int((start + target) / time_base), stream=stream, backward=True)
        for index, frame in enumerate(container.decode(stream)):
            frame_time = _frame_time(frame, start, index, stream)
            if frame_time + _TIME_EPSILON_S >= target:
                if frame_time > last_time:
                    last_time = frame_time
                    yield frame_time, _upright_rgb(frame)
                break
        else:
            return


def _stream_start(stream) -> float:
    if stream.start_time is not None and stream.time_base is not None:
        return float(stream.start_time * stream.time_base)
    return 0.0


def _frame_time(frame, start: float, index: int, stream) -> float:
    if frame.time is not None:
        return max(0.0, float(frame.time) - start)
    rate = stream.average_rate or stream.guessed_rate
    return index / float(rate) if rate else float(index)


def _upright_rgb(frame) -> np.ndarray:
    """Return the frame as RGB, rotated as players show it (display matrix side data)."""
    image = frame.to_ndarray(format="rgb24")
    rotation = getattr(frame, "rotation", 0) or 0
    quarter_turns = round(rotation / 90) % 4
    if quarter_turns:
        # PyAV's rotation is counterclockwise, like np.rot90 with a positive k. For a video tagged
        # with ffmpeg's "rotate=90" this gives the same picture as ffmpeg's own autorotation.
        image = np.ascontiguousarray(np.rot90(image, k=quarter_turns))
    return image


def _settings(settings: Settings | None) -> Settings:
    if settings is not None:
        return settings
    from config.settings import get_settings

    return get_settings()
