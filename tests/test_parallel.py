"""Every second generated page is converted in a second process (briefing.site.parallel).

The promise: the site, the warnings and the failures are those of a build in one
process (``parallel: false``), byte for byte.
"""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import Project, live_signals, make_project, plugin_options, tree_bytes
from corpus import commit_revisions, write_corpus

from briefing import history
from briefing.generate import profile_of, validate
from briefing.profile import apply
from briefing.settings import Settings
from briefing.site import parallel

SECOND = "pages in a second process"


def _corpus_project(tmp_path: Path, briefings: int = 24) -> Project:
    project = make_project(tmp_path / "project", content=None)
    write_corpus(project.content, briefings=briefings, events=4, actors=briefings + 6, seed=5)
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
    helper = parallel.Helper.start(["a", "fails", "b"], _convert)
    assert helper is not None
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
    helper = parallel.Helper.start(["a", "dies", "b"], _convert)
    assert helper is not None
    try:
        with caplog.at_level(logging.INFO, logger="mkdocs.plugins.briefing"):
            a = helper.result("a")  # sent, unless the helper died before its queue passed it on
            assert helper.result("dies") is None
            assert helper.result("b") is None
        assert a is None or a.html == b"a"
        assert "this one converts the rest" in caplog.text
    finally:
        helper.close()


def _children(pid: int, which: Callable[[bytes], bool]) -> set[int]:
    """The children of ``pid`` whose command line (``/proc/<child>/cmdline``) passes ``which``."""
    found: set[int] = set()
    for task in Path(f"/proc/{pid}/task").glob("*/children"):
        try:
            for child in task.read_text().split():
                if which(Path(f"/proc/{child}/cmdline").read_bytes()):
                    found.add(int(child))
        except OSError:
            pass
    return found


def _forks(pid: int) -> set[int]:
    """The children of ``pid`` that are forks of it (not git or Pagefind)."""
    try:
        command = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return set()
    return _children(pid, lambda line: line == command)


def _pagefinds(pid: int) -> set[int]:
    """The Pagefind processes that ``pid`` started."""
    return _children(pid, lambda line: b"pagefind" in line.split(b"\0")[0])


def _build_until(
    project: Project, found: Callable[[int], set[int]], *args: str
) -> tuple[subprocess.Popen[bytes], set[int]]:
    """``briefing build *args``, once ``found`` finds processes of it."""
    build = subprocess.Popen(
        [sys.executable, "-m", "briefing", "build", *args], cwd=project.root,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        preexec_fn=live_signals,  # noqa: PLW1509 - only sigaction: the test run may have SIGINT ignored (`&`)
    )
    deadline = time.monotonic() + 120
    processes: set[int] = set()
    while not processes and build.poll() is None and time.monotonic() < deadline:
        processes = found(build.pid)
        time.sleep(0.002)
    assert processes, "the build started no such process"
    return build, processes


def _alive(pids: set[int]) -> list[int]:
    return [pid for pid in pids if Path(f"/proc/{pid}").exists()
            and "zombie" not in Path(f"/proc/{pid}/status").read_text()]


@pytest.mark.parametrize("signum", [signal.SIGKILL, signal.SIGINT], ids=["SIGKILL", "SIGINT"])
def test_helpers_end_with_a_stopped_build(tmp_path: Path, signum: int) -> None:
    # SIGKILL runs no cleanup in the build; SIGINT does, and removes the staging folder:
    # either way no helper goes on writing into that folder.
    project = _corpus_project(tmp_path, briefings=80)  # seconds of work for each helper
    build, helpers = _build_until(project, _forks)
    build.send_signal(signum)
    build.wait(timeout=120)
    time.sleep(1)  # without the care they take, helpers would work on for seconds
    assert _alive(helpers) == []
    if signum == signal.SIGINT:  # the build cleaned up, and nothing wrote into its folder after
        assert sorted(p.name for p in project.root.iterdir() if p.name.startswith(".site")) == []
    assert not project.site.exists()


@pytest.mark.parametrize("signum", [signal.SIGKILL, signal.SIGINT], ids=["SIGKILL", "SIGINT"])
def test_pagefind_ends_with_a_stopped_build(tmp_path: Path, signum: int) -> None:
    # Pagefind indexes parts while MkDocs writes the next pages: stopped there, the build takes it
    # along (SIGINT: before it removes the staging folder; SIGKILL: by the kernel), so nothing
    # goes on writing an index of the pages into a folder that was removed.
    project = _corpus_project(tmp_path, briefings=80)
    config = plugin_options(project, search_part_pages=10)  # parts indexed while pages are written
    build, running = _build_until(project, _pagefinds, "-f", config)
    try:
        for pid in running:  # held where it is: it cannot end on its own before the build does
            os.kill(pid, signal.SIGSTOP)
        build.send_signal(signum)
        build.wait(timeout=120)
        time.sleep(0.1)
        assert _alive(running) == []
    finally:
        for pid in _alive(running):
            os.kill(pid, signal.SIGKILL)
    if signum == signal.SIGINT:  # the build cleaned up, and nothing wrote into its folder after
        assert sorted(p.name for p in project.root.iterdir() if p.name.startswith(".site")) == []
    assert not project.site.exists()


