"""The ``briefing`` command: thin glue over :mod:`briefing.generate` and MkDocs.

Exit codes: 0 ok, 1 content errors (or warnings under ``--strict``), 2 usage
or configuration errors. Diagnostics go to stderr as ``path:line:col: ...``.
"""

from __future__ import annotations

import gc
import json
import logging
import signal
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from briefing.diagnostics import BriefingError, ConfigError, Diagnostic, Diagnostics
from briefing.markings import MARKINGS, Marking

if TYPE_CHECKING:
    from mkdocs.config.defaults import MkDocsConfig

    from briefing.settings import Settings
    from briefing.site.plugin import BriefingPlugin

CONFIG_FILE = "mkdocs.yml"


def _load(
    config_file: str, overrides: dict[str, Any], *, site_dir: str | None = None, strict: bool = False
) -> tuple[MkDocsConfig, BriefingPlugin]:
    """mkdocs.yml read by MkDocs itself (``!ENV`` and all), and the briefing plugin in it.

    The command line's options go onto the plugin instance, which applies them
    over mkdocs.yml in ``on_config``: ``briefing build`` and ``mkdocs build``
    then differ only by what the command line says.
    """
    from mkdocs.config import load_config
    from mkdocs.exceptions import Abort, ConfigurationError

    from briefing.site.plugin import BriefingPlugin

    if not Path(config_file).is_file():
        raise ConfigError(f"{config_file} not found; run briefing in the project folder or pass -f")
    try:
        config = load_config(config_file, site_dir=site_dir, strict=strict)
    except (ConfigurationError, Abort) as exc:  # MkDocs has logged what is wrong with which option
        raise ConfigError(f"{config_file}: {exc}") from None
    except OSError as exc:
        raise ConfigError(f"{config_file}: cannot read: {exc.strerror or exc}") from None
    plugin = config.plugins.get("briefing")
    if not isinstance(plugin, BriefingPlugin):
        raise ConfigError(f"{config_file} does not enable the briefing plugin (plugins: - briefing)")
    plugin.overrides = overrides
    plugin.reporter = _print_diagnostics
    return config, plugin


def _overrides(content: str | None, max_marking: str | None, drafts: bool, strict: bool) -> dict[str, Any]:
    overrides: dict[str, Any] = {}
    if content:
        overrides["content_dir"] = str(Path(content).resolve())
    if max_marking:
        overrides["max_marking"] = Marking(max_marking.upper()).value
    if drafts:
        overrides["drafts"] = True
    if strict:
        overrides["strict"] = True
    return overrides


def _settings(config_file: str, content: str | None, max_marking: str | None, drafts: bool, strict: bool) -> Settings:
    """The plugin options from mkdocs.yml (as MkDocs reads them), overridden by the command line."""
    config, plugin = _load(config_file, _overrides(content, max_marking, drafts, strict), strict=strict)
    return plugin.resolve_settings(config)


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
    # The command is done, its cleanup registered: a stop now (Ctrl-C as it exits) has nothing
    # left to stop, and would only print a traceback from wherever the interpreter is as it ends.
    from briefing.site.staging import STOP_SIGNALS

    for signum in STOP_SIGNALS:
        signal.signal(signum, signal.SIG_IGN)
    # Nothing needs collecting any more: the collection Python makes as it exits went through
    # every object of the build, which took 10 s at 10,000 briefings. Frozen, none is looked at.
    gc.freeze()
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


def _profile_options(f: Callable[..., None]) -> Callable[..., None]:
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
    from briefing.generate import check as check_content

    def action() -> int:
        settings = _settings(config_file, content, max_marking, drafts, strict)
        result = check_content(settings)
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
            if result.summary:
                click.echo(result.summary, err=True)
        return 0

    _run(action)


force_option = click.option(
    "--force", is_flag=True, help="Replace the output folder even if it holds files that briefing did not write."
)


