"""A build at archive scale holds no more than it must (briefing.site.packed, the plugin's hooks).

MkDocs reads and converts every page before it writes any. The plugin hands
each page's Markdown over packed, as MkDocs reads it, keeps the converted HTML
packed until the page is written, and writes the exports file by file; the
bytes of the site are the same (test_site, test_exports: the build and
``briefing export`` agree; determinism tests compare whole builds).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import make_project

from briefing.site.packed import Pages, pack, unpack


def test_pages_keep_text_packed_and_iterate_in_path_order() -> None:
    pages = Pages()
    text = "# حلب · Aleppo\n\n" + "Ωμέγα 😀 " * 2000
    pages["b/z.md"] = text
    pages["a/y.md"] = "plain"
    assert list(pages) == ["a/y.md", "b/z.md"]
    assert "b/z.md" in pages and "c.md" not in pages
    assert pages["b/z.md"] == text
    assert len(pack(text)) < len(text.encode("utf-8")) // 10  # the point: a fraction of the text
    assert pages.pop("b/z.md") == text
    assert list(pages) == ["a/y.md"] and len(pages) == 1
    assert unpack(pack("")) == ""


def test_a_build_lets_go_of_every_page_once_written(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    project = make_project(tmp_path / "project")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1600000000")  # the plugin would set it for the whole test run
    config = load_config(str(project.root / "mkdocs.yml"))
    config.plugins.on_startup(command="build", dirty=False)
    seen = []
    original = config.plugins.on_post_page

    def post_page(output: str, *, page, config):  # type: ignore[no-untyped-def]
        seen.append(page)
        return original(output, page=page, config=config)

    monkeypatch.setattr(config.plugins, "on_post_page", post_page)
    build(config)
    plugin = config.plugins["briefing"]
    assert not plugin.pages and not plugin.html  # every page read, converted and written
    assert len(seen) > 20
    assert all(page.markdown == "" and page.content == "" for page in seen)
    assert all(page.title for page in seen)  # titles come from the render, not the released Markdown
    html = (project.site / "briefings" / "irgc-taeb-baghdad-meeting" / "index.html").read_text()
    assert "IRGC intelligence chief urges Iraqi militias" in html
    assert (project.site / "data" / "stix.json").stat().st_size > 1000  # exports written into the site
