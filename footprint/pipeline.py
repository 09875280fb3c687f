"""The steps of a scan as plain functions; ``tasks/`` wraps each one in a Celery task.

Steps pass references (scan id, source name, content hash and path), never payloads: extracted
items go to the ``staged_items`` table and media results to ``media_analyses``. Every step is
idempotent, so a redelivered task produces the same rows.

    create_scan, mark_started -> extract_source (per source) -> plan_media -> analyze_file (per distinct file)
               -> consolidate_and_load -> finish_scan
"""

from __future__ import annotations

import logging
import time
from datetime import timedelta
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import delete, func, select

from config.settings import Settings, get_settings
from footprint.cache import get_cache
from footprint.items import ItemError, RawItem
from footprint.media import MediaAnalysis, media_kind, sha256_file
from footprint.sources import discover_sources, get_source
from footprint.store.engine import get_engine, session_scope
from footprint.store.loader import (
    fetch_analyses,
    load_decisions,
    record_errors,
    sha256_hex,
    store_analyses,
)
from footprint.store.models import Scan, ScanError, ScanMedia, StagedItem, utcnow
from footprint.store.subjects import load_profile
from footprint.store.upsert import bulk_upsert

logger = logging.getLogger(__name__)

#: Scan states, in order; "failed" can follow any of them.
STATUSES = ("pending", "extracting", "analyzing", "loading", "done", "failed")

#: Cache namespace of media analyses, keyed by content hash. Reference encodings and sources are
#: read from the database, which is cheap next to the analyses the cache saves.
CACHE_ANALYSIS = "analysis"

#: Cache namespace of analysis claims: who is analysing a file right now.
CACHE_CLAIM = "analysing"

#: Seconds a claim on a file lasts, and between two checks for another owner's result (estimates:
#: a long video on a CPU host takes minutes).
CLAIM_TTL_S = 900
CLAIM_POLL_S = 1.0

#: Queue of each media kind (routing of the tasks is configuration, see celeryconfig.py).
QUEUE_BY_KIND = {"image": "cpu", "video": "gpu", "audio": "gpu"}


class ScanInputError(ValueError):
    """A scan cannot start: unknown subject, missing world directory or unknown source."""


@dataclass(frozen=True)
class MediaJob:
    """One distinct media file to analyse: its hash, a world-relative path, kind and queue."""

    sha256: str
    path: str
    kind: str
    queue: str


#: Called as hook(stage, advance, total): ``advance`` units of work just finished and ``total`` is
#: the size of the stage (0 when it is unchanged). The CLI draws progress bars with it.
ProgressHook = Callable[[str, int, int], None]

_progress_hooks: list[ProgressHook] = []


def add_progress_hook(hook: ProgressHook) -> None:
    """Register a callable that receives (stage, advance, total) as this process makes progress."""
    _progress_hooks.append(hook)


def remove_progress_hook(hook: ProgressHook) -> None:
    """Unregister a hook added with :func:`add_progress_hook`."""
    if hook in _progress_hooks:
        _progress_hooks.remove(hook)


def _report(stage: str, advance: int, total: int) -> None:
    for hook in list(_progress_hooks):
        hook(stage, advance, total)


def _update_scan(scan_id: int, settings: Settings, **values: Any) -> None:
    with session_scope(settings) as session:
        scan = session.get(Scan, scan_id)
        if scan is None:
            raise ScanInputError(f"scan {scan_id} not found")
        for name, value in values.items():
            if name in ("counts", "timings"):
                merged = dict(getattr(scan, name) or {})
                merged.update(value)
                value = merged
            setattr(scan, name, value)


def get_scan(scan_id: int, settings: Settings | None = None) -> Scan:
    """Return the scan row (detached), or raise ScanInputError."""
    with session_scope(settings) as session:
        scan = session.get(Scan, scan_id)
        if scan is None:
            raise ScanInputError(f"scan {scan_id} not found; list scans with 'manage.py scan list'")
        return scan


def create_scan(subject_id: int, world_dir: Path, settings: Settings | None = None,
                sources: Sequence[str] | None = None) -> int:
    """Check the subject and the world, create a pending scan row and return its id."""
    settings = settings or get_settings()
    world_dir = Path(world_dir).resolve()
    available = [source.name for source in discover_sources(world_dir)]
    chosen = list(sources) if sources else available
    unknown = sorted(set(chosen) - set(available))
    if unknown:
        raise ScanInputError(f"unknown sources {unknown} in {world_dir}; available: {', '.join(available)}")

    with session_scope(settings) as session:
        load_profile(session, subject_id)
        scan = Scan(
            subject_id=subject_id, status="pending", world_dir=str(world_dir), sources=chosen,
            counts={}, timings={},
        )
        session.add(scan)
        session.flush()
        scan_id = scan.id

        # Scans that died without finishing leave staged items behind; drop them after the TTL.
        cutoff = utcnow() - timedelta(seconds=settings.staging_ttl_s)
        stale = select(Scan.id).where(Scan.created_at < cutoff, Scan.status != "done")
        session.execute(delete(StagedItem).where(StagedItem.scan_id.in_(stale)))

    logger.info("scan %d created for subject %d over %d sources in %s", scan_id, subject_id, len(chosen), world_dir)
    return scan_id


