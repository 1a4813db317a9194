"""Content strings are data: make them safe to place in generated Markdown.

Two kinds of field:

* **Plain text** (titles, names, notes): shown exactly as typed. Every
  character that Markdown, its extensions or HTML could read as syntax is
  written as a character reference, so ``*``, ``|``, ``[`` and ``<`` show as
  typed and cannot break a table, a heading or a page.
  A value with a character that can change direction (right-to-left script,
  or an explicit bidi control) is wrapped in ``<bdi>`` with its controls
  balanced, so it cannot reorder the text around it.
* **Markdown** (summary, descriptions): see :mod:`briefing.markdown_field`.
"""

from __future__ import annotations

import re
from functools import lru_cache

from briefing.bidi import balance, needs_isolation
from briefing.markdown_field import FieldProblem, markdown

__all__ = ["FieldProblem", "attribute", "markdown", "plain"]

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
        text = _LINE_START.sub(lambda m: f"{m.group()[:-1]}&#{ord(m.group()[-1])};", text)
    if not needs_isolation(text):
        return text
    # Isolated: neither this value's direction nor its controls reach the text around it.
    return f"<bdi>{balance(text)}</bdi>"


def attribute(value: object) -> str:
    """Escape a value for a double-quoted HTML attribute (its bidi controls balanced)."""
    return (
        balance(str(value)).replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;").replace(">", "&gt;")
    )


