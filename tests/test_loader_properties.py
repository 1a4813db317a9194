"""Property tests: no YAML text, however strange, produces a traceback."""

from __future__ import annotations

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

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
