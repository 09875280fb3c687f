"""``manage.py scan``, ``worker`` and ``flower``: run scans in-process or on Celery workers."""

from __future__ import annotations

import json
import logging
import os
import sys
import time
from pathlib import Path

import click
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table
from sqlalchemy import select
from sqlalchemy.engine import make_url

from config.settings import Settings, get_settings
from footprint import pipeline
from footprint.cli.common import database_errors, fail, init_logging
from footprint.evidence import Confidence
from footprint.sources.registry import WorldError
from footprint.store.engine import session_scope
from footprint.store.models import ActivityLog, Scan, ScanError
from footprint.store.subjects import NewSubject, SubjectError, add_subject, get_subject

logger = logging.getLogger(__name__)
console = Console(stderr=True)

#: Exit codes of ``scan``.
EXIT_DONE, EXIT_FAILED, EXIT_TIMEOUT = 0, 1, 3

#: Seconds between two polls of a scan's status with --wait.
POLL_INTERVAL_S = 1.0


def _broker_reachable(settings: Settings) -> None:
    from tasks.app import app

    url = make_url(settings.broker_url).render_as_string(hide_password=True) if "://" in settings.broker_url else settings.broker_url
    try:
        with app.connection_for_write() as connection:
            connection.ensure_connection(max_retries=1, timeout=settings.connect_timeout_s)
    except Exception as error:
        fail(f"cannot reach the broker at {url}: {error}; check FOOTPRINT_BROKER_URL and that the server runs")


def _demo_subject(settings: Settings) -> int:
    """Register the bundled demo subject once and return its id."""
    from footprint.simulate import DEMO_SUBJECT

    with session_scope(settings) as session:
        from footprint.store.models import SubjectName

        existing = session.scalar(select(SubjectName.subject_id).where(SubjectName.name == DEMO_SUBJECT.full_name))
        if existing:
            return existing
        new = NewSubject(
            names=[DEMO_SUBJECT.full_name], emails=DEMO_SUBJECT.emails, phones=DEMO_SUBJECT.phones,
            addresses=DEMO_SUBJECT.addresses, birth_date=DEMO_SUBJECT.birth_date,
            employers=[DEMO_SUBJECT.employer] if DEMO_SUBJECT.employer else [], photos=DEMO_SUBJECT.photos,
            region=settings.default_region,
        )
        return add_subject(session, new, settings).id


def _subjects_from_file(path: Path, settings: Settings) -> list[int]:
    """Read subject ids, or subjects to register, from a JSON Lines file (one object per line)."""
    ids = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as error:
            fail(f"{path}:{number}: invalid JSON ({error.msg}); write one object per line")
        if not isinstance(record, dict):
            fail(f"{path}:{number}: expected an object such as {{\"subject_id\": 1}} or {{\"names\": [...], ...}}")
        if "subject_id" in record:
            ids.append(int(record["subject_id"]))
            continue
        birth = record.get("birth_date")
        from datetime import date

        new = NewSubject(
            names=record.get("names") or [], emails=record.get("emails") or [], phones=record.get("phones") or [],
            addresses=record.get("addresses") or [], birth_date=date.fromisoformat(birth) if birth else None,
            region=record.get("region") or settings.default_region, employers=record.get("employers") or [],
            photos=record.get("photos") or [],
        )
        try:
            with session_scope(settings) as session:
                ids.append(add_subject(session, new, settings).id)
        except SubjectError as error:
            fail(f"{path}:{number}: {error}")
    if not ids:
        fail(f"{path} lists no subjects")
    return ids


def _simulate_world(subject_ids: list[int], people: int, seed: int, settings: Settings) -> Path:
    from footprint.simulate import generate_world, load_subject_specs

    out = settings.data_dir / "worlds" / f"seed{seed}-people{people}-subjects{'-'.join(map(str, subject_ids))}"
    if (out / "manifest.json").is_file():
        console.print(f"using the simulated world in {out}")
        return out
    console.print(f"simulating a world of {people} people (seed {seed}) in {out}")
    generate_world(out, people=people, seed=seed, subjects=load_subject_specs(subject_ids), progress=True)
    return out


