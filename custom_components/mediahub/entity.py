"""Base entity: one device per service of the home stack, described by its `ServiceSpec`."""

from __future__ import annotations

from typing import Any

from homeassistant.core import callback
from homeassistant.helpers.device_registry import DeviceEntryType, DeviceInfo
from homeassistant.helpers.update_coordinator import CoordinatorEntity

from .coordinator import IndexersCoordinator, MediaHubCoordinator, device_identifier
from .hub import EngineEvent, Wish, WishesChanged


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


class WishListEntity(MediaHubEntity):
    """An entity of the household's wish list: on Prowlarr's device (Prowlarr keeps the list),
    following the list as the engine says it changed; unavailable with Prowlarr, showing the
    last list known."""

    coordinator: IndexersCoordinator

    def __init__(
        self, coordinator: IndexersCoordinator, key: str, wishes: tuple[Wish, ...]
    ) -> None:
        super().__init__(coordinator, key)
        self._wishes = wishes

    async def async_added_to_hass(self) -> None:
        await super().async_added_to_hass()
        self.async_on_remove(self.coordinator.engine.subscribe(self._engine_event))

    @callback
    def _engine_event(self, event: EngineEvent) -> None:
        if isinstance(event, WishesChanged):
            self._wishes = event.wishes
            self.async_write_ha_state()
