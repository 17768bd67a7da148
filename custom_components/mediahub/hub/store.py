"""Durable state: the grabs MediaHub made (outbox and ledger) and the kept .torrent files.

Written atomically (temporary file, fsync, rename) from a worker thread, so a crash leaves
either the old state or the new one, and the event loop never waits on the disk.
"""

from __future__ import annotations

import asyncio
from dataclasses import asdict, dataclass, fields
import json
import logging
import os
from pathlib import Path
import re
from typing import Any, Final

_LOGGER = logging.getLogger(__name__)

STATE_FILE: Final = "state.json"
_HASH = re.compile(r"^[0-9a-f]{40}$")


def is_infohash(value: str) -> bool:
    """A v1 infohash as qBittorrent writes it: 40 lower-case hex digits."""
    return bool(_HASH.match(value))


@dataclass(slots=True)
class Grab:
    """A torrent MediaHub added: waiting in the outbox until `delivered_at` is set."""

    hash: str
    name: str
    category: str | None
    created_at: float
    magnet: str | None = None  # None: the .torrent is in the torrents directory
    delivered_at: float | None = None
    completed: bool = False
    scan_sent: bool = False
    removed: bool = False  # removed on purpose: never re-added by reconciliation

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Grab:
        known = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in known})


class StateStore:
    """`<state_dir>/state.json` and `<torrents_dir>/<hash>.torrent|.magnet`."""

    def __init__(self, state_dir: Path, torrents_dir: Path) -> None:
        self.state_dir = state_dir
        self.torrents_dir = torrents_dir
        self._write_lock = asyncio.Lock()

    async def load(self) -> dict[str, Grab]:
        return await asyncio.to_thread(self._load)

    def _load(self) -> dict[str, Grab]:
        path = self.state_dir / STATE_FILE
        try:
            raw = json.loads(path.read_text())
        except FileNotFoundError:
            return {}
        except OSError, ValueError:
            _LOGGER.exception("Could not read %s; starting with no recorded grabs", path)
            return {}
        return {
            g["hash"]: Grab.from_json(g)
            for g in raw.get("grabs", [])
            if is_infohash(g.get("hash", ""))
        }

    async def save(self, grabs: dict[str, Grab]) -> None:
        payload = {"version": 1, "grabs": [asdict(g) for g in grabs.values()]}
        async with self._write_lock:
            await asyncio.to_thread(
                self._write, self.state_dir / STATE_FILE, json.dumps(payload).encode()
            )

    @staticmethod
    def _write(path: Path, data: bytes) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.tmp")
        with tmp.open("wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        tmp.replace(path)

    async def keep_torrent(self, infohash: str, data: bytes) -> None:
        await asyncio.to_thread(self._write, self.torrents_dir / f"{infohash}.torrent", data)

    async def keep_magnet(self, infohash: str, magnet: str) -> None:
        await asyncio.to_thread(
            self._write, self.torrents_dir / f"{infohash}.magnet", magnet.encode()
        )

    async def kept(self, infohash: str) -> tuple[bytes | None, str | None]:
        """The stored .torrent bytes or magnet of a hash: (None, None) when neither is kept."""
        return await asyncio.to_thread(self._kept, infohash)

    def _kept(self, infohash: str) -> tuple[bytes | None, str | None]:
        if not is_infohash(infohash):
            return None, None
        torrent = self.torrents_dir / f"{infohash}.torrent"
        if torrent.is_file():
            return torrent.read_bytes(), None
        magnet = self.torrents_dir / f"{infohash}.magnet"
        if magnet.is_file():
            return None, magnet.read_text().strip()
        return None, None
