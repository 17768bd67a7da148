"""Confirming in Plex: a scanned download is `available` once Plex lists an item with a file in
its folder (through the path map), and `not_in_plex` if Plex has not listed it
`within` seconds of its completion (it becomes available if Plex lists it later).

The fourth step of a download's life (see the package's docstring). It needs no claim: its
marks (`mediahub:in-plex:<key>`, `mediahub:not-in-plex`, see `tags`) may be written by any
process, since adding a tag twice changes nothing. What Plex holds is read from MediaHub's
library index, which `library.plexwatch` keeps current (the engine follows it at the end of
each poll, after the guards, and has what it newly lists confirmed at once:
`Lifecycle.plex_listed`).
"""

from __future__ import annotations

from collections.abc import Callable
import logging

from ..clients.maindata import TorrentRecord
from ..library.index import LibraryIndex
from ..models import Stage
from .tags import NOT_IN_PLEX, in_plex

_LOGGER = logging.getLogger(__name__)


class PlexConfirmation:
    """What Plex's library says of each scanned download."""

    def __init__(
        self, library: LibraryIndex, plex_path: Callable[[str], str | None], within: float
    ) -> None:
        self.library = library
        self._plex_path = plex_path
        self.within = within  # seconds after completion Plex has to list a download
        self._unannounced: set[str] = set()  # in Plex, seen before the index was read

    def shown(self, infohash: str, stage: Stage) -> Stage:
        """The stage to show for the one qBittorrent records: a download recorded available is
        announced with the item Plex made of it, so it waits until the index is read."""
        if stage is Stage.AVAILABLE and not self.library.loaded:
            self._unannounced.add(infohash)
            return Stage.SCAN_SENT
        return stage

    def released(self) -> list[str]:
        """The downloads held back by `shown`, once the index is read (then to be seen anew)."""
        if not self.library.loaded:
            return []
        released = sorted(self._unannounced)
        self._unannounced.clear()
        return released

    def verdict(
        self, record: TorrentRecord, stage: Stage | None, now: float
    ) -> tuple[Stage, str] | None:
        """The stage a scanned (or not-in-Plex) download moves to and its mark, or None while
        it waits."""
        plex_path = self._plex_path(record.folder())
        item = self.library.holding(plex_path) if plex_path else None
        if item is not None:
            return Stage.AVAILABLE, in_plex(item.key)
        if stage is Stage.SCAN_SENT and now - max(record.completion_on, 0) > self.within:
            _LOGGER.warning(
                "Plex has not listed %s (%s) %d minutes after its scan",
                record.name,
                plex_path,
                self.within // 60,
            )
            return Stage.NOT_IN_PLEX, NOT_IN_PLEX
        return None
