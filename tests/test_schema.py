"""``briefing schema`` run in a project knows it: EDTF dates, actor ids, the scales in words."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml
from conftest import CASES, ROOT, make_project


def test_schema_rejects_a_bad_date_and_an_unknown_actor(tmp_path: Path) -> None:
    jsonschema = pytest.importorskip("jsonschema")
    project = make_project(tmp_path / "project", content=CASES / "base" / "content")
    run = project.run("schema", "briefing")
    assert run.code == 0, run.stderr
    schema = json.loads(run.stdout)
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(schema)

    good = yaml.safe_load((project.content / "briefings" / "base.yaml").read_text())
    assert list(validator.iter_errors(good)) == []

    bad = yaml.safe_load((project.content / "briefings" / "base.yaml").read_text())
    bad["events"][0]["date"] = "Sept 14 2019"
    bad["events"][0]["actors"] = ["hossein-taeb", "irgcc"]
    errors = {tuple(e.absolute_path): e.message for e in validator.iter_errors(bad)}
    assert ("events", 0, "date") in errors
    assert ("events", 0, "actors", 1) in errors
    assert len(errors) == 2
    # The same two mistakes, as `briefing check` sees them.
    project.write("content/briefings/base.yaml", yaml.safe_dump(bad, sort_keys=False))
    check = project.run("check")
    assert check.code == 1
    assert "did you mean '2019-09-14'?" in check.stderr
    assert "unknown actor 'irgcc' (did you mean 'irgc'?)" in check.stderr


def test_schema_describes_the_scales_once(tmp_path: Path) -> None:
    project = make_project(tmp_path / "project", content=CASES / "base" / "content")
    schema = json.loads(project.run("schema", "briefing").stdout)
    likelihood = schema["$defs"]["KeyJudgment"]["properties"]["likelihood"]
    assert "anyOf" not in likelihood  # one title: editors showed "Likelihood || Likelihood"
    assert "55–80%" in likelihood["description"]
    assert {"const": "likely", "description": "Likely (55–80%)"} in likelihood["oneOf"]
    reliability = schema["$defs"]["Source"]["properties"]["reliability"]
    assert "usually reliable" in reliability["description"]
    actors = json.loads(project.run("schema", "actors").stdout)
    assert actors["$defs"]["Actor"]["properties"]["affiliations"]["items"]["enum"] == [
        "hossein-taeb", "irgc", "us-forces"
    ]


YLS = ROOT / "tests" / ".npm" / "node_modules"
YLS_SCRIPT = ROOT / "tests" / "tools" / "yaml_language_server.js"


def test_the_editor_flags_what_check_would(tmp_path: Path) -> None:
    """The real yaml-language-server (installed by `make test` with npm), as an editor runs it."""
    node = shutil.which("node")
    if node is None or not (YLS / "yaml-language-server").is_dir():
        pytest.skip("yaml-language-server not installed (make test installs it into tests/.npm with npm)")
    project = make_project(tmp_path / "project", content=CASES / "base" / "content")
    schema = project.write("briefing.schema.json", project.run("schema", "briefing").stdout)
    text = (project.content / "briefings" / "base.yaml").read_text()
    text = text.replace('date: "2021-07-05/2021-07-11"', "date: Sept 14 2019")
    text = text.replace("actors: [hossein-taeb, us-forces]", "actors: [hossein-taeb, irgcc]")
    text = text.replace("    publisher: Reuters\n", "    publisher: Reuters\n    via: report\n    reliability: B\n")
    text += "key_judgments:\n  - statement: s\n    likelihood: likely\n    confidence: moderate\n"
    briefing = project.write("x.yaml", text)
    lines = text.splitlines()

    def at(fragment: str) -> list[int]:
        line = next(i for i, line in enumerate(lines) if fragment in line)
        return [line, lines[line].index(fragment) + 1]

    positions = [at("likelihood:"), at("via:"), at("reliability:")]
    done = subprocess.run(
        [node, str(YLS_SCRIPT), str(schema), str(briefing), json.dumps(positions)],
        capture_output=True, text=True, timeout=120, env={**os.environ, "NODE_PATH": str(YLS)},
    )
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    flagged = {d["line"]: d["message"] for d in report["diagnostics"]}
    assert set(flagged) == {at("date:")[0] + 1, at("irgcc")[0] + 1}, flagged
    assert "not an EDTF date" in flagged[at("date:")[0] + 1]
    likelihood, via, reliability = report["hovers"]
    assert likelihood.startswith("#### Likelihood\n") and "||" not in likelihood and "55–80%" in likelihood
    assert via.startswith("#### Via\n") and "||" not in via
    assert "usually reliable" in reliability
