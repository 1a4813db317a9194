"""What can still be checked in a file that failed validation.

A bad date must not hide an actor typo until the next run. When a file's
YAML parsed but a field failed, every field that is valid on its own is kept
in a partial model (built with ``model_construct``, never rendered), and the
reference checks run on it; a field that failed is ``None`` (or left out of a
list), so it can cause no second, cascading diagnostic.
"""

from __future__ import annotations

import typing
from typing import Any

import pydantic
from pydantic import BaseModel

from briefing.diagnostics import FieldPath
from briefing.model import _check_id

_ADAPTERS: dict[Any, pydantic.TypeAdapter[Any]] = {}


def partial(model: type[BaseModel], data: Any) -> Any:
    """A ``model`` holding the fields of ``data`` that are valid on their own; None if ``data`` is no mapping."""
    if not isinstance(data, dict):
        return None
    values: dict[str, Any] = {}
    for name, info in model.model_fields.items():
        if name not in data:
            values[name] = None if info.is_required() else info.get_default(call_default_factory=True)
            continue
        values[name] = _field(info, data[name])
    return model.model_construct(**values)


def _field(info: Any, raw: Any) -> Any:
    annotation = typing.Annotated[(info.annotation, *info.metadata)] if info.metadata else info.annotation
    try:
        return _adapter(annotation).validate_python(raw)
    except pydantic.ValidationError:
        pass
    # Containers keep their valid items: one bad event must not hide the others' references.
    inner = _strip_optional(info.annotation)
    origin, args = typing.get_origin(inner), typing.get_args(inner)
    if origin is list and args and isinstance(raw, list):
        item = args[0]
        if isinstance(item, type) and issubclass(item, BaseModel):
            return [p for p in (partial(item, x) for x in raw) if p is not None]
        return [v for v in (_valid(item, x) for x in raw) if v is not None]
    if origin is dict and args and isinstance(raw, dict):
        return {k: v for k, v in raw.items() if _valid(args[0], k) is not None}
    if isinstance(inner, type) and issubclass(inner, BaseModel):
        return partial(inner, raw)
    return None


def _valid(annotation: Any, value: Any) -> Any:
    try:
        return _adapter(annotation).validate_python(value)
    except pydantic.ValidationError:
        return None


def _adapter(annotation: Any) -> pydantic.TypeAdapter[Any]:
    key = repr(annotation)
    if key not in _ADAPTERS:
        _ADAPTERS[key] = pydantic.TypeAdapter(annotation)
    return _ADAPTERS[key]


def _strip_optional(annotation: Any) -> Any:
    args = [a for a in typing.get_args(annotation) if a is not type(None)]
    if typing.get_origin(annotation) in (typing.Union, __import__("types").UnionType) and len(args) == 1:
        return args[0]
    return annotation


def raw_ids(data: Any, field: str) -> set[str]:
    """The ids written in ``data[field]`` (a list of mappings), valid or not: what references may name."""
    items = data.get(field) if isinstance(data, dict) else None
    if not isinstance(items, list):
        return set()
    return {item["id"] for item in items if isinstance(item, dict) and isinstance(item.get("id"), str)}


def words(text: str) -> set[str]:
    """The id-like words of a text (linear scan): what a file that did not parse might reference."""
    found: set[str] = set()
    current: list[str] = []
    for char in text + " ":
        if char.isascii() and (char.isalnum() or char == "-"):
            current.append(char.lower())
        elif current:
            word = "".join(current).strip("-")
            if word:
                found.add(word)
            current = []
    return {w for w in found if is_id(w)}


def is_id(word: str) -> bool:
    try:
        _check_id(word)
    except ValueError:
        return False
    return True


def raw_references(data: Any) -> list[tuple[FieldPath, str, str]]:
    """Every reference written in a briefing's raw data: (path, text, what it should name).

    ``what`` is ``actor``, ``briefing``, ``event``, ``source``, ``event type`` or ``source kind``.
    """
    found: list[tuple[FieldPath, str, str]] = []
    if not isinstance(data, dict):
        return found

    def items(value: Any) -> list[tuple[int, Any]]:
        return list(enumerate(value)) if isinstance(value, list) else []

    def add(path: FieldPath, value: Any, what: str) -> None:
        if isinstance(value, str):
            found.append((path, value, what))

    if isinstance(data.get("actors"), dict):
        for key in data["actors"]:
            add(("actors", key), key, "actor")
    for i, value in items(data.get("related")):
        add(("related", i), value, "briefing")
    for i, judgment in items(data.get("key_judgments")):
        if isinstance(judgment, dict):
            for j, value in items(judgment.get("basis")):
                add(("key_judgments", i, "basis", j), value, "event")
    for i, event in items(data.get("events")):
        if isinstance(event, dict):
            add(("events", i, "type"), event.get("type"), "event type")
            for j, value in items(event.get("actors")):
                add(("events", i, "actors", j), value, "actor")
            for j, value in items(event.get("sources")):
                add(("events", i, "sources", j), value, "source")
    for i, source in items(data.get("sources")):
        if isinstance(source, dict):
            add(("sources", i, "kind"), source.get("kind"), "source kind")
            add(("sources", i, "via"), source.get("via"), "source")
    return found
