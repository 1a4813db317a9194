"""Content strings are data: make them safe to place in generated Markdown.

Two kinds of field:

* **Plain text** (titles, names, notes): shown exactly as typed. Every
  character that Markdown, its extensions or HTML could read as syntax is
  written as a character reference, so ``*``, ``|``, ``[`` and ``<`` show as
  typed and cannot break a table, a heading or a page.
* **Markdown** (summary, descriptions): Markdown works, but raw HTML is shown
  as text, ``{: attribute lists}`` and ``--8<--`` includes have no effect, and
  an inline link or image may only point to http, https, mailto or a relative
  URL. Reference-style links are not supported: their brackets show as text.
  Headings show as text: the page's own headings carry its structure.
  Anything else becomes inert text and a warning naming the file and line.
  Images never load from another host (the site makes no third-party
  requests): an external image becomes a plain link to it.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

# Characters that are inline syntax in Markdown, its extensions or HTML, anywhere in a line.
_PLAIN = {c: f"&#{ord(c)};" for c in "\\`*_{}[]<>&|~^"}
_PLAIN_TABLE = str.maketrans(_PLAIN)
_PLAIN_SPECIAL = re.compile("[" + re.escape("".join(_PLAIN)) + "]")
# What is syntax only at the start of a line or block: lists, headings, quotes, HTML.
_LINE_START = re.compile(r"^(?:[-+#>!:=]|\d+[.)])")
_LINE_START_CHARS = frozenset("-+#>!:=0123456789")


@lru_cache(maxsize=65536)  # names, labels and dates repeat across thousands of pages
def plain(value: object) -> str:
    """Escape a plain-text field for Markdown and HTML; folds line breaks into spaces."""
    text = " ".join(str(value).split())
    if _PLAIN_SPECIAL.search(text):
        text = text.translate(_PLAIN_TABLE)
    if text and text[0] in _LINE_START_CHARS:
        return _LINE_START.sub(lambda m: f"{m.group()[:-1]}&#{ord(m.group()[-1])};", text)
    return text


def attribute(value: object) -> str:
    """Escape a value for a double-quoted HTML attribute."""
    return (
        str(value).replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;").replace(">", "&gt;")
    )


ALLOWED_SCHEMES = ("http", "https", "mailto")

# Inline links and images: [text](url "title") / ![alt](url). The URL may be in <...>.
_INLINE_LINK = re.compile(
    r"(?P<bang>!?)\[(?P<text>(?:[^\[\]\\]|\\.|\[[^\[\]]*\])*)\]"
    r"\(\s*(?P<url><[^>\n]*>|[^\s()]*(?:\([^\s()]*\)[^\s()]*)*)(?P<title>\s+(?:\"[^\"]*\"|'[^']*'|\([^)]*\)))?\s*\)"
)
# Reference definitions: [id]: url "title"
_REFERENCE = re.compile(r"^(?P<lead> {0,3})\[(?P<label>[^\]]+)\]:[ \t]*(?P<url>\S+)(?P<rest>.*)$", re.MULTILINE)
_CODE = re.compile(r"(`+)(?!`)(?:.|\n)*?(?<!`)\1(?!`)")
_SCHEME = re.compile(r"^([^/?#]*?):")


@dataclass(frozen=True)
class LinkProblem:
    """A link that was made inert: the line (0-based, within the field) and the URL."""

    line: int
    url: str


def url_is_allowed(url: str) -> bool:
    """http, https, mailto, or relative; judged as a browser would read the URL."""
    # Browsers decode character references in attributes and drop ASCII whitespace
    # and control characters inside a scheme: judge what the browser would see.
    cleaned = re.sub(r"[\x00-\x20\x7f]", "", html.unescape(url))
    match = _SCHEME.match(cleaned)
    if match is None:
        return not cleaned.startswith("//")  # protocol-relative URLs reach another host
    return match.group(1).lower() in ALLOWED_SCHEMES


def markdown(value: str, report: Callable[[LinkProblem], None] | None = None) -> str:
    """Make a Markdown field safe: see the module docstring."""
    if "`" not in value:
        return _prose(value, value, 0, report).strip()
    out: list[str] = []
    position = 0
    for code in _CODE.finditer(value):
        out.append(_prose(value[position:code.start()], value, position, report))
        out.append(code.group())  # code spans: Markdown escapes their content itself
        position = code.end()
    out.append(_prose(value[position:], value, position, report))
    return "".join(out).strip()


def _prose(text: str, whole: str, offset: int, report: Callable[[LinkProblem], None] | None) -> str:
    if "[" not in text:  # no link of either kind can start
        return _escape_prose(text)

    def problem(start: int, url: str) -> None:
        if report is not None:
            report(LinkProblem(whole.count("\n", 0, offset + start), url))

    def inline(match: re.Match[str]) -> str:
        url = match.group("url").strip("<>")
        if not url_is_allowed(url):
            problem(match.start(), url)
            return plain(match.group())
        label = _escape_prose(match.group("text"))
        title = match.group("title") or ""
        if match.group("bang"):
            if _is_external(url):
                return f"[{label or plain(url)}]({url})"
            return f"![{label}]({url}{_escape_prose(title)})"
        return f"[{label}]({url}{_escape_prose(title)})"

    def reference(match: re.Match[str]) -> str:
        url = match.group("url").strip("<>")
        if not url_is_allowed(url):
            problem(match.start(), url)
            return plain(match.group())
        return _escape_prose(match.group())

    pieces: list[str] = []
    position = 0
    # Find links first so their URLs are kept intact; escape everything around them.
    matches = sorted(
        list(_INLINE_LINK.finditer(text)) + list(_REFERENCE.finditer(text)), key=lambda m: m.start()
    )
    for match in matches:
        if match.start() < position:
            continue
        pieces.append(_escape_prose(text[position:match.start()]))
        pieces.append(inline(match) if match.re is _INLINE_LINK else reference(match))
        position = match.end()
    pieces.append(_escape_prose(text[position:]))
    return "".join(pieces)


def _is_external(url: str) -> bool:
    return bool(_SCHEME.match(url)) or url.startswith("//")


# In prose, raw HTML, entities, attribute lists, snippet markers and any bracket that is
# not part of an accepted inline link become text (so no other link syntax can form).
# ("&" goes first, so the references written by the others are not escaped again.)
_PROSE = (("&", "&amp;"), ("<", "&lt;"), (">", "&gt;"), ("{", "&#123;"), ("}", "&#125;"), ("[", "&#91;"), ("]", "&#93;"))


# Headings in a field would compete with the page's own structure (a "#" line is an
# <h1>; a "===" or "---" line under text is a setext heading): they show as text.
_HEADING_LINE = re.compile(r"^( {0,3})(#|=+[ \t]*$|-+[ \t]*$)", re.MULTILINE)
# A cheap test first: "^" in a MULTILINE pattern is tried at every character.
_LATER_LINE_START = re.compile(r"\n {0,3}[#=-]")


def _escape_prose(text: str) -> str:
    for char, reference in _PROSE:
        if char in text:
            text = text.replace(char, reference)
    first = text.lstrip(" ")[:1]
    if (first and first in "#=-") or _LATER_LINE_START.search(text):
        text = _HEADING_LINE.sub(lambda m: f"{m.group(1)}&#{ord(m.group(2)[0])};{m.group(2)[1:]}", text)
    return text
