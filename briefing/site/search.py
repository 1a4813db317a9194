"""The site's search: a Pagefind index of the built HTML, written into the site itself.

The plugin indexes the pages in the staging folder as MkDocs writes them, and
completes the index before the folder is swapped in, so a site and its index are
always one build, and the index holds only what the build profile let into the
pages. Pagefind splits the index into small chunks that
the browser fetches as a search needs them (see README, "Search"); no index of
the whole site is ever downloaded.

What is indexed is decided in the page template (``site_config/overrides/main.html``):
only pages that mark their content ``data-pagefind-body`` (briefings, actors,
chronology pages), with filters and the marking as ``data-pagefind-filter`` and
``data-pagefind-meta``.

Parts: Pagefind holds a whole index in memory while it writes it (about 0.4 MB
a page; Pagefind/pagefind#842), so a site with more searchable pages
than the plugin's ``search_part_pages`` is indexed in parts of that many pages
(the last may be smaller), in the order they are written, one Pagefind run after
another, each over a folder that holds only its pages (hard links into the staging
folder). A part is indexed as soon as its pages are written, beside the writing of
the next (:class:`Indexer`). The first part is the bundle in ``pagefind/``, the others
are ``pagefind/part-2/``, ... and ``pagefind/parts.json`` lists them; the search
script merges them in the browser with Pagefind's ``mergeIndex``, which adds up
the filter counts of the parts and ranks all results together.
"""

from __future__ import annotations

import atexit
import errno
import gzip
import hashlib
import json
import os
import shutil
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

import cbor2

from briefing.site import staging

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
SEARCHABLE = "data-pagefind-body"
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


#: The Pagefind processes running now, ended at exit (a build stopped by Ctrl-C or a signal): before
#: the staging folder's cleanup, which was registered earlier (this module imports staging), so
#: runs later. None of them goes on writing into a folder that was removed.
_RUNNING: set[subprocess.Popen[bytes]] = set()


@atexit.register
def _end_running() -> None:
    for process in list(_RUNNING):
        _end(process)


def _end(process: subprocess.Popen[bytes]) -> None:
    process.kill()
    process.communicate()
    _RUNNING.discard(process)


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
    """Write the search bundle of the pages already in ``site_dir`` into ``site_dir/pagefind``;
    returns the seconds it took. The output is deterministic: the same pages give byte-identical bundles."""
    indexer = Indexer(site_dir, part_pages)
    try:
        for page in searchable_pages(site_dir):
            indexer.add(page)
        return indexer.finish()
    finally:
        indexer.stop()


def searchable_pages(site_dir: Path) -> list[Path]:
    """The pages Pagefind would index, relative to ``site_dir``, in path order."""
    return sorted(
        path.relative_to(site_dir) for path in site_dir.rglob("*.html") if SEARCHABLE.encode() in path.read_bytes()
    )


