"""Revisions of each briefing, read from git: what changed in its judgments and events, and when.

ICD 203 asks finished analysis to explain change to (or consistency of) its
judgments. When the content is in a git repository, the committed history of
each briefing file is read (with dulwich, in one pass over the first-parent
history of ``HEAD`` for the whole ``briefings/`` folder; each file version is
parsed once, cached by its blob hash) and turned into :class:`Revision` s:
judgments added or withdrawn, likelihood or confidence old -> new (with the
judgment's ``change_note``), events added or removed.

Markings apply to history exactly as to the working copy: every past version
is filtered by the build profile (:func:`briefing.profile.visible_briefing`)
before it is compared, so a past version above the profile, a past event or
judgment above it, and the text of anything the profile removes never reach a
revision. What the *current* version restricts (an event later marked AMBER)
is removed from every past version too. Versions that look the same through
the profile are one revision: a change a build may not see leaves no trace.

Without git, or for uncommitted edits, a briefing's revisions say only what
is known: the working copy is the latest revision, without a date. Dates are
commit dates (UTC), never the clock, so builds stay byte-identical.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from briefing.dates import EdtfDate
from briefing.diagnostics import Diagnostics, format_path
from briefing.estimative import tokens
from briefing.load import load_bytes
from briefing.model import Briefing, KeyJudgment

if TYPE_CHECKING:
    from briefing.model import Project
    from briefing.profile import Profile

CONTENT_SUFFIXES = (".yaml", ".yml")
#: Two statements sharing this share of the shorter one's words are one judgment reworded
#: (the overlap coefficient: rewording a likelihood, "roughly even chance" -> "likely",
#: changes few words of substance but many words).
SAME_JUDGMENT = 0.6


@dataclass(frozen=True, slots=True)
class Version:
    """One committed version of a briefing file (``briefing`` is None if deleted or unreadable)."""

    commit: str
    time: dt.datetime
    blob: str | None
    briefing: Briefing | None


@dataclass
class History:
    """The committed versions of every briefing file, oldest first."""

    files: dict[str, list[Version]] = field(default_factory=dict)
    unavailable: str | None = None
    """Why there is no history (no git repository, no commit, unreadable), or None."""
    uncommitted: set[str] = field(default_factory=set)
    """Briefings whose working copy differs from (or is missing in) the last commit."""

    def note(self) -> str | None:
        """The one line a build says about history, or None when there is nothing to say."""
        if self.unavailable:
            return f"no revision history: {self.unavailable}; briefing pages show the working copy only"
        if self.uncommitted:
            count = len(self.uncommitted)
            return (
                f"{count} briefing{'s' if count != 1 else ''} with uncommitted changes: "
                "their latest revision is the working copy, shown without a date"
            )
        return None


# -- reading git ---------------------------------------------------------------------------------

#: Parsed file versions by blob hash: a version is parsed once per process (``serve`` rebuilds).
_BLOBS: dict[bytes, Briefing | None] = {}
#: Walks by (git directory, HEAD, folder): unchanged history is not walked again.
_WALKS: dict[tuple[str, bytes, bytes], dict[str, list[Version]]] = {}


def read_history(content_dir: Path, briefing_files: Iterable[Path] = ()) -> History:
    """The committed history of ``content_dir/briefings``; ``briefing_files`` are the working copies."""
    try:
        from dulwich.errors import NotGitRepository
        from dulwich.repo import Repo
    except ImportError:  # pragma: no cover - dulwich is a dependency
        return History(unavailable="dulwich is not installed")
    folder = (content_dir / "briefings").resolve()
    try:
        repo = Repo.discover(str(folder if folder.is_dir() else content_dir))
    except NotGitRepository:
        return History(unavailable="the content is not in a git repository")
    try:
        with repo:
            try:
                head = repo.head()
            except KeyError:
                return History(unavailable="the git repository has no commits yet")
            root = Path(repo.path).resolve()
            try:
                relative = folder.relative_to(root).as_posix().encode()
            except ValueError:
                return History(unavailable="the content is outside the git repository's work tree")
            key = (str(root), head, relative)
            files = _WALKS.get(key)
            if files is None:
                files = _WALKS[key] = _walk(repo, head, relative)
    except Exception as exc:  # a damaged repository must not stop a build: say so once
        return History(unavailable=f"the git history could not be read ({type(exc).__name__}: {exc})")
    history = History(files=files)
    for file in briefing_files:
        briefing_id = file.name.rsplit(".", 1)[0]
        versions = files.get(briefing_id)
        last = versions[-1].blob if versions else None
        try:
            data = file.read_bytes()
        except OSError:
            continue
        if last != _blob_id(data):
            history.uncommitted.add(briefing_id)
    return history


def _blob_id(data: bytes) -> str:
    """git's id of a blob with these bytes (to tell an edited working copy from the commit)."""
    return hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()  # noqa: S324 - git's object id


