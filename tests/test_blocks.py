"""Maps and timelines wait outside the Markdown that MkDocs converts (briefing.render.blocks).

The promise: a page converted with its blocks out, then restored, is the page
converted with its blocks in place, byte for byte.
"""

from __future__ import annotations

from pathlib import Path

import markdown
import pytest
from conftest import ROOT
from corpus import write_corpus
from mkdocs.config import load_config
from mkdocs.utils.meta import get_data

from briefing.generate import generate
from briefing.render.blocks import BlockError, Blocks, restore
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
            converted = restore(converted, kept[path])
        assert converted == expected, path


def test_restore_puts_each_block_back_once() -> None:
    blocks = Blocks()
    page = f"<p>a</p>\n{blocks.put('<figure>map</figure>')}\n<p>b</p>\n{blocks.put(chr(10) + '<div>tl</div>' + chr(10))}"
    kept = blocks.take()
    assert kept is not None and blocks.take() is None  # the next page starts empty
    assert restore(page, kept) == "<p>a</p>\n<figure>map</figure>\n<p>b</p>\n<div>tl</div>"


def test_a_block_that_did_not_reach_the_html_is_an_error() -> None:
    blocks = Blocks()
    placeholder = blocks.put("<figure>map</figure>")
    kept = blocks.take()
    assert kept is not None
    with pytest.raises(BlockError, match="did not reach"):
        restore("<p>no placeholder: Markdown escaped it</p>", kept)
    with pytest.raises(BlockError, match="not a block of this page"):
        restore(placeholder + placeholder, kept)
    with pytest.raises(BlockError, match="not a block of this page"):
        restore(placeholder.replace('"0"', '"1"'), kept)
