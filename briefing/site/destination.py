"""Which folders a build (or ``briefing render --out``) may replace.

A build replaces its output folder whole, so pointing it at the wrong place
would delete the user's work. It refuses, before it writes anything, a folder
that:

* is, contains or is inside the content, templates, theme overrides or pages
  folder (``docs_dir``);
* is or contains the project folder (``.``, ``..``, ``/``), or is or is inside
  its version control folder (``.git``);
* is an existing file (or a link to one);
* is a non-empty folder that has no stamp of ours (:data:`STAMP`, written in
  every output folder; a site built before stamps is recognised by its
  Content-Security-Policy), unless ``--force`` is given.

The site may be a symbolic link to a folder elsewhere (a web root): the rules
apply to the folder it points to, which is the one replaced.
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass, field
from pathlib import Path

from briefing.diagnostics import ConfigError, display_path
from briefing.discover import kind_of

#: The file that marks a folder as written by briefing (and so safe to replace).
STAMP = ".briefing-output"
STAMP_TEXT = (
    "This folder was written by briefing (briefing build, render or export).\n"
    "The next build replaces it whole: keep nothing else in it.\n"
)


#: Folders of version control systems in the project folder: never an output folder, even with --force.
_VERSION_CONTROL = (".git", ".hg", ".svn")


class RefusedDestination(ConfigError):
    """The output folder may not be replaced: exit code 2."""


@dataclass(frozen=True)
class Protected:
    """The project's folders that no output folder may touch."""

    root: Path
    """The project folder (where mkdocs.yml is): no output may be it or contain it."""
    folders: dict[str, Path] = field(default_factory=dict)
    """Name (for messages) -> folder: no output may be, contain or be inside one."""


def real_target(final: Path) -> Path:
    """The folder a build into ``final`` replaces: ``final`` with every symbolic link resolved."""
    return Path(os.path.realpath(final))


def check_place(final: Path, target: Path, protected: Protected, *, option: str) -> None:
    """Refuse ``final`` (resolved: ``target``) if it touches the project's own folders."""
    where = _named(final, target)
    if target == Path(target.anchor):
        raise RefusedDestination(f"refusing to write to {where}: it is the root of the file system; {_choose(option)}")
    root = real_target(protected.root)
    if target == root or root.is_relative_to(target):
        how = "is" if target == root else "contains"
        raise RefusedDestination(
            f"refusing to write to {where}: it {how} the project folder {display_path(root)}; {_choose(option)}"
        )
    version_control = {f"version control ({name})": root / name for name in _VERSION_CONTROL}
    for name, folder in {**protected.folders, **version_control}.items():
        folder = real_target(folder)
        if target == folder:
            how = "it is"
        elif folder.is_relative_to(target):
            how = "it contains"
        elif target.is_relative_to(folder):
            how = "it is inside"
        else:
            continue
        raise RefusedDestination(
            f"refusing to write to {where}: {how} the {name} folder {display_path(folder)}; {_choose(option)}"
        )


def check(final: Path, protected: Protected, *, option: str, force: bool = False, stamp: str = STAMP) -> Path:
    """Both checks below for the output folder ``final``; its real target (links resolved)."""
    target = real_target(final)
    check_place(final, target, protected, option=option)
    check_contents(final, target, option=option, force=force, stamp=stamp)
    return target


def check_contents(final: Path, target: Path, *, option: str, force: bool, stamp: str = STAMP) -> None:
    """Refuse a file, or a non-empty folder without our ``stamp`` (unless ``force``)."""
    where = _named(final, target)
    try:
        mode = os.stat(target).st_mode
    except FileNotFoundError:
        return  # a new folder
    if not stat.S_ISDIR(mode):
        kind = "a file" if stat.S_ISREG(mode) else kind_of(mode)
        raise RefusedDestination(f"refusing to replace {where}: it is {kind}, not a folder; {_choose(option)}")
    if force or (target / stamp).is_file() or _site_before_stamps(target):
        return
    with os.scandir(target) as entries:
        if next(entries, None) is None:
            return  # empty
    raise RefusedDestination(
        f"refusing to replace {where}: it is a folder with files that briefing did not write "
        f"(it has no {stamp} stamp); {_choose(option)}, or pass --force to replace it anyway"
    )


def _site_before_stamps(target: Path) -> bool:
    """True for a site that briefing built before output folders had a stamp.

    Its home page opens with the Content-Security-Policy only briefing writes;
    nobody's own folder does. (Markdown from an older ``render`` has no such
    mark: it needs ``--force`` once.)
    """
    from briefing.discover import read_regular
    from briefing.site.output import CSP_TEMPLATE

    mark = '<meta http-equiv="Content-Security-Policy" content="' + CSP_TEMPLATE.split("{", 1)[0]
    try:
        head = read_regular(target / "index.html")[:8192]
    except OSError:
        return False
    return mark.encode("utf-8") in head


def _named(final: Path, target: Path) -> str:
    shown = f"'{display_path(final)}'"
    if real_target(final) != Path(os.path.abspath(final)):
        shown += f" (a link to '{display_path(target)}')"
    return shown


def _choose(option: str) -> str:
    return f"choose another {option}"
