"""Compiled Jinja templates kept between runs, for our templates and the theme's.

Compiling is most of the cost of a template's first use: about 0.4 s for
Material's templates in every build (about 7% of a small site's build, the one
speed mechanism that measurably pays). It is the plugin's ``cache`` option:
Jinja's file cache keeps the compiled code in ``cache_dir`` (by default
``.cache/briefing`` inside the project, ignored by git) and compares each
entry with the template's source. Jinja keys an entry by the
template's name and path only, but the compiled code also depends on the
environment: its syntax options, ``finalize``, and which filters and tests
exist and what they are passed. The key here includes all of that, so an entry
is never reused under other options. A cache that cannot be read or written
only costs the compile.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import jinja2
from jinja2.bccache import Bucket

from briefing import __version__

_OPTIONS = (
    "block_start_string", "block_end_string", "variable_start_string", "variable_end_string",
    "comment_start_string", "comment_end_string", "line_statement_prefix", "line_comment_prefix",
    "trim_blocks", "lstrip_blocks", "newline_sequence", "keep_trailing_newline", "optimized", "is_async",
)


def _name(value: Any) -> str:
    if callable(value):
        return f"{getattr(value, '__module__', '?')}.{getattr(value, '__qualname__', type(value).__qualname__)}"
    return repr(value)


def fingerprint(environment: jinja2.Environment) -> str:
    """Everything about ``environment`` that the compiled code of a template depends on."""
    parts = [
        __version__,
        jinja2.__version__,
        *(repr(getattr(environment, option)) for option in _OPTIONS),
        _name(environment.autoescape),
        _name(environment.finalize),
        _name(environment.code_generator_class),
        _name(environment.context_class),
        *sorted(environment.extensions),
    ]
    for kind, functions in (("filter", environment.filters), ("test", environment.tests)):
        for name in sorted(functions):
            parts.append(f"{kind} {name} {getattr(functions[name], 'jinja_pass_arg', None)}")
    return hashlib.sha256("\0".join(parts).encode()).hexdigest()


class CompiledTemplates(jinja2.FileSystemBytecodeCache):
    """Jinja's file cache, keyed by the environment's :func:`fingerprint` as well."""

    def __init__(self, directory: Path) -> None:
        super().__init__(str(directory), pattern="briefing-%s.cache")

    def get_bucket(self, environment: jinja2.Environment, name: str, filename: str | None, source: str) -> Bucket:
        key = self.get_cache_key(f"{fingerprint(environment)}\0{name}", filename)
        bucket = Bucket(environment, key, self.get_source_checksum(source))
        self.load_bytecode(bucket)
        return bucket

    def load_bytecode(self, bucket: Bucket) -> None:
        try:
            super().load_bytecode(bucket)
        except (OSError, EOFError, ValueError, TypeError):
            bucket.reset()

    def dump_bytecode(self, bucket: Bucket) -> None:
        try:
            super().dump_bytecode(bucket)
        except OSError:
            pass


def compiled_templates(directory: Path) -> CompiledTemplates | None:
    """The cache in ``directory`` (created), or None where it cannot be made (compile every time)."""
    try:
        directory.mkdir(parents=True, exist_ok=True)
        return CompiledTemplates(directory)
    except OSError:
        return None
