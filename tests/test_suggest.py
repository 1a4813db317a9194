"""Suggestions: what each everyday mistake most likely meant; never a crash on hostile text."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from briefing import salvage, suggest, yaml_hints
from briefing.diagnostics import Diagnostics
from briefing.load import load_bytes
from briefing.model import Briefing


@pytest.mark.parametrize(
    ("value", "known", "expected"),
    [
        ("probable", ["unlikely", "likely", "very-likely"], "likely"),
        ("highly probable", ["unlikely", "likely", "very-likely"], "very-likely"),
        ("medium", ["low", "moderate", "high"], "moderate"),
        ("d", list("ABCDEF"), "D"),
        ("uk", {"united-kingdom": ["United Kingdom", "UK"], "united-states": ["US"]}, "united-kingdom"),
        ("Air strike", {"air-strike": ["Air strike"], "arrest": ["Arrest"]}, "air-strike"),
        ("sanctions", ["abduction", "arrest", "attack"], None),  # spelling alone would say 'abduction'
    ],
)
def test_suggest(value: str, known: object, expected: str | None) -> None:
    assert suggest.suggest(value, known) == expected  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("value", "code"), [("KSA", "SA"), ("Yemen", "YE"), ("uk", "GB"), ("UAE", "AE"), ("IRN", "IR"), ("ir", "IR")]
)
def test_country(value: str, code: str) -> None:
    found = suggest.country(value)
    assert found is not None and found[0] == code


@pytest.mark.parametrize(
    ("text", "hint"),
    [
        ("Sept 14 2019", "'2019-09-14'"),
        ("14 September 2019", "'2019-09-14'"),
        ("14/09/2019", "'2019-09-14'"),
        ("09/14/2019", "'2019-09-14'"),
        ("2019.09.14", "'2019-09-14'"),
        ("June 2021", "'2021-06'"),
        ("circa June 2021", "'2021-06~'"),
        ("03/04/2021", "ambiguous"),
        ("yesterday", ""),
        ("31/02/2021", ""),
    ],
)
def test_date_hint(text: str, hint: str) -> None:
    found = suggest.date_hint(text)
    assert (hint in found) if hint else found == ""


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=300), st.lists(st.text(max_size=30), max_size=20))
def test_suggest_never_fails_and_picks_a_known_value(value: str, known: list[str]) -> None:
    found = suggest.suggest(value, known)
    assert found is None or found in known
    suggest.date_hint(value)
    suggest.country_hint(value[:100])


def test_long_text_gets_no_suggestion_and_returns() -> None:
    # Spelling distance is quadratic: a page of text is never compared (no timing here: see make bench).
    value = "a" * 1_000_000
    assert suggest.suggest(value, ["a" * 80, "b"]) is None
    assert suggest.date_hint("1 " * 500_000) == ""
    assert salvage.words("x-" * 500_000) == set()


LINES = st.sampled_from(
    ["title: a: b", "\tevents:", "  - id: e1", "   title: x", 'title: "x" y', "tags: [a, b", "x", "", "- ", "key:"]
)


@settings(max_examples=200, deadline=None)
@given(st.lists(LINES, max_size=12))
def test_yaml_hints_never_fail(lines: list[str]) -> None:
    text = "\n".join(lines)
    diagnostics = Diagnostics()
    document = load_bytes(text.encode(), "x.yaml", diagnostics)
    for d in diagnostics.items:
        assert "\n" not in d.message
    if document is not None:
        partial = salvage.partial(Briefing, document.data)
        salvage.raw_references(document.data)
        assert partial is None or isinstance(partial, Briefing)
    for line in range(0, len(lines) + 2):
        yaml_hints.hint("mapping values are not allowed in this context", None, lines, line, 3, None)
        yaml_hints.hint("did not find expected key", "while parsing a block mapping", lines, line, 40, 1)