class Indexer:
    """The search bundle of a site, made while its pages are written.

    Pagefind indexing every page after MkDocs had written the last took 80 s at 10,000
    briefings, with MkDocs' writing (40 s, one core) before it. So the plugin tells the
    indexer of each searchable page as MkDocs writes it (:meth:`add`), and each part is
    indexed as soon as it has its ``part_pages`` pages, beside the writing of the next:
    one Pagefind run at a time, since each holds its part's index in memory. :meth:`finish`
    indexes what is left and completes the bundle. A site whose pages fit in one part is
    indexed in one run over the site folder, as Pagefind is meant to be used.
    """

    def __init__(self, site_dir: Path, part_pages: int = PART_PAGES) -> None:
        self.site_dir, self.part_pages = site_dir, max(part_pages, 1)
        self.parts: list[list[Path]] = [[]]
        """The searchable pages, in the order they were written, cut into parts."""
        self.pending: Path | None = None
        """The page being written now: it joins its part once written (at the next call)."""
        self.started = 0
        """How many parts Pagefind was started on, in order."""
        self.running: tuple[subprocess.Popen[bytes], Path | None] | None = None
        self.failure: str | None = None
        for folder in (self.site_dir / BUNDLE, *self.site_dir.glob(PART_SITE + "*")):
            if folder.exists():  # a rebuild under `serve` writes into the same folder
                shutil.rmtree(folder)

    def add(self, page: Path) -> None:
        """``page`` (relative to the site folder) is searchable, and is written right after this call."""
        self._take_pending()
        self.pending = page
        self._advance(closing=False)

    def finish(self) -> float:
        """Index the pages not indexed yet and complete the bundle; returns the seconds this took
        (the wait after the last page was written)."""
        start = time.perf_counter()
        self._take_pending()
        if self.started == 0 and len(self.parts) == 1:
            self.started = 1
            self._pagefind(self.site_dir, self.site_dir / BUNDLE)
            if self.running is not None:
                self._end_run()
        else:
            self._advance(closing=True)
        if self.failure is not None:
            raise SearchIndexError(self.failure)
        self._complete()
        return time.perf_counter() - start

    def stop(self) -> None:
        """End any Pagefind run and remove the folders parts were indexed from (a failed or
        stopped build; also after :meth:`finish`, where nothing is left)."""
        if self.running is not None:
            process, folder = self.running
            self.running = None
            _end(process)
            if folder is not None:
                shutil.rmtree(folder, ignore_errors=True)

    def _take_pending(self) -> None:
        if self.pending is None:
            return
        if len(self.parts[-1]) == self.part_pages:
            self.parts.append([])
        self.parts[-1].append(self.pending)
        self.pending = None

    def _advance(self, *, closing: bool) -> None:
        """Start Pagefind on the next complete part when none runs; when ``closing``, on every part, in turn."""
        while True:
            if self.running is not None:
                if not closing and self.running[0].poll() is None:
                    return
                self._end_run()
            complete = len(self.parts) if closing or len(self.parts[-1]) == self.part_pages else len(self.parts) - 1
            if self.failure is not None or self.started >= complete:
                return
            number = self.started + 1
            self.started = number
            folder = self.site_dir / f"{PART_SITE}-{number}"
            try:
                _link(self.site_dir, self.parts[number - 1], folder)
            except OSError as exc:
                shutil.rmtree(folder, ignore_errors=True)
                self.failure = f"could not prepare part {number} of the search index: {staging.problem(exc)}"
                return
            bundle = self.site_dir / BUNDLE
            # Beside the writing, the writing goes first: Pagefind takes the core it leaves (its
            # threads took two thirds of both cores, and slowed the writing of the next parts 2.5 times).
            self._pagefind(folder, bundle if number == 1 else bundle / f"part-{number}", folder, 0 if closing else 19)

    def _pagefind(self, site: Path, output: Path, folder: Path | None = None, niceness: int = 0) -> None:
        """Start Pagefind over the pages in ``site`` (:func:`_start`); ``folder`` is removed once it is done."""
        try:
            process = _start(site, output, niceness)
        except (OSError, SearchIndexError) as exc:
            if folder is not None:
                shutil.rmtree(folder, ignore_errors=True)
            detail = staging.problem(exc) if isinstance(exc, OSError) else str(exc)
            self.failure = self.failure or f"could not run Pagefind: {detail}"
            return
        _RUNNING.add(process)
        self.running = (process, folder)

    def _end_run(self) -> None:
        """Wait for the running Pagefind; keep its failure, if any (no other part is started then)."""
        assert self.running is not None
        process, folder = self.running
        self.running = None
        out, _ = process.communicate()
        _RUNNING.discard(process)
        if folder is not None:
            shutil.rmtree(folder, ignore_errors=True)
            if folder.exists():  # it would be published with the site
                self.failure = self.failure or f"could not remove {folder}"
        if process.returncode != 0 and self.failure is None:
            detail = out.decode("utf-8", "replace").strip().splitlines()
            self.failure = f"Pagefind failed to index the site: {detail[-1] if detail else process.returncode}"

    def _complete(self) -> None:
        """The parts' bundles as one: Pagefind's script and WebAssembly in the main bundle only,
        filters in a stable order, and the list of parts."""
        bundle = self.site_dir / BUNDLE
        folders = [bundle] + [bundle / f"part-{number}" for number in range(2, len(self.parts) + 1)]
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


def _start(site: Path, output: Path, niceness: int) -> subprocess.Popen[bytes]:
    """Pagefind started over the pages in ``site``, writing its bundle to ``output``, with ``niceness``
    added to its scheduling priority."""
    command = [
        str(executable()), "--site", str(site), "--output-path", str(output),
        "--exclude-selectors", ", ".join(EXCLUDE_SELECTORS), "--silent",
    ]

    def start(setup: Callable[[], None] | None) -> subprocess.Popen[bytes]:
        return subprocess.Popen(
            command, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, preexec_fn=setup
        )

    try:
        return start(staging.child_setup(niceness))
    except OSError as exc:
        if exc.errno not in (errno.ENOMEM, errno.EAGAIN):
            raise
        # A preexec_fn needs a whole fork of this process (gigabytes at archive scale), and none was
        # to be had: started as usual, at its usual priority, it still ends with the build on exit
        # or failure, only not when the build is killed outright.
        return start(None)


def _link(site_dir: Path, pages: list[Path], folder: Path) -> None:
    """``folder`` with only ``pages``, at their paths (hard links: nothing is copied)."""
    if folder.exists():  # never index a part's pages together with an earlier build's
        shutil.rmtree(folder)
    for page in pages:
        (folder / page).parent.mkdir(parents=True, exist_ok=True)
        try:
            os.link(site_dir / page, folder / page)
        except OSError:  # a file system without hard links
            shutil.copyfile(site_dir / page, folder / page)


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
