"""Data out: feeds and machine-readable exports of one build profile.

:func:`exports` takes the project **after** :func:`briefing.profile.apply`
has filtered it, like the pages do, so nothing above the profile's marking
can reach any export: it is not in the model these modules read. Output is
``{path in the site: bytes}``, byte-identical for the same input (no
clocks, sorted keys, UUIDv5 ids). The MkDocs plugin serves these files with
the pages (so they land in the staging folder before the atomic swap);
``briefing export`` writes them without building the site.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # this package's own import stays light: the command line lists FORMAT_NAMES
    from briefing.export.facts import ExportOptions, Memo
    from briefing.model import Project

__all__ = ["FORMATS", "FORMAT_NAMES", "Data", "iter_exports", "exports", "joined", "write_file"]

#: The flat record of each event (briefing.export.facts.event_record), by briefing id.
Records = dict[str, list[dict[str, Any]]]
#: A file's content: its bytes, or its pieces in order. The STIX bundles are pieces: their
#: objects are serialised already, and joining them would hold the site's bundle (624 MB at
#: 10,000 briefings) twice.
Data = bytes | list[bytes]
#: A format's files, ``(site path, data)``, made one by one as they are asked for (a generator):
#: at 10,000 briefings a format's files held together were up to 0.8 GB (the feeds).
Files = Iterable[tuple[str, Data]]


def joined(data: Data) -> bytes:
    """A file's content as one ``bytes``."""
    return data if isinstance(data, bytes) else b"".join(data)


def write_file(path: Path, data: Data) -> None:
    """Write a file's content, piece by piece (never joined in memory)."""
    with path.open("wb") as out:
        if isinstance(data, bytes):
            out.write(data)
        else:
            out.writelines(data)


def _atom(project: Project, options: ExportOptions, memo: Memo, records: Records) -> Files:
    from briefing.export.atom import feed_files

    return feed_files(project, options, memo)


def _json(project: Project, options: ExportOptions, memo: Memo, records: Records) -> Files:
    from briefing.export.jsondata import briefing_files

    return briefing_files(project, options, memo)


def _records(project: Project, options: ExportOptions, memo: Memo) -> Records:
    """The flat record of every event, by briefing id, in page order (shared by CSV and GeoJSON)."""
    from briefing.export import facts

    def one(b: str) -> list[dict[str, Any]]:
        briefing = project.briefings[b]
        return [facts.event_record(project, options, b, briefing, e) for e in facts.events_in_order(briefing)]

    return {b: memo.briefing("records", b, partial(one, b)) for b in sorted(project.briefings)}


def _site_order(project: Project, records: Records) -> list[dict[str, Any]]:
    """Every record of the site: by date, then briefing id, then place in the briefing's file."""
    from briefing.export import facts

    by_key = {(r["briefing_id"], r["event_id"]): r for rows in records.values() for r in rows}
    return [by_key[(b, e.id)] for b, _, e in facts.all_events(project)]


def _csv(project: Project, options: ExportOptions, memo: Memo, records: Records) -> Files:
    from briefing.export import paths
    from briefing.export.csvdata import events_csv, row

    def rows_of(b: str) -> list[list[str]]:
        return [row(record) for record in records[b]]

    rows = {b: memo.briefing("csv-rows", b, partial(rows_of, b)) for b in records}
    for b in records:
        yield paths.briefing_csv(b), memo.briefing("csv", b, partial(events_csv, rows[b]))
    # The site's file: the same rows (records and rows share their order), in the site's order.
    by_event = {
        (b, record["event_id"]): cells for b in records for record, cells in zip(records[b], rows[b], strict=True)
    }
    yield paths.EVENTS_CSV, events_csv(
        by_event[(record["briefing_id"], record["event_id"])] for record in _site_order(project, records)
    )


def _geojson(project: Project, options: ExportOptions, memo: Memo, records: Records) -> Files:
    from briefing.export import facts, paths
    from briefing.export.geojsondata import feature_collection

    for b, rows in records.items():
        yield paths.briefing_geojson(b), memo.briefing("geojson", b, partial(_geojson_bytes, rows))
    yield paths.EVENTS_GEOJSON, facts.dumps(feature_collection(_site_order(project, records)))


def _geojson_bytes(rows: list[dict[str, Any]]) -> bytes:
    from briefing.export import facts
    from briefing.export.geojsondata import feature_collection

    return facts.dumps(feature_collection(rows))


def _stix(project: Project, options: ExportOptions, memo: Memo, records: Records) -> Files:
    from briefing.export.stix import stix_files

    return stix_files(project, options, memo)


def _timelinejs(project: Project, options: ExportOptions, memo: Memo, records: Records) -> Files:
    from briefing.export.timelinejs import timeline_files

    return timeline_files(project, options, memo)


#: Every export format by its name on the command line.
FORMATS: dict[str, Callable[[Project, ExportOptions, Memo, Records], Files]] = {
    "atom": _atom,
    "json": _json,
    "csv": _csv,
    "geojson": _geojson,
    "stix": _stix,
    "timelinejs": _timelinejs,
}
FORMAT_NAMES = tuple(FORMATS)
#: The formats made from the events' flat records (made once for both).
_READ_RECORDS = ("csv", "geojson")


def iter_exports(
    visible: Project, options: ExportOptions, formats: Iterable[str] = FORMAT_NAMES, memo: Memo | None = None
) -> Iterator[tuple[str, Data]]:
    """The export files of the (already filtered) project, ``(site path, data)``, format by format.

    A caller that writes each file before asking for the next never holds every export
    in memory at once (at 10,000 briefings they are gigabytes).
    ``memo`` keeps pieces between builds (``briefing serve``); without one, everything is made anew.
    """
    from briefing.export.facts import Memo

    memo = memo or Memo(enabled=False)
    memo.begin(visible, options)
    chosen = list(dict.fromkeys(formats))
    readers = [name for name in chosen if name in _READ_RECORDS]
    records: Records = {}
    for name in chosen:
        if readers and name == readers[0]:
            records = _records(visible, options, memo)
        yield from FORMATS[name](visible, options, memo, records)
        if readers and name == readers[-1]:
            records = {}  # a record per event (250 MB at 10,000 briefings): not held for the formats after
    memo.end()


def exports(
    visible: Project, options: ExportOptions, formats: Iterable[str] = FORMAT_NAMES, memo: Memo | None = None
) -> dict[str, bytes]:
    """Every export file of the (already filtered) project, ``{site path: bytes}``, sorted by path."""
    out = {path: joined(data) for path, data in iter_exports(visible, options, formats, memo)}
    return {path: out[path] for path in sorted(out)}
