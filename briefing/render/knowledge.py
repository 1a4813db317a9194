"""Indexes across briefings: appearances, affiliations, tags, relations, chronology.

Built once per build from the (already filtered) project, in time linear in
the number of events, so every page can look things up instead of scanning.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from briefing.model import Briefing, Event, Project


@dataclass(slots=True)
class Appearance:
    """One event of one briefing, with its position for a stable order."""

    briefing_id: str
    briefing: Briefing
    event: Event
    index: int

    @property
    def sort_key(self) -> tuple[dt.date, dt.date, str, int]:
        return (self.event.date.lower, self.event.date.upper, self.briefing_id, self.index)


@dataclass
class Knowledge:
    """What readers follow across briefings."""

    events: list[Appearance] = field(default_factory=list)
    by_actor: dict[str, list[Appearance]] = field(default_factory=lambda: defaultdict(list))
    briefings_by_actor: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    members: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    by_tag: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    related: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))


def build_knowledge(project: Project) -> Knowledge:
    knowledge = Knowledge()
    for briefing_id, briefing in project.briefings.items():
        actors_here: dict[str, None] = dict.fromkeys(briefing.actors)
        for index, event in enumerate(briefing.events):
            appearance = Appearance(briefing_id, briefing, event, index)
            knowledge.events.append(appearance)
            for actor_id in dict.fromkeys(event.actors):
                knowledge.by_actor[actor_id].append(appearance)
                actors_here[actor_id] = None
        for actor_id in actors_here:
            knowledge.briefings_by_actor[actor_id].append(briefing_id)
        for tag in dict.fromkeys(briefing.tags):
            knowledge.by_tag[tag].append(briefing_id)
        for other in briefing.related:
            _add_once(knowledge.related[briefing_id], other)
            _add_once(knowledge.related[other], briefing_id)
    for actor_id, actor in project.actors.items():
        for parent in actor.affiliations:
            knowledge.members[parent].append(actor_id)
    knowledge.events.sort(key=lambda a: a.sort_key)
    for appearances in knowledge.by_actor.values():
        appearances.sort(key=lambda a: a.sort_key)
    for related in knowledge.related.values():
        related.sort()
    return knowledge


def _add_once(items: list[str], item: str) -> None:
    if item not in items:
        items.append(item)