def _answer() -> int:
    logging.getLogger("mkdocs.plugins.briefing").warning("writing")
    return 42


def _refuse() -> int:
    raise OSError(28, "No space left on device", "site/data/stix.json")


def _background(work: Callable[[], int]) -> parallel.Background:
    started = parallel.Background.start(work, "the exports")
    assert started is not None
    return started


def test_the_exports_process_returns_raises_and_logs_as_a_call_would(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="mkdocs.plugins.briefing"):
        assert _background(_answer).wait() == 42
    assert [r.getMessage() for r in caplog.records] == ["writing"]  # emitted here, once
    with pytest.raises(OSError, match="No space left on device") as raised:
        _background(_refuse).wait()
    assert raised.value.filename == "site/data/stix.json"


def test_when_the_exports_process_dies_the_parent_writes_them(caplog: pytest.LogCaptureFixture, tmp_path: Path) -> None:
    marker = tmp_path / "written-here"

    def work() -> int:
        if os.getpid() != parent:
            os._exit(3)  # the child dies at once
        marker.write_text("x")
        return 7

    parent = os.getpid()
    with caplog.at_level(logging.INFO, logger="mkdocs.plugins.briefing"):
        assert _background(work).wait() == 7
    assert marker.exists() and "the second process for the exports stopped; this one does it" in caplog.text


def test_revisions_worked_out_half_in_a_second_process_are_the_same(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    project = _corpus_project(tmp_path, briefings=12)
    monkeypatch.setattr(history, "MIN_BESIDE", 2)
    started: list[parallel.Background | None] = []

    def beside(work: Callable[[], object]) -> parallel.Background | None:
        started.append(parallel.Background.start(work, "the revision history"))
        return started[-1]

    def revisions(cache: str, beside: history.Beside | None) -> dict[str, list[history.Revision]]:
        settings = Settings(project.root, project.content, project.root / "templates",
                            project.root / "site_config" / "vocabularies.yaml", cache_dir=tmp_path / cache)
        validated = validate(settings)
        assert validated.project is not None and validated.history is not None
        profile = profile_of(settings)
        return history.revisions(validated.history, validated.project, apply(validated.project, profile), profile, beside)

    # Without git there is no past version to read: nothing is worth a second process.
    assert len(revisions("no-git", beside)) == 12 and started == []
    commit_revisions(project.root, 3)
    with caplog.at_level(logging.INFO, logger="mkdocs.plugins.briefing"):
        two = revisions("two", beside)
    one = revisions("one", None)
    assert len(started) == 1 and started[0] is not None and "this one does it" not in caplog.text
    assert two == one and len(one) == 12
    assert sum(len(found) for found in one.values()) == 12 * 3  # every committed version is a revision
    # The second process's half went into the cache with the parent's: nothing is left to work out.
    assert revisions("two", beside) == one and len(started) == 1


def test_a_build_whose_helpers_are_killed_still_builds_the_same_site(tmp_path: Path) -> None:
    # As the kernel's OOM killer would: the parent converts what is left, and the build succeeds.
    project = _corpus_project(tmp_path, briefings=80)
    build = subprocess.Popen(
        [sys.executable, "-m", "briefing", "build", "-v"], cwd=project.root,
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
    )
    assert build.stderr is not None
    killed: set[int] = set()
    for line in build.stderr:
        if SECOND in line:  # said just before the pages' helper starts
            deadline = time.monotonic() + 60
            while not killed and time.monotonic() < deadline:
                killed = _forks(build.pid)
            for pid in killed:
                os.kill(pid, signal.SIGKILL)
            break
    rest = build.stderr.read()
    assert build.wait(timeout=300) == 0, rest
    assert killed and "the second process converting pages was stopped" in rest
    two = tree_bytes(project.site)
    assert project.run("build", "-f", plugin_options(project, parallel="false")).code == 0
    assert tree_bytes(project.site) == two


def test_links_to_missing_anchors_from_the_second_process_are_reported_as_in_one(tmp_path: Path) -> None:
    # Without -v, MkDocs checks links to anchors after every page is converted (Page.links_to_anchors).
    project = _corpus_project(tmp_path)
    _edit(project, "templates/actor.md.j2", "{{ page.map|block }}", "[gone](../index.md#nowhere)\n\n{{ page.map|block }}")
    one_process = plugin_options(project, parallel="false")
    two, one = project.run("build"), project.run("build", "-f", one_process)
    assert two.code == one.code == 1
    assert "#nowhere" in two.stderr and "templates/actor.md.j2" in two.stderr
    assert two.stderr == one.stderr
