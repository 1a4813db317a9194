"""JSON Schema of the content files, for yaml-language-server and other editors.

Run in a project, the schema knows the project: its vocabularies, its actor
and briefing ids (enums: an editor flags an actor typo as ``check`` would),
its event and source ids (offered as completions), and it describes the
scales in words: ICD 203 likelihood ranges, Admiralty grades, EDTF forms.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pydantic

from briefing.model import Actor, Briefing, Outlet

SCHEMA_URI = "https://json-schema.org/draft/2020-12/schema"


@dataclass
class KnownIds:
    """Ids defined in the project, for enums and completions."""

    actors: list[str] = field(default_factory=list)
    briefings: list[str] = field(default_factory=list)
    events: list[str] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)


def json_schema(kind: str, vocabularies: Any = None, known: KnownIds | None = None) -> dict[str, Any]:
    """``briefing``: one briefing file. ``actors``: an actor file (a list of actors).
    ``sources``: a file of the source registry (a list of sources).

    With ``vocabularies`` (a validated ``Vocabularies``), event types and actor
    and source kinds are enums of the project's ids, each described by its
    label, so editors complete them. With ``known``, references are checked
    against (actors, briefings) or completed from (events, sources) the project's ids.
    """
    known = known or KnownIds()
    if kind == "briefing":
        schema = Briefing.model_json_schema()
        schema["title"] = "Briefing file (content/briefings/<id>.yaml)"
        defs = schema["$defs"]
        if vocabularies is not None:
            _enum(defs["Event"]["properties"]["type"], vocabularies.event_types)
            _enum(defs["Source"]["properties"]["kind"], vocabularies.source_kinds)
        _scales(defs)
        props = schema["properties"]
        if known.actors:
            props["actors"]["propertyNames"] = {"enum": known.actors}
            props["actors"].pop("patternProperties", None)
            props["actors"]["additionalProperties"] = {"type": "string", "minLength": 1}
            defs["Event"]["properties"]["actors"]["items"] = _ids(known.actors, "an actor id from content/actors/")
        if known.briefings:
            props["related"]["items"] = _ids(known.briefings, "the id of another briefing")
        if known.events:
            defs["KeyJudgment"]["properties"]["basis"]["items"]["examples"] = known.events
        if known.sources:
            defs["Event"]["properties"]["sources"]["items"]["examples"] = known.sources
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
        if known.actors:
            schema["$defs"]["Actor"]["properties"]["affiliations"]["items"] = _ids(
                known.actors, "the id of an actor this one belongs to"
            )
    _nullable_as_one_of(schema)
    return {"$schema": SCHEMA_URI, **schema}


def _nullable_as_one_of(node: Any) -> None:
    """``X | None`` as ``oneOf`` (the same, since X never accepts null) rather than pydantic's ``anyOf``.

    yaml-language-server joins the titles of an ``anyOf`` whose branches all
    match on hover: the editor showed "Via || Via" and "Likelihood || Likelihood".
    """
    if isinstance(node, dict):
        branches = node.get("anyOf")
        if isinstance(branches, list) and {"type": "null"} in branches and "oneOf" not in node:
            node["oneOf"] = node.pop("anyOf")
        for value in node.values():
            _nullable_as_one_of(value)
    elif isinstance(node, list):
        for value in node:
            _nullable_as_one_of(value)


def _enum(prop: dict[str, Any], labels: dict[str, str]) -> None:
    prop["oneOf"] = [{"const": value, "description": label} for value, label in labels.items()]


def _ids(ids: list[str], description: str) -> dict[str, Any]:
    return {"type": "string", "enum": ids, "description": description}


def _scales(defs: dict[str, Any]) -> None:
    """Words for the scales: one title and one description per field (no 'X || X' hover)."""
    from briefing.model import CREDIBILITY, LIKELIHOOD, RELIABILITY

    likelihood = {value: f"{label} ({share})" for value, (label, share) in LIKELIHOOD.items()}
    _scale(
        defs["KeyJudgment"]["properties"], "likelihood", "Likelihood",
        "ICD 203 likelihood: " + "; ".join(f"{v}: {share}" for v, (_, share) in LIKELIHOOD.items()),
        likelihood, optional=True,
    )
    _scale(
        defs["KeyJudgment"]["properties"], "confidence", "Confidence",
        "Analytic confidence in the judgment: low, moderate or high",
        {"low": "Low confidence", "moderate": "Moderate confidence", "high": "High confidence"},
        optional=False,
    )
    _scale(
        defs["Source"]["properties"], "reliability", "Reliability",
        "Admiralty source reliability: " + "; ".join(f"{k}: {v}" for k, v in RELIABILITY.items()),
        {k: f"{k}: {v}" for k, v in RELIABILITY.items()}, optional=True,
    )
    credibility = defs["Source"]["properties"]["credibility"]
    credibility.pop("anyOf", None)
    credibility.update(
        {
            "title": "Credibility",
            "description": "Admiralty information credibility: "
            + "; ".join(f"{k}: {v}" for k, v in CREDIBILITY.items()),
            "oneOf": [{"const": k, "description": f"{k}: {v}"} for k, v in CREDIBILITY.items()]
            + [{"type": "null"}],
        }
    )


def _scale(props: dict[str, Any], name: str, title: str, description: str, values: dict[str, str], optional: bool) -> None:
    prop = props[name]
    for key in ("anyOf", "enum", "type"):
        prop.pop(key, None)
    choices: list[dict[str, Any]] = [{"const": value, "description": text} for value, text in values.items()]
    if optional:
        choices.append({"type": "null"})
    prop.update({"title": title, "description": description, "oneOf": choices})


def known_ids(content_dir: Any) -> KnownIds:
    """The ids defined under ``content_dir``, read leniently: a file with errors still names its ids."""
    from pathlib import Path

    from briefing.diagnostics import Diagnostics
    from briefing.load import MAX_FILE_BYTES, load_bytes

    root = Path(content_dir)
    known = KnownIds()
    actors: set[str] = set()
    events: set[str] = set()
    sources: set[str] = set()

    def documents(folder: str) -> list[tuple[Path, Any]]:
        directory = root / folder
        if not directory.is_dir():
            return []
        found = []
        for file in sorted(directory.iterdir()):
            if file.is_file() and file.name.endswith((".yaml", ".yml")) and not file.name.startswith("."):
                try:
                    raw = file.read_bytes()[: MAX_FILE_BYTES + 1]
                except OSError:
                    continue
                document = load_bytes(raw, str(file), Diagnostics())
                found.append((file, document.data if document is not None else None))
        return found

    for _, data in documents("actors"):
        if isinstance(data, list):
            actors |= {e["id"] for e in data if isinstance(e, dict) and isinstance(e.get("id"), str)}
    for file, data in documents("briefings"):
        known.briefings.append(file.name.rsplit(".", 1)[0])
        if isinstance(data, dict):
            for name, ids in (("events", events), ("sources", sources)):
                items = data.get(name)
                if isinstance(items, list):
                    ids |= {e["id"] for e in items if isinstance(e, dict) and isinstance(e.get("id"), str)}
    known.actors, known.events, known.sources = sorted(actors), sorted(events), sorted(sources)
    known.briefings = sorted(set(known.briefings))
    return known
