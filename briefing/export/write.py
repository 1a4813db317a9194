"""``briefing export --out DIR``: write export files to a folder, never over the user's work.

DIR must not be, contain or sit inside the project's own folders (content,
templates, site configuration, the project root). It must be new, empty,
or a folder that ``briefing export`` made before (it holds the marker file
:data:`MARKER`). Files are written to a staging folder beside DIR first and
swapped in whole, so an interrupted export leaves the previous one as it was.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from briefing.diagnostics import ConfigError

MARKER = ".briefing-export"
_MARKER_TEXT = "This folder was written by `briefing export`; the next export replaces it whole.\n"


def check_out(out: Path, protected: list[Path], root: Path | None = None) -> Path:
    """``out`` resolved, or :class:`ConfigError` (exit 2) when writing there could hurt the user's work.

    ``protected``: folders DIR may not be, sit inside, or contain. ``root``: the project
    folder, which DIR may sit inside (like ``site/``) but not be or contain.
    """
    target = out.resolve()
    for folder in protected:
        folder = folder.resolve()
        if target == folder or target.is_relative_to(folder) or folder.is_relative_to(target):
            raise ConfigError(f"--out {out}: refusing to write into or over the project folder {folder}")
    if root is not None and root.resolve().is_relative_to(target):
        raise ConfigError(f"--out {out}: refusing to write over the project folder {root.resolve()}")
    if target.exists():
        if not target.is_dir():
            raise ConfigError(f"--out {out}: exists and is not a folder")
        entries = list(target.iterdir())
        if entries and not (target / MARKER).is_file():
            raise ConfigError(
                f"--out {out}: folder is not empty and was not written by `briefing export`; "
                "choose a new or empty folder"
            )
    return target


def write(files: dict[str, bytes], out: Path, protected: list[Path], root: Path | None = None) -> Path:
    """Write ``files`` (``{relative path: bytes}``) as the folder ``out``, replacing a previous export."""
    target = check_out(out, protected, root)
    target.parent.mkdir(parents=True, exist_ok=True)
    staged = Path(tempfile.mkdtemp(prefix=f".{target.name}.exporting-", dir=target.parent))
    try:
        for relative, data in files.items():
            path = (staged / relative).resolve()
            if not path.is_relative_to(staged.resolve()):  # paths come from ids; check anyway
                raise ConfigError(f"refusing to write outside {out}: {relative}")
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
        (staged / MARKER).write_text(_MARKER_TEXT, encoding="utf-8")
        old = target.with_name(f".{target.name}.old-export")
        if old.exists():
            shutil.rmtree(old)
        if target.exists():
            target.rename(old)
        staged.rename(target)
        shutil.rmtree(old, ignore_errors=True)
    except BaseException:
        shutil.rmtree(staged, ignore_errors=True)
        raise
    return target
