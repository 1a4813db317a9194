"""Plain-word hints for YAML syntax errors: what the analyst most likely did, and the fix.

libyaml says *where* a file broke ("mapping values are not allowed in this
context"); this module says *why* in the words of someone writing a briefing
("a colon followed by a space starts a key: put the title in quotes"). It
looks only at the failing line (and the one before), in linear time.
"""

from __future__ import annotations


def hint(problem: str, context: str | None, lines: list[str], line: int, column: int, context_line: int | None) -> str:
    """The hint for libyaml's ``problem`` at 1-based ``line``/``column``; empty when there is none."""
    text = lines[line - 1] if 0 < line <= len(lines) else ""
    char = text[column - 1] if 0 < column <= len(text) else ""
    context = context or ""
    if "tab character" in problem or char == "\t":
        return "YAML indents with spaces only: replace the tab with spaces"
    if problem.startswith("mapping values are not allowed"):
        return _colon(lines, line, column)
    if "cannot start any token" in problem and char:
        return f"a value cannot start with '{char}': put the whole value in quotes"
    if "scanning an alias" in context or "scanning an anchor" in context:
        sign = "*" if "alias" in context else "&"
        return f"a value starting with '{sign}' means something else in YAML: put the whole value in quotes"
    if "scanning a directive" in context:
        return "a line cannot start with '%': put the text in quotes"
    if "unknown escape character" in problem:
        return (
            "inside double quotes a backslash starts an escape: use single quotes instead, "
            "or write each backslash twice"
        )
    if "end of stream" in problem and "quoted scalar" in context:
        where = f" at line {context_line}" if context_line else ""
        return f"the quote opened{where} is never closed: add the closing quote at the end of the value"
    if "expected ',' or ']'" in problem or "expected ',' or '}'" in problem:
        closing = "]" if "]" in problem else "}"
        where = f" at line {context_line}" if context_line else ""
        return (
            f"the list opened{where} is not closed: end it with '{closing}', and put items that contain "
            "commas, colons or brackets in quotes"
        ) if closing == "]" else (
            f"the mapping opened{where} with '{{' is not closed: end it with '}}', or put the value in quotes"
        )
    if "expected key" in problem:
        return _after_value(text, column) or _indentation(line)
    if "expected '-' indicator" in problem:
        return (
            f"line {line} does not line up: the keys of a list item line up under its first key, "
            "and the next item starts with '- ' at the same column as the one above"
        )
    if "expected <block end>" in problem or "could not find expected ':'" in problem:
        return _indentation(line)
    return ""


def _colon(lines: list[str], line: int, column: int) -> str:
    text = lines[line - 1] if 0 < line <= len(lines) else ""
    body = text.lstrip(" ")
    if body.startswith("- "):
        body = body[2:].lstrip(" ")
    key, sep, value = body.partition(": ")
    indent = len(text) - len(body)
    if sep and column - 1 > indent + len(key) and value.strip():
        quote = "'" if '"' in value else '"'
        return (
            f"a colon followed by a space starts a key: put the {key.strip()} in quotes, "
            f"e.g. {key.strip()}: {quote}{_shorten(value.strip())}{quote}"
        )
    previous = next((lines[i] for i in range(line - 2, -1, -1) if lines[i].strip()), "")
    if previous and ":" not in previous and not previous.lstrip().startswith(("-", "#")):
        return "the line before has no colon, so this line continues its value: write 'key: value' there"
    return _indentation(line)


def _after_value(text: str, column: int) -> str:
    """Text after a closing quote or bracket on the failing line: the value should be quoted whole."""
    before = text[: column - 1].rstrip()
    if before.endswith(('"', "'")):
        return "text follows the closing quote: put the whole value in quotes (use single quotes outside double ones)"
    if before.endswith(("]", "}")):
        return "a value starting with '[' or '{' is a list or mapping: put the whole value in quotes"
    return ""


def _indentation(line: int) -> str:
    return (
        f"line {line} is indented differently from the lines around it: keys of one mapping line up, "
        "and a line that continues a value needs the value in quotes"
    )


def _shorten(value: str) -> str:
    return value if len(value) <= 40 else value[:37] + "..."
