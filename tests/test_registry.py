"""The source registry: reliability graded once per outlet, pages listing what rests on it."""

from __future__ import annotations

from pathlib import Path

from conftest import make_project
from htmlcheck import parse


def test_reuters_page_lists_both_example_briefings(example_site: Path) -> None:
    page = parse(example_site / "sources" / "reuters" / "index.html")
    text = page.text
    assert "Reliability: B: usually reliable" in text
    assert "2 reports in briefings, in date order." in text
    # Date order: the June report before the July one.
    june = text.index("US strikes Iran-backed militia facilities on the Iraq-Syria border")
    july = text.index("IRGC intelligence chief urges Iraqi militias to step up attacks on US targets")
    assert june < july
    assert "../../briefings/us-strikes-iraq-syria-border-2021-06/#source-reuters-report" in page.links
    assert "../../briefings/irgc-taeb-baghdad-meeting/#source-reuters-report" in page.links
    # Events resting on Reuters, directly or through the anonymous sources it quoted.
    assert "../../briefings/irgc-taeb-baghdad-meeting/#event-taeb-meeting" in page.links
    assert "../../briefings/us-strikes-iraq-syria-border-2021-06/#event-rockets-us-forces-syria" in page.links


def test_briefing_links_to_registry_and_says_where_the_grade_comes_from(example_site: Path) -> None:
    page = parse(example_site / "briefings" / "irgc-taeb-baghdad-meeting" / "index.html")
    assert "../../sources/reuters/" in page.links
    assert "B2: usually reliable source; information probably true (reliability from the source registry)" in page.text
    index = parse(example_site / "sources" / "index.html")
    assert "reuters/" in index.links and "us-department-of-defense/" in index.links


def test_override_with_reason_is_shown(tmp_path: Path) -> None:
    project = make_project(tmp_path / "project")
    path = project.content / "briefings" / "irgc-taeb-baghdad-meeting.yaml"
    text = path.read_text()
    path.write_text(text.replace(
        "    outlet: reuters\n    title: Reuters report of 13 July 2021\n",
        "    outlet: reuters\n    title: Reuters report of 13 July 2021\n    reliability: C\n"
        "    reliability_note: Relayed by an outlet that rewrites wire copy.\n",
    ))
    run = project.run("render", "--out", "out", "--strict")
    assert run.code == 0, run.stderr
    briefing = (project.root / "out/briefings/irgc-taeb-baghdad-meeting.md").read_text()
    assert ("C2: fairly reliable source; information probably true (reliability graded here, not as in the "
            "source registry (B): Relayed by an outlet that rewrites wire copy.)") in briefing
    outlet = (project.root / "out/sources/reuters.md").read_text()
    assert "graded C2 (reliability graded in the briefing: Relayed by an outlet that rewrites wire copy.)" in outlet


def test_old_format_still_works_and_inconsistent_grades_are_flagged(tmp_path: Path) -> None:
    project = make_project(tmp_path / "project")
    path = project.content / "briefings" / "irgc-taeb-baghdad-meeting.yaml"
    original = path.read_text()
    legacy = "    kind: news-report\n    publisher: Reuters\n    reliability: {grade}\n"
    path.write_text(original.replace("    outlet: reuters\n", legacy.format(grade="B")))
    run = project.run("check", "--strict")
    assert run.code == 0, run.stderr  # graded as in the registry: nothing to say
    path.write_text(original.replace("    outlet: reuters\n", legacy.format(grade="D")))
    run = project.run("check", "--strict")
    assert run.code == 1
    assert (
        "warning: sources[0].reliability: publisher 'Reuters' is graded D here but B in the source registry; "
        "refer to the registry with 'outlet: reuters'"
    ) in run.stderr
