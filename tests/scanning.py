"""Helpers for the scan tests: a small simulated world, the demo subject, row signatures, workers."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from sqlalchemy import select

from footprint.store.engine import session_scope
from footprint.store.models import (
    ActivityLog,
    DigitalFootprint,
    PersonalIdentity,
    ScanError,
    SubjectFootprint,
)
from footprint.store.subjects import NewSubject, add_subject

ROOT = Path(__file__).resolve().parent.parent

#: People in the worlds of the scan tests: small, so one scan with real models takes seconds.
TEST_PEOPLE = 6
TEST_SEED = 11


def make_world(out_dir: Path, people: int = TEST_PEOPLE, seed: int = TEST_SEED) -> Path:
    """Generate a small world around the demo subject, once per folder."""
    from footprint.simulate import DEMO_SUBJECT, generate_world

    if not (out_dir / "manifest.json").is_file():
        generate_world(out_dir, people=people, seed=seed, subjects=[DEMO_SUBJECT])
    return out_dir


def register_demo_subject(settings) -> int:
    """Register the demo subject in the configured database and return its id."""
    from footprint.simulate import DEMO_SUBJECT

    new = NewSubject(
        names=[DEMO_SUBJECT.full_name], emails=DEMO_SUBJECT.emails, phones=DEMO_SUBJECT.phones,
        addresses=DEMO_SUBJECT.addresses, birth_date=DEMO_SUBJECT.birth_date,
        employers=[DEMO_SUBJECT.employer] if DEMO_SUBJECT.employer else [], photos=DEMO_SUBJECT.photos,
    )
    with session_scope(settings) as session:
        return add_subject(session, new, settings).id


def scan_signature(settings, scan_id: int) -> dict[str, list]:
    """Return the rows a scan produced, without database ids, sorted, for comparing two runs."""
    with session_scope(settings) as session:
        links = session.execute(
            select(DigitalFootprint.natural_key, SubjectFootprint.confidence, SubjectFootprint.linked)
            .join(SubjectFootprint, SubjectFootprint.footprint_id == DigitalFootprint.id)
        ).all()
        identities = session.execute(
            select(DigitalFootprint.natural_key, PersonalIdentity.identifier_type, PersonalIdentity.method,
                   PersonalIdentity.confidence)
            .join(PersonalIdentity, PersonalIdentity.footprint_id == DigitalFootprint.id)
        ).all()
        logs = session.execute(
            select(DigitalFootprint.natural_key, ActivityLog.source, ActivityLog.item_id)
            .join(ActivityLog, ActivityLog.footprint_id == DigitalFootprint.id).where(ActivityLog.scan_id == scan_id)
        ).all()
        errors = session.execute(select(ScanError.stage, ScanError.origin).where(ScanError.scan_id == scan_id)).all()
    return {
        "links": sorted(map(tuple, links)), "identities": sorted(map(tuple, identities)),
        "activity_logs": sorted(map(tuple, logs)), "errors": sorted(map(tuple, errors)),
    }


def settings_env(settings) -> dict[str, str]:
    """Return the environment that gives a subprocess the same settings as ``settings``."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("FOOTPRINT_") or key.startswith("FOOTPRINT_TEST_")}
    for name in ("data_dir", "database_url", "broker_url", "result_backend", "redis_url", "redis_key_prefix"):
        value = getattr(settings, name)
        if value is not None:
            env[f"FOOTPRINT_{name.upper()}"] = str(value)
    env["PYTHONPATH"] = str(ROOT)
    return env


class Worker:
    """A real Celery worker started as a subprocess on some queues.

    Parameters:
        name: node name prefix.
        queues: comma-separated queues to consume.
        env: environment (see :func:`settings_env`).
        log_path: file that receives the worker's output.
    """

    def __init__(self, name: str, queues: str, env: dict[str, str], log_path: Path) -> None:
        self.log_path = log_path
        self._log = open(log_path, "wb")
        argv = [sys.executable, "-m", "celery", "-A", "tasks", "worker", "-Q", queues, "-c", "1",
                "-n", f"{name}-{os.getpid()}@%h", "--without-gossip", "--without-mingle", "-l", "INFO"]
        self.process = subprocess.Popen(argv, cwd=ROOT, env=env, stdout=self._log, stderr=subprocess.STDOUT)

    def wait_ready(self, timeout_s: float = 120.0) -> None:
        """Block until the worker logs that it is ready."""
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"worker exited with {self.process.returncode}:\n{self.log_path.read_text()[-3000:]}")
            if b"ready." in self.log_path.read_bytes():
                return
            time.sleep(0.5)
        raise TimeoutError(f"worker not ready after {timeout_s} s:\n{self.log_path.read_text()[-3000:]}")

    def pool_children(self) -> list[int]:
        """Return the PIDs of the worker's pool processes."""
        path = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        try:
            return [int(pid) for pid in path.read_text().split()]
        except OSError:
            return []

    def stop(self) -> None:
        """Stop the worker (warm shutdown, then SIGKILL after 20 s)."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self._log.close()


def wait_for_scan(settings, scan_id: int, timeout_s: float = 600.0, on_status=None) -> dict:
    """Poll a scan until it is done or failed; call ``on_status(progress)`` on each poll."""
    from footprint import pipeline

    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        progress = pipeline.scan_progress(scan_id, settings)
        if on_status is not None:
            on_status(progress)
        if progress["status"] in ("done", "failed"):
            return progress
        time.sleep(0.3)
    raise TimeoutError(f"scan {scan_id} not finished after {timeout_s} s: {progress}")
