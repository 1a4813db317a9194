"""Relative links in Markdown fields (issue 13, item 5): ``check`` finds every link that MkDocs'
own link validation would reject, with the field's file and line, and only those.

* The resolver agrees with MkDocs: the same links, in a real MkDocs build with the briefing
  plugin but with our check switched off (MkDocs is the oracle), are the ones MkDocs warns about.
* Links that resolve build cleanly under ``--strict``, of every kind of target.
* ``briefing serve --strict`` keeps serving when a field has a broken link.
* Collecting links is linear: the links found are the ones Python-Markdown makes of the
  escaped field, for adversarial text, and the scan's steps grow linearly with the text.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import sys as _sys
from html.parser import HTMLParser
from pathlib import Path

import markdown as python_markdown
import pytest
import yaml
from conftest import CASES, ROOT, Project, make_project
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from briefing import markdown_field
from briefing.markdown_field import markdown, relative_links, written_url
from briefing.urls import is_external

# -- a project with links of every kind --------------------------------------------------------------


def _briefing(
    summary: str, description: str = "An event.", marking: str = "TLP:CLEAR", outlets: tuple[str, ...] = ("reuters",)
) -> str:
    """A briefing; it cites the registry's ``outlets`` (a registry page is published where it is cited)."""
    return yaml.safe_dump({
        "title": "Links", "as_of": "2021-07-13", "summary": summary, "marking": marking,
        "events": [
            {"id": "e1", "date": "2021-07-01", "title": "E", "type": "attack", "sources": ["s1", *outlets],
             "description": description},
            {"id": "amber", "date": "2021-07-02", "title": "A", "type": "attack", "sources": ["s1"],
             "marking": "TLP:AMBER"},
        ],
        "sources": [{"id": "s1", "kind": "news-report"}, *({"id": o, "outlet": o} for o in outlets)],
    }, sort_keys=False)


def _project(tmp_path: Path) -> Project:
    project = make_project(tmp_path / "project", content=CASES / "base" / "content")
    project.write("content/briefings/secret.yaml", _briefing("Restricted.", marking="TLP:AMBER"))
    return project


#: Links that resolve from briefings/links.md, one of each kind of target.
GOOD = [
    "#summary", "#event-e1", "#source-s1", "#chronology", "base.md", "base.md#event-meeting",
    "base.md?x=1#source-report", "./base.md", "../briefings/base.md", "../actors/irgc.md",
    "../actors/irgc.md#events", "../sources/reuters.md", "../index.md", "../chronology/index.md",
    "../tags/index.md", "../about.md", "../assets/briefing.css", "../data/briefings/base.json",
    "../data/index.json", "../feed.xml", "../feeds/actors/irgc.xml", "links.md", "links.md#event-e1", "index.md",
    "../chronology/index.md#2021-07", "base.md#revisions", "base.md#sourcing-notes", "../sources/reuters.md#reports",
    "../actors/irgc.md#islamic-revolutionary-guard-corps",
]
#: Links that do not, for every reason MkDocs has.
BAD = [
    "#nowhere", "#event-amber", "missing.md", "bas.md", "base.md#event-nope", "secret.md", "secret.md#event-e1",
    "../actors/nobody.md", "../actors/irgc.md#nowhere", "/briefings/base.md", "base", "../actors/",
    "../../outside.md", "../assets/missing.css", "../data/briefings/secret.json", "../about.md#nowhere",
    "base.html", "#__drawer", "../index.md#chronology",
]

ORACLE = """
import logging, sys
import briefing.generate
briefing.generate.check_links = lambda *args, **kwargs: None  # MkDocs alone judges the links
from briefing.cli import _load
from mkdocs.commands.build import build
warnings = []
class Keep(logging.Handler):
    def emit(self, record):
        if record.levelno >= logging.WARNING and record.name.startswith("mkdocs.structure"):
            warnings.append(record.getMessage())
logging.getLogger("mkdocs").addHandler(Keep())
config, plugin = _load("mkdocs.yml", {})
config.plugins.on_startup(command="build", dirty=False)
try:
    build(config)
except Exception:
    pass
print("\\n".join(warnings))
"""


