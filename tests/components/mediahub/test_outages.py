"""A service going away makes its entities unavailable; they come back by themselves."""

from __future__ import annotations

import asyncio
from datetime import timedelta
import logging

from freezegun.api import FrozenDateTimeFactory
from homeassistant.const import STATE_UNAVAILABLE
from homeassistant.core import HomeAssistant
from homeassistant.helpers import (
    device_registry as dr,
    entity_registry as er,
    issue_registry as ir,
)
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.mediahub.const import DOMAIN
from tests.simulators.gluetun import GluetunSimulator
from tests.simulators.plex import PlexSimulator
from tests.simulators.prowlarr import ProwlarrSimulator
from tests.support.qbittorrent import QbtInstance

from .conftest import ENTRY_ID
from .helpers import A_POLL, tick


async def test_qbittorrent_away_and_back(
    stack_hass: HomeAssistant,
    loaded_entry: MockConfigEntry,
    qbittorrent5: QbtInstance,
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
) -> None:
    hass = stack_hass
    speed = "sensor.qbittorrent_download_speed"
    assert hass.states.get(speed).state != STATE_UNAVAILABLE
    await asyncio.to_thread(qbittorrent5.stop)
    await tick(hass, freezer, A_POLL)
    assert hass.states.get(speed).state == STATE_UNAVAILABLE
    await tick(hass, freezer, A_POLL)
    # The coordinator's (a watch cycle of the wishes that was running then says so once too,
    # in its own words: it is not polled).
    ours = [
        r
        for r in caplog.records
        if r.name.startswith("custom_components.mediahub")
        and not r.name.startswith("custom_components.mediahub.hub.wishes")
        and r.levelno >= logging.INFO
    ]
    assert [r.getMessage() for r in ours if "qBittorrent" in r.getMessage()] == [
        "Error fetching mediahub qBittorrent data: qBittorrent is not reachable: APIConnectionError"
    ]  # once, not once per poll
    await asyncio.to_thread(qbittorrent5.start)
    await tick(hass, freezer, A_POLL)
    assert hass.states.get(speed).state != STATE_UNAVAILABLE
    assert "Fetching mediahub qBittorrent data recovered" in caplog.text


async def test_prowlarr_plex_and_vpn_away_and_back(
    stack_hass: HomeAssistant,
    loaded_entry: MockConfigEntry,
    prowlarr_sim: ProwlarrSimulator,
    plex_sim: PlexSimulator,
    gluetun_sim: GluetunSimulator,
    freezer: FrozenDateTimeFactory,
) -> None:
    hass = stack_hass
    watched = (
        "sensor.prowlarr_healthy_indexers",
        "button.plex_media_server_scan_movies",
        "binary_sensor.vpn_gluetun_vpn_connected",
    )
    prowlarr_sim.available = plex_sim.available = False
    await gluetun_sim.stop()
    await tick(hass, freezer, timedelta(minutes=5))
    assert [hass.states.get(e).state for e in watched] == [STATE_UNAVAILABLE] * 3
    prowlarr_sim.available = plex_sim.available = True
    await gluetun_sim.start()
    await tick(hass, freezer, timedelta(minutes=5))
    assert all(hass.states.get(e).state != STATE_UNAVAILABLE for e in watched)


async def test_a_service_down_at_setup_gets_its_version_on_its_device_once_back(
    stack_hass: HomeAssistant,
    mock_entry: MockConfigEntry,
    prowlarr_sim: ProwlarrSimulator,
    plex_sim: PlexSimulator,
    freezer: FrozenDateTimeFactory,
) -> None:
    hass = stack_hass
    prowlarr_sim.available = plex_sim.available = False
    mock_entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(mock_entry.entry_id)
    await hass.async_block_till_done()
    devices = dr.async_get(hass)

    def version(service: str) -> str | None:
        device = devices.async_get_device_by_identifier((DOMAIN, f"{ENTRY_ID}_{service}"), ENTRY_ID)
        assert device is not None
        return device.sw_version

    assert (version("prowlarr"), version("plex")) == (None, None)
    prowlarr_sim.available = plex_sim.available = True
    await tick(hass, freezer, timedelta(minutes=5))
    assert (version("prowlarr"), version("plex")) == ("2.3.6.5217", plex_sim.version)
    assert (version("qbittorrent") or "").startswith("v5")


