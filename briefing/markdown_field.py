"""Markdown fields (summary, descriptions): safe Markdown out, in one linear pass.

Markdown works in these fields, but the field can never create HTML of its own:

* Raw HTML shows as text, everywhere, code spans included. A code span is
  written out as ``<code>`` with its content escaped, so nothing inside it
  reaches the page's HTML parser as markup (``md_in_html`` reads raw
  ``</div>`` before Markdown sees code spans, so leaving code spans to
  Markdown let a field close the page's own elements).
* ``{: attribute lists}``, ``--8<--`` includes, admonitions (``!!!``),
  headings and reference-style links have no effect: their characters are
  written as character references. So no field can produce an ``id``,
  ``class`` or ``style`` attribute: the generator's anchors are its own.
* An inline link or image may point only to an allowed scheme
  (:mod:`briefing.urls`) or a relative URL; anything else becomes text and a
  :class:`FieldProblem`. An external image becomes a link to it.
* Lists may nest :data:`MAX_LIST_DEPTH` levels; a deeper line is text and a
  problem (Markdown's parser recurses per level).
* Explicit bidi controls are balanced per line (:func:`briefing.bidi.balance`).

Every step is a forward scan over the text, with each character examined a
bounded number of times (no backtracking regular expression runs over the
field), so a field of N characters of any content costs O(N).
:func:`problems` runs the same scanner: ``briefing check`` and ``briefing
build`` report exactly the same problems.
"""

from __future__ import annotations

import html
import re
from bisect import bisect_left
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

from briefing.bidi import balance, has_controls
from briefing.urls import is_external, url_is_allowed

#: Deepest list nesting allowed in a Markdown field (real content needs two or three).
MAX_LIST_DEPTH = 10
#: Python-Markdown rebuilds a paragraph for each inline match (entity, tag, emphasis), so a
#: paragraph costs about matches x length. Above this a paragraph is given to it as finished
#: HTML (prose, code spans and links; emphasis shows as typed): some tens of milliseconds.
MARKDOWN_BUDGET = 1_000_000


@dataclass(frozen=True)
class FieldProblem:
    """Something in a field that is shown as text: the line (0-based, in the field), and why."""

    line: int
    kind: str  # "link" (a URL that is not allowed) or "nesting" (lists nested too deep)
    detail: str  # the URL, or the depth

    @property
    def message(self) -> str:
        if self.kind == "link":
            return (
                f"link to '{self.detail}' is not allowed (only http, https, mailto and relative links); "
                "it is shown as text"
            )
        return f"lists are nested {self.detail} levels deep (at most {MAX_LIST_DEPTH}); nest them less"


@dataclass(frozen=True)
class FieldLink:
    """A relative link or image in a field, as the page will have it: the line (0-based, in the
    field) and the URL as written; :mod:`briefing.links` resolves it against the site."""

    line: int
    url: str


Report = Callable[[FieldProblem], None]
LinkReport = Callable[[FieldLink], None]

# -- escaping tables ---------------------------------------------------------------------------

# Prose: raw HTML, entities, attribute lists and any bracket, backtick or backslash that is
# not part of an accepted link or code span become text.
# ("&" first, so the references written by the others are not escaped again.)
_PROSE_REFERENCES = (
    ("&", "&amp;"), ("<", "&lt;"), (">", "&gt;"), ("{", "&#123;"), ("}", "&#125;"), ("[", "&#91;"), ("]", "&#93;"),
    ("`", "&#96;"), ("\\", "&#92;"),
)
# Code span content and link titles: everything Markdown or HTML could read as syntax.
_LITERAL = str.maketrans({c: f"&#{ord(c)};" for c in "&<>\"'\\`*_{}[]()|~^!#:="} | {"\n": " ", "\t": " "})
# A URL inside Markdown's ``(...)``: characters that would end or change the link are encoded.
_URL = str.maketrans(
    {c: f"%{ord(c):02X}" for c in " \t\n\r\"'<>()[]{}\\`|"} | {chr(i): f"%{i:02X}" for i in range(0x20)}
)
# Characters a backslash escapes in Markdown: the pair shows the character itself.
_PUNCTUATION = frozenset("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~")

