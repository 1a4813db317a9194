"""Markdown fields are data: whatever a summary or description holds, it creates no element
of its own, no id, and costs time linear in its length.

Each field goes through the real pipeline of a page: the escaper, Python-Markdown with the
extensions of mkdocs.yml, inside the template's ``<div markdown>``, then the nh3 sanitiser.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from html.parser import HTMLParser

import markdown as python_markdown
import pytest
import yaml
from conftest import ROOT
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from briefing.markdown_field import MAX_LIST_DEPTH, _render, markdown, problems
from briefing.site.output import sanitize
from briefing.urls import is_external, url_is_allowed

WRAPPER = '<div class="brief-event" markdown>\n\n{}\n\n</div>\n'


def _extensions() -> tuple[list, dict]:
    """The Markdown extensions and their options, as mkdocs.yml gives them to every page."""
    names, options = [], {}
    for item in yaml.safe_load((ROOT / "mkdocs.yml").read_text())["markdown_extensions"]:
        name, config = next(iter(item.items())) if isinstance(item, dict) else (item, {})
        names.append(name)
        options[name] = config or {}
    return names, options


EXTENSIONS, EXTENSION_CONFIGS = _extensions()


def page_html(field: str) -> str:
    """The HTML a Markdown field becomes on a briefing page."""
    converter = python_markdown.Markdown(extensions=EXTENSIONS, extension_configs=EXTENSION_CONFIGS)
    return sanitize(converter.convert(WRAPPER.format(markdown(field))))


#: What Markdown in a field may produce (the wrapper div is the template's).
ALLOWED = {
    "p", "code", "a", "img", "em", "strong", "ul", "ol", "li", "hr", "br", "pre",
    "table", "thead", "tbody", "tr", "th", "td",
}


def _harmless(tag: str, name: str, value: str) -> bool:
    """Attributes Markdown writes itself: alt text, titles, list starts, table alignment."""
    if (tag, name) in (("img", "alt"), ("a", "title"), ("img", "title"), ("ol", "start")):
        return True
    if (tag, name, value) == ("a", "class", "brief-external"):  # added by the sanitiser
        return True
    return name == "style" and tag in ("td", "th") and value.startswith("text-align")


class _Structure(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.problems: list[str] = []
        self.wrapper_closed = False
        self.seen_wrapper = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if not self.seen_wrapper:
            self.seen_wrapper = True
            if (tag, attributes) != ("div", {"class": "brief-event"}):
                self.problems.append(f"page starts with <{tag} {attributes}>")
        elif self.wrapper_closed:
            self.problems.append(f"<{tag}> after the field's wrapper closed")
        elif tag not in ALLOWED:
            self.problems.append(f"element <{tag}> from content")
        else:
            for name, value in attributes.items():
                if name == "href":
                    if not url_is_allowed(value or ""):
                        self.problems.append(f"link to {value!r}")
                elif name == "src":
                    if is_external(value or ""):
                        self.problems.append(f"image from {value!r}")
                elif not _harmless(tag, name, value or ""):  # id, class, style, or anything else
                    self.problems.append(f"attribute {name}={value!r} on <{tag}>")
        if tag not in ("img", "br", "hr"):
            self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag in ("img", "br", "hr"):
            return
        if not self.stack or self.stack[-1] != tag:
            self.problems.append(f"</{tag}> closes {self.stack[-1:]}")
            return
        self.stack.pop()
        if not self.stack:
            self.wrapper_closed = True

    def handle_data(self, data: str) -> None:
        if self.wrapper_closed and data.strip():
            self.problems.append(f"text after the wrapper closed: {data!r}")


def structure_problems(field: str) -> list[str]:
    parser = _Structure()
    parser.feed(page_html(field))
    parser.close()
    if not parser.wrapper_closed:
        parser.problems.append(f"the wrapper is not closed: open {parser.stack}")
    return parser.problems


# -- item 1: raw HTML is text, inside code spans too ----------------------------------------------

CODE_BREAKOUT = 'X `</div>` `<b id="pwn">INJECTED</b>`'


@pytest.mark.parametrize(
    "field",
    [
        CODE_BREAKOUT,
        "`</div></div>`",
        "`</div>` and then <b>x</b> `<div markdown>`",
        "``</div> ` </div>``",
        "[`</div>`](https://example.org/) ![`<b>`](x.png)",
        "{: #event-e1 } text\n{: #event-e1 }",
        "!!! tlp tlp-red \"TLP:RED\"\n    faked",
        "- !!! note\n- # heading in a list\n- x\n  ===",
        "[x](https://example.org/ \"<b id='t'>\")",
        # Heavy paragraphs go to Markdown as finished HTML: the same guarantees.
        (CODE_BREAKOUT + " [a](https://example.org/?a&b) ![i](i.png) ![e](https://example.org/e.png) ") * 3000,
        "&" * 5000 + "`</div>`" + "<b>" * 1000 + "[j](javascript:x)",
    ],
)
def test_content_creates_no_element_and_no_id(field: str) -> None:
    assert structure_problems(field) == []


def test_heavy_paragraphs_are_finished_html_with_the_same_text() -> None:
    from briefing.markdown_field import MARKDOWN_BUDGET, _markdown_cost

    heavy = "x & `</div>` [a](https://example.org/) *not emphasis* " * 2000
    light = "x & `</div>` [a](https://example.org/) *emphasis*"
    assert _markdown_cost(markdown(heavy)) > MARKDOWN_BUDGET or markdown(heavy).startswith("<p>")
    assert markdown(heavy).startswith("<p>") and not markdown(light).startswith("<p>")
    html = page_html(heavy + "\n\n" + light)
    assert html.count("<code>&lt;/div&gt;</code>") == 2001
    assert html.count('<a class="brief-external" href="https://example.org/">a</a>') == 2001
    assert "<em>emphasis</em>" in html and "*not emphasis*" in html


def test_code_span_shows_its_html_as_text() -> None:
    html = page_html(CODE_BREAKOUT)
    assert "<code>&lt;/div&gt;</code>" in html
    assert '<code>&lt;b id="pwn"&gt;INJECTED&lt;/b&gt;</code>' in html
    assert '<b id="pwn">' not in html


# Pieces of Markdown and HTML that interact: every run of them must stay inside its field.
PIECES = [
    "`", "``", "```", "\\`", "[", "]", "(", ")", "![", "](", "<", ">", "</div>", "<div markdown>",
    '<b id="pwn">', "</b>", "{: #event-e1 .tlp }", "{", "}", "!", "!!!", "\\", "#", "# ", "-", "- ", "1. ",
    "* ", "+ ", "=", "===", "---", "&amp;", "&#60;", "&", "\n", "\n\n", "\n    ", " ", "  ", "\t", "a", "word",
    "https://example.org/a_(b)", "x.md", "#event-e1", "javascript:alert(1)", "//evil.example", "data:x",
    '"', "'", "|", "| --- |", "*", "_", ":", "\u202e", "\u2066", "\u2069", "\u202c", "\u200b", "\u200d", "\ufeff",
    "\u05d0", "\u0627", "\r", "--8<-- ",
]
fields = st.lists(st.sampled_from(PIECES), max_size=40).map("".join) | st.text(max_size=60)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(field=fields)
def test_no_field_creates_an_element_an_id_or_escapes_its_wrapper(field: str) -> None:
    assert structure_problems(field) == [], repr(field)


@settings(max_examples=200, deadline=None)
@given(field=fields)
def test_problems_are_what_rendering_reports(field: str) -> None:
    reported: list = []
    markdown(field, reported.append)
    assert problems(field) == reported


# -- item 3: nesting that would exhaust Markdown's recursion -------------------------------------


@pytest.mark.parametrize("field", ["1. " * 600 + "x", "- " * 500 + "x", "* + - " * 200, "\n".join("    " * i + "- x" for i in range(300))])
def test_deep_lists_are_a_problem_and_render_as_text(field: str) -> None:
    found = problems(field)
    assert found and {p.kind for p in found} == {"nesting"}
    assert "lists are nested" in found[0].message
    page_html(field)  # no RecursionError: the markers beyond the limit are text


@settings(max_examples=100, deadline=None)
@given(depth=st.integers(1, 40), marker=st.sampled_from(["- ", "* ", "+ ", "1. ", "2) "]), indent=st.booleans())
def test_list_depth_limit(depth: int, marker: str, indent: bool) -> None:
    if indent:
        field = "\n".join("    " * level + marker + "x" for level in range(depth))
    else:
        field = marker * depth + "x"
    deep = [p for p in problems(field) if p.kind == "nesting"]
    assert bool(deep) == (depth > MAX_LIST_DEPTH)
    if not deep and marker != "2) ":  # Python-Markdown has no "1)" lists
        html = page_html(field)
        assert html.count("<li>") == depth  # lists that are allowed still work


# -- item 2: linear time -------------------------------------------------------------------------

ORDINARY = "The *quick* brown fox [jumps](https://example.org/a) over `the` lazy dog; it ran 3 km.\n"

ADVERSARIAL: dict[str, Callable[[int], str]] = {
    "backticks": lambda n: "`" * n,
    "backtick runs of every length": lambda n: "".join("`" * k + "a" for k in range(1, 400))[:n].ljust(n, "`"),
    "unclosed link, spaces": lambda n: "[a](" + " " * n + "x",
    "[a newline": lambda n: "[a\n" * (n // 3),
    "[a](": lambda n: "[a](" * (n // 4),
    "nested brackets": lambda n: "[" * (n // 2) + "]" * (n // 2),
    "destinations": lambda n: "[a](x(" * (n // 6),
    "titles": lambda n: '[a](x "' * (n // 7),
    "nested titles": lambda n: "[" * (n // 10) + '](x "' * (n // 10),
    "angle destinations": lambda n: "[a](<" * (n // 5),
    "escapes": lambda n: "\\`" * (n // 2),
    "list markers": lambda n: "1. " * (n // 3),
    "headings": lambda n: "#\n" * (n // 2),
    "html": lambda n: "<b>`</div>`" * (n // 11),
    "bidi": lambda n: "\u202e\u2068\u2069" * (n // 3),
    "ampersands": lambda n: "&" * n,
    "emphasis": lambda n: "a*" * (n // 2),
    "code spans": lambda n: "`x` " * (n // 4),
    "paragraphs just under the budget": lambda n: ("&<" * 220 + "\n\n") * (n // 442),
}


def cost(text: str) -> float:
    """Best of three: the time markdown() takes, with the noise of a shared machine cut down."""
    best = float("inf")
    for _ in range(3):
        _render.cache_clear()  # each field is scanned once per process, then cached: time the scan
        start = time.perf_counter()
        markdown(text)
        best = min(best, time.perf_counter() - start)
    return max(best, 1e-4)


#: Long enough that a quadratic step costs seconds where ordinary text costs a fraction of one.
LENGTH = 160_000
#: Ordinary text (prose with links and code) of LENGTH: the unit of cost.
ORDINARY_TEXT = (ORDINARY * (LENGTH // len(ORDINARY) + 1))[:LENGTH]
#: Generous: the classes below cost 0 to 6 times ordinary text; quadratic ones cost hundreds.
RATIO_LIMIT = 30


@pytest.fixture(scope="module")
def ordinary_cost() -> float:
    return cost(ORDINARY_TEXT)


@pytest.mark.parametrize("name", list(ADVERSARIAL))
def test_adversarial_text_costs_a_small_multiple_of_ordinary_text(name: str, ordinary_cost: float) -> None:
    text = ADVERSARIAL[name](LENGTH)
    ratio = cost(text) / ordinary_cost
    assert ratio < RATIO_LIMIT, f"{name}: {ratio:.0f}x the time of ordinary text of the same length"


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(unit=st.lists(st.sampled_from(PIECES), min_size=1, max_size=6).map("".join))
def test_any_repeated_piece_costs_a_small_multiple_of_ordinary_text(unit: str, ordinary_cost: float) -> None:
    text = (unit * (LENGTH // len(unit) + 1))[:LENGTH]
    ratio = cost(text) / ordinary_cost
    assert ratio < RATIO_LIMIT, f"{unit!r} repeated: {ratio:.0f}x the time of ordinary text"


# The whole way to HTML: Python-Markdown too (it rebuilds a paragraph per inline match, so
# heavy paragraphs reach it as finished HTML).
PAGE_LENGTH = 40_000
PAGE_CLASSES = [
    "backticks", "ampersands", "emphasis", "code spans", "[a newline", "nested brackets", "html", "list markers",
    "paragraphs just under the budget",
]


def page_cost(text: str) -> float:
    best = float("inf")
    for _ in range(2):
        _render.cache_clear()
        start = time.perf_counter()
        page_html(text)
        best = min(best, time.perf_counter() - start)
    return max(best, 1e-4)


@pytest.fixture(scope="module")
def ordinary_page_cost() -> float:
    return page_cost((ORDINARY * (PAGE_LENGTH // len(ORDINARY) + 1))[:PAGE_LENGTH])


@pytest.mark.parametrize("name", PAGE_CLASSES)
def test_pages_of_adversarial_fields_cost_a_small_multiple_of_ordinary_ones(name: str, ordinary_page_cost: float) -> None:
    ratio = page_cost(ADVERSARIAL[name](PAGE_LENGTH)) / ordinary_page_cost
    assert ratio < RATIO_LIMIT, f"{name}: {ratio:.0f}x the time of an ordinary field, through Markdown"


@pytest.mark.parametrize("field", ["\x1f#", "\xa0# x", "\u3000## x", "\x1c- - x\n"])
def test_characters_python_calls_blank_do_not_uncover_block_syntax(field: str) -> None:
    # The field's ends are trimmed of what Markdown reads as blank only: "\x1f#" once lost its
    # "\x1f" after the scan and reached the page as a heading.
    html = page_html(field)
    assert not re.search(r"<h\d|<li", html), html
