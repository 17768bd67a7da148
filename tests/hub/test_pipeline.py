"""The download pipeline against real qBittorrent (5.3 and 4.5) and the simulators."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
import logging
import signal
import time

import pytest

from custom_components.mediahub.hub.errors import (
    InvalidInputError,
    ServiceUnavailableError,
)
from custom_components.mediahub.hub.events import DownloadAdded, DownloadCompleted, ScanRequested
from custom_components.mediahub.hub.models import IndexerSearchStatus, Release
from custom_components.mediahub.hub.releases.search import ResultsBatch
from tests.simulators.plex import Refresh
from tests.simulators.prowlarr import SimRelease
from tests.support.qbittorrent import QbtInstance, SeededTorrent, connect_to_seeder

from .conftest import PLEX_ROOT, Rig, RigFactory

_LOGGER = logging.getLogger(__name__)


def offer(rig: Rig, torrent: SeededTorrent, title: str, category: int = 2045) -> None:
    """Make the Prowlarr simulator list a seeded torrent under `title`."""
    rig.prowlarr.add_indexer(
        "Seeds",
        releases=[
            SimRelease(
                title,
                category=category,
                size=len(torrent.payload),
                torrent=torrent.torrent_bytes,
                infohash=torrent.infohash,
            )
        ],
    )


async def find(rig: Rig, query: str) -> Release:
    outcome = await rig.engine.search.search_all(query)
    assert outcome.releases, f"no results for {query!r}: {outcome.indexers}"
    return outcome.releases[0]


def hashes_in(qbt: QbtInstance) -> list[str]:
    return [str(t["hash"]) for t in qbt.torrents()]


async def test_search_grab_download_complete_and_scan(
    qbittorrent: QbtInstance, seeded: Callable[..., SeededTorrent], make_rig: RigFactory
) -> None:
    torrent = await asyncio.to_thread(
        seeded, "Dune.Part.Two.2024.2160p", 6 * 1024 * 1024, folder=True
    )
    rig = await make_rig(qbittorrent)
    offer(rig, torrent, "Dune Part Two 2024 2160p WEB-DL")
    await rig.poll_until(
        lambda: rig.engine.downloads.model.snapshots > 0, what="the first snapshot"
    )

    started = time.monotonic()
    release = await find(rig, "dune part two")
    searched = time.monotonic()
    assert release.category == "movies"
    result = await rig.engine.downloads.grab(release.id)
    grabbed = time.monotonic()
    assert (result.hash, result.category, result.queued) == (torrent.infohash, "movies", False)
    await asyncio.to_thread(connect_to_seeder, qbittorrent, torrent)
    await rig.poll_until(lambda: bool(rig.of_type(DownloadCompleted)), what="the completion event")
    completed = time.monotonic()
    await rig.poll_until(lambda: bool(rig.plex.refreshes), timeout=60, what="the Plex scan")

    [done] = rig.of_type(DownloadCompleted)
    folder = rig.media / "movies" / "Dune.Part.Two.2024.2160p"
    assert (done.download.hash, done.download.name, done.download.category) == (
        torrent.infohash,
        "Dune.Part.Two.2024.2160p",
        "movies",
    )
    # One file in a folder: qBittorrent's content path is the file; the scan is of its folder.
    assert done.download.content_path == str(folder / "Dune.Part.Two.2024.2160p.mkv")
    assert done.download.size == len(torrent.payload)
    assert (folder / "Dune.Part.Two.2024.2160p.mkv").read_bytes() == torrent.payload
    expected_path = f"{PLEX_ROOT}/movies/Dune.Part.Two.2024.2160p"
    assert rig.plex.refreshes == [Refresh(section="1", path=expected_path, force=False)]
    assert rig.of_type(ScanRequested) == [ScanRequested("1", "Movies", expected_path)]
    assert [e.grab.hash for e in rig.of_type(DownloadAdded)] == [torrent.infohash]
    view = rig.engine.downloads.snapshot().downloads[torrent.infohash]
    assert view.from_mediahub and view.scan_sent and "mediahub" in view.tags
    assert (
        rig.settings.torrents_path / f"{torrent.infohash}.torrent"
    ).read_bytes() == torrent.torrent_bytes
    _LOGGER.warning(
        "loopback flow on qBittorrent %s: search %.2fs, grab %.2fs, download+completion %.2fs",
        qbittorrent.version,
        searched - started,
        grabbed - searched,
        completed - grabbed,
    )


async def test_magnet_redirect_is_added_as_magnet(
    qbittorrent5: QbtInstance, make_rig: RigFactory
) -> None:
    rig = await make_rig(qbittorrent5)
    rig.prowlarr.add_indexer(
        "Magnets",
        releases=[SimRelease("Night of the Living Dead 1968", category=2000, magnet=True)],
    )
    release = await find(rig, "living dead")
    result = await rig.engine.downloads.grab(release.id)
    assert result.hash == release.infohash
    assert hashes_in(qbittorrent5) == [release.infohash]
    assert (
        (rig.settings.torrents_path / f"{release.infohash}.magnet")
        .read_text()
        .startswith("magnet:?xt=urn:btih:")
    )


async def test_slow_and_hung_indexers_do_not_delay_the_fast_one(
    make_rig: RigFactory, qbittorrent5: QbtInstance
) -> None:
    rig = await make_rig(qbittorrent5, start=False)
    rig.engine.search.deadline = 5.0  # far above the slow one's 0.8 s, even on a loaded machine
    for indexer in list(rig.prowlarr.indexers.values()):
        indexer.mode = "disabled"
    rig.prowlarr.add_indexer(
        "Fast", latency=0.05, releases=[SimRelease("Arrival 2016 1080p", category=2040)]
    )
    rig.prowlarr.add_indexer(
        "Slow", latency=0.8, releases=[SimRelease("Arrival 2016 720p", category=2040)]
    )
    rig.prowlarr.add_indexer("Hung", mode="hang", releases=[SimRelease("Arrival 2016 480p")])

    started = time.monotonic()
    timeline: list[tuple[float, object]] = []
    async for event in rig.engine.search.search("arrival"):
        timeline.append((time.monotonic() - started, event))
    batches = [(t, e) for t, e in timeline if isinstance(e, ResultsBatch)]
    finals = {
        e.name: (t, e)
        for t, e in timeline
        if isinstance(e, IndexerSearchStatus) and e.state != "pending"
    }

    assert [e.releases[0].title for _, e in batches] == ["Arrival 2016 1080p", "Arrival 2016 720p"]
    assert batches[0][0] < 0.8  # the fast indexer's results did not wait for the slow one
    assert batches[1][0] < 2.0  # nor the slow one's for the hung one
    assert finals["Hung"][1].state == "timed_out", finals["Hung"]
    assert finals["Fast"][1].state == "ok" and finals["Fast"][1].count == 1
    assert [e.name for _, e in timeline[:3]] == [
        "Fast",
        "Slow",
        "Hung",
    ]  # all shown as pending first


async def test_grab_while_qbittorrent_is_down_survives_an_engine_restart(
    qbittorrent: QbtInstance, make_rig: RigFactory
) -> None:
    first = await make_rig(qbittorrent)
    rig_release = await find(first, "S05E02")
    await asyncio.to_thread(qbittorrent.stop)
    result = await first.engine.downloads.grab(rig_release.id, category="tv")
    assert result.queued
    with pytest.raises(ServiceUnavailableError):
        await first.engine.downloads.refresh()
    del first  # the process that made the grab is gone

    second = await make_rig(qbittorrent)
    assert [g.hash for g in second.engine.downloads.outbox] == [result.hash]
    await asyncio.to_thread(qbittorrent.start)
    await second.poll_until(
        lambda: result.hash in second.engine.downloads.model.torrents, what="delivery"
    )
    for _ in range(3):
        await second.engine.downloads.refresh()
    assert hashes_in(qbittorrent) == [result.hash]
    assert [e.grab.hash for e in second.of_type(DownloadAdded)] == [result.hash]
    [added] = qbittorrent.torrents()
    assert added["category"] == "tv"
    assert second.engine.downloads.outbox == []


async def test_session_expiry_relogs_in_and_keeps_the_model_right(
    qbittorrent: QbtInstance, make_rig: RigFactory
) -> None:
    rig = await make_rig(qbittorrent)
    release = await find(rig, "S05E02")
    result = await rig.engine.downloads.grab(release.id)
    await rig.poll_until(lambda: result.hash in rig.engine.downloads.model.torrents)
    await rig.engine.downloads.refresh()
    rid_before = rig.engine.downloads.model.rid
    assert rid_before > 0

    await asyncio.to_thread(qbittorrent.restart)  # a new qBittorrent process: our session is void
    await rig.engine.downloads.refresh()
    assert rig.engine.downloads.model.snapshots == 2  # a full snapshot of the new session
    await rig.engine.downloads.pause(result.hash)
    await rig.poll_until(
        lambda: rig.engine.downloads.snapshot().downloads[result.hash].status == "stopped",
        timeout=60,
        what="the pause to show",
    )
    assert set(rig.engine.downloads.model.torrents) == set(hashes_in(qbittorrent))


async def test_grab_then_sigkill_is_there_exactly_once_and_removed_ones_stay_gone(
    qbittorrent: QbtInstance, make_rig: RigFactory
) -> None:
    rig = await make_rig(qbittorrent)
    await rig.engine.downloads.refresh()
    releases = (await rig.engine.search.search_all("")).releases
    first = await rig.engine.downloads.grab(releases[0].id)
    await asyncio.to_thread(qbittorrent.stop, signal.SIGKILL)  # within a second of the add
    await asyncio.to_thread(qbittorrent.start)
    await rig.poll_until(
        lambda: first.hash in rig.engine.downloads.model.torrents, what="the grab after the crash"
    )
    await rig.engine.downloads.refresh()
    assert hashes_in(qbittorrent) == [first.hash]

    # Removed through qBittorrent's own API while it is up: MediaHub must not bring it back.
    await asyncio.to_thread(
        qbittorrent.api,
        "POST",
        "torrents/delete",
        data={"hashes": first.hash, "deleteFiles": "false"},
    )
    await rig.poll_until(
        lambda: first.hash not in rig.engine.downloads.model.torrents, what="the removal"
    )
    await asyncio.to_thread(qbittorrent.restart)
    await rig.poll_until(lambda: rig.engine.downloads.model.snapshots >= 3, what="the next session")
    await rig.engine.downloads.refresh()
    assert hashes_in(qbittorrent) == []


async def test_bad_input_is_a_clear_error_and_changes_nothing(
    qbittorrent5: QbtInstance, make_rig: RigFactory
) -> None:
    rig = await make_rig(qbittorrent5)
    await rig.engine.downloads.refresh()
    release = await find(rig, "S05E02")
    cases = [
        (rig.engine.downloads.grab("no-such-release"), "unknown_release"),
        (rig.engine.downloads.grab(release.id, category="anime"), "unknown_category"),
        (rig.engine.downloads.add_torrent("magnet:?xt=urn:btih:nothex&dn=x"), "invalid_magnet"),
        (rig.engine.downloads.add_torrent("ftp://example/x.torrent"), "invalid_source"),
        (rig.engine.downloads.pause("not-a-hash"), "invalid_hash"),
        (rig.engine.downloads.resume("0" * 40), "unknown_download"),
        (rig.engine.downloads.redownload("1" * 40), "no_stored_torrent"),
        (rig.engine.downloads.scan_library("1", "/somewhere/else"), "path_outside_library"),
        (rig.engine.downloads.scan_library("99"), "unknown_library"),
    ]
    for call, code in cases:
        with pytest.raises(InvalidInputError) as err:
            await call
        assert err.value.code == code
        assert str(err.value)
    assert qbittorrent5.torrents() == []
    assert rig.plex.refreshes == []
    assert not (rig.settings.state_path / "state.json").exists()
    assert not rig.settings.torrents_path.exists() or not any(rig.settings.torrents_path.iterdir())


async def test_unreachable_services_are_typed_errors(
    qbittorrent5: QbtInstance, make_rig: RigFactory
) -> None:
    rig = await make_rig(qbittorrent5)
    await rig.prowlarr.stop()
    with pytest.raises(ServiceUnavailableError) as err:
        await rig.engine.search.search_all("anything")
    assert err.value.service == "Prowlarr"
    await rig.plex.stop()
    with pytest.raises(ServiceUnavailableError) as err:
        await rig.engine.downloads.scan_library("1")
    assert err.value.service == "Plex"
    await asyncio.to_thread(qbittorrent5.stop)
    with pytest.raises(ServiceUnavailableError) as err:
        await rig.engine.downloads.refresh()
    assert err.value.service == "qBittorrent"
    assert rig.prowlarr.api_key not in str(err.value)
