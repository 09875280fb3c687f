"""Work that the scenarios run in a fresh subprocess: ``python -m bench.child COMMAND ... --out FILE``.

A fresh process per measurement keeps model caches, database engines and the Celery app of one
side from helping the other, and makes its peak memory (``ru_maxrss``) its own. Settings come
from FOOTPRINT_* variables set by the parent. Each command writes one JSON object to ``--out``.

Commands:
    scan     register the demo subject and run scans of a world, in-process (eager Celery) or
             on the workers of the configured broker.
    media    time media analysis on a list of files, through the pipeline or in a bare loop.
    models   load the face and speech models and report resident memory after each step.
"""

from __future__ import annotations

import argparse
import json
import logging
import resource
import sys
import time
from pathlib import Path
from typing import Any

logger = logging.getLogger("bench.child")

#: Seconds between two polls of a scan's status on workers.
SCAN_POLL_S = 0.2


def _peak_rss_mib() -> float:
    # ru_maxrss is in KiB on Linux.
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _current_rss_mib() -> float | None:
    for line in Path("/proc/self/status").read_text(encoding="utf-8").splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return None


def _setup(level: str = "INFO") -> None:
    from config.logging import setup_logging

    setup_logging(level)


def run_scans(world: Path, scans: int, timeout_s: float) -> dict[str, Any]:
    """Register the demo subject and scan ``world`` ``scans`` times one after another.

    Without a broker the canvas runs in this process (the embedded default, as ``manage.py scan``
    runs it). With one, the canvas is sent to the workers and this process polls until the scan
    is done or failed.

    Returns:
        {"subject_id", "scans": [{"scan_id", "status", "reason", "wall_s", "counts", "timings"}],
        "analyses_by_kind", "peak_rss_mib"}: ``wall_s`` runs from creating the scan to seeing it
        finished, and ``analyses_by_kind`` splits the analysis time by media kind.
    """
    from config.settings import get_settings
    from footprint import pipeline
    from footprint.store import migrate
    from tasks.app import configure
    from tasks.scan import scan_canvas
    from tests.scanning import register_demo_subject

    settings = get_settings()
    configure(settings)
    migrate.upgrade(settings)
    subject_id = register_demo_subject(settings)
    logger.info("registered the demo subject as %d; %d scans of %s, %s", subject_id, scans, world,
                "embedded" if settings.eager else "on workers")

    records = []
    for _ in range(scans):
        started = time.perf_counter()
        scan_id = pipeline.create_scan(subject_id, world, settings)
        canvas = scan_canvas(scan_id, pipeline.get_scan(scan_id, settings).sources)
        # Eager mode runs the whole canvas inside apply_async; with a broker it only sends it.
        canvas.apply_async()
        if not settings.eager:
            deadline = time.monotonic() + timeout_s
            while pipeline.get_scan(scan_id, settings).status not in ("done", "failed"):
                if time.monotonic() > deadline:
                    raise TimeoutError(f"scan {scan_id} not finished after {timeout_s:.0f} s; see the worker logs")
                time.sleep(SCAN_POLL_S)
        wall = time.perf_counter() - started
        progress = pipeline.scan_progress(scan_id, settings)
        records.append({
            "scan_id": scan_id, "status": progress["status"], "reason": progress["reason"], "wall_s": wall,
            "counts": progress["counts"], "timings": progress["timings"],
        })
        logger.info("scan %d %s in %.2f s", scan_id, progress["status"], wall)
    return {"subject_id": subject_id, "scans": records, "analyses_by_kind": _analyses_by_kind(settings),
            "peak_rss_mib": _peak_rss_mib()}


def _analyses_by_kind(settings) -> dict[str, dict[str, float]]:
    """Return kind -> {"files", "elapsed_s"}: stored analyses and their summed analysis seconds."""
    from sqlalchemy import func, select

    from footprint.store.engine import get_engine
    from footprint.store.models import MediaAnalysisRow

    statement = select(MediaAnalysisRow.kind, func.count(), func.sum(MediaAnalysisRow.elapsed_s)).group_by(MediaAnalysisRow.kind)
    with get_engine(settings).connect() as connection:
        return {kind: {"files": files, "elapsed_s": float(elapsed or 0.0)} for kind, files, elapsed in connection.execute(statement)}


def _media_scan(media_root: Path) -> int:
    """Create a subject and a scan row whose world is ``media_root``, for ``analyze_file``."""
    from config.settings import get_settings
    from footprint.store import migrate
    from footprint.store.engine import session_scope
    from footprint.store.models import Scan, Subject

    settings = get_settings()
    migrate.upgrade(settings)
    with session_scope(settings) as session:
        subject = Subject(full_name="Benchmark Subject")
        session.add(subject)
        session.flush()
        scan = Scan(subject_id=subject.id, status="analyzing", world_dir=str(media_root), sources=[], counts={}, timings={})
        session.add(scan)
        session.flush()
        return scan.id


def _pipeline_side(manifest: dict[str, Any]) -> dict[str, Any]:
    from config.settings import get_settings
    from footprint.analysis.media import analyze_media, warm_up
    from footprint.media import sha256_file
    from tasks.media import TASK_BY_KIND

    settings = get_settings()
    media_root = Path(manifest["root"])
    scan_id = _media_scan(media_root)
    warm_up(settings)
    analyze_media(media_root / manifest["warmup_image"], settings=settings)
    analyze_media(media_root / manifest["warmup_audio"], settings=settings)

    def analyse(path: str, kind: str) -> dict[str, Any]:
        started = time.perf_counter()
        # The hash is part of the pipeline's cost: plan_media computes it for every file.
        digest = sha256_file(media_root / path)
        summary = TASK_BY_KIND[kind].apply(args=(scan_id, digest, path)).get()
        seconds = time.perf_counter() - started
        if summary.get("reused"):
            raise RuntimeError(f"{path} was reused from a stored analysis; the pipeline side needs a fresh database")
        if summary.get("error"):
            raise RuntimeError(f"pipeline analysis of {path} failed: {summary['error']}")
        return {"path": path, "seconds": seconds, "digest": digest}

    images = [analyse(path, "image") for path in manifest["images"]]
    audio = [analyse(entry["path"], "audio") for entry in manifest["audio"]]

    from footprint.store.loader import fetch_analyses

    stored = fetch_analyses([record["digest"] for record in images + audio], settings)
    for record in images:
        record["faces"] = len(stored[record.pop("digest")].faces)
    for record in audio:
        record["words"] = len((stored[record.pop("digest")].transcript or "").split())
    return {"images": images, "audio": audio}


