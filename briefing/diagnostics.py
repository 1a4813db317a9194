"""Diagnostics: what the analyst reads when content is wrong.

Every problem found in content becomes a :class:`Diagnostic` with a file, a
line and a column, printed in the compiler convention that editors and CI
annotators parse (``path:line:col: severity: message``).
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Literal

Severity = Literal["error", "warning"]
#: Where a value is inside a content file: ``('events', 2, 'actors', 0)``.
FieldPath = tuple[str | int, ...]


@dataclass(frozen=True, order=True)
class Diagnostic:
    """One problem at one place in one content file (line and column are 1-based)."""

    path: str
    line: int
    column: int
    severity: Severity
    message: str

    def format(self) -> str:
        return f"{self.path}:{self.line}:{self.column}: {self.severity}: {self.message}"


@dataclass
class Diagnostics:
    """Collects every diagnostic of a run, so the analyst sees them all at once."""

    items: list[Diagnostic] = field(default_factory=list)

    def error(self, path: str, line: int, column: int, message: str) -> None:
        self.items.append(Diagnostic(path, line, column, "error", printable(message)))

    def warning(self, path: str, line: int, column: int, message: str) -> None:
        self.items.append(Diagnostic(path, line, column, "warning", printable(message)))

    def extend(self, other: Iterable[Diagnostic]) -> None:
        self.items.extend(other)

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.items if d.severity == "error"]

    @property
    def warnings(self) -> list[Diagnostic]:
        return [d for d in self.items if d.severity == "warning"]

    def failed(self, *, strict: bool = False) -> bool:
        """True when the run must fail: any error, or any warning under ``--strict``."""
        return bool(self.errors) or (strict and bool(self.warnings))

    def sorted(self) -> list[Diagnostic]:
        # Errors first (what stops the build), each group by file, then position;
        # dict.fromkeys drops exact repeats, keeping order.
        ordered = sorted(self.items, key=lambda d: (d.severity != "error", d.path, d.line, d.column, d.message))
        return list(dict.fromkeys(ordered))

    def summary(self) -> str:
        """'2 errors, 1 warning', or an empty string when there is nothing to say."""
        errors, warnings = len(self.errors), len(self.warnings)
        if not (errors or warnings):
            return ""
        return f"{_plural(errors, 'error')}, {_plural(warnings, 'warning')}"

    def format_text(self) -> str:
        return "\n".join([d.format() for d in self.sorted()] + ([self.summary()] if self.summary() else []))

    def format_json(self) -> str:
        return json.dumps(
            {
                "diagnostics": [asdict(d) for d in self.sorted()],
                "errors": len(self.errors),
                "warnings": len(self.warnings),
            },
            indent=2,
            ensure_ascii=False,
        )


def printable(text: str) -> str:
    """One line of visible text: control characters (from content) written as escapes."""
    if text.isprintable():
        return text
    return "".join(c if c.isprintable() else c.encode("unicode_escape").decode("ascii") for c in text)


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def did_you_mean(name: str, candidates: Iterable[str]) -> str:
    """Return `` (did you mean 'x'?)`` for the closest candidate, or an empty string.

    The one home of suggestions is :mod:`briefing.suggest` (case, separators,
    synonyms, then spelling); this is its short form for a plain list of names.
    """
    from briefing import suggest

    return suggest.did_you_mean(name, list(candidates))


class BriefingError(Exception):
    """Base of the errors the command line turns into an exit code."""

    exit_code = 2


class ConfigError(BriefingError):
    """The configuration or the command line is wrong: exit code 2."""

    exit_code = 2


def display_path(path: Path) -> str:
    """The path as the analyst would type it: relative to the working directory when inside it."""
    try:
        return os.path.relpath(path)
    except ValueError:  # another drive on Windows
        return str(path)


def format_path(path: FieldPath) -> str:
    """``('events', 2, 'actors', 0)`` -> ``events[2].actors[0]``."""
    text = ""
    for part in path:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += ("." if text else "") + str(part)
    return text
