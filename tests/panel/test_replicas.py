"""Two panel replicas (deploy/kubernetes runs the panel as a StatefulSet of two) against one real
qBittorrent: each is `python -m sidecar` as the image runs it, with its own state directory (its
pod's volume), the torrents store and the media shared (the data volume), a panel open on each.
Whatever the household does on either, qBittorrent is the one record: a film is grabbed once,
completes once, is organized and scanned once, and a wish is grabbed once (docs/pipeline.md)."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime
import hashlib
import os
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from custom_components.mediahub.hub.models import Stage
from tests.hub.conftest import PLEX_ROOT, rig_settings
from tests.simulators.plex import PlexSimulator, Refresh
from tests.simulators.prowlarr import ProwlarrSimulator, SimRelease
from tests.support.qbittorrent import QbtInstance, free_ports
from tests.support.sse import read_events
from tests.support.wait import until

from .test_kill import SidecarProcess

TITLE = "Carnival.of.Souls.1962.mkv"
WISHED = "Quiet Harbour 2026 1080p WEB-DL x264-GRP"


class Replica(SidecarProcess):
    """One panel pod: the sidecar process, its wishes watched every few tenths of a second."""

    def environment(self) -> dict[str, str]:
        return {
            **super().environment(),
            "MEDIAHUB_WATCH_MINUTES": str(self.settings.watch_minutes),
        }

    async def find(self, http: aiohttp.ClientSession, title: str) -> str:
        """Search, as the panel does, and the one release's id."""
        async with http.get(f"{self.url}/api/search?q={title}") as response:
            events = await read_events(response, lambda name, _data: name == "done", 500)
        [release] = [r for n, d in events if n == "results" for r in d["releases"]]
        return str(release["id"])

    @property
    def origin(self) -> dict[str, str]:
        return {"Origin": self.url, "X-MediaHub": "1", "Sec-Fetch-Site": "same-origin"}

    async def post(self, http: aiohttp.ClientSession, path: str, body: Any) -> tuple[int, Any]:
        async with http.post(self.url + path, json=body, headers=self.origin) as response:
            return response.status, await response.json()

    async def get(self, http: aiohttp.ClientSession, path: str) -> Any:
        async with http.get(self.url + path) as response:
            assert response.status == 200, await response.text()
            return await response.json()


@pytest.fixture
def replicas(
    qbittorrent5: QbtInstance,
    prowlarr_sim: ProwlarrSimulator,
    plex_sim: PlexSimulator,
    tmp_path: Path,
) -> Iterator[tuple[Replica, Replica]]:
    plex_sim.set_locations("1", f"{PLEX_ROOT}/movies")
    # Plex reads the same media volume: a scan of a film's folder lists it.
    plex_sim.media(PLEX_ROOT, tmp_path / "media")
    prowlarr_sim.add_indexer("Local", releases=[SimRelease(TITLE, category=2000, size=2048)])
    shared = replace(
        rig_settings(qbittorrent5, prowlarr_sim, plex_sim, tmp_path),
        organize=("movies",),  # renamed into Plex's naming: a rename done twice would show
        watch_minutes=0.01,
    )
    pair = tuple(
        Replica(
            replace(shared, state_dir=str(tmp_path / f"panel-{n}" / "state")),
            tmp_path / f"panel-{n}.log",
        )
        for n in (0, 1)
    )
    # Each its own port: two separate picks may hand out the same just-released one.
    for replica, port in zip(pair, free_ports(2), strict=True):
        replica.port, replica.url = port, f"http://127.0.0.1:{port}"
    yield pair[0], pair[1]
    for replica in pair:
        replica.stop()


def organized(qbt: QbtInstance, infohash: str) -> bool:
    """Marked organized, and qBittorrent lists the file under its new name."""
    [info] = qbt.api("GET", "torrents/info", params={"hashes": infohash}).json()
    files = qbt.api("GET", "torrents/files", params={"hash": infohash}).json()
    return "mediahub:organized" in str(info["tags"]) and [f["name"] for f in files] == [
        "Carnival of Souls (1962)/Carnival of Souls (1962).mkv"
    ]


def complete_in_place(qbt: QbtInstance, infohash: str) -> None:
    """The film's bytes (those `place_tiny` writes) at the path qBittorrent expects, then a
    recheck."""
    [info] = qbt.api("GET", "torrents/info", params={"hashes": infohash}).json()
    [file] = qbt.api("GET", "torrents/files", params={"hash": infohash}).json()
    path = Path(info["save_path"]) / file["name"]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(hashlib.sha256(TITLE.encode()).digest() * 64)
    qbt.api("POST", "torrents/recheck", data={"hashes": infohash})


def files_under(folder: Path) -> list[str]:
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())


def claims(qbt: QbtInstance) -> list[str]:
    return [c for c in qbt.api("GET", "torrents/categories").json() if "claim" in c]


