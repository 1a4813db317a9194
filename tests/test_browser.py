"""What a reader gets, in real headless Chromium (search: test_search.py): privacy, accessibility, phone, print.

The example site is built once and served from 127.0.0.1 by a plain static
server, with no network beyond it. Screenshots and a PDF land in
``tests/output/`` to be looked at.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from browser import RequestLog, chromium, static_server
from conftest import ROOT

OUTPUT = ROOT / "tests" / "output"
AXE = ROOT / "tests" / ".npm" / "node_modules" / "axe-core" / "axe.min.js"
BRIEFING = "briefings/irgc-taeb-baghdad-meeting/"
PAGES = {
    "home": "",
    "briefings": "briefings/",
    "briefing": BRIEFING,
    "actor": "actors/irgc/",
    "actors": "actors/",
    "chronology": "chronology/",
    "tags": "tags/",
}

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def browser():
    with chromium() as browser:
        yield browser


@pytest.fixture(scope="module")
def served(example_site: Path, browser):
    with static_server(example_site) as base:
        yield base, browser


def test_no_request_leaves_this_machine(served) -> None:
    base, browser = served
    page = browser.new_page()
    log = RequestLog(page)
    for path in PAGES.values():
        page.goto(base + path, wait_until="networkidle")
    assert log.requests, "the pages made no requests at all?"
    assert log.foreign() == []
    assert not [e for e in log.console_errors if "Content Security Policy" in e or "Refused" in e]


def _axe(page) -> list[dict]:
    page.evaluate(AXE.read_text(encoding="utf-8"))
    result = page.evaluate(
        """async () => await axe.run(document, {
            runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']},
            resultTypes: ['violations']})"""
    )
    return [v for v in result["violations"] if v["impact"] in ("serious", "critical")]


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_axe_finds_no_serious_violations(served, scheme: str) -> None:
    if not AXE.exists():
        if os.environ.get("BRIEFING_REQUIRE_BROWSER"):
            pytest.fail(f"axe-core missing at {AXE}: `make test` installs it with npm")
        pytest.skip("axe-core not installed (npm install axe-core into tests/.npm)")
    base, browser = served
    context = browser.new_context(bypass_csp=True, color_scheme=scheme)
    page = context.new_page()
    problems = {}
    for name in ("home", "briefings", "briefing", "actor", "chronology"):
        page.goto(base + PAGES[name], wait_until="networkidle")
        violations = _axe(page)
        if violations:
            problems[name] = [
                (v["id"], v["impact"], [n["target"] for n in v["nodes"][:3]]) for v in violations
            ]
    # The search panel open, with results and filters.
    page.locator("body").press("/")
    page.locator("#brief-search-input").press_sequentially("Iraq", delay=10)
    page.locator(".brief-search__title").first.wait_for(timeout=20_000)
    violations = _axe(page)
    if violations:
        problems["search"] = [(v["id"], v["impact"], [n["target"] for n in v["nodes"][:3]]) for v in violations]
    context.close()
    assert problems == {}, json.dumps(problems, indent=1)


@pytest.mark.parametrize("name", list(PAGES))
def test_phone_layout_has_no_sideways_scroll(served, name: str) -> None:
    base, browser = served
    page = browser.new_page(viewport={"width": 375, "height": 800}, device_scale_factor=1)
    page.goto(base + PAGES[name], wait_until="networkidle")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 375, f"{name}: page is {width}px wide at 375px"
    # Wide tables scroll inside their own box.
    for table in page.locator(".md-typeset__table").all():
        assert table.evaluate("e => getComputedStyle(e).overflowX") in ("auto", "scroll")


def test_print_shows_marking_on_every_page_and_hides_navigation(served) -> None:
    base, browser = served
    page = browser.new_page()
    page.goto(base + BRIEFING, wait_until="networkidle")
    page.emulate_media(media="print")
    style = lambda selector, prop: page.locator(selector).first.evaluate(  # noqa: E731
        f"e => getComputedStyle(e).{prop}"
    )
    for hidden in (".md-header", ".md-sidebar--primary", ".md-sidebar--secondary", ".md-footer", ".brief-search"):
        assert style(hidden, "display") == "none", hidden
    assert style(".brief-event", "breakInside") == "avoid"
    assert style(".brief-source", "breakInside") == "avoid"
    assert style("article h3", "breakAfter") == "avoid"  # a heading never ends a page
    # External links show their target on paper.
    page.goto(base + "briefings/irgc-taeb-baghdad-meeting/", wait_until="networkidle")
    OUTPUT.mkdir(parents=True, exist_ok=True)
    pdf = OUTPUT / "briefing.pdf"
    page.pdf(path=str(pdf), format="A4", print_background=True)
    pypdf = pytest.importorskip("pypdf")
    pages = [p.extract_text() for p in pypdf.PdfReader(str(pdf)).pages]
    assert len(pages) >= 3
    for number, text in enumerate(pages, 1):
        # The top and bottom margins each carry the label, on a line of its own.
        labels = [line for line in text.splitlines() if line.strip() == "TLP:CLEAR"]
        assert len(labels) >= 2, f"page {number} lacks its marking: {text[:200]!r}"
    assert "Navigation" not in pages[0] and "Search" not in pages[0]
    # No event is split from its date: an event's title and date line print on the same page.
    for title, date in (("US air strikes on three targets", "c. 29 June 2021 · Air strike"),
                        ("Two rockets fired at the US embassy", "c. 1 July 2021 – 13 July 2021 · Rocket attack")):
        assert any(title in text and date in text for text in pages), title


def test_external_link_targets_print(browser, tmp_path: Path) -> None:
    from conftest import make_project

    project = make_project(tmp_path / "project")
    path = project.content / "briefings" / "irgc-taeb-baghdad-meeting.yaml"
    path.write_text(path.read_text().replace("summary: |\n", "summary: |\n  See [the agency](https://www.reuters.com/).\n", 1))
    assert project.run("build").code == 0
    with static_server(project.site) as base:
        page = browser.new_page()
        page.goto(base + BRIEFING, wait_until="networkidle")
        page.emulate_media(media="print")
        link = page.locator("a.brief-external").first
        assert link.evaluate("e => getComputedStyle(e, '::after').content") == '" <https://www.reuters.com/>"'


def test_timeline_links_to_its_event(served) -> None:
    base, browser = served
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(base + BRIEFING, wait_until="networkidle")
    rows = page.locator(".brief-timeline .brief-tl-link")
    assert rows.count() == 11
    fuzzy = page.locator(".brief-timeline .brief-tl-fuzzy")
    assert fuzzy.count() >= 6  # the relative dates are ranges or approximate
    rows.nth(4).click()
    page.wait_for_function("location.hash.startsWith('#event-')")
    target = page.evaluate("location.hash")
    assert page.locator(target).is_visible()


def test_right_to_left_names(served) -> None:
    base, browser = served
    page = browser.new_page()
    page.goto(base + "actors/irgc/", wait_until="networkidle")
    span = page.locator("span[lang='fa']").first
    assert span.evaluate("e => getComputedStyle(e).direction") == "rtl"
    assert span.inner_text() == "سپاه پاسداران انقلاب اسلامی"


def test_screenshots(served) -> None:
    base, browser = served
    OUTPUT.mkdir(parents=True, exist_ok=True)
    for viewport, suffix in (({"width": 1280, "height": 1600}, "desktop"), ({"width": 375, "height": 1400}, "phone")):
        page = browser.new_page(viewport=viewport)
        for name in ("briefing", "chronology", "actor"):
            page.goto(base + PAGES[name], wait_until="networkidle")
            path = OUTPUT / f"{name}-{suffix}.png"
            page.screenshot(path=str(path))
            assert path.stat().st_size > 20_000
        page.close()
