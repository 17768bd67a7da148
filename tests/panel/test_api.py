"""The sidecar's API and its defences, against real qBittorrent and the simulators."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
import json
from typing import Any

import aiohttp
import pytest

from tests.simulators.plex import PlexSimulator
from tests.simulators.prowlarr import ProwlarrSimulator, SimRelease
from tests.support.qbittorrent import QbtInstance
from tests.support.wait import until

from .conftest import Sidecar


async def grab_first(sidecar: Sidecar, query: str) -> dict:  # type: ignore[type-arg]
    events = await sidecar.sse(f"/api/search?q={query}", until="done")
    releases = [r for name, data in events if name == "results" for r in data["releases"]]
    status, body = await sidecar.post("/api/downloads", {"release_id": releases[0]["id"]})
    assert status == 201, body
    return body


def listed_hashes(sidecar: Sidecar) -> Callable[[], Awaitable[list[str]]]:
    """What the panel's list holds now (its downloads' hashes)."""

    async def listed() -> list[str]:
        _, state = await sidecar.get("/api/downloads")
        return [d["hash"] for d in state["downloads"]]

    return listed


async def test_health_reports_each_dependency(
    sidecar: Sidecar, prowlarr_sim: ProwlarrSimulator
) -> None:
    await sidecar.panel.poll_once()
    status, body = await sidecar.get("/health")
    assert status == 200
    assert body["services"]["qbittorrent"]["available"] is True
    assert body["services"]["prowlarr"]["available"] is True
    assert body["services"]["plex"]["available"] is True
    prowlarr_sim.available = False
    status, body = await sidecar.get("/health")
    assert status == 200  # the panel itself still serves
    assert body["services"]["prowlarr"]["available"] is False


async def test_search_streams_indexer_status_then_results_then_done(
    sidecar: Sidecar, prowlarr_sim: ProwlarrSimulator
) -> None:
    prowlarr_sim.add_indexer(
        "Slow", latency=0.5, releases=[SimRelease("Series Title S05E02 720p", category=5040)]
    )
    prowlarr_sim.add_indexer("Broken", mode="error")
    events = await sidecar.sse("/api/search?q=S05E02&category=tv", until="done")
    names = [name for name, _ in events]
    assert names[:5] == ["indexer"] * 5  # every indexer pending first
    assert names[-1] == "done"
    finals = {d["name"]: d for n, d in events if n == "indexer" and d["state"] != "pending"}
    assert finals["Broken"]["state"] == "error"
    assert finals["Slow"]["state"] == "ok" and finals["Slow"]["count"] == 1
    releases = [r for n, d in events if n == "results" for r in d["releases"]]
    assert {"Series Title S05E02 720p", "Series Title S05E02 HDTV x264-Xclusive [eztv]"} <= {
        r["title"] for r in releases
    }
    text = json.dumps(events)
    assert (
        prowlarr_sim.api_key not in text and "downloadUrl" not in text and "/download?" not in text
    )


async def test_download_pause_resume_remove_redownload(
    sidecar: Sidecar, qbittorrent5: QbtInstance
) -> None:
    body = await grab_first(sidecar, "S05E02")
    infohash = body["hash"]
    # Listed once qBittorrent lists it: on a loaded machine its add may land a poll later.
    await until(listed_hashes(sidecar), "the grab in the list", between=sidecar.panel.poll_once)
    status, state = await sidecar.get("/api/downloads")
    assert [d["hash"] for d in state["downloads"]] == [infohash]
    assert state["qbittorrent"]["available"] is True
    for action in ("pause", "resume"):
        status, _ = await sidecar.post(f"/api/downloads/{infohash}/{action}")
        assert status == 200
    async with sidecar.http.delete(
        f"{sidecar.url}/api/downloads/{infohash}?delete_files=true", headers=sidecar.origin
    ) as response:
        assert response.status == 200
    assert await asyncio.to_thread(qbittorrent5.torrents) == []
    status, again = await sidecar.post(f"/api/downloads/{infohash}/redownload")
    assert (status, again["hash"]) == (201, infohash)
    status, err = await sidecar.post("/api/downloads/not-a-hash/pause")
    assert (status, err["error"]["code"]) == (400, "invalid_hash")
    status, err = await sidecar.post("/api/downloads", {"release_id": "gone"})
    assert (status, err["error"]["code"]) == (404, "unknown_release")
    status, err = await sidecar.post("/api/downloads", {"magnet": "magnet:?xt=urn:btih:zzz"})
    assert (status, err["error"]["code"]) == (400, "invalid_magnet")


async def test_a_grab_while_qbittorrent_is_down_is_queued_with_a_plain_message(
    sidecar: Sidecar, qbittorrent5: QbtInstance
) -> None:
    await asyncio.to_thread(qbittorrent5.stop)
    events = await sidecar.sse("/api/search?q=S05E02", until="done")
    release = next(r for n, d in events if n == "results" for r in d["releases"])
    status, body = await sidecar.post("/api/downloads", {"release_id": release["id"]})
    assert status == 202
    assert body["queued"] is True
    assert body["message"].startswith("qBittorrent is not reachable — your download is queued")
    await asyncio.to_thread(qbittorrent5.start)
    await until(
        lambda: asyncio.to_thread(qbittorrent5.torrents),
        "the queued grab to reach qBittorrent",
        between=sidecar.panel.poll_once,
    )
    assert [t["hash"] for t in await asyncio.to_thread(qbittorrent5.torrents)] == [body["hash"]]


async def test_libraries_and_scan(sidecar: Sidecar, plex_sim: PlexSimulator) -> None:
    status, body = await sidecar.get("/api/libraries")
    assert [lib["title"] for lib in body["libraries"]] == ["Movies", "TV Shows", "Music"]
    status, _ = await sidecar.post("/api/libraries/2/scan")
    assert status == 202
    assert [(r.section, r.path) for r in plex_sim.refreshes] == [("2", None)]
    status, body = await sidecar.get("/api/libraries")
    assert body["libraries"][1]["last_scan_requested"] is not None
    status, err = await sidecar.post("/api/libraries/99/scan")
    assert (status, err["error"]["code"]) == (404, "unknown_library")


async def test_events_stream_starts_with_a_snapshot_and_pushes_changes(sidecar: Sidecar) -> None:
    grabbed: list[str] = []

    def shows_the_grab(name: str, data: dict) -> bool:  # type: ignore[type-arg]
        return name == "downloads" and any(d["hash"] in grabbed for d in data["changed"])

    listener = await sidecar.listen("/api/events", until=shows_the_grab)
    grabbed.append((await grab_first(sidecar, "S05E02"))["hash"])
    events = await asyncio.wait_for(listener, 60)  # pushed by the poller, no request from us
    assert events[0][0] == "snapshot"
    assert events[-1][0] == "downloads"


def _first(_name: str, _data: object) -> bool:
    return True


async def test_a_panel_holding_the_current_state_is_not_sent_it_again(sidecar: Sidecar) -> None:
    """The page fetches the state beside its scripts, then opens the stream from its revision:
    the stream skips the snapshot it would repeat, and sends one if anything moved on."""
    await sidecar.panel.poll_once()

    async def opened_at_the_current_revision() -> tuple[Any, tuple[str, Any]] | None:
        _, state = await sidecar.get("/api/downloads")
        revision = state["revision"]
        [(name, data)] = await sidecar.sse(f"/api/events?since={revision}", until=_first)
        if name == "current":
            return revision, (name, data)
        assert data["revision"] != revision  # a snapshot only because the state moved on
        return None  # the poller moved the state on (free disk space) in between: again

    opened = await until(
        opened_at_the_current_revision, "a stream opened while the state stood still"
    )
    assert opened is not None
    revision, first = opened
    assert first == ("current", {"revision": revision})
    grabbed = (await grab_first(sidecar, "S05E02"))["hash"]
    await until(listed_hashes(sidecar), "the grab in the list", between=sidecar.panel.poll_once)
    [(name, snapshot)] = await sidecar.sse(f"/api/events?since={revision}", until=_first)
    assert name == "snapshot"
    assert [d["hash"] for d in snapshot["downloads"]] == [grabbed]
    assert snapshot["revision"] != revision


@pytest.mark.parametrize(
    ("headers", "body", "status", "code"),
    [
        ({"Origin": "http://evil.example", "X-MediaHub": "1"}, "json", 403, "cross_origin"),
        ({"Origin": "null", "X-MediaHub": "1"}, "json", 403, "cross_origin"),
        (
            {"X-MediaHub": "1", "Sec-Fetch-Site": "cross-site", "Origin": "SELF"},
            "json",
            403,
            "cross_origin",
        ),
        ({"Origin": "SELF"}, "json", 403, "missing_header"),
        ({"Origin": "SELF", "X-MediaHub": "1"}, "form", 415, "json_required"),
        ({"Origin": "SELF", "X-MediaHub": "1"}, "huge", 413, "too_large"),
        (
            {"Origin": "SELF", "X-MediaHub": "1", "Host": "rebind.evil.example:3000"},
            "json",
            421,
            "unknown_host",
        ),
    ],
)
async def test_hostile_requests_are_refused_and_change_nothing(
    sidecar: Sidecar,
    qbittorrent5: QbtInstance,
    headers: dict[str, str],
    body: str,
    status: int,
    code: str,
) -> None:
    magnet = "magnet:?xt=urn:btih:0123456789abcdef0123456789abcdef01234567"
    headers = {k: sidecar.url if v == "SELF" else v for k, v in headers.items()}
    kwargs: dict[str, object] = {
        "json": {"json": {"magnet": magnet}},
        "form": {"data": {"magnet": magnet}},
        "huge": {"json": {"magnet": magnet, "padding": "x" * 100_000}},
    }[body]
    async with sidecar.http.post(
        f"{sidecar.url}/api/downloads", headers=headers, **kwargs
    ) as response:  # type: ignore[arg-type]
        assert response.status == status
        assert (await response.json())["error"]["code"] == code
        assert "Access-Control-Allow-Origin" not in response.headers
    assert await asyncio.to_thread(qbittorrent5.torrents) == []


async def test_a_foreign_host_is_refused_even_for_reads(sidecar: Sidecar) -> None:
    async with sidecar.http.get(
        f"{sidecar.url}/api/downloads", headers={"Host": "attacker.example"}
    ) as response:
        assert response.status == 421
    async with sidecar.http.options(
        f"{sidecar.url}/api/downloads", headers={"Origin": "http://evil.example"}
    ) as response:
        assert response.status == 403
        assert "Access-Control-Allow-Origin" not in response.headers


async def test_security_headers_and_no_secret_anywhere(
    sidecar: Sidecar,
    prowlarr_sim: ProwlarrSimulator,
    plex_sim: PlexSimulator,
    qbittorrent5: QbtInstance,
) -> None:
    await grab_first(sidecar, "S05E02")
    await sidecar.panel.poll_once()
    bodies = []
    for path in ("/health", "/api/downloads", "/api/libraries", "/api/vpn", "/"):
        async with sidecar.http.get(sidecar.url + path) as response:
            csp = response.headers["Content-Security-Policy"]
            assert (
                "script-src 'self'" in csp
                and "frame-ancestors 'none'" in csp
                and "unsafe-inline" not in csp
            )
            assert response.headers["X-Content-Type-Options"] == "nosniff"
            assert response.headers["Referrer-Policy"] == "no-referrer"
            bodies.append(await response.text())
    events = await sidecar.sse("/api/events", until="snapshot")
    text = "".join(bodies) + json.dumps(events)
    for secret in (prowlarr_sim.api_key, plex_sim.token, qbittorrent5.password):
        assert secret not in text


async def test_searches_are_rate_limited(sidecar: Sidecar) -> None:
    statuses = []
    for _ in range(8):
        async with sidecar.http.get(f"{sidecar.url}/api/search?q=x") as response:
            statuses.append(response.status)
            await response.read()
    assert statuses[:6] == [200] * 6
    assert statuses[-1] == 429


async def test_bad_search_requests(sidecar: Sidecar) -> None:
    assert (await sidecar.get("/api/search?q="))[0] == 400
    status, body = await sidecar.get("/api/search?q=x&category=anime")
    assert (status, body["error"]["code"]) == (400, "unknown_category")
    async with (
        aiohttp.ClientSession() as http,
        http.post(
            f"{sidecar.url}/api/downloads",
            data=b"{not json",
            headers={**sidecar.origin, "Content-Type": "application/json"},
        ) as response,
    ):
        assert response.status == 400


async def test_the_panel_shows_qbittorrent_offline_then_live(
    sidecar: Sidecar, qbittorrent5: QbtInstance
) -> None:
    await sidecar.panel.poll_once()

    def back_online(name: str, data: dict) -> bool:  # type: ignore[type-arg]
        return name == "service" and data["available"]

    listener = await sidecar.listen("/api/events", until=back_online)
    await asyncio.to_thread(qbittorrent5.stop)
    await sidecar.panel.poll_once()
    _, state = await sidecar.get("/api/downloads")
    assert state["qbittorrent"] == {
        "available": False,
        "problem": "unreachable",
        "version": state["qbittorrent"]["version"],
    }
    await asyncio.to_thread(qbittorrent5.start)
    await sidecar.panel.poll_once()
    events = await asyncio.wait_for(listener, 60)
    services = [data for name, data in events if name == "service"]
    assert [s["available"] for s in services] == [False, True]


async def test_a_refused_password_is_said_plainly(sidecar: Sidecar) -> None:
    sidecar.panel.engine.qbittorrent._client._password = "wrong"
    sidecar.panel.engine.qbittorrent.version = None  # as at start: it logs in first
    await sidecar.panel.poll_once()
    _, state = await sidecar.get("/api/downloads")
    assert state["qbittorrent"]["problem"] == "auth_failed"
    _, health = await sidecar.get("/health")
    qbittorrent = health["services"]["qbittorrent"]
    assert (qbittorrent["available"], qbittorrent["problem"]) == (False, "auth_failed")