def _walk(repo: object, head: bytes, folder: bytes) -> dict[str, list[Version]]:
    """One pass over the first-parent history: every change to a briefing file, oldest first."""
    store = repo.object_store  # type: ignore[attr-defined]
    chain = []
    sha: bytes | None = head
    while sha is not None:
        commit = store[sha]
        chain.append(commit)
        sha = commit.parents[0] if commit.parents else None
    chain.reverse()
    files: dict[str, list[Version]] = {}
    previous_tree: bytes | None = None
    previous: dict[bytes, bytes] = {}
    for commit in chain:
        try:
            _, tree_id = store[commit.tree].lookup_path(store.__getitem__, folder)
        except KeyError:
            tree_id = None
        if tree_id == previous_tree:
            continue
        entries: dict[bytes, bytes] = {}
        if tree_id is not None:
            for entry in store[tree_id].iteritems():
                if entry.path.endswith((b".yaml", b".yml")) and not entry.path.startswith(b"."):
                    entries[entry.path] = entry.sha
        when = dt.datetime.fromtimestamp(commit.commit_time, dt.UTC)
        commit_id = commit.id.decode()
        for name, blob in entries.items():
            if previous.get(name) != blob:
                files.setdefault(_briefing_id(name), []).append(
                    Version(commit_id, when, blob.decode(), _parse(store, blob, name))
                )
        for name in previous.keys() - entries.keys():
            files.setdefault(_briefing_id(name), []).append(Version(commit_id, when, None, None))
        previous_tree, previous = tree_id, entries
    return files


def _briefing_id(name: bytes) -> str:
    return name.decode("utf-8", "replace").rsplit(".", 1)[0]


def _parse(store: object, blob: bytes, name: bytes) -> Briefing | None:
    """A past version as a Briefing, or None if it does not load (it is then left out)."""
    if blob in _BLOBS:
        return _BLOBS[blob]
    import pydantic

    briefing = None
    document = load_bytes(store[blob].data, name.decode("utf-8", "replace"), Diagnostics())  # type: ignore[index]
    if document is not None and document.data is not None:
        try:
            briefing = Briefing.model_validate(document.data)
        except pydantic.ValidationError:
            briefing = None
    _BLOBS[blob] = briefing
    return briefing


# -- comparing versions --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class JudgmentChange:
    statement: str
    likelihood: tuple[str | None, str | None] | None
    """(old, new) when the likelihood changed."""
    confidence: tuple[str, str] | None
    reworded_from: str | None
    change_note: str | None


@dataclass
class Revision:
    """One visible revision of a briefing, compared with the one before it."""

    time: dt.datetime | None
    """The commit's date; None for the uncommitted working copy."""
    commit: str | None
    as_of: EdtfDate
    """The briefing's ``as_of`` in this revision."""
    first: bool = False
    judgments_added: list[str] = field(default_factory=list)
    judgments_withdrawn: list[str] = field(default_factory=list)
    judgments_changed: list[JudgmentChange] = field(default_factory=list)
    events_added: list[tuple[str, str]] = field(default_factory=list)
    """(id, title) of each event added."""
    events_removed: list[tuple[str, str]] = field(default_factory=list)

    @property
    def other_changes_only(self) -> bool:
        return not (
            self.first or self.judgments_added or self.judgments_withdrawn or self.judgments_changed
            or self.events_added or self.events_removed
        )


def match_judgments(
    old: list[KeyJudgment], new: list[KeyJudgment]
) -> tuple[list[tuple[KeyJudgment, KeyJudgment]], list[KeyJudgment], list[KeyJudgment]]:
    """Pair judgments across versions: same statement, else the most similar wording.

    Returns (pairs, withdrawn, added). Similarity is the overlap of the two
    statements' word sets (at least :data:`SAME_JUDGMENT` of the smaller set).
    """
    unmatched_old = list(old)
    pairs: list[tuple[KeyJudgment, KeyJudgment]] = []
    rest: list[KeyJudgment] = []
    for judgment in new:
        same = next((o for o in unmatched_old if o.statement == judgment.statement), None)
        if same is not None:
            unmatched_old.remove(same)
            pairs.append((same, judgment))
        else:
            rest.append(judgment)
    added = []
    for judgment in rest:
        words = {w for w, _ in tokens(judgment.statement)}
        best, best_score = None, SAME_JUDGMENT
        for candidate in unmatched_old:
            other = {w for w, _ in tokens(candidate.statement)}
            smaller = min(len(words), len(other))
            score = len(words & other) / smaller if smaller else 0.0
            if score >= best_score and (best is None or score > best_score):
                best, best_score = candidate, score
        if best is None:
            added.append(judgment)
        else:
            unmatched_old.remove(best)
            pairs.append((best, judgment))
    pairs.sort(key=lambda pair: new.index(pair[1]))
    return pairs, unmatched_old, added


