"""Actions: search, grab, add_torrent, pause, resume, remove, redownload, list_downloads,
scan_library. Each names its stack with `config_entry_id`; bad input is a translated
ServiceValidationError and nothing changes; a service failing is a HomeAssistantError."""

from __future__ import annotations

from dataclasses import asdict
from typing import Final

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
from .hub.models import NEWZNAB_BY_CATEGORY

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
ADD_TORRENT_SCHEMA = vol.Schema(
    {**_ENTRY, vol.Required(ATTR_SOURCE): cv.string, vol.Optional(ATTR_CATEGORY): cv.string}
)
HASH_SCHEMA = vol.Schema({**_ENTRY, **_HASH})
REMOVE_SCHEMA = vol.Schema(
    {**_ENTRY, **_HASH, vol.Optional(ATTR_DELETE_FILES, default=False): cv.boolean}
)
LIST_SCHEMA = vol.Schema(
    {
        **_ENTRY,
        vol.Optional(ATTR_STATUS): vol.In(
            [
                "downloading",
                "seeding",
                "stopped",
                "queued",
                "checking",
                "stalled",
                "metadata",
                "moving",
                "errored",
            ]
        ),
    }
)
SCAN_SCHEMA = vol.Schema(
    {**_ENTRY, vol.Required(ATTR_LIBRARY): cv.string, vol.Optional(ATTR_PATH): cv.string}
)


def _runtime(call: ServiceCall) -> MediaHubRuntime:
    entry: MediaHubConfigEntry = service.async_get_config_entry(
        call.hass, DOMAIN, call.data[ATTR_CONFIG_ENTRY_ID]
    )
    return entry.runtime_data


async def _search(call: ServiceCall) -> ServiceResponse:
    runtime = _runtime(call)
    category = call.data.get(ATTR_CATEGORY)
    categories = [NEWZNAB_BY_CATEGORY[category]] if category else []
    async with engine_errors():
        outcome = await runtime.engine.search.search_all(call.data[ATTR_QUERY], categories)
    releases = sorted(outcome.releases, key=lambda r: r.seeders or 0, reverse=True)
    return {
        "results": [
            {
                "id": r.id,
                "title": r.title,
                "size": r.size,
                "seeders": r.seeders,
                "leechers": r.leechers,
                "indexer": r.indexer,
                "category": r.category,
                "age_hours": round(r.age_hours, 1),
                "protocol": r.protocol,
            }
            for r in releases[: call.data[ATTR_LIMIT]]
        ],
        "indexers": [
            {
                "id": s.indexer_id,
                "name": s.name,
                "state": str(s.state),
                "count": s.count,
                "elapsed_ms": s.elapsed_ms,
                "error": s.error,
            }
            for s in outcome.indexers
        ],
    }


async def _add(call: ServiceCall) -> ServiceResponse:
    """grab, add_torrent and redownload: something new for qBittorrent."""
    runtime = _runtime(call)
    downloads = runtime.engine.downloads
    category = call.data.get(ATTR_CATEGORY)
    async with engine_errors():
        match call.service:
            case "grab":
                result = await downloads.grab(call.data[ATTR_RELEASE_ID], category)
            case "add_torrent":
                result = await downloads.add_torrent(call.data[ATTR_SOURCE], category)
            case _:
                result = await downloads.redownload(call.data[ATTR_HASH])
    await runtime.downloads.async_request_refresh()
    return asdict(result) if call.return_response else None


async def _control(call: ServiceCall) -> None:
    runtime = _runtime(call)
    downloads = runtime.engine.downloads
    infohash = call.data[ATTR_HASH]
    async with engine_errors():
        match call.service:
            case "pause":
                await downloads.pause(infohash)
            case "resume":
                await downloads.resume(infohash)
            case "remove":
                await downloads.remove(infohash, delete_files=call.data[ATTR_DELETE_FILES])
    await runtime.downloads.async_request_refresh()


async def _list_downloads(call: ServiceCall) -> ServiceResponse:
    runtime = _runtime(call)
    snapshot = runtime.downloads.data
    status = call.data.get(ATTR_STATUS)
    return {
        "downloads": {
            h: d.as_json()
            for h, d in snapshot.downloads.items()
            if status is None or d.status == status
        }
    }


async def _scan_library(call: ServiceCall) -> None:
    runtime = _runtime(call)
    async with engine_errors():
        await runtime.engine.downloads.scan_library(
            call.data[ATTR_LIBRARY], call.data.get(ATTR_PATH)
        )


@callback
def async_setup_services(hass: HomeAssistant) -> None:
    """Register every MediaHub action."""
    register = hass.services.async_register
    register(
        DOMAIN, "search", _search, schema=SEARCH_SCHEMA, supports_response=SupportsResponse.ONLY
    )
    register(DOMAIN, "grab", _add, schema=GRAB_SCHEMA, supports_response=SupportsResponse.OPTIONAL)
    register(
        DOMAIN,
        "add_torrent",
        _add,
        schema=ADD_TORRENT_SCHEMA,
        supports_response=SupportsResponse.OPTIONAL,
    )
    register(DOMAIN, "pause", _control, schema=HASH_SCHEMA)
    register(DOMAIN, "resume", _control, schema=HASH_SCHEMA)
    register(DOMAIN, "remove", _control, schema=REMOVE_SCHEMA)
    register(
        DOMAIN,
        "redownload",
        _add,
        schema=HASH_SCHEMA,
        supports_response=SupportsResponse.OPTIONAL,
    )
    register(
        DOMAIN,
        "list_downloads",
        _list_downloads,
        schema=LIST_SCHEMA,
        supports_response=SupportsResponse.ONLY,
    )
    register(DOMAIN, "scan_library", _scan_library, schema=SCAN_SCHEMA)
