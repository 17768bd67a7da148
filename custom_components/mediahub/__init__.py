"""MediaHub: search Prowlarr, download through qBittorrent, scan Plex."""

from __future__ import annotations

from dataclasses import dataclass

from homeassistant.config_entries import ConfigEntry
from homeassistant.core import HomeAssistant

from .hub.config import Settings


@dataclass(slots=True)
class MediaHubData:
    """What a loaded entry holds: the engine's settings (the engine itself joins later)."""

    settings: Settings


type MediaHubConfigEntry = ConfigEntry[MediaHubData]


async def async_setup_entry(hass: HomeAssistant, entry: MediaHubConfigEntry) -> bool:
    """Set up MediaHub from a config entry."""
    entry.runtime_data = MediaHubData(settings=Settings.from_mapping(entry.data))
    return True


async def async_unload_entry(hass: HomeAssistant, entry: MediaHubConfigEntry) -> bool:
    """Unload a config entry."""
    return True
