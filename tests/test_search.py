"""The site's search: the Pagefind bundle the build writes, and a reader using it in Chromium.

The browser tests serve the example site with its Content-Security-Policy as an
HTTP header (which, unlike the ``<meta>`` tag, also covers Pagefind's worker),
and with the meta tag alone; no request may leave the machine.
"""

from __future__ import annotations

import gzip
import json
import os
import re
import time
from pathlib import Path

import pytest
from browser import RequestLog, chromium, static_server
from conftest import make_project, plugin_options, tree_bytes

from briefing.site.search import Indexer

BRIEFING = "briefings/irgc-taeb-baghdad-meeting/"
#: The example's 17 searchable pages in 4 parts (of 5, 5, 5 and 2 pages).
PART_PAGES = 5


def bundle_parts(site: Path) -> dict[str, list[dict]]:
    """The page records of each part of the bundle: "" (the main bundle), then "part-2/", ... from parts.json."""
    bundle = site / "pagefind"
    names = ["", *json.loads((bundle / "parts.json").read_text())["parts"]]
    out = {}
    for name in names:
        records = []
        for path in sorted((bundle / name / "fragment").glob("*.pf_fragment")):
            data = gzip.decompress(path.read_bytes())
            records.append(json.loads(data[data.index(b"{"):]))  # after Pagefind's signature
        out[name] = records
    return out


def fragments(site: Path) -> list[dict]:
    """Every page record of the bundle, from all its parts (Pagefind's fragments are gzip-compressed JSON)."""
    return [record for records in bundle_parts(site).values() for record in records]


@pytest.fixture(scope="module")
def parted_project(tmp_path_factory: pytest.TempPathFactory):
    """The example project, with the search index cut into parts of at most PART_PAGES pages."""
    project = make_project(tmp_path_factory.mktemp("parts") / "project")
    config = plugin_options(project, search_part_pages=PART_PAGES)
    run = project.run("build", "-f", config)
    assert run.code == 0, run.stderr
    return project, config


def site_policy(site: Path) -> str:
    match = re.search(r'http-equiv="Content-Security-Policy" content="([^"]*)"', (site / "index.html").read_text())
    assert match, "no CSP meta tag"
    return match.group(1)


def test_bundle_replaces_materials_index(example_site: Path) -> None:
    assert not (example_site / "search").exists(), "Material's search_index.json is still shipped"
    assert (example_site / "pagefind" / "pagefind.js").is_file()
    assert not (example_site / "pagefind" / "pagefind-ui.js").exists(), "unused Pagefind UI shipped"
    pages = {f["url"]: f for f in fragments(example_site)}
    # Only briefings, actors and chronology pages are searchable: no index page, no 404.
    assert f"/{BRIEFING}" in pages and "/actors/irgc/" in pages
    assert not {"/", "/briefings/", "/actors/", "/tags/"} & set(pages)


def test_records_have_filters_marking_and_event_anchors(example_site: Path) -> None:
    pages = {f["url"]: f for f in fragments(example_site)}
    briefing = pages[f"/{BRIEFING}"]
    assert briefing["meta"]["marking"] == "TLP:CLEAR"
    assert briefing["filters"]["kind"] == ["briefing"]
    assert "irgc" in briefing["filters"]["tag"] and "Iraq" in briefing["filters"]["region"]
    assert "Islamic Revolutionary Guard Corps" in briefing["filters"]["actor"]
    assert "2020" in briefing["filters"]["year"] and briefing["filters"]["type"]
    anchors = [a["id"] for a in briefing["anchors"]]
    assert any(a.startswith("event-") for a in anchors)
    # Permalinks and navigation never reach the index.
    assert "¶" not in briefing["content"]
    assert "Skip to content" not in briefing["content"]
    actor = pages["/actors/irgc/"]
    assert actor["filters"]["kind"] == ["actor"]
    for name in ("Sepah", "سپاه پاسداران انقلاب اسلامی", "IRGC"):
        assert name in actor["content"]
    # An actor page's list of events is not searched: each event is found on its briefing
    # (and its chronology page), not once more on every actor page that lists it.
    event = "IRGC intelligence chief Hossein Taeb meets Iraqi militia leaders in Baghdad"
    assert event in briefing["content"]
    assert event not in actor["content"] and "events-2021" not in [a["id"] for a in actor["anchors"]]


