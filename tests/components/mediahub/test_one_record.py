"""Home Assistant and the panel's sidecar on one qBittorrent: each completion is scanned once
and announced in Home Assistant once, whichever side grabbed it and whichever side was running
(docs/pipeline.md)."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import AsyncIterator
import contextlib
from datetime import timedelta
from pathlib import Path
from typing import Any

import aiohttp
from homeassistant.core import HomeAssistant
from homeassistant.util import dt as dt_util
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry, async_fire_time_changed

from custom_components.mediahub.announce import SAVE_DELAY
from custom_components.mediahub.const import EVENT_DOWNLOAD_ADDED, EVENT_DOWNLOAD_COMPLETED
from custom_components.mediahub.hub.engine import MediaHub
from custom_components.mediahub.hub.errors import MediaHubError
from custom_components.mediahub.hub.models import Origin
from tests.simulators.plex import PlexSimulator
from tests.simulators.prowlarr import ProwlarrSimulator, SimRelease
from tests.support.qbittorrent import QbtInstance, make_torrent
from tests.support.wait import until

from .helpers import call, capture, sidecar_settings


@pytest.fixture
def mock_entry(mock_entry: MockConfigEntry) -> MockConfigEntry:
    """The stack's entry with organizing off: these tests place release-named files
    themselves and follow them by those names (test_organize covers organizing)."""
    return MockConfigEntry(
        domain=mock_entry.domain,
        entry_id=mock_entry.entry_id,
        title=mock_entry.title,
        unique_id=mock_entry.unique_id,
        data=dict(mock_entry.data),
        options={**mock_entry.options, "organize": "off"},
    )


@pytest.fixture
async def sidecar(mock_entry: MockConfigEntry, tmp_path: Path) -> AsyncIterator[MediaHub]:
    async with (
        aiohttp.ClientSession() as session,
        MediaHub(sidecar_settings(mock_entry, tmp_path), session) as engine,
    ):
        yield engine


async def poll(engine: MediaHub) -> None:
    """The sidecar's poll, as its own loop makes it while Home Assistant polls on its own."""
    with contextlib.suppress(MediaHubError):
        await engine.downloads.refresh()


def check_in_parallel(qbt: QbtInstance) -> None:
    """qBittorrent checks one torrent's files at a time by default, about a second each."""
    qbt.api("POST", "app/setPreferences", data={"json": '{"max_active_checking_torrents": 100}'})


def offer(prowlarr: ProwlarrSimulator, media: Path, names: list[str], *, present: bool) -> None:
    """Releases whose data is already in the movies folder (they complete once added), or
    staged elsewhere (they wait at 0 % until `complete`)."""
    folder = media / "movies" if present else media.parent / "staged"
    releases = []
    for name in names:
        torrent, _payload, infohash = make_torrent(folder, name, 4096, folder=True)
        releases.append(
            SimRelease(name, category=2000, size=4096, torrent=torrent, infohash=infohash)
        )
    prowlarr.add_indexer("Local", releases=releases)


async def test_a_hundred_completions_with_both_running_scan_and_announce_once(
    loaded_entry: MockConfigEntry,
    stack_hass: HomeAssistant,
    sidecar: MediaHub,
    prowlarr_sim: ProwlarrSimulator,
    plex_sim: PlexSimulator,
    qbittorrent5: QbtInstance,
    tmp_path: Path,
) -> None:
    completed = capture(stack_hass, EVENT_DOWNLOAD_COMPLETED)
    await asyncio.to_thread(check_in_parallel, qbittorrent5)
    names = [f"Public.Domain.Film.{n:03d}.1950" for n in range(100)]
    await asyncio.to_thread(offer, prowlarr_sim, tmp_path / "media", names, present=True)
    in_panel = {r.title: r.id for r in (await sidecar.search.search_all("Public")).releases}
    found = await call(stack_hass, "search", loaded_entry, query="Public", limit=100)
    in_home_assistant = {r["title"]: r["id"] for r in found["results"]}
    for n, name in enumerate(names):
        if n % 2:  # the panel grabs the odd ones
            await sidecar.downloads.grab(in_panel[name], origin=Origin.PANEL)
        else:  # Home Assistant's actions the even ones
            await call(stack_hass, "grab", loaded_entry, release_id=in_home_assistant[name])

    await until(
        lambda: len(plex_sim.refreshes) >= 100 and len(completed) >= 100,
        "100 scans and 100 completed events",
        timeout=180,
        between=lambda: poll(sidecar),
    )
    runtime = loaded_entry.runtime_data
    for _ in range(3):  # more polls on both sides change nothing
        await poll(sidecar)
        await runtime.downloads.async_refresh()
    await stack_hass.async_block_till_done()

    scans = Counter(r.path for r in plex_sim.refreshes)
    assert len(plex_sim.refreshes) == 100
    assert set(scans) == {f"/data/movies/{name}" for name in names}
    assert Counter(e.data["hash"] for e in completed).most_common(1)[0][1] == 1
    assert len(completed) == 100
    by = Counter(e.data["grabbed_by"] for e in completed)
    assert by == {"panel": 50, "automation": 50}
    categories = await asyncio.to_thread(qbittorrent5.api, "GET", "torrents/categories")
    assert [c for c in categories.json() if "claim" in c] == []


