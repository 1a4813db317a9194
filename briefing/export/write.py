"""``briefing export --out DIR``: write export files to a folder, never over the user's work.

DIR is checked as the site's folder is (:mod:`briefing.site.destination`): not
the project's own folders, and new, empty, or a folder that ``briefing export``
made before (it holds the marker file :data:`MARKER`). Files are written as
the site is (:mod:`briefing.site.staging`): into a staging folder beside DIR,
under a lock, swapped in whole, with umask modes, and nothing left behind by a
failed or interrupted export.
"""

from __future__ import annotations

from pathlib import Path

from briefing.diagnostics import ConfigError
from briefing.site import staging
from briefing.site.destination import Protected

MARKER = ".briefing-export"


def write(files: dict[str, bytes], out: Path, protected: Protected) -> Path:
    """Write ``files`` (``{relative path: bytes}``) as the folder ``out``, replacing a previous export.

    The same rules as the site's folder (:mod:`briefing.site.destination`), with this command's marker.
    """
    output = staging.begin(out, protected, option="--out", stamp=MARKER)
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
    return output.target
