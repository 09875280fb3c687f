"""Options of a benchmark run and the state its scenarios share: folders, worlds, servers."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench.services import MYSQL_SERVER_URL, REDIS_SERVER_URL, mysql_reachable, redis_reachable

logger = logging.getLogger(__name__)


@dataclass
class Options:
    """Options of one ``python -m bench`` run.

    Parameters:
        scenarios: scenario names in run order.
        sizes: world sizes in people for the scale scenario; the smallest is also the world of
            the media, workers and rescan scenarios.
        seed: seed of the simulated worlds.
        rounds: repetitions of the media and load measurements (default 2). The fastest round
            of each side counts, because other work on a shared machine only slows a round down.
        media_images: images measured by the media scenario, at most.
        media_audio: audio files measured by the media scenario, at most.
        rows: rows loaded by each method of the load scenario.
        scale_modes: "embedded" and/or "workers".
        scan_timeout_s: maximum wait for one scan, seconds.
        output: path of the JSON results.
        work_dir: folder for worlds, databases and logs of the run.
        mysql_url: MariaDB server URL without a database.
        redis_url: Redis URL used as broker, result backend and cache.
    """

    scenarios: list[str]
    sizes: list[int]
    seed: int = 7
    rounds: int = 2
    media_images: int = 30
    media_audio: int = 4
    rows: int = 20_000
    scale_modes: list[str] = field(default_factory=lambda: ["embedded", "workers"])
    scan_timeout_s: float = 7200.0
    output: Path = Path("bench-results/results.json")
    work_dir: Path = Path("bench-results")
    mysql_url: str = MYSQL_SERVER_URL
    redis_url: str = REDIS_SERVER_URL


@dataclass
class Context:
    """State shared by the scenarios of one run.

    Parameters:
        options: the run's options.
        details: scenario name -> raw measurements, written to the JSON next to the results.
        scans: (mode, world size, worker layout) -> result of a scan child run, so that scenarios
            that need the same measurement (rescan and scale, workers and scale) scan once.
        errors: "scenario: error" for each measurement that failed; any makes the exit code 1.
    """

    options: Options
    details: dict[str, Any] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    scans: dict[tuple[Any, ...], dict[str, Any]] = field(default_factory=dict)
    _server_problems: dict[str, str | None] = field(default_factory=dict)

    @property
    def smallest_size(self) -> int:
        return min(self.options.sizes)

    def run_dir(self, name: str) -> Path:
        """Return a new empty folder under the work dir for one measurement (logs, SQLite file)."""
        stamp = time.strftime("%Y%m%d-%H%M%S")
        base = self.options.work_dir / "runs" / f"{stamp}-{name}"
        path, number = base, 1
        while path.exists():
            number += 1
            path = base.with_name(f"{base.name}-{number}")
        path.mkdir(parents=True)
        return path.resolve()

    def world(self, people: int) -> Path:
        """Return the simulated world of ``people`` people around the demo subject, generating it once."""
        from bench.worlds import ensure_world

        path, generated_s = ensure_world(self.options.work_dir / "worlds", people, self.options.seed)
        if generated_s is not None:
            self.details.setdefault("worlds", {})[str(people)] = {"path": str(path), "generated_s": generated_s}
        return path

    def servers_problem(self) -> str | None:
        """Return why MariaDB or Redis cannot be used, or None when both respond."""
        if "servers" not in self._server_problems:
            problems = [mysql_reachable(self.options.mysql_url), redis_reachable(self.options.redis_url)]
            self._server_problems["servers"] = "; ".join(p for p in problems if p) or None
        return self._server_problems["servers"]

    def mysql_problem(self) -> str | None:
        """Return why MariaDB cannot be used, or None when it responds."""
        if "mysql" not in self._server_problems:
            self._server_problems["mysql"] = mysql_reachable(self.options.mysql_url)
        return self._server_problems["mysql"]
