"""Sanitise pages in a forked worker while MkDocs converts the next ones.

MkDocs turns every page into HTML first (``on_page_content``), then renders
the templates and the search index from ``page.content`` (after ``on_env``).
Each page's HTML goes down a pipe to a child process, which sanitises it with
nh3 on the other core; ``on_env`` collects the results, in order, before
anything reads ``page.content``. The child writes to an unnamed temporary file,
so neither side ever waits for the other to read. Where forking is not safe
(``mkdocs serve`` runs threads) or the child fails, pages are sanitised here.
"""

from __future__ import annotations

import os
import struct
import tempfile
from typing import Any, BinaryIO

from briefing.parallel import can_fork, widen_pipe
from briefing.site.output import sanitize

_LENGTH = struct.Struct("<Q")


class Sanitizer:
    def __init__(self) -> None:
        self.pages: list[Any] = []
        self.pid = 0  # 0: not started; -1: sanitising here; else the worker's pid
        self.pipe: BinaryIO | None = None
        self.results: BinaryIO | None = None

    def submit(self, page: Any, html: str) -> str:
        """Queue ``html`` (the content of ``page``); returns what the page holds meanwhile."""
        if self.pid == 0:
            self._start()
        if self.pipe is None:
            return sanitize(html)
        data = html.encode("utf-8")
        try:
            self.pipe.write(_LENGTH.pack(len(data)) + data)
            # Now, not when a buffer fills: the worker is idle and takes it at once.
            # A buffered megabyte would block until the worker had sanitised it.
            self.pipe.flush()
        except OSError:  # the worker is gone: finish() sanitises the queued pages here
            self.pipe = None
            return sanitize(html)
        self.pages.append(page)
        return html

    def finish(self) -> None:
        """Put every queued page's sanitised HTML in place (blocks until the worker is done)."""
        if self.pid <= 0:
            return
        pages, results = self.pages, self._collect()
        self.pages = []
        if results is None or len(results) != len(pages):
            results = [sanitize(page.content) for page in pages]  # the worker failed: do it here
        for page, html in zip(pages, results):
            page.content = html

    def close(self) -> None:
        """Stop the worker and drop its results (a failed build)."""
        if self.pid > 0:
            self._collect()
        self.pages = []

    def _start(self) -> None:
        self.pid = -1  # tried once; stays -1 (sanitise here) unless the fork below succeeds
        if not can_fork():
            return
        results = tempfile.TemporaryFile()
        read_fd, write_fd = os.pipe()
        widen_pipe(write_fd)  # writing a large page never waits for the worker
        pid = os.fork()
        if pid == 0:  # the worker: sanitise until the pipe closes, then write the results
            code = 0
            try:
                os.close(write_fd)
                with os.fdopen(read_fd, "rb") as pipe:
                    while header := pipe.read(_LENGTH.size):
                        (size,) = _LENGTH.unpack(header)
                        clean = sanitize(pipe.read(size).decode("utf-8")).encode("utf-8")
                        results.write(_LENGTH.pack(len(clean)) + clean)  # page by page: little left at the end
                results.flush()
            except BaseException:  # noqa: BLE001 - the parent sanitises instead
                code = 1
            os._exit(code)
        os.close(read_fd)
        self.pid, self.results = pid, results
        self.pipe = os.fdopen(write_fd, "wb")

    def _collect(self) -> list[str] | None:
        assert self.results is not None
        if self.pipe is not None:
            try:
                self.pipe.close()  # end of input: the worker finishes
            except OSError:
                pass  # it already died; the status says so
            self.pipe = None
        _, status = os.waitpid(self.pid, 0)
        self.pid = -1
        with self.results:
            if os.waitstatus_to_exitcode(status) != 0:
                return None
            self.results.seek(0)
            pages = []
            while header := self.results.read(_LENGTH.size):
                (size,) = _LENGTH.unpack(header)
                pages.append(self.results.read(size).decode("utf-8"))
            return pages
