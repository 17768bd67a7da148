"""Home Assistant test fixtures for MediaHub: the integration against a real qBittorrent and
the Prowlarr, Plex and gluetun simulators, with Home Assistant's blocking-call detector on."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
import logging
from pathlib import Path
from typing import Any

from homeassistant import block_async_io
from homeassistant.core import HomeAssistant
from homeassistant.setup import async_setup_component
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.mediahub.const import CONF_USERS_CAN_GRAB, DOMAIN
from tests.simulators.gluetun import GluetunSimulator
from tests.simulators.plex import PlexSimulator
from tests.simulators.prowlarr import ProwlarrSimulator
from tests.support.qbittorrent import QbtInstance

ENTRY_ID = "01JMEDIAHUBTESTENTRY000000"


@pytest.fixture(autouse=True)
def auto_enable_custom_integrations(enable_custom_integrations: None) -> None:
    """Let Home Assistant load custom_components/mediahub in every test here."""


@pytest.fixture
def blocking_call_detector(
    caplog: pytest.LogCaptureFixture,
    qbittorrent5: QbtInstance,
    prowlarr_sim: ProwlarrSimulator,
    plex_sim: PlexSimulator,
    gluetun_sim: GluetunSimulator,
    seeder: QbtInstance,
) -> Iterator[None]:
    """Home Assistant's detector of blocking calls in the event loop, on once the services
    have started (their fixtures block, on purpose); a detection fails the test."""
    block_async_io.enable()
    yield
    calls = block_async_io._BLOCKED_CALLS.calls
    for blocking_call in calls:
        setattr(blocking_call.object, blocking_call.function, blocking_call.original_func)
    calls.clear()
    detected = [
        r.getMessage() for r in caplog.records if "Detected blocking call" in r.getMessage()
    ]
    assert detected == []


@pytest.fixture
async def stack_hass(
    hass: HomeAssistant, tmp_path: Path, socket_enabled: None, blocking_call_detector: None
) -> HomeAssistant:
    """Home Assistant whose config dir (MediaHub's state lives there) is the test's own."""
    hass.config.config_dir = str(tmp_path / "config")
    return hass


def setup_problems(caplog: pytest.LogCaptureFixture) -> list[str]:
    """What setup logged that a user would see as a fault: errors, and handlers overwritten."""
    return [
        record.getMessage()
        for record in caplog.records
        if record.levelno >= logging.ERROR or "is being overwritten" in record.getMessage()
    ]


def stack_data(
    qbt: QbtInstance,
    prowlarr: ProwlarrSimulator,
    plex: PlexSimulator,
    gluetun: GluetunSimulator | None = None,
) -> dict[str, Any]:
    data = {
        "prowlarr_url": prowlarr.url,
        "prowlarr_api_key": prowlarr.api_key,
        "qbittorrent_url": qbt.url,
        "qbittorrent_username": qbt.username,
        "qbittorrent_password": qbt.password,
        "plex_url": plex.url,
        "plex_token": plex.token,
    }
    if gluetun is not None:
        data |= {"gluetun_url": gluetun.url, "gluetun_api_key": gluetun.api_key}
    return data


@pytest.fixture
def mock_entry(
    qbittorrent5: QbtInstance,
    prowlarr_sim: ProwlarrSimulator,
    plex_sim: PlexSimulator,
    gluetun_sim: GluetunSimulator,
    tmp_path: Path,
) -> MockConfigEntry:
    """A config entry for the whole stack (gluetun included)."""
    media = tmp_path / "media"
    plex_sim.set_locations("1", "/data/movies")
    plex_sim.set_locations("2", "/data/tv")
    plex_sim.set_locations("3", "/data/music")
    return MockConfigEntry(
        domain=DOMAIN,
        entry_id=ENTRY_ID,
        title="MediaHub",
        unique_id=plex_sim.machine_identifier,
        data=stack_data(qbittorrent5, prowlarr_sim, plex_sim, gluetun_sim),
        options={
            "categories": ",".join(f"{c}={media}/{c}" for c in ("movies", "tv", "music", "books")),
            "path_map": f"{media}=/data",
            "auto_scan": True,
        },
    )


@pytest.fixture
async def loaded_entry(
    stack_hass: HomeAssistant, mock_entry: MockConfigEntry, caplog: pytest.LogCaptureFixture
) -> AsyncIterator[MockConfigEntry]:
    """The entry, set up beside Home Assistant's `intent` integration (as with Assist), with
    nothing logged as an error and no handler registered twice on the way."""
    assert await async_setup_component(stack_hass, "intent", {})
    mock_entry.add_to_hass(stack_hass)
    assert await stack_hass.config_entries.async_setup(mock_entry.entry_id)
    await stack_hass.async_block_till_done()
    assert setup_problems(caplog) == []
    yield mock_entry
    await stack_hass.config_entries.async_unload(mock_entry.entry_id)
    await stack_hass.async_block_till_done()


@pytest.fixture
async def users_can_grab(stack_hass: HomeAssistant, loaded_entry: MockConfigEntry) -> None:
    """The stack's option that lets every user search, grab and wish (a wish is a request)."""
    stack_hass.config_entries.async_update_entry(
        loaded_entry, options={**loaded_entry.options, CONF_USERS_CAN_GRAB: True}
    )
    await stack_hass.async_block_till_done()
