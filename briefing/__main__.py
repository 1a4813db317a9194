"""``python -m briefing`` and the ``briefing`` command."""

import sys


def run() -> None:
    try:
        from briefing.cli import main
    except KeyboardInterrupt:  # Ctrl-C while starting up: nothing has begun, so nothing to clean up
        sys.exit(130)
    main()


if __name__ == "__main__":
    run()
