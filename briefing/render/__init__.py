"""Render the model into a tree of Markdown pages through Jinja2 templates.

``render_pages`` returns ``{path: markdown}``: the MkDocs plugin serves that
tree with ``File.generated`` and ``briefing render --out`` writes it to disk.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import itertools
import os
import re
import traceback
from functools import lru_cache
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterator

import jinja2
import pycountry
from markupsafe import Markup

from briefing.dates import MONTHS, EdtfDate
from briefing.diagnostics import did_you_mean
from briefing.gcpause import gc_paused
from briefing.jinjacache import compiled_templates
from briefing.parallel import fork_map
from briefing.model import Actor, Briefing, Event, Marking, Source, text_direction
from briefing.profile import Profile, effective_marking
from briefing.render import context as ctx
from briefing.render.archive import ACTOR_BRIEFINGS_LIMIT, Archive
from briefing.render.knowledge import Appearance, Knowledge, build_knowledge
from briefing.render.timeline import build_timeline
from briefing.render.text import LinkProblem, attribute, markdown, plain
from briefing.validate import Project, display_path

RELIABILITY = {
    "A": "completely reliable", "B": "usually reliable", "C": "fairly reliable",
    "D": "not usually reliable", "E": "unreliable", "F": "reliability cannot be judged",
}
CREDIBILITY = {
    1: "confirmed by other sources", 2: "probably true", 3: "possibly true",
    4: "doubtful", 5: "improbable", 6: "truth cannot be judged",
}
LIKELIHOOD = {
    "almost-no-chance": ("Almost no chance", "1–5%"),
    "very-unlikely": ("Very unlikely", "5–20%"),
    "unlikely": ("Unlikely", "20–45%"),
    "roughly-even-chance": ("Roughly even chance", "45–55%"),
    "likely": ("Likely", "55–80%"),
    "very-likely": ("Very likely", "80–95%"),
    "almost-certain": ("Almost certain", "95–99%"),
}
LATEST_ON_HOME = 10

_INDEX_PAGES = {
    "home": ("index.md", "home.md.j2", "home_page"),
    "briefings": ("briefings/index.md", "briefings.md.j2", "briefings_index"),
    "actors": ("actors/index.md", "actors.md.j2", "actors_index"),
    "chronology": ("chronology/index.md", "chronology.md.j2", "chronology_page"),
    "tags": ("tags/index.md", "tags.md.j2", "tags_page"),
}
#: Below this many pages, rendering in one process is faster than forking.
PARALLEL_MIN_PAGES = 64


class TemplateProblem(Exception):
    """A template failed to compile or to render: where, and why (a diagnostic, not a traceback)."""

    def __init__(self, path: str, line: int, message: str) -> None:
        super().__init__(path, line, message)
        self.path, self.line, self.message = path, line, message

    @classmethod
    def from_exception(cls, exc: BaseException, templates_dir: Path) -> TemplateProblem | None:
        """The problem at the innermost template line of ``exc``; None if no template is involved."""
        if isinstance(exc, jinja2.TemplateNotFound):
            return cls(display_path(templates_dir), 1, f"template '{exc.name}' not found")
        if isinstance(exc, jinja2.TemplateSyntaxError) and exc.filename:
            return cls(display_path(Path(exc.filename)), exc.lineno or 1, f"template syntax: {exc.message}")
        root = os.path.join(templates_dir.resolve(), "")
        frames = [
            f for f in traceback.extract_tb(exc.__traceback__)
            if f.filename.endswith(".j2") and os.path.realpath(f.filename).startswith(root)
        ]
        if not frames:
            return None
        message = _explain(exc)
        return cls(display_path(Path(frames[-1].filename)), frames[-1].lineno or 1, message)


_NO_ATTRIBUTE = re.compile(r"^'(?:[\w.]+\.)?(?P<type>\w+) object' has no attribute '(?P<name>[^']*)'$")


def _explain(exc: BaseException) -> str:
    """The error in a template author's terms, with "did you mean" for a misspelt field."""
    text = str(exc)
    match = _NO_ATTRIBUTE.match(text)
    if isinstance(exc, jinja2.UndefinedError) and match:
        kind = getattr(ctx, match.group("type"), None)
        fields = [f.name for f in dataclasses.fields(kind)] if dataclasses.is_dataclass(kind) else []
        return f"{match.group('type')} has no field '{match.group('name')}'{did_you_mean(match.group('name'), fields)}"
    if isinstance(exc, jinja2.TemplateError):
        return f"template failed: {text}"
    return f"template failed: {type(exc).__name__}: {text}"


