"""Revisions from git: a briefing's history, filtered by the build profile like everything else.

A real git repository with three commits of one briefing:

1. 10 July 2021: first version, a judgment at "roughly even chance".
2. 12 July 2021: the judgment raised to "likely" with a change_note; an AMBER
   event (and a judgment resting only on it) added.
3. 14 July 2021: the AMBER event and its judgment gone; a CLEAR event added.
"""

from __future__ import annotations

import datetime as dt
import subprocess
from pathlib import Path

import feedparser
import pytest
import yaml
from conftest import Project, git, make_project, tree_bytes
from htmlcheck import parse
from test_markings import output_text

AMBER = "canaryamberhistory"


def event(event_id: str, title: str, **extra: object) -> dict:
    return {"id": event_id, "date": "2021-07-01", "title": title, "type": "attack", "sources": ["s1"], **extra}


def briefing(version: int) -> dict:
    judgment = {
        "statement": "There is a roughly even chance that the militias attack US forces in Syria.",
        "likelihood": "roughly-even-chance",
        "confidence": "low",
        "basis": ["e1"],
    }
    events = [event("e1", "Shelling of a US base")]
    judgments = [judgment]
    if version >= 2:
        judgment.update(
            statement="The militias will likely attack US forces in Syria.",
            likelihood="likely",
            change_note="A second militia source reported the order.",
        )
    if version == 2:
        events.append(event(
            f"{AMBER}-event", f"{AMBER} title", marking="TLP:AMBER", date_note=f"{AMBER} date note",
            description=f"{AMBER} description", location={"name": f"{AMBER} place", "country": "IQ"},
        ))
        judgments.append({"statement": f"{AMBER} judgment", "confidence": "low", "basis": [f"{AMBER}-event"]})
    if version == 3:
        events.append(event("e2", "Drone shot down near the embassy"))
    return {
        "title": "History test briefing",
        "as_of": f"2021-07-{8 + 2 * version}",
        "summary": f"Version {version}.",
        "key_judgments": judgments,
        "events": events,
        "sources": [{"id": "s1", "kind": "news-report", "publisher": "Example Wire"}],
    }


def write(project: Project, version: int) -> None:
    project.write("content/briefings/hist.yaml", yaml.safe_dump(briefing(version), allow_unicode=True))


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Project:
    project = make_project(tmp_path_factory.mktemp("history") / "project", content=None)
    project.write("content/actors/actors.yaml", "[]\n")
    git(project.root, "init", "-q")
    for version, day in ((1, 10), (2, 12), (3, 14)):
        write(project, version)
        git(project.root, "add", "-A")
        git(project.root, "commit", "-q", "-m", f"version {version}", date=f"2021-07-{day}T09:00:00+00:00")
    return project


def test_revisions_section(project: Project, tmp_path: Path) -> None:
    site = tmp_path / "site"
    run = project.run("build", "--strict", "--site-dir", str(site))
    assert run.code == 0, run.stderr
    page = parse(site / "briefings" / "hist" / "index.html")
    text = page.text
    assert "Revisions" in [h for _, h in page.headings]
    revisions = text[text.index("Revisions ¶"):]  # the section, not the table of contents
    newest, middle, oldest = (revisions.index(d) for d in ("14 July 2021", "12 July 2021", "10 July 2021"))
    assert newest < middle < oldest
    assert "As of 14 July 2021. Event added: Drone shot down near the embassy" in revisions
    assert (
        "Judgment “The militias will likely attack US forces in Syria.”: likelihood Roughly even chance → Likely; "
        "reworded (was “There is a roughly even chance that the militias attack US forces in Syria.”); "
        "why: A second militia source reported the order."
    ) in revisions
    assert "As of 10 July 2021. First version." in revisions
    assert "#event-e2" in page.links

    changes = parse(site / "changes" / "index.html").text
    assert "The latest 3 of 3 revisions, newest first." in changes
    assert changes.index("14 July 2021") < changes.index("12 July 2021") < changes.index("10 July 2021")
    assert "likelihood Roughly even chance → Likely" in changes

    # The Atom feed dates the entry by its last revision (the commit of 14 July, 09:00 UTC).
    feed = feedparser.parse((site / "feed.xml").read_bytes())
    (entry,) = feed.entries
    assert entry.updated == "2021-07-14T09:00:00+00:00"
    assert feed.feed.updated == "2021-07-14T09:00:00+00:00"


def test_clear_build_has_no_text_of_the_amber_event_anywhere(project: Project, tmp_path: Path) -> None:
    site = tmp_path / "site"
    assert project.run("build", "--site-dir", str(site)).code == 0
    for name, text in output_text(site).items():
        assert AMBER not in text, name
    # The AMBER-only revision changed nothing a CLEAR reader may see but the judgment:
    # it is there, and says nothing of the event.
    changes = parse(site / "changes" / "index.html").text
    assert "Event removed" not in changes


def test_amber_build_shows_the_amber_event_coming_and_going(project: Project, tmp_path: Path) -> None:
    site = tmp_path / "site"
    assert project.run("build", "--site-dir", str(site), "--max-marking", "TLP:AMBER").code == 0
    text = parse(site / "briefings" / "hist" / "index.html").text
    assert f"Event added: {AMBER} title" in text
    assert f"Event removed: {AMBER} title" in text
    assert f"Judgment withdrawn: “{AMBER} judgment”" in text


def test_builds_are_byte_identical(project: Project, tmp_path: Path) -> None:
    first, second = tmp_path / "a", tmp_path / "b"
    assert project.run("build", "--site-dir", str(first)).code == 0
    assert project.run("build", "--site-dir", str(second)).code == 0
    assert tree_bytes(first) == tree_bytes(second)


