"""MkDocs' own warnings about links, as diagnostics: the build's last word on links.

:mod:`briefing.links` finds every broken link in content before MkDocs runs, in
``check`` and ``build`` alike. A link that MkDocs still warns about comes from
elsewhere: a template, or a hand-written page of ``docs_dir``. Rather than end
with MkDocs' "Aborted with a BuildError!", the build names the file that made
the page (the page's template, or the page itself) in the diagnostic convention.
"""

from __future__ import annotations

import re
from pathlib import Path

from briefing.diagnostics import Diagnostic, display_path
from briefing.render import INDEX_PAGES

#: "Doc file 'briefings/x.md' contains ..." (mkdocs.structure.pages): the page the link is on.
_DOC_FILE = re.compile(r"Doc file '([^']*)' (.*)", re.DOTALL)
#: The template of each kind of generated page (archive pages are lists: list.md.j2).
_TEMPLATES = {"briefings": "briefing.md.j2", "actors": "actor.md.j2", "sources": "source.md.j2"}


def is_link_warning(message: str) -> bool:
    return _DOC_FILE.match(message) is not None


def diagnostic(message: str, generated: set[str], templates_dir: Path, docs_dir: Path) -> Diagnostic:
    """One of MkDocs' link warnings as an error at the file the page comes from."""
    match = _DOC_FILE.match(message)
    assert match is not None
    page, problem = match.groups()
    if page in generated:
        index = {path: template for path, template, _ in INDEX_PAGES.values()}
        folder = page.split("/", 1)[0]
        template = index.get(page) or (_TEMPLATES.get(folder) if page.count("/") == 1 else None) or "list.md.j2"
        source = templates_dir / template
    else:
        source = docs_dir / page
    return Diagnostic(display_path(source), 1, 1, "error", f"page {page} {problem.rstrip('.')} (found by MkDocs)")
