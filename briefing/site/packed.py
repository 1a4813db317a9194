"""Text a build must hold for a while, kept compressed in the meantime.

MkDocs reads and converts every page before it writes any, so a build holds
each generated page's Markdown from generation until MkDocs reads it, and
each page's HTML from conversion until it is written. At 10,000 briefings
either is gigabytes as ``str`` (one non-ASCII letter makes a whole string 2
or 4 bytes a character). zlib at its fastest level keeps a tenth of that, for
about a second of CPU per thousand briefings; the text comes back byte for byte.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterator, MutableMapping

#: zlib's fastest level: the point is memory, not size on disk.
LEVEL = 1


def pack(text: str) -> bytes:
    return zlib.compress(text.encode("utf-8"), LEVEL)


def unpack(data: bytes) -> str:
    return zlib.decompress(data).decode("utf-8")


class Pages(MutableMapping[str, str]):
    """``{src_uri: Markdown}`` that keeps each page packed, filled as pages are rendered
    (:func:`briefing.generate.generate`'s ``into``), so that the whole tree is never held as text.

    It iterates in path order, as :func:`briefing.render.render_pages`' own dict does.
    """

    def __init__(self) -> None:
        self._packed: dict[str, bytes] = {}

    def __getitem__(self, src_uri: str) -> str:
        return unpack(self._packed[src_uri])

    def __setitem__(self, src_uri: str, markdown: str) -> None:
        self._packed[src_uri] = pack(markdown)

    def __delitem__(self, src_uri: str) -> None:
        del self._packed[src_uri]

    def __contains__(self, src_uri: object) -> bool:
        return src_uri in self._packed  # without unpacking

    def __iter__(self) -> Iterator[str]:
        return iter(sorted(self._packed))

    def __len__(self) -> int:
        return len(self._packed)
