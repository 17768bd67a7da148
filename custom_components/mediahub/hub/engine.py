"""MediaHub's engine in one object: what Home Assistant and the panel both hold."""

from __future__ import annotations

from collections.abc import Callable
import logging
import time
from typing import Final, Self

import aiohttp

from .clients.gluetun import GluetunClient
from .clients.plex import PlexClient
from .clients.plextv import PlexWatchlist
from .clients.prowlarr import ProwlarrClient
from .clients.qbittorrent import QbittorrentClient
from .clients.urlfetch import TorrentUrlFetcher
from .config import Settings
from .controls.audit import VpnAudit
from .controls.bandwidth import BandwidthControl
from .controls.holds import Guards
from .errors import MediaHubError
from .events import DownloadAvailable, EngineEvent, EventBus
from .library.index import LibraryIndex
from .library.marks import Marks, marks
from .library.pathmap import PathMap
from .library.plexwatch import PlexWatch
from .library.ready import PosterCache, ReadyItem, ready_items
from .lifecycle.claims import Claims
from .lifecycle.downloads import Downloads
from .lifecycle.life import Lifecycle
from .lifecycle.outbox import Outbox
from .lifecycle.scanner import LibraryScanner
from .lifecycle.sources import TorrentSources
from .lifecycle.stalls import StallRule
from .lifecycle.store import TorrentStore
from .models import DownloadsSnapshot, Stage, VpnState, VpnStatus
from .releases.best import BestGrabs
from .releases.profiles import ProfileStore
from .releases.score import Assessment
from .releases.search import SearchService
from .wishes.book import WishBook
from .wishes.rules import RulesStore
from .wishes.store import WishStore
from .wishes.watch import WishWatch
from .wishes.watchlist import WatchlistSync

_LOGGER = logging.getLogger(__name__)

