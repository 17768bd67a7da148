"""Sensors: speeds, downloads by state, disk, totals (qBittorrent); indexers (Prowlarr); VPN."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from homeassistant.components.sensor import (
    SensorDeviceClass,
    SensorEntity,
    SensorEntityDescription,
    SensorStateClass,
)
from homeassistant.const import EntityCategory, UnitOfDataRate, UnitOfInformation
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback
from homeassistant.helpers.typing import StateType

from .coordinator import MediaHubConfigEntry, MediaHubCoordinator
from .entity import MediaHubEntity

# Coordinators fetch the data; the entities only read it.
PARALLEL_UPDATES = 0


@dataclass(frozen=True, kw_only=True)
class MediaHubSensorEntityDescription(SensorEntityDescription):
    """A sensor and how to read its value from its coordinator's data."""

    value_fn: Callable[[Any], StateType]


def _speed(key: str, value_fn: Callable[[Any], StateType]) -> MediaHubSensorEntityDescription:
    return MediaHubSensorEntityDescription(
        key=key,
        translation_key=key,
        device_class=SensorDeviceClass.DATA_RATE,
        native_unit_of_measurement=UnitOfDataRate.BYTES_PER_SECOND,
        suggested_unit_of_measurement=UnitOfDataRate.MEGABYTES_PER_SECOND,
        suggested_display_precision=2,
        state_class=SensorStateClass.MEASUREMENT,
        value_fn=value_fn,
    )


def _count(
    key: str, value_fn: Callable[[Any], StateType], *, enabled: bool = True
) -> MediaHubSensorEntityDescription:
    return MediaHubSensorEntityDescription(
        key=key,
        translation_key=key,
        state_class=SensorStateClass.MEASUREMENT,
        entity_registry_enabled_default=enabled,
        value_fn=value_fn,
    )


def _total(key: str, value_fn: Callable[[Any], StateType]) -> MediaHubSensorEntityDescription:
    return MediaHubSensorEntityDescription(
        key=key,
        translation_key=key,
        device_class=SensorDeviceClass.DATA_SIZE,
        native_unit_of_measurement=UnitOfInformation.BYTES,
        suggested_unit_of_measurement=UnitOfInformation.GIGABYTES,
        suggested_display_precision=2,
        state_class=SensorStateClass.TOTAL_INCREASING,
        entity_category=EntityCategory.DIAGNOSTIC,
        entity_registry_enabled_default=False,
        value_fn=value_fn,
    )


DOWNLOAD_SENSORS: tuple[MediaHubSensorEntityDescription, ...] = (
    _speed("download_speed", lambda s: s.transfer.download_speed),
    _speed("upload_speed", lambda s: s.transfer.upload_speed),
    _count("downloading", lambda s: s.counts.downloading),
    _count("seeding", lambda s: s.counts.seeding),
    _count("stopped", lambda s: s.counts.stopped, enabled=False),
    _count("errored", lambda s: s.counts.errored),
    _count("total", lambda s: s.counts.total),
    MediaHubSensorEntityDescription(
        key="free_space",
        translation_key="free_space",
        device_class=SensorDeviceClass.DATA_SIZE,
        native_unit_of_measurement=UnitOfInformation.BYTES,
        suggested_unit_of_measurement=UnitOfInformation.GIGABYTES,
        suggested_display_precision=1,
        state_class=SensorStateClass.MEASUREMENT,
        value_fn=lambda s: s.transfer.free_space,
    ),
    _total("alltime_download", lambda s: s.transfer.alltime_download),
    _total("alltime_upload", lambda s: s.transfer.alltime_upload),
    MediaHubSensorEntityDescription(
        key="queued_grabs",
        translation_key="queued_grabs",
        state_class=SensorStateClass.MEASUREMENT,
        entity_category=EntityCategory.DIAGNOSTIC,
        value_fn=lambda s: s.outbox,
    ),
    MediaHubSensorEntityDescription(
        key="connection_status",
        translation_key="connection_status",
        device_class=SensorDeviceClass.ENUM,
        options=["connected", "firewalled", "disconnected", "unknown"],
        entity_category=EntityCategory.DIAGNOSTIC,
        entity_registry_enabled_default=False,
        value_fn=lambda s: s.transfer.connection_status,
    ),
)

INDEXER_SENSORS: tuple[MediaHubSensorEntityDescription, ...] = (
    _count("indexers_healthy", lambda d: d.healthy),
    _count("indexers_failing", lambda d: d.failing),
)

VPN_SENSORS: tuple[MediaHubSensorEntityDescription, ...] = (
    MediaHubSensorEntityDescription(
        key="public_ip",
        translation_key="public_ip",
        entity_category=EntityCategory.DIAGNOSTIC,
        value_fn=lambda v: v.public_ip,
    ),
)


async def async_setup_entry(
    hass: HomeAssistant,
    entry: MediaHubConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add the sensors of each service."""
    runtime = entry.runtime_data
    entities: list[MediaHubSensor] = [
        MediaHubSensor(runtime.downloads, "qbittorrent", d) for d in DOWNLOAD_SENSORS
    ]
    entities += [MediaHubSensor(runtime.indexers, "prowlarr", d) for d in INDEXER_SENSORS]
    if runtime.vpn is not None:
        entities += [MediaHubSensor(runtime.vpn, "vpn", d) for d in VPN_SENSORS]
    async_add_entities(entities)


class MediaHubSensor(MediaHubEntity, SensorEntity):
    """A sensor reading one value from its coordinator."""

    entity_description: MediaHubSensorEntityDescription

    def __init__(
        self,
        coordinator: MediaHubCoordinator[Any],
        service: str,
        description: MediaHubSensorEntityDescription,
    ) -> None:
        super().__init__(coordinator, service, description.key)
        self.entity_description = description

    @property
    def native_value(self) -> StateType:
        return self.entity_description.value_fn(self.coordinator.data)
