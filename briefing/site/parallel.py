"""Both cores at work: every second generated page, the exports, and half of the revision history, in second processes.

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

One function can run in a forked process too, :class:`Background`; its return
value, log records and any error reach the parent at :meth:`Background.wait`, and
if it dies, the parent runs the function itself. The exports (feeds and data files)
are written so, from when generation has the filtered model (before it renders the
pages) until MkDocs has converted every page (``on_env``); and every second
briefing's revisions are worked out so while the parent works out the others
(:func:`briefing.history.revisions`: reading past versions from git is most of it).

Both are forked, not spawned: they need the model, and MkDocs' configuration,
files and plugin, as they are at that moment, and a fork shares them without
copying. A process that cannot be forked, or a helper that dies, leaves its work
to the parent, which logs it at info level: the build is the same.
"""

from __future__ import annotations

import atexit
import gc
import logging
import multiprocessing
import multiprocessing.context
import os
import pickle
import queue
import signal
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from typing import Any

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page

from briefing.site import staging

log = logging.getLogger("mkdocs.plugins.briefing")

#: Below this many pages for the helper, a second process costs more than it saves.
MIN_PAGES = 20




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
    """A second process may convert pages and write the exports: a build (the caller checks),
    on more than one core, with fork available and no other thread running (a fork copies
    only the forking thread: another thread's locks would stay held in the child), and no
    plugin but ours (another plugin's hooks may keep state that a second process would lose)."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    return (
        "fork" in multiprocessing.get_all_start_methods()
        and cores > 1
        and threading.active_count() == 1
        and all(isinstance(plugin, ours) for plugin in config.plugins.values())
    )


def convert(file: File, config: MkDocsConfig, files: Files, take_html: Callable[[str], bytes]) -> Converted:
    """MkDocs' steps for one page (``mkdocs.commands.build._populate_page``), in the helper."""
    page = file.page or Page(None, file, config)
    config._current_page = page  # as MkDocs sets it: `!relative` options read it
    try:
        page = config.plugins.on_pre_page(page, config=config, files=files)
        page.read_source(config)
        assert page.markdown is not None
        page.markdown = config.plugins.on_page_markdown(page.markdown, page=page, config=config, files=files)
        page.render(config, files)
        # As MkDocs does: the page keeps what the hook returns (the plugin's "", its HTML being
        # packed). Kept whole, every page the helper converts stayed in its memory: 1.2 GB at
        # 10,000 briefings.
        page.content = config.plugins.on_page_content(page.content or "", page=page, config=config, files=files)
    finally:
        config._current_page = None
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


#: The children alive now, ended at exit: before the staging folder's cleanup, which was
#: registered earlier (this module imports staging), so runs later.
_ALIVE: set[multiprocessing.context.ForkProcess] = set()


@atexit.register
def _end_children() -> None:
    for process in list(_ALIVE):
        _end(process)


def _end(process: multiprocessing.context.ForkProcess) -> None:
    if process.is_alive():
        process.kill()
    process.join()
    process.close()
    _ALIVE.discard(process)


def _fork(target: Callable[..., None], *args: Any) -> tuple[multiprocessing.context.ForkProcess, Connection]:
    """Start ``target(*args, sender)`` in a forked process; return it and the end its answers come from.

    The child shares this process's objects without copying them, and holds only the sending
    end of the pipe: when either side ends, the other's next read or write says so, and nothing
    waits for ever.
    """
    receiver, sender = multiprocessing.get_context("fork").Pipe(duplex=False)
    # A stop (Ctrl-C) that comes during the fork waits until it is done: raised inside the fork's
    # own callbacks (logging's lock), it was printed as "Exception ignored" with a traceback.
    blocked = signal.pthread_sigmask(signal.SIG_BLOCK, staging.STOP_SIGNALS)
    # Objects alive now are shared with the child, not copied: its collector must not touch them.
    gc.freeze()
    try:
        process = multiprocessing.get_context("fork").Process(
            target=_child, args=(os.getpid(), receiver, target, *args, sender), daemon=True
        )
        process.start()
    finally:
        gc.unfreeze()
        signal.pthread_sigmask(signal.SIG_SETMASK, blocked)
    _ALIVE.add(process)
    sender.close()
    return process, receiver


def _child(parent: int, receiver: Connection, target: Callable[..., None], *args: Any) -> None:
    """In a child, before its work: it ends with its parent, with the parent's signal handlers
    (which clean the staging folder) and log handlers off."""
    receiver.close()
    for signum in staging.STOP_SIGNALS:
        signal.signal(signum, signal.SIG_DFL)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, staging.STOP_SIGNALS)  # blocked by the parent for the fork
    staging.end_with_parent()
    if os.getppid() != parent:  # it died before that
        os._exit(1)
    try:
        target(*args)
    except BaseException:  # the parent stopped listening, or worse: it does the work itself, and says so
        os._exit(1)


