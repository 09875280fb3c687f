"""End-to-end scan time, its split by stage and peak memory, for growing worlds.

The simulator adds the subject's fixed set of hard cases to every world, so media and items grow
slower than people. Growth is therefore judged per unit of work. Time is linear when the seconds
per distinct media file, and the consolidate and load seconds per item, of a larger world are at
most 1.2 times those of the smallest world. Memory is flat when a worker's peak resident memory
at a larger world is at most 1.2 times its peak at the smallest world.
"""

from __future__ import annotations

import logging
import subprocess
from typing import Any

from bench.context import Context
from bench.results import Result, Target, skipped
from bench.scans import STAGES, TWO_WORKERS, check_done, embedded_scans, worker_scan

logger = logging.getLogger(__name__)

#: Largest growth over the smallest world of the time per unit of work, and of a worker's peak memory.
LINEAR_TARGET = Target("<=", 1.2)
FLAT_TARGET = Target("<=", 1.2)


def _rows(mode: str, people: int, run_result: dict[str, Any], peak_mib: float | None, peak_label: str) -> list[Result]:
    scan = run_result["scans"][0]
    wall = scan["wall_s"]
    timings = scan["timings"]
    counts = scan["counts"]
    label = f"{mode}, {people} people"
    rows = [Result("scale", f"{label}: scan wall time", wall, "s",
                   note=f"{counts.get('items', 0)} items, {counts.get('media_distinct', 0)} distinct media files, "
                        f"{counts.get('linked', 0)} linked")]
    for stage in STAGES:
        if timings.get(stage) is not None:
            note = "summed over tasks, which run in parallel on workers" if stage in ("extract", "analyze") and mode == "workers" else ""
            rows.append(Result("scale", f"{label}: stage {stage} (ratio = share of wall)", timings[stage], "s",
                               wall, timings[stage] / wall if wall else None, note=note))
    for kind, stored in sorted(run_result.get("analyses_by_kind", {}).items()):
        files = stored["files"]
        rows.append(Result("scale", f"{label}: analysis of {kind} files (summed)", stored["elapsed_s"], "s",
                           note=f"{files} files, {stored['elapsed_s'] / files:.2f} s each" if files else ""))
    rows.append(Result("scale", f"{label}: {peak_label}", peak_mib, "MiB"))
    return rows


def run(context: Context) -> list[Result]:
    """Scan each world size in each selected mode and report time, stages, memory and growth."""
    options = context.options
    results: list[Result] = []
    # mode -> people -> {"wall_s", "media", "items", "consolidate_load_s", "peak_mib"}
    measured: dict[str, dict[int, dict[str, float]]] = {}
    for people in sorted(options.sizes):
        for mode in options.scale_modes:
            if mode == "workers" and (problem := context.servers_problem()):
                results.append(skipped("scale", f"workers mode: {problem}"))
                continue
            try:
                if mode == "embedded":
                    run_result = embedded_scans(context, people)
                    peak = run_result["peak_rss_mib"]
                    peak_label = "peak RSS of the scan process"
                else:
                    run_result = worker_scan(context, people, TWO_WORKERS)
                    peak = max(worker["peak_rss_mib"] or 0.0 for worker in run_result["workers"].values())
                    peak_label = f"peak RSS of a worker process ({len(TWO_WORKERS)} workers, -c 1)"
                check_done(run_result)
            except (RuntimeError, TimeoutError, OSError, subprocess.SubprocessError) as error:
                # One failed size must not lose the numbers of the others.
                logger.error("scale scan of %d people in %s mode failed: %s", people, mode, error)
                context.errors.append(f"scale: {mode} scan of {people} people: {type(error).__name__}: {error}")
                results.append(Result("scale", f"{mode}, {people} people: error", None,
                                      note=f"{type(error).__name__}: {str(error).splitlines()[0][:200]}"))
                continue
            scan = run_result["scans"][0]
            context.details.setdefault("scale", {})[f"{mode}-{people}"] = run_result
            results += _rows(mode, people, run_result, peak, peak_label)
            measured.setdefault(mode, {})[people] = {
                "wall_s": scan["wall_s"], "media": scan["counts"].get("media_distinct", 0),
                "items": scan["counts"].get("items", 0), "peak_mib": peak,
                "consolidate_load_s": scan["timings"].get("consolidate", 0.0) + scan["timings"].get("load", 0.0),
            }

    for mode, by_size in measured.items():
        results += _growth_rows(mode, by_size)
    return results


def _growth_rows(mode: str, by_size: dict[int, dict[str, float]]) -> list[Result]:
    """Compare every larger world with the smallest one: time per person, per media file, per item, memory."""
    rows: list[Result] = []
    smallest = min(by_size)
    base = by_size[smallest]
    for people in sorted(by_size):
        if people == smallest:
            continue
        current = by_size[people]
        label = f"{mode}: {people} vs {smallest} people"
        rows.append(Result("scale", f"{label}, s/person", current["wall_s"] / people, "s/person",
                           base["wall_s"] / smallest, (current["wall_s"] / people) / (base["wall_s"] / smallest),
                           note=f"{current['media']} vs {base['media']} distinct media files"))
        if current["media"] and base["media"]:
            per_file, base_per_file = current["wall_s"] / current["media"], base["wall_s"] / base["media"]
            rows.append(Result("scale", f"{label}, wall s per media file", per_file, "s/file", base_per_file,
                               per_file / base_per_file, LINEAR_TARGET))
        if current["items"] and base["items"]:
            per_item = current["consolidate_load_s"] / current["items"] * 1000
            base_per_item = base["consolidate_load_s"] / base["items"] * 1000
            rows.append(Result("scale", f"{label}, consolidate+load ms per item", per_item, "ms/item", base_per_item,
                               per_item / base_per_item if base_per_item else None, LINEAR_TARGET,
                               note=f"{current['items']} vs {base['items']} items"))
        target = FLAT_TARGET if mode == "workers" else None
        rows.append(Result("scale", f"{label}, peak RSS", current["peak_mib"], "MiB", base["peak_mib"],
                           current["peak_mib"] / base["peak_mib"], target,
                           note="" if target else "one process runs the whole scan, so no flat-memory target"))
    return rows