# Where an inline token may start: a backslash, a backtick or a bracket (see _token).
_CANDIDATE = re.compile(r"[\\`\[\]]")
_BACKTICKS = re.compile(r"`+")
_BLANK = re.compile(r"[ \t]*")
# Line starts: indentation, then list markers, each followed by a space or the end of the line.
_INDENT = re.compile(r"[ \t]*")
_MARKER = re.compile(r"(?:[-+*]|[0-9]{1,9}[.)])(?=[ \t]|$)[ \t]*")
_UNDERLINE = re.compile(r"(?:=+|-+)[ \t]*$")
# What the field's ends lose: only what Markdown itself reads as blank. (str.strip() would also drop
# "\x1f" or "\xa0", and "\x1f#" would reach the page as a heading that no mark was made for.)
_BLANKS = " \t\n"
# What a line may start with (after indentation) to be block syntax: a marker, a heading, an underline.
_BLOCK_START_CHARS = frozenset("-+*#=0123456789")


def markdown(value: str, report: Report | None = None) -> str:
    """Make a Markdown field safe: see the module docstring."""
    rendered, found, _ = _render(value)
    if report is not None:
        for problem in found:
            report(problem)
    return rendered


def problems(value: str) -> list[FieldProblem]:
    """What :func:`markdown` would report for ``value``."""
    return list(_render(value)[1])


def relative_links(value: str) -> tuple[FieldLink, ...]:
    """The relative links and images that :func:`markdown` writes for ``value``, in order."""
    return _render(value)[2]


def written_url(url: str) -> str:
    """A link's URL as the page's Markdown has it (what MkDocs resolves)."""
    return url.translate(_URL)


@lru_cache(maxsize=65536)  # validation and rendering both need each field: scanned once
def _render(value: str) -> tuple[str, tuple[FieldProblem, ...], tuple[FieldLink, ...]]:
    found: list[FieldProblem] = []
    links: list[FieldLink] = []
    return _Field(value, found.append, links.append).render(), tuple(found), tuple(links)


class _Field:
    def __init__(self, value: str, report: Report | None, links: LinkReport | None = None) -> None:
        value = value.replace("\r\n", "\n").replace("\r", "\n")  # as Markdown reads line ends
        lines = value.split("\n")
        self.lines = [balance(line) for line in lines] if has_controls(value) else lines
        self.report = report
        self.links = links

    def render(self) -> str:
        if all(line.strip(" \t") for line in self.lines):  # one paragraph (many fields)
            return self._paragraph("\n".join(self.lines), 0).strip(_BLANKS)
        out: list[str] = []
        paragraph: list[str] = []
        first_line = 0
        for number, line in enumerate(self.lines):
            if line.strip(" \t"):
                if not paragraph:
                    first_line = number
                paragraph.append(line)
                continue
            if paragraph:
                out.append(self._paragraph("\n".join(paragraph), first_line))
                paragraph = []
            out.append(line)
        if paragraph:
            out.append(self._paragraph("\n".join(paragraph), first_line))
        return "\n".join(out).strip(_BLANKS)

    def _paragraph(self, text: str, first_line: int) -> str:
        rendered = _Paragraph(text, first_line, self.report, links=self.links).render()
        if len(rendered) ** 2 <= MARKDOWN_BUDGET or _markdown_cost(rendered) <= MARKDOWN_BUDGET:
            return rendered
        # Python-Markdown would take quadratic time: give it finished HTML, which it keeps as is.
        # (Its links are the same ones, reported by the pass above.)
        return _Paragraph(text, first_line, None, html=True).render()


def _markdown_cost(rendered: str) -> int:
    """What Python-Markdown's inline pass costs, roughly: every inline match rebuilds the paragraph."""
    matches = sum(rendered.count(c) for c in "&<*_[`\\")
    return matches * len(rendered)


