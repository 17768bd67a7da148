"""The sidebar panel's websocket API, against real qBittorrent and the simulators: what an
administrator can do, what a user may do with the stack's leave and never without it, and
malformed messages refused with nothing changed."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
import hashlib
import re
from typing import Any

import aiohttp
from homeassistant.core import HomeAssistant
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.typing import (
    ClientSessionGenerator,
    MockHAClientWebSocket,
    WebSocketGenerator,
)

from custom_components.mediahub.const import CONF_USERS_CAN_GRAB
from tests.simulators.plex import PlexSimulator
from tests.simulators.prowlarr import ProwlarrSimulator, SimRelease
from tests.support.qbittorrent import QbtInstance, SeededTorrent, connect_to_seeder
from tests.support.wait import until

Client = MockHAClientWebSocket


@pytest.fixture
async def release(
    seeded: Callable[..., SeededTorrent], prowlarr_sim: ProwlarrSimulator
) -> SeededTorrent:
    torrent = await asyncio.to_thread(seeded, "Dune.2021.1080p", 2 * 1024 * 1024, folder=True)
    prowlarr_sim.add_indexer(
        "Seeds",
        releases=[
            SimRelease(
                "Dune 2021 1080p BluRay",
                category=2040,
                seeders=900,
                torrent=torrent.torrent_bytes,
                infohash=torrent.infohash,
            )
        ],
    )
    return torrent


async def ask(client: Client, **message: Any) -> dict[str, Any]:
    """One command; its result message (successful or not)."""
    await client.send_json_auto_id(message)
    answer: dict[str, Any] = await client.receive_json()
    assert answer["type"] == "result", answer
    return answer


async def events_until(client: Client, last: str) -> list[tuple[str, Any]]:
    """A subscription's events (name, data) up to and including the first named `last`."""
    received: list[tuple[str, Any]] = []
    async with asyncio.timeout(60):
        while not received or received[-1][0] != last:
            message = await client.receive_json()
            assert message["type"] == "event", message
            [(name, data)] = message["event"].items()
            received.append((name, data))
    return received


async def hashes(qbt: QbtInstance) -> set[str]:
    """What qBittorrent itself holds."""
    return {str(t["hash"]) for t in await asyncio.to_thread(qbt.torrents)}


async def states(qbt: QbtInstance) -> set[str]:
    """The states of qBittorrent's torrents (it applies a stop or a start on its own time,
    after a check of a torrent just added)."""
    return {str(t["state"]) for t in await asyncio.to_thread(qbt.torrents)}


async def search(client: Client, entry: MockConfigEntry, query: str) -> list[tuple[str, Any]]:
    answer = await ask(
        client, type="mediahub/subscribe_search", entry_id=entry.entry_id, query=query
    )
    assert answer["success"], answer
    return await events_until(client, "done")


async def test_an_administrator_searches_grabs_and_follows_the_download(
    stack_hass: HomeAssistant,
    loaded_entry: MockConfigEntry,
    release: SeededTorrent,
    qbittorrent5: QbtInstance,
    hass_ws_client: WebSocketGenerator,
) -> None:
    admin = await hass_ws_client(stack_hass)
    info = await ask(admin, type="mediahub/info")
    assert info["result"] == {
        "stacks": [{"entry_id": loaded_entry.entry_id, "title": "MediaHub", "admin": True}]
    }
    found = await search(admin, loaded_entry, "dune")
    names = [name for name, _ in found]
    assert names[0] == "indexer" and names[-1] == "done" and "results" in names, names
    [releases] = [data["releases"] for name, data in found if name == "results"]
    assert [r["title"] for r in releases] == ["Dune 2021 1080p BluRay"]
    assessed = next(data for name, data in found if name == "assessed")["releases"][0]
    assert assessed["in_plex"] is None  # the marks travel with the verdicts, as on the LAN

    feed = await hass_ws_client(stack_hass)
    answer = await ask(feed, type="mediahub/subscribe_downloads", entry_id=loaded_entry.entry_id)
    assert answer["success"]
    [(_name, snapshot)] = await events_until(feed, "snapshot")
    assert snapshot["downloads"] == [] and snapshot["qbittorrent"]["available"] is True
    assert snapshot["categories"] == ["books", "movies", "music", "tv"]

    grabbed = await ask(
        admin,
        type="mediahub/action",
        entry_id=loaded_entry.entry_id,
        action="grab",
        data={"release_id": releases[0]["id"]},
    )
    assert grabbed["success"], grabbed
    assert grabbed["result"]["hash"] == release.infohash
    await asyncio.to_thread(connect_to_seeder, qbittorrent5, release)
    # The download arrives on the feed as the sidecar's stream sends it, and completes there.
    async with asyncio.timeout(120):
        while True:
            message = await feed.receive_json()
            changed = message["event"].get("downloads", {}).get("changed", [])
            if any(d["hash"] == release.infohash and d["progress"] == 1 for d in changed):
                break
    assert release.infohash in await hashes(qbittorrent5)


