"""Property tests: no YAML text, however strange, produces a traceback."""

from __future__ import annotations

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from briefing import load as load_module
from briefing.diagnostics import Diagnostics
from briefing.load import load_bytes
from briefing.model import Actor, Briefing
from briefing.validate import _validate_value

YAML_PIECES = st.sampled_from(
    [
        "title: x\n", "- ", "  ", "[", "]", "{", "}", ": ", "&a ", "*a", "!!python/object:os.system ",
        "!tag ", "? ", "|\n", ">-\n", "'", '"', "#", "---\n", "...\n", "%YAML 1.1\n", "\t", "\n",
        "events:\n", "  - id: e\n", "date: 2021-06-27\n", "<<: *a\n", "NO", "12:30", "010", "~", "\x85",
        "\ufeff", "\\", "é", "ب", "\x00", "\udcff",
    ]
)


def check_no_traceback(raw: bytes) -> None:
    diagnostics = Diagnostics()
    document = load_bytes(raw, "content/briefings/x.yaml", diagnostics)
    if document is not None:
        _validate_value(document, Briefing, diagnostics)
        _validate_value(document, list[Actor], diagnostics)
    for d in diagnostics.items:
        assert d.path == "content/briefings/x.yaml"
        assert d.line >= 1 and d.column >= 1
        assert "\n" not in d.format()


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=400))
def test_arbitrary_bytes(raw: bytes) -> None:
    check_no_traceback(raw)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(YAML_PIECES, max_size=40).map("".join))
def test_yaml_like_text(text: str) -> None:
    check_no_traceback(text.encode("utf-8", "surrogatepass"))


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | st.text(max_size=20),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4),
    max_leaves=30,
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(json_values)
def test_arbitrary_documents(value: object) -> None:
    check_no_traceback(yaml.safe_dump(value, allow_unicode=True).encode())


@settings(max_examples=200, deadline=None)
@given(
    st.fixed_dictionaries(
        {
            "title": st.text(max_size=30),
            "as_of": st.text(max_size=12),
            "summary": st.text(max_size=30),
            "events": st.lists(
                st.fixed_dictionaries(
                    {"id": st.text(max_size=8), "date": st.text(max_size=12), "title": st.text(max_size=8), "type": st.text(max_size=8)},
                    optional={"location": json_values, "casualties": json_values},
                ),
                max_size=3,
            ),
        }
    )
)
def test_briefing_shaped_documents(value: dict) -> None:
    check_no_traceback(yaml.safe_dump(value, allow_unicode=True).encode())


def _null_and_merge_tags(node: yaml.Node) -> list:
    """Which scalars PyYAML reads as null or as a merge key, in document order."""
    if isinstance(node, yaml.ScalarNode):
        return [node.tag if node.tag.endswith((":null", ":merge")) else "text"]
    if isinstance(node, yaml.SequenceNode):
        return [tag for item in node.value for tag in _null_and_merge_tags(item)]
    return [tag for pair in node.value for item in pair for tag in _null_and_merge_tags(item)]


@settings(max_examples=300, deadline=None)
@given(json_values | st.lists(YAML_PIECES, max_size=20).map("".join))
def test_fast_resolver_agrees_with_pyyaml_on_null_and_merge(value: object) -> None:
    # The loader's resolver skips PyYAML's int/float/bool/timestamp patterns (every
    # scalar stays text) but must find exactly the same nulls and merge keys.
    text = value if isinstance(value, str) else yaml.safe_dump(value, allow_unicode=True)
    try:
        expected = yaml.compose(text, Loader=yaml.CSafeLoader)
    except (yaml.YAMLError, UnicodeError):
        return  # not YAML: the other tests check the diagnostics
    ours = yaml.compose(text, Loader=load_module._Loader)
    if expected is None:
        assert ours is None
        return
    assert _null_and_merge_tags(ours) == _null_and_merge_tags(expected)


def test_equals_sign_and_double_angle_values_are_text() -> None:
    # PyYAML resolves a plain "=" to its '!!value' tag and "<<" to '!!merge' anywhere;
    # as values, both are just text here. "<<" as a key is still refused.
    diagnostics = Diagnostics()
    document = load_bytes(b"a: =\nb: <<\nc: ~\nd: 'null'\n", "x.yaml", diagnostics)
    assert document is not None and not diagnostics.items
    assert document.data == {"a": "=", "b": "<<", "c": None, "d": "null"}
    load_bytes(b"base: &b {x: 1}\nc:\n  <<: *b\n", "x.yaml", diagnostics)
    assert [d.message for d in diagnostics.items] == ["merge keys ('<<') are not supported: write the fields out"]
