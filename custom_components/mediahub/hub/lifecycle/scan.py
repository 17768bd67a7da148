"""The step due after a managed download completes: a partial Plex scan of exactly its folder,
claimed first so that one MediaHub process sends it (see `claims`), and marked done with
`mediahub:scan-sent` or `mediahub:no-library` (`tags.SCAN_MARKS`). The third step of a
download's life (see the package's docstring); the scan itself is sent by `scanner`."""

from __future__ import annotations

from collections.abc import Callable, Iterable
import logging
from typing import Final

from ..clients.maindata import TorrentRecord
from ..errors import MediaHubError
from ..models import Stage
from .claims import Claims
from .scanner import LibraryScanner
from .tags import SCAN_MARKS, Claim, ClaimStep

_LOGGER = logging.getLogger(__name__)

SCAN_RETRY_AFTER: Final = 30.0


class ScanStep:
    """Claim, scan, and say which stage it ended in; the caller writes that stage's mark."""

    def __init__(
        self, claims: Claims, scanner: LibraryScanner, wall_clock: Callable[[], float]
    ) -> None:
        self._claims = claims
        self._scanner = scanner
        self._now = wall_clock
        self._retry_at: dict[str, float] = {}
        self._unmarked: dict[str, Stage] = {}  # scanned here, its mark not yet written

    async def run(self, infohash: str, record: TorrentRecord) -> Stage | None:
        """The stage the step ended in, or None when it is not this process's to do now
        (another holds the claim, or Plex is away and a retry is due later)."""
        if (done := self._unmarked.get(infohash)) is not None:
            return done
        now = self._now()
        if self._retry_at.get(infohash, 0) > now:
            return None
        claim = await self._claims.take(ClaimStep.SCAN, infohash)
        if claim is None or not await self._claims.still_mine(claim, SCAN_MARKS.values()):
            return None
        try:
            library = await self._scanner.scan_folder(record.folder())
        except MediaHubError as err:
            if infohash not in self._retry_at:
                _LOGGER.warning("Plex scan of %s failed (%s); will retry", record.name, err)
            self._retry_at[infohash] = now + SCAN_RETRY_AFTER
            return None  # the claim is kept: this process retries
        done = self._unmarked[infohash] = (
            Stage.SCAN_SENT if library is not None else Stage.NO_LIBRARY
        )
        return done

    async def marked(self, infohash: str, categories: Iterable[str]) -> None:
        """Its mark is written: let the claim go."""
        self._unmarked.pop(infohash, None)
        self._retry_at.pop(infohash, None)
        await self._claims.release(ClaimStep.SCAN, infohash, categories)

    async def sweep(self, categories: Iterable[str], finished: Callable[[Claim], bool]) -> None:
        """Remove claims left behind on finished or vanished downloads (after a crash)."""
        try:
            await self._claims.sweep(categories, finished)
        except MediaHubError as err:
            _LOGGER.debug("Could not remove finished claims: %s", err)
