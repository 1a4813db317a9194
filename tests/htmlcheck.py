"""Reading built HTML the way a reader's browser would: links, anchors, text."""

from __future__ import annotations

import posixpath
import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit


class Page(HTMLParser):
    """Collects ids, links, resource URLs and visible text of one HTML file."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.ids: set[str] = set()
        self.links: list[str] = []
        self.resources: list[str] = []
        self.headings: list[tuple[str, str]] = []
        self._heading: str | None = None
        self._text: list[str] = []
        self.text_parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if attributes.get("id"):
            self.ids.add(attributes["id"] or "")
        if tag == "a" and attributes.get("href") is not None:
            self.links.append(attributes["href"] or "")
        if tag in ("script", "img", "iframe", "source") and attributes.get("src"):
            self.resources.append(attributes["src"] or "")
        if tag == "link" and attributes.get("href"):
            self.resources.append(attributes["href"] or "")
        if tag in ("h1", "h2", "h3", "h4"):
            self._heading = tag
            self._text = []
        if tag in ("script", "style"):
            self._skip += 1

    def handle_endtag(self, tag: str) -> None:
        if tag == self._heading:
            self.headings.append((tag, "".join(self._text).replace("¶", "").strip()))
            self._heading = None
        if tag in ("script", "style") and self._skip:
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        if self._heading:
            self._text.append(data)
        if not self._skip:
            self.text_parts.append(data)

    @property
    def text(self) -> str:
        return re.sub(r"\s+", " ", " ".join(self.text_parts))


def parse(path: Path) -> Page:
    page = Page()
    page.feed(path.read_text(encoding="utf-8"))
    return page


def page_file(site: Path, url_path: str) -> Path | None:
    """The file a static server returns for a site-relative URL path."""
    target = site / url_path.lstrip("/")
    if url_path.endswith("/") or target.is_dir():
        target = target / "index.html"
    return target if target.is_file() else None


def broken_links(site: Path) -> list[str]:
    """Every internal link in the site whose page or anchor does not exist."""
    pages = {p: parse(p) for p in site.rglob("*.html")}
    broken = []
    for path, page in pages.items():
        base = "/" + str(path.relative_to(site).parent).replace(".", "") + "/"
        for href in page.links:
            parts = urlsplit(href)
            if parts.scheme or parts.netloc:
                continue
            if parts.path:
                resolved = posixpath.normpath(posixpath.join(base, unquote(parts.path)))
                if parts.path.endswith("/"):
                    resolved += "/"
                target = page_file(site, resolved)
            else:
                target = path
            if target is None:
                broken.append(f"{path.relative_to(site)}: {href} (no page)")
                continue
            if parts.fragment and target.suffix == ".html":
                ids = pages[target].ids if target in pages else parse(target).ids
                if unquote(parts.fragment) not in ids:
                    broken.append(f"{path.relative_to(site)}: {href} (no anchor)")
    return broken
