"""Pages of the source registry: ``sources/index.md`` and ``sources/<id>.md``.

Built from the filtered project like every other page: an outlet's page lists
only the visible briefings' reports of it and the visible events that rest on
them, so a build never shows a report or event above its profile.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from markupsafe import Markup

from briefing.markings import Marking
from briefing.model import RELIABILITY, Briefing, Outlet, Source, country_name, via_chain
from briefing.profile import effective_marking
from briefing.registry import overridden
from briefing.render.context import EventView, Link

if TYPE_CHECKING:
    from briefing.render.knowledge import Appearance
    from briefing.render.views import Views


@dataclass(slots=True)
class OutletReport:
    """One briefing's report of a registry source."""

    title: str
    date: str | None
    briefing: Link
    """The report in its briefing's sourcing notes."""
    grade: str | None
    override: str | None
    """The briefing's reason for grading reliability differently, if it does."""


@dataclass(slots=True)
class OutletPage:
    """``sources/<id>.md``: a registry source, its grade, and what rests on it."""

    id: str
    name: str
    kind_label: str
    publisher: str | None
    country: str | None
    url: str | None
    reliability: str
    reliability_text: str
    reliability_note: Markup
    description: Markup | None
    reports: list[OutletReport]
    """In date order (report date, then the briefing's as-of date)."""
    events: list[EventView]
    """The events resting on it (directly or through a ``via`` chain), in date order."""
    marking: Marking


@dataclass(slots=True)
class OutletRow:
    name: str
    link: Markup
    kind_label: str
    reliability: str
    reports: int


@dataclass(slots=True)
class SourcesIndex:
    """``sources/index.md``: the source registry."""

    outlets: list[OutletRow]


def outlet_of(source: Source, sources: dict[str, Source]) -> str | None:
    """The first registry source along ``source``'s ``via`` chain (itself included), if any."""
    for source_id in via_chain(source.id, sources).ids:
        if sources[source_id].outlet is not None:
            return sources[source_id].outlet
    return None


@dataclass
class OutletIndex:
    """Which reports and events rest on each outlet: one pass over the visible briefings."""

    reports: dict[str, list[tuple[str, int, Source]]]
    events: dict[str, list[Appearance]]


def index_outlets(renderer: Views) -> OutletIndex:
    project = renderer.project
    reports: dict[str, list[tuple[str, int, Source]]] = {o: [] for o in project.outlets}
    for briefing_id, briefing in project.briefings.items():
        for i, source in enumerate(briefing.sources):
            if source.outlet in reports:
                reports[source.outlet].append((briefing_id, i, source))
    events: dict[str, list[Appearance]] = {o: [] for o in project.outlets}
    outlets_by_briefing: dict[str, dict[str, str | None]] = {}
    for appearance in renderer.knowledge.events:  # already in date order
        briefing = appearance.briefing
        resolved = outlets_by_briefing.get(appearance.briefing_id)
        if resolved is None:
            sources = {s.id: s for s in briefing.sources}
            resolved = outlets_by_briefing[appearance.briefing_id] = {
                s.id: outlet_of(s, sources) for s in briefing.sources
            }
        for outlet_id in dict.fromkeys(resolved.get(s) for s in appearance.event.sources):
            if outlet_id in events:
                events[outlet_id].append(appearance)
    return OutletIndex(reports, events)


def _report_order(project_briefings: dict[str, Briefing], item: tuple[str, int, Source]) -> tuple[object, ...]:
    briefing_id, index, source = item
    as_of = project_briefings[briefing_id].as_of
    date = source.date.sort_key if source.date else as_of.sort_key
    return (*date, *as_of.sort_key, briefing_id, index)


def outlet_page(renderer: Views, index: OutletIndex, outlet_id: str, outlet: Outlet) -> OutletPage:
    project = renderer.project
    reports = []
    markings = []
    for briefing_id, _, source in sorted(index.reports[outlet_id], key=lambda r: _report_order(project.briefings, r)):
        briefing = project.briefings[briefing_id]
        markings.append(briefing.marking)
        grade = f"{source.reliability or ''}{source.credibility or ''}" or None
        reports.append(
            OutletReport(
                title=source.title or outlet.name,
                date=source.date.display() if source.date else None,
                briefing=Link(briefing.title, Markup(f"../briefings/{briefing_id}.md#source-{source.id}")),
                grade=grade,
                override=source.reliability_note if overridden(source, project.outlets) else None,
            )
        )
    events = index.events[outlet_id]
    markings += [effective_marking(a.briefing, a.event) for a in events]
    description = None
    if outlet.description:
        description = renderer.markdown(("outlet", outlet_id), ("description",), outlet.description)
    return OutletPage(
        id=outlet_id,
        name=outlet.name,
        kind_label=renderer.source_kinds.get(outlet.kind, outlet.kind),
        publisher=outlet.publisher,
        country=country_name(outlet.country) if outlet.country else None,
        url=outlet.url,
        reliability=outlet.reliability,
        reliability_text=RELIABILITY[outlet.reliability],
        reliability_note=renderer.markdown(("outlet", outlet_id), ("reliability_note",), outlet.reliability_note),
        description=description,
        reports=reports,
        events=[renderer.global_event(a) for a in events],
        marking=max(markings, key=lambda m: m.rank, default=Marking.CLEAR),
    )


def sources_index(renderer: Views, index: OutletIndex) -> SourcesIndex:
    rows = [
        OutletRow(
            name=outlet.name,
            link=Markup(f"{outlet_id}.md"),
            kind_label=renderer.source_kinds.get(outlet.kind, outlet.kind),
            reliability=outlet.reliability,
            reports=len(index.reports[outlet_id]),
        )
        for outlet_id, outlet in renderer.project.outlets.items()
    ]
    return SourcesIndex(sorted(rows, key=lambda r: r.name.casefold()))
