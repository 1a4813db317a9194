"""Offline maps, drawn at build time as SVG: no tiles, no script, no request.

The basemap is Natural Earth's 1:110m admin-0 countries (public domain), shipped
as ``briefing/data/countries-110m.json`` (see ``briefing/data/README.md``). A
map is fitted to its events with a margin, in an equirectangular projection
scaled by the cosine of the middle latitude (true to scale at the middle, which
is what a scale bar needs at regional extents). Countries are clipped to the
frame, so a map stays small: :data:`MAX_BYTES` is the bound the tests hold.

Markers carry the event's number in the chronology beside them, link to its
anchor and have a ``<title>`` tooltip. Precision shows: a dot for ``exact``, a
circle of :data:`RADIUS_KM` for ``near`` and ``city``, a shaded disc for
``region`` and the shaded country for ``country``. Colours come from classes
(``brief-map-*`` in briefing.css), so light, dark and print schemes apply.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from markupsafe import Markup, escape

from briefing.model import Event

Point = tuple[float, float]

#: The size bound of one map's SVG, in bytes (the tests check the worst case: the whole world).
MAX_BYTES = 150_000
WIDTH = 640
MIN_HEIGHT, MAX_HEIGHT = 300, 520
#: Radius of the circle drawn for each precision (None: a dot, or the country's shape).
RADIUS_KM = {"exact": None, "near": 15.0, "city": 25.0, "region": 150.0, "country": 300.0}
MARKER_R = 9.0
#: Badges are drawn larger on a phone (briefing.css: r 11px there): their centres stay this far apart.
BADGE_SPACING = 24.0
#: Above this many located events, events near each other share one badge giving their count
#: (a cell of :data:`GROUP_PX`), so a map of a busy year stays readable and within :data:`MAX_BYTES`.
MAX_MARKERS = 40
GROUP_PX = 56
#: Tooltips quote at most this many characters of a title.
TOOLTIP_CHARS = 90
KM_PER_DEGREE = 111.32
_CLIP = 12.0  # px outside the frame where country outlines are cut
_STEP = 1.0  # px: outline points closer than this to the last one drawn are dropped


@dataclass(frozen=True, slots=True)
class MapEvent:
    """One event as the map needs it; ``lat``/``lon`` None means 'shade ``country``'."""

    number: int
    title: str
    date: str
    href: str
    lat: float | None
    lon: float | None
    precision: str
    country: str | None


@dataclass(frozen=True, slots=True)
class Country:
    iso: str | None
    name: str
    rings: tuple[tuple[tuple[float, float], ...], ...]
    """Rings of (lon, lat), holes included; filled even-odd."""
    bbox: tuple[float, float, float, float]
    """The largest ring's (west, south, east, north): where the country's marker and name go."""
    ring_boxes: tuple[tuple[float, float, float, float], ...]
    """Each ring's (west, south, east, north), to skip rings outside a map without projecting them."""


@lru_cache(maxsize=1)
def countries() -> tuple[Country, ...]:
    """The basemap, decoded once per process."""
    raw = json.loads(resources.files("briefing").joinpath("data", "countries-110m.json").read_text("utf-8"))
    out = []
    for entry in raw["countries"]:
        rings = []
        for flat in entry["rings"]:
            lon = lat = 0
            points = []
            for i in range(0, len(flat), 2):
                lon += flat[i]
                lat += flat[i + 1]
                points.append((lon / 100, lat / 100))
            rings.append(tuple(points))
        boxes = tuple(_box(r) for r in rings)
        largest = max(range(len(rings)), key=lambda i: abs(_area(rings[i])))
        out.append(Country(entry["iso"], entry["name"], tuple(rings), boxes[largest], boxes))
    return tuple(out)


def _box(ring: tuple[Point, ...]) -> tuple[float, float, float, float]:
    lons, lats = [p[0] for p in ring], [p[1] for p in ring]
    return min(lons), min(lats), max(lons), max(lats)


@lru_cache(maxsize=1)
def _by_iso() -> dict[str, Country]:
    return {c.iso: c for c in countries() if c.iso}


