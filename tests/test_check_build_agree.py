"""``briefing check`` and ``briefing build`` agree: whatever the build rejects, check rejects,
with the same diagnostic, for every content case under ``tests/cases/``.

(The cases under ``cases/templates/`` break templates, not content: ``check`` validates
content only and they are tested with ``render`` in test_diagnostics.py.)
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from cases.hostile import payloads as P
from conftest import CASES, DIAGNOSTIC_CASES, Project, case_args, case_project, make_project

DIAGNOSTIC = re.compile(r"^[^:\n]+:\d+:\d+: (error|warning): .*$", re.MULTILINE)


def diagnostics(stderr: str) -> list[str]:
    return [m.group() for m in DIAGNOSTIC.finditer(stderr)]


def assert_agree(project: Project, args: tuple[str, ...] = ()) -> None:
    """Same diagnostics and exit code (and the same again under --strict when there are warnings)."""
    for strict in ((), ("--strict",)):
        check = project.run("check", *args, *strict)
        build = project.run("build", *args, *strict)
        assert "Traceback" not in check.stderr + build.stderr
        assert diagnostics(check.stderr) == diagnostics(build.stderr), (strict, check.stderr, build.stderr)
        assert check.code == build.code, (strict, check.code, build.code, check.stderr, build.stderr)
        if ": warning: " not in check.stderr:
            break  # --strict changes nothing without warnings


def _hostile(tmp_path: Path) -> Project:
    project = make_project(tmp_path / "project", content=CASES / "base" / "content")
    briefing = {
        "title": P.TEXT_FIELD, "as_of": "2021-07-13", "summary": P.MARKDOWN_FIELD,
        "events": [{"id": "e1", "date": "2021-07-01", "title": P.TEXT_FIELD, "type": "attack",
                    "description": P.MARKDOWN_FIELD, "sources": ["s1"]}],
        "sources": [{"id": "s1", "kind": "news-report", "description": P.MARKDOWN_FIELD}],
    }
    project.write("content/briefings/hostile.yaml", yaml.safe_dump(briefing, allow_unicode=True))
    return project


CONTENT_CASES = {
    **{f"diagnostics/{p.stem}": (lambda tmp, p=p: case_project(tmp, p)) for p in DIAGNOSTIC_CASES},
    "base": lambda tmp: make_project(tmp / "project", content=CASES / "base" / "content"),
    "knowledge": lambda tmp: make_project(tmp / "project", content=CASES / "knowledge" / "content"),
    "hostile": _hostile,
}


CASE_ARGS = {f"diagnostics/{p.stem}": tuple(case_args(p)) for p in DIAGNOSTIC_CASES}


@pytest.mark.parametrize("case", list(CONTENT_CASES))
def test_check_and_build_give_the_same_diagnostics(case: str, tmp_path: Path) -> None:
    assert_agree(CONTENT_CASES[case](tmp_path), CASE_ARGS.get(case, ()))


# -- the disagreements that were found -------------------------------------------------------------


def _base(tmp_path: Path) -> Project:
    return make_project(tmp_path / "project", content=CASES / "base" / "content")


def _briefing(summary: str = "A summary.", event_id: str = "e1") -> str:
    return yaml.safe_dump({
        "title": "T", "as_of": "2021-07-13", "summary": summary,
        "events": [{"id": event_id, "date": "2021-07-01", "title": "E", "type": "attack", "sources": ["s1"]}],
        "sources": [{"id": "s1", "kind": "news-report"}],
    }, sort_keys=False)


def test_javascript_link_in_a_summary_fails_strict_check_as_it_fails_strict_build(tmp_path: Path) -> None:
    project = _base(tmp_path)
    project.write("content/briefings/js.yaml", _briefing("See [this](javascript:alert(1))."))
    check = project.run("check", "--strict")
    assert check.code == 1
    expected = (
        "content/briefings/js.yaml:3:10: warning: summary: link to 'javascript:alert(1)' is not allowed "
        "(only http, https, mailto and relative links); it is shown as text"
    )
    assert expected in diagnostics(check.stderr)
    assert_agree(project)


def test_deep_list_in_a_summary_is_a_check_error_not_a_build_traceback(tmp_path: Path) -> None:
    project = _base(tmp_path)
    project.write("content/briefings/deep.yaml", _briefing("1. " * 600 + "x"))
    check = project.run("check")
    assert check.code == 1
    assert "content/briefings/deep.yaml:3:10: error: summary: lists are nested 600 levels deep" in check.stderr
    assert_agree(project)


def test_event_id_ending_in_a_newline_is_an_error(tmp_path: Path) -> None:
    project = _base(tmp_path)
    project.write("content/briefings/nl.yaml", _briefing(event_id="x\n"))
    check = project.run("check")
    assert check.code == 1
    assert "is not a valid id" in check.stderr
    assert_agree(project)


def test_file_name_ending_in_a_newline_is_an_error(tmp_path: Path) -> None:
    project = _base(tmp_path)
    project.write("content/briefings/evil\n.yaml", _briefing())
    check = project.run("check")
    assert check.code == 1
    assert "a briefing's id is its file name" in check.stderr
    assert_agree(project)


def test_new_refuses_an_id_ending_in_a_newline(tmp_path: Path) -> None:
    project = _base(tmp_path)
    run = project.run("new", "briefing", "ok\n")
    assert run.code == 2, run.stderr
    assert "is not a valid id" in run.stderr
    assert not list(project.content.glob("briefings/ok*"))
