"""The one pipeline behind every command: load -> validate -> filter -> render.

The CLI (``check``, ``render``, ``build``) and the MkDocs plugin all call
:func:`generate` (or :func:`validate` alone); nothing else strings the stages together.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import time
from collections.abc import Callable, Mapping, MutableMapping
from dataclasses import dataclass, field
from pathlib import Path

from briefing.diagnostics import Diagnostics, display_path
from briefing.history import Beside, History, Revision, check_change_notes, last_revised, read_history, revisions
from briefing.links import Site, check_links, has_links
from briefing.model import Project
from briefing.profile import Profile, apply
from briefing.published import summary
from briefing.render import TemplateProblem, render_pages
from briefing.render.template_cache import compiled_templates
from briefing.settings import Settings
from briefing.validate import load_project


@dataclass
class Generation:
    """The result of one run: the visible model, its Markdown pages, and the diagnostics."""

    diagnostics: Diagnostics
    project: Project | None = None
    pages: MutableMapping[str, str] = field(default_factory=dict)
    blocks: MutableMapping[str, str] = field(default_factory=dict)
    """Each page's maps and timelines, kept out of its Markdown (:mod:`briefing.render.blocks`)."""
    latest_as_of: dt.date | None = None
    """The latest ``as_of`` of the visible briefings: it dates a reproducible build."""
    history: History | None = None
    """The briefings' committed versions (:mod:`briefing.history`), from :func:`validate` only."""
    revisions: dict[str, list[Revision]] = field(default_factory=dict)
    """Each visible briefing's visible revisions, newest first."""
    history_note: str | None = None
    """What a build says once about history (none, or uncommitted edits)."""
    history_seconds: float = 0.0
    """Time spent reading git and working out revisions (logged by the build; measured by the bench)."""

    @property
    def last_revised(self) -> dict[str, dt.datetime]:
        """Each visible briefing's latest committed revision date (UTC), for feeds' ``updated``;
        a briefing without one (no git, never committed) is absent: use its ``as_of``."""
        return last_revised(self.revisions)
    summary: str = ""
    """What the profile publishes and leaves out, with names: for the terminal only, never the site."""

    def failed(self, strict: bool = False) -> bool:
        return self.diagnostics.failed(strict=strict)


def profile_of(settings: Settings) -> Profile:
    return Profile(max_marking=settings.max_marking, drafts=settings.drafts)


def validate(settings: Settings) -> Generation:
    """Load and validate everything (``briefing check``)."""
    project, diagnostics = load_project(
        settings.content_dir, settings.vocabularies, preview=settings.preview, drafts=settings.drafts
    )
    start = time.perf_counter()
    history = read_history(
        settings.content_dir, [Path(d.path) for d in project.briefing_files.values()], settings.cache_dir
    )
    check_change_notes(history, project, diagnostics)
    history.close()  # keeps what was worked out; reopened only if a revision needs a past version
    return Generation(
        diagnostics, project, history=history, summary=summary(project, profile_of(settings)),
        history_seconds=time.perf_counter() - start,
    )


def check(settings: Settings) -> Generation:
    """``briefing check``: validate, and resolve the links in Markdown fields against the pages
    the build would make (rendered in memory, only when some field has a relative link)."""
    result = validate(settings)
    if result.diagnostics.errors or result.project is None or not has_links(result.project):
        return result
    generated = generate(settings, result, blocks={})  # the pages as the build has them
    return dataclasses.replace(result, diagnostics=generated.diagnostics)


def site_of(
    settings: Settings, visible: Project, pages: Mapping[str, str], blocks: Mapping[str, str] | None = None
) -> Site:
    """What a build of ``visible`` publishes: its pages (and the blocks kept out of them), its exports,
    and docs_dir's pages and assets."""
    from briefing.export.paths import export_files

    site = Site(pages, blocks or {}, docs_dir=settings.docs_dir, exports=frozenset(export_files(visible)))
    if settings.markdown_extensions is not None:
        site.extensions = settings.markdown_extensions
        site.extension_configs = settings.markdown_options or {}
    return site


def generate(
    settings: Settings, validated: Generation | None = None, into: MutableMapping[str, str] | None = None,
    blocks: MutableMapping[str, str] | None = None,
    on_visible: Callable[[Project, dict[str, dt.datetime]], None] | None = None, beside: Beside | None = None,
) -> Generation:
    """Validate (unless ``validated`` is given), filter to the build profile, and render the Markdown tree
    (``into`` a mapping of the caller's, see :func:`briefing.render.render_pages`). With ``blocks``
    (a build, and ``check`` to see the same pages), maps and timelines wait there, out of the Markdown.
    ``on_visible`` is given the filtered model and each briefing's last revision date before the pages
    are rendered (a build starts writing its exports then). ``beside`` runs work in a second process
    (a build's: half of the revisions, see :func:`briefing.history.revisions`)."""
    result = validated or validate(settings)
    if result.diagnostics.errors or result.project is None:
        return result
    profile = profile_of(settings)
    visible = apply(result.project, profile)
    diagnostics = result.diagnostics

    # Problems in Markdown fields were reported by validation (briefing.fieldcheck).
    assert result.history is not None
    start = time.perf_counter()
    try:
        found = revisions(result.history, result.project, visible, profile, beside)
    finally:
        result.history.close()
    history_seconds = result.history_seconds + time.perf_counter() - start
    if on_visible is not None:
        on_visible(visible, last_revised(found))
    cache = compiled_templates(settings.cache_dir) if settings.cache_dir is not None else None
    try:
        pages = render_pages(
            visible, profile, settings.templates_dir,
            directory_urls=settings.directory_urls, bytecode_cache=cache,
            # Pages say it when there is no history at all; uncommitted edits are labelled where they show.
            revisions=found, history_note=result.history.note() if result.history.unavailable else None,
            into=into, blocks=blocks,
        )
    except TemplateProblem as problem:
        diagnostics.error(problem.path, problem.line, 1, problem.message)
        return Generation(diagnostics, visible, summary=result.summary)
    except OSError as exc:  # a template (or the templates folder) cannot be read
        where = Path(os.fsdecode(exc.filename)) if exc.filename else settings.templates_dir
        diagnostics.error(display_path(where), 1, 1, f"cannot read template: {exc.strerror or exc}")
        return Generation(diagnostics, visible, summary=result.summary)
    errors = len(diagnostics.errors)
    check_links(result.project, visible, profile, site_of(settings, visible, pages, blocks), diagnostics)
    if len(diagnostics.errors) > errors:  # a failed generation has no pages (serve keeps the last good ones)
        return Generation(diagnostics, visible, summary=result.summary)
    latest = max((b.as_of.upper for b in visible.briefings.values()), default=None)
    # The history itself (every past version) stays behind: only what the pages showed goes on.
    return Generation(
        diagnostics, visible, pages, {} if blocks is None else blocks, latest, revisions=found,
        history_note=result.history.note(),
        summary=result.summary, history_seconds=history_seconds,
    )
