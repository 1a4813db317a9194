"""Data out: every export read back with an independent parser.

The project is the shipped example plus a briefing made to trip each format
up: cells a spreadsheet would run as formulas, coordinates with negative
longitudes and latitudes, markup in every text field, an AMBER event and a
draft that the default profile must leave out. The site is built once with
the real ``briefing build``; ``briefing export`` is run as a user would.
"""

from __future__ import annotations

import csv
import io
import json
import posixpath
import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path

import feedparser
import geojson
import jsonschema
import pytest
import stix2
import yaml
from cases.hostile import payloads as P
from conftest import ROOT, make_project, tree_bytes
from stix2validator import ValidationOptions, validate_string

ATOM = "{http://www.w3.org/2005/Atom}"

GEO_BRIEFING = {
    "title": "=HYPERLINK(\"https://evil.example\",\"click\") " + P.SCRIPT,
    "as_of": "2021-08-01",
    "marking": "TLP:CLEAR",
    "regions": ["GB", "ZA"],
    "tags": ["geo", "iraq"],
    "summary": P.MARKDOWN_FIELD,
    "key_judgments": [
        {"statement": "+1 likely " + P.IMG, "likelihood": "likely", "confidence": "high", "basis": ["london"]},
        {"statement": "Rests only on the AMBER event", "confidence": "low", "basis": ["amber-only"]},
    ],
    "actors": {"minus-group": "-role note"},
    "events": [
        {"id": "london", "date": "2021-03-01", "title": "+SUM(1,2)", "type": "protest",
         "description": "-2 starts with a minus " + P.SCRIPT,
         "location": {"name": "@London", "country": "GB", "lat": 51.5072, "lon": -0.1276, "precision": "city"},
         "actors": ["minus-group", "iran"], "sources": ["s1"], "casualties": {"killed": 0, "injured": 3}},
        {"id": "cape-town", "date": "2021-03-02~", "title": "@cmd", "type": "meeting",
         "location": {"name": "Cape Town", "country": "ZA", "lat": -33.9249, "lon": 18.4241, "precision": "exact"},
         "actors": ["minus-group"], "sources": ["s1", "s2"]},
        {"id": "amber-only", "date": "2021-03-03", "title": "Amber event", "type": "meeting", "marking": "TLP:AMBER",
         "location": {"name": "Reykjavik", "country": "IS", "lat": 64.1466, "lon": -21.9426},
         "actors": ["minus-group"], "sources": ["s2"]},
        {"id": "nowhere", "date": "2021-03", "title": "Month only, no place", "type": "statement", "sources": ["s1"]},
    ],
    "sources": [
        {"id": "s1", "kind": "news-report", "title": "=cmd|' /C calc'!A0", "url": "https://example.org/a",
         "reliability": "B", "credibility": 2},
        {"id": "s2", "kind": "anonymous", "via": "s1"},
    ],
}
DRAFT_BRIEFING = {
    "title": "A draft", "as_of": "2021-09-01", "status": "draft", "tags": ["geo"], "summary": "Draft.",
    "events": [{"id": "d1", "date": "2021-09-01", "title": "Draft event", "type": "other",
                "location": {"name": "Oslo", "country": "NO", "lat": 59.91, "lon": 10.75}}],
}
ACTORS = [{"id": "minus-group", "name": "-Minus Group", "kind": "non-state-armed-group", "aliases": ["=alias"]}]


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory):
    project = make_project(tmp_path_factory.mktemp("exports") / "project")
    project.write("content/briefings/geo.yaml", yaml.safe_dump(GEO_BRIEFING, allow_unicode=True))
    project.write("content/briefings/draft.yaml", yaml.safe_dump(DRAFT_BRIEFING, allow_unicode=True))
    project.write("content/actors/minus.yaml", yaml.safe_dump(ACTORS, allow_unicode=True))
    return project


@pytest.fixture(scope="module")
def site(project) -> Path:
    run = project.run("build")
    assert run.code == 0, run.stderr
    return project.site


