"""The panel's release intelligence: assessed search results and the shared quality profile."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from tests.simulators.prowlarr import ProwlarrSimulator, SimRelease
from tests.support.qbittorrent import QbtInstance, SeededTorrent, connect_to_seeder
from tests.support.wait import until

from .conftest import Sidecar

GB = 1024**3


async def test_results_come_first_then_what_their_names_say(
    sidecar: Sidecar, prowlarr_sim: ProwlarrSimulator
) -> None:
    prowlarr_sim.add_indexer(
        "Films",
        releases=[
            SimRelease("Dune.Part.Two.2024.1080p.HDCAM.x264-AOC", seeders=4000),
            SimRelease(
                "Dune.Part.Two.2024.2160p.WEB-DL.DDP5.1.Atmos.DV.HDR.H.265-FLUX", size=18 * GB
            ),
            SimRelease("Dune.Part.Two.2024.1080p.WEB-DL.DDP5.1.H.264-FLUX", size=8 * GB, seeders=2),
        ],
    )
    events = await sidecar.sse("/api/search?q=dune%20part%20two&category=movies", until="done")
    names = [n for n, _ in events]
    # Each release arrives once as a result, before its assessment.
    assert names.index("results") < names.index("assessed")
    verdicts = {v["id"]: v for n, d in events if n == "assessed" for v in d["releases"]}
    releases = {r["id"]: r for n, d in events if n == "results" for r in d["releases"]}
    assert verdicts.keys() == releases.keys() and len(verdicts) >= 3
    by_title = {releases[i]["title"]: v for i, v in verdicts.items()}
    cam = by_title["Dune.Part.Two.2024.1080p.HDCAM.x264-AOC"]
    assert (cam["passes"], [r["text"] for r in cam["reasons"]]) == (False, ["CAM"])
    uhd = by_title["Dune.Part.Two.2024.2160p.WEB-DL.DDP5.1.Atmos.DV.HDR.H.265-FLUX"]
    assert uhd["chips"] == ["2160p", "WEB-DL", "HEVC", "DV"] and uhd["passes"] is True
    assert uhd["quality"]["title"] == "Dune Part Two" and uhd["quality"]["year"] == 2024
    few = by_title["Dune.Part.Two.2024.1080p.WEB-DL.DDP5.1.H.264-FLUX"]
    assert [r["text"] for r in few["reasons"]] == ["2 seeders < 3"]


async def test_the_profile_is_edited_in_the_panel_and_shared(
    sidecar: Sidecar, prowlarr_sim: ProwlarrSimulator
) -> None:
    status, body = await sidecar.get("/api/profiles")
    assert status == 200
    assert body["profiles"]["movies"]["max_size_gb"] == 20.0
    assert body["profiles"]["tv"]["max_size_gb"] == 4.0
    assert "1080p" in body["resolutions"] and "CAM" in body["sources"]

    status, saved = await sidecar.post(
        "/api/profiles/movies", {**body["profiles"]["movies"], "min_seeders": 10}
    )
    assert status == 200 and saved["profile"]["min_seeders"] == 10
    # It is kept in Prowlarr, which Home Assistant's MediaHub reads too.
    kept = [f for f in prowlarr_sim.custom_filters.values() if f["label"] == "movies"]
    assert [f["filters"][0]["min_seeders"] for f in kept] == [10]

    status, refused = await sidecar.post("/api/profiles/movies", {"max_size_gb": "huge"})
    assert status == 400 and refused["error"]["code"] == "invalid_profile"
    assert "max_size_gb" in refused["error"]["message"]
    status, unknown = await sidecar.post("/api/profiles/games", {})
    assert status == 404 and unknown["error"]["code"] == "unknown_category"
    assert (await sidecar.get("/api/profiles"))[1]["profiles"]["movies"]["min_seeders"] == 10

    # A change from another page (no same-origin proof) is refused.
    async with sidecar.http.post(
        f"{sidecar.url}/api/profiles/movies", json={"min_seeders": 0}
    ) as response:
        assert response.status == 403
    async with sidecar.http.delete(
        f"{sidecar.url}/api/profiles/movies", headers=sidecar.origin
    ) as response:
        assert response.status == 200
    assert (await sidecar.get("/api/profiles"))[1]["profiles"]["movies"]["min_seeders"] == 3


async def test_a_magnet_refused_by_its_file_check_is_said_in_the_panel(
    sidecar: Sidecar, qbittorrent5: QbtInstance, seeded: Callable[..., SeededTorrent]
) -> None:
    torrent = await asyncio.to_thread(
        seeded,
        "Moana.2.2024.1080p.WEB-DL.H264",
        files={"Moana.2.2024.1080p.WEB-DL.H264.mp4.lnk": 100_000},
    )
    listening = await sidecar.listen("/api/events", until="refused")
    status, _ = await sidecar.post(
        "/api/downloads",
        {"magnet": f"magnet:?xt=urn:btih:{torrent.infohash}&dn=Moana.2", "category": "movies"},
    )
    assert status == 201
    await until(lambda: asyncio.to_thread(qbittorrent5.torrents), "the magnet in qBittorrent")
    await asyncio.to_thread(connect_to_seeder, qbittorrent5, torrent)
    events = await asyncio.wait_for(listening, 90)
    name, data = events[-1]
    assert name == "refused"
    assert data["reason"] == "contains Moana.2.2024.1080p.WEB-DL.H264.mp4.lnk"
    # The panel says it in the user's language from these.
    assert (data["code"], data["file"]) == (
        "release_refused",
        "Moana.2.2024.1080p.WEB-DL.H264.mp4.lnk",
    )
    assert await asyncio.to_thread(qbittorrent5.torrents) == []
