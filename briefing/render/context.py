"""Typed template contexts: what each Jinja2 template receives.

Every string here that came from content is raw; the template environment
escapes it on output (see :mod:`briefing.render`). Values that are already
safe Markdown (rendered Markdown fields, links built from ids) are
``Markup``, which passes through untouched. Links are relative to the page
that uses them, so MkDocs validates them like any hand-written link.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from markupsafe import Markup

from briefing.markings import Marking


@dataclass(slots=True)
class Link:
    """A link to another page or anchor, with its text."""

    text: str
    href: Markup


@dataclass(slots=True)
class SourceLink(Link):
    """A source cited by an event: its name, link, and Admiralty grade ('F2') with the grade in words."""

    grade: str | None = None
    grade_text: str | None = None


@dataclass(slots=True)
class DateView:
    """An EDTF date in words, and its bounds for ``<time>`` and timelines."""

    text: str
    iso: Markup
    """The earliest possible day, for ``<time datetime>``."""
    lower: dt.date
    upper: dt.date
    uncertain: bool
    approximate: bool
    span: bool
    edtf: str


@dataclass(slots=True)
class EventView:
    """One event as a chronology entry."""

    id: str
    anchor: str
    title: str
    date: DateView
    date_note: str | None
    type_label: str
    location: str | None
    description: Markup | None
    actors: list[Link]
    sources: list[SourceLink]
    casualties: str | None
    marking: Marking | None
    """Shown only when the event is more restricted than its briefing."""
    briefing: Link | None = None
    """The event's briefing, on pages that gather events from many briefings."""
    link: Markup | None = None
    """The event's own Markdown link target, relative to the page (``../briefings/b.md#event-e``);
    raw HTML links by URL: ``{{ e.link|href }}`` (:mod:`briefing.render.addresses`)."""


@dataclass(slots=True)
class SourceView:
    """One source in the sourcing notes."""

    id: str
    anchor: str
    name: str
    kind_label: str
    publisher: str | None
    date: str | None
    url: str | None
    chain: str | None
    """The source and the sources it reached us through: 'X (anonymous), via Reuters'; None without ``via``."""
    grade: str | None
    """Admiralty code such as 'B2'."""
    grade_text: str | None
    """The grade in words: 'usually reliable source; information probably true'."""
    count: int | None
    description: Markup | None
    supports: list[Link]
    outlet: Link | None = None
    """The source's page in the source registry, when it is a report of a registry source."""
    grade_origin: str | None = None
    """Where the reliability grade comes from: the registry, or this briefing (and why)."""


@dataclass(slots=True)
class AttentionGroup:
    """Events whose weakest point is ``reason`` ('A single source')."""

    reason: str
    events: list[Link]


@dataclass(slots=True)
class SourcingAssessment:
    """How well the briefing's events are sourced, computed from the data (:mod:`briefing.render.sourcing`)."""

    total_events: int
    single_source: list[Link]
    single_outlet: list[Link]
    anonymous_only: list[Link]
    unsourced: list[Link]
    attention: list[AttentionGroup] = field(default_factory=list)
    """Each event that needs attention once, under its weakest point, weakest first."""
    shared: list[str] = field(default_factory=list)
    """Weak points every event shares (said once; events with nothing worse are not listed)."""
    origin: str | None = None
    """The one source every chain ends at, when there is only one."""


@dataclass(slots=True)
class JudgmentView:
    statement: str
    likelihood: str | None
    """The ICD 203 word, e.g. 'Likely'."""
    likelihood_range: str | None
    """The ICD 203 range, e.g. '55–80%'."""
    confidence: str
    basis: list[Link]


def name_in_use(actor: Any) -> str:
    """The name readers use for an actor (or an :class:`ActorRow`): its short name if it has one
    ('Houthis', not 'Ansar Allah')."""
    return str(actor.short_name or actor.name)


@dataclass(slots=True)
class ActorRow:
    """An actor in a list: its name, kind and (on a briefing) its role there."""

    id: str
    name: str
    short_name: str | None
    kind_label: str
    country: str | None
    link: Markup
    role: str | None = None
    events: int = 0


@dataclass(slots=True)
class BriefingRow:
    """A briefing in a list."""

    id: str
    title: str
    link: Markup
    as_of: str
    regions: list[str]
    tags: list[Link]
    marking: Marking
    status: str
    events: int


