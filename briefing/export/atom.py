"""Atom feeds (RFC 4287), written with feedgen: the site's, and one per tag and per actor.

Entries are briefings, newest first. ``updated`` is the briefing's ``as_of``
(its last day, at midnight UTC), never a clock, so a feed changes only when
the content does. Every entry carries its marking three ways: as ``rights``,
as a category in the TLP scheme, and as the first line of the summary.
Ids are ``urn:uuid:`` UUIDv5 of our ids, so they survive a change of
``site_url``. Without a ``site_url`` links are relative to the feed.
"""

from __future__ import annotations

import datetime as dt
import html

from feedgen.feed import FeedGenerator

from briefing.export import facts, paths
from briefing.export.facts import ExportOptions
from briefing.site.output import DEFAULT_EPOCH
from briefing.validate import Project

TLP_SCHEME = "https://www.first.org/tlp/"


def _href(options: ExportOptions, feed_path: str, target: str) -> str:
    if options.site_url:
        return facts.url(options, target)
    return "../" * feed_path.count("/") + (target or "./")


def _feed(
    project: Project, options: ExportOptions, feed_path: str, feed_key: str, title: str, briefing_ids: list[str]
) -> bytes:
    fg = FeedGenerator()
    fg.id(f"urn:uuid:{facts.uuid_for('feed', feed_key)}")
    fg.title(title)
    fg.author({"name": options.site_name})
    fg.link(href=_href(options, feed_path, feed_path), rel="self", type="application/atom+xml")
    fg.link(href=_href(options, feed_path, ""), rel="alternate", type="text/html")
    fg.generator("briefing")
    fg.language("en")
    latest = dt.datetime.fromtimestamp(DEFAULT_EPOCH, tz=dt.timezone.utc)
    for briefing_id in briefing_ids:
        briefing = project.briefings[briefing_id]
        updated = facts.moment(briefing.as_of.upper)
        latest = max(latest, updated)
        entry = fg.add_entry(order="append")
        entry.id(f"urn:uuid:{facts.uuid_for('briefing', briefing_id)}")
        entry.title(briefing.title)
        entry.updated(updated)
        entry.published(updated)
        entry.link(
            href=_href(options, feed_path, paths.briefing_page(briefing_id, options.directory_urls)),
            rel="alternate", type="text/html",
        )
        entry.rights(briefing.marking.value)
        entry.category(term=briefing.marking.value, scheme=TLP_SCHEME, label=briefing.marking.value)
        for tag in briefing.tags:
            entry.category(term=tag, label=tag)
        marking = f"<p><strong>{html.escape(briefing.marking.value)}</strong> · as of {html.escape(briefing.as_of.display())}</p>"
        entry.summary(marking + facts.html(briefing.summary), type="html")
    fg.updated(latest)
    return fg.atom_str(pretty=True, xml_declaration=True, encoding="UTF-8")


def feed_files(project: Project, options: ExportOptions) -> dict[str, bytes]:
    order = facts.newest_first(project)
    out = {paths.SITE_FEED: _feed(project, options, paths.SITE_FEED, "site", options.site_name, order)}
    tags: dict[str, list[str]] = {}
    actors: dict[str, list[str]] = {}
    for briefing_id in order:
        briefing = project.briefings[briefing_id]
        for tag in briefing.tags:
            tags.setdefault(tag, []).append(briefing_id)
        for actor_id in facts.involved_actors(project, briefing):
            actors.setdefault(actor_id, []).append(briefing_id)
    for tag in sorted(tags):
        path = paths.tag_feed(tag)
        out[path] = _feed(project, options, path, f"tag/{tag}", f"{options.site_name}: tagged {tag}", tags[tag])
    for actor_id in sorted(project.actors):
        path = paths.actor_feed(actor_id)
        name = project.actors[actor_id].name
        out[path] = _feed(
            project, options, path, f"actor/{actor_id}", f"{options.site_name}: {name}", actors.get(actor_id, [])
        )
    return out
