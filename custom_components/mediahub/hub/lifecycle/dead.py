"""Dead downloads, announced: a grab that will not finish, because it stalled (no source and no
progress, see `stalls`) or the file guard refused it once its metadata came (see `guard`).

The lifecycle announces each dead grab once; whoever can do something about it subscribes
(grab_best's `releases.best.BestGrabs` replaces what it chose with the next-best release).
Subscribers are awaited in turn, inside the poll that found the download dead, so a
replacement is grabbed before that poll ends.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from .store import GrabRecord


@dataclass(frozen=True, slots=True)
class DeadDownload:
    """A grab that will not finish, with the record of its grab."""

    infohash: str
    reason: str  # "no peers for 31 min", "contains setup.exe"
    grab: GrabRecord


type DeadListener = Callable[[DeadDownload], Awaitable[None]]


class DeadDownloads:
    """The announcement of dead downloads, to its subscribers in the order they came."""

    def __init__(self) -> None:
        self._listeners: list[DeadListener] = []

    def subscribe(self, listener: DeadListener) -> Callable[[], None]:
        self._listeners.append(listener)
        return lambda: self._listeners.remove(listener) if listener in self._listeners else None

    async def announce(self, dead: DeadDownload) -> None:
        for listener in list(self._listeners):
            await listener(dead)
