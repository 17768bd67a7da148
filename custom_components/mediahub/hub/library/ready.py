"""Ready to watch: the downloads Plex lists, with what a person needs to play them.

Play links follow the shapes the community documents for Plex (Plex publishes none): the web
app's `https://app.plex.tv/desktop/#!/server/<machine>/details?key=<key>` and the phone apps'
`plex://preplay/?metadataKey=<key>&server=<machine>`. Posters are served by MediaHub itself
(`PosterCache`), so Plex's token never reaches a browser or a phone.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Final
from urllib.parse import quote

from ..models import Download, LibraryItem

MAX_POSTER_BYTES: Final = 2 * 1024 * 1024
POSTER_CACHE_BYTES: Final = 16 * 1024 * 1024


def play_links(machine: str | None, key: str) -> dict[str, str | None]:
    """Where "Play in Plex" goes: the web app, and the phone apps."""
    if not machine:
        return {"web": None, "app": None}
    metadata = quote(f"/library/metadata/{key}", safe="")
    return {
        "web": f"https://app.plex.tv/desktop/#!/server/{machine}/details?key={metadata}",
        "app": f"plex://preplay/?metadataKey={metadata}&server={machine}",
    }


@dataclass(frozen=True, slots=True)
class ReadyItem:
    """A download Plex lists, as the item Plex made of it."""

    hash: str
    name: str
    item: LibraryItem
    library: str | None  # the section's title
    completed_on: int | None
    machine: str | None  # Plex's machine identifier, for the play links


def ready_items(
    downloads: list[Download],
    item_of: Callable[[str], LibraryItem | None],
    section_title: Callable[[str], str | None],
    machine: str | None,
    limit: int = 20,
) -> list[ReadyItem]:
    """The newest downloads Plex lists (those whose item Plex has since dropped are not)."""
    ready = []
    for download in sorted(downloads, key=lambda d: (d.completed_on or 0, d.hash), reverse=True):
        item = item_of(download.plex_key) if download.plex_key else None
        if item is None:
            continue
        ready.append(
            ReadyItem(
                download.hash,
                download.name,
                item,
                section_title(item.section),
                download.completed_on,
                machine,
            )
        )
        if len(ready) == limit:
            break
    return ready


class PosterCache:
    """Posters read from Plex for items in the index only, each at most 2 MB, the most
    recently used kept up to 16 MB."""

    def __init__(self, read: Callable[[str, int], Awaitable[tuple[bytes, str] | None]]) -> None:
        self._read = read
        self._kept: OrderedDict[str, tuple[bytes, str]] = OrderedDict()
        self._bytes = 0

    async def get(self, thumb: str) -> tuple[bytes, str] | None:
        if (kept := self._kept.get(thumb)) is not None:
            self._kept.move_to_end(thumb)
            return kept
        image = await self._read(thumb, MAX_POSTER_BYTES)
        if image is None:
            return None
        self._kept[thumb] = image
        self._bytes += len(image[0])
        while self._bytes > POSTER_CACHE_BYTES and len(self._kept) > 1:
            _thumb, (data, _kind) = self._kept.popitem(last=False)
            self._bytes -= len(data)
        return image
