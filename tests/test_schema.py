"""``briefing schema`` run in a project knows it: EDTF dates, actor ids, the scales in words."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from conftest import CASES, make_project


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
