"""What these tests share: calling MediaHub's actions, capturing its events, moving Home
Assistant's frozen clock on, and the sidecar's settings beside Home Assistant's.

To wait for something about a real process, use tests.support.wait.until; `ticking` gives it
a `between` that moves the frozen clock on between two looks (real time passes as well)."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import Event, HomeAssistant
from pytest_homeassistant_custom_component.common import MockConfigEntry, async_fire_time_changed

from custom_components.mediahub.const import DOMAIN, DOWNLOADS_INTERVAL
from custom_components.mediahub.hub.config import Settings

# The background tasks that run until the entry unloads.
FOREVER = frozenset({"mediahub-plex-websocket", "mediahub-wishes"})
# Time enough for one poll of the downloads coordinator to fall due.
A_POLL = DOWNLOADS_INTERVAL + timedelta(seconds=1)


async def call(hass: HomeAssistant, action: str, entry: MockConfigEntry, **data: Any) -> Any:
    """One of MediaHub's actions on `entry`, blocking; its response if it gives one."""
    response = hass.services.supports_response(DOMAIN, action) != "none"
    return await hass.services.async_call(
        DOMAIN,
        action,
        {"config_entry_id": entry.entry_id, **data},
        blocking=True,
        return_response=response,
    )


def capture(hass: HomeAssistant, event_type: str) -> list[Event]:
    """The events of `event_type` fired from now on, as they come."""
    events: list[Event] = []
    hass.bus.async_listen(event_type, events.append)
    return events


async def tick(hass: HomeAssistant, freezer: FrozenDateTimeFactory, delta: timedelta) -> None:
    """Move time on and wait for what that started: the coordinators' refreshes run as
    background tasks; Plex's websocket listener and the wishes' watch loop, two too, never end
    and are not waited for."""
    freezer.tick(delta)
    async_fire_time_changed(hass)
    await hass.async_block_till_done()
    while pending := [
        task
        for task in hass._background_tasks
        if not task.done() and not (isinstance(task, asyncio.Task) and task.get_name() in FOREVER)
    ]:
        await asyncio.wait(pending)
        await hass.async_block_till_done()


def ticking(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, delta: timedelta
) -> Callable[[], Awaitable[None]]:
    """`between` for tests.support.wait.until: a tick of `delta` on the frozen clock after
    each look that fails (until's own pause between looks is real time)."""

    async def between() -> None:
        await tick(hass, freezer, delta)

    return between


def sidecar_settings(entry: MockConfigEntry, root: Path) -> Settings:
    """The sidecar beside Home Assistant: same services and folders, its own state."""
    return Settings.from_mapping(
        {
            **entry.data,
            **entry.options,
            "state_dir": str(root / "sidecar" / "state"),
            "torrents_dir": str(root / "sidecar" / "torrents"),
        }
    )