def mark_started(scan_id: int, settings: Settings | None = None) -> None:
    """Set the scan running (status "extracting") and record its start time."""
    settings = settings or get_settings()
    scan = get_scan(scan_id, settings)
    _update_scan(scan_id, settings, status="extracting", started_at=scan.started_at or utcnow())


def extract_source(scan_id: int, source_name: str, settings: Settings | None = None) -> dict[str, Any]:
    """Stage every item of one source and record its bad records; return counts and seconds."""
    settings = settings or get_settings()
    started = time.perf_counter()
    scan = get_scan(scan_id, settings)
    source = get_source(Path(scan.world_dir), source_name)

    rows: list[dict[str, Any]] = []
    errors: list[ItemError] = []
    for record in source.iter_records():
        if isinstance(record, ItemError):
            errors.append(record)
            continue
        rows.append({
            "scan_id": scan_id, "item_key": sha256_hex(f"{record.source}\n{record.item_id}"),
            "source": record.source, "payload": record.to_dict(),
        })

    with get_engine(settings).connect() as connection:
        bulk_upsert(connection, StagedItem.__table__, rows, keys=["scan_id", "item_key"], update=["payload"],
                    batch_size=settings.load_batch_size)
        connection.commit()
    record_errors(scan_id, "extract", errors, settings)

    _report("extract", 1, len(scan.sources or [source_name]))
    elapsed = time.perf_counter() - started
    logger.info("scan %d: source %s staged %d items, %d errors in %.2fs", scan_id, source_name, len(rows), len(errors), elapsed)
    return {"source": source_name, "items": len(rows), "errors": len(errors), "seconds": elapsed}


def staged_items(scan_id: int, settings: Settings | None = None) -> list[RawItem]:
    """Return the staged items of a scan, ordered by source, then by item key."""
    with get_engine(settings or get_settings()).connect() as connection:
        payloads = connection.execute(
            select(StagedItem.payload).where(StagedItem.scan_id == scan_id).order_by(StagedItem.source, StagedItem.item_key)
        ).scalars()
        return [RawItem.from_dict(payload) for payload in payloads]


def plan_media(scan_id: int, extract_results: Iterable[dict[str, Any]] = (),
               settings: Settings | None = None) -> list[MediaJob]:
    """Hash the media of the staged items and return the distinct files still to analyse.

    Files whose hash already has a stored analysis (from any scan or subject) are reused and not
    returned. Unreadable files become scan errors.
    """
    settings = settings or get_settings()
    started = time.perf_counter()
    extract_results = list(extract_results)
    scan = get_scan(scan_id, settings)
    world_dir = Path(scan.world_dir)

    paths = sorted({path for item in staged_items(scan_id, settings) for path in item.media})
    media_rows, errors, by_hash = [], [], {}
    for path in paths:
        kind = media_kind(path)
        if kind is None:
            errors.append(ItemError("media", path, f"unsupported media type {Path(path).suffix!r}; not analysed"))
            continue
        try:
            digest = sha256_file(world_dir / path)
        except OSError as error:
            errors.append(ItemError("media", path, f"media file could not be read: {error.strerror or error}"))
            continue
        media_rows.append({"scan_id": scan_id, "path_sha256": sha256_hex(path), "path": path, "sha256": digest, "kind": kind})
        by_hash.setdefault(digest, MediaJob(digest, path, kind, QUEUE_BY_KIND[kind]))

    with get_engine(settings).connect() as connection:
        bulk_upsert(connection, ScanMedia.__table__, media_rows, keys=["scan_id", "path_sha256"], update=["sha256", "kind"],
                    batch_size=settings.load_batch_size)
        connection.commit()
    record_errors(scan_id, "media", errors, settings)

    stored = set(fetch_analyses(by_hash, settings))
    jobs = [job for digest, job in sorted(by_hash.items()) if digest not in stored]
    counts = {
        "items": sum(result.get("items", 0) for result in extract_results),
        "media_files": len(paths), "media_distinct": len(by_hash), "media_to_analyse": len(jobs),
        "media_reused": len(by_hash) - len(jobs),
    }
    # Epoch seconds when analysis can start, so that consolidation can measure its wall time even
    # when the analyses ran in other processes.
    timings = {"extract": sum(result.get("seconds", 0.0) for result in extract_results),
               "plan": time.perf_counter() - started, "analyze_started_at": time.time()}
    _update_scan(scan_id, settings, status="analyzing", counts=counts, timings=timings)
    _report("analyze", 0, len(jobs))
    logger.info("scan %d: %d distinct media files, %d to analyse", scan_id, len(by_hash), len(jobs))
    return jobs


