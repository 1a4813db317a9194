"""Build settings, declared once: the MkDocs plugin options *are* the CLI options.

``BriefingConfig`` is the plugin's config schema (``plugins: - briefing:`` in
mkdocs.yml). The command line reads the same schema from mkdocs.yml and
overrides single options (``--content``, ``--max-marking``, ``--drafts``).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from mkdocs.config import base
from mkdocs.config import config_options as c

from briefing.markings import MARKINGS, Marking



class BriefingConfig(base.Config):
    """Options of the ``briefing`` MkDocs plugin."""

    content_dir = c.Type(str, default="content")
    """Folder with ``briefings/`` and ``actors/``, relative to mkdocs.yml."""

    templates_dir = c.Type(str, default="templates")
    """Folder of the Jinja2 templates that produce the Markdown pages."""

    vocabularies = c.Type(str, default="site_config/vocabularies.yaml")
    """The file of allowed event types, actor kinds and source kinds."""

    max_marking = c.Choice(MARKINGS, default="TLP:CLEAR")
    """The most restricted TLP marking this build may show; anything above is left out."""

    drafts = c.Type(bool, default=False)
    """Include briefings whose status is ``draft``."""


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
        )