def visible_from_yaml(max_rank: int = 0, drafts: bool = False) -> dict[str, list[dict]]:
    """The visible events of each briefing, worked out from the YAML alone (not from our model)."""
    ranks = {"TLP:CLEAR": 0, "TLP:GREEN": 1, "TLP:AMBER": 2, "TLP:AMBER+STRICT": 3, "TLP:RED": 4}
    files = {p.stem: yaml.safe_load(p.read_text()) for p in (ROOT / "content" / "briefings").glob("*.yaml")}
    files.update({"geo": GEO_BRIEFING, "draft": DRAFT_BRIEFING})
    out = {}
    for briefing_id, data in files.items():
        rank = ranks[data.get("marking", "TLP:CLEAR")]
        if rank > max_rank or (data.get("status") == "draft" and not drafts):
            continue
        out[briefing_id] = [e for e in data["events"] if max(rank, ranks[e.get("marking", "TLP:CLEAR")]) <= max_rank]
    return out


# -- Atom ------------------------------------------------------------------------------------


def test_site_feed_is_well_formed_with_every_briefing_and_its_marking(site: Path) -> None:
    feed = feedparser.parse((site / "feed.xml").read_bytes())
    assert not feed.bozo, feed.get("bozo_exception")
    visible = visible_from_yaml()
    assert len(feed.entries) == len(visible)
    assert feed.entries[0].title.startswith("=HYPERLINK")  # newest first (as_of 2021-08-01)
    assert [e.updated for e in feed.entries] == sorted((e.updated for e in feed.entries), reverse=True)
    for entry in feed.entries:
        assert entry.rights == "TLP:CLEAR"
        assert {"term": "TLP:CLEAR", "scheme": "https://www.first.org/tlp/", "label": "TLP:CLEAR"} in entry.tags
        assert "TLP:CLEAR" in entry.summary
        assert entry.link.startswith("briefings/") and entry.id.startswith("urn:uuid:")
    assert "A draft" not in (site / "feed.xml").read_text()


def test_tag_and_actor_feeds(site: Path) -> None:
    index = json.loads((site / "data" / "index.json").read_text())
    for tag in index["tags"]:
        feed = feedparser.parse((site / "feeds" / "tags" / f"{tag['tag']}.xml").read_bytes())
        assert not feed.bozo
        assert len(feed.entries) == len(tag["briefings"])
    examples = [yaml.safe_load(p.read_text()) for p in (ROOT / "content" / "briefings").glob("*.yaml")]
    tagged_iraq = [b for b in [*examples, GEO_BRIEFING] if "iraq" in b.get("tags", [])]  # all TLP:CLEAR
    assert len(next(t for t in index["tags"] if t["tag"] == "iraq")["briefings"]) == len(tagged_iraq) >= 2
    for actor in index["actors"]:
        feed = feedparser.parse((site / "feeds" / "actors" / f"{actor['id']}.xml").read_bytes())
        assert not feed.bozo
        assert len(feed.entries) == len(actor["briefings"]) >= 1