def _wait_for_other_owner(sha256: str, owner: str, settings: Settings) -> bool:
    """Wait while another owner analyses ``sha256``; return True once its analysis is stored."""
    cache = get_cache(settings)
    deadline = time.monotonic() + CLAIM_TTL_S
    while time.monotonic() < deadline:
        holder = cache.claim(CACHE_CLAIM, sha256, owner, CLAIM_TTL_S)
        if holder in (owner, None):
            return False
        if fetch_analyses([sha256], settings):
            return True
        time.sleep(CLAIM_POLL_S)
    return False


def analyze_file(scan_id: int, sha256: str, path: str, settings: Settings | None = None,
                 owner: str | None = None) -> dict[str, Any]:
    """Analyse one media file unless its analysis is stored; return a small summary.

    A file that fails analysis is stored with its error, so it is not analysed again on every scan.
    The error is also recorded on the scan. A bad file does not raise; a missing model does.
    ``owner`` (a task id) claims the file in the cache first. Another scan that needs the same file
    at the same time then waits for this analysis instead of repeating it. A redelivered task keeps
    its claim because its task id is unchanged.
    """
    from footprint.analysis.media import analyze_media

    settings = settings or get_settings()
    started = time.perf_counter()
    _report("analyze", 1, 0)
    reused = {"sha256": sha256, "reused": True, "error": None}
    if fetch_analyses([sha256], settings):
        return {**reused, "seconds": time.perf_counter() - started}
    if owner and _wait_for_other_owner(sha256, owner, settings):
        return {**reused, "seconds": time.perf_counter() - started}

    world_dir = Path(get_scan(scan_id, settings).world_dir)
    analysis = analyze_media(world_dir / path, sha256=sha256, settings=settings)
    store_analyses([analysis], settings)
    get_cache(settings).set(CACHE_ANALYSIS, sha256, analysis.to_dict(), settings.cache_ttl_analysis_s)
    if analysis.error:
        record_errors(scan_id, "analyze", [ItemError("media", path, analysis.error)], settings)
        logger.warning("scan %d: analysis of %s failed: %s", scan_id, path, analysis.error)
    return {"sha256": sha256, "reused": False, "error": analysis.error, "kind": analysis.kind,
            "seconds": time.perf_counter() - started}


def load_scan_analyses(scan_id: int, settings: Settings) -> tuple[dict[str, str], dict[str, MediaAnalysis]]:
    """Return the scan's path -> hash map and hash -> analysis, from the cache where possible."""
    with get_engine(settings).connect() as connection:
        media_hashes = dict(connection.execute(select(ScanMedia.path, ScanMedia.sha256).where(ScanMedia.scan_id == scan_id)).all())

    cache = get_cache(settings)
    analyses: dict[str, MediaAnalysis] = {}
    missing = []
    for digest in set(media_hashes.values()):
        cached = cache.get(CACHE_ANALYSIS, digest)
        if cached is None:
            missing.append(digest)
        else:
            analyses[digest] = MediaAnalysis.from_dict(cached)
    for digest, analysis in fetch_analyses(missing, settings).items():
        analyses[digest] = analysis
        cache.set(CACHE_ANALYSIS, digest, analysis.to_dict(), settings.cache_ttl_analysis_s)
    return media_hashes, analyses


