"""Use the second core: map a function over items, half of them in a forked child.

Forking shares the parent's loaded model copy-on-write, so nothing but the
results crosses the process boundary. Used for parsing files and rendering
pages; both are CPU-bound Python that one interpreter cannot run in parallel.
"""

from __future__ import annotations

import os
import pickle
import threading
from typing import Any, Callable, Sequence, TypeVar

T = TypeVar("T")
R = TypeVar("R")


def can_fork() -> bool:
    # Forking a process that runs other threads (as `mkdocs serve` does) can
    # deadlock the child on a lock another thread held: stay serial there.
    return hasattr(os, "fork") and threading.active_count() == 1 and (os.cpu_count() or 1) > 1


def widen_pipe(fd: int) -> None:
    """Let a pipe hold a megabyte (Linux; 64 KiB by default): fewer waits on either side."""
    try:
        import fcntl

        fcntl.fcntl(fd, fcntl.F_SETPIPE_SZ, 1 << 20)
    except (ImportError, AttributeError, OSError):
        pass  # a narrower pipe is only slower


def fork_map(
    func: Callable[[T], R],
    items: Sequence[T],
    *,
    min_items: int,
    child_init: Callable[[], Callable[[], Any]] | None = None,
    in_child: Callable[[int, T], bool] | None = None,
) -> tuple[list[R], Any]:
    """``[func(item) for item in items]``, in order, with some items done in a child.

    ``in_child(index, item)`` picks the child's share (default: every other item).

    ``child_init`` runs in the child before its work and returns a function
    whose value travels back with the results (e.g. diagnostics collected there).
    Returns the results and that value (None when everything ran here).
    """
    if len(items) < min_items or not can_fork():
        return [func(item) for item in items], None
    pick = in_child or (lambda index, item: index % 2 == 1)
    theirs_index = [i for i, item in enumerate(items) if pick(i, item)]
    chosen = set(theirs_index)
    mine = [item for i, item in enumerate(items) if i not in chosen]
    theirs = [items[i] for i in theirs_index]
    read_end, write_end = os.pipe()
    widen_pipe(write_end)
    pid = os.fork()
    if pid == 0:  # the child: work, send, and leave without running the parent's cleanup
        os.close(read_end)
        code = 0
        try:
            collect = child_init() if child_init else (lambda: None)
            results = [func(item) for item in theirs]
            payload = pickle.dumps(("ok", results, collect()), protocol=pickle.HIGHEST_PROTOCOL)
        except BaseException as exc:  # noqa: BLE001 - re-raised in the parent
            try:
                payload = pickle.dumps(("error", exc, None))
            except Exception:  # noqa: BLE001 - an exception that cannot travel: its text does
                payload = pickle.dumps(("error", RuntimeError(f"work in a child process failed: {exc!r}"), None))
            code = 1
        with os.fdopen(write_end, "wb") as pipe:
            pipe.write(payload)
        os._exit(code)
    os.close(write_end)
    try:
        done = [func(item) for item in mine]
    finally:
        with os.fdopen(read_end, "rb") as pipe:
            payload = pipe.read()
        _, status = os.waitpid(pid, 0)
    state, results, extra = pickle.loads(payload) if payload else ("error", None, None)
    if state == "error" and isinstance(results, BaseException):
        raise results  # as the same work would have raised here
    if state != "ok" or os.waitstatus_to_exitcode(status) != 0:
        raise RuntimeError("work in a child process failed without a result")
    from_child = dict(zip(theirs_index, results))
    here = iter(done)
    return [from_child[i] if i in chosen else next(here) for i in range(len(items))], extra
