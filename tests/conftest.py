"""Shared fixtures: throwaway projects built with the real CLI and the real MkDocs."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest


def live_signals() -> None:
    """Signals as a terminal gives them (a ``preexec_fn`` for a build that a test stops). Under
    `nohup` or `&` the test run (and so every child) inherits SIGHUP or SIGINT ignored, and the
    tool rightly leaves an ignored signal ignored."""
    for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, signal.SIG_DFL)


ROOT = Path(__file__).resolve().parent.parent
CASES = Path(__file__).resolve().parent / "cases"
GOLDEN = Path(__file__).resolve().parent / "golden"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-goldens", action="store_true", help="Rewrite golden files from the current output."
    )


@pytest.fixture
def update_goldens(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--update-goldens"))


def check_golden(path: Path, actual: str, update: bool) -> None:
    """Compare ``actual`` with the golden file (or rewrite it under --update-goldens)."""
    if update:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(actual, encoding="utf-8")
        return
    assert path.exists(), f"no golden file {path}; run `make goldens`"
    expected = path.read_text(encoding="utf-8")
    assert actual == expected, f"output differs from {path.relative_to(ROOT)}; run `make goldens` if intended"


@dataclass
class Run:
    code: int
    stdout: str
    stderr: str


@dataclass
class Project:
    """A copy of the project's site configuration with its own content folder."""

    root: Path

    @property
    def content(self) -> Path:
        return self.root / "content"

    @property
    def site(self) -> Path:
        return self.root / "site"

    def write(self, relative: str, text: str | bytes) -> Path:
        path = self.root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(text, encoding="utf-8")
        return path

    def run(self, *args: str, env: dict[str, str] | None = None) -> Run:
        """Run the real ``briefing`` command in the project, as a user would."""
        environment = {k: v for k, v in os.environ.items() if k != "SOURCE_DATE_EPOCH"}
        environment.update(env or {})
        done = subprocess.run(
            [sys.executable, "-m", "briefing", *args],
            cwd=self.root,
            capture_output=True,
            text=True,
            env=environment,
            timeout=600,
        )
        return Run(done.returncode, done.stdout, done.stderr)


def plugin_options(project: Project, **options: object) -> str:
    """A copy of the project's mkdocs.yml with these ``briefing`` plugin options set; its name, for ``-f``."""
    text = (project.root / "mkdocs.yml").read_text(encoding="utf-8")
    lines = "".join(f"      {key}: {value}\n" for key, value in options.items())
    assert "  - briefing:\n" in text
    name = "mkdocs-" + "-".join(f"{key}-{value}" for key, value in options.items()) + ".yml"
    project.write(name, text.replace("  - briefing:\n", "  - briefing:\n" + lines, 1))
    return name


def make_project(root: Path, content: Path | None = ROOT / "content") -> Project:
    root.mkdir(parents=True, exist_ok=True)
    for name in ("mkdocs.yml",):
        shutil.copy(ROOT / name, root / name)
    for folder in ("templates", "site_config"):
        shutil.copytree(ROOT / folder, root / folder)
    if content is not None:
        shutil.copytree(content, root / "content")
    return Project(root)


#: The golden diagnostic cases: a file dropped into a copy of ``cases/base`` (see test_diagnostics.py),
#: or a folder whose ``content/`` is laid over it, with the command-line options in ``args`` if any.
DIAGNOSTIC_CASES = sorted(
    p for p in (CASES / "diagnostics").iterdir() if p.suffix == ".yaml" or (p / "content").is_dir()
)


def case_args(case: Path) -> list[str]:
    """The options a case is checked and built with (a folder's ``args`` file)."""
    args = case / "args"
    return args.read_text(encoding="utf-8").split() if args.is_file() else []


def case_project(tmp_path: Path, case: Path) -> Project:
    """A copy of ``cases/base`` with the case in it."""
    project = make_project(tmp_path / "project", content=CASES / "base" / "content")
    if case.is_dir():
        shutil.copytree(case / "content", project.content, dirs_exist_ok=True)
        return project
    if case.name.endswith(".actors.yaml"):
        target = (project.content / "actors" / case.name.removesuffix(".actors.yaml")).with_suffix(".yaml")
    elif case.name.endswith(".sources.yaml"):
        target = (project.content / "sources" / case.name.removesuffix(".sources.yaml")).with_suffix(".yaml")
    else:
        target = project.content / "briefings" / case.name
    shutil.copy(case, target)
    # A case may bring the actors it alone references (to show that no warning cascades).
    companion = case.with_name(case.stem + ".actors.yml")
    if companion.exists():
        shutil.copy(companion, project.content / "actors" / f"{case.stem}.yaml")
    return project


@pytest.fixture
def example_project(tmp_path: Path) -> Project:
    """The shipped example content in a throwaway project."""
    return make_project(tmp_path / "project")


@pytest.fixture(scope="session")
def example_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example content built once with the real MkDocs + Material (shared, read-only)."""
    project = make_project(tmp_path_factory.mktemp("example") / "project")
    run = project.run("build")
    assert run.code == 0, run.stderr
    return project.site


def tree_bytes(folder: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()
    }


def git(root: Path, *args: str, date: str | None = None) -> None:
    """Run the real git in ``root`` (commits dated ``date``, e.g. '2021-07-10T12:00:00+00:00')."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    env.update({"GIT_AUTHOR_NAME": "Analyst", "GIT_AUTHOR_EMAIL": "analyst@example.org",
                "GIT_COMMITTER_NAME": "Analyst", "GIT_COMMITTER_EMAIL": "analyst@example.org",
                "GIT_CONFIG_GLOBAL": "/dev/null", "GIT_CONFIG_NOSYSTEM": "1"})
    if date:
        env["GIT_AUTHOR_DATE"] = env["GIT_COMMITTER_DATE"] = date
    subprocess.run(["git", "-c", "commit.gpgsign=false", "-c", "init.defaultBranch=main", *args],
                   cwd=root, env=env, check=True, capture_output=True)
