"""The example site, built with the real MkDocs + Material: what a reader gets."""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from conftest import GOLDEN, check_golden, tree_bytes
from htmlcheck import broken_links, parse

BRIEFING = "irgc-taeb-baghdad-meeting"


def briefing_page(site: Path):
    return parse(site / "briefings" / BRIEFING / "index.html")


def test_sections_in_contract_order(example_site: Path) -> None:
    page = briefing_page(example_site)
    h1 = [text for tag, text in page.headings if tag == "h1"]
    assert h1 == ["IRGC intelligence chief urges Iraqi militias to step up attacks on US targets"]
    h2 = [text for tag, text in page.headings if tag == "h2"]
    assert h2 == ["Summary", "Key judgments", "Chronology", "Actors", "Sourcing notes", "Revisions"]


def test_metadata_and_marking(example_site: Path) -> None:
    text = briefing_page(example_site).text
    assert "Marking: TLP:CLEAR" in text
    assert "As of: 13 July 2021" in text
    assert "Regions: Iraq, Syria, Iran" in text
    html = (example_site / "briefings" / BRIEFING / "index.html").read_text()
    assert 'class="tlp-banner tlp-banner--clear"' in html


def test_chronology_anchors_dates_and_order(example_site: Path) -> None:
    page = briefing_page(example_site)
    events = [i for i in page.ids if i.startswith("event-")]
    assert {"event-taeb-meeting", "event-us-air-strikes-syria-iraq", "event-al-omar-shelling"} <= set(events)
    html = (example_site / "briefings" / BRIEFING / "index.html").read_text()
    order = re.findall(r'id="(event-[a-z0-9-]+)"', html)
    assert order.index("event-soleimani-killing") < order.index("event-us-air-strikes-syria-iraq")
    assert order.index("event-us-air-strikes-syria-iraq") < order.index("event-al-omar-shelling")
    assert order.index("event-al-omar-shelling") < order.index("event-taeb-meeting")
    text = page.text
    assert "c. 29 June 2021 · Air strike" in text
    assert "5–11 July 2021 · Meeting · Baghdad, Iraq" in text
    assert "Date: Reported as \"last week\"" in text
    assert "Casualties: 0 killed, 0 injured" in text


def test_sourcing_notes(example_site: Path) -> None:
    page = briefing_page(example_site)
    text = page.text
    assert "source-militia-sources" in page.ids
    assert "Reached us: Three Iraqi militia sources (anonymous), via Reuters" in text
    assert "Grade: F2: reliability cannot be judged; information probably true" in text
    assert "Grade: B2: usually reliable source; information probably true" in text
    # The assessment is computed: every event here reaches us through the one Reuters report.
    # 10 of the 11 events cite one source each; the Taeb meeting cites two.
    assert "Of 11 events: 10 rest on a single source" in text
    assert "11 rest on a single outlet" in text
    assert "0 have no source" in text
    # ...which is said once, and each event that needs attention is named once, under its weakest point.
    html = (example_site / "briefings" / BRIEFING / "index.html").read_text()
    notes = html[html.index('class="brief-assessment"'):html.index('class="brief-source"')]
    assert "All 11 events share this weak point: a single outlet" in parse_text(notes)
    named = re.findall(r'href="#event-([a-z0-9-]+)"', notes)
    assert named and len(named) == len(set(named))
    assert re.search(r"Anonymous sources only</strong> \(4\)", notes)
    assert notes.index("Anonymous sources only") < notes.index("A single source")
    # "Reached us" only where a via chain exists: not for the Reuters report itself.
    reuters = text[text.index("Reuters report of 13 July 2021 ¶"):text.index("Three Iraqi militia sources ¶")]
    assert "Reached us" not in reuters
    # The photo caption describes the earlier strikes and supports nothing.
    photo = text[text.index("Reached us: Satellite photo of the Iraq-Syria border (caption), via Reuters") :]
    assert "after US air strikes on February 26, 2021" in photo
    assert "an earlier round of US strikes, not the events described in the text" in photo
    assert "Supports: no event" in photo


