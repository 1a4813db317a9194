"""Load every content file, validate it, and resolve references across files.

``load_project`` is the whole front half of the pipeline: it returns a
:class:`Project` (the validated model) and the diagnostics of every problem
found, all at once, never only the first.
"""

from __future__ import annotations

import dataclasses
import hashlib
import types
import typing
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pydantic
from pydantic import BaseModel
from pydantic_core import ErrorDetails

from briefing import estimative, registry, salvage, suggest
from briefing.diagnostics import Diagnostics, FieldPath, did_you_mean, display_path, format_path
from briefing.discover import content_files, read_regular
from briefing.load import MAX_FILE_BYTES, Document, Mark, load_bytes
from briefing.model import Actor, Briefing, Outlet, Project, Vocabularies, _check_id, via_chain
from briefing.scaffold import PLACEHOLDER

# Parsed files keyed by path and content hash: `serve` re-validates only what changed.
_PARSE_CACHE: dict[str, tuple[str, Any]] = {}


def _digest(raw: bytes, kind: Any) -> str:
    return hashlib.blake2b(raw, digest_size=16).hexdigest() + repr(kind)


def _parse_entry(raw: bytes, display: str, kind: Any) -> tuple[str, Any]:
    """Load and validate one file's bytes: (digest, (diagnostics, document, value))."""
    local = Diagnostics()
    document = load_bytes(raw, display, local)
    value = None
    if document is not None and not (
        PLACEHOLDER in document.text and _placeholders(document, document.data, (), local)
    ):
        value = _validate_value(document, kind, local)
    if document is not None and value is not None:
        # Only marks are needed from here on, and they come from the text, lazily.
        # (A file that failed keeps its data: briefing.salvage checks what it can.)
        document.data = None
        document.forget_nodes()
    return _digest(raw, kind), (list(local.items), document, value)


def _parse(file: Path, display: str, kind: type | Any, diagnostics: Diagnostics) -> tuple[Document | None, Any]:
    """Load and validate one file against ``kind``; cached by content hash."""
    try:
        size = file.stat().st_size
        if size > MAX_FILE_BYTES:
            diagnostics.error(
                display, 1, 1,
                f"file is {size:,} bytes; the limit is {MAX_FILE_BYTES:,} bytes (split it into smaller files)",
            )
            return None, None
        raw = read_regular(file)  # never blocks, even if a FIFO took the file's place
    except OSError as exc:
        diagnostics.error(display, 1, 1, f"cannot read file: {exc.strerror or exc}")
        return None, None
    cached = _PARSE_CACHE.get(display)
    if not (cached and cached[0] == _digest(raw, kind)):
        cached = _PARSE_CACHE[display] = _parse_entry(raw, display, kind)
    found, document, value = cached[1]
    diagnostics.extend(found)
    return document, value


_PLACEHOLDER_MESSAGE = f"still a placeholder; replace the {PLACEHOLDER} text"


def _placeholders(document: Document, data: Any, path: FieldPath, diagnostics: Diagnostics) -> bool:
    """Report values still reading ``FILL IN`` (from ``briefing new``); True if any."""
    found = False
    if isinstance(data, str):
        if data.lstrip().startswith(PLACEHOLDER):
            mark = document.mark(path)
            diagnostics.error(
                document.path, mark.line + (1 if mark.block else 0), mark.column,
                f"{format_path(path)}: {_PLACEHOLDER_MESSAGE}",
            )
            return True
    elif isinstance(data, dict):
        for key, value in data.items():
            found = _placeholders(document, value, path + (key,), diagnostics) or found
    elif isinstance(data, list):
        for index, value in enumerate(data):
            found = _placeholders(document, value, path + (index,), diagnostics) or found
    return found


def _validate_value(document: Document, kind: Any, diagnostics: Diagnostics) -> Any:
    adapter = _adapter(kind)
    try:
        return adapter.validate_python(document.data)
    except pydantic.ValidationError as exc:
        report_validation_error(exc, document, kind, diagnostics)
        return None


_ADAPTERS: dict[Any, pydantic.TypeAdapter[Any]] = {}


def _adapter(kind: Any) -> pydantic.TypeAdapter[Any]:
    if kind not in _ADAPTERS:
        _ADAPTERS[kind] = pydantic.TypeAdapter(kind)
    return _ADAPTERS[kind]


