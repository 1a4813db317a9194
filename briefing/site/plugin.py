"""The ``briefing`` MkDocs plugin: thin glue between MkDocs and :func:`briefing.generate.generate`.

Event order in a build (see mkdocs ``commands/build.py``):

1. ``on_config``: validate and render the whole Markdown tree; stop on content
   errors before MkDocs touches the site directory; build into a staging folder.
2. ``on_files``: serve the generated pages with ``File.generated``; drop
   anything else from ``docs_dir`` that is not a known page or asset type.
3. ``on_page_content``: sanitise each page's HTML with nh3 (defence in depth).
   ``on_env`` gives the theme's Jinja environment the compiled-template cache
   (the ``cache`` option), since MkDocs compiles the theme anew every build.
4. ``on_post_build``: fail on broken internal links, then swap the staging
   folder in as the site, after Pagefind has indexed it (:mod:`briefing.site.search`).
   ``on_build_error`` throws the staging folder away.

All state lives on the instance: MkDocs keeps one instance across ``serve``
rebuilds because the plugin defines ``on_startup``. The command line sets
:attr:`BriefingPlugin.overrides` and :attr:`BriefingPlugin.reporter` on it.
"""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import jinja2
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.livereload import LiveReloadServer
from mkdocs.plugins import BasePlugin
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page

from briefing.config import BriefingConfig
from briefing.diagnostics import Diagnostic
from briefing.generate import Generation, generate
from briefing.render.template_cache import compiled_templates
from briefing.settings import Settings
from briefing.site import output, search

log = logging.getLogger("mkdocs.plugins.briefing")

#: Files from docs_dir that may be published (hand-written pages and site assets).
PUBLISHABLE = (".md", ".css", ".js", ".svg", ".png", ".jpg", ".jpeg", ".webp", ".ico", ".woff2", ".txt")


#: Up to three folders deep: archive pages such as ``chronology/2021/03/2.md``.
_SAFE_URI = re.compile(r"(?:[a-z0-9]+(?:-[a-z0-9]+)*/){0,3}[a-z0-9]+(?:-[a-z0-9]+)*\.md")


class ContentBuildError(PluginError):
    """The content has errors (or warnings under --strict): exit code 1."""

    #: How its message ends (the command line recognises MkDocs' echo of it).
    SUFFIXES = ("in content or templates", "(--strict)")


class _LinkWarnings(logging.Handler):
    """Counts MkDocs' warnings about links (and, under --strict, every warning)."""

    def __init__(self, strict: bool) -> None:
        super().__init__(logging.WARNING)
        self.strict = strict
        self.count = 0

    def emit(self, record: logging.LogRecord) -> None:
        if self.strict or record.name.startswith(("mkdocs.structure", "mkdocs.plugins.briefing")):
            self.count += 1