def consolidate_and_load(scan_id: int, analyze_results: Iterable[dict[str, Any]] = (),
                         settings: Settings | None = None) -> dict[str, Any]:
    """Attribute, dedupe, classify and score the scan's items, then bulk-load the footprints."""
    from footprint.consolidate import consolidate

    settings = settings or get_settings()
    analyze_results = [result for result in analyze_results if result]
    wall_started = time.time()
    _update_scan(scan_id, settings, status="loading")
    started = time.perf_counter()
    scan = get_scan(scan_id, settings)

    with session_scope(settings) as session:
        profile = load_profile(session, scan.subject_id)
    items = staged_items(scan_id, settings)
    media_hashes, analyses = load_scan_analyses(scan_id, settings)
    decisions = consolidate(items, analyses, media_hashes, profile, settings)
    consolidated = time.perf_counter()
    _report("consolidate", 1, 1)
    rows = load_decisions(scan_id, scan.subject_id, decisions, settings)
    _report("load", 1, 1)

    counts = {
        "footprints": len(decisions),
        "linked": sum(1 for decision in decisions if decision.linked),
        "media_analysed": sum(1 for result in analyze_results if not result.get("reused")),
        "media_failed": sum(1 for result in analyze_results if result.get("error")),
        "rows": rows,
    }
    analyze_started_at = (scan.timings or {}).get("analyze_started_at")
    worker_seconds = sum(result.get("seconds", 0.0) for result in analyze_results)
    timings = {
        "analyze": max(0.0, wall_started - analyze_started_at) if analyze_started_at else worker_seconds,
        "analyze_worker_s": worker_seconds,
        "consolidate": consolidated - started,
        "load": time.perf_counter() - consolidated,
    }
    _update_scan(scan_id, settings, counts=counts, timings=timings)
    return {"scan_id": scan_id, **counts}


def finish_scan(scan_id: int, settings: Settings | None = None) -> dict[str, Any]:
    """Mark the scan done, count its errors and drop its staged items."""
    settings = settings or get_settings()
    with session_scope(settings) as session:
        scan = session.get(Scan, scan_id)
        errors = session.scalar(select(func.count()).select_from(ScanError).where(ScanError.scan_id == scan_id))
        scan.status = "done"
        scan.finished_at = utcnow()
        scan.counts = {**(scan.counts or {}), "errors": errors}
        total = (scan.finished_at - scan.started_at).total_seconds() if scan.started_at else None
        scan.timings = {**(scan.timings or {}), "total": total}
        session.execute(delete(StagedItem).where(StagedItem.scan_id == scan_id))
    logger.info("scan %d done with %d errors", scan_id, errors)
    return {"scan_id": scan_id, "status": "done", "errors": errors}


def fail_scan(scan_id: int, reason: str, settings: Settings | None = None) -> None:
    """Mark the scan failed with ``reason``; what was already loaded stays."""
    settings = settings or get_settings()
    _update_scan(scan_id, settings, status="failed", reason=reason[:4000], finished_at=utcnow())
    logger.error("scan %d failed: %s", scan_id, reason)


def run_scan(subject_id: int, world_dir: Path, settings: Settings | None = None,
             sources: Sequence[str] | None = None) -> int:
    """Run a whole scan in this process without Celery and return the scan id.

    The same steps as the canvas in ``tasks/``, called one after another. Tests and benchmarks
    use it to compare the bare pipeline with the Celery one.
    """
    settings = settings or get_settings()
    scan_id = create_scan(subject_id, world_dir, settings, sources)
    try:
        mark_started(scan_id, settings)
        scan = get_scan(scan_id, settings)
        extract_results = [extract_source(scan_id, name, settings) for name in scan.sources]
        jobs = plan_media(scan_id, extract_results, settings)
        analyze_results = [analyze_file(scan_id, job.sha256, job.path, settings) for job in jobs]
        consolidate_and_load(scan_id, analyze_results, settings)
        finish_scan(scan_id, settings)
    except Exception as error:
        fail_scan(scan_id, f"{type(error).__name__}: {error}", settings)
        raise
    return scan_id


def job_dicts(jobs: Iterable[MediaJob]) -> list[dict[str, str]]:
    """Return jobs as plain dicts for task arguments."""
    return [asdict(job) for job in jobs]


def scan_progress(scan_id: int, settings: Settings | None = None) -> dict[str, Any]:
    """Return the scan's status, counts, and how many of its distinct media files are analysed."""
    from footprint.store.models import MediaAnalysisRow

    settings = settings or get_settings()
    scan = get_scan(scan_id, settings)
    with get_engine(settings).connect() as connection:
        distinct = connection.scalar(select(func.count(func.distinct(ScanMedia.sha256))).where(ScanMedia.scan_id == scan_id))
        analysed = connection.scalar(
            select(func.count(func.distinct(ScanMedia.sha256)))
            .join(MediaAnalysisRow, MediaAnalysisRow.sha256 == ScanMedia.sha256)
            .where(ScanMedia.scan_id == scan_id)
        )
        errors = connection.scalar(select(func.count()).select_from(ScanError).where(ScanError.scan_id == scan_id))
    return {
        "scan_id": scan_id, "subject_id": scan.subject_id, "status": scan.status, "reason": scan.reason,
        "counts": scan.counts or {}, "timings": scan.timings or {}, "media_distinct": distinct or 0,
        "media_analysed": analysed or 0, "errors": errors or 0,
        "started_at": scan.started_at, "finished_at": scan.finished_at,
    }
