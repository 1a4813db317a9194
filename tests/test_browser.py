"""What a reader gets, in real headless Chromium (search: test_search.py): privacy, accessibility, phone, print.

The example site is built once and served from 127.0.0.1 by a plain static
server, with no network beyond it. Screenshots and a PDF land in
``tests/output/`` to be looked at.
"""

from __future__ import annotations

import itertools
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
    "chronology": "chronology/2021/",
    "chronology-overview": "chronology/",
    "tags": "tags/",
    "data": "data/",
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
    assert style(".brief-map", "display") != "none" and style(".brief-map", "breakInside") == "avoid"
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
    # The map prints, with its attribution, under the marking of its page.
    assert any("Basemap: Natural Earth" in text for text in pages)
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
    # Three looks: days are dots, periods bars; uncertain or approximate dates (either) hatched.
    assert page.locator(".brief-tl-rows .brief-tl-point").count() == 3
    assert page.locator(".brief-tl-rows .brief-tl-range").count() == 8
    assert page.locator(".brief-tl-rows .brief-tl-fuzzy").count() == 5
    looks = {
        cls: page.locator(f".brief-tl-rows .brief-tl-bar.{cls}").first.evaluate(
            "e => [getComputedStyle(e).backgroundImage, getComputedStyle(e).borderRadius, getComputedStyle(e).borderStyle]"
        )
        for cls in ("brief-tl-point:not(.brief-tl-fuzzy)", "brief-tl-range:not(.brief-tl-fuzzy)", "brief-tl-range.brief-tl-fuzzy")
    }
    assert len({json.dumps(v) for v in looks.values()}) == 3, looks
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
        # The briefing's chronology: timeline and map, for the README.
        page.goto(base + BRIEFING, wait_until="networkidle")
        top = page.locator("h2#chronology").bounding_box()
        bottom = page.locator(".brief-map").first.bounding_box()
        assert top and bottom
        page.set_viewport_size({"width": viewport["width"], "height": int(bottom["y"] + bottom["height"] + 40)})
        path = OUTPUT / f"briefing-chronology-{suffix}.png"
        clip = {"x": 0, "y": top["y"] - 10, "width": viewport["width"], "height": bottom["y"] + bottom["height"] - top["y"] + 30}
        page.screenshot(path=str(path), clip=clip, full_page=True)
        assert path.stat().st_size > 20_000
        page.close()


def _example_events() -> dict[str, dict]:
    import yaml

    source = ROOT / "content" / "briefings" / "irgc-taeb-baghdad-meeting.yaml"
    return {e["id"]: e for e in yaml.safe_load(source.read_text(encoding="utf-8"))["events"]}


def test_map_markers_link_to_their_events_at_their_coordinates(served) -> None:
    base, browser = served
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    log = RequestLog(page)
    page.goto(base + BRIEFING, wait_until="networkidle")
    order = page.eval_on_selector_all(".brief-event h3", "hs => hs.map(h => h.id)")
    markers = page.eval_on_selector_all(
        ".brief-map-marker",
        """ms => ms.map(m => ({href: m.getAttribute('href'), number: m.querySelector('text').textContent,
                              title: m.querySelector('title').textContent,
                              x: +m.querySelector('.brief-map-at').getAttribute('cx'),
                              y: +m.querySelector('.brief-map-at').getAttribute('cy')}))""",
    )
    events = _example_events()
    located = {e for e, v in events.items() if v.get("location", {}).get("lat") is not None}
    assert {m["href"][len("#event-"):] for m in markers} >= located
    for marker in markers:  # the number is the event's place in the chronology, and its link
        assert marker["href"] == "#" + order[int(marker["number"]) - 1]
        assert events[marker["href"][len("#event-"):]]["title"] in marker["title"]
    # Positions follow the YAML coordinates: one linear map from lon/lat to x/y fits every marker.
    points = [(events[m["href"][7:]]["location"], m) for m in markers if m["href"][7:] in located]
    (a, ma), (b, mb) = min(points, key=lambda p: p[0]["lon"]), max(points, key=lambda p: p[0]["lon"])
    sx = (mb["x"] - ma["x"]) / (b["lon"] - a["lon"])
    (c, mc), (d, md) = min(points, key=lambda p: p[0]["lat"]), max(points, key=lambda p: p[0]["lat"])
    sy = (md["y"] - mc["y"]) / (d["lat"] - c["lat"])
    assert sx > 0 and sy < 0  # east is right, north is up
    for where, marker in points:
        assert abs(ma["x"] + (where["lon"] - a["lon"]) * sx - marker["x"]) < 1
        assert abs(mc["y"] + (where["lat"] - c["lat"]) * sy - marker["y"]) < 1
    # Each place lies inside its own country's shape, and not inside a neighbour's.
    inside = """([iso, x, y]) => {
        const shape = document.querySelector('.brief-map-c-' + iso);
        return shape.isPointInFill(new DOMPoint(x, y));
    }"""
    for where, marker in points:
        assert page.evaluate(inside, [where["country"], marker["x"], marker["y"]]), where
        other = "SY" if where["country"] == "IQ" else "IQ"
        assert not page.evaluate(inside, [other, marker["x"], marker["y"]]), where
    # A click on a marker goes to its event.
    page.locator(".brief-map-marker[href='#event-al-omar-shelling'] .brief-map-pin").click()
    page.wait_for_function("location.hash === '#event-al-omar-shelling'")
    assert page.locator("#event-al-omar-shelling").is_visible()
    assert log.foreign() == []


