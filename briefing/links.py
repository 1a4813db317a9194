"""Relative links in Markdown fields must lead somewhere the build publishes: the one home of that rule.

A Markdown field lands on one page: a briefing's summary and descriptions on
``briefings/<id>.md``, an actor's description on ``actors/<id>.md``, a registry
source's notes on ``sources/<id>.md``. A relative link in it (``other.md``,
``#event-x``, ``../actors/irgc.md#events``) is resolved from that page the way
MkDocs resolves Markdown links (``mkdocs.structure.pages``: relative to the
page's source path, query ignored, fragment checked against the target page's
``id`` attributes), against what this build publishes under its profile: the
generated pages, the exports, and the pages and assets of ``docs_dir``. Anchors
are read from each target page as Python-Markdown renders it with the site's
extensions, as MkDocs reads them, and only for pages that links point into.

A link that does not resolve is an error at the field's file and line, from
``briefing check`` and ``briefing build`` alike (both run :func:`check_links`
on the same rendered pages), so MkDocs' own link validation has nothing left
to find in content. Only fields the profile publishes are checked: a field that
no page shows cannot break one. A link to a page or anchor that exists in the
content but that the profile leaves out says so without naming anything the
author did not write, and "did you mean" draws only on what is published.
"""

from __future__ import annotations

import itertools
import posixpath
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote, urlsplit

from briefing.diagnostics import Diagnostics, FieldPath, format_path
from briefing.export.paths import export_files
from briefing.fieldcheck import actor_fields, outlet_fields, position
from briefing.markdown_field import FieldLink, relative_links, written_url
from briefing.model import Project
from briefing.profile import Profile
from briefing.render.blocks import blocks_of
from briefing.suggest import suggest

if TYPE_CHECKING:
    from briefing.load import Document

#: The Markdown extensions MkDocs uses when the settings do not name them (mkdocs.yml's, with MkDocs' defaults).
DEFAULT_EXTENSIONS = ("toc", "tables", "fenced_code", "attr_list", "md_in_html", "admonition")
#: How many distinct links get a "did you mean" (each compares names across a folder of the site).
MAX_SUGGESTIONS = 200
#: Files of ``docs_dir`` that a build publishes (hand-written pages and site assets).
PUBLISHABLE = (".md", ".css", ".js", ".svg", ".png", ".jpg", ".jpeg", ".webp", ".ico", ".woff2", ".txt")


def publishable(src_uri: str) -> bool:
    """True for a ``docs_dir`` file the build publishes: a page or asset type, no hidden folder or file."""
    return src_uri.lower().endswith(PUBLISHABLE) and not any(part.startswith(".") for part in src_uri.split("/"))


def has_links(project: Project) -> bool:
    """True when any Markdown field of the project has a relative link (only then are pages needed)."""
    return any(relative_links(text) for _, _, _, text in _published_fields(project, project))


# -- what the build publishes ---------------------------------------------------------------------


@dataclass
class Site:
    """The files one build publishes, and the anchors of its pages (read on demand, once each)."""

    pages: Mapping[str, str]
    """The generated Markdown pages, ``{src_uri: markdown}``."""
    blocks: Mapping[str, str] = field(default_factory=dict)
    """Each page's maps and timelines kept out of its Markdown (:mod:`briefing.render.blocks`): their ids
    are anchors of the page as well."""
    docs_dir: Path | None = None
    extensions: Sequence[Any] = DEFAULT_EXTENSIONS
    extension_configs: Mapping[str, Any] = field(default_factory=lambda: {"toc": {"permalink": True}})
    exports: frozenset[str] = frozenset()
    docs: frozenset[str] | None = None
    """The published files of ``docs_dir``; None when there is no ``docs_dir`` to read (settings made
    without MkDocs): then any file may be there, and only anchors of generated pages are checked."""
    suggest: bool = True
    """Whether messages look for "did you mean" (see :data:`MAX_SUGGESTIONS`)."""
    _anchors: dict[str, frozenset[str] | None] = field(default_factory=dict)
    _folders: dict[str, list[str]] | None = None

    def folder(self, folder: str) -> list[str]:
        """The names of the published files in ``folder``."""
        if self._folders is None:
            self._folders = {}
            for uri in self.files():
                parent, name = posixpath.split(uri)
                self._folders.setdefault(parent, []).append(name)
        return self._folders.get(folder, [])

    def __post_init__(self) -> None:
        if self.docs_dir is not None and self.docs is None:
            self.docs = frozenset(_docs_files(self.docs_dir))

    def has(self, uri: str) -> bool:
        return uri in self.pages or uri in self.exports or self.docs is None or uri in self.docs

    def files(self) -> Iterator[str]:
        yield from self.pages
        yield from self.docs or ()
        yield from self.exports

    def anchors(self, uri: str) -> frozenset[str] | None:
        """The ``id`` attributes of page ``uri``; None for a file that is not a page (not checked)."""
        if uri not in self._anchors:
            self._anchors[uri] = self._read_anchors(uri)
        return self._anchors[uri]

    def _read_anchors(self, uri: str) -> frozenset[str] | None:
        if uri in self.pages:
            text = self.pages[uri]
        elif self.docs and uri in self.docs and uri.endswith(".md") and self.docs_dir is not None:
            try:
                text = (self.docs_dir / uri).read_text(encoding="utf-8-sig", errors="replace")
            except OSError:
                return None  # the build reports an unreadable page itself
        else:
            return None
        found = page_anchors(text, self.extensions, self.extension_configs)
        if uri in self.blocks:
            found |= raw_html_ids(blocks_of(self.blocks[uri]))
        return found


