"""TimelineJS3 JSON, one file per briefing (https://timeline.knightlab.com/docs/json-format.html).

Load it into TimelineJS as it is: ``new TL.Timeline(id, "…/<id>.timeline.json")``.
TimelineJS shows ``headline`` and ``text`` as HTML, so plain-text fields are
HTML-escaped and Markdown fields go through the site's sanitiser.
"""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Iterator
from functools import partial
from typing import Any

from briefing.dates import EdtfDate
from briefing.export import facts
from briefing.export.facts import ExportOptions
from briefing.model import Briefing, Project
from briefing.profile import effective_marking


def _date(day: dt.date, display: str | None = None) -> dict[str, Any]:
    out: dict[str, Any] = {"year": day.year, "month": day.month, "day": day.day}
    if display is not None:
        out["display_date"] = display
    return out


def _dates(date: EdtfDate) -> dict[str, Any]:
    """``start_date`` (and ``end_date`` for a span) from the EDTF bounds, shown as the site writes the date."""
    out = {"start_date": _date(date.lower, date.display())}
    if date.upper != date.lower:
        out["end_date"] = _date(date.upper)
    return out


def timeline(project: Project, options: ExportOptions, briefing_id: str, briefing: Briefing) -> dict[str, Any]:
    vocab = project.vocabularies
    event_types = vocab.event_types if vocab else {}
    events = []
    for event in facts.events_in_order(briefing):
        parts = [f"<p>{html.escape(event_types.get(event.type, event.type))}"]
        if event.location is not None:
            parts[0] += f" · {html.escape(event.location.name)}"
        marking = effective_marking(briefing, event)
        parts[0] += f" · {html.escape(marking.value)}</p>"
        if event.date_note:
            parts.append(f"<p><small>Date: {html.escape(event.date_note)}</small></p>")
        if event.description:
            parts.append(facts.html(event.description))
        actors = [project.actors[a].name for a in event.actors if a in project.actors]
        if actors:
            parts.append(f"<p>Actors: {html.escape(', '.join(actors))}</p>")
        events.append({
            **_dates(event.date),
            "text": {"headline": html.escape(event.title), "text": "".join(parts)},
            "group": event_types.get(event.type, event.type),
            "unique_id": f"event-{event.id}",
        })
    return {
        "title": {
            "text": {
                "headline": html.escape(briefing.title),
                "text": f"<p>{html.escape(briefing.marking.value)} · as of {html.escape(briefing.as_of.display())}</p>"
                + facts.html(briefing.summary),
            },
            "unique_id": f"briefing-{briefing_id}",
        },
        "events": events,
    }


def timeline_files(project: Project, options: ExportOptions, memo: facts.Memo) -> Iterator[tuple[str, bytes]]:
    from briefing.export import paths

    def one(b: str) -> bytes:
        return facts.dumps(timeline(project, options, b, project.briefings[b]))

    for b in sorted(project.briefings):
        yield paths.briefing_timeline(b), memo.briefing("timeline", b, partial(one, b))
