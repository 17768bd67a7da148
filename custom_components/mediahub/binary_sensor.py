"""Binary sensors: is the VPN connected, and does qBittorrent's traffic go through it (with
the VPN audit of the downloads that are not verified, and whether the guard holds them)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Final

from homeassistant.components.binary_sensor import (
    BinarySensorEntity,
    BinarySensorEntityDescription,
)
from homeassistant.components.binary_sensor.const import BinarySensorDeviceClass
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .coordinator import MediaHubConfigEntry, VpnCoordinator
from .entity import MediaHubEntity
from .hub import AuditState, Hold, MediaHub, VpnStatus, audit_record_json

# Coordinators fetch the data; the entities only read it.
PARALLEL_UPDATES = 0


@dataclass(frozen=True, kw_only=True)
class MediaHubBinarySensorEntityDescription(BinarySensorEntityDescription):
    """A VPN fact and how to read it."""

    value_fn: Callable[[VpnStatus], bool | None]
    attributes_fn: Callable[[MediaHub], dict[str, Any]] | None = None


AUDIT_LISTED: Final = 20  # downloads named in the attributes, the most recent first


def vpn_audit_attributes(engine: MediaHub) -> dict[str, Any]:
    """What the VPN audit says of the downloads: how many are verified, and which are not
    (moved without a confirmed VPN, or while MediaHub was not watching), with when."""
    audited = [
        (download, download.vpn_audit)
        for download in engine.downloads.snapshot().downloads.values()
        if download.vpn_audit is not None
    ]
    doubtful = sorted(
        ((d, a) for d, a in audited if a.state in (AuditState.UNPROTECTED, AuditState.GAP)),
        key=lambda pair: -pair[0].added_on,
    )
    return {
        "guard_holding": Hold.VPN in engine.downloads.holds,
        "downloads_verified": len([a for _, a in audited if a.state is AuditState.VERIFIED]),
        "downloads_not_verified": [
            {"hash": d.hash, "name": d.name, **audit_record_json(a)}
            for d, a in doubtful[:AUDIT_LISTED]
        ],
    }


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
        attributes_fn=vpn_audit_attributes,
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

    @property
    def extra_state_attributes(self) -> dict[str, Any] | None:
        attributes = self.entity_description.attributes_fn
        return attributes(self.coordinator.engine) if attributes else None
