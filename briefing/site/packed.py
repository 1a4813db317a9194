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

#: zlib's fastest level: the point is memory, not size on disk.
LEVEL = 1


def pack(text: str) -> bytes:
    return zlib.compress(text.encode("utf-8"), LEVEL)


def unpack(data: bytes) -> str:
    return zlib.decompress(data).decode("utf-8")
