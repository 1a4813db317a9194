"""GeoJSON (RFC 7946): one Feature per located event, longitude first.

The properties are the CSV's columns (:data:`briefing.export.facts.EVENT_COLUMNS`)
with their raw values: JSON needs no formula neutralisation. Events without
coordinates are not in the file (the CSV has every event).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any


def feature_collection(records: Iterable[dict[str, Any]]) -> dict[str, Any]:
    features = []
    for record in records:
        if record["latitude"] is None or record["longitude"] is None:
            continue
        features.append({
            "type": "Feature",
            "id": f"{record['briefing_id']}/{record['event_id']}",
            # RFC 7946 section 3.1.1: longitude, then latitude (WGS 84).
            "geometry": {"type": "Point", "coordinates": [record["longitude"], record["latitude"]]},
            "properties": dict(record),
        })
    return {"type": "FeatureCollection", "features": features}
