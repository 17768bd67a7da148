"""Setting an entry up and the entry's life: a setup that fails leaves nothing open, and an entry
from an older MediaHub is carried forward."""

from __future__ import annotations

from datetime import timedelta
from unittest.mock import patch

from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import HomeAssistant
from homeassistant.util import dt as dt_util
from pytest_homeassistant_custom_component.common import MockConfigEntry, async_fire_time_changed

from custom_components.mediahub.const import DOWNLOADS_INTERVAL, FASTEST_POLL
from custom_components.mediahub.hub import DownloadsSnapshot, ServiceUnavailableError, Settings

from .conftest import FixtureEngine


class UnreachableQbittorrent(FixtureEngine):
    """An engine built and started, whose first poll finds qBittorrent away."""

    async def poll(self) -> DownloadsSnapshot:
        raise ServiceUnavailableError("qbittorrent", "qBittorrent did not answer")


async def test_a_setup_that_fails_after_the_engine_is_built_closes_it(
    hass: HomeAssistant, fast_entry: MockConfigEntry
) -> None:
    built: list[UnreachableQbittorrent] = []

    def build(settings: Settings, session: object) -> UnreachableQbittorrent:
        built.append(UnreachableQbittorrent(settings, session))
        return built[-1]

    with patch("custom_components.mediahub.MediaHub", build):
        assert not await hass.config_entries.async_setup(fast_entry.entry_id)
        await hass.async_block_till_done()
    assert fast_entry.state is ConfigEntryState.SETUP_RETRY
    [engine] = built
    assert engine.closed  # its qBittorrent session and Plex connections are not left open


async def test_an_entry_from_1_1_drops_the_poll_interval_option(
    hass: HomeAssistant, fast_entry: MockConfigEntry, fixture_engine: None
) -> None:
    """Home Assistant's rule: the integration decides how often it polls, not the user."""
    hass.config_entries.async_update_entry(
        fast_entry, options={"poll_interval": 10, "auto_scan": False}, minor_version=1
    )
    assert await hass.config_entries.async_setup(fast_entry.entry_id)
    await hass.async_block_till_done()
    assert fast_entry.minor_version == 2
    assert dict(fast_entry.options) == {"auto_scan": False}


async def test_home_assistant_polls_sooner_when_a_download_is_about_to_complete(
    hass: HomeAssistant, fast_entry: MockConfigEntry, fixture_engine: None
) -> None:
    """qBittorrent has no push: near a completion the next poll comes when the engine says
    (not after HA's 5 s), and the usual interval returns once nothing is about to end."""
    assert await hass.config_entries.async_setup(fast_entry.entry_id)
    await hass.async_block_till_done()
    runtime = fast_entry.runtime_data
    engine = runtime.engine
    assert runtime.downloads.update_interval == DOWNLOADS_INTERVAL

    engine.finishing_in = 2
    await runtime.downloads.async_refresh()
    assert runtime.downloads.update_interval == timedelta(seconds=2)
    # A quarter second asked for: once a second, HA's finest step (never back to back).
    engine.finishing_in = 0.25
    await runtime.downloads.async_refresh()
    assert runtime.downloads.update_interval == FASTEST_POLL
    polls = engine.polls
    async_fire_time_changed(hass, dt_util.utcnow() + timedelta(seconds=2))
    await hass.async_block_till_done()
    assert engine.polls == polls + 1  # two seconds later, not five

    engine.finishing_in = None
    async_fire_time_changed(hass, dt_util.utcnow() + timedelta(seconds=4))
    await hass.async_block_till_done()
    assert runtime.downloads.update_interval == DOWNLOADS_INTERVAL


async def test_plex_saying_a_scan_ended_polls_at_once_each_time(
    hass: HomeAssistant, fast_entry: MockConfigEntry, fixture_engine: None
) -> None:
    """Two of Plex's messages a second apart each get their poll within a second (HA's
    default would hold the second one back 10 s): the mark follows Plex's word."""
    assert await hass.config_entries.async_setup(fast_entry.entry_id)
    await hass.async_block_till_done()
    engine = fast_entry.runtime_data.engine
    polls = engine.polls
    engine.plexwatch.on_change()
    await hass.async_block_till_done()
    assert engine.polls == polls + 1
    engine.plexwatch.on_change()
    async_fire_time_changed(hass, dt_util.utcnow() + timedelta(seconds=1))
    await hass.async_block_till_done()
    assert engine.polls == polls + 2
