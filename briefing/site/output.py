"""Output safety: sanitise page HTML, reproducible dates, the Content-Security-Policy.

The site folder itself (which folders may be replaced, staging, the swap): destination.py, staging.py.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import nh3

from briefing.urls import ALLOWED_SCHEMES

# Tags that Python-Markdown, Material and our templates produce. Nothing else survives.
ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "code", "dd", "del", "details", "div", "dl", "dt",
    "em", "figcaption", "figure", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "kbd",
    "bdi", "li", "mark", "ol", "p", "pre", "small", "span", "strong", "sub", "summary", "sup",
    "table", "tbody", "td", "tfoot", "th", "thead", "time", "tr", "ul",
}
# The build-time maps (briefing/render/maps.py): inline SVG, shapes and text only. No <use>,
# <image>, <foreignObject>, <style>, event handlers or presentation attributes: colours come
# from classes. Content reaches these elements only as escaped text.
SVG_TAGS = {"svg", "g", "path", "circle", "rect", "text", "title", "desc"}
ALLOWED_TAGS |= SVG_TAGS
_GENERIC = {"class", "id", "lang", "dir", "title", "role"}
ALLOWED_ATTRIBUTES = {
    "*": _GENERIC,
    "a": _GENERIC | {"href"},
    "img": _GENERIC | {"src", "alt", "width", "height"},
    "time": _GENERIC | {"datetime"},
    "td": _GENERIC | {"style", "align"},
    "th": _GENERIC | {"style", "align"},
    "ol": _GENERIC | {"start"},
    "span": _GENERIC | {"style"},
    "svg": _GENERIC | {"viewBox", "aria-labelledby", "aria-hidden"},
    "path": _GENERIC | {"d"},
    "circle": _GENERIC | {"cx", "cy", "r"},
    "rect": _GENERIC | {"x", "y", "width", "height"},
    "text": _GENERIC | {"x", "y"},
}
# A map marker is a link inside the map image: out of the tab order (the list of events is
# the keyboard and screen-reader path to the same anchors).
ALLOWED_ATTRIBUTES["a"] = ALLOWED_ATTRIBUTES["a"] | {"tabindex"}
# Style attributes keep only the properties that Python-Markdown's table alignment
# and our timeline positions use. Content cannot produce a style attribute at all
# (it is escaped); the timeline's custom properties are read only by `left` and
# `width`, where no value can load anything, and the CSP allows no foreign loads.
ALLOWED_STYLE_PROPERTIES = {"text-align", "--tl-start", "--tl-width"}


_EXTERNAL_LINK = re.compile(r'<a href="(https?:|mailto:)')


# Built once: nh3.clean() builds its rules anew on every call, which costs more than
# cleaning a content field (40 µs against 7 µs; the exports clean thousands of fields).
_CLEANER = nh3.Cleaner(
    tags=ALLOWED_TAGS,
    attributes=ALLOWED_ATTRIBUTES,
    url_schemes=set(ALLOWED_SCHEMES),
    filter_style_properties=ALLOWED_STYLE_PROPERTIES,
    link_rel=None,
    strip_comments=True,
)


def sanitize(html: str) -> str:
    """Defence in depth: keep only known tags, attributes and URL schemes in page HTML.

    External links get the class ``brief-external`` (print shows their targets).
    No Python callback runs inside nh3, so it works without holding the GIL.
    """
    return _EXTERNAL_LINK.sub(r'<a class="brief-external" href="\1', _CLEANER.clean(html))


#: Used when the content gives no date at all (the start of the ZIP epoch).
DEFAULT_EPOCH = 315532800


def content_epoch(latest: dt.date | None) -> int:
    """SOURCE_DATE_EPOCH for a build: midnight UTC of the latest as-of date."""
    if latest is None:
        return DEFAULT_EPOCH
    moment = dt.datetime(latest.year, latest.month, latest.day, tzinfo=dt.UTC)
    return max(DEFAULT_EPOCH, int(moment.timestamp()))


# -- Content-Security-Policy ------------------------------------------------------------------

_INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>(.*?)</script>", re.S)
_CHARSET = '<meta charset="utf-8">'

#: What the site may load, and why (see README, "Security"):
#: - scripts: our own files, plus Material's few inline scripts by hash (no 'unsafe-inline');
#: - styles: own files; 'unsafe-inline' for the style attributes Material's scripts set;
#: - images and fonts: own files and the data: URIs in Material's stylesheets (icons);
#: - 'wasm-unsafe-eval': compiling WebAssembly (Pagefind's search), and no other eval;
#: - fetch and workers: own origin only (the search index and the search worker);
#: - nothing may be framed, posted, or loaded from anywhere else.
CSP_TEMPLATE = (
    "default-src 'none'; script-src 'self' 'wasm-unsafe-eval' {hashes}; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; font-src 'self' data:; connect-src 'self'; worker-src 'self'; "
    "manifest-src 'self'; base-uri 'self'; form-action 'none'; object-src 'none'"
)


def script_hashes(html: str) -> set[str]:
    """The CSP hashes of the inline scripts in ``html``."""
    import base64
    import hashlib

    return {
        "'sha256-" + base64.b64encode(hashlib.sha256(body.encode("utf-8")).digest()).decode("ascii") + "'"
        for body in _INLINE_SCRIPT.findall(html)
    }


def _policy(hashes: frozenset[str] | set[str]) -> str:
    return CSP_TEMPLATE.format(hashes=" ".join(sorted(hashes)))


def add_csp(html: str, hashes: frozenset[str]) -> str:
    """Put the CSP meta tag first in <head>, allowing ``hashes`` as inline scripts."""
    meta = f'<meta http-equiv="Content-Security-Policy" content="{_policy(hashes)}">'
    return html.replace(_CHARSET, _CHARSET + meta, 1)


def widen_csp(files: list[tuple[Path, frozenset[str]]], union: set[str]) -> None:
    """Give every page the union of all pages' inline-script hashes.

    Instant navigation runs inline scripts of other pages under the first
    page's policy. Only pages whose own set differs from the union are rewritten.
    """
    for path, hashes in files:
        if hashes == union:
            continue
        text = path.read_text(encoding="utf-8")
        path.write_text(text.replace(_policy(hashes), _policy(union), 1), encoding="utf-8")
