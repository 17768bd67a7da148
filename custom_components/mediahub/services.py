"""Actions: search, grab, grab_best, add_torrent, pause, resume, force_start, queue, remove,
redownload, list_downloads, scan_library, set_bandwidth. Each names its stack with
`config_entry_id`; bad input is a translated ServiceValidationError and nothing changes; a
service failing is a HomeAssistantError."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

from homeassistant.const import ATTR_CONFIG_ENTRY_ID
from homeassistant.core import (
    HomeAssistant,
    ServiceCall,
    ServiceResponse,
    SupportsResponse,
    callback,
)
from homeassistant.helpers import config_validation as cv, service
import probatio as vol

from .const import DOMAIN
from .coordinator import MediaHubConfigEntry, MediaHubRuntime
from .errors import engine_errors
from .hub import (
    MAX_TORRENT_BYTES,
    NEWZNAB_BY_CATEGORY,
    DownloadStatus,
    InvalidInputError,
    Origin,
    from_kib,
    ranked,
)

ATTR_QUERY: Final = "query"
ATTR_CATEGORY: Final = "category"
ATTR_LIMIT: Final = "limit"
ATTR_RELEASE_ID: Final = "release_id"
ATTR_SOURCE: Final = "source"
ATTR_HASH: Final = "hash"
ATTR_DELETE_FILES: Final = "delete_files"
ATTR_LIBRARY: Final = "library"
ATTR_PATH: Final = "path"
ATTR_STATUS: Final = "status"
ATTR_PROFILE: Final = "profile"
ATTR_SEASON: Final = "season"
ATTR_POSITION: Final = "position"
ATTR_SCHEDULE_ENABLED: Final = "schedule_enabled"
ATTR_SCHEDULE_FROM: Final = "schedule_from"
ATTR_SCHEDULE_TO: Final = "schedule_to"
ATTR_SCHEDULE_DAYS: Final = "schedule_days"
LIMIT_FIELDS: Final = ("download_limit", "upload_limit", "alt_download_limit", "alt_upload_limit")
# qBittorrent's scheduler_days, by name.
SCHEDULE_DAYS: Final = (
    "every_day",
    "weekdays",
    "weekends",
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
)


_ENTRY = {vol.Required(ATTR_CONFIG_ENTRY_ID): cv.string}
_HASH = {vol.Required(ATTR_HASH): vol.All(cv.string, vol.Length(min=1, max=64))}

SEARCH_SCHEMA = vol.Schema(
    {
        **_ENTRY,
        vol.Required(ATTR_QUERY): vol.All(cv.string, vol.Length(min=1, max=200)),
        vol.Optional(ATTR_CATEGORY): vol.In(list(NEWZNAB_BY_CATEGORY)),
        vol.Optional(ATTR_LIMIT, default=25): vol.All(vol.Coerce(int), vol.Range(min=1, max=100)),
    }
)
GRAB_SCHEMA = vol.Schema(
    {**_ENTRY, vol.Required(ATTR_RELEASE_ID): cv.string, vol.Optional(ATTR_CATEGORY): cv.string}
)
GRAB_BEST_SCHEMA = vol.Schema(
    {
        **_ENTRY,
        vol.Required(ATTR_QUERY): vol.All(cv.string, vol.Length(min=1, max=200)),
        vol.Optional(ATTR_CATEGORY): vol.In(list(NEWZNAB_BY_CATEGORY)),
        vol.Optional(ATTR_SEASON): vol.All(vol.Coerce(int), vol.Range(min=0, max=500)),
        # Checked field by field by the engine (translated invalid_profile error).
        vol.Optional(ATTR_PROFILE): dict,
    }
)
ADD_TORRENT_SCHEMA = vol.Schema(
    {**_ENTRY, vol.Required(ATTR_SOURCE): cv.string, vol.Optional(ATTR_CATEGORY): cv.string}
)
HASH_SCHEMA = vol.Schema({**_ENTRY, **_HASH})
REMOVE_SCHEMA = vol.Schema(
    {**_ENTRY, **_HASH, vol.Optional(ATTR_DELETE_FILES, default=False): cv.boolean}
)
QUEUE_SCHEMA = vol.Schema(
    {**_ENTRY, **_HASH, vol.Required(ATTR_POSITION): vol.In(["top", "bottom"])}
)
# Ranges are the engine's to check (one rule for the panel and here); limits in KiB/s.
BANDWIDTH_SCHEMA = vol.Schema(
    {
        **_ENTRY,
        vol.Optional("alt_speed"): cv.boolean,
        **{vol.Optional(name): vol.Coerce(float) for name in LIMIT_FIELDS},
        vol.Optional(ATTR_SCHEDULE_ENABLED): cv.boolean,
        vol.Optional(ATTR_SCHEDULE_FROM): cv.time,
        vol.Optional(ATTR_SCHEDULE_TO): cv.time,
        vol.Optional(ATTR_SCHEDULE_DAYS): vol.In(SCHEDULE_DAYS),
    }
)
LIST_SCHEMA = vol.Schema(
    {
        **_ENTRY,
        vol.Optional(ATTR_STATUS): vol.In(
            [s.value for s in DownloadStatus if s is not DownloadStatus.UNKNOWN]
        ),
    }
)
SCAN_SCHEMA = vol.Schema(
    {**_ENTRY, vol.Required(ATTR_LIBRARY): cv.string, vol.Optional(ATTR_PATH): cv.string}
)


type Handler = Callable[[MediaHubRuntime, ServiceCall], Awaitable[ServiceResponse]]


@dataclass(frozen=True, slots=True)
class Action:
    """One action: its schema, what it does, and what it answers."""

    schema: vol.Schema
    handler: Handler
    response: SupportsResponse = SupportsResponse.NONE
    changes_downloads: bool = False  # poll qBittorrent after it, so entities show the change


def _runtime(call: ServiceCall) -> MediaHubRuntime:
    entry: MediaHubConfigEntry = service.async_get_config_entry(
        call.hass, DOMAIN, call.data[ATTR_CONFIG_ENTRY_ID]
    )
    return entry.runtime_data


async def _search(runtime: MediaHubRuntime, call: ServiceCall) -> ServiceResponse:
    category = call.data.get(ATTR_CATEGORY)
    categories = [NEWZNAB_BY_CATEGORY[category]] if category else []
    outcome = await runtime.engine.search.search_all(call.data[ATTR_QUERY], categories)
    best_first = ranked(outcome.assessments.values())
    return {
        "results": [
            {**a.as_json(), **runtime.engine.marks(a).as_json()}
            for a in best_first[: call.data[ATTR_LIMIT]]
        ],
        "indexers": [s.as_json() for s in outcome.indexers],
    }


def _origin(call: ServiceCall) -> Origin:
    """A person ran the action, or an automation or script did on its own."""
    return Origin.ACTION if call.context.user_id else Origin.AUTOMATION


async def _grab(runtime: MediaHubRuntime, call: ServiceCall) -> ServiceResponse:
    result = await runtime.engine.downloads.grab(
        call.data[ATTR_RELEASE_ID], call.data.get(ATTR_CATEGORY), origin=_origin(call)
    )
    return result.as_json()


async def _grab_best(runtime: MediaHubRuntime, call: ServiceCall) -> ServiceResponse:
    best = await runtime.engine.best.grab(
        call.data[ATTR_QUERY],
        call.data.get(ATTR_CATEGORY),
        overrides=call.data.get(ATTR_PROFILE),
        season=call.data.get(ATTR_SEASON),
        origin=_origin(call),
    )
    return best.as_json()


async def _add_torrent(runtime: MediaHubRuntime, call: ServiceCall) -> ServiceResponse:
    source = call.data[ATTR_SOURCE].strip()
    downloads = runtime.engine.downloads
    category = call.data.get(ATTR_CATEGORY)
    if source.startswith("/"):
        # A .torrent file on this machine, in a folder Home Assistant may read
        # (allowlist_external_dirs), as the core integrations that add torrents allow.
        data = await _read_torrent_file(call.hass, source)
        result = await downloads.add_torrent_file(data, category, origin=_origin(call))
    else:
        result = await downloads.add_torrent(source, category, origin=_origin(call))
    return result.as_json()


async def _read_torrent_file(hass: HomeAssistant, path: str) -> bytes:
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


async def _redownload(runtime: MediaHubRuntime, call: ServiceCall) -> ServiceResponse:
    result = await runtime.engine.downloads.redownload(call.data[ATTR_HASH], origin=_origin(call))
    return result.as_json()


async def _pause(runtime: MediaHubRuntime, call: ServiceCall) -> None:
    await runtime.engine.downloads.pause(call.data[ATTR_HASH])


async def _resume(runtime: MediaHubRuntime, call: ServiceCall) -> None:
    await runtime.engine.downloads.resume(call.data[ATTR_HASH])


async def _force_start(runtime: MediaHubRuntime, call: ServiceCall) -> None:
    await runtime.engine.downloads.force_start(call.data[ATTR_HASH])


async def _queue(runtime: MediaHubRuntime, call: ServiceCall) -> None:
    await runtime.engine.downloads.move_in_queue(
        call.data[ATTR_HASH], top=call.data[ATTR_POSITION] == "top"
    )


async def _set_bandwidth(runtime: MediaHubRuntime, call: ServiceCall) -> ServiceResponse:
    """Limits (KiB/s), slow mode and its schedule; answers with what qBittorrent now has."""
    data = call.data
    changes: dict[str, Any] = {k: from_kib(k, data[k]) for k in LIMIT_FIELDS if k in data}
    if "alt_speed" in data:
        changes["alt_speed"] = data["alt_speed"]
    schedule: dict[str, Any] = {}
    if ATTR_SCHEDULE_ENABLED in data:
        schedule["enabled"] = data[ATTR_SCHEDULE_ENABLED]
    for end, attr in (("from", ATTR_SCHEDULE_FROM), ("to", ATTR_SCHEDULE_TO)):
        if attr in data:
            schedule[f"{end}_hour"], schedule[f"{end}_minute"] = data[attr].hour, data[attr].minute
    if ATTR_SCHEDULE_DAYS in data:
        schedule["days"] = SCHEDULE_DAYS.index(data[ATTR_SCHEDULE_DAYS])
    if schedule:
        changes["schedule"] = schedule
    current = await runtime.engine.bandwidth.change(changes)
    return current.as_json()


async def _remove(runtime: MediaHubRuntime, call: ServiceCall) -> None:
    await runtime.engine.downloads.remove(
        call.data[ATTR_HASH], delete_files=call.data[ATTR_DELETE_FILES]
    )


async def _list_downloads(runtime: MediaHubRuntime, call: ServiceCall) -> ServiceResponse:
    status = call.data.get(ATTR_STATUS)
    # The engine's live view: the coordinator's data can be a poll behind it.
    return {
        "downloads": {
            h: d.as_json()
            for h, d in runtime.engine.downloads.snapshot().downloads.items()
            if status is None or d.status == status
        }
    }


async def _scan_library(runtime: MediaHubRuntime, call: ServiceCall) -> None:
    await runtime.engine.downloads.scan_library(call.data[ATTR_LIBRARY], call.data.get(ATTR_PATH))


ACTIONS: Final[dict[str, Action]] = {
    "search": Action(SEARCH_SCHEMA, _search, SupportsResponse.ONLY),
    "grab": Action(GRAB_SCHEMA, _grab, SupportsResponse.OPTIONAL, changes_downloads=True),
    "grab_best": Action(
        GRAB_BEST_SCHEMA, _grab_best, SupportsResponse.OPTIONAL, changes_downloads=True
    ),
    "add_torrent": Action(
        ADD_TORRENT_SCHEMA, _add_torrent, SupportsResponse.OPTIONAL, changes_downloads=True
    ),
    "redownload": Action(
        HASH_SCHEMA, _redownload, SupportsResponse.OPTIONAL, changes_downloads=True
    ),
    "pause": Action(HASH_SCHEMA, _pause, changes_downloads=True),
    "resume": Action(HASH_SCHEMA, _resume, changes_downloads=True),
    "force_start": Action(HASH_SCHEMA, _force_start, changes_downloads=True),
    "queue": Action(QUEUE_SCHEMA, _queue, changes_downloads=True),
    "set_bandwidth": Action(
        BANDWIDTH_SCHEMA, _set_bandwidth, SupportsResponse.OPTIONAL, changes_downloads=True
    ),
    "remove": Action(REMOVE_SCHEMA, _remove, changes_downloads=True),
    "list_downloads": Action(LIST_SCHEMA, _list_downloads, SupportsResponse.ONLY),
    "scan_library": Action(SCAN_SCHEMA, _scan_library),
}


async def _run(call: ServiceCall) -> ServiceResponse:
    """Every action: find its entry, run it, map the engine's errors, refresh after changes."""
    action = ACTIONS[call.service]
    runtime = _runtime(call)
    async with engine_errors():
        response = await action.handler(runtime, call)
    if action.changes_downloads:
        await runtime.downloads.async_request_refresh()
    return response if call.return_response else None


@callback
def async_setup_services(hass: HomeAssistant) -> None:
    """Register every MediaHub action."""
    for name, action in ACTIONS.items():
        hass.services.async_register(
            DOMAIN, name, _run, schema=action.schema, supports_response=action.response
        )
