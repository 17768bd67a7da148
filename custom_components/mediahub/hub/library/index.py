"""MediaHub's own index of what Plex holds: movies by title and year (and by their ids),
episodes by show, season and number, and every item by its files.

It is read whole once (a page at a time) and then kept current item by item, from Plex's
websocket and from its recently-added list (`plexwatch`). A search asks the index, never Plex.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import PurePosixPath
import re
import sys
from typing import Final

from ..models import LibraryItem

_WORD: Final = re.compile(r"[^\w]+")
_RANK: Final = {"2160p": 4, "1080p": 3, "720p": 2, "576p": 1, "480p": 1}


def folded(title: str) -> str:
    """A title as the index compares it: case, accents' neighbours and punctuation ignored,
    a leading article kept ("The Matrix" and "the.matrix" are one)."""
    return _WORD.sub(" ", title.casefold().replace("&", "and")).strip()


def rank(resolution: str | None) -> int:
    """How good a resolution is, for "already in Plex at the same or better quality"."""
    return _RANK.get(resolution or "", 0)


@dataclass(frozen=True, slots=True)
class InPlex:
    """What Plex holds of something: the best copy's resolution and its item."""

    item: LibraryItem
    resolution: str | None


def _movie_key(item: LibraryItem) -> tuple[str, int | None] | None:
    return (folded(item.title), item.year) if item.type == "movie" else None


def _episode_key(item: LibraryItem) -> tuple[str, int, int] | None:
    if item.type != "episode" or not item.show or item.season is None or item.episode is None:
        return None
    return (folded(item.show), item.season, item.episode)


def _discard[K](table: dict[K, set[str]], index_key: K | None, key: str) -> None:
    if index_key is not None and (keys := table.get(index_key)) is not None:
        keys.discard(key)
        if not keys:
            del table[index_key]


class LibraryIndex:
    """Look-ups over Plex's movies and episodes, kept by item key."""

    def __init__(self) -> None:
        self._items: dict[str, LibraryItem] = {}
        self._movies: dict[tuple[str, int | None], set[str]] = {}
        self._titles: dict[str, set[str]] = {}  # movies by title alone: a release with no year
        self._episodes: dict[tuple[str, int, int], set[str]] = {}
        self._guids: dict[str, set[str]] = {}
        self._files: dict[str, str] = {}
        self.loaded = False  # read whole at least once

    def __len__(self) -> int:
        return len(self._items)

    def get(self, key: str) -> LibraryItem | None:
        return self._items.get(key)

    def items(self) -> Iterable[LibraryItem]:
        return self._items.values()

    def add(self, item: LibraryItem) -> None:
        """Add an item, or replace what the index had under its key."""
        self.remove(item.key)
        self._items[item.key] = item
        if (movie := _movie_key(item)) is not None:
            self._movies.setdefault(movie, set()).add(item.key)
            self._titles.setdefault(movie[0], set()).add(item.key)
        if (episode := _episode_key(item)) is not None:
            self._episodes.setdefault(episode, set()).add(item.key)
        for guid in item.guids:
            self._guids.setdefault(guid, set()).add(item.key)
        for file in item.files:
            self._files[file] = item.key

    def remove(self, key: str) -> None:
        item = self._items.pop(key, None)
        if item is None:
            return
        movie = _movie_key(item)
        _discard(self._movies, movie, key)
        _discard(self._titles, movie[0] if movie else None, key)
        _discard(self._episodes, _episode_key(item), key)
        for guid in item.guids:
            _discard(self._guids, guid, key)
        for file in item.files:
            if self._files.get(file) == key:
                del self._files[file]

    # --- look-ups ----------------------------------------------------------------------------

    def lists(self, plex_path: str) -> bool:
        """Whether Plex lists a file at exactly this path."""
        return plex_path in self._files

    def holding(self, plex_path: str) -> LibraryItem | None:
        """The item with a file at or under a path (a download's folder, as Plex sees it)."""
        if (key := self._files.get(plex_path)) is not None:
            return self._items[key]
        prefix = str(PurePosixPath(plex_path)) + "/"
        return next(
            (self._items[key] for file, key in self._files.items() if file.startswith(prefix)),
            None,
        )

    def movie(self, title: str, year: int | None, guids: Iterable[str] = ()) -> InPlex | None:
        """The best copy of a movie: by id when the release carries one, else by title and
        year (a year off by one is the same film: release and premiere years differ)."""
        keys: set[str] = set()
        for guid in guids:
            keys |= self._guids.get(guid, set())
        if not keys:
            name = folded(title)
            years = (year, year - 1, year + 1) if year else (None,)
            for candidate in years:
                keys |= self._movies.get((name, candidate), set())
            if not keys and year is None:
                keys = set(self._titles.get(name, ()))
        return self._best(keys)

    def episode(self, show: str, season: int, episode: int) -> InPlex | None:
        return self._best(self._episodes.get((folded(show), season, episode), set()))

    def season(self, show: str, season: int) -> list[LibraryItem]:
        name = folded(show)
        return [
            self._items[k]
            for (n, s, _e), keys in self._episodes.items()
            if n == name and s == season
            for k in keys
        ]

    def _best(self, keys: set[str]) -> InPlex | None:
        if not keys:
            return None
        best = max((self._items[k] for k in keys), key=lambda i: (rank(i.resolution), i.key))
        return InPlex(best, best.resolution)

    def size_in_bytes(self) -> int:
        """Roughly what the index holds in memory (for the bench)."""
        seen: set[int] = set()

        def size(value: object) -> int:
            if id(value) in seen:
                return 0
            seen.add(id(value))
            total = sys.getsizeof(value)
            if isinstance(value, dict):
                total += sum(size(k) + size(v) for k, v in value.items())
            elif isinstance(value, (set, tuple, list, frozenset)):
                total += sum(size(v) for v in value)
            elif isinstance(value, LibraryItem):
                total += sum(size(getattr(value, f)) for f in value.__slots__)
            return total

        return sum(
            size(t)
            for t in (
                self._items,
                self._movies,
                self._titles,
                self._episodes,
                self._guids,
                self._files,
            )
        )