def _bare_side(manifest: dict[str, Any]) -> dict[str, Any]:
    import warnings

    from config.settings import get_settings
    from footprint.analysis.speech import resolve_model

    with warnings.catch_warnings():
        # face_recognition_models imports pkg_resources, which warns that it is deprecated.
        warnings.simplefilter("ignore", UserWarning)
        import face_recognition
    from faster_whisper import WhisperModel

    settings = get_settings()
    media_root = Path(manifest["root"])
    # Same model files, device, compute type and decoding options as the pipeline, so the two
    # sides differ only in what the pipeline adds around the library calls.
    model_path, device, compute_type = resolve_model(settings)
    model = WhisperModel(model_path, device=device, compute_type=compute_type, cpu_threads=settings.speech_cpu_threads)
    upsample = settings.face_upsample

    def faces(path: Path) -> int:
        image = face_recognition.load_image_file(path)
        boxes = face_recognition.face_locations(image, number_of_times_to_upsample=upsample, model="hog")
        return len(face_recognition.face_encodings(image, boxes))

    def words(path: Path) -> int:
        segments, _info = model.transcribe(str(path), beam_size=settings.whisper_beam_size, vad_filter=True)
        return len(" ".join(segment.text.strip() for segment in segments).split())

    faces(media_root / manifest["warmup_image"])
    words(media_root / manifest["warmup_audio"])

    images, audio = [], []
    for path in manifest["images"]:
        started = time.perf_counter()
        found = faces(media_root / path)
        images.append({"path": path, "seconds": time.perf_counter() - started, "faces": found})
    for entry in manifest["audio"]:
        started = time.perf_counter()
        count = words(media_root / entry["path"])
        audio.append({"path": entry["path"], "seconds": time.perf_counter() - started, "words": count})
    return {"images": images, "audio": audio}


def time_media(manifest_path: Path, side: str) -> dict[str, Any]:
    """Analyse every file of the manifest on one side and return per-file seconds and findings.

    The manifest is {"root", "images": [path], "audio": [{"path", "duration_s"}], "warmup_image",
    "warmup_audio"} with paths relative to root. Models are loaded and run once on the warm-up
    files before timing, as in a worker that has handled a task already.
    """
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    if side == "pipeline":
        measured = _pipeline_side(manifest)
    elif side == "bare":
        measured = _bare_side(manifest)
    else:
        raise ValueError(f"invalid side {side!r}: use 'pipeline' or 'bare'")
    return {"side": side, **measured, "peak_rss_mib": _peak_rss_mib()}


def measure_models(image: Path, audio: Path) -> dict[str, Any]:
    """Load the face and speech models as a worker does, run each once, and report memory in MiB."""
    from config.settings import get_settings
    from footprint.analysis import faces, speech
    from footprint.analysis.media import analyze_media

    settings = get_settings()
    steps = {"imports": _current_rss_mib()}
    faces.load_models(cnn=faces.resolve_detector(settings.face_model) == "cnn")
    steps["face_models"] = _current_rss_mib()
    speech.load_model(settings)
    steps["speech_model"] = _current_rss_mib()
    peak_loaded = _peak_rss_mib()
    image_result = analyze_media(image, settings=settings)
    audio_result = analyze_media(audio, settings=settings)
    if image_result.error or audio_result.error:
        raise RuntimeError(f"model check failed: {image_result.error or audio_result.error}")
    steps["after_one_image_and_audio"] = _current_rss_mib()
    return {
        "rss_mib": steps, "peak_rss_models_loaded_mib": peak_loaded, "peak_rss_mib": _peak_rss_mib(),
        "speech_model": speech.model_label(settings), "faces_found": len(image_result.faces),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.child", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    scan = commands.add_parser("scan", help="scan a world with the demo subject")
    scan.add_argument("--world", type=Path, required=True, help="world directory")
    scan.add_argument("--scans", type=int, default=1, help="scans to run one after another")
    scan.add_argument("--timeout", type=float, default=3600.0, help="seconds to wait for one scan on workers")
    media = commands.add_parser("media", help="time media analysis on one side")
    media.add_argument("--manifest", type=Path, required=True, help="JSON list of files (see time_media)")
    media.add_argument("--side", choices=("pipeline", "bare"), required=True)
    models = commands.add_parser("models", help="memory of a process with both models loaded")
    models.add_argument("--image", type=Path, required=True, help="image to analyse once")
    models.add_argument("--audio", type=Path, required=True, help="audio file to transcribe once")
    for sub in (scan, media, models):
        sub.add_argument("--out", type=Path, required=True, help="file that receives the JSON result")
    args = parser.parse_args(argv)

    _setup()
    if args.command == "scan":
        result = run_scans(args.world, args.scans, args.timeout)
    elif args.command == "media":
        result = time_media(args.manifest, args.side)
    else:
        result = measure_models(args.image, args.audio)
    args.out.write_text(json.dumps(result, indent=2, default=str), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