def test_a_site_under_the_part_size_is_one_index(example_site: Path) -> None:
    assert json.loads((example_site / "pagefind" / "parts.json").read_text()) == {"parts": []}
    assert not list((example_site / "pagefind").glob("part-*"))


def test_a_larger_site_is_indexed_in_parts(parted_project, example_site: Path) -> None:
    site = parted_project[0].site
    parts = bundle_parts(site)
    assert list(parts) == ["", "part-2/", "part-3/", "part-4/"]
    urls = [[record["url"] for record in records] for records in parts.values()]
    assert [len(u) for u in urls] == [5, 5, 5, 2]
    # Consecutive runs of the pages in path order, each page in exactly one part.
    flat = [url for part in urls for url in sorted(part)]
    assert flat == sorted(flat) and len(set(flat)) == len(flat)
    # The same records as the one index of the same site: same text, filters, marking, anchors.
    one = {record["url"]: record for record in fragments(example_site)}
    assert {record["url"]: record for record in fragments(site)} == one
    # Only the main bundle has Pagefind's script and WebAssembly; a part is its index alone.
    assert (site / "pagefind" / "pagefind.js").is_file()
    for name in list(parts)[1:]:
        files = {p.name for p in (site / "pagefind" / name).iterdir() if p.is_file()}
        assert "pagefind-entry.json" in files and any(f.endswith(".pf_meta") for f in files), files
        assert not [f for f in files if f.endswith((".js", ".css")) or f.startswith("wasm.")], files
    # Nothing of the folder each part was indexed from is left in the site.
    assert not list(site.rglob(".pagefind-part*"))


def test_parted_builds_are_byte_identical(parted_project, tmp_path: Path) -> None:
    project, config = parted_project
    assert project.run("build", "-f", config, "--site-dir", str(tmp_path / "one")).code == 0
    time.sleep(1.1)
    assert project.run("build", "-f", config, "--site-dir", str(tmp_path / "two")).code == 0
    assert tree_bytes(tmp_path / "one") == tree_bytes(tmp_path / "two")


def test_a_part_pagefind_fails_on_stops_the_build(parted_project) -> None:
    """Pagefind fails on the third part (its environment lets it see only "actors/i*" pages, of parts 1 and 2):
    the build stops, the previous site stays, and nothing of the attempt is left."""
    project, config = parted_project
    before = tree_bytes(project.site)
    run = project.run("build", "-f", config, env={"PAGEFIND_GLOB": "actors/i*/index.html"})
    assert run.code == 1, run.stderr
    assert "Pagefind failed to index the site" in run.stderr and "previous site was left as it was" in run.stderr
    assert "Traceback" not in run.stderr
    assert tree_bytes(project.site) == before
    assert [p.name for p in project.root.iterdir() if p.name.startswith(".site")] == []


def test_parts_are_indexed_while_pages_are_written(tmp_path: Path) -> None:
    """Pagefind starts on a part as soon as its last page is written, while later pages are still
    to come; the parts are consecutive and full but the last."""
    site = tmp_path / "site"
    pages = [Path(f"p{number:02}/index.html") for number in range(12)]
    indexer = Indexer(site, 5)
    try:
        for number, page in enumerate(pages):
            indexer.add(page)  # announced, then written (as MkDocs does after on_post_page)
            (site / page).parent.mkdir(parents=True)
            (site / page).write_text(
                f'<html lang="en"><body data-pagefind-body><h1>Page {number}</h1><p>word{number}</p></body></html>'
            )
            # Only parts whose pages are all written, one Pagefind at a time: the first from the sixth page on.
            assert indexer.started <= number // 5 and (indexer.started >= 1) == (number >= 5), number
            if number == 5:  # beside the writing, Pagefind has the lowest priority: the writing goes first
                assert indexer.running is not None
                assert os.getpriority(os.PRIO_PROCESS, indexer.running[0].pid) == 19
        indexer.finish()
    finally:
        indexer.stop()
    parts = bundle_parts(site)
    assert list(parts) == ["", "part-2/", "part-3/"]
    urls = [sorted(record["url"] for record in records) for records in parts.values()]
    assert urls == [[f"/p{n:02}/" for n in part] for part in (range(5), range(5, 10), range(10, 12))]
    assert not list(site.glob(".pagefind-part*"))


