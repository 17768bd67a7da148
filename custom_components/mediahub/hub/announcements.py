"""What a host has announced about each download, so each announcement is made once.

Every MediaHub process observes every download (see `pipeline`), so each would announce it.
A host that announces to the outside (Home Assistant fires events for automations) keeps this
ledger in its own store: an announcement is made the first time that host sees the fact, also
when it happened while the host was not running, and never again after a restart.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, Final

LEDGER_VERSION: Final = 1


class Announcements:
    """Download hash → the kinds announced ("added", "completed", …)."""

    def __init__(self, saved: Mapping[str, Any] | None) -> None:
        self._made: dict[str, set[str]] = {
            str(h): set(kinds) for h, kinds in ((saved or {}).get("downloads") or {}).items()
        }
        # The first run takes note of what already exists without announcing it: installing
        # MediaHub must not replay the history of every torrent.
        self.quiet = saved is None
        self.dirty = False

    def __len__(self) -> int:
        return len(self._made)

    def first(self, infohash: str, kind: str) -> bool:
        """Record an announcement; True when the host should make it now."""
        made = self._made.setdefault(infohash, set())
        if kind in made:
            return False
        made.add(kind)
        self.dirty = True
        return not self.quiet

    def forget(self, hashes: Iterable[str]) -> None:
        """Downloads gone from qBittorrent: a re-download is a new life, announced anew."""
        for infohash in hashes:
            if self._made.pop(infohash, None) is not None:
                self.dirty = True

    def keep_only(self, present: Iterable[str]) -> None:
        self.forget(set(self._made) - set(present))

    def as_json(self) -> dict[str, Any]:
        self.dirty = False
        return {"downloads": {h: sorted(kinds) for h, kinds in self._made.items()}}
