"""Resolved settings of one run: what the stages need, with no MkDocs types in it."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

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

    @classmethod
    def from_plugin(
        cls, options: BriefingConfig, config_file: str | Path, *, strict: bool = False, directory_urls: bool = True
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
        )
