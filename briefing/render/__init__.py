"""Render the filtered model into the Markdown tree: ``{src_uri: markdown}``.

:mod:`briefing.render.views` builds each page's typed view,
:mod:`briefing.render.environment` holds the Jinja2 environment, and the
templates in ``templates/`` decide what each page shows.
"""

from __future__ import annotations

from collections.abc import MutableMapping
from pathlib import Path

import jinja2

from briefing.diagnostics import display_path
from briefing.history import Revision
from briefing.model import Project
from briefing.profile import Profile
from briefing.render.addresses import actor_file, briefing_file
from briefing.render.blocks import BlockError, Blocks
from briefing.render.environment import TemplateProblem, template_environment, template_problems
from briefing.render.views import Views

__all__ = ["TemplateProblem", "render_pages"]

#: The index pages: (path, template, the Views method that builds the view).
INDEX_PAGES = {
    "home": ("index.md", "home.md.j2", "home_page"),
    "briefings": ("briefings/index.md", "briefings.md.j2", "briefings_index"),
    "actors": ("actors/index.md", "actors.md.j2", "actors_index"),
    "chronology": ("chronology/index.md", "chronology.md.j2", "chronology_page"),
    "tags": ("tags/index.md", "tags.md.j2", "tags_page"),
    "sources": ("sources/index.md", "sources.md.j2", "sources_index"),
    "changes": ("changes/index.md", "changes.md.j2", "changes_page"),
    "data": ("data/index.md", "data.md.j2", "data_page"),
}


def render_pages(
    project: Project,
    profile: Profile,
    templates_dir: Path,
    *,
    directory_urls: bool = True,
    bytecode_cache: jinja2.BytecodeCache | None = None,
    revisions: dict[str, list[Revision]] | None = None,
    history_note: str | None = None,
    into: MutableMapping[str, str] | None = None,
    blocks: MutableMapping[str, str] | None = None,
) -> MutableMapping[str, str]:
    """Render every page of the (already filtered) project, sorted by path.

    ``directory_urls`` is MkDocs' ``use_directory_urls``: links in raw HTML (the
    timelines) must be written as the site's URLs, since MkDocs rewrites only
    Markdown links. ``revisions`` are each briefing's visible revisions
    (:mod:`briefing.history`); ``history_note`` is said where there is no history.
    Pages go ``into`` a mapping of the caller's that iterates in path order
    (:class:`briefing.site.packed.Pages` keeps them packed), or a new dict.
    With ``blocks``, maps and timelines (the templates' ``|block``) stay out of the
    Markdown: each page's go into ``blocks`` (:mod:`briefing.render.blocks`).
    Raises :class:`TemplateProblem` when a template is at fault.
    """
    with template_problems(templates_dir):
        env = template_environment(templates_dir, bytecode_cache)
        stash = Blocks() if blocks is not None else None
        env.extend(briefing_blocks=stash, briefing_page=None, briefing_directory_urls=directory_urls)
        views = Views(project, profile, directory_urls, revisions or {}, history_note)
        pages: MutableMapping[str, str] = {} if into is None else into

        addresses: dict[str, str] = {}

        def put(path: str, template: jinja2.Template, page: object) -> None:
            # `a/b.md` and `a/b/index.md` are both /a/b/: two ids (say an actor `by-kind` and a kind
            # `index`) must never make one page silently replace another.
            address = path.removesuffix(".md").removesuffix("/index")
            if address in addresses:
                raise TemplateProblem(
                    display_path(templates_dir), 1,
                    f"{addresses[address]} and {path} would be published at the same address; rename one of the ids",
                )
            addresses[address] = path
            env.briefing_page = path  # type: ignore[attr-defined]  # read by the `href` filter
            markdown = pages[path] = template.render(page=page)
            if stash is not None and blocks is not None:
                try:
                    kept = stash.take(markdown)
                except BlockError as exc:
                    raise TemplateProblem(display_path(templates_dir / str(template.name)), 1, str(exc)) from None
                if kept is not None:
                    blocks[path] = kept

        briefing_template = env.get_template("briefing.md.j2")
        for briefing_id, briefing in project.briefings.items():
            put(briefing_file(briefing_id), briefing_template, views.briefing_page(briefing_id, briefing))
        actor_template = env.get_template("actor.md.j2")
        for actor_id, actor in project.actors.items():
            put(actor_file(actor_id), actor_template, views.actor_page(actor_id, actor))
        source_template = env.get_template("source.md.j2")
        for outlet_id in project.outlets:
            put(f"sources/{outlet_id}.md", source_template, views.outlet_page(outlet_id))
        for path, template, build in INDEX_PAGES.values():
            put(path, env.get_template(template), getattr(views, build)())
        # The bounded pages of a long archive (years, months, tags, actors' earlier years).
        for path, (template, make) in views.archive.pages.items():
            put(path, env.get_template(template), make())
    return dict(sorted(pages.items())) if into is None else pages
