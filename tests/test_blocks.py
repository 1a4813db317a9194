"""Maps, timelines and lists of events wait outside the Markdown that MkDocs converts (briefing.render.blocks).

The promise: a page converted with its blocks out, then restored, is the page
converted with its blocks in place, byte for byte.
"""

from __future__ import annotations

import posixpath
from pathlib import Path

import markdown
import pytest
from conftest import ROOT, Project, make_project
from corpus import write_corpus
from mkdocs.config import load_config
from mkdocs.utils.meta import get_data

from briefing.generate import generate
from briefing.render.blocks import BlockError, Blocks, blocks_of, restore
from briefing.settings import Settings


def _converter() -> markdown.Markdown:
    config = load_config(str(ROOT / "mkdocs.yml"))
    return markdown.Markdown(extensions=config.markdown_extensions, extension_configs=config.mdx_configs)


@pytest.mark.parametrize("corpus", [False, True], ids=["example", "corpus"])
def test_a_page_converted_without_its_blocks_is_the_same_page(tmp_path: Path, corpus: bool) -> None:
    content = write_corpus(tmp_path / "content", briefings=12, events=6, actors=20, seed=3) if corpus else ROOT / "content"
    settings = Settings(tmp_path, content, ROOT / "templates", ROOT / "site_config" / "vocabularies.yaml")
    inline = generate(settings)  # as `briefing render` writes them
    kept: dict[str, str] = {}
    parted = generate(settings, blocks=kept)  # as `briefing build` converts them
    assert inline.pages.keys() == parted.pages.keys()
    # Every briefing page has its timeline and map out; so do the pages with a map of their own.
    briefing_pages = {p for p in inline.pages if p.startswith("briefings/") and p.count("/") == 1} - {"briefings/index.md"}
    assert briefing_pages and briefing_pages <= kept.keys()
    assert any(p.startswith("actors/") for p in kept) and any(p.startswith("chronology/") for p in kept)
    md = _converter()
    for path, page in inline.pages.items():
        expected = md.reset().convert(get_data(page)[0])
        converted = md.reset().convert(get_data(parted.pages[path])[0])
        if path in kept:
            assert "brief-map" not in parted.pages[path] and "brief-timeline" not in parted.pages[path]
            converted = restore(converted, blocks_of(kept[path]))
        assert converted == expected, path


def test_restore_puts_each_block_back_once() -> None:
    blocks = Blocks()
    page = f"<p>a</p>\n{blocks.put('<figure>map</figure>')}\n<p>b</p>\n{blocks.put(chr(10) + '<div>tl</div>' + chr(10))}"
    taken = blocks.take(page)
    assert taken is not None and blocks.take("") is None  # the next page starts empty
    assert restore(page, blocks_of(taken)) == "<p>a</p>\n<figure>map</figure>\n<p>b</p>\n<div>tl</div>"


def test_a_block_that_did_not_reach_the_html_is_an_error() -> None:
    blocks = Blocks()
    placeholder = blocks.put("<figure>map</figure>")
    taken = blocks.take(placeholder)
    assert taken is not None
    kept = blocks_of(taken)
    with pytest.raises(BlockError, match="did not reach"):
        restore("<p>no placeholder: Markdown escaped it</p>", kept)
    with pytest.raises(BlockError, match="more than once"):
        restore(placeholder + placeholder, kept)
    with pytest.raises(BlockError, match="more than once"):
        restore(placeholder.replace('"0"', '"1"'), kept)
    # A template that prints a kept block twice, or never, is caught while the page is rendered.
    for page in (placeholder * 2, "no placeholder"):
        blocks.put("<figure>map</figure>")
        with pytest.raises(BlockError, match="times in the page"):
            blocks.take(page)


def _project_with(tmp_path: Path, relative: str, old: str, new: str) -> Project:
    """A copy of the example project with one file edited (``old`` must be in it)."""
    project = make_project(tmp_path / "project")
    path = project.root / relative
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return project


