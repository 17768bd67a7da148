"""This process's outbox: grabs qBittorrent has not taken yet, durable across a restart.

The outbox is per process on purpose: a grab exists only where it was made until qBittorrent
accepts it, and from then on qBittorrent (with MediaHub's tags) is the record every process
shares. A delivered grab stays here for `AT_RISK_WINDOW` more, because qBittorrent stopped
abruptly loses the torrents it added in the seconds before (measured: 88 of 2,000): one missing
from the first full snapshot of a new session within that window is delivered again, and one
qBittorrent reported removed while it was up is forgotten.

`<state_dir>/state.json`, written atomically from a worker thread on every change.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, fields
import json
import logging
from pathlib import Path
from typing import Any, Final

from ..models import Origin, Stage
from .store import is_infohash, write_atomic

_LOGGER = logging.getLogger(__name__)

STATE_FILE: Final = "state.json"
AT_RISK_WINDOW: Final = 10 * 60  # seconds after delivery a vanished grab is re-added


@dataclass(slots=True)
class Grab:
    """A grab in the outbox: waiting until `delivered_at` is set, then kept a while."""

    hash: str
    name: str
    category: str | None
    created_at: float
    origin: Origin = Origin.ACTION
    magnet: str | None = None  # None: the .torrent is in the torrents store
    delivered_at: float | None = None

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Grab:
        known = {f.name for f in fields(cls)}
        grab = cls(**{k: v for k, v in data.items() if k in known})
        try:
            grab.origin = Origin(grab.origin)
        except ValueError:
            grab.origin = Origin.ACTION
        return grab


class Outbox:
    """The grabs of this process that qBittorrent has not (or only just) taken."""

    def __init__(self, state_dir: Path, wall_clock: Callable[[], float]) -> None:
        self._path = state_dir / STATE_FILE
        self._now = wall_clock
        self._grabs: dict[str, Grab] = {}
        self._lock = asyncio.Lock()
        self.legacy_marks: dict[str, Stage] = {}  # steps a 0.5 state file says were done

    async def load(self) -> None:
        self._grabs = await asyncio.to_thread(self._load)

    def _load(self) -> dict[str, Grab]:
        try:
            raw = json.loads(self._path.read_text())
        except FileNotFoundError:
            return {}
        except OSError, ValueError:
            _LOGGER.exception("Could not read %s; starting with an empty outbox", self._path)
            return {}
        grabs = {}
        for item in raw.get("grabs", []):
            if not is_infohash(item.get("hash", "")):
                continue
            if raw.get("version", 1) == 1:  # 0.5 kept every grab with its steps' flags
                if item.get("scan_sent"):
                    self.legacy_marks[item["hash"]] = Stage.SCAN_SENT
                if item.get("removed") or item.get("completed"):
                    continue
            grabs[item["hash"]] = Grab.from_json(item)
        return grabs

    async def _save(self) -> None:
        payload = {"version": 2, "grabs": [asdict(g) for g in self._grabs.values()]}
        async with self._lock:
            await asyncio.to_thread(write_atomic, self._path, json.dumps(payload).encode())

    @property
    def waiting(self) -> list[Grab]:
        return [g for g in self._grabs.values() if g.delivered_at is None]

    def get(self, infohash: str) -> Grab | None:
        return self._grabs.get(infohash)

    def __contains__(self, infohash: str) -> bool:
        return infohash in self._grabs

    async def put(self, grab: Grab) -> Grab:
        """Add a grab (an existing one with that hash stays as it is)."""
        if grab.hash in self._grabs and self._grabs[grab.hash].delivered_at is None:
            return self._grabs[grab.hash]
        self._grabs[grab.hash] = grab
        await self._save()
        return grab

    async def delivered(self, infohash: str) -> None:
        self._grabs[infohash].delivered_at = self._now()
        await self._save()

    async def drop(self, hashes: Iterable[str]) -> None:
        gone = [h for h in hashes if self._grabs.pop(h, None) is not None]
        if gone:
            await self._save()

    async def after_restart(self, present: set[str]) -> list[Grab]:
        """qBittorrent started a new session: put grabs it lost back in line (returned), and
        let go of delivered grabs it holds or that are past the window."""
        now = self._now()
        lost, done = [], []
        for grab in self._grabs.values():
            if grab.delivered_at is None:
                continue
            if grab.hash not in present and now - grab.delivered_at <= AT_RISK_WINDOW:
                grab.delivered_at = None  # back into the outbox
                lost.append(grab)
            elif grab.hash not in present or now - grab.delivered_at > AT_RISK_WINDOW:
                done.append(grab.hash)
        for infohash in done:
            del self._grabs[infohash]
        if lost or done:
            await self._save()
        return lost

    async def expire(self) -> None:
        """Let go of grabs delivered longer ago than the window: qBittorrent keeps them."""
        now = self._now()
        old = [
            g.hash
            for g in self._grabs.values()
            if g.delivered_at is not None and now - g.delivered_at > AT_RISK_WINDOW
        ]
        await self.drop(old)

    async def removed_on_purpose(self, hashes: Iterable[str]) -> None:
        """qBittorrent said these were removed while it was up: never bring them back."""
        await self.drop(h for h in hashes if (g := self._grabs.get(h)) and g.delivered_at)
