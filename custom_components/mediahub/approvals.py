"""Approve or decline a request from a phone's notification.

The approve-requests blueprint sends each new request to an administrator's phone with two
buttons, whose actions are `MEDIAHUB_APPROVE_<entry>_<wish>` and `MEDIAHUB_DECLINE_<entry>_<wish>`.
The Companion app answers a tap with the event `mobile_app_notification_action`, in the context
of the phone's own Home Assistant user. The answer is handled here rather than by the blueprint
calling `mediahub.approve`: an automation acts as no one, while here the decision is the phone
owner's, checked to be an administrator, and their name goes into the request's history. A
decline from the phone gives no reason (the panel and `mediahub.decline` take one)."""

from __future__ import annotations

import logging
import re
from typing import Final

from homeassistant.core import Event, HomeAssistant, callback

from .coordinator import MediaHubConfigEntry
from .hub import OPERATIONS, Call, MediaHubError, Origin
from .services import HA_KINDS, person

_LOGGER = logging.getLogger(__name__)

NOTIFICATION_ACTION: Final = "mobile_app_notification_action"
_ANSWER: Final = re.compile(r"MEDIAHUB_(APPROVE|DECLINE)_(\w+)_(\d+)")


def action_id(decision: str, entry_id: str, wish_id: int) -> str:
    """The id of a notification button (the blueprint builds the same in its template)."""
    return f"MEDIAHUB_{decision.upper()}_{entry_id}_{wish_id}"


@callback
def async_listen_for_answers(hass: HomeAssistant, entry: MediaHubConfigEntry) -> None:
    """Until the entry unloads, decide its requests as administrators answer on their phones."""

    async def answered(event: Event) -> None:
        match = _ANSWER.fullmatch(str(event.data.get("action", "")))
        if match is None or match[2] != entry.entry_id:
            return  # another notification's button, or another stack's
        asker = await person(hass, event.context)
        if event.context.user_id is None or not asker.admin:
            _LOGGER.warning(
                "A request's %s from a phone of %s was ignored: not an administrator",
                match[1].lower(),
                asker.name or "no known user",
            )
            return
        name = "approve" if match[1] == "APPROVE" else "decline"
        operation = OPERATIONS[name]
        call = Call(
            engine=entry.runtime_data.engine,
            feed=entry.runtime_data.downloads.feed,
            data=operation.schema(HA_KINDS)({"wish_id": int(match[3])}),
            origin=Origin.ACTION,
            user=asker.name,
            user_id=asker.user_id,
            admin=asker.admin,
        )
        try:
            await operation.run(call)
        except MediaHubError as err:  # decided already (another administrator), Prowlarr away
            _LOGGER.info("A request's %s from a phone was not done: %s", name, err)

    entry.async_on_unload(hass.bus.async_listen(NOTIFICATION_ACTION, answered))
