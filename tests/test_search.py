"""The site's search: the Pagefind bundle the build writes, and a reader using it in Chromium.

The browser tests serve the example site with its Content-Security-Policy as an
HTTP header (which, unlike the ``<meta>`` tag, also covers Pagefind's worker),
and with the meta tag alone; no request may leave the machine.
"""

from __future__ import annotations

import gzip
import json
import re
from pathlib import Path

import pytest
from browser import RequestLog, chromium, static_server

BRIEFING = "briefings/irgc-taeb-baghdad-meeting/"


def fragments(site: Path) -> list[dict]:
    """Every page record of the bundle (Pagefind's fragments are gzip-compressed JSON)."""
    out = []
    for path in sorted((site / "pagefind" / "fragment").glob("*.pf_fragment")):
        data = gzip.decompress(path.read_bytes())
        out.append(json.loads(data[data.index(b"{"):]))  # after Pagefind's signature
    return out


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