def coordinates_text(lat: float, lon: float, precision: str | None) -> str:
    """'33.30° N, 44.39° E, near': the coordinates in words, as the event line shows them."""
    text = f"{abs(lat):.2f}° {'N' if lat >= 0 else 'S'}, {abs(lon):.2f}° {'E' if lon >= 0 else 'W'}"
    return f"{text}, {precision}" if precision else text


def mappable(events: list[MapEvent]) -> list[MapEvent]:
    """The events a map can place: with coordinates, or shading a known country."""
    return [
        e for e in events
        if e.lat is not None or (e.precision == "country" and e.country in _by_iso())
    ]


class _Projection:
    """Degrees to pixels for one extent: x east, y south, equal scale at ``lat0``."""

    def __init__(self, west: float, south: float, east: float, north: float) -> None:
        self.lat0 = (south + north) / 2
        self.cos = max(math.cos(math.radians(self.lat0)), 0.2)
        self.west, self.south, self.east, self.north = west, south, east, north
        self.scale = WIDTH / ((east - west) * self.cos)  # px per degree of latitude
        self.height = (north - south) * self.scale

    def __call__(self, lon: float, lat: float) -> tuple[float, float]:
        return (lon - self.west) * self.cos * self.scale, (self.north - lat) * self.scale

    def km(self, px: float) -> float:
        return px / self.scale * KM_PER_DEGREE


def _extent(events: list[MapEvent]) -> tuple[float, float, float, float]:
    """(west, south, east, north) holding every event with a margin, shaped between the height bounds."""
    west, south, east, north = 180.0, 90.0, -180.0, -90.0
    for e in events:
        if e.lat is not None and e.lon is not None:
            reach = (RADIUS_KM.get(e.precision) or 0) / KM_PER_DEGREE
            lon_reach = reach / max(math.cos(math.radians(e.lat)), 0.2)
            box = (e.lon - lon_reach, e.lat - reach, e.lon + lon_reach, e.lat + reach)
        else:
            box = _by_iso()[e.country or ""].bbox
        west, south, east, north = min(west, box[0]), min(south, box[1]), max(east, box[2]), max(north, box[3])
    # At least 4° across, then a fifth of the span on each side.
    for low, high, name in ((west, east, "lon"), (south, north, "lat")):
        span = max(high - low, 4.0)
        middle = (low + high) / 2
        low, high = middle - span * 0.7, middle + span * 0.7
        if name == "lon":
            west, east = low, high
        else:
            south, north = low, high
    cos = max(math.cos(math.radians((south + north) / 2)), 0.2)
    width_deg, height_deg = (east - west) * cos, north - south
    ratio = height_deg / width_deg
    if ratio < MIN_HEIGHT / WIDTH:  # too flat: grow north and south
        grow = (width_deg * MIN_HEIGHT / WIDTH - height_deg) / 2
        south, north = south - grow, north + grow
    elif ratio > MAX_HEIGHT / WIDTH:  # too tall: grow east and west
        grow = (height_deg * WIDTH / MAX_HEIGHT / cos - (east - west)) / 2
        west, east = west - grow, east + grow
    # On a grid of half degrees (outwards), so briefings on one region share a basemap (cached).
    west, south = math.floor(west * 2) / 2, math.floor(south * 2) / 2
    east, north = math.ceil(east * 2) / 2, math.ceil(north * 2) / 2
    # Inside the world; a map that would cross the antimeridian shows the whole width instead.
    if west < -180 or east > 180:
        width = min(east - west, 360.0)
        west = max(-180.0, min(west, 180.0 - width))
        east = west + width
    if south < -85 or north > 85:
        height = min(north - south, 170.0)
        south = max(-85.0, min(south, 85.0 - height))
        north = south + height
    return west, south, east, north


def _area(ring: tuple[tuple[float, float], ...] | list[tuple[float, float]]) -> float:
    return sum(ring[i - 1][0] * ring[i][1] - ring[i][0] * ring[i - 1][1] for i in range(len(ring))) / 2


