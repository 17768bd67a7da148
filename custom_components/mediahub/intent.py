"""Voice: download the best release for the quality profile (or, after an offer, what Plex
already has, anyway), what is downloading, scan the library; and the wishes: follow a show,
want a movie when it is out, what is coming, stop.

Home Assistant's `intent` integration registers them through this platform's
`async_setup_intents` (once, when both are loaded); `llm.py` offers the same handlers to LLM
agents, and docs/custom_sentences/<language>/ has sentences for the default Assist agent in the
five languages. Every answer is a sentence in the request's language (speech.py), a refusal
and an engine error included: Home Assistant's default agent says an `IntentHandleError` only as
its own generic error (and logs it), so none is raised here.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
import time
from typing import Any, Final, override

from homeassistant.core import HomeAssistant
from homeassistant.helpers import intent
from homeassistant.util.hass_dict import HassKey
import probatio as vol

from .const import DOMAIN
from .coordinator import MediaHubConfigEntry, MediaHubRuntime
from .hub import (
    NEWZNAB_BY_CATEGORY,
    OPERATIONS,
    AlreadyInPlexError,
    AmbiguousTitleError,
    BestGrab,
    Call,
    DownloadStatus,
    Hold,
    InvalidInputError,
    MediaHubError,
    Offer,
    Origin,
    WishKind,
)
from .services import HA_KINDS, person
from .speech import counted, duration, listed, say, spoken_error, summary, translated

INTENT_DOWNLOAD: Final = "MediaHubDownload"
INTENT_ANYWAY: Final = "MediaHubDownloadAnyway"
INTENT_STATUS: Final = "MediaHubDownloadStatus"
INTENT_SCAN: Final = "MediaHubScanLibrary"
INTENT_FOLLOW: Final = "MediaHubFollow"
INTENT_WANT: Final = "MediaHubWant"
INTENT_COMING: Final = "MediaHubWhatsComing"
INTENT_UNWISH: Final = "MediaHubUnwish"
INTENT_APPROVE: Final = "MediaHubApprove"
INTENT_DECLINE: Final = "MediaHubDecline"
INTENT_WAITING: Final = "MediaHubWhatsWaiting"

_ACTIVE = (
    DownloadStatus.DOWNLOADING,
    DownloadStatus.STALLED,
    DownloadStatus.METADATA,
    DownloadStatus.QUEUED,
    DownloadStatus.CHECKING,  # just added: being checked before it downloads
)
# How long "download it anyway" may follow the refusal that offered it.
OFFER_TTL: Final = 5 * 60.0


async def async_setup_intents(hass: HomeAssistant) -> None:
    """Register MediaHub's intent handlers (the intent platform hook HA awaits)."""
    intent.async_register(hass, DownloadIntentHandler())
    intent.async_register(hass, DownloadAnywayIntentHandler())
    intent.async_register(hass, DownloadStatusIntentHandler())
    intent.async_register(hass, ScanLibraryIntentHandler())
    intent.async_register(hass, FollowIntentHandler())
    intent.async_register(hass, WantIntentHandler())
    intent.async_register(hass, WhatsComingIntentHandler())
    intent.async_register(hass, UnwishIntentHandler())
    intent.async_register(hass, ApproveIntentHandler())
    intent.async_register(hass, DeclineIntentHandler())
    intent.async_register(hass, WhatsWaitingIntentHandler())


# Every intent takes the stack by its name when there are several (one per home, say).
_STACK = {vol.Optional("stack"): intent.non_empty_string}


class _SpokenAnswerError(Exception):
    """An answer that ends the request early (no stack, which stack, a refusal): its speech."""

    def __init__(self, speech: str, *, error: str | None = None) -> None:
        super().__init__(speech)
        self.speech = speech
        self.error = error  # a refusal's code; None for a question


def _chosen(intent_obj: intent.Intent, slots: dict[str, Any]) -> tuple[MediaHubRuntime, str | None]:
    """The stack the request is for, and its title when there are several to say which; with
    several and none named, the person is asked which one."""
    language = intent_obj.language
    entries: list[MediaHubConfigEntry] = intent_obj.hass.config_entries.async_loaded_entries(DOMAIN)
    if not entries:
        raise _SpokenAnswerError(say(language, "not_set_up"), error="not_set_up")
    if len(entries) == 1:
        return entries[0].runtime_data, None
    named = str(slots.get("stack", {}).get("value", "")).casefold()
    chosen = [e for e in entries if e.title.casefold() == named]
    if not chosen:
        titles = listed(language, (e.title for e in entries), "or")
        raise _SpokenAnswerError(say(language, "which_stack", titles=titles))
    return chosen[0].runtime_data, chosen[0].title


