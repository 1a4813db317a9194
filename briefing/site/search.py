"""The site's search: a Pagefind index of the built HTML, written into the site itself.

The plugin indexes the staging folder just before it is swapped in, so a site
and its index are always one build, and the index holds only what the build
profile let into the pages. Pagefind splits the index into small chunks that
the browser fetches as a search needs them (see README, "Search"); no index of
the whole site is ever downloaded.

What is indexed is decided in the page template (``site_config/overrides/main.html``):
only pages that mark their content ``data-pagefind-body`` (briefings, actors,
chronology pages), with filters and the marking as ``data-pagefind-filter`` and
``data-pagefind-meta``.
"""

from __future__ import annotations

import shutil
import subprocess
import time
from pathlib import Path

#: Where the search bundle lives inside the site (the search script expects it there).
BUNDLE = "pagefind"
#: Never in results: header permalinks ("¶"), the timelines (they repeat event titles
#: without their text) and the page-source footer.
EXCLUDE_SELECTORS = (".headerlink", ".brief-timeline", ".md-source-file")
#: Pagefind's own ready-made interfaces: the site has its own (assets/search.js).
UNUSED = (
    "pagefind-ui.js", "pagefind-ui.css", "pagefind-modular-ui.js", "pagefind-modular-ui.css",
    "pagefind-component-ui.js", "pagefind-component-ui.css", "pagefind-highlight.js",
)


class SearchIndexError(Exception):
    """Pagefind could not index the site (the build stops; the previous site stays)."""


def executable() -> Path:
    """The Pagefind binary that the ``pagefind[bin]`` package ships."""
    try:
        from pagefind_bin import get_executable
    except ImportError as exc:  # pragma: no cover - a dependency of the project
        raise SearchIndexError("the 'pagefind[bin]' package is not installed") from exc
    return Path(get_executable())


def index_site(site_dir: Path) -> float:
    """Write the search bundle into ``site_dir/pagefind``; returns the seconds it took.

    The output is deterministic: the same pages give byte-identical bundles.
    """
    start = time.perf_counter()
    bundle = site_dir / BUNDLE
    if bundle.exists():
        shutil.rmtree(bundle)  # a rebuild under `serve` writes into the same folder
    command = [
        str(executable()), "--site", str(site_dir), "--output-subdir", BUNDLE,
        "--exclude-selectors", ", ".join(EXCLUDE_SELECTORS), "--silent",
    ]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        detail = (done.stderr or done.stdout).strip().splitlines()
        raise SearchIndexError(f"Pagefind failed to index the site: {detail[-1] if detail else done.returncode}")
    for name in UNUSED:
        (bundle / name).unlink(missing_ok=True)
    return time.perf_counter() - start
