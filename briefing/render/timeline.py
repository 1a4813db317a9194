"""A build-time timeline: events on a time axis, with long empty stretches cut out.

Pure data for the template: positions in percent of the axis, rounded so the
output is deterministic. No script, no external library: HTML and CSS only.

The axis is a *broken axis*. Every day an event starts or ends is a boundary;
a stretch between two boundaries that holds no start or end and is both longer
than :data:`GAP_MIN_DAYS` and a large share of the whole (:data:`GAP_SHARE`) is
cut down to :data:`GAP_WIDTH` percent of the axis and drawn as a break (unless every
stretch qualifies: one long period keeps its axis whole). The rest
of the axis is linear in days, so one early event no longer squeezes a dense
month into a corner. Bars of ranges that cross a break cross it too.

Tick labels are chosen so that none overlaps another or runs past the end at
the narrowest axis the layout gives (:data:`AXIS_MIN_PX`, a 375 px phone).

Three kinds of date look different: one day is a dot, a period a solid bar,
and an uncertain or approximate date (or period) is hatched with a dashed edge.
"""

from __future__ import annotations

import bisect
import datetime as dt
import itertools
from collections.abc import Callable
from dataclasses import dataclass

from markupsafe import Markup

from briefing.dates import MONTHS
from briefing.render.addresses import html_href
from briefing.render.context import EventView

#: A stretch without events is cut when it is longer than this many days...
GAP_MIN_DAYS = 45
#: ...and longer than this share of the whole axis.
GAP_SHARE = 0.15
#: The width of a cut stretch, in percent of the axis.
GAP_WIDTH = 6.0
#: Percent of the axis left empty before the first and after the last event.
MARGIN = 3.0
#: The narrowest axis the stylesheet gives (px), and the tick font's average glyph width there.
AXIS_MIN_PX = 320
GLYPH_PX = 6.6
TICK_GAP_PX = 10
#: One day takes at most this share of the axis (percent).
MAX_DAY = 8.0
#: Two different days are at least this far apart on the narrowest axis (while there is room).
MIN_STEP_PX = 22


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
class Cut:
    """A stretch of time left out of the axis (a break)."""

    start: float
    width: float
    label: str
    """What was left out, in words: '4 January 2020 – 28 June 2021: no events'."""

    @property
    def style(self) -> Markup:
        return Markup(f"--tl-start: {self.start}%; --tl-width: {self.width}%;")


@dataclass(slots=True)
class Timeline:
    """Rows in chronological order, axis ticks and breaks, and a summary for screen readers."""

    rows: list[TimelineRow]
    ticks: list[Tick]
    label: str
    cuts: list[Cut]


class _Axis:
    """Days to percent: linear between boundaries, long empty stretches cut to a fixed width."""

    def __init__(self, boundaries: list[dt.date], start: dt.date, end: dt.date) -> None:
        points = sorted({start, end, *(b for b in boundaries if start <= b <= end)})
        total = max((end - start).days, 1)
        lengths = [(b - a).days for a, b in itertools.pairwise(points)]
        cut = [n > GAP_MIN_DAYS and n > total * GAP_SHARE for n in lengths]
        if all(cut):  # nothing else to give the room to (one long period): keep the axis whole
            cut = [False] * len(cut)
        cut_share = min(GAP_WIDTH * sum(cut), 40.0)
        kept_days = [n for n, c in zip(lengths, cut) if not c]
        # A few days never fill the whole axis (one day would be a third of it): the room
        # they leave goes to the breaks, or, without breaks, to both sides.
        step = _step()
        room = min(100.0 - cut_share, max(sum(kept_days) * MAX_DAY, len(kept_days) * step))
        spare = 100.0 - cut_share - room
        gap = (cut_share + spare) / sum(cut) if any(cut) else 0.0
        widths = _stretch(kept_days, room)
        self.points = points
        self.positions = [0.0 if any(cut) else spare / 2]
        kept = iter(widths)
        for c in cut:
            self.positions.append(self.positions[-1] + (gap if c else next(kept)))
        self.cut = cut
        self.per_day = room / (sum(kept_days) or 1)

    def __call__(self, day: dt.date) -> float:
        """The position of the start of ``day`` (percent)."""
        points = self.points
        if day <= points[0]:
            return self.positions[0]
        if day >= points[-1]:
            return self.positions[-1]
        i = bisect.bisect_right(points, day) - 1
        a, b = points[i], points[i + 1]
        share = (day - a).days / (b - a).days
        return self.positions[i] + share * (self.positions[i + 1] - self.positions[i])

    def cuts(self) -> list[Cut]:
        out = []
        for i, c in enumerate(self.cut):
            if c:
                first, last = self.points[i], self.points[i + 1] - dt.timedelta(days=1)
                label = f"{_day(first)} – {_day(last)}: no events"
                # Drawn in the middle of its room: dots on either side keep clear of it.
                room = self.positions[i + 1] - self.positions[i]
                start = self.positions[i] + room * 0.3
                out.append(Cut(round(start, 2), round(room * 0.4, 2), label))
        return out


