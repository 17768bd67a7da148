"""Setting an entry up and the entry's life: a setup that fails leaves nothing open, and an entry
from an older MediaHub is carried forward."""

from __future__ import annotations

from unittest.mock import patch

from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import HomeAssistant
from pytest_homeassistant_custom_component.common import MockConfigEntry

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
