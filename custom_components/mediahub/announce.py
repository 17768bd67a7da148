"""Engine events → Home Assistant events, each fired once per download across restarts."""

from __future__ import annotations

from typing import Any, Final

from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers.storage import Store

from .const import (
    DOMAIN,
    EVENT_DOWNLOAD_ADDED,
    EVENT_DOWNLOAD_COMPLETED,
    EVENT_DOWNLOAD_REFUSED,
    EVENT_DOWNLOAD_REPLACED,
    EVENT_RELEASE_REFUSED,
    EVENT_SCAN_REQUESTED,
)
from .hub.announcements import LEDGER_VERSION, Announcements
from .hub.events import (
    DownloadAdded,
    DownloadCompleted,
    DownloadRefused,
    DownloadReplaced,
    DownloadsChanged,
    EngineEvent,
    ReleaseRefused,
    ScanRequested,
)
from .hub.models import GrabResult

SAVE_DELAY: Final = 1.0  # seconds: one write for a poll's worth of announcements


class Announcer:
    """Fires MediaHub's events on Home Assistant's bus, and remembers what it fired."""

    def __init__(self, hass: HomeAssistant, entry_id: str) -> None:
        self._hass = hass
        self._entry_id = entry_id
        self._store: Store[dict[str, Any]] = Store(
            hass, LEDGER_VERSION, f"{DOMAIN}.{entry_id}.announced", private=True
        )
        self.ledger = Announcements(None)

    async def async_load(self) -> None:
        self.ledger = Announcements(await self._store.async_load())

    @callback
    def async_settled(self, present: set[str]) -> None:
        """The first poll is in: from now on, announce; forget downloads that are gone."""
        if self.ledger.quiet:  # the first start: keep the ledger even if nothing is in it yet
            self.ledger.quiet = False
            self.ledger.dirty = True
        self.ledger.keep_only(present)
        self._save()

    @callback
    def forward(self, event: EngineEvent) -> None:
        base = {"config_entry_id": self._entry_id}
        match event:
            case DownloadAdded(grab=grab) if self.ledger.first(grab.hash, "added"):
                self._fire(EVENT_DOWNLOAD_ADDED, {**base, **_grab_data(grab)})
            case DownloadRefused(grab=grab, reason=reason) if self.ledger.first(
                grab.hash, "refused"
            ):
                self._fire(EVENT_DOWNLOAD_REFUSED, {**base, **_grab_data(grab), "reason": reason})
            case DownloadReplaced(old=old, new=new, reason=reason, release=release):
                self._fire(
                    EVENT_DOWNLOAD_REPLACED,
                    {
                        **base,
                        "hash": old.hash,
                        "name": old.name,
                        "reason": reason,
                        "replacement_hash": new.hash,
                        "replacement": release,
                    },
                )
            case ReleaseRefused(grab=grab, reason=reason):
                # Fired by the MediaHub that refused it (the guard's step is claimed).
                self._fire(EVENT_RELEASE_REFUSED, {**base, **_grab_data(grab), "reason": reason})
            case DownloadCompleted(download=done) if self.ledger.first(done.hash, "completed"):
                self._fire(
                    EVENT_DOWNLOAD_COMPLETED,
                    {
                        **base,
                        "hash": done.hash,
                        "name": done.name,
                        "category": done.category,
                        "path": done.content_path,
                        "plex_path": done.plex_path,
                        "size": done.size,
                        "grabbed_by": str(done.origin) if done.origin else None,
                    },
                )
            case ScanRequested():
                self._hass.bus.async_fire(
                    EVENT_SCAN_REQUESTED,
                    {
                        **base,
                        "library": event.library,
                        "library_key": event.library_key,
                        "path": event.path,
                    },
                )
            case DownloadsChanged(removed=removed) if removed:
                self.ledger.forget(removed)
                self._save()
            case _:
                pass

    def _fire(self, event_type: str, data: dict[str, Any]) -> None:
        self._hass.bus.async_fire(event_type, data)
        self._save()

    def _save(self) -> None:
        if self.ledger.dirty:
            self._store.async_delay_save(self.ledger.as_json, SAVE_DELAY)

    async def async_remove(self) -> None:
        """The entry is deleted: so is what it announced."""
        await self._store.async_remove()

    async def async_flush(self) -> None:
        """Write the ledger now (on unload), not after the save delay."""
        await self._store.async_save(self.ledger.as_json())


def _grab_data(grab: GrabResult) -> dict[str, Any]:
    return {
        "hash": grab.hash,
        "name": grab.name,
        "category": grab.category,
        "grabbed_by": str(grab.origin) if grab.origin else None,
    }
