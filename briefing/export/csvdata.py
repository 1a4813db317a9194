"""CSV, one row per event, with columns modelled on ACLED's (see docs/exports.md).

Spreadsheets run a cell that starts with ``=``, ``+``, ``-`` or ``@`` (and
some also after a leading tab or carriage return) as a formula. Every text
cell that starts with one of those characters gets a leading apostrophe
(``'``), the neutralisation OWASP recommends: spreadsheets show the text as
typed and run nothing. Numbers we write ourselves (coordinates, counts,
precision codes) are never changed, so a negative longitude stays a number.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from typing import Any

from briefing.export.facts import EVENT_COLUMNS

#: What a spreadsheet may read as the start of a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: Any) -> str:
    """A cell's text: numbers as written, text with a leading ``'`` if it could start a formula."""
    if value is None:
        return ""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return repr(value) if isinstance(value, float) else str(value)
    text = str(value)
    if text.startswith(FORMULA_STARTS):
        return "'" + text
    return text


def row(record: dict[str, Any]) -> list[str]:
    """One event's cells, in column order, neutralised."""
    return [neutralise(record[column]) for column in EVENT_COLUMNS]


def events_csv(rows: Iterable[list[str]]) -> bytes:
    """The CSV file (UTF-8, header row, CRLF line ends as RFC 4180 says) of rows made by :func:`row`."""
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(EVENT_COLUMNS)
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")