async def test_a_user_may_do_nothing_unless_the_stack_lets_them_grab(
    stack_hass: HomeAssistant,
    loaded_entry: MockConfigEntry,
    release: SeededTorrent,
    qbittorrent5: QbtInstance,
    hass_ws_client: WebSocketGenerator,
    hass_read_only_access_token: str,
) -> None:
    user = await hass_ws_client(stack_hass, hass_read_only_access_token)
    assert (await ask(user, type="mediahub/info"))["result"] == {"stacks": []}
    entry_id = loaded_entry.entry_id
    for message in (
        {"type": "mediahub/subscribe_search", "entry_id": entry_id, "query": "dune"},
        {"type": "mediahub/subscribe_downloads", "entry_id": entry_id},
        {
            "type": "mediahub/action",
            "entry_id": entry_id,
            "action": "search",
            "data": {"query": "x"},
        },
    ):
        refused = await ask(user, **message)
        assert refused["error"]["code"] == "unauthorized", (message, refused)

    # With the stack's leave, a user searches and grabs, and still may not remove or control.
    stack_hass.config_entries.async_update_entry(
        loaded_entry, options={**loaded_entry.options, CONF_USERS_CAN_GRAB: True}
    )
    await stack_hass.async_block_till_done()
    info = await ask(user, type="mediahub/info")
    assert info["result"]["stacks"] == [{"entry_id": entry_id, "title": "MediaHub", "admin": False}]
    found = await search(user, loaded_entry, "dune")
    [releases] = [data["releases"] for name, data in found if name == "results"]
    grabbed = await ask(
        user,
        type="mediahub/action",
        entry_id=entry_id,
        action="grab",
        data={"release_id": releases[0]["id"]},
    )
    assert grabbed["success"], grabbed
    for action, data in (
        ("remove", {"hash": release.infohash, "delete_files": True}),
        ("pause", {"hash": release.infohash}),
        ("set_bandwidth", {"download_limit": 10}),
        ("scan_library", {"library": "1"}),
    ):
        refused = await ask(
            user, type="mediahub/action", entry_id=entry_id, action=action, data=data
        )
        assert refused["error"]["code"] == "unauthorized", (action, refused)
    for command in (
        {"type": "mediahub/bandwidth", "changes": {"download_limit": 10}},
        {"type": "mediahub/bandwidth"},
        {"type": "mediahub/profiles"},
        {"type": "mediahub/save_profile", "category": "movies", "profile": None},
        {"type": "mediahub/libraries"},
        {"type": "mediahub/all_downloads", "action": "pause_all"},
        {"type": "mediahub/add_torrent_file", "file_id": "x"},
    ):
        refused = await ask(user, **command, entry_id=entry_id)
        assert refused["error"]["code"] == "unauthorized", (command, refused)
    assert release.infohash in await hashes(qbittorrent5)  # still there
    limit = await asyncio.to_thread(qbittorrent5.api, "GET", "transfer/downloadLimit")
    assert limit.text == "0"


