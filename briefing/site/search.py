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

Parts: Pagefind holds a whole index in memory while it writes it (about 0.4 MB
a page; Pagefind/pagefind#842), so a site with more searchable pages
than the plugin's ``search_part_pages`` is indexed in parts, one Pagefind run
after another, each over a folder that holds only its pages (hard links into
the staging folder). The first part is the bundle in ``pagefind/``, the others
are ``pagefind/part-2/``, ... and ``pagefind/parts.json`` lists them; the search
script merges them in the browser with Pagefind's ``mergeIndex``, which adds up
the filter counts of the parts and ranks all results together.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import math
import os
import shutil
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import cbor2

#: Where the search bundle lives inside the site (the search script expects it there).
BUNDLE = "pagefind"
#: The list of the bundle's other parts, relative to the bundle (read by assets/search.js).
MANIFEST = "parts.json"
#: At most this many searchable pages in one Pagefind run (the plugin's ``search_part_pages``):
#: Pagefind holds 0.4 to 0.55 MB a page of a part, so a part of 3,000 stays near 1.7 GB, beside the
#: build's own 2 GB at 10,000 briefings (README: the 4 GB target). A 2,000-briefing site is two parts.
PART_PAGES = 3000
#: How the page template marks a searchable page's content (``site_config/overrides/main.html``),
#: in whatever element a theme override puts it; a page whose text merely names it is counted too,
#: which only moves it into a part (Pagefind itself decides what it indexes). The tests check that
#: the parts hold the same pages as one Pagefind run over the whole site.
SEARCHABLE = b"data-pagefind-body"
#: Never in results: header permalinks ("¶"), the timelines (they repeat event titles
#: without their text), maps (country names, marker numbers), the page-source footer,
#: and an actor page's list of events: each line repeats an event that its briefing and
#: its chronology page already make findable, and an event has about three actors, so
#: indexing them made results repeat and cost Pagefind a quarter of its time and memory.
EXCLUDE_SELECTORS = (".headerlink", ".brief-timeline", ".brief-map", ".md-source-file", ".brief-actor-events")
#: Pagefind's own ready-made interfaces: the site has its own (assets/search.js).
UNUSED = (
    "pagefind-ui.js", "pagefind-ui.css", "pagefind-modular-ui.js", "pagefind-modular-ui.css",
    "pagefind-component-ui.js", "pagefind-component-ui.css", "pagefind-highlight.js",
)
#: Where the pages of the part being indexed are linked, inside the staging folder
#: (so an interrupted build removes it with the rest; never published).
PART_SITE = ".pagefind-part"


class SearchIndexError(Exception):
    """Pagefind could not index the site (the build stops; the previous site stays)."""


def executable() -> Path:
    """The Pagefind binary that the ``pagefind[bin]`` package ships."""
    try:
        from pagefind_bin import get_executable
    except ImportError as exc:  # pragma: no cover - a dependency of the project
        raise SearchIndexError("the 'pagefind[bin]' package is not installed") from exc
    return Path(get_executable())


def index_site(site_dir: Path, part_pages: int = PART_PAGES) -> float:
    """Write the search bundle into ``site_dir/pagefind``; returns the seconds it took.

    The output is deterministic: the same pages give byte-identical bundles.
    """
    start = time.perf_counter()
    bundle = site_dir / BUNDLE
    for folder in (bundle, site_dir / PART_SITE):  # a rebuild under `serve` writes into the same folder
        if folder.exists():
            shutil.rmtree(folder)
    parts = split(searchable_pages(site_dir), part_pages)
    folders = [bundle] + [bundle / f"part-{number}" for number in range(2, len(parts) + 1)]
    if len(parts) == 1:
        _pagefind(site_dir, bundle)  # the whole site in one run, as Pagefind is meant to be used
    else:
        for pages, folder in zip(parts, folders):
            with _linked(site_dir, pages) as part_site:
                _pagefind(part_site, folder)
    for name in UNUSED:
        (bundle / name).unlink(missing_ok=True)
    for folder in folders[1:]:  # the main bundle's script and WebAssembly search every part
        for path in folder.iterdir():
            if path.is_file() and path.name != "pagefind-entry.json" and path.suffix != ".pf_meta":
                path.unlink()
    for folder in folders:
        canonical_filters(folder)
    manifest = {"parts": [f"{folder.name}/" for folder in folders[1:]]}
    (bundle / MANIFEST).write_text(json.dumps(manifest) + "\n", encoding="utf-8")
    return time.perf_counter() - start


def searchable_pages(site_dir: Path) -> list[Path]:
    """The pages Pagefind would index, relative to ``site_dir``, in path order."""
    return sorted(
        path.relative_to(site_dir) for path in site_dir.rglob("*.html") if SEARCHABLE in path.read_bytes()
    )


def split(pages: list[Path], part_pages: int) -> list[list[Path]]:
    """``pages`` cut into the fewest consecutive parts of at most ``part_pages``, of even sizes."""
    count = max(1, math.ceil(len(pages) / max(part_pages, 1)))
    return [pages[len(pages) * i // count:len(pages) * (i + 1) // count] for i in range(count)]


@contextmanager
def _linked(site_dir: Path, pages: list[Path]) -> Iterator[Path]:
    """A folder inside ``site_dir`` with only ``pages``, at their paths (hard links: nothing is copied)."""
    folder = site_dir / PART_SITE
    if folder.exists():  # never index a part's pages together with a previous part's
        shutil.rmtree(folder)
    try:
        for page in pages:
            (folder / page).parent.mkdir(parents=True, exist_ok=True)
            try:
                os.link(site_dir / page, folder / page)
            except OSError:  # a file system without hard links
                shutil.copyfile(site_dir / page, folder / page)
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    if folder.exists():  # it would be published with the site
        raise SearchIndexError(f"could not remove {folder}")


def _pagefind(site: Path, output: Path) -> None:
    """Run Pagefind over the pages in ``site``, writing the bundle to ``output``."""
    command = [
        str(executable()), "--site", str(site), "--output-path", str(output),
        "--exclude-selectors", ", ".join(EXCLUDE_SELECTORS), "--silent",
    ]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        detail = (done.stderr or done.stdout).strip().splitlines()
        raise SearchIndexError(f"Pagefind failed to index the site: {detail[-1] if detail else done.returncode}")


#: Pagefind's chunks: gzip of this signature followed by CBOR.
_SIGNATURE = b"pagefind_dcd"


def _read_chunk(path: Path) -> object:
    data = gzip.decompress(path.read_bytes())
    if not data.startswith(_SIGNATURE):
        raise SearchIndexError(f"unexpected Pagefind chunk format in {path.name}")
    return cbor2.loads(data[len(_SIGNATURE):])


def _write_chunk(folder: Path, prefix: str, digits: int, suffix: str, value: object) -> str:
    """Write ``value`` as a chunk named by its content; returns the name's hash part."""
    data = _SIGNATURE + cbor2.dumps(value)
    name = f"{prefix}{hashlib.sha256(data).hexdigest()[:digits]}"
    (folder / f"{name}{suffix}").write_bytes(gzip.compress(data, mtime=0))
    return name


def canonical_filters(bundle: Path) -> None:
    """Make the filter chunks byte-identical from build to build.

    Pagefind (1.5) writes each filter's values, and the list of filters in its
    metadata, in hash-map order, which changes from run to run. Builds must be
    byte-identical, so the values and filters are sorted here and the chunks
    renamed by their content, as Pagefind names them. Nothing else is changed.
    """
    entry_path = bundle / "pagefind-entry.json"
    entry = json.loads(entry_path.read_text(encoding="utf-8"))
    text = entry_path.read_text(encoding="utf-8")
    for language in entry.get("languages", {}).values():
        old_meta = language["hash"]
        meta_path = bundle / f"pagefind.{old_meta}.pf_meta"
        meta = _read_chunk(meta_path)
        if not (isinstance(meta, list) and len(meta) > 3 and isinstance(meta[3], list)):
            raise SearchIndexError("unexpected Pagefind metadata layout")
        prefix = old_meta.split("_", 1)[0] + "_"
        filters = []
        for name, chunk in meta[3]:
            path = bundle / "filter" / f"{chunk}.pf_filter"
            value = _read_chunk(path)
            path.unlink()
            if not (isinstance(value, list) and len(value) == 2 and isinstance(value[1], list)):
                raise SearchIndexError("unexpected Pagefind filter layout")
            value = [value[0], sorted(value[1], key=lambda pair: str(pair[0]))]
            filters.append([name, _write_chunk(bundle / "filter", prefix, 7, ".pf_filter", value)])
        meta[3] = sorted(filters)
        meta_path.unlink()
        new_meta = _write_chunk(bundle, f"pagefind.{prefix}", 10, ".pf_meta", meta)[len("pagefind."):]
        text = text.replace(f'"{old_meta}"', f'"{new_meta}"')
    entry_path.write_text(text, encoding="utf-8")
