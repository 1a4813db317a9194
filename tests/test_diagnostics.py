"""Golden tests: one small file per kind of content error, with the exact diagnostics.

Each case under ``cases/diagnostics/`` is dropped into a copy of a small valid
project (``cases/base``), with ``<case>.actors.yml`` as an actor file if there
is one, and checked with the real ``briefing check``. A case that needs more
files is a folder: its ``content/`` is laid over the base, and its ``args`` file
holds the options it is checked with (``--max-marking TLP:AMBER``). The
expected stderr sits beside it as ``<case>.expected``; ``make goldens``
rewrites them after an intended change.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from conftest import CASES, DIAGNOSTIC_CASES, ROOT, case_args, case_project, check_golden, make_project

DIAGNOSTICS = CASES / "diagnostics"
#: Cases whose diagnostics are all warnings (`check` exits 0; `--strict` would fail).
WARNING_CASES = ("estimative-", "registry-grades")
CASE_FILES = DIAGNOSTIC_CASES


def test_base_project_is_valid(tmp_path: Path) -> None:
    project = make_project(tmp_path / "project", content=CASES / "base" / "content")
    run = project.run("check", "--strict")
    assert run.code == 0, run.stderr


@pytest.mark.parametrize("case", CASE_FILES, ids=[p.stem for p in CASE_FILES])
def test_diagnostics_golden(case: Path, tmp_path: Path, update_goldens: bool) -> None:
    project = case_project(tmp_path, case)
    run = project.run("check", *case_args(case))
    assert "Traceback" not in run.stderr
    warnings_only = case.stem in ("warnings", "unreferenced.actors") or case.stem.startswith(WARNING_CASES)
    expected_code = 0 if warnings_only else 1
    assert run.code == expected_code, run.stderr
    check_golden(case.with_suffix(".expected"), run.stderr, update_goldens)


def test_every_error_is_reported_at_once_sorted(tmp_path: Path) -> None:
    project = case_project(tmp_path, DIAGNOSTICS / "unknown-references.yaml")
    shutil.copy(DIAGNOSTICS / "unknown-actor.yaml", project.content / "briefings")
    run = project.run("check")
    lines = [line for line in run.stderr.splitlines() if ": error: " in line]
    files = [line.split(":")[0] for line in lines]
    assert set(files) == {"content/briefings/unknown-actor.yaml", "content/briefings/unknown-references.yaml"}
    positions = [(f, int(line.split(":")[1])) for f, line in zip(files, lines)]
    assert positions == sorted(positions)


def test_strict_turns_warnings_into_failure(tmp_path: Path) -> None:
    project = case_project(tmp_path, DIAGNOSTICS / "warnings.yaml")
    assert project.run("check").code == 0
    run = project.run("check", "--strict")
    assert run.code == 1
    assert "warning: events[0].id: event 'e1' has no sources" in run.stderr


def test_json_format(tmp_path: Path) -> None:
    project = case_project(tmp_path, DIAGNOSTICS / "unknown-actor.yaml")
    run = project.run("check", "--format", "json")
    assert run.code == 1
    report = json.loads(run.stdout)
    assert report["errors"] == 1
    (diagnostic,) = report["diagnostics"]
    assert diagnostic == {
        "path": "content/briefings/unknown-actor.yaml",
        "line": 9,
        "column": 14,
        "severity": "error",
        "message": "events[0].actors[0]: unknown actor 'irgcc' (did you mean 'irgc'?)",
    }


def test_python_tag_never_runs(tmp_path: Path) -> None:
    marker = Path("/tmp/briefing-pwned")
    marker.unlink(missing_ok=True)
    project = case_project(tmp_path, DIAGNOSTICS / "python-tag.yaml")
    project.run("check")
    project.run("build")
    assert not marker.exists()


def test_huge_file_is_refused(tmp_path: Path) -> None:
    project = make_project(tmp_path / "project", content=CASES / "base" / "content")
    filler = "# " + "x" * 98 + "\n"
    project.write("content/briefings/huge.yaml", "title: huge\n" + filler * 50_000)
    run = project.run("check")
    assert run.code == 1
    assert "content/briefings/huge.yaml:1:1: error: file is 5,050,012 bytes; the limit is 4,194,304 bytes" in run.stderr


def test_yaml_11_values_mean_what_the_author_meant(tmp_path: Path) -> None:
    project = make_project(tmp_path / "project", content=CASES / "base" / "content")
    project.write(
        "content/actors/norway.yaml",
        "- id: norway\n  name: Norway\n  short_name: 010\n  kind: state\n  country: NO\n",
    )
    project.write(
        "content/briefings/yaml11.yaml",
        "title: 12:30\nas_of: 2021-07-13\nsummary: yes\nactors: {norway: on}\n"
        "events:\n  - id: e1\n    date: 2021\n    title: NO\n    type: statement\n"
        "    sources: [s1]\n    casualties: {killed: 010}\n"
        "sources:\n  - id: s1\n    kind: news-report\n    date: 2021-06-27\n",
    )
    run = project.run("render", "--out", "out")
    assert run.code == 0, run.stderr
    briefing = (project.root / "out/briefings/yaml11.md").read_text()
    assert "# 12:30" in briefing
    assert "### NO { #event-e1 }" in briefing
    assert "10 killed" in briefing  # a decimal 10, not octal 8
    actor = (project.root / "out/actors/norway.md").read_text()
    assert "**Country:** Norway" in actor
    assert "**Short name:** 010" in actor


def test_schema_validates_example_content() -> None:
    jsonschema = pytest.importorskip("jsonschema")
    import subprocess
    import sys

    import yaml

    def schema(kind: str) -> dict:
        out = subprocess.run(
            [sys.executable, "-m", "briefing", "schema", kind], capture_output=True, text=True, check=True, cwd=ROOT
        ).stdout
        return json.loads(out)

    briefing_schema, actors_schema = schema("briefing"), schema("actors")
    jsonschema.Draft202012Validator.check_schema(briefing_schema)
    for path in sorted((ROOT / "content" / "briefings").glob("*.yaml")):
        jsonschema.validate(yaml.safe_load(path.read_text()), briefing_schema)
    for path in sorted((ROOT / "content" / "actors").glob("*.yaml")):
        jsonschema.validate(yaml.safe_load(path.read_text()), actors_schema)
    sources_schema = schema("sources")
    for path in sorted((ROOT / "content" / "sources").glob("*.yaml")):
        jsonschema.validate(yaml.safe_load(path.read_text()), sources_schema)
    with pytest.raises(jsonschema.ValidationError):  # a registry entry needs the reason for its grade
        jsonschema.validate([{"id": "x", "name": "X", "kind": "news-report", "reliability": "B"}], sources_schema)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({"title": "x", "tittle": "y"}, briefing_schema)
    # Event types and kinds come from site_config/vocabularies.yaml, with their labels.
    event_type = briefing_schema["$defs"]["Event"]["properties"]["type"]
    assert {"const": "air-strike", "description": "Air strike"} in event_type["oneOf"]
    example = yaml.safe_load((ROOT / "content" / "briefings" / "irgc-taeb-baghdad-meeting.yaml").read_text())
    example["events"][0]["type"] = "air-strik"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(example, briefing_schema)
    actor_kind = actors_schema["$defs"]["Actor"]["properties"]["kind"]
    assert {"const": "person", "description": "Person"} in actor_kind["oneOf"]


def test_example_content_is_valid(example_project) -> None:
    run = example_project.run("check", "--strict")
    assert run.code == 0, run.stderr


@pytest.mark.parametrize("kind", ["briefing", "actor"])
def test_scaffold_is_rejected_until_filled_in(kind: str, tmp_path: Path) -> None:
    project = make_project(tmp_path / "project", content=CASES / "base" / "content")
    run = project.run("new", kind, "fresh-item")
    assert run.code == 0, run.stderr
    folder = "briefings" if kind == "briefing" else "actors"
    path = project.content / folder / "fresh-item.yaml"
    check = project.run("check")
    assert check.code == 1
    assert "still a placeholder" in check.stderr
    # Fill it in as an analyst would: every FILL IN replaced by real text.
    text = path.read_text()
    text = text.replace('"FILL IN: an EDTF date"', '"2021-07-01"')
    text = text.replace("FILL IN:", "Filled in:")
    path.write_text(text)
    if kind == "actor":  # an actor must be referenced by a briefing
        base = project.content / "briefings" / "base.yaml"
        base.write_text(base.read_text().replace("actors: [hossein-taeb,", "actors: [fresh-item, hossein-taeb,"))
    check = project.run("check")
    assert check.code == 0, check.stderr
    assert project.run("new", kind, "fresh-item").code == 2  # never overwrites
    assert project.run("new", kind, "Not An Id").code == 2


# Template mistakes: (template, text to replace, its replacement). An analyst who edits
# a template gets the template's path and line, never a traceback.
TEMPLATE_CASES = {
    "misspelt-field": ("briefing.md.j2", "{{ page.tags|html_links }}", "{{ page.tagz|html_links }}"),
    "misspelt-field-in-macro": ("_macros.md.j2", "### {{ e.title }}", "### {{ e.titel }}"),
    "unknown-filter": ("actor.md.j2", '{{ page.members|links("; ") }}', '{{ page.members|linkz("; ") }}'),
    "syntax": ("home.md.j2", "{%", "{% if %}{%"),
    "wrong-type": ("briefing.md.j2", "{{ page.tags|html_links }}", "{{ page.title|html_links }}"),
}


@pytest.mark.parametrize("case", sorted(TEMPLATE_CASES))
def test_template_errors_are_diagnostics(case: str, tmp_path: Path, update_goldens: bool) -> None:
    template, old, new = TEMPLATE_CASES[case]
    project = make_project(tmp_path / "project")
    path = project.root / "templates" / template
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))
    for command in (("render", "--out", "out"), ("build",)):
        run = project.run(*command)
        assert run.code == 1, run.stderr
        assert "Traceback" not in run.stderr
        assert not (project.root / "site").exists()
    check_golden(CASES / "templates" / f"{case}.expected", project.run("render", "--out", "out").stderr, update_goldens)


def test_template_error_in_a_macro_is_a_diagnostic(tmp_path: Path) -> None:
    from briefing.diagnostics import display_path
    from briefing.generate import generate
    from briefing.settings import Settings

    project = make_project(tmp_path / "project")
    macros = project.root / "templates" / "_macros.md.j2"
    macros.write_text(macros.read_text().replace("{{ e.briefing.text }}", "{{ e.briefing.txt }}"))
    settings = Settings(project.root, project.content, project.root / "templates", project.root / "site_config" / "vocabularies.yaml")
    result = generate(settings)
    assert [d.format() for d in result.diagnostics.errors] == [
        f"{display_path(macros)}:{_line_of(macros, 'e.briefing.txt')}:1: error: "
        "Link has no field 'txt' (did you mean 'text'?)"
    ]


def _line_of(path: Path, text: str) -> int:
    return next(i for i, line in enumerate(path.read_text().splitlines(), 1) if text in line)


@pytest.mark.parametrize(
    ("kind", "item_id", "where"),
    [("actor", "hossein-taeb", "content/actors/actors.yaml:7"), ("briefing", "base", "content/briefings/base.yaml:1")],
)
def test_new_refuses_an_id_that_exists_anywhere(kind: str, item_id: str, where: str, tmp_path: Path) -> None:
    project = make_project(tmp_path / "project", content=CASES / "base" / "content")
    before = sorted(p.name for p in project.content.rglob("*"))
    run = project.run("new", kind, item_id)
    assert run.code == 2
    assert f"{kind} id '{item_id}' already exists at {where}" in run.stderr
    assert sorted(p.name for p in project.content.rglob("*")) == before  # nothing written


@pytest.mark.parametrize("kind", ["briefing", "actor"])
def test_scaffold_examples_are_valid_yaml_when_uncommented(kind: str) -> None:
    from briefing import scaffold
    from briefing.diagnostics import Diagnostics
    from briefing.load import load_bytes

    template = scaffold.BRIEFING.format(today="2021-07-13") if kind == "briefing" else scaffold.ACTOR.format(actor_id="x")
    lines = template.splitlines()
    examples = [i for i, line in enumerate(lines) if line.startswith("#  ")]
    if kind == "briefing":
        assert examples  # the key judgment and role note examples
    for i in examples:
        lines[i] = " " + lines[i][1:]
    text = "\n".join(lines).replace("key_judgments: []", "key_judgments:").replace("actors: {}", "actors:")
    diagnostics = Diagnostics()
    assert load_bytes(text.encode(), "scaffold.yaml", diagnostics) is not None, diagnostics.format_text()


def test_a_broken_actor_file_does_not_cascade(tmp_path: Path) -> None:
    project = make_project(tmp_path / "project", content=CASES / "base" / "content")
    actors = project.content / "actors" / "actors.yaml"
    actors.write_text(actors.read_text().replace("name: Hossein Taeb", "name: Hossein: Taeb"))
    run = project.run("check")
    assert run.code == 1
    lines = [line for line in run.stderr.splitlines() if ": error: " in line or ": warning: " in line]
    assert len(lines) == 1, run.stderr  # the YAML error alone: no "unknown actor" in base.yaml
    assert lines[0].startswith("content/actors/actors.yaml:8:")