def load_project(
    content_dir: Path, vocabularies_file: Path, *, preview: bool = False, drafts: bool = False
) -> tuple[Project, Diagnostics]:
    """Load, validate and cross-reference everything under ``content_dir``.

    With ``preview`` (``briefing serve``), a draft scaffold still reading
    ``FILL IN`` is a draft in progress, not an error: left out of the model,
    and reported as warnings only when ``drafts`` are shown.
    """
    diagnostics = Diagnostics()
    project = Project()
    project.vocabularies = _load_vocabularies(vocabularies_file, diagnostics)
    failed = _Failed(vocabularies=display_path(vocabularies_file))
    if not content_dir.is_dir():
        diagnostics.error(display_path(content_dir), 1, 1, "content directory not found")
        return project, diagnostics
    actor_files = content_files(content_dir / "actors", diagnostics)
    briefing_files = content_files(content_dir / "briefings", diagnostics)
    if actor_files is None or briefing_files is None:
        return project, diagnostics  # a folder cannot be read: everything else would follow from that
    outlet_files = content_files(content_dir / "sources", diagnostics) or []
    _load_entries(outlet_files, list[Outlet], project.outlets, project.outlet_files, "source", diagnostics)

    for file in actor_files:
        display = display_path(file)
        document, actors = _parse(file, display, list[Actor], diagnostics)
        if actors is None:
            failed.actor_file(file, document)
            continue
        assert document is not None  # a value comes only from a document
        for index, actor in enumerate(actors):
            if actor.id in project.actor_files:
                other, other_index = project.actor_files[actor.id]
                here = document.mark((index, "id"))
                there = other.mark((other_index, "id"))
                diagnostics.error(
                    display, here.line, here.column,
                    f"[{index}].id: duplicate actor id '{actor.id}' "
                    f"(also defined at {other.path}:{there.line}:{there.column})",
                )
                continue
            project.actors[actor.id] = actor
            project.actor_files[actor.id] = (document, index)

    for file in briefing_files:
        display = display_path(file)
        briefing_id = file.name.rsplit(".", 1)[0]
        try:
            _check_id(briefing_id)
        except ValueError as exc:
            diagnostics.error(display, 1, 1, f"file name: {exc}; a briefing's id is its file name")
            continue
        if briefing_id in project.briefing_files or briefing_id in failed.briefing_ids:
            also = (
                project.briefing_files[briefing_id].path
                if briefing_id in project.briefing_files else failed.briefing_ids[briefing_id]
            )
            diagnostics.error(display, 1, 1, f"duplicate briefing id '{briefing_id}' (also {also})")
            continue
        found = Diagnostics()
        document, briefing = _parse(file, display, Briefing, found)
        if briefing is None or document is None:
            failed.briefing_ids[briefing_id] = display
            if preview and _in_progress(document, found):
                project.in_progress.append(briefing_id)
                if drafts:
                    for d in found.items:
                        diagnostics.warning(d.path, d.line, d.column, d.message + " (a draft in progress)")
                continue
            diagnostics.extend(found.items)
            failed.briefing_file(file, briefing_id, document)
            continue
        diagnostics.extend(found.items)
        if briefing.id is not None and briefing.id != briefing_id:
            mark = document.mark(("id",))
            diagnostics.error(
                display, mark.line, mark.column,
                f"id: '{briefing.id}' does not match the file name '{briefing_id}'; "
                "remove the id key or rename the file",
            )
        project.briefings[briefing_id] = briefing
        project.briefing_files[briefing_id] = document

    project.briefings = dict(sorted(project.briefings.items()))
    project.actors = dict(sorted(project.actors.items()))
    project.outlets = dict(sorted(project.outlets.items()))
    _check_references(project, diagnostics, failed)
    registry.resolve(project)
    return project, diagnostics


