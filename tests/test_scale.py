"""Scale mechanics (not timings): the parse cache skips unchanged files; compiled templates are kept."""

from __future__ import annotations

import dataclasses
import types
from pathlib import Path

import pytest
from conftest import ROOT
from corpus import write_corpus

from briefing import validate as validate_module
from briefing.generate import generate
from briefing.settings import Settings


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    content = write_corpus(tmp_path / "content", briefings=30, events=6, actors=24, seed=7)
    bad = content / "briefings" / "briefing-00003.yaml"
    bad.write_text(bad.read_text().replace("summary: ", "summary: See [x](javascript:alert(1)). ", 1))
    return Settings(tmp_path, content, ROOT / "templates", ROOT / "site_config" / "vocabularies.yaml")


def run(settings: Settings):
    validate_module._PARSE_CACHE.clear()
    return generate(settings)


def test_inert_link_is_reported_once(settings: Settings) -> None:
    result = run(settings)
    assert not result.diagnostics.errors
    assert [d.message.count("javascript:alert(1)") for d in result.diagnostics.warnings] == [1]


def test_unchanged_files_are_not_parsed_again(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    run(settings)
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

    from briefing.render.template_cache import CompiledTemplates, fingerprint

    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / "page.html").write_text("{{ title|shout }}\n")
    cache = tmp_path / "cache"
    cache.mkdir(mode=0o700)

    def environment(**options) -> jinja2.Environment:
        env = jinja2.Environment(
            loader=jinja2.FileSystemLoader(tmp_path / "templates"),
            bytecode_cache=CompiledTemplates(cache),
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


def test_theme_templates_get_the_cache(tmp_path: Path) -> None:
    import jinja2

    from briefing.render.template_cache import CompiledTemplates
    from briefing.site.plugin import BriefingPlugin

    plugin = BriefingPlugin()
    plugin.load_config({})
    plugin.settings = Settings(tmp_path, tmp_path, tmp_path, tmp_path, cache_dir=tmp_path / ".cache" / "briefing")
    config = types.SimpleNamespace(site_dir=str(tmp_path / "site"))  # where on_env's search indexer will look
    env = jinja2.Environment()
    cache = plugin.on_env(env, config=config, files=None).bytecode_cache  # type: ignore[arg-type]
    assert isinstance(cache, CompiledTemplates) and cache.directory == str(tmp_path / ".cache" / "briefing")
    theirs = jinja2.FileSystemBytecodeCache()
    env = jinja2.Environment(bytecode_cache=theirs)
    assert plugin.on_env(env, config=config, files=None).bytecode_cache is theirs  # type: ignore[arg-type]  # someone else's: kept
    plugin.settings = dataclasses.replace(plugin.settings, cache_dir=None)  # `cache: false`
    assert plugin.on_env(jinja2.Environment(), config=config, files=None).bytecode_cache is None  # type: ignore[arg-type]


def test_build_keeps_compiled_templates_in_the_project(tmp_path: Path) -> None:
    from conftest import make_project

    project = make_project(tmp_path / "project")
    assert project.run("build").code == 0
    cached = list((project.root / ".cache" / "briefing").glob("briefing-*.cache"))
    assert len(cached) > 40  # Material's templates and ours
    config = project.root / "mkdocs.yml"
    config.write_text(config.read_text().replace("drafts: false", "drafts: false\n      cache: false"))
    for entry in cached:
        entry.unlink()
    assert project.run("build").code == 0
    assert not list((project.root / ".cache" / "briefing").glob("briefing-*.cache"))


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
