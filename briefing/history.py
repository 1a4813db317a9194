"""Revisions of each briefing, read from git: what changed in its judgments and events, and when.

ICD 203 asks finished analysis to explain change to (or consistency of) its
judgments. When the content is in a git repository, the committed history of
each briefing file is read (with dulwich, in one pass over the first-parent
history of ``HEAD`` for the whole ``briefings/`` folder; each file version is
parsed once per build and not kept, what it comes to is cached by its blob hash
and the revisions between builds) and turned into :class:`Revision` s:
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

import bisect
import datetime as dt
import hashlib
import logging
import os
import pickle
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

from briefing.dates import EdtfDate
from briefing.diagnostics import Diagnostics, format_path
from briefing.estimative import tokens
from briefing.load import load_bytes
from briefing.model import Briefing

_J = TypeVar("_J", bound="_Statement")
_K = TypeVar("_K", bound="_Statement")


class _Statement(Protocol):
    @property
    def statement(self) -> str: ...

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
    """One committed version of a briefing file (``blob`` is None where the file was deleted)."""

    commit: str
    time: dt.datetime
    blob: str | None


#: Bump when what is cached (walks, revisions, judgments) changes meaning.
CACHE_FORMAT = 2


@dataclass(frozen=True, slots=True)
class JudgmentState:
    """What a revision compares of a judgment."""

    statement: str
    likelihood: str | None
    confidence: str
    change_note: str | None


@dataclass
class _Walk:
    """Where a walk of the first-parent history stopped, to continue from when HEAD moves on."""

    head: bytes
    files: dict[str, list[Version]]
    tree: bytes | None


@dataclass
class _Cache:
    """What history costs to work out, kept between builds (in ``cache_dir``) and within a process.

    Walks by repository folder, revisions by everything they depend on, and the
    judgments of file versions by blob hash. It holds past versions' text, as
    the repository's own object store does; delete the folder to drop it.
    """

    path: Path | None
    walks: dict[tuple[str, bytes], _Walk] = field(default_factory=dict)
    revisions: dict[tuple[object, ...], list[Revision]] = field(default_factory=dict)
    judgments: dict[str, tuple[JudgmentState, ...] | None] = field(default_factory=dict)
    used: set[tuple[object, ...]] = field(default_factory=set)
    dirty: bool = False

    @classmethod
    def load(cls, path: Path | None) -> _Cache:
        cache = cls(path)
        if path is not None and path.is_file():
            try:
                with path.open("rb") as stream:
                    data = pickle.load(stream)
                if data.get("format") == CACHE_FORMAT:
                    cache.walks, cache.revisions, cache.judgments = data["walks"], data["revisions"], data["judgments"]
            except Exception:  # a damaged or foreign cache is ignored and rewritten
                cache.dirty = True
        return cache

    def save(self) -> None:
        if self.path is None or not self.dirty:
            return
        if len(self.revisions) > 4 * max(len(self.used), 1000):  # old profiles' and states' entries
            self.revisions = {k: v for k, v in self.revisions.items() if k in self.used}
        data = {"format": CACHE_FORMAT, "walks": self.walks, "revisions": self.revisions, "judgments": self.judgments}
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            temporary = self.path.with_name(f".{self.path.name}.{os.getpid()}")
            # Readable by the analyst only: revisions of restricted builds are in it.
            descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(descriptor, "wb") as stream:
                pickle.dump(data, stream, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(temporary, self.path)
            self.dirty = False
        except OSError:
            pass  # a cache that cannot be written only makes the next build slower


#: Caches by file (None: this process only), so ``serve`` rebuilds reuse them.
_CACHES: dict[Path | None, _Cache] = {}


@dataclass
class History:
    """The committed versions of every briefing file, oldest first, read on demand."""

    files: dict[str, list[Version]] = field(default_factory=dict)
    unavailable: str | None = None
    """Why there is no history (no git repository, no commit, unreadable), or None."""
    uncommitted: set[str] = field(default_factory=set)
    """Briefings whose working copy differs from (or is missing in) the last commit."""
    working: dict[str, str] = field(default_factory=dict)
    """Each briefing's working copy as a git blob id."""
    repo_path: str | None = None
    cache: _Cache = field(default_factory=lambda: _Cache(None))
    _repo: Any = None
    _parsed: dict[str, Briefing | None] = field(default_factory=dict)
    """Versions :meth:`judgments` parsed, until :meth:`briefing` takes them (each is parsed once)."""

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

    def briefing(self, version: Version) -> Briefing | None:
        """A past version as a Briefing, or None if deleted or it does not load (then it is left out).

        Not kept: a build holds the versions of one briefing at a time, not the archive's
        whole history (which made the garbage collector's every pass longer).
        """
        if version.blob is None:
            return None
        if version.blob in self._parsed:
            return self._parsed.pop(version.blob)
        from dulwich.repo import Repo

        if self._repo is None:
            self._repo = Repo(self.repo_path)
        try:
            raw = self._repo.object_store[version.blob.encode()].data
        except KeyError:  # not in this clone (a partial, blobless clone): left out
            return None
        return _parse(raw, version.blob)

    def judgments(self, version: Version) -> tuple[JudgmentState, ...] | None:
        """A past version's judgments (kept in the cache: ``check`` needs no other part of it)."""
        if version.blob is None:
            return None
        if version.blob not in self.cache.judgments:
            briefing = self._parsed[version.blob] = self.briefing(version)
            self.cache.judgments[version.blob] = (
                None if briefing is None
                else tuple(JudgmentState(j.statement, j.likelihood, j.confidence, j.change_note)
                           for j in briefing.key_judgments)
            )
            self.cache.dirty = True
        return self.cache.judgments[version.blob]

    def close(self) -> None:
        """Close the repository and keep what was worked out for the next build."""
        self.close_repository()
        self.cache.save()

    def close_repository(self) -> None:
        """Close the repository (reopened when a past version is read). Before a fork: the two
        processes would share its pack files' read positions."""
        if self._repo is not None:
            self._repo.close()
            self._repo = None