@pytest.mark.parametrize("name", ["actor", "chronology"])
def test_map_markers_on_actor_and_chronology_pages_reach_the_briefing(served, name: str) -> None:
    base, browser = served
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    log = RequestLog(page)
    # 2020's events all come from BRIEFING.
    page.goto(base + (PAGES[name] if name != "chronology" else "chronology/2020/"), wait_until="networkidle")
    marker = page.locator(".brief-map-marker").first
    href = marker.get_attribute("href")
    marker.locator(".brief-map-pin").click()
    page.wait_for_url("**/" + BRIEFING + "#" + href.split("#")[1])
    assert page.locator("#" + href.split("#")[1]).is_visible()
    assert log.foreign() == []


@pytest.mark.parametrize("width", [375, 1280])
def test_timeline_labels_fit_and_dense_days_stay_apart(served, width: int) -> None:
    """The broken axis: 2020's outlier does not squeeze July 2021; no tick label overlaps or is cut."""
    base, browser = served
    page = browser.new_page(viewport={"width": width, "height": 1000})
    OUTPUT.mkdir(parents=True, exist_ok=True)
    for name in ("briefing", "chronology"):
        page.goto(base + PAGES[name], wait_until="networkidle")
        for timeline in page.locator(".brief-timeline").all():
            axis = timeline.locator(".brief-tl-axis").bounding_box()
            ticks = [t.bounding_box() for t in timeline.locator(".brief-tl-tick").all()]
            assert ticks
            for tick in ticks:
                assert axis["x"] - 0.5 <= tick["x"] and tick["x"] + tick["width"] <= axis["x"] + axis["width"] + 0.5
            for a, b in itertools.pairwise(ticks):
                assert a["x"] + a["width"] <= b["x"], (a, b)
            assert timeline.locator(".brief-tl-tick").evaluate_all(
                "ts => ts.every(t => t.scrollWidth <= t.clientWidth + 1)"
            )
        page.locator(".brief-timeline").first.screenshot(path=str(OUTPUT / f"timeline-{name}-{width}.png"))
    page.goto(base + BRIEFING, wait_until="networkidle")
    # Where each event starts on the axis: a dot's centre, a bar's left edge.
    starts = page.eval_on_selector_all(
        ".brief-tl-rows .brief-tl-row",
        """rows => rows.map(r => {
            const bar = r.querySelector('.brief-tl-bar').getBoundingClientRect();
            const point = r.querySelector('.brief-tl-point') !== null;
            return {date: r.querySelector('.brief-tl-date').textContent, x: point ? bar.x + bar.width / 2 : bar.x};
        })""",
    )
    dense = sorted({round(s["x"], 1) for s in starts if "2021" in s["date"] and "2020" not in s["date"]})
    assert len(dense) == 4  # c. 29 June, c. 30 June, c. 1 July, 5 July
    gaps = [b - a for a, b in itertools.pairwise(dense)]
    assert min(gaps) >= 20, (width, dense)


def test_date_notes_read_at_body_size_and_index_pages_use_the_column(served) -> None:
    base, browser = served
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(base + BRIEFING, wait_until="networkidle")
    size = lambda selector: page.locator(selector).first.evaluate("e => getComputedStyle(e).fontSize")  # noqa: E731
    assert size(".brief-date-note") == size(".md-typeset p")
    for name in ("briefing", "actors", "chronology", "chronology-overview", "briefings", "tags"):
        page.goto(base + PAGES[name], wait_until="networkidle")
        # No left navigation that would only repeat the tabs: the content starts at the left margin.
        assert not page.locator(".md-sidebar--primary").is_visible(), name
        assert page.locator(".md-content").bounding_box()["x"] < 100, name
