"""The torrents store: every grabbed .torrent (or magnet) kept for a re-download, with the
record of its grab (who made it, the category, the search result chosen).

Files are written atomically (temporary file, fsync, rename) from a worker thread, so a crash
leaves either the old file or the new one, and the event loop never waits on the disk.
"""

from __future__ import annotations

import asyncio
from dataclasses import asdict, dataclass
import json
import logging
import os
from pathlib import Path
import re
from typing import Any, Final

_LOGGER = logging.getLogger(__name__)

_HASH: Final = re.compile(r"^[0-9a-f]{40}$")


def is_infohash(value: str) -> bool:
    """A v1 infohash as qBittorrent writes it: 40 lower-case hex digits."""
    return bool(_HASH.match(value))


def write_atomic(path: Path, data: bytes) -> None:
    """Replace `path` with `data` so that a crash leaves the old or the new content."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    with tmp.open("wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    tmp.replace(path)


@dataclass(frozen=True, slots=True)
class GrabRecord:
    """`<hash>.json`: what a re-download (and a person reading the folder) needs to know."""

    name: str
    category: str | None
    origin: str
    grabbed_at: float
    release: dict[str, Any] | None = None  # the search result chosen: title, indexer, size, …
    # For grab_best and voice: what was asked (query, category, season, profile changes), the
    # releases tried for it, and what this one replaced; a dead download is replaced from it.
    wanted: dict[str, Any] | None = None
    refused: str | None = None  # why the file check refused it: "contains setup.exe"


class TorrentStore:
    """`<torrents_dir>/<hash>.torrent` or `<hash>.magnet`, and `<hash>.json`."""

    def __init__(self, torrents_dir: Path) -> None:
        self.torrents_dir = torrents_dir

    async def keep_torrent(self, infohash: str, data: bytes) -> None:
        await asyncio.to_thread(write_atomic, self.torrents_dir / f"{infohash}.torrent", data)

    async def keep_magnet(self, infohash: str, magnet: str) -> None:
        await asyncio.to_thread(
            write_atomic, self.torrents_dir / f"{infohash}.magnet", magnet.encode()
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

    async def keep_record(self, infohash: str, record: GrabRecord) -> None:
        data = json.dumps(asdict(record), indent=1).encode()
        await asyncio.to_thread(write_atomic, self.torrents_dir / f"{infohash}.json", data)

    async def record(self, infohash: str) -> GrabRecord | None:
        """The record of a grab, None when there is none (or it cannot be read)."""
        return await asyncio.to_thread(self._record, infohash)

    def _record(self, infohash: str) -> GrabRecord | None:
        path = self.torrents_dir / f"{infohash}.json"
        if not is_infohash(infohash) or not path.is_file():
            return None
        try:
            data = json.loads(path.read_text())
            return GrabRecord(
                name=str(data["name"]),
                category=data.get("category"),
                origin=str(data.get("origin", "")),
                grabbed_at=float(data.get("grabbed_at", 0)),
                release=data.get("release"),
                wanted=data.get("wanted") if isinstance(data.get("wanted"), dict) else None,
                refused=data.get("refused") if isinstance(data.get("refused"), str) else None,
            )
        except OSError, ValueError, KeyError, TypeError:
            _LOGGER.warning("Could not read %s", path)
            return None
