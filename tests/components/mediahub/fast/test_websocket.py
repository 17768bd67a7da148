"""The sidebar panel's websocket commands (websocket.py) against the fixture engine: an
administrator's call and its answer, a user refused what is not theirs, and malformed
messages refused before anything is asked of the engine."""

from __future__ import annotations

from typing import Any

import aiohttp
from homeassistant.components import websocket_api
from homeassistant.core import HomeAssistant
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.typing import (
    ClientSessionGenerator,
    MockHAClientWebSocket,
    WebSocketGenerator,
)
from syrupy.assertion import SnapshotAssertion

from custom_components.mediahub.const import CONF_USERS_CAN_GRAB, DOMAIN
from custom_components.mediahub.hub import (
    Origin,
    ServiceUnavailableError,
    bandwidth_json,
    default_profile,
)

from .conftest import ARRIVAL_2160, BANDWIDTH, DUNE, ENTRY_ID, FixtureEngine

ENTRY = {"entry_id": ENTRY_ID}


async def ask(client: MockHAClientWebSocket, **message: Any) -> dict[str, Any]:
    """One command; its result message, successful or not."""
    await client.send_json_auto_id(message)
    answer: dict[str, Any] = await client.receive_json()
    assert answer["type"] == "result", answer
    return answer


async def result(client: MockHAClientWebSocket, **message: Any) -> Any:
    """One command that succeeds: its result."""
    answer = await ask(client, **message)
    assert answer["success"], answer
    return answer["result"]


async def events(client: MockHAClientWebSocket, until: str) -> list[tuple[str, Any]]:
    """A subscription's events (name, data), up to the first named `until`."""
    received: list[tuple[str, Any]] = []
    while not received or received[-1][0] != until:
        message = await client.receive_json()
        assert message["type"] == "event", message
        [(name, data)] = message["event"].items()
        received.append((name, data))
    return received


def let_users_grab(hass: HomeAssistant, entry: MockConfigEntry) -> None:
    hass.config_entries.async_update_entry(entry, options={CONF_USERS_CAN_GRAB: True})


# Each command has its tests below.
COMMANDS = {
    "mediahub/info",
    "mediahub/subscribe_downloads",
    "mediahub/subscribe_search",
    "mediahub/action",
    "mediahub/bandwidth",
    "mediahub/profiles",
    "mediahub/save_profile",
    "mediahub/libraries",
    "mediahub/all_downloads",
    "mediahub/add_torrent_file",
    "mediahub/wish",
    "mediahub/unwish",
    "mediahub/wishes",
    "mediahub/watch_wishes",
    "mediahub/approve",
    "mediahub/decline",
    "mediahub/request_rules",
    "mediahub/set_request_rules",
}


async def test_every_command_is_covered(hass: HomeAssistant, engine: FixtureEngine) -> None:
    registered = {c for c in hass.data[websocket_api.DOMAIN] if c.startswith(f"{DOMAIN}/")}
    assert registered == COMMANDS


async def test_info_lists_the_stacks_each_person_may_use(
    hass: HomeAssistant,
    engine: FixtureEngine,
    fast_entry: MockConfigEntry,
    hass_ws_client: WebSocketGenerator,
    hass_read_only_access_token: str,
) -> None:
    admin = await hass_ws_client(hass)
    user = await hass_ws_client(hass, hass_read_only_access_token)
    stack = {"entry_id": ENTRY_ID, "title": "MediaHub"}
    assert await result(admin, type="mediahub/info") == {"stacks": [{**stack, "admin": True}]}
    assert await result(user, type="mediahub/info") == {"stacks": []}
    let_users_grab(hass, fast_entry)
    assert await result(user, type="mediahub/info") == {"stacks": [{**stack, "admin": False}]}