class _Markup(HTMLParser):
    """The elements and attributes of an HTML fragment, as a browser would read them."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag in ("script", "style", "iframe", "svg", "img", "object", "embed"):
            self.problems.append(tag)
        for name, value in attrs:
            if name.startswith("on") or name == "style":
                self.problems.append(f"{tag} {name}")
            if name in ("href", "src") and not (value or "").startswith(("https:", "http:", "mailto:", "../", "#")):
                self.problems.append(f"{tag} {name}={value}")


def live_markup(html: str) -> list[str]:
    parser = _Markup()
    parser.feed(html)
    parser.close()
    return parser.problems


def test_feed_html_is_sanitised(site: Path) -> None:
    # Read the raw XML (feedparser sanitises by itself): the summary HTML that readers get.
    root = ET.parse(site / "feed.xml").getroot()
    summaries = [summary.text or "" for summary in root.iter(f"{ATOM}summary")]
    assert any("alert(&#x27;script&#x27;)" in s or "alert('script')" in s for s in summaries)  # shown as text
    for html in summaries:
        assert live_markup(html) == [], html
    titles = [t.text for t in root.iter(f"{ATOM}title")]
    assert any(P.SCRIPT in (t or "") for t in titles)  # text stays text, as typed


def test_every_page_links_the_site_feed_and_actor_pages_their_own(site: Path) -> None:
    pages = list(site.rglob("*.html"))
    assert pages
    for page in pages:
        html = page.read_text(encoding="utf-8")
        head = html[: html.index("</head>")]
        found = re.findall(r'<link rel="alternate" type="application/atom\+xml" title="Briefings: all briefings" href="([^"]*)">', head)
        assert len(found) == 1, page
        folder = page.relative_to(site).parent.as_posix()
        # 404.html is served at any depth: MkDocs gives it root-relative URLs.
        resolved = found[0].lstrip("/") if found[0].startswith("/") else posixpath.normpath(posixpath.join(folder, found[0]))
        assert resolved == "feed.xml", page
    actor = (site / "actors" / "minus-group" / "index.html").read_text()
    assert 'type="application/atom+xml" title="Feed: briefings involving this actor" href="../../feeds/actors/minus-group.xml"' in actor
    tags = (site / "tags" / "index.html").read_text()
    assert 'href="../feeds/tags/geo.xml"' in tags


# -- JSON ------------------------------------------------------------------------------------


def test_json_files_match_their_published_schema(site: Path) -> None:
    briefing_schema = json.loads((site / "data" / "schema" / "briefing.schema.json").read_text())
    index_schema = json.loads((site / "data" / "schema" / "index.schema.json").read_text())
    for schema in (briefing_schema, index_schema):
        jsonschema.Draft202012Validator.check_schema(schema)
    index = json.loads((site / "data" / "index.json").read_text())
    jsonschema.validate(index, index_schema, cls=jsonschema.Draft202012Validator)
    visible = visible_from_yaml()
    assert sorted(b["id"] for b in index["briefings"]) == sorted(visible)
    for briefing_id, events in visible.items():
        data = json.loads((site / "data" / "briefings" / f"{briefing_id}.json").read_text())
        jsonschema.validate(data, briefing_schema, cls=jsonschema.Draft202012Validator)
        assert sorted(e["id"] for e in data["events"]) == sorted(e["id"] for e in events)
    # A mutated file fails the schema: the schema is not a rubber stamp.
    data = json.loads((site / "data" / "briefings" / "geo.json").read_text())
    data["events"][0]["date"]["earliest"] = 20210301
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(data, briefing_schema, cls=jsonschema.Draft202012Validator)


def test_json_holds_what_the_build_works_out(site: Path) -> None:
    data = json.loads((site / "data" / "briefings" / "geo.json").read_text())
    cape = next(e for e in data["events"] if e["id"] == "cape-town")
    assert cape["date"] == {"edtf": "2021-03-02~", "earliest": "2021-03-02", "latest": "2021-03-02",
                            "text": cape["date"]["text"], "approximate": True, "uncertain": False,
                            "time_precision": 2}
    assert [a["name"] for a in cape["actors"]] == ["-Minus Group"]
    judgment = data["key_judgments"][0]
    assert (judgment["likelihood_words"], judgment["likelihood_range"]) == ("Likely", "55–80%")
    assert len(data["key_judgments"]) == 1  # the judgment resting only on the AMBER event is gone
    s1 = next(s for s in data["sources"] if s["id"] == "s1")
    assert (s1["grade"], s1["grade_words"]) == ("B2", "usually reliable source; information probably true")
    assert next(s for s in data["sources"] if s["id"] == "s2")["via"] == ["s1"]
    assert data["profile"] == {"max_marking": "TLP:CLEAR", "drafts": False}


# -- CSV -------------------------------------------------------------------------------------


def read_csv(path: Path) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"), newline="")))


NUMERIC = {"latitude", "longitude", "killed", "injured", "time_precision", "geo_precision"}


def test_csv_has_one_row_per_visible_event_and_no_live_formulas(site: Path) -> None:
    visible = visible_from_yaml()
    rows = read_csv(site / "data" / "events.csv")
    assert len(rows) == sum(len(events) for events in visible.values())
    for briefing_id, events in visible.items():
        assert len(read_csv(site / "data" / "briefings" / f"{briefing_id}.csv")) == len(events)
    for row in rows:
        for column, value in row.items():
            if column in NUMERIC and value:
                float(value)  # numbers stay numbers, negative ones included
            else:
                assert not value.startswith(("=", "+", "-", "@", "\t", "\r")), (column, value)
    london = next(r for r in rows if r["event_id"] == "london")
    assert london["title"] == "'+SUM(1,2)"
    assert london["location"] == "'@London"
    assert london["actor_1_name"] == "'-Minus Group"
    assert london["notes"].startswith("'-2 starts")
    assert (london["longitude"], london["latitude"]) == ("-0.1276", "51.5072")
    assert (london["killed"], london["injured"], london["geo_precision"]) == ("0", "3", "2")
    assert (london["source_ids"], london["source_grades"]) == ("s1", "B2")
    cape = next(r for r in rows if r["event_id"] == "cape-town")
    assert cape["title"] == "'@cmd" and cape["source_grades"] == "B2; ungraded"
    assert (cape["earliest_date"], cape["latest_date"], cape["time_precision"]) == ("2021-03-02", "2021-03-02", "2")


def test_neutralise_covers_tab_and_carriage_return() -> None:
    from briefing.export.csvdata import neutralise

    assert [neutralise(v) for v in ("\tx", "\rx", "=1", "ok", -3.5, 0, None)] == ["'\tx", "'\rx", "'=1", "ok", "-3.5", "0", ""]


# -- GeoJSON ---------------------------------------------------------------------------------


def test_geojson_is_valid_and_longitude_first(site: Path) -> None:
    visible = visible_from_yaml()
    located = {
        (b, e["id"]): e["location"] for b, events in visible.items() for e in events
        if e.get("location", {}).get("lat") is not None
    }
    collection = geojson.loads((site / "data" / "events.geojson").read_text())
    assert collection.is_valid, collection.errors()
    assert len(collection["features"]) == len(located)
    for feature in collection["features"]:
        assert feature.is_valid
        location = located[(feature["properties"]["briefing_id"], feature["properties"]["event_id"])]
        assert feature["geometry"]["coordinates"] == [location["lon"], location["lat"]]
        assert feature["properties"]["title"] is not None
    per_briefing = geojson.loads((site / "data" / "briefings" / "geo.geojson").read_text())
    assert per_briefing.is_valid
    assert {f["properties"]["event_id"] for f in per_briefing["features"]} == {"london", "cape-town"}


# -- STIX ------------------------------------------------------------------------------------


def stix_errors(text: str) -> list[str]:
    """The OASIS validator's errors for a bundle (its warnings are allowed: see briefing/export/stix.py)."""
    result = validate_string(text, ValidationOptions(version="2.1"))
    errors = [str(e) for e in result.errors or []]
    return errors if errors or result.is_valid else ["invalid"]