class StageProgress:
    """Rich progress bars per stage, fed by the pipeline's progress hook (embedded mode only)."""

    def __init__(self) -> None:
        self.progress = Progress(TextColumn("{task.description:<12}"), BarColumn(), MofNCompleteColumn(),
                                 TimeElapsedColumn(), console=console, transient=False)
        self.tasks: dict[str, int] = {}

    def __call__(self, stage: str, advance: int, total: int) -> None:
        if stage not in self.tasks:
            self.tasks[stage] = self.progress.add_task(stage, total=total or None)
        task_id = self.tasks[stage]
        if total:
            self.progress.update(task_id, total=total)
        if advance:
            self.progress.advance(task_id, advance)

    def __enter__(self) -> StageProgress:
        self.progress.start()
        pipeline.add_progress_hook(self)
        return self

    def __exit__(self, *_exc) -> None:
        pipeline.remove_progress_hook(self)
        self.progress.stop()


def print_summary(scan_id: int, settings: Settings) -> None:
    """Print the counts, links by confidence, identities by type, errors and stage times of a scan."""
    status = pipeline.scan_progress(scan_id, settings)
    counts, timings = status["counts"], status["timings"]
    # Each activity-log row records the link as this scan saw it, so old scans read back as they were.
    levels: dict[int, int] = {}
    exposed: dict[str, set[int]] = {}
    with session_scope(settings) as session:
        rows = session.execute(
            select(ActivityLog.footprint_id, ActivityLog.confidence, ActivityLog.linked, ActivityLog.identifiers)
            .where(ActivityLog.scan_id == scan_id))
        for footprint_id, confidence, linked, identifiers in rows:
            levels[footprint_id] = confidence
            for identifier in (identifiers or {}) if linked else ():
                exposed.setdefault(identifier, set()).add(footprint_id)
        errors = session.execute(
            select(ScanError.stage, ScanError.origin, ScanError.reason).where(ScanError.scan_id == scan_id)
            .order_by(ScanError.id).limit(10)).all()

    out = Console()
    out.print(f"[bold]scan {scan_id}[/bold] for subject {status['subject_id']}: [bold]{status['status']}[/bold]"
              + (f" ({status['reason']})" if status["reason"] else ""))
    table = Table("what", "count", title="summary")
    table.add_row("items extracted", str(counts.get("items", 0)))
    table.add_row("media files (distinct)", f"{counts.get('media_files', 0)} ({counts.get('media_distinct', 0)})")
    table.add_row("media analysed / reused", f"{counts.get('media_analysed', 0)} / {counts.get('media_reused', 0)}")
    table.add_row("footprints with any evidence", str(counts.get("footprints", 0)))
    for level in sorted(Confidence, reverse=True):
        table.add_row(f"  confidence {level.name.lower()}", str(sum(1 for value in levels.values() if value == level)))
    table.add_row(f"footprints linked (confidence >= {settings.link_threshold})", str(counts.get("linked", 0)))
    for identifier, footprints in sorted(exposed.items()):
        table.add_row(f"  linked footprints exposing {identifier}", str(len(footprints)))
    table.add_row("errors", str(status["errors"]))
    out.print(table)

    stages = Table("stage", "seconds", title="time per stage (wall clock)")
    for stage in ("extract", "plan", "analyze", "consolidate", "load", "total"):
        if stage in timings and timings[stage] is not None:
            stages.add_row(stage, f"{timings[stage]:.2f}")
    if timings.get("analyze_worker_s") is not None:
        stages.add_row("analyze, summed over workers", f"{timings['analyze_worker_s']:.2f}")
    out.print(stages)
    for stage, origin, reason in errors:
        out.print(f"  [yellow]{stage}[/yellow] {origin}: {reason}")
    if status["errors"] > len(errors):
        out.print(f"  ... and {status['errors'] - len(errors)} more errors")


def _wait(scan_ids: list[int], settings: Settings, timeout_s: float) -> int:
    deadline = time.monotonic() + timeout_s
    pending = set(scan_ids)
    last: dict[int, str] = {}
    while pending:
        for scan_id in sorted(pending):
            status = pipeline.scan_progress(scan_id, settings)
            line = f"scan {scan_id}: {status['status']}, media {status['media_analysed']}/{status['media_distinct']}, errors {status['errors']}"
            if last.get(scan_id) != line:
                console.print(line)
                last[scan_id] = line
            if status["status"] in ("done", "failed"):
                pending.discard(scan_id)
        if pending and time.monotonic() > deadline:
            console.print(f"[red]timed out after {timeout_s:g} s waiting for scans {sorted(pending)}[/red]; "
                          "they go on; follow them with 'manage.py scan status ID'")
            return EXIT_TIMEOUT
        if pending:
            time.sleep(POLL_INTERVAL_S)
    code = EXIT_DONE
    for scan_id in scan_ids:
        print_summary(scan_id, settings)
        if pipeline.get_scan(scan_id, settings).status != "done":
            code = EXIT_FAILED
    return code


