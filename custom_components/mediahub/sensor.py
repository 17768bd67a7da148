"""Sensors: speeds, downloads by state, disk, totals (qBittorrent); indexers and the requests
waiting for an administrator (Prowlarr, where the wishes are kept); VPN."""

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

from .const import POSTERS_URL
from .coordinator import (
    DownloadsCoordinator,
    IndexersCoordinator,
    IndexersData,
    MediaHubConfigEntry,
    MediaHubCoordinator,
)
from .entity import MediaHubEntity, WishListEntity
from .hub import (
    ConnectionStatus,
    DownloadsSnapshot,
    ReadyItem,
    VpnStatus,
    Wish,
    WishState,
    ready_item_json,
)

READY_SHOWN = 10  # the newest items the sensor lists

# Coordinators fetch the data; the entities only read it.
PARALLEL_UPDATES = 0


@dataclass(frozen=True, kw_only=True)
class MediaHubSensorEntityDescription[DataT](SensorEntityDescription):
    """A sensor and how to read its value from its coordinator's data (of type DataT)."""

    value_fn: Callable[[DataT], StateType]


type DownloadsSensor = MediaHubSensorEntityDescription[DownloadsSnapshot]


def _speed(key: str, value_fn: Callable[[DownloadsSnapshot], StateType]) -> DownloadsSensor:
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


def _count[DataT](
    key: str, value_fn: Callable[[DataT], StateType], *, enabled: bool = True
) -> MediaHubSensorEntityDescription[DataT]:
    return MediaHubSensorEntityDescription(
        key=key,
        translation_key=key,
        state_class=SensorStateClass.MEASUREMENT,
        entity_registry_enabled_default=enabled,
        value_fn=value_fn,
    )


def _total(key: str, value_fn: Callable[[DownloadsSnapshot], StateType]) -> DownloadsSensor:
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


def _downloads_count(
    key: str, value_fn: Callable[[DownloadsSnapshot], StateType], *, enabled: bool = True
) -> DownloadsSensor:
    return _count(key, value_fn, enabled=enabled)


def _indexers_count(key: str, value_fn: Callable[[IndexersData], StateType]) -> IndexersSensor:
    return _count(key, value_fn)


type IndexersSensor = MediaHubSensorEntityDescription[IndexersData]

DOWNLOAD_SENSORS: tuple[DownloadsSensor, ...] = (
    _speed("download_speed", lambda s: s.transfer.download_speed),
    _speed("upload_speed", lambda s: s.transfer.upload_speed),
    _downloads_count("downloading", lambda s: s.counts.downloading),
    _downloads_count("seeding", lambda s: s.counts.seeding),
    _downloads_count("stopped", lambda s: s.counts.stopped, enabled=False),
    _downloads_count("errored", lambda s: s.counts.errored),
    _downloads_count("total", lambda s: s.counts.total),
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
        options=[status.value for status in ConnectionStatus],
        entity_category=EntityCategory.DIAGNOSTIC,
        entity_registry_enabled_default=False,
        value_fn=lambda s: s.transfer.connection_status,
    ),
)

INDEXER_SENSORS: tuple[IndexersSensor, ...] = (
    _indexers_count("indexers_healthy", lambda d: d.healthy),
    _indexers_count("indexers_failing", lambda d: d.failing),
)

VPN_SENSORS: tuple[MediaHubSensorEntityDescription[VpnStatus], ...] = (
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
    entities: list[SensorEntity] = [MediaHubSensor(runtime.downloads, d) for d in DOWNLOAD_SENSORS]
    entities += [MediaHubSensor(runtime.indexers, d) for d in INDEXER_SENSORS]
    if runtime.vpn is not None:
        entities += [MediaHubSensor(runtime.vpn, d) for d in VPN_SENSORS]
    entities.append(ReadyToWatchSensor(runtime.plex, runtime.downloads))
    # The last known list when Prowlarr is away; the sensor is unavailable then.
    entities.append(RequestsWaitingSensor(runtime.indexers, await runtime.engine.wishes.all()))
    async_add_entities(entities)


class MediaHubSensor[DataT](MediaHubEntity, SensorEntity):
    """A sensor reading one value from its coordinator's data."""

    entity_description: MediaHubSensorEntityDescription[DataT]
    coordinator: MediaHubCoordinator[DataT]

    def __init__(
        self,
        coordinator: MediaHubCoordinator[DataT],
        description: MediaHubSensorEntityDescription[DataT],
    ) -> None:
        super().__init__(coordinator, description.key)
        self.entity_description = description

    @property
    def native_value(self) -> StateType:
        return self.entity_description.value_fn(self.coordinator.data)


class ReadyToWatchSensor(MediaHubEntity, SensorEntity):
    """How many of MediaHub's downloads Plex lists, and the newest of them (Plex's device;
    it follows every poll of the downloads)."""

    _attr_translation_key = "ready_to_watch"
    _attr_native_unit_of_measurement = "items"
    _attr_state_class = SensorStateClass.MEASUREMENT
    # The list is for dashboards and templates, not for the recorder's history.
    _unrecorded_attributes = frozenset({"items"})

    def __init__(self, plex: MediaHubCoordinator[Any], downloads: DownloadsCoordinator) -> None:
        super().__init__(plex, "ready_to_watch")
        self._downloads = downloads

    async def async_added_to_hass(self) -> None:
        await super().async_added_to_hass()
        self.async_on_remove(self._downloads.async_add_listener(self._handle_coordinator_update))

    def _ready(self) -> list[ReadyItem]:
        return self.coordinator.engine.ready_to_watch(READY_SHOWN)

    @property
    def native_value(self) -> StateType:
        return len(self._ready())

    @property
    def extra_state_attributes(self) -> dict[str, Any]:
        base = POSTERS_URL.format(entry_id=self.coordinator.config_entry.entry_id)
        return {"items": [ready_item_json(item, base) for item in self._ready()]}


class RequestsWaitingSensor(WishListEntity, SensorEntity):
    """How many requests wait for an administrator, and which (newest first): for a dashboard
    and for the approve-requests blueprint."""

    _attr_translation_key = "requests_waiting"
    _attr_native_unit_of_measurement = "requests"
    _attr_state_class = SensorStateClass.MEASUREMENT
    _unrecorded_attributes = frozenset({"requests"})

    def __init__(self, coordinator: IndexersCoordinator, wishes: tuple[Wish, ...]) -> None:
        super().__init__(coordinator, "requests_waiting", wishes)

    def _waiting(self) -> list[Wish]:
        return [w for w in self._wishes if w.state is WishState.WAITING]

    @property
    def native_value(self) -> StateType:
        return len(self._waiting())

    @property
    def extra_state_attributes(self) -> dict[str, Any]:
        return {
            "requests": [
                {
                    "wish_id": w.id,
                    "label": w.label,
                    "kind": w.kind.value,
                    "category": w.category,
                    "asked_by": w.asked_by,
                    "askers": list(w.askers),
                }
                for w in self._waiting()
            ]
        }
