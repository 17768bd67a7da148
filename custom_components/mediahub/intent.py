"""Voice: download the best release for the quality profile, what is downloading, scan the
library; and the wishes: follow a show, want a movie when it is out, what is coming, stop.

Home Assistant's `intent` integration registers them through this platform's
`async_setup_intents` (once, when both are loaded); `llm.py` offers the same handlers to LLM
agents, and docs/custom_sentences/<language>/ has sentences for the default Assist agent.
The wish intents run the operations of the table (as the actions do) and answer in the
request's language (speech.py), an error included: never an unexpected error.
"""

from __future__ import annotations

from collections.abc import Mapping
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
    OPERATIONS,
    AmbiguousTitleError,
    Call,
    DownloadStatus,
    InvalidInputError,
    MediaHubError,
    NoAcceptableReleaseError,
    Origin,
    WishKind,
)
from .services import HA_KINDS, user_name
from .speech import listed, say, spoken_error

INTENT_DOWNLOAD: Final = "MediaHubDownload"
INTENT_STATUS: Final = "MediaHubDownloadStatus"
INTENT_SCAN: Final = "MediaHubScanLibrary"
INTENT_FOLLOW: Final = "MediaHubFollow"
INTENT_WANT: Final = "MediaHubWant"
INTENT_COMING: Final = "MediaHubWhatsComing"
INTENT_UNWISH: Final = "MediaHubUnwish"

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
    intent.async_register(hass, FollowIntentHandler())
    intent.async_register(hass, WantIntentHandler())
    intent.async_register(hass, WhatsComingIntentHandler())
    intent.async_register(hass, UnwishIntentHandler())


# Every intent takes the stack by its name when there are several (one per home, say).
_STACK = {vol.Optional("stack"): intent.non_empty_string}


def _stack(intent_obj: intent.Intent, slots: dict[str, Any]) -> tuple[MediaHubRuntime, str]:
    """The stack the request is for, and what to add to the answer to say which it was. With
    several and none named, the user is asked which one."""
    runtime, title = _chosen(intent_obj, slots)
    return runtime, f" (on {title})" if title else ""


def _chosen(intent_obj: intent.Intent, slots: dict[str, Any]) -> tuple[MediaHubRuntime, str | None]:
    """The stack the request is for, and its title when there are several to say which."""
    entries: list[MediaHubConfigEntry] = intent_obj.hass.config_entries.async_loaded_entries(DOMAIN)
    if not entries:
        raise intent.IntentHandleError("MediaHub is not set up")
    if len(entries) == 1:
        return entries[0].runtime_data, None
    named = str(slots.get("stack", {}).get("value", "")).casefold()
    chosen = [e for e in entries if e.title.casefold() == named]
    if not chosen:
        titles = " or ".join(e.title for e in entries)
        raise intent.IntentHandleError(f"Which MediaHub: {titles}?")
    return chosen[0].runtime_data, chosen[0].title


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


# --- the wishes --------------------------------------------------------------------------------


async def _operation(
    intent_obj: intent.Intent, runtime: MediaHubRuntime, name: str, data: Mapping[str, Any]
) -> Any:
    """An operation of the table, asked by voice: by the Home Assistant user speaking when
    known, else by "voice"."""
    operation = OPERATIONS[name]
    try:
        valid = operation.schema(HA_KINDS)(dict(data))
    except vol.Invalid as err:
        field = str(err.path[0]) if err.path else "title"
        raise InvalidInputError(
            "invalid_wish", f"{field}: {err.msg}", values={"field": field}
        ) from None
    call = Call(
        engine=runtime.engine,
        feed=runtime.downloads.feed,
        data=valid,
        origin=Origin.VOICE,
        user=await user_name(intent_obj.hass, intent_obj.context),
    )
    return await operation.run(call)


class _WishIntentHandler(intent.IntentHandler):
    """Runs `answer`, and says an ambiguity as a question and an engine error as a sentence,
    both in the request's language."""

    @override
    async def async_handle(self, intent_obj: intent.Intent) -> intent.IntentResponse:
        slots = self.async_validate_slots(intent_obj.slots)
        runtime, stack = _chosen(intent_obj, slots)
        response = intent_obj.create_response()
        language = intent_obj.language
        try:
            speech = await self.answer(intent_obj, runtime, slots, response)
        except AmbiguousTitleError as err:
            choices = listed(language, err.choices, "or")
            response.async_set_speech(say(language, "which", choices=choices))
            response.async_set_speech_slots({"choices": list(err.choices)})
            return response
        except MediaHubError as err:
            response.async_set_speech(await spoken_error(intent_obj.hass, language, err))
            response.async_set_speech_slots({"error": err.code})
            return response
        where = say(language, "on_stack", stack=stack) if stack else ""
        response.async_set_speech(speech + where)
        return response

    async def answer(
        self,
        intent_obj: intent.Intent,
        runtime: MediaHubRuntime,
        slots: dict[str, Any],
        response: intent.IntentResponse,
    ) -> str:
        raise NotImplementedError


