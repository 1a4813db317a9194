"""The YAML nesting guard counts real structure only, and still keeps libyaml from deep nesting."""

from __future__ import annotations

import time

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from briefing.diagnostics import Diagnostics
from briefing.load import MAX_BLOCK_INDENT, MAX_FLOW_DEPTH, _Loader, load_bytes
from briefing.yamlnesting import TooDeep, check_nesting

TOO_DEEP = "nesting is too deep"


def load(text: str) -> Diagnostics:
    diagnostics = Diagnostics()
    load_bytes(text.encode("utf-8"), "x.yaml", diagnostics)
    return diagnostics


def too_deep(text: str) -> bool:
    return any(TOO_DEEP in d.message for d in load(text).items)


@pytest.mark.parametrize(
    "text",
    [
        'title: "' + "[" * 80 + '"\n',
        "title: '" + "{" * 80 + "'\n",
        "title: a" + "[" * 80 + "\n",
        "summary: |\n  " + "[" * 200 + "\n  more\nas_of: 2021\n",
        "events:\n  - description: >-\n      " + "{[" * 100 + "\n    title: x\n",
        "# " + "[" * 100 + "\ntitle: x  # " + "{" * 100 + "\n",
        'tags: ["' + "[" * 100 + '", \'' + "]" * 100 + "']\n",
        "summary: |\n" + " " * 400 + "deeply indented text\n",
        'title: "a\n  ' + "[" * 100 + '"\n',
        "- a\n  " + "[" * 100 + "\n",
    ],
    ids=["double-quoted", "single-quoted", "plain", "literal", "folded", "comments", "quoted-in-flow",
         "indented-block", "multi-line-quoted", "multi-line-plain"],
)
def test_brackets_and_indentation_inside_scalars_are_text(text: str) -> None:
    assert not too_deep(text)
    yaml.compose(text, Loader=_Loader)  # and it is valid YAML