async def test_an_administrator_sets_limits_and_profiles_scans_and_uploads_in_the_sidebar(
    stack_hass: HomeAssistant,
    loaded_entry: MockConfigEntry,
    release: SeededTorrent,
    qbittorrent5: QbtInstance,
    plex_sim: PlexSimulator,
    hass_ws_client: WebSocketGenerator,
    hass_client: ClientSessionGenerator,
) -> None:
    admin = await hass_ws_client(stack_hass)
    entry = {"entry_id": loaded_entry.entry_id}

    # Limits: what qBittorrent has, then a change it really takes.
    read = await ask(admin, type="mediahub/bandwidth", **entry)
    assert read["result"]["bandwidth"]["download_limit"] == 0
    changed = await ask(
        admin, type="mediahub/bandwidth", **entry, changes={"download_limit": 2 * 1024 * 1024}
    )
    assert changed["result"]["bandwidth"]["download_limit"] == 2 * 1024 * 1024
    limit = await asyncio.to_thread(qbittorrent5.api, "GET", "transfer/downloadLimit")
    assert limit.text == str(2 * 1024 * 1024)
    refused = await ask(admin, type="mediahub/bandwidth", **entry, changes={"download_limit": -5})
    assert refused["error"]["translation_key"] == "invalid_bandwidth"

    # Quality profiles: the same store as the options flow and the sidecar's Settings tab.
    profiles = (await ask(admin, type="mediahub/profiles", **entry))["result"]
    assert "1080p" in profiles["resolutions"] and "CAM" in profiles["sources"]
    movies = {**profiles["profiles"]["movies"], "max_size_gb": 5}
    saved = await ask(
        admin, type="mediahub/save_profile", **entry, category="movies", profile=movies
    )
    assert saved["result"]["profile"]["max_size_gb"] == 5
    bad = await ask(
        admin,
        type="mediahub/save_profile",
        **entry,
        category="movies",
        profile={**movies, "max_size_gb": "many"},
    )
    assert bad["error"]["translation_key"] == "invalid_profile"
    engine = loaded_entry.runtime_data.engine
    assert (await engine.profiles.get("movies")).max_size_gb == 5  # unchanged by the bad one
    reset = await ask(admin, type="mediahub/save_profile", **entry, category="movies", profile=None)
    assert reset["result"]["profile"]["max_size_gb"] == 20

    # Plex's libraries, and a scan of one.
    libraries = (await ask(admin, type="mediahub/libraries", **entry))["result"]["libraries"]
    movies_library = next(lib for lib in libraries if lib["type"] == "movie")
    assert movies_library["last_scan_requested"] is None
    scan = await ask(
        admin,
        type="mediahub/action",
        **entry,
        action="scan_library",
        data={"library": movies_library["key"]},
    )
    assert scan["success"], scan
    assert plex_sim.refreshes[-1].section == movies_library["key"]
    libraries = (await ask(admin, type="mediahub/libraries", **entry))["result"]["libraries"]
    assert next(lib for lib in libraries if lib["key"] == movies_library["key"])[
        "last_scan_requested"
    ]

    # A .torrent file: to Home Assistant's upload, then added once.
    http = await hass_client()
    form = aiohttp.FormData()
    form.add_field("file", release.torrent_bytes, filename="dune.torrent")
    uploaded = await http.post("/api/file_upload", data=form)
    assert uploaded.status == 200
    file_id = (await uploaded.json())["file_id"]
    added = await ask(
        admin, type="mediahub/add_torrent_file", **entry, file_id=file_id, category="movies"
    )
    assert added["result"]["hash"] == release.infohash
    assert release.infohash in await hashes(qbittorrent5)
    again = await ask(admin, type="mediahub/add_torrent_file", **entry, file_id=file_id)
    assert again["error"]["translation_key"] == "unknown_upload"  # read once, then removed

    # Pause everything, resume everything.
    stopped = {"stoppedDL", "stoppedUP"}

    async def all_stopped() -> bool:
        return (await states(qbittorrent5)) <= stopped

    async def none_stopped() -> bool:
        return not (await states(qbittorrent5)) & stopped

    assert (await ask(admin, type="mediahub/all_downloads", **entry, action="pause_all"))["success"]
    await until(all_stopped, "qBittorrent to stop every torrent")
    assert (await ask(admin, type="mediahub/all_downloads", **entry, action="resume_all"))[
        "success"
    ]
    await until(none_stopped, "qBittorrent to start every torrent again")


async def test_searches_are_rationed_per_person(
    stack_hass: HomeAssistant,
    loaded_entry: MockConfigEntry,
    release: SeededTorrent,
    hass_ws_client: WebSocketGenerator,
    hass_read_only_access_token: str,
) -> None:
    """Prowlarr's indexers ban what hammers them: a burst of six, then about one each five
    seconds, for each user on their own."""
    stack_hass.config_entries.async_update_entry(
        loaded_entry, options={**loaded_entry.options, CONF_USERS_CAN_GRAB: True}
    )
    await stack_hass.async_block_till_done()
    # The bucket's clock stands still: on a slow machine, seven searches could otherwise take
    # long enough for a token to come back.
    loaded_entry.runtime_data.search_limiter.clock = lambda: 1000.0
    search = {"type": "mediahub/subscribe_search", "entry_id": loaded_entry.entry_id}
    for _ in range(6):  # a client each: a search's events would come between the answers
        answer = await ask(await hass_ws_client(stack_hass), **search, query="dune")
        assert answer["success"], answer
    refused = await ask(await hass_ws_client(stack_hass), **search, query="dune")
    assert refused["error"]["translation_key"] == "rate_limited"
    user = await hass_ws_client(stack_hass, hass_read_only_access_token)
    assert (await ask(user, **search, query="dune"))["success"]


