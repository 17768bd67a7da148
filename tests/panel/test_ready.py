"""The panel's "Ready to watch": a grab Plex lists arrives with its play links and a poster the
sidecar serves itself (Plex's token stays in the sidecar)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from custom_components.mediahub.hub.config import DEFAULT_ORGANIZED
from tests.hub.conftest import PLEX_ROOT
from tests.simulators.plex import POSTER, PlexSimulator
from tests.simulators.prowlarr import ProwlarrSimulator, SimRelease
from tests.support.qbittorrent import QbtInstance, SeededTorrent, connect_to_seeder
from tests.support.wait import until

from .conftest import serve, sidecar_settings

RELEASE = "Arrival.2016.1080p.BluRay.x264-GRP"


async def test_a_grab_plex_lists_is_ready_to_watch_with_play_links_and_a_poster(
    qbittorrent5: QbtInstance,
    prowlarr_sim: ProwlarrSimulator,
    plex_sim: PlexSimulator,
    seeded: Callable[..., SeededTorrent],
    tmp_path: Path,
) -> None:
    settings = replace(
        sidecar_settings(qbittorrent5, prowlarr_sim, plex_sim, tmp_path),
        organize=DEFAULT_ORGANIZED,
    )
    plex_sim.media(PLEX_ROOT, tmp_path / "media")
    torrent = await asyncio.to_thread(seeded, RELEASE, 2 * 1024 * 1024, folder=True)
    prowlarr_sim.add_indexer(
        "Seeds",
        releases=[
            SimRelease(
                RELEASE,
                category=2040,
                size=len(torrent.payload),
                torrent=torrent.torrent_bytes,
                infohash=torrent.infohash,
            )
        ],
    )
    async with serve(settings) as sidecar:
        engine = sidecar.panel.engine
        [release] = (await engine.search.search_all("arrival")).releases
        status, body = await sidecar.post("/api/downloads", {"release_id": release.id})
        assert status == 201, body
        await asyncio.to_thread(connect_to_seeder, qbittorrent5, torrent)
        stream = await sidecar.listen("/api/events", "ready")
        await until(
            lambda: sidecar.panel.feed.ready,
            "the download to be ready to watch",
            timeout=120,
            between=sidecar.panel.poll_once,
        )
        [(_name, pushed)] = [e for e in await stream if e[0] == "ready"]

        [item] = pushed["items"]
        [key] = plex_sim.items
        machine = plex_sim.machine_identifier
        assert (item["label"], item["library"], item["resolution"]) == (
            "Arrival (2016)",
            "Movies",
            "1080p",
        )
        assert item["play"] == {
            "web": f"https://app.plex.tv/desktop/#!/server/{machine}/details"
            f"?key=%2Flibrary%2Fmetadata%2F{key}",
            "app": f"plex://preplay/?metadataKey=%2Flibrary%2Fmetadata%2F{key}&server={machine}",
        }
        assert item["poster"] == f"/api/posters/{key}"
        status, state = await sidecar.get("/api/downloads")
        assert state["ready"] == [item]

        async with sidecar.http.get(sidecar.url + item["poster"]) as response:
            assert response.status == 200
            assert response.content_type == "image/png"
            assert response.headers["Cache-Control"] == "private, max-age=86400"
            assert await response.read() == POSTER
            assert plex_sim.token not in str(response.headers)
        # Only items in MediaHub's index: no other key, and nothing but digits, is fetched.
        for path in ("/api/posters/999999", "/api/posters/..%2Fidentity", "/api/posters/1x"):
            async with sidecar.http.get(sidecar.url + path) as response:
                assert response.status == 404
        assert plex_sim.token not in str(state) + str(pushed)
