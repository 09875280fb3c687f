"""Simulated worlds for the benchmarks, generated once per size and seed and kept in the work dir."""

from __future__ import annotations

import logging
import time
from pathlib import Path

logger = logging.getLogger(__name__)


def ensure_world(worlds_dir: Path, people: int, seed: int) -> tuple[Path, float | None]:
    """Return the world of ``people`` people with ``seed`` around the demo subject.

    A world is generated on first use and reused while its manifest.json exists, because a
    world of 10,000 people takes long to generate and its bytes depend only on the seed.

    Returns:
        (world directory, seconds spent generating it, or None when it was reused).
    """
    if people < 1:
        raise ValueError(f"invalid world size {people}: give the number of people, at least 1")
    from footprint.simulate import DEMO_SUBJECT, generate_world

    out = (worlds_dir / f"people{people}-seed{seed}").resolve()
    if (out / "manifest.json").is_file():
        return out, None
    logger.info("generating a world of %d people (seed %d) in %s", people, seed, out)
    started = time.perf_counter()
    # A folder without manifest.json is a generation that was interrupted, so it is replaced.
    generate_world(out, people=people, seed=seed, subjects=[DEMO_SUBJECT], overwrite=out.exists())
    elapsed = time.perf_counter() - started
    logger.info("generated the world of %d people in %.1f s", people, elapsed)
    return out, elapsed
