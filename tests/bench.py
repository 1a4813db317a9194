"""``make bench``: how generation and the site build scale, against their floors.

For each corpus size it measures load + validate, render to Markdown, the
full site build (time and peak memory), page and site sizes, and two floors
on the same files: ``yaml.CSafeLoader`` parsing the YAML, and a bare MkDocs +
Material build of the same generated Markdown. It also times an incremental
preview rebuild after editing one briefing. Results go to
``bench-results/results.{json,md}``; nothing here is a test assertion.

    python -m tests.bench [--sizes 50 400] [--events 15]
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from corpus import write_corpus  # noqa: E402

from briefing import dates  # noqa: E402
from briefing import load as load_module  # noqa: E402
from briefing.generate import generate  # noqa: E402
from briefing.profile import Profile, apply  # noqa: E402
from briefing.render import render_pages  # noqa: E402
from briefing.render.text import plain  # noqa: E402
from briefing.settings import Settings  # noqa: E402
from briefing.validate import _PARSE_CACHE, load_project  # noqa: E402

median = statistics.median

OUT = ROOT / "bench-results"
#: Rounds of (CSafeLoader floor, load + validate, render), interleaved.
ROUNDS = 11
#: Rounds of (our build, bare MkDocs build), interleaved, for the small and large corpus.
BUILD_ROUNDS = (11, 6)


def timed(fn) -> float:
    gc.collect()  # every measurement starts without the previous one's garbage
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def forget_caches() -> None:
    """Start from nothing, as a fresh build does: no parsed files, no memoised text or dates."""
    _PARSE_CACHE.clear()
    plain.cache_clear()
    dates._parse_cached.cache_clear()


def run_measured(args: list[str], cwd: Path, **extra_env: str) -> tuple[float, float]:
    """Wall time (s) and peak RSS (MB) of a child process."""
    run = run_logged(args, cwd, **extra_env)
    return run.seconds, run.peak_process_mb


@dataclass
class Run:
    seconds: float
    peak_process_mb: float
    """The peak RSS of the largest single process (``wait4``)."""
    peak_total_mb: float | None
    """The peak of all the command's processes together (PSS, so memory a fork shares counts once),
    sampled every 2 s from ``/proc``; None where there is no ``/proc``."""
    stderr: str


def tree_pss_mb(pid: int) -> float:
    """The PSS of a process and all its descendants, in MB (0 if they are gone)."""
    total, stack = 0, [pid]
    while stack:
        current = stack.pop()
        try:
            for task in Path(f"/proc/{current}/task").iterdir():
                stack += [int(child) for child in (task / "children").read_text().split()]
            for line in Path(f"/proc/{current}/smaps_rollup").read_text().splitlines():
                if line.startswith("Pss:"):
                    total += int(line.split()[1])
        except (OSError, ValueError):  # it ended meanwhile
            continue
    return total / 1024


def run_logged(args: list[str], cwd: Path, **extra_env: str) -> Run:
    """Wall time, peak memory and standard error of a child process (and of the processes it starts)."""
    env = {k: v for k, v in os.environ.items() if k != "SOURCE_DATE_EPOCH"} | extra_env
    sampling = Path("/proc/self/smaps_rollup").exists()
    peak_total = 0.0
    # Into a file, not a pipe: a verbose build logs more than a pipe holds, and would block.
    with tempfile.TemporaryFile() as log:
        start = time.perf_counter()
        process = subprocess.Popen(args, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=log)
        done = threading.Event()

        def sample() -> None:
            nonlocal peak_total
            while not done.wait(2):  # reading PSS walks the page tables: about 2% of a core at 2 s
                peak_total = max(peak_total, tree_pss_mb(process.pid))

        sampler = threading.Thread(target=sample, daemon=True)
        if sampling:
            sampler.start()
        _, status, usage = os.wait4(process.pid, 0)
        elapsed = time.perf_counter() - start
        done.set()
        if sampling:
            sampler.join()
        log.seek(0)
        stderr = log.read().decode()
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{' '.join(args)} failed:\n{stderr[-3000:]}")
    return Run(elapsed, usage.ru_maxrss / 1024, peak_total if sampling else None, stderr)


def run_build(args: list[str], cwd: Path) -> tuple[float, float, float]:
    """A `briefing build`: wall time (s), peak RSS (MB), and the Pagefind step's seconds from its log line."""
    run = run_logged(args, cwd)
    found = re.search(r"search index written ([0-9.]+) s after the last page", run.stderr)
    if found is None:
        raise SystemExit(f"no search-index line in the build's log:\n{run.stderr[-3000:]}")
    return run.seconds, run.peak_process_mb, float(found.group(1))


