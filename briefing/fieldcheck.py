"""Validation of Markdown fields: the problems the renderer would meet, found by ``check``.

The escaper (:mod:`briefing.markdown_field`) decides what a field may do; this
module runs it over every Markdown field during validation and turns what it
reports into diagnostics with file and line. So ``briefing check`` reports
exactly what ``briefing build`` would, for every briefing (whatever the build
profile shows), and the renderer never needs to report anything.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from briefing.diagnostics import Diagnostics, FieldPath, format_path
from briefing.markdown_field import FieldProblem, problems

if TYPE_CHECKING:
    from briefing.load import Document
    from briefing.model import Actor, Briefing, Outlet, Project


def briefing_fields(briefing: Briefing) -> Iterator[tuple[FieldPath, str]]:
    """(path, text) of every Markdown field of a briefing."""
    yield ("summary",), briefing.summary
    for i, event in enumerate(briefing.events):
        if event.description:
            yield ("events", i, "description"), event.description
    for i, source in enumerate(briefing.sources):
        if source.description:
            yield ("sources", i, "description"), source.description


def actor_fields(actor: Actor) -> Iterator[tuple[FieldPath, str]]:
    """(path, text) of every Markdown field of an actor."""
    if actor.description:
        yield ("description",), actor.description


def outlet_fields(outlet: Outlet) -> Iterator[tuple[FieldPath, str]]:
    """(path, text) of every Markdown field of a registry outlet."""
    yield ("reliability_note",), outlet.reliability_note
    if outlet.description:
        yield ("description",), outlet.description


def check_markdown_fields(project: Project, diagnostics: Diagnostics) -> None:
    for briefing_id, briefing in project.briefings.items():
        document = project.briefing_files[briefing_id]
        for path, text in briefing_fields(briefing):
            _report(document, path, problems(text), diagnostics)
    for actor_id, actor in project.actors.items():
        document, index = project.actor_files[actor_id]
        for path, text in actor_fields(actor):
            _report(document, (index, *path), problems(text), diagnostics)
    for outlet_id, outlet in project.outlets.items():
        document, index = project.outlet_files[outlet_id]
        for path, text in outlet_fields(outlet):
            _report(document, (index, *path), problems(text), diagnostics)


def position(document: Document, path: FieldPath, line: int) -> tuple[int, int]:
    """Where ``line`` (0-based, in the field at ``path``) is in the file: (line, column), 1-based."""
    mark = document.mark(path)
    # A block scalar (| or >) starts on the line after its key; lines map one to one.
    return mark.line + line + (1 if mark.block else 0), 1 if (mark.block or line) else mark.column


def _report(document: Document, path: FieldPath, found: list[FieldProblem], diagnostics: Diagnostics) -> None:
    for problem in found:
        line, column = position(document, path, problem.line)
        report = diagnostics.warning if problem.kind == "link" else diagnostics.error
        report(document.path, line, column, f"{format_path(path)}: {problem.message}")
