"""Media analysis inside the pipeline versus the same library calls in a bare loop, on the same files.

Pipeline side: each file's SHA-256 and the eager Celery task (``tasks.media``), which calls
``footprint.pipeline.analyze_file``: stored-analysis check, image loading, dlib models or
faster-whisper, then the row upsert and the cache write, on a fresh SQLite database so that
nothing is reused. Bare side: ``face_recognition.load_image_file``, ``face_locations`` and
``face_encodings``, and ``WhisperModel.transcribe`` with the pipeline's model and options. Each
side runs in its own process with its models loaded and warmed up before timing.
"""

from __future__ import annotations

import json
import logging
import shutil
import subprocess
from pathlib import Path
from typing import Any

from bench.context import Context
from bench.results import Result, Target
from bench.services import child_env, run_child

logger = logging.getLogger(__name__)

#: Target of both ratios: the pipeline keeps at least 80% of the bare loop's throughput.
TARGET = Target(">=", 0.8)

#: Bundled public-domain media, always part of the media set.
ASSETS = Path(__file__).resolve().parent.parent / "footprint" / "assets"


def audio_duration_s(path: Path) -> float:
    """Return the length of the first audio stream of a file in seconds, decoded with PyAV."""
    import av

    with av.open(str(path)) as container:
        stream = container.streams.audio[0]
        if stream.duration is not None and stream.time_base is not None:
            return float(stream.duration * stream.time_base)
        if container.duration is not None:
            return container.duration / av.time_base
        samples = sum(frame.samples for frame in container.decode(stream))
        return samples / stream.rate


def _extract_audio(video: Path, out: Path) -> bool:
    """Write the audio track of ``video`` as 16 kHz mono WAV; return False when it has none."""
    completed = subprocess.run(
        ["ffmpeg", "-v", "error", "-y", "-i", str(video), "-vn", "-ac", "1", "-ar", "16000", str(out)],
        capture_output=True, text=True,
    )
    if completed.returncode != 0 or not out.is_file() or out.stat().st_size <= 44:
        logger.info("no audio taken from %s: %s", video, completed.stderr.strip()[-300:])
        out.unlink(missing_ok=True)
        return False
    return True


def build_media_set(root: Path, world: Path | None, max_images: int, max_audio: int) -> dict[str, Any]:
    """Copy the media to measure into ``root`` and return the manifest for ``bench.child media``.

    Images: the bundled photos, then the world's images in path order, ``max_images`` in all.
    Audio: the bundled speech clip, then the audio tracks of the world's videos, ``max_audio``
    in all. Video frames are not measured here: a video's pipeline analysis does face detection
    on frames as well, and the bare reference is transcription alone.
    """
    from footprint.media import media_kind

    root.mkdir(parents=True, exist_ok=True)
    images = sorted((ASSETS / "faces").glob("*.jpg"))
    videos: list[Path] = []
    if world is not None:
        media = sorted(path for path in (world / "media").rglob("*") if path.is_file())
        images += [path for path in media if media_kind(path) == "image"]
        videos = [path for path in media if media_kind(path) == "video"]

    manifest: dict[str, Any] = {"root": str(root), "images": [], "audio": []}
    for number, source in enumerate(images[:max_images]):
        name = f"images/{number:04d}{source.suffix.lower()}"
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, root / name)
        manifest["images"].append(name)

    (root / "audio").mkdir(exist_ok=True)
    shutil.copyfile(ASSETS / "speech" / "jfk.flac", root / "audio" / "0000.flac")
    audio = ["audio/0000.flac"]
    for video in videos:
        if len(audio) >= max_audio:
            break
        name = f"audio/{len(audio):04d}.wav"
        if _extract_audio(video, root / name):
            audio.append(name)
    manifest["audio"] = [{"path": name, "duration_s": audio_duration_s(root / name)} for name in audio[:max_audio]]
    if not manifest["images"] or not manifest["audio"]:
        raise ValueError(f"empty media set: {len(manifest['images'])} images and {len(manifest['audio'])} audio files; "
                         "use --media-images and --media-audio of at least 1")
    manifest["warmup_image"] = manifest["images"][0]
    manifest["warmup_audio"] = manifest["audio"][0]["path"]
    return manifest


def _best(rounds: list[dict[str, Any]], kind: str) -> float:
    return min(sum(record["seconds"] for record in measured[kind]) for measured in rounds)


def run(context: Context) -> list[Result]:
    """Measure faces (images/s) and speech (audio seconds per second) on both sides."""
    options = context.options
    world = context.world(context.smallest_size) if options.media_images > 3 or options.media_audio > 1 else None
    base = context.run_dir("media")
    manifest = build_media_set(base / "files", world, options.media_images, options.media_audio)
    manifest_path = base / "manifest.json"
    manifest_path.write_text(json.dumps(manifest, indent=2), encoding="utf-8")

    sides: dict[str, list[dict[str, Any]]] = {"bare": [], "pipeline": []}
    for number in range(1, options.rounds + 1):
        for side in ("bare", "pipeline"):
            folder = base / f"round{number}-{side}"
            folder.mkdir()
            env = child_env(data_dir=folder / "data")
            measured = run_child(["media", "--manifest", str(manifest_path), "--side", side], env,
                                 folder / "result.json", folder / "child.log", options.scan_timeout_s)
            sides[side].append(measured)
            logger.info("media round %d, %s side: images %.2f s, audio %.2f s", number, side,
                        sum(r["seconds"] for r in measured["images"]), sum(r["seconds"] for r in measured["audio"]))

    image_count = len(manifest["images"])
    audio_seconds = sum(entry["duration_s"] for entry in manifest["audio"])
    throughput = {
        side: {"images_per_s": image_count / _best(rounds, "images"),
               "audio_s_per_s": audio_seconds / _best(rounds, "audio")}
        for side, rounds in sides.items()
    }
    faces = {side: [record["faces"] for record in rounds[0]["images"]] for side, rounds in sides.items()}
    words = {side: [record["words"] for record in rounds[0]["audio"]] for side, rounds in sides.items()}
    context.details["media"] = {
        "manifest": manifest, "audio_seconds": audio_seconds, "throughput": throughput,
        "faces_per_image": faces, "words_per_audio": words, "rounds": sides,
    }

    same_faces = faces["bare"] == faces["pipeline"]
    face_note = (f"{image_count} images, best of {options.rounds} rounds; faces found equal on both sides"
                 if same_faces else f"{image_count} images; faces found differ: bare {sum(faces['bare'])}, "
                 f"pipeline {sum(faces['pipeline'])} (see details)")
    pipeline_faces, bare_faces = throughput["pipeline"]["images_per_s"], throughput["bare"]["images_per_s"]
    pipeline_speech, bare_speech = throughput["pipeline"]["audio_s_per_s"], throughput["bare"]["audio_s_per_s"]
    return [
        Result("media", "faces: pipeline vs bare loop", pipeline_faces, "images/s", bare_faces,
               pipeline_faces / bare_faces, TARGET, face_note),
        Result("media", "speech: pipeline vs bare loop", pipeline_speech, "audio s/s", bare_speech,
               pipeline_speech / bare_speech, TARGET,
               f"{len(manifest['audio'])} files, {audio_seconds:.1f} s of audio, best of {options.rounds} rounds"),
        Result("media", "peak RSS: pipeline vs bare process", max(r["peak_rss_mib"] for r in sides["pipeline"]), "MiB",
               max(r["peak_rss_mib"] for r in sides["bare"]),
               max(r["peak_rss_mib"] for r in sides["pipeline"]) / max(r["peak_rss_mib"] for r in sides["bare"])),
    ]
