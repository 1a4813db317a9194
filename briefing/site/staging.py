"""Write an output folder beside the old one and swap it in whole.

What a build guarantees (README, "Build safety"):

* The output folder is always one complete build: the new one is written to a
  staging folder ``.NAME.building-*`` beside it and exchanged with the old one
  in a single ``renameat2(RENAME_EXCHANGE)`` (two renames, with signals held
  back, where the file system lacks it).
* One build at a time per output folder: an advisory lock (``flock``) on
  ``.NAME.lock`` beside it. A second build exits 2 ("another build is running").
* Nothing is left behind: the staging folder is removed on failure, on exit,
  and on SIGINT, SIGTERM and SIGHUP (they stop the build as Ctrl-C does).
  SIGKILL cannot be caught: the next build, holding the lock, removes what an
  earlier one left and says so.
* Folders get the modes the umask gives (as a plain ``mkdocs build``), not
  ``mkdtemp``'s 0700.
* A symbolic link to a folder stays a link: the folder it points to is replaced,
  by a swap inside that folder's parent.
"""

from __future__ import annotations

import atexit
import ctypes
import errno
import fcntl
import os
import secrets
import shutil
import signal
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from types import FrameType

from briefing.diagnostics import ConfigError, display_path
from briefing.site.destination import STAMP, STAMP_TEXT, Protected, check, check_contents


class BuildRunning(ConfigError):
    """Another build holds the lock of this output folder: exit code 2."""


@dataclass
class Staging:
    """One build in progress: where it writes, and what it replaces."""

    final: Path
    """The output folder as configured (may be a link)."""
    target: Path
    """The folder replaced (``final`` with links resolved)."""
    folder: Path
    """The staging folder being written."""
    lock: int
    """The file descriptor holding the lock."""
    stamp: str = STAMP
    """The stamp file written into the output folder."""


def begin(
    final: Path, protected: Protected, *, option: str = "--site-dir", force: bool = False, stamp: str = STAMP
) -> Staging:
    """Check the output folder, take its lock, clear stale staging folders, make a new one.

    Raises :class:`~briefing.site.destination.RefusedDestination` or :class:`BuildRunning`
    (exit 2), or :class:`OSError` (nothing could be written beside the output folder).
    """
    target = check(final, protected, option=option, force=force, stamp=stamp)  # before creating anything
    target.parent.mkdir(parents=True, exist_ok=True)
    lock = _lock(target)
    try:
        check_contents(final, target, option=option, force=force, stamp=stamp)  # again, now no build can change it
        _remove_stale(target)
        catch_signals()
        folder = _new_folder(target)
    except BaseException:
        _release(lock)
        raise
    return Staging(final, target, folder, lock, stamp)


def finish(staging: Staging) -> None:
    """Stamp the staging folder and swap it in as the output folder; release the lock.

    If it raises, the output folder is as it was: call :func:`abandon`.
    """
    if _STOPPING:  # a stop whose KeyboardInterrupt was lost (Python drops one raised in a finaliser)
        raise KeyboardInterrupt(f"stopped by {signal.Signals(_STOPPING[0]).name}")
    (staging.folder / staging.stamp).write_text(STAMP_TEXT, encoding="utf-8")
    _swap(staging.folder, staging.target)  # if this fails, the caller abandons the staging folder
    # The staging name now holds the previous output: it gets a name of its own before it is
    # removed, so a staging folder always means a build that was not swapped in.
    previous = staging.target.with_name(f".{staging.target.name}.old-{secrets.token_hex(4)}")
    _PENDING.add(previous)
    try:
        os.rename(staging.folder, previous)
    except FileNotFoundError:  # there was no previous output
        pass
    _PENDING.discard(staging.folder)
    shutil.rmtree(previous, ignore_errors=True)
    _PENDING.discard(previous)
    _unlock(staging)


def abandon(staging: Staging | None) -> None:
    """Throw the staging folder away (the output folder stays as it was); release the lock."""
    if staging is None:
        return
    if staging.lock < 0:
        return  # finished
    shutil.rmtree(staging.folder, ignore_errors=True)
    _PENDING.discard(staging.folder)
    _unlock(staging)


