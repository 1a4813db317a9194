"""The ``briefing`` command: thin glue over :mod:`briefing.generate` and MkDocs.

Exit codes: 0 ok, 1 content errors (or warnings under ``--strict``), 2 usage
or configuration errors. Diagnostics go to stderr as ``path:line:col: ...``.
"""

from __future__ import annotations

import gc
import json
import logging
import shutil
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable

import click
import yaml

from briefing.diagnostics import BriefingError, ConfigError, Diagnostic, Diagnostics
from briefing.markings import MARKINGS, Marking

if TYPE_CHECKING:  # MkDocs' configuration classes load after `briefing build` has forked
    from briefing.settings import Settings

CONFIG_FILE = "mkdocs.yml"


def _settings(config_file: str, content: str | None, max_marking: str | None, drafts: bool, strict: bool) -> Settings:
    """The plugin options from mkdocs.yml (the same schema as the plugin), overridden by the CLI."""
    from briefing.config import BriefingConfig
    from briefing.settings import Settings

    options = BriefingConfig()
    path = Path(config_file)
    directory_urls = True
    if path.is_file():
        try:
            loaded = yaml.load(path.read_text(encoding="utf-8"), Loader=_MkDocsLoader) or {}
        except (yaml.YAMLError, UnicodeDecodeError) as exc:
            raise ConfigError(f"{config_file}: cannot read: {exc}") from None
        directory_urls = bool(loaded.get("use_directory_urls", True))
        for entry in loaded.get("plugins") or []:
            if isinstance(entry, dict) and "briefing" in entry:
                options.load_dict(entry["briefing"] or {})
    options.load_dict({})
    failed, warnings = options.validate()
    if failed:
        raise ConfigError("; ".join(f"{CONFIG_FILE}: briefing.{key}: {err}" for key, err in failed))
    settings = Settings.from_plugin(
        options, path if path.is_file() else Path.cwd() / CONFIG_FILE, strict=strict, directory_urls=directory_urls
    )
    replace: dict[str, Any] = {}
    if content:
        replace["content_dir"] = Path(content).resolve()
    if max_marking:
        replace["max_marking"] = Marking(max_marking)
    if drafts:
        replace["drafts"] = True
    from dataclasses import replace as dc_replace

    return dc_replace(settings, **replace)


class _MkDocsLoader(yaml.SafeLoader):
    """Reads mkdocs.yml for our own options, ignoring MkDocs' custom tags."""


_MkDocsLoader.add_multi_constructor("", lambda loader, suffix, node: None)
_MkDocsLoader.add_multi_constructor("!", lambda loader, suffix, node: None)


def _print_diagnostics(diagnostics: list[Diagnostic]) -> None:
    for d in diagnostics:
        click.echo(d.format(), err=True)


def _summary(diagnostics: Diagnostics) -> None:
    line = diagnostics.summary()
    if line:
        click.echo(line, err=True)


def _run(action: Callable[[], int]) -> None:
    try:
        code = action()
    except BriefingError as exc:
        click.echo(f"briefing: error: {exc}", err=True)
        code = exc.exit_code
    sys.exit(code)


config_option = click.option(
    "-f", "--config-file", default=CONFIG_FILE, show_default=True, help="The MkDocs configuration file."
)
content_option = click.option("--content", "content", metavar="DIR", help="Content folder (default: from mkdocs.yml).")
strict_option = click.option("--strict", is_flag=True, help="Treat warnings as errors.")
drafts_option = click.option("--drafts", is_flag=True, help="Include draft briefings.")
marking_option = click.option(
    "--max-marking", type=click.Choice(MARKINGS, case_sensitive=False), help="Most restricted marking to show (default TLP:CLEAR)."
)


def _profile_options(f: Callable) -> Callable:
    for option in (config_option, content_option, strict_option, drafts_option, marking_option):
        f = option(f)
    return f


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="briefing")
def main() -> None:
    """Structured YAML briefings to a searchable static site."""


@main.command()
@_profile_options
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
def check(config_file: str, content: str | None, strict: bool, drafts: bool, max_marking: str | None, fmt: str) -> None:
    """Validate the content; report every problem at once."""
    from briefing.generate import validate

    def action() -> int:
        settings = _settings(config_file, content, max_marking, drafts, strict)
        result = validate(settings)
        if fmt == "json":
            click.echo(result.diagnostics.format_json())
        else:
            _print_diagnostics(result.diagnostics.sorted())
            _summary(result.diagnostics)
        if result.failed(strict):
            return 1
        if fmt == "text" and result.project is not None:
            p = result.project
            click.echo(f"ok: {len(p.briefings)} briefing(s), {len(p.actors)} actor(s)", err=True)
        return 0

    _run(action)


