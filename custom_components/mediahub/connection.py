"""Between a config entry and the engine: its Settings, and a connection test per service."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from homeassistant.core import HomeAssistant
from homeassistant.helpers.aiohttp_client import async_get_clientsession

from .const import (
    CONF_GLUETUN_API_KEY,
    CONF_GLUETUN_URL,
    CONF_PLEX_TOKEN,
    CONF_PLEX_URL,
    CONF_PROWLARR_API_KEY,
    CONF_PROWLARR_URL,
    CONF_QBITTORRENT_PASSWORD,
    CONF_QBITTORRENT_URL,
    CONF_QBITTORRENT_USERNAME,
    DOMAIN,
)
from .hub import GluetunClient, PlexClient, ProwlarrClient, QbittorrentClient, Settings


def entry_settings(
    hass: HomeAssistant, entry_id: str, data: Mapping[str, Any], options: Mapping[str, Any]
) -> Settings:
    """The engine's settings for a config entry; state lives in `<config>/mediahub/<entry>`."""
    state_dir = hass.config.path(DOMAIN, entry_id)
    return Settings.from_mapping(
        {
            **data,
            **{k: v for k, v in options.items() if v not in (None, "")},
            "state_dir": state_dir,
            "torrents_dir": f"{state_dir}/torrents",
        }
    )


async def test_prowlarr(hass: HomeAssistant, data: Mapping[str, Any]) -> str:
    """Prowlarr's version, or the engine's error."""
    client = ProwlarrClient(
        async_get_clientsession(hass), data[CONF_PROWLARR_URL], data[CONF_PROWLARR_API_KEY]
    )
    return await client.version()


async def test_qbittorrent(hass: HomeAssistant, data: Mapping[str, Any]) -> str:
    """qBittorrent's version after a login, or the engine's error."""
    async with QbittorrentClient(
        data[CONF_QBITTORRENT_URL], data[CONF_QBITTORRENT_USERNAME], data[CONF_QBITTORRENT_PASSWORD]
    ) as client:
        return await client.login()


async def test_plex(hass: HomeAssistant, data: Mapping[str, Any]) -> str:
    """The Plex server's machine identifier, or the engine's error."""
    async with PlexClient(data[CONF_PLEX_URL], data[CONF_PLEX_TOKEN]) as client:
        return (await client.identity()).machine_identifier


async def test_gluetun(hass: HomeAssistant, data: Mapping[str, Any]) -> str:
    """gluetun's tunnel status, or the engine's error."""
    client = GluetunClient(
        async_get_clientsession(hass), data[CONF_GLUETUN_URL], data.get(CONF_GLUETUN_API_KEY, "")
    )
    status = await client.status(None)
    return status.tunnel or ""
