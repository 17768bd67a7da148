"""MediaHub's engine in one object: what Home Assistant and the panel both hold."""

from __future__ import annotations

from collections.abc import Callable
import time
from typing import Self

import aiohttp

from .best import BestGrabs
from .claims import Claims
from .config import Settings
from .downloads import Downloads
from .events import EngineEvent, EventBus
from .models import VpnState, VpnStatus
from .outbox import Outbox
from .pathmap import PathMap
from .plex import PlexClient
from .prowlarr import ProwlarrClient
from .qbittorrent import QbittorrentClient
from .releases.profiles import ProfileStore
from .scans import LibraryScanner
from .search import SearchService
from .sources import TorrentSources
from .stalls import StallRule
from .store import TorrentStore
from .urlfetch import TorrentUrlFetcher
from .vpn import GluetunClient


class MediaHub:
    """Clients for each service plus the search and download pipelines, from one Settings.

    `session` serves Prowlarr and gluetun (Home Assistant passes its own); a pasted .torrent
    URL is fetched on a connection pinned to the address that was checked (see urlfetch);
    qBittorrent and Plex go through their blocking libraries in threads.
    """

    def __init__(self, settings: Settings, session: aiohttp.ClientSession) -> None:
        self.settings = settings
        self.events = EventBus()
        self.prowlarr = ProwlarrClient(session, settings.prowlarr_url, settings.prowlarr_api_key)
        self.qbittorrent = QbittorrentClient(
            settings.qbittorrent_url, settings.qbittorrent_username, settings.qbittorrent_password
        )
        self.profiles = ProfileStore(self.qbittorrent)
        self.search = SearchService(self.prowlarr, self.profiles, deadline=settings.search_timeout)
        self.plex = PlexClient(settings.plex_url, settings.plex_token)
        self.gluetun = (
            GluetunClient(session, settings.gluetun_url, settings.gluetun_api_key)
            if settings.gluetun_url
            else None
        )
        self.path_map = PathMap(settings.path_map)
        self.downloads = Downloads(
            qbittorrent=self.qbittorrent,
            sources=TorrentSources(
                self.prowlarr, self.search, TorrentUrlFetcher(settings.fetchable)
            ),
            outbox=Outbox(settings.state_path, time.time),
            torrents=TorrentStore(settings.torrents_path),
            scanner=LibraryScanner(self.plex, self.path_map, self.events),
            claims=Claims(self.qbittorrent, timeout=settings.claim_timeout),
            categories=settings.categories,
            adopt_categories=settings.adopt_categories,
            events=self.events,
            auto_scan=settings.auto_scan,
            stall_rule=StallRule(settings.stall_minutes * 60, settings.metadata_stall_minutes * 60),
        )
        # grab_best: the best release that passes the profile, replaced when it dies.
        self.best = BestGrabs(self.search, self.profiles, self.downloads, self.events)
        self.downloads.replace_dead = self.best.replace

    def subscribe(self, listener: Callable[[EngineEvent], None]) -> Callable[[], None]:
        """Be told of additions, completions, scans and download changes."""
        return self.events.subscribe(listener)

    async def close(self) -> None:
        """Close the connections MediaHub opened itself (`session` is its owner's to close)."""
        await self.qbittorrent.close()
        await self.plex.close()

    async def __aenter__(self) -> Self:
        await self.start()
        return self

    async def __aexit__(self, *_exc: object) -> None:
        await self.close()

    async def start(self) -> None:
        """Load the recorded grabs (the outbox among them)."""
        await self.downloads.load()

    async def vpn_status(self) -> VpnStatus:
        """gluetun's view compared with qBittorrent's external address (UNKNOWN without
        gluetun); raises the engine's errors when gluetun is configured but failing."""
        qbittorrent_ip = self.downloads.transfer().external_ipv4
        if self.gluetun is None:
            return VpnStatus(VpnState.UNKNOWN, qbittorrent_ip=qbittorrent_ip)
        return await self.gluetun.status(qbittorrent_ip)