def test_part_size_must_be_positive(example_project) -> None:
    run = example_project.run("build", "-f", plugin_options(example_project, search_part_pages=0))
    assert run.code == 2, run.stderr
    assert "option 'search_part_pages': Expected a whole number of at least 1" in run.stderr
    assert "Traceback" not in run.stderr


def test_policy_allows_webassembly_and_nothing_broader(example_site: Path) -> None:
    policy = site_policy(example_site)
    script_src = next(d for d in policy.split("; ") if d.startswith("script-src "))
    assert "'wasm-unsafe-eval'" in script_src
    assert "'unsafe-eval'" not in policy and "'unsafe-inline'" not in script_src
    # The search is a script file of the site, not an inline script.
    assert '<script src="../../assets/search.js"></script>' in (example_site / BRIEFING / "index.html").read_text()


@pytest.fixture(scope="module")
def browser():
    with chromium() as browser:
        yield browser


def _search(page: object, term: str) -> None:
    box = page.locator("#brief-search-input")
    box.fill("")
    box.press_sequentially(term, delay=20)


@pytest.mark.browser
@pytest.mark.parametrize("policy_as", ["header", "meta"])
def test_reader_searches_filters_and_reaches_an_event(example_site: Path, browser, policy_as: str) -> None:
    csp = site_policy(example_site) if policy_as == "header" else None
    with static_server(example_site, csp=csp) as base:
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        log = RequestLog(page)
        violations: list[str] = []
        page.on("console", lambda m: "Content Security Policy" in m.text and violations.append(m.text))
        page.goto(base + "briefings/", wait_until="networkidle")
        # "/" focuses the box from anywhere on the page.
        page.locator("body").press("/")
        assert page.evaluate("document.activeElement.id") == "brief-search-input"

        # An alias: the actor's page comes first.
        _search(page, "Sepah")
        first = page.locator(".brief-search__result .brief-search__title").first
        first.wait_for(timeout=20_000)
        assert "/actors/irgc/" in first.get_attribute("href")
        assert page.locator(".brief-search__result .tlp").first.inner_text() == "TLP:CLEAR"

        # A native-script name.
        _search(page, "پاسداران")
        page.wait_for_function(
            "() => [...document.querySelectorAll('.brief-search__title')].some(a => a.href.includes('/actors/irgc/'))",
            timeout=20_000,
        )

        # An event title: a sub-result leads to its anchor on the briefing page.
        _search(page, "Soleimani")
        sub = page.locator(f".brief-search__sub[href*='{BRIEFING}#event-']").first
        sub.wait_for(timeout=20_000)

        # A filter narrows the results, with counts in its options.
        kind = page.locator("select[data-filter='kind']")
        options = kind.locator("option").all_inner_texts()
        assert any(re.fullmatch(r"Briefings \(\d+\)", o) for o in options), options
        kind.select_option("actor")
        page.wait_for_function(
            "() => [...document.querySelectorAll('.brief-search__title')].every(a => a.href.includes('/actors/'))"
            " && document.querySelectorAll('.brief-search__title').length > 0",
            timeout=20_000,
        )
        kind.select_option("")
        sub = page.locator(f".brief-search__sub[href*='{BRIEFING}#event-']").first
        sub.wait_for(timeout=20_000)
        href = sub.get_attribute("href")
        anchor = href.split("#", 1)[1]

        # Keyboard: arrows reach the results, Enter follows one.
        page.locator("#brief-search-input").press("ArrowDown")
        assert page.evaluate("document.activeElement.classList.contains('brief-search__title')")
        page.locator("#brief-search-input").focus()
        sub.focus()
        page.keyboard.press("Enter")
        page.wait_for_url(f"**/{BRIEFING}#{anchor}")
        assert page.locator(f"[id='{anchor}']").count() == 1

        # Escape closes the panel.
        page.locator("body").press("/")
        _search(page, "Taeb")
        page.locator(".brief-search__title").first.wait_for(timeout=20_000)
        page.keyboard.press("Escape")
        assert page.locator(".brief-search__panel").is_hidden()

        assert not log.foreign(), log.foreign()
        assert not violations, violations
        assert any("/pagefind/" in url and url.endswith(".pf_fragment") for url in log.requests)
        page.close()


