"""The ``briefing`` MkDocs plugin: thin glue between MkDocs and :func:`briefing.generate.generate`.

Event order in a build (see mkdocs ``commands/build.py``):

1. ``on_config``: validate and render the whole Markdown tree; stop on content
   errors before MkDocs touches the site directory; build into a staging folder.
2. ``on_files``: serve the generated pages with ``File.generated``; drop
   anything else from ``docs_dir`` that is not a known page or asset type.
   Under ``briefing build``, the pages come from the child forked at start
   (:mod:`briefing.early`), taken here rather than in ``on_config`` so that it
   can finish while MkDocs lists the theme's files; its content errors stop the
   build here, before any page is written.
3. ``on_page_content``: sanitise each page's HTML (defence in depth), in a
   forked worker (:mod:`briefing.site.sanitizer`); ``on_env`` puts the results
   in place before any template or the search index reads them, and gives the
   theme's environment a cache of compiled templates
   (:mod:`briefing.jinjacache`), since MkDocs compiles them anew every build.
4. ``on_post_build``: fail on broken internal links, then swap the staging
   folder in as the site, after Pagefind has indexed it (:mod:`briefing.site.search`).
   ``on_build_error`` throws the staging folder away.
"""

from __future__ import annotations

import logging
import os
import re
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin
from mkdocs.structure.files import File, Files

from briefing.config import BriefingConfig
from briefing.diagnostics import Diagnostic
from briefing.early import EarlyGeneration
from briefing.jinjacache import compiled_templates
from briefing.settings import Settings
from briefing.site import output, search
from briefing.site.sanitizer import Sanitizer

if TYPE_CHECKING:
    from briefing.generate import Generation

log = logging.getLogger("mkdocs.plugins.briefing")

#: Option overrides from the command line; module-level so they survive
#: ``mkdocs serve`` reloading the config (and the plugin) on every rebuild.
OVERRIDES: dict[str, Any] = {}
#: Where diagnostics go; the CLI prints them in the compiler convention.
REPORTER: Callable[[list[Diagnostic]], None] | None = None
_SERVING = False
#: A generation that ``briefing build`` started before MkDocs loaded (see briefing.early).
EARLY: EarlyGeneration | None = None
_EPOCH_IS_OURS = False

#: Files from docs_dir that may be published (hand-written pages and site assets).
PUBLISHABLE = (".md", ".css", ".js", ".svg", ".png", ".jpg", ".jpeg", ".webp", ".ico", ".woff2", ".txt")


_SAFE_URI = re.compile(r"(?:[a-z0-9]+(?:-[a-z0-9]+)*/){0,3}[a-z0-9]+(?:-[a-z0-9]+)*\.md")


class ContentBuildError(PluginError):
    """The content has errors (or warnings under --strict): exit code 1."""


class _LinkWarnings(logging.Handler):
    """Counts MkDocs' warnings about links (and, under --strict, every warning)."""

    def __init__(self, strict: bool) -> None:
        super().__init__(logging.WARNING)
        self.strict = strict
        self.count = 0

    def emit(self, record: logging.LogRecord) -> None:
        if self.strict or record.name.startswith(("mkdocs.structure", "mkdocs.plugins.briefing")):
            self.count += 1


