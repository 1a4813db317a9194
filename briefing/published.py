"""What a build publishes and what it leaves out, said at the end of ``build``, ``check`` and ``serve``.

A draft or a TLP:AMBER briefing missing from the site without a word looks
like a bug. The summary names what was left out and why; it goes to the
terminal only (the names of restricted briefings must never reach the site).
"""

from __future__ import annotations

from briefing.model import Project
from briefing.profile import Profile, left_out


def summary(project: Project | None, profile: Profile) -> str:
    """E.g. ``published 12 briefings; left out 2 (1 draft, use --drafts: x; 1 above TLP:CLEAR: y)``."""
    if project is None:
        return ""
    drafts: list[str] = []
    restricted: list[str] = []
    for briefing_id, briefing in project.briefings.items():
        reason = left_out(briefing, profile)
        if reason == "draft":
            drafts.append(briefing_id)
        elif reason == "marking":
            restricted.append(briefing_id)
    shown = len(project.briefings) - len(drafts) - len(restricted)
    in_progress = sorted(project.in_progress)
    text = f"published {_count(shown, 'briefing')}"
    parts = []
    if drafts:
        parts.append(f"{_count(len(drafts), 'draft')}, use --drafts: {', '.join(drafts)}")
    if in_progress:
        parts.append(
            f"{_count(len(in_progress), 'draft')} in progress (values still FILL IN): {', '.join(in_progress)}"
        )
    if restricted:
        parts.append(f"{len(restricted)} above {profile.max_marking.value}: {', '.join(restricted)}")
    total = len(drafts) + len(in_progress) + len(restricted)
    if total:
        text += f"; left out {total} ({'; '.join(parts)})"
    return text


def _count(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"
