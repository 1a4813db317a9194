"""Output safety: sanitise page HTML, reproducible dates, atomic site swaps."""

from __future__ import annotations

import os
import re
import shutil
import tempfile
import datetime as dt
from pathlib import Path

import nh3

# Tags that Python-Markdown, Material and our templates produce. Nothing else survives.
ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "code", "dd", "del", "details", "div", "dl", "dt",
    "em", "figcaption", "figure", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "kbd",
    "li", "mark", "ol", "p", "pre", "small", "span", "strong", "sub", "summary", "sup",
    "table", "tbody", "td", "tfoot", "th", "thead", "time", "tr", "ul",
}
_GENERIC = {"class", "id", "lang", "dir", "title", "role"}
ALLOWED_ATTRIBUTES = {
    "*": _GENERIC,
    "a": _GENERIC | {"href"},
    "img": _GENERIC | {"src", "alt", "width", "height"},
    "time": _GENERIC | {"datetime"},
    "td": _GENERIC | {"style", "align"},
    "th": _GENERIC | {"style", "align"},
    "ol": _GENERIC | {"start"},
}
_SAFE_STYLE = re.compile(r"text-align: ?(left|right|center);?")


def _attribute_filter(tag: str, attribute: str, value: str) -> str | None:
    if attribute == "style":
        return value if _SAFE_STYLE.fullmatch(value) else None
    return value


def sanitize(html: str) -> str:
    """Defence in depth: keep only known tags, attributes and URL schemes in page HTML."""
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        attribute_filter=_attribute_filter,
        link_rel=None,
        strip_comments=True,
    )


#: Used when the content gives no date at all (the start of the ZIP epoch).
DEFAULT_EPOCH = 315532800


def content_epoch(latest: dt.date | None) -> int:
    """SOURCE_DATE_EPOCH for a build: midnight UTC of the latest as-of date."""
    if latest is None:
        return DEFAULT_EPOCH
    moment = dt.datetime(latest.year, latest.month, latest.day, tzinfo=dt.timezone.utc)
    return max(DEFAULT_EPOCH, int(moment.timestamp()))


def staging_dir(final: Path) -> Path:
    """A fresh folder beside ``final`` to build into (same file system, so renames are atomic)."""
    final.parent.mkdir(parents=True, exist_ok=True)
    return Path(tempfile.mkdtemp(prefix=f".{final.name}.building-", dir=final.parent))


def swap_in(staged: Path, final: Path) -> None:
    """Replace ``final`` by ``staged``; the old site stays whole until the new one is in place."""
    old = final.with_name(f".{final.name}.old")
    if old.exists():
        shutil.rmtree(old)
    if final.exists():
        final.rename(old)
    try:
        staged.rename(final)
    except OSError:
        if old.exists():
            old.rename(final)
        raise
    shutil.rmtree(old, ignore_errors=True)
    os.utime(final, None)


def discard(staged: Path | None) -> None:
    if staged is not None:
        shutil.rmtree(staged, ignore_errors=True)