@click.group(invoke_without_command=True)
@click.option("--subject", "subject_ids", type=int, multiple=True, help="Id of a registered subject; repeat for several subjects.")
@click.option("--subjects", "subjects_file", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="JSON Lines file: one {\"subject_id\": N} or subject record (names, emails, phones, addresses, birth_date, employers, photos) per line.")
@click.option("--demo", is_flag=True, help="Scan the bundled demo subject over a simulated world (registers it on first use).")
@click.option("--world", type=click.Path(path_type=Path), help="World directory to scan (see docs/world-format.md).")
@click.option("--simulate", "simulate_people", type=int, default=None,
              help="Simulate a world of this many people for the subjects instead of --world [--demo default: 100].")
@click.option("--seed", type=int, default=7, show_default=True, help="Seed of the simulated world.")
@click.option("--source", "sources", multiple=True, help="Scan only this source (facebook, google, ...); repeatable.")
@click.option("--wait/--no-wait", default=False, help="With a broker: follow progress until the scans end.")
@click.option("--timeout", "timeout_s", type=float, default=3600.0, show_default=True, help="Seconds --wait follows a scan before giving up.")
@click.pass_context
@database_errors
def scan(ctx: click.Context, subject_ids, subjects_file, demo, world, simulate_people, seed, sources, wait, timeout_s) -> None:
    """Scan one or more subjects: extract, analyse media, attribute and load.

    Without a broker (the embedded default) the scan runs in this process and prints a summary.
    With FOOTPRINT_BROKER_URL set it enqueues one canvas per subject on the Celery workers, prints
    the scan ids, and with --wait follows them. Exit code 0 when every scan is done, 1 when one
    failed, 3 when --wait timed out.
    """
    if ctx.invoked_subcommand is not None:
        return
    init_logging()
    settings = get_settings()

    ids = list(subject_ids)
    if subjects_file:
        ids += _subjects_from_file(subjects_file, settings)
    if demo:
        from footprint.store.migrate import upgrade

        upgrade(settings)
        ids.append(_demo_subject(settings))
        if world is None and simulate_people is None:
            simulate_people = 100
    if not ids:
        fail("no subject given; use --subject ID, --subjects FILE or --demo")
    ids = list(dict.fromkeys(ids))
    with session_scope(settings) as session:
        for subject_id in ids:
            try:
                get_subject(session, subject_id)
            except SubjectError as error:
                fail(str(error))

    if world is not None and simulate_people is not None:
        fail("give either --world DIR or --simulate N, not both")
    if simulate_people is not None:
        if simulate_people < 1:
            fail(f"invalid --simulate {simulate_people}: give the number of people, at least 1")
        world = _simulate_world(ids, simulate_people, seed, settings)
    if world is None:
        fail("no world given; use --world DIR or --simulate N")

    if not settings.eager:
        _broker_reachable(settings)
    scan_ids = []
    for subject_id in ids:
        try:
            scan_ids.append(pipeline.create_scan(subject_id, world, settings, sources or None))
        except (WorldError, pipeline.ScanInputError) as error:
            fail(str(error))

    from tasks.scan import scan_canvas

    if settings.eager:
        code = EXIT_DONE
        for scan_id in scan_ids:
            console.print(f"scan {scan_id}: running in-process (no broker configured)")
            with StageProgress():
                try:
                    scan_canvas(scan_id, pipeline.get_scan(scan_id, settings).sources).apply_async()
                except Exception as error:
                    logger.exception("scan %d failed", scan_id)
                    pipeline.fail_scan(scan_id, f"{type(error).__name__}: {error}", settings)
            print_summary(scan_id, settings)
            if pipeline.get_scan(scan_id, settings).status != "done":
                code = EXIT_FAILED
        sys.exit(code)

    for scan_id in scan_ids:
        # Keep only the id: an AsyncResult still alive at interpreter exit logs a spurious error.
        task_id = scan_canvas(scan_id, pipeline.get_scan(scan_id, settings).sources).apply_async().id
        with session_scope(settings) as session:
            session.get(Scan, scan_id).task_id = task_id
        click.echo(f"scan {scan_id} enqueued")
    if wait:
        sys.exit(_wait(scan_ids, settings, timeout_s))


