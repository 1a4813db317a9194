"""Generate the Markdown while MkDocs starts up (``briefing build`` only).

MkDocs spends its first part of a second importing itself, its theme and its
Markdown extensions, and loading ``mkdocs.yml``: all before the plugin asks for
the pages. ``briefing build`` therefore forks first thing, before even the
command line is imported (:mod:`briefing.entry`). The child imports
the stages (pydantic and the model are most of it) while the parent resolves
the settings and hands them over (:meth:`EarlyGeneration.give`); the child then
generates (load, validate, render) on the other core and sends back the pages,
the diagnostics and the content's latest date through a pipe.

The plugin uses that result only if the settings it resolves itself are the
ones the child was given; otherwise, or if the child failed, it generates in
process, exactly as under ``mkdocs build``. So the handover can only save time.
"""

from __future__ import annotations

import dataclasses
import os
import pickle
import signal
import struct
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, BinaryIO

from briefing.parallel import can_fork, widen_pipe

if TYPE_CHECKING:
    from briefing.settings import Settings
    from briefing.generate import Generation

_LENGTH = struct.Struct("<Q")


@dataclass
class EarlyGeneration:
    """A generation running in a forked child."""

    pid: int
    pipe: BinaryIO | None
    """From the child: its result."""
    inbox: BinaryIO | None
    """To the child: its settings."""
    settings: Settings | None = None

    def give(self, settings: Settings) -> None:
        """Start the child generating for ``settings``."""
        if self.inbox is None:
            return
        self.settings = settings
        try:
            _send(self.inbox, settings)
        except OSError:
            self.discard()  # the child is gone; the plugin generates in process
            return
        self.inbox.close()
        self.inbox = None

    def take(self, settings: Settings) -> Generation | None:
        """The child's :class:`~briefing.generate.Generation` if it used ``settings``; else None."""
        from briefing.diagnostics import Diagnostics
        from briefing.generate import Generation

        if (
            self.pipe is None
            or self.settings is None
            or _generation_inputs(self.settings) != _generation_inputs(settings)
        ):
            self.discard()
            return None
        message = _receive(self.pipe)
        self.discard()
        if message is None:
            return None
        items, pages, latest, summary = message
        diagnostics = Diagnostics()
        diagnostics.items.extend(items)
        return Generation(diagnostics, None, pages, latest, summary=summary)

    def discard(self) -> None:
        """Stop the child (if still running) and reap it."""
        if self.pipe is None:
            return
        for pipe in (self.inbox, self.pipe):
            if pipe is not None:
                pipe.close()
        self.pipe = self.inbox = None
        try:
            os.kill(self.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        try:
            os.waitpid(self.pid, 0)
        except ChildProcessError:
            pass


def _generation_inputs(settings: Settings) -> Settings:
    return dataclasses.replace(settings, strict=False)  # strictness only judges the result


def _send(pipe: BinaryIO, value: Any) -> None:
    data = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
    pipe.write(_LENGTH.pack(len(data)) + data)
    pipe.flush()


def _receive(pipe: BinaryIO) -> Any:
    header = pipe.read(_LENGTH.size)
    if len(header) < _LENGTH.size:
        return None  # the other side stopped before sending
    (size,) = _LENGTH.unpack(header)
    data = pipe.read(size)
    return pickle.loads(data) if len(data) == size else None


_BEGUN: list[EarlyGeneration | None] = []


def begin() -> None:
    """Fork now, at the very start of the process; :func:`start` hands the child over."""
    _BEGUN[:] = [_fork()]


def start() -> EarlyGeneration | None:
    """A child that imports the stages and waits for :meth:`EarlyGeneration.give`.

    The one :func:`begin` forked, if any; else forked now. None where forking is not safe.
    """
    if _BEGUN:
        return _BEGUN.pop()
    return _fork()


def _fork() -> EarlyGeneration | None:
    if not can_fork():
        return None
    inbox_read, inbox_write = os.pipe()
    result_read, result_write = os.pipe()
    widen_pipe(result_write)
    pid = os.fork()
    if pid == 0:  # the child: generate, send, and leave without running the parent's cleanup
        code = 0
        try:
            os.close(inbox_write)
            os.close(result_read)
            from briefing.generate import generate, import_stages

            import_stages()  # while the parent works out the settings
            with os.fdopen(inbox_read, "rb") as inbox:
                settings = _receive(inbox)
            if settings is not None:
                result = generate(settings)
                with os.fdopen(result_write, "wb") as pipe:
                    _send(pipe, (result.diagnostics.items, result.pages, result.latest_as_of, result.summary))
        except BaseException:  # noqa: BLE001 - the parent generates again and reports it
            code = 1
        os._exit(code)
    os.close(inbox_read)
    os.close(result_write)
    return EarlyGeneration(pid, os.fdopen(result_read, "rb"), os.fdopen(inbox_write, "wb"))
