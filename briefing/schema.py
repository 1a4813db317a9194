"""JSON Schema of the content files, for yaml-language-server and other editors."""

from __future__ import annotations

from typing import Any

import pydantic

from briefing.model import Actor, Briefing, Outlet

SCHEMA_URI = "https://json-schema.org/draft/2020-12/schema"


def json_schema(kind: str, vocabularies: Any = None) -> dict[str, Any]:
    """``briefing``: one briefing file. ``actors``: an actor file (a list of actors).
    ``sources``: a file of the source registry (a list of sources).

    With ``vocabularies`` (a validated ``Vocabularies``), event types and actor
    and source kinds are enums of the project's ids, each described by its
    label, so editors complete them.
    """
    if kind == "briefing":
        schema = Briefing.model_json_schema()
        schema["title"] = "Briefing file (content/briefings/<id>.yaml)"
        if vocabularies is not None:
            _enum(schema["$defs"]["Event"]["properties"]["type"], vocabularies.event_types)
            _enum(schema["$defs"]["Source"]["properties"]["kind"], vocabularies.source_kinds)
    elif kind == "sources":
        schema = pydantic.TypeAdapter(list[Outlet]).json_schema()
        schema["title"] = "Source registry file (content/sources/*.yaml)"
        if vocabularies is not None:
            _enum(schema["$defs"]["Outlet"]["properties"]["kind"], vocabularies.source_kinds)
    else:
        schema = pydantic.TypeAdapter(list[Actor]).json_schema()
        schema["title"] = "Actor file (content/actors/*.yaml)"
        if vocabularies is not None:
            _enum(schema["$defs"]["Actor"]["properties"]["kind"], vocabularies.actor_kinds)
    return {"$schema": SCHEMA_URI, **schema}


def _enum(prop: dict[str, Any], labels: dict[str, str]) -> None:
    prop["oneOf"] = [{"const": value, "description": label} for value, label in labels.items()]