def _links(urls: list[str]) -> str:
    return " ".join(f"[l{i}]({url})" for i, url in enumerate(urls))


def _mkdocs_rejects(project: Project) -> set[str]:
    """The links of briefings/links.md that MkDocs itself warns about."""
    done = subprocess.run([sys.executable, "-c", ORACLE], cwd=project.root, capture_output=True, text=True,
                          timeout=600)
    assert "Traceback" not in done.stderr, done.stderr
    found = re.findall(r"Doc file 'briefings/links\.md' contains (?:an? (?:unrecognized relative |absolute )?link) '([^']*)'",
                       done.stdout)
    return set(found)


def _check_rejects(project: Project) -> set[str]:
    run = project.run("check")
    assert "Traceback" not in run.stderr
    return set(re.findall(r"^content/briefings/links\.yaml:\d+:\d+: error: [^:]*: link '([^']*)'", run.stderr, re.M))


def test_check_rejects_exactly_what_mkdocs_rejects(tmp_path: Path) -> None:
    project = _project(tmp_path)
    project.write("content/briefings/links.yaml", _briefing(_links(GOOD + BAD)))
    assert _mkdocs_rejects(project) == set(BAD)
    assert _check_rejects(project) == set(BAD)


@settings(max_examples=4, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(urls=st.lists(
    st.builds(
        lambda folder, name, extension, fragment: folder + name + extension + fragment,
        st.sampled_from(["", "./", "../", "../briefings/", "../actors/", "../sources/", "../chronology/", "../../", "/"]),
        st.sampled_from(["base", "bas", "irgc", "reuters", "secret", "index", "links", "about", ""]),
        st.sampled_from([".md", "", ".html", ".json"]),
        st.sampled_from(["", "#event-e1", "#event-meeting", "#events", "#summary", "#nowhere", "#event-amber", "#2021-07"]),
    ).filter(bool),
    min_size=1, max_size=25, unique=True,
))
def test_generated_links_check_as_mkdocs_does(urls: list[str], tmp_path_factory) -> None:
    project = _project(tmp_path_factory.mktemp("links"))
    project.write("content/briefings/links.yaml", _briefing(_links(urls)))
    assert _check_rejects(project) == _mkdocs_rejects(project)


def test_links_that_resolve_build_cleanly_under_strict(tmp_path: Path) -> None:
    project = _project(tmp_path)
    project.write("content/briefings/links.yaml", _briefing(
        _links(GOOD), "A block:\n" + _links(GOOD[:5]) + "\n", outlets=("reuters", "more")
    ))
    project.write("content/sources/more.yaml", yaml.safe_dump([{
        "id": "more", "name": "More", "kind": "news-report", "reliability": "B",
        "reliability_note": "Compare [Reuters](reuters.md#reports) and [a briefing](../briefings/base.md#summary).",
    }]))
    for command in ("check", "build"):
        run = project.run(command, "--strict")
        assert run.code == 0, run.stderr
        assert "WARNING" not in run.stderr, run.stderr
    page = (project.site / "briefings" / "links" / "index.html").read_text()
    assert 'href="../base/#event-meeting"' in page


def test_every_broken_link_is_a_diagnostic_at_its_place_in_check_and_build(tmp_path: Path) -> None:
    project = _project(tmp_path)
    text = _briefing("Fine.", "LINES").replace("description: LINES", "description: |\n    Line one\n    [a](missing.md)\n\n    [b](#nowhere)")
    project.write("content/briefings/links.yaml", text)
    expected = [
        "content/briefings/links.yaml:15:9: error: events[0].description: link 'missing.md' leads nowhere: "
        "the site has no file briefings/missing.md; links are relative to briefings/links.md",
        "content/briefings/links.yaml:17:9: error: events[0].description: link '#nowhere' leads nowhere: "
        "this page has no anchor '#nowhere'",
    ]
    for command in ("check", "build"):
        run = project.run(command)
        assert run.code == 1
        assert [line for line in run.stderr.splitlines() if ": error: " in line] == expected, run.stderr
        assert "Aborted with a BuildError" not in run.stderr


def test_a_link_to_what_the_profile_hides_names_nothing_more(tmp_path: Path) -> None:
    project = _project(tmp_path)
    project.write("content/briefings/links.yaml", _briefing("[a](secret.md) [b](#event-amber)"))
    run = project.run("check")
    assert run.code == 1
    errors = [line for line in run.stderr.splitlines() if ": error: " in line]
    assert len(errors) == 2 and all("not published under this build profile (TLP:CLEAR, no drafts)" in e for e in errors)
    assert "Restricted" not in run.stderr and "did you mean" not in run.stderr
    # Under a profile that shows them, they resolve.
    assert project.run("check", "--max-marking", "TLP:AMBER").code == 0


def test_export_files_are_what_the_exports_write(tmp_path: Path) -> None:
    """The export paths links may point at (briefing.export.paths.export_files) are the files written."""
    from briefing.export import exports
    from briefing.export.facts import ExportOptions
    from briefing.export.paths import export_files
    from briefing.profile import Profile, apply
    from briefing.validate import load_project

    content = CASES / "knowledge" / "content"
    project, diagnostics = load_project(content, ROOT / "site_config" / "vocabularies.yaml")
    assert not diagnostics.errors
    visible = apply(project, Profile())
    written = exports(visible, ExportOptions(profile=Profile(), site_url=None, site_name="S", directory_urls=True))
    expected = export_files(visible)
    assert expected == {path for path in written if not path.endswith(".md")}


# -- serve --------------------------------------------------------------------------------------------


def test_serve_strict_keeps_serving_a_broken_link(tmp_path: Path) -> None:
    from test_preview import _until, serving

    project = make_project(tmp_path / "project", content=CASES / "base" / "content")
    project.write("content/briefings/links.yaml", _briefing("[a](missing.md)"))
    with serving(project, tmp_path / "serve.log", "leads nowhere", "--strict") as base:
        # The problem is shown in the browser; fixed, the page is served.
        project.write("content/briefings/links.yaml", _briefing("[a](base.md)"))
        _until(base + "briefings/links/", lambda body: 'href="../base/"' in body, "the fixed page")
    log = (tmp_path / "serve.log").read_text()
    assert "Traceback" not in log and "Aborted" not in log


# -- linear time ----------------------------------------------------------------------------------


class _Targets(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        wanted = {"a": "href", "img": "src"}.get(tag)
        for name, value in attrs:
            if name == wanted and value is not None and not is_external(value):
                self.found.append(value)


def _reference(text: str) -> list[str]:
    """The relative links Python-Markdown makes of the escaped field (what MkDocs checks)."""
    html = python_markdown.Markdown(extensions=["attr_list", "md_in_html", "tables"]).convert(markdown(text))
    parser = _Targets()
    parser.feed(html)
    return parser.found


ADVERSARIAL = st.text(alphabet="[]()\\ \t\n!<>`#./:ab\"'", max_size=120)


@settings(max_examples=300, deadline=None)
@given(text=ADVERSARIAL)
def test_links_found_are_the_links_markdown_makes(text: str) -> None:
    assert [written_url(link.url) for link in relative_links(text)] == _reference(text)


def _steps(text: str) -> int:
    """Lines of briefing.markdown_field run to scan ``text`` (uncached): a count, not a time."""
    module = markdown_field.__file__
    count = 0

    def trace(frame, event, arg):  # type: ignore[no-untyped-def]
        nonlocal count
        if frame.f_code.co_filename != module:
            return None
        if event == "line":
            count += 1
        return trace

    links: list[object] = []
    # One pass: a paragraph over MARKDOWN_BUDGET is written a second time as finished HTML (twice the
    # work, linear too), and where that starts is not what is measured here.
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(markdown_field, "MARKDOWN_BUDGET", float("inf"))
        _sys.settrace(trace)
        try:
            markdown_field._Field(text, lambda problem: None, links.append).render()
        finally:
            _sys.settrace(None)
    return count


@settings(max_examples=25, deadline=None)
@given(unit=st.text(alphabet="[]()\\ \t\n!<>`#./ab", min_size=1, max_size=8))
def test_collecting_links_takes_linear_steps(unit: str) -> None:
    small = unit * (600 // len(unit) + 1)
    large = small * 2
    # Doubling the text at most about doubles the work (a quadratic scan would quadruple it).
    assert _steps(large) <= 2.3 * _steps(small) + 200, unit


def test_collected_links_hold_their_lines() -> None:
    text = "one [a](x.md)\ntwo ![b](y.png) [c](https://e.org) [d](javascript:x)\n\nfour [e](#z)"
    found = [(link.line, link.url) for link in relative_links(text)]
    assert found == [(0, "x.md"), (1, "y.png"), (3, "#z")]
    assert json.dumps(found)  # plain data


# -- what MkDocs still finds (not from content) -------------------------------------------------------


def test_a_broken_link_mkdocs_finds_is_a_diagnostic_not_an_abort(tmp_path: Path) -> None:
    project = make_project(tmp_path / "project", content=CASES / "base" / "content")
    template = project.root / "templates" / "briefing.md.j2"
    template.write_text(template.read_text().replace("## Summary\n", "## Summary\n\nSee [the guide](guide.md).\n"))
    (project.root / "site_config" / "pages" / "about.md").write_text("# About\n\n[Broken](nope.md)\n")
    assert project.run("check").code == 0  # content is fine: check validates content
    run = project.run("build")
    assert run.code == 1
    assert (
        "templates/briefing.md.j2:1:1: error: page briefings/base.md contains a link 'guide.md', but the target "
        "'briefings/guide.md' is not found among documentation files (found by MkDocs)"
    ) in run.stderr
    assert "site_config/pages/about.md:1:1: error: page about.md contains a link 'nope.md'" in run.stderr
    assert "briefing: 2 error(s) in content or templates; the site was not changed" in run.stderr
    assert "Aborted" not in run.stderr and "Traceback" not in run.stderr
    assert not project.site.exists()


_HTML_PIECES = st.sampled_from([
    "<a", "<div", "<svg", "<title", " id", " ID", " name", " data-id", "=", " = ", '"', "'", "x", ">", "/>",
    "</a>", " ", "\n", "/", "href", "idea", "named", "<!--", "-->", "&amp;", "é", "<script", "</script>",
    "<style>", "</style>", "<![CDATA[", "]]>", "<!", "<?", "&", "#", " Id", " NaMe", " İd", "_id", "\u3000",
])


@settings(max_examples=300, deadline=None)
@given(st.lists(st.lists(_HTML_PIECES, max_size=30).map("".join), max_size=4))
@example(['<a id = "x>y" href="z">', '<a name ="p>q">t</a>', '<div title ="x> <a id=q>"></div>'])
@example(['<a title="<b id=q>">', "<!-- <a id=c> -->", '<script>x id=1</script><a id="k">', 'a\n\n<b\nid="m"\n>\n<c id=n>'])
def test_raw_html_ids_skips_only_parts_without_anchors(parts: list[str]) -> None:
    """What lets raw_html_ids skip a part (a list of events, a timeline) or the end of one (a map's
    hundreds of tags after its ids) never skips an anchor: the same ids as reading every part whole."""
    from briefing.links import _RawIds, raw_html_ids

    found: set[str] = set()
    for part in parts:  # each part on its own, as a block is
        parser = _RawIds(found)
        parser.feed(part)
        parser.close()
    assert raw_html_ids(parts) == frozenset(found)
