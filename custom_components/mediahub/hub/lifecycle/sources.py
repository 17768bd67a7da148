"""Where a grab's torrent comes from: a search result, a magnet link, or a .torrent URL."""

from __future__ import annotations

from dataclasses import dataclass

from ..clients.prowlarr import ProwlarrClient
from ..clients.urlfetch import TorrentUrlFetcher
from ..errors import InvalidInputError
from ..models import Release
from ..releases.search import SearchService
from .torrentfile import TorrentMeta, read_magnet, read_torrent


@dataclass(frozen=True, slots=True)
class TorrentSource:
    """A torrent ready to add: its identity and either its .torrent bytes or its magnet."""

    meta: TorrentMeta
    torrent: bytes | None = None
    magnet: str | None = None

    @classmethod
    def of(cls, *, torrent: bytes | None = None, magnet: str | None = None) -> TorrentSource:
        if magnet is not None:
            return cls(read_magnet(magnet), magnet=magnet)
        assert torrent is not None
        return cls(read_torrent(torrent), torrent=torrent)


class TorrentSources:
    """Turn what a user picked or pasted into a TorrentSource (fetching what must be)."""

    def __init__(
        self, prowlarr: ProwlarrClient, search: SearchService, fetcher: TorrentUrlFetcher
    ) -> None:
        self._prowlarr = prowlarr
        self._search = search
        self._fetcher = fetcher

    async def release(self, release_id: str) -> tuple[Release, TorrentSource]:
        """A search result by its opaque id, fetched through Prowlarr's proxy link."""
        release, link = self._search.resolve(release_id)
        payload = await self._prowlarr.fetch_torrent(link)
        return release, TorrentSource.of(torrent=payload.torrent, magnet=payload.magnet)

    @staticmethod
    def magnet(magnet: str) -> TorrentSource:
        magnet = magnet.strip()
        if not magnet.startswith("magnet:"):
            raise InvalidInputError("invalid_magnet", "a magnet link starts with magnet:?")
        return TorrentSource.of(magnet=magnet)

    async def url(self, url: str) -> TorrentSource:
        """The .torrent at `url`, fetched under the URL rules of `urlfetch`."""
        fetched = await self._fetcher.fetch(url.strip())
        return TorrentSource.of(torrent=fetched.torrent, magnet=fetched.magnet)
