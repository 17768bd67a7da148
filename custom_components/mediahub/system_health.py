"""System health: can Home Assistant reach each service of the stack."""

from __future__ import annotations

from typing import Any

from homeassistant.components import system_health
from homeassistant.core import HomeAssistant, callback

from .const import DOMAIN
from .coordinator import MediaHubConfigEntry


@callback
def async_register(hass: HomeAssistant, register: system_health.SystemHealthRegistration) -> None:
    """Register the system health info."""
    register.async_register_info(system_health_info)


async def system_health_info(hass: HomeAssistant) -> dict[str, Any]:
    """Reachability of each service and the grabs waiting, for the first loaded stack."""
    entries: list[MediaHubConfigEntry] = hass.config_entries.async_loaded_entries(DOMAIN)
    if not entries:
        return {"loaded": False}
    runtime = entries[0].runtime_data
    return {
        "qbittorrent_reachable": runtime.downloads.last_update_success,
        "qbittorrent_version": runtime.engine.qbittorrent.version,
        "prowlarr_reachable": runtime.indexers.last_update_success,
        "plex_reachable": runtime.plex.last_update_success,
        "queued_grabs": len(runtime.engine.downloads.outbox),
    }