def _made(
    intent_obj: intent.Intent, answer: Mapping[str, Any], response: intent.IntentResponse
) -> str:
    wish = answer["wish"]
    response.async_set_speech_slots(
        {
            "wish_id": wish["id"],
            "label": wish["label"],
            "kind": wish["kind"],
            "joined": answer["joined"],
        }
    )
    kind = WishKind(wish["kind"])
    if kind is WishKind.FOLLOW:
        key = "already_following" if answer["joined"] else "following"
    elif kind is WishKind.UPGRADE:
        key = "upgrading"
    else:
        key = "already_wanted" if answer["joined"] else "wanted"
    return say(intent_obj.language, key, label=wish["label"])


class FollowIntentHandler(_WishIntentHandler):
    """ "Follow Severance": its new episodes are downloaded as they come out."""

    intent_type = INTENT_FOLLOW
    description = (
        "Follows a TV show: from now on, each new episode is downloaded when it comes out, in "
        "the household's quality. Answers with the show as understood, or asks which when "
        "several match."
    )
    slot_schema = {vol.Required("title"): intent.non_empty_string, **_STACK}

    @override
    async def answer(
        self,
        intent_obj: intent.Intent,
        runtime: MediaHubRuntime,
        slots: dict[str, Any],
        response: intent.IntentResponse,
    ) -> str:
        data = {"title": slots["title"]["value"], "kind": WishKind.FOLLOW.value}
        return _made(intent_obj, await _operation(intent_obj, runtime, "wish", data), response)


class WantIntentHandler(_WishIntentHandler):
    """ "Get Dune Part Three when it is out": kept until an acceptable release exists."""

    intent_type = INTENT_WANT
    description = (
        "Wants a movie (or one season of a show) that is not out yet or has no good release: "
        "MediaHub downloads it once an acceptable release appears. Give the year when several "
        "titles share the name."
    )
    slot_schema = {
        vol.Required("title"): intent.non_empty_string,
        vol.Optional("category"): vol.In(["movies", "tv"]),
        vol.Optional("season"): vol.All(vol.Coerce(int), vol.Range(min=0, max=500)),
        **_STACK,
    }

    @override
    async def answer(
        self,
        intent_obj: intent.Intent,
        runtime: MediaHubRuntime,
        slots: dict[str, Any],
        response: intent.IntentResponse,
    ) -> str:
        data: dict[str, Any] = {"title": slots["title"]["value"], "kind": WishKind.WANT.value}
        for name in ("category", "season"):
            if name in slots:
                data[name] = slots[name]["value"]
        return _made(intent_obj, await _operation(intent_obj, runtime, "wish", data), response)


class WhatsComingIntentHandler(_WishIntentHandler):
    """ "What's coming": the shows followed, what is wanted, and what was last grabbed."""

    intent_type = INTENT_COMING
    description = (
        "Tells what the household wishes for: the shows followed, the movies wanted, and what "
        "was last downloaded for a wish."
    )
    slot_schema = _STACK

    @override
    async def answer(
        self,
        intent_obj: intent.Intent,
        runtime: MediaHubRuntime,
        slots: dict[str, Any],
        response: intent.IntentResponse,
    ) -> str:
        language = intent_obj.language
        wishes = (await _operation(intent_obj, runtime, "wishes", {}))["wishes"]
        open_states = ("wanted", "grabbed")
        parts = []
        for kind in WishKind:
            labels = [
                w["label"] for w in wishes if w["kind"] == kind.value and w["state"] in open_states
            ]
            if labels:
                parts.append(say(language, f"coming_{kind.value}", titles=listed(language, labels)))
        grabs = [
            (h["at"], w["label"], h.get("item"))
            for w in wishes
            for h in w["history"]
            if h["what"] == "grabbed"
        ]
        if grabs:
            _at, label, item = max(grabs, key=lambda grab: grab[0])
            what = f"{label} {item}" if item and item != "movie" else label
            parts.append(say(language, "last_grabbed", item=what))
        response.async_set_speech_slots(
            {"wishes": [w["label"] for w in wishes if w["state"] in open_states]}
        )
        return " ".join(parts) if parts else say(language, "nothing_wished")


class UnwishIntentHandler(_WishIntentHandler):
    """ "Stop following Severance": the open wish of that name ends."""

    intent_type = INTENT_UNWISH
    description = (
        "Ends a wish by its title: stops following a show, or no longer wants a movie. Asks "
        "which when several wishes match."
    )
    slot_schema = {vol.Required("title"): intent.non_empty_string, **_STACK}

    @override
    async def answer(
        self,
        intent_obj: intent.Intent,
        runtime: MediaHubRuntime,
        slots: dict[str, Any],
        response: intent.IntentResponse,
    ) -> str:
        answer = await _operation(intent_obj, runtime, "unwish", {"title": slots["title"]["value"]})
        wish = answer["wish"]
        response.async_set_speech_slots({"wish_id": wish["id"], "label": wish["label"]})
        key = "stopped_following" if wish["kind"] == WishKind.FOLLOW.value else "no_longer_wanted"
        return say(intent_obj.language, key, label=wish["label"])