def _clip(ring: list[Point], low_x: float, low_y: float, high_x: float, high_y: float) -> list[Point]:
    """Sutherland–Hodgman: ``ring`` cut to the rectangle (cuts fall outside the visible frame)."""
    # Each edge: the coordinate it bounds (0: x, 1: y), the bound, and which side is kept.
    for axis, bound, keep_above in ((0, low_x, True), (0, high_x, False), (1, low_y, True), (1, high_y, False)):
        if not ring:
            break

        def inside(p: Point) -> bool:
            return p[axis] >= bound if keep_above else p[axis] <= bound  # noqa: B023 - used in this pass only

        out: list[Point] = []
        previous = ring[-1]
        for point in ring:
            if inside(point):
                if not inside(previous):
                    out.append(_cross(previous, point, axis, bound))
                out.append(point)
            elif inside(previous):
                out.append(_cross(previous, point, axis, bound))
            previous = point
        ring = out
    return ring


def _cross(a: Point, b: Point, axis: int, bound: float) -> Point:
    """Where the segment ``a``-``b`` crosses the line ``x = bound`` (axis 0) or ``y = bound`` (axis 1)."""
    share = (bound - a[axis]) / (b[axis] - a[axis])
    x, y = a[0] + (b[0] - a[0]) * share, a[1] + (b[1] - a[1]) * share
    return (bound, y) if axis == 0 else (x, bound)


def _num(value: float) -> str:
    text = f"{value:.1f}".removesuffix(".0")
    return "0" if text == "-0" else text


def _path(rings: list[list[tuple[float, float]]]) -> str:
    parts = []
    for ring in rings:
        points: list[str] = []
        last = (math.inf, math.inf)
        for x, y in ring:
            if abs(x - last[0]) + abs(y - last[1]) >= _STEP:  # finer detail than this is not drawn
                points.append(f"{_num(x)} {_num(y)}")
                last = (x, y)
        if len(points) >= 3:
            parts.append("M" + points[0] + "L" + " ".join(points[1:]) + "Z")
    return "".join(parts)


def _inside(point: tuple[float, float], rings: list[list[tuple[float, float]]]) -> bool:
    """Even-odd ray casting over every ring (holes count)."""
    x, y = point
    inside = False
    for ring in rings:
        previous = ring[-1]
        for current in ring:
            if (current[1] > y) != (previous[1] > y):
                at = current[0] + (y - current[1]) * (previous[0] - current[0]) / (previous[1] - current[1])
                if x < at:
                    inside = not inside
            previous = current
    return inside


@dataclass(slots=True)
class _Marker:
    event: MapEvent
    at: tuple[float, float]
    """The event's place in pixels."""
    pos: tuple[float, float]
    """Where its numbered badge sits (moved aside when badges would overlap)."""


def _spread(markers: list[_Marker], height: float) -> None:
    """Place badges in number order; one that would cover another moves to the nearest free
    spot on rings around its place (a leader line joins them)."""
    placed: list[tuple[float, float]] = []
    low, high_x, high_y = MARKER_R + 2, WIDTH - MARKER_R - 2, height - MARKER_R - 2

    def free(pos: tuple[float, float]) -> bool:
        return low <= pos[0] <= high_x and low <= pos[1] <= high_y and all(
            math.dist(pos, other) >= BADGE_SPACING for other in placed
        )

    # Where several events share a place, every badge moves aside, so the place itself shows.
    crowded = {
        id(m) for m in markers for other in markers if other is not m and math.dist(m.at, other.at) < MARKER_R * 2
    }
    for marker in markers:
        x, y = marker.at
        marker.pos = (min(max(x, low), high_x), min(max(y, low), high_y))
        if id(marker) in crowded or not free(marker.pos):
            for ring in range(1, 8):
                radius = MARKER_R * (2.6 + 2.2 * (ring - 1))
                steps = 8 * ring
                spots = [
                    (x + radius * math.cos(-math.pi / 2 + 2 * math.pi * i / steps),
                     y + radius * math.sin(-math.pi / 2 + 2 * math.pi * i / steps))
                    for i in range(steps)
                ]
                spot = next((s for s in spots if free(s)), None)
                if spot is not None:
                    marker.pos = spot
                    break
        placed.append(marker.pos)