async def test_subscribe_downloads_starts_with_a_snapshot(
    hass: HomeAssistant,
    engine: FixtureEngine,
    hass_ws_client: WebSocketGenerator,
    snapshot: SnapshotAssertion,
) -> None:
    admin = await hass_ws_client(hass)
    assert await result(admin, type="mediahub/subscribe_downloads", **ENTRY) is None
    [(_, state)] = await events(admin, until="snapshot")
    assert state == snapshot
    assert [d["hash"] for d in state["downloads"]] == [DUNE.hash]
    await hass.async_block_till_done(wait_background_tasks=True)
    assert engine.polls == 2  # a panel opening is someone watching: polled at once


async def test_subscribe_search_streams_each_indexers_answer(
    hass: HomeAssistant,
    engine: FixtureEngine,
    hass_ws_client: WebSocketGenerator,
    snapshot: SnapshotAssertion,
) -> None:
    admin = await hass_ws_client(hass)
    search = {"type": "mediahub/subscribe_search", **ENTRY, "category": "movies"}
    assert await result(admin, **search, query="  arrival ") is None
    streamed = await events(admin, until="done")
    assert [name for name, _ in streamed] == [
        "indexer",  # Nyaa, pending
        "indexer",  # EZTV, pending
        "indexer",  # Nyaa answered
        "results",
        "assessed",  # with the In Plex and Downloading marks
        "indexer",  # EZTV failed
        "done",
    ]
    done = streamed[-1][1]
    assert done.pop("elapsed_ms") >= 0  # the wall clock's
    assert streamed == snapshot
    assert engine.calls.made == [("search.search", {"query": "arrival", "categories": [2000]})]


async def test_a_search_that_fails_says_why_in_its_last_event(
    hass: HomeAssistant, engine: FixtureEngine, hass_ws_client: WebSocketGenerator
) -> None:
    admin = await hass_ws_client(hass)
    engine.calls.fail = ServiceUnavailableError("Prowlarr", "HTTP 502")
    assert await result(admin, type="mediahub/subscribe_search", **ENTRY, query="x") is None
    [(_, error)] = await events(admin, until="error")
    assert error == {
        "code": "service_unavailable",
        "message": "Prowlarr is not reachable: HTTP 502",
        "translation_domain": DOMAIN,
        "translation_key": "service_unavailable",
        "translation_placeholders": {"service": "Prowlarr", "reason": "HTTP 502"},
    }


async def test_searches_are_rationed(
    hass: HomeAssistant,
    engine: FixtureEngine,
    fast_entry: MockConfigEntry,
    hass_ws_client: WebSocketGenerator,
) -> None:
    fast_entry.runtime_data.search_limiter.burst = 0  # this person has searched enough
    admin = await hass_ws_client(hass)
    refused = await ask(admin, type="mediahub/subscribe_search", **ENTRY, query="arrival")
    assert refused["error"]["translation_key"] == "rate_limited"
    assert engine.calls.made == []


async def test_action_runs_an_action_as_the_person(
    hass: HomeAssistant, engine: FixtureEngine, hass_ws_client: WebSocketGenerator
) -> None:
    admin = await hass_ws_client(hass)
    action = {"type": "mediahub/action", **ENTRY}
    grabbed = await result(admin, **action, action="grab", data={"release_id": ARRIVAL_2160.id})
    assert (grabbed["hash"], grabbed["origin"]) == (ARRIVAL_2160.infohash, "action")
    assert await result(admin, **action, action="pause", data={"hash": DUNE.hash}) is None
    listed = await result(admin, **action, action="list_downloads")
    assert list(listed["downloads"]) == [DUNE.hash]
    assert engine.calls.made == [
        (
            "downloads.grab",
            {"release_id": ARRIVAL_2160.id, "category": None, "origin": Origin.ACTION},
        ),
        ("downloads.pause", {"infohash": DUNE.hash}),
    ]
    # The engine's refusal, as Home Assistant's frontend translates it.
    unknown = await ask(admin, **action, action="resume", data={"hash": "f" * 40})
    assert unknown["error"] == {
        "code": "home_assistant_error",
        "message": "qBittorrent has no such download",
        "translation_domain": DOMAIN,
        "translation_key": "unknown_download",
        "translation_placeholders": {"service": "MediaHub"},
    }


