"""Pages of bounded size for an archive of any length.

A page that listed everything (every event in the chronology, every briefing,
every tag) grows with the archive until no reader can open it. Here every list
is cut into pages of at most :data:`PAGE_LIMIT` items, and overviews list only
counts and links:

- ``chronology/index.md``: years with event counts (a small timeline of years)
  and their months; ``chronology/<year>.md``: a year's events by month, or, in a
  year of more than :data:`PAGE_LIMIT` events, its months, each on
  ``chronology/<year>/<mm>.md``;
- ``briefings/index.md``: the latest :data:`LATEST_BRIEFINGS` briefings and the
  years; ``briefings/by-year/<year>.md``: a year's briefings;
- ``tags/index.md``: tags with counts; ``tags/<tag>.md``: a tag's briefings;
- an actor's page keeps its most recent years up to :data:`ACTOR_EVENTS_LIMIT`
  events (at least one year); older years move to ``actors/<id>/<year>.md``;
- ``actors/index.md`` lists the actors of each kind, but a kind of more than
  :data:`ACTORS_INDEX_LIMIT` actors is listed by name on
  ``actors/by-kind/<kind>.md`` (and its continuation pages), which the index links.

A list longer than :data:`PAGE_LIMIT` continues on ``<page>/2.md``, ``<page>/3.md``...
Old links keep working: the overviews carry the anchors of the old single
pages (``#2021-03`` on the chronology, ``#tag-<tag>`` on tags) and link on.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from markupsafe import Markup

from briefing.dates import MONTHS
from briefing.export import page as exported
from briefing.markings import Marking
from briefing.profile import effective_marking
from briefing.render import context as ctx
from briefing.render.addresses import actor_file
from briefing.render.knowledge import Appearance
from briefing.render.text import plain
from briefing.render.timeline import build_timeline

if TYPE_CHECKING:
    from briefing.render.views import Views

#: The most items (events or briefings) one list page shows.
PAGE_LIMIT = 100
#: The most events an actor's own page lists before older years move to pages of their own.
ACTOR_EVENTS_LIMIT = 100
#: The most briefings an actor's own page links (the latest).
ACTOR_BRIEFINGS_LIMIT = 50
#: Briefings listed on ``/briefings/`` (the latest).
LATEST_BRIEFINGS = 50
#: The most actors of one kind that ``/actors/`` lists itself (a row is about 200 bytes).
ACTORS_INDEX_LIMIT = 200


@dataclass(slots=True)
class Section:
    """A titled part of a list page: events, rows of briefings, or lines of links."""

    heading: str | None
    anchor: str | None = None
    events: list[ctx.EventView] = field(default_factory=list)
    """Listed with the ``event_list`` macro."""
    briefings: list[ctx.BriefingRow] = field(default_factory=list)
    actors: list[ctx.ActorRow] = field(default_factory=list)
    rows: list[Markup] = field(default_factory=list)
    """Markdown list items of links (a year's months)."""
    timeline: object = None
    map: Markup | None = None
    first: int = 1
    """The number of the first event (events are numbered through the page, as on its map)."""


@dataclass(slots=True)
class ListPage:
    """One page of a long list (template ``list.md.j2``)."""

    title: str
    intro: str
    sections: list[Section]
    up: ctx.Link | None = None
    pages: list[ctx.Link] = field(default_factory=list)
    """Links to every page of this list (empty when it has one page)."""
    current: int = 1
    marking: Marking = Marking.CLEAR
    """The highest marking of what the page lists (its banner, and its search result)."""
    kind: str | None = None
    """The search filter "kind" of the page (``event`` for chronology pages), or None."""


@dataclass(slots=True)
class CountLink:
    """A link with a count (a year, a month, a tag), and an anchor old links point at."""

    text: str
    href: Markup
    count: int
    anchor: str | None = None
    share: float = 0.0
    """The count as a percentage of the largest (for bars)."""
    parts: list[CountLink] = field(default_factory=list)
    feed: Markup = Markup("")
    """An Atom feed of what the link leads to (tags), relative to the page."""
    feed_path: Markup = Markup("")
    """The same from the site root (for the page's ``<head>``)."""


@dataclass(slots=True)
class Overview:
    """``chronology/index.md``, ``briefings/index.md`` and ``tags/index.md``."""

    total: int
    groups: list[CountLink]
    latest: list[ctx.BriefingRow] = field(default_factory=list)
    marking: Marking = Marking.CLEAR
    """The highest marking of what the page names (briefing titles, months of events)."""


@dataclass(slots=True)
class ActorYears:
    """What an actor's own page shows of its events: recent years here, older ones linked."""

    total: int
    sections: list[Section]
    earlier: list[CountLink]
    shown: list[Appearance] = field(default_factory=list)
    """The events listed on the actor's own page, in order (its map numbers them so)."""


def _depth_base(path: str) -> str:
    """The relative prefix from the source file ``path`` up to the docs root."""
    return "../" * path.count("/")


def _chunks(items: list[Any], size: int) -> list[list[Any]]:
    return [items[i:i + size] for i in range(0, len(items), size)] or [[]]


def _page_paths(path: str, count: int) -> list[str]:
    """``a/b.md`` then ``a/b/2.md``, ``a/b/3.md``..."""
    stem = path[: -len(".md")]
    return [path] + [f"{stem}/{n}.md" for n in range(2, count + 1)]


def _rel(source: str, target: str) -> str:
    """A relative Markdown link from one source file to another (MkDocs rewrites it)."""
    return _depth_base(source) + target


def _highest(markings: Iterable[Marking]) -> Marking:
    return max(markings, key=lambda m: m.rank, default=Marking.CLEAR)


def _share(count: int, largest: int) -> float:
    return round(count / largest * 100, 1) if largest else 0.0


class Archive:
    """Plans every bounded page of one build; ``pages`` maps a path to its builder."""

    def __init__(self, views: Views) -> None:
        self.r = views
        self.pages: dict[str, tuple[str, Callable[[], object]]] = {}
        self._events: dict[tuple[str, int, str], ctx.EventView] = {}
        self._latest = self.r.latest(list(self.r.project.briefings))
        self._by_year: dict[int, list[Appearance]] = {
            year: list(group)
            for year, group in itertools.groupby(self.r.knowledge.events, key=lambda a: a.event.date.lower.year)
        }
        self._plan_chronology()
        self._plan_briefings()
        self._plan_tags()
        self._actor_years: dict[str, tuple[list[int], dict[int, list[Appearance]], list[CountLink]]] = {}
        for actor_id in self.r.project.actors:
            self._plan_actor(actor_id)
        self.kind_pages: dict[str, list[ctx.Link]] = {}
        """The pages of each kind too large for ``/actors/``, linked from it."""
        self._plan_actor_kinds()

    # -- helpers ---------------------------------------------------------------------------

    def event(self, appearance: Appearance, path: str) -> ctx.EventView:
        """An event as listed on the page at ``path``: its Markdown links are relative to it."""
        base = _depth_base(path)
        if base == "../":
            return self.r.global_event(appearance)  # shared with the other one-folder-deep pages
        key = (appearance.briefing_id, appearance.index, base)
        view = self._events.get(key)
        if view is None:
            view = self._events[key] = self.r.event_view(
                appearance.briefing_id, appearance.briefing, appearance.event, appearance.index, base=base, local=False
            )
        return view

    def _timeline(self, appearances: list[Appearance], path: str, label: str, year: int | None = None) -> object:
        bounds = (dt.date(year, 1, 1), dt.date(year, 12, 31)) if year is not None else None
        events = [self.event(a, path) for a in appearances]
        return build_timeline(events, label, bounds, page=path, directory_urls=self.r.directory_urls)

    def _map(self, appearances: list[Appearance], path: str, map_id: str, label: str) -> Markup | None:
        """The map of a list page's events."""
        return self.r.events_map(appearances, [self.event(a, path) for a in appearances], map_id, label, page=path)

    def _marking(self, items: list[Any]) -> Marking:
        """The highest marking among appearances or briefing ids."""
        return _highest(
            effective_marking(i.briefing, i.event) if isinstance(i, Appearance) else self.r.project.briefings[i].marking
            for i in items
        )

    def _paged(
        self, path: str, title: str, intro: str, up: ctx.Link | None,
        items: list[Any], section: Callable[[list[Any], str], list[Section]], *,
        kind: str | None = None, marked_by: list[Any] | None = None,
    ) -> list[tuple[list[Any], str]]:
        """Register the pages of one list: ``section(chunk, page_path)`` builds each page's sections.
        Returns each page's items and path, in order."""
        chunks = _chunks(items, PAGE_LIMIT)
        paths = _page_paths(path, len(chunks))
        for number, (chunk, page_path) in enumerate(zip(chunks, paths), start=1):
            def build(chunk: list[Any] = chunk, page_path: str = page_path, number: int = number) -> ListPage:
                pages = [ctx.Link(str(n), Markup(_rel(page_path, p))) for n, p in enumerate(paths, start=1)]
                return ListPage(
                    title=title if number == 1 else f"{title} (page {number})",
                    intro=intro,
                    sections=section(chunk, page_path),
                    up=ctx.Link(up.text, Markup(_rel(page_path, up.href))) if up else None,
                    pages=pages if len(paths) > 1 else [],
                    current=number,
                    marking=self._marking(chunk if marked_by is None else marked_by),
                    kind=kind,
                )
            self.pages[page_path] = ("list.md.j2", build)
        return list(zip(chunks, paths))

    def _briefing_rows(self, ids: list[str], path: str) -> list[ctx.BriefingRow]:
        return [self.r.briefing_row(b, _depth_base(path)) for b in ids]

    # -- chronology ------------------------------------------------------------------------

    def _plan_chronology(self) -> None:
        up = ctx.Link("Chronology", Markup("chronology/index.md"))
        for year, in_year in self._by_year.items():
            path = f"chronology/{year}.md"
            months = {m: list(g) for m, g in itertools.groupby(in_year, key=lambda a: a.event.date.lower.month)}
            intro = f"{len(in_year)} event{'s' if len(in_year) != 1 else ''} in {year}, earliest first."
            if len(in_year) <= PAGE_LIMIT:
                def whole(chunk: list[Any], page_path: str, year: int = year, months: dict[int, list[Appearance]] = months) -> list[Section]:
                    label = f"Timeline of {sum(len(m) for m in months.values())} events in {year}"
                    sections = [Section(
                        None, timeline=self._timeline(chunk, page_path, label, year),
                        map=self._map(chunk, page_path, f"map-{year}", f"Map of the events of {year}"),
                    )]
                    first = 1
                    for month, events in months.items():
                        sections.append(Section(
                            f"{MONTHS[month]} {year}", f"{year}-{month:02d}",
                            events=[self.event(a, page_path) for a in events], first=first,
                        ))
                        first += len(events)
                    return sections
                self._paged(path, f"Chronology: {year}", intro, up, in_year, whole, kind="event")
                continue

            def month_list(chunk: list[Any], page_path: str, year: int = year, months: dict[int, list[Appearance]] = months) -> list[Section]:
                rows = [
                    f"- [{MONTHS[m]} {year}]({_rel(page_path, f'chronology/{year}/{m:02d}.md')})"
                    f"{{ #{year}-{m:02d} }}: {len(events)} event{'s' if len(events) != 1 else ''}"
                    for m, events in months.items()
                ]
                return [Section("Months", rows=[Markup(r) for r in rows])]

            self._paged(path, f"Chronology: {year}", intro, up, [], month_list, marked_by=in_year)
            year_up = ctx.Link(str(year), Markup(path))
            for month, events in months.items():
                def month_page(chunk: list[Any], page_path: str, year: int = year, month: int = month) -> list[Section]:
                    label = f"Timeline of {len(chunk)} events in {MONTHS[month]} {year}"
                    return [
                        Section(None, timeline=self._timeline(chunk, page_path, label), map=self._map(
                            chunk, page_path, f"map-{year}-{month:02d}", f"Map of the events of {MONTHS[month]} {year}",
                        )),
                        Section(None, events=[self.event(a, page_path) for a in chunk]),
                    ]
                self._paged(
                    f"chronology/{year}/{month:02d}.md", f"Chronology: {MONTHS[month]} {year}",
                    f"{len(events)} event{'s' if len(events) != 1 else ''}, earliest first.",
                    year_up, events, month_page, kind="event",
                )

    def chronology_overview(self) -> Overview:
        largest = max((len(v) for v in self._by_year.values()), default=0)
        groups = []
        for year, in_year in self._by_year.items():
            split = len(in_year) > PAGE_LIMIT
            months = [
                CountLink(
                    f"{MONTHS[m][:3]}",
                    Markup(f"{year}/{m:02d}.md" if split else f"{year}.md#{year}-{m:02d}"),
                    len(list(g)), anchor=f"{year}-{m:02d}",
                )
                for m, g in itertools.groupby(in_year, key=lambda a: a.event.date.lower.month)
            ]
            groups.append(CountLink(str(year), Markup(f"{year}.md"), len(in_year),
                                    share=_share(len(in_year), largest), parts=months))
        return Overview(total=len(self.r.knowledge.events), groups=groups, marking=self._marking(self.r.knowledge.events))

    # -- briefings -------------------------------------------------------------------------

    def _briefing_years(self) -> dict[int, list[str]]:
        years: dict[int, list[str]] = defaultdict(list)
        for b in self._latest:
            years[self.r.project.briefings[b].as_of.lower.year].append(b)
        return dict(years)

    def _plan_briefings(self) -> None:
        up = ctx.Link("Briefings", Markup("briefings/index.md"))
        for year, ids in self._briefing_years().items():
            def rows(chunk: list[Any], page_path: str) -> list[Section]:
                return [Section(None, briefings=self._briefing_rows(chunk, page_path))]
            self._paged(
                f"briefings/by-year/{year}.md", f"Briefings of {year}",
                f"{len(ids)} briefing{'s' if len(ids) != 1 else ''} as of {year}, latest first.", up, ids, rows,
            )

    def briefings_overview(self) -> Overview:
        years = self._briefing_years()
        largest = max((len(v) for v in years.values()), default=0)
        return Overview(
            total=len(self.r.project.briefings),
            groups=[
                CountLink(str(y), Markup(f"by-year/{y}.md"), len(ids), share=_share(len(ids), largest))
                for y, ids in years.items()
            ],
            latest=[self.r.briefing_row(b, "../") for b in self._latest[:LATEST_BRIEFINGS]],
            marking=self._marking(self._latest[:LATEST_BRIEFINGS]),
        )

    # -- tags ------------------------------------------------------------------------------

    @staticmethod
    def tag_path(tag: str) -> str:
        # `tags/index.md` is the overview: a tag named "index" gets another file.
        return "tags/index-tag.md" if tag == "index" else f"tags/{tag}.md"

    def _plan_tags(self) -> None:
        up = ctx.Link("Tags", Markup("tags/index.md"))
        for tag, ids in self.r.knowledge.by_tag.items():
            def rows(chunk: list[Any], page_path: str) -> list[Section]:
                return [Section(None, briefings=self._briefing_rows(chunk, page_path))]
            tagged = set(ids)
            latest = [b for b in self._latest if b in tagged]
            self._paged(
                self.tag_path(tag), f"Tag: {tag}",
                f"{len(ids)} briefing{'s' if len(ids) != 1 else ''} tagged {tag}, latest first.", up, latest, rows,
            )

    def tags_overview(self) -> Overview:
        by_tag = self.r.knowledge.by_tag
        largest = max((len(v) for v in by_tag.values()), default=0)
        return Overview(
            total=len(by_tag),
            groups=[
                CountLink(tag, Markup(self.tag_path(tag)[len("tags/"):]), len(by_tag[tag]),
                          anchor=f"tag-{tag}", share=_share(len(by_tag[tag]), largest),
                          feed=exported.tag_feed_link(tag), feed_path=exported.tag_feed_link(tag, base=""))
                for tag in sorted(by_tag)
            ],
            # A tag reveals no more than the least restricted briefing that carries it.
            marking=_highest(
                min((self.r.project.briefings[b].marking for b in ids), key=lambda m: m.rank)
                for ids in by_tag.values() if ids
            ),
        )

    # -- actors ----------------------------------------------------------------------------

    def _plan_actor_kinds(self) -> None:
        up = ctx.Link("Actors", Markup("actors/index.md"))
        for kind, ids in self.r.actors_by_kind().items():
            if len(ids) <= ACTORS_INDEX_LIMIT:
                continue
            label = self.r.actor_kinds.get(kind, kind)

            def rows(chunk: list[Any], page_path: str) -> list[Section]:
                return [Section(None, actors=[self.r.actor_row(a, _depth_base(page_path)) for a in chunk])]
            path = f"actors/by-kind/{kind}.md"
            # Marked as /actors/ is (a list of names and counts; each actor's page carries its own marking).
            pages = self._paged(path, f"Actors: {label}", f"{len(ids)} actors of this kind, by name.", up, ids, rows,
                                marked_by=[])
            actors = self.r.project.actors
            self.kind_pages[kind] = [
                # Each name escaped (and direction-isolated) on its own: one cannot reorder the other.
                ctx.Link(Markup(f"{plain(ctx.name_in_use(actors[chunk[0]]))} – {plain(ctx.name_in_use(actors[chunk[-1]]))}"),
                         Markup(page[len("actors/"):]))
                for chunk, page in pages
            ]

    def _plan_actor(self, actor_id: str) -> None:
        appearances = self.r.knowledge.by_actor.get(actor_id, [])
        by_year = {y: list(g) for y, g in itertools.groupby(appearances, key=lambda a: a.event.date.lower.year)}
        kept: list[int] = []
        shown = 0
        for year in sorted(by_year, reverse=True):
            if kept and shown + len(by_year[year]) > ACTOR_EVENTS_LIMIT:
                break
            kept.append(year)
            shown += len(by_year[year])
        kept.sort()
        here = actor_file(actor_id)
        earlier = []
        name = self.r.project.actors[actor_id].name
        up = ctx.Link(name, Markup(here))
        for year, events in by_year.items():
            if year in kept and len(events) <= ACTOR_EVENTS_LIMIT:
                continue
            path = f"actors/{actor_id}/{year}.md"
            earlier.append(CountLink(str(year), Markup(f"{actor_id}/{year}.md"), len(events)))

            def lines(chunk: list[Any], page_path: str) -> list[Section]:
                return [Section(None, events=[self.event(a, page_path) for a in chunk])]
            self._paged(path, f"{name}: events in {year}",
                        f"{len(events)} event{'s' if len(events) != 1 else ''} in {year}, in date order.",
                        up, events, lines)
        self._actor_years[actor_id] = (kept, by_year, earlier)

    def actor_years(self, actor_id: str) -> ActorYears:
        """The events an actor's own page lists (rendered when that page is)."""
        kept, by_year, earlier = self._actor_years[actor_id]
        here = actor_file(actor_id)
        sections: list[Section] = []
        shown: list[Appearance] = []
        for year in kept:
            # One very busy year shows its first events here, and all of them on its own page.
            listed = by_year[year][:ACTOR_EVENTS_LIMIT]
            sections.append(Section(str(year), f"events-{year}", events=[self.event(a, here) for a in listed],
                                    first=len(shown) + 1))
            shown += listed
        return ActorYears(sum(len(v) for v in by_year.values()), sections, earlier, shown)