async def test_vpn_down_and_leak_raise_repairs(
    stack_hass: HomeAssistant,
    loaded_entry: MockConfigEntry,
    gluetun_sim: GluetunSimulator,
    freezer: FrozenDateTimeFactory,
) -> None:
    hass = stack_hass
    issues = ir.async_get(hass)
    gluetun_sim.status = "stopped"
    await tick(hass, freezer, timedelta(seconds=31))
    assert hass.states.get("binary_sensor.vpn_gluetun_vpn_connected").state == "off"
    assert issues.async_get_issue(DOMAIN, f"vpn_down_{ENTRY_ID}") is not None
    gluetun_sim.status = "running"
    loaded_entry.runtime_data.engine.downloads.model.server["last_external_address_v4"] = (
        "203.0.113.9"
    )
    await tick(hass, freezer, timedelta(seconds=31))
    assert issues.async_get_issue(DOMAIN, f"vpn_down_{ENTRY_ID}") is None
    assert issues.async_get_issue(DOMAIN, f"vpn_leaking_{ENTRY_ID}") is not None
    assert hass.states.get("binary_sensor.vpn_gluetun_traffic_through_vpn").state == "off"


async def test_grabs_waiting_too_long_raise_a_repair(
    stack_hass: HomeAssistant,
    loaded_entry: MockConfigEntry,
    qbittorrent5: QbtInstance,
    freezer: FrozenDateTimeFactory,
) -> None:
    hass = stack_hass
    runtime = loaded_entry.runtime_data
    release = (await runtime.engine.search.search_all("S05E02")).releases[0]
    await asyncio.to_thread(qbittorrent5.stop)
    result = await runtime.engine.downloads.grab(release.id)
    assert result.queued
    await tick(hass, freezer, A_POLL)
    assert hass.states.get("sensor.qbittorrent_queued_grabs").state == STATE_UNAVAILABLE
    # The repair's own check each minute sees the grab waiting: the poll's failure may not
    # tell it (a poll that failed before the grab already, and a second failure in a row
    # notifies no one), so its minute passes first, then the ten allowed.
    await tick(hass, freezer, timedelta(minutes=1))
    await tick(hass, freezer, timedelta(minutes=10))
    issue_id = f"outbox_stuck_{ENTRY_ID}"
    assert ir.async_get(hass).async_get_issue(DOMAIN, issue_id) is not None
    await asyncio.to_thread(qbittorrent5.start)
    await tick(hass, freezer, A_POLL)
    assert ir.async_get(hass).async_get_issue(DOMAIN, issue_id) is None
    assert [t["hash"] for t in await asyncio.to_thread(qbittorrent5.torrents)] == [result.hash]


async def test_scan_buttons_follow_plex_sections(
    stack_hass: HomeAssistant,
    loaded_entry: MockConfigEntry,
    plex_sim: PlexSimulator,
    freezer: FrozenDateTimeFactory,
) -> None:
    hass = stack_hass
    plex_sim.add_section("4", "Kids", "movie", "/data/kids")
    plex_sim.remove_section("3")
    await tick(hass, freezer, timedelta(minutes=5))
    registry = er.async_get(hass)
    assert registry.async_get_entity_id("button", DOMAIN, f"{ENTRY_ID}_scan_library_4") is not None
    assert registry.async_get_entity_id("button", DOMAIN, f"{ENTRY_ID}_scan_library_3") is None
    await hass.services.async_call(
        "button", "press", {"entity_id": "button.plex_media_server_scan_kids"}, blocking=True
    )
    await hass.services.async_call(
        "button",
        "press",
        {"entity_id": "button.plex_media_server_scan_all_libraries"},
        blocking=True,
    )
    assert [(r.section, r.path) for r in plex_sim.refreshes] == [("4", None), ("all", None)]


async def test_wrong_qbittorrent_password_starts_reauth(
    stack_hass: HomeAssistant, mock_entry: MockConfigEntry
) -> None:
    hass = stack_hass
    mock_entry.add_to_hass(hass)
    hass.config_entries.async_update_entry(
        mock_entry, data={**mock_entry.data, "qbittorrent_password": "wrong"}
    )
    assert not await hass.config_entries.async_setup(mock_entry.entry_id)
    await hass.async_block_till_done()
    flows = hass.config_entries.flow.async_progress_by_handler(DOMAIN)
    assert [f["context"]["source"] for f in flows] == ["reauth"]
    assert flows[0]["step_id"] == "reauth_confirm"