def _load_entries(
    files: list[Path], kind: Any, entries: dict[str, Any], where: dict[str, tuple[Document, int]], what: str,
    diagnostics: Diagnostics,
) -> None:
    """Load files that each hold a list of entries with ids (the source registry)."""
    for file in files:
        display = display_path(file)
        document, items = _parse(file, display, kind, diagnostics)
        if items is None or document is None:
            continue
        for index, item in enumerate(items):
            if item.id in where:
                other, other_index = where[item.id]
                here, there = document.mark((index, "id")), other.mark((other_index, "id"))
                diagnostics.error(
                    display, here.line, here.column,
                    f"[{index}].id: duplicate {what} id '{item.id}' "
                    f"(also defined at {other.path}:{there.line}:{there.column})",
                )
                continue
            entries[item.id] = item
            where[item.id] = (document, index)


def _in_progress(document: Document | None, found: Diagnostics) -> bool:
    """A draft whose only problems are values still reading ``FILL IN`` (a fresh scaffold)."""
    data = document.data if document is not None else None
    return (
        isinstance(data, dict)
        and data.get("status") == "draft"
        and bool(found.items)
        and all(d.message.endswith(_PLACEHOLDER_MESSAGE) for d in found.items)
    )


@dataclass
class _Failed:
    """Files that failed, and what they may still tell the reference checks (see briefing.salvage)."""

    vocabularies: str
    briefing_ids: dict[str, str] = field(default_factory=dict)
    partial_briefings: dict[str, tuple[Any, Document]] = field(default_factory=dict)
    partial_actors: dict[str, Any] = field(default_factory=dict)
    #: Id-like words in failed files: ids these files may define or reference.
    briefing_words: set[str] = field(default_factory=set)
    actor_words: set[str] = field(default_factory=set)

    def actor_file(self, file: Path, document: Document | None) -> None:
        data = document.data if document is not None else None
        if isinstance(data, list):
            for entry in data:
                actor = salvage.partial(Actor, entry)
                if actor is not None and isinstance(actor.id, str):
                    self.partial_actors.setdefault(actor.id, actor)
        self.actor_words |= salvage.words(_text(file, document))

    def briefing_file(self, file: Path, briefing_id: str, document: Document | None) -> None:
        briefing = salvage.partial(Briefing, document.data) if document is not None else None
        if briefing is not None and document is not None:
            self.partial_briefings[briefing_id] = (briefing, document)
        self.briefing_words |= salvage.words(_text(file, document))


def _text(file: Path, document: Document | None) -> str:
    if document is not None:
        return document.text
    try:
        return read_regular(file)[:MAX_FILE_BYTES].decode("utf-8", errors="replace")
    except OSError:
        return ""


def load_vocabularies(file: Path) -> tuple[Vocabularies | None, Diagnostics]:
    """The vocabularies file alone (``briefing schema``)."""
    diagnostics = Diagnostics()
    return _load_vocabularies(file, diagnostics), diagnostics


def _load_vocabularies(file: Path, diagnostics: Diagnostics) -> Vocabularies | None:
    display = display_path(file)
    if not file.is_file():
        diagnostics.error(display, 1, 1, "vocabularies file not found")
        return None
    _, vocabularies = _parse(file, display, Vocabularies, diagnostics)
    return vocabularies if isinstance(vocabularies, Vocabularies) else None


# -- references --------------------------------------------------------------------------------


