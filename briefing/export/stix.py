"""STIX 2.1 bundles: one per briefing and one for the site.

Mapping (documented for users in docs/exports.md):

* briefing -> ``report`` (summary as description, tags as labels, ``published`` = as_of);
* actor -> ``identity``, ``threat-actor`` or ``intrusion-set`` by its kind (:data:`ACTOR_KINDS`);
  affiliations -> ``related-to`` relationships;
* event -> ``incident`` (the date, type and casualties in its description), with
  ``related-to`` relationships to its actors and ``located-at`` to a ``location``;
* key judgment -> ``note`` on the incidents it rests on (or on the report), with
  STIX confidence 15 / 50 / 85 for low / moderate / high;
* sources -> ``external_references`` of the report and of the incidents that cite them;
* markings -> the TLP 2.0 ``marking-definition`` objects that OASIS publishes (fixed ids).

Every id is a UUIDv5 of our ids, so importing a newer bundle updates objects
instead of duplicating them (the validator notes that STIX prefers UUIDv4
for new objects: a warning, by design). Timestamps come from ``as_of``.

The objects are written as plain JSON objects, not built with the OASIS
``stix2`` library: it checks every property as it builds an object, at about
1.5 ms an object, which is over half a minute for a site of 400 briefings
(some 25,000 objects), in every build. The tests read every bundle back with
``stix2.parse`` (the same checks, on every object) and the OASIS
``stix2-validator``, so the library still judges what we write.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from functools import partial
from typing import Any

from briefing.export import facts, paths
from briefing.export.facts import ExportOptions
from briefing.markings import Marking
from briefing.model import Actor, Briefing, Event, Project, Source, country_name
from briefing.profile import effective_marking
from briefing.site.output import DEFAULT_EPOCH

TLP2_EXTENSION = "extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d"
#: The TLP 2.0 marking definitions as OASIS publishes them (cti-stix-common-objects).
TLP2_IDS = {
    Marking.CLEAR: "marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487",
    Marking.GREEN: "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb",
    Marking.AMBER: "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421",
    Marking.AMBER_STRICT: "marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003",
    Marking.RED: "marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1",
}

#: Actor kind -> (STIX type, identity_class or threat_actor_types). Kinds not listed become
#: an ``identity`` of class ``unknown``. Add a kind named here to your vocabulary to use it.
ACTOR_KINDS: dict[str, tuple[str, str | None]] = {
    "person": ("identity", "individual"),
    "state": ("identity", "organization"),
    "government-body": ("identity", "organization"),
    "political-party": ("identity", "organization"),
    "international-organization": ("identity", "organization"),
    "media": ("identity", "organization"),
    "company": ("identity", "organization"),
    "civilian-group": ("identity", "group"),
    "state-armed-force": ("threat-actor", "nation-state"),
    "non-state-armed-group": ("threat-actor", None),
    "intrusion-set": ("intrusion-set", None),
    "cyber-threat-group": ("intrusion-set", None),
}

#: STIX confidence (appendix "None / Low / Med / High" scale) for our confidence words.
CONFIDENCE = {"low": 15, "moderate": 50, "high": 85}
#: Location precision in metres for our precision words (``country`` gives none).
PRECISION_METRES = {"exact": 100.0, "near": 5000.0, "city": 10000.0, "region": 100000.0}


def _stamp(day: dt.date) -> str:
    """A STIX timestamp (UTC, milliseconds) for midnight of ``day``."""
    return f"{day.isoformat()}T00:00:00.000Z"


def _sdo(kind: str, key: tuple[str, ...], stamp: str, **fields: Any) -> dict[str, Any]:
    """A STIX domain or relationship object: the common properties, then ``fields`` (None left out)."""
    obj = {"type": kind, "spec_version": "2.1", "id": f"{kind}--{facts.uuid_for(*key)}", "created": stamp, "modified": stamp}
    obj.update({name: value for name, value in fields.items() if value is not None and value != []})
    return obj


def marking_definition(marking: Marking) -> dict[str, Any]:
    """A TLP 2.0 marking definition, exactly as OASIS publishes it."""
    return {
        "type": "marking-definition",
        "spec_version": "2.1",
        "id": TLP2_IDS[marking],
        "created": "2022-10-01T00:00:00.000Z",
        "name": marking.value,
        "extensions": {TLP2_EXTENSION: {"extension_type": "property-extension", "tlp_2_0": marking.value[4:].lower()}},
    }


class _Bundler:
    """Builds the STIX objects of the visible model, each once, keyed by id."""

    def __init__(self, project: Project, options: ExportOptions, memo: facts.Memo) -> None:
        self.project = project
        self.memo = memo
        self.options = options
        vocab = project.vocabularies
        self.event_types = vocab.event_types if vocab else {}
        self.source_kinds = vocab.source_kinds if vocab else {}
        epoch = _stamp(dt.datetime.fromtimestamp(DEFAULT_EPOCH, tz=dt.UTC).date())
        self.identity = _sdo(
            "identity", ("site", options.site_name), epoch,
            name=options.site_name, identity_class="organization", object_marking_refs=[TLP2_IDS[Marking.CLEAR]],
        )
        self.by = {"created_by_ref": self.identity["id"]}
        # Actors are shared by briefings: created at their first visible as_of, modified at the last.
        self.actor_days: dict[str, list[dt.date]] = {}
        for briefing in project.briefings.values():
            for actor_id in facts.involved_actors(project, briefing):
                self.actor_days.setdefault(actor_id, []).append(briefing.as_of.upper)
        self.actor_ids = {
            actor_id: f"{self._actor_kind(actor)[0]}--{facts.uuid_for('actor', actor_id)}"
            for actor_id, actor in project.actors.items()
        }
        #: Each object serialised once (sorted keys, UTF-8), by id: the site bundle reuses the
        #: briefings'. Bytes, not str: one non-ASCII letter would make a str 2-4 bytes a character.
        self.serialised: dict[str, bytes] = {}
        self.briefing_objects: dict[str, list[str]] = {}

    @staticmethod
    def _actor_kind(actor: Actor) -> tuple[str, str | None]:
        return ACTOR_KINDS.get(actor.kind, ("identity", "unknown"))

    def _days(self, actor_id: str) -> tuple[str, str]:
        days = self.actor_days.get(actor_id) or [dt.date(1980, 1, 1)]
        return _stamp(min(days)), _stamp(max(days))

    def actor(self, actor_id: str) -> dict[str, Any]:
        actor = self.project.actors[actor_id]
        kind, detail = self._actor_kind(actor)
        created, modified = self._days(actor_id)
        description = actor.description or ""
        if actor.country:
            description = (description + "\n\n" if description else "") + f"Country: {country_name(actor.country)} ({actor.country})"
        aliases = [a for a in dict.fromkeys([actor.short_name or "", *actor.native_names.values(), *actor.aliases]) if a]
        fields: dict[str, Any] = dict(name=actor.name, description=description or None, **self.by,
                                      object_marking_refs=[TLP2_IDS[Marking.CLEAR]])
        if kind == "identity":
            fields["identity_class"] = detail
        else:
            fields["aliases"] = aliases
            if kind == "threat-actor" and detail:
                fields["threat_actor_types"] = [detail]
        obj = _sdo(kind, ("actor", actor_id), created, **fields)
        obj["modified"] = modified
        return obj

    def affiliations(self, actor_ids: set[str]) -> list[dict[str, Any]]:
        out = []
        for actor_id in sorted(actor_ids):
            created, modified = self._days(actor_id)
            for parent in self.project.actors[actor_id].affiliations:
                if parent in actor_ids:
                    obj = _sdo(
                        "relationship", ("affiliation", actor_id, parent), created,
                        relationship_type="related-to", description="affiliated with",
                        source_ref=self.actor_ids[actor_id], target_ref=self.actor_ids[parent],
                        **self.by, object_marking_refs=[TLP2_IDS[Marking.CLEAR]],
                    )
                    obj["modified"] = modified
                    out.append(obj)
        return out

    def reference(self, source: Source) -> dict[str, Any]:
        kind = source.kind or ""  # set for every valid source (its own, or its outlet's)
        name = source.title or source.publisher or self.source_kinds.get(kind, kind)
        words = [self.source_kinds.get(kind, kind)]
        code, grade_words = facts.grade(source)
        if code:
            words.append(f"grade {code}: {grade_words}")
        if source.publisher and source.publisher != name:
            words.append(f"publisher: {source.publisher}")
        reference = {"source_name": name, "external_id": source.id, "description": "; ".join(words)}
        if source.url:
            reference["url"] = source.url
        return reference

    def page_reference(self, briefing_id: str, anchor: str = "") -> list[dict[str, Any]]:
        if not self.options.site_url:
            return []  # STIX wants absolute URLs: without site_url there is none to give
        return [{"source_name": self.options.site_name, "url": facts.briefing_url(self.options, briefing_id) + anchor}]

    def briefing(self, briefing_id: str, briefing: Briefing) -> list[dict[str, Any]]:
        """Every object of one briefing except the shared ones (identity, markings, actors)."""
        stamp = _stamp(briefing.as_of.upper)
        sources = {s.id: s for s in briefing.sources}
        objects: list[dict[str, Any]] = []
        incident_ids: dict[str, str] = {}
        for event in facts.events_in_order(briefing):
            marking = {"object_marking_refs": [TLP2_IDS[effective_marking(briefing, event)]], **self.by}
            incident = self.incident(briefing_id, event, sources, stamp, marking)
            incident_ids[event.id] = incident["id"]
            objects.append(incident)
            for actor_id in dict.fromkeys(event.actors):
                if actor_id in self.actor_ids:
                    objects.append(_sdo(
                        "relationship", ("event-actor", briefing_id, event.id, actor_id), stamp,
                        relationship_type="related-to", source_ref=incident["id"],
                        target_ref=self.actor_ids[actor_id], **marking,
                    ))
            location = self.location(briefing_id, event, stamp, marking)
            if location is not None:
                objects.append(location)
                objects.append(_sdo(
                    "relationship", ("event-location", briefing_id, event.id), stamp,
                    relationship_type="located-at", source_ref=incident["id"], target_ref=location["id"], **marking,
                ))
        report_id = f"report--{facts.uuid_for('briefing', briefing_id)}"
        marking = {"object_marking_refs": [TLP2_IDS[briefing.marking]], **self.by}
        for number, judgment in enumerate(briefing.key_judgments, start=1):
            words, chance = facts.likelihood_words(judgment.likelihood)
            abstract = f"Key judgment {number}: " + (f"{words} ({chance}), " if words else "") + f"{judgment.confidence} confidence"
            objects.append(_sdo(
                "note", ("judgment", briefing_id, str(number)), stamp,
                abstract=abstract, content=judgment.statement,
                object_refs=[incident_ids[b] for b in judgment.basis if b in incident_ids] or [report_id],
                authors=[self.options.site_name], confidence=CONFIDENCE[judgment.confidence], **marking,
            ))
        refs = [o["id"] for o in objects] + [self.actor_ids[a] for a in facts.involved_actors(self.project, briefing)]
        report = _sdo(
            "report", ("briefing", briefing_id), stamp,
            name=briefing.title, description=briefing.summary, published=stamp, report_types=["threat-report"],
            labels=list(briefing.tags), object_refs=refs or [self.identity["id"]],
            external_references=self.page_reference(briefing_id) + [self.reference(s) for s in briefing.sources],
            **marking,
        )
        return objects + [report]

    def incident(
        self, briefing_id: str, event: Event, sources: dict[str, Source], stamp: str, marking: dict[str, Any]
    ) -> dict[str, Any]:
        lines = [
            (
                f"Date: {event.date.display()} (EDTF {event.date.text}; between {event.date.lower.isoformat()} "
                f"and {event.date.upper.isoformat()})"
            ),
            f"Type: {self.event_types.get(event.type, event.type)}",
        ]
        if event.date_note:
            lines.append(f"Date note: {event.date_note}")
        if event.location is not None:
            place = event.location.name
            if event.location.country:
                place += f", {country_name(event.location.country)}"
            lines.append(f"Location: {place}")
        if event.casualties is not None:
            if event.casualties.killed is not None:
                lines.append(f"Killed: {event.casualties.killed}")
            if event.casualties.injured is not None:
                lines.append(f"Injured: {event.casualties.injured}")
        description = "\n".join(lines) + (f"\n\n{event.description}" if event.description else "")
        references = self.page_reference(briefing_id, f"#event-{event.id}") + [
            self.reference(sources[s]) for s in dict.fromkeys(event.sources) if s in sources
        ]
        return _sdo(
            "incident", ("event", briefing_id, event.id), stamp,
            name=event.title, description=description, labels=[event.type],
            external_references=references, **marking,
        )

    def location(self, briefing_id: str, event: Event, stamp: str, marking: dict[str, Any]) -> dict[str, Any] | None:
        place = event.location
        if place is None or (place.country is None and place.lat is None):
            return None  # STIX needs a country or coordinates
        fields: dict[str, Any] = {"name": place.name, "country": place.country}
        if place.lat is not None and place.lon is not None:
            fields["latitude"], fields["longitude"] = place.lat, place.lon
            fields["precision"] = PRECISION_METRES.get(place.precision or "")
        return _sdo("location", ("location", briefing_id, event.id), stamp, **fields, **marking)

    def _objects_of(self, briefing_id: str) -> dict[str, bytes]:
        """A briefing's own objects, serialised, by id."""
        objects = self.briefing(briefing_id, self.project.briefings[briefing_id])
        return {o["id"]: _serialise(o) for o in objects}

    def _keep(self, obj: dict[str, Any]) -> str:
        key: str = obj["id"]
        if key not in self.serialised:
            self.serialised[key] = _serialise(obj)
        return key

    def bundle(self, key: str, briefing_ids: list[str]) -> list[bytes]:
        ids = {self._keep(self.identity)}
        actors: set[str] = set()
        markings: set[Marking] = {Marking.CLEAR}
        for briefing_id in briefing_ids:
            briefing = self.project.briefings[briefing_id]
            if briefing_id not in self.briefing_objects:
                pieces = self.memo.briefing("stix", briefing_id, partial(self._objects_of, briefing_id))
                self.serialised.update(pieces)
                self.briefing_objects[briefing_id] = list(pieces)
            ids.update(self.briefing_objects[briefing_id])
            actors.update(facts.involved_actors(self.project, briefing))
            markings.add(briefing.marking)
            markings.update(effective_marking(briefing, e) for e in briefing.events)
        for actor_id in actors:
            ids.add(self.actor_ids[actor_id])
            if self.actor_ids[actor_id] not in self.serialised:
                self._keep(self.actor(actor_id))
        ids.update(self._keep(r) for r in self.affiliations(actors))
        ids.update(self._keep(marking_definition(m)) for m in markings)
        profile = self.options.profile
        bundle_id = f"bundle--{facts.uuid_for('bundle', key, profile.max_marking.value, str(profile.drafts))}"
        # Sorted keys, as json.dumps(sort_keys=True) would write the whole bundle: id, objects, type.
        # The pieces, not joined: the site's bundle is never held whole (briefing.export.Data).
        parts = [f'{{"id":"{bundle_id}","objects":[\n'.encode()]
        for i in sorted(ids):
            parts += (self.serialised[i], b",\n")
        parts[-1] = b'\n],"type":"bundle"}\n'
        return parts


def _serialise(obj: dict[str, Any]) -> bytes:
    return json.dumps(obj, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


def stix_files(project: Project, options: ExportOptions, memo: facts.Memo) -> Iterator[tuple[str, list[bytes]]]:
    """Each briefing's bundle, then the site's: one at a time, for the caller to write and let go."""
    bundler = _Bundler(project, options, memo)
    for b in sorted(project.briefings):
        yield paths.briefing_stix(b), bundler.bundle(f"briefing/{b}", [b])
    yield paths.SITE_STIX, bundler.bundle("site", sorted(project.briefings))
