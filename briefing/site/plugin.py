"""The ``briefing`` MkDocs plugin: thin glue between MkDocs and :func:`briefing.generate.generate`.

Event order in a build (see mkdocs ``commands/build.py``):

1. ``on_config``: validate and render the whole Markdown tree; stop on content
   errors before MkDocs touches the site directory; build into a staging folder.
2. ``on_files``: serve the generated pages with ``File.generated``; drop
   anything else from ``docs_dir`` that is not a known page or asset type;
   list the exports (under ``build``, a second process has been writing them
   since generation had the filtered model; ``on_env`` moves them into place).
3. ``on_nav``: under ``build``, fork the helper that converts every second
   generated page (:mod:`briefing.site.parallel`); ``on_page_markdown`` hands
   MkDocs an empty Markdown for those pages and ``on_page_content`` the
   helper's results.
4. ``on_page_content``: sanitise each page's HTML with nh3 (defence in depth).
   ``on_env`` (every page converted) waits for the helpers, and gives the
   theme's Jinja environment the compiled-template cache (the ``cache``
   option), since MkDocs compiles the theme anew every build.
5. ``on_post_build``: fail on broken internal links, then swap the staging
   folder in as the site, after Pagefind has indexed it (:mod:`briefing.site.search`).
   ``on_build_error`` throws the staging folder away.

All state lives on the instance: MkDocs keeps one instance across ``serve``
rebuilds because the plugin defines ``on_startup``. The command line sets
:attr:`BriefingPlugin.overrides` and :attr:`BriefingPlugin.reporter` on it.

Which site folders a build refuses, the lock and the staging folders are
:mod:`briefing.site.destination` and :mod:`briefing.site.staging`.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
import os
import re
import stat
from collections.abc import Callable, MutableMapping
from pathlib import Path
from typing import Any

import jinja2
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import ConfigurationError, PluginError
from mkdocs.livereload import LiveReloadServer
from mkdocs.plugins import BasePlugin
from mkdocs.structure.files import File, Files
from mkdocs.structure.nav import Navigation
from mkdocs.structure.pages import Page
from mkdocs.utils import get_relative_url
from mkdocs.utils.templates import TemplateContext

from briefing.config import BriefingConfig
from briefing.diagnostics import BriefingError, Diagnostic, display_path
from briefing.discover import kind_of
from briefing.export.facts import ExportOptions, Memo
from briefing.generate import Generation, generate
from briefing.history import Beside
from briefing.links import publishable, raw_html_ids
from briefing.model import Project
from briefing.render.blocks import BlockError, blocks_of, restore
from briefing.render.template_cache import compiled_templates
from briefing.settings import Settings
from briefing.site import link_warnings, output, packed, parallel, search, staging
from briefing.site.destination import Protected
from briefing.site.preview import PAGE as PROBLEMS_PAGE
from briefing.site.preview import PreviewState, nav_paths

log = logging.getLogger("mkdocs.plugins.briefing")

#: Up to three folders deep: archive pages such as ``chronology/2021/03/2.md``.
_SAFE_URI = re.compile(r"(?:[a-z0-9]+(?:-[a-z0-9]+)*/){0,3}[a-z0-9]+(?:-[a-z0-9]+)*\.md")
#: Where a build's exports wait, in the staging folder, until ``on_env`` moves them into place.
_EXPORTS_WAIT = ".exports"
#: Export files (briefing.export.paths): the site feed, or under data/ or feeds/, built from ids.
_SAFE_EXPORT = re.compile(r"feed\.xml|(?:data|feeds)(?:/[a-z0-9]+(?:-[a-z0-9]+)*)+(?:\.[a-z0-9]+)+")


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
        self.links: list[str] = []
        """MkDocs' warnings about broken links: reported as diagnostics (briefing.site.link_warnings)."""

    def emit(self, record: logging.LogRecord) -> None:
        if self.strict or record.name.startswith(("mkdocs.structure", "mkdocs.plugins.briefing")):
            self.count += 1
        if record.name.startswith("mkdocs.structure") and link_warnings.is_link_warning(record.getMessage()):
            self.links.append(record.getMessage())


def protected_folders(config: MkDocsConfig, settings: Settings) -> Protected:
    """The project's folders that no output folder may touch (see :mod:`briefing.site.destination`)."""
    theme_dir = config.theme.custom_dir
    return Protected(
        root=settings.root,
        folders={
            "content": settings.content_dir,
            "templates": settings.templates_dir,
            "pages (docs_dir)": Path(config.docs_dir),
            **({"theme overrides (custom_dir)": Path(theme_dir)} if theme_dir else {}),
        },
    )


