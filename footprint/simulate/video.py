"""Short videos from still frames and an optional audio track, written with moviepy 2.2.

Output is byte-for-byte reproducible: one encoder thread, bit-exact muxing without metadata, and
libvpx in "good" mode (its "realtime" mode picks a speed from the wall clock).
"""

from __future__ import annotations

import logging
import wave
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image

logger = logging.getLogger(__name__)

#: Frames per second of generated videos; the scanner samples about one frame per second.
VIDEO_FPS = 5

#: Shortest and longest video without audio, seconds. Speech texts are written to last 3 to 8 s.
MIN_DURATION_S = 3.0
MAX_DURATION_S = 8.0

#: Audio sample rate of videos, Hz: espeak-ng's own rate, and above the 16 kHz that speech models read.
AUDIO_FPS = 22_050

#: Video and audio encoder per container.
CODECS = {
    "mp4": ("libx264", "aac"),
    "webm": ("libvpx", "libvorbis"),
    "mkv": ("libx264", "libvorbis"),
}

#: ffmpeg options that keep the bytes independent of the run: no encoder version strings, no
#: creation time, no copied metadata.
BITEXACT_PARAMS = ["-fflags", "+bitexact", "-flags:v", "+bitexact", "-flags:a", "+bitexact", "-map_metadata", "-1"]

#: Per-encoder quality options: constant quality for x264, "good" deadline for VP8.
ENCODER_PARAMS = {
    "libx264": ["-crf", "28", "-pix_fmt", "yuv420p"],
    "libvpx": ["-deadline", "good", "-cpu-used", "5", "-b:v", "400k", "-pix_fmt", "yuv420p"],
}


@dataclass
class AudioTrack:
    """Audio to put under a video.

    Parameters:
        path: a WAV or FLAC file.
        max_s: seconds of it to use at most (the recording is cut there), or None to use it whole.
    """

    path: Path
    max_s: float | None = None


def audio_duration(audio: AudioTrack) -> float:
    """Return the seconds of ``audio`` that a video uses: its length, cut at ``audio.max_s``."""
    if audio.path.suffix.lower() == ".wav":
        with wave.open(str(audio.path), "rb") as handle:
            length = handle.getnframes() / float(handle.getframerate())
    else:
        from moviepy import AudioFileClip

        clip = AudioFileClip(str(audio.path))
        length = float(clip.duration)
        clip.close()
    return min(length, audio.max_s) if audio.max_s is not None else length


def render_video(frames: list[Image.Image], out_path: Path, audio: AudioTrack | None, scratch_dir: Path) -> float:
    """Write ``frames`` as a slideshow video to ``out_path`` and return its duration in seconds.

    The container comes from the suffix of ``out_path`` (.mp4, .webm or .mkv). With audio, the video
    lasts as long as the audio (cut at ``audio.max_s`` when set), so generated speech is never cut.
    Without audio, it lasts 1.5 s per frame, between MIN_DURATION_S and MAX_DURATION_S. Each frame
    is shown for an equal share. ``scratch_dir`` receives moviepy's temporary files.
    """
    from moviepy import ImageClip, concatenate_videoclips

    container = out_path.suffix.lstrip(".").lower()
    if container not in CODECS:
        raise ValueError(f"unsupported video container {out_path.suffix!r}: use one of .mp4, .webm, .mkv")
    if not frames:
        raise ValueError(f"no frames for video {out_path.name}")
    video_codec, audio_codec = CODECS[container]

    if audio is not None:
        duration = audio_duration(audio)
    else:
        duration = min(MAX_DURATION_S, max(MIN_DURATION_S, 1.5 * len(frames)))
    params = [*BITEXACT_PARAMS, *ENCODER_PARAMS[video_codec]]
    if audio is not None:
        # moviepy hands an audio file name straight to ffmpeg, which encodes it in one pass; "-t"
        # cuts a longer recording at the video's length.
        params += ["-t", f"{duration:.3f}", "-ar", str(AUDIO_FPS)]

    share = duration / len(frames)
    clips = [ImageClip(np.asarray(frame.convert("RGB"))).with_duration(share) for frame in frames]
    video = concatenate_videoclips(clips, method="chain")
    try:
        video.write_videofile(
            str(out_path),
            fps=VIDEO_FPS,
            codec=video_codec,
            audio=str(audio.path) if audio is not None else False,
            audio_codec=audio_codec if audio is not None else None,
            threads=1,
            ffmpeg_params=params,
            temp_audiofile_path=str(scratch_dir),
            logger=None,
        )
    finally:
        video.close()
    logger.debug("rendered %s: %d frames, %.1f s, audio %s", out_path.name, len(frames), duration, audio is not None)
    return duration
