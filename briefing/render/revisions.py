"""Views of briefings' revisions: the "Revisions" section of a briefing and ``changes/index.md``.

The revisions come from :mod:`briefing.history`, already filtered by the build
profile; this module only puts them into words and links.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from markupsafe import Markup

from briefing.dates import MONTHS
from briefing.history import Revision
from briefing.model import Briefing
from briefing.render.context import Link

#: How many revisions ``/changes/`` lists, newest first.
LATEST_CHANGES = 50


@dataclass(slots=True)
class JudgmentChangeView:
    statement: str
    likelihood: str | None
    """'Roughly even chance → Likely' when the likelihood changed."""
    confidence: str | None
    """'Low → Moderate' when the confidence changed."""
    reworded_from: str | None
    change_note: str | None


@dataclass(slots=True)
class RevisionView:
    """One revision: when, the as-of date then, and what changed in judgments and events."""

    date: str
    """'14 July 2021', or 'Working copy' for what is not committed (or not in git)."""
    iso: Markup | None
    commit: str | None
    """The commit's short id."""
    as_of: str
    first: bool
    judgments_added: list[str]
    judgments_withdrawn: list[str]
    judgments_changed: list[JudgmentChangeView]
    events_added: list[Link]
    events_removed: list[str]
    other_only: bool
    """True when nothing but other text (summary, descriptions, sources) changed."""


@dataclass(slots=True)
class RevisionsSection:
    revisions: list[RevisionView]
    note: str | None
    """Said when there is no history at all (no git repository, no commit)."""


@dataclass(slots=True)
class ChangeEntry:
    briefing: Link
    revision: RevisionView


@dataclass(slots=True)
class ChangesPage:
    """``changes/index.md``: the latest revisions across briefings, newest first."""

    entries: list[ChangeEntry]
    total: int
    note: str | None


def _day(moment: dt.datetime) -> str:
    return f"{moment.day} {MONTHS[moment.month]} {moment.year}"


def revision_view(revision: Revision, current: Briefing, likelihoods: dict[str, tuple[str, str]], event_base: str) -> RevisionView:
    """``event_base``: the link to the briefing page ('' on the page itself) for added events."""
    shown_events = {e.id for e in current.events}

    def likelihood(value: str | None) -> str:
        return likelihoods[value][0] if value else "none"

    changed = [
        JudgmentChangeView(
            statement=c.statement,
            likelihood=f"{likelihood(c.likelihood[0])} → {likelihood(c.likelihood[1])}" if c.likelihood else None,
            confidence=f"{c.confidence[0].capitalize()} → {c.confidence[1].capitalize()}" if c.confidence else None,
            reworded_from=c.reworded_from,
            change_note=c.change_note,
        )
        for c in revision.judgments_changed
    ]
    return RevisionView(
        date=_day(revision.time) if revision.time else "Working copy",
        iso=Markup(revision.time.date().isoformat()) if revision.time else None,
        commit=revision.commit[:7] if revision.commit else None,
        as_of=revision.as_of.display(),
        first=revision.first,
        judgments_added=revision.judgments_added,
        judgments_withdrawn=revision.judgments_withdrawn,
        judgments_changed=changed,
        events_added=[
            Link(title, Markup(f"{event_base}#event-{event_id}") if event_id in shown_events else Markup(""))
            for event_id, title in revision.events_added
        ],
        events_removed=[title for _, title in revision.events_removed],
        other_only=revision.other_changes_only,
    )


def revisions_section(
    revisions: list[Revision], current: Briefing, likelihoods: dict[str, tuple[str, str]], note: str | None
) -> RevisionsSection:
    return RevisionsSection([revision_view(r, current, likelihoods, "") for r in revisions], note)


def changes_page(
    found: dict[str, list[Revision]], briefings: dict[str, Briefing], likelihoods: dict[str, tuple[str, str]], note: str | None
) -> ChangesPage:
    everything = [
        (revision, briefing_id) for briefing_id, items in found.items() if briefing_id in briefings for revision in items
    ]
    # The working copy first, then newest first; ties by briefing id for a stable page.
    far = dt.datetime.max.replace(tzinfo=dt.UTC)
    everything.sort(key=lambda item: (-(item[0].time or far).timestamp(), item[1]))
    entries = [
        ChangeEntry(
            briefing=Link(briefings[briefing_id].title, Markup(f"../briefings/{briefing_id}.md")),
            revision=revision_view(revision, briefings[briefing_id], likelihoods, f"../briefings/{briefing_id}.md"),
        )
        for revision, briefing_id in everything[:LATEST_CHANGES]
    ]
    return ChangesPage(entries, len(everything), note)
