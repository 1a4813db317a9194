"""Build profiles never leak: canary strings in every field, every output byte scanned.

The fixture has a CLEAR briefing with an AMBER event inside, an AMBER
briefing, a RED briefing and a CLEAR draft. Every field of each restricted
part carries a unique canary. For each profile the real site is built and
every byte of every output file (gzip files decompressed too) is scanned.
"""

from __future__ import annotations

import gzip
import html
import json
from pathlib import Path

import pytest
import yaml
from conftest import make_project, plugin_options
from htmlcheck import parse

SCOPES = ("clearbrief", "ambereventinclear", "amberbrief", "redbrief", "draftbrief")


def canary(scope: str, field: str) -> str:
    return f"canary{scope}{field}"


def restricted_event(scope: str, marking: str | None = None) -> dict:
    event = {
        "id": canary(scope, "eventid"),
        "date": "2021-06-01",
        "date_note": canary(scope, "datenote"),
        "title": canary(scope, "eventtitle"),
        "type": "attack",
        "description": canary(scope, "eventdescription"),
        "location": {"name": canary(scope, "place"), "country": "IQ", "lat": 33.3, "lon": 44.4},
        "actors": [canary(scope, "actor"), "shared-actor"],
        "sources": [canary(scope, "source"), canary(scope, "report"), canary(scope, "ownreport")],
    }
    if marking:
        event["marking"] = marking
    return event


def restricted_source(scope: str) -> dict:
    return {
        "id": canary(scope, "source"),
        "kind": "anonymous",
        "title": canary(scope, "sourcetitle"),
        "publisher": canary(scope, "publisher"),
        "description": canary(scope, "sourcedescription"),
        "url": f"https://example.org/{canary(scope, 'url')}",
    }


def actor(scope: str) -> dict:
    return {
        "id": canary(scope, "actor"),
        "name": canary(scope, "actorname"),
        "short_name": canary(scope, "actorshort"),
        "kind": "person",
        "aliases": [canary(scope, "alias")],
        "native_names": {"ar": canary(scope, "nativename")},
        "description": canary(scope, "actordescription"),
    }


def briefing(scope: str, marking: str, status: str = "published", extra_events: list | None = None) -> dict:
    events = [restricted_event(scope)] + (extra_events or [])
    return {
        "title": canary(scope, "title"),
        "as_of": "2021-07-01",
        "status": status,
        "marking": marking,
        "tags": [canary(scope, "tag")],
        "summary": canary(scope, "summary"),
        "key_judgments": [
            {"statement": canary(scope, "judgment"), "confidence": "low", "basis": [canary(scope, "eventid")]}
        ],
        "actors": {canary(scope, "actor"): canary(scope, "rolenote")},
        "events": events,
        "sources": [
            source
            for s in [scope] + [e["sources"][0].removeprefix("canary").removesuffix("source") for e in (extra_events or [])]
            for source in (restricted_source(s), registry_report(s), own_outlet_report(s))
        ],
    }


def registry_report(scope: str) -> dict:
    """A report of the shared registry source: its page lists only the visible ones."""
    return {"id": canary(scope, "report"), "outlet": "shared-outlet", "title": canary(scope, "reporttitle"),
            "credibility": 3}


def own_outlet_report(scope: str) -> dict:
    """A report of a registry source that only this scope's briefing cites."""
    return {"id": canary(scope, "ownreport"), "outlet": canary(scope, "outlet"), "credibility": 2}


def own_outlet(scope: str) -> dict:
    """The registry entry: published only where a shown briefing cites it."""
    return {
        "id": canary(scope, "outlet"), "name": canary(scope, "outletname"), "kind": "news-report",
        "publisher": canary(scope, "outletpublisher"), "url": f"https://example.org/{canary(scope, 'outleturl')}",
        "reliability": "C", "reliability_note": canary(scope, "outletnote"),
    }


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory):
    project = make_project(tmp_path_factory.mktemp("markings") / "project", content=None)
    briefings = {
        canary("clearbrief", "id"): briefing(
            "clearbrief", "TLP:CLEAR", extra_events=[restricted_event("ambereventinclear", "TLP:AMBER")]
        ),
        canary("amberbrief", "id"): briefing("amberbrief", "TLP:AMBER"),
        canary("redbrief", "id"): briefing("redbrief", "TLP:RED"),
        canary("draftbrief", "id"): briefing("draftbrief", "TLP:CLEAR", status="draft"),
    }
    # The CLEAR briefing's judgment that rests only on the AMBER event must vanish with it.
    briefings[canary("clearbrief", "id")]["key_judgments"].append(
        {"statement": canary("ambereventinclear", "judgment"), "confidence": "low",
         "basis": [canary("ambereventinclear", "eventid")]}
    )
    briefings[canary("clearbrief", "id")]["related"] = [canary("amberbrief", "id")]
    for briefing_id, data in briefings.items():
        project.write(f"content/briefings/{briefing_id}.yaml", yaml.safe_dump(data, allow_unicode=True))
    actors = [actor(s) for s in SCOPES] + [{"id": "shared-actor", "name": "Shared actor", "kind": "other"}]
    project.write("content/actors/actors.yaml", yaml.safe_dump(actors, allow_unicode=True))
    project.write("content/sources/registry.yaml", yaml.safe_dump([{
        "id": "shared-outlet", "name": "Shared outlet", "kind": "news-report", "reliability": "B",
        "reliability_note": "Used by briefings of every marking.",
    }] + [own_outlet(s) for s in SCOPES]))
    # Stray files an editor might drop next to the hand-written pages.
    project.write("site_config/pages/leaked-report.pdf", canary("stray", "pdf"))
    project.write("site_config/pages/.hidden-notes.md", canary("stray", "hidden"))
    project.write("site_config/pages/notes.yaml~", canary("stray", "backup"))
    run = project.run("check", "--strict")
    assert run.code == 0, run.stderr
    return project