def test_last_revision_dates_for_feeds(project: Project) -> None:
    from briefing.generate import generate
    from briefing.settings import Settings

    root = project.root
    settings = Settings(root, root / "content", root / "templates", root / "site_config" / "vocabularies.yaml")
    result = generate(settings)
    assert result.last_revised == {"hist": dt.datetime(2021, 7, 14, 9, 0, tzinfo=dt.UTC)}


def test_changed_likelihood_needs_a_new_change_note(project: Project, tmp_path: Path) -> None:
    path = project.content / "briefings" / "hist.yaml"
    committed = path.read_text()
    try:
        data = briefing(3)
        data["key_judgments"][0]["likelihood"] = "very-likely"
        data["key_judgments"][0]["statement"] = "The militias will very likely attack US forces in Syria."
        path.write_text(yaml.safe_dump(data))
        run = project.run("check", "--strict")
        assert run.code == 1
        assert (
            "warning: key_judgments[0].likelihood: likelihood changed from 'likely' to 'very-likely' since the "
            "revision of 2021-07-14"
        ) in run.stderr  # the note left from the earlier change does not count
        data["key_judgments"][0]["change_note"] = "The attack on Al-Omar confirmed the pattern."
        path.write_text(yaml.safe_dump(data))
        run = project.run("check", "--strict")
        assert run.code == 0, run.stderr
        site = tmp_path / "site"
        assert project.run("build", "--site-dir", str(site)).code == 0
        text = parse(site / "briefings" / "hist" / "index.html").text
        assert "Working copy ¶ As of 14 July 2021." in text
        assert "likelihood Likely → Very likely" in text
    finally:
        path.write_text(committed)


def test_without_git_the_page_says_so(tmp_path: Path) -> None:
    project = make_project(tmp_path / "project", content=None)
    project.write("content/actors/actors.yaml", "[]\n")
    write(project, 3)
    run = project.run("render", "--out", "out")
    assert run.code == 0, run.stderr
    page = (project.root / "out" / "briefings" / "hist.md").read_text()
    assert "*Note: no revision history: the content is not in a git repository" in page
    assert "### Working copy" in page


def _clone(project: Project, tmp_path: Path, name: str, *options: str) -> Project:
    """A clone of the history project (content, templates and config are all committed)."""
    git(project.root, "config", "uploadpack.allowFilter", "true")
    target = tmp_path / name
    subprocess.run(
        ["git", "clone", "-q", *options, f"file://{project.root}", str(target)],
        check=True, capture_output=True, timeout=120,
    )
    return Project(target)


def test_a_shallow_clone_says_so_in_plain_words(project: Project, tmp_path: Path) -> None:
    clone = _clone(project, tmp_path, "shallow", "--depth", "1")
    run = clone.run("render", "--out", "out")
    assert run.code == 0, run.stderr
    page = (clone.root / "out" / "briefings" / "hist.md").read_text()
    assert "Traceback" not in run.stderr and "Error" not in page
    if "no revision history" in page:  # dulwich could not walk it: the reader is told why
        assert "the repository is a shallow clone" in page


def test_a_blobless_clone_is_no_traceback(project: Project, tmp_path: Path) -> None:
    clone = _clone(project, tmp_path, "blobless", "--filter=blob:none")
    for command in (("check", "--strict"), ("render", "--out", "out")):
        run = clone.run(*command)
        assert "Traceback" not in run.stderr, run.stderr
        assert run.code == 0, run.stderr


# -- the raw tree comparison behind the walk -------------------------------------------------------

from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from briefing.history import _Folder  # noqa: E402

_names = st.binary(min_size=1, max_size=12).filter(lambda n: b"\0" not in n and b"/" not in n)
_trees = st.dictionaries(_names, st.tuples(st.binary(min_size=20, max_size=20), st.booleans()), max_size=12)


def raw_tree(entries: dict[bytes, tuple[bytes, bool]]) -> bytes:
    return b"".join(
        (b"100644 " if is_file else b"40000 ") + name + b"\0" + blob
        for name, (blob, is_file) in sorted(entries.items())
    )


@settings(max_examples=150, deadline=None)
@given(st.lists(_trees, min_size=1, max_size=6))
def test_folder_updates_match_a_full_comparison(versions: list[dict[bytes, tuple[bytes, bool]]]) -> None:
    # Ids full of spaces and NULs, names with spaces: the shared prefix and suffix never mislead.
    folder = _Folder(b"")
    previous: dict[bytes, bytes] = {}
    for entries in versions:
        changes = dict(folder.update(raw_tree(entries)))
        files = {name: blob for name, (blob, is_file) in entries.items() if is_file}
        expected = {n: b for n, b in files.items() if previous.get(n) != b}
        expected.update({n: None for n in previous if n not in files})
        assert changes == expected
        previous = files


def test_exported_feed_is_dated_by_the_last_revision(project: Project, tmp_path: Path) -> None:
    out = tmp_path / "out"
    run = project.run("export", "--format", "atom", "--out", str(out))
    assert run.code == 0, run.stderr
    (entry,) = feedparser.parse((out / "feed.xml").read_bytes()).entries
    assert entry.updated == "2021-07-14T09:00:00+00:00"
    assert entry.published == "2021-07-14T00:00:00+00:00"  # as_of (its last day, at midnight)


def test_a_past_version_that_does_not_load_is_left_out_without_harm() -> None:
    """Past versions go through the working copy's loader and its guards."""
    from briefing.history import _parse

    assert _parse(yaml.safe_dump(briefing(2)).encode(), "v2") is not None
    assert _parse(b"title: " + b"[" * 100_000, "deep") is None  # libyaml would crash the interpreter
    assert _parse(b"title: [unclosed", "invalid") is None
    assert _parse(b"title: x\n", "not a briefing") is None
