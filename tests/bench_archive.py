"""``make bench-archive``: the site at archive scale, and its search against Material's lunr.

For each size it builds a synthetic corpus (15 events a briefing), commits it
as a git history of 5 revisions per briefing (:func:`corpus.commit_revisions`),
and reports build time and peak memory (of all the build's processes together:
PSS sampled from ``/proc`` every 2 s), the history step (reading every past
version for the Revisions sections, from a cold cache as a fresh clone has: its
own seconds from the build's log, against the rest of the build; then from the
warm cache the build left, in a generation in this process), the largest HTML
page, the Pagefind bundle and the time Pagefind takes, then the bytes and time to a first search result in
Chromium (median of 5 fresh browser contexts, loopback, CSP sent as a header),
for Pagefind and for Material's lunr search on a bare MkDocs build of the same
Markdown. Results go to ``bench-results/archive.{json,md}``; nothing here is a
test assertion.

    python -m tests.bench_archive [--sizes 2000] [--events 15]
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml
from playwright.sync_api import Error as PlaywrightError

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from bench import OUT, bare_project, folder_bytes, make_project, run_logged  # noqa: E402
from browser import chromium, static_server  # noqa: E402
from corpus import commit_revisions  # noqa: E402

from briefing.generate import generate  # noqa: E402
from briefing.settings import Settings  # noqa: E402
from briefing.site import search  # noqa: E402

CONTEXTS = 5
#: Committed versions of each briefing (issue 19: their history adds at most 20% to the build).
REVISIONS = 5
HISTORY_TARGET = 0.20


def first_result(site: Path, url: str, term: str, kind: str, csp: str | None) -> tuple[float, int, int]:
    """A reader opens ``url`` in a fresh context and searches ``term`` at once.

    Returns medians over :data:`CONTEXTS` fresh contexts of: seconds from the
    navigation's start to the first result shown, bytes of every response
    (page, theme, search), and bytes of the search's own files (Pagefind's
    bundle; Material's index and worker).
    """
    times, sizes, search_sizes = [], [], []
    with chromium() as browser, static_server(site, csp=csp) as base:
        for _ in range(CONTEXTS):
            context = browser.new_context(viewport={"width": 1280, "height": 900})
            page = context.new_page()
            responses: list = []
            context.on("response", lambda response, into=responses: into.append(response))
            start = time.perf_counter()
            page.goto(base + url, wait_until="domcontentloaded")
            if kind == "pagefind":
                page.locator("body").press("/")
                page.locator("#brief-search-input").press_sequentially(term)
                page.locator(".brief-search__title").first.wait_for(timeout=300_000)
            else:
                page.locator("input.md-search__input").first.click()
                page.locator("input.md-search__input").first.press_sequentially(term)
                page.locator(".md-search-result__item").first.wait_for(timeout=300_000)
            times.append(time.perf_counter() - start)
            total = searched = 0
            for response in responses:
                try:
                    size = len(response.body())
                except Exception:  # noqa: BLE001 - a redirect or aborted request has no body
                    continue
                total += size
                if "/pagefind/" in response.url or "/search/" in response.url or "workers/search" in response.url:
                    searched += size
            sizes.append(total)
            search_sizes.append(searched)
            context.close()
    return statistics.median(times), int(statistics.median(sizes)), int(statistics.median(search_sizes))


def measure(size: int, events: int, work: Path) -> dict:
    project = make_project(work / f"p{size}", size, events)
    commit_revisions(project, REVISIONS)
    # Verbose (MkDocs' debug log) for the history step's log line; no cache yet: a fresh clone.
    run = run_logged([sys.executable, "-m", "briefing", "build", "-v"], project)
    seconds, peak, log = run.seconds, run.peak_total_mb or run.peak_process_mb, run.stderr
    history_cold = _history_seconds(log)
    history_warm = _warm_history(project)
    site = project / "site"
    pages = [(p.stat().st_size, str(p.relative_to(site))) for p in site.rglob("*.html")]
    largest, largest_path = max(pages)
    copy = work / f"reindex{size}"
    shutil.copytree(site, copy)
    index_seconds = search.index_site(copy)
    shutil.rmtree(copy)
    policy = re.search(r'Content-Security-Policy" content="([^"]*)"', (site / "index.html").read_text()).group(1)
    term = _one_hit_term(project)
    pf_time, pf_bytes, pf_search = first_result(site, "briefings/", term, "pagefind", policy)
    added = history_cold / (seconds - history_cold)
    ours = {
        "briefings": size, "events": size * events, "build_s": round(seconds, 1), "peak_mb": round(peak),
        "revisions": REVISIONS, "history_cold_s": round(history_cold, 1), "history_added": round(added, 3),
        "history_met": "yes" if added <= HISTORY_TARGET else "NO", "history_warm_s": round(history_warm, 2),
        "pages": len(pages), "largest_page_kb": round(largest / 1024), "largest_page": largest_path,
        "pagefind_s": round(index_seconds, 2), "pagefind_share": round(index_seconds / seconds, 3),
        "bundle_mb": round(folder_bytes(site / "pagefind") / 2**20, 2),
        "search_term": term, "pagefind_first_s": round(pf_time, 2), "pagefind_kb": round(pf_bytes / 1024),
        "pagefind_search_kb": round(pf_search / 1024),
    }
    print(json.dumps(ours), flush=True)  # before lunr's part, which takes long at scale
    # Material's lunr search over the same Markdown (bare MkDocs build, theme's own header).
    bare = work / f"bare{size}"
    bare_project(project, bare)
    config = yaml.safe_load((bare / "mkdocs.yml").read_text())
    config["theme"].pop("custom_dir", None)
    config["theme"]["features"] = list(config["theme"].get("features", [])) + ["search.suggest"]
    config.pop("extra_javascript", None)
    (bare / "mkdocs.yml").write_text(yaml.safe_dump(config, sort_keys=False))
    subprocess.run([sys.executable, "-m", "mkdocs", "build", "-q"], cwd=bare, check=True)
    lunr_index = folder_bytes(bare / "site" / "search")
    print(json.dumps({"lunr_index_mb": round(lunr_index / 2**20, 1)}), flush=True)
    try:
        lunr_time, lunr_bytes, lunr_search = first_result(bare / "site", "briefings/", term, "lunr", None)
    except PlaywrightError as exc:  # at 10,000 briefings Chromium's tab crashed on lunr's index
        failed = f"failed: {str(exc).splitlines()[0]}"
        return ours | {"lunr_index_mb": round(lunr_index / 2**20, 1), "lunr_first_s": failed, "lunr_kb": "", "lunr_search_kb": ""}
    return ours | {
        "lunr_index_mb": round(lunr_index / 2**20, 1), "lunr_first_s": round(lunr_time, 2),
        "lunr_kb": round(lunr_bytes / 1024), "lunr_search_kb": round(lunr_search / 1024),
    }


def _history_seconds(log: str) -> float:
    """The history step's seconds, from the build's log line (``briefing.site.plugin``)."""
    found = re.search(r"revision history read in ([0-9.]+) s", log)
    if found is None:
        raise SystemExit(f"no revision-history line in the build's log:\n{log[-3000:]}")
    return float(found.group(1))


def _warm_history(project: Path) -> float:
    """The history step's seconds with the cache the build left (a generation, in this process)."""
    settings = Settings(
        project, project / "content", project / "templates", project / "site_config" / "vocabularies.yaml",
        cache_dir=project / ".cache" / "briefing",
    )
    result = generate(settings)
    if result.failed() or result.history_note:  # a note: no history, or uncommitted edits
        raise SystemExit(f"warm generation: {result.history_note or result.diagnostics.sorted()[:3]}")
    return result.history_seconds


