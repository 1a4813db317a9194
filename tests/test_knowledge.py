"""The knowledge layer across briefings: actor pages, chronology, tags, relations, search."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import CASES, ROOT, make_project
from corpus import write_corpus
from htmlcheck import broken_links, parse

from briefing.dates import parse_date

KNOWLEDGE = CASES / "knowledge" / "content"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    project = make_project(tmp_path_factory.mktemp("knowledge") / "project", content=KNOWLEDGE)
    run = project.run("build", "--strict")
    assert run.code == 0, run.stderr
    return project.site


def event_links(html: str) -> list[str]:
    """The event URLs of a page's event list (not its timeline), in page order."""
    return re.findall(r'— <a href="(?:\.\./)+briefings/([a-z0-9-]+)/#event-([a-z0-9-]+)"', html)


def test_chronology_timeline_links_every_event(site: Path) -> None:
    html = (site / "chronology" / "index.html").read_text()
    timeline = re.findall(r'class="brief-tl-link" href="\.\./briefings/([a-z0-9-]+)/#event-([a-z0-9-]+)"', html)
    assert sorted(timeline) == sorted(event_links(html))


def test_actor_page_lists_all_events_across_briefings_in_date_order(site: Path) -> None:
    html = (site / "actors" / "irgc" / "index.html").read_text()
    assert event_links(html) == [
        ("alpha", "a-year"),      # 2020 (a year: earliest bound 1 January)
        ("alpha", "a-approx"),    # c. 1 June 2021 (one day)
        ("alpha", "a-month"),     # June 2021 (same earliest day, later latest day)
        ("beta", "b-day"),        # 15 June 2021
    ]
    text = parse(site / "actors" / "irgc" / "index.html").text
    assert "4 events, in date order;" in text
    assert "Alpha briefing" in text and "Beta briefing" in text


def test_shared_actor_spans_both_briefings(site: Path) -> None:
    html = (site / "actors" / "kataib-hezbollah" / "index.html").read_text()
    assert event_links(html) == [("beta", "b-interval"), ("alpha", "a-approx"), ("alpha", "a-day")]


def test_affiliations_both_ways(site: Path) -> None:
    irgc = parse(site / "actors" / "irgc" / "index.html").text
    quds = parse(site / "actors" / "quds-force" / "index.html").text
    assert "Includes: Quds Force" in irgc
    assert "Part of: Islamic Revolutionary Guard Corps" in quds


def test_native_names_carry_lang_and_direction(site: Path) -> None:
    html = (site / "actors" / "kataib-hezbollah" / "index.html").read_text()
    # The name is isolated too (<bdi>), like every value that can change direction.
    assert re.search(r'<span (lang="ar" dir="rtl"|dir="rtl" lang="ar")><bdi>كتائب حزب الله</bdi></span>', html)
    html = (site / "actors" / "irgc" / "index.html").read_text()
    assert re.search(r'<span (lang="fa" dir="rtl"|dir="rtl" lang="fa")><bdi>سپاه', html)


def test_actors_index_grouped_by_kind_with_counts(site: Path) -> None:
    page = parse(site / "actors" / "index.html")
    h2 = [t for tag, t in page.headings if tag == "h2"]
    assert h2 == ["State armed force", "Non-state armed group"]
    text = page.text
    # Listed by the name readers use, the formal name beside it.
    assert re.search(r"KH \(Kata'ib Hezbollah\) \| Iraq \| 3|KH \(Kata'ib Hezbollah\) Iraq 3", text)
    assert re.search(r"IRGC \(Islamic Revolutionary Guard Corps\) Iran 4", text)


#: A real build with smaller limits (a kind of more than 200 actors needs a large archive).
_SMALL_LIMITS = (
    "import sys\n"
    "from briefing.render import archive\n"
    "archive.ACTORS_INDEX_LIMIT = {limit}\n"
    "archive.PAGE_LIMIT = 3\n"
    "from briefing.cli import main\n"
    "sys.argv = ['briefing', 'build', '--strict']\n"
    "main()\n"
)


