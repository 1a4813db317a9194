"""mkdocs.yml means the same under every command: it is read only by MkDocs' own load_config."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from conftest import Project, make_project, tree_bytes


def _amber_briefing(project: Project) -> None:
    example = project.content / "briefings" / "irgc-taeb-baghdad-meeting.yaml"
    text = example.read_text(encoding="utf-8").replace("marking: TLP:CLEAR", "marking: TLP:AMBER", 1)
    assert "TLP:AMBER" in text
    (project.content / "briefings" / "amber-copy.yaml").write_text(text, encoding="utf-8")


def _env_marking(project: Project) -> None:
    config = project.root / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    assert "max_marking: TLP:CLEAR" in text
    config.write_text(
        text.replace("max_marking: TLP:CLEAR", 'max_marking: !ENV [BRIEFING_TEST_MARKING, "TLP:CLEAR"]'),
        encoding="utf-8",
    )


def test_env_tags_mean_the_same_under_every_command(tmp_path: Path) -> None:
    project = make_project(tmp_path / "project")
    _amber_briefing(project)
    _env_marking(project)
    amber = {"BRIEFING_TEST_MARKING": "TLP:AMBER", "SOURCE_DATE_EPOCH": "1700000000"}

    rendered = project.run("render", "--out", "rendered", env=amber)
    assert rendered.code == 0, rendered.stderr
    assert (project.root / "rendered" / "briefings" / "amber-copy.md").is_file()

    built = project.run("build", env=amber)
    assert built.code == 0, built.stderr
    assert (project.site / "briefings" / "amber-copy" / "index.html").is_file()

    plain = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "-q", "--site-dir", "plain-site"],
        cwd=project.root, capture_output=True, text=True, env={**_environ(), **amber}, timeout=600,
    )
    assert plain.returncode == 0, plain.stderr
    assert tree_bytes(project.root / "plain-site") == tree_bytes(project.site)

    # Without the variable, the default in the tag applies: the AMBER briefing is left out.
    again = project.run("build")
    assert again.code == 0, again.stderr
    assert not (project.site / "briefings" / "amber-copy").exists()


def test_a_project_without_the_plugin_is_a_configuration_error(tmp_path: Path) -> None:
    project = make_project(tmp_path / "project")
    config = project.root / "mkdocs.yml"
    # Everything from the plugin's entry on is cut: `plugins:` keeps only `- search`.
    config.write_text(config.read_text(encoding="utf-8").split("  - briefing:")[0], encoding="utf-8")
    for command in (("check",), ("build",), ("render", "--out", "x")):
        run = project.run(*command)
        assert run.code == 2, (command, run.stderr)
        assert "does not enable the briefing plugin" in run.stderr
        assert "Traceback" not in run.stderr


def _environ() -> dict[str, str]:
    import os

    return {k: v for k, v in os.environ.items() if k != "SOURCE_DATE_EPOCH"}


def test_an_invalid_plugin_option_is_a_configuration_error(tmp_path: Path) -> None:
    project = make_project(tmp_path / "project")
    config = project.root / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8").replace("max_marking: TLP:CLEAR", "max_marking: TLP:BLUE"))
    for command in (("check",), ("build",)):
        run = project.run(*command)
        assert run.code == 2, (command, run.stderr)
        assert "option 'max_marking'" in run.stderr and "TLP:BLUE" in run.stderr
        assert "Traceback" not in run.stderr
