"""The ``briefing`` command: for ``build``, fork the early generation before anything else loads.

The child (:mod:`briefing.early`) then imports the stages while this process
imports the command line and MkDocs, instead of after. Any other command, and
anything unusual on the command line, goes straight to :mod:`briefing.cli`.
"""

from __future__ import annotations

import sys


def main() -> None:
    args = sys.argv[1:]
    if args[:1] == ["build"] and not {"-h", "--help"} & set(args):
        from briefing import early

        early.begin()
    from briefing.cli import main as cli

    cli()
