"""Organizing for Plex: once a grab's file list is known, its files are renamed inside
qBittorrent to the names Plex expects (`releases.naming`). qBittorrent moves what is already on
disk and keeps seeding from the new paths: no copy, no hardlink.

It runs after the file-list guard (a torrent still waiting for it is not touched) and before
the scan (a completed download waits for it, so Plex is asked to scan the organized folder). The
step is claimed (see `claims`) so one MediaHub process does it, and marked done with the tag
`mediahub:organized` (`tags.ORGANIZED`), which every process reads. The second step of a
download's life (see the package's docstring).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
import logging
from pathlib import PurePosixPath
from typing import Final

from ..clients.maindata import TorrentRecord, split_tags
from ..clients.qbittorrent import QbittorrentClient
from ..errors import InvalidInputError, MediaHubError
from ..models import DownloadStatus, status_of
from ..releases.files import TorrentFile
from ..releases.naming import Layout, layout
from .claims import Claims
from .tags import GUARD, ORGANIZED, ClaimStep, grabbed, with_tag

_LOGGER = logging.getLogger(__name__)

RETRY_AFTER: Final = 30.0
# States in which qBittorrent's file list is final and a rename is safe.
_UNSETTLED: Final = frozenset(
    {DownloadStatus.METADATA, DownloadStatus.CHECKING, DownloadStatus.MOVING}
)


def organized(tags: Iterable[str]) -> bool:
    return ORGANIZED in tags


class Organizer:
    """Rename the files of the downloads in the categories it organizes."""

    def __init__(
        self,
        qbittorrent: QbittorrentClient,
        claims: Claims,
        categories: Iterable[str],
        wall_clock: Callable[[], float],
        in_plex: Callable[[str], bool] = lambda _path: False,
    ) -> None:
        self._qbt = qbittorrent
        # Whether Plex lists a file at a qBittorrent path: a name never taken over from a copy
        # Plex has (an upgrade's new copy beside the old one).
        self._in_plex = in_plex
        self._claims = claims
        self.categories = frozenset(categories)
        self._now = wall_clock
        self._retry_at: dict[str, float] = {}
        self._renamed: dict[str, Layout] = {}  # renames sent, not yet seen done
        self._pending: set[str] = set()  # due, not done yet

    def wanted(self, record: TorrentRecord) -> bool:
        """In a category it organizes and not organized yet (managed is the caller's check)."""
        return record.category in self.categories and not organized(split_tags(record.tags))

    def due(self, record: TorrentRecord) -> bool:
        """Grabbed by MediaHub and still to be organized. Only its own grabs: a torrent of an
        adopted category is Sonarr's or Radarr's, which import it from the names it has."""
        return grabbed(split_tags(record.tags)) and self.wanted(record)

    def pending(self, infohash: str) -> bool:
        """Seen due and not done yet: its completion and its scan wait."""
        return infohash in self._pending

    def ready_now(
        self, torrents: Mapping[str, TorrentRecord], touched: Iterable[str], removed: Iterable[str]
    ) -> list[tuple[str, TorrentRecord]]:
        """The downloads to organize now: due (those a poll `touched` join the ones pending
        from before), with their file list final."""
        for infohash in touched:
            if self.due(torrents[infohash]):
                self._pending.add(infohash)
        self._pending.difference_update(removed)
        ready = []
        for infohash in sorted(self._pending):
            record = torrents.get(infohash)
            if record is None or not self.wanted(record):
                self._pending.discard(infohash)
                continue
            if self.ready(record):
                ready.append((infohash, record))
        return ready

    def ready(self, record: TorrentRecord) -> bool:
        """Its file list is known and final: metadata in, past the file guard, not checking."""
        return (
            record.size > 0
            and GUARD not in split_tags(record.tags)
            and status_of(record.state) not in _UNSETTLED
        )

    async def run(
        self,
        infohash: str,
        record: TorrentRecord,
        others: Mapping[str, TorrentRecord],
        categories: Callable[[], Iterable[str]],
    ) -> bool:
        """Organize one download; True once it is done (or can't be, and is left as it is)."""
        if self._retry_at.get(infohash, 0) > self._now():
            return False
        claim = await self._claims.take(ClaimStep.ORGANIZE, infohash)
        if claim is None or not await self._claims.still_mine(claim, (ORGANIZED,)):
            return False
        try:
            done = await self._organize(infohash, record, others)
        except MediaHubError as err:
            _LOGGER.debug("Organizing %s waits (%s)", record.name, err.reason)
            self._retry_at[infohash] = self._now() + RETRY_AFTER
            return False
        if not done:
            return False  # the claim is kept: the next poll looks again
        try:
            await self._qbt.add_tags([infohash], [ORGANIZED])
        except MediaHubError as err:
            _LOGGER.debug("Organizing %s waits (%s)", record.name, err.reason)
            return False
        finally:
            await self._claims.release(ClaimStep.ORGANIZE, infohash, categories())
        self._renamed.pop(infohash, None)
        self._retry_at.pop(infohash, None)
        self._pending.discard(infohash)
        record.tags = with_tag(record.tags, ORGANIZED)
        return True

    async def _organize(
        self, infohash: str, record: TorrentRecord, others: Mapping[str, TorrentRecord]
    ) -> bool:
        """Send the renames (once) and say whether qBittorrent has made them."""
        files = [TorrentFile(i, n, s) for i, n, s in await self._qbt.files(infohash)]
        plan = self._renamed.get(infohash)
        if plan is None:
            plan = layout(
                record.name,
                files,
                episodes=record.category == "tv",
                taken=_taken_by(infohash, record, others, self._in_plex),
            )
            if plan is None:
                _LOGGER.info("%s: its name says too little to name it for Plex", record.name)
                return True
            try:
                for rename in plan.renames:
                    await self._qbt.rename_file(infohash, rename.old, rename.new)
            except InvalidInputError as err:
                # A name qBittorrent refused (a file already there): leave the rest as it is.
                _LOGGER.warning("Could not organize %s: %s", record.name, err.reason)
                return True
            self._renamed[infohash] = plan
            files = [TorrentFile(i, n, s) for i, n, s in await self._qbt.files(infohash)]
        # qBittorrent renames on disk after it answers: done once it lists the new names.
        done = {r.new for r in plan.renames} <= {f.name for f in files}
        if done:
            _LOGGER.info("Organized %s as %s", record.name, plan.folder)
        return done


def _taken_by(
    infohash: str,
    record: TorrentRecord,
    others: Mapping[str, TorrentRecord],
    in_plex: Callable[[str], bool],
) -> Callable[[str], bool]:
    """Whether another download in the same save path holds a path (or its folder: a
    multi-file torrent's content path is its folder, whose file names are not in the model),
    or Plex lists a file there."""
    save = PurePosixPath(record.save_path)
    held = [
        PurePosixPath(other.content_path)
        for key, other in others.items()
        if key != infohash and PurePosixPath(other.save_path) == save and other.content_path
    ]

    def taken(relative: str) -> bool:
        path = save / relative
        return in_plex(str(path)) or any(
            h == path or (h in path.parents and h != save) for h in held
        )

    return taken
