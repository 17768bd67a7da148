"""MediaHub's actions, end to end against real qBittorrent and the simulators."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path
from typing import Any

from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
import probatio as vol
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.mediahub.const import (
    DOMAIN,
    EVENT_DOWNLOAD_ADDED,
    EVENT_DOWNLOAD_COMPLETED,
    EVENT_RELEASE_REFUSED,
    EVENT_SCAN_REQUESTED,
)
from tests.simulators.plex import PlexSimulator, Refresh
from tests.simulators.prowlarr import ProwlarrSimulator, SimRelease
from tests.support.qbittorrent import (
    QbtInstance,
    SeededTorrent,
    connect_to_seeder,
    make_torrent,
)
from tests.support.wait import until

from .helpers import call, capture


async def test_search_grab_complete_and_scan_through_actions(
    stack_hass: HomeAssistant,
    loaded_entry: MockConfigEntry,
    qbittorrent5: QbtInstance,
    seeded: Callable[..., SeededTorrent],
    prowlarr_sim: ProwlarrSimulator,
    plex_sim: PlexSimulator,
) -> None:
    hass = stack_hass
    torrent = await asyncio.to_thread(seeded, "Dune.2021.1080p", 3 * 1024 * 1024, folder=True)
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
    added, completed, scans = (
        capture(hass, e)
        for e in (EVENT_DOWNLOAD_ADDED, EVENT_DOWNLOAD_COMPLETED, EVENT_SCAN_REQUESTED)
    )

    found = await call(hass, "search", loaded_entry, query="dune 2021", category="movies")
    assert [r["title"] for r in found["results"]] == ["Dune 2021 1080p BluRay"]
    best = found["results"][0]
    assert isinstance(best["size"], int) and best["seeders"] == 900 and best["category"] == "movies"
    # What the name says, the score and the verdict ride along.
    assert best["quality"]["title"] == "Dune" and best["quality"]["year"] == 2021
    assert (best["chips"], best["passes"], best["reasons"]) == (["1080p", "BluRay"], True, [])
    assert isinstance(best["score"], int)
    assert {s["name"]: s["state"] for s in found["indexers"]}["Seeds"] == "ok"
    assert prowlarr_sim.api_key not in str(found)

    grabbed = await call(hass, "grab", loaded_entry, release_id=best["id"])
    assert grabbed == {
        "hash": torrent.infohash,
        "name": "Dune.2021.1080p",
        "category": "movies",
        "queued": False,
        "origin": "automation",  # no person in the call's context
    }
    await asyncio.to_thread(connect_to_seeder, qbittorrent5, torrent)
    await until(lambda: bool(completed) and bool(scans), "the completed and scan events")

    assert [e.data["hash"] for e in added] == [torrent.infohash]
    done = completed[0].data
    assert (done["name"], done["category"], done["size"]) == (
        "Dune.2021.1080p",
        "movies",
        len(torrent.payload),
    )
    # Organized for Plex (on by default) before it counts as complete.
    assert done["plex_path"] == "/data/movies/Dune (2021)"
    assert scans[0].data["library"] == "Movies"
    assert plex_sim.refreshes == [Refresh("1", "/data/movies/Dune (2021)", False)]

    # The scan is marked in qBittorrent just after Plex was asked: wait for that, not a time.
    downloads = loaded_entry.runtime_data.engine.downloads
    await until(
        lambda: downloads.snapshot().downloads[torrent.infohash].scan_sent,
        "the scan marked in qBittorrent",
    )
    listed = await call(hass, "list_downloads", loaded_entry)
    item = listed["downloads"][torrent.infohash]
    assert item["progress"] == 1.0 and item["scan_sent"] is True and isinstance(item["size"], int)
    assert (item["stage"], item["grabbed_by"]) == ("scan_sent", "automation")
    assert (await call(hass, "list_downloads", loaded_entry, status="downloading"))[
        "downloads"
    ] == {}


async def test_control_actions(
    stack_hass: HomeAssistant, loaded_entry: MockConfigEntry, qbittorrent5: QbtInstance
) -> None:
    hass = stack_hass
    found = await call(hass, "search", loaded_entry, query="S05E02")
    result = await call(
        hass, "grab", loaded_entry, release_id=found["results"][0]["id"], category="tv"
    )
    infohash = result["hash"]
    runtime = loaded_entry.runtime_data
    await until(
        lambda: infohash in runtime.engine.downloads.model.torrents, "qBittorrent to list the grab"
    )

    await call(hass, "pause", loaded_entry, hash=infohash)
    await until(
        lambda: runtime.engine.downloads.snapshot().downloads[infohash].status == "stopped",
        "the download stopped",
    )
    await call(hass, "resume", loaded_entry, hash=infohash)
    await until(
        lambda: runtime.engine.downloads.snapshot().downloads[infohash].status != "stopped",
        "the download resumed",
    )
    await call(hass, "remove", loaded_entry, hash=infohash, delete_files=True)
    assert await asyncio.to_thread(qbittorrent5.torrents) == []
    again = await call(hass, "redownload", loaded_entry, hash=infohash)
    assert again["hash"] == infohash and again["category"] == "tv"
    magnet = "magnet:?xt=urn:btih:0123456789abcdef0123456789abcdef01234567&dn=Public+Domain+Film"
    added = await call(hass, "add_torrent", loaded_entry, source=magnet, category="movies")
    assert added["hash"] == "0123456789abcdef0123456789abcdef01234567"
    hashes = {t["hash"] for t in await asyncio.to_thread(qbittorrent5.torrents)}
    assert hashes == {infohash, added["hash"]}
    await call(hass, "scan_library", loaded_entry, library="Movies", path="/data/movies/Some Film")


@pytest.mark.parametrize(
    ("action", "data", "key"),
    [
        ("grab", {"release_id": "nope"}, "unknown_release"),
        ("add_torrent", {"source": "magnet:?xt=urn:btih:xyz"}, "invalid_magnet"),
        ("add_torrent", {"source": "file:///etc/passwd"}, "invalid_source"),
        # The URL rules of the panel (hub/urlfetch.py): nothing inside this machine or network.
        ("add_torrent", {"source": "http://127.0.0.1:9/x.torrent"}, "url_not_allowed"),
        ("add_torrent", {"source": "http://169.254.169.254/latest/meta-data/"}, "url_not_allowed"),
        (
            "add_torrent",
            {
                "source": "magnet:?xt=urn:btih:0123456789abcdef0123456789abcdef01234567",
                "category": "anime",
            },
            "unknown_category",
        ),
        ("pause", {"hash": "abc"}, "invalid_hash"),
        ("resume", {"hash": "f" * 40}, "unknown_download"),
        ("remove", {"hash": "f" * 40}, "unknown_download"),
        ("redownload", {"hash": "e" * 40}, "no_stored_torrent"),
        ("scan_library", {"library": "Cartoons"}, "unknown_library"),
        ("scan_library", {"library": "Movies", "path": "/etc"}, "path_outside_library"),
    ],
)
async def test_bad_input_is_a_translated_validation_error(
    stack_hass: HomeAssistant,
    loaded_entry: MockConfigEntry,
    qbittorrent5: QbtInstance,
    action: str,
    data: dict[str, Any],
    key: str,
) -> None:
    with pytest.raises(ServiceValidationError) as err:
        await call(stack_hass, action, loaded_entry, **data)
    assert err.value.translation_key == key
    assert err.value.translation_domain == DOMAIN
    # What the translation fills in are values (a name, a path), never the engine's English.
    assert not {"message", "reason"} & set(err.value.translation_placeholders or {})
    assert await asyncio.to_thread(qbittorrent5.torrents) == []


async def test_schema_and_entry_errors(
    stack_hass: HomeAssistant, loaded_entry: MockConfigEntry
) -> None:
    with pytest.raises(vol.Invalid):
        await call(stack_hass, "search", loaded_entry, query="x", category="anime")
    with pytest.raises(ServiceValidationError) as err:
        await stack_hass.services.async_call(
            DOMAIN,
            "search",
            {"config_entry_id": "missing", "query": "x"},
            blocking=True,
            return_response=True,
        )
    assert err.value.translation_key == "service_config_entry_not_found"
    await stack_hass.config_entries.async_unload(loaded_entry.entry_id)
    with pytest.raises(ServiceValidationError) as err:
        await call(stack_hass, "search", loaded_entry, query="x")
    assert err.value.translation_key == "service_config_entry_not_loaded"


async def test_a_service_away_is_a_home_assistant_error(
    stack_hass: HomeAssistant,
    loaded_entry: MockConfigEntry,
    prowlarr_sim: ProwlarrSimulator,
    plex_sim: PlexSimulator,
) -> None:
    prowlarr_sim.available = False
    loaded_entry.runtime_data.engine.search._indexers = None  # forget the cached indexer list
    with pytest.raises(HomeAssistantError) as err:
        await call(stack_hass, "search", loaded_entry, query="x")
    assert err.value.translation_key == "service_unavailable"
    plex_sim.available = False
    with pytest.raises(HomeAssistantError):
        await stack_hass.services.async_call(
            "button", "press", {"entity_id": "button.plex_media_server_scan_movies"}, blocking=True
        )


async def test_grab_best_with_profile_changes_and_its_refusals(
    stack_hass: HomeAssistant,
    loaded_entry: MockConfigEntry,
    qbittorrent5: QbtInstance,
    prowlarr_sim: ProwlarrSimulator,
) -> None:
    hass = stack_hass
    gb = 1024**3
    prowlarr_sim.add_indexer(
        "Films",
        releases=[
            SimRelease("Arrival.2016.1080p.BluRay.x264-SPARKS", size=9 * gb, seeders=200),
            SimRelease(
                "Arrival.2016.2160p.UHD.BluRay.REMUX.HDR.HEVC-FGT", size=58 * gb, seeders=90
            ),
            SimRelease("Blade.Runner.2049.2017.HDCAM.x264-NOGRP", seeders=4000),
            SimRelease("Blade.Runner.2049.2017.720p.WEBRip.x264-YTS", size=gb, seeders=1),
        ],
    )
    searched = await call(hass, "search", loaded_entry, query="arrival", category="movies")
    remux = next(r for r in searched["results"] if "REMUX" in r["title"])
    assert remux["passes"] is False
    assert [r["text"] for r in remux["reasons"]] == ["too big: 58.0 GB > 20.0 GB"]
    assert searched["results"][0]["title"] == "Arrival.2016.1080p.BluRay.x264-SPARKS"

    # For this grab only: 2160p preferred, up to 80 GB.
    best = await call(
        hass,
        "grab_best",
        loaded_entry,
        query="arrival",
        category="movies",
        profile={"preferred_resolution": "2160p", "max_size_gb": 80},
    )
    assert best["release"]["title"] == "Arrival.2016.2160p.UHD.BluRay.REMUX.HDR.HEVC-FGT"
    assert best["summary"] == "Arrival (2016), 2160p Remux, 58.0 GB, 90 seeders"
    assert best["origin"] == "automation" and best["category"] == "movies"
    # The stored profile did not change.
    assert (await loaded_entry.runtime_data.engine.profiles.get("movies")).max_size_gb == 20.0

    with pytest.raises(ServiceValidationError) as refused:
        await call(hass, "grab_best", loaded_entry, query="blade runner 2049", category="movies")
    # Translated by the best candidate's first broken rule, from values only.
    assert refused.value.translation_key == "no_acceptable_release_few_seeders"
    placeholders = refused.value.translation_placeholders or {}
    assert {k: placeholders[k] for k in ("release", "seeders", "minimum")} == {
        "release": "Blade.Runner.2049.2017.720p.WEBRip.x264-YTS",
        "seeders": "1",
        "minimum": "3",
    }
    assert str(refused.value).endswith(
        "the best, Blade.Runner.2049.2017.720p.WEBRip.x264-YTS, has 1 seeders, fewer than 3"
    )

    with pytest.raises(ServiceValidationError) as invalid:
        await call(
            hass, "grab_best", loaded_entry, query="arrival", profile={"min_seeders": "many"}
        )
    assert invalid.value.translation_key == "invalid_profile"
    assert "min_seeders" in str(invalid.value)
    torrents = await asyncio.to_thread(qbittorrent5.torrents)
    assert [t["name"] for t in torrents] == ["Arrival.2016.2160p.UHD.BluRay.REMUX.HDR.HEVC-FGT"]


async def test_a_release_holding_an_executable_is_refused_with_an_event(
    stack_hass: HomeAssistant,
    loaded_entry: MockConfigEntry,
    qbittorrent5: QbtInstance,
    prowlarr_sim: ProwlarrSimulator,
    tmp_path: Path,
) -> None:
    hass = stack_hass
    name = "Wicked.2024.1080p.WEB-DL.x264"
    data, _, infohash = make_torrent(
        tmp_path, name, 0, files={"Wicked.2024.1080p.WEB-DL.x264.mkv.exe": 300_000}
    )
    prowlarr_sim.add_indexer(
        "Films", releases=[SimRelease(name, category=2040, torrent=data, infohash=infohash)]
    )
    refused = capture(hass, EVENT_RELEASE_REFUSED)
    found = await call(hass, "search", loaded_entry, query="wicked", category="movies")
    [release] = [r for r in found["results"] if r["title"] == name]
    with pytest.raises(ServiceValidationError) as error:
        await call(hass, "grab", loaded_entry, release_id=release["id"])
    assert error.value.translation_key == "release_refused"
    assert error.value.translation_placeholders["file"] == "Wicked.2024.1080p.WEB-DL.x264.mkv.exe"
    await hass.async_block_till_done()
    [event] = refused
    assert (event.data["hash"], event.data["reason"]) == (
        infohash,
        "contains Wicked.2024.1080p.WEB-DL.x264.mkv.exe",
    )
    # An automation can say it in its own words: the refusal's translation key and the file.
    assert (event.data["code"], event.data["file"]) == (
        "release_refused",
        "Wicked.2024.1080p.WEB-DL.x264.mkv.exe",
    )
    assert await asyncio.to_thread(qbittorrent5.torrents) == []