# Seconds between polls while a download is about to complete: its completion is then seen
# (and organized, scanned, confirmed) that soon, not up to a whole poll interval later.
FINISHING_POLL: Final = 0.25
# qBittorrent refreshes what its API says of a torrent every 1.5 s by default (its
# `refresh_interval`, 1500 in server_state): what is left may be that much older than a poll.
QBITTORRENT_REFRESH: Final = 1.5
# Seconds after a completion during which its files are polled for that often (a move, a
# rename); past it, a download whose files never settle does not keep the host polling fast.
FINISHING_WINDOW: Final = 60


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
        self.profiles = ProfileStore(self.prowlarr, self.qbittorrent)
        self.search = SearchService(self.prowlarr, self.profiles, deadline=settings.search_timeout)
        self.plex = PlexClient(settings.plex_url, settings.plex_token)
        self.gluetun = (
            GluetunClient(session, settings.gluetun_url, settings.gluetun_api_key)
            if settings.gluetun_url
            else None
        )
        self.path_map = PathMap(settings.path_map)
        self.library = LibraryIndex()  # what Plex holds, kept current by `plexwatch`
        self.posters = PosterCache(self.plex.image)
        self.plexwatch = PlexWatch(
            self.plex, self.library, url=settings.plex_url, token=settings.plex_token,
            wall_clock=time.monotonic,
        )  # fmt: skip
        self.guards = Guards(self.qbittorrent, min_free=settings.min_free)
        self.bandwidth = BandwidthControl(self.qbittorrent)
        # Audited against gluetun's word; without gluetun there is nothing to audit against.
        self.audit = VpnAudit(settings.state_path) if self.gluetun else None
        self.vpn: VpnStatus | None = None  # at the last poll; None: gluetun did not answer
        outbox = Outbox(settings.state_path, time.time)
        torrents = TorrentStore(settings.torrents_path)
        scanner = LibraryScanner(self.plex, self.path_map, self.events)
        claims = Claims(self.qbittorrent, timeout=settings.claim_timeout)
        # A download's life once qBittorrent has it: stages, steps, what the hosts show.
        self.lifecycle = Lifecycle(
            qbittorrent=self.qbittorrent,
            events=self.events,
            claims=claims,
            scanner=scanner,
            torrents=torrents,
            library=self.library,
            confirm_within=settings.plex_confirm_minutes * 60,
            queued_here=outbox.__contains__,
            vpn_audit=self.audit.verdict if self.audit is not None else None,
            adopt_categories=settings.adopt_categories,
            organize=settings.organize,
            auto_scan=settings.auto_scan,
            stall_rule=StallRule(settings.stall_minutes * 60, settings.metadata_stall_minutes * 60),
        )
        self.downloads = Downloads(
            qbittorrent=self.qbittorrent,
            sources=TorrentSources(
                self.prowlarr, self.search, TorrentUrlFetcher(settings.fetchable)
            ),
            outbox=outbox,
            torrents=torrents,
            lifecycle=self.lifecycle,
            scanner=scanner,
            categories=settings.categories,
            events=self.events,
            guards=self.guards,
        )
        # grab_best: the best release that passes the profile, replaced when it dies (it
        # subscribes to the lifecycle's dead downloads).
        self.best = BestGrabs(
            self.search,
            self.profiles,
            self.downloads,
            self.events,
            dead=self.lifecycle.dead,
            marks=self.marks,
        )
        # The household's wishes: kept in Prowlarr, watched by whichever process holds the
        # watch claim (docs/wishes.md).
        wish_store = WishStore(self.prowlarr)
        self.watch = WishWatch(
            store=wish_store,
            search=self.search,
            profiles=self.profiles,
            downloads=self.downloads,
            library=self.library,
            claims=claims,
            qbittorrent=self.qbittorrent,
            plex=self.plex,
            events=self.events,
            interval=settings.watch_minutes * 60,
            delay=settings.release_delay_minutes * 60,
        )
        self.wishes = WishBook(
            store=wish_store,
            watch=self.watch,
            search=self.search,
            profiles=self.profiles,
            library=self.library,
            events=self.events,
            rules=RulesStore(self.prowlarr),
        )
        if settings.plex_watchlist and settings.plex_token:
            # The owner's Plex watchlist becomes wishes, read at the start of each watch cycle.
            watchlist = PlexWatchlist(session, settings.plex_discover_url, settings.plex_token)
            self.watch.before_cycle = WatchlistSync(watchlist, self.wishes).sync

    def marks(self, assessment: Assessment) -> Marks:
        """A search result's marks: in Plex (at which quality), in qBittorrent (how far)."""
        return marks(self.library, self.downloads.model.torrents, assessment)

    def ready_to_watch(self, limit: int = 20) -> list[ReadyItem]:
        """The newest downloads Plex lists, with their items and play links."""
        watch = self.plexwatch
        return ready_items(
            [d for d in self.downloads.views.current.values() if d.plex_key],
            self.library.get,
            watch.sections.get,
            watch.machine_identifier,
            limit,
        )

    def available(self, event: DownloadAvailable) -> ReadyItem | None:
        """What a `DownloadAvailable` is, as the ready list shows it (None when Plex dropped
        the item before MediaHub read it)."""
        item = event.item or self.library.get(event.plex_key)
        if item is None:
            return None
        watch = self.plexwatch
        return ReadyItem(
            event.download.hash,
            event.download.name,
            item,
            watch.sections.get(item.section),
            None,
            watch.machine_identifier,
        )

    async def poster(self, key: str) -> tuple[bytes, str] | None:
        """The poster of an item in the library index (bytes, content type); None for a key
        the index does not hold: nothing else is fetched for a caller."""
        item = self.library.get(key)
        if item is None or not item.thumb:
            return None
        return await self.posters.get(item.thumb)

    def subscribe(self, listener: Callable[[EngineEvent], None]) -> Callable[[], None]:
        """Be told of additions, completions, scans and download changes."""
        return self.events.subscribe(listener)

    async def watch_plex(self, session: aiohttp.ClientSession) -> None:
        """Listen to Plex's websocket until `close` (hosts run it as a background task)."""
        await self.plexwatch.listen(session)

    async def watch_wishes(self) -> None:
        """Watch for what the wishes want until cancelled (hosts run it as a background
        task, as they run `watch_plex`)."""
        await self.watch.run()

    async def close(self) -> None:
        """Close the connections MediaHub opened itself (`session` is its owner's to close)."""
        self.plexwatch.close()
        if self.audit is not None:
            await self.audit.save()
        await self.qbittorrent.close()
        await self.plex.close()

    async def __aenter__(self) -> Self:
        await self.start()
        return self

    async def __aexit__(self, *_exc: object) -> None:
        await self.close()

    async def start(self) -> None:
        """Load the recorded grabs (the outbox among them) and the VPN audit."""
        await self.downloads.load()
        if self.audit is not None:
            await self.audit.load()

    async def poll(self) -> DownloadsSnapshot:
        """One poll, what both hosts run: qBittorrent's changes and every download's life
        (`Downloads.refresh`, which advances the lifecycle), then the VPN checked, the guards
        applied and the audit kept, then the limits in force followed, and last Plex's library
        (a slow Plex never delays the guards); what Plex newly lists is confirmed at once."""
        downloads = self.downloads
        await downloads.refresh()
        confirmed: bool | None = None
        if self.gluetun is not None:
            try:
                self.vpn = await self.vpn_status()
            except MediaHubError:
                self.vpn = None  # unreachable: the VPN is not confirmed
            confirmed = self.vpn is not None and self.vpn.state is VpnState.CONNECTED
        model = downloads.model
        holds = self.guards.wanted(
            model, vpn_confirmed=confirmed, vpn_guard=self.settings.vpn_guard
        )
        if holds != downloads.holds:
            _LOGGER.warning(
                "Downloads %s", f"held back: {', '.join(sorted(holds))}" if holds else "released"
            )
        downloads.holds = holds
        shown = await self.guards.apply(model, holds)
        changes = downloads.take_changes()
        if self.audit is not None and confirmed is not None:
            shown |= await self.audit.observe(
                model.torrents,
                changes.added | changes.changed,
                changes.removed,
                confirmed=confirmed,
                full=changes.full_update,
            )
        downloads.views.refresh_many(shown)
        await self.bandwidth.follow(model.transfer())
        await self._follow_plex()
        return downloads.snapshot()

    def poll_interval(self, interval: float) -> float:
        """How long a host waits before its next poll: its `interval`, or less when a download
        MediaHub follows would complete before then (qBittorrent has no push: a completion is
        seen only by a poll): the next poll comes when it should be done, then every
        FINISHING_POLL until qBittorrent says so."""
        soonest = interval
        model = self.lifecycle.model
        for infohash in self.lifecycle.pipeline.in_stage(Stage.DOWNLOADING):
            record = model.torrents.get(infohash)
            if record is None or not self.lifecycle.managed(infohash):
                continue
            if record.progress >= 1:  # done, its files not final yet
                if time.time() - record.completion_on < FINISHING_WINDOW:
                    return min(interval, FINISHING_POLL)
                continue  # long done and still not final: organize retries at its own pace
            speed = int(record.dlspeed)
            if speed > 0:
                due = int(record.amount_left) / speed - QBITTORRENT_REFRESH
                soonest = min(soonest, max(FINISHING_POLL, due))
        return soonest

    async def _follow_plex(self) -> None:
        """Keep the library index current; what it newly lists is confirmed in this poll."""
        try:
            changed = await self.plexwatch.refresh(waiting=self.lifecycle.awaiting_plex)
        except MediaHubError as err:
            _LOGGER.debug("Plex's library is not read now: %s", err)
            return
        if changed:
            await self.lifecycle.plex_listed()

    async def vpn_status(self) -> VpnStatus:
        """gluetun's view compared with qBittorrent's external address (UNKNOWN without
        gluetun); raises the engine's errors when gluetun is configured but failing."""
        qbittorrent_ip = self.downloads.transfer().external_ipv4
        if self.gluetun is None:
            return VpnStatus(VpnState.UNKNOWN, qbittorrent_ip=qbittorrent_ip)
        return await self.gluetun.status(qbittorrent_ip)
