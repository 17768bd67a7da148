"""One coordinator per data source: downloads (qBittorrent), indexers (Prowlarr), Plex, VPN.

Each turns the engine's errors into Home Assistant's: a refused credential starts reauth
(`ConfigEntryAuthFailed`), anything else makes the entities unavailable (`UpdateFailed`,
logged once when the service goes and once when it is back) until the next poll succeeds.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta
import logging
from typing import override

from homeassistant.config_entries import ConfigEntry
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import ConfigEntryAuthFailed
from homeassistant.helpers import issue_registry as ir
from homeassistant.helpers.update_coordinator import DataUpdateCoordinator, UpdateFailed
from homeassistant.util import dt as dt_util

from .const import (
    CONF_POLL_INTERVAL,
    DEFAULT_POLL_INTERVAL,
    DOMAIN,
    INDEXERS_INTERVAL,
    OUTBOX_STUCK_AFTER,
    PLEX_INTERVAL,
    VPN_INTERVAL,
)
from .hub.engine import MediaHub
from .hub.errors import AuthenticationError, MediaHubError
from .hub.models import DownloadsSnapshot, Indexer, Library, PlexServerInfo, VpnState, VpnStatus

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


type MediaHubConfigEntry = ConfigEntry[MediaHubRuntime]


class MediaHubCoordinator[T](DataUpdateCoordinator[T]):
    """Maps the engine's errors for one service onto Home Assistant's."""

    config_entry: MediaHubConfigEntry
    service: str

    def __init__(
        self,
        hass: HomeAssistant,
        entry: MediaHubConfigEntry,
        engine: MediaHub,
        interval: timedelta,
    ) -> None:
        super().__init__(
            hass,
            _LOGGER,
            config_entry=entry,
            name=f"{DOMAIN} {self.service}",
            update_interval=interval,
        )
        self.engine = engine

    async def _guarded(self, fetch: Callable[[], Awaitable[T]]) -> T:
        try:
            return await fetch()
        except AuthenticationError as err:
            raise ConfigEntryAuthFailed(
                translation_domain=DOMAIN,
                translation_key="auth_failed",
                translation_placeholders={"service": err.service},
            ) from err
        except MediaHubError as err:
            raise UpdateFailed(
                translation_domain=DOMAIN,
                translation_key="service_unavailable",
                translation_placeholders={
                    "service": self.service,
                    "reason": getattr(err, "reason", str(err)),
                },
            ) from err


class DownloadsCoordinator(MediaHubCoordinator[DownloadsSnapshot]):
    """qBittorrent through the engine's incremental sync; also delivers the outbox."""

    service = "qBittorrent"

    def __init__(self, hass: HomeAssistant, entry: MediaHubConfigEntry, engine: MediaHub) -> None:
        seconds = float(entry.options.get(CONF_POLL_INTERVAL, DEFAULT_POLL_INTERVAL))
        super().__init__(hass, entry, engine, timedelta(seconds=seconds))
        self._outbox_since: float | None = None

    @override
    async def _async_update_data(self) -> DownloadsSnapshot:
        try:
            return await self._guarded(self.engine.downloads.refresh)
        finally:
            self._check_outbox()

    def _check_outbox(self) -> None:
        """Raise a repair issue while grabs have waited too long for qBittorrent."""
        waiting = len(self.engine.downloads.outbox)
        now = dt_util.utcnow().timestamp()
        if not waiting:
            self._outbox_since = None
            ir.async_delete_issue(self.hass, DOMAIN, f"outbox_stuck_{self.config_entry.entry_id}")
            return
        self._outbox_since = self._outbox_since or now
        if now - self._outbox_since >= OUTBOX_STUCK_AFTER.total_seconds():
            ir.async_create_issue(
                self.hass,
                DOMAIN,
                f"outbox_stuck_{self.config_entry.entry_id}",
                is_fixable=False,
                severity=ir.IssueSeverity.ERROR,
                translation_key="outbox_stuck",
                translation_placeholders={"count": str(waiting)},
            )


class IndexersCoordinator(MediaHubCoordinator[IndexersData]):
    """Prowlarr's indexers and their health."""

    service = "Prowlarr"

    def __init__(self, hass: HomeAssistant, entry: MediaHubConfigEntry, engine: MediaHub) -> None:
        super().__init__(hass, entry, engine, INDEXERS_INTERVAL)

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

    service = "Plex"

    def __init__(self, hass: HomeAssistant, entry: MediaHubConfigEntry, engine: MediaHub) -> None:
        super().__init__(hass, entry, engine, PLEX_INTERVAL)

    @override
    async def _async_update_data(self) -> PlexData:
        async def fetch() -> PlexData:
            plex = self.engine.plex
            return PlexData(server=await plex.identity(), libraries=await plex.libraries())

        return await self._guarded(fetch)


class VpnCoordinator(MediaHubCoordinator[VpnStatus]):
    """gluetun's tunnel compared with qBittorrent's external address; repairs when it is bad."""

    service = "gluetun"

    def __init__(self, hass: HomeAssistant, entry: MediaHubConfigEntry, engine: MediaHub) -> None:
        super().__init__(hass, entry, engine, VPN_INTERVAL)

    @override
    async def _async_update_data(self) -> VpnStatus:
        status = await self._guarded(self.engine.vpn_status)
        entry_id = self.config_entry.entry_id
        for state, key in ((VpnState.DOWN, "vpn_down"), (VpnState.LEAKING, "vpn_leaking")):
            if status.state is state:
                ir.async_create_issue(
                    self.hass,
                    DOMAIN,
                    f"{key}_{entry_id}",
                    is_fixable=False,
                    severity=ir.IssueSeverity.ERROR,
                    translation_key=key,
                    translation_placeholders={
                        "tunnel": status.tunnel or "unknown",
                    },
                )
            else:
                ir.async_delete_issue(self.hass, DOMAIN, f"{key}_{entry_id}")
        return status