def _unlock(staging: Staging) -> None:
    if staging.lock >= 0:
        lock, staging.lock = staging.lock, -1
        _release(lock)


def _release(lock: int) -> None:
    path = _HELD.pop(lock, None)
    try:
        if path is not None:
            path.unlink(missing_ok=True)  # while still holding it: see _lock
    finally:
        os.close(lock)


#: Failures of writing as such (not of one file): the message names the output folder.
_WRITE_FAILURES = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EFBIG, errno.EROFS})


def problem(exc: OSError, output: str | Path | None = None) -> str:
    """An I/O failure in words: the path and the cause.

    A full disk or a read-only file system names ``output`` (the folder being
    written), not whichever file was being copied when it happened.
    """
    cause = exc.strerror or str(exc)
    if output is not None and exc.errno in _WRITE_FAILURES:
        return f"cannot write {display_path(Path(output))}: {cause}"
    if exc.filename:
        return f"{display_path(Path(os.fsdecode(exc.filename)))}: {cause}"
    return cause


# -- the lock ----------------------------------------------------------------------------------


def _lock_path(target: Path) -> Path:
    return target.with_name(f".{target.name}.lock")


def _lock(target: Path) -> int:
    """Hold the lock of ``target``'s builds, or raise :class:`BuildRunning`.

    The lock file is removed when the build ends; a build that locked a file
    another build removed meanwhile tries again on the new one.
    """
    path = _lock_path(target)
    while True:
        fd = os.open(path, os.O_RDONLY | os.O_CREAT | os.O_CLOEXEC, 0o666)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            held = os.fstat(fd)
            try:
                current: os.stat_result | None = os.stat(path)
            except FileNotFoundError:
                current = None
        except BlockingIOError:
            os.close(fd)
            raise BuildRunning(
                f"another build is running into '{display_path(target)}' (it holds {display_path(path)}); "
                "wait for it to finish"
            ) from None
        except BaseException:
            os.close(fd)
            raise
        if current is not None and (current.st_dev, current.st_ino) == (held.st_dev, held.st_ino):
            _HELD[fd] = path
            return fd
        os.close(fd)  # removed by the build that just finished: lock the new one


# -- staging folders ---------------------------------------------------------------------------


def _building(target: Path) -> str:
    return f".{target.name}.building-"


def _is_stale(name: str, target: Path) -> bool:
    """A staging folder, or a previous output set aside by an earlier version or a two-rename swap."""
    old = f".{target.name}.old"
    if name == old:  # the name earlier versions set a site aside under: only if it is ours
        return _ours(target.parent / name)
    return name.startswith((_building(target), old + "-"))


def _ours(folder: Path) -> bool:
    """True for a folder this tool wrote (its stamp, or a site from before stamps)."""
    from briefing.site.destination import _site_before_stamps

    return folder.is_dir() and not folder.is_symlink() and (
        (folder / STAMP).is_file() or _site_before_stamps(folder)
    )


def _remove_stale(target: Path) -> None:
    """Remove staging folders that interrupted builds left (the caller holds the lock)."""
    stale = sorted(p for p in target.parent.iterdir() if _is_stale(p.name, target))
    for path in stale:
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path)
        else:
            path.unlink()
    if stale:
        names = ", ".join(display_path(p) for p in stale)
        print(f"briefing: removed {len(stale)} staging folder(s) left by an interrupted build: {names}", file=sys.stderr)


def _new_folder(target: Path) -> Path:
    while True:
        folder = target.with_name(f"{_building(target)}{secrets.token_hex(4)}")
        _PENDING.add(folder)  # first: a signal may come right after mkdir
        try:
            os.mkdir(folder, 0o777)  # the umask decides, as for every folder MkDocs makes
        except FileExistsError:
            _PENDING.discard(folder)
            continue
        return folder


# -- the swap ----------------------------------------------------------------------------------

_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


