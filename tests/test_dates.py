"""EDTF dates: display per the spec's table, ordering by strict bounds, agreement with ``edtf``."""

from __future__ import annotations

import datetime as dt

import edtf
import pytest
from edtf.parser.edtf_exceptions import EDTFParseException
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from briefing.dates import EdtfError, parse_date

SPEC_TABLE = [
    ("2021-06-27", "27 June 2021"),
    ("2021-06", "June 2021"),
    ("2021", "2021"),
    ("2021-06-27~", "c. 27 June 2021"),
    ("2021-06-27?", "27 June 2021 (?)"),
    ("2021-06-27%", "c. 27 June 2021 (?)"),
    ("2021-06-27/2021-06-29", "27–29 June 2021"),
    ("2021-06-XX", "June 2021"),
    ("2021-06-27T14:30+03:00", "27 June 2021, 14:30 (UTC+3)"),
    ("2021-06-27T14:30:00Z", "27 June 2021, 14:30 (UTC)"),
    ("2021-06-27/2021-07-03", "27 June – 3 July 2021"),
    ("2020-12-28/2021-01-03", "28 December 2020 – 3 January 2021"),
    ("2021-06/2021-08", "June–August 2021"),
    ("2021-06-30~/2021-07-12", "c. 30 June 2021 – 12 July 2021"),
    ("2021-21", "Spring 2021"),
]


@pytest.mark.parametrize(("text", "shown"), SPEC_TABLE)
def test_display(text: str, shown: str) -> None:
    assert parse_date(text).display() == shown


@pytest.mark.parametrize(
    ("text", "lower", "upper"),
    [
        ("2021", (2021, 1, 1), (2021, 12, 31)),
        ("2024-02", (2024, 2, 1), (2024, 2, 29)),
        ("2021-06-27~", (2021, 6, 27), (2021, 6, 27)),
        ("2021-XX-XX", (2021, 1, 1), (2021, 12, 31)),
        ("2021-06-27/2021-06-29", (2021, 6, 27), (2021, 6, 29)),
    ],
)
def test_strict_bounds(text: str, lower: tuple, upper: tuple) -> None:
    date = parse_date(text)
    assert (date.lower, date.upper) == (dt.date(*lower), dt.date(*upper))


def test_order_earliest_then_latest() -> None:
    written = ["2021-07", "2021-06-27/2021-07-05", "2021", "2021-06-27", "2021-06-27~", "2020-12-31"]
    ordered = sorted(written, key=lambda t: parse_date(t).sort_key)
    # sorted() is stable: equal bounds keep file order ("2021-06-27" before "2021-06-27~").
    assert ordered == ["2020-12-31", "2021", "2021-06-27", "2021-06-27~", "2021-06-27/2021-07-05", "2021-07"]


@pytest.mark.parametrize(
    "text", ["", "last week", "2021-13", "2021-02-30", "2021-06-27/2021-06-01", "../2021", "2021/..", "27/06/2021"]
)
def test_invalid_dates_raise_with_an_example(text: str) -> None:
    with pytest.raises(EdtfError) as info:
        parse_date(text)
    assert "'" in str(info.value)


years = st.integers(min_value=1000, max_value=2999)
months = st.integers(min_value=1, max_value=12)
days = st.integers(min_value=1, max_value=31)
qualifiers = st.sampled_from(["", "~", "?", "%"])


@st.composite
def simple_dates(draw: st.DrawFn) -> str:
    year = draw(years)
    form = draw(st.sampled_from(["year", "month", "day", "xx-month", "xx-day"]))
    if form == "year":
        text = f"{year}"
    elif form == "month":
        text = f"{year}-{draw(months):02d}"
    elif form == "xx-month":
        text = f"{year}-XX-XX" if draw(st.booleans()) else f"{year}-XX"
    elif form == "xx-day":
        text = f"{year}-{draw(months):02d}-XX"
    else:
        text = f"{year}-{draw(months):02d}-{draw(days):02d}"
    return text + (draw(qualifiers) if "XX" not in text else "")


class EdtfBug(Exception):
    """edtf crashed (rather than rejecting the text): nothing to compare against."""


def _edtf_bounds(text: str) -> tuple[dt.date, dt.date] | None:
    try:
        parsed = edtf.parse_edtf(text)
    except EDTFParseException:
        return None
    except Exception as exc:  # e.g. edtf 5 fails on 'YYYY-XX' as an interval end
        raise EdtfBug(text) from exc
    try:
        return dt.date(*parsed.lower_strict()[:3]), dt.date(*parsed.upper_strict()[:3])
    except ValueError:
        return None


def edtf_bounds(text: str) -> tuple[dt.date, dt.date] | None:
    try:
        return _edtf_bounds(text)
    except EdtfBug:
        assume(False)
        raise


@settings(max_examples=150, deadline=None)
@given(simple_dates())
def test_fast_path_agrees_with_edtf(text: str) -> None:
    expected = edtf_bounds(text)
    try:
        date = parse_date(text)
    except EdtfError:
        assert expected is None, f"{text} rejected, edtf accepts it"
        return
    assert expected is not None, f"{text} accepted, edtf rejects it"
    assert (date.lower, date.upper) == expected


@settings(max_examples=150, deadline=None)
@given(simple_dates(), simple_dates())
def test_intervals_agree_with_edtf(a: str, b: str) -> None:
    text = f"{a}/{b}"
    expected = edtf_bounds(text)
    try:
        date = parse_date(text)
    except EdtfError:
        # Ours to refuse only when the interval runs backwards (edtf accepts that);
        # any other refusal must be one edtf shares.
        start, end = edtf_bounds(a), edtf_bounds(b)
        reversed_interval = start is not None and end is not None and end[1] < start[0]
        assert reversed_interval or expected is None, f"{text} rejected, edtf accepts it"
        return
    assert expected is not None, f"{text} accepted, edtf rejects it"
    assert (date.lower, date.upper) == expected


def test_schema_pattern_accepts_every_form_check_accepts() -> None:
    import re

    from briefing.dates import EDTF_PATTERN

    pattern = re.compile(EDTF_PATTERN)
    for text, _ in SPEC_TABLE:
        assert pattern.match(text), text
    for text in ["2021-06-27", "201X", "2021-XX-XX", "Y170000002", "2021-06-27?/2021-07"]:
        assert pattern.match(text), text
    for text in ["Sept 14 2019", "14/09/2019", "2019/09/14", "last week", "2021-13", "2021-6-1"]:
        assert not pattern.match(text), text


@settings(max_examples=100, deadline=None)
@given(simple_dates())
def test_schema_pattern_accepts_what_the_parser_accepts(text: str) -> None:
    import re

    from briefing.dates import EDTF_PATTERN

    try:
        parse_date(text)
    except EdtfError:
        return
    assert re.match(EDTF_PATTERN, text), text
