"""Build profiles: what one build may show, decided once, on the model.

Filtering happens here and only here, before anything is rendered, so no
page, search entry, sitemap line or count can mention what a profile leaves
out: it simply is not in the model that rendering sees.

Rules (``content-format.md``, "Markings"):

* A briefing above the profile's marking, or a draft when drafts are off, is absent.
* An event's effective marking is the higher of its own and its briefing's;
  an event above the profile is absent from everything.
* A source is kept when a kept event uses it (directly or through a ``via``
  chain), or when no event at all uses it. A source used only by removed
  events is absent.
* A key judgment keeps only its visible basis events. A judgment whose basis
  was non-empty and is now entirely removed is dropped: it was drawn from
  restricted reporting, and showing it would publish the restricted assessment.
* An actor is shown only when it has a visible appearance (an event, or a
  role note in a visible briefing). Affiliations to hidden actors are removed.
* Related briefings, tags and counts follow from what is left.
"""

from __future__ import annotations

from dataclasses import dataclass

from briefing.markings import Marking
from briefing.model import Briefing, Event, Project, Source, via_chain


@dataclass(frozen=True)
class Profile:
    """The most restricted marking a build may show, and whether drafts are in."""

    max_marking: Marking = Marking.CLEAR
    drafts: bool = False

    def allows(self, marking: Marking) -> bool:
        return marking.rank <= self.max_marking.rank

    def describe(self) -> str:
        """A line for the home page, e.g. 'Public build: TLP:CLEAR only'."""
        if self.max_marking is Marking.CLEAR:
            text = "Public build: TLP:CLEAR only"
        else:
            text = f"Restricted build: up to {self.max_marking.value}"
        return text + (", drafts included" if self.drafts else "")


def left_out(briefing: Briefing, profile: Profile) -> str | None:
    """Why ``profile`` leaves ``briefing`` out: ``"marking"``, ``"draft"``, or None when it is shown."""
    if not profile.allows(briefing.marking):
        return "marking"
    if briefing.status == "draft" and not profile.drafts:
        return "draft"
    return None


def effective_marking(briefing: Briefing, event: Event) -> Marking:
    if event.marking is None or event.marking.rank < briefing.marking.rank:
        return briefing.marking
    return event.marking


def apply(project: Project, profile: Profile) -> Project:
    """A copy of ``project`` holding only what ``profile`` may show."""
    briefings: dict[str, Briefing] = {}
    for briefing_id, briefing in project.briefings.items():
        shown = visible_briefing(briefing, profile)
        if shown is not None:
            briefings[briefing_id] = shown

    appearing: set[str] = set()
    for briefing in briefings.values():
        appearing.update(briefing.actors)
        for event in briefing.events:
            appearing.update(event.actors)
    actors = {
        actor_id: actor.model_copy(
            update={"affiliations": [a for a in actor.affiliations if a in appearing]}
        )
        for actor_id, actor in project.actors.items()
        if actor_id in appearing
    }
    briefings = {
        briefing_id: briefing.model_copy(
            update={"related": [r for r in briefing.related if r in briefings]}
        )
        for briefing_id, briefing in briefings.items()
    }
    cited = {s.outlet for b in briefings.values() for s in b.sources if s.outlet}
    return Project(
        briefings=briefings,
        actors=actors,
        vocabularies=project.vocabularies,
        briefing_files=project.briefing_files,
        actor_files=project.actor_files,
        # A registry entry is published only where a shown briefing cites it: one that
        # only restricted briefings use would tell readers of this profile what they rest on.
        outlets={outlet_id: outlet for outlet_id, outlet in project.outlets.items() if outlet_id in cited},
        outlet_files=project.outlet_files,
    )


def visible_briefing(briefing: Briefing, profile: Profile) -> Briefing | None:
    """What ``profile`` may show of one briefing (any version of it, past ones too), or None."""
    if left_out(briefing, profile) is not None:
        return None
    return _filter_briefing(briefing, profile)


def _filter_briefing(briefing: Briefing, profile: Profile) -> Briefing:
    events = [e for e in briefing.events if profile.allows(effective_marking(briefing, e))]
    visible_events = {e.id for e in events}

    sources = {s.id: s for s in briefing.sources}
    used_by_any = _sources_reached(briefing.events, sources)
    used_by_visible = _sources_reached(events, sources)
    kept_sources = [s for s in briefing.sources if s.id in used_by_visible or s.id not in used_by_any]

    judgments = []
    for judgment in briefing.key_judgments:
        basis = [b for b in judgment.basis if b in visible_events]
        if judgment.basis and not basis:
            continue
        judgments.append(judgment.model_copy(update={"basis": basis}))

    appearing = {a for e in events for a in e.actors}
    role_notes = {
        actor_id: note
        for actor_id, note in briefing.actors.items()
        # A role note alone is an appearance only when the briefing still shows events
        # of that actor or the note was never tied to removed events.
        if actor_id in appearing or not _only_in_removed(actor_id, briefing, visible_events)
    }
    return briefing.model_copy(
        update={
            "events": events,
            "sources": kept_sources,
            "key_judgments": judgments,
            "actors": role_notes,
        }
    )


def _only_in_removed(actor_id: str, briefing: Briefing, visible_events: set[str]) -> bool:
    """True when every event of ``actor_id`` in the briefing was removed (and there was one)."""
    events = [e for e in briefing.events if actor_id in e.actors]
    return bool(events) and all(e.id not in visible_events for e in events)


def _sources_reached(events: list[Event], sources: dict[str, Source]) -> set[str]:
    reached: set[str] = set()
    for event in events:
        for source_id in event.sources:
            if source_id in sources:
                reached.update(via_chain(source_id, sources).ids)
    return reached