#: Called with (("briefing" or "actor", id), path in its file, problem) for an inert link.
LinkReporter = Callable[[tuple[str, str], tuple, LinkProblem], None]


@lru_cache(maxsize=None)
def country_name(code: str) -> str:
    country = pycountry.countries.get(alpha_2=code)
    if country is None:
        return code
    return getattr(country, "common_name", None) or country.name


def _finalize(value: object) -> str:
    # Everything a template prints is escaped for Markdown and HTML unless it is Markup.
    if isinstance(value, Markup):
        return value
    if value is None:
        return ""
    return plain(value)


def _join(items: object, separator: str = "") -> Markup:
    return Markup(separator).join(_finalize(item) for item in items)  # type: ignore[attr-defined]


def _links(items: list[ctx.Link], separator: str = ", ") -> Markup:
    """``[text](href)`` for each link, joined: the text escaped, the href already safe."""
    return Markup(separator.join([f"[{plain(link.text)}]({link.href})" for link in items]))


def _url(value: object) -> Markup:
    """A validated URL, made safe inside Markdown's ``(<...>)`` link target."""
    text = str(value)
    for char, code in (("<", "%3C"), (">", "%3E"), (" ", "%20"), ('"', "%22"), ("\\", "%5C")):
        text = text.replace(char, code)
    return Markup(text)


#: Whitespace and escaping options of the Markdown templates.
_SYNTAX = {"keep_trailing_newline": True, "trim_blocks": True, "lstrip_blocks": True, "autoescape": False}


def template_environment(templates_dir: Path) -> jinja2.Environment:
    """The Jinja2 environment for Markdown templates: safe by default.

    ``finalize`` escapes every printed value for Markdown and HTML unless it is
    ``Markup`` (rendered Markdown fields, links built from ids), so a template
    cannot forget to escape content. Jinja's own HTML autoescaping stays off: it
    would escape a second time, and it costs a third of the render time. The
    price: a macro's output must be printed with ``|safe``; forgetting it
    double-escapes (visible in the golden tests), it never under-escapes.
    """
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(templates_dir)),
        bytecode_cache=compiled_templates(),
        finalize=_finalize,
        undefined=jinja2.StrictUndefined,
        **_SYNTAX,
    )
    env.filters["attr"] = lambda v: Markup(attribute(v))
    env.filters["join"] = _join
    env.filters["links"] = _links
    env.filters["url"] = _url
    env.filters["front_matter"] = _front_matter
    return env


def _front_matter(value: object) -> Markup:
    """A page title for front matter. MkDocs themes print ``page.title`` unescaped
    (in ``<title>`` too), so it is HTML-escaped here, then quoted as JSON (valid YAML)."""
    import json

    text = " ".join(str(value).split())
    return Markup(json.dumps(attribute(text).replace("'", "&#39;"), ensure_ascii=False))


_ENVIRONMENTS: dict[Path, jinja2.Environment] = {}


def _environment(templates_dir: Path) -> jinja2.Environment:
    # Compile templates once per process; Jinja2 reloads a template whose file changed.
    if templates_dir not in _ENVIRONMENTS:
        _ENVIRONMENTS[templates_dir] = template_environment(templates_dir)
    return _ENVIRONMENTS[templates_dir]