def compare(previous: Briefing | None, current: Briefing, revision: Revision) -> Revision:
    """Fill ``revision`` with what changed from ``previous`` to ``current``."""
    if previous is None:
        revision.first = True
        return revision
    pairs, withdrawn, added = match_judgments(previous.key_judgments, current.key_judgments)
    revision.judgments_added = [j.statement for j in added]
    revision.judgments_withdrawn = [j.statement for j in withdrawn]
    for old, new in pairs:
        likelihood = (old.likelihood, new.likelihood) if old.likelihood != new.likelihood else None
        confidence = (old.confidence, new.confidence) if old.confidence != new.confidence else None
        reworded = old.statement if old.statement != new.statement else None
        if likelihood or confidence or reworded:
            # A note carried over unchanged from an earlier revision explains that one, not this.
            note = new.change_note if new.change_note != old.change_note else None
            revision.judgments_changed.append(JudgmentChange(new.statement, likelihood, confidence, reworded, note))
    before = {e.id: e.title for e in previous.events}
    after = {e.id: e.title for e in current.events}
    revision.events_added = [(i, t) for i, t in after.items() if i not in before]
    revision.events_removed = [(i, t) for i, t in before.items() if i not in after]
    return revision


def _without(briefing: Briefing, events: set[str], statements: set[str]) -> Briefing:
    """``briefing`` without the events and judgments the current version restricts."""
    if not (events or statements):
        return briefing
    kept_events = [e for e in briefing.events if e.id not in events]
    judgments = []
    for judgment in briefing.key_judgments:
        if judgment.statement in statements:
            continue
        basis = [b for b in judgment.basis if b not in events]
        if judgment.basis and not basis:
            continue
        judgments.append(judgment.model_copy(update={"basis": basis}))
    return briefing.model_copy(update={"events": kept_events, "key_judgments": judgments})


def revisions(
    history: History, project: Project, visible: Project, profile: Profile
) -> dict[str, list[Revision]]:
    """The visible revisions of every visible briefing, newest first."""
    from briefing.profile import visible_briefing
    from briefing.registry import resolve_briefing

    result: dict[str, list[Revision]] = {}
    for briefing_id, current in visible.briefings.items():
        full = project.briefings[briefing_id]
        shown_events = {e.id for e in current.events}
        restricted_events = {e.id for e in full.events if e.id not in shown_events}
        shown_statements = {j.statement for j in current.key_judgments}
        restricted_statements = {j.statement for j in full.key_judgments if j.statement not in shown_statements}

        steps: list[tuple[Version | None, Briefing]] = []
        for version in history.files.get(briefing_id, []):
            past = visible_briefing(version.briefing, profile) if version.briefing is not None else None
            if past is not None:
                past = resolve_briefing(past, project.outlets)  # as the working copy is: comparable
                steps.append((version, _without(past, restricted_events, restricted_statements)))
        if briefing_id in history.uncommitted or history.unavailable or not steps:
            steps.append((None, current))
        elif steps[-1][1] != current:  # the profile shows the committed file differently now
            steps[-1] = (steps[-1][0], current)

        found: list[Revision] = []
        previous: Briefing | None = None
        for step, shown in steps:
            if previous is not None and shown == previous:
                continue
            revision = Revision(
                time=step.time if step else None,
                commit=step.commit if step else None,
                as_of=shown.as_of,
            )
            found.append(compare(previous, shown, revision))
            previous = shown
        result[briefing_id] = found[::-1]
    return result


def last_revised(found: dict[str, list[Revision]]) -> dict[str, dt.datetime]:
    """The date of each briefing's latest committed, visible revision (for feeds' ``updated``).

    A briefing with no committed revision (no git, never committed) is absent:
    use its ``as_of`` instead.
    """
    dates = {}
    for briefing_id, items in found.items():
        committed = [r.time for r in items if r.time is not None]
        if committed:
            dates[briefing_id] = max(committed)
    return dates


# -- change notes --------------------------------------------------------------------------------


def check_change_notes(history: History, project: Project, diagnostics: Diagnostics) -> None:
    """Warn where the latest revision changes a likelihood or confidence without a new ``change_note``.

    The latest revision is the working copy when it differs from the last
    commit, else the last commit; it is compared with the version before it.
    The comparison is of the whole file (no profile): ``check`` speaks to the analyst.
    """
    for briefing_id, current in project.briefings.items():
        versions = [v for v in history.files.get(briefing_id, []) if v.briefing is not None]
        if briefing_id not in history.uncommitted:
            versions = versions[:-1]
        if not versions:
            continue
        previous = versions[-1]
        assert previous.briefing is not None
        pairs, _, _ = match_judgments(previous.briefing.key_judgments, current.key_judgments)
        document = project.briefing_files[briefing_id]
        for old, new in pairs:
            if new.change_note is not None and new.change_note != old.change_note:
                continue  # explained (a note left from an earlier change does not count)
            index = current.key_judgments.index(new)
            for name in ("likelihood", "confidence"):
                before, after = getattr(old, name), getattr(new, name)
                if before != after:
                    path = ("key_judgments", index, name)
                    mark = document.mark(path)
                    diagnostics.warning(
                        document.path, mark.line, mark.column,
                        f"{format_path(path)}: {name} changed from '{before}' to '{after}' since the revision "
                        f"of {previous.time.date().isoformat()} ({previous.commit[:7]}); say why in 'change_note'",
                    )
