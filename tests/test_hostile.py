"""Hostile content: every string is data. Built with the real MkDocs, opened in real Chromium."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml
from browser import RequestLog, chromium, static_server
from cases.hostile import payloads as P
from conftest import make_project
from htmlcheck import parse
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

URL_PAYLOAD = "https://example.org/\"><script>alert('url')</script>"


def probe_content() -> tuple[dict, list]:
    briefing = {
        "title": P.TEXT_FIELD,
        "as_of": "2021-07-13",
        "tags": ["probe"],
        "summary": P.MARKDOWN_FIELD,
        "key_judgments": [{"statement": P.TEXT_FIELD, "likelihood": "likely", "confidence": "low", "basis": ["e1"]}],
        "actors": {"probe-actor": P.TEXT_FIELD},
        "events": [
            {
                "id": "e1", "date": "2021-07-01", "date_note": P.TEXT_FIELD, "title": P.TEXT_FIELD,
                "type": "attack", "description": P.MARKDOWN_FIELD,
                "location": {"name": P.TEXT_FIELD, "country": "IQ"},
                "actors": ["probe-actor"], "sources": ["s1"],
            }
        ],
        "sources": [
            {"id": "s1", "kind": "news-report", "title": P.TEXT_FIELD, "publisher": P.TEXT_FIELD,
             "url": URL_PAYLOAD, "description": P.MARKDOWN_FIELD}
        ],
    }
    actors = [
        {"id": "probe-actor", "name": P.TEXT_FIELD, "short_name": P.SCRIPT, "kind": "other",
         "aliases": [P.IMG, P.SVG], "native_names": {"ar": P.SCRIPT}, "description": P.MARKDOWN_FIELD}
    ]
    return briefing, actors


@pytest.fixture(scope="module")
def probe(tmp_path_factory: pytest.TempPathFactory):
    project = make_project(tmp_path_factory.mktemp("hostile") / "project", content=None)
    briefing, actors = probe_content()
    project.write("content/briefings/probe.yaml", yaml.safe_dump(briefing, allow_unicode=True))
    project.write("content/actors/probe.yaml", yaml.safe_dump(actors, allow_unicode=True))
    run = project.run("build")
    assert run.code == 0, run.stderr
    return project, run


class _Elements(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict]] = []
        self.scripts: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list) -> None:
        self.elements.append((tag, dict(attrs)))
        self._in_script = tag in ("script", "style")

    def handle_endtag(self, tag: str) -> None:
        self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script:
            self.scripts.append(data)


def elements(path: Path) -> _Elements:
    parser = _Elements()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser


def test_no_live_markup_from_content(probe) -> None:
    project, _ = probe
    for path in project.site.rglob("*.html"):
        found = elements(path)
        for tag, attrs in found.elements:
            assert tag not in ("iframe", "object", "embed", "base"), (path, tag)
            for name, value in attrs.items():
                assert not name.startswith("on"), (path, tag, name, value)
                if name in ("href", "src", "action", "formaction", "xlink:href"):
                    value = (value or "").strip().lower()
                    assert not re.match(r"^(javascript|vbscript|data):", value), (path, tag, value)
                    assert not value.startswith("//"), (path, tag, value)
                    if name == "src":
                        assert not value.startswith(("http:", "https:")), (path, tag, value)
        for script in found.scripts:  # script and style element bodies
            assert "alert(" not in script and "display:none" not in script, path
        ids = [attrs["id"] for _, attrs in found.elements if attrs.get("id")]
        assert "pwn" not in ids and len(ids) == len(set(ids)), (path, ids)  # content makes no id
        assert not [t for t, a in found.elements if t == "b" or "admonition" in (a.get("class") or "")], path


def test_payloads_are_visible_as_typed(probe) -> None:
    project, _ = probe
    text = parse(project.site / "briefings" / "probe" / "index.html").text
    for shown in (
        "<script>alert('script')</script>", "<img src=x onerror=alert('img')>", "<svg onload=alert('svg')></svg>",
        "*bold* | cell | [x](javascript:alert('t'))", "--8<-- \"/etc/passwd\"", "{: onclick=\"alert('attr')\" }",
        "[js](javascript:alert('js1'))", "&lt;script&gt;alert('entity')&lt;/script&gt;",
    ):
        assert shown in text, shown
    assert "root:x:0:0" not in text  # no snippet was included
    html = (project.site / "briefings" / "probe" / "index.html").read_text()
    assert '<a class="brief-external" href="https://example.org/ok">ok</a>' in html
    # An external image never loads: it becomes a link to the image.
    assert '<a class="brief-external" href="https://tracker.example/pixel.png">remote</a>' in html
    assert "%3Cscript%3E" in html  # the hostile URL field is encoded, not markup


def test_inert_links_are_warned_with_file_and_line(probe) -> None:
    _, run = probe
    warnings = [line for line in run.stderr.splitlines() if "is not allowed (only http" in line]
    assert any(line.startswith("content/briefings/probe.yaml:") for line in warnings)
    assert any("javascript:alert('js1')" in line for line in warnings)
    assert any(line.startswith("content/actors/probe.yaml:") for line in warnings)
    for line in warnings:
        assert re.match(r"^content/(briefings|actors)/probe\.yaml:\d+:\d+: warning: ", line), line


def test_strict_build_fails_on_inert_links(probe) -> None:
    project, _ = probe
    assert project.run("build", "--strict").code == 1


def test_nothing_executes_in_chromium(probe) -> None:
    project, _ = probe
    with static_server(project.site) as base, chromium() as browser:
        page = browser.new_page()
        log = RequestLog(page)
        for path in ("briefings/probe/", "actors/probe-actor/", "chronology/", "", "briefings/"):
            page.goto(base + path, wait_until="networkidle")
            for link in page.locator("article a").all():
                href = link.get_attribute("href") or ""
                assert not href.lower().startswith(("javascript:", "data:", "vbscript:")), href
        page.goto(base + "briefings/probe/", wait_until="networkidle")
        page.wait_for_timeout(500)
        assert log.dialogs == []
        assert log.foreign() == []
        assert not [e for e in log.console_errors if "Content Security Policy" in e]


@pytest.mark.parametrize("url", ["javascript:alert(1)", "data:text/html,x", "ftp://example.org/x", "//evil.example"])
def test_url_field_with_other_scheme_is_an_error(tmp_path: Path, url: str) -> None:
    project = make_project(tmp_path / "project", content=None)
    briefing, actors = probe_content()
    briefing["sources"][0]["url"] = url
    project.write("content/briefings/probe.yaml", yaml.safe_dump(briefing, allow_unicode=True))
    project.write("content/actors/probe.yaml", yaml.safe_dump(actors, allow_unicode=True))
    run = project.run("check")
    assert run.code == 1
    assert "sources[0].url:" in run.stderr and "is not an http, https or mailto URL" in run.stderr


# -- random strings in every text field ----------------------------------------------------------

from briefing.generate import generate  # noqa: E402
from briefing.settings import Settings  # noqa: E402

text = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=60).filter(
    lambda s: s.strip() and "FILL IN" not in s
)


@pytest.fixture(scope="module")
def scratch(tmp_path_factory: pytest.TempPathFactory):
    return make_project(tmp_path_factory.mktemp("random") / "project", content=None)


def _markdown():
    import markdown

    return markdown.Markdown(extensions=["toc", "tables", "attr_list", "md_in_html", "admonition"])


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(title=text, summary=text, event_title=text, note=text, name=text, alias=text, description=text)
def test_random_strings_never_break_the_page(scratch, title, summary, event_title, note, name, alias, description) -> None:
    from briefing.markdown_field import relative_links

    # A relative link that leads nowhere is an error of its own (tests/test_links.py), not a broken page.
    assume(not relative_links(summary) and not relative_links(description))
    briefing = {
        "title": title, "as_of": "2021-07-13", "summary": summary,
        "actors": {"a": note},
        "events": [
            {"id": "e1", "date": "2021-07-01", "title": event_title, "type": "attack", "date_note": note,
             "description": description, "actors": ["a"], "sources": ["s"], "location": {"name": name}},
            {"id": "e2", "date": "2021-07-02", "title": title, "type": "attack", "sources": ["s"]},
        ],
        "sources": [{"id": "s", "kind": "anonymous", "title": name, "description": summary}],
    }
    actors = [{"id": "a", "name": name, "aliases": [alias], "kind": "other", "description": description}]
    scratch.write("content/briefings/random.yaml", yaml.safe_dump(briefing, allow_unicode=True))
    scratch.write("content/actors/actors.yaml", yaml.safe_dump(actors, allow_unicode=True))
    root = scratch.root
    settings_ = Settings(root, root / "content", root / "templates", root / "site_config" / "vocabularies.yaml")
    result = generate(settings_)
    assert not result.diagnostics.errors, result.diagnostics.format_text()
    html = _markdown().convert(result.pages["briefings/random.md"].split("---\n", 2)[2])
    assert len(re.findall(r"<h1", html)) == 1
    assert re.findall(r"<h2[^>]*>([^<]*)", html) == ["Summary", "Chronology", "Actors", "Sourcing notes", "Revisions"]
    assert re.findall(r'<h3 id="(event-e\d)"', html) == ["event-e1", "event-e2"]
    assert html.count('<div class="brief-event">') == 2
    assert len(re.findall(r"<tr>", html)) == 2  # the actors table: header + one actor
    assert not re.search(r"<(script|img|svg|iframe|style)\b", html)


@pytest.mark.parametrize("field", ["#", "# Fake section", "Fake\n===", "Fake\n---", "## Summary"])
def test_headings_in_markdown_fields_show_as_text(field: str) -> None:
    from briefing.render.text import markdown as safe_markdown

    html = _markdown().convert(safe_markdown(field))
    assert not re.search(r"<h[1-6]", html), html
    assert field.splitlines()[-1].strip() in html.replace("&#35;", "#").replace("&#61;", "=").replace("&#45;", "-")


def test_sanitizer_keeps_only_known_tags_attributes_and_style_properties() -> None:
    from briefing.site.output import sanitize

    timeline = '<span class="brief-tl-bar" style="--tl-start: 12.5%; --tl-width: 3%;"></span>'
    assert sanitize(timeline) == '<span class="brief-tl-bar" style="--tl-start:12.5%;--tl-width:3%"></span>'
    table = '<table><tr><th style="text-align: center;">a</th></tr></table>'
    assert 'style="text-align:center"' in sanitize(table)
    hostile = (
        '<span style="background: url(https://evil.example/x); position: fixed">x</span>'
        '<img src="x" onerror="alert(1)"><script>alert(2)</script><iframe src="https://evil.example/"></iframe>'
        '<a href="javascript:alert(3)">j</a><a href="https://example.org/">e</a><p style="color: red">p</p>'
    )
    clean = sanitize(hostile)
    for forbidden in ("url(", "position", "onerror", "<script", "alert(2)", "<iframe", "javascript:", "color"):
        assert forbidden not in clean
    assert '<a class="brief-external" href="https://example.org/">e</a>' in clean