@main.command()
@_profile_options
@click.option("--out", "out", required=True, metavar="DIR", help="Folder to write the Markdown tree into.")
@force_option
def render(
    config_file: str, content: str | None, strict: bool, drafts: bool, max_marking: str | None, out: str, force: bool
) -> None:
    """Write the generated Markdown tree to DIR (to inspect or diff), replacing it whole."""
    from briefing.generate import generate
    from briefing.site import staging
    from briefing.site.plugin import protected_folders

    def action() -> int:
        config, plugin = _load(config_file, _overrides(content, max_marking, drafts, strict), strict=strict)
        settings = plugin.resolve_settings(config)
        result = generate(settings)
        _print_diagnostics(result.diagnostics.sorted())
        if result.failed(strict):
            _summary(result.diagnostics)
            return 1
        root = Path(out)
        try:
            output = staging.begin(root, protected_folders(config, settings), option="--out", force=force)
        except OSError as exc:
            click.echo(f"briefing: error: {staging.problem(exc)}; nothing was written", err=True)
            return 1
        try:
            for src_uri, text in sorted(result.pages.items()):
                target = (output.folder / src_uri).resolve()
                if not target.is_relative_to(output.folder):  # ids make this impossible; check anyway
                    raise ConfigError(f"refusing to write outside {root}: {src_uri}")
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_text(text, encoding="utf-8")
            staging.finish(output)
        except OSError as exc:
            click.echo(f"briefing: error: {staging.problem(exc, root)}; {root} was not changed", err=True)
            return 1
        finally:
            staging.abandon(output)
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
    from briefing.export import FORMAT_NAMES, iter_exports
    from briefing.export import write as export_write
    from briefing.export.facts import ExportOptions
    from briefing.generate import profile_of, validate
    from briefing.history import last_revised, revisions
    from briefing.profile import apply
    from briefing.site.destination import check
    from briefing.site.plugin import protected_folders

    def action() -> int:
        config, plugin = _load(config_file, _overrides(content, max_marking, drafts, strict), strict=strict)
        settings = plugin.resolve_settings(config)
        protected = protected_folders(config, settings)
        check(Path(out), protected, option="--out", stamp=export_write.MARKER)  # before any work: exit 2 early
        result = validate(settings)
        _print_diagnostics(result.diagnostics.sorted())
        if result.failed(strict) or result.project is None:
            _summary(result.diagnostics)
            return 1
        profile = profile_of(settings)
        visible = apply(result.project, profile)
        revised: dict[str, Any] = {}
        if result.history is not None:  # the feeds' `updated`: each briefing's latest visible revision
            revised = last_revised(revisions(result.history, result.project, visible, profile))
            result.history.close()
        options = ExportOptions(
            profile=profile,
            site_url=site_url or config.site_url or None,
            site_name=config.site_name,
            directory_urls=settings.directory_urls,
            revised=tuple(sorted(revised.items())),
        )
        chosen = FORMAT_NAMES if not formats or "all" in formats else tuple(dict.fromkeys(formats))
        files = iter_exports(visible, options, chosen)  # each file written before the next is made
        try:
            target, count = export_write.write(files, Path(out), protected)
        except OSError as exc:  # a full disk, a read-only folder: the previous export stays as it was
            from briefing.site.staging import problem

            click.echo(f"briefing: error: {problem(exc, out)}; {out} was not changed", err=True)
            return 1
        click.echo(f"wrote {count} file(s) ({', '.join(chosen)}; {profile.describe()}) to {target}", err=True)
        return 0

    _run(action)


class _NotContentFailure(logging.Filter):
    """Drops MkDocs' echo of a content failure: the command line says it once, in its own words."""

    def filter(self, record: logging.LogRecord) -> bool:
        from briefing.site.plugin import ContentBuildError

        return not (record.name == "mkdocs.commands.build" and record.getMessage().endswith(ContentBuildError.SUFFIXES))


def _mkdocs_logging(verbose: bool) -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(levelname)s: %(message)s"))
    handler.addFilter(_NotContentFailure())
    logger = logging.getLogger("mkdocs")
    logger.handlers[:] = [handler]
    logger.setLevel(logging.DEBUG if verbose else logging.WARNING)
    logger.propagate = False


