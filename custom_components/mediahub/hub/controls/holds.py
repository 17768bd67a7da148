"""The guards: downloads held back while the VPN is not confirmed or the disk is short of room.

A guard stops torrents and starts again exactly those it stopped. qBittorrent is the record:
each torrent a guard stops carries its `mediahub:held:<reason>` tag, written before the stop,
so a restarted MediaHub, or another one (Home Assistant and the panel), releases what this
one held, and never a torrent someone else stopped. A torrent held for two reasons starts
when both are gone.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Final

from ..clients.maindata import MaindataModel, TorrentRecord, split_tags
from ..clients.qbittorrent import QbittorrentClient
from ..errors import InvalidInputError
from ..lifecycle.tags import held_tag, hold_of, with_tag, without_tag
from ..models import DownloadStatus, Hold, status_of

# What a guard stops: what transfers, or will once the queue lets it. Not what is checking
# (no transfer, and a stopped torrent being checked must stay a person's stop) nor an unknown
# state: if either starts to transfer, the next poll sees it and stops it.
_RUNNING: Final = frozenset(
    {
        DownloadStatus.DOWNLOADING,
        DownloadStatus.SEEDING,
        DownloadStatus.QUEUED,
        DownloadStatus.STALLED,
        DownloadStatus.METADATA,
    }
)
# Downloads held for space start again only when this much more than the minimum is free,
# so that they don't stop and start on every poll around the line.
RESUME_ABOVE: Final = 1.25


def has_tag(record: TorrentRecord, tag: str) -> bool:
    # The substring test first: a poll checks every torrent, and almost none is held.
    return tag in record.tags and tag in split_tags(record.tags)


def _running(record: TorrentRecord) -> bool:
    return status_of(record.state) in _RUNNING


def _growing(record: TorrentRecord) -> bool:
    return _running(record) and record.progress < 1


# What each guard holds back when it runs: the VPN guard every transfer (seeding shows the
# address too), the disk guard what still writes.
_CONCERNS: Final[dict[Hold, Callable[[TorrentRecord], bool]]] = {
    Hold.VPN: lambda _record: True,
    Hold.DISK: lambda record: record.progress < 1,
}


@dataclass(frozen=True, slots=True)
class FreeSpace:
    """qBittorrent's free space, as it last reported it and as this poll estimates it."""

    reported: int
    estimated: int


class DiskWatch:
    """Free space on qBittorrent's save path, estimated between its reports.

    qBittorrent measures free space only every few seconds to half a minute; what downloads
    wrote since its last report is taken off that figure, so a filling disk is seen at once.
    """

    def __init__(self) -> None:
        self._reported: int | None = None
        self._written_then = 0

    def observe(self, model: MaindataModel) -> FreeSpace | None:
        reported = model.transfer().free_space
        if reported is None:
            return None
        written = sum(int(r.downloaded) for r in model.torrents.values())
        if reported != self._reported:
            self._reported, self._written_then = reported, written
        return FreeSpace(reported, reported - max(0, written - self._written_then))


def gigabytes(size: int) -> str:
    """12.4 GB (or 640.0 MB): sizes in messages, in the decimal units disks are sold in."""
    if abs(size) < 1e9:
        return f"{size / 1e6:.1f} MB"
    return f"{size / 1e9:.1f} GB"


class Guards:
    """Applies the holds each poll: stop what a guard wants stopped, release what it no
    longer does."""

    def __init__(self, qbittorrent: QbittorrentClient, *, min_free: int) -> None:
        self._qbt = qbittorrent
        self.min_free = min_free  # bytes; 0 turns the disk guard off
        self.disk = DiskWatch()

    def wanted(
        self, model: MaindataModel, *, vpn_confirmed: bool | None, vpn_guard: bool
    ) -> frozenset[Hold]:
        """The holds due now. `vpn_confirmed` None: no VPN to guard (gluetun not set up)."""
        holds = set()
        if vpn_guard and vpn_confirmed is False:
            holds.add(Hold.VPN)
        free = self.disk.observe(model)
        if self.min_free > 0 and free is not None:
            held = any(has_tag(r, held_tag(Hold.DISK)) for r in model.torrents.values())
            line = self.min_free * RESUME_ABOVE if held else self.min_free
            if free.estimated < line:
                holds.add(Hold.DISK)
        return frozenset(holds)

    def check_room(self, size: int, model: MaindataModel) -> None:
        """Refuse a grab of `size` bytes that would leave less than the minimum free, counting
        what running downloads still have to write. Unknown free space passes (the grab waits
        in the outbox, and the disk guard still watches)."""
        free = self.disk.observe(model)
        if free is None or size <= 0:
            return
        pending = sum(int(r.amount_left) for r in model.torrents.values() if _growing(r))
        available = max(0, free.estimated - pending)
        needed = size + self.min_free
        if needed > available:
            raise InvalidInputError(
                "not_enough_space",
                f"not enough free space: needs {gigabytes(needed)}, {gigabytes(available)} free",
                values={
                    "needed": gigabytes(needed),
                    "free": gigabytes(available),
                    # The bytes too, for a host that says sizes in its own language.
                    "needed_bytes": str(needed),
                    "free_bytes": str(available),
                },
            )

    async def apply(self, model: MaindataModel, holds: frozenset[Hold]) -> set[str]:
        """Stop and tag for each hold in `holds`; untag (and start, when nothing else holds
        them) for the others. Returns the torrents whose hold changed."""
        touched: set[str] = set()
        for hold in Hold:
            tag = held_tag(hold)
            if hold in holds:
                concerns = _CONCERNS[hold]
                targets = [h for h, r in model.torrents.items() if _running(r) and concerns(r)]
                if targets:
                    untagged = [h for h in targets if not has_tag(model.torrents[h], tag)]
                    if untagged:
                        await self._qbt.add_tags(untagged, [tag])  # the record first
                        retag(model, untagged, add=tag)
                    await self._qbt.stop(targets)
                    touched.update(untagged)
                continue
            tagged = [h for h, r in model.torrents.items() if has_tag(r, tag)]
            if not tagged:
                continue
            retag(model, tagged, remove=tag)
            free = [h for h in tagged if held_by(model.torrents[h]) is None]
            for other in holds:  # still held for another reason: that guard's now
                kept = [h for h in free if _CONCERNS[other](model.torrents[h])]
                if kept:
                    await self._qbt.add_tags(kept, [held_tag(other)])
                    retag(model, kept, add=held_tag(other))
                    free = [h for h in free if h not in kept]
            if free:
                await self._qbt.start(free)
            await self._qbt.remove_tags(tagged, [tag])  # last: a crash before it starts them again
            touched.update(tagged)
        return touched


def retag(
    model: MaindataModel,
    hashes: Iterable[str],
    *,
    add: str | None = None,
    remove: str | None = None,
) -> None:
    """What qBittorrent now records, seen before the next poll says so."""
    for infohash in hashes:
        record = model.torrents[infohash]
        if remove is not None:
            record.tags = without_tag(record.tags, remove)
        if add is not None:
            record.tags = with_tag(record.tags, add)


def held_by(record: TorrentRecord) -> Hold | None:
    """The guard that stopped it, if one did."""
    return hold_of(split_tags(record.tags))


def concerns(hold: Hold, record: TorrentRecord) -> bool:
    """Whether `hold` keeps this torrent from running."""
    return _CONCERNS[hold](record)
