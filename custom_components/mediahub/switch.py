"""Switch: qBittorrent's alternative speed limits ("slow mode"), followed within one poll."""

from __future__ import annotations

from typing import Any

from homeassistant.components.switch import SwitchEntity
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .coordinator import DownloadsCoordinator, MediaHubConfigEntry
from .entity import MediaHubEntity
from .errors import engine_errors

# Each switch calls qBittorrent: one at a time.
PARALLEL_UPDATES = 1


async def async_setup_entry(
    hass: HomeAssistant,
    entry: MediaHubConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    async_add_entities([AltSpeedSwitch(entry.runtime_data.downloads)])


class AltSpeedSwitch(MediaHubEntity, SwitchEntity):
    """Alternative speed limits on or off (qBittorrent's schedule may switch it too)."""

    _attr_translation_key = "alt_speed"
    coordinator: DownloadsCoordinator

    def __init__(self, coordinator: DownloadsCoordinator) -> None:
        super().__init__(coordinator, "alt_speed")

    @property
    def is_on(self) -> bool | None:
        current = self.coordinator.engine.bandwidth.current  # followed each poll
        return current.alt_speed if current else None

    async def async_turn_on(self, **kwargs: Any) -> None:
        await self._set(enabled=True)

    async def async_turn_off(self, **kwargs: Any) -> None:
        await self._set(enabled=False)

    async def _set(self, *, enabled: bool) -> None:
        async with engine_errors():
            await self.coordinator.engine.bandwidth.change({"alt_speed": enabled})
        self.coordinator.async_update_listeners()  # every control shows it now
        await self.coordinator.async_request_refresh()
