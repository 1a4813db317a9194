"""The broken-axis timeline: long empty stretches cut, days kept apart, labels that fit."""

from __future__ import annotations

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st
from markupsafe import Markup

from briefing.dates import parse_date
from briefing.render.context import DateView, EventView
from briefing.render.timeline import AXIS_MIN_PX, GLYPH_PX, MIN_STEP_PX, build_timeline


def event(edtf: str) -> EventView:
    date = parse_date(edtf)
    view = DateView(date.display(), Markup(date.lower.isoformat()), date.lower, date.upper,
                    date.is_uncertain, date.is_approximate, date.span_days > 31, edtf)
    return EventView(edtf, f"event-{edtf}", edtf, view, None, "Attack", None, None, [], [], None, None)


EXAMPLE = ["2020-01-03", "2020-01-03/2021-07-13", "2021-06-29~", "2021-06-30~", "2021-06-30~/2021-07-12",
           "2021-07-01~/2021-07-13", "2021-07-05/2021-07-11"]


def test_an_early_outlier_does_not_crush_the_dense_month() -> None:
    timeline = build_timeline([event(d) for d in EXAMPLE], "t", page="briefings/b.md", directory_urls=True)
    assert timeline is not None
    assert [c.label for c in timeline.cuts] == ["4 January 2020 – 28 June 2021: no events"]
    starts = {r.date: r.start for r in timeline.rows}
    # Late June to mid-July takes most of the axis, and one day is at least MIN_STEP_PX wide.
    assert starts["5–11 July 2021"] - starts["c. 29 June 2021"] > 30
    step = MIN_STEP_PX / AXIS_MIN_PX * 100
    assert starts["c. 30 June 2021"] - starts["c. 29 June 2021"] >= step - 0.01
    # Kinds stay distinct: days are points, periods are not; approximate ones are fuzzy.
    rows = {r.date: r for r in timeline.rows}
    assert rows["3 January 2020"].point and not rows["3 January 2020"].fuzzy
    assert not rows["5–11 July 2021"].point and not rows["5–11 July 2021"].fuzzy
    assert rows["c. 29 June 2021"].point and rows["c. 29 June 2021"].fuzzy


days = st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2030, 12, 31))


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(days, st.integers(0, 400)), min_size=1, max_size=25))
def test_positions_are_ordered_and_labels_fit(spans: list[tuple[dt.date, int]]) -> None:
    edtf = [d.isoformat() if n == 0 else f"{d.isoformat()}/{(d + dt.timedelta(days=n)).isoformat()}"
            for d, n in spans]
    views = sorted((event(e) for e in edtf), key=lambda v: (v.date.lower, v.date.upper))
    timeline = build_timeline(views, "t", page="briefings/b.md", directory_urls=True)
    assert timeline is not None
    for row in timeline.rows:
        assert 0 <= row.start <= 100 and 0 <= row.start + row.width <= 100.01
    # Later starts are never drawn to the left of earlier ones.
    starts = [(r.start, v.date.lower) for r, v in zip(timeline.rows, views, strict=True)]
    for (a, da), (b, db) in zip(starts, starts[1:]):
        assert (da < db and a <= b) or da == db
    # Tick labels (estimated at the narrowest axis) neither overlap nor run past the end.
    ends = [(t.position, t.position + (len(t.label) * GLYPH_PX + 6) / AXIS_MIN_PX * 100) for t in timeline.ticks]
    assert all(right <= 100 for _, right in ends)
    assert all(a_end <= b_start for (_, a_end), (b_start, _) in zip(ends, ends[1:]))
    assert timeline.ticks, "an axis without a single label"