# -- reading git ---------------------------------------------------------------------------------


def read_history(content_dir: Path, briefing_files: Iterable[Path] = (), cache_dir: Path | None = None) -> History:
    """The committed history of ``content_dir/briefings``; ``briefing_files`` are the working copies.

    The walk is kept in ``cache_dir`` (when given): an unchanged HEAD is not
    walked again, and a HEAD that moved on is walked only from where the last
    walk stopped.
    """
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
    cache_file = cache_dir / "history.pickle" if cache_dir is not None else None
    cache = _CACHES.get(cache_file)
    if cache is None:
        cache = _CACHES[cache_file] = _Cache.load(cache_file)
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
            key = (str(root), relative)
            walk = cache.walks.get(key)
            if walk is None or walk.head != head:
                walk = cache.walks[key] = _walk(repo.object_store, head, relative, walk)
                cache.dirty = True
            repo_path = repo.path
    except Exception as exc:  # a damaged repository must not stop a build: say so once
        # Readers see the note on every page: the cause in plain words, never the exception.
        if (Path(repo.controldir()) / "shallow").exists():
            return History(unavailable="the repository is a shallow clone (fetch its full history: git fetch --unshallow)")
        logging.getLogger("mkdocs.plugins.briefing").info("git history not read: %s: %s", type(exc).__name__, exc)
        return History(unavailable="the git history could not be read")
    history = History(files=walk.files, repo_path=repo_path, cache=cache)
    for file in briefing_files:
        briefing_id = file.name.rsplit(".", 1)[0]
        versions = walk.files.get(briefing_id)
        last = versions[-1].blob if versions else None
        try:
            history.working[briefing_id] = _blob_id(file.read_bytes())
        except OSError:
            continue
        if last != history.working[briefing_id]:
            history.uncommitted.add(briefing_id)
    return history


def _blob_id(data: bytes) -> str:
    """git's id of a blob with these bytes (to tell an edited working copy from the commit)."""
    return hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()  # noqa: S324 - git's object id