def test_stix_bundles_parse_and_validate(site: Path) -> None:
    paths = [site / "data" / "stix.json", *sorted((site / "data" / "briefings").glob("*.stix.json"))]
    assert len(paths) == 1 + len(visible_from_yaml())
    for path in paths:
        text = path.read_text()
        bundle = stix2.parse(text, allow_custom=False)
        assert bundle.type == "bundle"
        assert stix_errors(text) == [], path
    bundle = stix2.parse((site / "data" / "stix.json").read_text())
    by_type: dict[str, list] = {}
    for obj in bundle.objects:
        by_type.setdefault(obj.type, []).append(obj)
    assert len(by_type["report"]) == len(visible_from_yaml())
    assert len(by_type["incident"]) == sum(len(e) for e in visible_from_yaml().values())
    assert {m.id for m in by_type["marking-definition"]} == {"marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487"}
    assert any(o.type == "threat-actor" and o.name == "-Minus Group" for o in bundle.objects)
    locations = [o for o in by_type["location"] if o.name == "@London"]
    assert (locations[0].latitude, locations[0].longitude) == (51.5072, -0.1276)
    assert "Amber event" not in (site / "data" / "stix.json").read_text()


def test_stix_ids_are_stable_across_exports(project, tmp_path: Path) -> None:
    """UUIDv5 ids: an object keeps its id when the bundle is made again (and in a wider profile)."""
    out = tmp_path / "amber"
    run = project.run("export", "--format", "stix", "--max-marking", "TLP:AMBER", "--out", str(out))
    assert run.code == 0, run.stderr
    wide = {o["id"] for o in json.loads((out / "data" / "stix.json").read_text())["objects"]}
    narrow = {o["id"] for o in json.loads((project.site / "data" / "stix.json").read_text())["objects"]}
    assert narrow <= wide and len(wide) > len(narrow)


