"""Which URLs content may link to: the one list of allowed schemes.

The model (``url`` fields), the Markdown-field escaper (links in summaries and
descriptions) and the HTML sanitiser all read :data:`ALLOWED_SCHEMES`.
"""

from __future__ import annotations

import html
import re

#: The only URL schemes that content can link to; anything else is shown as text.
ALLOWED_SCHEMES = ("http", "https", "mailto")

_SCHEME = re.compile(r"([^/?#:]*):")
_INVISIBLE = str.maketrans({c: None for c in [chr(i) for i in range(0x21)] + ["\x7f"]})


def scheme_of(url: str) -> str | None:
    """The lower-case scheme of ``url`` as a browser reads it, or None for a relative URL.

    Browsers decode character references in attributes and drop ASCII whitespace
    and control characters inside a scheme, so the URL is judged as they see it.
    """
    cleaned = html.unescape(url).translate(_INVISIBLE)
    match = _SCHEME.match(cleaned)
    return match.group(1).lower() if match else None


def url_is_allowed(url: str) -> bool:
    """http, https, mailto, or a relative URL (not ``//host``, which reaches another host)."""
    scheme = scheme_of(url)
    if scheme is None:
        return not html.unescape(url).translate(_INVISIBLE).startswith("//")
    return scheme in ALLOWED_SCHEMES


def is_external(url: str) -> bool:
    """True for a URL that names a scheme or a host (an image there is a third-party request)."""
    return scheme_of(url) is not None or html.unescape(url).translate(_INVISIBLE).startswith("//")
