"""Voice: download the best release for the quality profile, what is downloading, scan the library.

Home Assistant's `intent` integration registers them through this platform's
`async_setup_intents` (once, when both are loaded); `llm.py` offers the same handlers to LLM
agents, and docs/custom_sentences/en/ has sentences for the default Assist agent.
"""

from __future__ import annotations

from typing import Any, Final, override

from homeassistant.core import HomeAssistant
from homeassistant.helpers import intent
import probatio as vol

from .const import DOMAIN
from .coordinator import MediaHubConfigEntry, MediaHubRuntime
from .errors import engine_errors
from .hub import (
    NEWZNAB_BY_CATEGORY,
    NOTHING_FOUND,
    AmbiguousTitleError,
    DownloadStatus,
    NoAcceptableReleaseError,
    Origin,
)

INTENT_DOWNLOAD: Final = "MediaHubDownload"
INTENT_STATUS: Final = "MediaHubDownloadStatus"
INTENT_SCAN: Final = "MediaHubScanLibrary"

_ACTIVE = (
    DownloadStatus.DOWNLOADING,
    DownloadStatus.STALLED,
    DownloadStatus.METADATA,
    DownloadStatus.QUEUED,
    DownloadStatus.CHECKING,  # just added: being checked before it downloads
)


async def async_setup_intents(hass: HomeAssistant) -> None:
    """Register MediaHub's intent handlers (the intent platform hook HA awaits)."""
    intent.async_register(hass, DownloadIntentHandler())
    intent.async_register(hass, DownloadStatusIntentHandler())
    intent.async_register(hass, ScanLibraryIntentHandler())


# Every intent takes the stack by its name when there are several (one per home, say).
_STACK = {vol.Optional("stack"): intent.non_empty_string}


def _stack(intent_obj: intent.Intent, slots: dict[str, Any]) -> tuple[MediaHubRuntime, str]:
    """The stack the request is for, and what to add to the answer to say which it was. With
    several and none named, the user is asked which one."""
    entries: list[MediaHubConfigEntry] = intent_obj.hass.config_entries.async_loaded_entries(DOMAIN)
    if not entries:
        raise intent.IntentHandleError("MediaHub is not set up")
    if len(entries) == 1:
        return entries[0].runtime_data, ""
    named = str(slots.get("stack", {}).get("value", "")).casefold()
    chosen = [e for e in entries if e.title.casefold() == named]
    if not chosen:
        titles = " or ".join(e.title for e in entries)
        raise intent.IntentHandleError(f"Which MediaHub: {titles}?")
    return chosen[0].runtime_data, f" (on {chosen[0].title})"


def _duration(seconds: int) -> str:
    if seconds < 90:
        return f"{seconds} seconds"
    if seconds < 90 * 60:
        return f"{round(seconds / 60)} minutes"
    return f"{seconds / 3600:.1f} hours"


class DownloadIntentHandler(intent.IntentHandler):
    """ "Download The Matrix": the quality profile's best pick, said back with what it is; a
    question when several titles match; the reasons when nothing is good enough."""

    intent_type = INTENT_DOWNLOAD
    description = (
        "Searches the user's indexers for a movie, show, album or book and downloads the best "
        "release for the household's quality profile (resolution, source, size, seeders). "
        "Answers with what it picked, or asks which title when several match: then call it "
        "again with the year. Use when the user asks to download or get something; give "
        "'season' for a whole season of a show."
    )
    slot_schema = {
        vol.Required("query"): intent.non_empty_string,
        vol.Optional("category"): vol.In(list(NEWZNAB_BY_CATEGORY)),
        vol.Optional("season"): vol.All(vol.Coerce(int), vol.Range(min=0, max=500)),
        **_STACK,
    }

    @override
    async def async_handle(self, intent_obj: intent.Intent) -> intent.IntentResponse:
        slots = self.async_validate_slots(intent_obj.slots)
        query = slots["query"]["value"]
        category = slots.get("category", {}).get("value")
        season = slots.get("season", {}).get("value")
        if season is not None and category is None:
            category = "tv"
        runtime, where = _stack(intent_obj, slots)
        response = intent_obj.create_response()
        async with engine_errors():
            try:
                best = await runtime.engine.best.grab(
                    query, category, season=season, origin=Origin.VOICE
                )
            except AmbiguousTitleError as err:
                response.async_set_speech(f"Which one{where}: {err.reason}?")
                response.async_set_speech_slots({"choices": list(err.choices)})
                return response
            except NoAcceptableReleaseError as err:
                if err.reason == NOTHING_FOUND:
                    response.async_set_speech(f"I found nothing for {query}{where}.")
                else:
                    response.async_set_speech(
                        f"Nothing I found for {query} is good enough{where}: {err.reason}."
                    )
                return response
        await runtime.downloads.async_request_refresh()
        waiting = " It will start when qBittorrent is back." if best.result.queued else ""
        response.async_set_speech(f"Downloading {best.choice.summary}{where}.{waiting}")
        response.async_set_speech_slots(
            {
                "title": best.choice.release.title,
                "summary": best.choice.summary,
                "hash": best.result.hash,
                "queued": best.result.queued,
            }
        )
        return response


class DownloadStatusIntentHandler(intent.IntentHandler):
    """ "What is downloading?": the active downloads with progress and time left."""

    intent_type = INTENT_STATUS
    description = (
        "Tells what is downloading now, how far along each download is and how long it will take."
    )
    slot_schema = _STACK

    @override
    async def async_handle(self, intent_obj: intent.Intent) -> intent.IntentResponse:
        runtime, where = _stack(intent_obj, self.async_validate_slots(intent_obj.slots))
        response = intent_obj.create_response()
        snapshot = runtime.downloads.data
        active = [d for d in snapshot.downloads.values() if d.status in _ACTIVE]
        if not active:
            response.async_set_speech(f"Nothing is downloading{where}.")
            return response
        parts = []
        for download in sorted(active, key=lambda d: d.eta if d.eta is not None else 1 << 40):
            left = f", {_duration(download.eta)} left" if download.eta is not None else ""
            parts.append(f"{download.name} at {int(download.progress * 100)} percent{left}")
        count = "1 download" if len(active) == 1 else f"{len(active)} downloads"
        response.async_set_speech(f"{count}{where}: " + "; ".join(parts) + ".")
        return response


class ScanLibraryIntentHandler(intent.IntentHandler):
    """ "Scan the movies library": ask Plex to scan one library, or all of them."""

    intent_type = INTENT_SCAN
    description = (
        "Asks Plex to scan a library (by name, e.g. Movies) for new files, or every library."
    )
    slot_schema = {vol.Optional("library"): intent.non_empty_string, **_STACK}

    @override
    async def async_handle(self, intent_obj: intent.Intent) -> intent.IntentResponse:
        slots = self.async_validate_slots(intent_obj.slots)
        library = slots.get("library", {}).get("value")
        runtime, where = _stack(intent_obj, slots)
        response = intent_obj.create_response()
        async with engine_errors():
            if library:
                await runtime.engine.downloads.scan_library(library)
            else:
                await runtime.engine.plex.scan_all()
        response.async_set_speech(f"Scanning {library or 'all libraries'}{where}.")
        return response
