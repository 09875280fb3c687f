"""``python -m bench``: run the benchmark scenarios, print a table and write the results as JSON."""

from __future__ import annotations

import logging
import shlex
import sys
import time
import traceback
from collections.abc import Callable
from datetime import datetime, timezone
from pathlib import Path

import click
from rich.console import Console

from bench import RESULTS_FORMAT, load, media, memory, rescan, scale, workers
from bench.context import Context, Options
from bench.machine import LoadSampler, load_average, machine_info
from bench.results import Result, make_console, render_table, write_json
from bench.services import MYSQL_SERVER_URL, REDIS_SERVER_URL, RUN_ID, server_versions

logger = logging.getLogger("bench")

#: Scenario name -> function that measures it, in the default run order. rescan runs before
#: scale so that scale reuses its first scan of the smallest world.
SCENARIOS: dict[str, Callable[[Context], list[Result]]] = {
    "media": media.run,
    "memory": memory.run,
    "load": load.run,
    "rescan": rescan.run,
    "workers": workers.run,
    "scale": scale.run,
}

#: World sizes in people: the default run, and what --large adds.
DEFAULT_SIZES = "100"
LARGE_SIZE = 10_000


def _names(value: str, allowed: tuple[str, ...], option: str) -> list[str]:
    names = [name.strip() for name in value.split(",") if name.strip()]
    unknown = [name for name in names if name not in allowed]
    if unknown or not names:
        raise click.BadParameter(f"invalid {', '.join(unknown) or 'empty list'}; use a comma-separated list of {', '.join(allowed)}",
                                 param_hint=option)
    return names


def _sizes(value: str) -> list[int]:
    try:
        sizes = sorted({int(part) for part in value.split(",") if part.strip()})
    except ValueError:
        raise click.BadParameter(f"invalid {value!r}; use numbers of people such as 100,1000", param_hint="--sizes") from None
    if not sizes or sizes[0] < 1:
        raise click.BadParameter(f"invalid {value!r}; every size must be at least 1 person", param_hint="--sizes")
    return sizes


def run_scenarios(context: Context, console: Console) -> list[Result]:
    """Run the selected scenarios in their default order and return the results.

    A scenario that raises gets an "error" row, and its error goes to ``context.errors``.
    """
    results: list[Result] = []
    for name in [name for name in SCENARIOS if name in context.options.scenarios]:
        console.print(f"[bold]{name}[/bold] ...")
        started = time.perf_counter()
        try:
            with LoadSampler() as load:
                rows = SCENARIOS[name](context)
        except Exception as error:  # one failed scenario must not lose the others' numbers
            logger.error("scenario %s failed: %s\n%s", name, error, traceback.format_exc())
            rows = [Result(name, "error", None, note=f"{type(error).__name__}: {str(error).splitlines()[0][:200]}")]
            context.errors.append(f"{name}: {type(error).__name__}: {error}")
        elapsed = time.perf_counter() - started
        context.details.setdefault("scenario_seconds", {})[name] = elapsed
        context.details.setdefault("load_average", {})[name] = load.summary()
        console.print(f"  {name} took {elapsed:.1f} s, 1-minute load average {load.summary()}")
        results += rows
    return results


@click.command(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--scenarios", default=",".join(SCENARIOS), show_default=True,
              help="Comma-separated scenarios to run.")
@click.option("--sizes", default=DEFAULT_SIZES, show_default=True,
              help="World sizes in people for the scale scenario, comma-separated; the smallest is also the world of media, workers and rescan.")
@click.option("--large", is_flag=True, help=f"Add a world of {LARGE_SIZE:,} people to --sizes (an embedded scan alone takes over an hour on 2 cores, estimated).")
@click.option("--seed", type=int, default=7, show_default=True, help="Seed of the simulated worlds.")
@click.option("--rounds", type=click.IntRange(1, 20), default=2, show_default=True,
              help="Repetitions of the media and load measurements; the fastest round of each side counts.")
@click.option("--media-images", type=click.IntRange(1), default=30, show_default=True, help="Images the media scenario measures, at most.")
@click.option("--media-audio", type=click.IntRange(1), default=4, show_default=True, help="Audio files the media scenario measures, at most.")
@click.option("--rows", type=click.IntRange(1), default=20_000, show_default=True, help="Rows each method of the load scenario writes.")
@click.option("--scale-modes", default="embedded,workers", show_default=True, help="Modes of the scale scenario: embedded, workers.")
@click.option("--scan-timeout", type=float, default=7200.0, show_default=True, help="Maximum wait for one scan, seconds.")
@click.option("--output", type=click.Path(dir_okay=False, path_type=Path), default=Path("bench-results/results.json"),
              show_default=True, help="JSON file that receives the results.")
@click.option("--work-dir", type=click.Path(file_okay=False, path_type=Path), default=Path("bench-results"), show_default=True,
              help="Folder for generated worlds, per-run databases and logs.")
@click.option("--mysql-url", default=MYSQL_SERVER_URL, show_default=True, help="MariaDB server URL without a database (FOOTPRINT_TEST_MYSQL_URL).")
@click.option("--redis-url", default=REDIS_SERVER_URL, show_default=True, help="Redis URL for broker, backend and cache (FOOTPRINT_TEST_REDIS_URL).")
@click.option("-v", "--verbose", is_flag=True, help="Log progress at INFO level.")
def main(scenarios, sizes, large, seed, rounds, media_images, media_audio, rows, scale_modes, scan_timeout,
         output, work_dir, mysql_url, redis_url, verbose) -> None:
    """Benchmark footprint and compare each result with its reference measured in the same run.

    Exit code 0 when every measurement ran (a missed target is reported, not an error), 1 when a
    scenario or one of its scans failed.
    """
    logging.basicConfig(level=logging.INFO if verbose else logging.WARNING,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    sizes_list = _sizes(sizes)
    if large and LARGE_SIZE not in sizes_list:
        sizes_list.append(LARGE_SIZE)
    options = Options(
        scenarios=_names(scenarios, tuple(SCENARIOS), "--scenarios"), sizes=sizes_list, seed=seed, rounds=rounds,
        media_images=media_images, media_audio=media_audio, rows=rows,
        scale_modes=_names(scale_modes, ("embedded", "workers"), "--scale-modes"), scan_timeout_s=scan_timeout,
        output=output, work_dir=work_dir, mysql_url=mysql_url, redis_url=redis_url,
    )
    console = make_console()
    started_at = datetime.now(timezone.utc)
    started = time.perf_counter()
    machine = machine_info()
    machine["servers"] = server_versions(mysql_url, redis_url)
    context = Context(options)
    results = run_scenarios(context, console)
    machine["load_average_at_end"] = load_average()

    document = {
        "format": RESULTS_FORMAT,
        "run_id": RUN_ID,
        "command": shlex.join(["python", "-m", "bench", *sys.argv[1:]]),
        "started_at": started_at.isoformat(timespec="seconds"),
        "finished_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "duration_s": round(time.perf_counter() - started, 1),
        "machine": machine,
        "options": {**vars(options), "output": str(options.output), "work_dir": str(options.work_dir)},
        "results": [result.to_dict() for result in results],
        "errors": context.errors,
        "details": context.details,
    }
    render_table(results, console)
    path = write_json(options.output, document)
    console.print(f"results written to {path}")
    for error in context.errors:
        console.print(f"[red]failed[/red] {error.splitlines()[0]}")
    sys.exit(1 if context.errors else 0)


if __name__ == "__main__":
    main()