async def test_bandwidth_reads_and_changes_the_limits(
    hass: HomeAssistant, engine: FixtureEngine, hass_ws_client: WebSocketGenerator
) -> None:
    admin = await hass_ws_client(hass)
    read = await result(admin, type="mediahub/bandwidth", **ENTRY)
    assert read == {"bandwidth": bandwidth_json(BANDWIDTH)}
    changes = {"download_limit": 1_048_576, "schedule": {"days": 2}}
    changed = await result(admin, type="mediahub/bandwidth", **ENTRY, changes=changes)
    assert changed["bandwidth"]["download_limit"] == 1_048_576
    assert changed["bandwidth"]["schedule"] == {**read["bandwidth"]["schedule"], "days": 2}
    refused = await ask(admin, type="mediahub/bandwidth", **ENTRY, changes={"upload_limit": -5})
    assert refused["error"]["translation_key"] == "invalid_bandwidth"
    assert refused["error"]["translation_placeholders"]["field"] == "upload_limit"
    assert engine.calls.made == [("bandwidth.change", {"changes": changes})]


async def test_profiles_are_read_saved_and_reset(
    hass: HomeAssistant,
    engine: FixtureEngine,
    hass_ws_client: WebSocketGenerator,
    snapshot: SnapshotAssertion,
) -> None:
    admin = await hass_ws_client(hass)
    assert await result(admin, type="mediahub/profiles", **ENTRY) == snapshot
    save = {"type": "mediahub/save_profile", **ENTRY, "category": "tv"}
    changes = {"max_size_gb": 2.5, "min_seeders": 10}
    saved = await result(admin, **save, profile=changes)
    assert saved == {"profile": default_profile("tv").merged(changes).as_json()}
    reset = await result(admin, **save, profile=None)
    assert reset == {"profile": default_profile("tv").as_json()}
    refused = await ask(admin, **save, profile={"max_size_gb": "many"})
    assert refused["error"]["translation_key"] == "invalid_profile"
    assert [name for name, _ in engine.calls.made] == ["profiles.save", "profiles.reset"]


async def test_libraries_are_listed_with_their_last_scan(
    hass: HomeAssistant, engine: FixtureEngine, hass_ws_client: WebSocketGenerator
) -> None:
    admin = await hass_ws_client(hass)
    assert await result(admin, type="mediahub/libraries", **ENTRY) == {
        "libraries": [
            {
                "key": "1",
                "title": "Movies",
                "type": "movie",
                "locations": ["/data/movies"],
                "refreshing": False,
                "scanned_at": None,
                "last_scan_requested": None,
            },
            {
                "key": "2",
                "title": "TV Shows",
                "type": "show",
                "locations": ["/data/tv"],
                "refreshing": False,
                "scanned_at": None,
                "last_scan_requested": None,
            },
        ]
    }


async def test_all_downloads_pauses_and_resumes_everything(
    hass: HomeAssistant, engine: FixtureEngine, hass_ws_client: WebSocketGenerator
) -> None:
    admin = await hass_ws_client(hass)
    for action in ("pause_all", "resume_all"):
        assert await result(admin, type="mediahub/all_downloads", **ENTRY, action=action) is None
    assert engine.calls.made == [("downloads.pause_all", {}), ("downloads.resume_all", {})]
    # Setup's poll, then one at once; the second request waits out the debouncer's cooldown.
    assert engine.polls == 2