def _docs_files(docs_dir: Path) -> Iterator[str]:
    for path in sorted(docs_dir.rglob("*")):
        uri = path.relative_to(docs_dir).as_posix()
        if publishable(uri) and not path.is_dir():
            yield uri


def page_anchors(text: str, extensions: Sequence[Any], configs: Mapping[str, Any]) -> frozenset[str]:
    """The anchors of a Markdown page as MkDocs collects them: every ``id`` (and ``<a name>``) in the
    rendered tree and in raw HTML (``mkdocs.structure.pages``, ``present_anchor_ids``).

    In the tree, ids come from headings (their slug, or ``{ #id }``) and attribute lists: a page
    whose headings are all ``#`` lines and whose attribute lists are all on them has only its heading
    lines converted (a whole briefing page costs a hundred times more, and ``check`` may need the
    anchors of every page); any other page is converted whole.
    """
    import markdown  # type: ignore[import-untyped]  # no stubs installed
    from mkdocs.utils.meta import get_data

    found: set[str] = set()
    body, _ = get_data(text)
    lines = body.split("\n")
    converted = body
    # Only headings and attribute lists make ids in the tree; content writes "{" as a reference,
    # so a "{" elsewhere is a template's attribute list: then the page is converted whole.
    if not any(
        _underline(line) or line.startswith(("```", "~~~")) or ("{" in line and not line.startswith("#"))
        for line in lines
    ):
        converted = "\n\n".join(line for line in lines if line.startswith("#"))
    md = markdown.Markdown(extensions=list(extensions), extension_configs=dict(configs))
    md.treeprocessors.register(_Collect(found), "briefing_anchors", 5)  # as MkDocs: after toc set the ids
    md.convert(converted)
    # Raw HTML keeps its ids out of the tree: MkDocs reads them too.
    return frozenset(found) | raw_html_ids([body])


def _underline(line: str) -> bool:
    """A setext heading's underline, or a rule: a page with one is converted whole."""
    marks = set(line.replace(" ", "").replace("\t", ""))
    return len(marks) == 1 and marks <= {"=", "-", "*", "_"}


class _Collect:
    """A Python-Markdown tree processor: the ids of the rendered tree."""

    def __init__(self, found: set[str]) -> None:
        self.found = found

    def run(self, root: Any) -> None:
        for element in root.iter():
            if anchor := element.get("id"):
                self.found.add(anchor)
            if element.tag == "a" and (anchor := element.get("name")):
                self.found.add(anchor)


#: Where an ``id`` or ``name`` attribute may be: html.parser lowercases attribute names, and only
#: ASCII letters lowercase to these. A part where this never matches has no anchor, and is not
#: parsed. (Without ``re.IGNORECASE`` and ``\b``, this scans twice as fast: a map is 20 KB.)
_MAY_NAME_ANCHOR = re.compile(r"(?:[iI][dD]|[nN][aA][mM][eE])\s*=")