def _one_hit_term(project: Path) -> str:
    """A word found on one page: the short name of the last actor of the corpus."""
    names = []
    for path in sorted((project / "content" / "actors").glob("*.yaml")):
        for actor in yaml.safe_load(path.read_text()) or []:
            names.append(actor.get("short_name") or actor["name"])
    return names[-1]


ROWS = [
    ("build time (s)", "build_s"), ("peak memory, all the build's processes together (MB, PSS)", "peak_mb"),
    ("committed revisions per briefing", "revisions"), ("history step, cold cache (s)", "history_cold_s"),
    (f"history added to the rest of the build, cold (target ≤ {HISTORY_TARGET:.2f})", "history_added"),
    ("history target met", "history_met"), ("history step, warm cache (s)", "history_warm_s"),
    ("HTML pages", "pages"),
    ("largest HTML page (KB)", "largest_page_kb"), ("Pagefind step (s)", "pagefind_s"),
    ("Pagefind share of the build", "pagefind_share"), ("Pagefind bundle (MB)", "bundle_mb"),
    ("Pagefind: first result, from opening the page (s)", "pagefind_first_s"),
    ("Pagefind: transferred in all (KB)", "pagefind_kb"), ("Pagefind: of which search files (KB)", "pagefind_search_kb"),
    ("lunr: search_index.json (MB)", "lunr_index_mb"),
    ("lunr: first result, from opening the page (s)", "lunr_first_s"),
    ("lunr: transferred in all (KB)", "lunr_kb"), ("lunr: of which search files (KB)", "lunr_search_kb"),
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[2000])
    parser.add_argument("--events", type=int, default=15)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="briefing-archive-") as tmp:
        results = []
        for size in args.sizes:
            result = measure(size, args.events, Path(tmp))
            results.append(result)
            print(json.dumps(result), flush=True)
    header = "| | " + " | ".join(f"{r['briefings']} briefings" for r in results) + " |"
    lines = [header, "| --- |" + " ---: |" * len(results)]
    lines += [f"| {label} | " + " | ".join(str(r[key]) for r in results) + " |" for label, key in ROWS]
    OUT.mkdir(exist_ok=True)
    (OUT / "archive.json").write_text(json.dumps(results, indent=1))
    (OUT / "archive.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