def output_text(site: Path) -> dict[str, str]:
    """Every output file as text, with gzip files decompressed (the sitemap, and every
    chunk of the Pagefind search bundle: fragments, word index, filters, metadata).

    File names are scanned too (exports are named after ids), and each text is
    also read with XML and JSON character references undone, so that an escaped
    canary in a feed or a JSON file is still found.
    """
    texts = {}
    for path in sorted(site.rglob("*")):
        if not path.is_file():
            continue
        data = path.read_bytes()
        if data[:2] == b"\x1f\x8b":
            data = gzip.decompress(data)
        text = data.decode("utf-8", "replace")
        name = str(path.relative_to(site))
        texts[name] = "\n".join([name, text, html.unescape(text), _json_strings(text)]).lower()
    return texts


def _json_strings(text: str) -> str:
    """Every string in a JSON document (\\u escapes undone); nothing for other files."""
    try:
        data = json.loads(text)
    except ValueError:
        return ""
    out: list[str] = []

    def walk(value: object) -> None:
        if isinstance(value, dict):
            for key, item in value.items():
                out.append(str(key))
                walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)
        else:
            out.append(str(value))

    walk(data)
    return "\n".join(out)


#: Export files every build has, whatever the profile (briefing/export/paths.py).
SITE_EXPORTS = {
    "feed.xml", "data/index.json", "data/events.csv", "data/events.geojson", "data/stix.json",
    "data/schema/briefing.schema.json", "data/schema/index.schema.json",
}
BRIEFING_EXPORTS = (".json", ".csv", ".geojson", ".stix.json", ".timeline.json")


def check_exports(texts: dict[str, str], visible: set[str], profile: str) -> None:
    """Each visible briefing has every export, and its restricted parts reach them (so the scan reads them)."""
    assert SITE_EXPORTS <= set(texts), SITE_EXPORTS - set(texts)
    for scope in visible - {"ambereventinclear"}:
        for suffix in BRIEFING_EXPORTS:
            assert f"data/briefings/{canary(scope, 'id')}{suffix}" in texts, (profile, scope, suffix)
        assert f"feeds/tags/{canary(scope, 'tag')}.xml" in texts
        assert f"feeds/actors/{canary(scope, 'actor')}.xml" in texts
    expected = {"data/events.csv": "eventtitle", "data/events.geojson": "eventtitle", "data/stix.json": "eventtitle",
                "data/index.json": "actorname", "feed.xml": "title"}
    for scope in visible:
        for name, field in expected.items():
            if field == "title" and scope == "ambereventinclear":
                continue  # an event, not a briefing: no feed entry of its own
            assert canary(scope, field) in texts[name], (profile, scope, name)


PROFILES = {
    "default": ([], {"clearbrief"}),
    "drafts": (["--drafts"], {"clearbrief", "draftbrief"}),
    "green": (["--max-marking", "TLP:GREEN"], {"clearbrief"}),
    "amber": (["--max-marking", "TLP:AMBER"], {"clearbrief", "ambereventinclear", "amberbrief"}),
    "red-drafts": (["--max-marking", "TLP:RED", "--drafts"], set(SCOPES)),
}