async def test_add_torrent_file_adds_an_upload_once(
    hass: HomeAssistant,
    engine: FixtureEngine,
    hass_ws_client: WebSocketGenerator,
    hass_client: ClientSessionGenerator,
) -> None:
    torrent = b"d8:announce0:4:infod4:name5:bunnyee"
    form = aiohttp.FormData()
    form.add_field("file", torrent, filename="bunny.torrent")
    uploaded = await (await hass_client()).post("/api/file_upload", data=form)
    assert uploaded.status == 200
    file_id = (await uploaded.json())["file_id"]

    admin = await hass_ws_client(hass)
    add = {"type": "mediahub/add_torrent_file", **ENTRY, "file_id": file_id}
    added = await result(admin, **add, category="movies")
    assert added == {
        "hash": "b" * 40,
        "name": "Big.Buck.Bunny.2008.1080p",
        "category": "movies",
        "queued": False,
        "origin": "action",
    }
    again = await ask(admin, **add)
    assert again["error"]["translation_key"] == "unknown_upload"  # read once, then removed
    assert engine.calls.made == [
        (
            "downloads.add_torrent_file",
            {"data": torrent, "category": "movies", "origin": Origin.ACTION},
        )
    ]


async def test_the_panels_wishes_are_asked_by_the_person(
    hass: HomeAssistant, engine: FixtureEngine, hass_ws_client: WebSocketGenerator
) -> None:
    """A wish made in the sidebar is the signed-in person's (their Home Assistant name), through
    the wish command and through the action command alike."""
    admin = await hass_ws_client(hass)
    made = await result(admin, type="mediahub/wish", **ENTRY, title="Severance")
    await result(
        admin, type="mediahub/action", **ENTRY, action="wish", data={"title": "Dune Part Three"}
    )
    listed = await result(admin, type="mediahub/wishes", **ENTRY)
    askers = [arguments["asked_by"] for _, arguments in engine.calls.made]
    assert all(arguments["admin"] for _, arguments in engine.calls.made)
    assert askers[0] == askers[1] == made["wish"]["asked_by"]
    assert askers[0] not in ("action", "automation")
    assert [w["label"] for w in listed["wishes"]] == ["Severance", "Dune Part Three (2026)"]


# What only an administrator may do, even where users may search and grab.
FOR_ADMINISTRATORS: list[dict[str, Any]] = [
    {"type": "mediahub/bandwidth"},
    {"type": "mediahub/bandwidth", "changes": {"download_limit": 10}},
    {"type": "mediahub/profiles"},
    {"type": "mediahub/save_profile", "category": "movies", "profile": None},
    {"type": "mediahub/libraries"},
    {"type": "mediahub/all_downloads", "action": "pause_all"},
    {"type": "mediahub/add_torrent_file", "file_id": "x"},
    {"type": "mediahub/action", "action": "pause", "data": {"hash": DUNE.hash}},
    {"type": "mediahub/action", "action": "remove", "data": {"hash": DUNE.hash}},
    {"type": "mediahub/action", "action": "set_bandwidth", "data": {"download_limit": 10}},
    {"type": "mediahub/action", "action": "scan_library", "data": {"library": "1"}},
    {"type": "mediahub/action", "action": "list_downloads"},
    {"type": "mediahub/watch_wishes"},
    {"type": "mediahub/action", "action": "watch_wishes"},
    {"type": "mediahub/approve", "wish_id": 1},
    {"type": "mediahub/decline", "wish_id": 1},
    {"type": "mediahub/set_request_rules", "weekly_quota": 9},
    {"type": "mediahub/action", "action": "approve", "data": {"wish_id": 1}},
]
# What a user may do where the stack lets them.
FOR_USERS: list[dict[str, Any]] = [
    {"type": "mediahub/subscribe_downloads"},
    {"type": "mediahub/subscribe_search", "query": "arrival"},
    {"type": "mediahub/action", "action": "search", "data": {"query": "arrival"}},
    {"type": "mediahub/action", "action": "grab", "data": {"release_id": ARRIVAL_2160.id}},
    {"type": "mediahub/action", "action": "grab_best", "data": {"query": "Arrival"}},
    {"type": "mediahub/wish", "title": "Severance"},
    {"type": "mediahub/wishes"},
    {"type": "mediahub/request_rules"},
    {"type": "mediahub/action", "action": "wish", "data": {"title": "Severance"}},
]