@scan.command("status")
@click.argument("scan_id", type=int)
@click.option("--json", "as_json", is_flag=True, help="Print the status as JSON.")
@database_errors
def status_command(scan_id: int, as_json: bool) -> None:
    """Print the status, counts, timings and errors of scan SCAN_ID; exit 1 if it failed."""
    settings = get_settings()
    try:
        status = pipeline.scan_progress(scan_id, settings)
    except pipeline.ScanInputError as error:
        fail(str(error))
    if as_json:
        click.echo(json.dumps(status, default=str, indent=2))
    else:
        print_summary(scan_id, settings)
    sys.exit(EXIT_FAILED if status["status"] == "failed" else EXIT_DONE)


@scan.command("list")
@click.option("--subject", "subject_id", type=int, help="Only scans of this subject.")
@click.option("--limit", type=int, default=20, show_default=True, help="Newest scans to show.")
@database_errors
def list_command(subject_id: int | None, limit: int) -> None:
    """List recent scans, newest first."""
    with session_scope() as session:
        query = select(Scan).order_by(Scan.id.desc()).limit(limit)
        if subject_id is not None:
            query = query.where(Scan.subject_id == subject_id)
        rows = session.scalars(query).all()
        table = Table("scan", "subject", "status", "linked", "errors", "started (UTC)", "seconds", "world")
        for row in rows:
            total = (row.timings or {}).get("total")
            table.add_row(str(row.id), str(row.subject_id), row.status, str((row.counts or {}).get("linked", "-")),
                          str((row.counts or {}).get("errors", "-")),
                          row.started_at.strftime("%Y-%m-%d %H:%M:%S") if row.started_at else "-",
                          f"{total:.1f}" if total else "-", row.world_dir)
    if not rows:
        click.echo("no scans yet; run 'python manage.py scan --demo'")
        return
    Console().print(table)


@click.command()
@click.option("--queues", "-Q", default="io,cpu,gpu", show_default=True, help="Comma-separated queues this worker consumes.")
@click.option("--concurrency", "-c", type=int, default=None, help="Worker processes [default: one per CPU core].")
@click.option("--loglevel", "-l", default="INFO", show_default=True, help="Worker log level.")
def worker(queues: str, concurrency: int | None, loglevel: str) -> None:
    """Start a Celery worker on QUEUES (same as 'celery -A tasks worker -Q QUEUES')."""
    if get_settings().eager:
        fail("no broker configured; set FOOTPRINT_BROKER_URL (for example redis://127.0.0.1:6379/0) to run workers")
    # The interpreter running this command has celery installed, even when its bin/ is not on PATH.
    argv = [sys.executable, "-m", "celery", "-A", "tasks", "worker", "-Q", queues, "-l", loglevel]
    if concurrency:
        argv += ["-c", str(concurrency)]
    os.execv(sys.executable, argv)


@click.command()
@click.option("--address", default=None, help="Address to bind [default: FOOTPRINT_FLOWER_ADDRESS, 127.0.0.1].")
@click.option("--port", type=int, default=None, help="Port [default: FOOTPRINT_FLOWER_PORT, 5555].")
def flower(address: str | None, port: int | None) -> None:
    """Start Flower to watch workers and queues; basic auth when FOOTPRINT_FLOWER_BASIC_AUTH is set."""
    settings = get_settings()
    if settings.eager:
        fail("no broker configured; set FOOTPRINT_BROKER_URL so Flower has workers to watch")
    argv = [sys.executable, "-m", "celery", "-A", "tasks", "flower", f"--address={address or settings.flower_address}",
            f"--port={port or settings.flower_port}"]
    env = dict(os.environ)
    if settings.flower_basic_auth:
        # Passed through the environment, not argv, so the password does not show in `ps`.
        env["FLOWER_BASIC_AUTH"] = settings.flower_basic_auth
    elif (address or settings.flower_address) not in ("127.0.0.1", "localhost", "::1"):
        click.secho("warning: Flower listens beyond this host without FOOTPRINT_FLOWER_BASIC_AUTH", fg="yellow", err=True)
    os.execve(sys.executable, argv, env)
