"""Claims: one MediaHub process does a step after completion, whichever processes run.

qBittorrent is the only thing every MediaHub process shares, and its one compare-and-set is
`torrents/createCategory`: it answers 409 when the category exists (4.5 and 5.x alike). A
claim is the category `mediahub-claim-<step>-<hash>-<generation>` (its name: `tags`):

- to claim, a process creates generation 0; whoever gets 409 leaves the step alone;
- a claim whose step is still not done `timeout` seconds after this process first saw it was
  left by a dead (or stuck) process: the next generation is created, again by exactly one;
- just before acting, the holder re-reads the categories and stands down if a newer
  generation exists (it was taken over);
- once the step's mark tag is on the torrent, the claim's categories are removed. Anyone may
  remove the claims of a marked or vanished torrent, so none outlive a crash for long.

Claim ages are measured on this process's monotonic clock from when it first saw them, so no
two machines' clocks are compared.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
import logging
import time
from typing import Final

from ..clients.maindata import split_tags
from ..clients.qbittorrent import QbittorrentClient
from .tags import Claim, parse_claim

_LOGGER = logging.getLogger(__name__)

DEFAULT_TIMEOUT: Final = 10 * 60.0


class Claims:
    """This process's view of the claims in qBittorrent, and its way to take one."""

    def __init__(
        self,
        qbittorrent: QbittorrentClient,
        *,
        timeout: float = DEFAULT_TIMEOUT,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._qbt = qbittorrent
        self.timeout = timeout
        self._clock = clock
        self._newest: dict[tuple[str, str], tuple[int, float]] = {}  # → (generation, first seen)
        self._mine: dict[tuple[str, str], Claim] = {}  # claims this process holds

    def observe(self, categories: Iterable[str]) -> None:
        """Take in the claim categories qBittorrent has now (from each poll's maindata)."""
        now = self._clock()
        present: dict[tuple[str, str], int] = {}
        for name in categories:
            if (claim := parse_claim(name)) is not None:
                key = (claim.step, claim.infohash)
                present[key] = max(present.get(key, -1), claim.generation)
        for key, generation in present.items():
            known = self._newest.get(key)
            if known is None or known[0] != generation:
                self._newest[key] = (generation, now)
        for key in set(self._newest) - set(present):
            del self._newest[key]

    async def take(self, step: str, infohash: str) -> Claim | None:
        """Claim a step (or take over a stale claim); None when another process holds it."""
        key = (step, infohash)
        known = self._newest.get(key)
        mine = self._mine.get(key)
        if mine is not None and (known is None or known[0] == mine.generation):
            return mine  # a retry (Plex was away, say)
        if known is not None and self._clock() - known[1] < self.timeout:
            return None
        claim = Claim(step, infohash, 0 if known is None else known[0] + 1)
        if not await self._qbt.create_category(claim.category):
            return None  # another process was first
        if known is not None:
            _LOGGER.info("Took over a stale %s claim on %s", step, infohash)
        self._newest[key] = (claim.generation, self._clock())
        self._mine[key] = claim
        return claim

    async def still_mine(self, claim: Claim, marks: Iterable[str]) -> bool:
        """Read from qBittorrent now: the step is not marked done (a holder may have finished
        and released it between this process's poll and its claim) and no newer generation
        took the claim over."""
        tags = await self._qbt.tags_of(claim.infohash)
        if tags is None or not set(marks).isdisjoint(split_tags(tags)):
            return False
        return await self.not_taken_over(claim)

    async def not_taken_over(self, claim: Claim) -> bool:
        """Read from qBittorrent now: no newer generation took the claim over."""
        for name in await self._qbt.category_names():
            other = parse_claim(name)
            if (
                other is not None
                and (other.step, other.infohash) == (claim.step, claim.infohash)
                and other.generation > claim.generation
            ):
                return False
        return True

    async def release(self, step: str, infohash: str, categories: Iterable[str]) -> None:
        """Remove every generation of a finished step's claim (`categories` from the last poll,
        plus this process's own, which that poll may predate)."""
        names = {
            name
            for name in categories
            if (c := parse_claim(name)) is not None and (c.step, c.infohash) == (step, infohash)
        }
        if (mine := self._mine.pop((step, infohash), None)) is not None:
            names.add(mine.category)
        if names:
            await self._qbt.remove_categories(sorted(names))
        self._newest.pop((step, infohash), None)

    async def sweep(self, categories: Iterable[str], finished: Callable[[Claim], bool]) -> None:
        """Remove claims whose step is finished or whose torrent is gone (a crash's leftovers)."""
        names = [
            name
            for name in categories
            if (claim := parse_claim(name)) is not None and finished(claim)
        ]
        if names:
            await self._qbt.remove_categories(names)
