"""Explicit bidirectional controls in content: balanced, so no value can reorder another.

A title may legitimately contain right-to-left text, and even explicit
controls (RLE ... PDF, RLI ... PDI). What it must not do is leave one open:
an unterminated U+202E (RIGHT-TO-LEFT OVERRIDE) reverses everything after it
on the same line, including other fields. :func:`balance` drops closers that
close nothing and closes whatever is left open at the end of the value, in
one pass. The renderer then isolates each plain value (``<bdi>``), and
Markdown fields are balanced line by line (a paragraph is its own bidi
paragraph, so nothing crosses into the page around it).
"""

from __future__ import annotations

import re

LRE, RLE, PDF, LRO, RLO = "\u202a", "\u202b", "\u202c", "\u202d", "\u202e"
LRI, RLI, FSI, PDI = "\u2066", "\u2067", "\u2068", "\u2069"
_EMBEDDINGS = frozenset((LRE, RLE, LRO, RLO))
_ISOLATES = frozenset((LRI, RLI, FSI))
#: Every explicit directional formatting character (the marks LRM, RLM, ALM are harmless).
CONTROLS = LRE + RLE + PDF + LRO + RLO + LRI + RLI + FSI + PDI
_CONTROL = re.compile(f"[{CONTROLS}]")
_STRIP = str.maketrans(dict.fromkeys(CONTROLS))
# Every character whose bidi class can change the direction of text (R, AL, AN and the
# explicit controls), by block: a slight over-approximation, checked by the tests.
_DIRECTIONAL = re.compile(
    "[\u0590-\u08ff\u200f\u202a-\u202e\u2066-\u2069\ufb1d-\ufdff\ufe70-\ufefe"
    "\U00010800-\U00010fff\U0001e800-\U0001efff]"
)
#: Deeper explicit nesting than this is dropped (the Unicode limit is 125; none is needed).
MAX_DEPTH = 16


def has_controls(text: str) -> bool:
    """True if ``text`` holds an explicit directional control."""
    return not text.isascii() and _CONTROL.search(text) is not None


def balance(text: str) -> str:
    """``text`` with every explicit embedding, override and isolate closed inside it."""
    if not has_controls(text):
        return text
    out: list[str] = []
    stack: list[str] = []  # open initiators, innermost last
    position = 0
    for match in _CONTROL.finditer(text):
        char = match.group()
        out.append(text[position:match.start()])
        position = match.end()
        if char in _EMBEDDINGS or char in _ISOLATES:
            if len(stack) < MAX_DEPTH:
                stack.append(char)
                out.append(char)
        elif char == PDF:
            if stack and stack[-1] in _EMBEDDINGS:  # a PDF never closes across an isolate
                stack.pop()
                out.append(char)
        elif any(c in _ISOLATES for c in stack):  # PDI: closes up to its isolate
            while stack.pop() not in _ISOLATES:
                pass
            out.append(char)
    out.append(text[position:])
    out.extend(PDF if c in _EMBEDDINGS else PDI for c in reversed(stack))
    return "".join(out)


def needs_isolation(text: str) -> bool:
    """True if ``text`` has a character that can change direction (right-to-left, or a control).

    Text without one is left-to-right or neutral: on a left-to-right page, among
    values that are isolated, it can neither reorder anything nor be reordered.
    """
    return not text.isascii() and _DIRECTIONAL.search(text) is not None


def strip(text: str) -> str:
    """``text`` without explicit directional controls (for page titles: ``<title>``, navigation)."""
    return text.translate(_STRIP)
