"""The build-time SVG maps: placement, bounds, escaping and what survives the sanitiser."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from briefing.render.maps import (
    MAX_BYTES,
    MapEvent,
    _inside,
    build_map,
    coordinates_text,
    countries,
    mappable,
)
from briefing.site.output import sanitize

BAGHDAD = MapEvent(1, "Meeting", "5–11 July 2021", "#event-taeb-meeting", 33.3152, 44.3661, "city", "IQ")
AL_OMAR = MapEvent(2, "Shelling", "c. 28 June 2021", "#event-al-omar", 34.9, 40.6, "near", "SY")


def test_basemap_has_iso_codes_and_shapes() -> None:
    by_iso = {c.iso: c for c in countries() if c.iso}
    assert len(by_iso) >= 170
    assert by_iso["IQ"].name == "Iraq" and by_iso["DE"].name == "Germany"
    # Baghdad lies in Iraq's outline, not in Syria's.
    assert _inside((44.37, 33.32), [list(r) for r in by_iso["IQ"].rings])
    assert not _inside((44.37, 33.32), [list(r) for r in by_iso["SY"].rings])


def test_coordinates_in_words() -> None:
    assert coordinates_text(33.30, 44.39, "near") == "33.30° N, 44.39° E, near"
    assert coordinates_text(-33.9, -70.65, None) == "33.90° S, 70.65° W"


def test_map_markers_link_number_and_tooltip() -> None:
    svg = str(build_map([BAGHDAD, AL_OMAR], "map-x", "Map of the events"))
    assert svg.startswith('<figure class="brief-map">')
    assert 'role="img" aria-labelledby="map-x-title map-x-desc"' in svg
    assert '<title id="map-x-title">Map of the events</title>' in svg
    links = re.findall(r'<a class="brief-map-marker" href="([^"]+)" tabindex="-1"><title>([^<]+)</title>', svg)
    assert links == [("#event-taeb-meeting", "1. 5–11 July 2021: Meeting"), ("#event-al-omar", "2. c. 28 June 2021: Shelling")]
    assert "Basemap: Natural Earth" in svg and " km</text>" in svg  # attribution and scale bar
    assert 'class="brief-map-country brief-map-c-IQ"' in svg
    assert ">Iraq<" in svg or ">Syria<" in svg  # names where there is room
    assert "\n" not in svg  # one raw-HTML block for Markdown


def test_precision_shapes() -> None:
    exact = str(build_map([dataclasses.replace(BAGHDAD, precision="exact")], "m", "l"))
    assert "brief-map-circle" not in exact and "brief-map-area" not in exact
    assert "brief-map-circle" in str(build_map([BAGHDAD], "m", "l"))
    region = MapEvent(1, "a", "d", "#e", 33.3, 44.4, "region", None)
    assert '<circle class="brief-map-area"' in str(build_map([region], "m", "l"))
    country = MapEvent(1, "a", "d", "#e", None, None, "country", "IQ")
    assert '<path class="brief-map-area"' in str(build_map([country], "m", "l"))
    # Nothing to place: no map.
    nowhere = MapEvent(1, "a", "d", "#e", None, None, "region", None)
    assert mappable([nowhere]) == [] and build_map([nowhere], "m", "l") is None


def test_events_at_one_place_get_separate_badges() -> None:
    same = [MapEvent(n, "t", "d", f"#e{n}", 33.3, 44.4, "near", "IQ") for n in range(1, 7)]
    svg = str(build_map(same, "m", "l"))
    badges = [tuple(map(float, m)) for m in re.findall(r'class="brief-map-pin" cx="([-\d.]+)" cy="([-\d.]+)"', svg)]
    assert len(badges) == 6
    assert all(((a[0] - b[0]) ** 2 + (a[1] - b[1]) ** 2) ** 0.5 >= 18 for i, a in enumerate(badges) for b in badges[i + 1:])
    assert svg.count("brief-map-leader") == 6  # each joined to the place it stands for


def test_world_wide_map_stays_within_the_size_bound() -> None:
    spread = [
        MapEvent(1, "a", "d", "#a", -40, 170, "exact", None), MapEvent(2, "b", "d", "#b", 60, -150, "exact", None),
        MapEvent(3, "c", "d", "#c", -50, -70, "region", None), MapEvent(4, "d", "d", "#d", 70, 100, "exact", None),
        MapEvent(5, "e", "d", "#e", None, None, "country", "RU"),
    ]
    svg = str(build_map(spread, "m", "l"))
    assert len(svg.encode("utf-8")) <= MAX_BYTES
    assert len(sanitize(svg).encode("utf-8")) <= MAX_BYTES


def test_sanitiser_keeps_the_map_whole() -> None:
    svg = str(build_map([BAGHDAD, AL_OMAR], "map-x", "Map"))
    clean = sanitize(svg)
    # The same elements and attributes (nh3 writes empty elements with end tags).
    assert clean == re.sub(r"<(path|circle|rect)([^>]*)/>", r"<\1\2></\1>", svg)


@settings(max_examples=40, deadline=None)
@given(title=st.text(min_size=1, max_size=60), date=st.text(min_size=1, max_size=20))
def test_content_in_a_map_is_only_text(title: str, date: str) -> None:
    svg = str(build_map([MapEvent(1, title, date, "#event-x", 33.3, 44.4, "near", "IQ")], "m", "l"))
    # Exactly the elements the map draws: nothing from the title or date became markup.
    tags = re.findall(r"<([a-zA-Z]+)", svg)
    plain = re.findall(r"<([a-zA-Z]+)", str(build_map([MapEvent(1, "t", "d", "#event-x", 33.3, 44.4, "near", "IQ")], "m", "l")))
    assert tags == plain
    assert sanitize(svg).count("<a ") == 1


def test_maps_are_deterministic() -> None:
    assert str(build_map([BAGHDAD, AL_OMAR], "m", "l")) == str(build_map([BAGHDAD, AL_OMAR], "m", "l"))


def test_example_event_lines_give_coordinates_in_words(example_site: Path) -> None:
    html = (example_site / "briefings" / "irgc-taeb-baghdad-meeting" / "index.html").read_text()
    source = yaml.safe_load((Path(__file__).parent.parent / "content" / "briefings" / "irgc-taeb-baghdad-meeting.yaml").read_text())
    located = [e for e in source["events"] if e.get("location", {}).get("lat") is not None]
    assert located
    for event in located:
        where = event["location"]
        assert coordinates_text(where["lat"], where["lon"], where["precision"]) in html, event["id"]
    assert html.count('<figure class="brief-map">') == 1
    assert len(re.search(r'<figure class="brief-map">.*?</figure>', html).group(0).encode()) <= MAX_BYTES


@pytest.mark.parametrize("page", ["chronology/2021/index.html", "actors/us-embassy-baghdad/index.html"])
def test_actor_and_chronology_pages_have_maps(example_site: Path, page: str) -> None:
    html = (example_site / page).read_text()
    assert '<figure class="brief-map">' in html
    hrefs = re.findall(r'class="brief-map-marker" href="([^"]+)"', html)
    assert hrefs
    for href in hrefs:  # each resolves, from the page's URL, to the briefing page and its event
        path, anchor = href.split("#")
        target = (example_site / page).parent / path / "index.html"
        assert target.resolve().is_file(), href
        assert f'id="{anchor}"' in target.read_text(), href


@pytest.mark.parametrize("hostile", [
    '<svg onload="alert(1)"><circle r="1"/></svg>',
    '<svg><image href="https://evil.example/x.png"/></svg>',
    '<svg><use href="https://evil.example/s.svg#x"/></svg>',
    '<svg><foreignObject><iframe src="https://evil.example/"></iframe></foreignObject></svg>',
    '<svg><style>@import url(https://evil.example/x.css);</style></svg>',
    '<svg><a href="javascript:alert(1)"><text>x</text></a></svg>',
    '<svg><path d="M0 0" style="fill: url(https://evil.example/#p)" fill="url(https://evil.example/#p)"/></svg>',
    '<svg><script>alert(1)</script></svg>',
])
def test_sanitiser_lets_no_active_svg_through(hostile: str) -> None:
    clean = sanitize(hostile)
    for bad in ("onload", "<image", "<use", "foreignObject", "<iframe", "<style", "@import", "javascript:",
                "style=", "fill=", "<script", "evil.example"):
        assert bad not in clean, (hostile, clean)


places = st.tuples(
    st.floats(-89, 89, allow_nan=False), st.floats(-179.9, 179.9, allow_nan=False),
    st.sampled_from(["exact", "near", "city", "region", "country"]), st.sampled_from([None, "IQ", "US", "RU", "FJ"]),
)


@settings(max_examples=40, deadline=None)
@given(st.lists(places, min_size=1, max_size=12))
def test_any_places_give_a_bounded_map_with_markers_in_frame(points: list) -> None:
    events = [MapEvent(n, "t", "d", f"#e{n}", lat, lon, precision, country)
              for n, (lat, lon, precision, country) in enumerate(points, start=1)]
    svg = str(build_map(events, "m", "l"))
    assert len(svg.encode("utf-8")) <= MAX_BYTES
    width, height = map(float, re.search(r'viewBox="0 0 ([\d.]+) ([\d.]+)"', svg).groups())
    pins = [tuple(map(float, p)) for p in re.findall(r'class="brief-map-pin" cx="([-\d.]+)" cy="([-\d.]+)"', svg)]
    assert len(pins) == len(events)
    assert all(0 <= x <= width and 0 <= y <= height for x, y in pins)


def test_a_busy_map_groups_nearby_events_into_counted_badges() -> None:
    events = [MapEvent(n, f"Event {n}", "d", f"#e{n}", 33 + (n % 17) * 0.2, 44 + (n % 13) * 0.3, "near", "IQ")
              for n in range(1, 401)]
    svg = str(build_map(events, "m", "l"))
    assert len(svg.encode("utf-8")) <= MAX_BYTES
    counts = [int(c) for c in re.findall(r'class="brief-map-pin brief-map-group"[^>]*/><text[^>]*>(\d+)</text>', svg)]
    singles = len(re.findall(r'class="brief-map-pin" ', svg))
    assert counts and sum(counts) + singles == 400  # every event is counted once
    assert "events here, the first" in svg and "Events close together share a circle" in svg