async def test_malformed_messages_are_refused_and_change_nothing(
    stack_hass: HomeAssistant,
    loaded_entry: MockConfigEntry,
    release: SeededTorrent,
    qbittorrent5: QbtInstance,
    hass_ws_client: WebSocketGenerator,
) -> None:
    admin = await hass_ws_client(stack_hass)
    entry_id = loaded_entry.entry_id
    for message in (
        {"type": "mediahub/subscribe_search", "query": "dune"},  # no stack
        {"type": "mediahub/subscribe_search", "entry_id": entry_id, "query": "   "},
        {"type": "mediahub/subscribe_search", "entry_id": entry_id, "query": "x" * 201},
        {"type": "mediahub/subscribe_search", "entry_id": entry_id, "query": "x", "category": "y"},
        {"type": "mediahub/action", "entry_id": entry_id, "action": "format_disk", "data": {}},
        {"type": "mediahub/action", "entry_id": entry_id, "action": "grab", "data": "id"},
        {"type": "mediahub/action", "entry_id": entry_id, "action": "grab", "data": {}},
        {"type": "mediahub/action", "entry_id": entry_id, "action": "remove", "data": {"hash": ""}},
    ):
        refused = await ask(admin, **message)
        assert refused["error"]["code"] == "invalid_format", (message, refused)

    unknown = await ask(admin, type="mediahub/subscribe_downloads", entry_id="nope")
    # Home Assistant's frontend (and the panel) translate it into the user's language from these.
    assert unknown["error"]["translation_key"] == "unknown_stack"
    assert unknown["error"]["translation_domain"] == "mediahub"
    assert unknown["error"]["translation_placeholders"] == {"entry_id": "nope"}
    assert unknown["error"]["message"].startswith("No loaded MediaHub stack has the id nope")
    stale = await ask(
        admin,
        type="mediahub/action",
        entry_id=entry_id,
        action="grab",
        data={"release_id": "not-a-release"},
    )
    assert stale["error"]["code"] == "home_assistant_error"
    assert stale["error"]["translation_key"] == "unknown_release"
    assert await hashes(qbittorrent5) == set()  # nothing was added


async def panels(client: Client) -> dict[str, Any]:
    answer = await ask(client, type="get_panels")
    result: dict[str, Any] = answer["result"]
    return result


async def test_the_sidebar_panel_is_served_and_shown_to_who_may_use_it(
    stack_hass: HomeAssistant,
    loaded_entry: MockConfigEntry,
    hass_ws_client: WebSocketGenerator,
    hass_client: ClientSessionGenerator,
    hass_read_only_access_token: str,
) -> None:
    admin = await hass_ws_client(stack_hass)
    user = await hass_ws_client(stack_hass, hass_read_only_access_token)
    panel = (await panels(admin))["mediahub"]
    assert (panel["title"], panel["icon"], panel["require_admin"]) == (
        "MediaHub",
        "mdi:download-network",
        True,
    )
    module_url = panel["config"]["_panel_custom"]["module_url"]
    assert panel["config"]["_panel_custom"]["name"] == "mediahub-panel"
    assert "mediahub" not in await panels(user)

    # The module, from Home Assistant: long cached, as its URL changes with its content.
    http = await hass_client()
    response = await http.get(module_url)
    assert response.status == 200
    assert "javascript" in response.headers["Content-Type"]
    assert "max-age=2678400" in response.headers["Cache-Control"]  # 31 days, HA's own
    module = await response.text()
    assert "customElements.define(`mediahub-panel`" in module
    assert "customElements.define(`mediahub-card`" in module
    # Loaded on every page, so that dashboards know the card: the loader, whose app (and the
    # card's editor) are chunks beside it, served from the same place, long cached by their names.
    extra = stack_hass.data["frontend_extra_module_url"]
    assert module_url in extra.urls
    # Its URL names its content, and so the chunks it names: a new build is a new URL.
    assert module_url.endswith(f"?v={hashlib.sha256(module.encode()).hexdigest()[:12]}")
    chunks = re.findall(r"import\(`\./(chunks/[^`]+\.js)`\)", module)
    assert len(chunks) == 3, chunks  # the panel's app, the card's, the card's editor
    base = module_url.split("?")[0].rsplit("/", 1)[0]
    for chunk in chunks:
        # Compressed as it was built, by HA's static files, for a browser that accepts it.
        compressed = await http.get(
            f"{base}/{chunk}", headers={"Accept-Encoding": "br"}, auto_decompress=False
        )
        assert compressed.status == 200, chunk
        assert compressed.headers["Content-Encoding"] == "br"
        assert "max-age=2678400" in compressed.headers["Cache-Control"]
        app = await (await http.get(f"{base}/{chunk}")).text()
        assert "/api/downloads" not in app  # it never asks the sidecar
    editor = await http.get(f"{base}/{next(c for c in chunks if '/editor-' in c)}")
    assert "customElements.define(`mediahub-card-editor`" in await editor.text()

    # A stack that lets every user grab shows them the panel; with no stack, no panel.
    stack_hass.config_entries.async_update_entry(
        loaded_entry, options={**loaded_entry.options, CONF_USERS_CAN_GRAB: True}
    )
    assert await stack_hass.config_entries.async_reload(loaded_entry.entry_id)
    await stack_hass.async_block_till_done()
    assert (await panels(user))["mediahub"]["require_admin"] is False
    await stack_hass.config_entries.async_unload(loaded_entry.entry_id)
    assert "mediahub" not in await panels(admin)