class _Paragraph:
    """One run of non-blank lines: code spans and links do not cross a blank line.

    Rendered as safe Markdown, or (``html``) as one finished ``<p>`` element: prose, code
    spans and links only, for paragraphs too heavy for Python-Markdown (see MARKDOWN_BUDGET).
    """

    def __init__(
        self, text: str, first_line: int, report: Report | None, html: bool = False, links: LinkReport | None = None
    ) -> None:
        self.html = html
        self.text = text
        self.first_line = first_line
        self.report = report
        self.links = links
        self._line_at = (0, 0)  # (offset, line) of the last report: lines are counted forwards
        self.marks = self._block_marks()
        self._mark_index = 0
        self._dest_ends: dict[int, int] = {}
        self._tails: dict[int, tuple[str, int] | None] = {}
        self._positions: dict[str, list[int]] = {}

    # -- problems ---------------------------------------------------------------------------

    def _line(self, offset: int) -> int:
        """The field line of ``offset``; reports come in increasing offsets, so lines are counted forwards."""
        start, line = self._line_at
        line += self.text.count("\n", start, offset)
        self._line_at = (offset, line)
        return self.first_line + line

    def _problem(self, offset: int, kind: str, detail: str) -> None:
        if self.report is not None:
            self.report(FieldProblem(self._line(offset), kind, detail))

    # -- block structure: positions whose character must be written as a reference -------------

    def _block_marks(self) -> list[int]:
        """Marks for the lines that start (after indentation) with block syntax; others have none."""
        marks: list[int] = []
        text = self.text
        start = 0
        for number, line in enumerate(text.split("\n")):
            if line.lstrip(" \t")[:1] in _BLOCK_START_CHARS:
                self._line_marks(text, start, start + len(line), number, marks)
            start += len(line) + 1
        return marks

    def _line_marks(self, text: str, start: int, end: int, line: int, marks: list[int]) -> None:
        indent_end = _INDENT.match(text, start, end).end()  # type: ignore[union-attr]
        columns = 0
        for char in text[start:indent_end]:
            columns = columns + 4 - columns % 4 if char == "\t" else columns + 1
        markers: list[int] = []
        position = indent_end
        while (marker := _MARKER.match(text, position, end)) is not None:
            markers.append(position)
            position = marker.end()
        depth = columns // 4 + len(markers) if markers else 0
        if depth > MAX_LIST_DEPTH:
            if self.report is not None:
                self.report(FieldProblem(self.first_line + line, "nesting", str(depth)))
            marks.extend(markers)  # the line is text: no list opens at all
        # An ATX heading (also inside a list item), or a setext underline: shown as text.
        # ("-" alone reads as a list marker, but under a paragraph line it is an underline.)
        if _UNDERLINE.match(text, indent_end, end):
            if not (marks and marks[-1] >= indent_end):  # not marked already as a list marker
                marks.append(indent_end)
        elif position < end and (text[position] == "#" or _UNDERLINE.match(text, position, end)):
            marks.append(position)

    # -- inline structure --------------------------------------------------------------------

    def render(self) -> str:
        text = self.text
        self.code_spans: dict[int, tuple[int, int, int]] = {}  # opener -> (content start, end, closer end)
        self.escapes: set[int] = set()  # backslashes that escape the next character
        self.closers: dict[int, int] = {}  # "[" -> its "]"
        out: list[str] = []
        if "`" not in text and "[" not in text and "]" not in text and "\\" not in text:  # all prose
            self._prose(0, len(text), out)
            return "<p>" + "".join(out) + "</p>" if self.html else "".join(out)
        self._find_tokens(text)
        self.starts = sorted(self.code_spans)
        self._emit(0, len(text), out, links=True)
        if self.html:
            return "<p>" + "".join(out) + "</p>"
        return "".join(out)

    def _find_tokens(self, text: str) -> None:
        runs: dict[int, list[int]] = {}  # backtick run length -> starts of maximal runs
        for run in _BACKTICKS.finditer(text):
            runs.setdefault(run.end() - run.start(), []).append(run.start())
        seen: dict[int, int] = {}  # run length -> index of the first candidate closer
        opened: list[int] = []
        position = 0
        while (token := _CANDIDATE.search(text, position)) is not None:
            start, end, char = _token(text, token.start(), len(text))
            position = end
            if char == "\\":
                if end - start == 2:
                    self.escapes.add(start)
            elif char == "`":
                length = end - start
                candidates = runs.get(length, [])
                index = seen.get(length, 0)
                while index < len(candidates) and candidates[index] < end:
                    index += 1
                seen[length] = index
                if index < len(candidates):
                    closer = candidates[index]
                    self.code_spans[start] = (end, closer, closer + length)
                    position = closer + length
            elif char == "[":
                opened.append(start)
            elif opened:
                self.closers[opened.pop()] = start

    def _emit(self, start: int, end: int, out: list[str], links: bool) -> None:
        """Write text[start:end]: prose escaped, code spans as <code>, links checked."""
        text = self.text
        position = start
        while position < end:
            token = _CANDIDATE.search(text, position, end)
            if token is None:
                break
            at, token_end, char = _token(text, token.start(), end)
            if char == "\\" and token_end - at == 2:
                self._prose(position, at, out)
                escaped = text[at + 1]
                out.append(html.escape(escaped, quote=False) if self.html else f"&#{ord(escaped)};")
                position = at + 2
            elif char == "`":
                self._prose(position, at, out)
                span = self.code_spans.get(at)
                if span is None or span[2] > end:
                    out.append(("`" if self.html else "&#96;") * (token_end - at))
                    position = token_end
                else:
                    out.append(_code(text[span[0]:span[1]], self.html))
                    position = span[2]
            elif char == "[" and links and at in self.closers:
                link = self._link(at, self.closers[at])
                if link is None:
                    self._prose(position, at + 1, out)
                    position = at + 1
                    continue
                bang = at > position and text[at - 1] == "!" and (at - 2) not in self.escapes
                self._prose(position, at - 1 if bang else at, out)
                position = self._write_link(at, link, bang, out)
            else:
                self._prose(position, at + 1, out)
                position = at + 1
        self._prose(position, end, out)

    def _prose(self, start: int, end: int, out: list[str]) -> None:
        if start >= end:
            return
        if self.html:  # nothing but HTML reads it: no Markdown syntax to neutralise
            out.append(html.escape(self.text[start:end], quote=False))
            return
        marks = self.marks
        index = self._mark_index = bisect_left(marks, start, self._mark_index) if marks else 0
        while index < len(marks) and marks[index] < end:
            at = marks[index]
            out.append(_escape(self.text[start:at]))
            out.append(f"&#{ord(self.text[at])};")
            start = at + 1
            index += 1
        self._mark_index = index
        out.append(_escape(self.text[start:end]))

    # -- links -------------------------------------------------------------------------------

    def _link(self, opener: int, closer: int) -> tuple[str, str, int] | None:
        """(url, title, end) of an inline link whose text is text[opener+1:closer], or None."""
        text = self.text
        if closer + 1 >= len(text) or text[closer + 1] != "(":
            return None
        position = _skip_space(text, closer + 2)
        if position < len(text) and text[position] == "<":
            end = self._find_next(("<", ">", "\n"), position + 1)
            if end < 0 or text[end] != ">":
                return None
            url, position = text[position + 1:end], end + 1
        else:
            end = self._destination_end(position)
            if end < 0:
                return None
            url, position = text[position:end], end
        tail = self._tail(position)
        if tail is None:
            return None
        title, end = tail
        # The link may not cut through a code span (code spans bind tighter than links).
        index = bisect_left(self.starts, closer)
        if index < len(self.starts) and self.starts[index] < end:
            return None
        return url, title, end

    def _write_link(self, opener: int, link: tuple[str, str, int], image: bool, out: list[str]) -> int:
        url, title, end = link
        closer = self.closers[opener]
        if not url_is_allowed(url):
            self._problem(opener, "link", url)
            start = opener - 1 if image else opener
            self._emit(start, end, out, links=False)  # all of it as text
            return end
        if self.links is not None and not is_external(url):
            self.links(FieldLink(self._line(opener), url))
        label: list[str] = []
        self._emit(opener + 1, closer, label, links=False)
        label_text = "".join(label)
        if self.html:
            out.append(_html_link(url, title, label_text, image))
            return end
        target = url.translate(_URL) + (f' "{title.translate(_LITERAL)}"' if title else "")
        if image and is_external(url):  # no request to another host: a link instead
            out.append(f"[{label_text or _escape(url)}]({target})")
        else:
            out.append(f"{'!' if image else ''}[{label_text}]({target})")
        return end

    def _destination_end(self, start: int) -> int:
        """End of a bare link destination at ``start`` (balanced parentheses, no space); -1 if none.

        Memoised per position: destinations that share a tail are scanned once.
        """
        text = self.text
        ends = self._dest_ends
        path: list[int] = []
        position = start
        result = -1
        while True:
            if position in ends:
                result = ends[position]
                break
            if position >= len(text):
                result = position
                break
            char = text[position]
            if char in " \t\n" or char == ")" or char < " ":
                result = position
                break
            path.append(position)
            if char == "(":
                group = self._group_end(position)
                if group < 0:
                    result = -1
                    break
                position = group
            else:
                position += 1
        for visited in path:
            ends[visited] = result
        return result

    def _group_end(self, start: int) -> int:
        """Just past the ")" matching the "(" at ``start`` within one run of non-space; -1 if none."""
        if not hasattr(self, "_groups"):
            self._groups = _match_parentheses(self.text)
        close = self._groups.get(start, -1)
        return close + 1 if close >= 0 else -1

    def _tail(self, start: int) -> tuple[str, int] | None:
        """After a destination: an optional title, then ")"; memoised per position."""
        if start in self._tails:
            return self._tails[start]
        text = self.text
        position = _skip_space(text, start)
        result: tuple[str, int] | None = None
        if position < len(text) and text[position] == ")":
            result = ("", position + 1)
        elif position > start and position < len(text) and text[position] in "\"'(":
            close = ")" if text[position] == "(" else text[position]
            end = self._find_next((close,), position + 1)
            if end >= 0:
                after = _skip_space(text, end + 1)
                if after < len(text) and text[after] == ")":
                    result = (text[position + 1:end], after + 1)
        self._tails[start] = result
        return result

    def _find_next(self, chars: tuple[str, ...], start: int) -> int:
        """The first of ``chars`` at or after ``start``; -1 if none (a binary search, not a scan)."""
        best = -1
        for char in chars:
            positions = self._positions.get(char)
            if positions is None:
                positions = self._positions[char] = [m.start() for m in re.finditer(re.escape(char), self.text)]
            index = bisect_left(positions, start)
            if index < len(positions) and (best < 0 or positions[index] < best):
                best = positions[index]
        return best