def _walk(store: Any, head: bytes, folder: bytes, previous_walk: _Walk | None) -> _Walk:
    """One pass over the first-parent history: every change to a briefing file, oldest first.

    Continues ``previous_walk`` when its HEAD is on the first-parent chain of
    ``head``. Consecutive versions of the folder's tree are compared as raw
    bytes (:class:`_Folder`), so a commit that changes one file costs about
    the same in a folder of ten briefings or of thousands.
    """
    chain = []
    sha: bytes | None = head
    stop = previous_walk.head if previous_walk is not None else None
    while sha is not None and sha != stop:
        commit = store[sha]
        chain.append(commit)
        sha = commit.parents[0] if commit.parents else None
    if previous_walk is not None and sha == stop:
        files = {name: list(versions) for name, versions in previous_walk.files.items()}
        tree_id = previous_walk.tree
    else:  # a new repository, or history rewritten: from the start
        files, tree_id = {}, None
    folder_tree = _Folder(store.get_raw(tree_id)[1] if tree_id is not None else b"")
    chain.reverse()
    for commit in chain:
        try:
            _, new_tree = store[commit.tree].lookup_path(store.__getitem__, folder)
        except KeyError:
            new_tree = None
        if new_tree == tree_id:
            continue
        when = dt.datetime.fromtimestamp(commit.commit_time, dt.UTC)
        commit_id = commit.id.decode()
        raw = store.get_raw(new_tree)[1] if new_tree is not None else b""
        for name, blob in folder_tree.update(raw):
            if name.endswith((b".yaml", b".yml")) and not name.startswith(b"."):
                version = Version(commit_id, when, blob.hex() if blob is not None else None)
                files.setdefault(_briefing_id(name), []).append(version)
        tree_id = new_tree
    return _Walk(head, files, tree_id)


class _Folder:
    """One git tree object's entries, updated from the next version's raw bytes.

    A tree is a sorted run of ``<mode> <name>\\0<20-byte id>`` entries. The next
    version shares a prefix and a suffix of bytes with this one; only the
    entries between them are parsed. Comparing prefixes and suffixes is a
    binary search of ``bytes.startswith``/``endswith`` (C, no regular expression).
    """

    def __init__(self, raw: bytes) -> None:
        self.raw = raw
        entries = _entries(raw, 0, len(raw))
        self.offsets = [offset for offset, _, _, _ in entries] + [len(raw)]
        self.names = [name for _, name, _, _ in entries]
        self.ids = [blob for _, _, blob, _ in entries]
        self.files = [is_file for _, _, _, is_file in entries]

    def update(self, raw: bytes) -> list[tuple[bytes, bytes | None]]:
        """Move to ``raw``; the files added or changed (with their blob id) and removed (None)."""
        old = self.raw
        prefix = _common_prefix(old, raw)
        suffix = _common_suffix(old, raw, min(len(old), len(raw)) - prefix)
        first = bisect.bisect_right(self.offsets, prefix) - 1 if self.names else 0
        first = max(0, min(first, len(self.names)))
        last = bisect.bisect_left(self.offsets, len(old) - suffix, lo=first)
        last = min(last, len(self.names))
        shift = len(raw) - len(old)
        start = self.offsets[first] if self.names else 0
        end = self.offsets[last] + shift if self.names else len(raw)
        window = _entries(raw, start, end)
        if _end(raw, window, start) != end:
            return self._replace(raw)  # entries did not line up with the shared suffix: compare all
        before = {self.names[k]: self.ids[k] for k in range(first, last) if self.files[k]}
        after = {name: blob for _, name, blob, is_file in window if is_file}
        changes: list[tuple[bytes, bytes | None]] = [
            (name, blob) for name, blob in after.items() if before.get(name) != blob
        ]
        changes += [(name, None) for name in before if name not in after]
        self.raw = raw
        self.offsets = self.offsets[:first] + [o for o, _, _, _ in window] + [o + shift for o in self.offsets[last:]]
        self.names = self.names[:first] + [n for _, n, _, _ in window] + self.names[last:]
        self.ids = self.ids[:first] + [b for _, _, b, _ in window] + self.ids[last:]
        self.files = self.files[:first] + [f for _, _, _, f in window] + self.files[last:]
        return changes

    def _replace(self, raw: bytes) -> list[tuple[bytes, bytes | None]]:
        before = {n: b for n, b, f in zip(self.names, self.ids, self.files) if f}
        self.__init__(raw)  # type: ignore[misc]
        after = {n: b for n, b, f in zip(self.names, self.ids, self.files) if f}
        changes: list[tuple[bytes, bytes | None]] = [(n, b) for n, b in after.items() if before.get(n) != b]
        return changes + [(n, None) for n in before if n not in after]