def _placed(speech: str, where: str) -> str:
    """The stack's name before the answer's closing mark: "Scanning Movies (on Cabin)."."""
    if not where:
        return speech
    body = speech.rstrip(" .?!")
    return body + where + speech[len(body) :]


class _SpokenIntentHandler(intent.IntentHandler):
    """Runs `answer` and says what comes back; says an ambiguity as a question and an engine
    error as a sentence (an error response, so agents know it failed), all in the request's
    language. Nothing is raised to Home Assistant."""

    @override
    async def async_handle(self, intent_obj: intent.Intent) -> intent.IntentResponse:
        slots = self.async_validate_slots(intent_obj.slots)
        response = intent_obj.create_response()
        language = intent_obj.language
        try:
            runtime, stack = self.choose(intent_obj, slots)
            speech = await self.answer(intent_obj, runtime, slots, response)
        except _SpokenAnswerError as spoken:
            if spoken.error is None:
                response.async_set_speech(spoken.speech)
            else:
                response.async_set_error(
                    intent.IntentResponseErrorCode.FAILED_TO_HANDLE, spoken.speech
                )
                response.async_set_speech_slots({"error": spoken.error})
            return response
        except AmbiguousTitleError as err:
            choices = listed(language, err.choices, "or")
            response.async_set_speech(say(language, "which", choices=choices))
            response.async_set_speech_slots({"choices": list(err.choices)})
            return response
        except MediaHubError as err:
            speech = await spoken_error(intent_obj.hass, language, err)
            response.async_set_error(intent.IntentResponseErrorCode.FAILED_TO_HANDLE, speech)
            response.async_set_speech_slots({"error": err.code})
            return response
        where = say(language, "on_stack", stack=stack) if stack else ""
        response.async_set_speech(_placed(speech, where))
        return response

    def choose(
        self, intent_obj: intent.Intent, slots: dict[str, Any]
    ) -> tuple[MediaHubRuntime, str | None]:
        return _chosen(intent_obj, slots)

    async def answer(
        self,
        intent_obj: intent.Intent,
        runtime: MediaHubRuntime,
        slots: dict[str, Any],
        response: intent.IntentResponse,
    ) -> str:
        raise NotImplementedError


# --- "download it anyway": the offers made when Plex had what was asked ----------------------


type Who = tuple[str | None, str | None]


def _who(intent_obj: intent.Intent) -> Who:
    """Whom an offer was made to: the Home Assistant user, on the satellite or device they
    spoke to (a household's anonymous satellite is its own)."""
    return intent_obj.context.user_id, intent_obj.satellite_id or intent_obj.device_id


@dataclass(frozen=True, slots=True)
class _Pending:
    entry_id: str
    offer: Offer
    expires: float


