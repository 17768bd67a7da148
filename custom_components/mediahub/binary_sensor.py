"""Binary sensors: is the VPN connected, and does qBittorrent's traffic go through it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from homeassistant.components.binary_sensor import (
    BinarySensorEntity,
    BinarySensorEntityDescription,
)
from homeassistant.components.binary_sensor.const import BinarySensorDeviceClass
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .coordinator import MediaHubConfigEntry, VpnCoordinator
from .entity import MediaHubEntity
from .hub.models import VpnStatus

# Coordinators fetch the data; the entities only read it.
PARALLEL_UPDATES = 0


@dataclass(frozen=True, kw_only=True)
class MediaHubBinarySensorEntityDescription(BinarySensorEntityDescription):
    """A VPN fact and how to read it."""

    value_fn: Callable[[VpnStatus], bool | None]


VPN_BINARY_SENSORS = (
    MediaHubBinarySensorEntityDescription(
        key="vpn_connected",
        translation_key="vpn_connected",
        device_class=BinarySensorDeviceClass.CONNECTIVITY,
        value_fn=lambda status: status.connected,
    ),
    MediaHubBinarySensorEntityDescription(
        key="traffic_through_vpn",
        translation_key="traffic_through_vpn",
        value_fn=lambda status: status.through_vpn,
    ),
)


async def async_setup_entry(
    hass: HomeAssistant,
    entry: MediaHubConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add the VPN binary sensors when gluetun is configured."""
    if (vpn := entry.runtime_data.vpn) is not None:
        async_add_entities(VpnBinarySensor(vpn, d) for d in VPN_BINARY_SENSORS)


class VpnBinarySensor(MediaHubEntity, BinarySensorEntity):
    """One fact about the VPN."""

    entity_description: MediaHubBinarySensorEntityDescription
    coordinator: VpnCoordinator

    def __init__(
        self, coordinator: VpnCoordinator, description: MediaHubBinarySensorEntityDescription
    ) -> None:
        super().__init__(coordinator, description.key)
        self.entity_description = description

    @property
    def is_on(self) -> bool | None:
        return self.entity_description.value_fn(self.coordinator.data)
