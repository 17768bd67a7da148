"""`python -m sidecar`: run the LAN panel with settings from MEDIAHUB_* variables."""

from __future__ import annotations

import logging
import os
import sys

from hub import Settings, SettingsError

from .app import run


def main() -> int:
    """Start the panel; a bad setting is reported and exits with status 2."""
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    try:
        settings = Settings.from_env(os.environ)
    except SettingsError as err:
        print(f"mediahub panel: {err}", file=sys.stderr)  # noqa: T201
        return 2
    run(settings)
    return 0


if __name__ == "__main__":
    sys.exit(main())
