"""Benchmark results: one row per metric, the rich table and the JSON file."""

from __future__ import annotations

import json
import math
import operator
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

#: Comparison operators a target may use.
_OPERATORS = {">=": operator.ge, "<=": operator.le, "==": operator.eq}


@dataclass(frozen=True)
class Target:
    """A bound on a ratio (or on the value when a result has no reference), such as ``>= 0.8``.

    Parameters:
        op: ">=", "<=" or "==".
        bound: the number the ratio is compared with.
    """

    op: str
    bound: float

    def __post_init__(self) -> None:
        if self.op not in _OPERATORS:
            raise ValueError(f"invalid target operator {self.op!r}: use one of {', '.join(_OPERATORS)}")

    def met_by(self, number: float) -> bool:
        """Return whether ``number`` meets the target."""
        return bool(_OPERATORS[self.op](number, self.bound))

    def __str__(self) -> str:
        return f"{self.op} {self.bound:g}"


@dataclass
class Result:
    """One measured metric of a scenario.

    Parameters:
        scenario: scenario name ("media", "scale", ...).
        metric: what was measured, such as "faces images/s (pipeline)".
        value: the measurement in ``unit``, or None when the scenario was skipped or failed.
        unit: unit of ``value`` and ``reference``.
        reference: the same quantity measured on the reference side in the same run, if any.
        ratio: ``value`` compared with ``reference`` (the metric name gives the direction), if any.
        target: bound on ``ratio``, or on ``value`` when there is no ratio.
        note: how the number was obtained, or why it is missing.
    """

    scenario: str
    metric: str
    value: float | None
    unit: str = ""
    reference: float | None = None
    ratio: float | None = None
    target: Target | None = None
    note: str = ""
    passed: bool | None = field(default=None, init=False)

    def __post_init__(self) -> None:
        checked = self.ratio if self.ratio is not None else self.value
        if self.target is not None and checked is not None and math.isfinite(checked):
            self.passed = self.target.met_by(checked)

    def to_dict(self) -> dict[str, Any]:
        """Return the result as a JSON-ready dict; the target becomes a string such as ">= 0.8"."""
        data = asdict(self)
        data["target"] = str(self.target) if self.target else None
        return data


def skipped(scenario: str, reason: str) -> Result:
    """Return the row of a scenario that could not run, with the reason."""
    return Result(scenario, "skipped", None, note=reason)


def _number(value: float | None, digits: int = 3) -> str:
    if value is None:
        return "-"
    if not math.isfinite(value):
        return str(value)
    if abs(value) >= 10 ** digits:
        return f"{value:,.0f}"
    if value != 0 and abs(value) < 10 ** -digits:
        return f"{value:.2e}"
    return f"{value:.{digits}g}"


def render_table(results: Iterable[Result], console: Console | None = None) -> None:
    """Print the results as a table: scenario, metric, value, reference, ratio, target, pass/fail."""
    table = Table("scenario", "metric", "value", "reference", "ratio", "target", "pass/fail", title="footprint benchmarks")
    for result in results:
        unit = f" {result.unit}" if result.unit and result.value is not None else ""
        if result.passed is None:
            verdict = "-" if result.value is not None else f"[yellow]{result.note or 'no value'}[/yellow]"
        else:
            verdict = "[green]pass[/green]" if result.passed else "[red]fail[/red]"
        table.add_row(
            result.scenario, result.metric, _number(result.value) + unit,
            _number(result.reference) + (unit if result.reference is not None else ""),
            _number(result.ratio), str(result.target) if result.target else "-", verdict,
        )
    (console or make_console()).print(table)


def make_console() -> Console:
    """Return a console for the table, 160 columns wide when output is not a terminal.

    Outside a terminal rich assumes 80 columns, which wraps every metric name.
    """
    console = Console()
    return console if console.is_terminal else Console(width=160)


def write_json(path: Path, document: dict[str, Any]) -> Path:
    """Write the results document as indented JSON, creating the folder; return the path."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(document, indent=2, default=str) + "\n", encoding="utf-8")
    return path
