"""TLP 2.0 markings: a leaf module, so settings and the command line need no model."""

from __future__ import annotations

from enum import Enum


class Marking(str, Enum):  # noqa: UP042 - str() of a member names the member, as before
    """FIRST Traffic Light Protocol 2.0 labels, in order of restriction."""

    CLEAR = "TLP:CLEAR"
    GREEN = "TLP:GREEN"
    AMBER = "TLP:AMBER"
    AMBER_STRICT = "TLP:AMBER+STRICT"
    RED = "TLP:RED"

    @property
    def rank(self) -> int:
        return _MARKING_RANK[self]

    @property
    def css(self) -> str:
        return self.value.split(":")[1].lower().replace("+", "-")

    def __str__(self) -> str:
        return self.value


_MARKING_RANK = {marking: rank for rank, marking in enumerate(Marking)}

#: The labels, least restricted first (command-line and mkdocs.yml choices).
MARKINGS = [m.value for m in Marking]
