"""Every entity of each platform, its state and attributes, pinned by a snapshot."""

from __future__ import annotations

from unittest.mock import patch

from homeassistant.const import Platform
from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry, snapshot_platform
from syrupy.assertion import SnapshotAssertion


@pytest.mark.usefixtures("fixture_engine", "entity_registry_enabled_by_default")
@pytest.mark.parametrize(
    "platform",
    [
        Platform.SENSOR,
        Platform.BINARY_SENSOR,
        Platform.BUTTON,
        Platform.NUMBER,
        Platform.SWITCH,
        Platform.TODO,
    ],
)
async def test_platform(
    hass: HomeAssistant,
    entity_registry: er.EntityRegistry,
    snapshot: SnapshotAssertion,
    fast_entry: MockConfigEntry,
    platform: Platform,
) -> None:
    with patch("custom_components.mediahub.PLATFORMS", [platform]):
        assert await hass.config_entries.async_setup(fast_entry.entry_id)
        await hass.async_block_till_done()
    await snapshot_platform(hass, entity_registry, snapshot, fast_entry.entry_id)


@pytest.mark.usefixtures("fixture_engine")
async def test_unload_closes_the_engine(hass: HomeAssistant, fast_entry: MockConfigEntry) -> None:
    assert await hass.config_entries.async_setup(fast_entry.entry_id)
    engine = fast_entry.runtime_data.engine
    assert await hass.config_entries.async_unload(fast_entry.entry_id)
    assert engine.closed
