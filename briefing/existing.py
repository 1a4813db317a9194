"""Where an id is already defined in the content (``briefing new`` refuses to make a second one)."""

from __future__ import annotations

import os
from pathlib import Path

from briefing.diagnostics import Diagnostics
from briefing.load import MAX_FILE_BYTES, load_bytes

_SUFFIXES = (".yaml", ".yml")


def find_existing(content: Path, folder: str, item_id: str) -> str | None:
    """``path:line`` where ``item_id`` is already defined among ``content/folder``'s files, or None.

    A briefing's id is its file name; actors are entries of any actor file.
    A file that does not parse is searched line by line for ``id: <item_id>``.
    """
    directory = content / folder
    if not directory.is_dir():
        return None
    files = sorted(f for f in directory.iterdir() if f.is_file() and f.name.endswith(_SUFFIXES))
    if folder == "briefings":
        return next((f"{_display(f)}:1" for f in files if f.name.rsplit(".", 1)[0] == item_id), None)
    for file in files:
        line = _actor_line(file, item_id)
        if line is not None:
            return f"{_display(file)}:{line}"
    return None


def _actor_line(file: Path, item_id: str) -> int | None:
    try:
        raw = file.read_bytes()[: MAX_FILE_BYTES + 1]
    except OSError:
        return None
    document = load_bytes(raw, str(file), Diagnostics())
    if document is not None and isinstance(document.data, list):
        for index, entry in enumerate(document.data):
            if isinstance(entry, dict) and entry.get("id") == item_id:
                return document.mark((index, "id")).line
        return None
    text = raw.decode("utf-8", errors="replace")
    for number, line in enumerate(text.splitlines(), 1):
        body = line.split("#", 1)[0].strip().removeprefix("-").strip()
        if body.startswith("id:") and body[3:].strip().strip("'\"") == item_id:
            return number
    return None


def _display(path: Path) -> str:
    try:
        return os.path.relpath(path)
    except ValueError:
        return str(path)