@pytest.mark.parametrize(
    "text",
    [
        "title: " + "[" * (MAX_FLOW_DEPTH + 1) + "]" * (MAX_FLOW_DEPTH + 1),
        "title: " + "{a: " * (MAX_FLOW_DEPTH + 1) + "}" * (MAX_FLOW_DEPTH + 1),
        "- " * (MAX_BLOCK_INDENT // 2 + 1) + "x",
        # Brackets closed inside a quoted scalar used to hide the real depth from the guard.
        ("[" * 60 + '"' + "]" * 60 + '", ') * 3 + "]" * 180,
        "summary: |\n  text\nnext: " + "[" * 100,
        "- key: |\n    text\n  other: " + "[" * 100,
        "---\n  " + "[" * 100,
    ],
    ids=["flow-sequences", "flow-mappings", "block", "hidden-by-quotes", "after-block-scalar",
         "after-nested-block-scalar", "after-document-marker"],
)
def test_real_nesting_is_refused(text: str) -> None:
    assert too_deep(text)


# -- properties ---------------------------------------------------------------------------------

noise = st.text(alphabet='[]{}"\'\\#:-,|> \nab', max_size=12)


def quoted(text: str, style: str) -> str:
    if style == '"':
        return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'
    return "'" + text.replace("'", "''").replace("\n", " ") + "'"


@st.composite
def flow_document(draw: st.DrawFn) -> tuple[str, int]:
    """A flow collection nested ``depth`` levels, with bracket-laden quoted text at every level."""
    depth = draw(st.integers(1, MAX_FLOW_DEPTH + 8))
    text = quoted(draw(noise), draw(st.sampled_from(['"', "'"])))
    for _ in range(depth):
        before = [quoted(draw(noise), draw(st.sampled_from(['"', "'"]))) for _ in range(draw(st.integers(0, 2)))]
        if draw(st.booleans()):
            text = "[" + ", ".join([*before, text]) + "]"
        else:
            text = "{" + ", ".join(f"k{i}: {v}" for i, v in enumerate([*before, text])) + "}"
    return "value: " + text + "\n", depth


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(document=flow_document())
def test_guard_counts_exactly_the_flow_depth(document: tuple[str, int]) -> None:
    text, depth = document
    yaml.compose(text, Loader=_Loader)  # the generator writes valid YAML
    assert too_deep(text) == (depth > MAX_FLOW_DEPTH), text


@settings(max_examples=100, deadline=None)
@given(body=noise, depth=st.integers(0, 12), style=st.sampled_from(["|", ">", "|-", ">+"]))
def test_block_scalars_are_text(body: str, depth: int, style: str) -> None:
    lines = [("  " * depth) + "key: " + style] + [("  " * depth) + "  " + line for line in (body + "x").split("\n")]
    text = "\n".join(lines) + "\n"
    assert not too_deep(text)


def _depth(node: yaml.Node) -> int:
    if isinstance(node, yaml.SequenceNode):
        return 1 + max((_depth(n) for n in node.value), default=0)
    if isinstance(node, yaml.MappingNode):
        return 1 + max((max(_depth(k), _depth(v)) for k, v in node.value), default=0)
    return 0


_PIECES = ["- ", "k: ", "[", "]", "{", "}", ", ", '"', "'", "|", ">", "# ", "a", " ", '"[{"', "'{['", "&x ", "*x", "? "]
_line = st.tuples(st.sampled_from(["", "  ", "    ", "      "]), st.lists(st.sampled_from(_PIECES), max_size=10))
yamlish = st.lists(_line.map(lambda t: t[0] + "".join(t[1])), min_size=1, max_size=8).map("\n".join) | st.text(
    alphabet='[]{}"\'\\#:-,|>? \n\tab&*!', max_size=200
)


@settings(max_examples=1000, deadline=None)
@given(text=yamlish)
def test_what_passes_the_guard_never_nests_deeper_than_the_limits(text: str) -> None:
    # Small limits, so that short random texts reach them: libyaml's own parse is the judge.
    flow, lead = 3, 6
    try:
        check_nesting(text, flow, lead)
    except TooDeep:
        return
    try:
        node = yaml.compose(text, Loader=_Loader)
    except yaml.YAMLError:
        return
    if node is not None:
        assert _depth(node) <= flow + lead + 1


@settings(max_examples=150, deadline=None)
@given(depth=st.integers(MAX_FLOW_DEPTH + 1, 400), hide=st.booleans())
def test_deep_flow_is_refused_however_it_is_dressed(depth: int, hide: bool) -> None:
    text = "[" * depth + ('"' + "]" * depth + '"' if hide else "") + "]" * depth
    assert too_deep(text)


def _cost(text: str) -> float:
    best = float("inf")
    for _ in range(3):
        start = time.perf_counter()
        try:
            check_nesting(text, MAX_FLOW_DEPTH, MAX_BLOCK_INDENT)
        except TooDeep:
            pass
        best = min(best, time.perf_counter() - start)
    return max(best, 1e-4)


ORDINARY_YAML = "title: A briefing\nsummary: >\n  Some text, with [brackets] and 'quotes'.\ntags: [a, b]\nevents:\n  - id: e1\n    title: \"An event\"\n"


@pytest.mark.parametrize(
    "make",
    [
        lambda n: '"' + '\\"' * (n // 2),
        lambda n: "[" + "'a', " * (n // 5) + "]",
        lambda n: "[" + " " * n + "'a']",
        lambda n: "- a\n" * (n // 4),
        lambda n: "k: |\n" + " x\n" * (n // 3),
        lambda n: "[" + '"' * n,
        lambda n: "a: " + "'" * n,
    ],
    ids=["escaped-quotes", "many-quoted", "space-then-quote", "plain-lines", "block-lines", "quotes-in-flow", "quotes"],
)
def test_guard_cost_is_a_small_multiple_of_ordinary_yaml(make) -> None:
    length = 400_000
    ordinary = (ORDINARY_YAML * (length // len(ORDINARY_YAML) + 1))[:length]
    ratio = _cost(make(length)) / _cost(ordinary)
    assert ratio < 30, f"{ratio:.0f}x the time of ordinary YAML"
