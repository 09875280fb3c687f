"""A second scan of an unchanged world versus the first, on the embedded default."""

from __future__ import annotations

from bench.context import Context
from bench.results import Result, Target
from bench.scans import check_done, embedded_scans

#: The second scan reuses every analysis, so it is at least this many times faster.
SPEEDUP_TARGET = Target(">=", 5.0)

#: Fraction of distinct media files whose stored analysis the second scan reuses.
REUSE_TARGET = Target(">=", 1.0)


def run(context: Context) -> list[Result]:
    """Scan the smallest world twice in one database and compare the two scans."""
    people = context.smallest_size
    result = embedded_scans(context, people)
    check_done(result)
    first, second = result["scans"][:2]
    context.details["rescan"] = {"first": first, "second": second, "run_dir": result.get("run_dir")}

    distinct = second["counts"].get("media_distinct", 0)
    reused = second["counts"].get("media_reused", 0)
    return [
        Result("rescan", f"{people} people: second scan vs first (ratio = speed-up)", second["wall_s"], "s",
               first["wall_s"], first["wall_s"] / second["wall_s"], SPEEDUP_TARGET,
               f"second scan analysed {second['counts'].get('media_to_analyse', 0)} files"),
        Result("rescan", f"{people} people: analyses reused on the second scan", reused / distinct if distinct else None,
               "fraction", target=REUSE_TARGET, note=f"{reused} of {distinct} distinct media files"),
    ]
