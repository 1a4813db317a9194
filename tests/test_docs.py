"""Everything a user can set is documented (modelled on datasette's ``test_docs.py``).

The lists are not written here: they are read from the code. Every field of
every pydantic model of the package (``Briefing``, ``Actor``, ``Vocabularies``
and every model their fields lead to, or a new one), every command, option
and argument of ``briefing`` (walking the click group), and every option of
the ``briefing`` MkDocs plugin (``BriefingConfig``) must have a row in a table
of the right section of ``docs/``, with the right default. Add a field, an
option or a command, and this test says which row to add where; remove one,
and it says which row is stale.
"""

from __future__ import annotations

import importlib
import pkgutil
import re
import typing
from collections.abc import Iterator
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import Any

import click
import pytest
from conftest import ROOT
from pydantic import BaseModel

import briefing
from briefing.cli import main
from briefing.config import BriefingConfig
from briefing.model import Actor, Briefing, Vocabularies

DOCS = ROOT / "docs"
CONTENT_FORMAT = DOCS / "content-format.md"
CONFIGURATION = DOCS / "configuration.md"
DEVELOPMENT = DOCS / "development.md"

ROOT_MODELS = (Briefing, Actor, Vocabularies)
"""The content files' models; every other model found in the package is walked too."""


# -- reading the docs --------------------------------------------------------------------------

_HEADING = re.compile(r"^(#{2,6}) (.+)$")


@dataclass
class Section:
    heading: str
    rows: dict[str, list[str]]
    """Table rows by the names in their first cell: ``| `-f`, `--config-file FILE` |`` -> ``-f``, ``--config-file``."""


def sections(path: Path) -> list[Section]:
    """Each heading of a Markdown file with the table rows under it (up to the next heading)."""
    found: list[Section] = []
    in_code = False
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("```"):
            in_code = not in_code
            continue
        if in_code:
            continue
        heading = _HEADING.match(line)
        if heading:
            found.append(Section(heading.group(2).strip(), {}))
        elif found and line.startswith("| ") and not line.startswith("| ---"):
            cells = [cell.strip() for cell in line.strip().strip("|").split(" | ")]
            for code in re.findall(r"`([^`]+)`", cells[0]):
                found[-1].rows[code.split()[0]] = cells
    return found


