"""Base entity: one device per service of the home stack, described by its `ServiceSpec`."""

from __future__ import annotations

from typing import Any

from homeassistant.helpers.device_registry import DeviceEntryType, DeviceInfo
from homeassistant.helpers.update_coordinator import CoordinatorEntity

from .coordinator import MediaHubCoordinator, device_identifier


class MediaHubEntity(CoordinatorEntity[MediaHubCoordinator[Any]]):
    """An entity on its coordinator's service's device, named by translation key."""

    _attr_has_entity_name = True

    def __init__(self, coordinator: MediaHubCoordinator[Any], key: str) -> None:
        super().__init__(coordinator)
        entry = coordinator.config_entry
        spec = coordinator.spec
        self._attr_unique_id = f"{entry.entry_id}_{key}"
        self._attr_device_info = DeviceInfo(
            identifiers={device_identifier(coordinator)},
            entry_type=DeviceEntryType.SERVICE,
            manufacturer=spec.manufacturer,
            model=spec.model,
            name=spec.model,
            configuration_url=spec.configuration_url(entry.data),
            sw_version=coordinator.sw_version,
        )
