"""Home Assistant loads MediaHub from a config entry and unloads it again."""

from __future__ import annotations

from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import HomeAssistant
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.mediahub.const import DOMAIN

ENTRY_DATA = {
    "prowlarr_url": "http://127.0.0.1:9696",
    "prowlarr_api_key": "0123456789abcdef0123456789abcdef",
    "qbittorrent_url": "http://127.0.0.1:8080",
    "qbittorrent_username": "admin",
    "qbittorrent_password": "secret",
    "plex_url": "http://127.0.0.1:32400",
    "plex_token": "plex-token",
}


async def test_entry_loads_and_unloads(hass: HomeAssistant) -> None:
    entry = MockConfigEntry(domain=DOMAIN, data=ENTRY_DATA, title="MediaHub")
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    assert entry.state is ConfigEntryState.LOADED
    assert entry.runtime_data.settings.prowlarr_url == "http://127.0.0.1:9696"
    assert await hass.config_entries.async_unload(entry.entry_id)
    assert entry.state is ConfigEntryState.NOT_LOADED