def _check_references(project: Project, diagnostics: Diagnostics, failed: _Failed) -> None:
    """Check every reference of every file that parsed, the partly valid ones included.

    Warnings are about files that are otherwise right: a partly valid file
    gets none, and an actor named in a file that failed counts as referenced.
    """
    vocab = project.vocabularies
    referenced: set[str] = set(failed.briefing_words)
    actor_names = {a: [actor.name, actor.short_name, *actor.aliases] for a, actor in project.actors.items()}
    known_actors: dict[str, list[str | None]] = {**{a: [] for a in failed.partial_actors}, **actor_names}
    known_briefings = set(project.briefings) | set(failed.briefing_ids)
    vocab_file = failed.vocabularies
    wording = estimative.checker(vocab.estimative if vocab else None)

    def vocabulary(report: _Reporter, path: FieldPath, value: Any, allowed: dict[str, str], what: str, section: str) -> None:
        if value is None or value in allowed:
            return
        hint = suggest.did_you_mean(value, {k: [label] for k, label in allowed.items()})
        report.error(
            path,
            f"unknown {what} '{value}'{hint}; the {what}s are listed under {section} in {vocab_file} "
            "(add it there if it is a new one)",
        )

    actors_checked = [(a, actor, *project.actor_files[a]) for a, actor in project.actors.items()]
    for actor_id, actor, document, index in actors_checked:
        report = _Reporter(document, diagnostics, prefix=(index,))
        if vocab is not None:
            vocabulary(report, ("kind",), actor.kind, vocab.actor_kinds, "actor kind", "actor_kinds")
        for i, parent in enumerate(actor.affiliations):
            if parent == actor_id:
                report.error(("affiliations", i), f"actor '{actor_id}' cannot be affiliated with itself")
            elif parent not in failed.actor_words:
                report.unknown(("affiliations", i), parent, known_actors, "actor", others={"briefing": known_briefings})

    for outlet_id, outlet in project.outlets.items():
        document, index = project.outlet_files[outlet_id]
        if vocab is not None:
            report = _Reporter(document, diagnostics, prefix=(index,))
            vocabulary(report, ("kind",), outlet.kind, vocab.source_kinds, "source kind", "source_kinds")

    def reporter(briefing_id: str) -> _Reporter:
        return _Reporter(project.briefing_files[briefing_id], diagnostics)

    registry.check(project, reporter)
    registry.check_consistent_grades(project, reporter)

    checked = [(b, briefing, project.briefing_files[b], False) for b, briefing in project.briefings.items()]
    checked += [(b, briefing, document, True) for b, (briefing, document) in failed.partial_briefings.items()]
    for briefing_id, briefing, document, partial in sorted(checked, key=lambda item: item[0]):
        report = _Reporter(document, diagnostics)
        # A partial briefing has None for each field that failed: nothing to check there.
        briefing_events, briefing_sources = briefing.events or [], briefing.sources or []
        event_ids = _unique_ids(report, "events", briefing_events, "event")
        source_ids = _unique_ids(report, "sources", briefing_sources, "source")
        if partial:  # an id that failed validation is still what its references name
            event_ids |= salvage.raw_ids(document.data, "events")
            source_ids |= salvage.raw_ids(document.data, "sources")

        def check_actor(report: _Reporter, path: FieldPath, actor_id: str, key: bool = False) -> None:
            referenced.add(actor_id)
            if actor_id not in failed.actor_words:
                report.unknown(path, actor_id, known_actors, "actor", key=key, others={"briefing": known_briefings})

        for i, related in enumerate(briefing.related or ()):
            if related == briefing_id:
                report.error(("related", i), "a briefing cannot be related to itself")
            else:
                report.unknown(("related", i), related, known_briefings, "briefing", others={"actor": known_actors})
        for actor_id in briefing.actors or ():
            check_actor(report, ("actors", actor_id), actor_id, key=True)

        for i, judgment in enumerate(briefing.key_judgments or ()):
            for j, event_id in enumerate(judgment.basis or ()):
                report.unknown(
                    ("key_judgments", i, "basis", j), event_id, event_ids, "event",
                    others={"source": source_ids, "actor": known_actors},
                )
            if not partial:
                for message in wording.problems(judgment):
                    report.warning(("key_judgments", i, "statement"), message, block_line=True)

        for i, event in enumerate(briefing_events):
            if vocab is not None:
                vocabulary(report, ("events", i, "type"), event.type, vocab.event_types, "event type", "event_types")
            for j, actor_id in enumerate(event.actors or ()):
                check_actor(report, ("events", i, "actors", j), actor_id)
            for j, source_id in enumerate(event.sources or ()):
                report.unknown(
                    ("events", i, "sources", j), source_id, source_ids, "source",
                    others={"event": event_ids, "actor": known_actors},
                )
            if partial or event.id is None:
                continue
            if not event.sources:
                report.warning(("events", i, "id"), f"event '{event.id}' has no sources")
            if event.date.lower > briefing.as_of.upper:
                report.warning(
                    ("events", i, "date"),
                    f"event '{event.id}' is dated {event.date.display()}, after the briefing's "
                    f"as_of ({briefing.as_of.display()})",
                )

        sources = {s.id: s for s in briefing_sources if s.id is not None}
        for i, source in enumerate(briefing_sources):
            if vocab is not None:
                vocabulary(report, ("sources", i, "kind"), source.kind, vocab.source_kinds, "source kind", "source_kinds")
            if source.via is not None:
                if source.via == source.id:
                    report.error(("sources", i, "via"), f"source '{source.id}' cannot come via itself")
                elif report.unknown(("sources", i, "via"), source.via, source_ids, "source", others={"event": event_ids}):
                    chain = via_chain(source.id, sources)
                    if chain.loops_back:
                        loop = " -> ".join([*chain.ids, source.id])
                        report.error(("sources", i, "via"), f"'via' chain loops: {loop}")

        if partial:
            names = {
                "actor": known_actors, "briefing": {b: [] for b in known_briefings},
                "event": {e: [] for e in event_ids}, "source": {s: [] for s in source_ids},
                "event type": {k: [v] for k, v in (vocab.event_types.items() if vocab else ())},
                "source kind": {k: [v] for k, v in (vocab.source_kinds.items() if vocab else ())},
            }
            _refine_invalid_ids(document, diagnostics, names)

    for actor_id in project.actors:
        if actor_id not in referenced:
            document, index = project.actor_files[actor_id]
            _Reporter(document, diagnostics, prefix=(index,)).warning(
                ("id",), f"actor '{actor_id}' is not referenced by any briefing"
            )


