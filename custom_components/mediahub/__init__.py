"""MediaHub: search Prowlarr, download through qBittorrent, scan Plex."""

from __future__ import annotations

import asyncio
import logging

from homeassistant.const import Platform
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers import config_validation as cv
from homeassistant.helpers.aiohttp_client import async_get_clientsession
from homeassistant.helpers.typing import ConfigType

from .announce import Announcer
from .approvals import async_listen_for_answers
from .connection import entry_settings
from .const import DOMAIN
from .coordinator import (
    DownloadsCoordinator,
    IndexersCoordinator,
    MediaHubConfigEntry,
    MediaHubRuntime,
    PlexCoordinator,
    VpnCoordinator,
)
from .hub import MediaHub
from .panel import async_setup_panel_files, async_show_panel
from .posters import PosterView
from .repairs import async_setup_repairs
from .services import async_setup_services
from .websocket import async_setup_websocket

_LOGGER = logging.getLogger(__name__)

PLATFORMS = [
    Platform.BINARY_SENSOR,
    Platform.BUTTON,
    Platform.NUMBER,
    Platform.SENSOR,
    Platform.SWITCH,
    Platform.TODO,
]
CONFIG_SCHEMA = cv.config_entry_only_config_schema(DOMAIN)


async def async_setup(hass: HomeAssistant, config: ConfigType) -> bool:
    """Register the actions and the poster view once, for every entry (intents come through
    `intent.py`)."""
    async_setup_services(hass)
    async_setup_websocket(hass)
    hass.http.register_view(PosterView())
    await async_setup_panel_files(hass)
    return True


async def async_setup_entry(hass: HomeAssistant, entry: MediaHubConfigEntry) -> bool:
    """Build the engine for this stack and its coordinators."""
    settings = entry_settings(hass, entry.entry_id, entry.data, entry.options)
    engine = MediaHub(settings, async_get_clientsession(hass))
    watching: list[asyncio.Task[None]] = []

    async def close() -> None:
        # The wishes' watch first: a cycle cancelled mid-way still gives its claim back in
        # qBittorrent, and must be done with qBittorrent before the engine closes its session.
        for task in watching:
            task.cancel()
        await asyncio.gather(*watching, return_exceptions=True)
        await engine.close()

    # Closed on unload, and also when setup fails from here on (Home Assistant runs the unload
    # callbacks then too): a retried setup must not leave qBittorrent's session behind.
    entry.async_on_unload(close)
    # Every limit is an entity here, and follows qBittorrent within one poll (bandwidth.py).
    engine.bandwidth.reread_every = 0
    await engine.start()
    downloads = DownloadsCoordinator(hass, entry, engine)
    indexers = IndexersCoordinator(hass, entry, engine)
    plex = PlexCoordinator(hass, entry, engine)
    vpn = VpnCoordinator(hass, entry, engine, downloads.feed) if engine.gluetun else None
    # Listening before the first poll: what happened while Home Assistant was away (a panel
    # grab that completed, say) is announced from it, once.
    announcer = Announcer(hass, entry.entry_id, engine.available)
    await announcer.async_load()
    entry.async_on_unload(engine.subscribe(announcer.forward))
    # qBittorrent is the heart: without it the entry retries setup. The others only make
    # their own entities unavailable until they answer.
    await downloads.async_config_entry_first_refresh()
    announcer.async_settled(set(downloads.data.downloads))
    for coordinator in (indexers, plex, vpn):
        if coordinator is not None:
            await coordinator.async_refresh()  # a refused key starts reauth by itself
    entry.runtime_data = MediaHubRuntime(engine, downloads, indexers, plex, vpn, announcer)

    @callback
    def plex_changed() -> None:
        # Plex's websocket says it lists something: poll now, to confirm downloads sooner.
        entry.async_create_background_task(
            hass, downloads.async_request_refresh(), "mediahub-plex-changed"
        )

    engine.plexwatch.on_change = plex_changed
    entry.async_create_background_task(
        hass, engine.watch_plex(async_get_clientsession(hass)), "mediahub-plex-websocket"
    )
    entry.async_on_unload(engine.plexwatch.close)
    # The household's wishes, watched until the entry unloads (`close` cancels it); one
    # process at a time watches them (the engine's watch claim).
    watching.append(
        entry.async_create_background_task(hass, engine.watch_wishes(), "mediahub-wishes")
    )
    async_setup_repairs(hass, entry)
    async_listen_for_answers(hass, entry)
    await hass.config_entries.async_forward_entry_setups(entry, PLATFORMS)
    await async_show_panel(hass, [*hass.config_entries.async_loaded_entries(DOMAIN), entry])
    return True


async def async_unload_entry(hass: HomeAssistant, entry: MediaHubConfigEntry) -> bool:
    """Unload a config entry, and close the engine's connections."""
    unloaded = await hass.config_entries.async_unload_platforms(entry, PLATFORMS)
    if unloaded:
        others = hass.config_entries.async_loaded_entries(DOMAIN)
        await async_show_panel(hass, [e for e in others if e.entry_id != entry.entry_id])
        await entry.runtime_data.announcer.async_flush()
    return unloaded


async def async_migrate_entry(hass: HomeAssistant, entry: MediaHubConfigEntry) -> bool:
    """1.1 → 1.2: the downloads poll interval is MediaHub's to decide, no longer an option."""
    if entry.version > 1:
        return False  # a downgrade: this version cannot read what a newer one wrote
    if entry.minor_version < 2:
        options = {k: v for k, v in entry.options.items() if k != "poll_interval"}
        hass.config_entries.async_update_entry(entry, options=options, minor_version=2)
    return True


async def async_remove_entry(hass: HomeAssistant, entry: MediaHubConfigEntry) -> None:
    """Forget the entry's announcement ledger with the entry."""
    await Announcer(hass, entry.entry_id).async_remove()
