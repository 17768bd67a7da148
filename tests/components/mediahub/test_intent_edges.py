"""Voice when things are not fine: no stack loaded, a service away; and spoken durations."""

from __future__ import annotations

from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers import intent
from homeassistant.setup import async_setup_component
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.mediahub.const import DOMAIN
from custom_components.mediahub.intent import _duration
from tests.components.mediahub.conftest import setup_problems
from tests.simulators.plex import PlexSimulator
from tests.simulators.prowlarr import ProwlarrSimulator


def test_durations_are_spoken_naturally() -> None:
    assert _duration(40) == "40 seconds"
    assert _duration(600) == "10 minutes"
    assert _duration(3 * 3600) == "3.0 hours"


async def test_intents_without_a_loaded_stack(
    stack_hass: HomeAssistant, caplog: pytest.LogCaptureFixture
) -> None:
    # MediaHub first, then Home Assistant's intent integration: the platform still registers
    # the handlers, once, with nothing logged as an error.
    assert await async_setup_component(stack_hass, DOMAIN, {})
    assert await async_setup_component(stack_hass, "intent", {})
    await stack_hass.async_block_till_done()
    assert setup_problems(caplog) == []
    assert {h.intent_type for h in intent.async_get(stack_hass)} >= {
        "MediaHubDownload",
        "MediaHubDownloadStatus",
        "MediaHubScanLibrary",
        "MediaHubFollow",
        "MediaHubWant",
        "MediaHubWhatsComing",
        "MediaHubUnwish",
    }
    with pytest.raises(intent.IntentHandleError):
        await intent.async_handle(stack_hass, "test", "MediaHubDownloadStatus", {})


async def test_intents_when_a_service_is_away(
    stack_hass: HomeAssistant,
    loaded_entry: MockConfigEntry,
    prowlarr_sim: ProwlarrSimulator,
    plex_sim: PlexSimulator,
) -> None:
    prowlarr_sim.available = False
    loaded_entry.runtime_data.engine.search._indexers = None
    with pytest.raises(HomeAssistantError):
        await intent.async_handle(
            stack_hass, "test", "MediaHubDownload", {"query": {"value": "dune"}}
        )
    plex_sim.available = False
    with pytest.raises(HomeAssistantError):
        await intent.async_handle(stack_hass, "test", "MediaHubScanLibrary", {})


async def test_with_two_stacks_voice_asks_which_then_says_which_it_used(
    stack_hass: HomeAssistant,
    loaded_entry: MockConfigEntry,
    plex_sim: PlexSimulator,
) -> None:
    hass = stack_hass
    cabin = MockConfigEntry(
        domain=DOMAIN,
        title="Cabin",
        unique_id="cabin",
        data=dict(loaded_entry.data),
        options=dict(loaded_entry.options),
    )
    cabin.add_to_hass(hass)
    assert await hass.config_entries.async_setup(cabin.entry_id)
    await hass.async_block_till_done()
    with pytest.raises(intent.IntentHandleError, match=r"^Which MediaHub: MediaHub or Cabin\?$"):
        await intent.async_handle(hass, "test", "MediaHubScanLibrary", {})
    assert plex_sim.refreshes == []  # nothing was done while it asked
    response = await intent.async_handle(
        hass, "test", "MediaHubScanLibrary", {"stack": {"value": "cabin"}}
    )
    assert response.speech["plain"]["speech"] == "Scanning all libraries (on Cabin)."
    assert len(plex_sim.refreshes) == 1
    await hass.config_entries.async_unload(cabin.entry_id)
