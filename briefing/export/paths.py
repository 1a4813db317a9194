"""Where each export lives in the site: the one home for these paths.

Every path is built from validated ids (lower-case a-z, digits, single
hyphens), so no content string can reach outside ``data/`` or ``feeds/``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from briefing.model import Project

SITE_FEED = "feed.xml"
DATA_PAGE = "data/index.md"
INDEX_JSON = "data/index.json"
EVENTS_CSV = "data/events.csv"
EVENTS_GEOJSON = "data/events.geojson"
SITE_STIX = "data/stix.json"
BRIEFING_SCHEMA = "data/schema/briefing.schema.json"
INDEX_SCHEMA = "data/schema/index.schema.json"


def briefing_json(briefing_id: str) -> str:
    return f"data/briefings/{briefing_id}.json"


def briefing_csv(briefing_id: str) -> str:
    return f"data/briefings/{briefing_id}.csv"


def briefing_geojson(briefing_id: str) -> str:
    return f"data/briefings/{briefing_id}.geojson"


def briefing_stix(briefing_id: str) -> str:
    return f"data/briefings/{briefing_id}.stix.json"


def briefing_timeline(briefing_id: str) -> str:
    return f"data/briefings/{briefing_id}.timeline.json"


def tag_feed(tag: str) -> str:
    return f"feeds/tags/{tag}.xml"


def actor_feed(actor_id: str) -> str:
    return f"feeds/actors/{actor_id}.xml"


def briefing_page(briefing_id: str, directory_urls: bool) -> str:
    """The URL path of a briefing page, relative to the site root."""
    return f"briefings/{briefing_id}/" if directory_urls else f"briefings/{briefing_id}.html"


def actor_page(actor_id: str, directory_urls: bool) -> str:
    return f"actors/{actor_id}/" if directory_urls else f"actors/{actor_id}.html"


#: The per-briefing exports in the order of the "Data:" line on briefing pages.
BRIEFING_EXPORTS = (
    ("JSON", briefing_json),
    ("CSV", briefing_csv),
    ("GeoJSON", briefing_geojson),
    ("STIX 2.1", briefing_stix),
    ("TimelineJS", briefing_timeline),
)


#: The exports every build writes, whatever the content.
SITE_FILES = (SITE_FEED, INDEX_JSON, EVENTS_CSV, EVENTS_GEOJSON, SITE_STIX, BRIEFING_SCHEMA, INDEX_SCHEMA)


def export_files(visible: Project) -> set[str]:
    """The path of every export file a build of ``visible`` writes (what
    :func:`briefing.export.exports` writes: links in content may point at them)."""
    files = set(SITE_FILES)
    files.update(path(b) for b in visible.briefings for _, path in BRIEFING_EXPORTS)
    files.update(tag_feed(tag) for b in visible.briefings.values() for tag in b.tags)
    files.update(actor_feed(a) for a in visible.actors)
    return files