def _refine_invalid_ids(document: Document, diagnostics: Diagnostics, names: dict[str, Any]) -> None:
    """A reference that is not even an id ('Revolutionary Guards', 'Air strike') is usually a name
    or label of a known one: say which, in the diagnostic already reported for it."""
    invalid = {
        (d.line, d.column): index
        for index, d in enumerate(diagnostics.items)
        if d.path == document.path and "is not a valid id" in d.message
    }
    for path, value, what in salvage.raw_references(document.data):
        if salvage.is_id(value):
            continue
        mark = document.key_mark(path) if path[0] == "actors" else document.mark(path)
        index = invalid.get((mark.line, mark.column))
        found = suggest.suggest(value, names[what]) if index is not None else None
        if index is not None and found is not None:
            message = f"{format_path(path)}: '{value}' is not an id: did you mean the {what} '{found}'?"
            diagnostics.items[index] = dataclasses.replace(diagnostics.items[index], message=message)


def _unique_ids(report: _Reporter, field_name: str, items: Iterable[Any], what: str) -> set[str]:
    first: dict[str, int] = {}
    for i, item in enumerate(items):
        if item.id is None:
            continue
        if item.id in first:
            there = report.document.mark(report.prefix + (field_name, first[item.id], "id"))
            report.error(
                (field_name, i, "id"),
                f"duplicate {what} id '{item.id}' (also at line {there.line})",
            )
        else:
            first[item.id] = i
    return set(first)


@dataclass
class _Reporter:
    """Reports diagnostics at a path inside one document."""

    document: Document
    diagnostics: Diagnostics
    prefix: FieldPath = ()

    def _at(self, path: FieldPath, key: bool = False) -> tuple[Mark, str]:
        full = self.prefix + path
        mark = self.document.key_mark(full) if key else self.document.mark(full)
        return mark, format_path(full)

    def error(self, path: FieldPath, message: str, key: bool = False) -> None:
        mark, where = self._at(path, key)
        self.diagnostics.error(self.document.path, mark.line, mark.column, f"{where}: {message}")

    def warning(self, path: FieldPath, message: str, block_line: bool = False) -> None:
        """``block_line``: for a ``>``/``|`` text, point at its first line, not at the indicator."""
        mark, where = self._at(path)
        line, column = mark.line, mark.column
        if block_line and mark.block:
            text = self.document.text.split("\n", line + 1)[line] if self.document.text else ""
            line, column = line + 1, len(text) - len(text.lstrip(" ")) + 1
        self.diagnostics.warning(self.document.path, line, column, f"{where}: {message}")

    def unknown(
        self, path: FieldPath, value: str | None, known: Iterable[str] | dict[str, list[str | None]], what: str,
        key: bool = False, others: dict[str, Iterable[str]] | None = None,
    ) -> bool:
        """Report ``value`` if it is not among ``known``; True when it is known (or absent).

        ``known`` may map each id to its other names (an actor's name and aliases).
        ``others`` are ids of other kinds: naming one is a mistake of kind, said as such.
        """
        if value is None or value in known:
            return True
        for kind, ids in (others or {}).items():
            if value in ids:
                field_name = next((p for p in reversed(path) if isinstance(p, str)), what)
                self.error(path, f"'{value}' is {_article(kind)} {kind}; {field_name} lists {what}s", key=key)
                return False
        names = known if isinstance(known, dict) else list(known)
        self.error(path, f"unknown {what} '{value}'{suggest.did_you_mean(value, names)}", key=key)
        return False