async def test_panel_grabs_that_complete_while_home_assistant_is_stopped_are_announced_once(
    loaded_entry: MockConfigEntry,
    stack_hass: HomeAssistant,
    sidecar: MediaHub,
    prowlarr_sim: ProwlarrSimulator,
    qbittorrent5: QbtInstance,
    tmp_path: Path,
) -> None:
    added = capture(stack_hass, EVENT_DOWNLOAD_ADDED)
    completed = capture(stack_hass, EVENT_DOWNLOAD_COMPLETED)
    await asyncio.to_thread(check_in_parallel, qbittorrent5)
    names = [f"Panel.Grab.{n}.1959" for n in range(10)]
    await asyncio.to_thread(offer, prowlarr_sim, tmp_path / "media", names, present=False)
    hashes = []
    for n, name in enumerate(names):
        if n == 5:  # the second half is grabbed while Home Assistant is stopped
            await until(
                lambda: len(added) == 5,
                "Home Assistant to see five grabs",
                timeout=180,
                between=lambda: poll(sidecar),
            )
            assert await stack_hass.config_entries.async_unload(loaded_entry.entry_id)
        [release] = (await sidecar.search.search_all(name)).releases
        hashes.append((await sidecar.downloads.grab(release.id, origin=Origin.PANEL)).hash)

    # All ten complete, and the sidecar scans them, while Home Assistant is away.
    staged, movies = tmp_path / "staged", tmp_path / "media" / "movies"
    movies.mkdir(parents=True, exist_ok=True)
    for name in names:
        await asyncio.to_thread((staged / name).rename, movies / name)
    await asyncio.to_thread(
        qbittorrent5.api, "POST", "torrents/recheck", data={"hashes": "|".join(hashes)}
    )
    await until(
        lambda: all(sidecar.downloads.snapshot().downloads[h].scan_sent for h in hashes),
        "the sidecar to scan all ten",
        timeout=180,
        between=lambda: poll(sidecar),
    )
    assert completed == []

    assert await stack_hass.config_entries.async_setup(loaded_entry.entry_id)
    await stack_hass.async_block_till_done()
    assert sorted(e.data["hash"] for e in completed) == sorted(hashes)
    assert sorted(e.data["hash"] for e in added) == sorted(hashes)  # 5 before, 5 on return
    assert {e.data["grabbed_by"] for e in completed} == {"panel"}

    # Another restart: nothing is announced twice.
    assert await stack_hass.config_entries.async_reload(loaded_entry.entry_id)
    await stack_hass.async_block_till_done()
    await loaded_entry.runtime_data.downloads.async_refresh()
    await stack_hass.async_block_till_done()
    assert len(completed) == 10 and len(added) == 10


async def test_the_ledger_is_kept_from_the_first_start_and_goes_with_the_entry(
    stack_hass: HomeAssistant, mock_entry: MockConfigEntry, hass_storage: dict[str, Any]
) -> None:
    """Even a first start with nothing in qBittorrent keeps a ledger: otherwise the next start
    would take note silently again, and miss what completed in between."""
    key = f"mediahub.{mock_entry.entry_id}.announced"
    mock_entry.add_to_hass(stack_hass)
    assert await stack_hass.config_entries.async_setup(mock_entry.entry_id)
    # Written within its save delay, not only at a clean stop: a crash must not lose it.
    async_fire_time_changed(stack_hass, dt_util.utcnow() + timedelta(seconds=SAVE_DELAY + 1))
    await stack_hass.async_block_till_done()
    assert hass_storage[key]["data"] == {"downloads": {}}
    assert await stack_hass.config_entries.async_unload(mock_entry.entry_id)
    await stack_hass.config_entries.async_remove(mock_entry.entry_id)
    await stack_hass.async_block_till_done()
    assert key not in hass_storage