def _token(text: str, at: int, end: int) -> tuple[int, int, str]:
    """(start, end, first character) of the token at ``at``: an escape pair, a backtick run, a bracket.

    A backslash not followed by ASCII punctuation is a one-character token (text).
    """
    char = text[at]
    if char == "`":
        return at, _BACKTICKS.match(text, at, end).end(), char  # type: ignore[union-attr]
    if char == "\\" and at + 1 < end and text[at + 1] in _PUNCTUATION:
        return at, at + 2, char
    return at, at + 1, char


def _skip_space(text: str, start: int) -> int:
    """Past spaces and tabs, and at most one line break (a blank line ends the paragraph anyway)."""
    position = _BLANK.match(text, start).end()  # type: ignore[union-attr]
    if position < len(text) and text[position] == "\n":
        position = _BLANK.match(text, position + 1).end()  # type: ignore[union-attr]
    return position


def _match_parentheses(text: str) -> dict[int, int]:
    """Each "(" -> its ")", matched within runs of non-whitespace; one pass with a stack."""
    pairs: dict[int, int] = {}
    stack: list[int] = []
    for match in re.finditer(r"[()]|\s+", text):
        char = match.group()
        if char == "(":
            stack.append(match.start())
        elif char == ")":
            if stack:
                pairs[stack.pop()] = match.start()
        else:
            stack.clear()
    return pairs


def _html_link(url: str, title: str, label: str, image: bool) -> str:
    href = html.escape(url.translate(_URL))
    title_attribute = f' title="{html.escape(" ".join(title.split()))}"' if title else ""
    if image and not is_external(url):
        return f'<img src="{href}" alt="{html.escape(html.unescape(label))}"{title_attribute}>'
    return f'<a href="{href}"{title_attribute}>{label or html.escape(url)}</a>'


def _escape(text: str) -> str:
    for char, reference in _PROSE_REFERENCES:  # replace() is many times faster than translate()
        if char in text:
            text = text.replace(char, reference)
    if "!!" in text:  # "!!!" opens an admonition: its class would come from content
        text = text.replace("!!", "&#33;!")
    return text


def _code(content: str, finished: bool = False) -> str:
    """A code span as HTML: content literal (Markdown and HTML syntax both escaped, or only
    HTML's in ``finished`` HTML, which Markdown does not read)."""
    content = content.replace("\n", " ")
    if len(content) > 2 and content[0] == " " and content[-1] == " " and content.strip(" "):
        content = content[1:-1]  # one space each side is padding (CommonMark)
    return f"<code>{html.escape(content) if finished else content.translate(_LITERAL)}</code>"
