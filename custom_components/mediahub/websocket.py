"""The sidebar panel's API, over Home Assistant's websocket (and so through HA's own remote
access): the feed of downloads and a streamed search as subscriptions, and every action.

`mediahub/info`: the loaded stacks and what this user may do.
`mediahub/subscribe_downloads` {entry_id}: a `snapshot` event, then the feed's messages, named
  and shaped as the sidecar's event stream sends them (hub/feed.py).
`mediahub/subscribe_search` {entry_id, query, category?}: `indexer`, `results`, `assessed`
  events as indexers answer, then `done`.
`mediahub/action` {entry_id, action, data}: one of MediaHub's actions (services.py), with its
  own schema and translated errors.
`mediahub/bandwidth`, `mediahub/profiles`, `mediahub/save_profile`, `mediahub/libraries`,
  `mediahub/all_downloads`, `mediahub/add_torrent_file` (a file_id from Home Assistant's
  /api/file_upload): the operations of hub/commands.py with a websocket type, each {entry_id}
  and its own data; the sidecar's routes run the same operations (docs/api.md lists them).

Everything is for administrators by default. With the `users_can_grab` option, other users may
search, follow the downloads and grab, never remove, control or change a setting.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Final

from homeassistant.components.file_upload import process_uploaded_file
from homeassistant.components.websocket_api import async_register_command
from homeassistant.components.websocket_api.connection import ActiveConnection
from homeassistant.components.websocket_api.const import WebSocketCommandHandler
from homeassistant.components.websocket_api.decorators import async_response, websocket_command
from homeassistant.components.websocket_api.messages import event_message
from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import HomeAssistant, SupportsResponse, callback
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError, Unauthorized
import probatio as vol

from .const import CONF_USERS_CAN_GRAB, DOMAIN
from .coordinator import MediaHubConfigEntry
from .errors import engine_errors
from .hub import (
    MAX_TORRENT_BYTES,
    NEWZNAB_BY_CATEGORY,
    OPERATIONS,
    STREAMS,
    Access,
    Call,
    Operation,
    Origin,
    Refresh,
    search_messages,
)
from .services import ACTIONS, HA_KINDS

# The actions a user who is not an administrator may run, where the stack allows it.
FOR_USERS: Final = frozenset(
    name for name, action in ACTIONS.items() if action.operation.access is Access.USER
)


def _entry(
    hass: HomeAssistant, connection: ActiveConnection, entry_id: str, *, grab: bool
) -> MediaHubConfigEntry:
    """The loaded stack asked for, if this user may do that there (`grab`: search or grab)."""
    entry: MediaHubConfigEntry | None = hass.config_entries.async_get_entry(entry_id)
    if entry is None or entry.domain != DOMAIN or entry.state is not ConfigEntryState.LOADED:
        raise ServiceValidationError(
            translation_domain=DOMAIN,
            translation_key="unknown_stack",
            translation_placeholders={"entry_id": entry_id},
        )
    if not (connection.user.is_admin or (grab and _users_can_grab(entry))):
        raise Unauthorized
    return entry


def _users_can_grab(entry: MediaHubConfigEntry) -> bool:
    return bool(entry.options.get(CONF_USERS_CAN_GRAB, False))


def _sender(connection: ActiveConnection, msg_id: int) -> Callable[[str, Any], None]:
    """Sends a subscription's events, each `{name: data}` as the panel reads them."""

    @callback
    def send(name: str, data: Any) -> None:
        connection.send_message(event_message(msg_id, {name: data}))

    return send


@websocket_command({vol.Required("type"): "mediahub/info"})
@callback
def _info(hass: HomeAssistant, connection: ActiveConnection, msg: dict[str, Any]) -> None:
    admin = connection.user.is_admin
    stacks = [
        {"entry_id": entry.entry_id, "title": entry.title, "admin": admin}
        for entry in hass.config_entries.async_loaded_entries(DOMAIN)
        if admin or _users_can_grab(entry)
    ]
    connection.send_result(msg["id"], {"stacks": stacks})


@websocket_command(
    {vol.Required("type"): STREAMS["downloads"].websocket, vol.Required("entry_id"): str}
)
@callback
def _subscribe_downloads(
    hass: HomeAssistant, connection: ActiveConnection, msg: dict[str, Any]
) -> None:
    entry = _entry(hass, connection, msg["entry_id"], grab=True)
    coordinator = entry.runtime_data.downloads
    feed = coordinator.feed

    forward = _sender(connection, msg["id"])
    connection.subscriptions[msg["id"]] = coordinator.async_follow_feed(forward)
    connection.send_result(msg["id"])
    downloads = feed.downloads()
    snapshot = {**feed.state(), "downloads": downloads, "total": len(downloads)}
    forward("snapshot", snapshot)
    # A panel opening is someone watching: poll now rather than at the next interval.
    entry.async_create_background_task(
        hass, coordinator.async_request_refresh(), "mediahub-panel-opened"
    )


