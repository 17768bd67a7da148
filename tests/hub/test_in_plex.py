"""Confirmed in Plex: after the scan, a download becomes available once Plex lists it (heard on
Plex's websocket, or read from its newest items), or not in Plex when it never does."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
import contextlib
from typing import Any

import aiohttp
import pytest

from custom_components.mediahub.hub.config import DEFAULT_ORGANIZED
from custom_components.mediahub.hub.events import DownloadAvailable, DownloadNotInPlex
from custom_components.mediahub.hub.library.marks import AlreadyInPlexError
from custom_components.mediahub.hub.models import Origin, Stage
from custom_components.mediahub.hub.wire import marks_json
from tests.simulators.plex import ScanPace
from tests.simulators.prowlarr import SimRelease
from tests.support.qbittorrent import QbtInstance, SeededTorrent, connect_to_seeder
from tests.support.wait import until

from .conftest import PLEX_ROOT, Rig, RigFactory
from .test_pipeline import find, offer

RELEASE = "Arrival.2016.1080p.BluRay.x264-GRP"


@contextlib.asynccontextmanager
async def watching_plex(rig: Rig) -> AsyncIterator[None]:
    """The engine listening to Plex's websocket, as its hosts run it."""
    async with aiohttp.ClientSession() as session:
        task = asyncio.create_task(rig.engine.watch_plex(session))
        try:
            yield
        finally:
            rig.engine.plexwatch.close()
            await rig.plex.drop_websockets()
            await task


async def grab_and_complete(
    rig: Rig, qbt: QbtInstance, seeded: Callable[..., SeededTorrent]
) -> SeededTorrent:
    torrent = await asyncio.to_thread(seeded, RELEASE, 3 * 1024 * 1024, folder=True)
    offer(rig, torrent, RELEASE.replace(".", " "))
    await rig.engine.downloads.grab((await find(rig, "arrival")).id)
    await asyncio.to_thread(connect_to_seeder, qbt, torrent)
    return torrent


def stage(rig: Rig, infohash: str) -> Stage | None:
    return rig.engine.downloads.pipeline.stage(infohash)


async def test_a_scanned_download_becomes_available_when_plex_lists_it(
    qbittorrent5: QbtInstance, seeded: Callable[..., SeededTorrent], make_rig: RigFactory
) -> None:
    rig = await make_rig(qbittorrent5, organize=DEFAULT_ORGANIZED)
    rig.plex.media(PLEX_ROOT, rig.media)
    async with watching_plex(rig):
        await rig.poll_until(lambda: rig.engine.plexwatch.connected, what="the websocket")
        torrent = await grab_and_complete(rig, qbittorrent5, seeded)
        await rig.poll_until(
            lambda: stage(rig, torrent.infohash) is Stage.AVAILABLE, what="Plex to list it"
        )
    [item] = rig.plex.items.values()
    assert item.file == f"{PLEX_ROOT}/movies/Arrival (2016)/Arrival (2016).mkv"
    [event] = rig.of_type(DownloadAvailable)
    assert event.plex_key == item.key
    assert event.item is not None
    assert (event.item.title, event.item.year, event.item.type) == ("Arrival", 2016, "movie")
    assert event.download.hash == torrent.infohash
    view = rig.engine.downloads.snapshot().downloads[torrent.infohash]
    assert (view.stage, view.plex_key) == (Stage.AVAILABLE, item.key)
    assert f"mediahub:in-plex:{item.key}" in view.tags
    # Heard on the websocket: the item was read by its key, not found in a list of the newest.
    assert any(p.startswith(f"/library/metadata/{item.key}") for p in rig.plex.requests)
    assert not any("sort=addedAt" in p for p in rig.plex.requests)

    # Another MediaHub starting later reads the record from qBittorrent and Plex: available,
    # announced once it has read what Plex holds.
    await rig.engine.close()
    again = await make_rig(qbittorrent5, organize=DEFAULT_ORGANIZED)
    await again.poll_until(
        lambda: bool(again.of_type(DownloadAvailable)), what="the restarted engine's word"
    )
    [told] = again.of_type(DownloadAvailable)
    assert told.item is not None and told.item.key == item.key


