"""How deeply a YAML text nests, counting real structure only; one forward pass.

libyaml recurses once per nesting level and crashes the interpreter near
25,000 levels, so the loader refuses deep nesting before libyaml sees the text.
This scanner counts what YAML counts: brackets and braces that open flow
collections, and indentation with block indicators (``- - - x``). Characters
inside quoted scalars, block scalars (``|``, ``>``), plain scalars and comments
are text and never count (a title may contain 80 ``[``).

Each character is examined a bounded number of times (regular expressions
here are single tokens without nested repetition), so the scan is linear.
It only needs to be exact where libyaml would go on parsing: where the text
is not valid YAML (an unterminated quote, say), libyaml stops with an error at
that point, and so does the scan.
"""

from __future__ import annotations

import re
from functools import cache

_LEAD = re.compile(r"(?:[ \t]|[-?:](?=[ \t\n]|$))*", re.MULTILINE)
_DOUBLE = re.compile(r'(?:[^"\\]|\\.)*"', re.DOTALL)
_SINGLE = re.compile(r"(?:[^']|'')*'")
_PROPERTY = re.compile(r"[!&][^ \t\n]*[ \t]*")  # a tag or an anchor before a node
_BLOCK_HEADER = re.compile(r"[|>][0-9+-]*[ \t]*(?:#[^\n]*)?(?=\n|$)")
# In a plain scalar (block context): where a key ends (": ") or a comment starts (" #").
_PLAIN_STOP = re.compile(r":(?=[ \t\n]|$)|[ \t]#|\n")
# In flow context: everything that can change the nesting or hide brackets.
_FLOW_TOKEN = re.compile(r"[\[\]{}\"'#\n]")
_AFTER_NODE = re.compile(r"[ \t]*(?::(?=[ \t\n]|$)[ \t]*|#[^\n]*|(?=\n)|$)")
_SPACE = re.compile(r"[ \t]*")
# A run of lines that cannot open, close or hide anything: no quote, bracket, block
# scalar, comment, anchor, tag or alias; shallow indentation. Skipped at C speed.
_QUIET_LINES = re.compile(
    r"(?:[ \t]{0,64}(?:- ){0,8}[^\n\"'\[\]{}|>#&!*%?:\s-][^\n\"'\[\]{}|>#]*\n|[ \t]*\n)*"
)
_INDENT = re.compile(r" *")


@cache
def _indented_lines(parent: int, comments: bool) -> re.Pattern[str]:
    """Lines that are blank or indented more than ``parent`` (not comments unless ``comments``)."""
    first = "" if comments else "(?![ \\t]*#)"
    return re.compile(rf"(?:[ \t]*\n|{first} {{{parent + 1}}}[^\n]*(?:\n|$))*")


@cache
def _deep_lead(max_block_lead: int) -> re.Pattern[str]:
    """A line starting with more than ``max_block_lead`` blanks or indicators (what could be a deep lead)."""
    return re.compile(rf"^[ \t?:-]{{{max_block_lead + 1}}}", re.MULTILINE)


class TooDeep(Exception):
    """Nesting beyond the limit, at ``offset`` in the text."""

    def __init__(self, offset: int) -> None:
        super().__init__(offset)
        self.offset = offset


class _Stop(Exception):
    """The text is not valid YAML here; libyaml stops at this point too."""


def check_nesting(text: str, max_flow_depth: int, max_block_lead: int) -> None:
    """Raise :class:`TooDeep` where ``text`` nests deeper than the limits."""
    # A text with no more brackets than the flow limit, and no line led by more blanks and
    # indicators than the block limit, cannot nest too deep: most files need no scan.
    if text.count("[") + text.count("{") <= max_flow_depth and _deep_lead(max_block_lead).search(text) is None:
        return
    try:
        _Scanner(text, max_flow_depth, max_block_lead).scan()
    except _Stop:
        pass


