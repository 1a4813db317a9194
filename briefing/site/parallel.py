"""Every second generated page is converted in a second process while MkDocs converts the rest.

Converting the pages (Python-Markdown, MkDocs' link rewriting, then the plugin's
``on_page_content``) is most of a build, and MkDocs does it one page at a time on
one core. Once MkDocs has its files and navigation (``on_nav``), the plugin forks
a helper. The helper runs MkDocs' own page steps (:func:`convert`) on its share of
the pages and sends back what a conversion leaves on a page (:class:`Converted`).
When MkDocs' loop in the parent reaches such a page, the plugin hands MkDocs an
empty Markdown to convert and puts the helper's results on the page.

What stays exactly as in a one-process build:

- the same code converts each page, so the site is byte-identical
  (``tests/test_parallel.py``);
- log records (MkDocs' link warnings above all) are captured in the helper and
  emitted by the parent at the page's turn, so ``--strict`` counts them and they
  come in the same order;
- a page that fails in the helper is converted again by the parent, which then
  fails with the same message;
- if the helper dies, the parent converts whatever is left.

The helper is forked, not spawned: it needs MkDocs' configuration, files and
plugin as they are at that moment, and a fork shares them without copying.
"""

from __future__ import annotations

import gc
import logging
import multiprocessing
import os
import pickle
import queue
import signal
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page

log = logging.getLogger("mkdocs.plugins.briefing")

#: Below this many pages for the helper, a second process costs more than it saves.
MIN_PAGES = 20

#: How long the parent waits for the helper's next page before it checks that the helper is alive.
_PATIENCE = 1.0


@dataclass
class Converted:
    """What converting one page leaves on it, sent from the helper to the parent."""

    src_uri: str
    html: bytes | None
    """The plugin's packed HTML of the page; None: the conversion failed, the parent converts it again."""
    toc: Any = None
    anchors: set[str] = field(default_factory=set)
    links: dict[str, dict[str, str]] | None = None
    """MkDocs' links to anchors in other pages, by the other page's src_uri (File objects stay behind)."""
    title: str | None = None
    records: list[logging.LogRecord] = field(default_factory=list)


def usable(config: MkDocsConfig, ours: type) -> bool:
    """A second process may convert pages: a build (the caller checks), on more than one core,
    with fork available, and no plugin but ours (another plugin's hooks may keep state that a
    second process would lose)."""
    return (
        "fork" in multiprocessing.get_all_start_methods()
        and len(os.sched_getaffinity(0)) > 1
        and all(isinstance(plugin, ours) for plugin in config.plugins.values())
    )


def convert(file: File, config: MkDocsConfig, files: Files, take_html: Callable[[str], bytes]) -> Converted:
    """MkDocs' steps for one page (``mkdocs.commands.build._populate_page``), in the helper."""
    page = file.page or Page(None, file, config)
    page = config.plugins.on_pre_page(page, config=config, files=files)
    page.read_source(config)
    assert page.markdown is not None
    page.markdown = config.plugins.on_page_markdown(page.markdown, page=page, config=config, files=files)
    page.render(config, files)
    config.plugins.on_page_content(page.content or "", page=page, config=config, files=files)
    links = page.links_to_anchors
    return Converted(
        file.src_uri, take_html(file.src_uri), page.toc, set(page.present_anchor_ids or ()),
        None if links is None else {target.src_uri: dict(found) for target, found in links.items()},
        page._title_from_render,
    )


def finish(page: Page, converted: Converted, files: Files) -> None:
    """Put the helper's results on the parent's page, and emit its log records now, at its turn."""
    page.toc = converted.toc
    page.present_anchor_ids = converted.anchors
    if converted.links is not None:
        page.links_to_anchors = {
            target: found
            for uri, found in converted.links.items()
            if (target := files.get_file_from_path(uri)) is not None
        }
    page._title_from_render = converted.title
    for record in converted.records:
        logging.getLogger(record.name).handle(record)


class _Capture(logging.Handler):
    """The helper's log records, kept for the parent (made picklable: message formatted)."""

    def __init__(self) -> None:
        super().__init__(logging.NOTSET)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        record.msg, record.args = record.getMessage(), None
        record.exc_info = record.exc_text = record.stack_info = None
        self.records.append(record)


def _capture_logs() -> _Capture:
    """In the helper: every record goes to one capturing handler, none to the terminal."""
    capture = _Capture()
    for logger in logging.Logger.manager.loggerDict.values():
        if isinstance(logger, logging.Logger):  # MkDocs' logger does not propagate: here, all do, once
            logger.handlers, logger.propagate = [], True
    logging.getLogger().handlers = [capture]
    return capture


class Helper:
    """The second process, seen from the parent: its pages, and their results in MkDocs' order."""

    def __init__(self, uris: Sequence[str], run: Callable[[str], Converted]) -> None:
        self.uris = frozenset(uris)
        self.done = 0
        context = multiprocessing.get_context("fork")
        self.results: multiprocessing.Queue[bytes] = context.Queue()
        # Objects alive now are shared with the helper, not copied: its collector must not touch them.
        gc.freeze()
        try:
            self.process: multiprocessing.context.ForkProcess | None = context.Process(target=_work, args=(list(uris), run, self.results), daemon=True)
            self.process.start()
        finally:
            gc.unfreeze()
        self.expected = iter(uris)

    def result(self, src_uri: str) -> Converted | None:
        """The helper's conversion of this page; None if the parent is to convert it."""
        if src_uri not in self.uris or self.process is None:
            return None
        if next(self.expected, None) != src_uri:  # MkDocs' order is the helper's; never otherwise
            self.stop("pages came in another order")
            return None
        while True:
            try:
                converted: Converted = pickle.loads(self.results.get(timeout=_PATIENCE))
                break
            except queue.Empty:
                if not self.process.is_alive() and self.results.empty():
                    self.stop("it stopped")
                    return None
        if converted.src_uri != src_uri:  # a result was lost on the way
            self.stop("a page was lost")
            return None
        self.done += 1
        return converted if converted.html is not None else None

    def close(self) -> None:
        """After MkDocs' loop: every result was taken; the helper has ended or ends now."""
        if self.process is not None:
            self.process.join(timeout=10)
            self.stop(None)

    def stop(self, why: str | None) -> None:
        if why is not None:
            log.warning(f"the second process converting pages was stopped ({why}); this one converts the rest")
        if self.process is not None:
            if self.process.is_alive():
                self.process.kill()
            self.process.join()
            self.process.close()
            self.process = None
        self.results.close()


def _work(uris: list[str], run: Callable[[str], Converted], results: multiprocessing.Queue[bytes]) -> None:
    """The helper: convert its pages in order and send each result; never print, never clean up."""
    for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, signal.SIG_DFL)  # the parent's handlers clean its staging folder
    capture = _capture_logs()
    for uri in uris:
        capture.records = []
        try:
            converted = run(uri)
        except Exception:  # the parent converts it again, and reports what goes wrong
            converted = Converted(uri, None)
        converted.records = capture.records
        try:
            sent = pickle.dumps(converted, pickle.HIGHEST_PROTOCOL)
        except Exception:  # something on the page that does not pickle: the parent converts it
            sent = pickle.dumps(Converted(uri, None, records=[]), pickle.HIGHEST_PROTOCOL)
        results.put(sent)
    results.close()
    results.join_thread()