def test_a_block_printed_twice_is_a_template_diagnostic(tmp_path: Path) -> None:
    project = _project_with(
        tmp_path, "templates/briefing.md.j2",
        "{{ page.map|block }}", "{% set the_map = page.map|block %}{{ the_map }}\n\n{{ the_map }}",
    )
    run = project.run("build")
    assert run.code == 1 and "Traceback" not in run.stderr
    assert "templates/briefing.md.j2:1:1: error: a block (map, timeline, list of events) printed with '|block' appears 2 times" in run.stderr
    assert not project.site.exists()
    # `briefing render` writes blocks in place: the page simply shows its map twice.
    assert project.run("render", "--out", str(tmp_path / "md")).code == 0


def test_an_id_inside_a_map_is_a_link_target_for_check_and_build(tmp_path: Path) -> None:
    project = _project_with(
        tmp_path, "content/briefings/irgc-taeb-baghdad-meeting.yaml",
        "summary: |\n", "summary: |\n  See [the map](../chronology/2021.md#map-2021-title).\n\n",
    )
    check = project.run("check")
    assert check.code == 0, check.stderr
    build = project.run("build")
    assert build.code == 0, build.stderr
    assert 'id="map-2021-title"' in (project.site / "chronology" / "2021" / "index.html").read_text(encoding="utf-8")


@pytest.mark.parametrize("directory_urls", [True, False])
def test_links_in_blocks_are_the_urls_mkdocs_writes(directory_urls: bool) -> None:
    """A block is raw HTML, which MkDocs does not rewrite: its links (the `href` filter) must be
    the URLs MkDocs itself writes for the same Markdown links, from every kind of page."""
    from mkdocs.structure.files import File

    from briefing.render.addresses import html_href

    pages = [
        "index.md", "briefings/index.md", "briefings/b-1.md", "actors/a-1.md", "actors/a-1/2019.md",
        "actors/by-kind/state.md", "actors/by-kind/state/2.md", "chronology/index.md", "chronology/2021.md",
        "chronology/2021/03.md", "chronology/2021/03/2.md", "tags/drones.md", "sources/wire.md",
    ]

    def mkdocs_url(page: str, target: str) -> str:
        source = File(page, "/docs", "/site", directory_urls)
        linked = File(target, "/docs", "/site", directory_urls)
        return linked.url_relative_to(source)

    # Files that are not pages (the exports) are served at their own paths.
    files = ["feed.xml", "data/index.json", "data/briefings/b-1.stix.json", "feeds/actors/a-1.xml"]
    for page in pages:
        for target in pages:
            relative = posixpath.relpath(target, posixpath.dirname(page) or ".")
            assert html_href(page, relative + "#event-e", directory_urls) == mkdocs_url(page, target) + "#event-e", (
                page, target,
            )
        for target in files:
            relative = posixpath.relpath(target, posixpath.dirname(page) or ".")
            assert html_href(page, relative, directory_urls) == mkdocs_url(page, target), (page, target)
    assert html_href("actors/a-1.md", "#event-e", directory_urls) == "#event-e"


def test_the_href_filter_links_from_the_page_being_rendered(tmp_path: Path) -> None:
    """Even for a literal target (which Jinja could otherwise work out once, at compile time)."""
    import jinja2

    from briefing.render.environment import template_environment

    env = template_environment(tmp_path)
    env.extend(briefing_page="actors/a.md", briefing_directory_urls=True)  # while it is compiled
    template = env.from_string('<a href="{{ "../briefings/b.md#event-e"|href }}">')
    urls = []
    for page in ("actors/a.md", "chronology/index.md", "briefings/x.md"):
        env.briefing_page = page  # type: ignore[attr-defined]
        urls.append(template.render())
    assert urls == ['<a href="../../briefings/b/#event-e">', '<a href="../briefings/b/#event-e">', '<a href="../b/#event-e">']
    for target in ("https://example.org/", "/b.md", "../b.md?q=1", "../data/", "../b", "mailto:a@b.org", "None"):
        with pytest.raises(jinja2.TemplateRuntimeError, match="not a link to a page or file"):
            env.from_string("{{ target|href }}").render(target=target)