def _scale_bar(projection: _Projection, height: float) -> str:
    """A bar of a round number of kilometres, at most a fifth of the width, bottom left."""
    most = projection.km(WIDTH / 5)
    length = 1.0
    for step in (1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000):
        if step <= most:
            length = step
    px = length / projection.km(1)
    x, y = 12.0, height - 14
    return (
        f'<g class="brief-map-scale"><path d="M{_num(x)} {_num(y - 5)}V{_num(y)}H{_num(x + px)}V{_num(y - 5)}"/>'
        f'<text x="{_num(x + px + 5)}" y="{_num(y)}">{length:g} km</text></g>'
    )


_Shapes = dict[str, list[list[Point]]]
_Names = list[tuple[str, Point, tuple[float, float, float, float]]]


@lru_cache(maxsize=64)
def _basemap(west: float, south: float, east: float, north: float) -> tuple[str, _Shapes, _Names]:
    """The countries of one extent: their paths, their shapes in pixels by ISO code, and where names
    could go. Cached: briefings on one region share extents (they are snapped to a grid)."""
    projection = _Projection(west, south, east, north)
    frame = (-_CLIP, -_CLIP, WIDTH + _CLIP, projection.height + _CLIP)
    shapes: _Shapes = {}
    land: list[str] = []
    names: _Names = []
    for country in countries():
        kept = []
        for ring, (r_west, r_south, r_east, r_north) in zip(country.rings, country.ring_boxes):
            if r_east < west - 1 or r_west > east + 1 or r_north < south - 1 or r_south > north + 1:
                continue
            projected = [projection(lon, lat) for lon, lat in ring]
            inside = west <= r_west and r_east <= east and south <= r_south and r_north <= north
            clipped = projected if inside else _clip(projected, *frame)
            if len(clipped) >= 3:
                kept.append(clipped)
        if not kept:
            continue
        if country.iso:
            shapes[country.iso] = kept
        css = f"brief-map-country brief-map-c-{country.iso}" if country.iso else "brief-map-country"
        land.append(f'<path class="{css}" d="{_path(kept)}"><title>{escape(country.name)}</title></path>')
        main = max(kept, key=lambda r: abs(_area(r)))
        xs, ys = [p[0] for p in main], [p[1] for p in main]
        names.append((country.name, _label_point(main), (min(xs), min(ys), max(xs), max(ys))))
    return "".join(land), shapes, names


