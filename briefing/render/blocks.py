"""Finished HTML blocks (maps, timelines, lists of events) kept out of the Markdown that MkDocs converts.

A map or a timeline is raw HTML that the generator built: about half of a
briefing page's bytes. Python-Markdown passes raw HTML through unchanged, but
only after parsing it tag by tag, which was a fifth of converting our pages.
The lists of events on actor, chronology, tag and source pages are thousands of
lines of links and inline HTML, which Python-Markdown's inline patterns took a
third of the conversion to read: the templates write them as HTML blocks too.
So under ``briefing build`` (and ``check``, so that both see the same pages),
the templates' ``|block`` filter leaves a one-line placeholder in the Markdown
and keeps the block; the plugin puts each block back into the page's HTML
right after conversion, before the HTML is sanitised (:func:`restore`).
``briefing render`` writes the blocks in place: its Markdown stands alone.

A placeholder cannot come from content: every ``<`` of content is escaped.
"""

from __future__ import annotations

import json
import re

_PLACEHOLDER = '<div data-briefing-block="{}"></div>'
_FOUND = re.compile(r'<div data-briefing-block="([0-9]+)"></div>')


class BlockError(Exception):
    """A page's HTML does not hold each of its placeholders once (a template at fault)."""


class Blocks:
    """The blocks of the page being rendered, in order (one ``Blocks`` per render of the pages)."""

    def __init__(self) -> None:
        self._page: list[str] = []

    def put(self, html: str) -> str:
        """Keep ``html``; the placeholder that stands for it in the page's Markdown."""
        self._page.append(html.strip())  # as Markdown keeps a raw block: without its surrounding newlines
        return _PLACEHOLDER.format(len(self._page) - 1)

    def take(self, markdown: str) -> str | None:
        """The blocks of the page just rendered as ``markdown`` (one string, for packing), or None;
        starts the next page. Each placeholder must be in the page once (a template that printed
        a block twice, or kept one in a variable it never printed, is at fault)."""
        taken, self._page = self._page, []
        for number in range(len(taken)):
            count = markdown.count(_PLACEHOLDER.format(number))
            if count != 1:
                raise BlockError(
                    f"a block (map, timeline, list of events) printed with '|block' appears {count} times in the page; "
                    "print each once, on a line of its own"
                )
        return json.dumps(taken, ensure_ascii=False) if taken else None


def blocks_of(blocks: str) -> list[str]:
    """The blocks of one page (``blocks`` from :meth:`Blocks.take`), in order."""
    kept: list[str] = json.loads(blocks)
    return kept


def restore(html: str, kept: list[str]) -> str:
    """``html`` with each placeholder replaced by its block (``kept``: :func:`blocks_of` the page)."""
    used: set[int] = set()

    def back(match: re.Match[str]) -> str:
        number = int(match.group(1))
        if number >= len(kept) or number in used:
            raise BlockError(f"block {number} (a map, a timeline, a list of events) appears more than once in the page's HTML")
        used.add(number)
        return kept[number]

    restored = _FOUND.sub(back, html)
    if len(used) != len(kept):
        raise BlockError(
            f"{len(kept) - len(used)} block(s) (maps, timelines, lists of events) did not reach the page's HTML: a template printed "
            "'|block' where Markdown does not pass raw HTML through (print it on a line of its own)"
        )
    return restored
