"""One coordinator per data source: downloads (qBittorrent), indexers (Prowlarr), Plex, VPN.

Each turns the engine's errors into Home Assistant's: a refused credential starts reauth
(`ConfigEntryAuthFailed`), anything else makes the entities unavailable (`UpdateFailed`,
logged once when the service goes and once when it is back) until the next poll succeeds.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import timedelta
import logging
from typing import Any, override

from homeassistant.config_entries import ConfigEntry
from homeassistant.core import CALLBACK_TYPE, HomeAssistant, callback
from homeassistant.exceptions import ConfigEntryAuthFailed, HomeAssistantError
from homeassistant.helpers import device_registry as dr
from homeassistant.helpers.debounce import Debouncer
from homeassistant.helpers.update_coordinator import DataUpdateCoordinator, UpdateFailed

from .announce import Announcer
from .const import (
    DOMAIN,
    DOWNLOADS_INTERVAL,
    FASTEST_POLL,
    INDEXERS_INTERVAL,
    PLEX_INTERVAL,
    POSTERS_URL,
    REQUESTED_POLL_COOLDOWN,
    VPN_INTERVAL,
)
from .hub import (
    AuthenticationError,
    DownloadsSnapshot,
    Feed,
    Indexer,
    Library,
    MediaHub,
    MediaHubError,
    PlexServerInfo,
    RateLimiter,
    VpnStatus,
    outcome,
    placeholders,
    problem_of,
)
from .stack import REAUTH_SERVICE, SPECS, Service, ServiceSpec

_LOGGER = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class IndexersData:
    """Prowlarr's version and indexers."""

    version: str
    indexers: list[Indexer]

    @property
    def healthy(self) -> int:
        return sum(1 for i in self.indexers if i.enabled and not i.failing)

    @property
    def failing(self) -> int:
        return sum(1 for i in self.indexers if i.enabled and i.failing)


@dataclass(frozen=True, slots=True)
class PlexData:
    """The Plex server and its library sections."""

    server: PlexServerInfo
    libraries: list[Library]


@dataclass(slots=True)
class MediaHubRuntime:
    """What a loaded entry holds: the engine and its coordinators."""

    engine: MediaHub
    downloads: DownloadsCoordinator
    indexers: IndexersCoordinator
    plex: PlexCoordinator
    vpn: VpnCoordinator | None
    announcer: Announcer
    search_limiter: RateLimiter = field(default_factory=RateLimiter)  # the panel's, per user


type MediaHubConfigEntry = ConfigEntry[MediaHubRuntime]


def device_identifier(coordinator: MediaHubCoordinator[Any]) -> tuple[str, str]:
    """The identifier of the device of a coordinator's service."""
    return (DOMAIN, f"{coordinator.config_entry.entry_id}_{coordinator.spec.device_key}")


class MediaHubCoordinator[T](DataUpdateCoordinator[T]):
    """Maps the engine's errors for one service onto Home Assistant's, and keeps that
    service's device up to date."""

    config_entry: MediaHubConfigEntry
    spec: ServiceSpec

    def __init__(
        self,
        hass: HomeAssistant,
        entry: MediaHubConfigEntry,
        engine: MediaHub,
        interval: timedelta,
        request_refresh_debouncer: Debouncer[Any] | None = None,
    ) -> None:
        super().__init__(
            hass,
            _LOGGER,
            config_entry=entry,
            name=f"{DOMAIN} {self.spec.name}",
            update_interval=interval,
            request_refresh_debouncer=request_refresh_debouncer,
        )
        self.engine = engine

    @property
    def sw_version(self) -> str | None:
        """The service's version, once it is known."""
        return None

    @callback
    @override
    def async_update_listeners(self) -> None:
        """After each update: its device learns the version if it was not known at setup
        (the service was down then), then the entities update."""
        version = self.sw_version
        registry = dr.async_get(self.hass)
        device = registry.async_get_device_by_identifier(
            device_identifier(self), self.config_entry.entry_id
        )
        if version and device and device.sw_version != version:
            registry.async_update_device(device.id, sw_version=version)
        super().async_update_listeners()

    async def _guarded(self, fetch: Callable[[], Awaitable[T]]) -> T:
        try:
            return await fetch()
        except MediaHubError as err:
            kind: type[HomeAssistantError] = UpdateFailed
            if isinstance(err, AuthenticationError):
                # Reauth asks for this service's credentials at once, testing no other.
                self.config_entry.async_start_reauth(
                    self.hass, data={REAUTH_SERVICE: self.spec.service}
                )
                kind = ConfigEntryAuthFailed
            raise kind(
                translation_domain=DOMAIN,
                translation_key=outcome(err).code,
                translation_placeholders={**placeholders(err), "service": self.spec.name},
            ) from err


