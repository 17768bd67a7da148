"""qBittorrent's global speed limits, alternative limits and their schedule.

The panel and Home Assistant both read and change them here, with one set of rules. Each poll's
server state says which limits are in force (`use_alt_speed_limits`, `dl_rate_limit`,
`up_rate_limit`), so a change made in qBittorrent's own UI shows within one poll. The schedule
and the limits not in force are only in its preferences (7 KB, about 2 ms of client CPU to
read): Home Assistant, which shows each limit as an entity, reads them every poll; the panel,
which shows the limits in force and reads the rest when Settings opens, every few minutes.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import replace
import math
import time
from typing import Any, Final

import probatio as vol

from ..clients.qbittorrent import QbittorrentClient
from ..errors import InvalidInputError
from ..models import Bandwidth, TransferState

REREAD_EVERY: Final = 300.0  # seconds between reads of the preferences, by default
# After a change made here, the server state may still show the limits before it for as long
# as qBittorrent takes to refresh it (1.5 s): it is not followed until it agrees, or this long.
SETTLE: Final = 4.0
MAX_LIMIT: Final = 2**31 - 1  # bytes/s: qBittorrent keeps limits in a 32-bit int

# Our names → qBittorrent's preference keys.
LIMIT_KEYS: Final = {
    "download_limit": "dl_limit",
    "upload_limit": "up_limit",
    "alt_download_limit": "alt_dl_limit",
    "alt_upload_limit": "alt_up_limit",
}
SCHEDULE_KEYS: Final = {
    "enabled": "scheduler_enabled",
    "from_hour": "schedule_from_hour",
    "from_minute": "schedule_from_min",
    "to_hour": "schedule_to_hour",
    "to_minute": "schedule_to_min",
    "days": "scheduler_days",
}


def _limit(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise vol.Invalid("a limit is a number of bytes per second")
    if value < 0 or value > MAX_LIMIT:
        raise vol.Invalid("a limit is between 0 (none) and 2 GiB/s")
    return int(value)


def _whole(low: int, high: int) -> Any:
    return vol.All(int, vol.Range(min=low, max=high))


_SCHEDULE: Final = vol.Schema(
    {
        vol.Optional("enabled"): bool,
        vol.Optional("from_hour"): _whole(0, 23),
        vol.Optional("from_minute"): _whole(0, 59),
        vol.Optional("to_hour"): _whole(0, 23),
        vol.Optional("to_minute"): _whole(0, 59),
        vol.Optional("days"): _whole(0, 9),
    }
)
CHANGES: Final = vol.Schema(
    {
        vol.Optional("alt_speed"): bool,
        **{vol.Optional(name): _limit for name in LIMIT_KEYS},
        vol.Optional("schedule"): _SCHEDULE,
    }
)


KIB: Final = 1024  # qBittorrent counts bytes/s; people, its own UI and MediaHub's, KiB/s


def from_kib(field: str, kib_per_second: float) -> int:
    """A limit given in KiB/s, as qBittorrent's bytes/s; InvalidInputError for a value that is
    no number at all ("nan", "inf" pass a float schema and Home Assistant's number range)."""
    if not math.isfinite(kib_per_second):
        raise InvalidInputError(
            "invalid_bandwidth", f"{field}: not a number", values={"field": field}
        )
    return round(kib_per_second * KIB)


def validated(changes: Mapping[str, Any]) -> dict[str, Any]:
    """The changes, or InvalidInputError naming the first bad field."""
    try:
        values: dict[str, Any] = CHANGES(dict(changes))
    except vol.MultipleInvalid as err:
        first = err.errors[0]
        field = ".".join(str(p) for p in first.path) or "bandwidth"
        raise InvalidInputError(
            "invalid_bandwidth", f"{field}: {first.error_message}", values={"field": field}
        ) from None
    if not values:
        raise InvalidInputError("invalid_bandwidth", "nothing to change", values={"field": "-"})
    return values


class BandwidthControl:
    """The limits as qBittorrent has them, and the one way to change them."""

    def __init__(
        self,
        qbittorrent: QbittorrentClient,
        clock: Callable[[], float] = time.monotonic,
        *,
        reread_every: float = REREAD_EVERY,
    ) -> None:
        self._qbt = qbittorrent
        self._clock = clock
        self.reread_every = reread_every  # 0: the preferences are read every poll
        self.current: Bandwidth | None = None
        self._read_at = 0.0
        self._in_force: tuple[bool, int, int] | None = None  # as the server state last said
        self._expected: tuple[tuple[bool, int, int], float] | None = None  # after a change

    async def read(self) -> Bandwidth:
        self.current = await self._qbt.bandwidth()
        self._read_at = self._clock()
        return self.current

    async def follow(self, transfer: TransferState) -> bool:
        """After a poll: take the limits in force from the server state when it says they
        changed; re-read the rest when due. True when what is shown changed."""
        before = self.current
        if before is None or self._clock() - self._read_at >= self.reread_every:
            await self.read()
        assert self.current is not None
        in_force = (transfer.alt_speed, transfer.download_limit, transfer.upload_limit)
        if self._expected is not None:
            expected, until = self._expected
            if in_force != expected and self._clock() < until:
                return self.current != before  # older than the change made here
            self._expected = None
        # Unchanged, the server state says nothing new.
        if in_force == self._in_force:
            return self.current != before
        self._in_force = in_force
        if transfer.alt_speed:
            self.current = replace(
                self.current,
                alt_speed=True,
                alt_download_limit=transfer.download_limit,
                alt_upload_limit=transfer.upload_limit,
            )
        else:
            self.current = replace(
                self.current,
                alt_speed=False,
                download_limit=transfer.download_limit,
                upload_limit=transfer.upload_limit,
            )
        return self.current != before

    async def change(self, changes: Mapping[str, Any]) -> Bandwidth:
        """Apply validated changes (limits in bytes/s) and return what qBittorrent now has."""
        values = validated(changes)
        prefs = {LIMIT_KEYS[k]: v for k, v in values.items() if k in LIMIT_KEYS}
        schedule = dict(values.get("schedule", {}))
        for end in ("from", "to"):
            hour, minute = f"{end}_hour", f"{end}_minute"
            if (hour in schedule) != (minute in schedule):
                # qBittorrent takes a time only as its hour and minute together.
                now = (self.current or await self.read()).schedule
                schedule.setdefault(hour, getattr(now, hour))
                schedule.setdefault(minute, getattr(now, minute))
        prefs |= {SCHEDULE_KEYS[k]: v for k, v in schedule.items()}
        if prefs:
            await self._qbt.set_preferences(prefs)
        if "alt_speed" in values:
            await self._qbt.set_alt_speed(enabled=values["alt_speed"])
        current = await self.read()
        self._expected = (_in_force(current), self._clock() + SETTLE)
        return current


def _in_force(bandwidth: Bandwidth) -> tuple[bool, int, int]:
    """What the server state shows of these limits: the alternative ones when they apply."""
    if bandwidth.alt_speed:
        return True, bandwidth.alt_download_limit, bandwidth.alt_upload_limit
    return False, bandwidth.download_limit, bandwidth.upload_limit