def parse_text(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def test_grades_beside_the_claims(example_site: Path) -> None:
    html = (example_site / "briefings" / BRIEFING / "index.html").read_text()
    meeting = html[html.index('id="event-taeb-meeting"'):]
    meeting = meeting[:meeting.index("</div>")]
    assert re.search(
        r'<a href="#source-militia-sources">Three Iraqi militia sources</a> · '
        r'<abbr class="brief-grade" title="reliability cannot be judged; information probably true">F2</abbr>',
        meeting,
    )


def test_key_judgments(example_site: Path) -> None:
    text = briefing_page(example_site).text
    assert "Likely (55–80%), moderate confidence" in text
    assert "Roughly even chance (45–55%), low confidence" in text


def test_every_internal_link_resolves(example_site: Path) -> None:
    assert broken_links(example_site) == []


def test_no_third_party_resources(example_site: Path) -> None:
    for path in example_site.rglob("*.html"):
        for url in parse(path).resources:
            assert not re.match(r"^(https?:)?//", url), f"{path}: {url}"
    css = "\n".join(p.read_text(errors="replace") for p in example_site.rglob("*.css"))
    assert "fonts.googleapis" not in css and "fonts.gstatic" not in css


def test_search_index(example_site: Path) -> None:
    from test_search import fragments

    docs = {d["url"]: d for d in fragments(example_site)}
    briefing = docs[f"/briefings/{BRIEFING}/"]
    anchors = {a["id"]: a["text"] for a in briefing["anchors"]}
    assert "Hossein Taeb meets Iraqi militia leaders" in anchors["event-taeb-meeting"]
    assert "Sepah" in docs["/actors/irgc/"]["content"]


def test_nav_lists_index_pages_only(example_site: Path) -> None:
    html = (example_site / "briefings" / BRIEFING / "index.html").read_text()
    nav = html[html.index('<nav class="md-nav md-nav--primary') :]
    nav = nav[: nav.index("md-nav--secondary")]
    assert "chronology/" in nav
    assert "actors/irgc/" not in nav and f"briefings/{BRIEFING}/" not in nav


def test_render_matches_golden_markdown(example_project, update_goldens: bool) -> None:
    run = example_project.run("render", "--out", "rendered")
    assert run.code == 0, run.stderr
    out = example_project.root / "rendered"
    produced = sorted(str(p.relative_to(out)) for p in out.rglob("*.md"))
    golden = GOLDEN / "example"
    if not update_goldens:
        assert produced == sorted(str(p.relative_to(golden)) for p in golden.rglob("*.md"))
    for name in produced:
        check_golden(golden / name, (out / name).read_text(encoding="utf-8"), update_goldens)


def test_builds_are_byte_identical(example_project, tmp_path: Path) -> None:
    first = example_project.run("build", "--site-dir", str(tmp_path / "one"))
    assert first.code == 0, first.stderr
    time.sleep(1.1)  # a different wall-clock second must not change a byte
    second = example_project.run("build", "--site-dir", str(tmp_path / "two"))
    assert second.code == 0, second.stderr
    assert tree_bytes(tmp_path / "one") == tree_bytes(tmp_path / "two")


def test_mkdocs_build_gives_the_same_site(example_project, tmp_path: Path) -> None:
    ours = example_project.run("build", "--site-dir", str(tmp_path / "ours"))
    assert ours.code == 0, ours.stderr
    env = {k: v for k, v in os.environ.items() if k != "SOURCE_DATE_EPOCH"}
    theirs = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "-q", "--site-dir", str(tmp_path / "theirs")],
        cwd=example_project.root, capture_output=True, text=True, env=env,
    )
    assert theirs.returncode == 0, theirs.stderr
    assert tree_bytes(tmp_path / "ours") == tree_bytes(tmp_path / "theirs")


