"""Diagnostics: configuration and state with every secret and host redacted."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from homeassistant.components.diagnostics import async_redact_data
from homeassistant.core import HomeAssistant

from .coordinator import MediaHubConfigEntry
from .stack import SPECS

# Every service's address and credentials, and what would tell where the home is.
TO_REDACT = {field for spec in SPECS.values() for field in (spec.url_field, *spec.credentials)} | {
    "external_ipv4",
    "public_ip",
    "qbittorrent_ip",
    "machine_identifier",
    "path_map",
    "categories",
    "save_path",
    "content_path",
    "locations",
}


async def async_get_config_entry_diagnostics(
    hass: HomeAssistant, entry: MediaHubConfigEntry
) -> dict[str, Any]:
    """What support needs to see, and nothing it must not."""
    runtime = entry.runtime_data
    snapshot = runtime.downloads.data
    plex = runtime.plex.data
    indexers = runtime.indexers.data
    data: dict[str, Any] = {
        "entry": {"data": dict(entry.data), "options": dict(entry.options)},
        "qbittorrent": {
            "version": runtime.engine.qbittorrent.version,
            "api_version": runtime.engine.qbittorrent.api_version,
            "counts": asdict(snapshot.counts) if snapshot else None,
            "transfer": asdict(snapshot.transfer) if snapshot else None,
            "outbox": len(runtime.engine.downloads.outbox),
            "holds": sorted(runtime.engine.downloads.holds),
            "pending_scans": runtime.engine.downloads.pending_scans,
            "stages": runtime.engine.downloads.pipeline.counts(),
            "announced": len(runtime.announcer.ledger),
            "sync_rid": runtime.engine.downloads.model.rid,
        },
        "prowlarr": {
            "version": indexers.version if indexers else None,
            "indexers": [asdict(i) for i in indexers.indexers] if indexers else None,
        },
        "plex": {
            "version": plex.server.version if plex else None,
            "libraries": [asdict(lib) for lib in plex.libraries] if plex else None,
        },
        "vpn": asdict(runtime.vpn.data) if runtime.vpn and runtime.vpn.data else None,
        "last_update_success": {
            "qbittorrent": runtime.downloads.last_update_success,
            "prowlarr": runtime.indexers.last_update_success,
            "plex": runtime.plex.last_update_success,
        },
    }
    return async_redact_data(data, TO_REDACT)
