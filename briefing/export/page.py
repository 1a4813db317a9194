"""The views of the exports on pages: the Data page, the "Data:" line, feed links.

Links are relative to the page that shows them (Markdown links, which MkDocs
checks against the files the plugin serves).
"""

from __future__ import annotations

from markupsafe import Markup

from briefing.export import facts, paths
from briefing.model import Project
from briefing.profile import Profile
from briefing.render import context as ctx

#: The site-wide files on the Data page, with what each holds.
SITE_FILES = (
    ("Atom feed", paths.SITE_FEED, "Every briefing, newest first; one feed per tag and per actor besides."),
    ("JSON index", paths.INDEX_JSON, "Every briefing, actor and tag of this build, with links to their files."),
    ("CSV: every event", paths.EVENTS_CSV, "One row per event, columns modelled on ACLED's."),
    ("GeoJSON: every located event", paths.EVENTS_GEOJSON, "One point per event with coordinates (RFC 7946)."),
    ("STIX 2.1 bundle", paths.SITE_STIX, "Every briefing as a STIX report, with incidents, actors, locations and notes."),
    ("JSON Schema: briefing", paths.BRIEFING_SCHEMA, "The schema of the per-briefing JSON files."),
    ("JSON Schema: index", paths.INDEX_SCHEMA, "The schema of the JSON index."),
)


def _relative(base: str, path: str) -> Markup:
    return Markup(base + path)


def briefing_data_links(briefing_id: str, base: str = "../") -> list[ctx.Link]:
    """The "Data:" line of a briefing page (``base`` leads from the page to the site root)."""
    links = [ctx.Link(label, _relative(base, make(briefing_id))) for label, make in paths.BRIEFING_EXPORTS]
    return links + [ctx.Link("Feed", _relative(base, paths.SITE_FEED))]


def actor_feed_link(actor_id: str, base: str = "../") -> Markup:
    return _relative(base, paths.actor_feed(actor_id))


def tag_feed_link(tag: str, base: str = "../") -> Markup:
    return _relative(base, paths.tag_feed(tag))


def _from_data_page(path: str) -> Markup:
    """``path`` (from the site root) as seen from ``data/index.md``."""
    return Markup(path.removeprefix("data/") if path.startswith("data/") else "../" + path)


#: How many briefings the Data page lists with their files (the page must not grow with the
#: archive); every briefing's files are in the JSON index and on its own page's "Data:" line.
LATEST_ON_DATA_PAGE = 20


def data_page(project: Project, profile: Profile) -> ctx.DataPage:
    newest = facts.newest_first(project)
    return ctx.DataPage(
        site=[ctx.DataFile(name, _from_data_page(path), text) for name, path, text in SITE_FILES],
        briefings=[
            ctx.DataBriefing(
                title=project.briefings[b].title,
                link=Markup(f"../briefings/{b}.md"),
                files=[ctx.Link(label, _from_data_page(make(b))) for label, make in paths.BRIEFING_EXPORTS],
            )
            for b in newest[:LATEST_ON_DATA_PAGE]
        ],
        total=len(newest),
        profile=profile.describe(),
    )
