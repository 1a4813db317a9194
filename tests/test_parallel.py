"""Every second generated page is converted in a second process (briefing.site.parallel).

The promise: the site, the warnings and the failures are those of a build in one
process (``parallel: false``), byte for byte.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

import pytest
from conftest import Project, make_project, plugin_options, tree_bytes
from corpus import write_corpus

from briefing.site import parallel

SECOND = "pages in a second process"


def _corpus_project(tmp_path: Path) -> Project:
    project = make_project(tmp_path / "project", content=None)
    write_corpus(project.content, briefings=24, events=4, actors=30, seed=5)
    return project


def _edit(project: Project, relative: str, old: str, new: str) -> None:
    path = project.root / relative
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _both(project: Project, *args: str) -> tuple[tuple[int, str, dict[str, bytes]], tuple[int, str, dict[str, bytes]]]:
    """The build in two processes and in one: exit code, terminal (without progress lines), site."""
    one_process = plugin_options(project, parallel="false")
    runs = []
    for extra in ((), ("-f", one_process)):
        run = project.run("build", "-v", *extra, *args)
        shown = "\n".join(
            line for line in run.stderr.splitlines()
            if not line.startswith(("DEBUG:", "INFO:", "  - ")) and "built in" not in line
        )
        runs.append((run.code, shown, tree_bytes(project.site) if project.site.exists() else {}, run.stderr))
    (code2, shown2, site2, err2), (code1, shown1, site1, err1) = runs
    assert SECOND in err2 and SECOND not in err1  # the first build did use a second process
    return (code2, shown2, site2), (code1, shown1, site1)


def test_a_site_converted_in_two_processes_is_the_same_site(tmp_path: Path) -> None:
    project = _corpus_project(tmp_path)
    two, one = _both(project)
    assert two[0] == one[0] == 0, two[1]
    assert two[2].keys() == one[2].keys()
    assert [name for name in two[2] if two[2][name] != one[2][name]] == []


def test_warnings_from_the_second_process_are_reported_as_in_one(tmp_path: Path) -> None:
    # A broken link in a template: MkDocs warns on every actor page, half of them in the helper.
    project = _corpus_project(tmp_path)
    _edit(project, "templates/actor.md.j2", "{{ page.map|block }}", "[gone](../nowhere.md)\n\n{{ page.map|block }}")
    two, one = _both(project)
    assert two[0] == one[0] == 1
    assert "templates/actor.md.j2" in two[1] and "nowhere.md" in two[1]
    assert two[1] == one[1]
    assert not project.site.exists()


def test_a_page_that_fails_in_the_second_process_fails_as_in_one(tmp_path: Path) -> None:
    # A map in a code span never reaches the HTML (briefing.render.blocks): the page fails.
    project = _corpus_project(tmp_path)
    _edit(project, "templates/actor.md.j2", "{{ page.map|block }}", "`{{ page.map|block }}`")
    two, one = _both(project)
    assert two[0] == one[0] != 0
    assert "did not reach" in two[1] and "Traceback" not in two[1]
    assert two[1] == one[1]


def _convert(uri: str) -> parallel.Converted:
    logging.getLogger("mkdocs.plugins.briefing").warning("converting %s", uri)
    if uri == "fails":
        raise ValueError("no")
    if uri == "dies":
        os._exit(3)
    return parallel.Converted(uri, uri.encode(), anchors={uri})


def test_the_helper_sends_each_page_with_its_log_records() -> None:
    helper = parallel.Helper(["a", "fails", "b"], _convert)
    try:
        a = helper.result("a")
        assert a is not None and a.html == b"a" and a.anchors == {"a"}
        assert [r.getMessage() for r in a.records] == ["converting a"]
        assert helper.result("fails") is None  # the parent converts it again
        assert helper.result("other") is None  # not the helper's page
        b = helper.result("b")
        assert b is not None and b.html == b"b"
    finally:
        helper.close()
    assert helper.done == 3


def test_when_the_helper_dies_the_parent_converts_the_rest(caplog: pytest.LogCaptureFixture) -> None:
    helper = parallel.Helper(["a", "dies", "b"], _convert)
    try:
        with caplog.at_level(logging.WARNING, logger="mkdocs.plugins.briefing"):
            a = helper.result("a")  # sent, unless the helper died before its queue passed it on
            assert helper.result("dies") is None
            assert helper.result("b") is None
        assert a is None or a.html == b"a"
        assert "this one converts the rest" in caplog.text
    finally:
        helper.close()
