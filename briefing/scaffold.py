"""``briefing new``: write a content file that is obviously what to fill in.

Every value to write is marked ``FILL IN``; ``briefing check`` reports each
one left, so a half-filled scaffold cannot be published by accident.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from briefing.diagnostics import ConfigError
from briefing.model import _check_id

PLACEHOLDER = "FILL IN"

BRIEFING = """\
# A new briefing. Replace every "FILL IN" value, delete the optional parts you
# do not need, then run `briefing check`. Dates are EDTF: 2021-06-27 (a day),
# 2021-06 (a month), 2021-06-27~ (about), 2021-06-27? (uncertain),
# 2021-06-27/2021-06-29 (between). The format: see README, "Writing a briefing".
title: "FILL IN: the headline"
as_of: "{today}"            # the date this briefing's information is current to
status: draft               # draft | published | archived
marking: TLP:CLEAR          # TLP:CLEAR | TLP:GREEN | TLP:AMBER | TLP:AMBER+STRICT | TLP:RED
regions: []                 # ISO country codes, e.g. [IQ, SY]
tags: []                    # ids, e.g. [iraq, militias]
related: []                 # ids of other briefings
summary: |
  FILL IN: what happened and why it matters, in a few sentences (Markdown).

key_judgments: []
#  - statement: "FILL IN: what you judge will happen"
#    likelihood: likely     # almost-no-chance ... almost-certain (ICD 203)
#    confidence: moderate   # low | moderate | high
#    basis: [first-event]

actors: {{}}
#  actor-id: "FILL IN: this actor's role in this briefing"

events:
  - id: first-event
    date: "FILL IN: an EDTF date"
    date_note: null         # how a relative or uncertain date was worked out
    title: "FILL IN: what happened, in one line"
    type: other             # from site_config/vocabularies.yaml event_types
    description: null
    actors: []              # actor ids from content/actors/
    sources: [first-source]

sources:
  - id: first-source
    kind: news-report       # from site_config/vocabularies.yaml source_kinds
    title: "FILL IN: the report's title"
    publisher: "FILL IN: who published it"
    date: null              # EDTF
    url: null               # http, https or mailto
    reliability: null       # Admiralty A-F
    credibility: null       # Admiralty 1-6
"""

ACTOR = """\
# A new actor file: a list of actors. Replace every "FILL IN" value, delete the
# optional parts you do not need, then run `briefing check`.
- id: {actor_id}
  name: "FILL IN: the full name"
  short_name: null
  kind: other               # from site_config/vocabularies.yaml actor_kinds
  country: null             # ISO country code, e.g. IR
  native_names: {{}}          # language code -> name, e.g. {{fa: ...}}
  aliases: []               # other spellings readers may search for
  affiliations: []          # ids of actors this one belongs to
  description: null
"""


def _target(content: Path, folder: str, item_id: str) -> Path:
    try:
        _check_id(item_id)
    except ValueError as exc:
        raise ConfigError(str(exc)) from None
    from briefing.existing import find_existing  # reads content only when a file is made

    where = find_existing(content, folder, item_id)
    if where is not None:
        raise ConfigError(f"{folder.rstrip('s')} id '{item_id}' already exists at {where}; choose another id")
    target = content / folder / f"{item_id}.yaml"
    if target.exists():  # never overwrite, even a file that defines other ids
        raise ConfigError(f"{target} already exists")
    target.parent.mkdir(parents=True, exist_ok=True)
    return target


def write_briefing(content: Path, briefing_id: str) -> int:
    target = _target(content, "briefings", briefing_id)
    target.write_text(BRIEFING.format(today=dt.date.today().isoformat()), encoding="utf-8")
    print(f"wrote {target}: fill in the FILL IN values, then run `briefing check`")
    return 0


def write_actor(content: Path, actor_id: str) -> int:
    target = _target(content, "actors", actor_id)
    target.write_text(ACTOR.format(actor_id=actor_id), encoding="utf-8")
    print(f"wrote {target}: fill in the FILL IN values, then run `briefing check`")
    return 0