class DownloadsCoordinator(MediaHubCoordinator[DownloadsSnapshot]):
    """qBittorrent through the engine's incremental sync; also delivers the outbox."""

    spec = SPECS[Service.QBITTORRENT]

    def __init__(self, hass: HomeAssistant, entry: MediaHubConfigEntry, engine: MediaHub) -> None:
        # A refresh asked for (Plex's websocket saying a scan ended, a grab) runs at once, and
        # again after a short pause, not HA's default 10 s: "ready to watch" waits on no tick.
        debouncer: Debouncer[Any] = Debouncer(
            hass, _LOGGER, cooldown=REQUESTED_POLL_COOLDOWN, immediate=True
        )
        super().__init__(hass, entry, engine, DOWNLOADS_INTERVAL, debouncer)
        # What the sidebar panel shows, as the sidecar's panel shows it (websocket.py sends it).
        self.feed = Feed(engine, self._send, posters=POSTERS_URL.format(entry_id=entry.entry_id))
        self._feed_listeners: set[Callable[[str, Any], None]] = set()

    @property
    @override
    def sw_version(self) -> str | None:
        return self.engine.qbittorrent.version

    @callback
    def async_follow_feed(self, listener: Callable[[str, Any], None]) -> CALLBACK_TYPE:
        """Send `listener` every message of the feed until the returned callback is called."""
        self._feed_listeners.add(listener)
        return lambda: self._feed_listeners.discard(listener)

    def _send(self, name: str, data: Any) -> None:
        for listener in list(self._feed_listeners):
            listener(name, data)

    @override
    async def _async_update_data(self) -> DownloadsSnapshot:
        async def poll() -> DownloadsSnapshot:
            try:
                snapshot = await self.engine.poll()
            except MediaHubError as err:
                self.feed.after_poll(problem_of(err))
                self.update_interval = DOWNLOADS_INTERVAL
                raise
            self.feed.after_poll(None)
            # Sooner while a download is about to complete (qBittorrent has no push); at most
            # once a second, the finest step HA's coordinator schedules (it rounds the loop's
            # time down to the second, so a shorter interval would poll back to back).
            sooner = self.engine.poll_interval(DOWNLOADS_INTERVAL.total_seconds())
            self.update_interval = max(FASTEST_POLL, timedelta(seconds=sooner))
            return snapshot

        return await self._guarded(poll)


class IndexersCoordinator(MediaHubCoordinator[IndexersData]):
    """Prowlarr's indexers and their health."""

    spec = SPECS[Service.PROWLARR]

    def __init__(self, hass: HomeAssistant, entry: MediaHubConfigEntry, engine: MediaHub) -> None:
        super().__init__(hass, entry, engine, INDEXERS_INTERVAL)

    @property
    @override
    def sw_version(self) -> str | None:
        return self.data.version if self.data else None

    @override
    async def _async_update_data(self) -> IndexersData:
        async def fetch() -> IndexersData:
            prowlarr = self.engine.prowlarr
            return IndexersData(
                version=await prowlarr.version(), indexers=await prowlarr.indexers()
            )

        return await self._guarded(fetch)


class PlexCoordinator(MediaHubCoordinator[PlexData]):
    """The Plex server and its library sections (scan buttons come and go with them)."""

    spec = SPECS[Service.PLEX]

    def __init__(self, hass: HomeAssistant, entry: MediaHubConfigEntry, engine: MediaHub) -> None:
        super().__init__(hass, entry, engine, PLEX_INTERVAL)

    @property
    @override
    def sw_version(self) -> str | None:
        return self.data.server.version if self.data else None

    @override
    async def _async_update_data(self) -> PlexData:
        async def fetch() -> PlexData:
            plex = self.engine.plex
            return PlexData(server=await plex.identity(), libraries=await plex.libraries())

        return await self._guarded(fetch)


class VpnCoordinator(MediaHubCoordinator[VpnStatus]):
    """gluetun's tunnel compared with qBittorrent's external address (repairs.py raises the
    issues when it is bad)."""

    spec = SPECS[Service.GLUETUN]

    def __init__(
        self, hass: HomeAssistant, entry: MediaHubConfigEntry, engine: MediaHub, feed: Feed
    ) -> None:
        super().__init__(hass, entry, engine, VPN_INTERVAL)
        self._feed = feed

    @override
    async def _async_update_data(self) -> VpnStatus:
        return await self._guarded(self.engine.vpn_status)

    @override
    def async_update_listeners(self) -> None:
        self._feed.show_vpn(self.data if self.last_update_success else None)
        super().async_update_listeners()