def _article(word: str) -> str:
    return "an" if word[:1] in "aeiou" else "a"


# -- pydantic errors -> diagnostics -------------------------------------------------------------

_MESSAGES = {
    "list_type": "expected a list",
    "dict_type": "expected a mapping of keys to values",
    "model_type": "expected a mapping of fields to values",
    "model_attributes_type": "expected a mapping of fields to values",
    "string_type": "expected text",
    "int_parsing": "expected a whole number",
    "int_type": "expected a whole number",
    "int_from_float": "expected a whole number",
    "float_parsing": "expected a number",
    "float_type": "expected a number",
    "string_too_short": "must not be empty",
    "too_short": "needs at least one item",
}


def report_validation_error(exc: pydantic.ValidationError, document: Document, kind: Any, diagnostics: Diagnostics) -> None:
    """Turn each pydantic error into a diagnostic at the right line and column."""
    for error in exc.errors(include_url=False):
        loc = tuple(error["loc"])
        kind_ = error["type"]
        if loc and loc[-1] == "[key]" and kind_ != "extra_forbidden":  # not a field named '[key]'
            loc = loc[:-1]
            mark = document.key_mark(loc)
        elif kind_ == "extra_forbidden":
            mark = document.key_mark(loc)
        elif kind_ == "missing":
            mark = document.mark(loc[:-1])
        else:
            mark = document.mark(loc)
        diagnostics.error(document.path, mark.line, mark.column, _message(error, loc, kind))


def _message(error: ErrorDetails, loc: FieldPath, kind: Any) -> str:
    kind_ = error["type"]
    where = format_path(loc)
    if kind_ == "missing":
        return f"{format_path(loc[:-1]) or 'file'}: missing required field '{loc[-1]}'"
    if kind_ == "extra_forbidden":
        fields = _fields_at(kind, loc[:-1])
        return f"{format_path(loc[:-1]) or 'file'}: unknown field '{loc[-1]}'{did_you_mean(str(loc[-1]), fields)}"
    if kind_ == "value_error":
        text = str(error["ctx"]["error"]) if "ctx" in error else error["msg"]
    elif kind_ in ("literal_error", "enum"):
        expected = error["ctx"]["expected"]
        text = f"expected one of {expected}"
        value = error.get("input")
        if isinstance(value, str):
            options = [o.strip(" '") for o in expected.replace(" or ", ", ").split(",")]
            text = f"'{value}' is not allowed: expected one of {expected}{suggest.did_you_mean(value, options)}"
    elif kind_ in _MESSAGES:
        text = _MESSAGES[kind_]
    elif kind_ in ("greater_than_equal", "less_than_equal", "greater_than", "less_than"):
        text = error["msg"].replace("Input should be", "must be")
    else:
        text = error["msg"][:1].lower() + error["msg"][1:]
    return f"{where}: {text}" if where else text


def _fields_at(kind: Any, loc: FieldPath) -> list[str]:
    """The field names of the model found at ``loc`` inside ``kind`` (for 'did you mean')."""
    current = kind
    for part in loc:
        current = _unwrap(current)
        if isinstance(part, int):
            args = typing.get_args(current)
            current = args[0] if args else None
        elif isinstance(current, type) and issubclass(current, BaseModel) and part in current.model_fields:
            current = current.model_fields[part].annotation
        else:
            return []
    current = _unwrap(current)
    if isinstance(current, type) and issubclass(current, BaseModel):
        return list(current.model_fields)
    return []


def _unwrap(annotation: Any) -> Any:
    """Strip ``X | None`` and ``Annotated`` down to the model or container inside."""
    while True:
        origin = typing.get_origin(annotation)
        if origin is typing.Annotated:
            annotation = typing.get_args(annotation)[0]
        elif origin in (typing.Union, types.UnionType):
            args = [a for a in typing.get_args(annotation) if a is not type(None)]
            annotation = args[0]
        else:
            return annotation
