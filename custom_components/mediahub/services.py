"""Actions: the operations of `hub/commands.py` that are Home Assistant actions (search, grab,
grab_best, add_torrent, pause, resume, force_start, queue, remove, redownload, list_downloads,
scan_library, set_bandwidth, wish, unwish, watch_wishes). Each names its stack with
`config_entry_id`; bad input is a translated ServiceValidationError and nothing changes; a
service failing is a HomeAssistantError. What each does, and its schema, is the table's; this
adapter adds Home Assistant's concepts: the config entry, who ran it (a wish's `asked_by`), its
files, and the refresh after a change."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Final

from homeassistant.const import ATTR_CONFIG_ENTRY_ID
from homeassistant.core import (
    Context,
    HomeAssistant,
    ServiceCall,
    ServiceResponse,
    SupportsResponse,
    callback,
)
from homeassistant.helpers import config_validation as cv, service
import probatio as vol

from .const import DOMAIN
from .coordinator import MediaHubConfigEntry
from .errors import engine_errors
from .hub import (
    MAX_TORRENT_BYTES,
    OPERATIONS,
    Access,
    Call,
    InvalidInputError,
    Kinds,
    Operation,
    Origin,
    Refresh,
)

# Home Assistant's own checks of plain values, for every schema of the table.
HA_KINDS: Final = Kinds(string=cv.string, boolean=cv.boolean, time=cv.time)
_ENTRY: Final = {vol.Required(ATTR_CONFIG_ENTRY_ID): cv.string}


@dataclass(frozen=True, slots=True)
class Action:
    """One action: its operation, its schema, and what it answers."""

    operation: Operation
    schema: vol.Schema
    response: SupportsResponse
    changes_downloads: bool  # poll qBittorrent after it, so entities show the change


def _action(op: Operation) -> Action:
    response = (
        SupportsResponse.ONLY
        if op.only_response
        else SupportsResponse.OPTIONAL
        if op.responds
        else SupportsResponse.NONE
    )
    return Action(op, op.schema(HA_KINDS, _ENTRY), response, op.refresh is Refresh.POLL)


ACTIONS: Final[dict[str, Action]] = {
    name: _action(op) for name, op in OPERATIONS.items() if op.action
}
# The schemas by name, as tests and tools refer to them.
SEARCH_SCHEMA: Final = ACTIONS["search"].schema
GRAB_SCHEMA: Final = ACTIONS["grab"].schema
GRAB_BEST_SCHEMA: Final = ACTIONS["grab_best"].schema
ADD_TORRENT_SCHEMA: Final = ACTIONS["add_torrent"].schema
HASH_SCHEMA: Final = ACTIONS["pause"].schema
REMOVE_SCHEMA: Final = ACTIONS["remove"].schema
QUEUE_SCHEMA: Final = ACTIONS["queue"].schema
BANDWIDTH_SCHEMA: Final = ACTIONS["set_bandwidth"].schema
LIST_SCHEMA: Final = ACTIONS["list_downloads"].schema
SCAN_SCHEMA: Final = ACTIONS["scan_library"].schema
WISH_SCHEMA: Final = ACTIONS["wish"].schema
UNWISH_SCHEMA: Final = ACTIONS["unwish"].schema


def _origin(call: ServiceCall) -> Origin:
    """A person ran the action, or an automation or script did on its own."""
    return Origin.ACTION if call.context.user_id else Origin.AUTOMATION


@dataclass(frozen=True, slots=True)
class Person:
    """Who is behind a context, as an engine call carries them."""

    name: str | None = None
    user_id: str | None = None
    admin: bool = True  # no person (an automation, a script): what the household set up


async def person(hass: HomeAssistant, context: Context) -> Person:
    """The Home Assistant user behind `context` (who asked for a wish, who may approve one)."""
    if context.user_id is None:
        return Person()
    user = await hass.auth.async_get_user(context.user_id)
    if user is None:
        return Person(user_id=context.user_id, admin=False)
    return Person(user.name or None, user.id, user.is_admin)


async def _read_torrent_file(hass: HomeAssistant, path: str) -> bytes:
    """A .torrent file on this machine, in a folder Home Assistant may read
    (allowlist_external_dirs), as the core integrations that add torrents allow."""
    if not hass.config.is_allowed_path(path):
        raise InvalidInputError(
            "path_not_allowed",
            f"Home Assistant may not read {path}: add its folder to allowlist_external_dirs",
            values={"path": path},
        )

    def read() -> bytes:
        with Path(path).open("rb") as handle:
            return handle.read(MAX_TORRENT_BYTES + 1)

    try:
        return await hass.async_add_executor_job(read)
    except OSError as err:
        raise InvalidInputError(
            "file_unreadable", f"cannot read {path}: {err.strerror}", values={"path": path}
        ) from None


async def _run(call: ServiceCall) -> ServiceResponse:
    """Every action: find its entry, run it, map the engine's errors, refresh after changes."""
    action = ACTIONS[call.service]
    entry: MediaHubConfigEntry = service.async_get_config_entry(
        call.hass, DOMAIN, call.data[ATTR_CONFIG_ENTRY_ID]
    )
    runtime = entry.runtime_data

    async def read_local(path: str) -> bytes:
        return await _read_torrent_file(call.hass, path)

    asker = await person(call.hass, call.context)
    request = Call(
        engine=runtime.engine,
        feed=runtime.downloads.feed,
        data={k: v for k, v in call.data.items() if k != ATTR_CONFIG_ENTRY_ID},
        origin=_origin(call),
        read_local=read_local,
        user=asker.name,
        user_id=asker.user_id,
        admin=asker.admin,
    )
    async with engine_errors():
        response: ServiceResponse = await action.operation.run(request)
    if action.changes_downloads:
        await runtime.downloads.async_request_refresh()
    return response if call.return_response else None


@callback
def async_setup_services(hass: HomeAssistant) -> None:
    """Register every MediaHub action. An administrator's operation refuses a person who is
    not one (Home Assistant's own check, as for its admin services); automations and scripts
    run them, as their owner set them up."""
    for name, action in ACTIONS.items():
        if action.operation.access is Access.ADMIN:
            service.async_register_admin_service(
                hass, DOMAIN, name, _run, schema=action.schema, supports_response=action.response
            )
        else:
            hass.services.async_register(
                DOMAIN, name, _run, schema=action.schema, supports_response=action.response
            )
