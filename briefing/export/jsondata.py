"""JSON: one file per briefing and an index, with their JSON Schema published beside them.

The files are described by the pydantic models below: the data is dumped
from them and the published schema is generated from them, so the two
cannot disagree. A briefing file holds every field as validated plus what
the build works out (date bounds, grades and likelihoods in words, actor and
source references resolved).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from functools import partial
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from briefing.dates import EdtfDate
from briefing.export import facts, paths
from briefing.export.facts import ExportOptions
from briefing.model import Briefing, Project, Source, country_name, via_chain
from briefing.profile import effective_marking

SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"
FORMAT_VERSION = 1


class _Out(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class DateOut(_Out):
    """An EDTF date as written, its bounds, and how precise it is."""

    edtf: str = Field(description="The date as written in the briefing (EDTF levels 0 and 1).")
    earliest: dt.date = Field(description="The earliest day the date can mean.")
    latest: dt.date = Field(description="The latest day the date can mean.")
    text: str = Field(description="The date in words, as the site shows it.")
    approximate: bool
    uncertain: bool
    time_precision: Literal[1, 2, 3] = Field(description="1 a known day, 2 within a week, 3 wider (ACLED-style).")


class CountryOut(_Out):
    code: str = Field(description="ISO 3166-1 alpha-2")
    name: str


class LocationOut(_Out):
    name: str
    country: CountryOut | None
    lat: float | None
    lon: float | None
    precision: Literal["exact", "near", "city", "region", "country"] | None


class CasualtiesOut(_Out):
    killed: int | None
    injured: int | None


class ActorRef(_Out):
    id: str
    name: str
    short_name: str | None
    kind: str
    kind_label: str
    url: str


class BriefingActor(ActorRef):
    role: str | None = Field(description="The actor's role note in this briefing, if any.")


class EventOut(_Out):
    id: str
    date: DateOut
    date_note: str | None
    title: str
    type: str
    type_label: str
    description: str | None = Field(description="Markdown, as written.")
    location: LocationOut | None
    actors: list[ActorRef]
    sources: list[str] = Field(description="Ids of sources in this briefing's `sources`.")
    marking: str = Field(description="The effective marking: the higher of the event's and the briefing's.")
    casualties: CasualtiesOut | None
    url: str


class SourceOut(_Out):
    id: str
    kind: str
    kind_label: str
    title: str | None
    publisher: str | None
    date: DateOut | None
    url: str | None
    via: list[str] = Field(description="The chain the source came through, nearest first (resolved `via` ids).")
    count: int | None
    description: str | None = Field(description="Markdown, as written.")
    reliability: Literal["A", "B", "C", "D", "E", "F"] | None
    credibility: int | None
    grade: str | None = Field(description="Admiralty grade, e.g. 'B2'.")
    grade_words: str | None
    supports: list[str] = Field(description="Ids of the events that cite this source.")


class JudgmentOut(_Out):
    statement: str
    likelihood: str | None = Field(description="ICD 203 likelihood id, e.g. 'likely'.")
    likelihood_words: str | None
    likelihood_range: str | None = Field(description="The probability range, e.g. '55–80%'.")
    confidence: Literal["low", "moderate", "high"]
    basis: list[str] = Field(description="Ids of the events the judgment rests on.")


class ProfileOut(_Out):
    max_marking: str = Field(description="The most restricted marking this build shows.")
    drafts: bool


class BriefingOut(_Out):
    """``data/briefings/<id>.json``: one briefing as validated, plus what the build works out."""

    format: Literal["briefing/1"]
    profile: ProfileOut
    id: str
    url: str
    title: str
    as_of: DateOut
    status: Literal["draft", "published", "archived"]
    marking: str
    regions: list[CountryOut]
    tags: list[str]
    related: list[str] = Field(description="Ids of related briefings in this build.")
    summary: str = Field(description="Markdown, as written.")
    key_judgments: list[JudgmentOut]
    actors: list[BriefingActor]
    events: list[EventOut] = Field(description="In date order, as the briefing page lists them.")
    sources: list[SourceOut]
    data: dict[str, str] = Field(description="The other exports of this briefing, by format.")


class BriefingEntry(_Out):
    id: str
    title: str
    as_of: DateOut
    status: Literal["draft", "published", "archived"]
    marking: str
    regions: list[CountryOut]
    tags: list[str]
    events: int
    url: str
    data: dict[str, str]


class ActorOut(_Out):
    id: str
    name: str
    short_name: str | None
    kind: str
    kind_label: str
    country: CountryOut | None
    native_names: dict[str, str]
    aliases: list[str]
    affiliations: list[str]
    description: str | None = Field(description="Markdown, as written.")
    briefings: list[str]
    url: str
    feed: str


class TagOut(_Out):
    tag: str
    briefings: list[str]
    feed: str


class IndexOut(_Out):
    """``data/index.json``: every briefing, actor and tag of this build."""

    format: Literal["index/1"]
    profile: ProfileOut
    site_name: str
    briefings: list[BriefingEntry] = Field(description="Newest first.")
    actors: list[ActorOut]
    tags: list[TagOut]


def schemas() -> dict[str, bytes]:
    """The published JSON Schema files."""
    out = {}
    for path, model, title in (
        (paths.BRIEFING_SCHEMA, BriefingOut, "Briefing export (data/briefings/<id>.json)"),
        (paths.INDEX_SCHEMA, IndexOut, "Index export (data/index.json)"),
    ):
        schema = model.model_json_schema(mode="serialization")
        schema["title"] = title
        out[path] = facts.dumps({"$schema": SCHEMA_DIALECT, **schema})
    return out


class _Builder:
    def __init__(self, project: Project, options: ExportOptions) -> None:
        self.project = project
        self.options = options
        vocab = project.vocabularies
        self.event_types = vocab.event_types if vocab else {}
        self.actor_kinds = vocab.actor_kinds if vocab else {}
        self.source_kinds = vocab.source_kinds if vocab else {}
        self.profile = ProfileOut(
            max_marking=options.profile.max_marking.value, drafts=options.profile.drafts
        )

    def date(self, date: EdtfDate) -> DateOut:
        return DateOut(
            edtf=date.text, earliest=date.lower, latest=date.upper, text=date.display(),
            approximate=date.is_approximate, uncertain=date.is_uncertain,
            time_precision=facts.time_precision(date),  # type: ignore[arg-type]
        )

    def country(self, code: str | None) -> CountryOut | None:
        return CountryOut(code=code, name=country_name(code)) if code else None

    def actor_ref(self, actor_id: str) -> dict[str, Any]:
        actor = self.project.actors[actor_id]
        return {
            "id": actor_id, "name": actor.name, "short_name": actor.short_name, "kind": actor.kind,
            "kind_label": self.actor_kinds.get(actor.kind, actor.kind), "url": facts.actor_url(self.options, actor_id),
        }

    def data_links(self, briefing_id: str) -> dict[str, str]:
        return {label: facts.url(self.options, make(briefing_id)) for label, make in paths.BRIEFING_EXPORTS}

    def briefing(self, briefing_id: str, briefing: Briefing) -> BriefingOut:
        sources = {s.id: s for s in briefing.sources}
        events = facts.events_in_order(briefing)
        involved = facts.involved_actors(self.project, briefing)
        page = facts.briefing_url(self.options, briefing_id)
        return BriefingOut(
            format="briefing/1",
            profile=self.profile,
            id=briefing_id,
            url=page,
            title=briefing.title,
            as_of=self.date(briefing.as_of),
            status=briefing.status,
            marking=briefing.marking.value,
            regions=[CountryOut(code=r, name=country_name(r)) for r in briefing.regions],
            tags=list(briefing.tags),
            related=list(briefing.related),
            summary=briefing.summary,
            key_judgments=[
                JudgmentOut(
                    statement=j.statement,
                    likelihood=j.likelihood,
                    likelihood_words=facts.likelihood_words(j.likelihood)[0],
                    likelihood_range=facts.likelihood_words(j.likelihood)[1],
                    confidence=j.confidence,
                    basis=list(j.basis),
                )
                for j in briefing.key_judgments
            ],
            actors=[
                BriefingActor(**self.actor_ref(a), role=briefing.actors.get(a))
                for a in sorted(involved, key=lambda a: (self.project.actors[a].name.casefold(), a))
            ],
            events=[
                EventOut(
                    id=e.id,
                    date=self.date(e.date),
                    date_note=e.date_note,
                    title=e.title,
                    type=e.type,
                    type_label=self.event_types.get(e.type, e.type),
                    description=e.description,
                    location=LocationOut(
                        name=e.location.name, country=self.country(e.location.country),
                        lat=e.location.lat, lon=e.location.lon, precision=e.location.precision,
                    ) if e.location else None,
                    actors=[ActorRef(**self.actor_ref(a)) for a in e.actors if a in self.project.actors],
                    sources=list(e.sources),
                    marking=effective_marking(briefing, e).value,
                    casualties=CasualtiesOut(killed=e.casualties.killed, injured=e.casualties.injured)
                    if e.casualties else None,
                    url=f"{page}#event-{e.id}",
                )
                for e in events
            ],
            sources=[self.source(s, sources, briefing) for s in briefing.sources],
            data=self.data_links(briefing_id),
        )

    def source(self, source: Source, sources: dict[str, Source], briefing: Briefing) -> SourceOut:
        chain = via_chain(source.id, sources).ids[1:]
        code, words = facts.grade(source)
        return SourceOut(
            id=source.id,
            kind=source.kind or "",  # set for every valid source (its own, or its outlet's)
            kind_label=self.source_kinds.get(source.kind or "", source.kind or ""),
            title=source.title,
            publisher=source.publisher,
            date=self.date(source.date) if source.date else None,
            url=source.url,
            via=chain,
            count=source.count,
            description=source.description,
            reliability=source.reliability,
            credibility=source.credibility,
            grade=code,
            grade_words=words,
            supports=[e.id for e in facts.events_in_order(briefing) if source.id in e.sources],
        )

    def index(self) -> IndexOut:
        project = self.project
        by_actor: dict[str, list[str]] = {}
        by_tag: dict[str, list[str]] = {}
        order = facts.newest_first(project)
        for briefing_id in order:
            briefing = project.briefings[briefing_id]
            for actor_id in facts.involved_actors(project, briefing):
                by_actor.setdefault(actor_id, []).append(briefing_id)
            for tag in briefing.tags:
                by_tag.setdefault(tag, []).append(briefing_id)
        return IndexOut(
            format="index/1",
            profile=self.profile,
            site_name=self.options.site_name,
            briefings=[
                BriefingEntry(
                    id=b,
                    title=project.briefings[b].title,
                    as_of=self.date(project.briefings[b].as_of),
                    status=project.briefings[b].status,
                    marking=project.briefings[b].marking.value,
                    regions=[CountryOut(code=r, name=country_name(r)) for r in project.briefings[b].regions],
                    tags=list(project.briefings[b].tags),
                    events=len(project.briefings[b].events),
                    url=facts.briefing_url(self.options, b),
                    data=self.data_links(b),
                )
                for b in order
            ],
            actors=[
                ActorOut(
                    id=actor_id,
                    name=actor.name,
                    short_name=actor.short_name,
                    kind=actor.kind,
                    kind_label=self.actor_kinds.get(actor.kind, actor.kind),
                    country=self.country(actor.country),
                    native_names=dict(actor.native_names),
                    aliases=list(actor.aliases),
                    affiliations=list(actor.affiliations),
                    description=actor.description,
                    briefings=by_actor.get(actor_id, []),
                    url=facts.actor_url(self.options, actor_id),
                    feed=facts.url(self.options, paths.actor_feed(actor_id)),
                )
                for actor_id, actor in sorted(project.actors.items())
            ],
            tags=[
                TagOut(tag=tag, briefings=by_tag[tag], feed=facts.url(self.options, paths.tag_feed(tag)))
                for tag in sorted(by_tag)
            ],
        )


def briefing_files(project: Project, options: ExportOptions, memo: facts.Memo) -> Iterator[tuple[str, bytes]]:
    """Each briefing's file, then the index and the schemas, one at a time."""
    builder = _Builder(project, options)

    def one(b: str) -> bytes:
        return facts.dumps(builder.briefing(b, project.briefings[b]).model_dump(mode="json"))

    for b in sorted(project.briefings):
        yield paths.briefing_json(b), memo.briefing("json", b, partial(one, b))
    yield paths.INDEX_JSON, facts.dumps(builder.index().model_dump(mode="json"))
    yield from schemas().items()
