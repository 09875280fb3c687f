"""Media files of a world: writing images and videos under ``media/`` with their ground truth.

Each file is named by a running number and stored in a folder named by the first two hex digits of
its SHA-256 (``media/3c/v000088.mp4``). Every file gets one ground-truth media record when it is
written. A repost copy has the same bytes under another name.
"""

from __future__ import annotations

import hashlib
import logging
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from collections.abc import Sequence
from typing import Any

from PIL import Image

from footprint.simulate import imaging
from footprint.simulate.speech import RECORDED_CLIP_S, RECORDED_SPEECH, RECORDED_TRANSCRIPT, synthesize
from footprint.simulate.video import AudioTrack, render_video
from footprint.simulate.writer import WorldWriter

logger = logging.getLogger(__name__)

#: Folder of media files inside the world, and of temporary files while rendering.
MEDIA_DIR = "media"
SCRATCH_DIR = ".scratch"


@dataclass
class Speech:
    """Speech of a video.

    Parameters:
        text: the words spoken, as written to the ground truth.
        source: "espeak-ng" for generated speech, "recorded" for the bundled recording.
        spoken: per person id, the identifier types the words carry ("name", "phone", ...).
    """

    text: str
    source: str
    spoken: dict[str, list[str]] = field(default_factory=dict)


#: The recorded speech used in some videos: real speech that names no one in the world.
RECORDED = Speech(text=RECORDED_TRANSCRIPT, source="recorded")


@dataclass
class MediaInfo:
    """One media file of the world and what is in it.

    Parameters:
        path: path relative to the world directory.
        sha256: hex SHA-256 of the bytes.
        kind: "image" or "video".
        people: person ids whose face is shown.
        light_faces: those of ``people`` whose face is lightly transformed (detectable).
        transform: how the picture was made ("crop", "group", "tiny", "scenery", ...).
        speech: the video's speech, or None.
        has_audio: whether a video has an audio stream (None for images).
        other_faces: faces of extras in a group picture, who are not tracked as people.
        copy_of: for a repost copy, the path of the file it copies.
    """

    path: str
    sha256: str
    kind: str
    people: list[str]
    light_faces: list[str]
    transform: str
    speech: Speech | None = None
    has_audio: bool | None = None
    other_faces: int = 0
    copy_of: str | None = None

    @property
    def spoken(self) -> dict[str, list[str]]:
        """Identifier types spoken per person id (empty without speech)."""
        return self.speech.spoken if self.speech else {}


class MediaStore:
    """Writes media files and their ground-truth records.

    Parameters:
        root: the world directory.
        writer: where ground-truth records go.
    """

    def __init__(self, root: Path, writer: WorldWriter) -> None:
        self.root = root
        self.writer = writer
        self.count = 0
        self._number = 0
        self._scratch_number = 0
        self.scratch = root / SCRATCH_DIR
        self.scratch.mkdir(parents=True, exist_ok=True)
        (root / MEDIA_DIR).mkdir(parents=True, exist_ok=True)

    def _place(self, data_path: Path | None, data: bytes | None, prefix: str, suffix: str) -> tuple[str, str]:
        if data is None:
            assert data_path is not None
            data = data_path.read_bytes()
        sha = hashlib.sha256(data).hexdigest()
        self._number += 1
        relative = f"{MEDIA_DIR}/{sha[:2]}/{prefix}{self._number:06d}.{suffix}"
        target = self.root / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        if data_path is not None:
            shutil.move(str(data_path), target)
        else:
            target.write_bytes(data)
        self.count += 1
        return relative, sha

    def add_image(
        self,
        image: Image.Image,
        *,
        transform: str,
        people: Sequence[str] = (),
        light: bool = True,
        other_faces: int = 0,
        fmt: str = "jpg",
        quality: int = 88,
    ) -> MediaInfo:
        """Encode and write an image. ``light`` is True when the faces of ``people`` are detectable."""
        relative, sha = self._place(None, imaging.encode(image, fmt, quality), "i", fmt)
        info = MediaInfo(
            path=relative,
            sha256=sha,
            kind="image",
            people=list(people),
            light_faces=list(people) if light else [],
            transform=transform,
            other_faces=other_faces,
        )
        self._record(info, width=image.width, height=image.height)
        return info

    def add_video(
        self,
        frames: list[Image.Image],
        *,
        container: str,
        speech: Speech | None,
        transform: str,
        people: Sequence[str] = (),
        light: bool = True,
        other_faces: int = 0,
    ) -> MediaInfo:
        """Render and write a video from frames, with generated or recorded speech or no audio."""
        self._scratch_number += 1
        work = self.scratch / f"v{self._scratch_number:06d}.{container}"
        audio = None
        wav = None
        if speech is not None and speech.source == "recorded":
            audio = AudioTrack(RECORDED_SPEECH, max_s=RECORDED_CLIP_S)
        elif speech is not None:
            wav = synthesize(speech.text, self.scratch / f"v{self._scratch_number:06d}.wav")
            audio = AudioTrack(wav)
        try:
            duration = render_video(frames, work, audio, self.scratch)
        finally:
            if wav is not None:
                wav.unlink(missing_ok=True)
        relative, sha = self._place(work, None, "v", container)
        info = MediaInfo(
            path=relative,
            sha256=sha,
            kind="video",
            people=list(people),
            light_faces=list(people) if light else [],
            transform=transform,
            speech=speech,
            has_audio=speech is not None,
            other_faces=other_faces,
        )
        self._record(info, width=frames[0].width, height=frames[0].height, duration_s=round(duration, 2))
        return info

    def copy(self, original: MediaInfo) -> MediaInfo:
        """Write a repost copy: the same bytes under a new name."""
        suffix = original.path.rsplit(".", 1)[-1]
        data = (self.root / original.path).read_bytes()
        relative, sha = self._place(None, data, original.path.rsplit("/", 1)[-1][:1], suffix)
        info = MediaInfo(
            path=relative,
            sha256=sha,
            kind=original.kind,
            people=list(original.people),
            light_faces=list(original.light_faces),
            transform=original.transform,
            speech=original.speech,
            has_audio=original.has_audio,
            other_faces=original.other_faces,
            copy_of=original.path,
        )
        self._record(info)
        return info

    def _record(self, info: MediaInfo, **extra: Any) -> None:
        record: dict[str, Any] = {
            "type": "media",
            "path": info.path,
            "sha256": info.sha256,
            "kind": info.kind,
            "people": info.people,
            "faces_findable": info.light_faces,
            "other_faces": info.other_faces,
            "transform": info.transform,
            "speech": info.speech.text if info.speech else None,
            "speech_source": info.speech.source if info.speech else None,
            "spoken": info.spoken,
            "has_audio": info.has_audio,
        }
        if info.copy_of:
            record["copy_of"] = info.copy_of
        record.update(extra)
        self.writer.ground_truth(record)

    def close(self) -> None:
        """Remove the scratch folder."""
        shutil.rmtree(self.scratch, ignore_errors=True)