@main.command()
@_profile_options
@click.option("--out", "out", required=True, metavar="DIR", help="Folder to write the Markdown tree into.")
def render(config_file: str, content: str | None, strict: bool, drafts: bool, max_marking: str | None, out: str) -> None:
    """Write the generated Markdown tree to DIR (to inspect or diff)."""
    from briefing.generate import generate

    def action() -> int:
        settings = _settings(config_file, content, max_marking, drafts, strict)
        result = generate(settings)
        _print_diagnostics(result.diagnostics.sorted())
        if result.failed(strict):
            _summary(result.diagnostics)
            return 1
        root = Path(out)
        if root.exists():
            shutil.rmtree(root)
        for src_uri, text in sorted(result.pages.items()):
            target = (root / src_uri).resolve()
            if not target.is_relative_to(root.resolve()):  # ids make this impossible; check anyway
                raise ConfigError(f"refusing to write outside {root}: {src_uri}")
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8")
        click.echo(f"wrote {len(result.pages)} page(s) to {root}", err=True)
        return 0

    _run(action)


@main.command("export")
@_profile_options
@click.option(
    "--format", "formats", multiple=True, metavar="FORMAT",
    type=click.Choice(["all", "atom", "json", "csv", "geojson", "stix", "timelinejs"]),
    help="atom, json, csv, geojson, stix, timelinejs or all (the default); repeat for several.",
)
@click.option("--out", "out", required=True, metavar="DIR", help="A new or empty folder (or an earlier export).")
@click.option("--site-url", metavar="URL", help="Base URL for links (default: site_url in mkdocs.yml).")
def export_command(
    config_file: str, content: str | None, strict: bool, drafts: bool, max_marking: str | None,
    formats: tuple[str, ...], out: str, site_url: str | None,
) -> None:
    """Write feeds and data files for a build profile, without building the site."""
    from briefing.export import FORMAT_NAMES, exports
    from briefing.export import write as export_write
    from briefing.export.facts import ExportOptions
    from briefing.generate import profile_of, validate
    from briefing.profile import apply

    def action() -> int:
        settings = _settings(config_file, content, max_marking, drafts, strict)
        protected = [settings.content_dir, settings.templates_dir, settings.vocabularies.parent,
                     settings.root / ".git"]
        export_write.check_out(Path(out), protected, settings.root)  # before any work: exit 2 early
        site = _site_options(config_file)
        result = validate(settings)
        _print_diagnostics(result.diagnostics.sorted())
        if result.failed(strict) or result.project is None:
            _summary(result.diagnostics)
            return 1
        profile = profile_of(settings)
        options = ExportOptions(
            profile=profile,
            site_url=site_url or site.get("site_url") or None,
            site_name=site.get("site_name") or "Briefings",
            directory_urls=settings.directory_urls,
        )
        chosen = FORMAT_NAMES if not formats or "all" in formats else tuple(dict.fromkeys(formats))
        files = exports(apply(result.project, profile), options, chosen)
        target = export_write.write(files, Path(out), protected, settings.root)
        click.echo(f"wrote {len(files)} file(s) ({', '.join(chosen)}; {profile.describe()}) to {target}", err=True)
        return 0

    _run(action)


def _site_options(config_file: str) -> dict[str, Any]:
    """site_url and site_name from mkdocs.yml, as MkDocs reads them (empty outside a project)."""
    if not Path(config_file).is_file():
        return {}
    from mkdocs.config import load_config
    from mkdocs.exceptions import ConfigurationError

    try:
        config = load_config(config_file)
    except ConfigurationError as exc:
        raise ConfigError(str(exc)) from None
    return {"site_url": config.site_url, "site_name": config.site_name}


def _start_early(config_file: str, content: str | None, max_marking: str | None, drafts: bool, strict: bool) -> Any:
    from briefing import early

    started = early.start()  # the child imports the stages while this process works out the settings
    if started is None:
        return None
    try:
        settings = _settings(config_file, content, max_marking, drafts, strict)
    except ConfigError:
        started.discard()
        return None  # MkDocs reports it properly in a moment
    started.give(settings)
    return started


def _configure(config_file: str, content: str | None, strict: bool, drafts: bool, max_marking: str | None) -> None:
    from briefing.site import plugin

    if not Path(config_file).is_file():
        raise ConfigError(f"{config_file} not found; run briefing in the project folder or pass -f")
    plugin.OVERRIDES.clear()
    if content:
        plugin.OVERRIDES["content_dir"] = str(Path(content).resolve())
    if max_marking:
        plugin.OVERRIDES["max_marking"] = Marking(max_marking.upper()).value
    if drafts:
        plugin.OVERRIDES["drafts"] = True
    if strict:
        plugin.OVERRIDES["strict"] = True
    plugin.REPORTER = _print_diagnostics


