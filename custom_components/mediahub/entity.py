"""Base entity: one device per service of the home stack."""

from __future__ import annotations

from typing import Any

from homeassistant.helpers.device_registry import DeviceEntryType, DeviceInfo
from homeassistant.helpers.update_coordinator import CoordinatorEntity

from .const import DOMAIN
from .coordinator import MediaHubCoordinator

MANUFACTURERS = {
    "qbittorrent": ("qBittorrent project", "qBittorrent"),
    "prowlarr": ("Servarr", "Prowlarr"),
    "plex": ("Plex Inc.", "Plex Media Server"),
    "vpn": ("gluetun", "VPN (gluetun)"),
}


class MediaHubEntity(CoordinatorEntity[MediaHubCoordinator[Any]]):
    """An entity on one service's device, named by translation key."""

    _attr_has_entity_name = True

    def __init__(self, coordinator: MediaHubCoordinator[Any], service: str, key: str) -> None:
        super().__init__(coordinator)
        entry = coordinator.config_entry
        self._attr_unique_id = f"{entry.entry_id}_{key}"
        manufacturer, model = MANUFACTURERS[service]
        urls = {
            "qbittorrent": entry.data.get("qbittorrent_url"),
            "prowlarr": entry.data.get("prowlarr_url"),
            "plex": entry.data.get("plex_url"),
            "vpn": None,
        }
        self._attr_device_info = DeviceInfo(
            identifiers={(DOMAIN, f"{entry.entry_id}_{service}")},
            entry_type=DeviceEntryType.SERVICE,
            manufacturer=manufacturer,
            model=model,
            name=model,
            configuration_url=urls[service] if service != "plex" else "https://app.plex.tv/desktop",
            sw_version=_version(coordinator, service),
        )


def _version(coordinator: MediaHubCoordinator[Any], service: str) -> str | None:
    engine = coordinator.engine
    if service == "qbittorrent":
        return engine.qbittorrent.version
    data = coordinator.data
    if service == "prowlarr" and data is not None:
        return str(data.version)
    if service == "plex" and data is not None:
        return str(data.server.version)
    return None
