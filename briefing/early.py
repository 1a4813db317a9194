"""Generate the Markdown while MkDocs starts up (``briefing build`` only).

MkDocs spends its first part of a second importing itself, its theme and its
Markdown extensions, and loading ``mkdocs.yml``: all before the plugin's
``on_config`` asks for the pages. ``briefing build`` therefore forks at once:
the child generates (load, validate, render) on the other core and hands over
the pages, the diagnostics and the content's latest date through a pipe.

The plugin uses that result only if it was made with the settings the plugin
resolves itself; otherwise, or if the child failed, it generates in process,
exactly as under ``mkdocs build``. So the handover can only save time.
"""

from __future__ import annotations

import dataclasses
import os
import pickle
import signal
from dataclasses import dataclass
from typing import TYPE_CHECKING

from briefing.config import Settings
from briefing.diagnostics import Diagnostics
from briefing.parallel import can_fork

if TYPE_CHECKING:
    from briefing.generate import Generation


@dataclass
class EarlyGeneration:
    """A generation running in a forked child, for one set of settings."""

    settings: Settings
    pid: int
    read_fd: int

    def take(self, settings: Settings) -> Generation | None:
        """The child's :class:`~briefing.generate.Generation` if it used ``settings``; else None."""
        from briefing.generate import Generation

        if self.read_fd < 0:
            return None
        if _generation_inputs(settings) != _generation_inputs(self.settings):
            self.discard()
            return None
        with os.fdopen(self.read_fd, "rb") as pipe:
            payload = pipe.read()
        self.read_fd = -1
        _, status = os.waitpid(self.pid, 0)
        if os.waitstatus_to_exitcode(status) != 0 or not payload:
            return None
        items, pages, latest = pickle.loads(payload)
        diagnostics = Diagnostics()
        diagnostics.items.extend(items)
        return Generation(diagnostics, None, pages, latest)

    def discard(self) -> None:
        """Stop the child if its result is not wanted (a failed start, other settings)."""
        if self.read_fd < 0:
            return
        os.close(self.read_fd)
        self.read_fd = -1
        try:
            os.kill(self.pid, signal.SIGKILL)
            os.waitpid(self.pid, 0)
        except (ProcessLookupError, ChildProcessError):
            pass


def _generation_inputs(settings: Settings) -> Settings:
    return dataclasses.replace(settings, strict=False)  # strictness only judges the result


def start(settings: Settings) -> EarlyGeneration | None:
    """Fork a child that generates for ``settings``; None where forking is not safe."""
    if not can_fork():
        return None
    read_fd, write_fd = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: generate, send, and leave without running the parent's cleanup
        code = 0
        try:
            os.close(read_fd)
            from briefing.generate import generate

            result = generate(settings)
            payload = pickle.dumps(
                (result.diagnostics.items, result.pages, result.latest_as_of), protocol=pickle.HIGHEST_PROTOCOL
            )
            with os.fdopen(write_fd, "wb") as pipe:
                pipe.write(payload)
        except BaseException:  # noqa: BLE001 - the parent generates again and reports it
            code = 1
        os._exit(code)
    os.close(write_fd)
    return EarlyGeneration(settings, pid, read_fd)
