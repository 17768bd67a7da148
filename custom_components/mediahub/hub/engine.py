"""MediaHub's engine in one object: what Home Assistant and the panel both hold."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
import logging
import time
from typing import Any, Final, Self

import aiohttp

from .claims import Claims
from .config import Settings
from .downloads import Downloads
from .errors import MediaHubError
from .events import DownloadReplaced, EngineEvent, EventBus
from .guard import ReleaseRefusedError
from .models import NEWZNAB_BY_CATEGORY, GrabResult, Origin, VpnState, VpnStatus
from .outbox import Outbox
from .pathmap import PathMap
from .plex import PlexClient
from .prowlarr import ProwlarrClient
from .qbittorrent import QbittorrentClient
from .releases.pick import NoAcceptableReleaseError, pick, wanted
from .releases.profile import checked, default_profile
from .releases.profiles import ProfileStore
from .releases.score import Assessment, assess
from .scans import LibraryScanner
from .search import SearchService
from .sources import TorrentSources
from .stalls import StallRule
from .store import GrabRecord, TorrentStore
from .urlfetch import TorrentUrlFetcher
from .vpn import GluetunClient

_LOGGER = logging.getLogger(__name__)

MAX_FALLBACKS: Final = 3  # releases the file check may refuse before grab_best gives up
MAX_REPLACEMENTS: Final = 2  # dead downloads replaced for one wish


@dataclass(frozen=True, slots=True)
class BestGrab:
    """What `grab_best` chose, and the grab it made."""

    choice: Assessment
    result: GrabResult

    def as_json(self) -> dict[str, Any]:
        return {
            **self.result.as_json(),
            "release": self.choice.as_json(),
            "summary": self.choice.summary,
        }


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
        self.downloads.replace_stalled = self._replace

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

    async def grab_best(
        self,
        query: str,
        category: str | None = None,
        *,
        overrides: Mapping[str, Any] | None = None,
        season: int | None = None,
        origin: Origin,
        tried: Sequence[str] = (),
        replaces: Sequence[Mapping[str, str]] = (),
    ) -> BestGrab:
        """Search, and grab the best release that passes the category's profile (with
        `overrides` laid over it). A release the file-list guard refuses falls over to the
        next-best. Raises the pick's errors when none passes or the title is ambiguous.
        `tried`: releases (infohashes, titles) not to pick again."""
        categories = [NEWZNAB_BY_CATEGORY[category]] if category else []
        outcome = await self.search.search_all(query, categories)
        assessments = list(outcome.assessments.values())
        if overrides:
            profiles = {n: checked(p, overrides) for n, p in (await self.profiles.all()).items()}
            other = checked(default_profile(None), overrides)
            assessments = [
                assess(a.release, a.quality, profiles.get(a.release.category or "", other))
                for a in assessments
            ]
        excluded = set(tried)
        want = wanted(query, season)
        for _ in range(MAX_FALLBACKS + 1):
            choice = pick(
                [
                    a
                    for a in assessments
                    if a.release.title not in excluded and a.release.infohash not in excluded
                ],
                want,
            )
            wish = {
                "query": query,
                "category": category,
                "season": season,
                "overrides": dict(overrides or {}),
                "tried": sorted(excluded | {choice.release.title}),
                "replaces": list(replaces),
            }
            try:
                result = await self.downloads.grab(
                    choice.release.id, category, origin=origin, wanted=wish
                )
            except ReleaseRefusedError:
                excluded.add(choice.release.title)
                continue
            return BestGrab(choice, result)
        raise NoAcceptableReleaseError(want.title, "every candidate was refused by the file check")

    async def _replace(self, infohash: str, record: GrabRecord, reason: str) -> None:
        """A dead download grab_best chose: grab the next-best, then remove the dead one and
        its files (at most MAX_REPLACEMENTS times for one wish)."""
        wish = record.wanted or {}
        replaces = [dict(r) for r in wish.get("replaces", []) if isinstance(r, dict)]
        if len(replaces) >= MAX_REPLACEMENTS:
            _LOGGER.info("%s is stalled (%s); replaced twice already", record.name, reason)
            return
        try:
            best = await self.grab_best(
                str(wish.get("query", "")),
                wish.get("category"),
                overrides=wish.get("overrides") or None,
                season=wish.get("season"),
                origin=Origin(record.origin) if record.origin in Origin else Origin.ACTION,
                tried=[*wish.get("tried", []), infohash],
                replaces=[*replaces, {"hash": infohash, "name": record.name, "reason": reason}],
            )
            await self.downloads.remove(infohash, delete_files=True)
        except MediaHubError as err:
            _LOGGER.warning("%s is stalled (%s) and was not replaced: %s", record.name, reason, err)
            return
        old = GrabResult(infohash, record.name, record.category, queued=False)
        self.events.emit(DownloadReplaced(old, best.result, reason, best.choice.summary))

    async def vpn_status(self) -> VpnStatus:
        """gluetun's view compared with qBittorrent's external address (UNKNOWN without
        gluetun); raises the engine's errors when gluetun is configured but failing."""
        qbittorrent_ip = self.downloads.transfer().external_ipv4
        if self.gluetun is None:
            return VpnStatus(VpnState.UNKNOWN, qbittorrent_ip=qbittorrent_ip)
        return await self.gluetun.status(qbittorrent_ip)
