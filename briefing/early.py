"""Generate the Markdown while MkDocs starts up (``briefing build`` only).

MkDocs spends its first part of a second importing itself, its theme and its
Markdown extensions, and loading ``mkdocs.yml``: all before the plugin's
``on_config`` asks for the pages. ``briefing build`` therefore forks first
thing: the child works out the settings, generates (load, validate, render)
on the other core, and hands over the pages, the diagnostics and the
content's latest date through a pipe.

The plugin uses that result only if the child's settings are the ones the
plugin resolves itself; otherwise, or if the child failed, it generates in
process, exactly as under ``mkdocs build``. So the handover can only save time.
"""

from __future__ import annotations

import dataclasses
import os
import pickle
import signal
import struct
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, BinaryIO, Callable

from briefing.diagnostics import Diagnostics
from briefing.parallel import can_fork

if TYPE_CHECKING:
    from briefing.config import Settings
    from briefing.generate import Generation

_LENGTH = struct.Struct("<Q")


@dataclass
class EarlyGeneration:
    """A generation running in a forked child."""

    pid: int
    pipe: BinaryIO | None

    def take(self, settings: Settings) -> Generation | None:
        """The child's :class:`~briefing.generate.Generation` if it used ``settings``; else None."""
        from briefing.generate import Generation

        if self.pipe is None:
            return None
        theirs = _receive(self.pipe)  # the child's settings come first, before it generates
        if theirs is None or _generation_inputs(theirs) != _generation_inputs(settings):
            self.discard()
            return None
        message = _receive(self.pipe)
        self.discard()
        if message is None:
            return None
        items, pages, latest = message
        diagnostics = Diagnostics()
        diagnostics.items.extend(items)
        return Generation(diagnostics, None, pages, latest)

    def discard(self) -> None:
        """Stop the child (if still running) and reap it."""
        if self.pipe is None:
            return
        self.pipe.close()
        self.pipe = None
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
        return None  # the child failed before sending
    (size,) = _LENGTH.unpack(header)
    data = pipe.read(size)
    return pickle.loads(data) if len(data) == size else None


def start(make_settings: Callable[[], Settings]) -> EarlyGeneration | None:
    """Fork a child that generates for ``make_settings()``; None where forking is not safe."""
    if not can_fork():
        return None
    read_fd, write_fd = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: generate, send, and leave without running the parent's cleanup
        code = 0
        try:
            os.close(read_fd)
            with os.fdopen(write_fd, "wb") as pipe:
                settings = make_settings()
                _send(pipe, settings)
                from briefing.generate import generate

                result = generate(settings)
                _send(pipe, (result.diagnostics.items, result.pages, result.latest_as_of))
        except BaseException:  # noqa: BLE001 - the parent generates again and reports it
            code = 1
        os._exit(code)
    os.close(write_fd)
    return EarlyGeneration(pid, os.fdopen(read_fd, "rb"))
