"""The view builders: the filtered model -> the typed page views the templates receive.

Each ``*_page`` / ``*_index`` method returns one object of
:mod:`briefing.render.context`; the templates own how it is shown.
"""

from __future__ import annotations

import functools
from collections import defaultdict
from dataclasses import dataclass, field

from markupsafe import Markup

from briefing.dates import EdtfDate
from briefing.diagnostics import FieldPath
from briefing.export import page as exported
from briefing.history import Revision
from briefing.markings import Marking
from briefing.model import (
    LIKELIHOOD,
    Actor,
    Briefing,
    Event,
    Project,
    Source,
    country_name,
    grade_words,
    text_direction,
    via_chain,
)
from briefing.profile import Profile, effective_marking
from briefing.registry import overridden
from briefing.render import context as ctx
from briefing.render import revisions as revision_views
from briefing.render import sources as outlets
from briefing.render.addresses import actor_file, briefing_file, html_href
from briefing.render.archive import ACTOR_BRIEFINGS_LIMIT, Archive
from briefing.render.knowledge import Appearance, Knowledge, build_knowledge
from briefing.render.maps import briefing_map, coordinates_text
from briefing.render.sourcing import assess
from briefing.render.text import markdown
from briefing.render.timeline import build_timeline

#: How many briefings the home page lists.
LATEST_ON_HOME = 10



def _by_name_in_use(row: ctx.ActorRow | Actor) -> tuple[str, str]:
    """Actors sort by the name readers use (the short name: 'Houthis', not 'Ansar Allah')."""
    return (ctx.name_in_use(row).casefold(), row.name.casefold())


@dataclass(slots=True)
class _EventFacts:
    date: ctx.DateView
    type_label: str
    location: str | None
    casualties: str | None
    marking: Marking | None
    source_names: dict[str, str]
    source_grades: dict[str, tuple[str, str | None]]


