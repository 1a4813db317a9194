"""The source registry: outlets graded once (``content/sources/*.yaml``), reports graded per briefing.

In the Admiralty system reliability belongs to the source and credibility to
each piece of information. A registry entry (an :class:`~briefing.model.Outlet`)
carries the reliability grade and the note on why; a briefing's source that
names it with ``outlet:`` is one report of it and gives only the report's
fields (date, url, title, ``via``, credibility, description).

This module checks those references and resolves them: after
:func:`resolve`, a source with ``outlet`` has the outlet's kind, publisher and
reliability (unless it overrides the reliability, which needs a
``reliability_note`` saying why). It also finds a publisher graded differently
across briefings. Registry entries are shared by every build, whatever its
marking: they must hold nothing restricted (briefings that use them do).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from typing import TYPE_CHECKING

from briefing.model import Briefing, Outlet, Source

if TYPE_CHECKING:
    from briefing.model import Project
    from briefing.validate import _Reporter

#: Fields a report of a registry source may not set: they come from the registry.
REGISTRY_FIELDS = ("kind", "publisher")


def check(project: Project, reporter: Callable[[str], _Reporter]) -> None:
    """Report unknown outlets, fields that belong to the registry, and unexplained overrides."""
    names: dict[str, list[str | None]] = {o: [outlet.name] for o, outlet in project.outlets.items()}
    for briefing_id, briefing in project.briefings.items():
        report = reporter(briefing_id)
        for i, source in enumerate(briefing.sources):
            if source.outlet is None:
                if source.kind is None:
                    report.error(
                        ("sources", i),
                        f"source '{source.id}' needs a 'kind', or an 'outlet' from the source registry (content/sources/)",
                    )
                continue
            if not report.unknown(("sources", i, "outlet"), source.outlet, names, "outlet"):
                continue
            outlet = project.outlets[source.outlet]
            for name in REGISTRY_FIELDS:
                if getattr(source, name) is not None:
                    report.error(
                        ("sources", i, name),
                        f"'{name}' comes from the source registry (outlet '{outlet.id}'); remove it here",
                    )
            if source.reliability is not None and source.reliability_note is None:
                report.warning(
                    ("sources", i, "reliability"),
                    f"overrides the registry's reliability of '{outlet.id}' ({outlet.reliability}) without "
                    "a reason; add 'reliability_note' saying why, or remove 'reliability'",
                )


def resolve(project: Project) -> None:
    """Fill each registry report with its outlet's kind, publisher and reliability (in place)."""
    for briefing_id, briefing in project.briefings.items():
        project.briefings[briefing_id] = resolve_briefing(briefing, project.outlets)


def resolve_briefing(briefing: Briefing, outlets: dict[str, Outlet]) -> Briefing:
    """``briefing`` with its registry reports filled in from ``outlets`` (itself if it has none)."""
    if not any(s.outlet in outlets for s in briefing.sources):
        return briefing
    return briefing.model_copy(update={"sources": [_resolved(s, outlets) for s in briefing.sources]})


def _resolved(source: Source, outlets: dict[str, Outlet]) -> Source:
    outlet = outlets.get(source.outlet) if source.outlet else None
    if outlet is None:
        return source
    update: dict[str, object] = {"kind": outlet.kind, "publisher": outlet.publisher or outlet.name}
    if source.reliability is None:
        update["reliability"] = outlet.reliability
    return source.model_copy(update=update)


def overridden(source: Source, outlets: dict[str, Outlet]) -> bool:
    """True when a (resolved) registry report grades reliability differently from its outlet."""
    outlet = outlets.get(source.outlet) if source.outlet else None
    return outlet is not None and source.reliability != outlet.reliability


def check_consistent_grades(project: Project, reporter: Callable[[str], _Reporter]) -> None:
    """Warn where one publisher is graded differently across briefings without a reason.

    Sources of the registry count with their outlet's grade; a source that
    explains its grade (``reliability_note``) is left alone.
    """
    registry: dict[str, Outlet] = {}
    for outlet in project.outlets.values():
        for name in {outlet.name, outlet.publisher or outlet.name}:
            registry.setdefault(name.casefold(), outlet)
    graded: dict[str, list[tuple[str, int, Source]]] = defaultdict(list)
    for briefing_id, briefing in project.briefings.items():
        for i, source in enumerate(briefing.sources):
            if source.outlet is None and source.publisher and source.reliability and not source.reliability_note:
                graded[source.publisher.casefold()].append((briefing_id, i, source))
    for key, uses in graded.items():
        known = registry.get(key)
        grades = {s.reliability for _, _, s in uses} | ({known.reliability} if known else set())
        if len(grades) < 2:
            continue
        for briefing_id, i, source in uses:
            others = sorted(
                f"{g} in {_where(project, b, j)}"
                for b, j, other in uses
                if (g := other.reliability) != source.reliability
            )
            if known is not None and known.reliability != source.reliability:
                others.insert(0, f"{known.reliability} in the source registry")
            if not others:
                continue
            hint = (
                f"refer to the registry with 'outlet: {known.id}'"
                if known is not None
                else "grade it once in the source registry (content/sources/) and refer to it with 'outlet:'"
            )
            reporter(briefing_id).warning(
                ("sources", i, "reliability"),
                f"publisher '{source.publisher}' is graded {source.reliability} here but "
                f"{'; '.join(others)}; {hint}, or give 'reliability_note' saying why",
            )


def _where(project: Project, briefing_id: str, index: int) -> str:
    document = project.briefing_files[briefing_id]
    return f"{document.path}:{document.mark(('sources', index, 'reliability')).line}"


def reports_of(briefing: Briefing, outlet_id: str) -> list[Source]:
    """The sources of ``briefing`` that are reports of ``outlet_id``."""
    return [s for s in briefing.sources if s.outlet == outlet_id]
