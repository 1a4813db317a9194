"""JSON Schema of the content files, for yaml-language-server and other editors."""

from __future__ import annotations

from typing import Any

import pydantic

from briefing.model import Actor, Briefing

SCHEMA_URI = "https://json-schema.org/draft/2020-12/schema"


def json_schema(kind: str) -> dict[str, Any]:
    """``briefing``: one briefing file. ``actors``: an actor file (a list of actors)."""
    if kind == "briefing":
        schema = Briefing.model_json_schema()
        schema["title"] = "Briefing file (content/briefings/<id>.yaml)"
    else:
        schema = pydantic.TypeAdapter(list[Actor]).json_schema()
        schema["title"] = "Actor file (content/actors/*.yaml)"
    return {"$schema": SCHEMA_URI, **schema}