@dataclass
class Views:
    """Builds the typed view of every page (:mod:`briefing.render.context`) from the filtered model.

    Templates decide what a page shows; this decides only what each value is.
    """

    project: Project
    profile: Profile
    directory_urls: bool = True
    revisions: dict[str, list[Revision]] = field(default_factory=dict)
    """Each briefing's visible revisions, newest first (:mod:`briefing.history`)."""
    history_note: str | None = None
    """Said on pages when there is no revision history at all."""

    def __post_init__(self) -> None:
        self.knowledge: Knowledge = build_knowledge(self.project)
        vocab = self.project.vocabularies
        self.event_types = vocab.event_types if vocab else {}
        self.actor_kinds = vocab.actor_kinds if vocab else {}
        self.source_kinds = vocab.source_kinds if vocab else {}
        self._global_events: dict[tuple[str, int], ctx.EventView] = {}
        self._actor_links: dict[tuple[str, str], ctx.Link] = {}
        # Keyed by id(): the project outlives the renderer, so ids stay unique meanwhile.
        self._facts: dict[int, _EventFacts] = {}
        self._briefing_source_names: dict[int, dict[str, str]] = {}
        self._briefing_source_grades: dict[int, dict[str, tuple[str, str | None]]] = {}
        self._dates: dict[str, ctx.DateView] = {}
        self.archive = Archive(self)

    # -- pages -----------------------------------------------------------------------------

    def briefing_page(self, briefing_id: str, briefing: Briefing) -> ctx.BriefingPage:
        sources = {s.id: s for s in briefing.sources}
        order = sorted(range(len(briefing.events)), key=lambda i: (*briefing.events[i].date.sort_key, i))
        events = [
            self.event_view(briefing_id, briefing, briefing.events[i], i, base="../", local=True)
            for i in order
        ]
        titles = {e.id: e.title for e in briefing.events}
        supports: dict[str, list[ctx.Link]] = defaultdict(list)
        for i in order:
            event = briefing.events[i]
            for source_id in dict.fromkeys(event.sources):
                supports[source_id].append(ctx.Link(event.title, Markup(f"#event-{event.id}")))
        return ctx.BriefingPage(
            id=briefing_id,
            title=briefing.title,
            marking=briefing.marking,
            status=briefing.status,
            as_of=briefing.as_of.display(),
            regions=[country_name(r) for r in briefing.regions],
            tags=[self.tag_link(t, "../") for t in briefing.tags],
            related=[
                ctx.Link(self.project.briefings[r].title, Markup(f"{r}.md"))
                for r in self.knowledge.related.get(briefing_id, [])
            ],
            summary=self.markdown(("briefing", briefing_id), ("summary",), briefing.summary),
            key_judgments=[
                ctx.JudgmentView(
                    statement=j.statement,
                    likelihood=LIKELIHOOD[j.likelihood][0] if j.likelihood else None,
                    likelihood_range=LIKELIHOOD[j.likelihood][1] if j.likelihood else None,
                    confidence=j.confidence.capitalize(),
                    basis=[ctx.Link(titles[b], Markup(f"#event-{b}")) for b in j.basis],
                )
                for j in briefing.key_judgments
            ],
            events=events,
            actors=self.briefing_actors(briefing),
            sources=[
                self.source_view(briefing_id, i, s, sources, supports.get(s.id, []))
                for i, s in enumerate(briefing.sources)
            ],
            assessment=assess(briefing, sources, order),
            timeline=build_timeline(
                events, f"Timeline of the {len(events)} events in this briefing",
                page=briefing_file(briefing_id), directory_urls=self.directory_urls,
            ),
            revisions=revision_views.revisions_section(
                self.revisions.get(briefing_id, []), briefing, LIKELIHOOD, self.history_note
            ),
            map=briefing_map(
                [(briefing.events[i], view.title, view.date.text, f"#{view.anchor}") for i, view in zip(order, events)],
                f"map-{briefing_id}", f"Map of the events in {briefing.title}",
            ),
            data=exported.briefing_data_links(briefing_id),
        )

    def briefing_actors(self, briefing: Briefing) -> list[ctx.ActorRow]:
        involved = dict.fromkeys(briefing.actors)
        for event in briefing.events:
            involved.update(dict.fromkeys(event.actors))
        rows = [
            self.actor_row(a, "../", role=briefing.actors.get(a))
            for a in involved
            if a in self.project.actors
        ]
        return sorted(rows, key=_by_name_in_use)

    def actor_row(self, actor_id: str, base: str, role: str | None = None) -> ctx.ActorRow:
        actor = self.project.actors[actor_id]
        return ctx.ActorRow(
            id=actor_id,
            name=actor.name,
            short_name=actor.short_name,
            kind_label=self.actor_kinds.get(actor.kind, actor.kind),
            country=country_name(actor.country) if actor.country else None,
            link=Markup(f"{base}actors/{actor_id}.md"),
            role=role,
            events=len(self.knowledge.by_actor.get(actor_id, [])),
        )

    def event_view(
        self, briefing_id: str, briefing: Briefing, event: Event, index: int, *, base: str, local: bool
    ) -> ctx.EventView:
        page = "" if local else f"{base}briefings/{briefing_id}.md"
        facts = self._event_facts(briefing, event)
        return ctx.EventView(
            id=event.id,
            anchor=f"event-{event.id}",
            title=event.title,
            date=facts.date,
            date_note=event.date_note,
            type_label=facts.type_label,
            location=facts.location,
            # Lists of events across briefings show no descriptions: render them only where shown.
            description=(
                self.markdown(("briefing", briefing_id), ("events", index, "description"), event.description)
                if event.description and local
                else None
            ),
            actors=[self.actor_link(a, base) for a in event.actors if a in self.project.actors],
            sources=[
                ctx.SourceLink(
                    facts.source_names.get(s, s), Markup(f"{page}#source-{s}"), *facts.source_grades.get(s, (None, None))
                )
                for s in event.sources
            ],
            casualties=facts.casualties,
            marking=facts.marking,
            briefing=None if local else ctx.Link(briefing.title, Markup(page)),
            link=Markup(f"{page}#event-{event.id}"),
        )

    def _event_facts(self, briefing: Briefing, event: Event) -> _EventFacts:
        """What an event's views share wherever it is listed: worked out once per event."""
        facts = self._facts.get(id(event))
        if facts is not None:
            return facts
        location = None
        if event.location is not None:
            location = event.location.name
            if event.location.country:
                location += f", {country_name(event.location.country)}"
            if event.location.lat is not None and event.location.lon is not None:
                location += " · " + coordinates_text(event.location.lat, event.location.lon, event.location.precision)
            elif event.location.precision in ("near", "region"):
                location += f" ({event.location.precision == 'near' and 'approximate' or 'region'})"
        casualties = None
        if event.casualties is not None:
            parts = []
            if event.casualties.killed is not None:
                parts.append(f"{event.casualties.killed} killed")
            if event.casualties.injured is not None:
                parts.append(f"{event.casualties.injured} injured")
            casualties = ", ".join(parts) or None
        marking = effective_marking(briefing, event)
        facts = self._facts[id(event)] = _EventFacts(
            date=self.date_view(event.date),
            type_label=self.event_types.get(event.type, event.type),
            location=location,
            casualties=casualties,
            marking=marking if marking is not briefing.marking else None,
            source_names=self._source_names(briefing),
            source_grades=self._source_grades(briefing),
        )
        return facts

    def _source_names(self, briefing: Briefing) -> dict[str, str]:
        names = self._briefing_source_names.get(id(briefing))
        if names is None:
            names = self._briefing_source_names[id(briefing)] = {
                source.id: self.source_name(source) for source in reversed(briefing.sources)
            }
        return names

    def _source_grades(self, briefing: Briefing) -> dict[str, tuple[str, str | None]]:
        """Each graded source's Admiralty grade ('F2') and its words, shown beside the claims it supports."""
        grades = self._briefing_source_grades.get(id(briefing))
        if grades is None:
            grades = self._briefing_source_grades[id(briefing)] = {
                source.id: (grade, grade_words(source.reliability, source.credibility))
                for source in reversed(briefing.sources)
                if (grade := f"{source.reliability or ''}{source.credibility or ''}")
            }
        return grades

    def actor_link(self, actor_id: str, base: str) -> ctx.Link:
        key = (actor_id, base)
        link = self._actor_links.get(key)
        if link is None:
            link = self._actor_links[key] = ctx.Link(self.actor_label(actor_id), Markup(f"{base}actors/{actor_id}.md"))
        return link

    def actor_label(self, actor_id: str) -> str:
        actor = self.project.actors[actor_id]
        return actor.short_name or actor.name

    def date_view(self, date: EdtfDate) -> ctx.DateView:
        view = self._dates.get(date.text)
        if view is None:
            view = self._dates[date.text] = self._date_view(date)
        return view

    def _date_view(self, date: EdtfDate) -> ctx.DateView:
        return ctx.DateView(
            text=date.display(),
            iso=Markup(date.lower.isoformat()),
            lower=date.lower,
            upper=date.upper,
            uncertain=date.is_uncertain,
            approximate=date.is_approximate,
            span=date.span_days > 31,
            edtf=date.text,
        )

    def source_name(self, source: Source) -> str:
        kind = source.kind or ""
        return source.title or source.publisher or self.source_kinds.get(kind, kind)

    def source_view(
        self, briefing_id: str, index: int, source: Source, sources: dict[str, Source], supports: list[ctx.Link]
    ) -> ctx.SourceView:
        chain = self.source_name(source)
        if source.kind == "anonymous":
            chain += " (anonymous)"
        upstream_ids = via_chain(source.id, sources).ids[1:]
        for upstream_id in upstream_ids:
            upstream = sources[upstream_id]
            chain += f", via {upstream.publisher or self.source_name(upstream)}"
        grade = f"{source.reliability or ''}{source.credibility or ''}" or None
        grade_text = grade_words(source.reliability, source.credibility)
        outlet = self.project.outlets.get(source.outlet) if source.outlet else None
        grade_origin = None
        if outlet is not None:
            if overridden(source, self.project.outlets):
                grade_origin = f"reliability graded here, not as in the source registry ({outlet.reliability})"
                if source.reliability_note:
                    grade_origin += f": {source.reliability_note}"
            else:
                grade_origin = "reliability from the source registry"
        return ctx.SourceView(
            id=source.id,
            anchor=f"source-{source.id}",
            name=self.source_name(source),
            kind_label=self.source_kinds.get(source.kind or "", source.kind or ""),
            publisher=source.publisher,
            date=source.date.display() if source.date else None,
            url=source.url,
            # "Reached us" is only worth saying when the source came through others (a `via` chain).
            chain=chain if upstream_ids else None,
            grade=grade,
            grade_text=grade_text,
            count=source.count,
            description=(
                self.markdown(("briefing", briefing_id), ("sources", index, "description"), source.description)
                if source.description
                else None
            ),
            supports=supports,
            outlet=ctx.Link(outlet.name, Markup(f"../sources/{outlet.id}.md")) if outlet else None,
            grade_origin=grade_origin,
        )

    def markdown(self, owner: tuple[str, str], path: FieldPath, value: str) -> Markup:
        # Problems in Markdown fields were reported by validation (briefing.fieldcheck).
        del owner, path
        return Markup(markdown(value))

    def tag_link(self, tag: str, base: str) -> ctx.Link:
        return ctx.Link(tag, Markup(base + Archive.tag_path(tag)))

    # -- the knowledge layer ---------------------------------------------------------------

    def global_event(self, appearance: Appearance) -> ctx.EventView:
        """An event as listed on actor pages and the chronology (built once, shared).

        Both page kinds sit one folder deep, so the same relative links serve both.
        """
        key = (appearance.briefing_id, appearance.index)
        view = self._global_events.get(key)
        if view is None:
            view = self.event_view(
                appearance.briefing_id, appearance.briefing, appearance.event, appearance.index,
                base="../", local=False,
            )
            self._global_events[key] = view
        return view

    def actor_page(self, actor_id: str, actor: Actor) -> ctx.ActorPage:
        history = self.archive.actor_years(actor_id)
        appearances = self.knowledge.by_actor.get(actor_id, [])
        briefing_ids = self.knowledge.briefings_by_actor.get(actor_id, [])
        markings = [effective_marking(a.briefing, a.event) for a in appearances]
        markings += [self.project.briefings[b].marking for b in briefing_ids]
        description = None
        if actor.description:
            description = self.markdown(("actor", actor_id), ("description",), actor.description)
        return ctx.ActorPage(
            id=actor_id,
            name=actor.name,
            short_name=actor.short_name,
            kind_label=self.actor_kinds.get(actor.kind, actor.kind),
            country=country_name(actor.country) if actor.country else None,
            description=description,
            native_names=[
                ctx.NativeName(lang, text_direction(name), name) for lang, name in actor.native_names.items()
            ],
            aliases=list(actor.aliases),
            member_of=[
                ctx.Link(self.project.actors[a].name, Markup(f"{a}.md"))
                for a in actor.affiliations
                if a in self.project.actors
            ],
            members=[
                ctx.Link(self.project.actors[a].name, Markup(f"{a}.md"))
                for a in sorted(self.knowledge.members.get(actor_id, []))
                if a in self.project.actors
            ],
            events=[],
            history=history,
            briefings=[
                ctx.Link(self.project.briefings[b].title, Markup(f"../briefings/{b}.md"))
                for b in self.latest(briefing_ids)[:ACTOR_BRIEFINGS_LIMIT]
            ],
            more_briefings=max(0, len(briefing_ids) - ACTOR_BRIEFINGS_LIMIT),
            marking=max(markings, key=lambda m: m.rank, default=Marking.CLEAR),
            map=self.events_map(
                history.shown, [self.global_event(a) for a in history.shown],
                f"map-{actor_id}", f"Map of the events involving {actor.name}", page=actor_file(actor_id),
            ),
            feed=exported.actor_feed_link(actor_id),
            feed_path=exported.actor_feed_link(actor_id, base=""),
        )

    def events_map(
        self, appearances: list[Appearance], views: list[ctx.EventView], map_id: str, label: str, page: str
    ) -> Markup | None:
        """The map of the events listed on the page ``page`` (``views``: their views there, whose
        links are relative to it), numbered in list order. Its links are raw HTML, so URLs
        (:mod:`briefing.render.addresses`)."""
        return briefing_map(
            [
                (a.event, v.title, v.date.text, html_href(page, v.link or "", self.directory_urls))
                for a, v in zip(appearances, views, strict=True)
            ],
            map_id, label,
        )

    def actors_by_kind(self) -> dict[str, list[str]]:
        """Every actor id by kind: kinds in the vocabulary's order, actors by the name in use."""
        by_kind: dict[str, list[str]] = defaultdict(list)
        for actor_id in sorted(self.project.actors, key=lambda a: _by_name_in_use(self.project.actors[a])):
            by_kind[self.project.actors[actor_id].kind].append(actor_id)
        order = list(self.actor_kinds)
        return {k: by_kind[k] for k in sorted(by_kind, key=lambda k: order.index(k) if k in order else len(order))}

    def actors_index(self) -> ctx.ActorsIndex:
        groups = []
        for kind, ids in self.actors_by_kind().items():
            label = self.actor_kinds.get(kind, kind)
            pages = self.archive.kind_pages.get(kind)
            if pages is None:
                groups.append(ctx.ActorGroup(label, [self.actor_row(a, "../") for a in ids]))
            else:  # a kind too large for this page is listed on pages of its own
                groups.append(ctx.ActorGroup(label, [], count=len(ids), pages=pages))
        return ctx.ActorsIndex(groups=groups, total=len(self.project.actors))

    def chronology_page(self) -> object:
        """The chronology's overview (the years' pages: :mod:`briefing.render.archive`)."""
        return self.archive.chronology_overview()

    def briefing_row(self, briefing_id: str, base: str) -> ctx.BriefingRow:
        briefing = self.project.briefings[briefing_id]
        return ctx.BriefingRow(
            id=briefing_id,
            title=briefing.title,
            link=Markup(f"{base}briefings/{briefing_id}.md"),
            as_of=briefing.as_of.display(),
            regions=[country_name(r) for r in briefing.regions],
            tags=[self.tag_link(t, base) for t in briefing.tags],
            marking=briefing.marking,
            status=briefing.status,
            events=len(briefing.events),
        )

    def _latest_first(self) -> list[str]:
        return sorted(
            self.project.briefings,
            key=lambda b: (self.project.briefings[b].as_of.upper, self.project.briefings[b].as_of.lower, b),
            reverse=True,
        )

    def latest(self, briefing_ids: list[str]) -> list[str]:
        """``briefing_ids``, latest first (as on the briefings' pages)."""
        return sorted(
            briefing_ids,
            key=lambda b: (self.project.briefings[b].as_of.upper, self.project.briefings[b].as_of.lower, b),
            reverse=True,
        )

    def briefings_index(self) -> object:
        return self.archive.briefings_overview()

    def tags_page(self) -> object:
        return self.archive.tags_overview()

    # -- the source registry and revisions --------------------------------------------------

    @functools.cached_property
    def outlet_index(self) -> outlets.OutletIndex:
        return outlets.index_outlets(self)

    def outlet_page(self, outlet_id: str) -> outlets.OutletPage:
        return outlets.outlet_page(self, self.outlet_index, outlet_id, self.project.outlets[outlet_id])

    def sources_index(self) -> outlets.SourcesIndex:
        return outlets.sources_index(self, self.outlet_index)

    def changes_page(self) -> revision_views.ChangesPage:
        return revision_views.changes_page(self.revisions, self.project.briefings, LIKELIHOOD, self.history_note)

    def data_page(self) -> ctx.DataPage:
        return exported.data_page(self.project, self.profile)

    def home_page(self) -> ctx.HomePage:
        return ctx.HomePage(
            latest=[self.briefing_row(b, "") for b in self._latest_first()[:LATEST_ON_HOME]],
            briefings=len(self.project.briefings),
            events=len(self.knowledge.events),
            actors=len(self.project.actors),
            profile=self.profile.describe(),
        )
