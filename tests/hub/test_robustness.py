"""Faults survived: qBittorrent or the engine dying mid-download, Prowlarr misbehaving, Plex down
during a completion, gluetun away or refusing, a wrong password that must not get us banned."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
import signal

import aiohttp
import pytest

from custom_components.mediahub.hub.clients.gluetun import GluetunClient
from custom_components.mediahub.hub.errors import AuthenticationError, ServiceUnavailableError
from custom_components.mediahub.hub.events import DownloadAdded, DownloadCompleted, ScanRequested
from custom_components.mediahub.hub.lifecycle.scan import SCAN_RETRY_AFTER
from custom_components.mediahub.hub.models import IndexerState, Stage
from tests.simulators.gluetun import GluetunSimulator
from tests.simulators.plex import Refresh
from tests.simulators.prowlarr import SimRelease
from tests.support.qbittorrent import QbtInstance, SeededTorrent, connect_to_seeder, launch

from .conftest import PLEX_ROOT, Rig, RigFactory


async def start_slow_download(rig: Rig, seeder: QbtInstance, torrent: SeededTorrent) -> str:
    """Grab a seeded torrent through the engine, with the seeder throttled."""
    await asyncio.to_thread(
        seeder.api, "POST", "transfer/setUploadLimit", data={"limit": 2 * 1024 * 1024}
    )
    rig.prowlarr.add_indexer(
        "Seeds",
        releases=[
            SimRelease(
                "Sintel 2010 1080p",
                category=2040,
                torrent=torrent.torrent_bytes,
                infohash=torrent.infohash,
            )
        ],
    )
    release = (await rig.engine.search.search_all("sintel 2010")).releases[0]
    result = await rig.engine.downloads.grab(release.id)
    await asyncio.to_thread(connect_to_seeder, rig.qbittorrent, torrent)

    def partly_done() -> bool:
        view = rig.engine.downloads.snapshot().downloads.get(result.hash)
        return view is not None and 0 < view.progress < 1

    await rig.poll_until(partly_done, timeout=30, what="the download to be under way")
    return result.hash


async def test_qbittorrent_killed_mid_download_recovers_and_finishes(
    qbittorrent5: QbtInstance,
    seeder: QbtInstance,
    seeded: Callable[..., SeededTorrent],
    make_rig: RigFactory,
) -> None:
    torrent = await asyncio.to_thread(seeded, "Sintel.2010.1080p", 16 * 1024 * 1024, folder=True)
    rig = await make_rig(qbittorrent5)
    infohash = await start_slow_download(rig, seeder, torrent)

    await asyncio.to_thread(qbittorrent5.stop, signal.SIGKILL)
    with pytest.raises(ServiceUnavailableError):
        await rig.engine.downloads.refresh()
    other = (await rig.engine.search.search_all("S05E02")).releases[0]
    queued = await rig.engine.downloads.grab(other.id, category="tv")  # made while it is down
    assert queued.queued

    await asyncio.to_thread(qbittorrent5.start)
    await rig.poll_until(
        lambda: {infohash, queued.hash} <= set(rig.engine.downloads.model.torrents),
        what="both torrents",
    )
    await asyncio.to_thread(
        connect_to_seeder, qbittorrent5, torrent
    )  # peers are not kept across a restart
    await rig.poll_until(
        lambda: bool(rig.of_type(DownloadCompleted)), timeout=60, what="the completion"
    )
    for _ in range(3):
        await rig.engine.downloads.refresh()

    assert sorted(t["hash"] for t in await asyncio.to_thread(qbittorrent5.torrents)) == sorted(
        [infohash, queued.hash]
    )
    assert [e.grab.hash for e in rig.of_type(DownloadAdded)].count(queued.hash) == 1
    [done] = rig.of_type(DownloadCompleted)
    assert done.download.hash == infohash
    assert (
        rig.media / "movies" / "Sintel.2010.1080p" / "Sintel.2010.1080p.mkv"
    ).read_bytes() == torrent.payload


async def test_engine_restarted_mid_download_still_reports_the_completion(
    qbittorrent5: QbtInstance,
    seeder: QbtInstance,
    seeded: Callable[..., SeededTorrent],
    make_rig: RigFactory,
) -> None:
    torrent = await asyncio.to_thread(seeded, "Sintel.2010.1080p", 12 * 1024 * 1024, folder=True)
    first = await make_rig(qbittorrent5)
    infohash = await start_slow_download(first, seeder, torrent)
    del first  # the process holding the engine is gone; qBittorrent carries on

    second = await make_rig(qbittorrent5)
    await second.poll_until(
        lambda: bool(second.of_type(DownloadCompleted)), timeout=60, what="the completion"
    )
    await second.poll_until(lambda: bool(second.plex.refreshes), timeout=60, what="the scan")
    assert [e.download.hash for e in second.of_type(DownloadCompleted)] == [infohash]
    assert second.plex.refreshes == [Refresh("1", f"{PLEX_ROOT}/movies/Sintel.2010.1080p", False)]
    third = await make_rig(qbittorrent5)  # and not scanned twice: qBittorrent has the mark
    for _ in range(3):
        await third.engine.downloads.refresh()
    assert len(second.plex.refreshes) == 1
    assert third.engine.downloads.snapshot().downloads[infohash].stage is Stage.SCAN_SENT


async def test_plex_down_during_a_completion_is_retried_and_reported(
    qbittorrent5: QbtInstance, seeded: Callable[..., SeededTorrent], make_rig: RigFactory
) -> None:
    torrent = await asyncio.to_thread(seeded, "Tears.of.Steel.2012", 2 * 1024 * 1024, folder=True)
    rig = await make_rig(qbittorrent5)
    now = [1_000_000.0]
    rig.engine.downloads._now = rig.engine.lifecycle._scan._now = lambda: now[0]
    rig.prowlarr.add_indexer(
        "Seeds",
        releases=[
            SimRelease(
                "Tears of Steel 2012",
                category=2000,
                torrent=torrent.torrent_bytes,
                infohash=torrent.infohash,
            )
        ],
    )
    release = (await rig.engine.search.search_all("tears of steel")).releases[0]
    await rig.engine.downloads.grab(release.id)
    await asyncio.to_thread(connect_to_seeder, qbittorrent5, torrent)
    rig.plex.available = False
    await rig.poll_until(lambda: bool(rig.of_type(DownloadCompleted)), what="the completion")
    await rig.engine.downloads.refresh()
    assert rig.engine.downloads.pending_scans == 1
    assert rig.plex.refreshes == []
    rig.plex.available = True
    await rig.engine.downloads.refresh()
    assert rig.plex.refreshes == []  # not before the retry time
    now[0] += SCAN_RETRY_AFTER + 1
    await rig.engine.downloads.refresh()
    assert rig.plex.refreshes == [Refresh("1", f"{PLEX_ROOT}/movies/Tears.of.Steel.2012", False)]
    assert rig.engine.downloads.pending_scans == 0
    assert rig.engine.downloads.snapshot().downloads[torrent.infohash].scan_sent
    assert len(rig.of_type(ScanRequested)) == 1


@pytest.mark.parametrize(
    ("mode", "state", "count"),
    [
        ("error", IndexerState.ERROR, 0),
        ("malformed", IndexerState.ERROR, 0),
        ("empty", IndexerState.OK, 0),
        ("hang", IndexerState.TIMED_OUT, 0),
    ],
)
async def test_a_misbehaving_indexer_costs_only_its_own_chip(
    qbittorrent5: QbtInstance, make_rig: RigFactory, mode: str, state: IndexerState, count: int
) -> None:
    rig = await make_rig(qbittorrent5, start=False)
    rig.engine.search.deadline = 5.0
    rig.prowlarr.add_indexer("Odd", mode=mode, releases=[SimRelease("Series Title S05E02 Odd")])
    outcome = await rig.engine.search.search_all("S05E02")
    statuses = {s.name: s for s in outcome.indexers}
    assert (statuses["Odd"].state, statuses["Odd"].count) == (state, count)
    assert statuses["The Pirate Bay"].state is IndexerState.OK
    assert "Series Title S05E02 HDTV x264-Xclusive [eztv]" in [r.title for r in outcome.releases]


async def test_prowlarr_failing_outright_is_a_clear_error(
    qbittorrent5: QbtInstance, make_rig: RigFactory
) -> None:
    rig = await make_rig(qbittorrent5, start=False)
    rig.prowlarr.available = False
    with pytest.raises(ServiceUnavailableError) as err:
        await rig.engine.search.search_all("x")
    assert err.value.service == "Prowlarr"
    rig.prowlarr.available = True
    rig.engine.prowlarr._headers["X-Api-Key"] = "wrong"
    rig.engine.search._indexers = None
    with pytest.raises(AuthenticationError):
        await rig.engine.search.search_all("x")


async def test_gluetun_down_or_refusing(gluetun_sim: GluetunSimulator) -> None:
    async with aiohttp.ClientSession() as session:
        with pytest.raises(AuthenticationError):
            await GluetunClient(session, gluetun_sim.url, "wrong").status(None)
        await gluetun_sim.stop()
        with pytest.raises(ServiceUnavailableError):
            await GluetunClient(session, gluetun_sim.url, gluetun_sim.api_key).status(None)


async def test_a_wrong_password_never_gets_mediahub_banned(tmp_path, make_rig: RigFactory) -> None:  # type: ignore[no-untyped-def]
    from tests.support.qbittorrent import available_binaries  # noqa: PLC0415

    binary = next(b for b in available_binaries() if b.major == 5)
    # qBittorrent's default: a ban for an hour after 5 failed logins from one address.
    qbt = await asyncio.to_thread(launch, binary, tmp_path / "strict", None, 5)
    try:
        rig = await make_rig(qbt)
        rig.engine.qbittorrent._client._password = "wrong"
        for _ in range(20):
            with pytest.raises(AuthenticationError):
                await rig.engine.downloads.refresh()
        # Only one login was tried, so the right password still works from this address.
        session = await asyncio.to_thread(qbt.session)
        assert session is not None
    finally:
        await asyncio.to_thread(qbt.stop)