async def test_a_user_is_refused_what_is_not_theirs(
    hass: HomeAssistant,
    engine: FixtureEngine,
    fast_entry: MockConfigEntry,
    hass_ws_client: WebSocketGenerator,
    hass_read_only_access_token: str,
) -> None:
    user = await hass_ws_client(hass, hass_read_only_access_token)
    for message in FOR_ADMINISTRATORS + FOR_USERS:
        refused = await ask(user, **message, **ENTRY)
        assert refused["error"]["code"] == "unauthorized", (message, refused)
    # With the stack's leave, a user searches, follows and grabs; still nothing more.
    let_users_grab(hass, fast_entry)
    for message in FOR_ADMINISTRATORS:
        refused = await ask(user, **message, **ENTRY)
        assert refused["error"]["code"] == "unauthorized", (message, refused)
    assert engine.calls.made == []
    for message in FOR_USERS:  # a client each: a subscription's events would come between
        user = await hass_ws_client(hass, hass_read_only_access_token)
        allowed = await ask(user, **message, **ENTRY)
        assert allowed["success"], (message, allowed)
    await hass.async_block_till_done(wait_background_tasks=True)  # the search's own task
    assert sorted(name for name, _ in engine.calls.made) == [
        "best.grab",
        "downloads.grab",
        "search.search",
        "search.search_all",
        "wishes.make",
        "wishes.make",
    ]
    # A user's wishes are requests; they end only their own.
    assert {args["admin"] for name, args in engine.calls.made if name == "wishes.make"} == {False}
    refused = await ask(user, type="mediahub/unwish", wish_id=2, **ENTRY)
    assert refused["error"]["translation_key"] == "not_yours", refused


MALFORMED: list[dict[str, Any]] = [
    {"type": "mediahub/subscribe_downloads"},  # no stack
    {"type": "mediahub/subscribe_downloads", "entry_id": 1},
    {"type": "mediahub/subscribe_search", **ENTRY},  # nothing to search for
    {"type": "mediahub/subscribe_search", **ENTRY, "query": "   "},
    {"type": "mediahub/subscribe_search", **ENTRY, "query": "x" * 201},
    {"type": "mediahub/subscribe_search", **ENTRY, "query": "x", "category": "anime"},
    {"type": "mediahub/action", **ENTRY, "action": "format_disk"},
    {"type": "mediahub/action", **ENTRY, "action": "grab", "data": "release-1"},
    {"type": "mediahub/action", **ENTRY, "action": "grab", "data": {}},  # the action's schema
    {"type": "mediahub/action", **ENTRY, "action": "remove", "data": {"hash": ""}},
    {"type": "mediahub/bandwidth", **ENTRY, "changes": [1]},
    {"type": "mediahub/save_profile", **ENTRY, "category": "tv"},
    {"type": "mediahub/save_profile", **ENTRY, "category": "tv", "profile": "best"},
    {"type": "mediahub/all_downloads", **ENTRY, "action": "delete_all"},
    {"type": "mediahub/add_torrent_file", **ENTRY},
    {"type": "mediahub/profiles", **ENTRY, "extra": True},
]


async def test_malformed_messages_are_refused(
    hass: HomeAssistant, engine: FixtureEngine, hass_ws_client: WebSocketGenerator
) -> None:
    admin = await hass_ws_client(hass)
    for message in MALFORMED:
        refused = await ask(admin, **message)
        assert refused["error"]["code"] == "invalid_format", (message, refused)
    assert engine.calls.made == []


async def test_an_unknown_stack_is_named_in_the_users_words(
    hass: HomeAssistant, engine: FixtureEngine, hass_ws_client: WebSocketGenerator
) -> None:
    admin = await hass_ws_client(hass)
    unknown = await ask(admin, type="mediahub/libraries", entry_id="nope")
    assert unknown["error"] == {
        "code": "home_assistant_error",
        "message": "No loaded MediaHub stack has the id nope",
        "translation_domain": DOMAIN,
        "translation_key": "unknown_stack",
        "translation_placeholders": {"entry_id": "nope"},
    }
