"""Every operation a person (or an automation) can ask of MediaHub, once: its name, the schema of
its data, the engine call, its answer and who may run it.

The hosts are adapters over this table and add only their own concepts:
- Home Assistant's actions (`services.py`: the ServiceCall, its config entry, translated
  errors), its websocket commands (`websocket.py`: the stack's id, `require admin`), and
- the sidecar's routes (`sidecar/app.py`: method, path, JSON bodies, status codes).

A host runs an operation with `Call` (the engine, its feed, the validated data, who asked) and
sends what `run` returns (a message of `wire.py`, or None). `docs/api.md` and the front end's
`wire.generated.ts` are generated from this table (`scripts/lib/gen_wire.py`).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
import datetime as dt
from enum import StrEnum
from typing import Any, Final

import probatio as vol

from .controls.bandwidth import from_kib
from .engine import MediaHub
from .errors import InvalidInputError
from .feed import Feed
from .models import NEWZNAB_BY_CATEGORY, DownloadStatus, Origin
from .releases.score import ranked
from .wire import (
    Bandwidth,
    BandwidthAnswer,
    BestGrab,
    DownloadList,
    GrabResult,
    LibrariesAnswer,
    ProfileAnswer,
    ProfilesAnswer,
    RequestRules,
    SearchAnswer,
    WatchReport,
    WishAnswer,
    WishList,
    bandwidth_json,
    best_grab_json,
    download_record_json,
    grab_result_json,
    indexer_status_json,
    library_json,
    profile_json,
    profiles_json,
    request_rules_json,
    search_result_json,
    watch_report_json,
    wish_json,
    wish_list_json,
)
from .wishes.book import Asker, WishRequest
from .wishes.model import Wish, WishKind
from .wishes.rules import AutoApprove, RequestRules as RequestRulesModel


class Access(StrEnum):
    """Who may run an operation (in Home Assistant's panel: the sidecar's LAN panel has no
    accounts, so everyone who reaches it may run every operation)."""

    ADMIN = "administrator"
    USER = "any user"  # where the stack's `users_can_grab` option allows; else administrators


class Refresh(StrEnum):
    """What a host does after an operation that changed something."""

    NONE = "none"
    POLL = "poll"  # poll qBittorrent now, so every panel and entity shows the change
    SHOW = "show"  # show what the operation answered (the bandwidth entities), no poll


@dataclass(frozen=True, slots=True)
class Kinds:
    """How a host checks plain values: Home Assistant has its own (`cv.string`, `cv.boolean`,
    `cv.time`); the sidecar uses these defaults, which accept the same values."""

    string: Callable[[Any], str]
    boolean: Callable[[Any], bool]
    time: Callable[[Any], dt.time]


def _string(value: Any) -> str:
    if value is None or isinstance(value, (list, dict)):
        raise vol.Invalid("expected a string")
    return str(value)


_TRUE: Final = frozenset({"1", "true", "yes", "on", "enable"})
_FALSE: Final = frozenset({"0", "false", "no", "off", "disable"})


def _boolean(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lower().strip() in _TRUE | _FALSE:
        return value.lower().strip() in _TRUE
    if isinstance(value, (int, float)):
        return value != 0
    raise vol.Invalid(f"invalid boolean value {value}")


def _time(value: Any) -> dt.time:
    if isinstance(value, dt.time):
        return value
    try:
        return dt.time.fromisoformat(str(value))
    except ValueError:
        raise vol.Invalid(f"invalid time specified: {value}") from None


PLAIN: Final = Kinds(string=_string, boolean=_boolean, time=_time)


@dataclass(frozen=True, slots=True, kw_only=True)
class Call:
    """One operation asked of the engine, with what the host brings."""

    engine: MediaHub
    feed: Feed  # the host's feed: when it last asked Plex to scan each library
    data: Mapping[str, Any]  # validated by the operation's schema
    origin: Origin
    upload: bytes | None = None  # a .torrent file the host received (`takes_file`)
    # Home Assistant: a .torrent file on its machine, in a folder it may read (`add_torrent`).
    read_local: Callable[[str], Awaitable[bytes]] | None = None
    user: str | None = None  # who asked, as the host knows them (a Home Assistant user's name)
    user_id: str | None = None  # that person's Home Assistant user id, when the host knows it
    # Whether they administer the household's MediaHub: a host that knows no people (the
    # sidecar without sign-in) trusts whoever reaches it, as it always has.
    admin: bool = True

    @property
    def asked_by(self) -> str:
        """Who a wish is from: the person when the host knows them, else how they asked."""
        return self.user or self.origin.value

    @property
    def asker(self) -> Asker:
        return Asker(self.asked_by, self.user_id, self.admin)


type Fields = Callable[[Kinds], dict[Any, Any]]
type Run = Callable[[Call], Awaitable[Any]]


@dataclass(frozen=True, slots=True)
class Route:
    """The sidecar's route for an operation. Names in braces in `path` are fields of the data;
    `body` names the field the JSON body goes into; `query` reads fields from the query string
    (each with its parser); `fixed` is data the route itself implies."""

    method: str
    path: str
    status: int = 200
    body: str | None = None  # "": the JSON body is the data
    query: Mapping[str, Callable[[str], Any]] = field(default_factory=dict)
    fixed: Mapping[str, Any] = field(default_factory=dict)

    @property
    def params(self) -> list[str]:
        """The fields the path carries (`{hash}`, `{action:pause_all|resume_all}`)."""
        parts = [p[1:-1] for p in self.path.split("/") if p.startswith("{")]
        return [p.split(":", 1)[0] for p in parts]

    @property
    def shown(self) -> str:
        """The path as documentation shows it (without the route's patterns)."""
        return "/".join(
            "{" + p[1:-1].split(":", 1)[0] + "}" if p.startswith("{") else p
            for p in self.path.split("/")
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class Operation:
    """One operation: see the module's docstring."""

    name: str
    summary: str
    fields: Fields
    run: Run
    access: Access
    answer: str | None  # the wire message it answers with (None: nothing)
    action: bool = False  # a Home Assistant action of the same name (services.yaml)
    responds: bool = False  # the action answers only when asked (False: never; see `only`)
    only_response: bool = False  # the action is asked for its answer (search, list_downloads)
    websocket: str | None = None  # Home Assistant's websocket command, besides mediahub/action
    routes: tuple[Route, ...] = ()
    refresh: Refresh = Refresh.NONE
    changes: Callable[[Mapping[str, Any]], bool] = lambda _data: True  # whether it changed
    takes_file: bool = False  # a .torrent file comes with it (`Call.upload`)

    def schema(self, kinds: Kinds = PLAIN, extra: Mapping[Any, Any] | None = None) -> vol.Schema:
        """Its data's schema, with the host's kinds of plain value (and the host's fields)."""
        return vol.Schema({**(extra or {}), **self.fields(kinds)})


# --- fields --------------------------------------------------------------------------------------

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
CATEGORIES: Final = list(NEWZNAB_BY_CATEGORY)
STATUSES: Final = [s.value for s in DownloadStatus if s is not DownloadStatus.UNKNOWN]


def _query(k: Kinds) -> Any:
    return vol.All(k.string, vol.Length(min=1, max=200))


def _hash(k: Kinds) -> dict[Any, Any]:
    return {vol.Required("hash"): vol.All(k.string, vol.Length(min=1, max=64))}


def _category(k: Kinds) -> dict[Any, Any]:
    return {vol.Optional("category"): k.string}


def _nothing(_k: Kinds) -> dict[Any, Any]:
    return {}


def _true(value: str) -> bool:
    """A query string's yes (the panel's `?delete_files=true`)."""
    return value.lower() in ("1", "true", "yes")


def _wish_fields(k: Kinds) -> dict[Any, Any]:
    return {
        vol.Required("title"): vol.All(k.string, vol.Strip, vol.Length(min=1, max=200)),
        vol.Optional("kind"): vol.In([kind.value for kind in WishKind]),
        vol.Optional("category"): vol.In(["movies", "tv"]),
        vol.Optional("year"): vol.All(vol.Coerce(int), vol.Range(min=1880, max=2200)),
        vol.Optional("season"): vol.All(vol.Coerce(int), vol.Range(min=0, max=500)),
        vol.Optional("seasons"): [vol.All(vol.Coerce(int), vol.Range(min=0, max=500))],
        vol.Optional("backfill", default=False): k.boolean,
        vol.Optional("plex_key"): vol.All(k.string, vol.Length(min=1, max=32)),
    }


def _named_wish(k: Kinds) -> dict[Any, Any]:
    """A wish, by its id or by its title."""
    return {
        vol.Exclusive("wish_id", "wish"): vol.All(vol.Coerce(int), vol.Range(min=1)),
        vol.Exclusive("title", "wish"): vol.All(k.string, vol.Strip, vol.Length(min=1, max=200)),
    }


def _unwish_fields(k: Kinds) -> dict[Any, Any]:
    return {**_named_wish(k), vol.Optional("forget", default=False): k.boolean}


def _decline_fields(k: Kinds) -> dict[Any, Any]:
    return {
        **_named_wish(k),
        vol.Optional("reason"): vol.All(k.string, vol.Strip, vol.Length(max=300)),
    }


def _quota() -> Any:
    return vol.All(vol.Coerce(int), vol.Range(min=0, max=100))


def _rules_fields(k: Kinds) -> dict[Any, Any]:
    return {
        vol.Optional("weekly_quota"): _quota(),
        vol.Optional("quotas"): {vol.All(k.string, vol.Length(min=1, max=100)): _quota()},
        vol.Optional("auto_approve"): [
            {
                vol.Optional("user"): vol.Any(None, vol.All(k.string, vol.Length(min=1, max=100))),
                vol.Optional("category"): vol.Any(None, vol.In(["movies", "tv"])),
            }
        ],
    }


# --- engine calls --------------------------------------------------------------------------------


def _categories(data: Mapping[str, Any]) -> list[int]:
    category = data.get("category")
    return [NEWZNAB_BY_CATEGORY[category]] if category else []


async def _search(call: Call) -> SearchAnswer:
    engine = call.engine
    outcome = await engine.search.search_all(call.data["query"], _categories(call.data))
    best_first = ranked(outcome.assessments.values())
    return {
        "results": [
            search_result_json(a, engine.marks(a)) for a in best_first[: call.data["limit"]]
        ],
        "indexers": [indexer_status_json(s) for s in outcome.indexers],
    }


async def _grab(call: Call) -> GrabResult:
    result = await call.engine.downloads.grab(
        call.data["release_id"], call.data.get("category"), origin=call.origin
    )
    return grab_result_json(result)


async def _grab_best(call: Call) -> BestGrab:
    best = await call.engine.best.grab(
        call.data["query"],
        call.data.get("category"),
        overrides=call.data.get("profile"),
        season=call.data.get("season"),
        origin=call.origin,
    )
    return best_grab_json(best)


async def _add_torrent(call: Call) -> GrabResult:
    source = call.data["source"].strip()
    downloads, category = call.engine.downloads, call.data.get("category")
    if source.startswith("/") and call.read_local is not None:
        data = await call.read_local(source)
        result = await downloads.add_torrent_file(data, category, origin=call.origin)
    else:
        result = await downloads.add_torrent(source, category, origin=call.origin)
    return grab_result_json(result)


async def _add_magnet(call: Call) -> GrabResult:
    result = await call.engine.downloads.add_magnet(
        call.data["magnet"], call.data.get("category"), origin=call.origin
    )
    return grab_result_json(result)


async def _add_torrent_url(call: Call) -> GrabResult:
    result = await call.engine.downloads.add_torrent_url(
        call.data["torrent_url"], call.data.get("category"), origin=call.origin
    )
    return grab_result_json(result)


async def _add_torrent_file(call: Call) -> GrabResult:
    result = await call.engine.downloads.add_torrent_file(
        call.upload or b"", call.data.get("category"), origin=call.origin
    )
    return grab_result_json(result)


async def _redownload(call: Call) -> GrabResult:
    result = await call.engine.downloads.redownload(call.data["hash"], origin=call.origin)
    return grab_result_json(result)


async def _pause(call: Call) -> None:
    await call.engine.downloads.pause(call.data["hash"])


async def _resume(call: Call) -> None:
    await call.engine.downloads.resume(call.data["hash"])


async def _force_start(call: Call) -> None:
    await call.engine.downloads.force_start(call.data["hash"])


async def _queue(call: Call) -> None:
    await call.engine.downloads.move_in_queue(call.data["hash"], top=call.data["position"] == "top")


async def _remove(call: Call) -> None:
    await call.engine.downloads.remove(call.data["hash"], delete_files=call.data["delete_files"])


async def _all_downloads(call: Call) -> None:
    if call.data["action"] == "pause_all":
        await call.engine.downloads.pause_all()
    else:
        await call.engine.downloads.resume_all()


async def _set_bandwidth(call: Call) -> Bandwidth:
    """Limits (KiB/s), slow mode and its schedule; answers with what qBittorrent now has."""
    data = call.data
    changes: dict[str, Any] = {k: from_kib(k, data[k]) for k in LIMIT_FIELDS if k in data}
    if "alt_speed" in data:
        changes["alt_speed"] = data["alt_speed"]
    schedule: dict[str, Any] = {}
    if "schedule_enabled" in data:
        schedule["enabled"] = data["schedule_enabled"]
    for end in ("from", "to"):
        if (at := data.get(f"schedule_{end}")) is not None:
            schedule[f"{end}_hour"], schedule[f"{end}_minute"] = at.hour, at.minute
    if "schedule_days" in data:
        schedule["days"] = SCHEDULE_DAYS.index(data["schedule_days"])
    if schedule:
        changes["schedule"] = schedule
    current = await call.engine.bandwidth.change(changes)
    return bandwidth_json(current)


async def _bandwidth(call: Call) -> BandwidthAnswer:
    """qBittorrent's limits and schedule, or changes to them (bytes/s, as qBittorrent's)."""
    control = call.engine.bandwidth
    if "changes" in call.data:
        current = await control.change(call.data["changes"])
    else:
        current = await control.read()
    return {"bandwidth": bandwidth_json(current)}


async def _list_downloads(call: Call) -> DownloadList:
    status = call.data.get("status")
    # The engine's live view: a host's own copy can be a poll behind it.
    return {
        "downloads": {
            h: download_record_json(d)
            for h, d in call.engine.downloads.snapshot().downloads.items()
            if status is None or d.status == status
        }
    }


async def _scan_library(call: Call) -> None:
    await call.engine.downloads.scan_library(call.data["library"], call.data.get("path"))


async def _profiles(call: Call) -> ProfilesAnswer:
    return await profiles_json(call.engine)


async def _save_profile(call: Call) -> ProfileAnswer:
    store = call.engine.profiles
    if call.data["profile"] is None:  # back to the category's defaults
        profile = await store.reset(call.data["category"])
    else:
        profile = await store.save(call.data["category"], call.data["profile"])
    return {"profile": profile_json(profile)}


async def _libraries(call: Call) -> LibrariesAnswer:
    found = await call.engine.plex.libraries()
    return {"libraries": [library_json(lib, call.feed.scans) for lib in found]}


# --- the table -----------------------------------------------------------------------------------

_HASH_ROUTE: Final = "/api/downloads/{hash}"


def _control(name: str, summary: str, run: Run) -> Operation:
    """A control of one download, by its hash (an action and `POST …/{hash}/<name>`)."""
    return Operation(
        name=name,
        summary=summary,
        fields=_hash,
        run=run,
        access=Access.ADMIN,
        answer=None,
        action=True,
        routes=(Route("POST", f"{_HASH_ROUTE}/{name}"),),
        refresh=Refresh.POLL,
    )


async def _wish(call: Call) -> WishAnswer:
    data = call.data
    request = WishRequest(
        title=data["title"],
        kind=WishKind(data["kind"]) if "kind" in data else None,
        category=data.get("category"),
        year=data.get("year"),
        season=data.get("season"),
        seasons=tuple(data.get("seasons", ())),
        backfill=data["backfill"],
        plex_key=data.get("plex_key"),
    )
    made = await call.engine.wishes.make(request, call.asker)
    return {"wish": wish_json(made.wish), "joined": made.joined}


async def _approve(call: Call) -> WishAnswer:
    wish = await _named(call, waiting=True)
    return {"wish": wish_json(await call.engine.wishes.approve(wish, call.asker)), "joined": False}


async def _decline(call: Call) -> WishAnswer:
    wish = await _named(call, waiting=True)
    declined = await call.engine.wishes.decline(wish, call.asker, call.data.get("reason") or None)
    return {"wish": wish_json(declined), "joined": False}


async def _request_rules(call: Call) -> RequestRules:
    return request_rules_json(await call.engine.wishes.rules.get())


async def _set_request_rules(call: Call) -> RequestRules:
    """Change what is given; the rest stays as it is."""
    store, data = call.engine.wishes.rules, call.data
    now = await store.get()
    rules = RequestRulesModel(
        weekly_quota=data.get("weekly_quota", now.weekly_quota),
        quotas=data.get("quotas", now.quotas),
        auto_approve=tuple(
            AutoApprove(r.get("user") or None, r.get("category") or None)
            for r in data["auto_approve"]
        )
        if "auto_approve" in data
        else now.auto_approve,
    )
    return request_rules_json(await store.save(rules))


async def _named(call: Call, *, waiting: bool = False) -> Wish:
    book, data = call.engine.wishes, call.data
    if "wish_id" in data:
        return await book.get(data["wish_id"])
    if "title" in data:
        return await book.find(data["title"], waiting=waiting)
    raise InvalidInputError(
        "invalid_wish", "name the wish: its id or its title", values={"field": "wish_id"}
    )


async def _unwish(call: Call) -> WishAnswer:
    book, data = call.engine.wishes, call.data
    wish = await _named(call)
    if not call.admin and (call.user_id is None or wish.asked_by_id != call.user_id):
        # Someone who does not administer MediaHub ends only what they asked for.
        raise InvalidInputError(
            "not_yours", f"{wish.label} was asked for by someone else", values={"wish": wish.label}
        )
    if data["forget"]:
        await book.forget(wish)
        return {"wish": wish_json(wish), "joined": False}
    return {"wish": wish_json(await book.end(wish, call.asked_by)), "joined": False}


async def _wishes(call: Call) -> WishList:
    return wish_list_json(await call.engine.wishes.all())


async def _watch_wishes(call: Call) -> WatchReport:
    return watch_report_json(await call.engine.watch.cycle())


OPERATIONS: Final[dict[str, Operation]] = {
    op.name: op
    for op in (
        Operation(
            name="search",
            summary="Search every indexer; the best results first, with their marks.",
            fields=lambda k: {
                vol.Required("query"): _query(k),
                vol.Optional("category"): vol.In(CATEGORIES),
                vol.Optional("limit", default=25): vol.All(
                    vol.Coerce(int), vol.Range(min=1, max=100)
                ),
            },
            run=_search,
            access=Access.USER,
            answer="SearchAnswer",
            action=True,
            responds=True,
            only_response=True,
        ),
        Operation(
            name="grab",
            summary="Download a search result, by its release id.",
            fields=lambda k: {vol.Required("release_id"): k.string, **_category(k)},
            run=_grab,
            access=Access.USER,
            answer="GrabResult",
            action=True,
            responds=True,
            routes=(Route("POST", "/api/downloads", 201, body=""),),
            refresh=Refresh.POLL,
        ),
        Operation(
            name="grab_best",
            summary="Search, and download the best result the quality profile accepts.",
            fields=lambda k: {
                vol.Required("query"): _query(k),
                vol.Optional("category"): vol.In(CATEGORIES),
                vol.Optional("season"): vol.All(vol.Coerce(int), vol.Range(min=0, max=500)),
                # Checked field by field by the engine (translated invalid_profile error).
                vol.Optional("profile"): dict,
            },
            run=_grab_best,
            access=Access.USER,
            answer="BestGrab",
            action=True,
            responds=True,
            refresh=Refresh.POLL,
        ),
        Operation(
            name="add_torrent",
            summary="Download a magnet link, a .torrent URL, or (Home Assistant) a .torrent "
            "file in a folder it may read.",
            fields=lambda k: {vol.Required("source"): k.string, **_category(k)},
            run=_add_torrent,
            access=Access.ADMIN,
            answer="GrabResult",
            action=True,
            responds=True,
            refresh=Refresh.POLL,
        ),
        Operation(
            name="add_magnet",
            summary="Download a magnet link.",
            fields=lambda k: {vol.Required("magnet"): k.string, **_category(k)},
            run=_add_magnet,
            access=Access.ADMIN,
            answer="GrabResult",
            routes=(Route("POST", "/api/downloads", 201, body=""),),
            refresh=Refresh.POLL,
        ),
        Operation(
            name="add_torrent_url",
            summary="Download the .torrent at an http(s) URL.",
            fields=lambda k: {vol.Required("torrent_url"): k.string, **_category(k)},
            run=_add_torrent_url,
            access=Access.ADMIN,
            answer="GrabResult",
            routes=(Route("POST", "/api/downloads", 201, body=""),),
            refresh=Refresh.POLL,
        ),
        Operation(
            name="add_torrent_file",
            summary="Download an uploaded .torrent file (Home Assistant: a file_id from "
            "/api/file_upload; the sidecar: the file as the body).",
            fields=_category,
            run=_add_torrent_file,
            access=Access.ADMIN,
            answer="GrabResult",
            websocket="mediahub/add_torrent_file",
            routes=(Route("POST", "/api/downloads/torrent", 201, query={"category": str}),),
            refresh=Refresh.POLL,
            takes_file=True,
        ),
        Operation(
            name="redownload",
            summary="Download a removed torrent again, from the torrents store.",
            fields=_hash,
            run=_redownload,
            access=Access.ADMIN,
            answer="GrabResult",
            action=True,
            responds=True,
            routes=(Route("POST", _HASH_ROUTE + "/redownload", 201),),
            refresh=Refresh.POLL,
        ),
        _control("pause", "Pause a download.", _pause),
        _control("resume", "Resume a download.", _resume),
        _control("force_start", "Start a download now, past qBittorrent's queue.", _force_start),
        Operation(
            name="queue",
            summary="Move a download to the top or the bottom of qBittorrent's queue.",
            fields=lambda k: {**_hash(k), vol.Required("position"): vol.In(["top", "bottom"])},
            run=_queue,
            access=Access.ADMIN,
            answer=None,
            action=True,
            routes=(Route("POST", _HASH_ROUTE + "/{position:top|bottom}"),),
            refresh=Refresh.POLL,
        ),
        Operation(
            name="remove",
            summary="Remove a download, and with delete_files its files.",
            fields=lambda k: {
                **_hash(k),
                vol.Optional("delete_files", default=False): k.boolean,
            },
            run=_remove,
            access=Access.ADMIN,
            answer=None,
            action=True,
            routes=(Route("DELETE", _HASH_ROUTE, query={"delete_files": _true}),),
            refresh=Refresh.POLL,
        ),
        Operation(
            name="all_downloads",
            summary="Pause or resume every download.",
            fields=lambda _k: {vol.Required("action"): vol.In(["pause_all", "resume_all"])},
            run=_all_downloads,
            access=Access.ADMIN,
            answer=None,
            websocket="mediahub/all_downloads",
            routes=(Route("POST", "/api/downloads/{action:pause_all|resume_all}"),),
            refresh=Refresh.POLL,
        ),
        Operation(
            name="set_bandwidth",
            summary="Change the limits (KiB/s), slow mode and its schedule; answers with what "
            "qBittorrent now has.",
            fields=lambda k: {
                vol.Optional("alt_speed"): k.boolean,
                **{vol.Optional(name): vol.Coerce(float) for name in LIMIT_FIELDS},
                vol.Optional("schedule_enabled"): k.boolean,
                vol.Optional("schedule_from"): k.time,
                vol.Optional("schedule_to"): k.time,
                vol.Optional("schedule_days"): vol.In(SCHEDULE_DAYS),
            },
            run=_set_bandwidth,
            access=Access.ADMIN,
            answer="Bandwidth",
            action=True,
            responds=True,
            refresh=Refresh.POLL,
        ),
        Operation(
            name="bandwidth",
            summary="qBittorrent's limits and schedule, or (with changes, bytes/s) changes "
            "to them.",
            fields=lambda _k: {vol.Optional("changes"): dict},
            run=_bandwidth,
            access=Access.ADMIN,
            answer="BandwidthAnswer",
            websocket="mediahub/bandwidth",
            routes=(
                Route("GET", "/api/bandwidth"),
                Route("POST", "/api/bandwidth", body="changes"),
            ),
            refresh=Refresh.SHOW,
            changes=lambda data: "changes" in data,
        ),
        Operation(
            name="list_downloads",
            summary="Every download's whole record, or those in one status.",
            fields=lambda _k: {vol.Optional("status"): vol.In(STATUSES)},
            run=_list_downloads,
            access=Access.ADMIN,
            answer="DownloadList",
            action=True,
            responds=True,
            only_response=True,
        ),
        Operation(
            name="scan_library",
            summary="Ask Plex to scan a library (or one folder of it).",
            fields=lambda k: {vol.Required("library"): k.string, vol.Optional("path"): k.string},
            run=_scan_library,
            access=Access.ADMIN,
            answer=None,
            action=True,
            routes=(Route("POST", "/api/libraries/{library}/scan", 202),),
        ),
        Operation(
            name="libraries",
            summary="Plex's libraries, and when MediaHub last asked for a scan of each.",
            fields=_nothing,
            run=_libraries,
            access=Access.ADMIN,
            answer="LibrariesAnswer",
            websocket="mediahub/libraries",
            routes=(Route("GET", "/api/libraries"),),
        ),
        Operation(
            name="profiles",
            summary="Every category's quality profile, and the values its fields take.",
            fields=_nothing,
            run=_profiles,
            access=Access.ADMIN,
            answer="ProfilesAnswer",
            websocket="mediahub/profiles",
            routes=(Route("GET", "/api/profiles"),),
        ),
        Operation(
            name="save_profile",
            summary="Store a category's quality profile, or (profile null) put its default back.",
            fields=lambda k: {
                vol.Required("category"): k.string,
                vol.Required("profile"): vol.Any(dict, None),
            },
            run=_save_profile,
            access=Access.ADMIN,
            answer="ProfileAnswer",
            websocket="mediahub/save_profile",
            routes=(
                Route("POST", "/api/profiles/{category}", body="profile"),
                Route("DELETE", "/api/profiles/{category}", fixed={"profile": None}),
            ),
        ),
        Operation(
            name="wish",
            summary="Wish for something beyond one search: follow a show (its next episodes; "
            "with backfill, what Plex misses too), want a movie or a season until an "
            "acceptable release exists, or upgrade what Plex holds below its cutoff.",
            fields=_wish_fields,
            run=_wish,
            access=Access.USER,
            answer="WishAnswer",
            action=True,
            responds=True,
            websocket="mediahub/wish",
            routes=(Route("POST", "/api/wishes", 201, body=""),),
        ),
        Operation(
            name="unwish",
            summary="End a wish (by its id or its title); with forget, remove it and its history.",
            fields=_unwish_fields,
            run=_unwish,
            access=Access.USER,
            answer="WishAnswer",
            action=True,
            responds=True,
            websocket="mediahub/unwish",
            routes=(Route("DELETE", "/api/wishes/{wish_id}", query={"forget": _true}),),
        ),
        Operation(
            name="wishes",
            summary="Every wish, newest first, with its history.",
            fields=_nothing,
            run=_wishes,
            access=Access.USER,
            answer="WishList",
            websocket="mediahub/wishes",
            routes=(Route("GET", "/api/wishes"),),
        ),
        Operation(
            name="approve",
            summary="Approve a request waiting for an administrator (by its id or its title): "
            "it is watched from now on.",
            fields=_named_wish,
            run=_approve,
            access=Access.ADMIN,
            answer="WishAnswer",
            action=True,
            responds=True,
            websocket="mediahub/approve",
            routes=(Route("POST", "/api/wishes/{wish_id}/approve"),),
        ),
        Operation(
            name="decline",
            summary="Decline a request waiting for an administrator (by its id or its title), "
            "saying why if you like; whoever asked is told.",
            fields=_decline_fields,
            run=_decline,
            access=Access.ADMIN,
            answer="WishAnswer",
            action=True,
            responds=True,
            websocket="mediahub/decline",
            routes=(Route("POST", "/api/wishes/{wish_id}/decline", body=""),),
        ),
        Operation(
            name="request_rules",
            summary="How requests are judged: the weekly quota, each person's own quota, and "
            "the rules that approve requests as they are made.",
            fields=_nothing,
            run=_request_rules,
            access=Access.USER,
            answer="RequestRules",
            websocket="mediahub/request_rules",
            routes=(Route("GET", "/api/requests/rules"),),
        ),
        Operation(
            name="set_request_rules",
            summary="Change how requests are judged (what is not given stays as it is).",
            fields=_rules_fields,
            run=_set_request_rules,
            access=Access.ADMIN,
            answer="RequestRules",
            action=True,
            responds=True,
            websocket="mediahub/set_request_rules",
            routes=(Route("PUT", "/api/requests/rules", body=""),),
        ),
        Operation(
            name="watch_wishes",
            summary="Look at the indexers' newest releases for the wishes now, not at the "
            "next interval.",
            fields=_nothing,
            run=_watch_wishes,
            access=Access.ADMIN,
            answer="WatchReport",
            action=True,
            responds=True,
            websocket="mediahub/watch_wishes",
            routes=(Route("POST", "/api/wishes/watch"),),
            refresh=Refresh.POLL,
        ),
    )
}


@dataclass(frozen=True, slots=True, kw_only=True)
class Stream:
    """A subscription: a panel follows its events until it stops (each host streams them its
    own way: Server-Sent Events on the sidecar, websocket events in Home Assistant)."""

    name: str
    summary: str
    fields: Fields
    access: Access
    events: str  # the map of its events in wire.py (event name → message)
    websocket: str
    routes: tuple[Route, ...]


STREAMS: Final[dict[str, Stream]] = {
    s.name: s
    for s in (
        Stream(
            name="downloads",
            summary="The panel's state (`snapshot`), then each change as it happens.",
            fields=_nothing,
            access=Access.USER,
            events="FEED_EVENTS",
            websocket="mediahub/subscribe_downloads",
            routes=(Route("GET", "/api/events"), Route("GET", "/api/downloads")),
        ),
        Stream(
            name="search",
            summary="A search as indexers answer: `indexer`, `results`, `assessed`, then "
            "`done` (or, in Home Assistant, `error`).",
            fields=lambda k: {
                vol.Required("query"): vol.All(k.string, vol.Strip, vol.Length(min=1, max=200)),
                vol.Optional("category"): vol.In(CATEGORIES),
            },
            access=Access.USER,
            events="SEARCH_EVENTS",
            websocket="mediahub/subscribe_search",
            routes=(Route("GET", "/api/search"),),
        ),
    )
}
