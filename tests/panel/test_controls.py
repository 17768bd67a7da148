"""The panel's controls over HTTP, against real qBittorrent: a .torrent upload (and what is
refused), a duplicate named, limits and slow mode, pause and resume all, and the guards' state
on the events stream."""

from __future__ import annotations

import asyncio
import io
from pathlib import Path
from typing import Any

from tests.support.qbittorrent import QbtInstance, hours_away_from_now, make_torrent
from tests.support.wait import until

from .conftest import Sidecar

KIB = 1024


async def upload(
    sidecar: Sidecar, data: bytes, query: str = "", content_type: str = "application/x-bittorrent"
) -> tuple[int, Any]:
    async with sidecar.http.post(
        f"{sidecar.url}/api/downloads/torrent{query}",
        data=io.BytesIO(data),
        headers={**sidecar.origin, "Content-Type": content_type},
    ) as response:
        return response.status, await response.json()


async def test_a_torrent_file_is_added_once_and_bad_ones_add_nothing(
    sidecar: Sidecar, qbittorrent5: QbtInstance, tmp_path: Path
) -> None:
    torrent, _, infohash = make_torrent(tmp_path / "made", "Heat.1995.1080p.mkv", 64 * KIB)
    status, body = await upload(sidecar, torrent, "?category=movies")
    assert status == 201, body
    assert (body["hash"], body["category"]) == (infohash, "movies")
    await sidecar.panel.poll_once()

    status, body = await upload(sidecar, torrent)
    assert status == 409
    assert body["error"]["code"] == "already_added"
    assert body["error"]["values"] == {"name": "Heat.1995.1080p.mkv", "hash": infohash}

    for data, query, want in (
        (b"<html>not a torrent</html>", "", (400, "invalid_torrent")),
        (torrent, "?category=nonsense", (404, "unknown_category")),
        (b"d" * (20 * 1024 * 1024 + 1), "", (413, "torrent_too_large")),
    ):
        status, body = await upload(sidecar, data, query)
        assert (status, body["error"]["code"]) == want
    # Only this route takes a non-JSON body, and only a .torrent one.
    status, body = await upload(sidecar, torrent, content_type="text/plain")
    assert (status, body["error"]["code"]) == (415, "json_required")
    async with sidecar.http.post(
        f"{sidecar.url}/api/downloads",
        data=torrent,
        headers={**sidecar.origin, "Content-Type": "application/x-bittorrent"},
    ) as response:
        assert response.status == 415
    # A cross-site form cannot send it: no header, no same origin.
    async with sidecar.http.post(
        f"{sidecar.url}/api/downloads/torrent",
        data=torrent,
        headers={"Content-Type": "application/x-bittorrent", "Origin": "http://evil.example"},
    ) as response:
        assert response.status == 403
    assert [t["hash"] for t in qbittorrent5.torrents()] == [infohash]

    status, body = await sidecar.post(
        "/api/downloads", {"magnet": f"magnet:?xt=urn:btih:{infohash}"}
    )
    assert (status, body["error"]["code"]) == (409, "already_added")


async def test_limits_slow_mode_and_everything_at_once(
    sidecar: Sidecar, qbittorrent5: QbtInstance, tmp_path: Path
) -> None:
    await sidecar.panel.poll_once()
    status, body = await sidecar.get("/api/bandwidth")
    assert status == 200
    assert set(body["bandwidth"]) >= {"alt_speed", "download_limit", "schedule"}

    start, end = hours_away_from_now()
    changes = {
        "download_limit": 800 * KIB,
        "schedule": {"enabled": True, "from_hour": start, "to_hour": end},
    }
    status, body = await sidecar.post("/api/bandwidth", changes)
    assert status == 200, body
    assert body["bandwidth"]["download_limit"] == 800 * KIB
    assert body["bandwidth"]["schedule"]["from_hour"] == start
    prefs = qbittorrent5.api("GET", "app/preferences").json()
    assert (prefs["dl_limit"], prefs["scheduler_enabled"], prefs["schedule_from_hour"]) == (
        800 * KIB,
        True,
        start,
    )
    status, body = await sidecar.post("/api/bandwidth", {"download_limit": -5})
    assert (status, body["error"]["code"]) == (400, "invalid_bandwidth")
    assert qbittorrent5.api("GET", "app/preferences").json()["dl_limit"] == 800 * KIB

    # Slow mode on: the open panel hears of it with the next poll. (The schedule goes off
    # first: qBittorrent applies a schedule a moment after it is saved, over a toggle.)
    off = {"alt_speed": False, "schedule": {"enabled": False}}
    assert (await sidecar.post("/api/bandwidth", off))[0] == 200
    stream = await sidecar.listen(
        "/api/events", lambda name, data: name == "bandwidth" and data["alt_speed"]
    )
    status, _ = await sidecar.post("/api/bandwidth", {"alt_speed": True})
    assert status == 200
    sidecar.panel.wake()
    events = await stream
    assert events[-1][1]["alt_speed"] is True
    assert qbittorrent5.api("GET", "transfer/speedLimitsMode").text.strip() == "1"

    for n in range(2):
        torrent, _, _ = make_torrent(tmp_path / "made", f"Nobody.Seeds.{n}.mkv", 64 * KIB)
        assert (await upload(sidecar, torrent))[0] == 201
    status, _ = await sidecar.post("/api/downloads/pause_all")
    assert status == 200
    await until(
        lambda: asyncio.to_thread(
            lambda: {t["state"] for t in qbittorrent5.torrents()} <= {"stoppedDL", "stoppedUP"}
        ),
        "every download paused",
    )
    await sidecar.panel.poll_once()
    status, _ = await sidecar.post("/api/downloads/resume_all")
    assert status == 200
    await until(
        lambda: asyncio.to_thread(
            lambda: not {t["state"] for t in qbittorrent5.torrents()} & {"stoppedDL", "stoppedUP"}
        ),
        "every download resumed",
    )
