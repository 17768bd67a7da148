"""Translate qBittorrent's paths into Plex's, and find the Plex section that holds a path.

Each container mounts the media volume somewhere else (qBittorrent `/downloads/complete`,
Plex `/data`), so the same folder has two names. Prefixes match whole path components:
`/data/movies` covers `/data/movies/Dune` but not `/data/movies-4k`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import PurePosixPath

from ..models import Library


def _within(path: PurePosixPath, prefix: PurePosixPath) -> bool:
    return path == prefix or prefix in path.parents


class PathMap:
    """qBittorrent prefix → Plex prefix, longest prefix first."""

    def __init__(self, pairs: Iterable[tuple[str, str]]) -> None:
        self._pairs = sorted(
            ((PurePosixPath(src), PurePosixPath(dst)) for src, dst in pairs),
            key=lambda pair: len(pair[0].parts),
            reverse=True,
        )

    def to_plex(self, qbittorrent_path: str) -> str | None:
        """Plex's name for a qBittorrent path, or None when no mapping covers it."""
        path = PurePosixPath(qbittorrent_path)
        if not path.is_absolute() or ".." in path.parts:
            return None
        for source, target in self._pairs:
            if _within(path, source):
                return str(target / path.relative_to(source))
        return None


def library_for(plex_path: str, libraries: Sequence[Library]) -> Library | None:
    """The section whose folder (`Location`) is the longest prefix of `plex_path`."""
    path = PurePosixPath(plex_path)
    best: tuple[int, Library] | None = None
    for library in libraries:
        for location in library.locations:
            prefix = PurePosixPath(location)
            if _within(path, prefix) and (best is None or len(prefix.parts) > best[0]):
                best = (len(prefix.parts), library)
    return best[1] if best else None
