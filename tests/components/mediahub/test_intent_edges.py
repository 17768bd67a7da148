"""Voice when things are not fine: no stack loaded, a service away; and spoken durations."""

from __future__ import annotations

from homeassistant.core import HomeAssistant
from homeassistant.helpers import intent
from homeassistant.setup import async_setup_component
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.mediahub.const import DOMAIN
from custom_components.mediahub.speech import duration, number, size
from tests.components.mediahub.conftest import setup_problems
from tests.simulators.plex import PlexSimulator
from tests.simulators.prowlarr import ProwlarrSimulator


def test_durations_and_sizes_are_spoken_naturally() -> None:
    assert duration("en", 1) == "1 second"
    assert duration("en", 40) == "40 seconds"
    assert duration("en", 600) == "10 minutes"
    assert duration("en", 3 * 3600) == "3 hours"
    assert duration("en", 5400) == "1.5 hours"
    assert duration("de", 5400) == "1,5 Stunden"
    assert duration("nl", 600) == "10 minuten"
    # Sizes: MB under 1 GB, one decimal under 10, the language's decimal mark and units.
    assert size("en", 12 * 1024**2) == "12 MB"
    assert size("en", int(1.4 * 1024**3)) == "1.4 GB"
    assert size("de", int(1.4 * 1024**3)) == "1,4 GB"
    assert size("fr", int(1.4 * 1024**3)) == "1,4 Go"
    assert size("es", 640 * 1024) == "640 kB"
    assert size("nl", 30 * 1024**3) == "30 GB"
    assert size("en", int(10.4 * 1024**3)) == "10.4 GB"
    assert size("en", 1536 * 1024**3) == "1.5 TB"
    assert size("de", 1536 * 1024**3) == "1,5 TB"
    assert number("en", 12345) == "12,345"
    assert number("de", 12345) == "12.345"
    assert number("fr", 12345.67, 1) == "12\u202f345,7"


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
    # Said, in the request's language; not raised (Assist would say its generic error).
    response = await intent.async_handle(stack_hass, "test", "MediaHubDownloadStatus", {})
    assert response.speech["plain"]["speech"] == "MediaHub is not set up."
    response = await intent.async_handle(
        stack_hass, "test", "MediaHubDownloadStatus", {}, language="fr"
    )
    assert response.speech["plain"]["speech"] == "MediaHub n'est pas configuré."


async def test_intents_when_a_service_is_away(
    stack_hass: HomeAssistant,
    loaded_entry: MockConfigEntry,
    prowlarr_sim: ProwlarrSimulator,
    plex_sim: PlexSimulator,
) -> None:
    prowlarr_sim.available = False
    loaded_entry.runtime_data.engine.search._indexers = None
    response = await intent.async_handle(
        stack_hass, "test", "MediaHubDownload", {"query": {"value": "dune"}}
    )
    assert response.response_type is intent.IntentResponseType.ERROR
    assert response.speech["plain"]["speech"] == (
        "Prowlarr is not reachable right now. Try again in a moment."
    )
    plex_sim.available = False
    response = await intent.async_handle(
        stack_hass, "test", "MediaHubScanLibrary", {}, language="es"
    )
    assert response.speech["plain"]["speech"] == (
        "Plex no está disponible ahora mismo. Inténtalo de nuevo en un momento."
    )


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
    response = await intent.async_handle(hass, "test", "MediaHubScanLibrary", {})
    assert response.speech["plain"]["speech"] == "Which MediaHub: MediaHub or Cabin?"
    assert plex_sim.refreshes == []  # nothing was done while it asked
    response = await intent.async_handle(
        hass, "test", "MediaHubScanLibrary", {"stack": {"value": "cabin"}}
    )
    assert response.speech["plain"]["speech"] == "Scanning all libraries (on Cabin)."
    assert len(plex_sim.refreshes) == 1
    await hass.config_entries.async_unload(cabin.entry_id)
