"""Geometry of the inline SVG bar charts of the HTML report; the template draws the shapes.

Only numbers and labels leave this module, so every label is escaped by the template.
"""

from __future__ import annotations

from dataclasses import dataclass

#: Horizontal bar chart: label column, bar area and row height, pixels.
LABEL_WIDTH_PX = 110
BAR_AREA_PX = 240
ROW_HEIGHT_PX = 24

#: Column chart (over time): column area height, largest column width and gap, pixels.
COLUMN_AREA_PX = 120
COLUMN_WIDTH_PX = 28
COLUMN_GAP_PX = 8


@dataclass(frozen=True)
class Bar:
    """One bar: its label, value and geometry in pixels."""

    label: str
    value: int
    x: float
    y: float
    width: float
    height: float


@dataclass(frozen=True)
class Chart:
    """A chart's bars and its total size in pixels."""

    title: str
    bars: list[Bar]
    width: float
    height: float


def horizontal_bars(title: str, counts: dict[str, int]) -> Chart:
    """Return a horizontal bar chart of ``counts`` (label -> count), in the given order.

    The longest bar fills BAR_AREA_PX; each row is ROW_HEIGHT_PX high.
    """
    largest = max(counts.values(), default=0) or 1
    bars = [
        Bar(label=label, value=value, x=LABEL_WIDTH_PX, y=index * ROW_HEIGHT_PX + 4,
            width=max(2.0, BAR_AREA_PX * value / largest), height=ROW_HEIGHT_PX - 8)
        for index, (label, value) in enumerate(counts.items())
    ]
    return Chart(title, bars, LABEL_WIDTH_PX + BAR_AREA_PX + 40, max(1, len(bars)) * ROW_HEIGHT_PX)


def columns(title: str, counts: dict[str, int]) -> Chart:
    """Return a column chart of ``counts`` (label -> count) left to right, labels under columns.

    The tallest column fills COLUMN_AREA_PX; 40 pixels below it hold the rotated labels.
    """
    largest = max(counts.values(), default=0) or 1
    step = COLUMN_WIDTH_PX + COLUMN_GAP_PX
    bars = []
    for index, (label, value) in enumerate(counts.items()):
        height = max(2.0, COLUMN_AREA_PX * value / largest)
        bars.append(Bar(label=label, value=value, x=index * step + 10, y=COLUMN_AREA_PX - height + 16,
                        width=COLUMN_WIDTH_PX, height=height))
    # The rotated labels reach about 50 pixels right of the last column.
    return Chart(title, bars, max(1, len(bars)) * step + 70, COLUMN_AREA_PX + 70)
