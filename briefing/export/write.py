"""``briefing export --out DIR``: write export files to a folder, never over the user's work.

DIR is checked as the site's folder is (:mod:`briefing.site.destination`): not
the project's own folders, and new, empty, or a folder that ``briefing export``
made before (it holds the marker file :data:`MARKER`). Files are written as
the site is (:mod:`briefing.site.staging`): into a staging folder beside DIR,
under a lock, swapped in whole, with umask modes, and nothing left behind by a
failed or interrupted export.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from briefing.diagnostics import ConfigError
from briefing.export import Data, write_file
from briefing.site import staging
from briefing.site.destination import Protected

MARKER = ".briefing-export"


def write(files: Iterable[tuple[str, Data]], out: Path, protected: Protected) -> tuple[Path, int]:
    """Write ``files`` (``(relative path, data)``, each written before the next is asked for) as the
    folder ``out``, replacing a previous export; returns the folder and the number of files.

    The same rules as the site's folder (:mod:`briefing.site.destination`), with this command's marker.
    """
    output = staging.begin(out, protected, option="--out", stamp=MARKER)
    count = 0
    try:
        for relative, data in files:
            path = (output.folder / relative).resolve()
            if not path.is_relative_to(output.folder.resolve()):  # paths come from ids; check anyway
                raise ConfigError(f"refusing to write outside {out}: {relative}")
            path.parent.mkdir(parents=True, exist_ok=True)
            write_file(path, data)
            count += 1
        staging.finish(output)
    finally:
        staging.abandon(output)  # only if it did not finish
    return output.target, count