def _readable(path: str | None) -> bool:
    """True for a regular file this process can open; else say why it is not published."""
    if path is None:
        return True
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)  # never blocks, even on a FIFO
    except OSError as exc:
        raise PluginError(f"{display_path(Path(path))}: cannot read: {exc.strerror or exc}") from None
    try:
        mode = os.fstat(fd).st_mode
    finally:
        os.close(fd)
    if stat.S_ISREG(mode):
        return True
    log.warning("not published: %s is %s, not a regular file", display_path(Path(path)), kind_of(mode))
    return False


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
        self.staging: staging.Staging | None = None
        self.export_memo = Memo()
        """Export pieces kept between the rebuilds of ``serve`` (briefing.export.facts.Memo)."""
        self.warnings: _LinkWarnings | None = None
        self.csp_hashes: set[str] = set()
        self.csp_files: list[tuple[Path, frozenset[str]]] = []
        self._epoch_is_ours = False
        self.preview = PreviewState()
        """``serve`` only: the last good generation and the problems of the last build."""
        self.pages: MutableMapping[str, str] = {}
        """The Markdown pages this build publishes (under ``serve``, with the problems page);
        packed (:mod:`briefing.site.packed`), each until MkDocs reads it."""
        self.blocks: MutableMapping[str, str] = {}
        """Each generated page's maps and timelines, out of its Markdown until it is converted
        (:mod:`briefing.render.blocks`); packed like the pages."""
        self.html: dict[str, bytes] = {}
        """Each converted page's HTML, packed until MkDocs writes the page."""
        self.generated: set[str] = set()
        """The src_uri of every generated page of this build (``pages`` empties as MkDocs reads them)."""
        self.summary = ""
        """What this build published and left out, for the terminal (``briefing build`` prints it)."""
        self.helper: parallel.Helper | None = None
        """``build`` only: the second process converting every second generated page (briefing.site.parallel)."""
        self.converted: parallel.Converted | None = None
        """The helper's conversion of the page MkDocs is converting now."""
        self.exporter: parallel.Background | None = None
        """``build`` only: the second process writing the exports, from generation until ``on_env``."""
        self.exported: frozenset[str] = frozenset()
        """The site path of every export file of this build."""
        self.indexer: search.Indexer | None = None
        """The search index, made while MkDocs writes the pages (from ``on_env`` to ``on_post_build``)."""

    def on_startup(self, *, command: str, dirty: bool) -> None:
        self.serving = command == "serve"
        if self.serving:  # SIGTERM and SIGHUP too let `mkdocs serve` remove its preview folder
            staging.catch_signals()

    def resolve_settings(self, config: MkDocsConfig) -> Settings:
        """The plugin options from mkdocs.yml with the command line's overrides, resolved."""
        for key, value in self.overrides.items():
            if key in self.config:
                self.config[key] = value
        strict = bool(config.strict or self.overrides.get("strict"))
        return Settings.from_plugin(
            self.config, config.config_file_path, strict=strict, directory_urls=config.use_directory_urls,
            docs_dir=config.docs_dir, markdown=(list(config.markdown_extensions), dict(config.mdx_configs)),
        )

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        self.settings = settings = self.resolve_settings(config)
        if "search" in config.plugins or "material/search" in config.plugins:
            raise PluginError(
                "mkdocs.yml: remove the 'search' plugin: the briefing plugin indexes the site with Pagefind"
            )
        self.content_failure = None
        self.summary = ""
        self.csp_hashes, self.csp_files = set(), []
        if self.serving:  # draft scaffolds are drafts in progress, not errors (briefing.site.preview)
            self.settings = settings = dataclasses.replace(settings, preview=True)
        if not self.serving:
            self._stage(config, settings)
        self.exporter = None
        result = self.result = generate(
            settings, into=packed.Pages(), blocks=packed.Pages(), on_visible=self._start_exports(config),
            beside=self._beside(config),
        )
        self._report(result.diagnostics.sorted())
        if result.history_note:
            log.info(result.history_note)  # once per build: pages say it where it matters
        log.info(f"revision history read in {result.history_seconds:.2f} s")
        self.pages, self.blocks = result.pages, result.blocks
        if self.serving:
            result = self._preview(result, config)
        elif result.failed(settings.strict):
            errors, warnings = len(result.diagnostics.errors), len(result.diagnostics.warnings)
            self.content_failure = f"{errors} error(s) in content or templates" + (
                f" and {warnings} warning(s) (--strict)" if settings.strict else ""
            )
            raise ContentBuildError(self.content_failure)
        else:
            self.summary = result.summary
        self._set_epoch(result)
        self.warnings = _LinkWarnings(settings.strict)
        logging.getLogger("mkdocs").addHandler(self.warnings)
        return config

    def _stage(self, config: MkDocsConfig, settings: Settings) -> None:
        """Check the site folder, lock it, and build into a staging folder beside it."""
        protected = protected_folders(config, settings)
        try:
            self.staging = staging.begin(Path(config.site_dir), protected, force=bool(self.overrides.get("force")))
        except BriefingError as exc:  # refused, or another build is running
            raise ConfigurationError(str(exc)) from None
        except OSError as exc:
            raise PluginError(f"cannot write beside the site folder: {staging.problem(exc)}") from None
        config.site_dir = str(self.staging.folder)

    def _preview(self, result: Generation, config: MkDocsConfig) -> Generation:
        """Under ``serve``, never fail (MkDocs' server would hang): the last good site and the problems."""
        assert self.settings is not None
        strict = self.settings.strict
        served = self.result = self.preview.take(result, strict)
        # Before any good build, the problems page stands in for the nav's generated pages.
        generated = [p for p in nav_paths(config.nav) if not (Path(config.docs_dir) / p).exists()]
        self.pages = self.preview.pages(served, generated)
        self.blocks = dict(served.blocks)  # the last good pages' (taken from as pages are converted)
        if result.failed(strict):
            kept = "the last good site" if self.preview.last_good is not None else "only the problems"
            log.info(f"the build failed: serving {kept}, with the problems at /{PROBLEMS_PAGE[:-3]}/")
        else:
            self.summary = result.summary
        return served

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
        generated = self.generated = set(self.pages)
        exported = self._exports(self.result, config)
        for file in list(files):
            if file.generated_by is not None:
                continue  # other plugins' files
            if file.src_dir == config.docs_dir:
                if file.src_uri in generated or file.src_uri in exported:
                    raise PluginError(
                        f"{config.docs_dir}/{file.src_uri} collides with a generated page; rename or remove it"
                    )
                if not publishable(file.src_uri):
                    log.info("not published (not a page or site asset): %s", file.src_uri)
                    files.remove(file)
                    continue
            if file.src_dir in (config.docs_dir, config.theme.custom_dir) and not _readable(file.abs_src_path):
                files.remove(file)  # never opened by MkDocs: a FIFO would hang the build
        for src_uri in self.pages:  # in path order
            # Ids make unsafe paths impossible; check again where files are made.
            if not _SAFE_URI.fullmatch(src_uri):
                raise PluginError(f"refusing to generate a page at an unsafe path: {src_uri!r}")
            # The Markdown itself is handed over when MkDocs reads the page (on_page_read_source).
            files.append(File.generated(config, src_uri, content=""))
        for path, written in exported.items():
            files.append(File.generated(config, path, abs_src_path=written))
        return files

    def _start_exports(self, config: MkDocsConfig) -> Callable[[Project, dict[str, dt.datetime]], None] | None:
        """Under ``build``: start writing the exports as soon as generation has the filtered model,
        in a second process, into a hidden folder of the staging folder (MkDocs' cleaning skips
        hidden entries); ``on_env`` moves them into place."""
        if not self._parallel(config):
            return None
        waiting = Path(config.site_dir) / _EXPORTS_WAIT

        def start(visible: Project, revised: dict[str, dt.datetime]) -> None:
            paths = self._export_paths(visible)
            self.exporter = parallel.Background.start(
                lambda: self._write_exports(visible, revised, config, paths, waiting), "the exports"
            )
            self.exported = paths

        return start

    def _beside(self, config: MkDocsConfig) -> Beside | None:
        """Under ``build``: half of the revision history is worked out in a second process."""
        if not self._parallel(config):
            return None
        return lambda work: parallel.Background.start(work, "the revision history")

    def _parallel(self, config: MkDocsConfig) -> bool:
        """Second processes convert pages and write the exports: ``build`` only (serve's server runs threads)."""
        return bool(self.config.parallel) and not self.serving and parallel.usable(config, BriefingPlugin)

    def _export_paths(self, visible: Project) -> frozenset[str]:
        """Every export file of ``visible``: briefing.export.paths is the one home of the paths."""
        from briefing.export.paths import export_files

        paths = export_files(visible)
        for path in sorted(paths):
            if not _SAFE_EXPORT.fullmatch(path):
                raise PluginError(f"refusing to write an export at an unsafe path: {path!r}")
        return frozenset(paths)

    def _exports(self, result: Generation, config: MkDocsConfig) -> dict[str, str]:
        """Feeds and data files, from the same filtered model as the pages (briefing.export):
        ``{site path: file}``, sorted by path.

        In the site folder (under ``build``, the staging folder), MkDocs finds each file already
        in place (``File.copy_file`` skips a file copied onto itself). Under ``build`` they are
        being written already (:meth:`_start_exports`); under ``serve``, they are written now.
        """
        if result.project is None or self.settings is None:
            return {}
        site = Path(config.site_dir)
        if self.exporter is None:
            self.exported = self._export_paths(result.project)
            self._write_exports(
                result.project, result.last_revised, config, self.exported, site,
                memo=self.export_memo if self.serving else None,  # pieces of briefings that did not change
            )
        return {path: str(site / path) for path in sorted(self.exported)}

    def _write_exports(
        self, visible: Project, revised: dict[str, dt.datetime], config: MkDocsConfig, paths: frozenset[str],
        into: Path, memo: Memo | None = None,
    ) -> None:
        """Write each export file before making the next: at archive scale the exports are
        gigabytes, never all in memory at once. Every path of ``paths``, and no other."""
        from briefing.export import iter_exports, write_file
        from briefing.generate import profile_of

        assert self.settings is not None
        options = ExportOptions(
            profile=profile_of(self.settings),
            site_url=config.site_url or None,
            site_name=config.site_name,
            directory_urls=config.use_directory_urls,
            revised=tuple(sorted(revised.items())),
        )
        written: set[str] = set()
        for path, data in iter_exports(visible, options, memo=memo):
            if path not in paths:
                raise PluginError(f"refusing to write an export at an unexpected path: {path!r}")
            target = into / path
            target.parent.mkdir(parents=True, exist_ok=True)
            write_file(target, data)
            written.add(path)
        if written != paths:  # briefing.export.paths and briefing.export disagree: a bug, not content
            raise PluginError(f"the exports did not write {', '.join(sorted(paths - written)[:3])}")

    def _exports_in_place(self, config: MkDocsConfig) -> None:
        """The exports written in the background, moved from their hidden folder into the site."""
        if self.exporter is None:
            return
        exporter, self.exporter = self.exporter, None
        exporter.wait()
        site = Path(config.site_dir)
        waiting = site / _EXPORTS_WAIT
        if waiting.is_dir():
            for entry in sorted(os.listdir(waiting)):  # feed.xml, data/, feeds/: nothing else is there yet
                os.rename(waiting / entry, site / entry)
            waiting.rmdir()

    def on_nav(self, nav: Navigation, *, config: MkDocsConfig, files: Files) -> Navigation:
        # The files and the navigation are final: a second process can convert pages from here.
        self.helper = self.converted = None
        if self._parallel(config):
            share = [f.src_uri for f in files.documentation_pages() if f.src_uri in self.generated][1::2]
            if len(share) >= parallel.MIN_PAGES:
                def run(src_uri: str) -> parallel.Converted:
                    file = files.get_file_from_path(src_uri)
                    assert file is not None
                    return parallel.convert(file, config, files, self.html.pop)

                log.info(f"converting {len(share)} of {len(self.generated)} pages in a second process")
                self.helper = parallel.Helper.start(share, run)
        return nav

    def on_page_read_source(self, *, page: Page, config: MkDocsConfig) -> str | None:
        # A generated page's Markdown leaves this plugin as MkDocs reads it: no build holds
        # every page's Markdown and HTML at once.
        return self.pages.pop(page.file.src_uri, None)

    def on_page_markdown(self, markdown: str, *, page: Page, config: MkDocsConfig, files: Files) -> str:
        # A page the second process converted: MkDocs converts nothing, on_page_content puts the results on it.
        if self.helper is not None:
            self.converted = self.helper.result(page.file.src_uri)
            if self.converted is not None:
                return ""
        return markdown

    def on_page_content(self, html: str, *, page: Page, config: MkDocsConfig, files: Files) -> str:
        # MkDocs keeps every page from conversion until the last is written. Converted, nothing
        # reads the Markdown again (the title comes from the render; "", not None, keeps it so),
        # and the HTML waits packed until on_page_context gives it back to its page.
        page.markdown = ""
        if self.converted is not None:
            converted, self.converted = self.converted, None
            parallel.finish(page, converted, files)
            self.blocks.pop(page.file.src_uri, None)
            assert converted.html is not None
            self.html[page.file.src_uri] = converted.html
            return ""
        packed_blocks = self.blocks.pop(page.file.src_uri, None)
        if packed_blocks is not None:  # maps and timelines, kept out of the Markdown, go back in before sanitising
            blocks = blocks_of(packed_blocks)
            # MkDocs collected the page's anchors from the Markdown it converted: add the blocks'.
            page.present_anchor_ids = (page.present_anchor_ids or set()) | raw_html_ids(blocks)
            try:
                html = restore(html, blocks)
            except BlockError as exc:  # a template put a block where Markdown does not keep raw HTML
                if not self.serving:
                    raise PluginError(f"{page.file.src_uri}: {exc}") from None
                log.error(f"{page.file.src_uri}: {exc}")  # a preview never fails (MkDocs' server would hang)
        self.html[page.file.src_uri] = packed.pack(output.sanitize(html))
        return ""

    def on_page_context(
        self, context: TemplateContext, *, page: Page, config: MkDocsConfig, nav: Navigation
    ) -> TemplateContext:
        page.content = packed.unpack(self.html.pop(page.file.src_uri))
        return context

    def on_env(self, env: jinja2.Environment, *, config: MkDocsConfig, files: Files) -> jinja2.Environment:
        if self.helper is not None:  # every page is converted
            self.helper.close()
            self.helper = None
        self._exports_in_place(config)  # MkDocs copies the site's files next: the exports must be there
        settings = self.settings
        if env.bytecode_cache is None and settings is not None and settings.cache_dir is not None:
            env.bytecode_cache = compiled_templates(settings.cache_dir)  # before any theme template loads
        # MkDocs writes the pages next: Pagefind indexes them as they come (briefing.site.search.Indexer).
        self.indexer = search.Indexer(Path(config.site_dir), self.config.search_part_pages)
        return env

    def on_post_page(self, output_content: str, *, page: Page, config: MkDocsConfig) -> str:
        page.content = ""  # in output_content now; nothing reads it again
        if self.serving:
            target = PROBLEMS_PAGE[:-3] + ("/" if config.use_directory_urls else ".html")
            output_content = self.preview.banner(output_content, get_relative_url(target, page.url))
        else:
            output_content = self._with_csp(output_content, Path(page.file.abs_dest_path))
        if self.indexer is not None and search.SEARCHABLE in output_content:
            self.indexer.add(Path(page.file.dest_uri))  # MkDocs writes it right after this hook
        return output_content

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
        links = self.warnings.links if self.warnings is not None else []
        indexer, self.indexer = self.indexer, None
        self._detach()
        try:
            if self.serving:  # a preview never fails: MkDocs printed the warnings; the site stays served
                self._finish_search(indexer)
                if self.summary:
                    log.info(self.summary)
                return
            if links and self.settings is not None:  # not from content (briefing.links): templates or pages
                self._report(sorted({
                    link_warnings.diagnostic(m, self.generated, self.settings.templates_dir, Path(config.docs_dir))
                    for m in links
                }))
                self.content_failure = f"{len(set(links))} error(s) in content or templates"
                raise ContentBuildError(self.content_failure)
            if warnings:
                raise PluginError(
                    f"{warnings} warning(s) about links or content during the build (see above); "
                    "the previous site was left as it was"
                )
            self._finish_search(indexer)
            # After the index: Pagefind may read a page until then, and this rewrites pages in place.
            output.widen_csp(self.csp_files, self.csp_hashes)
        finally:
            if indexer is not None:
                indexer.stop()
        if self.staging is not None:
            staging.finish(self.staging)
            config.site_dir = str(self.staging.final)
            self.staging = None

    def _finish_search(self, indexer: search.Indexer | None) -> None:
        """Complete the search index (before the swap: a site and its index are one build)."""
        assert indexer is not None  # on_env made it
        try:
            seconds = indexer.finish()
        except search.SearchIndexError as exc:
            if self.serving:
                log.warning(f"{exc}; the preview has no search")
                return
            raise PluginError(f"{exc}; the previous site was left as it was") from None
        log.info(f"search index written {seconds:.2f} s after the last page")

    def on_build_error(self, *, error: Exception) -> None:
        self._detach()
        staging.abandon(self.staging)
        self.staging = None

    def _detach(self) -> None:
        if self.indexer is not None:
            self.indexer.stop()
            self.indexer = None
        if self.helper is not None:
            self.helper.stop(None)
            self.helper = None
        if self.exporter is not None:
            self.exporter.stop()
            self.exporter = None
        if self.warnings is not None:
            logging.getLogger("mkdocs").removeHandler(self.warnings)
            self.warnings = None
