"""Scale mechanics (not timings): parallel work equals serial work; the cache skips unchanged files."""

from __future__ import annotations

import dataclasses
import os
from pathlib import Path

import pytest

from briefing import parallel
from briefing import render as render_module
from briefing import validate as validate_module
from briefing.settings import Settings
from briefing.generate import generate
from conftest import ROOT
from corpus import write_corpus


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    content = write_corpus(tmp_path / "content", briefings=30, events=6, actors=24, seed=7)
    bad = content / "briefings" / "briefing-00003.yaml"
    bad.write_text(bad.read_text().replace("summary: ", "summary: See [x](javascript:alert(1)). ", 1))
    return Settings(tmp_path, content, ROOT / "templates", ROOT / "site_config" / "vocabularies.yaml")


def run(settings: Settings, monkeypatch: pytest.MonkeyPatch, *, fork: bool):
    validate_module._PARSE_CACHE.clear()
    monkeypatch.setattr(parallel, "can_fork", lambda: fork)
    monkeypatch.setattr(validate_module, "PARALLEL_MIN_FILES", 1)
    monkeypatch.setattr(render_module, "PARALLEL_MIN_PAGES", 1)
    return generate(settings)


def test_parallel_generation_equals_serial(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    serial = run(settings, monkeypatch, fork=False)
    forked = run(settings, monkeypatch, fork=True)
    assert not serial.diagnostics.errors
    assert forked.pages == serial.pages
    assert forked.diagnostics.sorted() == serial.diagnostics.sorted()
    # The inert link was found in whichever process rendered it, and reported here.
    assert any("javascript:alert(1)" in d.message for d in forked.diagnostics.warnings)


def test_unchanged_files_are_not_parsed_again(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    run(settings, monkeypatch, fork=False)
    parsed = []
    original = validate_module.load_bytes
    monkeypatch.setattr(
        validate_module, "load_bytes", lambda raw, display, d: parsed.append(display) or original(raw, display, d)
    )
    edited = settings.content_dir / "briefings" / "briefing-00001.yaml"
    edited.write_text(edited.read_text().replace("summary: ", "summary: Edited. ", 1))
    result = generate(settings)
    assert parsed == [str(Path(validate_module.display_path(edited)))]
    assert "Edited." in result.pages["briefings/briefing-00001.md"]


def test_corpus_is_deterministic_and_valid(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    a = write_corpus(tmp_path / "a", briefings=5, events=3, actors=6, seed=3)
    b = write_corpus(tmp_path / "b", briefings=5, events=3, actors=6, seed=3)
    files = sorted(p.relative_to(a) for p in a.rglob("*.yaml"))
    assert files == sorted(p.relative_to(b) for p in b.rglob("*.yaml"))
    assert all((a / f).read_bytes() == (b / f).read_bytes() for f in files)
    validate_module._PARSE_CACHE.clear()
    result = generate(Settings(tmp_path, a, ROOT / "templates", ROOT / "site_config" / "vocabularies.yaml"))
    assert not result.diagnostics.errors and not result.diagnostics.warnings


def test_early_generation_hands_over_the_same_result(settings: Settings) -> None:
    from briefing import early

    validate_module._PARSE_CACHE.clear()
    expected = generate(settings)
    started = early.start()
    assert started is not None  # pytest runs no other thread here, so forking is allowed
    started.give(settings)
    taken = started.take(dataclasses.replace(settings, strict=True))  # strictness does not matter
    assert taken is not None
    assert taken.pages == expected.pages
    assert taken.diagnostics.sorted() == expected.diagnostics.sorted()
    assert taken.latest_as_of == expected.latest_as_of
    assert started.take(settings) is None  # taken once


def test_early_generation_for_other_settings_is_discarded(settings: Settings) -> None:
    from briefing import early
    from briefing.markings import Marking

    started = early.start()
    assert started is not None
    started.give(settings)
    assert started.take(dataclasses.replace(settings, max_marking=Marking.AMBER)) is None
    with pytest.raises(ChildProcessError):
        os.waitpid(started.pid, os.WNOHANG)  # the child is gone and reaped


def test_early_generation_hands_over_diagnostics(settings: Settings) -> None:
    from briefing import early

    broken = dataclasses.replace(settings, vocabularies=settings.root / "missing" / "vocabularies.yaml")
    started = early.start()
    assert started is not None
    started.give(broken)
    taken = started.take(broken)
    # A missing vocabulary file is a diagnostic, handed over like any other.
    assert taken is not None and taken.failed()


def test_early_generation_that_crashes_gives_nothing(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    from briefing import early
    from briefing import generate as generate_module

    def crash(settings: Settings):
        raise MemoryError("out of memory in the child")

    monkeypatch.setattr(generate_module, "generate", crash)  # the forked child inherits the patch
    started = early.start()
    assert started is not None
    started.give(settings)
    assert started.take(settings) is None  # the plugin then generates in process


def test_early_child_without_settings_is_stopped(settings: Settings) -> None:
    from briefing import early

    started = early.start()
    assert started is not None
    # `briefing build` could not work out the settings (mkdocs.yml is broken): nothing to take.
    assert started.take(settings) is None
    with pytest.raises(ChildProcessError):
        os.waitpid(started.pid, os.WNOHANG)


def _compiles(env) -> list[str]:
    compiled: list[str] = []
    original = env.compile

    def counting(source, name=None, filename=None, raw=False, defer_init=False):
        compiled.append(name)
        return original(source, name, filename, raw, defer_init)

    env.compile = counting
    return compiled


def test_compiled_templates_are_reused_only_under_the_same_options(tmp_path: Path) -> None:
    import jinja2

    from briefing.jinjacache import CompiledTemplates, fingerprint

    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / "page.html").write_text("{{ title|shout }}\n")
    cache = tmp_path / "cache"
    cache.mkdir(mode=0o700)

    def environment(**options) -> jinja2.Environment:
        env = jinja2.Environment(
            loader=jinja2.FileSystemLoader(tmp_path / "templates"),
            bytecode_cache=CompiledTemplates(str(cache)),
            **options,
        )
        env.filters["shout"] = lambda v: f"{v}!"
        return env

    first = environment()
    compiled = _compiles(first)
    assert first.get_template("page.html").render(title="a") == "a!"
    assert compiled == ["page.html"]
    again = environment()
    compiled = _compiles(again)
    assert again.get_template("page.html").render(title="b") == "b!"
    assert compiled == []  # loaded from the cache

    # Other options compile to other code: never served from the same entry.
    trimmed = environment(trim_blocks=True)
    assert fingerprint(trimmed) != fingerprint(again)
    compiled = _compiles(trimmed)
    trimmed.get_template("page.html")
    assert compiled == ["page.html"]
    contextual = environment()
    contextual.filters["shout"] = jinja2.pass_context(lambda ctx, v: f"{v}!")
    assert fingerprint(contextual) != fingerprint(again)

    # An edited template is compiled again.
    (tmp_path / "templates" / "page.html").write_text("{{ title }}?\n")
    edited = environment()
    compiled = _compiles(edited)
    assert edited.get_template("page.html").render(title="c") == "c?"
    assert compiled == ["page.html"]


def test_theme_templates_get_the_cache() -> None:
    import jinja2

    from briefing.jinjacache import CompiledTemplates
    from briefing.site.plugin import BriefingPlugin

    plugin = BriefingPlugin()
    env = jinja2.Environment()
    assert isinstance(plugin.on_env(env, config=None, files=None).bytecode_cache, CompiledTemplates)
    theirs = jinja2.FileSystemBytecodeCache()
    env = jinja2.Environment(bytecode_cache=theirs)
    assert plugin.on_env(env, config=None, files=None).bytecode_cache is theirs  # someone else's: kept


def test_early_child_forked_at_entry_is_handed_over(settings: Settings) -> None:
    from briefing import early

    validate_module._PARSE_CACHE.clear()
    expected = generate(settings)
    early.begin()  # what `briefing build` does before importing the command line
    started = early.start()
    assert started is not None
    started.give(settings)
    taken = started.take(settings)
    assert taken is not None and taken.pages == expected.pages


def _largest_pages(tmp_path: Path, briefings: int) -> tuple[int, str, int]:
    """Build a synthetic site of ``briefings``; (largest HTML page in bytes, its path, page count)."""
    from conftest import make_project

    content = write_corpus(tmp_path / f"corpus-{briefings}", briefings=briefings, events=8, actors=60, seed=11)
    project = make_project(tmp_path / f"site-{briefings}", content)
    run = project.run("build")
    assert run.code == 0, run.stderr
    pages = [(p.stat().st_size, str(p.relative_to(project.site))) for p in project.site.rglob("*.html")]
    size, path = max(pages)
    return size, path, len(pages)


def test_page_sizes_stay_bounded_as_the_archive_grows(tmp_path: Path) -> None:
    # Eight times the briefings; no page may grow by more than 15% (see briefing.render.archive).
    small, small_path, small_count = _largest_pages(tmp_path, 50)
    large, large_path, large_count = _largest_pages(tmp_path, 400)
    assert large_count > 4 * small_count  # the archive grew in pages, not in page size
    assert large <= 1.15 * small, f"{large_path} ({large} B) > 1.15 x {small_path} ({small} B)"
