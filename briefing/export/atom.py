"""Atom feeds (RFC 4287), written with feedgen: the site's, and one per tag and per actor.

Entries are briefings, newest first. ``updated`` is the date of the
briefing's latest committed revision when the content is in git
(:mod:`briefing.history`), else its ``as_of`` (its last day, at midnight UTC);
``published`` is the ``as_of``. Never a clock, so a feed changes only when the
content (or its history) does. Every entry carries its marking three ways: as ``rights``,
as a category in the TLP scheme, and as the first line of the summary.
Ids are ``urn:uuid:`` UUIDv5 of our ids, so they survive a change of
``site_url``. Without a ``site_url`` links are relative to the feed.
"""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Iterator

from feedgen.entry import FeedEntry
from feedgen.feed import FeedGenerator

from briefing.export import facts, paths
from briefing.export.facts import ExportOptions
from briefing.model import Project
from briefing.site.output import DEFAULT_EPOCH

TLP_SCHEME = "https://www.first.org/tlp/"
#: A tag's or an actor's feed holds its newest briefings only (feed readers keep what they saw);
#: the site's feed holds every briefing.
TOPIC_FEED_LIMIT = 50


def _href(options: ExportOptions, feed_path: str, target: str) -> str:
    if options.site_url:
        return facts.url(options, target)
    return "../" * feed_path.count("/") + (target or "./")


def _entry(project: Project, options: ExportOptions, feed_path: str, briefing_id: str) -> FeedEntry:
    briefing = project.briefings[briefing_id]
    published = facts.moment(briefing.as_of.upper)
    updated = _updated(project, options, briefing_id)
    entry = FeedEntry()
    entry.id(f"urn:uuid:{facts.uuid_for('briefing', briefing_id)}")
    entry.title(briefing.title)
    entry.updated(updated)
    entry.published(min(published, updated))
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
    return entry


def _updated(project: Project, options: ExportOptions, briefing_id: str) -> dt.datetime:
    """The briefing's latest committed revision, else its ``as_of``."""
    revised = options.revised_at.get(briefing_id)
    return revised if revised is not None else facts.moment(project.briefings[briefing_id].as_of.upper)


class _Feeds:
    """Makes the feeds; an entry is made once per briefing and link base, then shared by its feeds."""

    def __init__(self, project: Project, options: ExportOptions, memo: facts.Memo) -> None:
        self.project = project
        self.options = options
        self.memo = memo
        self.entries: dict[tuple[str, int], FeedEntry] = {}

    def feed(self, feed_path: str, feed_key: str, title: str, briefing_ids: list[str]) -> bytes:
        if not self.memo.enabled:
            return self._feed(feed_path, feed_key, title, briefing_ids)
        key = ("feed", feed_path, title, *(self.memo.of(b) for b in briefing_ids))
        return self.memo.get(key, lambda: self._feed(feed_path, feed_key, title, briefing_ids))

    def _feed(self, feed_path: str, feed_key: str, title: str, briefing_ids: list[str]) -> bytes:
        fg = FeedGenerator()
        fg.id(f"urn:uuid:{facts.uuid_for('feed', feed_key)}")
        fg.title(title)
        fg.author({"name": self.options.site_name})
        fg.link(href=_href(self.options, feed_path, feed_path), rel="self", type="application/atom+xml")
        fg.link(href=_href(self.options, feed_path, ""), rel="alternate", type="text/html")
        fg.generator("briefing")
        fg.language("en")
        latest = dt.datetime.fromtimestamp(DEFAULT_EPOCH, tz=dt.UTC)
        depth = feed_path.count("/")  # relative links differ by the feed's folder
        for briefing_id in briefing_ids:
            key = (briefing_id, depth)
            if key not in self.entries:
                self.entries[key] = _entry(self.project, self.options, feed_path, briefing_id)
            fg.add_entry(self.entries[key], order="append")
            latest = max(latest, _updated(self.project, self.options, briefing_id))
        fg.updated(latest)
        data: bytes = fg.atom_str(pretty=True, xml_declaration=True, encoding="UTF-8")
        return data


def feed_files(project: Project, options: ExportOptions, memo: facts.Memo) -> Iterator[tuple[str, bytes]]:
    """The site's feed, then the tags' and the actors' (one at a time: at 10,000 briefings,
    holding them all took 0.8 GB)."""
    order = facts.newest_first(project)
    feeds = _Feeds(project, options, memo)
    yield paths.SITE_FEED, feeds.feed(paths.SITE_FEED, "site", options.site_name, order)
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
        yield path, feeds.feed(
            path, f"tag/{tag}", f"{options.site_name}: tagged {tag}", tags[tag][:TOPIC_FEED_LIMIT]
        )
    for actor_id in sorted(project.actors):
        path = paths.actor_feed(actor_id)
        name = project.actors[actor_id].name
        yield path, feeds.feed(
            path, f"actor/{actor_id}", f"{options.site_name}: {name}",
            actors.get(actor_id, [])[:TOPIC_FEED_LIMIT],
        )