def make_project(root: Path, briefings: int, events: int) -> Path:
    root.mkdir(parents=True)
    shutil.copy(ROOT / "mkdocs.yml", root / "mkdocs.yml")
    shutil.copytree(ROOT / "templates", root / "templates")
    shutil.copytree(ROOT / "site_config", root / "site_config")
    write_corpus(root / "content", briefings, events, actors=max(20, briefings * 4 // 5), seed=briefings)
    return root


def bare_project(project: Path, bare: Path) -> None:
    """The same Markdown and site configuration, built by MkDocs + Material without our plugin."""
    docs = bare / "docs"
    shutil.copytree(project / "site_config" / "pages", docs)
    run = subprocess.run(
        [sys.executable, "-m", "briefing", "render", "--out", str(bare / "rendered")],
        cwd=project, capture_output=True, text=True,
    )
    if run.returncode != 0:
        raise SystemExit(run.stderr)
    shutil.copytree(bare / "rendered", docs, dirs_exist_ok=True)
    config = yaml.safe_load((project / "mkdocs.yml").read_text())
    config["plugins"] = ["search"]
    config["docs_dir"] = "docs"
    config["theme"]["custom_dir"] = str(project / "site_config" / "overrides")
    (bare / "mkdocs.yml").write_text(yaml.safe_dump(config, sort_keys=False))
    # The like-for-like floor for our pages alone: the same site without any search.
    config["plugins"] = []
    (bare / "mkdocs-no-search.yml").write_text(yaml.safe_dump(config, sort_keys=False))


def folder_bytes(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


def measure(size: int, events: int, work: Path) -> dict:
    project = make_project(work / f"project-{size}", size, events)
    settings = Settings(
        project, project / "content", project / "templates", project / "site_config" / "vocabularies.yaml"
    )
    files = sorted((project / "content").rglob("*.yaml"))
    raw = [f.read_bytes() for f in files]

    def floor() -> None:
        for r in raw:
            yaml.load(r, Loader=yaml.CSafeLoader)

    # This machine's speed drifts by tens of percent within seconds, so the floor
    # and our steps are measured in interleaved rounds and compared round by round.
    rounds = []
    for _ in range(ROUNDS):
        forget_caches()
        floor_s = timed(floor)
        load_s = timed(lambda: load_project(settings.content_dir, settings.vocabularies))
        model, _ = load_project(settings.content_dir, settings.vocabularies)  # cached now
        plain.cache_clear()
        visible = apply(model, Profile())
        render_s = timed(lambda v=visible: render_pages(v, Profile(), settings.templates_dir))
        rounds.append((floor_s, load_s, render_s))

    site = project / "site"
    bare = work / f"bare-{size}"
    bare.mkdir()
    bare_project(project, bare)
    # Builds come in rounds (ours and bare, in rotating order) compared round by round.
    # `briefing build` keeps compiled templates (the theme's too) in the project's
    # .cache/briefing between builds (the plugin's `cache` option), as a user's machine
    # does. For the small corpus, where compiling is the larger share, a third build
    # per round starts without them.
    builds, bares, plains, colds = [], [], [], []
    # Verbose (MkDocs debug log) for the Pagefind step's log line; the bare builds log the same way.
    command = [sys.executable, "-m", "briefing", "build", "-v", "--site-dir", str(site)]

    def cold() -> None:
        shutil.rmtree(project / ".cache", ignore_errors=True)
        colds.append(run_build(command, project))

    mkdocs = [sys.executable, "-m", "mkdocs", "build", "-v"]
    steps = [
        lambda: builds.append(run_build(command, project)),
        lambda: bares.append(run_measured([*mkdocs, "--site-dir", str(bare / "site")], bare)),
        lambda: plains.append(run_measured([*mkdocs, "-f", "mkdocs-no-search.yml", "--site-dir", str(bare / "plain")], bare)),
    ]
    if size <= 100:
        steps.append(cold)
    for turn in range(BUILD_ROUNDS[0] if size <= 100 else BUILD_ROUNDS[1]):
        for step in steps[turn % len(steps):] + steps[: turn % len(steps)]:
            step()
    pages = sorted((site / "briefings").glob("*/index.html"), key=lambda p: p.stat().st_size)

    # Incremental preview: warm caches (as `briefing serve` has them), edit one briefing.
    _PARSE_CACHE.clear()
    generate(settings)
    parsed = []
    original = load_module.load_bytes

    def counting(raw_bytes, display, diagnostics):
        parsed.append(display)
        return original(raw_bytes, display, diagnostics)

    edited = project / "content" / "briefings" / "briefing-00001.yaml"
    edited.write_text(edited.read_text().replace("summary: ", "summary: Edited. ", 1))
    import briefing.validate as validate_module

    validate_module.load_bytes = counting
    try:
        start = time.perf_counter()
        result = generate(settings)
        incremental = time.perf_counter() - start
    finally:
        validate_module.load_bytes = original
    assert "Edited." in result.pages["briefings/briefing-00001.md"]

    return {
        "briefings": size,
        "events": size * events,
        "yaml_files": len(files),
        "yaml_bytes": sum(len(r) for r in raw),
        "floor_csafeloader_s": round(median(r[0] for r in rounds), 3),
        "load_validate_s": round(median(r[1] for r in rounds), 3),
        "render_markdown_s": round(median(r[2] for r in rounds), 3),
        "generation_s": round(median(r[1] + r[2] for r in rounds), 3),
        "generation_over_floor": round(median((r[1] + r[2]) / r[0] for r in rounds), 2),
        "build_s": round(median(t for t, _, _ in builds), 2),
        "build_peak_mb": round(max(m for _, m, _ in builds), 1),
        "pagefind_step_s": round(median(p for _, _, p in builds), 2),
        "floor_bare_mkdocs_s": round(median(t for t, _ in bares), 2),
        "bare_mkdocs_peak_mb": round(max(m for _, m in bares), 1),
        "floor_bare_mkdocs_no_search_s": round(median(t for t, _ in plains), 2),
        "build_over_bare": round(median(b[0] / f[0] for b, f in zip(builds, bares)), 3),
        # Like for like: our build without its Pagefind step (budgeted on its own by the
        # archive benchmark) against the same site built without any search.
        "build_without_search_over_bare_without_search": round(
            median((b[0] - b[2]) / f[0] for b, f in zip(builds, plains)), 3),
        **({"build_over_bare_no_compiled_templates": round(median(c[0] / f[0] for c, f in zip(colds, bares)), 3)} if colds else {}),
        "largest_briefing_page_bytes": pages[-1].stat().st_size,
        "site_bytes": folder_bytes(site),
        "search_bundle_bytes": folder_bytes(site / "pagefind"),  # Pagefind; the bare build has lunr
        "incremental_regeneration_s": round(incremental, 3),
        "incremental_files_parsed": len(parsed),
    }


def report(results: list[dict]) -> tuple[str, bool]:
    small, large = results[0], results[-1]
    growth = large["briefings"] / small["briefings"]
    checks = []

    def check(name: str, value: float, limit: float, fmt: str = "{:.2f}") -> None:
        checks.append((name, fmt.format(value), fmt.format(limit), value <= limit))

    check(f"build time growth for x{growth:g} content (limit x{growth * 1.25:g})",
          large["build_s"] / small["build_s"], growth * 1.25)
    check(f"generation time growth for x{growth:g} content (linear: limit x{growth * 1.25:g})",
          large["generation_s"] / small["generation_s"], growth * 1.25)
    check("largest briefing page growth", large["largest_briefing_page_bytes"] / small["largest_briefing_page_bytes"], 1.15)
    for r in results:
        check(f"build / bare MkDocs build (search: Pagefind / lunr), {r['briefings']} briefings", r["build_over_bare"], 1.15)
        check(f"build without its Pagefind step / bare build without search, {r['briefings']} briefings",
              r["build_without_search_over_bare_without_search"], 1.15)
    lines = [
        f"# Benchmark ({time.strftime('%Y-%m-%d')})",
        "",
        f"Machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"{platform.system()} {platform.release()}.",
        "",
        "| measure | " + " | ".join(f"{r['briefings']} briefings" for r in results) + " |",
        "| --- | " + " | ".join("---:" for _ in results) + " |",
    ]
    for key in results[0]:
        lines.append(f"| {key} | " + " | ".join(str(r.get(key, "")) for r in results) + " |")
    lines += ["", "| target | value | limit | met |", "| --- | ---: | ---: | --- |"]
    lines += [f"| {n} | {v} | {l} | {'yes' if ok else 'NO'} |" for n, v, l, ok in checks]
    return "\n".join(lines) + "\n", all(ok for *_, ok in checks)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[50, 400])
    parser.add_argument("--events", type=int, default=15)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="briefing-bench-") as tmp:
        results = []
        for size in args.sizes:
            print(f"measuring {size} briefings x {args.events} events ...", file=sys.stderr, flush=True)
            results.append(measure(size, args.events, Path(tmp)))
    text, ok = report(results)
    OUT.mkdir(exist_ok=True)
    (OUT / "results.json").write_text(json.dumps(results, indent=2) + "\n")
    (OUT / "results.md").write_text(text)
    print(text)
    print("all targets met" if ok else "some targets NOT met", file=sys.stderr)


if __name__ == "__main__":
    main()