@pytest.mark.parametrize("profile", PROFILES, ids=list(PROFILES))
def test_canary_scan(project, profile: str, tmp_path: Path) -> None:
    args, visible = PROFILES[profile]
    site = tmp_path / "site"
    run = project.run("build", "--site-dir", str(site), *args)
    assert run.code == 0, run.stderr
    texts = output_text(site)
    check_exports(texts, visible, profile)
    assert_no_leaks(texts, visible, profile)
    # The scan reaches into the search bundle: what a reader may find is in it.
    searchable = "\n".join(text for name, text in texts.items() if name.endswith(".pf_fragment"))
    for scope in visible:
        assert canary(scope, "eventtitle") in searchable, f"{profile}: search bundle not scanned"
    assert "canarystray" not in "\n".join(texts.values())
    assert not (site / "leaked-report.pdf").exists()
    # A registry entry cited by a shown briefing has its page; one cited only by what the
    # profile hides appears nowhere (the leak scan above covers every byte).
    for scope in SCOPES:
        assert (f"sources/{canary(scope, 'outlet')}/index.html" in texts) == (scope in visible), (profile, scope)
    # The registry source's page lists the visible reports, and only those.
    outlet_page = texts["sources/shared-outlet/index.html"]
    for scope in SCOPES:
        assert (canary(scope, "reporttitle") in outlet_page) == (scope in visible), (profile, scope)


@pytest.mark.parametrize("profile", PROFILES, ids=list(PROFILES))
def test_canary_scan_of_briefing_export(project, profile: str, tmp_path: Path) -> None:
    """``briefing export`` (no site build) filters the same way."""
    args, visible = PROFILES[profile]
    out = tmp_path / "out"
    run = project.run("export", "--out", str(out), *args)
    assert run.code == 0, run.stderr
    texts = output_text(out)
    check_exports(texts, visible, profile)
    assert_no_leaks(texts, visible, profile)


@pytest.mark.parametrize("profile", ["default", "amber"])
def test_canary_scan_of_search_parts(project, profile: str, tmp_path: Path) -> None:
    """A search index in parts (``search_part_pages``): every part is scanned, and holds nothing restricted."""
    args, visible = PROFILES[profile]
    site = tmp_path / "site"
    config = plugin_options(project, search_part_pages=2)
    run = project.run("build", "-f", config, "--site-dir", str(site), *args)
    assert run.code == 0, run.stderr
    texts = output_text(site)
    assert_no_leaks(texts, visible, profile)
    parts = json.loads((site / "pagefind" / "parts.json").read_text())["parts"]
    assert parts, "one part: nothing to show"
    for part in ["", *parts]:  # each part's pages reach the scan (output_text walks every folder)
        assert any(name.startswith(f"pagefind/{part}fragment/") for name in texts), part
    searchable = "\n".join(text for name, text in texts.items() if name.endswith(".pf_fragment"))
    for scope in visible:
        assert canary(scope, "eventtitle") in searchable, f"{profile}: search parts not scanned"


def assert_no_leaks(texts: dict[str, str], visible: set[str], profile: str) -> None:
    everything = "\n".join(texts.values())
    for scope in SCOPES:
        present = f"canary{scope}" in everything
        if scope in visible:
            fields = ["eventtitle", "datenote", "place", "actorname", "alias", "nativename", "sourcetitle",
                      "publisher", "eventdescription", "judgment", "reporttitle"]
            if scope != "ambereventinclear":
                fields += ["title", "summary", "tag", "rolenote"]
            for field in fields:
                assert canary(scope, field) in everything, f"{profile}: {canary(scope, field)} missing"
        else:
            leaks = sorted(name for name, text in texts.items() if f"canary{scope}" in text)
            assert not present, f"{profile}: {scope} leaked into {leaks}"


def test_counts_and_profile_label(project, tmp_path: Path) -> None:
    site = tmp_path / "site"
    assert project.run("build", "--site-dir", str(site)).code == 0
    home = parse(site / "index.html").text
    assert "Public build: TLP:CLEAR only" in home
    assert "1 briefing · 1 event · 2 actors" in home
    amber = tmp_path / "amber"
    assert project.run("build", "--site-dir", str(amber), "--max-marking", "TLP:AMBER").code == 0
    home = parse(amber / "index.html").text
    assert "Restricted build: up to TLP:AMBER" in home
    assert "2 briefings · 3 events" in home
    records = [text for name, text in output_text(amber).items() if name.endswith(".pf_fragment")]
    assert any(canary("ambereventinclear", "eventtitle") in r for r in records)
    # Lists carry the highest marking of what they list: the chronology of 2021 shows an AMBER event.
    assert "tlp-banner--amber" in (amber / "chronology" / "2021" / "index.html").read_text()
    assert "tlp-banner--clear" in (site / "chronology" / "2021" / "index.html").read_text()
    # In the AMBER build the AMBER event inside the CLEAR briefing says so, as text.
    page = parse(amber / "briefings" / canary("clearbrief", "id") / "index.html").text
    assert "TLP:AMBER" in page


