"""``briefing serve`` never hangs: a broken file shows its problems in the browser, over the last good site.

The real command runs on a free loopback port; every wait is bounded.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from browser import chromium
from conftest import CASES, Project, make_project

#: How long a rebuild may take on a loaded machine before the test gives up.
REBUILD_DEADLINE = 60.0


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _get(url: str, timeout: float = 2.0) -> tuple[float, str]:
    """(seconds taken, body) of one request; fails the test if it takes longer than ``timeout``."""
    start = time.monotonic()
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            body = response.read().decode("utf-8")
    except urllib.error.HTTPError as exc:
        body = f"HTTP {exc.code}"
    return time.monotonic() - start, body


def _until(url: str, condition: Callable[[str], bool], what: str) -> str:
    """Poll ``url`` (each request bounded) until ``condition`` holds for the body; bounded overall."""
    deadline = time.monotonic() + REBUILD_DEADLINE
    body = ""
    while time.monotonic() < deadline:
        try:
            _, body = _get(url, timeout=10)
        except (urllib.error.URLError, TimeoutError, ConnectionError):
            body = ""
        if condition(body):
            return body
        time.sleep(0.3)
    raise AssertionError(f"gave up waiting for {what}; last body starts {body[:300]!r}")


@contextmanager
def serving(project: Project, log_path: Path, ready: str, *options: str) -> Iterator[str]:
    """``briefing serve --drafts`` (and ``options``) in ``project`` on a free loopback port, until ``ready``
    is on the home page."""
    port = _free_port()
    log = log_path.open("w")
    environment = {k: v for k, v in os.environ.items() if k != "SOURCE_DATE_EPOCH"}
    process = subprocess.Popen(
        [sys.executable, "-m", "briefing", "serve", "--drafts", *options, "-a", f"127.0.0.1:{port}"],
        cwd=project.root, stdout=log, stderr=subprocess.STDOUT, env=environment,
    )
    base = f"http://127.0.0.1:{port}/"
    try:
        _until(base, lambda body: ready in body, "the first build")
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)
        log.close()


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[Project, str, list[str]]]:
    project = make_project(tmp_path / "project", content=CASES / "base" / "content")
    with serving(project, tmp_path / "serve.log", "Base briefing for diagnostic cases") as base:
        yield project, base, [str(tmp_path / "serve.log")]


def test_broken_file_shows_problems_over_last_good_site(served) -> None:
    project, base, _ = served
    page = base + "briefings/base/"
    briefing = project.content / "briefings" / "base.yaml"
    good = briefing.read_text()
    assert "brief-preview-problems" not in _get(page)[1]

    # An unquoted colon in the title: the commonest YAML mistake.
    briefing.write_text(good.replace("title: Base briefing", "title: Base: briefing", 1))
    _until(page, lambda body: "brief-preview-problems" in body, "the problems banner")
    seconds, body = _get(page)
    assert seconds < 2.0
    assert "Meeting in Baghdad" in body  # the last good content is still served
    assert "content/briefings/base.yaml:1:12" in body  # file:line:col of the problem
    assert "put the title in quotes" in body
    _, problems = _get(base + "build-problems/")
    assert "content/briefings/base.yaml:1:12" in problems

    # Fixing the file clears the banner and the problems page.
    briefing.write_text(good.replace("title: Base briefing", "title: Base briefing, fixed", 1))
    body = _until(page, lambda body: "brief-preview-problems" not in body and "fixed" in body, "the fix")
    assert "Meeting in Baghdad" in body
    assert "No errors" in _get(base + "build-problems/")[1]


def test_scaffold_is_a_draft_in_progress_not_an_error(served) -> None:
    project, base, logs = served
    run = project.run("new", "briefing", "fresh")
    assert run.code == 0, run.stderr
    # The next build lists the draft in progress (with --drafts) as warnings, and no banner.
    problems = _until(base + "build-problems/", lambda body: "fresh.yaml" in body, "the draft in progress")
    assert "a draft in progress" in problems
    assert "No errors" in problems
    assert "brief-preview-problems" not in _get(base + "briefings/base/")[1]
    assert "left out 1 (1 draft in progress" in Path(logs[0]).read_text()


def test_banner_is_visible_in_a_real_browser(served) -> None:
    project, base, _ = served
    briefing = project.content / "briefings" / "base.yaml"
    briefing.write_text(briefing.read_text().replace("date: \"2021-07-05/2021-07-11\"", "date: Sept 14 2019"))
    _until(base + "briefings/base/", lambda body: "brief-preview-problems" in body, "the problems banner")
    with chromium() as browser:
        page = browser.new_page(viewport={"width": 375, "height": 800})  # type: ignore[attr-defined]
        page.goto(base + "briefings/base/")
        banner = page.locator(".brief-preview-problems")
        assert banner.is_visible()
        text = banner.inner_text()
        assert "content/briefings/base.yaml:8:11" in text
        assert "did you mean '2019-09-14'?" in text
        assert page.evaluate("document.documentElement.scrollWidth") <= 375


def test_a_first_build_that_fails_serves_the_problems(tmp_path: Path) -> None:
    project = make_project(tmp_path / "project", content=CASES / "base" / "content")
    briefing = project.content / "briefings" / "base.yaml"
    briefing.write_text(briefing.read_text().replace("title: Base briefing", "title: Base: briefing", 1))
    with serving(project, tmp_path / "serve.log", "content/briefings/base.yaml:1:12") as base:
        # Every page of the nav answers with the problems (nothing was ever built).
        for path in ("", "briefings/", "build-problems/"):
            seconds, body = _get(base + path)
            assert seconds < 2.0
            assert "content/briefings/base.yaml:1:12" in body, path
        assert "Traceback" not in (tmp_path / "serve.log").read_text()


def test_problems_are_text_never_markup() -> None:
    from briefing.diagnostics import Diagnostics
    from briefing.generate import Generation
    from briefing.site.preview import PreviewState

    diagnostics = Diagnostics()
    diagnostics.error("content/briefings/x.yaml", 3, 8, "title: '<img src=x onerror=alert(1)>' & <script>alert(2)</script>")
    state = PreviewState()
    state.take(Generation(diagnostics), strict=False)
    page = state.banner("<html><body class=\"x\"><p>old</p></body></html>", "../build-problems/")
    markdown = state.problems_markdown()
    for text in (page, markdown):
        assert "<img" not in text and "<script" not in text
        assert "&lt;img src=x onerror=alert(1)&gt;" in text
        assert "content/briefings/x.yaml:3:8" in text
    assert page.index("brief-preview-problems") < page.index("<p>old</p>")