class Offers:
    """The releases voice offered and did not grab because Plex has them, one per person,
    kept for OFFER_TTL seconds in this Home Assistant's memory only."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self.clock = clock
        self._pending: dict[Who, _Pending] = {}

    def keep(self, who: Who, entry_id: str, offer: Offer) -> None:
        now = self.clock()
        self._pending = {k: p for k, p in self._pending.items() if p.expires > now}
        self._pending[who] = _Pending(entry_id, offer, now + OFFER_TTL)

    def peek(self, who: Who) -> _Pending | None:
        pending = self._pending.get(who)
        return pending if pending is not None and pending.expires > self.clock() else None

    def take(self, who: Who) -> None:
        self._pending.pop(who, None)


OFFERS: HassKey[Offers] = HassKey(f"{DOMAIN}_offers")


def offers(hass: HomeAssistant) -> Offers:
    return hass.data.setdefault(OFFERS, Offers())


def _grabbed(
    intent_obj: intent.Intent,
    runtime: MediaHubRuntime,
    best: BestGrab,
    response: intent.IntentResponse,
) -> str:
    """What was grabbed, said in the language, and when it will start if not now."""
    language = intent_obj.language
    said = summary(language, best.choice)
    response.async_set_speech_slots(
        {
            "title": best.choice.release.title,
            "summary": said,
            "hash": best.result.hash,
            "queued": best.result.queued,
        }
    )
    speech = say(language, "downloading", summary=said)
    holds = runtime.engine.downloads.holds
    if best.result.queued:
        speech += say(language, "starts_when_qbittorrent_is_back")
    elif Hold.VPN in holds:
        speech += say(language, "starts_when_vpn")
    elif Hold.DISK in holds:
        speech += say(language, "starts_when_disk")
    return speech


async def _offered(
    intent_obj: intent.Intent, runtime: MediaHubRuntime, err: AlreadyInPlexError
) -> str:
    """Plex has it: said so, with the release kept for "download it anyway"."""
    language = intent_obj.language
    speech = await spoken_error(intent_obj.hass, language, err)
    entry = next(
        (
            e
            for e in intent_obj.hass.config_entries.async_loaded_entries(DOMAIN)
            if e.runtime_data is runtime
        ),
        None,
    )
    if err.offer is None or entry is None:
        return speech
    offers(intent_obj.hass).keep(_who(intent_obj), entry.entry_id, err.offer)
    return speech + say(language, "anyway_offer")


class DownloadIntentHandler(_SpokenIntentHandler):
    """ "Download The Matrix": the quality profile's best pick, said back with what it is; a
    question when several titles match; the reasons when nothing is good enough; an offer
    when Plex has it already."""

    intent_type = INTENT_DOWNLOAD
    description = (
        "Searches the user's indexers for a movie, show, album or book and downloads the best "
        "release for the household's quality profile (resolution, source, size, seeders). "
        "Answers with what it picked, or asks which title when several match: then call it "
        "again with the year. When Plex already has the title it downloads nothing and says so "
        "(the user may then ask to download it anyway). Use when the user asks to download or "
        "get something; give 'season' for a whole season of a show."
    )
    slot_schema = {
        vol.Required("query"): intent.non_empty_string,
        vol.Optional("category"): vol.In(list(NEWZNAB_BY_CATEGORY)),
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
        query = slots["query"]["value"]
        category = slots.get("category", {}).get("value")
        season = slots.get("season", {}).get("value")
        if season is not None and category is None:
            category = "tv"
        # A search by voice asks every indexer, as one from the panel does: the same limit per
        # person (an LLM agent calling again and again included).
        who = intent_obj.context.user_id or "voice"
        if not runtime.search_limiter.allow(who):
            speech = await translated(intent_obj.hass, intent_obj.language, "rate_limited", {})
            raise _SpokenAnswerError(speech or "rate_limited", error="rate_limited")
        try:
            best = await runtime.engine.best.grab(
                query, category, season=season, origin=Origin.VOICE
            )
        except AlreadyInPlexError as err:
            response.async_set_speech_slots({"error": err.code, **err.values})
            raise _SpokenAnswerError(await _offered(intent_obj, runtime, err)) from None
        await runtime.downloads.async_request_refresh()
        return _grabbed(intent_obj, runtime, best, response)


def _nothing_offered(intent_obj: intent.Intent) -> _SpokenAnswerError:
    return _SpokenAnswerError(say(intent_obj.language, "nothing_offered"), error="nothing_offered")


class DownloadAnywayIntentHandler(_SpokenIntentHandler):
    """ "Download it anyway": the release offered when Plex had it, for the same person."""

    intent_type = INTENT_ANYWAY
    description = (
        "Downloads the release MediaHub just offered instead of what Plex already has, when "
        "the user asks to download it anyway (another copy). Only after MediaHub said the "
        "title is already in Plex."
    )
    slot_schema = _STACK

    @override
    def choose(
        self, intent_obj: intent.Intent, slots: dict[str, Any]
    ) -> tuple[MediaHubRuntime, str | None]:
        pending = offers(intent_obj.hass).peek(_who(intent_obj))
        entries = intent_obj.hass.config_entries.async_loaded_entries(DOMAIN)
        entry = next((e for e in entries if pending and e.entry_id == pending.entry_id), None)
        if entry is None:
            raise _nothing_offered(intent_obj)
        return entry.runtime_data, entry.title if len(entries) > 1 else None

    @override
    async def answer(
        self,
        intent_obj: intent.Intent,
        runtime: MediaHubRuntime,
        slots: dict[str, Any],
        response: intent.IntentResponse,
    ) -> str:
        store = offers(intent_obj.hass)
        who = _who(intent_obj)
        pending = store.peek(who)
        if pending is None:  # it expired while the stack was chosen
            raise _nothing_offered(intent_obj)
        store.take(who)  # once: a second "anyway" is not a third copy
        best = await runtime.engine.best.take(pending.offer, origin=Origin.VOICE)
        await runtime.downloads.async_request_refresh()
        return _grabbed(intent_obj, runtime, best, response)


class DownloadStatusIntentHandler(_SpokenIntentHandler):
    """ "What is downloading?": the active downloads with progress and time left."""

    intent_type = INTENT_STATUS
    description = (
        "Tells what is downloading now, how far along each download is and how long it will take."
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
        snapshot = runtime.downloads.data
        active = [d for d in snapshot.downloads.values() if d.status in _ACTIVE]
        if not active:
            return say(language, "nothing_downloading")
        parts = []
        for download in sorted(active, key=lambda d: d.eta if d.eta is not None else 1 << 40):
            left = (
                say(language, "time_left", duration=duration(language, download.eta))
                if download.eta is not None
                else ""
            )
            percent = str(int(download.progress * 100))
            parts.append(say(language, "progress", name=download.name, percent=percent) + left)
        return counted(language, "downloads", len(active), items="; ".join(parts))


class ScanLibraryIntentHandler(_SpokenIntentHandler):
    """ "Scan the movies library": ask Plex to scan one library, or all of them."""

    intent_type = INTENT_SCAN
    description = (
        "Asks Plex to scan a library (by name, e.g. Movies) for new files, or every library."
    )
    slot_schema = {vol.Optional("library"): intent.non_empty_string, **_STACK}

    @override
    async def answer(
        self,
        intent_obj: intent.Intent,
        runtime: MediaHubRuntime,
        slots: dict[str, Any],
        response: intent.IntentResponse,
    ) -> str:
        library = slots.get("library", {}).get("value")
        if library:
            await runtime.engine.downloads.scan_library(library)
            return say(intent_obj.language, "scanning", library=library)
        await runtime.engine.plex.scan_all()
        return say(intent_obj.language, "scanning_all")


# --- the wishes --------------------------------------------------------------------------------


async def _operation(
    intent_obj: intent.Intent, runtime: MediaHubRuntime, name: str, data: Mapping[str, Any]
) -> Any:
    """An operation of the table, asked by voice: by the Home Assistant user speaking when
    known (an administrator or not: a user's wish is a request), else by "voice", the
    household's own device."""
    operation = OPERATIONS[name]
    try:
        valid = operation.schema(HA_KINDS)(dict(data))
    except vol.Invalid as err:
        field = str(err.path[0]) if err.path else "title"
        raise InvalidInputError(
            "invalid_wish", f"{field}: {err.msg}", values={"field": field}
        ) from None
    asker = await person(intent_obj.hass, intent_obj.context)
    call = Call(
        engine=runtime.engine,
        feed=runtime.downloads.feed,
        data=valid,
        origin=Origin.VOICE,
        user=asker.name,
        user_id=asker.user_id,
        admin=asker.admin,
    )
    return await operation.run(call)


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
    if wish["state"] == "waiting":
        key = "requested"
    elif kind is WishKind.FOLLOW:
        key = "already_following" if answer["joined"] else "following"
    elif kind is WishKind.UPGRADE:
        key = "upgrading"
    else:
        key = "already_wanted" if answer["joined"] else "wanted"
    return say(intent_obj.language, key, label=wish["label"])


class FollowIntentHandler(_SpokenIntentHandler):
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


class WantIntentHandler(_SpokenIntentHandler):
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


class WhatsComingIntentHandler(_SpokenIntentHandler):
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


class UnwishIntentHandler(_SpokenIntentHandler):
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


# --- requests: an administrator decides ----------------------------------------------------


class _DecideIntentHandler(_SpokenIntentHandler):
    """ "Approve Frozen" / "decline Frozen": the request waiting of that name."""

    operation: str
    phrase: str
    slot_schema = {vol.Required("title"): intent.non_empty_string, **_STACK}

    @override
    async def answer(
        self,
        intent_obj: intent.Intent,
        runtime: MediaHubRuntime,
        slots: dict[str, Any],
        response: intent.IntentResponse,
    ) -> str:
        data = {"title": slots["title"]["value"]}
        wish = (await _operation(intent_obj, runtime, self.operation, data))["wish"]
        response.async_set_speech_slots({"wish_id": wish["id"], "label": wish["label"]})
        return say(intent_obj.language, self.phrase, label=wish["label"])


class ApproveIntentHandler(_DecideIntentHandler):
    intent_type = INTENT_APPROVE
    description = (
        "Approves a request waiting for an administrator, by its title: it is downloaded when "
        "an acceptable release exists. Only an administrator may."
    )
    operation = "approve"
    phrase = "approved"


class DeclineIntentHandler(_DecideIntentHandler):
    intent_type = INTENT_DECLINE
    description = (
        "Declines a request waiting for an administrator, by its title; whoever asked is told. "
        "Only an administrator may."
    )
    operation = "decline"
    phrase = "declined"


class WhatsWaitingIntentHandler(_SpokenIntentHandler):
    """ "What's waiting for me": the requests an administrator has to decide; to anyone else,
    their own requests still waiting."""

    intent_type = INTENT_WAITING
    description = (
        "Tells the requests waiting for approval: to an administrator, those to decide; to "
        "anyone else, their own."
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
        asker = await person(intent_obj.hass, intent_obj.context)
        wishes = (await _operation(intent_obj, runtime, "wishes", {}))["wishes"]
        waiting = [w for w in wishes if w["state"] == "waiting"]
        if not asker.admin:
            waiting = [w for w in waiting if asker.name in (w["asked_by"], *w["also_asked"])]
        response.async_set_speech_slots({"waiting": [w["label"] for w in waiting]})
        if not waiting:
            return say(language, "nothing_waiting")
        key = "waiting_for_you" if asker.admin else "waiting_yours"
        return say(language, key, titles=listed(language, [w["label"] for w in waiting]))