# -- TimelineJS ------------------------------------------------------------------------------


def test_timelinejs_has_the_required_keys(site: Path) -> None:
    for briefing_id, events in visible_from_yaml().items():
        data = json.loads((site / "data" / "briefings" / f"{briefing_id}.timeline.json").read_text())
        assert set(data) >= {"events"} and data["title"]["text"]["headline"]
        assert len(data["events"]) == len(events)
        ids = [e["unique_id"] for e in data["events"]]
        assert len(set(ids)) == len(ids)
        for event in data["events"]:
            assert isinstance(event["start_date"]["year"], int)
            assert event["text"]["headline"]
            if "end_date" in event:
                start, end = event["start_date"], event["end_date"]
                assert (end["year"], end["month"], end["day"]) >= (start["year"], start["month"], start["day"])
            assert live_markup(event["text"]["text"] + event["text"]["headline"]) == []
    geo = json.loads((site / "data" / "briefings" / "geo.timeline.json").read_text())
    assert "&lt;script&gt;" in geo["title"]["text"]["headline"]


# -- Pages -----------------------------------------------------------------------------------


def test_data_page_and_data_line(site: Path) -> None:
    from htmlcheck import parse

    page = parse(site / "data" / "index.html")
    linked = {posixpath.normpath(posixpath.join("data", href)) for href in page.links if "://" not in href}
    expected = {"feed.xml", "data/index.json", "data/events.csv", "data/events.geojson", "data/stix.json",
                "data/schema/briefing.schema.json", "data/schema/index.schema.json"}
    for briefing_id in visible_from_yaml():
        expected |= {f"data/briefings/{briefing_id}{suffix}"
                     for suffix in (".json", ".csv", ".geojson", ".stix.json", ".timeline.json")}
    assert expected <= linked, expected - linked
    assert all((site / path).is_file() for path in expected)
    briefing = parse(site / "briefings" / "geo" / "index.html").text
    assert "Data: JSON · CSV · GeoJSON · STIX 2.1 · TimelineJS · Feed" in briefing


def test_data_page_lists_only_the_newest_briefings(tmp_path: Path) -> None:
    from conftest import make_project
    from corpus import write_corpus
    from htmlcheck import parse

    from briefing.export.page import LATEST_ON_DATA_PAGE

    content = write_corpus(tmp_path / "corpus", briefings=LATEST_ON_DATA_PAGE + 5, events=2, actors=6, seed=5)
    project = make_project(tmp_path / "project", content)
    run = project.run("build")
    assert run.code == 0, run.stderr
    page = parse(project.site / "data" / "index.html")
    listed = {href for href in page.links if href.startswith("briefings/") and href.endswith(".stix.json")}
    assert len(listed) == LATEST_ON_DATA_PAGE
    assert f"The {LATEST_ON_DATA_PAGE} newest of the {LATEST_ON_DATA_PAGE + 5} briefings" in page.text
    index = json.loads((project.site / "data" / "index.json").read_text())
    assert len(index["briefings"]) == LATEST_ON_DATA_PAGE + 5


# -- briefing export -------------------------------------------------------------------------


def test_export_writes_the_same_files_as_the_build(project, site: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    run = project.run("export", "--out", str(out))
    assert run.code == 0, run.stderr
    exported = tree_bytes(out)
    assert exported.pop(".briefing-export")
    built = {k: v for k, v in tree_bytes(site).items() if k in exported}
    assert exported == built
    assert set(exported) >= {"feed.xml", "data/index.json", "data/events.csv", "data/stix.json"}
    # Again over its own earlier export: replaced whole.
    run = project.run("export", "--format", "csv", "--out", str(out), "--drafts")
    assert run.code == 0, run.stderr
    files = sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file())
    assert all(f.endswith(".csv") for f in files if f != ".briefing-export")
    assert len(read_csv(out / "data" / "events.csv")) == sum(len(e) for e in visible_from_yaml(drafts=True).values())