class _Scanner:
    def __init__(self, text: str, max_flow_depth: int, max_block_lead: int) -> None:
        self.text = text
        self.max_flow = max_flow_depth
        self.max_lead = max_block_lead

    def scan(self) -> None:
        text = self.text
        position = 0
        while position < len(text):
            quiet = _QUIET_LINES.match(text, position).end()  # type: ignore[union-attr]
            if quiet >= len(text):
                break
            if quiet > position:  # the last quiet line may open a plain scalar that goes on
                position = max(position, text.rfind("\n", position, quiet - 1) + 1)
            end = text.find("\n", position)
            end = len(text) if end < 0 else end
            position = self._line(position, end)

    def _line(self, start: int, end: int) -> int:
        """Scan the block-context line at ``start``; return where the next line starts."""
        text = self.text
        indent = _INDENT.match(text, start).end() - start  # type: ignore[union-attr]
        if indent == 0 and text.startswith(("---", "..."), start) and (
            start + 3 == len(text) or text[start + 3] in " \t\n"
        ):
            position = start + 3  # a document marker; a node may follow on the same line
        elif indent == 0 and text.startswith("%", start):
            return end + 1  # a directive
        else:
            position = start
        lead = _LEAD.match(text, position).end()  # type: ignore[union-attr]
        if lead - position > self.max_lead:
            raise TooDeep(position + self.max_lead)
        # The indentation that a block scalar's or a plain scalar's next lines must exceed:
        # the column of the innermost block indicator ("- "), else of the line.
        indicators = text[position:lead]
        last = max(indicators.rfind("-"), indicators.rfind("?"), indicators.rfind(":"))
        parent = position + last - start if last >= 0 else indent
        return self._node(lead, start, parent)

    def _node(self, position: int, start: int, parent: int) -> int:
        """A node starts at ``position`` on the line at ``start``; return where the next line starts."""
        text = self.text
        while True:
            position = _PROPERTY.match(text, position).end() if text.startswith(("!", "&"), position) else position  # type: ignore[union-attr]
            if position >= len(text) or text[position] == "\n":
                return position + 1
            char = text[position]
            if char == "#":
                return self._line_end(position)
            node = position
            if char in "\"'":
                position = self._quoted(position)
            elif char in "[{":
                position = self._flow(position)
            elif char in "|>" and (header := _BLOCK_HEADER.match(text, position)) is not None:
                return self._block_scalar(header.end(), parent)
            else:  # a plain scalar: up to ": " (it was a key), " #" or the end of the line
                stop = _PLAIN_STOP.search(text, position)
                if stop is None:
                    return len(text)
                if text[stop.start()] == ":":  # a key: its value is indented from the key
                    parent = node - start
                    position = _SPACE.match(text, stop.end()).end()  # type: ignore[union-attr]
                    continue
                return self._plain_continues(self._line_end(stop.start()), parent)
            # After a quoted scalar or a flow collection: ": value", a comment, or the end of the line.
            after = _AFTER_NODE.match(text, position)
            if after is None:
                return self._line_end(position)  # not valid YAML; libyaml says so
            if after.group().lstrip(" \t").startswith(":"):
                parent = node - start if node >= start else parent
                position = after.end()
                continue
            return self._line_end(after.end())

    def _line_end(self, position: int) -> int:
        end = self.text.find("\n", position)
        return len(self.text) if end < 0 else end + 1

    def _quoted(self, position: int) -> int:
        pattern = _DOUBLE if self.text[position] == '"' else _SINGLE
        match = pattern.match(self.text, position + 1)
        if match is None:
            raise _Stop  # an unterminated quoted scalar: libyaml stops here
        return match.end()

    def _block_scalar(self, position: int, parent: int) -> int:
        """Skip the content lines of a block scalar: blank, or indented more than its parent."""
        line = self._line_end(position)
        return _indented_lines(parent, comments=True).match(self.text, line).end()  # type: ignore[union-attr]

    def _plain_continues(self, line: int, parent: int) -> int:
        """Skip the continuation lines of a multi-line plain scalar (indented more than its parent)."""
        return _indented_lines(parent, comments=False).match(self.text, line).end()  # type: ignore[union-attr]

    def _flow(self, position: int) -> int:
        """Scan a flow collection opening at ``position``; return the position just after it."""
        text = self.text
        depth = 0
        while True:
            token = _FLOW_TOKEN.search(text, position)
            if token is None:
                raise _Stop  # unclosed: libyaml stops at the end of the text
            at = token.start()
            char = text[at]
            position = at + 1
            if char in "[{":
                depth += 1
                if depth > self.max_flow:
                    raise TooDeep(at)
            elif char in "]}":
                depth -= 1
                if depth == 0:
                    return position
            elif char in "\"'":
                if self._starts_node(at):
                    position = self._quoted(at)
            elif char == "#" and (at == 0 or text[at - 1] in " \t\n"):
                position = self._line_end(at)

    def _starts_node(self, at: int) -> bool:
        """Whether the quote at ``at`` opens a quoted scalar (not inside a plain one)."""
        text = self.text
        before = at - 1
        while before >= 0 and text[before] in " \t\n":
            before -= 1
        return before < 0 or text[before] in "[{,:?"