def test_failed_build_leaves_previous_site_untouched(example_project) -> None:
    assert example_project.run("build").code == 0
    before = tree_bytes(example_project.site)
    path = example_project.content / "briefings" / f"{BRIEFING}.yaml"
    path.write_text(path.read_text().replace("type: meeting", "type: meetingg", 1))
    run = example_project.run("build")
    assert run.code == 1
    assert "unknown event type 'meetingg' (did you mean 'meeting'?)" in run.stderr
    assert "Traceback" not in run.stderr
    assert tree_bytes(example_project.site) == before
    assert sorted(p.name for p in example_project.root.iterdir() if p.name.startswith(".site")) == []


def test_broken_internal_link_fails_the_build(example_project) -> None:
    assert example_project.run("build").code == 0
    before = tree_bytes(example_project.site)
    path = example_project.content / "briefings" / f"{BRIEFING}.yaml"
    path.write_text(path.read_text().replace("summary: |\n", "summary: |\n  See [the method](../no-such-page.md).\n", 1))
    run = example_project.run("build")
    assert run.code == 1, run.stderr
    assert "no-such-page.md" in run.stderr
    assert tree_bytes(example_project.site) == before


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url: str) -> str:
    with urllib.request.urlopen(url, timeout=5) as response:
        return response.read().decode()


def _wait_for(predicate, timeout: float = 90) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if predicate():
                return True
        except OSError:
            pass
        time.sleep(0.5)
    return False


def _bundle_has(port: int, text: str) -> bool:
    """Whether the served search bundle holds ``text`` in the page records it lists."""
    import gzip
    import urllib.request

    base = f"http://127.0.0.1:{port}/pagefind/"
    entry = json.loads(_get(base + "pagefind-entry.json"))
    meta = entry["languages"]["en"]["hash"]
    with urllib.request.urlopen(f"{base}pagefind.{meta}.pf_meta", timeout=10) as response:
        listing = gzip.decompress(response.read())
    for hash_ in set(re.findall(rb"en_[0-9a-f]+", listing)):
        try:
            with urllib.request.urlopen(f"{base}fragment/{hash_.decode()}.pf_fragment", timeout=10) as response:
                if text.encode() in gzip.decompress(response.read()):
                    return True
        except OSError:
            continue
    return False


@pytest.mark.parametrize(
    ("command", "edit"), [("briefing", "yaml"), ("briefing", "template"), ("mkdocs", "yaml")]
)
def test_serve_rebuilds_when_content_or_templates_change(example_project, command: str, edit: str) -> None:
    # `briefing serve`, and plain `mkdocs serve` through the same plugin.
    port = _free_port()
    url = f"http://127.0.0.1:{port}/briefings/{BRIEFING}/"
    server = subprocess.Popen(
        [sys.executable, "-m", command, "serve", "--dev-addr", f"127.0.0.1:{port}"],
        cwd=example_project.root, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
    )
    try:
        assert _wait_for(lambda: "Taeb" in _get(url)), "serve did not come up"
        if edit == "yaml":
            path = example_project.content / "briefings" / f"{BRIEFING}.yaml"
            path.write_text(path.read_text().replace("title: IRGC intelligence chief", "title: EDITED intelligence chief", 1))
            marker = "EDITED intelligence chief"
        else:
            path = example_project.root / "templates" / "briefing.md.j2"
            path.write_text(path.read_text().replace("## Summary", "## Summary of events"))
            marker = "Summary of events"
        assert _wait_for(lambda: marker in _get(url)), "serve did not rebuild"
        # Re-indexed after the rebuild: the search bundle knows the edit.
        entry = json.loads(_get(f"http://127.0.0.1:{port}/pagefind/pagefind-entry.json"))
        assert entry["languages"]["en"]["page_count"] > 0
        if edit == "yaml":
            assert _wait_for(lambda: _bundle_has(port, marker)), "search not re-indexed after the rebuild"
    finally:
        server.terminate()
        server.wait(timeout=30)