def raw_html_ids(parts: Iterable[str]) -> frozenset[str]:
    """The anchors in raw HTML, as MkDocs reads them (``id``, and ``name`` of ``<a>``); each part
    is a whole block (a map, a timeline, a list of events), read on its own."""
    found: set[str] = set()
    for html in parts:
        last = None
        for match in _MAY_NAME_ANCHOR.finditer(html):  # lists of events and timelines have none
            last = match
        if last is None:
            continue
        # The parser reads the whole block, so it reads each tag as a whole read does, but it
        # stops at the first tag that starts after the last candidate: no anchor can follow. A
        # map's ids are in its first tags, and reading its hundreds of others was 2 ms a page.
        parser = _RawIds(found, html, last.start())
        try:
            parser.feed(html)
            parser.close()
        except _Past:
            pass
    return frozenset(found)


class _Past(Exception):
    """The parser is past the last place an anchor may be."""


class _RawIds(HTMLParser):
    def __init__(self, found: set[str], html: str = "", last: int | None = None) -> None:
        super().__init__()
        self.found, self.last = found, last
        # Where each line of ``html`` starts: the parser gives a tag's place as (line, column).
        self.lines = list(itertools.accumulate((len(line) + 1 for line in html.split("\n")), initial=0))

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self.last is not None:
            line, column = self.getpos()  # where this tag starts
            if self.lines[line - 1] + column > self.last:
                raise _Past
        for key, value in attrs:
            if value and (key == "id" or (key == "name" and tag == "a")):
                self.found.add(value)


# -- checking ---------------------------------------------------------------------------------------


def check_links(project: Project, visible: Project, profile: Profile, site: Site, diagnostics: Diagnostics) -> None:
    """Report every relative link in a published Markdown field that does not resolve in ``site``.

    ``project`` is all the content, ``visible`` what ``profile`` publishes of it.
    """
    restricted = _Restricted(project, site, profile)
    resolved: dict[tuple[str, str], str | None] = {}  # the same link on the same page: resolved once
    for document, path, page, text in _published_fields(project, visible):
        for link in relative_links(text):
            key = (page, link.url)
            if key not in resolved:
                # "Did you mean" compares names: for the first broken links only (a field of
                # thousands of broken links is reported quickly, each link once per page).
                site.suggest = len(resolved) < MAX_SUGGESTIONS
                resolved[key] = _resolve(link, page, site, restricted)
            problem = resolved[key]
            if problem is not None:
                line, column = position(document, path, link.line)
                column = _url_column(document, line, link.url) or column
                diagnostics.error(document.path, line, column, f"{format_path(path)}: {problem}")


def _url_column(document: Document, line: int, url: str) -> int | None:
    """The 1-based column of ``(url`` on ``line`` of the file, if it is written there as is."""
    start = 0
    for _ in range(line - 1):  # only for a broken link, which is rare: no index of lines is kept
        start = document.text.find("\n", start) + 1
        if start == 0:
            return None
    text = document.text
    end = len(text) if (end := text.find("\n", start)) < 0 else end
    at = text.find("(" + url, start, end)
    while at >= 0 and text[at + 1 + len(url):at + 2 + len(url)] not in ("", ")", " ", "\t", '"', "'"):
        at = text.find("(" + url, at + 1, end)  # '(base' in '(base.md)' is not the link 'base'
    return at - start + 2 if at >= 0 else None


def _published_fields(project: Project, visible: Project) -> Iterator[tuple[Document, FieldPath, str, str]]:
    """(document, path, page, text) of every Markdown field that a page of ``visible`` shows."""
    for briefing_id, shown in visible.briefings.items():
        briefing = project.briefings[briefing_id]
        document = project.briefing_files[briefing_id]
        page = f"briefings/{briefing_id}.md"
        yield document, ("summary",), page, briefing.summary
        events = {e.id for e in shown.events}
        for i, event in enumerate(briefing.events):  # indices of the file, not of the filtered list
            if event.id in events and event.description:
                yield document, ("events", i, "description"), page, event.description
        sources = {s.id for s in shown.sources}
        for i, source in enumerate(briefing.sources):
            if source.id in sources and source.description:
                yield document, ("sources", i, "description"), page, source.description
    for actor_id, actor in visible.actors.items():
        document, index = project.actor_files[actor_id]
        for path, text in actor_fields(actor):
            yield document, (index, *path), f"actors/{actor_id}.md", text
    for outlet_id, outlet in visible.outlets.items():
        document, index = project.outlet_files[outlet_id]
        for path, text in outlet_fields(outlet):
            yield document, (index, *path), f"sources/{outlet_id}.md", text


