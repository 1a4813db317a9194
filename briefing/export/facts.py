"""What every export shares: options, dates as timestamps, labels, and one flat record per event.

The CSV rows and the GeoJSON feature properties are the same
:func:`event_record`, so the two formats cannot drift apart. Everything
here reads the model that :func:`briefing.profile.apply` already filtered.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import pickle
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from typing import Any, TypeVar

from briefing.dates import EdtfDate
from briefing.export import paths
from briefing.model import LIKELIHOOD, Briefing, Event, Project, Source, country_name, grade_words
from briefing.profile import Profile, effective_marking

T = TypeVar("T")

#: The namespace of every UUIDv5 we mint (Atom ids, STIX ids): our ids are
#: stable, so the same briefing always gets the same UUID and a re-import
#: updates instead of duplicating.
NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "https://briefing.invalid/ids")


@dataclass(frozen=True)
class ExportOptions:
    """What the exports need to know beyond the model."""

    profile: Profile = field(default_factory=Profile)
    site_url: str | None = None
    """MkDocs' ``site_url``; without it, links are relative to the site root."""
    site_name: str = "Briefings"
    directory_urls: bool = True
    revised: tuple[tuple[str, dt.datetime], ...] = ()
    """Each briefing's latest committed revision date (:mod:`briefing.history`): the feeds' ``updated``."""

    @cached_property
    def revised_at(self) -> dict[str, dt.datetime]:
        """``revised`` by briefing id. Every feed entry asks for one: a tuple made into a dict at
        each ask cost the 10,000-briefing build with history some ten minutes."""
        return dict(self.revised)


class Memo:
    """Export pieces kept between the builds of ``briefing serve``.

    A piece is made again only when what it is made from changed: its key
    holds the fingerprint of each briefing it comes from (the filtered
    briefing, its actors, the vocabularies and the options). Pieces not used
    by a build are dropped after it. Disabled (one-shot builds and ``briefing
    export``), it makes every piece and keeps nothing.
    """

    def __init__(self, enabled: bool = True) -> None:
        self.enabled = enabled
        self.pieces: dict[tuple[str, ...], Any] = {}
        self.used: dict[tuple[str, ...], Any] = {}
        self.fingerprints: dict[str, str] = {}
        self.project: Project | None = None
        self.context = ""

    def begin(self, project: Project, options: ExportOptions) -> None:
        self.project = project
        self.context = repr((options, project.vocabularies))
        self.fingerprints = {}
        self.used = {}

    def end(self) -> None:
        self.pieces, self.used = self.used, {}

    def of(self, briefing_id: str) -> str:
        """The fingerprint of one briefing as the exports see it: its filtered model and its actors'."""
        if briefing_id not in self.fingerprints:
            assert self.project is not None
            briefing = self.project.briefings[briefing_id]
            digest = hashlib.blake2b(self.context.encode("utf-8"), digest_size=16)
            digest.update(briefing_id.encode("utf-8"))
            digest.update(pickle.dumps(briefing, protocol=pickle.HIGHEST_PROTOCOL))  # every value, fast
            for actor_id in involved_actors(self.project, briefing):
                digest.update(self._actor(actor_id))
            self.fingerprints[briefing_id] = digest.hexdigest()
        return self.fingerprints[briefing_id]

    def _actor(self, actor_id: str) -> bytes:
        key = "actor:" + actor_id
        if key not in self.fingerprints:
            assert self.project is not None
            actor = self.project.actors[actor_id]
            self.fingerprints[key] = hashlib.blake2b(pickle.dumps(actor, protocol=pickle.HIGHEST_PROTOCOL)).hexdigest()
        return self.fingerprints[key].encode("ascii")

    def get(self, key: tuple[str, ...], make: Callable[[], T]) -> T:
        """The piece under ``key`` (which must hold the fingerprints it depends on), made if missing."""
        if not self.enabled:
            return make()
        value = self.pieces[key] if key in self.pieces else make()
        self.used[key] = value
        return value

    def briefing(self, kind: str, briefing_id: str, make: Callable[[], T]) -> T:
        """A piece made from one briefing alone."""
        if not self.enabled:
            return make()
        return self.get((kind, briefing_id, self.of(briefing_id)), make)


def dumps(data: Any) -> bytes:
    """Deterministic JSON: sorted keys, UTF-8, compact, a final newline.

    Compact because Python's JSON encoder runs in C only without ``indent``
    (indenting made the JSON exports of a large site several times slower).
    """
    return (json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":")) + "\n").encode("utf-8")


@lru_cache(maxsize=8192)  # a summary goes into every feed of its tags and actors
def html(markdown_text: str) -> str:
    """A Markdown field as safe HTML (for feed entries and TimelineJS slides).

    The same two steps as the site: content Markdown made inert where it
    could be markup (:func:`briefing.render.text.markdown`), then the HTML
    sanitiser of the pages.
    """
    from briefing.render.text import markdown as safe_markdown
    from briefing.site.output import sanitize

    return sanitize(_markdown().reset().convert(safe_markdown(markdown_text)))


@lru_cache(maxsize=1)
def _markdown() -> Any:
    import markdown  # type: ignore[import-untyped]  # no stubs installed

    return markdown.Markdown(output_format="html")  # one instance: making one costs more than converting


def uuid_for(*parts: str) -> str:
    """A UUIDv5 from our ids, e.g. ``uuid_for("event", briefing_id, event_id)``."""
    return str(uuid.uuid5(NAMESPACE, "/".join(parts)))


def moment(day: dt.date) -> dt.datetime:
    """Midnight UTC of ``day``: every timestamp we write comes from content dates, never a clock."""
    return dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC)