@gc_paused
def render_pages(
    project: Project,
    profile: Profile,
    templates_dir: Path,
    report: LinkReporter | None = None,
    *,
    directory_urls: bool = True,
) -> dict[str, str]:
    """Render every page of the (already filtered) project: ``{src_uri: markdown}``.

    ``directory_urls`` is MkDocs' ``use_directory_urls``: links in raw HTML (the
    timelines) must be written as the site's URLs, since MkDocs rewrites only
    Markdown links.
    """
    with _template_problems(templates_dir):
        renderer = _Renderer(project, profile, _environment(templates_dir), templates_dir, report, directory_urls)
        return renderer.render_all()


@contextlib.contextmanager
def _template_problems(templates_dir: Path) -> Iterator[None]:
    """Turn an error that a template caused into a :class:`TemplateProblem`."""
    try:
        yield
    except TemplateProblem:
        raise
    except Exception as exc:
        problem = TemplateProblem.from_exception(exc, templates_dir)
        if problem is None:
            raise
        raise problem from None


@dataclass(slots=True)
class _EventFacts:
    date: ctx.DateView
    type_label: str
    location: str | None
    casualties: str | None
    marking: Marking | None
    source_names: dict[str, str]


@dataclass
class _Renderer:
    project: Project
    profile: Profile
    env: jinja2.Environment
    templates_dir: Path
    report: LinkReporter | None
    directory_urls: bool = True

    def __post_init__(self) -> None:
        self.knowledge: Knowledge = build_knowledge(self.project)
        vocab = self.project.vocabularies
        self.event_types = vocab.event_types if vocab else {}
        self.actor_kinds = vocab.actor_kinds if vocab else {}
        self.source_kinds = vocab.source_kinds if vocab else {}
        self._global_events: dict[tuple[str, int], ctx.EventView] = {}
        self._event_lines: dict[tuple[str, int], Markup] = {}
        self._actor_links: dict[tuple[str, str], ctx.Link] = {}
        # Keyed by id(): the project outlives the renderer, so ids stay unique meanwhile.
        self._facts: dict[int, _EventFacts] = {}
        self._briefing_source_names: dict[int, dict[str, str]] = {}
        self._dates: dict[str, ctx.DateView] = {}
        self._macros = self.env.get_template("_macros.md.j2").module
        self.archive = Archive(self)

    # -- pages -----------------------------------------------------------------------------

    def render_all(self) -> dict[str, str]:
        tasks = (
            [("briefing", b) for b in self.project.briefings]
            + [("actor", a) for a in self.project.actors]
            + [("index", name) for name in _INDEX_PAGES]
            + [("archive", path) for path in self.archive.pages]
        )

        def collect_problems() -> Callable[[], list]:
            # In the child, link problems are collected and reported by the parent.
            problems: list = []
            self.report = lambda owner, path, problem: problems.append((owner, path, problem))
            return lambda: problems

        # The child takes the pages built from event lines (actors, chronology), which
        # share one cache, and a fifth of the briefings, which about balances the two.
        def in_child(index: int, task: tuple[str, str]) -> bool:
            return (
                task[0] == "actor"
                or task[1] == "chronology"
                or (task[0] == "archive" and task[1].startswith(("chronology/", "actors/")))
                or (task[0] == "briefing" and index % 5 == 0)
            )

        rendered, problems = fork_map(
            self.render_task, tasks, min_items=PARALLEL_MIN_PAGES, child_init=collect_problems, in_child=in_child
        )
        if problems and self.report is not None:
            for owner, path, problem in problems:
                self.report(owner, path, problem)
        pages = dict(rendered)
        return {path: pages[path] for path in sorted(pages)}

    def render_task(self, task: tuple[str, str]) -> tuple[str, str]:
        """Render one page: ``("briefing", id)``, ``("actor", id)`` or ``("index", name)``.

        Raises :class:`TemplateProblem` when a template is at fault.
        """
        with _template_problems(self.templates_dir):
            return self._render_task(task)

    def _render_task(self, task: tuple[str, str]) -> tuple[str, str]:
        kind, key = task
        if kind == "briefing":
            page = self.briefing_page(key, self.project.briefings[key])
            return f"briefings/{key}.md", self.env.get_template("briefing.md.j2").render(page=page)
        if kind == "actor":
            page = self.actor_page(key, self.project.actors[key])
            return f"actors/{key}.md", self.env.get_template("actor.md.j2").render(page=page)
        if kind == "archive":
            template, make = self.archive.pages[key]
            return key, self._render(template, make())
        path, template, build = _INDEX_PAGES[key]
        return path, self._render(template, getattr(self, build)())

    def _render(self, template: str, page: object) -> str:
        return self.env.get_template(template).render(page=page)

    def briefing_page(self, briefing_id: str, briefing: Briefing) -> ctx.BriefingPage:
        sources = {s.id: s for s in briefing.sources}
        order = sorted(range(len(briefing.events)), key=lambda i: (*briefing.events[i].date.sort_key, i))
        events = [
            self.event_view(briefing_id, briefing, briefing.events[i], i, base="../", local=True)
            for i in order
        ]
        titles = {e.id: e.title for e in briefing.events}
        supports: dict[str, list[ctx.Link]] = defaultdict(list)
        for i in order:
            event = briefing.events[i]
            for source_id in dict.fromkeys(event.sources):
                supports[source_id].append(ctx.Link(event.title, Markup(f"#event-{event.id}")))
        return ctx.BriefingPage(
            id=briefing_id,
            title=briefing.title,
            marking=briefing.marking,
            status=briefing.status,
            as_of=briefing.as_of.display(),
            regions=[country_name(r) for r in briefing.regions],
            tags=[self.tag_link(t, "../") for t in briefing.tags],
            related=[
                ctx.Link(self.project.briefings[r].title, Markup(f"{r}.md"))
                for r in self.knowledge.related.get(briefing_id, [])
            ],
            summary=self.markdown(("briefing", briefing_id), ("summary",), briefing.summary),
            key_judgments=[
                ctx.JudgmentView(
                    statement=j.statement,
                    likelihood=LIKELIHOOD[j.likelihood][0] if j.likelihood else None,
                    likelihood_range=LIKELIHOOD[j.likelihood][1] if j.likelihood else None,
                    confidence=j.confidence.capitalize(),
                    basis=[ctx.Link(titles[b], Markup(f"#event-{b}")) for b in j.basis],
                )
                for j in briefing.key_judgments
            ],
            events=events,
            actors=self.briefing_actors(briefing),
            sources=[
                self.source_view(briefing_id, i, s, sources, supports.get(s.id, []))
                for i, s in enumerate(briefing.sources)
            ],
            assessment=self.assessment(briefing, sources, order),
            timeline=build_timeline(events, f"Timeline of the {len(events)} events in this briefing"),
        )

    def briefing_actors(self, briefing: Briefing) -> list[ctx.ActorRow]:
        involved = dict.fromkeys(briefing.actors)
        for event in briefing.events:
            involved.update(dict.fromkeys(event.actors))
        rows = [
            self.actor_row(a, "../", role=briefing.actors.get(a))
            for a in involved
            if a in self.project.actors
        ]
        return sorted(rows, key=lambda r: r.name.casefold())

    def actor_row(self, actor_id: str, base: str, role: str | None = None) -> ctx.ActorRow:
        actor = self.project.actors[actor_id]
        return ctx.ActorRow(
            id=actor_id,
            name=actor.name,
            short_name=actor.short_name,
            kind_label=self.actor_kinds.get(actor.kind, actor.kind),
            country=country_name(actor.country) if actor.country else None,
            link=Markup(f"{base}actors/{actor_id}.md"),
            role=role,
            events=len(self.knowledge.by_actor.get(actor_id, [])),
        )

    def event_view(
        self, briefing_id: str, briefing: Briefing, event: Event, index: int, *, base: str, local: bool
    ) -> ctx.EventView:
        page = "" if local else f"{base}briefings/{briefing_id}.md"
        url = "" if local else f"{base}briefings/{briefing_id}" + ("/" if self.directory_urls else ".html")
        facts = self._event_facts(briefing, event)
        return ctx.EventView(
            id=event.id,
            anchor=f"event-{event.id}",
            title=event.title,
            date=facts.date,
            date_note=event.date_note,
            type_label=facts.type_label,
            location=facts.location,
            # Lists of events across briefings show no descriptions: render them only where shown.
            description=(
                self.markdown(("briefing", briefing_id), ("events", index, "description"), event.description)
                if event.description and local
                else None
            ),
            actors=[self.actor_link(a, base) for a in event.actors if a in self.project.actors],
            sources=[
                ctx.Link(facts.source_names.get(s, s), Markup(f"{page}#source-{s}")) for s in event.sources
            ],
            casualties=facts.casualties,
            marking=facts.marking,
            briefing=None if local else ctx.Link(briefing.title, Markup(page)),
            link=Markup(f"{page}#event-{event.id}"),
            url=Markup(f"{url}#event-{event.id}"),
        )

    def _event_facts(self, briefing: Briefing, event: Event) -> _EventFacts:
        """What an event's views share wherever it is listed: worked out once per event."""
        facts = self._facts.get(id(event))
        if facts is not None:
            return facts
        location = None
        if event.location is not None:
            location = event.location.name
            if event.location.country:
                location += f", {country_name(event.location.country)}"
            if event.location.precision in ("near", "region"):
                location += f" ({event.location.precision == 'near' and 'approximate' or 'region'})"
        casualties = None
        if event.casualties is not None:
            parts = []
            if event.casualties.killed is not None:
                parts.append(f"{event.casualties.killed} killed")
            if event.casualties.injured is not None:
                parts.append(f"{event.casualties.injured} injured")
            casualties = ", ".join(parts) or None
        marking = effective_marking(briefing, event)
        facts = self._facts[id(event)] = _EventFacts(
            date=self.date_view(event.date),
            type_label=self.event_types.get(event.type, event.type),
            location=location,
            casualties=casualties,
            marking=marking if marking is not briefing.marking else None,
            source_names=self._source_names(briefing),
        )
        return facts

    def _source_names(self, briefing: Briefing) -> dict[str, str]:
        names = self._briefing_source_names.get(id(briefing))
        if names is None:
            names = self._briefing_source_names[id(briefing)] = {
                source.id: self.source_name(source) for source in reversed(briefing.sources)
            }
        return names

    def actor_link(self, actor_id: str, base: str) -> ctx.Link:
        key = (actor_id, base)
        link = self._actor_links.get(key)
        if link is None:
            link = self._actor_links[key] = ctx.Link(self.actor_label(actor_id), Markup(f"{base}actors/{actor_id}.md"))
        return link

    def actor_label(self, actor_id: str) -> str:
        actor = self.project.actors[actor_id]
        return actor.short_name or actor.name

    def date_view(self, date: EdtfDate) -> ctx.DateView:
        view = self._dates.get(date.text)
        if view is None:
            view = self._dates[date.text] = self._date_view(date)
        return view

    def _date_view(self, date: EdtfDate) -> ctx.DateView:
        return ctx.DateView(
            text=date.display(),
            iso=Markup(date.lower.isoformat()),
            lower=date.lower,
            upper=date.upper,
            uncertain=date.is_uncertain,
            approximate=date.is_approximate,
            span=date.span_days > 31,
            edtf=date.text,
        )

    def source_name(self, source: Source) -> str:
        return source.title or source.publisher or self.source_kinds.get(source.kind, source.kind)

    def source_view(
        self, briefing_id: str, index: int, source: Source, sources: dict[str, Source], supports: list[ctx.Link]
    ) -> ctx.SourceView:
        chain = self.source_name(source)
        if source.kind == "anonymous":
            chain += " (anonymous)"
        seen = {source.id}
        current = source.via
        while current is not None and current in sources and current not in seen:
            seen.add(current)
            upstream = sources[current]
            chain += f", via {upstream.publisher or self.source_name(upstream)}"
            current = upstream.via
        grade = grade_text = None
        if source.reliability or source.credibility:
            grade = f"{source.reliability or ''}{source.credibility or ''}"
            words = []
            if source.reliability:
                reliability = RELIABILITY[source.reliability]
                words.append(reliability if source.reliability == "F" else f"{reliability} source")
            if source.credibility:
                words.append(f"information {CREDIBILITY[source.credibility]}" if source.credibility < 6 else CREDIBILITY[6])
            grade_text = "; ".join(words)
        return ctx.SourceView(
            id=source.id,
            anchor=f"source-{source.id}",
            name=self.source_name(source),
            kind_label=self.source_kinds.get(source.kind, source.kind),
            publisher=source.publisher,
            date=source.date.display() if source.date else None,
            url=source.url,
            chain=chain,
            grade=grade,
            grade_text=grade_text,
            count=source.count,
            description=(
                self.markdown(("briefing", briefing_id), ("sources", index, "description"), source.description)
                if source.description
                else None
            ),
            supports=supports,
        )

    def assessment(self, briefing: Briefing, sources: dict[str, Source], order: list[int]) -> ctx.SourcingAssessment:
        def root(source_id: str) -> str:
            seen = set()
            while source_id in sources and sources[source_id].via and source_id not in seen:
                seen.add(source_id)
                source_id = sources[source_id].via  # type: ignore[assignment]
            return source_id

        single_source, single_outlet, anonymous_only, unsourced = [], [], [], []
        for i in order:
            event = briefing.events[i]
            link = ctx.Link(event.title, Markup(f"#event-{event.id}"))
            ids = [s for s in dict.fromkeys(event.sources) if s in sources]
            if not ids:
                unsourced.append(link)
                continue
            if len(ids) == 1:
                single_source.append(link)
            if len({root(s) for s in ids}) == 1:
                single_outlet.append(link)
            if all(sources[s].kind == "anonymous" for s in ids):
                anonymous_only.append(link)
        return ctx.SourcingAssessment(
            total_events=len(briefing.events),
            single_source=single_source,
            single_outlet=single_outlet,
            anonymous_only=anonymous_only,
            unsourced=unsourced,
        )

    def markdown(self, owner: tuple[str, str], path: tuple, value: str) -> Markup:
        def report(problem: LinkProblem) -> None:
            if self.report is not None:
                self.report(owner, path, problem)

        return Markup(markdown(value, report))

    def tag_link(self, tag: str, base: str) -> ctx.Link:
        return ctx.Link(tag, Markup(base + Archive.tag_path(tag)))

    # -- the knowledge layer ---------------------------------------------------------------

    def global_event(self, appearance: Appearance) -> ctx.EventView:
        """An event as listed on actor pages and the chronology (built once, shared).

        Both page kinds sit one folder deep, so the same relative links serve both.
        """
        key = (appearance.briefing_id, appearance.index)
        view = self._global_events.get(key)
        if view is None:
            view = self.event_view(
                appearance.briefing_id, appearance.briefing, appearance.event, appearance.index,
                base="../", local=False,
            )
            self._global_events[key] = view
        return view

    def event_line(self, appearance: Appearance) -> Markup:
        """The list line of an event (macro ``event_line``), rendered once per event."""
        key = (appearance.briefing_id, appearance.index)
        line = self._event_lines.get(key)
        if line is None:
            view = self.global_event(appearance)
            try:
                line = Markup(self._macros.event_line(view))
            except Exception:
                self.env.handle_exception()  # re-raises with template lines, as Template.render does
            self._event_lines[key] = line
        return line

    def actor_page(self, actor_id: str, actor: Actor) -> ctx.ActorPage:
        appearances = self.knowledge.by_actor.get(actor_id, [])
        briefing_ids = self.knowledge.briefings_by_actor.get(actor_id, [])
        markings = [effective_marking(a.briefing, a.event) for a in appearances]
        markings += [self.project.briefings[b].marking for b in briefing_ids]
        description = None
        if actor.description:
            description = self.markdown(("actor", actor_id), ("description",), actor.description)
        return ctx.ActorPage(
            id=actor_id,
            name=actor.name,
            short_name=actor.short_name,
            kind_label=self.actor_kinds.get(actor.kind, actor.kind),
            country=country_name(actor.country) if actor.country else None,
            description=description,
            native_names=[
                ctx.NativeName(lang, text_direction(name), name) for lang, name in actor.native_names.items()
            ],
            aliases=list(actor.aliases),
            member_of=[
                ctx.Link(self.project.actors[a].name, Markup(f"{a}.md"))
                for a in actor.affiliations
                if a in self.project.actors
            ],
            members=[
                ctx.Link(self.project.actors[a].name, Markup(f"{a}.md"))
                for a in sorted(self.knowledge.members.get(actor_id, []))
                if a in self.project.actors
            ],
            events=[],
            history=self.archive.actor_years(actor_id),
            briefings=[
                ctx.Link(self.project.briefings[b].title, Markup(f"../briefings/{b}.md"))
                for b in briefing_ids[-ACTOR_BRIEFINGS_LIMIT:]
            ],
            more_briefings=max(0, len(briefing_ids) - ACTOR_BRIEFINGS_LIMIT),
            marking=max(markings, key=lambda m: m.rank, default=Marking.CLEAR),
        )

    def actors_index(self) -> ctx.ActorsIndex:
        by_kind: dict[str, list[ctx.ActorRow]] = defaultdict(list)
        for actor_id, actor in self.project.actors.items():
            by_kind[actor.kind].append(self.actor_row(actor_id, "../"))
        groups = []
        for kind in sorted(by_kind, key=lambda k: list(self.actor_kinds).index(k) if k in self.actor_kinds else 999):
            rows = sorted(by_kind[kind], key=lambda r: r.name.casefold())
            groups.append(ctx.ActorGroup(self.actor_kinds.get(kind, kind), rows))
        return ctx.ActorsIndex(groups=groups, total=len(self.project.actors))

    def chronology_page(self) -> object:
        return self.archive.chronology_overview()

    def briefing_row(self, briefing_id: str, base: str) -> ctx.BriefingRow:
        briefing = self.project.briefings[briefing_id]
        return ctx.BriefingRow(
            id=briefing_id,
            title=briefing.title,
            link=Markup(f"{base}briefings/{briefing_id}.md"),
            as_of=briefing.as_of.display(),
            regions=[country_name(r) for r in briefing.regions],
            tags=[self.tag_link(t, base) for t in briefing.tags],
            marking=briefing.marking,
            status=briefing.status,
            events=len(briefing.events),
        )

    def _latest_first(self) -> list[str]:
        return sorted(
            self.project.briefings,
            key=lambda b: (self.project.briefings[b].as_of.upper, self.project.briefings[b].as_of.lower, b),
            reverse=True,
        )

    def briefings_index(self) -> object:
        return self.archive.briefings_overview()

    def tags_page(self) -> object:
        return self.archive.tags_overview()

    def home_page(self) -> ctx.HomePage:
        return ctx.HomePage(
            latest=[self.briefing_row(b, "") for b in self._latest_first()[:LATEST_ON_HOME]],
            briefings=len(self.project.briefings),
            events=len(self.knowledge.events),
            actors=len(self.project.actors),
            profile=self.profile.describe(),
        )
