"""Where a page's Markdown file is, where MkDocs serves it, and how raw HTML links to it.

The templates link pages with Markdown links to the ``.md`` files
(``../briefings/b.md#event-e``), which MkDocs rewrites into URLs. Raw HTML (the
maps, the timelines and the lists of events: :mod:`briefing.render.blocks`) is
not rewritten, so it must carry the URL MkDocs would have written: this module
is the one place that knows it (a test compares it with MkDocs' own).
"""

from __future__ import annotations

import posixpath
import re
from functools import lru_cache

#: What a generated link target looks like (ids are lower-case words and hyphens): a page
#: (``.md``) or a file of the site (an export: ``data/briefings/b.stix.json``, ``feed.xml``);
#: anything else (a URL, an absolute path, a query, a folder) is refused rather than turned
#: into a URL MkDocs would not write.
_TARGET = re.compile(r"(?:\.\./)*(?:[A-Za-z0-9_-]+/)*[A-Za-z0-9_-]+(?:\.[A-Za-z0-9_-]+)*\.[a-z]+")


def briefing_file(briefing_id: str) -> str:
    """The Markdown file of a briefing's page, where it is rendered and links are relative to."""
    return f"briefings/{briefing_id}.md"


def actor_file(actor_id: str) -> str:
    """The Markdown file of an actor's page."""
    return f"actors/{actor_id}.md"


def html_href(page: str, target: str, directory_urls: bool) -> str:
    """The Markdown link ``target`` of the page file ``page`` (both as in the site's Markdown),
    as MkDocs writes it: the target page's (or file's) URL relative to the page's URL
    (``mkdocs.utils.get_relative_url``), with its anchor. ``#anchor`` alone stays as it is.
    Raises ValueError for a target that is not a page or file of the site."""
    # A plain str: on Markup (the views' links), every + and join below would escape.
    path, hash_, anchor = str(target).partition("#")
    if not path:
        return str(target)
    if not _TARGET.fullmatch(path) or path.endswith("README.md"):
        raise ValueError(f"not a link to a page or file of the site: {target!r}")
    source_folder, url_folder = _folders(page, directory_urls)
    address = posixpath.normpath(posixpath.join(source_folder, path))
    if address.endswith(".md"):  # a page; any other file is served at its own path
        address = _url_of(address, directory_urls)
    # posixpath.relpath, without its generality (a third of rendering a list of events took it).
    folder = address.rstrip("/")
    parts, base = ([] if folder in ("", ".") else folder.split("/")), url_folder
    shared = 0
    while shared < min(len(parts), len(base)) and parts[shared] == base[shared]:
        shared += 1
    relative = "/".join([".."] * (len(base) - shared) + parts[shared:]) or "."
    return relative + ("/" if address.endswith("/") else "") + hash_ + anchor


@lru_cache(maxsize=1024)
def _folders(page: str, directory_urls: bool) -> tuple[str, list[str]]:
    """The folder of the page's file, and the folders of its URL that links climb from."""
    own = _url_of(page, directory_urls)
    head, tail = posixpath.split(own)
    folder = posixpath.normpath(head if "." in tail else own)
    return posixpath.dirname(page), [] if folder == "." else folder.split("/")


def _url_of(page: str, directory_urls: bool) -> str:
    """The site URL of a Markdown page (``a/b.md``) as MkDocs' ``File.url``: ``a/b/`` (``a/`` for
    ``a/index.md``, ``./`` for ``index.md``), or ``a/b.html``."""
    stem = page.removesuffix(".md")
    if not directory_urls:
        return stem + ".html"
    if stem == "index" or stem.endswith("/index"):
        return stem.removesuffix("index") or "./"
    return stem + "/"
