"""Bidi controls and zero-width characters: no field can reorder another.

Every plain value with a character that can change direction is printed inside
``<bdi>`` with its explicit controls balanced; Markdown fields are balanced line
by line (each paragraph is its own bidi paragraph); page titles lose their
explicit controls (``<title>`` and the navigation cannot hold ``<bdi>``).
"""

from __future__ import annotations

import unicodedata
from html.parser import HTMLParser
from pathlib import Path

import markdown as python_markdown
import pytest
import yaml
from conftest import make_project
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_markdown_fields import EXTENSION_CONFIGS, EXTENSIONS

from briefing.bidi import CONTROLS, MAX_DEPTH, PDF, PDI, balance, needs_isolation, strip
from briefing.generate import generate
from briefing.render.text import plain
from briefing.settings import Settings

RLO, LRE, RLE, LRO, LRI, RLI, FSI = "\u202e", "\u202a", "\u202b", "\u202d", "\u2066", "\u2067", "\u2068"
ZERO_WIDTH = "\u200b\u200c\u200d\u2060\ufeff\u200e\u200f\u061c"
DIRECTIONAL_CLASSES = {"R", "AL", "AN", "LRE", "RLE", "LRO", "RLO", "PDF", "LRI", "RLI", "FSI", "PDI"}


def unbalanced(text: str) -> list[str]:
    """What a browser's bidi algorithm would leave open at the end of ``text``, or close in vain."""
    stack: list[str] = []
    problems = []
    for char in text:
        if char in (LRE, RLE, LRO, RLO, LRI, RLI, FSI):
            stack.append(char)
        elif char == PDF:
            if stack and stack[-1] not in (LRI, RLI, FSI):
                stack.pop()
            else:
                problems.append("unmatched PDF")
        elif char == PDI:
            if any(c in (LRI, RLI, FSI) for c in stack):
                while stack.pop() not in (LRI, RLI, FSI):
                    pass
            else:
                problems.append("unmatched PDI")
    return problems + [f"open U+{ord(c):04X}" for c in stack]


bidi_text = st.text(alphabet=st.sampled_from(list(CONTROLS + ZERO_WIDTH) + ["a", " ", "\u05d0", "\u0627", "1", "-"]), max_size=40)


@settings(max_examples=500)
@given(text=bidi_text)
def test_balance_closes_everything_and_keeps_the_text(text: str) -> None:
    balanced = balance(text)
    assert unbalanced(balanced) == []
    assert balance(balanced) == balanced
    # Only controls are dropped or added; every other character stays, in order.
    assert [c for c in balanced if c not in CONTROLS] == [c for c in text if c not in CONTROLS]
    if not unbalanced(text) and text.count(RLO) + text.count(FSI) < MAX_DEPTH // 2:
        assert balanced == text  # already balanced (and shallow): unchanged


def test_needs_isolation_covers_every_directional_character() -> None:
    for code in range(0x110000):
        char = chr(code)
        if unicodedata.bidirectional(char) in DIRECTIONAL_CLASSES:
            assert needs_isolation("x" + char), hex(code)


@settings(max_examples=300)
@given(text=st.text(max_size=30) | bidi_text)
def test_plain_values_are_isolated_and_balanced(text: str) -> None:
    out = plain(text)
    if needs_isolation(" ".join(text.split())):
        assert out.startswith("<bdi>") and out.endswith("</bdi>")
        assert unbalanced(out) == []
    else:
        assert "<bdi>" not in out


def test_title_override_does_not_reach_the_next_field() -> None:
    out = plain("Attack" + RLO + " on base")
    assert out == "<bdi>Attack" + RLO + " on base" + PDF + "</bdi>"
    assert strip("Attack" + RLO + " on" + FSI + " base") == "Attack on base"


# -- pages: every field of a briefing, actor and source ---------------------------------------------


class _Isolation(HTMLParser):
    """Checks a page: text outside <bdi> in event lines, headings, table cells and meta lines
    has no directional character; every <bdi> and every block is balanced."""

    BLOCKS = frozenset({"p", "li", "td", "th", "h1", "h2", "h3", "h4", "div", "dd", "dt", "title", "a", "span", "time"})
    STRICT = frozenset({"h1", "h3", "td", "time"})  # lines built by templates from several fields

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, list[str], bool]] = []  # (tag, text outside bdi, strict)
        self.bdi: list[list[str]] = []
        self.problems: list[str] = []

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag == "bdi":
            self.bdi.append([])
            return
        if tag in self.BLOCKS:
            classes = dict(attrs).get("class") or ""
            strict = tag in self.STRICT or "brief-event-when" in classes or "brief-tl-label" in classes
            inherited = any(s for _, _, s in self.stack)
            self.stack.append((tag, [], strict or inherited))

    def handle_endtag(self, tag: str) -> None:
        if tag == "bdi" and self.bdi:
            text = "".join(self.bdi.pop())
            if unbalanced(text):
                self.problems.append(f"<bdi> not balanced: {text!r}")
            return
        if self.stack and self.stack[-1][0] == tag:
            _, parts, strict = self.stack.pop()
            text = "".join(parts)
            if unbalanced(text):
                self.problems.append(f"<{tag}> not balanced: {text!r}")
            if strict and any(unicodedata.bidirectional(c) in DIRECTIONAL_CLASSES for c in text):
                self.problems.append(f"<{tag}> has directional text outside <bdi>: {text!r}")

    def handle_data(self, data: str) -> None:
        if self.bdi:
            self.bdi[-1].append(data)
        elif self.stack:
            self.stack[-1][1].append(data)


