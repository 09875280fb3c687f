"""``manage.py evaluate``: score a stored scan against its world's ground truth."""

from __future__ import annotations

import json
from pathlib import Path

import click
from rich.console import Console
from rich.table import Table

from config.settings import get_settings
from footprint.cli.common import database_errors, fail, init_logging
from footprint.evaluation import EvaluationResult, GroundTruthError, evaluate_scan
from footprint.report.data import ReportError

#: Exit code when a --min-precision or --min-recall bar is missed (1 is any other error).
EXIT_BELOW_BAR = 3

#: Wrong items listed in the terminal output at most; JSON lists them all.
MAX_LISTED = 20


def _score_table(result: EvaluationResult) -> Table:
    table = Table(title=f"Scan {result.scan_id}: subject links (default threshold {result.threshold})")
    for column in ("threshold", "precision", "recall (findable)", "recall (all)", "F1", "TP", "FP", "FN"):
        table.add_column(column, justify="right" if column != "threshold" else "left")
    rows = [("linked (default)", result.links), *result.by_threshold.items()]
    for name, metrics in rows:
        style = "bold" if name.startswith("linked") else None
        table.add_row(
            name, f"{metrics.precision:.4f}", f"{metrics.recall:.4f}", f"{metrics.recall_all:.4f}", f"{metrics.f1:.4f}",
            str(metrics.counts.tp), str(metrics.counts.fp), str(metrics.counts.fn), style=style,
        )
    return table


def _identifier_table(result: EvaluationResult) -> Table:
    table = Table(title="Identifiers exposed by items about the subject")
    for column in ("identifier", "precision", "recall", "F1", "TP", "FP", "FN"):
        table.add_column(column, justify="right" if column != "identifier" else "left")
    for name, counts in result.identifiers.items():
        if counts.tp + counts.fp + counts.fn == 0:
            continue
        table.add_row(name, f"{counts.precision:.4f}", f"{counts.recall:.4f}", f"{counts.f1:.4f}",
                      str(counts.tp), str(counts.fp), str(counts.fn))
    return table


def _outcome_table(title: str, outcomes) -> Table:
    table = Table(title=f"{title} ({len(outcomes)})")
    for column in ("item", "confidence", "truth", "evidence"):
        table.add_column(column, overflow="fold")
    for outcome in outcomes[:MAX_LISTED]:
        truth = f"owner {outcome.truth.owner or '?'}; about {', '.join(outcome.truth.about) or '-'}"
        if not outcome.findable:
            truth += "; not findable"
        if outcome.truth.note:
            truth += f"; {outcome.truth.note}"
        evidence = "; ".join(
            f"{entry['identifier']}/{entry['method']} {entry['confidence']}"
            + (f" ✗ {entry['contradicts']}" if entry.get("contradicts") else "")
            + (" (profile)" if entry.get("inherited_from") else "")
            for entry in outcome.evidence
        ) or "no evidence"
        table.add_row(f"{outcome.source} {outcome.item_id}", outcome.confidence, truth, evidence)
    if len(outcomes) > MAX_LISTED:
        table.caption = f"{len(outcomes) - MAX_LISTED} more in --format json"
    return table


def print_text(result: EvaluationResult, console: Console) -> None:
    """Print the evaluation as rich tables."""
    totals = result.totals
    console.print(
        f"[bold]Scan {result.scan_id}[/bold], subject {result.subject_id} = person {result.person_id} "
        f"in {result.world_dir}: {totals['items']} items, {totals['about_subject']} about the subject "
        f"({totals['findable']} findable), {totals['predicted']} linked"
    )
    console.print(_score_table(result))
    console.print(_identifier_table(result))
    faces = result.faces
    console.print(
        f"Face verification over {faces.tp + faces.fp + faces.fn + faces.tn} media files: "
        f"TP {faces.tp}, FP {faces.fp}, FN {faces.fn}, TN {faces.tn}"
    )
    if result.unknown_items:
        console.print(f"[yellow]{len(result.unknown_items)} scanned items are not in the ground truth[/yellow]")
    console.print(_outcome_table("False positives", result.false_positives))
    console.print(_outcome_table("False negatives", result.false_negatives))


@click.command("evaluate")
@click.option("--scan", "scan_id", type=int, required=True, help="Id of the scan to evaluate.")
@click.option("--world", "world_dir", type=click.Path(file_okay=False, path_type=Path),
              help="World directory with ground_truth.jsonl [default: the scan's world].")
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text", show_default=True,
              help="Output format.")
@click.option("--min-precision", type=click.FloatRange(0.0, 1.0), default=None,
              help=f"Exit with code {EXIT_BELOW_BAR} when link precision is below this value (0 to 1).")
@click.option("--min-recall", type=click.FloatRange(0.0, 1.0), default=None,
              help=f"Exit with code {EXIT_BELOW_BAR} when link recall on findable items is below this value (0 to 1).")
@database_errors
def evaluate(scan_id: int, world_dir: Path | None, output_format: str, min_precision: float | None,
             min_recall: float | None) -> None:
    """Score a scan's subject links against the world's ground truth: precision, recall, F1."""
    init_logging()
    try:
        result = evaluate_scan(scan_id, get_settings(), world_dir)
    except (ReportError, GroundTruthError) as error:
        fail(str(error))

    if output_format == "json":
        click.echo(json.dumps(result.to_dict(), indent=2, sort_keys=True))
    else:
        print_text(result, Console())

    missed = []
    if min_precision is not None and result.precision < min_precision:
        missed.append(f"precision {result.precision:.4f} < {min_precision}")
    if min_recall is not None and result.recall < min_recall:
        missed.append(f"recall {result.recall:.4f} < {min_recall}")
    if missed:
        click.secho(f"Below the bar: {', '.join(missed)}", fg="red", err=True)
        raise SystemExit(EXIT_BELOW_BAR)
