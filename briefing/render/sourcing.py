"""The sourcing assessment of a briefing: counts, and the events that need attention.

Four weaknesses, weakest first: no source; anonymous sources only; a single
source; a single outlet (several sources, but every chain ends at one origin).
The counts give each weakness on its own; the list names each event once, under
its weakest point, so no title is repeated. A weakness that every event shares
is a finding about the whole briefing: it is said once, and the events that
have nothing worse are not listed.
"""

from __future__ import annotations

from markupsafe import Markup

from briefing.model import Briefing, Source, via_chain
from briefing.render import context as ctx

#: (key, heading in the list), weakest first.
REASONS = (
    ("unsourced", "No source"),
    ("anonymous_only", "Anonymous sources only"),
    ("single_source", "A single source"),
    ("single_outlet", "A single outlet"),
)


def assess(briefing: Briefing, sources: dict[str, Source], order: list[int]) -> ctx.SourcingAssessment:
    """The assessment of ``briefing``'s events, taken in chronology ``order``."""

    found: dict[str, list[ctx.Link]] = {key: [] for key, _ in REASONS}
    weakest: list[tuple[str, ctx.Link]] = []
    roots: set[str] = set()
    for i in order:
        event = briefing.events[i]
        link = ctx.Link(event.title, Markup(f"#event-{event.id}"))
        ids = [s for s in dict.fromkeys(event.sources) if s in sources]
        reasons = []
        if not ids:
            reasons.append("unsourced")
        else:
            event_roots = {via_chain(s, sources).root for s in ids}
            roots |= event_roots
            if all(sources[s].kind == "anonymous" for s in ids):
                reasons.append("anonymous_only")
            if len(ids) == 1:
                reasons.append("single_source")
            if len(event_roots) == 1:
                reasons.append("single_outlet")
        for key in reasons:
            found[key].append(link)
        if reasons:
            weakest.append((min(reasons, key=[k for k, _ in REASONS].index), link))
    total = len(briefing.events)
    shared = [key for key, _ in REASONS if total and len(found[key]) == total]
    groups = [
        ctx.AttentionGroup(heading, [link for key, link in weakest if key == reason])
        for reason, heading in REASONS
        if reason not in shared
    ]
    origin = None
    if len(roots) == 1 and total:
        (only,) = roots
        origin = sources[only].title or sources[only].publisher or only if only in sources else only
    return ctx.SourcingAssessment(
        total_events=total,
        single_source=found["single_source"],
        single_outlet=found["single_outlet"],
        anonymous_only=found["anonymous_only"],
        unsourced=found["unsourced"],
        attention=[g for g in groups if g.events],
        shared=[heading for key, heading in REASONS if key in shared],
        origin=origin,
    )