async def test_available_follows_the_end_of_plexs_scan_not_a_poll_nor_its_metadata(
    qbittorrent5: QbtInstance, seeded: Callable[..., SeededTorrent], make_rig: RigFactory
) -> None:
    """Plex lists a new item from its scan on; its metadata comes much later. The download is
    available once Plex says the scan ended: the poll that word starts confirms it, with no
    read of Plex's newest items and before Plex has finished the item's metadata."""
    rig = await make_rig(qbittorrent5, organize=DEFAULT_ORGANIZED)
    rig.plex.media(PLEX_ROOT, rig.media)
    rig.plex.pace = ScanPace(metadata=600.0)  # the agent's match never comes in this test
    told = asyncio.Event()
    async with watching_plex(rig):
        await rig.poll_until(lambda: rig.engine.plexwatch.connected, what="the websocket")
        rig.engine.plexwatch.on_change = told.set  # as the hosts do: Plex spoke, poll now
        torrent = await grab_and_complete(rig, qbittorrent5, seeded)
        await rig.poll_until(
            lambda: stage(rig, torrent.infohash) in (Stage.SCAN_SENT, Stage.AVAILABLE),
            what="the scan to be asked for",
        )
        # From here the engine polls only when Plex speaks.
        while stage(rig, torrent.infohash) is not Stage.AVAILABLE:
            await until(told.is_set, "Plex's word", timeout=60, interval=0.02)
            told.clear()
            await rig.poll()
    said = [_said(m) for m in rig.plex.notified]
    assert ("activity", "library.update.section", "ended") in said
    assert ("timeline", 5) not in said  # Plex's metadata still to come
    [item] = rig.plex.items.values()
    [event] = rig.of_type(DownloadAvailable)
    assert (event.plex_key, event.item and event.item.title) == (item.key, "Arrival")
    assert any(p.startswith(f"/library/metadata/{item.key}") for p in rig.plex.requests)
    assert not any("sort=addedAt" in p for p in rig.plex.requests)


def _said(message: dict[str, Any]) -> tuple[object, ...]:
    container = message["NotificationContainer"]
    if container["type"] == "timeline":
        return ("timeline", container["TimelineEntry"][0]["state"])
    activity = container["ActivityNotification"][0]
    return ("activity", activity["Activity"]["type"], activity["event"])


async def test_without_the_websocket_the_newest_items_confirm_it(
    qbittorrent5: QbtInstance, seeded: Callable[..., SeededTorrent], make_rig: RigFactory
) -> None:
    rig = await make_rig(qbittorrent5, organize=DEFAULT_ORGANIZED)
    rig.plex.media(PLEX_ROOT, rig.media)
    torrent = await grab_and_complete(rig, qbittorrent5, seeded)
    await rig.poll_until(
        lambda: stage(rig, torrent.infohash) is Stage.AVAILABLE,
        timeout=90,
        what="Plex's newest items to list it",
    )
    assert any("sort=addedAt" in p for p in rig.plex.requests)


async def test_a_download_plex_never_lists_is_not_in_plex(
    qbittorrent5: QbtInstance, seeded: Callable[..., SeededTorrent], make_rig: RigFactory
) -> None:
    # Not organized: Plex's scanner cannot read "Arrival.2016.1080p.BluRay.x264-GRP".
    rig = await make_rig(qbittorrent5, plex_confirm_minutes=0.05)
    rig.plex.media(PLEX_ROOT, rig.media)
    torrent = await grab_and_complete(rig, qbittorrent5, seeded)
    await rig.poll_until(
        lambda: stage(rig, torrent.infohash) is Stage.NOT_IN_PLEX, what="the time allowed"
    )
    assert rig.plex.refreshes[0].path == f"{PLEX_ROOT}/movies/{RELEASE}"
    assert rig.plex.items == {}
    [event] = rig.of_type(DownloadNotInPlex)
    assert event.download.plex_path == f"{PLEX_ROOT}/movies/{RELEASE}"
    assert rig.of_type(DownloadAvailable) == []