@pytest.mark.parametrize("target", ["content", "content/briefings/new", "templates", "site_config", ".", "..", "taken"])
def test_export_refuses_to_write_over_the_users_work(project, target: str) -> None:
    taken = project.root / "taken"
    taken.mkdir(exist_ok=True)
    (taken / "notes.txt").write_text("mine")
    before = tree_bytes(project.root / "content")
    run = project.run("export", "--out", target)
    assert run.code == 2, run.stderr
    assert "refusing" in run.stderr or "not empty" in run.stderr
    assert tree_bytes(project.root / "content") == before
    assert (taken / "notes.txt").read_text() == "mine"
    assert not (project.root / "content" / "briefings" / "new").exists()


# -- briefing serve: pieces kept between rebuilds ----------------------------------------------


def test_memo_gives_the_same_files_as_a_fresh_export(tmp_path: Path) -> None:
    """Under ``serve`` unchanged briefings' pieces are reused: the files must equal a fresh export's."""
    from briefing.export import exports
    from briefing.export.facts import ExportOptions, Memo
    from briefing.model import Marking, Project
    from briefing.profile import Profile, apply
    from briefing.validate import load_project

    root = make_project(tmp_path / "memo")
    root.write("content/briefings/geo.yaml", yaml.safe_dump(GEO_BRIEFING, allow_unicode=True))
    root.write("content/actors/minus.yaml", yaml.safe_dump(ACTORS, allow_unicode=True))
    vocabularies = root.root / "site_config" / "vocabularies.yaml"
    options = ExportOptions(profile=Profile(max_marking=Marking.AMBER), site_url="https://example.org/briefings/")

    def visible() -> Project:
        loaded, diagnostics = load_project(root.content, vocabularies)
        assert not diagnostics.errors
        return apply(loaded, options.profile)

    memo = Memo()
    first = exports(visible(), options, memo=memo)
    assert memo.pieces, "the memo kept nothing"
    again = exports(visible(), options, memo=memo)
    assert again == first
    kept = again["data/briefings/geo.json"]
    # An actor's name changes: every piece that shows it must be made again.
    renamed = [dict(ACTORS[0], name="Renamed Group")]
    root.write("content/actors/minus.yaml", yaml.safe_dump(renamed, allow_unicode=True))
    edited = exports(visible(), options, memo=memo)
    assert edited == exports(visible(), options)
    assert edited != first and b"Renamed Group" in edited["data/events.csv"]
    assert edited["data/briefings/geo.json"] is not kept
    # A briefing that did not change keeps its pieces (the same objects, not equal copies).
    untouched = "data/briefings/irgc-taeb-baghdad-meeting.json"
    assert exports(visible(), options, memo=memo)[untouched] is edited[untouched]


def test_stix_bundles_are_written_from_pieces_never_joined(tmp_path: Path) -> None:
    """At 10,000 briefings the site's bundle is 624 MB: it is written piece by piece, from the
    objects the briefings' bundles serialised, without a joined copy or a second serialisation."""
    from briefing.export import exports, iter_exports, write_file
    from briefing.export.facts import ExportOptions
    from briefing.export.paths import SITE_STIX, briefing_stix
    from briefing.model import Marking
    from briefing.profile import Profile, apply
    from briefing.validate import load_project

    root = make_project(tmp_path / "pieces")
    root.write("content/briefings/geo.yaml", yaml.safe_dump(GEO_BRIEFING, allow_unicode=True))
    root.write("content/actors/minus.yaml", yaml.safe_dump(ACTORS, allow_unicode=True))
    loaded, diagnostics = load_project(root.content, root.root / "site_config" / "vocabularies.yaml")
    assert not diagnostics.errors
    options = ExportOptions(profile=Profile(max_marking=Marking.AMBER), site_url="https://example.org/")
    visible = apply(loaded, options.profile)

    streamed = dict(iter_exports(visible, options, ["stix"]))
    site, geo = streamed[SITE_STIX], streamed[briefing_stix("geo")]
    assert isinstance(site, list) and isinstance(geo, list)
    shared = {id(piece) for piece in geo[1:-1:2]}  # between the header and the closing piece, every second is an object
    assert shared <= {id(piece) for piece in site}, "the site's bundle serialised an object again"
    write_file(tmp_path / "stix.json", site)
    written = (tmp_path / "stix.json").read_bytes()
    assert written == exports(visible, options, ["stix"])[SITE_STIX]
    assert {o["id"] for o in json.loads(written)["objects"]} >= {json.loads(p)["id"] for p in geo[1:-1:2]}