def url(options: ExportOptions, path: str) -> str:
    """``path`` (relative to the site root) as an absolute URL when ``site_url`` is known."""
    if options.site_url:
        return options.site_url.rstrip("/") + "/" + path
    return path


def briefing_url(options: ExportOptions, briefing_id: str) -> str:
    return url(options, paths.briefing_page(briefing_id, options.directory_urls))


def actor_url(options: ExportOptions, actor_id: str) -> str:
    return url(options, paths.actor_page(actor_id, options.directory_urls))


def newest_first(project: Project) -> list[str]:
    """Briefing ids, latest ``as_of`` first (ties by id, so the order is stable)."""
    def key(b: str) -> tuple[dt.date, dt.date, str]:
        as_of = project.briefings[b].as_of
        return (as_of.upper, as_of.lower, b)

    return sorted(project.briefings, key=key, reverse=True)


def time_precision(date: EdtfDate) -> int:
    """ACLED-style time precision: 1 a known day, 2 within a week (or an approximate day), 3 wider."""
    if date.span_days == 1 and not (date.is_approximate or date.is_uncertain):
        return 1
    return 2 if date.span_days <= 7 else 3


#: ACLED-style geo-precision: 1 the exact place, 2 near it or the town, 3 only the region or country.
GEO_PRECISION = {"exact": 1, "near": 2, "city": 2, "region": 3, "country": 3}


def likelihood_words(likelihood: str | None) -> tuple[str | None, str | None]:
    """("Likely", "55–80%") for an ICD 203 likelihood id."""
    if likelihood is None:
        return None, None
    return LIKELIHOOD[likelihood]


def grade(source: Source) -> tuple[str | None, str | None]:
    """The Admiralty grade ("B2") and its meaning in words, as the briefing page shows them."""
    if not (source.reliability or source.credibility):
        return None, None
    return f"{source.reliability or ''}{source.credibility or ''}", grade_words(source.reliability, source.credibility)


def events_in_order(briefing: Briefing) -> list[Event]:
    """A briefing's events by date (earliest first), as its page lists them."""
    order = sorted(range(len(briefing.events)), key=lambda i: (*briefing.events[i].date.sort_key, i))
    return [briefing.events[i] for i in order]


def involved_actors(project: Project, briefing: Briefing) -> list[str]:
    """The visible actors of a briefing: role notes first, then events' actors, each once."""
    involved = dict.fromkeys(briefing.actors)
    for event in briefing.events:
        involved.update(dict.fromkeys(event.actors))
    return [a for a in involved if a in project.actors]


def all_events(project: Project) -> Iterator[tuple[str, Briefing, Event]]:
    """Every visible event of the site by date, then briefing id, then its place in the file."""
    items = [
        (event.date.sort_key, briefing_id, index, briefing, event)
        for briefing_id, briefing in project.briefings.items()
        for index, event in enumerate(briefing.events)
    ]
    items.sort(key=lambda item: (item[0], item[1], item[2]))
    for _, briefing_id, _, briefing, event in items:
        yield briefing_id, briefing, event


#: The columns of the CSV files and the properties of the GeoJSON features, in order.
EVENT_COLUMNS = (
    "event_id", "briefing_id", "title", "event_date", "earliest_date", "latest_date", "time_precision",
    "event_type", "event_type_label", "actor_1", "actor_1_name", "actor_2", "actor_2_name",
    "assoc_actors", "assoc_actor_names", "country_code", "country", "location", "latitude", "longitude",
    "geo_precision", "geo_precision_label", "killed", "injured", "source_ids", "source_grades",
    "notes", "marking", "url",
)


def event_record(
    project: Project, options: ExportOptions, briefing_id: str, briefing: Briefing, event: Event
) -> dict[str, Any]:
    """One event as a flat record: the CSV row and the GeoJSON properties (see docs/exports.md)."""
    vocab = project.vocabularies
    event_types = vocab.event_types if vocab else {}
    actors = [a for a in event.actors if a in project.actors]
    names = [project.actors[a].name for a in actors]
    sources = {s.id: s for s in briefing.sources}
    location = event.location
    country = location.country if location and location.country else None
    return {
        "event_id": event.id,
        "briefing_id": briefing_id,
        "title": event.title,
        "event_date": event.date.text,
        "earliest_date": event.date.lower.isoformat(),
        "latest_date": event.date.upper.isoformat(),
        "time_precision": time_precision(event.date),
        "event_type": event.type,
        "event_type_label": event_types.get(event.type, event.type),
        "actor_1": actors[0] if actors else None,
        "actor_1_name": names[0] if names else None,
        "actor_2": actors[1] if len(actors) > 1 else None,
        "actor_2_name": names[1] if len(names) > 1 else None,
        "assoc_actors": "; ".join(actors[2:]) or None,
        "assoc_actor_names": "; ".join(names[2:]) or None,
        "country_code": country,
        "country": country_name(country) if country else None,
        "location": location.name if location else None,
        "latitude": location.lat if location else None,
        "longitude": location.lon if location else None,
        "geo_precision": GEO_PRECISION.get(location.precision) if location and location.precision else None,
        "geo_precision_label": location.precision if location else None,
        "killed": event.casualties.killed if event.casualties else None,
        "injured": event.casualties.injured if event.casualties else None,
        "source_ids": "; ".join(event.sources) or None,
        "source_grades": "; ".join(
            (grade(sources[s])[0] if s in sources else None) or "ungraded" for s in event.sources
        ) or None,
        "notes": event.description,
        "marking": effective_marking(briefing, event).value,
        "url": briefing_url(options, briefing_id) + f"#event-{event.id}",
    }
