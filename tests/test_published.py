"""``build``, ``check`` and ``serve`` say what they left out, by name, in the terminal only."""

from __future__ import annotations

from pathlib import Path

from conftest import CASES, make_project, tree_bytes

BASE = (CASES / "base" / "content" / "briefings" / "base.yaml").read_text()


def test_build_and_check_name_what_was_left_out(tmp_path: Path) -> None:
    project = make_project(tmp_path / "project", content=CASES / "base" / "content")
    project.write("content/briefings/work-in-hand.yaml", BASE.replace('as_of: "2021-07-13"', 'as_of: "2021-07-13"\nstatus: draft'))
    project.write("content/briefings/amber-note.yaml", BASE.replace('as_of: "2021-07-13"', 'as_of: "2021-07-13"\nmarking: TLP:AMBER'))
    expected = (
        "published 1 briefing; left out 2 (1 draft, use --drafts: work-in-hand; 1 above TLP:CLEAR: amber-note)"
    )
    check = project.run("check")
    assert check.code == 0, check.stderr
    assert expected in check.stderr
    build = project.run("build")
    assert build.code == 0, build.stderr
    assert build.stderr.rstrip().endswith(expected)
    # The names reach the terminal only: nothing in the site mentions them.
    for name, data in tree_bytes(project.site).items():
        assert b"work-in-hand" not in data and b"amber-note" not in data, name
    # With the profile widened, nothing is left out.
    wide = project.run("check", "--drafts", "--max-marking", "TLP:AMBER")
    assert "published 3 briefings\n" in wide.stderr


def test_errors_come_before_warnings(tmp_path: Path) -> None:
    project = make_project(tmp_path / "project", content=CASES / "base" / "content")
    # "a-..." sorts before "base": its warning would come first if sorted by file alone.
    project.write(
        "content/briefings/a-warning.yaml",
        BASE.replace("    sources: [report]\n", "").replace("sources:\n  - id: report\n    kind: news-report\n    publisher: Reuters\n", ""),
    )
    project.write("content/briefings/z-error.yaml", BASE.replace("type: meeting", "type: meetin"))
    run = project.run("check")
    lines = [line for line in run.stderr.splitlines() if ": error: " in line or ": warning: " in line]
    kinds = [": error: " in line for line in lines]
    assert kinds == sorted(kinds, reverse=True) and True in kinds and False in kinds, run.stderr
