"""The sidebar panel's API, over Home Assistant's websocket (and so through HA's own remote
access): the feed of downloads and a streamed search as subscriptions, and every action.

`mediahub/info`: the loaded stacks and what this user may do.
`mediahub/subscribe_downloads` {entry_id}: a `snapshot` event, then the feed's messages, named
  and shaped as the sidecar's event stream sends them (hub/feed.py).
`mediahub/subscribe_search` {entry_id, query, category?}: `indexer`, `results`, `assessed`
  events as indexers answer, then `done`.
`mediahub/action` {entry_id, action, data}: one of MediaHub's actions (services.py), with its
  own schema and translated errors.
`mediahub/bandwidth` {entry_id, changes?}, `mediahub/profiles`, `mediahub/save_profile`
  {entry_id, category, profile | null}, `mediahub/libraries`, `mediahub/all_downloads`
  {entry_id, action: pause_all | resume_all}, `mediahub/add_torrent_file` {entry_id, file_id,
  category?} (a file_id from Home Assistant's /api/file_upload): what the sidecar's settings,
  libraries and upload routes do, with the same engine calls and answers.

Everything is for administrators by default. With the `users_can_grab` option, other users may
search, follow the downloads and grab, never remove, control or change a setting.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
import functools
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
    Origin,
    library_json,
    profiles_json,
    search_messages,
)
from .services import ACTIONS

# What a user who is not an administrator may do, where the stack allows it.
FOR_USERS: Final = frozenset({"search", "grab", "grab_best"})
QUERY: Final = vol.All(str, vol.Strip, vol.Length(min=1, max=200))


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
    {vol.Required("type"): "mediahub/subscribe_downloads", vol.Required("entry_id"): str}
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
        vol.Required("type"): "mediahub/subscribe_search",
        vol.Required("entry_id"): str,
        vol.Required("query"): QUERY,
        vol.Optional("category"): vol.In(list(NEWZNAB_BY_CATEGORY)),
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


# --- What the panel's Settings and Plex tabs and its "all" buttons do (administrators) -------

type AdminHandler = Callable[
    [HomeAssistant, MediaHubConfigEntry, dict[str, Any]], Awaitable[dict[str, Any] | None]
]


def _for_administrators(
    command: str, schema: dict[Any, Any] | None = None
) -> Callable[[AdminHandler], WebSocketCommandHandler]:
    """An administrator's command on one stack: the stack's id in its schema, the stack found
    and the user checked before the handler runs; what the handler returns is the answer."""

    def register(handler: AdminHandler) -> WebSocketCommandHandler:
        @websocket_command(
            {vol.Required("type"): command, vol.Required("entry_id"): str, **(schema or {})}
        )
        @async_response
        @functools.wraps(handler)
        async def run(
            hass: HomeAssistant, connection: ActiveConnection, msg: dict[str, Any]
        ) -> None:
            entry = _entry(hass, connection, msg["entry_id"], grab=False)
            connection.send_result(msg["id"], await handler(hass, entry, msg))

        return run

    return register


@_for_administrators("mediahub/bandwidth", {vol.Optional("changes"): dict})
async def _bandwidth(
    _hass: HomeAssistant, entry: MediaHubConfigEntry, msg: dict[str, Any]
) -> dict[str, Any]:
    """qBittorrent's limits and schedule, or changes to them (bytes/s, as the sidecar's)."""
    control = entry.runtime_data.engine.bandwidth
    async with engine_errors():
        if "changes" in msg:
            current = await control.change(msg["changes"])
            entry.runtime_data.downloads.async_update_listeners()  # the limit entities too
        else:
            current = await control.read()
    return {"bandwidth": current.as_json()}


@_for_administrators("mediahub/profiles")
async def _profiles(
    _hass: HomeAssistant, entry: MediaHubConfigEntry, _msg: dict[str, Any]
) -> dict[str, Any]:
    return await profiles_json(entry.runtime_data.engine)


@_for_administrators(
    "mediahub/save_profile",
    {
        vol.Required("category"): str,
        vol.Required("profile"): vol.Any(dict, None),  # None: back to the category's defaults
    },
)
async def _save_profile(
    _hass: HomeAssistant, entry: MediaHubConfigEntry, msg: dict[str, Any]
) -> dict[str, Any]:
    store = entry.runtime_data.engine.profiles
    async with engine_errors():
        if msg["profile"] is None:
            profile = await store.reset(msg["category"])
        else:
            profile = await store.save(msg["category"], msg["profile"])
    return {"profile": profile.as_json()}


@_for_administrators("mediahub/libraries")
async def _libraries(
    _hass: HomeAssistant, entry: MediaHubConfigEntry, _msg: dict[str, Any]
) -> dict[str, Any]:
    scans = entry.runtime_data.downloads.feed.scans
    async with engine_errors():
        found = await entry.runtime_data.engine.plex.libraries()
    return {"libraries": [library_json(lib, scans) for lib in found]}


@_for_administrators(
    "mediahub/all_downloads", {vol.Required("action"): vol.In(["pause_all", "resume_all"])}
)
async def _all_downloads(
    _hass: HomeAssistant, entry: MediaHubConfigEntry, msg: dict[str, Any]
) -> None:
    downloads = entry.runtime_data.engine.downloads
    async with engine_errors():
        if msg["action"] == "pause_all":
            await downloads.pause_all()
        else:
            await downloads.resume_all()
    await entry.runtime_data.downloads.async_request_refresh()


@_for_administrators(
    "mediahub/add_torrent_file",
    {vol.Required("file_id"): str, vol.Optional("category"): str},
)
async def _add_torrent_file(
    hass: HomeAssistant, entry: MediaHubConfigEntry, msg: dict[str, Any]
) -> dict[str, Any]:
    """A .torrent file the panel sent to Home Assistant's /api/file_upload first (a websocket
    message is too small for some), read once and removed."""

    def read() -> bytes | None:
        try:
            with (
                process_uploaded_file(hass, msg["file_id"]) as path,
                path.open("rb") as upload,
            ):
                # One byte over the cap is enough for the engine to refuse it.
                return upload.read(MAX_TORRENT_BYTES + 1)
        except ValueError:  # no such upload (or it was used already)
            return None

    data = await hass.async_add_executor_job(read)
    if data is None:
        raise ServiceValidationError(translation_domain=DOMAIN, translation_key="unknown_upload")
    async with engine_errors():
        result = await entry.runtime_data.engine.downloads.add_torrent_file(
            data, msg.get("category"), origin=Origin.ACTION
        )
    await entry.runtime_data.downloads.async_request_refresh()
    return result.as_json()


@callback
def async_setup_websocket(hass: HomeAssistant) -> None:
    for command in (
        _info,
        _subscribe_downloads,
        _subscribe_search,
        _action,
        _bandwidth,
        _profiles,
        _save_profile,
        _libraries,
        _all_downloads,
        _add_torrent_file,
    ):
        async_register_command(hass, command)