def isolation_problems(html: str) -> list[str]:
    checker = _Isolation()
    checker.feed(html)
    checker.close()
    return checker.problems


@pytest.fixture(scope="module")
def scratch(tmp_path_factory: pytest.TempPathFactory):
    return make_project(tmp_path_factory.mktemp("bidi") / "project", content=None)


def write_content(project, value: str, markdown_value: str) -> None:
    briefing = {
        "title": value, "as_of": "2021-07-13", "summary": markdown_value, "regions": ["IQ"],
        "key_judgments": [{"statement": value, "likelihood": "likely", "confidence": "low", "basis": ["e1"]}],
        "actors": {"a": value},
        "events": [
            {"id": "e1", "date": "2021-07-01", "title": value, "type": "attack", "date_note": value,
             "description": markdown_value, "location": {"name": value, "country": "IQ"},
             "actors": ["a"], "sources": ["s"]},
            {"id": "e2", "date": "2021-07-02", "title": "Next " + value, "type": "attack", "sources": ["s"]},
        ],
        "sources": [{"id": "s", "kind": "news-report", "title": value, "publisher": value, "description": markdown_value}],
    }
    actors = [{"id": "a", "name": value, "short_name": value, "aliases": [value], "kind": "other",
               "native_names": {"ar": value}, "description": markdown_value}]
    project.write("content/briefings/bidi.yaml", yaml.safe_dump(briefing, allow_unicode=True))
    project.write("content/actors/actors.yaml", yaml.safe_dump(actors, allow_unicode=True))


def page_problems(project) -> dict[str, list[str]]:
    root = project.root
    result = generate(Settings(root, root / "content", root / "templates", root / "site_config" / "vocabularies.yaml"))
    assert not result.diagnostics.errors, result.diagnostics.format_text()
    found = {}
    for path in ("briefings/bidi.md", "chronology/index.md", "actors/a.md", "briefings/index.md"):
        page = result.pages[path]
        if page.startswith("---\n"):
            front, body = page.split("---\n", 2)[1:]
            title = yaml.safe_load(front).get("title") or ""
            assert not any(c in CONTROLS for c in title), title  # <title> and navigation hold no controls
        else:
            body = page
        converter = python_markdown.Markdown(extensions=EXTENSIONS, extension_configs=EXTENSION_CONFIGS)
        found[path] = isolation_problems(converter.convert(body))
    return found


field_text = st.text(
    alphabet=st.sampled_from(list(CONTROLS + ZERO_WIDTH) + ["a", "b", " ", "\u05d0", "\u0627", "\u0661", "1", "-", "*"]),
    min_size=1, max_size=30,
).filter(lambda s: s.strip(" \u200b\ufeff") and not s.startswith(("-", "*", "1")))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(value=field_text, markdown_value=field_text)
def test_no_field_reorders_another_on_any_page(scratch, value: str, markdown_value: str) -> None:
    write_content(scratch, "x" + value, markdown_value + "\n\nsecond " + markdown_value)
    assert page_problems(scratch) == {p: [] for p in ("briefings/bidi.md", "chronology/index.md", "actors/a.md", "briefings/index.md")}


def test_right_to_left_override_in_a_title_stays_in_the_title(scratch) -> None:
    write_content(scratch, "Attack" + RLO + " at the base", "A summary " + RLO + "with an override")
    assert all(problems == [] for problems in page_problems(scratch).values())


def test_join_escapes_each_item_once(tmp_path: Path) -> None:
    # Aliases, regions and weak points are printed with `join`: each item is escaped
    # (and direction-isolated) once, never a second time into visible entities.
    from briefing.render.environment import template_environment
    from briefing.render.text import plain

    (tmp_path / "t.md.j2").write_text('{{ items|join("; ") }}', encoding="utf-8")
    items = ["AT&T", "حزب الله", "*H*"]
    out = template_environment(tmp_path).get_template("t.md.j2").render(items=items)
    assert out == "; ".join(plain(item) for item in items)
    assert "&lt;bdi" not in out and "&amp;" not in out
