"""EDTF dates (levels 0 and 1): parsing, strict bounds for sorting, and display.

The ``edtf`` package is the authority on what is valid. It takes about 10 ms
a date, which dominates a build of thousands of events, so the forms analysts
write every day (``2021``, ``2021-06``, ``2021-06-27``, with ``~ ? %``,
``XX`` and intervals of those) are parsed by a small fast path. A property
test checks that the fast path agrees with ``edtf`` on bounds and validity;
every other form goes to ``edtf``.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass
from functools import lru_cache

__all__ = ["EdtfDate", "EdtfError", "parse_date"]

MONTHS = [
    "", "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
]
SEASONS = {21: "Spring", 22: "Summer", 23: "Autumn", 24: "Winter"}
EXAMPLES = "e.g. '2021-06-27', '2021-06', '2021-06-27~', '2021-06-27/2021-06-29'"

#: The forms :func:`parse_date` accepts, as a JSON Schema (ECMA) pattern for editors: a point
#: (year, month or season, day, optional time, qualifier ~ ? %, X for unspecified digits) or an
#: interval of two. Looser than the parser only where the calendar decides (31 February).
_POINT = (
    r"(?:Y-?[0-9]{5,}|-?[0-9]{2}[0-9X]{2}"
    r"(?:-(?:0[1-9]|1[0-2]|2[1-4]|XX)(?:-(?:0[1-9]|[12][0-9]|3[01]|XX)"
    r"(?:T[0-2][0-9]:[0-5][0-9](?::[0-5][0-9])?(?:Z|[+-][0-9]{2}(?::?[0-9]{2})?)?)?)?)?)[~?%]?"
)
EDTF_PATTERN = rf"^{_POINT}(?:/{_POINT})?$"

_SIMPLE = re.compile(r"(\d{4})(?:-(\d{2}|XX)(?:-(\d{2}|XX))?)?([~?%])?")
_DATETIME = re.compile(
    r"(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?(Z|[+-]\d{2}(?::?\d{2})?)?"
)


class EdtfError(ValueError):
    """A date that is not valid EDTF (levels 0 and 1)."""


@dataclass(frozen=True)
class _Point:
    """One end of a date: its bounds, precision (year/month/day/season) and qualifier."""

    lower: dt.date
    upper: dt.date
    precision: str
    qualifier: str = ""
    season: int = 0
    time: str = ""


@dataclass(frozen=True)
class EdtfDate:
    """An EDTF date as written, with its earliest and latest possible day."""

    text: str
    lower: dt.date
    upper: dt.date
    start: _Point
    end: _Point | None = None

    @property
    def sort_key(self) -> tuple[dt.date, dt.date]:
        return (self.lower, self.upper)

    @property
    def is_interval(self) -> bool:
        return self.end is not None

    @property
    def is_uncertain(self) -> bool:
        return any("?" in p.qualifier or "%" in p.qualifier for p in self._points())

    @property
    def is_approximate(self) -> bool:
        return any("~" in p.qualifier or "%" in p.qualifier for p in self._points())

    @property
    def span_days(self) -> int:
        return (self.upper - self.lower).days + 1

    def _points(self) -> tuple[_Point, ...]:
        return (self.start,) if self.end is None else (self.start, self.end)

    def display(self) -> str:
        """The date in words, e.g. 'c. 27 June 2021' or '27–29 June 2021'."""
        if self.end is None:
            return _show(self.start)
        return _show_interval(self.start, self.end)

    def __str__(self) -> str:
        return self.text


def parse_date(text: str) -> EdtfDate:
    """Parse an EDTF string; raise :class:`EdtfError` with a helpful message."""
    return _parse_cached(text.strip())


@lru_cache(maxsize=65536)
def _parse_cached(text: str) -> EdtfDate:
    if not text:
        raise EdtfError(f"empty date; write an EDTF date ({EXAMPLES})")
    if "/" in text:
        first, _, second = text.partition("/")
        if first in ("", "..") or second in ("", ".."):
            raise EdtfError(f"open-ended interval '{text}' is not supported; give both ends ({EXAMPLES})")
        if "X" in text:  # edtf is stricter than the fast path about XX in intervals
            import edtf

            try:
                edtf.parse_edtf(text)
            except Exception:
                raise EdtfError(f"'{text}' is not a valid EDTF interval ({EXAMPLES})") from None
        start, end = _point(first, text), _point(second, text)
        if end.upper < start.lower:
            raise EdtfError(f"interval '{text}' ends before it starts")
        return EdtfDate(text, start.lower, end.upper, start, end)
    point = _point(text, text)
    return EdtfDate(text, point.lower, point.upper, point)


def _point(text: str, whole: str) -> _Point:
    match = _SIMPLE.fullmatch(text)
    if match:
        point = _simple_point(*match.groups())
        if point is not None:
            return point
    match = _DATETIME.fullmatch(text)
    if match:
        return _datetime_point(match, whole)
    return _edtf_point(text, whole)


def _simple_point(year: str, month: str | None, day: str | None, qualifier: str | None) -> _Point | None:
    """The fast path; None hands the text to ``edtf`` (seasons, odd XX placement)."""
    y = int(year)
    qualifier = qualifier or ""
    if month is None:
        return _Point(dt.date(y, 1, 1), dt.date(y, 12, 31), "year", qualifier)
    if month == "XX":
        if day not in (None, "XX"):
            return None
        return _Point(dt.date(y, 1, 1), dt.date(y, 12, 31), "year", qualifier)
    m = int(month)
    if not 1 <= m <= 12:
        return None
    last = calendar.monthrange(y, m)[1]
    if day is None or day == "XX":
        return _Point(dt.date(y, m, 1), dt.date(y, m, last), "month", qualifier)
    d = int(day)
    if not 1 <= d <= last:
        raise EdtfError(f"'{year}-{month}-{day}' is not a day of the calendar")
    return _Point(dt.date(y, m, d), dt.date(y, m, d), "day", qualifier)


def _datetime_point(match: re.Match[str], whole: str) -> _Point:
    year, month, day, hour, minute, second, offset = match.groups()
    try:
        day_ = dt.date(int(year), int(month), int(day))
        dt.time(int(hour), int(minute), int(second or 0))
    except ValueError:
        raise EdtfError(f"'{whole}' is not a valid date and time") from None
    time = f"{hour}:{minute}" + (f":{second}" if second and second != "00" else "")
    if offset == "Z":
        time += " (UTC)"
    elif offset:
        sign, digits = offset[0], offset[1:].replace(":", "")
        hours, minutes = int(digits[:2]), int(digits[2:] or 0)
        time += f" (UTC{sign}{hours}" + (f":{minutes:02d}" if minutes else "") + ")"
    return _Point(day_, day_, "day", "", time=time)


def _edtf_point(text: str, whole: str) -> _Point:
    import edtf  # imported on first use: it takes a sixth of a second and most dates never need it

    try:
        parsed = edtf.parse_edtf(text)
        lower = dt.date(*parsed.lower_strict()[:3])
        upper = dt.date(*parsed.upper_strict()[:3])
    except Exception:  # edtf raises several exception types for bad input
        raise EdtfError(f"'{whole}' is not a valid EDTF date ({EXAMPLES})") from None
    kind = type(parsed).__name__
    if kind not in ("Date", "UncertainOrApproximate", "Unspecified", "Season", "PartialUncertainOrApproximate"):
        raise EdtfError(f"'{whole}' is not a supported EDTF date ({EXAMPLES})")
    uncertain, approximate = ("?" in text or "%" in text), ("~" in text or "%" in text)
    qualifier = "%" if uncertain and approximate else "?" if uncertain else "~" if approximate else ""
    season = re.fullmatch(r"(\d{4})-(2[1-4])[~?%]?", text)
    if season:
        return _Point(lower, upper, "season", qualifier, season=int(season.group(2)))
    if lower == upper:
        precision = "day"
    elif lower.month == upper.month and lower.year == upper.year:
        precision = "month"
    else:
        precision = "year"
    return _Point(lower, upper, precision, qualifier)


def _bare(point: _Point) -> str:
    d = point.lower
    if point.precision == "season":
        return f"{SEASONS[point.season]} {d.year}"
    if point.precision == "year":
        return str(d.year)
    if point.precision == "month":
        return f"{MONTHS[d.month]} {d.year}"
    text = f"{d.day} {MONTHS[d.month]} {d.year}"
    return f"{text}, {point.time}" if point.time else text


def _show(point: _Point, bare: str | None = None) -> str:
    text = _bare(point) if bare is None else bare
    if point.qualifier in ("~", "%"):
        text = "c. " + text
    if point.qualifier in ("?", "%"):
        text += " (?)"
    return text


def _show_interval(start: _Point, end: _Point) -> str:
    a, b = start.lower, end.lower
    plain = not (start.qualifier or end.qualifier or start.time or end.time)
    if plain and start.precision == end.precision == "day":
        if (a.year, a.month) == (b.year, b.month):
            return f"{a.day}–{b.day} {MONTHS[a.month]} {a.year}"
        if a.year == b.year:
            return f"{a.day} {MONTHS[a.month]} – {b.day} {MONTHS[b.month]} {a.year}"
    if plain and start.precision == end.precision == "month" and a.year == b.year:
        return f"{MONTHS[a.month]}–{MONTHS[b.month]} {a.year}"
    if plain and start.precision == end.precision == "year":
        return f"{a.year}–{b.year}"
    return f"{_show(start)} – {_show(end)}"
