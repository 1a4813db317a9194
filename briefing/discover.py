"""Which files in a content folder are content, and what to say about the others.

A file is content when its name ends exactly in ``.yaml`` or ``.yml`` and it
is a regular file (a symbolic link to one counts). Everything that looks meant
as content but will not be read gets a diagnostic, never silence: a name
that differs only in case, spacing or a backup suffix (``x.YAML``,
``"x.yaml "``, ``x.yaml~``) is a warning; a broken link, a FIFO, a socket or a
device named like content is an error (it cannot be read), a folder named like
content a warning.

Nothing here opens a file, and :func:`read_regular` opens without blocking:
a FIFO named like content must never hang a run.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from briefing.diagnostics import Diagnostics, display_path

CONTENT_SUFFIXES = (".yaml", ".yml")
#: Names that look meant as content but will not be read: warn about them.
_LOOKALIKE_SUFFIXES = (".yaml~", ".yml~", ".json", ".yaml.bak", ".yml.bak", ".yaml.orig", ".txt", ".md")

_IGNORED = "ignored: only files named exactly *.yaml or *.yml are content"


def content_files(folder: Path, diagnostics: Diagnostics) -> list[Path] | None:
    """The content files directly in ``folder`` (sorted); diagnostics for look-alikes.

    None (and an error) if the folder exists but cannot be read.
    """
    try:
        names = sorted(os.listdir(folder))
    except (FileNotFoundError, NotADirectoryError):
        return []
    except OSError as exc:
        diagnostics.error(display_path(folder), 1, 1, f"cannot read folder: {exc.strerror or exc}")
        return None
    files = []
    for name in names:
        if name.startswith("."):
            continue  # hidden: editor swap files, version control
        path = folder / name
        if name.endswith(CONTENT_SUFFIXES):
            if _check_kind(path, diagnostics):
                files.append(path)
        elif _looks_like_content(name):
            diagnostics.warning(display_path(path), 1, 1, _IGNORED + _rename_hint(name))
    return files


def _check_kind(path: Path, diagnostics: Diagnostics) -> bool:
    """True if ``path`` is a regular file (through links); otherwise say why it is not read."""
    display = display_path(path)
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        target = os.readlink(path) if path.is_symlink() else "?"
        diagnostics.error(display, 1, 1, f"cannot read file: broken symbolic link (to '{target}')")
        return False
    except OSError as exc:
        diagnostics.error(display, 1, 1, f"cannot read file: {exc.strerror or exc}")
        return False
    if stat.S_ISREG(mode):
        return True
    if stat.S_ISDIR(mode):
        diagnostics.warning(
            display, 1, 1,
            "ignored: a folder named like a content file (content files are read only directly "
            "in content/briefings/ and content/actors/)",
        )
        return False
    diagnostics.error(display, 1, 1, f"cannot read file: it is {kind_of(mode)}, not a regular file")
    return False


def kind_of(mode: int) -> str:
    """What a non-regular file is, in words."""
    if stat.S_ISFIFO(mode):
        return "a FIFO (named pipe)"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISDIR(mode):
        return "a folder"
    return "a special file"


def _squeezed(name: str) -> str:
    """The name in lower case with only letters, digits, dots and ``~``: ``"X.Yaml "`` -> ``x.yaml``."""
    return "".join(c for c in name.lower() if c.isalnum() or c in ".~")


def _looks_like_content(name: str) -> bool:
    return _squeezed(name).endswith(CONTENT_SUFFIXES + _LOOKALIKE_SUFFIXES)


def _rename_hint(name: str) -> str:
    squeezed = _squeezed(name)
    for suffix in CONTENT_SUFFIXES:
        if squeezed.endswith(suffix):
            stem = name.strip()[: -len(suffix)] if name.strip().lower().endswith(suffix) else None
            if stem:
                return f" (rename it to '{stem}{suffix}')"
    return " (rename it, or move it out of content/)"


class NotRegularFile(OSError):
    """Raised by :func:`read_regular` for a FIFO, socket, device or folder."""


def read_regular(path: Path) -> bytes:
    """The bytes of ``path``, which must be a regular file; never blocks on a FIFO."""
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    try:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            raise NotRegularFile(0, f"it is {kind_of(mode)}, not a regular file", str(path))
        with os.fdopen(fd, "rb", closefd=False) as stream:
            return stream.read()
    finally:
        os.close(fd)
