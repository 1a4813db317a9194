"""Load YAML content files into plain data, keeping where every value came from.

The loader is deliberately stricter than ``yaml.safe_load``:

* libyaml (``CSafeLoader``) parses; only its node tree is used, never PyYAML's
  constructors, so no tag can construct an object and nothing can execute.
* Every scalar becomes the text the author typed (or ``None`` for an empty or
  ``null`` value). ``NO`` stays ``"NO"``, ``12:30`` stays ``"12:30"``, ``010``
  stays ``"010"`` and ``2021-06-27`` stays ``"2021-06-27"``; the model converts
  text to numbers only where a field is numeric. That is how the YAML 1.1
  surprises are handled "as the author meant them".
* Duplicate keys, non-core tags, alias bombs, deep nesting, huge files,
  invalid UTF-8 and NUL bytes are diagnostics, not crashes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import yaml

from briefing import yaml_hints
from briefing.diagnostics import Diagnostics, FieldPath

try:  # libyaml is about ten times faster than the pure-Python parser.
    _BaseLoader: type = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - only without libyaml
    _BaseLoader = yaml.SafeLoader

#: Largest content file accepted, in bytes. A long briefing is a few hundred KiB.
MAX_FILE_BYTES = 4 * 1024 * 1024
#: Deepest flow nesting (``[[[...``) accepted. Content needs about six levels.
#: libyaml recurses per level and crashes the interpreter near 25,000.
MAX_FLOW_DEPTH = 64
#: Longest run of indentation and block indicators (``- - - -``) at a line start.
MAX_BLOCK_INDENT = 256
#: How many nodes aliases may add by expansion before the file counts as an alias bomb.
MAX_ALIAS_EXPANSION = 10_000

_CORE_TAGS = frozenset(
    "tag:yaml.org,2002:" + t for t in ("str", "int", "float", "bool", "null", "timestamp")
)
_MAP_TAG = "tag:yaml.org,2002:map"
_SEQ_TAG = "tag:yaml.org,2002:seq"
_NULL_TAG = "tag:yaml.org,2002:null"
_STR_TAG = "tag:yaml.org,2002:str"
_MERGE_TAG = "tag:yaml.org,2002:merge"
# The plain scalars YAML 1.1 reads as null (an empty value included).
_NULL_PLAIN = frozenset(("", "~", "null", "Null", "NULL"))
_FLOW_BRACKETS = re.compile(r"[\[\]{}]")
# A line starting with more than MAX_BLOCK_INDENT characters of indentation and
# block indicators ("- - - - x" nests one level per two characters).
_DEEP_BLOCK_LEAD = re.compile(rf"^(?:[ \t]|[-?:](?=[ \t])){{{MAX_BLOCK_INDENT + 1}}}", re.MULTILINE)


class _Loader(_BaseLoader):  # type: ignore[misc]
    """libyaml, with a resolver that tells only null and ``<<`` apart from text.

    Scalars stay the text the author typed, so PyYAML's regular expressions for
    ints, floats, bools and timestamps (a third of the parse time) are not
    needed. Explicit tags are kept as written, and refused by the converter.
    """

    def resolve(self, kind: type, value: Any, implicit: tuple[bool, bool]) -> str:
        if kind is yaml.ScalarNode:
            if implicit[0]:  # a plain (unquoted) scalar
                if value in _NULL_PLAIN:
                    return _NULL_TAG
                if value == "<<":
                    return _MERGE_TAG
            return _STR_TAG
        return _SEQ_TAG if kind is yaml.SequenceNode else _MAP_TAG


@dataclass(frozen=True)
class Mark:
    """A 1-based line and column in a file; ``block`` is true for ``|`` and ``>`` scalars."""

    line: int
    column: int
    block: bool = False


@dataclass
class Document:
    """One loaded file: its data, and (on demand) where each value came from.

    Marks are needed only to report a problem, which is rare, so the node tree
    with line and column is composed again lazily instead of being recorded
    for every value of every file.
    """

    path: str
    data: Any
    text: str = ""
    _root: Any = field(default=None, repr=False)

    def _node(self, path: FieldPath) -> tuple[yaml.Node | None, yaml.Node | None]:
        """The value node at ``path`` (or its nearest ancestor) and the key node, if any."""
        if self._root is None:
            try:
                self._root = yaml.compose(self.text, Loader=_Loader) or False
            except yaml.YAMLError:
                self._root = False
        node, key_node = self._root or None, None
        for part in path:
            found = None
            if isinstance(node, yaml.MappingNode):
                for k, v in node.value:
                    if isinstance(k, yaml.ScalarNode) and k.value == part:
                        found, key_node = v, k
                        break
            elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value):
                found, key_node = node.value[part], None
            if found is None:
                return node, None
            node = found
        return node, key_node

    def forget_nodes(self) -> None:
        """Drop the composed node tree (it is rebuilt if another mark is needed)."""
        self._root = None

    def mark(self, path: FieldPath) -> Mark:
        """The mark of the value at ``path``, or of its nearest ancestor."""
        node, _ = self._node(path)
        if node is None:
            return Mark(1, 1)
        start = node.start_mark
        return Mark(start.line + 1, start.column + 1, getattr(node, "style", None) in ("|", ">"))

    def key_mark(self, path: FieldPath) -> Mark:
        """The mark of the mapping key at the end of ``path`` (for unknown fields)."""
        node, key_node = self._node(path)
        if key_node is None or not path or key_node.value != path[-1]:
            return self.mark(path)
        return Mark(key_node.start_mark.line + 1, key_node.start_mark.column + 1)


class _Abort(Exception):
    """Stop converting a document; the diagnostic has been recorded."""


def load_bytes(raw: bytes, display: str, diagnostics: Diagnostics) -> Document | None:
    """Parse YAML bytes; on any problem record it and return None."""
    if len(raw) > MAX_FILE_BYTES:
        diagnostics.error(display, 1, 1, f"file is larger than {MAX_FILE_BYTES:,} bytes")
        return None
    text = _decode(raw, display, diagnostics)
    if text is None or not _nesting_ok(text, display, diagnostics):
        return None
    try:
        node = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        problem = " ".join((exc.problem or exc.context or "invalid YAML").split())
        context_line = exc.context_mark.line + 1 if exc.context_mark else None
        advice = yaml_hints.hint(problem, exc.context, text.splitlines(), line, column, context_line)
        if exc.context and exc.context_mark and exc.problem:
            problem += f" ({exc.context} that starts at line {exc.context_mark.line + 1})"
        diagnostics.error(display, line, column, f"invalid YAML: {problem}" + (f"; {advice}" if advice else ""))
        return None
    except yaml.reader.ReaderError as exc:
        line, column = position(text, exc.position)
        character = exc.character if isinstance(exc.character, str) else chr(exc.character)
        diagnostics.error(
            display, line, column,
            f"invalid YAML: the character U+{ord(character):04X} is not allowed in YAML; remove it",
        )
        return None
    except yaml.YAMLError as exc:
        message = " ".join(str(exc).split())
        diagnostics.error(display, 1, 1, f"invalid YAML: {message}")
        return None
    document = Document(display, None, text)
    if node is None:  # an empty file
        return document
    converter = _Converter(document, diagnostics, budget=len(text) + MAX_ALIAS_EXPANSION)
    try:
        document.data = converter.convert(node)
    except _Abort:
        return None
    if converter.failed:
        return None
    return document


def position(text: str | bytes, offset: int) -> tuple[int, int]:
    """The 1-based line and column of ``offset`` in ``text`` (the one place that counts them)."""
    if isinstance(text, bytes):  # undecodable input: count in bytes
        return text.count(b"\n", 0, offset) + 1, offset - text.rfind(b"\n", 0, offset)
    return text.count("\n", 0, offset) + 1, offset - text.rfind("\n", 0, offset)


def _decode(raw: bytes, display: str, diagnostics: Diagnostics) -> str | None:
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line, column = position(raw, exc.start)
        diagnostics.error(
            display, line, column,
            f"file is not valid UTF-8 (byte 0x{raw[exc.start]:02x}); save it as UTF-8",
        )
        return None
    nul = text.find("\x00")
    if nul >= 0:
        line, column = position(text, nul)
        diagnostics.error(display, line, column, "file contains a NUL byte; it is not a text file")
        return None
    return text.removeprefix("\ufeff")


def _nesting_ok(text: str, display: str, diagnostics: Diagnostics) -> bool:
    """Refuse pathologically deep nesting before libyaml sees it (it would crash).

    The scan over-estimates (brackets inside quoted strings count too), which
    only matters for files far deeper than any real content.
    """
    depth = 0
    for match in _FLOW_BRACKETS.finditer(text):
        if match.group() in "[{":
            depth += 1
            if depth > MAX_FLOW_DEPTH:
                return _too_deep(text, match.start(), display, diagnostics)
        elif depth:
            depth -= 1
    lead = _DEEP_BLOCK_LEAD.search(text)
    if lead:
        return _too_deep(text, lead.start(), display, diagnostics)
    return True


def _too_deep(text: str, offset: int, display: str, diagnostics: Diagnostics) -> bool:
    line, column = position(text, offset)
    diagnostics.error(
        display, line, column,
        "nesting is too deep (content needs only a few levels of lists and mappings)",
    )
    return False


class _Converter:
    """Turn a libyaml node tree into dicts, lists, strings and None.

    Aliases are not refused (they are plain YAML), but the values they add are
    counted: a file cannot expand to more values than it has characters, plus
    ``MAX_ALIAS_EXPANSION``. That stops alias bombs and recursive aliases alike.
    """

    def __init__(self, document: Document, diagnostics: Diagnostics, budget: int) -> None:
        self.document = document
        self.diagnostics = diagnostics
        self.failed = False
        self.budget = budget

    def error(self, node: yaml.Node, message: str) -> None:
        self.failed = True
        mark = node.start_mark
        self.diagnostics.error(self.document.path, mark.line + 1, mark.column + 1, message)

    def convert(self, node: yaml.Node) -> Any:
        self.budget -= 1
        if self.budget < 0:
            self.error(
                node,
                f"aliases expand to more than {MAX_ALIAS_EXPANSION:,} values "
                "(an alias bomb?); write the values out instead",
            )
            raise _Abort
        kind = type(node)
        if kind is yaml.ScalarNode:
            tag = node.tag
            if tag not in _CORE_TAGS and tag != _MERGE_TAG:  # "<<" is a merge only as a key
                self.error(node, _tag_message(tag))
                return None
            if tag == _NULL_TAG and not node.style:  # type: ignore[attr-defined]
                return None
            return node.value
        if kind is yaml.SequenceNode:
            if node.tag != _SEQ_TAG:
                self.error(node, _tag_message(node.tag))
            convert = self.convert
            return [convert(item) for item in node.value]
        if node.tag != _MAP_TAG:
            self.error(node, _tag_message(node.tag))
        return self._mapping(node)  # type: ignore[arg-type]  # the one kind left

    def _mapping(self, node: yaml.MappingNode) -> dict[str, Any]:
        result: dict[str, Any] = {}
        convert = self.convert
        for key_node, value_node in node.value:
            if type(key_node) is not yaml.ScalarNode or key_node.tag not in _CORE_TAGS:
                if key_node.tag == _MERGE_TAG:
                    self.error(key_node, "merge keys ('<<') are not supported: write the fields out")
                else:
                    self.error(key_node, "a mapping key must be a plain name")
                continue
            key = key_node.value
            if key in result:
                first = next(k for k, _ in node.value if getattr(k, "value", None) == key)
                self.error(
                    key_node,
                    f"duplicate key '{key}' (first defined at line {first.start_mark.line + 1}); "
                    "remove one of them",
                )
                continue
            result[key] = convert(value_node)
        return result


def _tag_message(tag: str) -> str:
    return f"tag '{_short_tag(tag)}' is not allowed: content is plain YAML data, without tags"


def _short_tag(tag: str) -> str:
    return "!!" + tag.removeprefix("tag:yaml.org,2002:") if tag.startswith("tag:yaml.org,2002:") else tag
