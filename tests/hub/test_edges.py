"""Edges of each client: refused torrents, categories corrected, .torrent URLs, proxy answers,
the login guard's window, and slow panel clients."""

from __future__ import annotations

import asyncio

import aiohttp
from aiohttp import web
import pytest

from custom_components.mediahub.hub.clients.prowlarr import ProwlarrClient
from custom_components.mediahub.hub.clients.qbittorrent import AUTH_RETRY_AFTER, QbittorrentClient
from custom_components.mediahub.hub.errors import (
    AuthenticationError,
    InvalidInputError,
    ServiceUnavailableError,
)
from custom_components.mediahub.sidecar import sse
from tests.simulators.prowlarr import ProwlarrSimulator, SimRelease
from tests.support.qbittorrent import QbtInstance, free_port

from .conftest import RigFactory


async def test_qbittorrent_refuses_a_broken_torrent_clearly(qbittorrent: QbtInstance) -> None:
    client = QbittorrentClient(qbittorrent.url, qbittorrent.username, qbittorrent.password)
    with pytest.raises(InvalidInputError) as err:
        await client.add(torrent=b"d4:spam4:eggse", infohash="0" * 40)
    assert err.value.code in ("invalid_torrent", "add_failed")
    assert await asyncio.to_thread(qbittorrent.torrents) == []


async def test_categories_with_another_folder_are_corrected(qbittorrent: QbtInstance) -> None:
    client = QbittorrentClient(qbittorrent.url, qbittorrent.username, qbittorrent.password)
    await asyncio.to_thread(
        qbittorrent.api,
        "POST",
        "torrents/createCategory",
        data={"category": "movies", "savePath": "/elsewhere"},
    )
    await client.ensure_categories({"movies": "/media/movies", "tv": "/media/tv"})
    await client.ensure_categories({"movies": "/media/movies", "tv": "/media/tv"})  # idempotent
    categories = (await asyncio.to_thread(qbittorrent.api, "GET", "torrents/categories")).json()
    assert {n: c["savePath"].rstrip("/") for n, c in categories.items()} == {
        "movies": "/media/movies",
        "tv": "/media/tv",
    }


async def test_the_login_guard_tries_again_after_its_window(qbittorrent5: QbtInstance) -> None:
    now = [0.0]
    client = QbittorrentClient(
        qbittorrent5.url, qbittorrent5.username, "wrong", clock=lambda: now[0]
    )
    with pytest.raises(AuthenticationError):
        await client.login()
    client._client._password = qbittorrent5.password
    with pytest.raises(AuthenticationError):  # still inside the window: qBittorrent is not asked
        await client.login()
    now[0] += AUTH_RETRY_AFTER + 1
    assert (await client.login()).startswith("v5")
    client.reset_auth_guard()


async def test_add_torrent_from_a_url(
    qbittorrent5: QbtInstance, make_rig: RigFactory, prowlarr_sim: ProwlarrSimulator
) -> None:
    rig = await make_rig(qbittorrent5)
    release = SimRelease("Cosmos Laundromat 2015", category=2000)
    prowlarr_sim.add_indexer("Files", releases=[release])
    async with (
        aiohttp.ClientSession() as http,
        http.get(
            f"{prowlarr_sim.url}/api/v1/search",
            params={"query": "cosmos"},
            headers={"X-Api-Key": prowlarr_sim.api_key},
        ) as response,
    ):
        link = (await response.json())[0]["downloadUrl"]
    result = await rig.engine.downloads.add_torrent(link, category="movies")
    assert (result.hash, result.name, result.queued) == (
        release.infohash,
        "Cosmos Laundromat 2015",
        False,
    )
    with pytest.raises(InvalidInputError) as err:
        await rig.engine.downloads.add_torrent(
            f"{prowlarr_sim.url}/1/download?apikey={prowlarr_sim.api_key}&link=nope"
        )
    assert err.value.code == "fetch_failed"
    with pytest.raises(InvalidInputError) as err:  # Prowlarr's host, but not Prowlarr
        await rig.engine.downloads.add_torrent(f"http://127.0.0.1:{free_port()}/x.torrent")
    assert err.value.code == "url_not_allowed"


async def test_proxy_answers_other_than_a_torrent(prowlarr_sim: ProwlarrSimulator) -> None:
    async def gone(request: web.Request) -> web.Response:
        return web.Response(status=410, text='<error code="410" />')

    async def refused(request: web.Request) -> web.Response:
        return web.Response(status=401)

    app = web.Application()
    app.router.add_get("/1/download", gone)
    app.router.add_get("/2/download", refused)
    runner = web.AppRunner(app)
    await runner.setup()
    port = free_port()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    try:
        async with aiohttp.ClientSession() as session:
            client = ProwlarrClient(session, f"http://127.0.0.1:{port}", "key", timeout=10)
            with pytest.raises(ServiceUnavailableError) as err:
                await client.fetch_torrent("http://prowlarr:9696/1/download?apikey=key&link=x")
            assert "410" in err.value.reason and "apikey" not in str(err.value)
            with pytest.raises(AuthenticationError):
                await client.fetch_torrent("http://prowlarr:9696/2/download?apikey=key")
            with pytest.raises(ServiceUnavailableError):
                await client.version()  # 404 at /api/v1/system/status
            closed = ProwlarrClient(session, f"http://127.0.0.1:{free_port()}", "key", timeout=10)
            with pytest.raises(ServiceUnavailableError):
                await closed.fetch_torrent("http://x/1/download")
    finally:
        await runner.cleanup()


async def test_a_panel_client_that_falls_behind_is_dropped(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sse, "QUEUE_SIZE", 4)
    monkeypatch.setattr(sse, "KEEPALIVE", 0.05)
    broker = sse.Broker()
    counts: list[int] = []
    broker.on_clients_changed = counts.append

    async def stream(request: web.Request) -> web.StreamResponse:
        return await broker.serve(request, sse.Opening(sse.encode("snapshot", {})))

    app = web.Application()
    app.router.add_get("/events", stream)
    runner = web.AppRunner(app)
    await runner.setup()
    port = free_port()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    try:
        async with (
            aiohttp.ClientSession() as http,
            http.get(f"http://127.0.0.1:{port}/events") as response,
        ):
            first = await response.content.readuntil(b"\n\n")
            assert first.startswith(b"event: snapshot")
            assert await response.content.readuntil(b"\n\n") == b": keep-alive\n\n"
            await asyncio.to_thread(lambda: None)
            for number in range(50):  # faster than the stream is drained: the client is dropped
                broker.publish("downloads", {"n": number})
            body = await asyncio.wait_for(response.content.read(), 5)
            assert body.count(b"event: downloads") < 50
        assert broker.clients == 0
        assert counts[0] == 1 and counts[-1] == 0
    finally:
        await runner.cleanup()
