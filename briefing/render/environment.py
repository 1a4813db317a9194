"""The Jinja2 environment of the Markdown templates: escaping, filters, and template errors.

Templates are safe by default: ``finalize`` escapes every printed value for
Markdown and HTML unless it is ``Markup``. A template that fails is reported
as a :class:`TemplateProblem` (a diagnostic with the template's path and
line), never a traceback.
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import os
import re
import traceback
from collections.abc import Iterator
from pathlib import Path

import jinja2
from markupsafe import Markup

from briefing import bidi
from briefing.diagnostics import did_you_mean, display_path
from briefing.render import context as ctx
from briefing.render.addresses import html_href
from briefing.render.blocks import Blocks
from briefing.render.text import attribute, plain


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


def _finalize(value: object) -> str:
    # Everything a template prints is escaped for Markdown and HTML unless it is Markup.
    if isinstance(value, Markup):
        return value
    if value is None:
        return ""
    return plain(value)


def _join(items: object, separator: str = "") -> Markup:
    # Each item is escaped once by _finalize; Markup keeps join from escaping it again.
    return Markup(separator).join(Markup(_finalize(item)) for item in items)  # type: ignore[attr-defined]


def _links(items: list[ctx.Link], separator: str = ", ") -> Markup:
    """``[text](href)`` for each link, joined: the text escaped, the href already safe."""
    return Markup(separator.join([f"[{plain(link.text)}]({link.href})" for link in items]))


def _url(value: object) -> Markup:
    """A validated URL, made safe inside Markdown's ``(<...>)`` link target."""
    text = str(value)
    for char, code in (("<", "%3C"), (">", "%3E"), (" ", "%20"), ('"', "%22"), ("\\", "%5C")):
        text = text.replace(char, code)
    return Markup(text)


def template_environment(templates_dir: Path, bytecode_cache: jinja2.BytecodeCache | None = None) -> jinja2.Environment:
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
        bytecode_cache=bytecode_cache,
        finalize=_finalize,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        autoescape=False,
    )
    env.filters["attr"] = lambda v: Markup(attribute(v))
    env.filters["join"] = _join
    env.filters["links"] = _links
    env.filters["url"] = _url
    env.filters["front_matter"] = _front_matter
    env.filters["block"] = _block
    env.filters["href"] = _href
    env.filters["html_links"] = _html_links
    return env


# Both filters read the page being rendered: `pass_context`, not `pass_environment`, which
# Jinja may evaluate once when it compiles a template ({{ "x.md"|href }} would keep the
# URL of whichever page was being rendered then).
@jinja2.pass_context
def _href(context: jinja2.runtime.Context, target: object) -> Markup:
    """A Markdown link target of the page being rendered, as a URL for raw HTML (a ``|block``).

    MkDocs rewrites only Markdown links, so raw HTML must link by the site's URL:
    ``../briefings/b.md#event-e`` on ``actors/a.md`` is ``../../briefings/b/#event-e``
    with directory URLs, as MkDocs writes it. :func:`briefing.render.render_pages`
    says which page is being rendered, and how its URLs look.
    """
    env = context.environment
    page: str | None = getattr(env, "briefing_page", None)
    if page is None:
        raise jinja2.TemplateRuntimeError("the 'href' filter works only while pages are rendered")
    try:
        url = html_href(page, str(target), bool(getattr(env, "briefing_directory_urls", True)))
    except ValueError as exc:
        raise jinja2.TemplateRuntimeError(f"'href': {exc}") from None
    return Markup(attribute(url))


@jinja2.pass_context
def _html_links(context: jinja2.runtime.Context, items: list[ctx.Link], separator: str = ", ") -> Markup:
    """``links`` as raw HTML, for a block: ``<a href>`` for each link (its URL from ``href``), joined."""
    return Markup(separator.join([f'<a href="{_href(context, link.href)}">{plain(link.text)}</a>' for link in items]))


@jinja2.pass_context
def _block(context: jinja2.runtime.Context, value: object) -> Markup:
    """A finished block of HTML (a map, a timeline, a list of events), printed as is, like ``|safe``.

    When the pages are rendered for a build, the block waits outside the Markdown
    (:mod:`briefing.render.blocks`) and a placeholder takes its place.
    """
    html = str(value)
    blocks: Blocks | None = getattr(context.environment, "briefing_blocks", None)
    if blocks is None or not html.strip():
        return Markup(html)
    return Markup(blocks.put(html))


def _front_matter(value: object) -> Markup:
    """A page title for front matter. MkDocs themes print ``page.title`` unescaped
    (in ``<title>`` too), so it is HTML-escaped here, then quoted as JSON (valid YAML)."""

    # Explicit bidi controls are removed: <title>, navigation and search have no <bdi>.
    text = " ".join(bidi.strip(str(value)).split())
    return Markup(json.dumps(attribute(text).replace("'", "&#39;"), ensure_ascii=False))


@contextlib.contextmanager
def template_problems(templates_dir: Path) -> Iterator[None]:
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


