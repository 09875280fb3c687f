"""``manage.py report``: show a scan's footprints, export them, or diff two scans."""

from __future__ import annotations

import json
from pathlib import Path

import click
from rich.console import Console
from rich.table import Table

from config.settings import get_settings
from footprint.cli.common import database_errors, fail, init_logging
from footprint.report.data import ReportError, latest_scan_id, load_scan_view
from footprint.report.diff import ScanDiff, diff_scans
from footprint.report.summary import select_footprints
from footprint.report.tabular import render_csv, render_json
from footprint.report.terminal import footprint_table, print_report
from footprint.store.engine import session_scope
from footprint.store.models import Subject


def _write(text: str, output: Path | None) -> None:
    if output is None:
        click.echo(text, nl=False)
        return
    try:
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(text, encoding="utf-8")
    except OSError as error:
        fail(f"cannot write {output}: {error.strerror}; choose a writable --output path")
    click.echo(f"report written to {output}", err=True)


def _subject_region(subject_id: int) -> str:
    with session_scope(get_settings()) as session:
        subject = session.get(Subject, subject_id)
        return subject.region if subject and subject.region else get_settings().default_region


def _print_diff(diff: ScanDiff, console: Console) -> None:
    console.print(
        f"[bold]Scan {diff.before.scan_id} -> {diff.after.scan_id}[/bold] of subject {diff.after.subject_id}: "
        f"{len(diff.new)} new, {len(diff.gone)} gone, {len(diff.changed)} changed, {diff.unchanged} unchanged; "
        f"exposure {diff.before.exposure:.1f} -> {diff.after.exposure:.1f}"
    )
    if diff.new:
        console.print(footprint_table(diff.new, title="New footprints"))
    if diff.gone:
        console.print(footprint_table(diff.gone, title="Gone footprints"))
    if diff.changed:
        table = Table(title="Changed footprints")
        for column in ("id", "title", "what changed"):
            table.add_column(column, overflow="fold")
        for change in diff.changed:
            described = "; ".join(f"{name}: {old} -> {new}" for name, (old, new) in change.fields().items())
            table.add_row(str(change.after.footprint_id), change.after.title, described)
        console.print(table)


@click.command("report")
@click.option("--scan", "scan_id", type=int, help="Id of the scan to report.")
@click.option("--subject", "subject_id", type=int, help="Report the latest finished scan of this subject.")
@click.option("--diff", "diff_ids", type=int, nargs=2, metavar="SCAN_A SCAN_B",
              help="Show footprints new, gone and changed from SCAN_A to SCAN_B (same subject).")
@click.option("--format", "output_format", type=click.Choice(["text", "json", "csv", "html"]), default="text",
              show_default=True, help="Output format; --diff supports text and json.")
@click.option("--output", type=click.Path(dir_okay=False, path_type=Path),
              help="File to write instead of standard output.")
@click.option("--all", "include_unlinked", is_flag=True,
              help="Include footprints below the link threshold (every footprint with any evidence).")
@database_errors
def report(scan_id: int | None, subject_id: int | None, diff_ids: tuple[int, int] | None, output_format: str,
           output: Path | None, include_unlinked: bool) -> None:
    """Report a scan's footprints by confidence, source, type and identifiers exposed."""
    init_logging()
    settings = get_settings()
    chosen = sum(value is not None for value in (scan_id, subject_id)) + bool(diff_ids)
    if chosen != 1:
        fail("give exactly one of --scan ID, --subject ID or --diff SCAN_A SCAN_B")

    try:
        if diff_ids:
            if output_format not in ("text", "json"):
                fail(f"--diff supports --format text or json, not {output_format}")
            diff = diff_scans(diff_ids[0], diff_ids[1], settings, include_unlinked)
            if output_format == "json":
                _write(json.dumps(diff.to_dict(), indent=2, sort_keys=True, ensure_ascii=False, default=str) + "\n", output)
            elif output:
                with output.open("w", encoding="utf-8") as handle:
                    _print_diff(diff, Console(file=handle, width=200))
            else:
                _print_diff(diff, Console())
            return

        if scan_id is None:
            scan_id = latest_scan_id(subject_id, settings)
        view = load_scan_view(scan_id, settings)
    except ReportError as error:
        fail(str(error))

    footprints = select_footprints(view, include_unlinked)
    if output_format == "json":
        _write(render_json(view, footprints), output)
    elif output_format == "csv":
        _write(render_csv(footprints), output)
    elif output_format == "html":
        from footprint.report.html import render_html

        _write(render_html(view, footprints, settings, _subject_region(view.subject_id)), output)
    elif output:
        with output.open("w", encoding="utf-8") as handle:
            print_report(view, footprints, Console(file=handle, width=200))
    else:
        print_report(view, footprints, Console())
