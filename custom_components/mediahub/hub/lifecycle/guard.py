"""The file-list guard, run before a byte of payload is written (see `releases.files`).

A .torrent is judged at the grab, from its own file list: refused at once, or added stopped
when some files are outside its category's allowlist (or samples, extras), to be set to "do
not download" and started by the next poll. A
magnet is added with qBittorrent's "stop when metadata is received" condition (4.5 and 5.x);
once its metadata is in, the next poll reads its files, and refuses it (removed with its
files, none of which has a byte yet) or starts it. Torrents waiting for this carry the tag
`mediahub:guard` (`tags.GUARD`); the step is claimed (see `claims`) so one MediaHub process
does it. The first step of a download's life (see the package's docstring); a torrent refused
here is dead, and announced as such by the lifecycle (`dead`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
import logging
from typing import Final

from ..clients.maindata import TorrentRecord, split_tags
from ..clients.qbittorrent import QbittorrentClient
from ..errors import InvalidInputError, MediaHubError
from ..events import EventBus, ReleaseRefused
from ..models import GrabResult
from ..releases.files import FileVerdict, TorrentFile, judge, kind_of
from .claims import Claims
from .tags import GUARD, ClaimStep, origin_of, without_tag
from .torrentfile import TorrentMeta

_LOGGER = logging.getLogger(__name__)

# The translation key of each refusal (`FileVerdict.refused`): Home Assistant's exception,
# the panel's error. An executable keeps the first key, `release_refused`.
REFUSAL_KEYS: Final = {
    "executable": "release_refused",
    "deceptive": "release_refused_deceptive",
    "password": "release_refused_password",
    "archives_only": "release_refused_archive",
    "not_video": "release_refused_not_video",
    "no_video": "release_refused_no_video",
    "no_media": "release_refused_no_media",
}
# Both spellings of a stopped download: 5.x, then 4.x.
_STOPPED: Final = frozenset({"stoppedDL", "pausedDL"})


class ReleaseRefusedError(InvalidInputError):
    """What the torrent holds is dangerous or useless: nothing of it was downloaded."""

    def __init__(self, name: str, verdict: FileVerdict) -> None:
        super().__init__(
            refusal_key(verdict),
            f"{name}: refused, {verdict.text}",
            values={"name": name, "file": verdict.offender or name},
        )
        self.reason = verdict.text

    def event(self, grab: GrabResult) -> ReleaseRefused:
        """The engine's event saying so, for `grab`."""
        return ReleaseRefused(grab, self.reason, self.code, self.values["file"])


def refusal_key(verdict: FileVerdict) -> str:
    """The translation key of a refusal (`release_refused` for a key this table lacks)."""
    return REFUSAL_KEYS.get(verdict.refused or "", "release_refused")


@dataclass(frozen=True, slots=True)
class Delivery:
    """How a grab goes into qBittorrent so the guard sees its files first."""

    tags: tuple[str, ...]
    stopped: bool = False
    stop_at_metadata: bool = False


def checked(meta: TorrentMeta, category: str | None) -> FileVerdict:
    """The verdict on a .torrent's files (a magnet's are not known yet: nothing to refuse);
    raises ReleaseRefusedError when they are refused."""
    verdict = judge(meta.files, kind_of(category))
    if meta.files and verdict.refused:
        raise ReleaseRefusedError(meta.name, verdict)
    return verdict


def delivery(meta: TorrentMeta, category: str | None, tags: tuple[str, ...]) -> Delivery:
    """How to add it; raises ReleaseRefusedError for a .torrent whose files are refused."""
    if not meta.files:  # a magnet: its files are known once its metadata arrives
        return Delivery((*tags, GUARD), stop_at_metadata=True)
    verdict = checked(meta, category)
    if verdict.skip:
        return Delivery((*tags, GUARD), stopped=True)
    return Delivery(tags)


def waiting(record: TorrentRecord) -> bool:
    """Tagged for the guard, with its file list known and nothing downloading yet."""
    return GUARD in split_tags(record.tags) and record.state in _STOPPED and record.size > 0


class FileGuard:
    """The poll's half: check the files of guarded torrents whose metadata is in."""

    def __init__(self, qbittorrent: QbittorrentClient, claims: Claims, events: EventBus) -> None:
        self._qbt = qbittorrent
        self._claims = claims
        self._events = events
        self._waiting: set[str] = set()  # tagged for the guard, not checked yet

    def due(
        self, torrents: Mapping[str, TorrentRecord], touched: Iterable[str], removed: Iterable[str]
    ) -> list[tuple[str, TorrentRecord]]:
        """The torrents to check now: waiting for the guard, with their metadata in (those a
        poll `touched` join the ones still waiting from before)."""
        for infohash in touched:
            if waiting(torrents[infohash]):
                self._waiting.add(infohash)
        self._waiting.difference_update(removed)
        due = []
        for infohash in list(self._waiting):
            record = torrents.get(infohash)
            if record is None or not waiting(record):
                self._waiting.discard(infohash)
                continue
            due.append((infohash, record))
        return due

    async def run(
        self, infohash: str, record: TorrentRecord, categories: Callable[[], Iterable[str]]
    ) -> FileVerdict | None:
        """Check one waiting torrent: refuse (remove) or start it, and say which. None when it
        is to be tried again at the next poll (another process holds the step, or qBittorrent
        failed)."""
        claim = await self._claims.take(ClaimStep.GUARD, infohash)
        if claim is None:
            return None
        verdict = await self._check(infohash, record, categories)
        if verdict is not None:
            self._waiting.discard(infohash)
        return verdict

    async def _check(
        self, infohash: str, record: TorrentRecord, categories: Callable[[], Iterable[str]]
    ) -> FileVerdict | None:
        try:
            files = [TorrentFile(i, n, s) for i, n, s in await self._qbt.files(infohash)]
            verdict = judge(files, kind_of(record.category))
            if verdict.refused:
                await self._qbt.delete([infohash], delete_files=True)
                tags = split_tags(record.tags)
                _LOGGER.warning("Refused %s: %s", record.name, verdict.text)
                grab = GrabResult(
                    infohash,
                    record.name,
                    record.category or None,
                    queued=False,
                    origin=origin_of(tags),
                )
                self._events.emit(ReleaseRefusedError(record.name, verdict).event(grab))
                return verdict
            if verdict.skip:
                await self._qbt.skip_files(infohash, verdict.skip)
            await self._qbt.remove_tags([infohash], [GUARD])
            await self._qbt.start([infohash])
        except MediaHubError as err:
            _LOGGER.debug("The file check of %s waits (%s)", record.name, err.reason)
            return None
        else:
            record.tags = without_tag(record.tags, GUARD)
            return verdict
        finally:
            await self._claims.release(ClaimStep.GUARD, infohash, categories())