def test_every_page_has_a_marking_banner(project, tmp_path: Path) -> None:
    site = tmp_path / "site"
    assert project.run("build", "--site-dir", str(site), "--max-marking", "TLP:RED").code == 0
    for path in site.rglob("*.html"):
        html = path.read_text()
        assert 'class="tlp-banner' in html, path
    red = (site / "briefings" / canary("redbrief", "id") / "index.html").read_text()
    assert '<span class="tlp tlp-red">TLP:RED</span>' in red


def test_plugin_options_in_mkdocs_yml(project, tmp_path: Path) -> None:
    config = project.root / "mkdocs.yml"
    original = config.read_text()
    try:
        config.write_text(original.replace("max_marking: TLP:CLEAR", "max_marking: TLP:AMBER"))
        site = tmp_path / "site"
        assert project.run("build", "--site-dir", str(site)).code == 0
        assert canary("amberbrief", "title") in "\n".join(output_text(site).values())
    finally:
        config.write_text(original)


# -- history: restricted text that existed only in earlier commits ------------------------------------

HISTORY_SCOPES = ("histamberevent", "histredversion", "histnowamber")


def history_briefing(version: int) -> tuple[dict, dict]:
    """Two briefings at ``version`` (1 or 2) of the history scenario."""
    base_event = {"date": "2021-06-01", "type": "attack", "sources": ["s1"]}
    source = [{"id": "s1", "kind": "news-report", "publisher": "Wire"}]
    # 1: an AMBER event and a judgment resting on it; an event CLEAR then, AMBER now.
    # 2: the AMBER event and its judgment gone.
    events = [
        {**base_event, "id": "plain", "title": "Plain event"},
        {**base_event, "id": "later", "title": canary("histnowamber", "eventtitle")}
        | ({"marking": "TLP:AMBER"} if version == 2 else {}),
    ]
    judgments = [{"statement": "Plain judgment about the militias.", "confidence": "low", "basis": ["plain"]}]
    if version == 1:
        events.append({**base_event, "id": "amber", "title": canary("histamberevent", "eventtitle"),
                       "marking": "TLP:AMBER", "description": canary("histamberevent", "eventdescription")})
        judgments.append({"statement": canary("histamberevent", "judgment"), "confidence": "low", "basis": ["amber"]})
    first = {"title": "History canary", "as_of": "2021-07-01", "summary": "Plain.", "key_judgments": judgments,
             "events": events, "sources": source}
    # A briefing that was RED in its first version and is CLEAR now.
    red = canary("histredversion", "text")
    second = {"title": red if version == 1 else "Now clear", "as_of": "2021-07-01",
              "marking": "TLP:RED" if version == 1 else "TLP:CLEAR", "summary": red if version == 1 else "Clear.",
              "key_judgments": [{"statement": red if version == 1 else "Clear judgment.", "confidence": "low"}],
              "events": [{**base_event, "id": "e", "title": red if version == 1 else "Clear event"}],
              "sources": source}
    return first, second


@pytest.fixture(scope="module")
def history_project(tmp_path_factory: pytest.TempPathFactory):
    from conftest import git

    project = make_project(tmp_path_factory.mktemp("markings-history") / "project", content=None)
    project.write("content/actors/actors.yaml", "[]\n")
    git(project.root, "init", "-q")
    for version in (1, 2):
        first, second = history_briefing(version)
        project.write("content/briefings/hist-one.yaml", yaml.safe_dump(first))
        project.write("content/briefings/hist-two.yaml", yaml.safe_dump(second))
        git(project.root, "add", "-A")
        git(project.root, "commit", "-q", "-m", f"v{version}", date=f"2021-07-0{version}T12:00:00+00:00")
    return project


HISTORY_PROFILES = {
    "default": ([], set()),
    "amber": (["--max-marking", "TLP:AMBER"], {"histamberevent", "histnowamber"}),
    "red": (["--max-marking", "TLP:RED"], set(HISTORY_SCOPES)),
}


@pytest.mark.parametrize("profile", HISTORY_PROFILES, ids=list(HISTORY_PROFILES))
def test_canary_scan_of_history(history_project, profile: str, tmp_path: Path) -> None:
    args, visible = HISTORY_PROFILES[profile]
    site = tmp_path / "site"
    run = history_project.run("build", "--strict", "--site-dir", str(site), *args)
    assert run.code == 0, run.stderr
    texts = output_text(site)
    everything = "\n".join(texts.values())
    assert "revisions" in texts["briefings/hist-one/index.html"]
    for scope in HISTORY_SCOPES:
        leaks = sorted(name for name, text in texts.items() if f"canary{scope}" in text)
        if scope in visible:
            assert leaks, f"{profile}: {scope} should be visible (else this scan proves nothing)"
        else:
            assert f"canary{scope}" not in everything, f"{profile}: {scope} leaked into {leaks}"