class BriefingPlugin(BasePlugin[BriefingConfig]):  # type: ignore[no-untyped-call]
    def __init__(self) -> None:
        self.overrides: dict[str, Any] = {}
        """Options the command line sets over mkdocs.yml (``--content``, ``--max-marking``, ...)."""
        self.reporter: Callable[[list[Diagnostic]], None] | None = None
        """Where diagnostics go; the command line prints them in the compiler convention."""
        self.serving = False
        self.content_failure: str | None = None
        """Why the last build stopped on the content (the command line's one-line summary)."""
        self.settings: Settings | None = None
        self.result: Generation | None = None
        self.staged: Path | None = None
        self.final: Path | None = None
        self.warnings: _LinkWarnings | None = None
        self.csp_hashes: set[str] = set()
        self.csp_files: list[tuple[Path, frozenset[str]]] = []
        self._epoch_is_ours = False

    def on_startup(self, *, command: str, dirty: bool) -> None:
        self.serving = command == "serve"

    def resolve_settings(self, config: MkDocsConfig) -> Settings:
        """The plugin options from mkdocs.yml with the command line's overrides, resolved."""
        for key, value in self.overrides.items():
            if key in self.config:
                self.config[key] = value
        strict = bool(config.strict or self.overrides.get("strict"))
        return Settings.from_plugin(
            self.config, config.config_file_path, strict=strict, directory_urls=config.use_directory_urls
        )

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        self.settings = settings = self.resolve_settings(config)
        if "search" in config.plugins or "material/search" in config.plugins:
            raise PluginError(
                "mkdocs.yml: remove the 'search' plugin: the briefing plugin indexes the site with Pagefind"
            )
        self.content_failure = None
        self.csp_hashes, self.csp_files = set(), []
        result = self.result = generate(settings)
        self._report(result.diagnostics.sorted())
        if result.failed(settings.strict):
            errors, warnings = len(result.diagnostics.errors), len(result.diagnostics.warnings)
            self.content_failure = f"{errors} error(s) in content or templates" + (
                f" and {warnings} warning(s) (--strict)" if settings.strict else ""
            )
            raise ContentBuildError(self.content_failure)
        self._set_epoch(result)
        self.warnings = _LinkWarnings(settings.strict)
        logging.getLogger("mkdocs").addHandler(self.warnings)
        if not self.serving:
            self.final = Path(config.site_dir)
            self.staged = output.staging_dir(self.final)
            config.site_dir = str(self.staged)
        return config

    def _report(self, diagnostics: list[Diagnostic]) -> None:
        if self.reporter is not None:
            self.reporter(diagnostics)
            return
        for d in diagnostics:
            (log.error if d.severity == "error" else log.warning)(d.format())

    def _set_epoch(self, result: Generation) -> None:
        # Reproducible output: MkDocs dates the sitemap and gzip headers from
        # SOURCE_DATE_EPOCH. Respect one set by the user; otherwise use the content's.
        if "SOURCE_DATE_EPOCH" in os.environ and not self._epoch_is_ours:
            return
        os.environ["SOURCE_DATE_EPOCH"] = str(output.content_epoch(result.latest_as_of))
        self._epoch_is_ours = True

    def on_files(self, files: Files, *, config: MkDocsConfig) -> Files:
        assert self.result is not None  # on_config generated, or raised
        generated = self.result.pages
        for file in list(files):
            if file.generated_by is not None or file.src_dir != config.docs_dir:
                continue  # theme assets and other plugins' files
            if file.src_uri in generated:
                raise PluginError(
                    f"{config.docs_dir}/{file.src_uri} collides with a generated page; rename or remove it"
                )
            if not file.src_uri.lower().endswith(PUBLISHABLE) or any(
                part.startswith(".") for part in file.src_uri.split("/")
            ):
                log.info("not published (not a page or site asset): %s", file.src_uri)
                files.remove(file)
        for src_uri, markdown in generated.items():
            # Ids make unsafe paths impossible; check again where files are made.
            if not _SAFE_URI.fullmatch(src_uri):
                raise PluginError(f"refusing to generate a page at an unsafe path: {src_uri!r}")
            files.append(File.generated(config, src_uri, content=markdown))
        return files

    def on_page_content(self, html: str, *, page: Page, config: MkDocsConfig, files: Files) -> str:
        return output.sanitize(html)

    def on_env(self, env: jinja2.Environment, *, config: MkDocsConfig, files: Files) -> jinja2.Environment:
        settings = self.settings
        if env.bytecode_cache is None and settings is not None and settings.cache_dir is not None:
            env.bytecode_cache = compiled_templates(settings.cache_dir)  # before any theme template loads
        return env

    def on_post_page(self, output_content: str, *, page: Page, config: MkDocsConfig) -> str:
        return self._with_csp(output_content, Path(page.file.abs_dest_path))

    def on_post_template(self, output_content: str, *, template_name: str, config: MkDocsConfig) -> str:
        if not template_name.endswith(".html"):
            return output_content
        return self._with_csp(output_content, Path(config.site_dir) / template_name)

    def _with_csp(self, html: str, path: Path) -> str:
        # mkdocs serve injects its live-reload script into every page: no CSP in preview.
        if self.serving or "Content-Security-Policy" in html:
            return html
        # Each page gets its own inline scripts' hashes now. With `extra.scope` set
        # (mkdocs.yml), Material's inline scripts are the same on every page, so the
        # pass after the build normally has nothing to rewrite.
        hashes = frozenset(output.script_hashes(html))
        self.csp_hashes |= hashes
        self.csp_files.append((path, hashes))
        return output.add_csp(html, hashes)

    def on_serve(self, server: LiveReloadServer, *, config: MkDocsConfig, builder: Callable[..., Any]) -> LiveReloadServer:
        # Content and templates live outside docs_dir: watch them too.
        assert self.settings is not None
        for path in (self.settings.content_dir, self.settings.templates_dir, self.settings.vocabularies):
            if path.exists():
                server.watch(str(path))
        return server

    def on_post_build(self, *, config: MkDocsConfig) -> None:
        warnings = self.warnings.count if self.warnings is not None else 0
        self._detach()
        output.widen_csp(self.csp_files, self.csp_hashes)
        if warnings:
            raise PluginError(
                f"{warnings} warning(s) about links or content during the build (see above); "
                "the previous site was left as it was"
            )
        try:
            seconds = search.index_site(Path(config.site_dir))
        except search.SearchIndexError as exc:
            raise PluginError(f"{exc}; the previous site was left as it was") from None
        log.info(f"search index written in {seconds:.2f} s")
        if self.staged is not None and self.final is not None:
            output.swap_in(self.staged, self.final)
            config.site_dir = str(self.final)
            self.staged = None

    def on_build_error(self, *, error: Exception) -> None:
        self._detach()
        output.discard(self.staged)
        self.staged = None

    def _detach(self) -> None:
        if self.warnings is not None:
            logging.getLogger("mkdocs").removeHandler(self.warnings)
            self.warnings = None