async def test_results_are_marked_in_plex_and_grab_best_does_not_grab_what_plex_has(
    qbittorrent5: QbtInstance, seeded: Callable[..., SeededTorrent], make_rig: RigFactory
) -> None:
    rig = await make_rig(qbittorrent5)
    rig.plex.add_item("movie", "The Matrix", "1", year=1999, resolution="1080")
    # Plex's title differs from the release's; the id the indexer gives matches it.
    rig.plex.add_item(
        "movie", "Léon: The Professional", "1", year=1994, resolution="2160",
        ids=("imdb://tt0110413", "tmdb://101"),
    )  # fmt: skip
    rig.plex.add_item(
        "episode", "Good News About Hell", "2", show="Severance", season=1, episode=1,
        resolution="720",
    )  # fmt: skip
    rig.prowlarr.add_indexer(
        "Films",
        releases=[
            SimRelease("The.Matrix.1999.1080p.BluRay.x264-GRP", category=2040),
            SimRelease("The.Matrix.1999.2160p.UHD.BluRay.x265-GRP", category=2045),
            SimRelease("Severance.S01E01.1080p.WEB.h264-GRP", category=5040),
            SimRelease(
                "The.Professional.1994.1080p.BluRay.x264-GRP", category=2040, imdb_id=110413
            ),
            SimRelease("Severance.S01E02.1080p.WEB.h264-GRP", category=5040),
        ],
    )
    await rig.poll_until(lambda: rig.engine.library.loaded, what="the library index")

    def marked(query: str) -> dict[str, dict[str, object]]:
        return {
            a.release.title: marks_json(rig.engine.marks(a))
            for a in outcome[query].assessments.values()
        }

    queries = ("matrix", "severance", "professional")
    outcome = {q: await rig.engine.search.search_all(q) for q in queries}
    matrix, severance = marked("matrix"), marked("severance")
    assert marked("professional")["The.Professional.1994.1080p.BluRay.x264-GRP"]["in_plex"] == {
        "key": "1002",
        "title": "Léon: The Professional (1994)",
        "resolution": "2160p",
    }
    in_plex = matrix["The.Matrix.1999.1080p.BluRay.x264-GRP"]["in_plex"]
    assert in_plex == {"key": "1001", "title": "The Matrix (1999)", "resolution": "1080p"}
    assert matrix["The.Matrix.1999.2160p.UHD.BluRay.x265-GRP"]["in_plex"] == in_plex
    assert severance["Severance.S01E01.1080p.WEB.h264-GRP"]["in_plex"] == {
        "key": "1003",
        "title": "Severance S01E01",
        "resolution": "720p",
    }
    assert severance["Severance.S01E02.1080p.WEB.h264-GRP"]["in_plex"] is None

    # Asked by name for what Plex has as well: refused, saying so. A better copy is grabbed.
    with pytest.raises(AlreadyInPlexError, match="The Matrix is already in Plex in 1080p") as info:
        await rig.engine.best.grab("the matrix 1999 1080p", "movies", origin=Origin.VOICE)
    assert await asyncio.to_thread(qbittorrent5.torrents) == []
    # What it would have grabbed is offered, and grabbed only when asked for anyway.
    offer = info.value.offer
    assert (
        offer is not None and offer.choice.release.title == "The.Matrix.1999.1080p.BluRay.x264-GRP"
    )
    assert info.value.found.resolution == "1080p"
    better = await rig.engine.best.grab("severance s01e01", "tv", origin=Origin.VOICE)
    assert better.choice.release.title == "Severance.S01E01.1080p.WEB.h264-GRP"

    anyway = await rig.engine.best.take(offer, origin=Origin.VOICE)
    assert anyway.result.name == "The.Matrix.1999.1080p.BluRay.x264-GRP"
    assert anyway.choice is offer.choice

    # The grabbed release is marked with its progress in qBittorrent.
    await rig.poll_until(
        lambda: better.result.hash in rig.engine.downloads.model.torrents, what="the grab"
    )
    again = await rig.engine.search.search_all("severance")
    [mark] = [
        marks_json(rig.engine.marks(a))
        for a in again.assessments.values()
        if a.release.title == "Severance.S01E01.1080p.WEB.h264-GRP"
    ]
    assert mark["downloading"] == 0.0
