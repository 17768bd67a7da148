"""A request from asking to watching, through the household's phones: Home Assistant's real
`mobile_app` integration, with two Companion-app registrations whose pushes reach a push
gateway on 127.0.0.1 (what each phone would show), and both blueprints as automations.

A user asks in the sidebar; the administrator's phone gets the request with its buttons; the tap
comes back through the phone's own webhook, as the Companion app sends it; the film is grabbed
from a real seeder, completes, Plex lists it, and the phone of each person who asked is told."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from pathlib import Path
import shutil
from typing import Any

from aiohttp import web
from homeassistant.core import Context, HomeAssistant
from homeassistant.helpers import device_registry as dr
from homeassistant.setup import async_setup_component
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry, MockUser
from pytest_homeassistant_custom_component.typing import (
    ClientSessionGenerator,
    WebSocketGenerator,
)

from tests.components.mediahub.helpers import call
from tests.components.mediahub.test_websocket import ask
from tests.simulators.plex import PlexSimulator
from tests.simulators.prowlarr import ProwlarrSimulator, SimRelease
from tests.support.qbittorrent import QbtInstance, SeededTorrent, connect_to_seeder
from tests.support.wait import until

BLUEPRINTS = Path(__file__).resolve().parents[3] / "blueprints" / "automation" / "mediahub"
FILM = "Big.Hero.6.2014.1080p.WEB-DL.x264-GRP"


class PushGateway:
    """Where the Companion app's pushes go (its `push_url`): each phone's notifications."""

    def __init__(self) -> None:
        self.received: dict[str, list[dict[str, Any]]] = {}
        self._runner: web.AppRunner | None = None
        self.url = ""

    async def start(self) -> None:
        app = web.Application()
        app.router.add_post("/push", self._push)
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        self.url = f"http://127.0.0.1:{port}/push"

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    async def _push(self, request: web.Request) -> web.Response:
        body = await request.json()
        self.received.setdefault(body["push_token"], []).append(body)
        return web.json_response({"rateLimits": {"attempts": 1, "successful": 1, "errors": 0}})

    def messages(self, phone: str) -> list[str]:
        return [str(p.get("message", "")) for p in self.received.get(phone, [])]


@pytest.fixture
async def gateway() -> AsyncIterator[PushGateway]:
    push = PushGateway()
    await push.start()
    yield push
    await push.stop()


def register_phone(
    hass: HomeAssistant, user: MockUser, name: str, gateway: PushGateway
) -> MockConfigEntry:
    """A phone with the Companion app, registered to `user`, pushing through `gateway`."""
    entry = MockConfigEntry(
        domain="mobile_app",
        title=name,
        data={
            "app_data": {"push_token": name, "push_url": gateway.url},
            "app_id": "io.homeassistant.companion.android",
            "app_name": "Home Assistant",
            "app_version": "2026.11",
            "device_id": f"{name}-id",
            "device_name": name,
            "manufacturer": "Google",
            "model": "Pixel",
            "os_name": "Android",
            "os_version": "16",
            "supports_encryption": False,
            "user_id": user.id,
            "webhook_id": f"{name}-webhook",
        },
    )
    entry.add_to_hass(hass)
    return entry


async def test_a_request_from_asking_to_watching_through_the_phones(
    stack_hass: HomeAssistant,
    loaded_entry: MockConfigEntry,
    users_can_grab: None,
    qbittorrent5: QbtInstance,
    seeded: Callable[..., SeededTorrent],
    prowlarr_sim: ProwlarrSimulator,
    plex_sim: PlexSimulator,
    gateway: PushGateway,
    hass_admin_user: MockUser,
    hass_read_only_user: MockUser,
    hass_ws_client: WebSocketGenerator,
    hass_read_only_access_token: str,
    hass_client_no_auth: ClientSessionGenerator,
    tmp_path: Path,
) -> None:
    hass, entry = stack_hass, loaded_entry
    plex_sim.media("/data", tmp_path / "media")
    torrent = await asyncio.to_thread(seeded, FILM, 1024 * 1024, folder=True)
    prowlarr_sim.add_indexer(
        "Seeds",
        releases=[
            SimRelease(
                FILM,
                category=2040,
                size=2 * 1024**3,  # listed: a plausible 1080p film
                torrent=torrent.torrent_bytes,
                infohash=torrent.infohash,
            )
        ],
    )
    # Three phones: the administrator's, and those of two people of the household.
    sam = MockUser(name="Sam").add_to_hass(hass)  # in no group: not an administrator
    admin_phone = register_phone(hass, hass_admin_user, "ada-phone", gateway)
    user_phone = register_phone(hass, hass_read_only_user, "mia-phone", gateway)
    sams_phone = register_phone(hass, sam, "sam-phone", gateway)
    assert await async_setup_component(hass, "mobile_app", {})
    await hass.async_block_till_done()
    devices = dr.async_get(hass)

    def device_of(phone: MockConfigEntry) -> str:
        found = devices.async_get_device_by_identifier(
            ("mobile_app", phone.data["device_id"]), phone.entry_id
        )
        assert found is not None
        return found.id

    shutil.copytree(BLUEPRINTS, hass.config.path("blueprints", "automation", "mediahub"))
    assert await async_setup_component(
        hass,
        "automation",
        {
            "automation": [
                {
                    "alias": "Requests to Ada's phone",
                    "use_blueprint": {
                        "path": "mediahub/approve_requests.yaml",
                        "input": {"phone": device_of(admin_phone)},
                    },
                },
                {
                    "alias": "Mia's wishes to her phone",
                    "use_blueprint": {
                        "path": "mediahub/notify_ready_to_watch.yaml",
                        "input": {
                            "phone": device_of(user_phone),
                            "asker": hass_read_only_user.name,
                        },
                    },
                },
                {
                    "alias": "Sam's wishes to his phone",
                    "use_blueprint": {
                        "path": "mediahub/notify_ready_to_watch.yaml",
                        "input": {"phone": device_of(sams_phone), "asker": "Sam"},
                    },
                },
            ]
        },
    )
    await hass.async_block_till_done()

    # The user asks in the sidebar.
    user = await hass_ws_client(hass, hass_read_only_access_token)
    asked = await ask(
        user,
        type="mediahub/action",
        entry_id=entry.entry_id,
        action="wish",
        data={"title": "Big Hero 6", "category": "movies", "year": 2014},
    )
    assert asked["success"], asked
    request = asked["result"]["wish"]
    assert request["state"] == "waiting"
    # Sam asks for the same film: he joins the request (one request, one notification).
    joined = await hass.services.async_call(
        "mediahub",
        "wish",
        {
            "config_entry_id": entry.entry_id,
            "title": "big hero 6",
            "category": "movies",
            "year": 2014,
        },
        blocking=True,
        context=Context(user_id=sam.id),
        return_response=True,
    )
    assert joined is not None and joined["joined"] and joined["wish"]["id"] == request["id"]

    # The administrator's phone shows it, with its two buttons.
    await until(lambda: bool(gateway.received.get("ada-phone")), "the request on Ada's phone")
    [push] = gateway.received["ada-phone"]
    assert push["message"] == f"{hass_read_only_user.name}: Big Hero 6 (2014)"
    buttons = push["data"]["actions"]
    assert [b["title"] for b in buttons] == ["Approve", "Decline"]
    assert "mia-phone" not in gateway.received  # nothing for the household yet
    assert "sam-phone" not in gateway.received

    # A tap on Approve: the Companion app fires the button's event through its webhook.
    phone = await hass_client_no_auth()
    answer = await phone.post(
        f"/api/webhook/{admin_phone.data['webhook_id']}",
        json={
            "type": "fire_event",
            "data": {
                "event_type": "mobile_app_notification_action",
                "event_data": {"action": buttons[0]["action"]},
            },
        },
    )
    assert answer.status == 200
    await hass.async_block_till_done()
    admin = await hass_ws_client(hass)
    listed = await ask(admin, type="mediahub/wishes", entry_id=entry.entry_id)
    [approved] = listed["result"]["wishes"]
    assert approved["state"] in ("wanted", "grabbed")
    history = [(h["what"], h.get("by")) for h in approved["history"]]
    assert ("approved", hass_admin_user.name) in history

    # Grabbed by the watch, downloaded from the seeder, listed by Plex: Mia's phone is told.
    async def grabbed() -> bool:
        await call(hass, "watch_wishes", entry)
        return torrent.infohash in {
            t["hash"] for t in await asyncio.to_thread(qbittorrent5.torrents)
        }

    await until(grabbed, "the approved request to be grabbed", timeout=60)
    await asyncio.to_thread(connect_to_seeder, qbittorrent5, torrent)

    async def told() -> bool:
        await call(hass, "watch_wishes", entry)
        await hass.async_block_till_done()
        return any("you wished for it" in m for m in gateway.messages("mia-phone"))

    await until(told, "Mia's phone to be told it is ready", timeout=180)
    ready = "Big Hero 6 (2014) is in Plex: you wished for it."
    assert gateway.messages("mia-phone") == [ready]
    assert gateway.messages("sam-phone") == [ready]  # who asked too is told too
    assert len(gateway.received["ada-phone"]) == 1  # the administrator had only the request
