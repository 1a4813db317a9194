"""A build-time timeline: events on a time axis, uncertain dates drawn as ranges.

Pure data for the template: positions in percent of the axis, rounded so the
output is deterministic. No script, no external library: HTML and CSS only.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from markupsafe import Markup

from briefing.dates import MONTHS
from briefing.render.context import EventView

#: Below this width (percent of the axis) an event is drawn as a point.
POINT_WIDTH = 0.6


@dataclass(slots=True)
class TimelineRow:
    title: str
    date: str
    href: Markup
    start: float
    width: float
    fuzzy: bool
    point: bool

    @property
    def style(self) -> Markup:
        return Markup(f"--tl-start: {self.start}%; --tl-width: {self.width}%;")


@dataclass(slots=True)
class Tick:
    label: str
    position: float

    @property
    def style(self) -> Markup:
        return Markup(f"--tl-start: {self.position}%;")


@dataclass(slots=True)
class Timeline:
    """Rows in chronological order, axis ticks, and a summary for screen readers."""

    rows: list[TimelineRow]
    ticks: list[Tick]
    label: str


def build_timeline(
    events: list[EventView], label: str, bounds: tuple[dt.date, dt.date] | None = None
) -> Timeline | None:
    """Rows for ``events``; ``bounds`` fixes the axis (bars are clipped to it)."""
    if not events:
        return None
    if bounds is None:
        start, end = _pad(min(e.date.lower for e in events), max(e.date.upper for e in events))
    else:
        start, end = bounds
    days = (end - start).days + 1
    rows = []
    for event in events:
        lower, upper = max(event.date.lower, start), min(event.date.upper, end)
        offset = (lower - start).days / days * 100
        width = ((upper - lower).days + 1) / days * 100
        point = event.date.lower == event.date.upper
        rows.append(
            TimelineRow(
                title=event.title,
                date=event.date.text,
                href=event.url or Markup(f"#{event.anchor}"),
                start=round(offset, 2),
                width=round(min(max(width, POINT_WIDTH), 100 - offset), 2),
                fuzzy=event.date.uncertain or event.date.approximate or not point,
                point=point,
            )
        )
    return Timeline(rows, _ticks(start, end, days), label)


def _pad(start: dt.date, end: dt.date) -> tuple[dt.date, dt.date]:
    """Widen the axis to whole months, so ticks fall on month starts."""
    first = start.replace(day=1)
    if end.month == 12:
        last = dt.date(end.year, 12, 31)
    else:
        last = dt.date(end.year, end.month + 1, 1) - dt.timedelta(days=1)
    return first, last


def _ticks(start: dt.date, end: dt.date, days: int) -> list[Tick]:
    months = []
    current = start
    while current <= end:
        months.append(current)
        current = dt.date(current.year + (current.month == 12), current.month % 12 + 1, 1)
    if len(months) > 36:  # years
        marks = [m for m in months if m.month == 1] or months[:1]
        step = max(1, -(-len(marks) // 6))
        return [Tick(str(m.year), round((m - start).days / days * 100, 2)) for m in marks[::step]]
    step = max(1, -(-len(months) // 6))
    return [
        Tick(f"{MONTHS[m.month][:3]} {m.year}", round((m - start).days / days * 100, 2)) for m in months[::step]
    ]