def _end(raw: bytes, entries: list[tuple[int, bytes, bytes, bool]], start: int) -> int:
    """Where the last of ``entries`` ends (``start`` if there are none)."""
    if not entries:
        return start
    offset, name, _, _ = entries[-1]
    return raw.index(b" ", offset) + 1 + len(name) + 1 + 20


def _entries(raw: bytes, start: int, end: int) -> list[tuple[int, bytes, bytes, bool]]:
    """(offset, name, blob id, is a file) of the tree entries in ``raw[start:end]``."""
    found = []
    position = start
    while position < end:
        space = raw.index(b" ", position)
        nul = raw.index(b"\0", space)
        is_file = not raw.startswith(b"4", position)  # 40000: a folder
        found.append((position, raw[space + 1:nul], raw[nul + 1:nul + 21], is_file))
        position = nul + 21
    return found


def _common_prefix(a: bytes, b: bytes) -> int:
    low, high = 0, min(len(a), len(b))
    while low < high:  # a[:low] == b[:low]
        middle = (low + high + 1) // 2
        if a.startswith(b[:middle]):
            low = middle
        else:
            high = middle - 1
    return low


def _common_suffix(a: bytes, b: bytes, limit: int) -> int:
    low, high = 0, max(limit, 0)
    while low < high:
        middle = (low + high + 1) // 2
        if a.endswith(b[len(b) - middle:]):
            low = middle
        else:
            high = middle - 1
    return low


def _briefing_id(name: bytes) -> str:
    return name.decode("utf-8", "replace").rsplit(".", 1)[0]


def _parse(raw: bytes, name: str) -> Briefing | None:
    """A past version's bytes as a Briefing, or None if it does not load.

    Read as the working copy is: the same loader, guards and model, so a version
    reads the same in the past as now.
    """
    import pydantic

    document = load_bytes(raw, name, Diagnostics())
    if document is None or document.data is None:
        return None
    try:
        return Briefing.model_validate(document.data)
    except pydantic.ValidationError:
        return None


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
    old: Sequence[_J], new: Sequence[_K]
) -> tuple[list[tuple[_J, _K]], list[_J], list[_K]]:
    """Pair judgments across versions: same statement, else the most similar wording.

    Returns (pairs, withdrawn, added). Similarity is the overlap of the two
    statements' word sets (at least :data:`SAME_JUDGMENT` of the smaller set).
    """
    unmatched_old = list(old)
    pairs: list[tuple[_J, _K]] = []
    rest: list[_K] = []
    for judgment in new:
        same = next((o for o in unmatched_old if o.statement == judgment.statement), None)
        if same is not None:
            unmatched_old.remove(same)
            pairs.append((same, judgment))
        else:
            rest.append(judgment)
    added: list[_K] = []
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
    order = {id(j): i for i, j in enumerate(new)}
    pairs.sort(key=lambda pair: order[id(pair[1])])
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


class Waiting(Protocol):
    """Work started in a second process (:class:`briefing.site.parallel.Background`)."""

    def wait(self) -> Any:
        """Its result (its exception raised here); worked out here if the process died."""

    def stop(self) -> None:
        """End it, unanswered."""


#: Starts work in a second process; None when there is none to be had (the caller does the work).
Beside = Callable[[Callable[[], Any]], Waiting | None]

#: Below this many briefings to work out, a second process costs more than it saves.
MIN_BESIDE = 100