def build_map(events: list[MapEvent], map_id: str, label: str) -> Markup | None:
    """The SVG figure for ``events`` (those :func:`mappable`), or None when none can be placed.

    ``map_id`` must be unique on the page (it names the title and description);
    ``label`` names the map for screen readers ("Map of the events in ...").
    """
    placed = mappable(events)
    if not placed:
        return None
    projection = _Projection(*_extent(placed))
    width, height = float(WIDTH), projection.height
    land, shapes, names = _basemap(projection.west, projection.south, projection.east, projection.north)

    marks: list[str] = []
    markers: list[_Marker] = []
    shaded: dict[str, Point] = {}
    for event in sorted(placed, key=lambda e: e.number):
        shape = shapes.get(event.country or "") if event.precision == "country" else None
        if shape:  # the country shaded; the marker at the coordinates, or inside the country
            iso = event.country or ""
            if iso not in shaded:  # once per country, however many events it holds
                shaded[iso] = _label_point(max(shape, key=lambda r: abs(_area(r))))
                marks.append(f'<path class="brief-map-area" d="{_path(shape)}"/>')
            if event.lat is not None and event.lon is not None:
                at = projection(event.lon, event.lat)
            else:
                at = shaded[iso]
        elif event.lat is not None and event.lon is not None:
            at = projection(event.lon, event.lat)
            radius_km = RADIUS_KM.get(event.precision)
            if radius_km and len(placed) <= MAX_MARKERS:
                kind = "area" if event.precision in ("region", "country") else "circle"
                r = max(radius_km / projection.km(1), 3.0)
                marks.append(
                    f'<circle class="brief-map-{kind}" cx="{_num(at[0])}" cy="{_num(at[1])}" r="{_num(r)}"/>'
                )
        else:
            continue
        markers.append(_Marker(event, at, at))
    grouped = len(markers) > MAX_MARKERS
    if grouped:
        markers = _group(markers, height)
    else:
        _spread(markers, height)

    pins: list[str] = [_group_pin(m) for m in markers if isinstance(m, _Group)]
    for marker in markers if not grouped else []:
        e = marker.event
        (ax, ay), (px, py) = marker.at, marker.pos
        leader = ""
        if (ax, ay) != (px, py):
            leader = f'<path class="brief-map-leader" d="M{_num(ax)} {_num(ay)}L{_num(px)} {_num(py)}"/>'
        pins.append(
            f'<a class="brief-map-marker" href="{escape(e.href)}" tabindex="-1">'
            f"<title>{e.number}. {escape(e.date)}: {escape(_short(e.title))}</title>{leader}"
            f'<circle class="brief-map-at" cx="{_num(ax)}" cy="{_num(ay)}" r="2.5"/>'
            f'<circle class="brief-map-pin" cx="{_num(px)}" cy="{_num(py)}" r="{_num(MARKER_R)}"/>'
            f'<text x="{_num(px)}" y="{_num(py)}">{e.number}</text></a>'
        )

    taken = [(m.pos[0] - MARKER_R, m.pos[1] - MARKER_R, m.pos[0] + MARKER_R, m.pos[1] + MARKER_R) for m in markers]
    taken.append((0, height - 30, WIDTH * 0.35, height))  # the scale bar
    taken.append((WIDTH * 0.6, height - 22, WIDTH, height))  # the attribution
    labels = []
    for name, (x, y), (x0, y0, x1, y1) in sorted(names, key=lambda n: -(n[2][2] - n[2][0]) * (n[2][3] - n[2][1])):
        half = len(name) * 3.3 + 2
        box = (x - half, y - 9, x + half, y + 3)
        if x1 - x0 < half * 2.2 or y1 - y0 < 24:
            continue  # the country is too small here for its name
        if box[0] < 4 or box[2] > width - 4 or box[1] < 4 or box[3] > height - 4:
            continue
        if any(box[0] < t[2] and t[0] < box[2] and box[1] < t[3] and t[1] < box[3] for t in taken):
            continue
        taken.append(box)
        labels.append(f'<text x="{_num(x)}" y="{_num(y)}">{escape(name)}</text>')

    described = len(placed)
    plural = "s" if described != 1 else ""
    view_box = f"0 0 {WIDTH} {_num(height)}"
    # Two layers: the picture (role="img", named and described) and, over it, the markers'
    # links. Links inside role="img" would be hidden from assistive technology and flagged
    # (nested-interactive); the list of events is their accessible path, so the overlay is
    # aria-hidden and its links stay out of the tab order.
    svg = (
        f'<figure class="brief-map"><div class="brief-map-frame">'
        f'<svg class="brief-map-svg" viewBox="{view_box}" role="img" '
        f'aria-labelledby="{map_id}-title {map_id}-desc">'
        f'<title id="{map_id}-title">{escape(label)}</title>'
        f'<desc id="{map_id}-desc">{described} located event{plural}, numbered as in the list of events, '
        f"which describes each place in words.</desc>"
        f'<rect class="brief-map-sea" x="0" y="0" width="{WIDTH}" height="{_num(height)}"/>'
        f'<g class="brief-map-land">{land}</g>'
        f'<g class="brief-map-names">{"".join(labels)}</g>'
        f'<g class="brief-map-marks">{"".join(dict.fromkeys(marks))}</g>'
        f"{_scale_bar(projection, height)}"
        f'<text class="brief-map-credit" x="{WIDTH - 8}" y="{_num(height - 8)}">Basemap: Natural Earth</text>'
        f"</svg>"
        f'<svg class="brief-map-overlay" viewBox="{view_box}" aria-hidden="true">{"".join(pins)}</svg>'
        f"</div>"
        f"<figcaption>{_caption(described, grouped)}</figcaption>"
        f"</figure>"
    )
    return Markup(svg)


@dataclass(slots=True)
class _Group(_Marker):
    """Events that share one badge on a busy map: the first of them and how many there are."""

    count: int = 1


