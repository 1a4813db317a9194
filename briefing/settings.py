"""Resolved settings of one run: what the stages need, with no MkDocs types in it."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from briefing.markings import Marking

if TYPE_CHECKING:
    from briefing.config import BriefingConfig


@dataclass(frozen=True)
class Settings:
    """Resolved settings of one run: absolute paths and the build profile."""

    root: Path
    content_dir: Path
    templates_dir: Path
    vocabularies: Path
    max_marking: Marking = Marking.CLEAR
    drafts: bool = False
    strict: bool = False
    directory_urls: bool = True
    """MkDocs' ``use_directory_urls``: the URL form of links in raw HTML."""
    cache_dir: Path | None = None
    """Where compiled templates are kept between builds (the plugin's ``cache``); None: not kept."""
    preview: bool = False
    """``briefing serve``: draft scaffolds still reading FILL IN are drafts in progress, not errors."""
    docs_dir: Path | None = None
    """MkDocs' ``docs_dir``: its pages and assets are published too (links may lead there)."""
    markdown_extensions: tuple[Any, ...] | None = field(default=None, compare=False)
    """MkDocs' Markdown extensions and their options: the anchors a page has (:mod:`briefing.links`)."""
    markdown_options: dict[str, Any] | None = field(default=None, compare=False, hash=False)

    @classmethod
    def from_plugin(
        cls, options: BriefingConfig, config_file: str | Path, *, strict: bool = False, directory_urls: bool = True,
        docs_dir: str | Path | None = None, markdown: tuple[list[Any], dict[str, Any]] | None = None,
    ) -> Settings:
        root = Path(config_file).resolve().parent
        return cls(
            root=root,
            content_dir=root / options.content_dir,
            templates_dir=root / options.templates_dir,
            vocabularies=root / options.vocabularies,
            max_marking=Marking(options.max_marking),
            drafts=options.drafts,
            strict=strict,
            directory_urls=directory_urls,
            cache_dir=(root / options.cache_dir) if options.cache else None,
            docs_dir=(root / docs_dir) if docs_dir is not None else None,
            markdown_extensions=tuple(markdown[0]) if markdown else None,
            markdown_options=markdown[1] if markdown else None,
        )