async def test_two_replicas_grab_complete_organize_and_scan_a_film_once(
    replicas: tuple[Replica, Replica],
    qbittorrent5: QbtInstance,
    plex_sim: PlexSimulator,
    tmp_path: Path,
) -> None:
    first, second = replicas
    async with first.running() as http0, second.running() as http1:
        # Two people, one on each replica, find the same film and tap it at the same moment.
        found = await asyncio.gather(first.find(http0, TITLE), second.find(http1, TITLE))
        taps = await asyncio.gather(
            first.post(http0, "/api/downloads", {"release_id": found[0]}),
            second.post(http1, "/api/downloads", {"release_id": found[1]}),
        )
        # Each is told it is downloading, or (the other's add already in qBittorrent) that it
        # is already there, named.
        grabbed = [body for status, body in taps if status in (201, 202)]
        assert grabbed, taps
        infohash = grabbed[0]["hash"]
        for status, body in taps:
            if status in (201, 202):
                assert body["hash"] == infohash and body["queued"] is False
            else:
                assert (status, body["error"]["code"]) == (409, "already_added"), body
                assert body["error"]["values"]["hash"] == infohash

        # Both panels list it, downloading.
        for replica, http in ((first, http0), (second, http1)):

            async def listed(r: Replica = replica, h: aiohttp.ClientSession = http) -> bool:
                return await r.stage(h, infohash) is not None

            await replica.until_logged(listed, "the grab listed", timeout=60)
        # Organized for Plex while it downloads (renamed in qBittorrent, once, by whichever
        # replica claims it); then qBittorrent completes it: the file arrives where qBittorrent
        # now expects it, and a recheck finds it whole.
        await until(
            lambda: asyncio.to_thread(organized, qbittorrent5, infohash), "the film organized"
        )
        await asyncio.to_thread(complete_in_place, qbittorrent5, infohash)
        # Both panels follow it to Plex.
        for replica, http in ((first, http0), (second, http1)):

            async def available(r: Replica = replica, h: aiohttp.ClientSession = http) -> bool:
                return await r.stage(h, infohash) == Stage.AVAILABLE

            await replica.until_logged(available, "the film available in Plex", timeout=90)
        # The claims are let go once the step is marked (every process removes them).
        await until(
            lambda: asyncio.to_thread(lambda: claims(qbittorrent5) == []),
            "the claims let go",
            timeout=60,
        )
        downloads = [await r.get(h, "/api/downloads") for r, h in ((first, http0), (second, http1))]

    # One torrent in qBittorrent, grabbed from the panel, its steps each marked once.
    [torrent] = qbittorrent5.torrents()
    assert torrent["hash"] == infohash
    tags = str(torrent["tags"]).split(", ")
    assert sorted(t for t in tags if not t.startswith("mediahub:in-plex:")) == [
        "mediahub",
        "mediahub:organized",
        "mediahub:scan-sent",
        "mediahub:via:panel",
    ]
    assert len([t for t in tags if t.startswith("mediahub:in-plex:")]) == 1
    # Organized once: one file, under Plex's name, in the film's own folder.
    movies = Path(first.settings.categories["movies"])
    assert await asyncio.to_thread(files_under, movies) == [
        "Carnival of Souls (1962)/Carnival of Souls (1962).mkv"
    ]
    # Scanned once: one partial scan of exactly that folder; Plex lists one item.
    assert plex_sim.refreshes == [
        Refresh("1", f"{PLEX_ROOT}/movies/Carnival of Souls (1962)", False)
    ]
    assert len(plex_sim.items) == 1
    # Each panel shows the one download, available.
    for state in downloads:
        [shown] = [d for d in state["downloads"] if d["hash"] == infohash]
        assert shown.get("stage") == Stage.AVAILABLE
    # The .torrent was kept once, in the shared store.
    assert await asyncio.to_thread(files_under, Path(first.settings.torrents_dir)) == [
        f"{infohash}.json",
        f"{infohash}.torrent",
    ]


async def test_two_replicas_watching_one_wish_grab_it_once(
    replicas: tuple[Replica, Replica],
    qbittorrent5: QbtInstance,
    prowlarr_sim: ProwlarrSimulator,
) -> None:
    first, second = replicas
    async with first.running() as http0, second.running() as http1:
        status, body = await first.post(
            http0, "/api/wishes", {"title": "Quiet Harbour", "year": 2026, "category": "movies"}
        )
        assert status == 201, body
        wish_id = body["wish"]["id"]
        # The release appears on an indexer; both replicas' watchers look every cycle.
        prowlarr_sim.indexer("Local").releases.append(
            SimRelease(WISHED, category=2040, seeders=40, published=datetime.now(UTC))
        )

        async def grabbed_on_second() -> dict[str, Any] | None:
            wishes = (await second.get(http1, "/api/wishes"))["wishes"]
            [wish] = [w for w in wishes if w["id"] == wish_id]
            return wish if wish["state"] == "grabbed" else None

        wish = await until(
            grabbed_on_second, "the wish grabbed, seen on the other replica", timeout=90
        )
        # A cycle on each replica after the grab: each either holds the watch claim and finds
        # the wish grabbed, or finds the claim held; neither grabs again.
        for replica, http in ((first, http0), (second, http1)):
            status, report = await replica.post(http, "/api/wishes/watch", {})
            assert status == 200, report

    assert wish["grabbed"] == ["movie"]
    assert [h["release"] for h in wish["history"] if h["what"] == "grabbed"] == [WISHED]
    [torrent] = qbittorrent5.torrents()
    assert f"mediahub:wish:{wish_id}:movie" in str(torrent["tags"]).split(", ")
    assert os.path.basename(str(torrent["name"])).startswith("Quiet")