def _stretch(days: list[int], room: float) -> list[float]:
    """Widths for stretches of ``days``, in proportion, but none narrower than :data:`MIN_STEP_PX`
    (so two different days never share a spot); ``room`` percent in all."""
    step = min(_step(), room / max(len(days), 1))
    # The shortest stretches take the minimum; the rest share what is left in proportion.
    short: set[int] = set()
    while True:
        rest = [n for i, n in enumerate(days) if i not in short]
        per_day = (room - step * len(short)) / (sum(rest) or 1)
        newly = {i for i, n in enumerate(days) if i not in short and n * per_day < step}
        if not newly:
            return [step if i in short else n * per_day for i, n in enumerate(days)]
        short |= newly


def _day(day: dt.date) -> str:
    return f"{day.day} {MONTHS[day.month]} {day.year}"


def build_timeline(
    events: list[EventView], label: str, bounds: tuple[dt.date, dt.date] | None = None, *,
    page: str, directory_urls: bool,
) -> Timeline | None:
    """Rows for ``events``, listed on the page ``page`` (their links are relative to it);
    ``bounds`` fixes the axis (bars are clipped to it)."""
    if not events:
        return None
    first = min(e.date.lower for e in events)
    last = max(e.date.upper for e in events) + dt.timedelta(days=1)
    if bounds is not None:
        start, end = bounds[0], bounds[1] + dt.timedelta(days=1)
    else:
        start, end = first, last
    boundaries = []
    for e in events:
        boundaries += [max(e.date.lower, start), min(e.date.upper + dt.timedelta(days=1), end)]
    axis = _Axis(boundaries, start, end)
    # A margin on both sides, so the first and last dots are not cut by the edge.
    scale = (100 - 2 * MARGIN) / 100

    def pos(day: dt.date) -> float:
        return MARGIN + axis(day) * scale

    rows = []
    for event in events:
        lower, upper = max(event.date.lower, start), min(event.date.upper, end - dt.timedelta(days=1))
        left, right = pos(lower), pos(upper + dt.timedelta(days=1))
        point = event.date.lower == event.date.upper
        if point:  # a dot at the start of its day, where its tick would be
            right = left
        rows.append(
            TimelineRow(
                title=event.title,
                date=event.date.text,
                href=Markup(html_href(page, event.link or f"#{event.anchor}", directory_urls)),
                start=round(left, 2),
                width=round(right - left, 2),
                fuzzy=event.date.uncertain or event.date.approximate,
                point=point,
            )
        )
    cuts = [Cut(round(MARGIN + c.start * scale, 2), round(c.width * scale, 2), c.label) for c in axis.cuts()]
    return Timeline(rows, _ticks(axis, pos), label, cuts)


def _ticks(axis: _Axis, place: Callable[[dt.date], float]) -> list[Tick]:
    """Month starts (and, where months are wide, weeks), chosen so that no two labels overlap.

    Candidates are ranked: the first day of each stretch between breaks, then years, months,
    weeks; each is kept if its label fits beside those already kept.
    """
    candidates: list[tuple[int, float, dt.date, str]] = []
    pieces = []  # (first day, end) of each stretch between breaks
    piece_start = axis.points[0]
    for i, cut in enumerate(axis.cut):
        if cut:
            pieces.append((piece_start, axis.points[i]))
            piece_start = axis.points[i + 1]
    pieces.append((piece_start, axis.points[-1]))
    px_per_day = axis.per_day / 100 * AXIS_MIN_PX
    for low, high in pieces:
        if high <= low:
            continue
        # Each stretch's first day, the longest stretches first; a year alone where that is too wide.
        length = -(high - low).days
        month = f"{MONTHS[low.month][:3]} {low.year}"
        candidates.append((0, length, low, month if low.day == 1 else f"{low.day} {month}"))
        candidates.append((1, length, low, str(low.year)))
        day = dt.date(low.year, low.month, 1)
        while day < high:
            if day > low:
                candidates.append((2 if day.month == 1 else 3, 0, day, f"{MONTHS[day.month][:3]} {day.year}"))
            if px_per_day * 7 > 60:  # weeks are wide enough to label
                for d in (8, 15, 22):
                    week = day.replace(day=d)
                    if low < week < high:
                        candidates.append((4, 0, week, f"{d} {MONTHS[day.month][:3]}"))
            day = dt.date(day.year + (day.month == 12), day.month % 12 + 1, 1)
    kept: list[tuple[float, float, str]] = []
    labelled: set[dt.date] = set()
    gap = TICK_GAP_PX / AXIS_MIN_PX * 100
    for _, _, day, text in sorted(candidates, key=lambda c: (c[0], c[1], c[2])):
        at = place(day)
        width = (len(text) * GLYPH_PX + 6) / AXIS_MIN_PX * 100
        if day in labelled or at + width > 100:
            continue
        if any(at < right + gap and left < at + width + gap for left, right, _ in kept):
            continue
        kept.append((at, at + width, text))
        labelled.add(day)
    return [Tick(text, round(left, 2)) for left, _, text in sorted(kept)]


def _step() -> float:
    """:data:`MIN_STEP_PX` in percent of the axis before its margins are taken off."""
    return MIN_STEP_PX / AXIS_MIN_PX * 100 / ((100 - 2 * MARGIN) / 100)