def _group(markers: list[_Marker], height: float) -> list[_Marker]:
    """One badge per cell of :data:`GROUP_PX` holding events, at their mean place, linked to the first."""
    cells: dict[tuple[int, int], list[_Marker]] = {}
    for marker in markers:
        cells.setdefault((int(marker.at[0] // GROUP_PX), int(marker.at[1] // GROUP_PX)), []).append(marker)
    groups: list[_Marker] = []
    for members in cells.values():
        x = sum(m.at[0] for m in members) / len(members)
        y = sum(m.at[1] for m in members) / len(members)
        r = MARKER_R + 4
        pos = (min(max(x, r + 2), WIDTH - r - 2), min(max(y, r + 2), height - r - 2))
        groups.append(_Group(members[0].event, (x, y), pos, len(members)))
    return groups


def _group_pin(group: _Group) -> str:
    e, (x, y) = group.event, group.pos
    what = f"{group.count} events here, the first {e.number}. {e.date}: {_short(e.title)}" if group.count > 1 else (
        f"{e.number}. {e.date}: {_short(e.title)}"
    )
    text = str(group.count) if group.count > 1 else str(e.number)
    css = "brief-map-pin brief-map-group" if group.count > 1 else "brief-map-pin"
    return (
        f'<a class="brief-map-marker" href="{escape(e.href)}" tabindex="-1"><title>{escape(what)}</title>'
        f'<circle class="{css}" cx="{_num(x)}" cy="{_num(y)}" r="{_num(MARKER_R + 4 if group.count > 1 else MARKER_R)}"/>'
        f'<text x="{_num(x)}" y="{_num(y)}">{text}</text></a>'
    )


def _short(title: str) -> str:
    return title if len(title) <= TOOLTIP_CHARS else title[: TOOLTIP_CHARS - 1].rstrip() + "…"


def _caption(count: int, grouped: bool) -> str:
    plural = "s" if count != 1 else ""
    if grouped:
        return (
            f"Map of {count} located event{plural}. Events close together share a circle that gives their "
            f"count and leads to the first of them; the list of events gives each place in words."
        )
    return (
        f"Map of {count} located event{plural}; the numbers are those of the list of events. A dot is an exact "
        f"place, a ring a place known to within a few kilometres, a shaded area a region or country."
    )


def _label_point(ring: list[tuple[float, float]]) -> tuple[float, float]:
    """A point inside ``ring`` near its middle: the centroid, or the middle of the widest span there."""
    area = _area(ring)
    if abs(area) > 1e-9:
        cx = sum((ring[i - 1][0] + ring[i][0]) * (ring[i - 1][0] * ring[i][1] - ring[i][0] * ring[i - 1][1])
                 for i in range(len(ring))) / (6 * area)
        cy = sum((ring[i - 1][1] + ring[i][1]) * (ring[i - 1][0] * ring[i][1] - ring[i][0] * ring[i - 1][1])
                 for i in range(len(ring))) / (6 * area)
        if _inside((cx, cy), [ring]):
            return cx, cy
    else:
        cy = sum(p[1] for p in ring) / len(ring)
    # The centroid is outside (a crescent): the middle of the widest crossing at its height.
    crossings = sorted(
        ring[i][0] + (cy - ring[i][1]) * (ring[i - 1][0] - ring[i][0]) / (ring[i - 1][1] - ring[i][1])
        for i in range(len(ring)) if (ring[i][1] > cy) != (ring[i - 1][1] > cy)
    )
    pairs = list(zip(crossings[::2], crossings[1::2]))
    if not pairs:
        return ring[0]
    left, right = max(pairs, key=lambda p: p[1] - p[0])
    return (left + right) / 2, cy


def briefing_map(
    events: list[tuple[Event, str, str, str]], map_id: str, label: str
) -> Markup | None:
    """The map of ``events`` — (event, title, date in words, link) in list order, numbered from 1."""
    located = []
    for number, (event, title, date, href) in enumerate(events, start=1):
        where = event.location
        if where is None:
            continue
        located.append(MapEvent(
            number=number, title=title, date=date, href=href, lat=where.lat, lon=where.lon,
            precision=where.precision or ("exact" if where.lat is not None else "unknown"), country=where.country,
        ))
    return build_map(located, map_id, label)