def revisions(
    history: History, project: Project, visible: Project, profile: Profile, beside: Beside | None = None
) -> dict[str, list[Revision]]:
    """The visible revisions of every visible briefing, newest first.

    Reading every past version (YAML and the model, about 2 ms each) is most of the history
    step of a fresh clone: with ``beside``, a second process works out every second briefing.
    """

    cache = history.cache
    registry_key = hashlib.blake2b(repr(sorted(project.outlets.items())).encode(), digest_size=16).hexdigest()
    keys: dict[str, tuple[object, ...]] = {}
    result: dict[str, list[Revision]] = {}
    for briefing_id in visible.briefings:
        working = history.working.get(briefing_id)
        if working is None:  # without the working copy's id there is nothing to key it by
            continue
        # Everything the revisions depend on: the profile, the file's history, its working
        # copy (hence its current restrictions) and the registry the versions are resolved with.
        key = keys[briefing_id] = (
            CACHE_FORMAT, briefing_id, profile.max_marking.value, profile.drafts, registry_key, working,
            tuple((v.commit, v.blob) for v in history.files.get(briefing_id, [])),
        )
        cache.used.add(key)
        if (found := cache.revisions.get(key)) is not None:
            result[briefing_id] = found
    todo = [briefing_id for briefing_id in visible.briefings if briefing_id not in result]

    def work(ids: list[str]) -> dict[str, list[Revision]]:
        return {
            b: _revisions_of(history, b, history.files.get(b, []), project.briefings[b], visible.briefings[b],
                             project, profile, b in history.uncommitted or bool(history.unavailable))
            for b in ids
        }

    # Only the briefings with past versions to read from git are shared out (without git,
    # working them out costs next to nothing).
    reads = [b for b in todo if any(v.blob != history.working.get(b) for v in history.files.get(b, []))]
    theirs = reads[1::2]
    other = None
    if beside is not None and len(reads) >= MIN_BESIDE:
        history.close_repository()
        other = beside(partial(work, theirs))
    try:
        shared = set(theirs) if other is not None else set()
        worked = work([b for b in todo if b not in shared])
    except BaseException:
        if other is not None:
            other.stop()
        raise
    if other is not None:
        worked |= other.wait()
    history._parsed.clear()  # versions check_change_notes parsed for briefings worked out beside
    for briefing_id in todo:
        result[briefing_id] = worked[briefing_id]
        if briefing_id in keys:
            cache.revisions[keys[briefing_id]] = worked[briefing_id]
            cache.dirty = True
    return {briefing_id: result[briefing_id] for briefing_id in visible.briefings}


def _revisions_of(
    history: History, briefing_id: str, versions: list[Version], full: Briefing, current: Briefing, project: Project, profile: Profile,
    uncommitted: bool,
) -> list[Revision]:
    """One briefing's visible revisions, newest first (see :func:`revisions`)."""
    from briefing.profile import visible_briefing
    from briefing.registry import resolve_briefing

    shown_events = {e.id for e in current.events}
    restricted_events = {e.id for e in full.events if e.id not in shown_events}
    shown_statements = {j.statement for j in current.key_judgments}
    restricted_statements = {j.statement for j in full.key_judgments if j.statement not in shown_statements}

    working = history.working.get(briefing_id)
    steps: list[tuple[Version | None, Briefing]] = []
    for version in versions:
        # The committed version that is the working copy was parsed already: it is ``full``.
        parsed = full if version.blob is not None and version.blob == working else history.briefing(version)
        past = visible_briefing(parsed, profile) if parsed is not None else None
        if past is not None:
            past = resolve_briefing(past, project.outlets)  # as the working copy is: comparable
            steps.append((version, _without(past, restricted_events, restricted_statements)))
    if uncommitted or not steps:
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
    return found[::-1]


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
        versions = history.files.get(briefing_id, [])
        if briefing_id not in history.uncommitted:
            versions = versions[:-1]
        previous, judgments = None, None
        for version in reversed(versions):  # the latest version before it that loads
            judgments = history.judgments(version)
            if judgments is not None:
                previous = version
                break
        if previous is None or judgments is None:
            continue
        pairs, _, _ = match_judgments(judgments, current.key_judgments)
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
