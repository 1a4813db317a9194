"""The content model: typed, validated briefings, events, actors and sources.

These pydantic models describe one file each (a briefing file, or one entry
of an actor file). They check everything that can be checked inside one
value; references between values and files are resolved in
:mod:`briefing.validate`. ``briefing schema`` prints their JSON Schema.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from typing import TYPE_CHECKING, Annotated, Any, Literal

import pycountry
from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    PlainValidator,
    StringConstraints,
    WithJsonSchema,
    model_validator,
)

from briefing import suggest
from briefing.dates import EDTF_PATTERN, EXAMPLES, EdtfDate, EdtfError, parse_date
from briefing.estimative import EstimativeWords
from briefing.markings import Marking

if TYPE_CHECKING:
    from briefing.load import Document

ID_PATTERN = r"^[a-z0-9]+(-[a-z0-9]+)*$"
_ID = re.compile(ID_PATTERN)
MAX_ID_LENGTH = 80


def _check_id(value: str) -> str:
    if len(value) > MAX_ID_LENGTH:
        raise ValueError(f"id '{value[:20]}...' is longer than {MAX_ID_LENGTH} characters")
    if not _ID.match(value):
        suggestion = re.sub(r"[^a-z0-9]+", "-", value.lower()).strip("-")
        hint = f" (e.g. '{suggestion}')" if suggestion and _ID.match(suggestion) else ""
        raise ValueError(
            f"'{value}' is not a valid id: use lower-case a-z, digits and single hyphens{hint}"
        )
    return value


def _check_country(value: str) -> str:
    if pycountry.countries.get(alpha_2=value) is None or value != value.upper():
        raise ValueError(f"'{value}' is not an ISO 3166-1 alpha-2 country code{suggest.country_hint(value)}")
    return value


def _check_date(value: Any) -> EdtfDate:
    if isinstance(value, EdtfDate):
        return value
    if not isinstance(value, str):
        raise ValueError(f"a date must be text in EDTF form ({EXAMPLES})")
    try:
        return parse_date(value)
    except EdtfError as exc:
        raise ValueError(str(exc) + suggest.date_hint(value)) from None


def _check_url(value: str) -> str:
    scheme = value.split(":", 1)[0].lower() if ":" in value else ""
    if scheme not in ("http", "https", "mailto") or any(c.isspace() for c in value):
        raise ValueError(f"'{value}' is not an http, https or mailto URL")
    return value


def _check_language(value: str) -> str:
    if not re.fullmatch(r"[a-z]{2,3}(-[A-Za-z0-9]{2,8})*", value):
        raise ValueError(f"'{value}' is not a language code (e.g. 'fa', 'ar', 'en')")
    return value


Id = Annotated[
    str,
    AfterValidator(_check_id),
    WithJsonSchema({"type": "string", "pattern": ID_PATTERN, "maxLength": MAX_ID_LENGTH}),
]
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
Country = Annotated[
    str,
    AfterValidator(_check_country),
    WithJsonSchema({"type": "string", "pattern": "^[A-Z]{2}$", "description": "ISO 3166-1 alpha-2"}),
]
Date = Annotated[
    EdtfDate,
    PlainValidator(_check_date),
    WithJsonSchema(
        {
            "type": "string", "pattern": EDTF_PATTERN,
            "patternErrorMessage": f"not an EDTF date ({EXAMPLES})",
            "description": "EDTF date, levels 0 and 1: 2021-06-27 (a day), 2021-06 (a month), "
            "2021-06-27~ (about), 2021-06-27? (uncertain), 2021-06-27/2021-06-29 (between)",
            "examples": ["2021-06-27", "2021-06-27~", "2021-06-27/2021-06-29"],
        }
    ),
]
Url = Annotated[str, AfterValidator(_check_url), WithJsonSchema({"type": "string", "format": "uri", "pattern": "^(https?|mailto):"})]
Language = Annotated[str, AfterValidator(_check_language)]


Likelihood = Literal[
    "almost-no-chance", "very-unlikely", "unlikely", "roughly-even-chance",
    "likely", "very-likely", "almost-certain",
]
Confidence = Literal["low", "moderate", "high"]
Reliability = Literal["A", "B", "C", "D", "E", "F"]
Status = Literal["draft", "published", "archived"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, hide_input_in_errors=True)


class Casualties(_Strict):
    """Reported casualties; leave a field out when the source says nothing."""

    killed: int | None = Field(None, ge=0)
    injured: int | None = Field(None, ge=0)


class Location(_Strict):
    """Where an event happened."""

    name: Text
    country: Country | None = None
    lat: float | None = Field(None, ge=-90, le=90)
    lon: float | None = Field(None, ge=-180, le=180)
    precision: Literal["exact", "near", "city", "region", "country"] | None = None

    @model_validator(mode="after")
    def _lat_with_lon(self) -> Location:
        if (self.lat is None) != (self.lon is None):
            missing = "lon" if self.lon is None else "lat"
            raise ValueError(f"give lat and lon together: {missing} is missing")
        return self


class Event(_Strict):
    """One dated thing that happened, with its actors and sources."""

    id: Id
    date: Date
    date_note: Text | None = None
    title: Text
    type: Id
    description: Text | None = None
    location: Location | None = None
    actors: list[Id] = []
    sources: list[Id] = []
    marking: Marking | None = None
    casualties: Casualties | None = None


class Source(_Strict):
    """Where information came from, and how far it can be trusted.

    With ``outlet`` the source is one report of a source in the registry
    (``content/sources/``): kind, publisher and reliability come from there,
    and the briefing gives only what belongs to the report.
    """

    id: Id
    outlet: Id | None = None
    kind: Id | None = None
    title: Text | None = None
    publisher: Text | None = None
    date: Date | None = None
    url: Url | None = None
    via: Id | None = None
    count: int | None = Field(None, ge=1)
    description: Text | None = None
    reliability: Reliability | None = None
    reliability_note: Text | None = None
    """Why this reliability grade (required to override the registry's)."""
    credibility: int | None = Field(None, ge=1, le=6)


class Outlet(_Strict):
    """One entry of the source registry (``content/sources/*.yaml``): graded once, shared by all briefings."""

    id: Id
    name: Text
    kind: Id
    publisher: Text | None = None
    url: Url | None = None
    country: Country | None = None
    reliability: Reliability
    reliability_note: Text
    description: Text | None = None


class KeyJudgment(_Strict):
    """An analytic judgment, with its likelihood (ICD 203) and confidence."""

    statement: Text
    likelihood: Likelihood | None = None
    confidence: Confidence
    basis: list[Id] = []
    change_note: Text | None = None
    """Why the likelihood or confidence changed in this revision (shown in the briefing's revisions)."""


class Briefing(_Strict):
    """One briefing file, ``content/briefings/<id>.yaml``."""

    id: Id | None = None
    title: Text
    as_of: Date
    status: Status = "published"
    marking: Marking = Marking.CLEAR
    regions: list[Country] = []
    tags: list[Id] = []
    related: list[Id] = []
    summary: Text
    key_judgments: list[KeyJudgment] = []
    actors: dict[Id, Text] = {}
    events: list[Event] = Field(min_length=1)
    sources: list[Source] = []


class Actor(_Strict):
    """One entry of an actor file; actors are shared by all briefings."""

    id: Id
    name: Text
    short_name: Text | None = None
    kind: Id
    country: Country | None = None
    native_names: dict[Language, Text] = {}
    aliases: list[Text] = []
    affiliations: list[Id] = []
    description: Text | None = None


def text_direction(text: str) -> str:
    """'rtl' when the first strong character of ``text`` is right-to-left."""
    for char in text:
        bidi = unicodedata.bidirectional(char)
        if bidi in ("R", "AL"):
            return "rtl"
        if bidi == "L":
            return "ltr"
    return "ltr"


class Vocabularies(BaseModel):
    """The allowed ``type``/``kind`` values (``site_config/vocabularies.yaml``), each id with its label."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    event_types: dict[Id, Text]
    actor_kinds: dict[Id, Text]
    source_kinds: dict[Id, Text]
    estimative: EstimativeWords | None = None
    """Word lists of the estimative-language checks (:mod:`briefing.estimative`)."""


@dataclass
class Project:
    """The validated content: every briefing and actor, and the document each came from."""

    briefings: dict[str, Briefing] = field(default_factory=dict)
    actors: dict[str, Actor] = field(default_factory=dict)
    vocabularies: Vocabularies | None = None
    briefing_files: dict[str, Document] = field(default_factory=dict)
    actor_files: dict[str, tuple[Document, int]] = field(default_factory=dict)
    outlets: dict[str, Outlet] = field(default_factory=dict)
    """The source registry (``content/sources/``), by id."""
    outlet_files: dict[str, tuple[Document, int]] = field(default_factory=dict)
    in_progress: list[str] = field(default_factory=list)
    """Draft scaffolds still reading ``FILL IN``, left out of a preview (``serve``) instead of failing it."""


# -- what the model's values mean, in words --------------------------------------------------

#: Admiralty reliability of a source (A-F).
RELIABILITY: dict[str, str] = {
    "A": "completely reliable", "B": "usually reliable", "C": "fairly reliable",
    "D": "not usually reliable", "E": "unreliable", "F": "reliability cannot be judged",
}
#: Admiralty credibility of a piece of information (1-6).
CREDIBILITY: dict[int, str] = {
    1: "confirmed by other sources", 2: "probably true", 3: "possibly true",
    4: "doubtful", 5: "improbable", 6: "truth cannot be judged",
}
#: ICD 203 likelihood terms: label and probability range.
LIKELIHOOD: dict[str, tuple[str, str]] = {
    "almost-no-chance": ("Almost no chance", "1–5%"),
    "very-unlikely": ("Very unlikely", "5–20%"),
    "unlikely": ("Unlikely", "20–45%"),
    "roughly-even-chance": ("Roughly even chance", "45–55%"),
    "likely": ("Likely", "55–80%"),
    "very-likely": ("Very likely", "80–95%"),
    "almost-certain": ("Almost certain", "95–99%"),
}


def grade_words(reliability: str | None, credibility: int | None) -> str | None:
    """An Admiralty grade in words: 'usually reliable source; information probably true'."""
    words = []
    if reliability:
        label = RELIABILITY[reliability]
        words.append(label if reliability == "F" else f"{label} source")
    if credibility:
        words.append(f"information {CREDIBILITY[credibility]}" if credibility < 6 else CREDIBILITY[6])
    return "; ".join(words) or None


@cache
def country_name(code: str) -> str:
    """The name readers use for an ISO 3166-1 alpha-2 code ('Iran', not 'Iran, Islamic Republic of')."""
    country = pycountry.countries.get(alpha_2=code)
    if country is None:
        return code
    return getattr(country, "common_name", None) or country.name


@dataclass(frozen=True)
class ViaChain:
    """Where a source's ``via`` chain leads: the ids in order, starting with the source itself."""

    ids: list[str]
    loops_back: bool
    """The chain returns to its first source (a loop that validation reports)."""

    @property
    def root(self) -> str:
        """The first-hand end of the chain (the outlet the report came from)."""
        return self.ids[-1]


def via_chain(start: str, sources: Mapping[str, Source]) -> ViaChain:
    """Follow ``via`` from ``start`` until a source without one, an unknown id, or a repeat.

    The one walker of ``via`` chains: validation, profiles and pages all use it.
    """
    ids = [start]
    seen = {start}
    current = sources[start].via if start in sources else None
    while current is not None and current in sources:
        if current in seen:
            return ViaChain(ids, current == start)
        ids.append(current)
        seen.add(current)
        current = sources[current].via
    return ViaChain(ids, False)
