"""Home Assistant loads MediaHub for a real stack, makes its devices and entities, unloads."""

from __future__ import annotations

from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import HomeAssistant
from homeassistant.helpers import device_registry as dr, entity_registry as er
from pytest_homeassistant_custom_component.common import MockConfigEntry
from syrupy.assertion import SnapshotAssertion

from custom_components.mediahub.const import DOMAIN


async def test_setup_creates_devices_and_entities(
    stack_hass: HomeAssistant, loaded_entry: MockConfigEntry, snapshot: SnapshotAssertion
) -> None:
    hass = stack_hass
    assert loaded_entry.state is ConfigEntryState.LOADED
    devices = dr.async_entries_for_config_entry(dr.async_get(hass), loaded_entry.entry_id)
    assert sorted((d.name, d.manufacturer, d.model) for d in devices) == snapshot(name="devices")
    qbittorrent = next(d for d in devices if d.name == "qBittorrent")
    assert qbittorrent.sw_version and qbittorrent.sw_version.startswith("v5")
    entities = er.async_entries_for_config_entry(er.async_get(hass), loaded_entry.entry_id)
    registry_view = sorted(
        (
            e.entity_id,
            e.unique_id,
            e.translation_key,
            e.original_device_class,
            e.entity_category,
            e.disabled_by,
        )
        for e in entities
    )
    assert registry_view == snapshot(name="entities")
    # Values a user sees right after setup, from the real qBittorrent and the simulators.
    assert hass.states.get("sensor.qbittorrent_total_downloads").state == "0"
    assert (
        hass.states.get("sensor.qbittorrent_download_speed").attributes["unit_of_measurement"]
        == "MB/s"
    )
    assert hass.states.get("sensor.prowlarr_healthy_indexers").state == "3"
    assert hass.states.get("sensor.prowlarr_failing_indexers").state == "0"
    assert hass.states.get("binary_sensor.vpn_gluetun_vpn_connected").state == "on"
    assert hass.states.get("sensor.vpn_gluetun_public_ip").state == "185.65.134.82"
    assert hass.states.get("button.plex_media_server_scan_movies") is not None
    assert float(hass.states.get("sensor.qbittorrent_free_space").state) > 0


async def test_unload(stack_hass: HomeAssistant, loaded_entry: MockConfigEntry) -> None:
    engine = loaded_entry.runtime_data.engine
    await engine.plex.libraries()  # both blocking clients hold open connections now
    assert engine.qbittorrent._client._http_session is not None
    assert await stack_hass.config_entries.async_unload(loaded_entry.entry_id)
    assert loaded_entry.state is ConfigEntryState.NOT_LOADED
    # Their connections are closed with the entry, not left to leak on every reload.
    assert engine.qbittorrent._client._http_session is None
    assert engine.plex._session is None
    assert stack_hass.services.has_service(DOMAIN, "search")  # actions stay, and explain