@dataclass(slots=True)
class BriefingPage:
    """``briefings/<id>.md``: one briefing, sections in the contract's order."""

    id: str
    title: str
    marking: Marking
    status: str
    as_of: str
    regions: list[str]
    tags: list[Link]
    related: list[Link]
    summary: Markup
    key_judgments: list[JudgmentView]
    events: list[EventView]
    actors: list[ActorRow]
    sources: list[SourceView]
    assessment: SourcingAssessment
    timeline: Any = None
    """A :class:`briefing.render.timeline.Timeline` of the chronology."""
    revisions: Any = None
    """A :class:`briefing.render.revisions.RevisionsSection`: what changed, revision by revision."""
    map: Markup | None = None
    """The SVG map of the located events (:mod:`briefing.render.maps`), numbered as the chronology."""
    data: list[Link] = field(default_factory=list)
    """This briefing's exports (JSON, CSV, ...) and the site feed, for the "Data:" line."""


@dataclass(slots=True)
class NativeName:
    lang: str
    dir: str
    text: str


@dataclass(slots=True)
class ActorPage:
    """``actors/<id>.md``: everything known about one actor across briefings."""

    id: str
    name: str
    short_name: str | None
    kind_label: str
    country: str | None
    description: Markup | None
    native_names: list[NativeName]
    aliases: list[str]
    member_of: list[Link]
    members: list[Link]
    events: list[EventView]
    """Unused since events are listed by year (``history``); kept for custom templates."""
    briefings: list[Link]
    """The latest briefings the actor appears in (at most ``archive.ACTOR_BRIEFINGS_LIMIT``)."""
    marking: Marking
    history: Any = None
    """``archive.ActorYears``: recent years' event lines, and links to earlier years' pages."""
    more_briefings: int = 0
    map: Markup | None = None
    """The SVG map of the located events, numbered as ``events``."""
    feed: Markup = Markup("")
    """The actor's Atom feed, relative to the page."""
    feed_path: Markup = Markup("")
    """The same from the site root (for the page's ``<head>``)."""


@dataclass(slots=True)
class ActorGroup:
    """The actors of one kind on ``/actors/``: listed there, or, for a large kind, linked."""

    label: str
    actors: list[ActorRow]
    count: int = 0
    """How many actors the kind has when they are listed on pages of their own."""
    pages: list[Link] = field(default_factory=list)
    """Those pages, from ``actors/index.md``, labelled by the first name on each."""


@dataclass(slots=True)
class ActorsIndex:
    """``actors/index.md``: every visible actor, grouped by kind."""

    groups: list[ActorGroup]
    total: int


@dataclass(slots=True)
class MonthGroup:
    label: str
    anchor: str
    events: list[EventView]
    """Listed with the ``event_list`` macro."""
    first: int = 1
    """The number of the month's first event in its year (the year's map uses these numbers)."""


@dataclass(slots=True)
class YearGroup:
    year: int
    months: list[MonthGroup]
    timeline: Any = None
    map: Markup | None = None


@dataclass(slots=True)
class ChronologyPage:
    """``chronology/index.md``: every event, grouped by year and month."""

    years: list[YearGroup]
    total: int


@dataclass(slots=True)
class TagGroup:
    id: str
    anchor: str
    briefings: list[Link]
    feed: Markup = Markup("")
    """The tag's Atom feed, relative to the page."""
    feed_path: Markup = Markup("")
    """The same from the site root (for the page's ``<head>``)."""


@dataclass(slots=True)
class TagsPage:
    tags: list[TagGroup]


@dataclass(slots=True)
class BriefingsIndex:
    """``briefings/index.md``: every briefing."""

    briefings: list[BriefingRow]


@dataclass(slots=True)
class HomePage:
    """``index.md``: the latest briefings, counts, and the build profile."""

    latest: list[BriefingRow]
    briefings: int
    events: int
    actors: int
    profile: str


@dataclass(slots=True)
class DataFile:
    """One export file on the Data page."""

    name: str
    link: Markup
    description: str


@dataclass(slots=True)
class DataPage:
    """``data/index.md``: every export of this build, and what it holds."""

    site: list[DataFile]
    """Files for the whole site: feeds, index, every event, the site's STIX bundle, schemas."""
    briefings: list[DataBriefing]
    """The newest few, newest first."""
    total: int
    """How many briefings this build has."""
    profile: str


@dataclass(slots=True)
class DataBriefing:
    title: str
    link: Markup
    files: list[Link]