class BriefingPlugin(BasePlugin[BriefingConfig]):
    def __init__(self) -> None:
        self.result: Generation | None = None
        self.early: EarlyGeneration | None = None
        self.staged: Path | None = None
        self.final: Path | None = None
        self.warnings: _LinkWarnings | None = None
        self.csp_hashes: set[str] = set()
        self.csp_files: list[tuple[Path, frozenset[str]]] = []
        self.sanitizer = Sanitizer()

    def on_startup(self, *, command: str, dirty: bool) -> None:
        global _SERVING
        _SERVING = command == "serve"

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        for key, value in OVERRIDES.items():
            if key in self.config:
                self.config[key] = value
        strict = bool(config.strict or OVERRIDES.get("strict"))
        settings = Settings.from_plugin(
            self.config, config.config_file_path, strict=strict, directory_urls=config.use_directory_urls
        )
        self.settings = settings
        if "search" in config.plugins or "material/search" in config.plugins:
            raise PluginError(
                "mkdocs.yml: remove the 'search' plugin: the briefing plugin indexes the site with Pagefind"
            )
        global EARLY
        self.early, EARLY = EARLY, None
        self.result = None
        if self.early is None:
            self._obtain()
        self.warnings = _LinkWarnings(strict)
        logging.getLogger("mkdocs").addHandler(self.warnings)
        if not _SERVING:
            self.final = Path(config.site_dir)
            self.staged = output.staging_dir(self.final)
            config.site_dir = str(self.staged)
        return config

    def _obtain(self) -> Generation:
        """The generation: the early child's if it used these settings, else made here.

        Raises :class:`ContentBuildError` if the content or templates have errors.
        """
        start = time.perf_counter()
        early, self.early = self.early, None
        result = early.take(self.settings) if early is not None else None
        if result is not None:
            log.debug(f"took {len(result.pages)} pages generated since start (waited {time.perf_counter() - start:.2f} s)")
        else:
            from briefing.generate import generate  # not needed when the early child did it

            result = generate(self.settings)
            log.debug(f"generated {len(result.pages)} pages in {time.perf_counter() - start:.2f} s")
        self.result = result
        self._report(result.diagnostics.sorted())
        strict = self.settings.strict
        if result.failed(strict):
            errors, warnings = len(result.diagnostics.errors), len(result.diagnostics.warnings)
            raise ContentBuildError(
                f"{errors} error(s) in content or templates" + (f" and {warnings} warning(s) (--strict)" if strict else "")
            )
        self._set_epoch(result)
        return result

    def _report(self, diagnostics: list[Diagnostic]) -> None:
        if REPORTER is not None:
            REPORTER(diagnostics)
            return
        for d in diagnostics:
            (log.error if d.severity == "error" else log.warning)(d.format())

    def _set_epoch(self, result: Generation) -> None:
        # Reproducible output: MkDocs dates the sitemap and gzip headers from
        # SOURCE_DATE_EPOCH. Respect one set by the user; otherwise use the content's.
        global _EPOCH_IS_OURS
        if "SOURCE_DATE_EPOCH" in os.environ and not _EPOCH_IS_OURS:
            return
        os.environ["SOURCE_DATE_EPOCH"] = str(output.content_epoch(result.latest_as_of))
        _EPOCH_IS_OURS = True

    def on_files(self, files: Files, *, config: MkDocsConfig) -> Files:
        # Taken this late so that the early child can finish while MkDocs lists the theme's files.
        generated = (self.result or self._obtain()).pages
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

    def on_page_content(self, html: str, *, page: Any, **kwargs: Any) -> str:
        return self.sanitizer.submit(page, html)

    def on_env(self, env: Any, *, config: MkDocsConfig, files: Files) -> Any:
        self.sanitizer.finish()  # before any template or the search index reads page.content
        if env.bytecode_cache is None:  # no theme template has been loaded yet
            env.bytecode_cache = compiled_templates()
        return env

    def on_post_page(self, html: str, *, page: Any, config: MkDocsConfig) -> str:
        return self._with_csp(html, Path(page.file.abs_dest_path))

    def on_post_template(self, html: str, *, template_name: str, config: MkDocsConfig) -> str:
        if not template_name.endswith(".html"):
            return html
        return self._with_csp(html, Path(config.site_dir) / template_name)

    def _with_csp(self, html: str, path: Path) -> str:
        # mkdocs serve injects its live-reload script into every page: no CSP in preview.
        if _SERVING or "Content-Security-Policy" in html:
            return html
        # Each page gets its own inline scripts' hashes now. With `extra.scope` set
        # (mkdocs.yml), Material's inline scripts are the same on every page, so the
        # pass after the build normally has nothing to rewrite.
        hashes = frozenset(output.script_hashes(html))
        self.csp_hashes |= hashes
        self.csp_files.append((path, hashes))
        return output.add_csp(html, hashes)

    def on_serve(self, server: Any, *, config: MkDocsConfig, builder: Any) -> Any:
        # Content and templates live outside docs_dir: watch them too.
        for path in (self.settings.content_dir, self.settings.templates_dir, self.settings.vocabularies):
            if path.exists():
                server.watch(str(path))
        return server

    def on_post_build(self, *, config: MkDocsConfig) -> None:
        self._detach()
        output.widen_csp(self.csp_files, self.csp_hashes)
        if self.warnings is not None and self.warnings.count:
            raise PluginError(
                f"{self.warnings.count} warning(s) about links or content during the build (see above); "
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
        if self.early is not None:
            self.early.discard()
            self.early = None
        self.sanitizer.close()
        output.discard(self.staged)
        self.staged = None

    def _detach(self) -> None:
        if self.warnings is not None:
            logging.getLogger("mkdocs").removeHandler(self.warnings)
