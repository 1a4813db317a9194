"""``briefing export --out DIR``: write export files to a folder, never over the user's work.

DIR must not be, contain or sit inside the project's own folders (content,
templates, site configuration, the project root). It must be new, empty,
or a folder that ``briefing export`` made before (it holds the marker file
:data:`MARKER`). Files are written as the site is (:mod:`briefing.site.staging`):
into a staging folder beside DIR, under a lock, swapped in whole, with umask
modes, and nothing left behind by a failed or interrupted export.
"""

from __future__ import annotations

from pathlib import Path

from briefing.diagnostics import ConfigError
from briefing.site import staging
from briefing.site.destination import Protected

MARKER = ".briefing-export"


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
    folders = {f"project ({folder.name})": folder for folder in protected}
    output = staging.begin(
        out, Protected(root=root if root is not None else target.parent, folders=folders),
        option="--out", stamp=MARKER,
    )
    try:
        for relative, data in files.items():
            path = (output.folder / relative).resolve()
            if not path.is_relative_to(output.folder.resolve()):  # paths come from ids; check anyway
                raise ConfigError(f"refusing to write outside {out}: {relative}")
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
        staging.finish(output)
    finally:
        staging.abandon(output)  # only if it did not finish
    return target
