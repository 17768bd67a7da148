"""Asking Plex to scan: exactly a download's folder, or a library (or a path in it)."""

from __future__ import annotations

import logging

from ..clients.plex import PlexClient
from ..errors import InvalidInputError
from ..events import EventBus, ScanRequested
from ..library.pathmap import PathMap, library_for
from ..models import Library

_LOGGER = logging.getLogger(__name__)


class LibraryScanner:
    """Partial scans through the path map; each one sent is announced as ScanRequested."""

    def __init__(self, plex: PlexClient, path_map: PathMap, events: EventBus) -> None:
        self._plex = plex
        self._path_map = path_map
        self._events = events

    def plex_path(self, folder: str) -> str | None:
        return self._path_map.to_plex(folder)

    async def scan_folder(self, folder: str) -> Library | None:
        """Scan the library holding a qBittorrent folder; None when no library covers it."""
        plex_path = self._path_map.to_plex(folder)
        if plex_path is None:
            _LOGGER.info("%s is outside the path map; Plex is not asked to scan it", folder)
            return None
        library = library_for(plex_path, await self._plex.libraries())
        if library is None:
            _LOGGER.warning("No Plex library covers %s; nothing to scan", plex_path)
            return None
        await self._send(library, plex_path)
        return library

    async def scan_library(self, key: str, path: str | None = None) -> None:
        """Scan one library, or only `path` in it (as qBittorrent or as Plex names it)."""
        libraries = await self._plex.libraries()
        library = next(
            (lib for lib in libraries if lib.key == key or lib.title.lower() == key.lower()), None
        )
        if library is None:
            raise InvalidInputError(
                "unknown_library", f"Plex has no library {key!r}", values={"library": key}
            )
        plex_path = None
        if path:
            plex_path = self._path_map.to_plex(path) or path
            if library_for(plex_path, [library]) is None:
                raise InvalidInputError(
                    "path_outside_library",
                    f"{path} is not inside the {library.title} library's folders",
                    values={"path": path, "library": library.title},
                )
        await self._send(library, plex_path)

    async def _send(self, library: Library, plex_path: str | None) -> None:
        await self._plex.scan(library.key, plex_path)
        _LOGGER.info("Asked Plex to scan %s in %s", plex_path or "everything", library.title)
        self._events.emit(ScanRequested(library.key, library.title, plex_path))
