"""The VPN audit: for each download, whether every byte it moved moved under a confirmed VPN.

Evidence, not belief. Each poll brings the bytes each changed torrent has moved since the last
poll (`sync/maindata` carries exactly those changes) and the VPN's state at this poll.
qBittorrent counts bytes a moment late (its stats refresh every 1.5 s), so bytes first counted
at a poll may have moved up to COUNTER_LAG before the poll before it. They count as verified
only when every poll over that whole stretch saw the VPN confirmed; otherwise as unprotected,
with the time they were first seen. Polls are what MediaHub watched: bytes that may have moved
while it was not running, or with polls too far apart to vouch for the time between, count as
unwatched, a gap, and never as verified. The audit is kept in this process's state folder
(each MediaHub vouches only for what it saw) and written when a verdict changes, every half
minute while bytes move, and on a clean stop.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterable, Mapping
from dataclasses import asdict, dataclass, fields
import json
import logging
from pathlib import Path
import time
from typing import Final

from ..clients.maindata import TorrentRecord
from ..lifecycle.store import write_atomic
from ..models import AuditState, TransferAudit

_LOGGER = logging.getLogger(__name__)

AUDIT_FILE: Final = "vpn_audit.json"
# Polls further apart than this don't vouch for the time between them.
MAX_UNWATCHED: Final = 90.0
# How late qBittorrent may count a byte (its refresh interval is 1.5 s), with room to spare.
COUNTER_LAG: Final = 5.0
SAVE_EVERY: Final = 30.0


@dataclass(slots=True)
class Ledger:
    """One torrent's account: its bytes moved at the last poll and how they were judged."""

    transferred: int = 0
    verified: int = 0
    unprotected: int = 0
    unprotected_at: float | None = None
    unwatched: int = 0
    unwatched_from: float | None = None
    unwatched_to: float | None = None

    def verdict(self) -> TransferAudit:
        if self.unprotected:
            state = AuditState.UNPROTECTED
        elif self.unwatched:
            state = AuditState.GAP
        elif self.verified:
            state = AuditState.VERIFIED
        else:
            state = AuditState.NOTHING_YET
        return TransferAudit(
            state,
            verified_bytes=self.verified,
            unprotected_bytes=self.unprotected,
            unprotected_at=self.unprotected_at,
            unwatched_bytes=self.unwatched,
            unwatched_from=self.unwatched_from,
            unwatched_to=self.unwatched_to,
        )

    def account(
        self, moved: int, *, watched: bool, confirmed: bool, since: float | None, now: float
    ) -> None:
        """Judge bytes counted since `since` (the last poll): `confirmed` when the VPN was
        confirmed over all the time they may have moved in."""
        if not watched:
            self.unwatched += moved
            if self.unwatched_from is None:
                self.unwatched_from, self.unwatched_to = since, now
        elif confirmed:
            self.verified += moved
        else:
            self.unprotected += moved
            if self.unprotected_at is None:
                self.unprotected_at = now


class VpnAudit:
    """The ledgers of every torrent this process has seen move a byte."""

    def __init__(
        self,
        state_dir: Path,
        *,
        wall_clock: Callable[[], float] = time.time,
        max_unwatched: float = MAX_UNWATCHED,
    ) -> None:
        self._path = state_dir / AUDIT_FILE
        self._now = wall_clock
        self._max_unwatched = max_unwatched
        self._ledgers: dict[str, Ledger] = {}
        self._last_poll: float | None = None  # when this process (or its last run) polled
        self._resumed = True  # the next poll follows a start: what came before is unwatched
        # Since when polls have followed each other closely, and saw the VPN confirmed.
        self._watching_since = 0.0
        self._confirmed_since: float | None = None
        self._saved_at = 0.0
        self._dirty = False

    async def load(self) -> None:
        self._ledgers, self._last_poll = await asyncio.to_thread(self._read)
        self._resumed = True

    def _read(self) -> tuple[dict[str, Ledger], float | None]:
        try:
            raw = json.loads(self._path.read_text())
            names = {f.name for f in fields(Ledger)}
            ledgers = {
                h: Ledger(**{k: v for k, v in entry.items() if k in names})
                for h, entry in raw["ledgers"].items()
            }
            return ledgers, float(raw["last_poll"])
        except FileNotFoundError:
            return {}, None
        except (ValueError, KeyError, TypeError) as err:
            # Lost evidence is shown as a gap, never as verified: the ledgers start over and
            # every torrent that has moved bytes is judged unwatched at the next poll.
            _LOGGER.warning(
                "The VPN audit in %s was unreadable (%s); starting over", self._path, err
            )
            return {}, None

    def verdict(self, infohash: str) -> TransferAudit:
        ledger = self._ledgers.get(infohash)
        return ledger.verdict() if ledger else TransferAudit(AuditState.NOTHING_YET)

    async def observe(
        self,
        torrents: Mapping[str, TorrentRecord],
        touched: Iterable[str],
        removed: Iterable[str],
        *,
        confirmed: bool,
        full: bool,
    ) -> set[str]:
        """One poll: `touched` torrents changed since the last one (every torrent when `full`).
        Returns those whose verdict changed."""
        now = self._now()
        since = self._last_poll
        if self._resumed or since is None or now - since > self._max_unwatched:
            self._watching_since = now
        if not confirmed:
            self._confirmed_since = None
        elif self._confirmed_since is None:
            self._confirmed_since = now
        vouched_from = (since or now) - COUNTER_LAG  # when bytes counted now may have moved
        watched = self._watching_since <= vouched_from
        protected = self._confirmed_since is not None and self._confirmed_since <= vouched_from
        self._last_poll, self._resumed = now, False
        changed: set[str] = set()
        # A full update lists every torrent: ledgers of torrents removed while this process
        # was away go too.
        gone = [h for h in self._ledgers if h not in torrents] if full else removed
        for infohash in gone:
            if self._ledgers.pop(infohash, None) is not None:
                self._dirty = True
        for infohash in torrents if (full or not watched) else touched:
            record = torrents.get(infohash)
            if record is None:
                continue
            total = record.transferred
            ledger = self._ledgers.get(infohash)
            if ledger is None:
                if total <= 0:
                    continue
                # Bytes moved before this MediaHub first saw the torrent.
                ledger = self._ledgers[infohash] = Ledger()
            moved = total - ledger.transferred
            ledger.transferred = total
            self._dirty = True
            if moved <= 0:
                continue  # nothing moved (or qBittorrent re-counted after a recheck)
            before = ledger.verdict().state
            ledger.account(
                moved,
                watched=watched,
                confirmed=protected,
                since=since or float(record.added_on) or None,
                now=now,
            )
            if ledger.verdict().state is not before:
                changed.add(infohash)
        if changed or (self._dirty and now - self._saved_at >= SAVE_EVERY):
            await self.save()
        return changed

    def vouching(self) -> bool:
        """Whether bytes counted at the next poll can be verified: MediaHub has been watching,
        with the VPN confirmed, for longer than qBittorrent's counting lag."""
        last = self._last_poll
        return (
            last is not None
            and not self._resumed
            and self._watching_since <= last - COUNTER_LAG
            and self._confirmed_since is not None
            and self._confirmed_since <= last - COUNTER_LAG
        )

    async def save(self) -> None:
        if not self._dirty or self._last_poll is None:
            return
        data = json.dumps(
            {
                "last_poll": self._last_poll,
                "ledgers": {h: asdict(ledger) for h, ledger in self._ledgers.items()},
            },
            separators=(",", ":"),
        ).encode()
        self._saved_at, self._dirty = self._now(), False
        await asyncio.to_thread(write_atomic, self._path, data)