class _Restricted:
    """What exists in the content but not in this build: said so, never named."""

    def __init__(self, project: Project, site: Site, profile: Profile) -> None:
        self.project = project
        self.site = site
        drafts = "drafts included" if profile.drafts else "no drafts"
        self.unpublished = f"not published under this build profile ({profile.max_marking.value}, {drafts})"
        self._files: set[str] | None = None

    def hides_file(self, uri: str) -> bool:
        if self._files is None:
            p = self.project
            self._files = (
                {f"briefings/{b}.md" for b in p.briefings} | {f"actors/{a}.md" for a in p.actors}
                | {f"sources/{o}.md" for o in p.outlets} | export_files(p)
            )
        return uri in self._files and not self.site.has(uri)

    def hides_anchor(self, uri: str, anchor: str) -> bool:
        folder, name = posixpath.split(uri)
        briefing = self.project.briefings.get(name[:-3]) if folder == "briefings" and name.endswith(".md") else None
        if briefing is None:
            return False
        kind, _, item = anchor.partition("-")
        items = briefing.events if kind == "event" else briefing.sources if kind == "source" else []
        return any(i.id == item for i in items)


def _resolve(link: FieldLink, page: str, site: Site, restricted: _Restricted) -> str | None:
    """Why ``link`` on ``page`` leads nowhere, or None when it resolves (as MkDocs resolves it)."""
    url = link.url
    written = written_url(url)
    parts = urlsplit(written)
    if parts.scheme or parts.netloc:
        return None  # not relative: the escaper judged it (briefing.urls)
    if written.startswith(("/", "\\")):
        target = posixpath.normpath(unquote(parts.path).lstrip("/\\") or "index.md")
        relative = posixpath.relpath(target, posixpath.dirname(page)) + (f"#{parts.fragment}" if parts.fragment else "")
        return (
            f"link '{url}' is absolute; write it relative to the page this field is on ({page}): '{relative}'"
        )
    fragment = parts.fragment
    if not parts.path:
        return _check_anchor(url, page, page, fragment, "", site, restricted) if fragment else None
    path = unquote(parts.path)
    target = posixpath.normpath(posixpath.join(posixpath.dirname(page), path).lstrip("/"))
    if not site.has(target):
        if restricted.hides_file(target):
            what = "page" if target.endswith(".md") else "file"
            return f"link '{url}' leads to a {what} that is {restricted.unpublished}"
        hint = _close_file(target, path, site)
        if not posixpath.splitext(path)[1]:
            return (
                f"link '{url}' names no file{hint}; link to a page by its Markdown file, "
                f"relative to the page this field is on ({page})"
            )
        return f"link '{url}' leads nowhere: the site has no file {target}{hint}; links are relative to {page}"
    if fragment:
        prefix = url.split("#", 1)[0]
        return _check_anchor(url, page, target, fragment, prefix, site, restricted)
    return None


def _check_anchor(
    url: str, page: str, target: str, fragment: str, prefix: str, site: Site, restricted: _Restricted
) -> str | None:
    anchors = site.anchors(target)
    if anchors is None or fragment in anchors:
        return None
    if not site.suggest:
        anchors = frozenset()
    where = "this page" if target == page else target
    if restricted.hides_anchor(target, fragment):
        return f"link '{url}' leads to a part of {where} that is {restricted.unpublished}"
    close = suggest(fragment, sorted(anchors))
    hint = f" (did you mean '{prefix}#{close}'?)" if close is not None and close != fragment else ""
    return f"link '{url}' leads nowhere: {where} has no anchor '#{fragment}'{hint}"


def _close_file(target: str, path: str, site: Site) -> str:
    """`` (did you mean 'x.md'?)`` for a published file in the target's folder with a close name."""
    if not site.suggest:
        return ""
    folder, name = posixpath.split(target)
    stem, extension = posixpath.splitext(name)
    names: dict[str, str] = {}
    for other in site.folder(folder):
        other_stem, other_extension = posixpath.splitext(other)
        if other_extension in (extension, ".md"):
            names.setdefault(other_stem, other)
    close = suggest(stem, sorted(names))
    if close is None or close == stem:
        if extension:
            return ""
        close = stem if stem in names else None  # 'other' for 'other.md'
        if close is None:
            return ""
    written_folder = posixpath.dirname(path)
    suggestion = posixpath.join(written_folder, names[close]) if written_folder else names[close]
    return f" (did you mean '{suggestion}'?)"
