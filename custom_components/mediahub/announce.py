"""Engine events → Home Assistant events, each fired once per download across restarts."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Final

from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers.storage import Store

from .const import (
    DOMAIN,
    EVENT_AVAILABLE,
    EVENT_DOWNLOAD_ADDED,
    EVENT_DOWNLOAD_COMPLETED,
    EVENT_DOWNLOAD_REFUSED,
    EVENT_DOWNLOAD_REPLACED,
    EVENT_RELEASE_REFUSED,
    EVENT_REQUEST_APPROVED,
    EVENT_REQUEST_DECLINED,
    EVENT_REQUEST_MADE,
    EVENT_SCAN_REQUESTED,
    EVENT_WISH_AVAILABLE,
    EVENT_WISH_ENDED,
    EVENT_WISH_GRABBED,
    EVENT_WISH_MADE,
    POSTERS_URL,
)
from .hub import (
    LEDGER_VERSION,
    Announcements,
    DownloadAdded,
    DownloadAvailable,
    DownloadCompleted,
    DownloadRefused,
    DownloadReplaced,
    DownloadsChanged,
    EngineEvent,
    GrabResult,
    ReadyItem,
    ReleaseRefused,
    RequestDecided,
    ScanRequested,
    Wish,
    WishAvailable,
    WishEnded,
    WishGrabbed,
    WishMade,
    WishState,
    ready_item_json,
)

SAVE_DELAY: Final = 1.0  # seconds: one write for a poll's worth of announcements


class Announcer:
    """Fires MediaHub's events on Home Assistant's bus, and remembers what it fired."""

    def __init__(
        self,
        hass: HomeAssistant,
        entry_id: str,
        available: Callable[[DownloadAvailable], ReadyItem | None] = lambda _event: None,
    ) -> None:
        self._hass = hass
        self._entry_id = entry_id
        self._available = available  # the engine's reading of a DownloadAvailable
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
            case ReleaseRefused(grab=grab, reason=reason, code=code, file=file):
                # Fired by the MediaHub that refused it (the guard's step is claimed).
                self._fire(
                    EVENT_RELEASE_REFUSED,
                    {**base, **_grab_data(grab), "reason": reason, "code": code, "file": file},
                )
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
            case DownloadAvailable() if self.ledger.first(event.download.hash, "available"):
                self._fire(EVENT_AVAILABLE, {**base, **self._available_data(event)})
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
            case WishMade() | WishGrabbed() | WishAvailable() | WishEnded() | RequestDecided():
                self._forward_wish(event, base)
            case DownloadsChanged(removed=removed) if removed:
                self.ledger.forget(removed)
                self._save()
            case _:
                pass

    def _forward_wish(
        self,
        event: WishMade | WishGrabbed | WishAvailable | WishEnded | RequestDecided,
        base: dict[str, Any],
    ) -> None:
        """A wish's events. The engine emits each once (its history records it, under the
        watch claim when the watcher tells), so no ledger is kept for them here."""
        match event:
            case WishMade(wish=wish, joined=joined):
                self._hass.bus.async_fire(
                    EVENT_WISH_MADE, {**base, **_wish_data(wish), "joined": joined}
                )
                if wish.state is WishState.WAITING and not joined:
                    # For the administrators' phones (the approve-requests blueprint).
                    self._hass.bus.async_fire(EVENT_REQUEST_MADE, {**base, **_wish_data(wish)})
            case RequestDecided(wish=wish, approved=approved, by=by, reason=reason):
                self._hass.bus.async_fire(
                    EVENT_REQUEST_APPROVED if approved else EVENT_REQUEST_DECLINED,
                    {**base, **_wish_data(wish), "by": by, "reason": reason},
                )
            case WishGrabbed(wish=wish, item=item, grab=grab, release=release):
                self._hass.bus.async_fire(
                    EVENT_WISH_GRABBED,
                    {
                        **base,
                        **_wish_data(wish),
                        "item": item,
                        "release": release,
                        "hash": grab.hash,
                        "name": grab.name,
                    },
                )
            case WishAvailable(wish=wish, item=item, plex_key=plex_key):
                self._hass.bus.async_fire(
                    EVENT_WISH_AVAILABLE,
                    {**base, **_wish_data(wish), "item": item, "key": plex_key},
                )
            case WishEnded(wish=wish, reason=reason):
                self._hass.bus.async_fire(
                    EVENT_WISH_ENDED, {**base, **_wish_data(wish), "reason": reason}
                )

    def _available_data(self, event: DownloadAvailable) -> dict[str, Any]:
        """What `mediahub_available` carries: the item, its play links and a poster path on
        Home Assistant (the Companion app fetches it signed in; Plex's token is not in it)."""
        data: dict[str, Any] = {
            "hash": event.download.hash,
            "name": event.download.name,
            "key": event.plex_key,
            "label": event.download.name,
            # "wish": the wish's own event (mediahub_wish_available) tells whoever asked.
            "grabbed_by": str(event.download.origin) if event.download.origin else None,
        }
        ready = self._available(event)
        if ready is not None:
            shown = ready_item_json(ready, POSTERS_URL.format(entry_id=self._entry_id))
            play = shown["play"]
            data |= {k: v for k, v in shown.items() if k not in ("play", "completed_on")}
            data |= {"play_web": play["web"], "play_app": play["app"]}
        return data

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


def _wish_data(wish: Wish) -> dict[str, Any]:
    return {
        "wish_id": wish.id,
        "title": wish.title,
        "label": wish.label,
        "kind": wish.kind.value,
        "category": wish.category,
        "asked_by": wish.asked_by,
        "askers": list(wish.askers),  # everyone who asked for it: each is told
        "state": wish.state.value,
    }
