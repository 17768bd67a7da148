"""Numbers: qBittorrent's global speed limits, normal and alternative, in KiB/s (0: none)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Final

from homeassistant.components.number import (
    NumberDeviceClass,
    NumberEntity,
    NumberEntityDescription,
    NumberMode,
)
from homeassistant.const import EntityCategory, UnitOfDataRate
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .coordinator import DownloadsCoordinator, MediaHubConfigEntry
from .entity import MediaHubEntity
from .errors import engine_errors
from .hub import KIB, MAX_LIMIT, Bandwidth, from_kib

# Each change calls qBittorrent: one at a time.
PARALLEL_UPDATES = 1


@dataclass(frozen=True, kw_only=True)
class LimitDescription(NumberEntityDescription):
    """A limit and where it is in `Bandwidth` (the engine's name for it, in bytes/s)."""

    value_fn: Callable[[Bandwidth], int]


def _limit(key: str, value_fn: Callable[[Bandwidth], int]) -> LimitDescription:
    return LimitDescription(
        key=key,
        translation_key=key,
        device_class=NumberDeviceClass.DATA_RATE,
        native_unit_of_measurement=UnitOfDataRate.KIBIBYTES_PER_SECOND,
        native_min_value=0,
        native_max_value=MAX_LIMIT // KIB,
        native_step=1,
        mode=NumberMode.BOX,
        entity_category=EntityCategory.CONFIG,
        value_fn=value_fn,
    )


LIMITS: Final = (
    _limit("download_limit", lambda b: b.download_limit),
    _limit("upload_limit", lambda b: b.upload_limit),
    _limit("alt_download_limit", lambda b: b.alt_download_limit),
    _limit("alt_upload_limit", lambda b: b.alt_upload_limit),
)


async def async_setup_entry(
    hass: HomeAssistant,
    entry: MediaHubConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    downloads = entry.runtime_data.downloads
    async_add_entities(SpeedLimit(downloads, description) for description in LIMITS)


class SpeedLimit(MediaHubEntity, NumberEntity):
    """One of qBittorrent's global limits; the one in force follows qBittorrent each poll."""

    entity_description: LimitDescription
    coordinator: DownloadsCoordinator

    def __init__(self, coordinator: DownloadsCoordinator, description: LimitDescription) -> None:
        super().__init__(coordinator, description.key)
        self.entity_description = description

    @property
    def available(self) -> bool:
        return super().available and self.coordinator.engine.bandwidth.current is not None

    @property
    def native_value(self) -> float | None:
        current = self.coordinator.engine.bandwidth.current
        return self.entity_description.value_fn(current) // KIB if current else None

    async def async_set_native_value(self, value: float) -> None:
        async with engine_errors():
            key = self.entity_description.key
            await self.coordinator.engine.bandwidth.change({key: from_kib(key, value)})
        self.coordinator.async_update_listeners()  # every control shows it now
        await self.coordinator.async_request_refresh()