def test_a_kind_too_large_for_the_actors_index_is_listed_on_pages_of_its_own(tmp_path: Path) -> None:
    content = write_corpus(tmp_path / "corpus", briefings=12, events=6, actors=40, seed=5)
    project = make_project(tmp_path / "project", content)
    assert project.run("render", "--out", str(tmp_path / "md")).code == 0
    # Each kind's actors as the full index lists them, in order (names in use).
    full = (tmp_path / "md" / "actors" / "index.md").read_text(encoding="utf-8")
    kinds = {
        part.splitlines()[0]: re.findall(r"^\| \[([^\]]+)\]\(\.\./actors/([a-z0-9-]+)\.md\)", part, re.M)
        for part in full.split("\n## ")[1:]
    }
    sizes = sorted(len(rows) for rows in kinds.values())
    limit = sizes[len(sizes) // 2]  # some kinds stay on the index, the larger ones move
    assert sizes[0] <= limit < sizes[-1]
    done = subprocess.run([sys.executable, "-c", _SMALL_LIMITS.format(limit=limit)], cwd=project.root,
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    site = project.site
    assert broken_links(site) == []
    index = (site / "actors" / "index.html").read_text(encoding="utf-8")
    sections = dict(re.findall(r'<h2 id="[^"]*">([^<]+)<a class="headerlink".*?</h2>(.*?)(?=<h2|$)', index, re.S))
    assert set(sections) == set(kinds)
    for kind, rows in kinds.items():
        listed = re.findall(r'<td><a href="([a-z0-9-]+)/">', sections[kind])
        if len(rows) <= limit:
            assert listed == [actor_id for _, actor_id in rows]  # the table, as before
            continue
        # A large kind: links to its pages, each labelled by its first and last name.
        pages = re.findall(r'<a href="(by-kind/[^"]+)">([^<]+)</a>', sections[kind])
        assert len(pages) == -(-len(rows) // 3) and not listed
        seen = []
        for href, label in pages:
            page = site / "actors" / href / "index.html"
            on_page = re.findall(r'<td><a href="(?:\.\./)+([a-z0-9-]+)/">', page.read_text(encoding="utf-8"))
            names = {actor_id: name for name, actor_id in rows}
            assert label == f"{names[on_page[0]]} – {names[on_page[-1]]}"
            seen += on_page
        assert seen == [actor_id for _, actor_id in rows]  # every actor once, by name, across the pages


def test_actors_sort_by_the_name_readers_use(tmp_path: Path) -> None:
    project = make_project(tmp_path / "project")
    project.write("content/actors/yemen-lebanon.yaml", (
        "- id: ansar-allah\n  name: Ansar Allah\n  short_name: Houthis\n  kind: non-state-armed-group\n"
        "- id: hezbollah\n  name: Hezbollah\n  kind: non-state-armed-group\n"
    ))
    briefing = project.content / "briefings" / "irgc-taeb-baghdad-meeting.yaml"
    text = briefing.read_text(encoding="utf-8")
    old = "actors: [united-states, qassem-soleimani]"
    assert old in text  # a public build lists only the actors its briefings name
    briefing.write_text(text.replace(old, "actors: [united-states, qassem-soleimani, ansar-allah, hezbollah]"))
    run = project.run("render", "--out", str(tmp_path / "md"))
    assert run.code == 0, run.stderr
    index = (tmp_path / "md" / "actors" / "index.md").read_text(encoding="utf-8")
    # The Houthis are found under H, after Hezbollah, with their formal name beside.
    assert index.index("[Hezbollah]") < index.index("[Houthis](../actors/ansar-allah.md) (Ansar Allah)")
    assert index.index("[Houthis]") < index.index("[Iraqi Shiite militias]")


def test_global_chronology_in_date_order_grouped_by_month(site: Path) -> None:
    # The overview links each year's page; the old month anchors (#2021-06) stay on it.
    overview = (site / "chronology" / "index.html").read_text()
    for anchor in ("2020-01", "2021-05", "2021-06"):
        assert f'id="{anchor}"' in overview
    years = [(site / "chronology" / y / "index.html").read_text() for y in ("2020", "2021")]
    html = "\n".join(years)
    links = event_links(html)
    assert len(links) == 7
    dates = {
        ("alpha", "a-year"): "2020", ("alpha", "a-month"): "2021-06", ("alpha", "a-day"): "2021-06-15",
        ("alpha", "a-approx"): "2021-06-01~", ("beta", "b-interval"): "2021-05-20/2021-07-10",
        ("beta", "b-day"): "2021-06-15", ("beta", "b-uncertain"): "2021-06-10?",
    }
    keys = [parse_date(dates[link]).sort_key for link in links]
    assert keys == sorted(keys)
    months = [t for y in ("2020", "2021") for tag, t in parse(site / "chronology" / y / "index.html").headings if tag == "h2"]
    assert months == ["January 2020", "May 2021", "June 2021"]
    # The seven-week interval is listed at its earliest bound and marked as a span, explained on hover.
    assert re.search(
        r"20 May – 10 July 2021</time> <span class=\"brief-span\" title=\"A period of more than a month, "
        r"listed at its first day\">span</span>", html
    )


def test_tags_and_related_both_ways(site: Path) -> None:
    tags = (site / "tags" / "index.html").read_text()
    assert [m for m in re.findall(r'id="tag-([a-z-]+)"', tags)] == ["drones", "iraq", "militias"]
    iraq = parse(site / "tags" / "iraq" / "index.html").text
    assert "Alpha briefing" in iraq
    beta = parse(site / "briefings" / "beta" / "index.html").text
    alpha = parse(site / "briefings" / "alpha" / "index.html").text
    assert "Related: Alpha briefing" in beta
    assert "Related: Beta briefing" in alpha


def test_all_links_resolve(site: Path) -> None:
    assert broken_links(site) == []


def test_search_index_has_every_name_and_event_anchors(site: Path) -> None:
    from test_search import fragments

    docs = {d["url"]: d for d in fragments(site)}
    actor_text = docs["/actors/irgc/"]["meta"]["title"] + " " + docs["/actors/irgc/"]["content"]
    for name in ("Islamic Revolutionary Guard Corps", "IRGC", "Sepah", "Pasdaran", "Revolutionary Guards", "سپاه"):
        assert name in actor_text, name
    events = {f"{url}#{a['id']}": a["text"] for url, d in docs.items() for a in d["anchors"] if a["id"].startswith("event-")}
    assert events["/briefings/alpha/#event-a-day"] == "Alpha day event"
    # Event sections come from briefing pages only: a search for a title leads to one anchor.
    assert all(loc.startswith("/briefings/") for loc in events)


def test_the_names_labelling_a_kinds_pages_cannot_reorder_each_other(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from briefing.generate import generate
    from briefing.render import archive
    from briefing.settings import Settings

    content = write_corpus(tmp_path / "content", briefings=12, events=6, actors=40, seed=5)
    actors = content / "actors" / "actors-000.yaml"
    text = actors.read_text(encoding="utf-8")
    # Every short name starts a page's label somewhere: give them all an unclosed override.
    actors.write_text(re.sub(r"short_name: (A\d+)", "short_name: \"\\\\u202e\\1\"", text), encoding="utf-8")
    monkeypatch.setattr(archive, "ACTORS_INDEX_LIMIT", 2)
    monkeypatch.setattr(archive, "PAGE_LIMIT", 2)
    settings = Settings(tmp_path, content, ROOT / "templates", ROOT / "site_config" / "vocabularies.yaml")
    index = generate(settings).pages["actors/index.md"]
    labels = re.findall(r"\[([^\]]*)\]\(by-kind/", index)
    assert labels and any("\u202e" in label for label in labels)
    for label in labels:
        first, last = label.split(" – ")
        # Each name is isolated on its own, its override closed inside its own <bdi>.
        for name in (first, last):
            if "\u202e" in name:
                assert name.startswith("<bdi>") and name.endswith("\u202c</bdi>"), label


def test_every_link_resolves_without_directory_urls(tmp_path: Path) -> None:
    """Maps, timelines and lists of events are raw HTML, which MkDocs does not rewrite or check:
    their links are the URLs MkDocs writes (briefing.render.addresses), in both URL styles."""
    content = write_corpus(tmp_path / "corpus", briefings=8, events=5, actors=12, seed=11)
    project = make_project(tmp_path / "project", content)
    config = project.root / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8").replace("use_directory_urls: true", "use_directory_urls: false"))
    run = project.run("build", "--strict")
    assert run.code == 0, run.stderr
    assert (project.site / "actors" / "index.html").is_file() and not (project.site / "actors" / "index").exists()
    listed = (project.site / "chronology" / "index.html").read_text(encoding="utf-8")
    assert ".html#event-" in listed or any(
        ".html#event-" in p.read_text(encoding="utf-8") for p in (project.site / "chronology").rglob("*.html")
    )
    assert broken_links(project.site) == []
