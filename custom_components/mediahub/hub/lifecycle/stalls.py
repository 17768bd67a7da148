"""Dead downloads: no source of the data and no progress for a while.

A download is stalled when it is not complete, is meant to be downloading (not stopped by a
person, not queued), no peer that has the whole of it is connected, and nothing moved for
`after` (default 30 minutes), or `metadata_after` when a magnet's metadata never arrived
(default 10). The check runs every `interval` seconds rather than every poll: a stall is
measured in minutes, and 2,000 idle torrents should not cost each poll anything.

The fifth step of a download's life (see the package's docstring): both UIs show why a
download is stalled, and the lifecycle announces a stalled grab as dead (`dead`), once.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Final

from ..clients.maindata import TorrentRecord
from ..models import DownloadStatus, Stall, status_of

_ACTIVE: Final = frozenset(
    {DownloadStatus.DOWNLOADING, DownloadStatus.STALLED, DownloadStatus.METADATA}
)


@dataclass(frozen=True, slots=True)
class StallRule:
    """How long without a source and without progress makes a download dead (seconds)."""

    after: float = 30 * 60
    metadata_after: float = 10 * 60

    @property
    def interval(self) -> float:
        return min(30.0, self.metadata_after / 2, self.after / 2)

    def reason(self, record: TorrentRecord, now: float) -> Stall | None:
        """Why the download is stalled, or None when it is not."""
        if record.progress >= 1 or status_of(record.state) not in _ACTIVE:
            return None
        no_metadata = status_of(record.state) is DownloadStatus.METADATA or record.size <= 0
        if not no_metadata and record.num_seeds > 0:
            return None
        idle = now - max(record.added_on, record.last_activity)
        if idle < (self.metadata_after if no_metadata else self.after):
            return None
        return Stall(metadata=no_metadata, minutes=int(idle // 60))


@dataclass
class Stalls:
    """The stalled downloads among the incomplete ones, checked every `rule.interval`."""

    rule: StallRule
    reasons: dict[str, Stall] = field(default_factory=dict)
    _checked_at: float = 0.0

    def due(self, now: float) -> bool:
        return now - self._checked_at >= self.rule.interval

    def check(self, records: Iterable[tuple[str, TorrentRecord]], now: float) -> set[str]:
        """Re-judge these downloads; the hashes whose stalled reason appeared or went away."""
        self._checked_at = now
        changed = set()
        for infohash, record in records:
            reason = self.rule.reason(record, now)
            if self.reasons.get(infohash) != reason:
                changed.add(infohash)
                if reason is None:
                    del self.reasons[infohash]
                else:
                    self.reasons[infohash] = reason
        return changed

    def forget(self, hashes: Iterable[str]) -> None:
        for infohash in hashes:
            self.reasons.pop(infohash, None)