def _swap(staged: Path, target: Path) -> None:
    """Make ``staged`` the ``target``; afterwards ``staged`` holds the previous output (if any)."""
    if not os.path.lexists(target):
        os.rename(staged, target)
        return
    if _exchange(staged, target):
        return
    # No atomic exchange here: two renames, with no signal handled in between.
    old = target.with_name(f".{target.name}.old-{secrets.token_hex(4)}")
    blocked = STOP_SIGNALS
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, blocked)
    try:
        os.rename(target, old)
        try:
            os.rename(staged, target)
        except OSError:
            os.rename(old, target)
            raise
        os.rename(old, staged)
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths atomically (Linux ``renameat2``); False where that is not available."""
    renameat2 = getattr(libc(), "renameat2", None)
    if renameat2 is None:
        return False
    result = renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE)
    if result == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.ENOSYS, errno.EINVAL, errno.ENOTSUP, errno.EOPNOTSUPP):
        return False
    raise OSError(code, os.strerror(code), str(b))


_LIBC: list[ctypes.CDLL | None] = []


def libc() -> ctypes.CDLL | None:
    if not _LIBC:
        try:
            _LIBC.append(ctypes.CDLL(None, use_errno=True))
        except OSError:
            _LIBC.append(None)
    return _LIBC[0]


#: prctl(2): the signal a child gets when its parent ends.
_PR_SET_PDEATHSIG = 1


def end_with_parent() -> None:
    """In a child process (a fork, or before ``exec``): killed when its parent ends, even by SIGKILL,
    when no cleanup runs, so that it does not go on writing into a staging folder that the next
    build removes. Before ``exec`` it must resolve nothing: :func:`child_setup` looks ``prctl`` up first."""
    prctl = getattr(libc(), "prctl", None)
    if prctl is not None:
        prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)


def child_setup(niceness: int = 0) -> Callable[[], None] | None:
    """``preexec_fn`` for a program this build starts (Pagefind): :func:`end_with_parent`, and
    ``niceness`` added to its scheduling priority. None where another thread runs (``serve``'s
    server): Python code between fork and exec is safe only without."""
    if threading.active_count() > 1:
        return None
    getattr(libc(), "prctl", None)  # looked up here, not in the child
    parent = os.getpid()

    def setup() -> None:
        end_with_parent()
        if os.getppid() != parent:  # it died before that
            os._exit(1)
        if niceness:
            os.nice(niceness)

    return setup


# -- cleanup on exit and on signals ------------------------------------------------------------

#: Staging folders of this process, removed at exit whatever happens (except SIGKILL).
_PENDING: set[Path] = set()
#: Locks this process holds: file descriptor -> lock file.
_HELD: dict[int, Path] = {}
_OWNER = os.getpid()
#: The signals that stop a build as Ctrl-C does (the one home of this list).
STOP_SIGNALS = frozenset({signal.SIGINT, signal.SIGTERM, signal.SIGHUP})
_STOPPING: list[int] = []


@atexit.register
def _remove_pending() -> None:
    if os.getpid() != _OWNER:
        return  # a forked child: the folders are its parent's
    for folder in list(_PENDING):
        shutil.rmtree(folder, ignore_errors=True)
    _PENDING.clear()
    for lock in list(_HELD):
        try:
            _release(lock)
        except OSError:
            pass  # the kernel releases the lock as the process ends


def _stop(signum: int, frame: FrameType | None) -> None:
    if _STOPPING:  # a second signal: stop now, without cleanup (the next build removes what is left)
        signal.signal(signum, signal.SIG_DFL)
        os.kill(os.getpid(), signum)
        return
    _STOPPING.append(signum)
    raise KeyboardInterrupt(f"stopped by {signal.Signals(signum).name}")


def catch_signals() -> None:
    """Make SIGINT, SIGTERM and SIGHUP stop the process as Ctrl-C does, so cleanup code runs.

    Only where the handler is still the default (the main thread; no one else's handler).
    """
    if threading.current_thread() is not threading.main_thread():
        return
    for signum in sorted(STOP_SIGNALS):
        current = signal.getsignal(signum)
        if current in (signal.SIG_DFL, signal.default_int_handler):
            signal.signal(signum, _stop)