@main.command()
@_profile_options
@click.option("--site-dir", metavar="DIR", help="Where to write the site (default: from mkdocs.yml).")
@force_option
@click.option("-v", "--verbose", is_flag=True, help="Show MkDocs' progress messages.")
def build(
    config_file: str, content: str | None, strict: bool, drafts: bool, max_marking: str | None,
    site_dir: str | None, force: bool, verbose: bool,
) -> None:
    """Validate, generate and render the site (atomically: a failed build changes nothing)."""

    def action() -> int:
        from mkdocs.commands.build import build as mkdocs_build
        from mkdocs.exceptions import Abort, ConfigurationError, PluginError

        from briefing.site.staging import problem

        _mkdocs_logging(verbose)
        overrides = _overrides(content, max_marking, drafts, strict)
        if force:
            overrides["force"] = True
        config, plugin = _load(config_file, overrides, site_dir=site_dir, strict=strict)
        config.plugins.on_startup(command="build", dirty=False)
        final = config.site_dir  # the plugin builds into a staging folder beside it
        try:
            mkdocs_build(config)
        except ConfigurationError as exc:  # the site folder was refused, or another build is running
            raise ConfigError(str(exc)) from None
        except (Abort, PluginError) as exc:
            if plugin.content_failure is not None:
                click.echo(f"briefing: {plugin.content_failure}; the site was not changed", err=True)
            else:
                click.echo(f"briefing: build failed: {exc}; the site was not changed", err=True)
            return 1
        except OSError as exc:  # a page or theme file unreadable, the disk full, ...
            click.echo(f"briefing: build failed: {problem(exc, final)}; the site was not changed", err=True)
            return 1
        finally:
            config.plugins.on_shutdown()
        click.echo(f"built the site in {config.site_dir}", err=True)
        if plugin.summary:  # what was left out, with names: the terminal only, never the site
            click.echo(plugin.summary, err=True)
        return 0

    _run(action)


@main.command()
@_profile_options
@click.option("-a", "--dev-addr", default="127.0.0.1:8000", show_default=True, metavar="IP:PORT")
def serve(config_file: str, content: str | None, strict: bool, drafts: bool, max_marking: str | None, dev_addr: str) -> None:
    """Live preview: editing a YAML file or a template rebuilds and reloads the page."""

    def action() -> int:
        from mkdocs.commands.serve import serve as mkdocs_serve

        _mkdocs_logging(False)
        logging.getLogger("mkdocs").setLevel(logging.INFO)
        # MkDocs keeps this plugin instance across its rebuilds (it defines on_startup),
        # so the overrides set on it here hold for every rebuild of the preview.
        _load(config_file, _overrides(content, max_marking, drafts, strict), strict=strict)
        # A full rebuild each time: MkDocs' dirty reload duplicates search entries
        # of generated pages. Unchanged files are not re-validated (parse cache).
        mkdocs_serve(config_file=config_file, dev_addr=dev_addr, livereload=True, strict=strict)
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
@click.argument("kind", type=click.Choice(["briefing", "actors", "sources"]), default="briefing")
@config_option
def schema(kind: str, config_file: str) -> None:
    """Print the JSON Schema of briefing files or actor files (for editor completion).

    Event types and actor and source kinds come from the project's vocabularies;
    actor and briefing ids (enums) and event and source ids (completions) from its content.
    """
    from briefing.schema import json_schema, known_ids
    from briefing.validate import load_vocabularies

    def action() -> int:
        vocabularies = known = None
        if Path(config_file).is_file():  # in a project: its vocabularies and ids (outside one, none)
            settings = _settings(config_file, None, None, False, False)
            vocabularies, diagnostics = load_vocabularies(settings.vocabularies)
            if diagnostics.errors:
                _print_diagnostics(diagnostics.sorted())
                _summary(diagnostics)
                return 1
            known = known_ids(settings.content_dir)
        click.echo(json.dumps(json_schema(kind, vocabularies, known), indent=2, ensure_ascii=False))
        return 0

    _run(action)


if __name__ == "__main__":  # pragma: no cover
    main()
