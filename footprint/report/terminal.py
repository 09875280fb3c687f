"""Terminal report: a summary of the scan and a rich table of its footprints."""

from __future__ import annotations

from collections.abc import Sequence

from rich.console import Console
from rich.table import Table
from rich.text import Text

from footprint.report.data import FootprintView, ScanView
from footprint.report.summary import Summary, identifier_label, summarize

#: Style of each confidence name in the table.
CONFIDENCE_STYLE = {"certain": "bold red", "high": "red", "medium": "yellow", "low": "cyan", "none": "dim"}

#: Maximum title length shown in the table, characters.
TITLE_CHARS = 60


def _counts(counts: dict[str, int]) -> str:
    return ", ".join(f"{name} {count}" for name, count in counts.items()) or "none"


def print_summary(view: ScanView, summary: Summary, console: Console) -> None:
    """Print the scan header and the counts by confidence, source, type and identifier."""
    finished = view.finished_at.strftime("%Y-%m-%d %H:%M UTC") if view.finished_at else "not finished"
    console.print(
        f"[bold]Scan {view.scan_id}[/bold] of subject {view.subject_id} ({view.subject_name}), "
        f"status {view.status}, finished {finished}, {view.errors} item errors"
    )
    console.print(
        f"Exposure score [bold]{summary.exposure:.1f}[/bold] / 100 over {summary.linked} linked footprints "
        f"({summary.total} with any evidence); showing {summary.shown}"
    )
    console.print(f"  by confidence: {_counts(summary.by_confidence)}")
    console.print(f"  by source:     {_counts(summary.by_source)}")
    console.print(f"  by type:       {_counts(summary.by_type)}")
    console.print(f"  identifiers:   {_counts(summary.by_identifier)}")


def _title_cell(footprint: FootprintView) -> Text:
    title = footprint.title if len(footprint.title) <= TITLE_CHARS else footprint.title[: TITLE_CHARS - 1] + "…"
    cell = Text(title)
    cell.append("\n" + footprint.url, style="dim")
    return cell


def footprint_table(footprints: Sequence[FootprintView], title: str = "Footprints") -> Table:
    """Return a table of footprints: confidence, exposure, source, type, identifiers, title and URL."""
    table = Table(title=title, show_lines=False)
    table.add_column("id", justify="right")
    table.add_column("confidence")
    table.add_column("exposure", justify="right")
    table.add_column("source")
    table.add_column("type")
    table.add_column("identifiers exposed", overflow="fold")
    table.add_column("title and URL", overflow="fold")
    for footprint in footprints:
        level = footprint.confidence.name.lower()
        sources = sorted({sighting.source for sighting in footprint.sightings} - {footprint.source})
        source = footprint.source + (f" +{','.join(sources)}" if sources else "")
        table.add_row(
            str(footprint.footprint_id), Text(level, style=CONFIDENCE_STYLE.get(level, "")), f"{footprint.exposure:.1f}",
            source, footprint.footprint_type, identifier_label(footprint) or "-", _title_cell(footprint),
        )
    return table


def print_report(view: ScanView, footprints: Sequence[FootprintView], console: Console | None = None) -> None:
    """Print the summary and the table of ``footprints``."""
    console = console or Console()
    summary = summarize(view, footprints)
    print_summary(view, summary, console)
    console.print(footprint_table(footprints))