@websocket_command(
    {
        vol.Required("type"): STREAMS["search"].websocket,
        vol.Required("entry_id"): str,
        **STREAMS["search"].fields(HA_KINDS),
    }
)
@callback
def _subscribe_search(
    hass: HomeAssistant, connection: ActiveConnection, msg: dict[str, Any]
) -> None:
    entry = _entry(hass, connection, msg["entry_id"], grab=True)
    if not entry.runtime_data.search_limiter.allow(connection.user.id):
        raise ServiceValidationError(translation_domain=DOMAIN, translation_key="rate_limited")
    engine = entry.runtime_data.engine
    category = msg.get("category")
    categories = [NEWZNAB_BY_CATEGORY[category]] if category else []

    send = _sender(connection, msg["id"])

    async def stream() -> None:
        try:
            async with engine_errors():
                async for name, data in search_messages(engine, msg["query"], categories):
                    send(name, data)
        except HomeAssistantError as err:  # the subscription stands: its last event says why
            send(
                "error",
                {
                    "code": err.translation_key,
                    "message": str(err),
                    "translation_domain": err.translation_domain,
                    "translation_key": err.translation_key,
                    "translation_placeholders": err.translation_placeholders,
                },
            )

    # The answer first: the task starts at once, and may send its first event right away.
    connection.send_result(msg["id"])
    task = entry.async_create_background_task(hass, stream(), "mediahub-panel-search")
    connection.subscriptions[msg["id"]] = task.cancel


@websocket_command(
    {
        vol.Required("type"): "mediahub/action",
        vol.Required("entry_id"): str,
        vol.Required("action"): vol.In(list(ACTIONS)),
        vol.Optional("data", default={}): dict,
    }
)
@async_response
async def _action(hass: HomeAssistant, connection: ActiveConnection, msg: dict[str, Any]) -> None:
    name = msg["action"]
    _entry(hass, connection, msg["entry_id"], grab=name in FOR_USERS)
    response = await hass.services.async_call(
        DOMAIN,
        name,
        {**msg["data"], "config_entry_id": msg["entry_id"]},
        blocking=True,
        context=connection.context(msg),
        return_response=ACTIONS[name].response is not SupportsResponse.NONE,
    )
    connection.send_result(msg["id"], response)


# --- The table's other commands: what the panel's Settings and Plex tabs, its "all" buttons and
# its upload do (hub/commands.py: each operation with a `websocket` type) -----------------------


def _command(op: Operation) -> WebSocketCommandHandler:
    """An operation of the table as a command on one stack: the stack's id (and for a .torrent
    file, its file_id from /api/file_upload) beside the operation's own schema; the stack is
    found and the user checked before it runs; what it answers is the command's result."""
    host: dict[Any, Any] = {vol.Required("type"): op.websocket, vol.Required("entry_id"): str}
    if op.takes_file:
        host[vol.Required("file_id")] = str
    own = op.fields(HA_KINDS)

    @websocket_command({**host, **own})
    @async_response
    async def run(hass: HomeAssistant, connection: ActiveConnection, msg: dict[str, Any]) -> None:
        entry = _entry(hass, connection, msg["entry_id"], grab=op.access is Access.USER)
        upload = await _uploaded(hass, msg["file_id"]) if op.takes_file else None
        data = {str(key): msg[str(key)] for key in own if str(key) in msg}
        runtime = entry.runtime_data
        call = Call(
            engine=runtime.engine,
            feed=runtime.downloads.feed,
            data=data,
            origin=Origin.ACTION,
            upload=upload,
            user=connection.user.name or None,
            user_id=connection.user.id,
            admin=connection.user.is_admin,
        )
        async with engine_errors():
            answer = await op.run(call)
        if op.changes(data):
            if op.refresh is Refresh.POLL:
                await runtime.downloads.async_request_refresh()
            elif op.refresh is Refresh.SHOW:
                runtime.downloads.async_update_listeners()  # the limit entities too
        connection.send_result(msg["id"], answer)

    return run


async def _uploaded(hass: HomeAssistant, file_id: str) -> bytes:
    """A .torrent file the panel sent to Home Assistant's /api/file_upload first (a websocket
    message is too small for some), read once and removed."""

    def read() -> bytes | None:
        try:
            with (
                process_uploaded_file(hass, file_id) as path,
                path.open("rb") as upload,
            ):
                # One byte over the cap is enough for the engine to refuse it.
                return upload.read(MAX_TORRENT_BYTES + 1)
        except ValueError:  # no such upload (or it was used already)
            return None

    data = await hass.async_add_executor_job(read)
    if data is None:
        raise ServiceValidationError(translation_domain=DOMAIN, translation_key="unknown_upload")
    return data


@callback
def async_setup_websocket(hass: HomeAssistant) -> None:
    for command in (_info, _subscribe_downloads, _subscribe_search, _action):
        async_register_command(hass, command)
    for op in OPERATIONS.values():
        if op.websocket is not None:
            async_register_command(hass, _command(op))
