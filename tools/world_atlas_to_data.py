"""Convert world-atlas' countries-110m.json (TopoJSON) into briefing/data/countries-110m.json.

Run once, by hand, when the basemap is updated; the build never needs the network:

    npm pack world-atlas@2 && tar xzf world-atlas-2.*.tgz
    python tools/world_atlas_to_data.py package/countries-110m.json briefing/data/countries-110m.json

The output keeps one entry per country: its ISO 3166-1 alpha-2 code (from the
numeric id, through pycountry; null where Natural Earth has none), its name, and
its rings as flat integer lists in hundredths of a degree, delta-encoded
(lon0, lat0, dlon1, dlat1, ...). Holes are rings too: the map fills even-odd.
"""

from __future__ import annotations

import itertools
import json
import sys
from pathlib import Path

import pycountry


def decode_arcs(topology: dict) -> list[list[tuple[float, float]]]:
    scale_x, scale_y = topology["transform"]["scale"]
    shift_x, shift_y = topology["transform"]["translate"]
    arcs = []
    for arc in topology["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            x += dx
            y += dy
            points.append((x * scale_x + shift_x, y * scale_y + shift_y))
        arcs.append(points)
    return arcs


def ring(indices: list[int], arcs: list[list[tuple[float, float]]]) -> list[tuple[float, float]]:
    points: list[tuple[float, float]] = []
    for index in indices:
        arc = arcs[index] if index >= 0 else arcs[~index][::-1]
        points.extend(arc if not points else arc[1:])
    return points


def unwrap(points: list[tuple[float, float]]) -> list[list[tuple[float, float]]]:
    """A ring that crosses the antimeridian, made continuous and drawn twice: once east of 180°
    and once shifted a turn west, so either side of the line shows it whole."""
    lons = [p[0] for p in points]
    if all(abs(b - a) <= 180 for a, b in itertools.pairwise(lons)):
        return [points]
    east = [(lon + 360 if lon < 0 else lon, lat) for lon, lat in points]
    return [east, [(lon - 360, lat) for lon, lat in east]]


def encode(points: list[tuple[float, float]]) -> list[int]:
    flat: list[int] = []
    last = (0, 0)
    for lon, lat in points:
        current = (round(lon * 100), round(lat * 100))
        if flat and current == last:
            continue
        flat += [current[0] - last[0], current[1] - last[1]]
        last = current
    return flat


def iso_code(numeric: str | None) -> str | None:
    country = pycountry.countries.get(numeric=numeric) if numeric and numeric.isdigit() else None
    return country.alpha_2 if country else None


def convert(topology: dict) -> dict:
    arcs = decode_arcs(topology)
    countries = []
    for geometry in topology["objects"]["countries"]["geometries"]:
        polygons = geometry.get("arcs", [])
        if geometry["type"] == "Polygon":
            polygons = [polygons]
        rings = [encode(r) for polygon in polygons for part in polygon for r in unwrap(ring(part, arcs))]
        countries.append({
            "iso": iso_code(geometry.get("id")),
            "name": geometry["properties"]["name"],
            "rings": [r for r in rings if len(r) >= 6],
        })
    countries.sort(key=lambda c: (c["iso"] or "~", c["name"]))
    return {
        "source": "Natural Earth 1:110m admin-0 countries, via world-atlas 2 (TopoJSON)",
        "licence": "Natural Earth: public domain; world-atlas: ISC",
        "units": "hundredths of a degree, delta-encoded lon/lat pairs",
        "countries": countries,
    }


if __name__ == "__main__":
    source, target = map(Path, sys.argv[1:3])
    data = convert(json.loads(source.read_text(encoding="utf-8")))
    target.write_text(json.dumps(data, separators=(",", ":")) + "\n", encoding="utf-8")