def _words(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", text.lower())


def model_section(model: type[BaseModel]) -> Section | None:
    """The section of content-format.md for ``model``: its heading reads as the class name
    ('### Key judgment (`key_judgments[]`)' for ``KeyJudgment``)."""
    for section in sections(CONTENT_FORMAT):
        if _words(section.heading.split("(")[0]) == _words(model.__name__) and section.rows:
            return section
    return None


def _name(path: str) -> str:
    """'new briefing' -> 'briefing new briefing'; '' -> 'briefing'."""
    return f"briefing {path}".strip()


def command_section(path: str) -> Section | None:
    """The section of configuration.md whose heading is `` `briefing <path>` ``."""
    for section in sections(CONFIGURATION):
        if section.heading.strip("`") == _name(path):
            return section
    return None


# -- what the code defines ---------------------------------------------------------------------


def _models_in(annotation: Any) -> Iterator[type[BaseModel]]:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        yield annotation
    for arg in typing.get_args(annotation):
        yield from _models_in(arg)


def _package_models() -> list[type[BaseModel]]:
    """Every public pydantic model defined anywhere in the ``briefing`` package (a new file kind included)."""
    for module in pkgutil.walk_packages(briefing.__path__, "briefing."):
        if module.name != "briefing.__main__":
            importlib.import_module(module.name)
    found: list[type[BaseModel]] = []
    todo = list(BaseModel.__subclasses__())
    while todo:
        cls = todo.pop(0)
        todo.extend(cls.__subclasses__())
        # briefing.export's models describe output files, documented in docs/exports.md and
        # published as JSON Schema with them: they are not content.
        if (
            cls.__module__.startswith("briefing.")
            and not cls.__module__.startswith("briefing.export.")
            and not cls.__name__.startswith("_")
            and cls not in found
        ):
            found.append(cls)
    return sorted(found, key=lambda cls: (cls.__module__, cls.__name__))


def content_models() -> list[type[BaseModel]]:
    """Every model reachable through the fields' types from the root models and the package's other models."""
    found: dict[type[BaseModel], None] = {}
    todo = [*ROOT_MODELS, *_package_models()]
    while todo:
        model = todo.pop(0)
        if model in found:
            continue
        found[model] = None
        model.model_rebuild()  # resolve forward references to models defined further down
        for info in model.model_fields.values():
            todo.extend(_models_in(info.annotation))
    return list(found)


CONTENT_FIELDS = [(model, name) for model in content_models() for name in model.model_fields]


def commands(group: click.Group = main, prefix: str = "") -> Iterator[tuple[str, click.Command]]:
    """Every command under ``briefing``, groups included: ('new briefing', <Command>)."""
    for name, command in sorted(group.commands.items()):
        path = f"{prefix}{name}"
        yield path, command
        if isinstance(command, click.Group):
            yield from commands(command, path + " ")


COMMANDS = [("", main), *commands()]  # "" is `briefing` itself (--version)
PARAMETERS = [
    (path, param)
    for path, command in COMMANDS
    for param in command.params
    if not (isinstance(param, click.Option) and param.name == "help")
]
PLUGIN_OPTIONS = [(name, option) for name, option in BriefingConfig._schema]


def _id(item: Any) -> str:
    if isinstance(item, tuple) and len(item) == 2 and isinstance(item[0], type):
        return f"{item[0].__name__}.{item[1]}"
    if isinstance(item, tuple) and isinstance(item[1], click.Parameter):
        return f"{item[0] or 'briefing'}:{item[1].name}"
    return str(item[0]) if isinstance(item, tuple) else str(item)


def _source(model: type[BaseModel]) -> str:
    return model.__module__.replace(".", "/") + ".py"


def _shown(value: Any) -> str:
    """A default as the docs write it (YAML spelling)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Enum):
        return str(value.value)
    return str(value)


# -- content fields ----------------------------------------------------------------------------


def test_every_model_is_found() -> None:
    # The walk must reach the nested models, or the field test would check too little.
    names = {m.__name__ for m in content_models()}
    assert {"Briefing", "KeyJudgment", "Event", "Location", "Casualties", "Source", "Actor", "Vocabularies"} <= names


@pytest.mark.parametrize("model", content_models(), ids=lambda m: m.__name__)
def test_content_model_has_a_section(model: type[BaseModel]) -> None:
    assert model_section(model) is not None, (
        f"{model.__name__} ({_source(model)}) has no section in docs/content-format.md: add a heading "
        f"such as '### {model.__name__} (`where it is written`)' with a table "
        "'| field | type | required / default | meaning |' listing its fields"
    )


@pytest.mark.parametrize(("model", "name"), CONTENT_FIELDS, ids=[_id(f) for f in CONTENT_FIELDS])
def test_content_field_is_documented(model: type[BaseModel], name: str) -> None:
    section = model_section(model)
    assert section is not None, f"no section for {model.__name__} in docs/content-format.md"
    where = f"the table under '{section.heading}' in docs/content-format.md"
    assert name in section.rows, (
        f"{model.__name__}.{name} is not documented: add a row "
        f"'| `{name}` | type | required / default | meaning |' to {where}"
    )
    info = model.model_fields[name]
    required_cell = section.rows[name][2] if len(section.rows[name]) > 2 else ""
    if info.is_required():
        assert "required" in required_cell, f"{model.__name__}.{name} is required: say **required** in {where}"
    else:
        assert "required" not in required_cell, f"{model.__name__}.{name} is optional, but {where} says required"
        default = info.get_default(call_default_factory=True)
        if default not in (None, [], {}):
            assert f"`{_shown(default)}`" in required_cell, (
                f"{model.__name__}.{name} defaults to {_shown(default)!r}: write `{_shown(default)}` in "
                f"the 'required / default' column of {where}"
            )


@pytest.mark.parametrize("model", content_models(), ids=lambda m: m.__name__)
def test_no_documented_field_is_stale(model: type[BaseModel]) -> None:
    section = model_section(model)
    assert section is not None
    stale = sorted(set(section.rows) - set(model.model_fields) - {"field"})
    assert not stale, (
        f"docs/content-format.md documents {stale} under '{section.heading}', but {model.__name__} "
        f"({_source(model)}) has no such field: remove or rename the rows"
    )


# -- commands and their options ----------------------------------------------------------------


@pytest.mark.parametrize(("path", "command"), COMMANDS, ids=[p or "briefing" for p, _ in COMMANDS])
def test_command_is_documented(path: str, command: click.Command) -> None:
    assert command_section(path) is not None, (
        f"the command '{_name(path)}' is not documented: add a heading '### `{_name(path)}`' "
        "to docs/configuration.md, with what it does and a table of its options"
    )


@pytest.mark.parametrize(("path", "param"), PARAMETERS, ids=[_id(p) for p in PARAMETERS])
def test_command_option_is_documented(path: str, param: click.Parameter) -> None:
    section = command_section(path)
    assert section is not None, f"no section '### `{_name(path)}`' in docs/configuration.md"
    if isinstance(param, click.Argument):
        names = [param.human_readable_name]
    else:
        assert isinstance(param, click.Option)
        names = [*param.opts, *param.secondary_opts]
    row = next((section.rows[n] for n in names if n in section.rows), None)
    where = f"the table under '{section.heading}' in docs/configuration.md"
    assert row is not None, (
        f"'{' / '.join(names)}' of '{_name(path)}' is not documented: add a row "
        f"'| {', '.join(f'`{n}`' for n in names)} | default | meaning |' to {where}"
    )
    missing = [n for n in names if n not in section.rows]
    assert not missing, f"write every spelling of the option in its row ({missing} missing) in {where}"
    default = param.default  # click's "no default" is a sentinel object, not None
    if isinstance(default, (str, int, float)) and not isinstance(default, bool) and not param.required:
        assert f"`{_shown(default)}`" in row[1], (
            f"'{names[-1]}' of '{_name(path)}' defaults to {_shown(default)!r}: "
            f"write `{_shown(default)}` in its default column in {where}"
        )


@pytest.mark.parametrize(("path", "command"), COMMANDS, ids=[p or "briefing" for p, _ in COMMANDS])
def test_no_documented_option_is_stale(path: str, command: click.Command) -> None:
    section = command_section(path)
    assert section is not None
    known = {"option"}
    for param in command.params:
        if isinstance(param, click.Argument):
            known.add(param.human_readable_name)
        else:
            assert isinstance(param, click.Option)
            known.update(param.opts + param.secondary_opts)
    stale = sorted(set(section.rows) - known)
    assert not stale, (
        f"docs/configuration.md documents {stale} under '{section.heading}', but '{_name(path)}' "
        "(briefing/cli.py) has no such option: remove or rename the rows"
    )


# -- plugin options ----------------------------------------------------------------------------


def _plugin_section() -> Section:
    section = next((s for s in sections(CONFIGURATION) if s.heading == "Plugin options"), None)
    assert section is not None, "docs/configuration.md needs a section '## Plugin options' with a table of them"
    return section


def test_plugin_options_are_found() -> None:
    assert {"content_dir", "max_marking", "cache_dir"} <= {name for name, _ in PLUGIN_OPTIONS}


@pytest.mark.parametrize(("name", "option"), PLUGIN_OPTIONS, ids=[n for n, _ in PLUGIN_OPTIONS])
def test_plugin_option_is_documented(name: str, option: Any) -> None:
    section = _plugin_section()
    assert name in section.rows, (
        f"the plugin option '{name}' (briefing/config.py, BriefingConfig) is not documented: add a row "
        f"'| `{name}` | `{_shown(option.default)}` | meaning |' to the table under '## Plugin options' "
        "in docs/configuration.md"
    )
    assert f"`{_shown(option.default)}`" == section.rows[name][1], (
        f"the plugin option '{name}' defaults to {_shown(option.default)!r}: write `{_shown(option.default)}` "
        "in its default column under '## Plugin options' in docs/configuration.md"
    )


def test_no_documented_plugin_option_is_stale() -> None:
    stale = sorted(set(_plugin_section().rows) - {name for name, _ in PLUGIN_OPTIONS} - {"option"})
    assert not stale, (
        f"docs/configuration.md documents plugin options {stale} that BriefingConfig (briefing/config.py) "
        "does not have: remove or rename the rows"
    )


# -- the pieces development.md sends a newcomer to -----------------------------------------------


def _referenced_paths(text: str) -> set[str]:
    return set(re.findall(r"`([\w./-]+/[\w.-]+\.(?:py|j2|yaml|md|expected|toml))`", text))


@pytest.mark.parametrize("doc", [CONTENT_FORMAT, CONFIGURATION, DEVELOPMENT], ids=lambda p: p.name)
def test_files_named_in_the_docs_exist(doc: Path) -> None:
    # A recipe that names a file that moved sends the newcomer nowhere.
    named = _referenced_paths(doc.read_text(encoding="utf-8"))
    # Paths with a placeholder in capitals (content/briefings/BRIEFING_ID.yaml) are patterns, not files.
    # Paths starting "../" are relative links as content writes them (site pages), not files.
    missing = sorted(
        p for p in named if not re.search(r"[A-Z]{2}", p) and not p.startswith("../") and not (ROOT / p).exists()
    )
    assert not missing, f"{doc.relative_to(ROOT)} names files that do not exist: {missing}"


def test_every_template_is_in_the_development_guide() -> None:
    text = DEVELOPMENT.read_text(encoding="utf-8")
    missing = sorted(p.name for p in (ROOT / "templates").glob("*.j2") if p.name not in text)
    assert not missing, f"add the templates {missing} to the table of pages in docs/development.md"


def test_readme_points_to_the_docs() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for doc in (CONTENT_FORMAT, CONFIGURATION, DEVELOPMENT):
        assert f"docs/{doc.name}" in readme, f"README.md should link docs/{doc.name}"

