"""`mediahub_available`: fired once per download when Plex lists it, also across a Home
Assistant restart, with its play links and a poster Home Assistant serves."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
import contextlib
from pathlib import Path

import aiohttp
from homeassistant.core import HomeAssistant
from homeassistant.helpers import issue_registry as ir
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator

from custom_components.mediahub.const import DOMAIN, EVENT_AVAILABLE
from custom_components.mediahub.hub.engine import MediaHub
from custom_components.mediahub.hub.errors import MediaHubError
from custom_components.mediahub.hub.models import Origin, Stage
from tests.simulators.plex import POSTER, PlexSimulator
from tests.simulators.prowlarr import ProwlarrSimulator, SimRelease
from tests.support.qbittorrent import QbtInstance, SeededTorrent, connect_to_seeder
from tests.support.wait import until

from .helpers import call, capture, sidecar_settings

FILMS = ("Arrival.2016.1080p.BluRay.x264-GRP", "Sicario.2015.1080p.BluRay.x264-GRP")


async def test_available_fires_once_per_download_across_restarts(
    stack_hass: HomeAssistant,
    loaded_entry: MockConfigEntry,
    qbittorrent5: QbtInstance,
    seeded: Callable[..., SeededTorrent],
    prowlarr_sim: ProwlarrSimulator,
    plex_sim: PlexSimulator,
    hass_client: ClientSessionGenerator,
    hass_client_no_auth: ClientSessionGenerator,
    tmp_path: Path,
) -> None:
    hass = stack_hass
    plex_sim.media("/data", tmp_path / "media")
    available = capture(hass, EVENT_AVAILABLE)
    torrents = [await asyncio.to_thread(seeded, name, 1024 * 1024, folder=True) for name in FILMS]
    prowlarr_sim.add_indexer(
        "Seeds",
        releases=[
            SimRelease(
                t.name,
                category=2040,
                size=len(t.payload),
                torrent=t.torrent_bytes,
                infohash=t.infohash,
            )
            for t in torrents
        ],
    )

    # The first through Home Assistant's own action.
    found = await call(hass, "search", loaded_entry, query="Arrival")
    await call(hass, "grab", loaded_entry, release_id=found["results"][0]["id"])
    await asyncio.to_thread(connect_to_seeder, qbittorrent5, torrents[0])
    await until(lambda: bool(available), "the first to be announced available", timeout=120)
    [event] = available
    key = next(iter(plex_sim.items))
    machine = plex_sim.machine_identifier
    assert {k: event.data[k] for k in ("hash", "label", "year", "library", "key")} == {
        "hash": torrents[0].infohash,
        "label": "Arrival (2016)",
        "year": 2016,
        "library": "Movies",
        "key": key,
    }
    assert event.data["play_app"] == (
        f"plex://preplay/?metadataKey=%2Flibrary%2Fmetadata%2F{key}&server={machine}"
    )
    assert event.data["play_web"].startswith(f"https://app.plex.tv/desktop/#!/server/{machine}/")
    poster = event.data["poster"]
    assert poster == f"/api/mediahub/posters/{loaded_entry.entry_id}/{key}"
    assert plex_sim.token not in str(event.data)
    client = await hass_client()
    response = await client.get(poster)
    assert (response.status, response.content_type) == (200, "image/png")
    assert await response.read() == POSTER
    assert (await client.get(f"/api/mediahub/posters/{loaded_entry.entry_id}/424242")).status == 404
    assert (await client.get(f"/api/mediahub/posters/not-an-entry/{key}")).status == 404
    assert (await (await hass_client_no_auth()).get(poster)).status == 401
    # The search action now marks it, as the panel does.
    again = await call(hass, "search", loaded_entry, query="Arrival")
    assert again["results"][0]["in_plex"] == {
        "key": key,
        "title": "Arrival (2016)",
        "resolution": "1080p",
    }
    assert again["results"][0]["downloading"] == 1.0
    state = hass.states.get("sensor.plex_media_server_ready_to_watch")
    assert state is not None and state.state == "1"
    assert state.attributes["items"][0]["label"] == "Arrival (2016)"

    # Home Assistant stops; the panel grabs the second, which Plex lists while it is away.
    assert await hass.config_entries.async_unload(loaded_entry.entry_id)
    async with aiohttp.ClientSession() as session:
        sidecar = MediaHub(sidecar_settings(loaded_entry, tmp_path), session)
        await sidecar.start()
        [release] = (await sidecar.search.search_all("Sicario")).releases
        await sidecar.downloads.grab(release.id, origin=Origin.PANEL)
        await asyncio.to_thread(connect_to_seeder, qbittorrent5, torrents[1])

        async def poll() -> None:  # as the panel polls (engine.poll)
            with contextlib.suppress(MediaHubError):
                await sidecar.poll()

        await until(
            lambda: sidecar.downloads.pipeline.stage(torrents[1].infohash) is Stage.AVAILABLE,
            "the sidecar to see the second in Plex",
            timeout=120,
            between=poll,
        )
        await sidecar.close()
    assert len(available) == 1

    # Back: the second is announced once, the first not again, however many polls follow.
    assert await hass.config_entries.async_setup(loaded_entry.entry_id)
    await hass.async_block_till_done()
    await until(lambda: len(available) == 2, "the second to be announced available")
    for _ in range(3):
        await loaded_entry.runtime_data.downloads.async_refresh()
    await hass.async_block_till_done()
    assert [e.data["label"] for e in available] == ["Arrival (2016)", "Sicario (2015)"]


async def test_a_download_plex_does_not_list_raises_a_repair_that_says_what_to_check(
    stack_hass: HomeAssistant,
    mock_entry: MockConfigEntry,
    qbittorrent5: QbtInstance,
    seeded: Callable[..., SeededTorrent],
    prowlarr_sim: ProwlarrSimulator,
    plex_sim: PlexSimulator,
    tmp_path: Path,
) -> None:
    hass = stack_hass
    # Not organized, so Plex's scanner cannot read the name; and little time allowed.
    entry = MockConfigEntry(
        domain=mock_entry.domain,
        entry_id=mock_entry.entry_id,
        title=mock_entry.title,
        unique_id=mock_entry.unique_id,
        data=dict(mock_entry.data),
        options={**mock_entry.options, "organize": "off", "plex_confirm_minutes": 0.02},
    )
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    plex_sim.media("/data", tmp_path / "media")
    torrent = await asyncio.to_thread(seeded, FILMS[0], 1024 * 1024, folder=True)
    prowlarr_sim.add_indexer(
        "Seeds",
        releases=[
            SimRelease(
                torrent.name,
                category=2040,
                size=len(torrent.payload),
                torrent=torrent.torrent_bytes,
                infohash=torrent.infohash,
            )
        ],
    )
    found = await call(hass, "search", entry, query="Arrival")
    await call(hass, "grab", entry, release_id=found["results"][0]["id"])
    await asyncio.to_thread(connect_to_seeder, qbittorrent5, torrent)
    issues = ir.async_get(hass)
    issue_id = f"downloads_not_in_plex_{entry.entry_id}"
    await until(
        lambda: issues.async_get_issue(DOMAIN, issue_id) is not None,
        "the repair issue about the download Plex does not list",
        timeout=120,
    )
    issue = issues.async_get_issue(DOMAIN, issue_id)
    assert issue is not None and issue.translation_placeholders is not None
    assert issue.translation_placeholders["names"] == FILMS[0]
    assert issue.translation_placeholders["plex_path"] == f"/data/movies/{FILMS[0]}/{FILMS[0]}.mkv"
    assert plex_sim.items == {}
    await hass.config_entries.async_unload(entry.entry_id)