def _shown(page: object) -> dict:
    """What the search panel shows: the status line, every filter's options with counts, the result links."""
    return page.evaluate("""() => ({
        status: document.querySelector('.brief-search__status').textContent,
        filters: Object.fromEntries([...document.querySelectorAll('select[data-filter]')].map(
            s => [s.name, [...s.options].map(o => o.textContent)])),
        results: [...document.querySelectorAll('.brief-search__title')].map(a => new URL(a.href).pathname).sort(),
    })""")


def _search_and_read(page: object, term: str) -> dict:
    page.locator("#brief-search-input").fill("")  # clears the results (after the search's debounce)
    page.wait_for_function("() => !document.querySelector('.brief-search__results').children.length")
    _search(page, term)
    page.locator(".brief-search__title").first.wait_for(timeout=20_000)
    return _shown(page)


@pytest.mark.browser
def test_reader_searches_across_parts(parted_project, example_site: Path, browser) -> None:
    """The parts merge in the browser: the same results and filter counts as one index."""
    site = parted_project[0].site
    part_of = {record["url"]: name for name, records in bundle_parts(site).items() for record in records}
    # What the test searches for lies in the other parts: unmerged, none of it is found.
    assert part_of["/actors/irgc/"] and part_of[f"/{BRIEFING}"] and part_of["/actors/irgc/"] != part_of[f"/{BRIEFING}"]
    terms = ("Sepah", "Soleimani", "Iraq", "پاسداران")
    seen: dict[str, dict] = {}
    for name, folder in (("one", example_site), ("parts", site)):
        with static_server(folder, csp=site_policy(folder)) as base:
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            log = RequestLog(page)
            violations: list[str] = []
            page.on("console", lambda m, into=violations: "Content Security Policy" in m.text and into.append(m.text))
            page.goto(base + "briefings/", wait_until="networkidle")
            page.locator("body").press("/")  # loads the search: its filters show the whole site's counts
            page.locator("select[data-filter='kind'] option").nth(1).wait_for(state="attached", timeout=20_000)
            seen[name] = {"(all)": _shown(page)["filters"]}
            _search(page, "Sepah")
            first = page.locator(".brief-search__result .brief-search__title").first
            first.wait_for(timeout=20_000)
            assert "/actors/irgc/" in first.get_attribute("href")
            seen[name].update({term: _search_and_read(page, term) for term in terms})
            # A sub-result leads to its event on the briefing page.
            _search(page, "Soleimani")
            sub = page.locator(f".brief-search__sub[href*='{BRIEFING}#event-']").first
            sub.wait_for(timeout=20_000)
            anchor = sub.get_attribute("href").split("#", 1)[1]
            sub.click()
            page.wait_for_url(f"**/{BRIEFING}#{anchor}")
            assert page.locator(f"[id='{anchor}']").count() == 1
            assert not log.foreign(), log.foreign()
            assert not violations, violations
            parts_fetched = {url.split("/pagefind/", 1)[1].split("/", 1)[0] for url in log.requests
                             if "/pagefind/part-" in url and url.endswith(".pf_fragment")}
            if name == "parts":
                assert parts_fetched, "no result came from a part beyond the main bundle"
            page.close()
    for term in terms:
        one, parts = seen["one"][term], seen["parts"][term]
        assert parts["status"] == one["status"], term
        assert parts["filters"] == one["filters"], term
        if len(one["results"]) < 10:  # all shown: the same pages (the order may differ: see README)
            assert parts["results"] == one["results"], term
        # A filter's counts add up: each page has one kind.
        count = int(re.match(r"(\d+) results?", parts["status"]).group(1))
        kinds = [int(re.search(r"\((\d+)\)$", o).group(1)) for o in parts["filters"]["kind"][1:]]
        assert sum(kinds) == count, (term, parts)
    assert seen["parts"]["(all)"] == seen["one"]["(all)"]
    assert "Actors (13)" in seen["parts"]["(all)"]["kind"]  # actor pages are in all four parts
