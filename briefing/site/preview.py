"""``briefing serve``: a preview that never hangs and shows what is wrong, in the browser.

MkDocs' server holds every page request while a rebuild that raised is
"pending" ("the server will appear stuck until build errors are resolved").
So while serving, content errors do not fail the build: the preview keeps
the last good generation's pages, adds a page listing the problems
(:data:`PAGE`, at the site root) and a banner on every page naming them with
file and line. The next good build drops both. MkDocs' live reload reloads
the open pages after each build, so the browser follows along; the banner is
plain HTML and CSS (no script, nothing inline for the CSP to refuse).

The plugin holds one :class:`PreviewState` (MkDocs keeps the plugin instance
across ``serve`` rebuilds). Nothing here is ever part of ``briefing build``.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from briefing.diagnostics import Diagnostic

if TYPE_CHECKING:
    from briefing.generate import Generation

#: The problems page, at the site root (``/build-problems/``).
PAGE = "build-problems.md"
#: How many problems the banner names before pointing to the page.
BANNER_ITEMS = 5


@dataclass
class PreviewState:
    """What the preview shows: the last good generation and the current build's problems."""

    last_good: Generation | None = None
    errors: list[Diagnostic] = field(default_factory=list)
    warnings: list[Diagnostic] = field(default_factory=list)

    def take(self, result: Generation, strict: bool) -> Generation:
        """The generation to serve for ``result``: itself when good, else the last good one."""
        diagnostics = result.diagnostics.sorted()
        failed = result.failed(strict)
        if failed:
            self.errors = [d for d in diagnostics if d.severity == "error" or strict]
            self.warnings = [d for d in diagnostics if d not in self.errors]
            return self.last_good or result
        self.last_good, self.errors = result, []
        self.warnings = [d for d in diagnostics if d.severity == "warning"]
        return result

    def pages(self, served: Generation, stand_ins: list[str] | None = None) -> dict[str, str]:
        """The Markdown pages of ``served`` plus the problems page.

        Before any good build there are no pages: the problems page stands in
        for the home page and the pages ``stand_ins`` names (those the nav expects).
        """
        pages = dict(served.pages)
        pages[PAGE] = self.problems_markdown()
        if not served.pages:
            for path in ["index.md", *(stand_ins or [])]:
                if path.endswith(".md") and not path.startswith(("/", ".")) and "://" not in path:
                    pages.setdefault(path, pages[PAGE])
        return pages

    def problems_markdown(self) -> str:
        """The problems page: raw HTML with every value escaped (Markdown never reads the messages)."""
        parts = ["# Build problems", ""]
        if self.errors:
            kept = "the last good version of the site" if self.last_good is not None else "no site yet"
            parts.append(
                f'<p class="brief-problems-state">The last build failed: {len(self.errors)} '
                f"problem(s) to fix. Showing {kept}; this page updates when you save a file.</p>"
            )
            parts.append(_list(self.errors))
        else:
            parts.append('<p class="brief-problems-state">No errors: the last build succeeded.</p>')
        if self.warnings:
            parts += ["", "## Warnings", "", _list(self.warnings)]
        return "\n".join(parts) + "\n"

    def banner(self, page_html: str, problems_url: str) -> str:
        """``page_html`` with the problems banner first in ``<body>`` (unchanged when there are none)."""
        if not self.errors:
            return page_html
        start = page_html.find("<body")
        end = page_html.find(">", start) + 1 if start >= 0 else 0
        if end <= 0:
            return page_html
        items = "".join(f"<li>{_item(d)}</li>" for d in self.errors[:BANNER_ITEMS])
        more = len(self.errors) - BANNER_ITEMS
        rest = f" and {more} more" if more > 0 else ""
        banner = (
            '<div class="brief-preview-problems" role="alert">'
            f"<p><strong>The last build failed</strong>: {len(self.errors)} problem(s){rest}. "
            f'This is the last good version. <a href="{html.escape(problems_url)}">All problems</a></p>'
            f"<ul>{items}</ul></div>"
        )
        return page_html[:end] + banner + page_html[end:]


def nav_paths(nav: Any) -> list[str]:
    """The page paths named in MkDocs' ``nav`` setting (nested lists of titles and paths)."""
    if isinstance(nav, str):
        return [nav]
    if isinstance(nav, dict):
        return [p for value in nav.values() for p in nav_paths(value)]
    if isinstance(nav, list):
        return [p for value in nav for p in nav_paths(value)]
    return []


def _item(d: Diagnostic) -> str:
    return (
        f"<code>{html.escape(f'{d.path}:{d.line}:{d.column}')}</code> "
        f"{html.escape(d.severity)}: {html.escape(d.message)}"
    )


def _list(diagnostics: list[Diagnostic]) -> str:
    items = "\n".join(f"<li>{_item(d)}</li>" for d in diagnostics)
    return f'<ul class="brief-problems">\n{items}\n</ul>'