class Background:
    """One function run in a second process: what it returns, or raises, and its log records at :meth:`wait`."""

    def __init__(self, work: Callable[[], Any], task: str) -> None:
        self.work, self.task = work, task
        process, self.receiver = _fork(_run_once, work)
        self.process: multiprocessing.context.ForkProcess | None = process

    @classmethod
    def start(cls, work: Callable[[], Any], task: str) -> Background | None:
        """The work started in a second process; None if none can be made now (the caller does it).
        ``task`` names the work in the info line said when this process does it instead."""
        try:
            return cls(work, task)
        except OSError as exc:  # a process limit, or no memory for the fork
            log.info(f"no second process for {task} ({exc}); this one does it")
            return None

    def wait(self) -> Any:
        """The function's return value (its exception is raised here); done here if the child died."""
        try:
            answer = self._answer()
        finally:
            self.stop()
        if answer is None:
            log.info(f"the second process for {self.task} stopped; this one does it")
            return self.work()
        failed, value, records = answer
        for record in records:
            logging.getLogger(record.name).handle(record)
        if failed:
            raise value
        return value

    def _answer(self) -> tuple[bool, Any, list[logging.LogRecord]] | None:
        try:
            answer: tuple[bool, Any, list[logging.LogRecord]] = pickle.loads(self.receiver.recv_bytes())
        except Exception:  # it died before it answered (EOFError), or its answer does not unpickle
            return None
        return answer

    def stop(self) -> None:
        if self.process is not None:
            _end(self.process)
            self.process = None
        self.receiver.close()


def _run_once(work: Callable[[], Any], sender: Connection) -> None:
    capture = _capture_logs()
    try:
        answer: tuple[bool, Any, list[logging.LogRecord]] = (False, work(), capture.records)
    except Exception as exc:  # raised again in the parent
        answer = (True, exc, capture.records)
    try:
        data = pickle.dumps(answer, pickle.HIGHEST_PROTOCOL)
    except Exception as exc:  # an answer that does not pickle: say so
        data = pickle.dumps((True, RuntimeError(f"a second process could not answer: {exc}"), []))
    sender.send_bytes(data)
    sender.close()


class Helper:
    """The second process, seen from the parent: its pages, and their results in MkDocs' order."""

    def __init__(self, uris: Sequence[str], run: Callable[[str], Converted]) -> None:
        self.uris = frozenset(uris)
        self.expected = iter(uris)
        self.done = 0
        process, receiver = _fork(_work, list(uris), run)
        self.process: multiprocessing.context.ForkProcess | None = process
        # A thread empties the pipe as results come, so the helper never waits for MkDocs' loop.
        self.results: queue.SimpleQueue[bytes | None] = queue.SimpleQueue()
        self.drain = threading.Thread(target=_drain, args=(receiver, self.results), daemon=True)
        try:
            self.drain.start()
        except RuntimeError:  # no thread today: no helper either
            _end(process)
            raise

    @classmethod
    def start(cls, uris: Sequence[str], run: Callable[[str], Converted]) -> Helper | None:
        """The helper started; None if it cannot be made now (MkDocs converts every page)."""
        try:
            return cls(uris, run)
        except (OSError, RuntimeError) as exc:  # a process or thread limit, or no memory for the fork
            log.info(f"no second process to convert pages ({exc}); this one converts them all")
            return None

    def result(self, src_uri: str) -> Converted | None:
        """The helper's conversion of this page; None if the parent is to convert it."""
        if src_uri not in self.uris or self.process is None:
            return None
        if next(self.expected, None) != src_uri:  # MkDocs' order is the helper's; never otherwise
            self.stop("pages came in another order")
            return None
        sent = self.results.get()
        if sent is None:
            self.stop("it stopped")
            return None
        try:
            converted: Converted = pickle.loads(sent)
        except Exception:  # something on the page that pickled but does not unpickle
            return None
        if converted.src_uri != src_uri:  # never: a pipe keeps the order
            self.stop("a page came out of order")
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
            # Not a warning: the build is complete and the same; a warning would fail it (--strict, links).
            log.info(f"the second process converting pages was stopped ({why}); this one converts the rest")
        if self.process is not None:
            _end(self.process)
            self.process = None
            # Its thread ends with the pipe: after this, the build runs no other thread (a program it
            # starts then ends with it: briefing.site.staging.child_setup).
            self.drain.join(timeout=10)


def _drain(receiver: Connection, results: queue.SimpleQueue[bytes | None]) -> None:
    """In the parent: each result as it arrives; None when the helper has ended."""
    with receiver:
        while True:
            try:
                results.put(receiver.recv_bytes())
            except (EOFError, OSError):
                results.put(None)
                return


def _work(uris: list[str], run: Callable[[str], Converted], sender: Connection) -> None:
    """The helper: convert its pages in order and send each result; never print, never clean up."""
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
        sender.send_bytes(sent)
    sender.close()
