"""Build options, declared once: the MkDocs plugin options *are* the CLI options.

``BriefingConfig`` is the plugin's config schema (``plugins: - briefing:`` in
mkdocs.yml). The command line reads the same schema from mkdocs.yml and
overrides single options (``--content``, ``--max-marking``, ``--drafts``).
Both resolve them to :class:`~briefing.settings.Settings`. Every option is
documented in ``docs/configuration.md`` (a test checks that).
"""

from __future__ import annotations

from mkdocs.config import base
from mkdocs.config import config_options as c
from mkdocs.config.base import ValidationError

from briefing.markings import MARKINGS
from briefing.site.search import PART_PAGES


class _AtLeastOne(c.Type):  # type: ignore[type-arg]
    """A whole number of at least 1 (a bool is not one)."""

    def __init__(self, default: int) -> None:
        super().__init__(int, default=default)

    def run_validation(self, value: object) -> int:
        number = super().run_validation(value)
        if isinstance(number, bool) or number < 1:
            raise ValidationError(f"Expected a whole number of at least 1 but received: {value!r}")
        return int(number)


class BriefingConfig(base.Config):  # type: ignore[no-untyped-call]
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

    cache = c.Type(bool, default=True)
    """Keep compiled Jinja templates (ours and the theme's) between builds, in ``cache_dir``."""

    cache_dir = c.Type(str, default=".cache/briefing")
    """Folder of the template cache, relative to mkdocs.yml (ignored by git)."""

    search_part_pages = _AtLeastOne(default=PART_PAGES)
    """At most this many searchable pages in one Pagefind run; more are indexed in parts (briefing.site.search)."""

    parallel = c.Type(bool, default=True)
    """Convert every second generated page in a second process (briefing.site.parallel); ``build`` only."""