def _mkdocs_logging(verbose: bool) -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(levelname)s: %(message)s"))
    logger = logging.getLogger("mkdocs")
    logger.handlers[:] = [handler]
    logger.setLevel(logging.DEBUG if verbose else logging.WARNING)
    logger.propagate = False


@main.command()
@_profile_options
@click.option("--site-dir", metavar="DIR", help="Where to write the site (default: from mkdocs.yml).")
@click.option("-v", "--verbose", is_flag=True, help="Show MkDocs' progress messages.")
def build(config_file: str, content: str | None, strict: bool, drafts: bool, max_marking: str | None, site_dir: str | None, verbose: bool) -> None:
    """Validate, generate and render the site (atomically: a failed build changes nothing)."""

    def action() -> int:
        # Generate on the other core while MkDocs imports and loads its configuration.
        early = _start_early(config_file, content, max_marking, drafts, strict)
        try:
            return _build(early)
        finally:
            if early is not None:
                early.discard()
                from briefing.site import plugin

                plugin.EARLY = None

    def _build(early: Any) -> int:
        from mkdocs.commands.build import build as mkdocs_build
        from mkdocs.config import load_config
        from mkdocs.exceptions import Abort, ConfigurationError, PluginError

        from briefing.site import plugin

        _configure(config_file, content, strict, drafts, max_marking)
        plugin.EARLY = early
        _mkdocs_logging(verbose)
        try:
            config = load_config(config_file, site_dir=site_dir, strict=strict)
        except ConfigurationError as exc:
            raise ConfigError(str(exc)) from None
        config.plugins.on_startup(command="build", dirty=False)
        # What is loaded by now lives to the end of the build: the cyclic garbage
        # collector need not scan it again and again while pages are built.
        gc.freeze()
        try:
            mkdocs_build(config)
        except plugin.ContentBuildError as exc:
            click.echo(f"briefing: {exc}; the site was not changed", err=True)
            return 1
        except (Abort, PluginError) as exc:
            click.echo(f"briefing: build failed: {exc}; the site was not changed", err=True)
            return 1
        finally:
            gc.unfreeze()
            config.plugins.on_shutdown()
        click.echo(f"built the site in {config.site_dir}", err=True)
        return 0

    _run(action)


@main.command()
@_profile_options
@click.option("-a", "--dev-addr", default="127.0.0.1:8000", show_default=True, metavar="IP:PORT")
def serve(config_file: str, content: str | None, strict: bool, drafts: bool, max_marking: str | None, dev_addr: str) -> None:
    """Live preview: editing a YAML file or a template rebuilds and reloads the page."""

    def action() -> int:
        from mkdocs.commands.serve import serve as mkdocs_serve

        _configure(config_file, content, strict, drafts, max_marking)
        _mkdocs_logging(False)
        logging.getLogger("mkdocs").setLevel(logging.INFO)
        # A full rebuild each time: MkDocs' dirty reload duplicates search entries
        # of generated pages. Unchanged files are not re-validated (parse cache).
        mkdocs_serve(config_file=config_file, dev_addr=dev_addr, livereload=True)
        return 0

    _run(action)


@main.group()
def new() -> None:
    """Scaffold a new content file."""


@new.command("briefing")
@click.argument("briefing_id")
@click.option("--content", "content", default="content", show_default=True, metavar="DIR")
def new_briefing(briefing_id: str, content: str) -> None:
    """Write content/briefings/BRIEFING_ID.yaml to fill in."""
    from briefing import scaffold

    _run(lambda: scaffold.write_briefing(Path(content), briefing_id))


@new.command("actor")
@click.argument("actor_id")
@click.option("--content", "content", default="content", show_default=True, metavar="DIR")
def new_actor(actor_id: str, content: str) -> None:
    """Write content/actors/ACTOR_ID.yaml to fill in."""
    from briefing import scaffold

    _run(lambda: scaffold.write_actor(Path(content), actor_id))


@main.command()
@click.argument("kind", type=click.Choice(["briefing", "actors"]), default="briefing")
@config_option
def schema(kind: str, config_file: str) -> None:
    """Print the JSON Schema of briefing files or actor files (for editor completion).

    Event types and actor and source kinds come from the project's vocabularies.
    """
    from briefing.schema import json_schema
    from briefing.validate import load_vocabularies

    def action() -> int:
        vocabularies = None
        if Path(config_file).is_file():  # in a project: its vocabularies (outside one, none)
            settings = _settings(config_file, None, None, False, False)
            vocabularies, diagnostics = load_vocabularies(settings.vocabularies)
            if diagnostics.errors:
                _print_diagnostics(diagnostics.sorted())
                _summary(diagnostics)
                return 1
        click.echo(json.dumps(json_schema(kind, vocabularies), indent=2, ensure_ascii=False))
        return 0

    _run(action)


if __name__ == "__main__":  # pragma: no cover
    main()
